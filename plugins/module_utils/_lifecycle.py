# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ENI lifecycle (API 3.0 only): create, change and delete ENIs, and wait for their tasks."""

from __future__ import annotations

import uuid
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._eni import (
    ACTIONS,
    DESCRIBE_LIMIT_MAX,
    NOT_FOUND_CODES,
    TASK_DONE,
    Task,
    TaskStatus,
    VpcApi,
    WriteRefused,
    maybe_ours,
    normalise_v3,
    task_of,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import CLIENT_BAD_RESPONSE, QcloudApiError
from ansible_collections.tencent.qcloud.plugins.module_utils._tag import TagApi, eni_resource, tag_client
from ansible_collections.tencent.qcloud.plugins.module_utils._watch import poll_delays

# -- the ENI lifecycle (API 3.0 only) -------------------------------------------------------------
# Create, change and delete ENIs. Async writes are watched the way Terraform watches them: by
# reading the ENI (DescribeNetworkInterfaces, 100/s) until it and each of its addresses are
# AVAILABLE and look as wanted, or it is gone; DescribeVpcTaskResult is asked only when the ENI
# has settled but does not look as wanted, to tell a FAILED task (and its output) from a late read.

ADDRESSES_PER_CALL = 10  # CreateNetworkInterface, Assign/UnassignPrivateIpAddresses: at most 10 a call
GROUPS_ONE_BY_ONE = 8  # a refused DescribeSecurityGroups batch of at most this many ids is asked id by id
SETTLED = "AVAILABLE"

LIFECYCLE_ACTIONS = {
    "create": "CreateNetworkInterface",
    "modify": "ModifyNetworkInterfaceAttribute",
    "assign": "AssignPrivateIpAddresses",
    "unassign": "UnassignPrivateIpAddresses",
    "delete": "DeleteNetworkInterface",
}
# Refusals of a lifecycle write that the caller decides about, as WriteRefused kinds: ``missing``
# (something the write names does not exist), ``quota`` (a quota is used up), ``in_use`` (a delete
# of an ENI that is attached or busy).
_REFUSAL_CODES = (("missing", frozenset(("ResourceNotFound",))), ("quota", frozenset(("LimitExceeded",))))
_DELETE_REFUSED_CODES = frozenset(("ResourceInUse", "UnsupportedOperation", "UnsupportedOperation.InvalidState"))
# The asynchronous writes: a delete or an unassign has no ClientToken, and any of them shows its
# effect as a state, so after a lost answer these codes mean "our own write got there first".
_ASYNC_WRITES = frozenset((LIFECYCLE_ACTIONS["assign"], LIFECYCLE_ACTIONS["unassign"], LIFECYCLE_ACTIONS["delete"],
                           ACTIONS["detach"]))
_AFTER_LOST_ANSWER = frozenset(("ResourceNotFound", "UnsupportedOperation.MutexOperationTaskRunning", "UnsupportedOperation.InvalidState",
                                "UnsupportedOperation.AttachmentNotFound", "ResourceInUse"))


class Subnet(NamedTuple):
    subnet_id: str
    vpc_id: str
    zone: str
    cidr: str
    available: Optional[int]


class Seen(NamedTuple):
    """An ENI as one read showed it: its record, and whether it and its addresses were AVAILABLE."""

    record: Dict[str, Any]
    settled: bool


class WaitResult(NamedTuple):
    record: Optional[Dict[str, Any]]
    # "done"; "failed" (the task FAILED, output says why); "other" (the task ended but the ENI does
    # not look as wanted, nor as before it: someone else changed it); "lagging" (the task succeeded,
    # or the API does not know it by its id, but at the deadline the read still showed the ENI as
    # before it: reads lag behind writes); "timeout" (the deadline passed first)
    outcome: str
    output: str = ""
    status: str = ""  # what the last read showed, for a person: "PENDING", "address 10.0.1.5 DELETING"


def unsettled(raw: Optional[Mapping[str, Any]]) -> str:
    """What is still changing on the ENI, as a short phrase ("" when nothing is)."""
    if raw is None:
        return ""
    if raw.get("State") not in (None, "", SETTLED):
        return str(raw["State"])
    for ip in raw.get("PrivateIpAddressSet") or []:
        if isinstance(ip, dict) and ip.get("State") not in (None, "", SETTLED):
            return "address %s %s" % (ip.get("PrivateIpAddress"), ip["State"])
    return ""


def settled(raw: Mapping[str, Any]) -> bool:
    """The ENI and each of its addresses are AVAILABLE (no state given counts as settled)."""
    states = [raw.get("State")] + [ip.get("State") for ip in raw.get("PrivateIpAddressSet") or [] if isinstance(ip, dict)]
    return all(state in (None, "", SETTLED) for state in states)


def chunked(items: List[Any], size: int = ADDRESSES_PER_CALL) -> List[List[Any]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _address_specs(addresses: List[str]) -> List[Dict[str, Any]]:
    return [{"PrivateIpAddress": ip, "Primary": False} for ip in addresses]


def _seen(raw: Mapping[str, Any]) -> Seen:
    return Seen(normalise_v3(raw), settled(raw))


def lifecycle_refusal(error: QcloudApiError) -> QcloudApiError:
    """``error`` of a lifecycle write as a :class:`WriteRefused` when it is one the caller decides
    about, else as it is. Only an asynchronous write's refusal may be our own lost-answer attempt
    (``maybe_applied``, by :func:`_eni.maybe_ours` with its codes: a create carries a ClientToken)."""
    action = error.action
    own_codes = _AFTER_LOST_ANSWER if action in _ASYNC_WRITES else frozenset()
    maybe = maybe_ours(error, own_codes)
    kind = None
    if action != ACTIONS["detach"]:  # a detach's refusals are the attach layer's (its WriteRefused)
        if action == LIFECYCLE_ACTIONS["delete"] and error.code in _DELETE_REFUSED_CODES:
            kind = "in_use"
        else:
            kind = next((name for name, codes in _REFUSAL_CODES if error.code in codes), None)
    if kind is None and isinstance(error, WriteRefused):
        kind = error.kind
    if kind is None and maybe:
        kind = "conflict"  # the ENI's state is not what the write needs (our own write changed it)
    if kind is None:
        return error
    return WriteRefused(kind, error, own_codes)


class EniLifecycle:
    """The writes of an ENI's life over API 3.0, on top of a :class:`VpcApi`.

    ENIs come back as records (in a :class:`Seen` from a read), asynchronous writes as a
    :class:`Task`, and refusals the caller decides about as a :class:`WriteRefused`
    (see :func:`lifecycle_refusal`).
    """

    def __init__(self, vpc: VpcApi) -> None:
        self.vpc = vpc
        self.client = vpc.client

    def _call(self, action: str, params: Mapping[str, Any]) -> Any:
        eni_id = params.get("NetworkInterfaceId") if action in _ASYNC_WRITES else None
        try:
            return self.client.call(action, params, still_busy=self.still_busy(action, eni_id) if eni_id else None)
        except QcloudApiError as err:
            raise lifecycle_refusal(err)

    def still_busy(self, action: str, eni_id: str) -> Callable[[QcloudApiError], bool]:
        """For the client: whether an asynchronous write's maybe-busy answer (InvalidState) means
        that a task runs on the ENI (True: wait it out) or a refusal that no wait changes (False),
        by reading the ENI again: changing (it or an address not AVAILABLE) is busy; gone, or
        attached for a delete, lasts. Settled otherwise: the task that held it may have ended
        meanwhile, so the write is tried once more; settled twice in a row, the refusal lasts."""
        settled_reads = []

        def check(error: QcloudApiError) -> bool:
            raw = self.vpc.read_network_interface(eni_id)
            if raw is None:
                return False
            if not settled(raw):
                del settled_reads[:]
                return True
            if action == LIFECYCLE_ACTIONS["delete"] and (raw.get("Attachment") or {}).get("InstanceId"):
                return False
            settled_reads.append(True)
            return len(settled_reads) < 2

        return check

    # -- reads ----------------------------------------------------------------------------------

    def describe(self, eni_id: str) -> Optional[Seen]:
        """The ENI as it is now, or None when it does not exist."""
        raw = self.vpc.read_network_interface(eni_id)
        return _seen(raw) if raw is not None else None

    def find(self, name: str, subnet_id: str) -> List[Seen]:
        """The ENIs of that exact name in that subnet (one call for up to 100)."""
        filters = {"subnet-id": subnet_id, "network-interface-name": name}
        return [_seen(item) for item in self.vpc.read_network_interfaces(filters=filters)
                if item.get("NetworkInterfaceName") == name and item.get("SubnetId") == subnet_id]

    def subnet(self, subnet_id: str) -> Optional[Subnet]:
        try:
            data = self.client.call("DescribeSubnets", {"SubnetIds": [subnet_id]}).data
        except QcloudApiError as err:
            if err.code in NOT_FOUND_CODES:
                return None
            raise
        for item in data.get("SubnetSet") or []:
            if item.get("SubnetId") == subnet_id:
                available = item.get("AvailableIpAddressCount")
                return Subnet(subnet_id, item.get("VpcId"), item.get("Zone"), item.get("CidrBlock"),
                              int(available) if available is not None else None)
        return None

    def missing_security_groups(self, group_ids: List[str]) -> List[str]:
        """The ids among ``group_ids`` that no security group of the region has."""
        found: set = set()
        for batch in chunked(list(dict.fromkeys(group_ids)), DESCRIBE_LIMIT_MAX):
            self._find_groups(batch, found)
        return [g for g in group_ids if g not in found]

    def _find_groups(self, batch: List[str], found: set) -> None:
        """Add to ``found`` the ids of ``batch`` that exist. One unknown id fails the whole query, so a
        refused batch is asked again id by id when small, else halved (few calls for few unknowns in many)."""
        try:
            # the SDK's model types Offset and Limit of this call as strings
            data = self.client.call("DescribeSecurityGroups", {"SecurityGroupIds": batch, "Offset": "0", "Limit": str(DESCRIBE_LIMIT_MAX)}).data
        except QcloudApiError as err:
            if err.code not in NOT_FOUND_CODES:  # DescribeSecurityGroups documents ResourceNotFound only
                raise
            if len(batch) > GROUPS_ONE_BY_ONE:
                half = len(batch) // 2
                self._find_groups(batch[:half], found)
                self._find_groups(batch[half:], found)
            elif len(batch) > 1:
                for group in batch:
                    self._find_groups([group], found)
            return
        found.update(g.get("SecurityGroupId") for g in data.get("SecurityGroupSet") or [])

    # -- writes ---------------------------------------------------------------------------------

    def create(
        self,
        subnet: Subnet,
        name: str,
        description: Optional[str] = None,
        security_group_ids: Optional[List[str]] = None,
        addresses: Optional[List[str]] = None,
        count: int = 0,
        tags: Optional[Mapping[str, str]] = None,
        primary: Optional[str] = None,
    ) -> Tuple[Dict[str, Any], Task]:
        """(the new ENI's record, its Task). At most 10 addresses (``primary`` among them) or a count of 10 a call.

        Secondary ``addresses`` go with a ``primary`` only: the API documents no list without one, so
        without it the caller creates without addresses (Tencent picks the primary) and assigns them after."""
        params: Dict[str, Any] = {"VpcId": subnet.vpc_id, "SubnetId": subnet.subnet_id, "NetworkInterfaceName": name}
        if description is not None:
            params["NetworkInterfaceDescription"] = description
        if security_group_ids:
            params["SecurityGroupIds"] = list(security_group_ids)
        if addresses and not primary:
            raise ValueError("secondary addresses in a create need the primary address")
        if primary:
            params["PrivateIpAddresses"] = [{"PrivateIpAddress": primary, "Primary": True}] + _address_specs(addresses or [])
        if count:
            params["SecondaryPrivateIpAddressCount"] = count
        if tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        # One token for the create: a retry after a lost answer gets the same ENI, not a second one.
        params["ClientToken"] = str(uuid.uuid4())
        action = LIFECYCLE_ACTIONS["create"]
        result = self._call(action, params)
        raw = result.data.get("NetworkInterface") or {}
        if not raw.get("NetworkInterfaceId"):
            raise QcloudApiError(CLIENT_BAD_RESPONSE, "no NetworkInterface in the answer", action, result.request_id)
        return normalise_v3(raw), Task(task_of(result, action), action)

    def modify(
        self,
        eni_id: str,
        name: Optional[str] = None,
        description: Optional[str] = None,
        security_group_ids: Optional[List[str]] = None,
    ) -> None:
        """Name, description and the whole, ordered list of security groups (synchronous)."""
        params: Dict[str, Any] = {"NetworkInterfaceId": eni_id}
        if name is not None:
            params["NetworkInterfaceName"] = name
        if description is not None:
            params["NetworkInterfaceDescription"] = description
        if security_group_ids is not None:
            params["SecurityGroupIds"] = list(security_group_ids)
        self._call(LIFECYCLE_ACTIONS["modify"], params)

    def modify_tags(self, eni_id: str, replace: Mapping[str, str], delete: List[str]) -> None:
        """Set ``replace`` and remove ``delete`` through the Tag API (synchronous)."""
        try:
            TagApi(tag_client(self.client)).modify(eni_resource(self.client.region, eni_id), replace, delete)
        except QcloudApiError as err:
            raise lifecycle_refusal(err)

    def _task(self, action: str, params: Mapping[str, Any]) -> Task:
        return Task(task_of(self._call(action, params), action), action)

    def assign(self, eni_id: str, addresses: Optional[List[str]] = None, count: int = 0) -> Task:
        params: Dict[str, Any] = {"NetworkInterfaceId": eni_id}
        if addresses:
            params["PrivateIpAddresses"] = _address_specs(addresses)
        if count:
            params["SecondaryPrivateIpAddressCount"] = count
        params["ClientToken"] = str(uuid.uuid4())
        return self._task(LIFECYCLE_ACTIONS["assign"], params)

    def unassign(self, eni_id: str, addresses: List[str]) -> Task:
        params = {"NetworkInterfaceId": eni_id, "PrivateIpAddresses": [{"PrivateIpAddress": ip} for ip in addresses]}
        return self._task(LIFECYCLE_ACTIONS["unassign"], params)

    def detach(self, eni_id: str, instance_id: str) -> Task:
        try:
            return self.vpc.detach(eni_id, instance_id)
        except QcloudApiError as err:
            raise lifecycle_refusal(err)

    def delete(self, eni_id: str) -> Task:
        return self._task(LIFECYCLE_ACTIONS["delete"], {"NetworkInterfaceId": eni_id})

    # -- waits ----------------------------------------------------------------------------------

    def wait(
        self,
        eni_id: str,
        task_id: Optional[str],
        deadline: float,
        wanted: Callable[[Optional[Dict[str, Any]]], bool],
        unchanged: Optional[Callable[[Optional[Dict[str, Any]]], bool]] = None,
    ) -> WaitResult:
        """Read the ENI until it is gone or settled, and ``wanted(record)`` holds (record None = gone).

        Reads lag behind writes: a task that succeeded (or that the API does not know by ``task_id``)
        while the ENI still reads ``unchanged`` (as before the write; None: always taken so) is read
        again until the read agrees, or until the deadline ("lagging"); a read in neither shape is
        another job's doing ("other"). A new ENI that does not show yet is looked for the same way."""
        delays = poll_delays()
        status: Optional[TaskStatus] = None
        while True:
            self.vpc.sleep(min(next(delays), max(0.0, deadline - self.vpc.monotonic())))
            raw = self.vpc.read_network_interface(eni_id)
            record = normalise_v3(raw) if raw is not None else None
            if raw is None or settled(raw):
                if wanted(record):
                    return WaitResult(record, "done")
                if task_id:
                    if status is None or status.status not in TASK_DONE:
                        status = self.vpc.task_status(task_id)
                    if status.status == "FAILED":
                        return WaitResult(record, "failed", status.output)
                    if status.status in TASK_DONE and unchanged is not None and not unchanged(record):
                        return WaitResult(record, "other")
            if self.vpc.monotonic() >= deadline:
                if status is not None and status.status in TASK_DONE:
                    return WaitResult(record, "lagging", status=status.status)
                return WaitResult(record, "timeout", status=unsettled(raw) or ("gone" if raw is None else "not yet as asked"))

    def settle(self, seen: Seen, deadline: float) -> WaitResult:
        """The ENI of ``seen`` once it and its addresses are no longer changing (no call if they were not)."""
        if seen.settled:
            return WaitResult(seen.record, "done")
        return self.wait(seen.record["network_interface_id"], None, deadline, lambda record: True)
