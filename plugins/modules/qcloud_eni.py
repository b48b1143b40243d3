#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: qcloud_eni
short_description: Create, change and delete Tencent Cloud elastic network interfaces
version_added: 0.2.0
description:
  - Makes "this ENI exists, with these addresses, security groups and tags" (O(state=present)) or "this ENI does
    not exist" (O(state=absent)) true, over Tencent Cloud API 3.0.
  - Finds the ENI by O(network_interface_id), or by O(name) together with O(subnet_id). Exactly one match counts;
    several fail and list their ids; none creates the ENI (O(state=present)) in that subnet, whose VPC it takes.
  - Reads the ENI with one C(DescribeNetworkInterfaces) call, which shows everything the module compares, so a run
    that finds nothing to do makes exactly one API call.
  - Creates with C(CreateNetworkInterface), changes the name, description and security groups with
    C(ModifyNetworkInterfaceAttribute), addresses with C(AssignPrivateIpAddresses) and C(UnassignPrivateIpAddresses)
    (at most 10 a call, so more take several), tags with the Tag API's C(ModifyResourceTags), and deletes with
    C(DeleteNetworkInterface).
  - A create carries a C(ClientToken) that every retry reuses, so a retried create, or one whose answer was lost,
    never makes a second ENI. Assigning addresses carries one too.
  - With O(primary_private_ip_address), a create carries it and as many of the other addresses as
    C(CreateNetworkInterface) takes (10 a call); without it, a create carries no address list (Tencent picks the
    primary), only a O(secondary_private_ip_count), and listed addresses are assigned after it. When a later write of
    the same run fails (a quota refusing more addresses, an address in use), the module deletes the ENI it created and
    says so; when that delete fails too, or still runs when the wait ends, the sentence names the ENI and how to delete it.
  - Waits for the asynchronous writes by reading the ENI until it and each of its addresses are C(AVAILABLE) and
    look as asked (until it is gone, for a delete); a task that failed fails the module with the task's output.
  - An attached ENI is deleted only with O(force=true), which detaches it first. A primary ENI is never deleted.
author:
  - tencent.qcloud contributors (@tencent-qcloud)
options:
  network_interface_id:
    description:
      - The ENI, like V(eni-m6dyj72l). With it, O(name) renames the ENI.
      - Without it, the ENI is the one named O(name) in O(subnet_id).
    type: str
    aliases: [eni_id]
  name:
    description:
      - The ENI's name, at most 60 bytes of printable characters.
      - Needed to create an ENI.
    type: str
  subnet_id:
    description:
      - The subnet of the ENI, like V(subnet-gz3a0001). A new ENI is created there, in the subnet's VPC and zone.
      - With O(network_interface_id), the module fails if the ENI is in another subnet (an ENI cannot move).
    type: str
  description:
    description:
      - The ENI's description, at most 60 printable characters. Left as it is when not given.
    type: str
  security_group_ids:
    description:
      - The security groups of the ENI, like V(sg-web00001), in priority order (the first one is checked first).
      - The ENI ends with exactly these groups in this order; V([]) removes them all. Left as they are when not given.
      - Unknown groups fail the module before any change.
    type: list
    elements: str
  primary_private_ip_address:
    description:
      - The primary private IPv4 address of a new ENI, in its subnet. Tencent Cloud picks it when not given.
      - It is sent as the primary address of C(CreateNetworkInterface), with up to 9 secondary addresses (or a count of
        up to 10) in the same call, so that a quota or an address in use refuses the create itself and nothing is made.
      - A primary address never changes; with an existing ENI whose primary address differs, the module fails before
        any write.
    type: str
  private_ip_addresses:
    description:
      - Secondary private IPv4 addresses the ENI must have, in its subnet. Tencent Cloud picks the primary address
        unless O(primary_private_ip_address) is given.
      - Without O(primary_private_ip_address), a new ENI is created without addresses (Tencent Cloud picks its primary)
        and these are assigned after it.
      - Addresses missing from the ENI are assigned. With O(purge_private_ip_addresses=true), secondary addresses
        not listed are removed; the primary address is never removed.
      - Mutually exclusive with O(secondary_private_ip_count).
    type: list
    elements: str
  secondary_private_ip_count:
    description:
      - How many secondary private addresses the ENI must have, whichever Tencent Cloud picks.
      - Fewer are topped up; more are cut back to this number (the last ones listed go first).
      - Mutually exclusive with O(private_ip_addresses).
    type: int
  purge_private_ip_addresses:
    description:
      - Remove the secondary addresses that O(private_ip_addresses) does not list.
      - Needs O(private_ip_addresses) (V([]) removes every secondary address).
    type: bool
    default: false
  tags:
    description:
      - "Tags of the ENI, as a dictionary of strings. Keys have at most 127 and values at most 255 letters, digits,
        spaces, round brackets and C(+ - = . _ : / @ [ ]); keys starting with C(qcloud), C(tencent) or C(project) are reserved."
      - Left as they are when not given, whatever O(purge_tags) says.
    type: dict
  purge_tags:
    description:
      - Remove the tags that O(tags) does not list.
    type: bool
    default: true
  state:
    description:
      - V(present) creates or changes the ENI; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), detach an attached ENI (and wait) before deleting it.
      - Without it, deleting an attached ENI fails and names the instance that holds it.
    type: bool
    default: false
  wait:
    description:
      - Wait until the ENI and all its addresses are C(AVAILABLE) (or the ENI is gone) after the writes.
      - With V(false) the module returns right after its last write, with the predicted RV(network_interface);
        a write that needs an earlier one finished (addresses after a create, a delete after a detach) still waits
        for it. A later run waits for the ENI to settle and converges.
    type: bool
    default: true
  api_version:
    description:
      - The wire protocol. This module speaks Tencent Cloud API 3.0 only (JSON, TC3-HMAC-SHA256 signatures); keep the
        default V(3.0); V(2.0) fails before any call.
  wait_timeout:
    description:
      - Seconds the whole module may wait for the ENI to settle; the one deadline of everything it does while waiting.
        Busy answers are waited out and retries made until then (none starts after it), and the call in flight then
        ends within O(api_timeout).
      - Each wait ends when C(DescribeNetworkInterfaces) shows what the write did (reads lag behind writes, so a new
        ENI may not show at once and an address may show late); if the read has not caught up by then, the module
        fails saying that the task succeeded and the read had not caught up.
    type: int
    default: 300
