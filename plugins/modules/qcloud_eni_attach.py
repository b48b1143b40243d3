#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: qcloud_eni_attach
short_description: Attach a Tencent Cloud elastic network interface to a CVM instance, or detach it
version_added: 0.1.0
description:
  - Makes "ENI X is attached to instance Y" (O(state=present)) or "ENI X is not attached" (O(state=absent)) true,
    for one ENI (O(network_interface_id)) or for a whole list of them in one task (O(attachments)).
  - Reads the ENI's binding with C(DescribeNetworkInterfaces) and calls C(AttachNetworkInterface) or
    C(DetachNetworkInterface) only when the binding differs, so a rerun that finds nothing to do makes one API call
    (with O(attachments), one call per 100 ENIs).
  - Waits for the asynchronous task by watching the ENI with C(DescribeNetworkInterfaces), which shows the task
    (V(ATTACHING), then the new binding) and allows 100 calls a second; C(DescribeVpcTaskResult) is read only for an
    ENI that did not end as asked, to report a failed task's output. API 2.0 shows no ENI state, so there the module
    polls C(DescribeVpcTaskResult), then reads the ENI once more to report the binding it ended with.
  - An ENI attached to another instance is never moved unless O(force=true). A primary ENI is never detached or moved.
  - With O(attachments), every item follows exactly the same rules; the writes go out side by side within
    Tencent's rate limits (a limiter shared by the task's threads keeps them under 50 a second), never two at once
    on one instance (the cloud refuses a second task on a busy instance), and all of them are waited for together.
    An item that fails is reported in its entry of RV(results) and fails the task, while every other item still ends
    as asked.
  - Speaks Tencent Cloud API 3.0 (default) or the legacy API 2.0 (O(api_version)); both return the same
    RV(network_interface) record. With API 2.0, O(attachments) works too, one ENI per read and per poll (that API
    takes one id per call).
author:
  - tencent.qcloud contributors (@tencent-qcloud)
options:
  network_interface_id:
    description:
      - The ENI, like V(eni-m6dyj72l).
      - Required unless O(attachments) is given; the two forms cannot be mixed.
    type: str
    aliases: [eni_id]
  instance_id:
    description:
      - The CVM instance, like V(ins-xx44545f).
      - Required when O(state=present).
      - With O(state=absent), the ENI is detached only if it is attached to this instance; if omitted,
        the ENI is detached from whichever instance holds it.
    type: str
  vpc_id:
    description:
      - The VPC of the ENI, like V(vpc-7t9nf3pu).
      - Required with O(api_version=2.0), whose calls need it. With API 3.0 it is optional and, when given,
        the module fails if the ENI is in another VPC.
    type: str
  state:
    description:
      - V(present) attaches the ENI to O(instance_id); V(absent) detaches it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=present), move an ENI that is attached to another instance. The module detaches it from there,
        waits, then attaches it to O(instance_id).
      - Without it, the module fails and names the instance that holds the ENI.
    type: bool
    default: false
  attachments:
    description:
      - Many ENIs in one task, instead of O(network_interface_id) (and O(instance_id), O(vpc_id), O(state),
        O(force), which each item carries instead). O(attach_type), O(wait) and O(wait_timeout) apply to the whole list.
      - Each item means exactly what the single form's options mean, is decided by the same rules and reports the
        same sentences. Every item is checked before any call; an invalid one (a malformed id, an ENI listed twice,
        O(attachments[].state=present) without O(attachments[].instance_id), or no O(attachments[].vpc_id) with
        API 2.0) fails the task and nothing is called.
      - Several ENIs may go to one instance; their writes then go one after the other, each when the task before
        it on that instance has ended.
      - Up to 16 writes are in flight at once, paced by a rate limiter under Tencent's limits of 50 attaches,
        50 detaches and 100 reads a second (and 20 task reads), shared by the task's threads.
      - An empty list changes nothing and makes no call.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      network_interface_id:
        description:
          - The ENI, like V(eni-m6dyj72l). Each ENI may be listed once.
        type: str
        required: true
        aliases: [eni_id]
      instance_id:
        description:
          - The CVM instance, as O(instance_id). Required when O(attachments[].state=present).
        type: str
      vpc_id:
        description:
          - The VPC of the ENI, as O(vpc_id). Required with O(api_version=2.0).
        type: str
      state:
        description:
          - V(present) attaches the ENI to O(attachments[].instance_id); V(absent) detaches it.
        type: str
        choices: [present, absent]
        default: present
      force:
        description:
          - As O(force), for this ENI.
        type: bool
        default: false
  attach_type:
    description:
      - The attachment type of API 3.0 (V(standard) or V(extended)). Not available with API 2.0.
      - Only used when the module attaches; an existing attachment is not changed to another type.
    type: str
    choices: [standard, extended]
  wait:
    description:
      - Wait for the attach or detach task to finish and confirm the end state.
      - With V(false) the module returns right after the write with RV(task_id); a later run converges.
        Moving an ENI with O(force=true) still waits for the detach before it attaches.
      - With O(attachments), the module also waits for a task that a later write on the same instance needs
        (the cloud refuses a second task on a busy instance), and returns once every write is made.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole module may wait, from its start; the one deadline of everything it does while waiting.
      - It bounds the wait for an ENI that is already attaching or detaching to settle, the wait for its own tasks,
        busy answers (another task runs on the ENI or the instance) waited out before a write is accepted, and
        retries. None starts after it, and the call in flight then ends within O(api_timeout).
      - Tencent answers a busy ENI or instance with C(UnsupportedOperation.InvalidState) or
        C(UnsupportedOperation.ResourceIsInvalidState), which also mean states no wait changes; the module reads the
        ENI, and the instance's state (CVM C(DescribeInstances)), again to tell them apart, and fails at once on the
        latter (an instance neither running nor stopped, an ENI not attached where the write needs it).
      - A task still running then fails the module with its task id; a rerun picks up from there.
      - Reads lag behind writes, so the wait ends when C(DescribeNetworkInterfaces) shows what the task did;
        a task that succeeded while the ENI still reads as before it is read again (never written again), and
        if the read has not caught up by then, the module fails saying so.
      - With O(attachments), it is the deadline of the whole list; a write still waiting for its instance then
        never starts, and its item says so.
    type: int
    default: 300
