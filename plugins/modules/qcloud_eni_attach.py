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
  - Makes "ENI X is attached to instance Y" (O(state=present)) or "ENI X is not attached" (O(state=absent)) true.
  - Reads the ENI's binding with C(DescribeNetworkInterfaces) and calls C(AttachNetworkInterface) or
    C(DetachNetworkInterface) only when the binding differs, so a rerun that finds nothing to do makes one API call.
  - Waits for the asynchronous task with C(DescribeVpcTaskResult), then reads the ENI once more to report
    the binding it ended with.
  - An ENI attached to another instance is never moved unless O(force=true). A primary ENI is never detached or moved.
  - Speaks Tencent Cloud API 3.0 (default) or the legacy API 2.0 (O(api_version)); both return the same
    RV(network_interface) record.
author:
  - tencent.qcloud contributors (@tencent-qcloud)
options:
  network_interface_id:
    description:
      - The ENI, like V(eni-m6dyj72l).
    type: str
    required: true
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
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds the whole module may wait, from its start; the one deadline of everything it does while waiting.
      - It bounds the wait for an ENI that is already attaching or detaching to settle, the wait for its own tasks,
        busy answers (another task runs on the ENI or the instance) waited out before a write is accepted, and
        retries. None starts after it, and the call in flight then ends within O(api_timeout).
      - A task still running then fails the module with its task id; a rerun picks up from there.
    type: int
    default: 300
extends_documentation_fragment:
  - tencent.qcloud.qcloud
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Reads the ENI, makes no write call, and predicts whether it would change and RV(network_interface).
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: The diff shows the instance the ENI is attached to, before and after.
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
  returned: always
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
      description: The availability zone of the ENI.
      type: str
      sample: ap-guangzhou-3
    state:
      description:
        - The ENI state, V(AVAILABLE) when settled (attached or not); V(ATTACHING) or V(DETACHING) while a task runs.
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
  returned: when a write was made and its answer was received
  type: str
  sample: 5b2a8e4c-9f0e-4c43-8f7e-0d5c4e3b8f11
credential_source:
  description: Where the keys came from (never the keys themselves).
  returned: when the module got as far as calling the API
  type: str
  sample: environment (TENCENTCLOUD_SECRET_ID)
diff:
  description: The instance the ENI is attached to, before and after.
  returned: always
  type: dict
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

import copy

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    MODULE_ATTACHED_ELSEWHERE,
    MODULE_ENI_NOT_FOUND,
    MODULE_INSTANCE_NOT_FOUND,
    MODULE_NO_CONVERGENCE,
    MODULE_PRIMARY_ENI,
    MODULE_SETTLE_TIMEOUT,
    MODULE_TASK_FAILED,
    MODULE_TASK_TIMEOUT,
    MODULE_VPC_MISMATCH,
    QcloudError,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._module import QcloudModule
from ansible_collections.tencent.qcloud.plugins.module_utils._vpc import TRANSITIONAL_STATES, WriteRefused

MAX_ROUNDS = 4


class _Conflict(Exception):
    def __init__(self, refusal, wanted_holder):
        super().__init__(refusal.error.code)
        self.refusal = refusal
        self.wanted_holder = wanted_holder  # the binding the refused write would have made


def holder_of(record):
    return (record.get("attachment") or {}).get("instance_id") if record else None


def with_binding(record, instance_id, state):
    """The record as it will be once the write is done (for check mode and wait=false)."""
    predicted = copy.deepcopy(record)
    predicted["state"] = state
    predicted["attachment"] = {"instance_id": instance_id, "device_index": None, "attach_time": None} if instance_id else None
    return predicted