extends_documentation_fragment:
  - tencent.qcloud.qcloud
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - Reads the ENI (and, to create one or change its groups, the subnet and the groups), makes no write, and
        predicts whether it would change and RV(network_interface).
      - Addresses that Tencent Cloud would pick are not known in check mode; the prediction lists the known ones.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details:
      - The diff shows every attribute the module manages, before and after, including
        C(secondary_private_ip_count), which counts the secondary addresses that Tencent Cloud is still to pick.
  action_group:
    description: Use C(group/tencent.qcloud.qcloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tencent.qcloud.qcloud
notes:
  - API 3.0 only; O(api_version=2.0) fails before any call.
  - Tags are changed through the Tag API (C(tag.tencentcloudapi.com)); with a Tencent O(api_endpoint) such as
    C(https://vpc.ap-guangzhou.tencentcloudapi.com) the module uses the matching C(tag.) host, with any other
    endpoint (a proxy, a simulator) the same one.
seealso:
  - module: tencent.qcloud.qcloud_eni_attach
  - module: tencent.qcloud.qcloud_eni_info
  - name: CreateNetworkInterface API 3.0
    description: Tencent Cloud's reference of the create call.
    link: https://www.tencentcloud.com/document/api/215/15818
"""

EXAMPLES = r"""
# The examples run as written against the collection's simulator (tests/simulator) and its default world.
- name: Give web-1 a second network interface, with two more addresses, two security groups and an owner
  tencent.qcloud.qcloud_eni:
    name: web-1-eth1
    subnet_id: subnet-gz3a0001
    description: second leg of web-1
    security_group_ids: [sg-web00001, sg-app00001]
    private_ip_addresses: [10.0.1.101, 10.0.1.102]
    tags:
      owner: web-team
  register: eth1

- name: Show its addresses, the primary one first
  ansible.builtin.debug:
    msg: "{{ eth1.network_interface.private_ip_addresses }}"

- name: See what swapping the groups' priority would change, without changing it
  tencent.qcloud.qcloud_eni:
    network_interface_id: "{{ eth1.network_interface.network_interface_id }}"
    security_group_ids: [sg-app00001, sg-web00001]
  check_mode: true
  diff: true

- name: Keep only one secondary address and add a tag, leaving the other tags alone
  tencent.qcloud.qcloud_eni:
    name: web-1-eth1
    subnet_id: subnet-gz3a0001
    private_ip_addresses: [10.0.1.102]
    purge_private_ip_addresses: true
    tags:
      env: staging
    purge_tags: false

- name: An ENI with three addresses that Tencent Cloud picks
  tencent.qcloud.qcloud_eni:
    name: batch-worker
    subnet_id: subnet-gz3a0001
    secondary_private_ip_count: 3

- name: An ENI whose primary address is chosen, with two secondary ones, all in one create call
  tencent.qcloud.qcloud_eni:
    name: db-1-eth1
    subnet_id: subnet-gz3a0001
    primary_private_ip_address: 10.0.1.120
    private_ip_addresses: [10.0.1.121, 10.0.1.122]

- name: Delete an ENI, detaching it first if an instance holds it
  tencent.qcloud.qcloud_eni:
    name: batch-worker
    subnet_id: subnet-gz3a0001
    state: absent
    force: true

- name: Delete web-1's second interface
  tencent.qcloud.qcloud_eni:
    network_interface_id: "{{ eth1.network_interface.network_interface_id }}"
    state: absent
"""

RETURN = r"""
network_interface:
  description:
    - The ENI as it is after the module ran (the last read of the wait), or as predicted in check mode and with
      O(wait=false).
    - V(null) when the ENI does not exist (O(state=absent)).
  returned: always
  type: dict
  contains:
    network_interface_id:
      description: The ENI id (V(null) for an ENI predicted in check mode).
      type: str
      sample: eni-m6dyj72l
    name:
      description: The ENI name.
      type: str
      sample: web-1-eth1
    description:
      description: The ENI description.
      type: str
      sample: second leg of web-1
    vpc_id:
      description: The VPC of the ENI.
      type: str
      sample: vpc-gz000001
    subnet_id:
      description: The subnet of the ENI.
      type: str
      sample: subnet-gz3a0001
    zone:
      description: The availability zone of the ENI.
      type: str
      sample: ap-guangzhou-3
    zone_id:
      description:
        - The numeric zone id that API 2.0 gives instead of the zone name; V(null) here, as this module speaks API 3.0,
          which names the zone in C(zone).
      type: int
      sample: null
    state:
      description: V(AVAILABLE) when settled; V(PENDING), V(ATTACHING), V(DETACHING) or V(DELETING) while a task runs.
      type: str
      sample: AVAILABLE
    primary:
      description: Whether this is the primary ENI of its instance.
      type: bool
      sample: false
    mac_address:
      description: The MAC address.
      type: str
      sample: "20:90:6F:00:00:01"
    private_ip_addresses:
      description: The private IPv4 addresses, primary first.
      type: list
      elements: str
      sample: ["10.0.1.40", "10.0.1.101", "10.0.1.102"]
    primary_private_ip_address:
      description: The primary private address (V(null) when predicted for a new ENI).
      type: str
      sample: 10.0.1.40
    security_group_ids:
      description: The security groups, in priority order.
      type: list
      elements: str
      sample: ["sg-web00001", "sg-app00001"]
    tags:
      description: The tags.
      type: dict
      sample: {"owner": "web-team"}
    created_time:
      description: When the ENI was created, C(YYYY-MM-DD hh:mm:ss).
      type: str
      sample: "2026-11-25 20:00:00"
    attachment:
      description: The instance the ENI is attached to, or V(null).
      type: dict
      contains:
        instance_id:
          description: The instance.
          type: str
          sample: ins-run00001
        device_index:
          description: The device index on the instance.
          type: int
          sample: 1
        attach_time:
          description: When it was attached.
          type: str
          sample: "2026-11-25 20:00:00"
task_ids:
  description: The ids of the asynchronous tasks the module started, in order (the RequestId of each write).
  returned: always
  type: list
  elements: str
  sample: ["5b2a8e4c-9f0e-4c43-8f7e-0d5c4e3b8f11"]
credential_source:
  description: Where the keys came from (never the keys themselves).
  returned: when the module got as far as calling the API
  type: str
  sample: environment (TENCENTCLOUD_SECRET_ID)
diff:
  description: The attributes the module manages, before and after (an empty dict for an ENI that does not exist).
  returned: always
  type: dict
  sample: {"before": {"security_group_ids": ["sg-web00001", "sg-app00001"], "secondary_private_ip_count": 1},
           "after": {"security_group_ids": ["sg-app00001", "sg-web00001"], "secondary_private_ip_count": 3}}
error:
  description: The API error behind a failure.
  returned: on failure caused by an API error
  type: dict
  contains:
    code:
      description: The API code, or C(ClientError.*) for transport errors.
      type: str
      sample: ResourceInsufficient.Subnet
    message:
      description: The API's own message.
      type: str
    request_id:
      description: The RequestId of the failed call, for a support ticket.
      type: str
    action:
      description: The API action that failed.
      type: str
      sample: CreateNetworkInterface
"""

import copy
import re
import unicodedata

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    MODULE_API_V3_ONLY,
    MODULE_ATTACHED_DELETE,
    MODULE_BAD_ADDRESS,
    MODULE_BAD_TAG,
    MODULE_BAD_TEXT,
    MODULE_CHANGED_MEANWHILE,
    MODULE_CREATE_DELETING,
    MODULE_CREATE_LEFT,
    MODULE_CREATE_UNDONE,
    MODULE_DELETE_REFUSED,
    MODULE_DUPLICATE,
    MODULE_EMPTY,
    MODULE_ENI_AMBIGUOUS,
    MODULE_ENI_IDENTITY,
    MODULE_ENI_NOT_FOUND,
    MODULE_ENI_VANISHED,
    MODULE_ENI_WAIT_TIMEOUT,
    MODULE_GROUPS_NOT_FOUND,
    MODULE_IGNORED,
    MODULE_LIFECYCLE_NOT_FOUND,
    MODULE_LIFECYCLE_QUOTA,
    MODULE_NEGATIVE,
    MODULE_PRIMARY_DELETE,
    MODULE_PRIMARY_FIXED,
    MODULE_PRIMARY_LISTED,
    MODULE_PURGE_NEEDS_LIST,
    MODULE_READ_LAG,
    MODULE_SUBNET_MISMATCH,
    MODULE_SUBNET_NOT_FOUND,
    MODULE_TASK_FAILED,
    MODULE_TOO_LONG,
    READ_LAG_OUTCOMES,
    TAG_PROBLEMS,
    QcloudApiError,
    QcloudError,
    explain,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._connection import show
from ansible_collections.tencent.qcloud.plugins.module_utils._module import QcloudModule
from ansible_collections.tencent.qcloud.plugins.module_utils._tag import tag_changes, tag_problem
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import VpcApi, WriteRefused
from ansible_collections.tencent.qcloud.plugins.module_utils._lifecycle import ADDRESSES_PER_CALL, EniLifecycle, chunked

NAME_MAX_BYTES = 60
DESCRIPTION_MAX = 60
TAGS_MAX = 50
_IPV4 = re.compile(r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")
# Options that only say what an ENI should look like: with state=absent they have no use.
SHAPE_OPTIONS = ("description", "security_group_ids", "primary_private_ip_address", "private_ip_addresses",
                 "secondary_private_ip_count", "tags")


# -- what the ENI is, and what it should be ---------------------------------------------------------


def secondaries(record):
    primary = record.get("primary_private_ip_address")
    return [ip for ip in record.get("private_ip_addresses") or [] if ip != primary]


def view(record, pending=0):
    """The attributes the module manages, for the diff (an empty dict for no ENI); ``pending``: secondary
    addresses asked for by count that Tencent Cloud has not picked yet (a prediction)."""
    if record is None:
        return {}
    return {
        "network_interface_id": record.get("network_interface_id"),
        "name": record.get("name"),
        "description": record.get("description"),
        "subnet_id": record.get("subnet_id"),
        "security_group_ids": list(record.get("security_group_ids") or []),
        "primary_private_ip_address": record.get("primary_private_ip_address"),
        "secondary_private_ip_addresses": secondaries(record),
        "secondary_private_ip_count": len(secondaries(record)) + pending,
        "tags": dict(record.get("tags") or {}),
        "attached_to": (record.get("attachment") or {}).get("instance_id"),
    }


class Desired:
    """The module's options, as what the ENI should be (None: leave it as it is)."""

    def __init__(self, params):
        self.name = params["name"]
        self.description = params["description"]
        self.groups = params["security_group_ids"]
        self.addresses = params["private_ip_addresses"]
        self.primary = params["primary_private_ip_address"]
        self.count = params["secondary_private_ip_count"]
        self.purge_addresses = params["purge_private_ip_addresses"]
        self.tags = params["tags"]
        self.purge_tags = params["purge_tags"]


class Step:
    """One write: ``kind`` is create, modify, tags, unassign, assign, detach or delete."""

    def __init__(self, kind, **args):
        self.kind = kind
        self.args = args

    def __repr__(self):
        return "Step(%s, %r)" % (self.kind, self.args)

    @property
    def asynchronous(self):
        return self.kind not in ("modify", "tags")


def plan_present(record, want, subnet=None):
    """The writes that make ``record`` (None: no ENI yet, to be created in ``subnet``) what ``want`` says."""
    if record is None:
        # Everything the create call takes goes in it (10 addresses a call, the primary among them when
        # given); without a primary, Tencent picks it from a create without addresses (an address list
        # without a primary is not documented), and the secondary addresses are assigned after.
        addresses = list(want.addresses or [])
        count = want.count or 0
        room = ADDRESSES_PER_CALL - 1 if want.primary else 0
        steps = [Step("create", name=want.name, description=want.description, groups=want.groups, primary=want.primary,
                      addresses=addresses[:room], count=min(count, ADDRESSES_PER_CALL),
                      tags=dict(want.tags or {}), subnet=subnet)]
        steps += [Step("assign", addresses=chunk, count=0) for chunk in chunked(addresses[room:])]
        rest = count - ADDRESSES_PER_CALL
        while rest > 0:
            steps.append(Step("assign", addresses=[], count=min(rest, ADDRESSES_PER_CALL)))
            rest -= ADDRESSES_PER_CALL
        return steps
    steps = []
    changes = {}
    if want.name is not None and want.name != record["name"]:
        changes["name"] = want.name
    if want.description is not None and want.description != (record["description"] or ""):
        changes["description"] = want.description
    if want.groups is not None and list(want.groups) != list(record["security_group_ids"]):
        changes["groups"] = list(want.groups)
    if changes:
        steps.append(Step("modify", **changes))
    if want.tags is not None:
        replace, delete = tag_changes(record["tags"], want.tags, want.purge_tags)
        if replace or delete:
            steps.append(Step("tags", replace=replace, delete=delete))
    have = secondaries(record)
    add, remove, add_count = [], [], 0
    if want.addresses is not None:
        held = set(record["private_ip_addresses"])
        add = [ip for ip in want.addresses if ip not in held]
        if want.purge_addresses:
            remove = [ip for ip in have if ip not in want.addresses]
    elif want.count is not None:
        if want.count > len(have):
            add_count = want.count - len(have)
        else:
            remove = have[want.count:]
    # addresses go before others come, so that a full quota or subnet makes room first
    steps += [Step("unassign", addresses=chunk) for chunk in chunked(remove)]
    steps += [Step("assign", addresses=chunk, count=0) for chunk in chunked(add)]
    while add_count > 0:
        steps.append(Step("assign", addresses=[], count=min(add_count, ADDRESSES_PER_CALL)))
        add_count -= ADDRESSES_PER_CALL
    return steps


def predict(record, step):
    """The record as it will be once ``step`` is done (addresses Tencent picks are not known)."""
    if step.kind == "create":
        subnet = step.args["subnet"]
        return {
            "network_interface_id": None, "name": step.args["name"], "description": step.args["description"] or "",
            "vpc_id": subnet.vpc_id, "subnet_id": subnet.subnet_id, "zone": subnet.zone, "zone_id": None, "state": "AVAILABLE",
            "primary": False, "mac_address": None,
            "private_ip_addresses": ([step.args["primary"]] if step.args["primary"] else []) + list(step.args["addresses"]),
            "attachment": None, "security_group_ids": list(step.args["groups"] or []), "tags": dict(step.args["tags"]),
            "primary_private_ip_address": step.args["primary"], "created_time": None,
        }
    if step.kind == "delete":
        return None
    after = copy.deepcopy(record)
    if step.kind == "modify":
        for option, key in (("name", "name"), ("description", "description"), ("groups", "security_group_ids")):
            if option in step.args:
                after[key] = step.args[option]
    elif step.kind == "tags":
        after["tags"] = dict((k, v) for k, v in after["tags"].items() if k not in step.args["delete"])
        after["tags"].update(step.args["replace"])
    elif step.kind == "unassign":
        after["private_ip_addresses"] = [ip for ip in after["private_ip_addresses"] if ip not in step.args["addresses"]]
    elif step.kind == "assign":
        after["private_ip_addresses"] = after["private_ip_addresses"] + list(step.args["addresses"])
    elif step.kind == "detach":
        after["attachment"] = None
    return after


# -- checking the options (before any call) ---------------------------------------------------------


class Checks:
    def __init__(self, qm):
        self.qm = qm
        self.params = qm.params

    def fail(self, code, **context):
        self.qm.module.fail_json(msg=sentence(code, context))

    def text(self, option, limit, in_bytes):
        value = self.params[option]
        if value is None:
            return
        for char in value:
            if unicodedata.category(char)[0] == "C":
                self.fail(MODULE_BAD_TEXT, option=option, value=show(char))
        length = len(value.encode("utf-8")) if in_bytes else len(value)
        if length > limit:
            self.fail(MODULE_TOO_LONG, option=option, length=length, unit="bytes" if in_bytes else "characters", limit=limit)

    def unique(self, option):
        seen = set()
        for value in self.params[option] or []:
            if value in seen:
                self.fail(MODULE_DUPLICATE, option=option, value=show(value))
            seen.add(value)

    def run(self):
        p = self.params
        qm = self.qm
        if p["api_version"] != "3.0":
            self.fail(MODULE_API_V3_ONLY, module="tencent.qcloud.qcloud_eni")
        qm.check_id("network_interface_id", "eni")
        qm.check_id("subnet_id", "subnet")
        for group in p["security_group_ids"] or []:
            qm.check_value("security_group_ids", group, "sg")
        self.unique("security_group_ids")
        if p["name"] == "":
            self.fail(MODULE_EMPTY, option="name")
        self.text("name", NAME_MAX_BYTES, in_bytes=True)
        self.text("description", DESCRIPTION_MAX, in_bytes=False)
        for address in p["private_ip_addresses"] or []:
            if not _IPV4.fullmatch(address):
                self.fail(MODULE_BAD_ADDRESS, option="private_ip_addresses", value=show(address))
        self.unique("private_ip_addresses")
        primary = p["primary_private_ip_address"]
        if primary is not None and not _IPV4.fullmatch(primary):
            self.fail(MODULE_BAD_ADDRESS, option="primary_private_ip_address", value=show(primary))
        if primary is not None and primary in (p["private_ip_addresses"] or []):
            self.fail(MODULE_PRIMARY_LISTED, value=primary)
        if p["secondary_private_ip_count"] is not None and p["secondary_private_ip_count"] < 0:
            self.fail(MODULE_NEGATIVE, option="secondary_private_ip_count", value=show(p["secondary_private_ip_count"]))
        if p["purge_private_ip_addresses"] and p["private_ip_addresses"] is None:
            self.fail(MODULE_PURGE_NEEDS_LIST)
        tags = p["tags"]
        if tags is not None:
            if len(tags) > TAGS_MAX:
                self.fail(MODULE_TOO_LONG, option="tags", length=len(tags), unit="tags", limit=TAGS_MAX)
            for key, value in tags.items():
                code, detail = tag_problem(key, value)
                if code:
                    self.fail(MODULE_BAD_TAG, tag=show(key), why=TAG_PROBLEMS[code].format(detail=detail))
        qm.check_positive("wait_timeout")
        if not p["network_interface_id"] and not (p["name"] and p["subnet_id"]):
            self.fail(MODULE_ENI_IDENTITY)
        if p["state"] == "absent":
            given = [o for o in SHAPE_OPTIONS if p[o] is not None]
            if given:
                qm.module.warn(sentence(MODULE_IGNORED, {"options": ", ".join(given), "state": "absent"}))
        elif p["force"]:
            qm.module.warn(sentence(MODULE_IGNORED, {"options": "force", "state": "present"}))


# -- the run -----------------------------------------------------------------------------------------

# Refusals of the ENI's own writes have sentences of their own (the catalogue's for these codes are
# about attach and detach, whose refusals keep them).
_REFUSED = {"missing": MODULE_LIFECYCLE_NOT_FOUND, "quota": MODULE_LIFECYCLE_QUOTA, "in_use": MODULE_DELETE_REFUSED}


class EniManager:
    def __init__(self, qm):
        self.qm = qm
        self.module = qm.module
        self.params = qm.params
        self.want = Desired(qm.params)
        self.present = qm.params["state"] == "present"
        qm.context.update(eni=qm.params["network_interface_id"], subnet=qm.params["subnet_id"], name=qm.params["name"],
                          wait_timeout=qm.params["wait_timeout"])
        self.vpc = VpcApi(qm.client("vpc", wait_timeout=qm.params["wait_timeout"]))
        self.deadline = qm.wait_deadline
        self.life = EniLifecycle(self.vpc)
        self.result = {"changed": False, "task_ids": [], "credential_source": qm.credential_source}
        self.created = None  # the ENI this run created, deleted again when a later write fails
        self.pending = 0  # secondary addresses asked for by count, not yet seen (a prediction)

    # -- failing -------------------------------------------------------------------------------

    def fail(self, code, network_interface=None, **context):
        result = dict(self.result)
        if network_interface is not None:
            result["network_interface"] = network_interface
        values = dict(self.qm.context)
        values.update(context)
        # a wait that ran out (the write may yet finish, or has and the read lags) leaves the ENI to a rerun
        self.end_failed(sentence(code, values), code not in (MODULE_ENI_WAIT_TIMEOUT, MODULE_READ_LAG), **result)

    def call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QcloudError as err:
            self.api_failure(err)

    def api_failure(self, err):
        if isinstance(err, WriteRefused) and err.kind in _REFUSED:
            context = dict(self.qm.context, action=err.action, message=err.message or "no message")
            self.end_failed(sentence(_REFUSED[err.kind], context), True, error=err.to_result(), **self.result)
        if isinstance(err, QcloudApiError):
            self.end_failed(explain(err, self.qm.context), True, error=err.to_result(), **self.result)
        self.end_failed(err.msg, True, **self.result)

    def end_failed(self, msg, undo, **result):
        """Fail with ``msg``; after a create of this run, delete that ENI first (``undo``) and say what became of it.
        A wait that timed out (or whose read still lagged) does not undo: the create may still finish, and a later run
        picks the ENI up by name."""
        eni_id, self.created = self.created, None
        if eni_id is not None:
            if undo:
                code, left = self.undo_create(eni_id)
                msg = sentence(code, {"failure": msg.rstrip("."), "eni": eni_id, "message": left, "status": left})
                if code == MODULE_CREATE_UNDONE:
                    result.update(changed=False, network_interface=None)
        self.module.fail_json(msg=msg, **result)

    def undo_create(self, eni_id):
        """Delete the ENI this run created: (the sentence's code, why not or the delete's state)."""
        try:
            task = self.life.delete(eni_id)
            self.result["task_ids"].append(task.task_id)
            waited = self.life.wait(eni_id, task.task_id, self.deadline, lambda record: record is None)
        except WriteRefused as refusal:
            if refusal.kind == "missing":
                return MODULE_CREATE_UNDONE, None  # gone already
            return MODULE_CREATE_LEFT, refusal.message or refusal.code
        except QcloudError as err:
            return MODULE_CREATE_LEFT, getattr(err, "message", None) or err.msg
        if waited.outcome == "failed":
            return MODULE_CREATE_LEFT, waited.output or "the delete task failed"
        if waited.outcome == "done":
            return MODULE_CREATE_UNDONE, None
        # "timeout": the delete still runs; "other": its task ended, yet the ENI is still there
        record = waited.record or {}
        return MODULE_CREATE_DELETING, waited.status or record.get("state") or None

    # -- reading -------------------------------------------------------------------------------

    def settle(self, seen):
        """The record of the ENI ``seen`` showed, once it and its addresses are no longer changing (None: gone)."""
        waited = self.call(self.life.settle, seen, self.deadline)
        if waited.outcome == "timeout":
            self.fail(MODULE_ENI_WAIT_TIMEOUT, waited.record, eni=seen.record["network_interface_id"], status=waited.status,
                      action="an earlier write")
        return waited.record

    def read(self):
        p = self.params
        if p["network_interface_id"]:
            seen = self.call(self.life.describe, p["network_interface_id"])
            if seen is not None and p["subnet_id"] and seen.record["subnet_id"] != p["subnet_id"]:
                self.fail(MODULE_SUBNET_MISMATCH, seen.record, eni_subnet=seen.record["subnet_id"])
            return self.settle(seen) if seen is not None else None
        found = self.call(self.life.find, p["name"], p["subnet_id"])
        if len(found) > 1:
            ids = [seen.record["network_interface_id"] for seen in found]
            self.fail(MODULE_ENI_AMBIGUOUS, count=len(ids), ids=", ".join(ids))
        if found:
            self.qm.context["eni"] = found[0].record["network_interface_id"]  # for the sentences of its writes
        return self.settle(found[0]) if found else None

    # -- checks that need the API (reads only) -----------------------------------------------

    def check_groups(self, groups):
        missing = self.call(self.life.missing_security_groups, groups)
        if missing:
            self.fail(MODULE_GROUPS_NOT_FOUND, groups=", ".join(missing))

    def subnet(self):
        subnet = self.call(self.life.subnet, self.params["subnet_id"])
        if subnet is None:
            self.fail(MODULE_SUBNET_NOT_FOUND)
        return subnet

    # -- writing -------------------------------------------------------------------------------

    def write(self, step, record):
        """Make one write; returns (the record as the write answered or predicted it, task id or None,
        the write's action for sentences: None for a synchronous one)."""
        eni_id = record["network_interface_id"] if record else None
        args = step.args
        if step.kind == "create":
            created, task = self.call(self.life.create, args["subnet"], args["name"], args["description"], args["groups"],
                                      args["addresses"], args["count"], args["tags"], args["primary"])
            self.qm.context["eni"] = self.created = created["network_interface_id"]
            return created, task.task_id, task.action
        if step.kind == "modify":
            self.call(self.life.modify, eni_id, args.get("name"), args.get("description"), args.get("groups"))
            return predict(record, step), None, None
        if step.kind == "tags":
            self.call(self.life.modify_tags, eni_id, args["replace"], args["delete"])
            return predict(record, step), None, None
        try:
            if step.kind == "assign":
                task = self.life.assign(eni_id, args["addresses"], args["count"])
            elif step.kind == "unassign":
                task = self.life.unassign(eni_id, args["addresses"])
            elif step.kind == "detach":
                self.qm.context["instance"] = record["attachment"]["instance_id"]  # for its sentences
                task = self.life.detach(eni_id, record["attachment"]["instance_id"])
            else:
                task = self.life.delete(eni_id)
        except WriteRefused as refusal:
            if refusal.maybe_applied:
                # an attempt whose answer was lost may have done it: read and see
                return predict(record, step), None, refusal.action
            if step.kind == "delete" and refusal.kind == "missing":
                return None, None, refusal.action  # gone already (another job deleted it between our read and our write)
            if step.kind == "detach":
                self.qm.fail_api(refusal, **self.result)  # the catalogue's sentences are about detach
            self.api_failure(refusal)
        except QcloudError as err:
            self.api_failure(err)
        return predict(record, step), task.task_id, task.action

    def wanted(self, step, before):
        """When the ENI looks as this step makes it (checked once it has settled)."""
        args = step.args
        if step.kind == "delete":
            return lambda record: record is None
        if step.kind == "detach":
            return lambda record: record is not None and record["attachment"] is None
        if step.kind == "unassign":
            return lambda record: record is not None and not set(args["addresses"]) & set(record["private_ip_addresses"])
        base = 0 if step.kind == "create" else len(secondaries(before))
        need = base + len(args["addresses"]) + args["count"]
        return lambda record: (record is not None and set(args["addresses"]) <= set(record["private_ip_addresses"])
                               and len(secondaries(record)) >= need)

    @staticmethod
    def unchanged(step, before):
        """When a read still shows the ENI as before this step (reads lag behind writes), and what it shows."""
        if step.kind == "create":
            return (lambda record: record is None), "not there yet"
        if step.kind == "delete":
            return (lambda record: record is not None), "still there"
        if step.kind == "detach":
            holder = (before.get("attachment") or {}).get("instance_id")
            return (lambda record: record is not None and (record.get("attachment") or {}).get("instance_id") == holder), \
                "attached to %s" % holder
        addresses = sorted(before["private_ip_addresses"])
        return (lambda record: record is not None and sorted(record["private_ip_addresses"]) == addresses), \
            "with addresses %s" % ", ".join(addresses)

    def await_step(self, step, before, task_id, action, eni_id, created=None):
        unchanged, was = self.unchanged(step, before)
        waited = self.call(self.life.wait, eni_id, task_id, self.deadline, self.wanted(step, before), unchanged)
        if waited.outcome == "failed" and step.kind == "create":
            self.created = None  # a failed create task takes its ENI back: nothing to undo
        if waited.outcome == "failed":
            self.fail(MODULE_TASK_FAILED, waited.record, task_id=task_id, action=action, output=waited.output or "no output")
        if waited.outcome == "lagging":
            # the task is done; the ENI reads as before it until the deadline: say so, with what the write answered
            self.fail(MODULE_READ_LAG, waited.record or created, eni=eni_id, task_id=task_id, action=action,
                      task_outcome=READ_LAG_OUTCOMES.get(waited.status, "succeeded"), shown=was)
        if waited.outcome == "timeout":
            self.fail(MODULE_ENI_WAIT_TIMEOUT, waited.record, eni=eni_id, status=waited.status, action=action)
        if waited.outcome == "other":
            if waited.record is None and step.kind != "delete":
                self.fail(MODULE_ENI_VANISHED, eni=eni_id, action=action)
            self.module.warn(sentence(MODULE_CHANGED_MEANWHILE, {"eni": eni_id, "action": action}))
        return waited.record

    def execute(self, steps, record):
        """Make the writes in order; wait after each asynchronous one (with wait=false, but the last)."""
        last_async = max([i for i, step in enumerate(steps) if step.asynchronous] or [-1])
        confirm = False
        for index, step in enumerate(steps):
            after, task_id, action = self.write(step, record)
            self.result["changed"] = True
            if task_id:
                self.result["task_ids"].append(task_id)
            eni_id = (record or after or {}).get("network_interface_id")
            if step.asynchronous and (self.params["wait"] or index < last_async):
                record = self.await_step(step, record, task_id, action, eni_id, after)
                confirm = False
            else:
                record = after
                confirm = not step.asynchronous
                self.pending = step.args.get("count", 0) if step.asynchronous else 0
        if self.params["wait"] and confirm and record is not None:
            # the last writes were synchronous: one read confirms what is returned
            seen = self.call(self.life.describe, record["network_interface_id"])
            record = seen.record if seen is not None else None
        self.created = None  # done: nothing to undo any more
        return record

    # -- deciding ------------------------------------------------------------------------------

    def plan_absent(self, record):
        holder = (record.get("attachment") or {}).get("instance_id")
        if record["primary"]:
            self.fail(MODULE_PRIMARY_DELETE, record, holder=holder or "its instance")
        steps = []
        if holder:
            if not self.params["force"]:
                self.fail(MODULE_ATTACHED_DELETE, record, holder=holder)
            steps.append(Step("detach"))
        steps.append(Step("delete"))
        return steps

    def run(self):
        record = self.read()
        before = record
        if record is not None:
            self.qm.context.update(eni=record["network_interface_id"], subnet=record["subnet_id"])
        if not self.present:
            steps = self.plan_absent(record) if record is not None else []
        else:
            if record is None and self.params["network_interface_id"]:
                self.fail(MODULE_ENI_NOT_FOUND)
            subnet = self.subnet() if record is None else None
            primary = self.want.primary
            if record is not None and primary is not None and primary != record["primary_private_ip_address"]:
                self.fail(MODULE_PRIMARY_FIXED, record, primary=record["primary_private_ip_address"], value=primary)
            steps = plan_present(record, self.want, subnet)
            groups = [g for step in steps if step.kind in ("create", "modify") for g in step.args.get("groups") or []]
            if groups:
                self.check_groups(groups)
        if steps and self.module.check_mode:
            self.result["changed"] = True
            for step in steps:
                record = predict(record, step)
                self.pending += step.args.get("count", 0)
        elif steps:
            record = self.execute(steps, record)
        self.finish(before, record)

    def finish(self, before, after):
        self.result["network_interface"] = after
        self.result["diff"] = {"before": view(before), "after": view(after, self.pending)}
        self.module.exit_json(**self.result)


def main():
    qm = QcloudModule(
        argument_spec=dict(
            network_interface_id=dict(type="str", aliases=["eni_id"]),
            name=dict(type="str"),
            subnet_id=dict(type="str"),
            description=dict(type="str"),
            security_group_ids=dict(type="list", elements="str"),
            primary_private_ip_address=dict(type="str"),
            private_ip_addresses=dict(type="list", elements="str"),
            secondary_private_ip_count=dict(type="int"),
            purge_private_ip_addresses=dict(type="bool", default=False),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            force=dict(type="bool", default=False),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
        ),
        mutually_exclusive=[("private_ip_addresses", "secondary_private_ip_count")],
        supports_check_mode=True,
    )
    Checks(qm).run()
    EniManager(qm).run()


if __name__ == "__main__":
    main()