extends_documentation_fragment:
  - tencent.qcloud.qcloud
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - Reads the ENI, makes no write call, and predicts whether it would change and RV(network_interface).
      - With O(attachments), the same for each item, and an item that would be refused fails as it would without check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details:
      - The diff shows the instance the ENI is attached to, before and after.
      - With O(attachments), one such diff per item, in the order of the list.
  action_group:
    description: Use C(group/tencent.qcloud.qcloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tencent.qcloud.qcloud
seealso:
  - module: tencent.qcloud.qcloud_eni
  - name: AttachNetworkInterface API 3.0
    description: Tencent Cloud's reference of the attach call.
    link: https://www.tencentcloud.com/document/api/215/15819
notes:
  - For many ENIs, O(attachments) in one task is much faster than a C(loop) over the single form (which runs one item,
    and waits for its task, after the other) or one host per ENI with many forks (each host-task costs Ansible
    about a second of CPU); the collection's attach guide compares the three.
"""

EXAMPLES = r"""
# The examples run as written against the collection's simulator (tests/simulator) and its default world.
- name: Attach an ENI to an instance (keys and region from TENCENTCLOUD_* variables)
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-free0001
    instance_id: ins-run00001
  register: attached

- name: Show the address the instance got
  ansible.builtin.debug:
    msg: "{{ attached.network_interface.private_ip_addresses }}"

- name: Check what a detach would do, without doing it
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-free0001
    state: absent
  check_mode: true
  diff: true

- name: Move an ENI that another instance holds (never happens without force)
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-held0001
    instance_id: ins-run00003
    force: true

- name: Start an attach and come back later
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-free0002
    instance_id: ins-run00003
    wait: false
  register: started

- name: Converge, waiting for the running task, then report the binding
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-free0002
    instance_id: ins-run00003

- name: Detach through the legacy API 2.0, which needs the VPC
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-free0002
    vpc_id: vpc-gz000001
    state: absent
    api_version: "2.0"

- name: Give one instance three more ENIs and another one more, in one task
  tencent.qcloud.qcloud_eni_attach:
    attachments:
      - network_interface_id: eni-free0003
        instance_id: ins-run00003
      - network_interface_id: eni-free0004
        instance_id: ins-run00003
      - network_interface_id: eni-free0005
        instance_id: ins-run00003
      - network_interface_id: eni-free0006
        instance_id: ins-run00001
  register: attached_many

- name: Show where each ENI ended, in the order of the list
  ansible.builtin.debug:
    msg: "{{ attached_many.results | map(attribute='network_interface.attachment.instance_id') | list }}"

- name: Preview detaching them (one diff per ENI)
  tencent.qcloud.qcloud_eni_attach:
    attachments: "{{ second_legs }}"
  vars:
    second_legs:
      - {network_interface_id: eni-free0003, state: absent}
      - {network_interface_id: eni-free0004, state: absent}
      - {network_interface_id: eni-free0005, state: absent}
      - {network_interface_id: eni-free0006, state: absent, instance_id: ins-run00001}
  check_mode: true
  diff: true

- name: Detach them, from whichever instance holds each (no instance_id), or only from the one named
  tencent.qcloud.qcloud_eni_attach:
    attachments:
      - {network_interface_id: eni-free0003, state: absent}
      - {network_interface_id: eni-free0004, state: absent}
      - {network_interface_id: eni-free0005, state: absent}
      - {network_interface_id: eni-free0006, state: absent, instance_id: ins-run00001}

# Connection options are best set once for a play, with
#   module_defaults:
#     group/tencent.qcloud.qcloud:
#       region: ap-guangzhou
# (a module_defaults on a block replaces the play's for the same group, it does not add to it).
- name: Detach, from whichever instance holds it
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-free0001
    state: absent
"""

RETURN = r"""
network_interface:
  description:
    - The ENI as it is after the module ran (confirmed by a final read), or as predicted in check mode
      and with O(wait=false).
    - V(null) when the ENI does not exist and O(state=absent).
  returned: with O(network_interface_id) (with O(attachments), each item of RV(results) has its own)
  type: dict
  contains:
    network_interface_id:
      description: The ENI id.
      type: str
      sample: eni-free0001
    name:
      description: The ENI name.
      type: str
      sample: web-secondary
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
      description:
        - The availability zone of the ENI.
        - V(null) under API 2.0, which gives the numeric C(zone_id) instead.
      type: str
      sample: ap-guangzhou-3
    zone_id:
      description:
        - The numeric zone id of the ENI that API 2.0 gives (its archived docs type C(zoneId) as an integer), like
          V(100003) for V(ap-guangzhou-3); V(null) under API 3.0, which names the zone in C(zone).
      type: int
      sample: null
    state:
      description:
        - The ENI state, V(AVAILABLE) when settled (attached or not); V(PENDING), V(ATTACHING), V(DETACHING) or
          V(DELETING) while a task runs.
        - API 2.0 reports no state; it is then V(AVAILABLE).
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
      sample: ["10.0.3.11"]
    primary_private_ip_address:
      description: The primary private address.
      type: str
      sample: 10.0.3.11
    security_group_ids:
      description: The security groups, in priority order.
      type: list
      elements: str
      sample: ["sg-web00001"]
    tags:
      description: The tags (always empty with API 2.0, which reports none).
      type: dict
      sample: {"owner": "web-team"}
    created_time:
      description: When the ENI was created, C(YYYY-MM-DD hh:mm:ss).
      type: str
      sample: "2024-01-02 03:04:05"
    attachment:
      description: The instance the ENI is attached to, or V(null) when it is not attached.
      type: dict
      contains:
        instance_id:
          description: The instance.
          type: str
          sample: ins-run00001
        device_index:
          description: The device index on the instance (V(null) with API 2.0 and when predicted).
          type: int
          sample: 1
        attach_time:
          description: When it was attached, C(YYYY-MM-DD hh:mm:ss) (V(null) when predicted).
          type: str
          sample: "2026-11-25 20:00:00"
task_id:
  description:
    - The id of the last attach or detach task the module started (the RequestId with API 3.0, the integer taskId
      as a string with API 2.0).
    - Absent with API 2.0 when the answer to the write was lost and a re-read showed the write applied (API 2.0
      has no ClientToken, so that task cannot be named); the result still says C(changed=true).
  returned: with O(network_interface_id), when a write was made and its answer was received
  type: str
  sample: 5b2a8e4c-9f0e-4c43-8f7e-0d5c4e3b8f11
results:
  description:
    - With O(attachments), one entry per item, in the order of the list.
    - C(changed) is V(true) for the whole task when it is for any item; the task fails when any item failed,
      and every other item has still ended as asked.
  returned: with O(attachments)
  type: list
  elements: dict
  contains:
    network_interface_id:
      description: The ENI of the item.
      type: str
      sample: eni-free0003
    changed:
      description: Whether this item changed the ENI's binding.
      type: bool
    network_interface:
      description:
        - The ENI as the item left it, the same record as RV(network_interface); for a failed item, as last read
          (V(null) when it was not found).
      type: dict
    task_id:
      description: The last attach or detach task of this item, as RV(task_id).
      type: str
      returned: when the item made a write and its answer was received
    failed:
      description: V(true) when this item did not end as asked.
      type: bool
      returned: when the item failed
    msg:
      description: What went wrong for this item and what to do, the sentence the single form would fail with.
      type: str
      returned: when the item failed
    error:
      description: The API answer behind the item's failure, as RV(error).
      type: dict
      returned: when the item failed because of an API answer
  sample:
    - network_interface_id: eni-free0003
      changed: true
      task_id: 5b2a8e4c-9f0e-4c43-8f7e-0d5c4e3b8f11
      network_interface: {network_interface_id: eni-free0003, attachment: {instance_id: ins-run00003, device_index: 2}}
    - network_interface_id: eni-zone0004
      changed: false
      failed: true
      msg: >-
        ENI eni-zone0004 is in zone ap-guangzhou-4 but instance ins-run00003 is in zone ap-guangzhou-3:
        use an ENI from a subnet in the instance's zone.
      error: {code: UnsupportedOperation.ZoneMismatch, action: AttachNetworkInterface}
credential_source:
  description: Where the keys came from (never the keys themselves).
  returned: when the module got as far as calling the API
  type: str
  sample: environment (TENCENTCLOUD_SECRET_ID)
diff:
  description:
    - The instance the ENI is attached to, before and after.
    - With O(attachments), a list of such diffs, one per item in the order of the list.
  returned: always
  type: raw
  sample: {"before": {"instance_id": null, "network_interface_id": "eni-free0001"},
           "after": {"instance_id": "ins-run00001", "network_interface_id": "eni-free0001"}}
error:
  description:
    - The API answer behind a failure.
    - For an ENI that was not found, the describe's answer (API 3.0 answers an empty set, so its code is V(null)
      and RV(error.request_id) names the answer).
  returned: on failure caused by an API answer
  type: dict
  contains:
    code:
      description:
        - The API code (API 3.0 C(Error.Code), API 2.0 C(codeDesc), or its numeric C(code) when there is no C(codeDesc)),
          or C(ClientError.*) for transport errors.
      type: str
      sample: UnsupportedOperation.ZoneMismatch
    message:
      description: The API's own message.
      type: str
    request_id:
      description: The RequestId of the failed call, for a support ticket.
      type: str
    action:
      description: The API action that failed.
      type: str
      sample: AttachNetworkInterface