class EniAttachment:
    def __init__(self, qm):
        self.qm = qm
        self.module = qm.module
        params = qm.params
        self.eni_id = params["network_interface_id"]
        self.instance_id = params["instance_id"]
        self.vpc_id = params["vpc_id"]
        self.present = params["state"] == "present"
        self.force = params["force"]
        self.wait = params["wait"]
        self.attach_type = params["attach_type"]
        qm.context.update(eni=self.eni_id, instance=self.instance_id, vpc=self.vpc_id, wait_timeout=params["wait_timeout"])
        self.api = qm.vpc(wait_timeout=params["wait_timeout"])
        self.deadline = qm.wait_deadline
        self.result = {"changed": False, "credential_source": qm.credential_source}

    # -- reading -----------------------------------------------------------------------------

    def call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QcloudError as err:
            self.qm.fail_api(err, **self.result)

    def read(self):
        """The ENI now, settled: waits out ATTACHING / DETACHING before anyone decides."""
        record = self.call(self.api.describe_network_interface, self.eni_id)
        if record and record["state"] in TRANSITIONAL_STATES:
            record = self.call(self.api.wait_settled, self.eni_id, self.deadline)
            if record and record["state"] in TRANSITIONAL_STATES:
                self.fail(MODULE_SETTLE_TIMEOUT, status=record["state"], network_interface=record)
        if record and self.vpc_id and record["vpc_id"] != self.vpc_id:
            self.fail(MODULE_VPC_MISMATCH, eni_vpc=record["vpc_id"], network_interface=record)
        if record:
            self.qm.context.update(eni_vpc=record["vpc_id"], eni_zone=record["zone"])
        return record

    def fail(self, code, network_interface=None, error=None, **context):
        result = dict(self.result)
        if network_interface is not None:
            result["network_interface"] = network_interface
        if error is not None:
            result["error"] = error
        self.qm.fail_decision(code, context, **result)

    def fail_not_found(self):
        """The ENI is not there; ``error`` keeps what the API answered."""
        self.fail(MODULE_ENI_NOT_FOUND, error=self.api.last_miss)

    # -- deciding ----------------------------------------------------------------------------

    def plan(self, record):
        """The writes that make the wanted state true, as [(action, instance_id)]."""
        holder = holder_of(record)
        if self.present:
            if holder == self.instance_id:
                return []
            if holder is None:
                return [("attach", self.instance_id)]
            if record["primary"]:
                self.fail(MODULE_PRIMARY_ENI, holder=holder, network_interface=record)
            if not self.force:
                self.fail(MODULE_ATTACHED_ELSEWHERE, holder=holder, network_interface=record)
            return [("detach", holder), ("attach", self.instance_id)]
        if holder is None or (self.instance_id and holder != self.instance_id):
            return []
        if record["primary"]:
            self.fail(MODULE_PRIMARY_ENI, holder=holder, network_interface=record)
        return [("detach", holder)]

    # -- acting ------------------------------------------------------------------------------

    def write(self, action, instance_id):
        try:
            if action == "attach":
                task = self.api.attach(self.eni_id, instance_id, self.vpc_id, self.attach_type)
            else:
                task = self.api.detach(self.eni_id, instance_id, self.vpc_id)
        except WriteRefused as refusal:
            if refusal.kind == "conflict":
                raise _Conflict(refusal, instance_id if action == "attach" else None)
            self.refused(refusal, instance_id)
        except QcloudError as err:
            self.qm.fail_api(err, **self.result)
        self.result["task_id"] = task.task_id
        return task

    def refused(self, refusal, instance_id):
        """Fail for a write refused for a missing resource or another VPC / zone, naming what the module knows."""
        result = dict(self.result)
        if refusal.kind == "missing":
            # The ENI was just read: if it is still there, the instance is what is missing.
            if self.call(self.api.describe_network_interface, self.eni_id) is None:
                self.fail(MODULE_ENI_NOT_FOUND, error=refusal.error.to_result())
            self.fail(MODULE_INSTANCE_NOT_FOUND, error=refusal.error.to_result(), instance=instance_id)
        vpc, zone = self.api.instance_placement(instance_id)
        self.qm.context.update(instance_vpc=vpc, instance_zone=zone)
        self.qm.fail_api(refusal.error, **result)

    def wait_for(self, task):
        status = self.call(self.api.wait_task, task.task_id, self.deadline)
        if status.status == "FAILED":
            self.fail(MODULE_TASK_FAILED, task_id=task.task_id, action=task.action, output=status.output or "no output")
        if status.status != "SUCCESS":
            self.result["changed"] = True
            self.fail(MODULE_TASK_TIMEOUT, task_id=task.task_id, action=task.action, status=status.status)
        self.result["changed"] = True

    def execute(self, steps, record):
        for index, (action, instance_id) in enumerate(steps):
            task = self.write(action, instance_id)
            last = index == len(steps) - 1
            if last and not self.wait:
                self.result["changed"] = True
                target = instance_id if action == "attach" else None
                return with_binding(record, target, "ATTACHING" if action == "attach" else "DETACHING")
            self.wait_for(task)
        confirmed = self.read()
        wanted = self.instance_id if self.present else None
        if holder_of(confirmed) != wanted:
            self.module.warn(
                "ENI %s ended attached to %s although this task made it %s: another job changed it meanwhile."
                % (self.eni_id, holder_of(confirmed) or "no instance", "attached to %s" % wanted if wanted else "detached")
            )
        return confirmed

    # -- the whole run -----------------------------------------------------------------------

    def run(self):
        record = self.read()
        if record is None:
            if self.present:
                self.fail_not_found()
            self.module.warn(sentence(MODULE_ENI_NOT_FOUND, self.qm.context) + " Nothing to detach.")
            self.finish(None, None)
        before = record
        last_plan = None
        for dummy in range(MAX_ROUNDS):
            steps = self.plan(record)
            if not steps:
                break
            if self.module.check_mode:
                self.result["changed"] = True
                record = with_binding(record, self.instance_id if self.present else None, record["state"])
                break
            try:
                record = self.execute(steps, record)
                break
            except _Conflict as conflict:
                # Maybe the binding changed under us (a race, or a retried write that had landed):
                # read again. If nothing moved, the refusal was about the instance: report it.
                fresh = self.read()
                if fresh is None:
                    self.fail_not_found()
                if holder_of(fresh) == holder_of(record) or steps == last_plan:
                    self.qm.fail_api(conflict.refusal.error, **self.result)
                if conflict.refusal.maybe_applied and holder_of(fresh) == conflict.wanted_holder:
                    # An attempt whose answer was lost (API 2.0 has no ClientToken) did the work.
                    self.result["changed"] = True
                last_plan, record = steps, fresh
        else:
            self.fail(MODULE_NO_CONVERGENCE, holder=holder_of(record) or "no instance", network_interface=record)
        self.finish(before, record)

    def finish(self, before, after):
        self.result["network_interface"] = after
        self.result["diff"] = {
            "before": {"network_interface_id": self.eni_id, "instance_id": holder_of(before)},
            "after": {"network_interface_id": self.eni_id, "instance_id": holder_of(after)},
        }
        self.module.exit_json(**self.result)


def main():
    qm = QcloudModule(
        argument_spec=dict(
            network_interface_id=dict(type="str", required=True, aliases=["eni_id"]),
            instance_id=dict(type="str"),
            vpc_id=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            force=dict(type="bool", default=False),
            attach_type=dict(type="str", choices=["standard", "extended"]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
        ),
        required_if=[
            ("state", "present", ("instance_id",)),
            ("api_version", "2.0", ("vpc_id",)),
        ],
        supports_check_mode=True,
    )
    qm.check_id("network_interface_id", "eni")
    qm.check_id("instance_id", "ins")
    qm.check_id("vpc_id", "vpc")
    qm.check_positive("wait_timeout")
    if qm.params["attach_type"] and qm.params["api_version"] == "2.0":
        qm.module.fail_json(msg="attach_type is an API 3.0 option: remove it or use api_version 3.0.")
    EniAttachment(qm).run()


if __name__ == "__main__":
    main()