"""

from ansible_collections.tencent.qcloud.plugins.module_utils._attach import THREADS, UNSET, Item, Run
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    MODULE_ATTACH_TYPE_V3,
    MODULE_DUPLICATE_ENI,
    MODULE_ITEM_NEEDS_INSTANCE,
    MODULE_ITEM_NEEDS_VPC,
    MODULE_ITEMS_FAILED,
    MODULE_NEEDS_INSTANCE,
    MODULE_NEEDS_VPC,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import VpcApi
from ansible_collections.tencent.qcloud.plugins.module_utils._module import QcloudModule

# -- the two forms ---------------------------------------------------------------------------

ITEM_OPTIONS = dict(
    network_interface_id=dict(type="str", required=True, aliases=["eni_id"]),
    instance_id=dict(type="str"),
    vpc_id=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    force=dict(type="bool", default=False),
)
# The single form: the same options at the top level, where network_interface_id may give way to attachments.
SINGLE_OPTIONS = dict((name, dict((k, v) for k, v in spec.items() if k != "required")) for name, spec in ITEM_OPTIONS.items())


ID_OPTIONS = (("network_interface_id", "eni"), ("instance_id", "ins"), ("vpc_id", "vpc"))


def check_ids(qm, spec, where=""):
    for option, prefix in ID_OPTIONS:
        qm.check_value(where + option, spec[option], prefix)


def check_needs(qm, spec, context, needs_instance, needs_vpc):
    """What an attachment (the single form or an item) must give: an instance when present, a VPC on 2.0."""
    if spec["state"] == "present" and not spec["instance_id"]:
        qm.fail_decision(needs_instance, context)
    if qm.params["api_version"] == "2.0" and not spec["vpc_id"]:
        qm.fail_decision(needs_vpc, context)


def check_single(qm):
    check_ids(qm, qm.params)
    check_needs(qm, qm.params, dict(eni=qm.params["network_interface_id"]), MODULE_NEEDS_INSTANCE, MODULE_NEEDS_VPC)


def check_list(qm):
    """Every item well formed, every ENI once: before any call."""
    first = {}
    for index, spec in enumerate(qm.params["attachments"]):
        check_ids(qm, spec, "attachments[%d]." % index)
        context = dict(index=index, eni=spec["network_interface_id"])
        if spec["network_interface_id"] in first:
            qm.fail_decision(MODULE_DUPLICATE_ENI, dict(context, first_index=first[spec["network_interface_id"]]))
        first[spec["network_interface_id"]] = index
        check_needs(qm, spec, context, MODULE_ITEM_NEEDS_INSTANCE, MODULE_ITEM_NEEDS_VPC)


def report_single(qm, item, credential_source):
    for warning in item.warnings:
        qm.module.warn(warning)
    result = dict(item.result, credential_source=credential_source)
    if item.failure is not None:
        result.pop("network_interface", None)
        if item.failure.network_interface is not UNSET:
            result["network_interface"] = item.failure.network_interface
        if item.failure.error is not None:
            result["error"] = item.failure.error
        qm.module.fail_json(msg=item.failure.msg, **result)
    qm.module.exit_json(diff=item.diff, **result)


def report_list(qm, items, credential_source):
    for item in items:
        for warning in item.warnings:
            qm.module.warn(warning)
    result = dict(
        changed=any(item.result["changed"] for item in items),
        results=[item.as_list_result() for item in items],
        diff=[item.list_diff() for item in items],
        credential_source=credential_source,
    )
    failed = [item for item in items if item.failure is not None]
    if failed:
        msg = sentence(MODULE_ITEMS_FAILED, dict(failed=len(failed), total=len(items), eni=failed[0].eni_id,
                                                 first_msg=failed[0].failure.msg))
        qm.module.fail_json(msg=msg, **result)
    qm.module.exit_json(**result)


def main():
    qm = QcloudModule(
        argument_spec=dict(
            SINGLE_OPTIONS,
            attachments=dict(type="list", elements="dict", options=ITEM_OPTIONS),
            attach_type=dict(type="str", choices=["standard", "extended"]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
        ),
        mutually_exclusive=[("attachments", option) for option in ("network_interface_id", "instance_id", "vpc_id", "state", "force")],
        required_one_of=[("network_interface_id", "attachments")],
        supports_check_mode=True,
    )
    params = qm.params
    single = params["attachments"] is None
    if single:
        check_single(qm)
    else:
        check_list(qm)
    qm.check_positive("wait_timeout")
    if params["attach_type"] and params["api_version"] == "2.0":
        qm.fail_decision(MODULE_ATTACH_TYPE_V3)
    qm.context.update(wait_timeout=params["wait_timeout"])
    if single:
        qm.context.update(eni=params["network_interface_id"], instance=params["instance_id"], vpc=params["vpc_id"])
    api = VpcApi(qm.client("vpc", wait_timeout=params["wait_timeout"]))
    specs = [params] if single else params["attachments"]
    items = [Item(spec, qm.context) for spec in specs]
    Run(qm, api, items, params["wait"], params["attach_type"], threads=1 if single else THREADS).run()
    if single:
        report_single(qm, items[0], qm.credential_source)
    report_list(qm, items, qm.credential_source)


if __name__ == "__main__":
    main()
