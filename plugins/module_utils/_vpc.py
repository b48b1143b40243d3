# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""VPC operations on plain records, the same for API 3.0 and API 2.0.

Above this file nobody knows which protocol is spoken: ENIs come back as one
normalised, snake_case record, task ids as strings, task states as
``RUNNING``/``SUCCESS``/``FAILED``.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._client import QcloudClient, service_endpoint
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    CLIENT_BAD_RESPONSE,
    MODULE_ENI_FILTER_NAME,
    MODULE_FILTERS_NEED_V3,
    QcloudApiError,
    QcloudError,
    sentence,
    throttled,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._tag import TagApi, eni_resource, tag_client

# States in which an ENI is between two bindings; anything else is settled.
TRANSITIONAL_STATES = frozenset(("ATTACHING", "DETACHING", "PENDING", "DELETING"))

# How an unknown id shows up: 3.0 may answer an empty set or ResourceNotFound, 2.0 a codeDesc.
NOT_FOUND_CODES = frozenset(("ResourceNotFound", "InvalidNetworkInterface.NotFound"))

# Answers to a write that mean "the binding is not what was read" (3.0 codes, 2.0 codeDescs).
CONFLICT_CODES = frozenset(
    (
        "UnsupportedOperation.AttachmentAlreadyExists",
        "InvalidNetworkInterface.AlreadyAssociated",
        "InvalidNetworkInterface.NotAttached",
        "UnsupportedOperation.InvalidState",
        "UnsupportedOperation.ResourceIsInvalidState",  # documented for Attach: a lasting one is decided after a re-read
    )
)
# Of those, the ones that say what the ENI's binding is (already attached, not attached): when a read
# right after shows the binding the write was planned from, the read lags behind the writes.
BINDING_CODES = frozenset(
    (
        "UnsupportedOperation.AttachmentAlreadyExists",
        "InvalidNetworkInterface.AlreadyAssociated",
        "InvalidNetworkInterface.NotAttached",
    )
)
# Answers to a write that mean "the ENI or the instance does not exist".
MISSING_CODES = NOT_FOUND_CODES | frozenset(("InvalidInstance.NotFound",))
# A look at an ENI still throttled after the client's retries (either code: _errors.throttled) is
# no news, not a failure (the ENI is looked at again at its next time).
# Answers to an attach that mean "the instance is in another VPC or zone than the ENI".
PLACEMENT_CODES = frozenset(("UnsupportedOperation.VpcMismatch", "UnsupportedOperation.ZoneMismatch"))

ATTACH_TYPES = {"standard": 0, "extended": 1}
ACTIONS = {"attach": "AttachNetworkInterface", "detach": "DetachNetworkInterface"}
PAGE_SIZE = {"3.0": 100, "2.0": 50}
# Tencent's documented limits, requests per second per account (both protocols count alike):
# the client's RateLimiter keeps a run's threads under them. Attach and Detach: 50/s, as
# Tencent's Chinese API pages say ("默认接口请求频率限制:50次/秒",
# https://cloud.tencent.com/document/product/215/15819 and /document/api/215/15816); the
# international pages still say 100.
RATE_LIMITS = {
    "AttachNetworkInterface": 50,
    "DetachNetworkInterface": 50,
    "DescribeNetworkInterfaces": 100,
    "DescribeVpcTaskResult": 20,
}
V2_TASK_STATES = {0: "SUCCESS", 1: "FAILED", 2: "RUNNING"}
# The CVM API, for an instance's state (plugins/module_utils/_cvm.py imports them from here).
CVM_SERVICE = "cvm"
CVM_VERSION = "2017-03-12"
# The CVM InstanceStates (Instance.InstanceState in the CVM SDK's models.py) that an instance does not
# leave on its own: Tencent attaches and detaches ENIs "only on running or shutdown CVMs" (its
# AttachNetworkInterface page), so a refusal then is the instance's state, not a busy instance. Every
# other state (RUNNING, STOPPED, and PENDING, STARTING, STOPPING, REBOOTING, the *_RESCUE_MODE and
# *_SERVICE_LIVE_MIGRATE transitions) passes or allows the write: the refusal is waited out.
LASTING_INSTANCE_STATES = frozenset(("LAUNCH_FAILED", "SHUTDOWN", "TERMINATING", "RESCUE_MODE"))

# The status of a task that DescribeVpcTaskResult does not know by the id we hold: a write retried
# with its ClientToken is answered with a RequestId of its own, and whether the task is then known by
# that one is not documented. Such a task is waited for by reading the ENI alone.
TASK_UNKNOWN = "UNKNOWN"
# Task states after which only the ENI's read can still be behind (reads lag behind writes).
TASK_DONE = frozenset(("SUCCESS", TASK_UNKNOWN))


class TaskStatus(NamedTuple):
    task_id: str
    status: str
    output: str


class Task(NamedTuple):
    """A write the cloud accepted: its task id, and the action it runs (for sentences)."""

    task_id: str
    action: str


class WriteRefused(QcloudApiError):
    """An attach or detach the API refused for a reason the caller decides about.

    It is the API's error itself (so a caller that does not care handles it as any other),
    with ``kind``: ``conflict`` (the binding differs from what was read), ``missing`` (the
    ENI or the instance does not exist) or ``placement`` (another VPC or zone).
    ``maybe_applied``: an earlier attempt of this very write may have been applied (its
    answer was lost), so the refusal may be about our own work.
    """

    def __init__(self, kind: str, error: QcloudApiError) -> None:
        super().__init__(error.code, error.message, error.action, request_id=error.request_id,
                         http_status=error.http_status, processed=error.processed, number=error.number)
        self.after_lost_answer = error.after_lost_answer
        self.busy_wait = error.busy_wait
        self.instance_state = error.instance_state
        self.kind = kind
        self.maybe_applied = error.after_lost_answer
        # the refusal names the ENI's binding (a read that disagrees with it is late)
        self.about_binding = error.code in BINDING_CODES

    @property
    def error(self) -> QcloudApiError:
        return self


def _refusal(error: QcloudApiError) -> Optional[WriteRefused]:
    if error.busy_wait:  # busy until the deadline: nothing for the caller to decide
        return None
    for kind, codes in (("conflict", CONFLICT_CODES), ("missing", MISSING_CODES), ("placement", PLACEMENT_CODES)):
        if error.code in codes:
            return WriteRefused(kind, error)
    return None


def task_of(answer: Any, action: str) -> str:
    """The task id of an API 3.0 write: its RequestId, which must be there."""
    if not answer.request_id:
        raise QcloudApiError(CLIENT_BAD_RESPONSE, "no RequestId in the answer", action)
    return str(answer.request_id)


def missing_answer(action: str, request_id: Optional[str]) -> Dict[str, Any]:
    """``error`` for a look-up the API answered without the resource (an empty set)."""
    return {"code": None, "message": "the answer holds no such resource", "request_id": request_id, "action": action}


def _attachment(instance_id: Any, device_index: Any = None, attach_time: Any = None) -> Optional[Dict[str, Any]]:
    if not instance_id:
        return None
    return {"instance_id": instance_id, "device_index": device_index, "attach_time": attach_time or None}


def normalise_v3(raw: Mapping[str, Any]) -> Dict[str, Any]:
    """An API 3.0 ``NetworkInterfaceSet`` item as the collection's ENI record."""
    attachment = raw.get("Attachment") or {}
    return {
        "network_interface_id": raw.get("NetworkInterfaceId"),
        "name": raw.get("NetworkInterfaceName"),
        "description": raw.get("NetworkInterfaceDescription"),
        "vpc_id": raw.get("VpcId"),
        "subnet_id": raw.get("SubnetId"),
        "zone": raw.get("Zone"),
        "zone_id": None,  # API 3.0 names the zone
        "state": raw.get("State") or "AVAILABLE",
        "primary": bool(raw.get("Primary")),
        "mac_address": raw.get("MacAddress"),
        "private_ip_addresses": [
            ip.get("PrivateIpAddress") for ip in raw.get("PrivateIpAddressSet") or [] if ip.get("PrivateIpAddress")
        ],
        "attachment": _attachment(attachment.get("InstanceId"), attachment.get("DeviceIndex"), attachment.get("AttachTime")),
        "security_group_ids": [g for g in raw.get("GroupSet") or [] if isinstance(g, str)],
        "tags": {t.get("Key"): t.get("Value") or "" for t in raw.get("TagSet") or [] if isinstance(t, dict) and t.get("Key")},
        "primary_private_ip_address": _primary_ip(raw.get("PrivateIpAddressSet"), "PrivateIpAddress", "Primary"),
        "created_time": raw.get("CreatedTime") or None,
    }


def _primary_ip(addresses: Any, address_key: str, primary_key: str) -> Optional[str]:
    """The address marked primary (else the first), or None when there is none."""
    items = [ip for ip in addresses or [] if isinstance(ip, dict) and ip.get(address_key)]
    for ip in items:
        if ip.get(primary_key):
            return ip[address_key]
    return items[0][address_key] if items else None


def _v2_zone(raw: Mapping[str, Any]) -> Tuple[Optional[str], Optional[int]]:
    """(zone name, numeric zone id) of a 2.0 ENI: the archived 2.0 docs type ``zoneId`` as an integer
    (like 100003 for ap-guangzhou-3), which is never a zone name; a name is kept as one."""
    value = raw.get("zoneId")
    if isinstance(value, bool) or value in (None, ""):
        value = None
    elif isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return None, int(value)
    name = value if isinstance(value, str) else raw.get("zone")
    return (name if isinstance(name, str) and name else None), None


def zone_phrase(record: Optional[Mapping[str, Any]]) -> Optional[str]:
    """How a sentence names the zone of a record: its name, else "id <number>" (API 2.0), else None."""
    if not record:
        return None
    if record.get("zone"):
        return str(record["zone"])
    if record.get("zone_id") is not None:
        return "id %s" % record["zone_id"]
    return None


def normalise_v2(raw: Mapping[str, Any]) -> Dict[str, Any]:
    """An API 2.0 ENI (either documented shape of ``instanceSet``) as the same record."""
    zone_name, zone_id = _v2_zone(raw)
    binding = raw.get("instanceSet") or {}
    if isinstance(binding, list):  # the older shape: a list of bindings, empty when unbound
        binding = binding[0] if binding else {}
    return {
        "network_interface_id": raw.get("networkInterfaceId"),
        "name": raw.get("eniName"),
        "description": raw.get("eniDescription"),
        "vpc_id": raw.get("vpcId"),
        "subnet_id": raw.get("subnetId"),
        "zone": zone_name,
        "zone_id": zone_id,
        "state": raw.get("state") or "AVAILABLE",
        "primary": bool(raw.get("primary")),
        "mac_address": raw.get("macAddress"),
        "private_ip_addresses": [
            ip.get("privateIpAddress") for ip in raw.get("privateIpAddressesSet") or [] if ip.get("privateIpAddress")
        ],
        "attachment": _attachment(binding.get("instanceId"), binding.get("deviceIndex"), binding.get("attachTime")),
        # 2.0 lists groups as objects ({sgId, sgName, ...}) and has no tags
        "security_group_ids": [sg for sg in (g.get("sgId") if isinstance(g, dict) else g for g in raw.get("groupSet") or []) if sg],
        "tags": {},
        "primary_private_ip_address": _primary_ip(raw.get("privateIpAddressesSet"), "privateIpAddress", "primary"),
        "created_time": raw.get("createTime") or None,
    }


def v2_page(data: Mapping[str, Any]) -> tuple:
    """(total, items) of a 2.0 describe answer, newer (``data.data``) or older (``data`` list) shape."""
    inner = data.get("data")
    if isinstance(inner, dict):
        items = inner.get("data") or []
        total = inner.get("totalNum", inner.get("totalCount", len(items)))
    else:
        items = inner or []
        total = data.get("totalCount", data.get("totalNum", len(items)))
    return int(total), items


def poll_delays(first: float = 0.25, factor: float = 1.5, cap: float = 5.0) -> Iterator[float]:
    """Waits between task polls (API 2.0, whose ENIs show no task): quick at first, then
    sparing, since DescribeVpcTaskResult allows only 20 calls a second."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * factor)


def look_delays(first: float = 0.15, ratio: float = 0.08, cap: float = 10.0) -> Iterator[float]:
    """Waits between looks at an ENI (API 3.0): each a fraction ``ratio`` of the time waited so
    far, at least ``first``, at most ``cap``, so that the end of a task is seen at most 8% of
    its length late (0.15 s for short ones). DescribeNetworkInterfaces allows 100 calls a
    second and reads 100 ENIs per call, so looking this often is cheap."""
    elapsed = 0.0
    while True:
        delay = min(cap, max(first, ratio * elapsed))
        yield delay
        elapsed += delay


def holder_of(record: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The instance an ENI record is attached to, or None."""
    return (record.get("attachment") or {}).get("instance_id") if record else None


class VpcApi:
    def __init__(
        self,
        client: QcloudClient,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.v3 = client.api_version == "3.0"
        self.sleep = sleep
        self.monotonic = monotonic
        # What the API answered when the last describe found no ENI, for the failure's ``error``.
        self.last_miss: Optional[Dict[str, Any]] = None

    def clone(self) -> "VpcApi":
        """The same operations for another thread, over a client with its own HTTP session."""
        return VpcApi(self.client.clone(), sleep=self.sleep, monotonic=self.monotonic)

    # -- reads -------------------------------------------------------------------------------

    def describe_network_interface(self, eni_id: str) -> Optional[Dict[str, Any]]:
        """The ENI's record, or None when it does not exist (in this region; see ``last_miss``)."""
        try:
            if self.v3:
                answer = self.client.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [eni_id]})
                items = [normalise_v3(item) for item in answer.data.get("NetworkInterfaceSet") or []]
            else:
                answer = self.client.call("DescribeNetworkInterfaces", {"networkInterfaceId": eni_id})
                items = [normalise_v2(item) for item in v2_page(answer.data)[1]]
        except QcloudApiError as err:
            if err.code in NOT_FOUND_CODES:
                self.last_miss = err.to_result()
                return None
            raise
        for item in items:
            if item["network_interface_id"] == eni_id:
                return item
        self.last_miss = missing_answer("DescribeNetworkInterfaces", answer.request_id)
        return None

    def describe_many(self, ids: List[str]) -> Tuple[Dict[str, Dict[str, Any]], Dict[str, Dict[str, Any]]]:
        """(records found, ``error`` of each id not found), reading up to 100 ENIs per call (API 3.0;
        API 2.0 takes one id per call). An id in neither answer was not asked for."""
        unique = list(dict.fromkeys(ids))
        found: Dict[str, Dict[str, Any]] = {}
        misses: Dict[str, Dict[str, Any]] = {}
        if not self.v3:
            return self._one_by_one(unique)
        size = PAGE_SIZE["3.0"]
        for start in range(0, len(unique), size):
            chunk = unique[start:start + size]
            if len(chunk) == 1:  # the very request the single form has always sent
                params: Dict[str, Any] = {"NetworkInterfaceIds": chunk}
            else:
                params = {"NetworkInterfaceIds": chunk, "Offset": 0, "Limit": size}
            try:
                answer = self.client.call("DescribeNetworkInterfaces", params)
            except QcloudApiError as err:
                if err.code not in NOT_FOUND_CODES:
                    raise
                if len(chunk) == 1:
                    misses[chunk[0]] = err.to_result()
                    continue
                # 3.0 may refuse a whole query for one unknown id: ask for each one then.
                more, gone = self._one_by_one(chunk)
                found.update(more)
                misses.update(gone)
                continue
            for item in answer.data.get("NetworkInterfaceSet") or []:
                record = normalise_v3(item)
                if record["network_interface_id"] in chunk:
                    found[record["network_interface_id"]] = record
            for eni_id in chunk:
                if eni_id not in found:
                    misses[eni_id] = missing_answer("DescribeNetworkInterfaces", answer.request_id)
        return found, misses

    def _one_by_one(self, ids: List[str]) -> Tuple[Dict[str, Dict[str, Any]], Dict[str, Dict[str, Any]]]:
        found: Dict[str, Dict[str, Any]] = {}
        misses: Dict[str, Dict[str, Any]] = {}
        for eni_id in ids:
            record = self.describe_network_interface(eni_id)
            if record is None:
                misses[eni_id] = dict(self.last_miss or missing_answer("DescribeNetworkInterfaces", None))
            else:
                found[eni_id] = record
        return found, misses

    def instance_placement(self, instance_id: str) -> Tuple[Optional[str], Optional[str]]:
        """(VPC, zone as :func:`zone_phrase` says it) of an instance, read from its primary ENI; (None, None) if unknown."""
        try:
            found = self.find_network_interfaces(instance_id=instance_id, primary=True)
        except QcloudApiError:
            return None, None
        return (found[0]["vpc_id"], zone_phrase(found[0])) if found else (None, None)

    # DescribeNetworkInterfaces' filters (the SDK's DescribeNetworkInterfacesRequest), besides tag:<key>;
    # ids asked with filters go in a network-interface-id filter (3.0 refuses both), 5 a request.
    ENI_FILTERS = (
        "vpc-id", "subnet-id", "network-interface-id", "attachment.instance-id", "groups.security-group-id",
        "network-interface-name", "network-interface-description", "address-ip", "ip-exact-match", "tag-key",
        "is-primary", "eni-type", "eni-qos", "address-ipv6", "public-address-ip", "address-type",
        "termination-protection", "traffic-protection",
    )
    ENI_FILTER_IDS = 5

    @classmethod
    def check_eni_filters(cls, filters: Mapping[str, Any]) -> None:
        """Fails on a name DescribeNetworkInterfaces does not document (before any call)."""
        for name in filters:
            if name not in cls.ENI_FILTERS and not (name.startswith("tag:") and len(name) > len("tag:")):
                raise QcloudError(sentence(MODULE_ENI_FILTER_NAME, {"filter": name, "known": ", ".join(cls.ENI_FILTERS)}))

    def list_network_interfaces(self, ids: Optional[List[str]] = None, filters: Optional[Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
        """Every ENI matching ``ids`` or ``filters`` (3.0 names or 2.0 names), all pages."""
        size = PAGE_SIZE[self.client.api_version]
        found: List[Dict[str, Any]] = []
        offset = 0
        while True:
            if self.v3:
                params: Dict[str, Any] = {"Offset": offset, "Limit": size}
                if ids:
                    params["NetworkInterfaceIds"] = list(ids)
                if filters:
                    params["Filters"] = [{"Name": k, "Values": v if isinstance(v, list) else [v]} for k, v in filters.items()]
                data = self.client.call("DescribeNetworkInterfaces", params).data
                total = int(data.get("TotalCount") or 0)
                page = [normalise_v3(item) for item in data.get("NetworkInterfaceSet") or []]
            else:
                params = dict(filters or {}, offset=offset, limit=size)
                total, raw = v2_page(self.client.call("DescribeNetworkInterfaces", params).data)
                page = [normalise_v2(item) for item in raw]
            found.extend(page)
            offset += len(page)
            if not page or offset >= total:
                return found

    def find_network_interfaces(
        self,
        ids: Optional[List[str]] = None,
        vpc_id: Optional[str] = None,
        subnet_id: Optional[str] = None,
        instance_id: Optional[str] = None,
        name: Optional[str] = None,
        primary: Optional[bool] = None,
        tags: Optional[Mapping[str, str]] = None,
        filters: Optional[Mapping[str, List[str]]] = None,
    ) -> List[Dict[str, Any]]:
        """ENIs matching every criterion given (AND), as records; unknown ids are left out.
        ``tags``: every one of these tags (API 3.0 only; 2.0 reports no tags).
        ``filters``: Tencent's DescribeNetworkInterfaces filters, name -> values (API 3.0 only).

        What the protocol can filter on is sent to the API; the rest (and everything when
        ids are given without ``filters``, since 3.0 refuses ids and filters together) is checked
        here. With ``filters``, ids are asked as a network-interface-id filter, and a filter of
        the same name as an option above is sent as given and the option checked here.
        """
        wanted = {"vpc_id": vpc_id, "subnet_id": subnet_id, "name": name}
        extra = dict(filters or {})
        if extra and not self.v3:
            raise QcloudError(sentence(MODULE_FILTERS_NEED_V3))
        self.check_eni_filters(extra)
        if ids and not extra:
            records = self._by_ids(ids)
        elif self.v3:
            names = {"vpc-id": vpc_id, "subnet-id": subnet_id, "attachment.instance-id": instance_id,
                     "network-interface-name": name}
            wire: Dict[str, Any] = {k: v for k, v in names.items() if v is not None}
            if primary is not None:
                wire["is-primary"] = "true" if primary else "false"
            for key, value in (tags or {}).items():
                wire["tag:%s" % key] = value
            wire.update(extra)
            if ids:
                asked = [i for i in dict.fromkeys(ids) if i in extra.get("network-interface-id", [i])]
                records = []
                for start in range(0, len(asked), self.ENI_FILTER_IDS):
                    chunk = {"network-interface-id": asked[start:start + self.ENI_FILTER_IDS]}
                    records.extend(self.list_network_interfaces(filters=dict(wire, **chunk)))
                order = {eni_id: index for index, eni_id in enumerate(asked)}
                records.sort(key=lambda r: order.get(r["network_interface_id"], len(order)))
            else:
                records = self.list_network_interfaces(filters=wire)
        else:
            # 2.0 knows vpcId, instanceId and a substring eniName; no subnet or primary filter.
            native = {"vpcId": vpc_id, "instanceId": instance_id, "eniName": name}
            try:
                records = self.list_network_interfaces(filters={k: v for k, v in native.items() if v is not None})
            except QcloudApiError as err:
                if err.code == "InvalidVpc.NotFound":  # an unknown VPC has no ENIs, as in 3.0
                    return []
                raise
        return [
            r for r in records
            if all(value is None or r[key] == value for key, value in wanted.items())
            and (instance_id is None or (r["attachment"] or {}).get("instance_id") == instance_id)
            and (primary is None or r["primary"] == primary)
            and all(r.get("tags", {}).get(key) == value for key, value in (tags or {}).items())
        ]

    def _by_ids(self, ids: List[str]) -> List[Dict[str, Any]]:
        unique = list(dict.fromkeys(ids))
        if self.v3:
            size = PAGE_SIZE["3.0"]
            found: List[Dict[str, Any]] = []
            for start in range(0, len(unique), size):
                chunk = unique[start:start + size]
                try:
                    found.extend(self.list_network_interfaces(ids=chunk))
                except QcloudApiError as err:
                    # 3.0 may refuse a whole query for one unknown id: ask for each one then.
                    if err.code not in NOT_FOUND_CODES:
                        raise
                    found.extend(r for r in (self.describe_network_interface(i) for i in chunk) if r is not None)
            order = {eni_id: index for index, eni_id in enumerate(unique)}
            return sorted(found, key=lambda r: order.get(r["network_interface_id"], len(order)))
        # 2.0 takes one networkInterfaceId per call.
        return [r for r in (self.describe_network_interface(eni_id) for eni_id in unique) if r is not None]

    def task_status(self, task_id: str) -> TaskStatus:
        """The task's status; ``TASK_UNKNOWN`` when the API does not know it by ``task_id``."""
        try:
            return self._task_status(task_id)
        except QcloudApiError as err:
            if err.code in NOT_FOUND_CODES or err.code == "InvalidTask.NotFound":
                return TaskStatus(task_id, TASK_UNKNOWN, "")
            raise

    def _task_status(self, task_id: str) -> TaskStatus:
        if self.v3:
            data = self.client.call("DescribeVpcTaskResult", {"TaskId": task_id}).data
            return TaskStatus(task_id, str(data.get("Status") or "RUNNING").upper(), str(data.get("Output") or ""))
        data = self.client.call("DescribeVpcTaskResult", {"taskId": int(task_id)}).data
        inner = data.get("data") if isinstance(data.get("data"), dict) else data
        try:
            status = V2_TASK_STATES.get(int(inner.get("status")), "RUNNING")
        except (TypeError, ValueError):
            status = "RUNNING"
        return TaskStatus(task_id, status, str(inner.get("output") or ""))

    def instance_state(self, instance_id: str) -> str:
        """The instance's CVM ``InstanceState`` ("" when there is no such instance in the region)."""
        client = self.client.clone(service=CVM_SERVICE, version=CVM_VERSION, endpoint=service_endpoint(self.client.url, CVM_SERVICE),
                                   session=self.client.session)
        data = client.call("DescribeInstances", {"InstanceIds": [instance_id]}).data
        for item in data.get("InstanceSet") or []:
            if item.get("InstanceId") == instance_id:
                return str(item.get("InstanceState") or "")
        return ""

    def still_busy(self, action: str, eni_id: str, instance_id: str) -> Callable[[QcloudApiError], bool]:
        """For the client: whether an attach's or detach's maybe-busy answer (InvalidState,
        ResourceIsInvalidState) means that another task holds the ENI or the instance (True: wait
        it out) or a refusal that no wait changes (False), by reading the ENI again, and the
        instance's state when the ENI allows the write (a state that passes on its own is waited
        out too). A lasting instance state is kept on the error (``instance_state``) for its sentence."""

        def check(error: QcloudApiError) -> bool:
            record = self.describe_network_interface(eni_id)
            if record is None or record["primary"]:
                return False  # gone, or a primary ENI: the caller reads it again and says so
            if record["state"] in TRANSITIONAL_STATES:
                return True  # a task of its own runs on the ENI (API 3.0 shows it)
            holder = holder_of(record)
            lasting = holder is not None if action == ACTIONS["attach"] else holder != instance_id
            if lasting:
                return False  # attached already, or not to this instance: the caller decides
            state = self.instance_state(instance_id)
            if not state or state in LASTING_INSTANCE_STATES:
                error.instance_state = state or None  # "": no such instance
                return False
            return True  # the write is allowed, or will be once the instance's own transition ends

        return check

    # -- writes ------------------------------------------------------------------------------

    def _write(self, action: str, eni_id: str, instance_id: str, vpc_id: Optional[str], extra: Mapping[str, Any]) -> Task:
        try:
            return Task(self._send_write(action, eni_id, instance_id, vpc_id, extra), action)
        except QcloudApiError as err:
            refusal = _refusal(err)
            if refusal is not None:
                raise refusal
            raise

    def _send_write(self, action: str, eni_id: str, instance_id: str, vpc_id: Optional[str], extra: Mapping[str, Any]) -> str:
        if self.v3:
            # One token per logical write: every retry of this call carries the same one.
            params = dict(extra, NetworkInterfaceId=eni_id, InstanceId=instance_id, ClientToken=str(uuid.uuid4()))
            return task_of(self.client.call(action, params, still_busy=self.still_busy(action, eni_id, instance_id)), action)
        params = {"vpcId": vpc_id, "networkInterfaceId": eni_id, "instanceId": instance_id}
        data = self.client.call(action, params, still_busy=self.still_busy(action, eni_id, instance_id)).data
        task_id = data.get("taskId")
        if task_id is None and isinstance(data.get("data"), dict):
            task_id = data["data"].get("taskId")
        if task_id is None:
            raise QcloudApiError(CLIENT_BAD_RESPONSE, "no taskId in the answer", action)
        return str(task_id)

    def attach(self, eni_id: str, instance_id: str, vpc_id: Optional[str] = None, attach_type: Optional[str] = None) -> Task:
        """Start attaching; ``attach_type`` is ``standard`` or ``extended`` (API 3.0 only)."""
        extra = {"AttachType": ATTACH_TYPES[attach_type]} if attach_type and self.v3 else {}
        return self._write(ACTIONS["attach"], eni_id, instance_id, vpc_id, extra)

    def detach(self, eni_id: str, instance_id: str, vpc_id: Optional[str] = None) -> Task:
        return self._write(ACTIONS["detach"], eni_id, instance_id, vpc_id, {})


# -- waiting on many ENIs at once --------------------------------------------------------------


class Look(NamedTuple):
    """What the watch found for an ENI it stopped watching."""

    eni_id: str
    record: Optional[Dict[str, Any]]  # the ENI as last read (None: not read, or gone)
    status: Optional[TaskStatus]  # the task's status, when it was read
    error: Optional[QcloudError] = None  # the call that failed, when one did
    miss: Optional[Dict[str, Any]] = None  # what the API answered when the ENI was gone


class _Entry:
    def __init__(self, eni_id: str, task: Optional[Task], wanted: Optional[str], confirm: bool, now: float, v3: bool,
                 old: FrozenSet[Optional[str]] = frozenset(), earlier: FrozenSet[str] = frozenset()) -> None:
        self.eni_id = eni_id
        self.task = task
        self.wanted = wanted
        self.confirm = confirm
        self.old = old
        self.earlier = earlier
        # a read showed the ENI as it was after this write began (its own task, or another job's):
        # a later read of an old binding is no longer a late read
        self.past_write = False
        self.start = now
        self.delays = look_delays() if v3 else poll_delays()
        self.next_at = now + next(self.delays)
        self.record: Optional[Dict[str, Any]] = None
        self.status: Optional[TaskStatus] = None
        self.miss: Optional[Dict[str, Any]] = None

    def advance(self, now: float) -> None:
        while self.next_at <= now:
            self.next_at += next(self.delays)


class EniWatch:
    """ENIs waited on together: each until it settles, or until the task of a write on it ends.

    API 3.0 shows a task on the ENI itself: its ``State`` is ATTACHING or DETACHING while the task
    runs, and the binding changes when the task succeeds. So one DescribeNetworkInterfaces looks
    at up to 100 ENIs, on the 100/s describe API, and DescribeVpcTaskResult (20/s) is read only
    for an ENI that settled without the binding asked for: a FAILED task's output, or a task the
    ENI does not show yet. API 2.0 reports no ENI state: there each task is polled, and the ENI
    is read once its task has ended (``confirm``).

    Each ENI keeps its own schedule from when it was added (``look_delays`` in 3.0, ``poll_delays``
    in 2.0); a round reads every ENI due, fills its calls up with the others (free news), and
    rounds are at least ``MIN_ROUND_GAP`` apart. Everything due is looked at at the deadline.
    A look still throttled after the client's retries (many modules looking at once) is no news:
    the ENI is looked at again at its next time, within the deadline; other errors end it.
    """

    MIN_ROUND_GAP = 0.1

    def __init__(self, api: VpcApi, deadline: float) -> None:
        self.api = api
        self.deadline = deadline
        self.entries: Dict[str, _Entry] = {}
        self.last_round: Optional[float] = None

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, eni_id: str) -> bool:
        return eni_id in self.entries

    def add(
        self,
        eni_id: str,
        task: Optional[Task] = None,
        wanted: Optional[str] = None,
        confirm: bool = True,
        old: FrozenSet[Optional[str]] = frozenset(),
        earlier: FrozenSet[str] = frozenset(),
    ) -> None:
        """Watch ``eni_id``: until it settles, or (``task``) until that task has ended; ``wanted``
        is the instance the task should leave it attached to (None: detached). ``old``: the bindings
        a read may still show after the task succeeded (reads lag behind writes): the ENI is read
        until it shows ``wanted`` (or a binding in neither, which another job made), within the
        deadline. ``earlier``: the transitional states of this job's earlier writes, which a late read
        may still show; any other (ATTACHING or DETACHING, the task's own or another job's) shows the
        ENI past this write, so that an old binding read after it is another job's doing. With
        ``confirm`` false (another write follows, which the API checks against the truth), a task that
        succeeded ends the watch at once."""
        self.entries[eni_id] = _Entry(eni_id, task, wanted, confirm, self.api.monotonic(), self.api.v3, frozenset(old),
                                      frozenset(earlier))

    def last_seen(self, eni_id: str) -> Tuple[Optional[Dict[str, Any]], Optional[TaskStatus]]:
        entry = self.entries[eni_id]
        return entry.record, entry.status

    def drop(self, eni_id: str) -> None:
        self.entries.pop(eni_id, None)

    def due_at(self) -> Optional[float]:
        """When the next round should look (never after the deadline), or None if nothing is watched."""
        if not self.entries:
            return None
        due = min(entry.next_at for entry in self.entries.values())
        if self.last_round is not None:
            due = max(due, self.last_round + self.MIN_ROUND_GAP)
        return min(due, self.deadline)

    def look(self) -> List[Look]:
        """One round: the ENIs that ended (no longer watched); the others are still pending."""
        now = self.api.monotonic()
        due = [e for e in self.entries.values() if e.next_at <= now + 1e-6 or now >= self.deadline]
        if not due:
            return []
        self.last_round = now
        ended = self._look_v3(due) if self.api.v3 else self._look_v2(due)
        for look in ended:
            self.entries.pop(look.eni_id, None)
        for entry in due:
            entry.advance(now)
        return ended

    def _look_v3(self, due: List[_Entry]) -> List[Look]:
        size = PAGE_SIZE["3.0"]
        due_ids = {e.eni_id for e in due}
        others = [e for e in self.entries.values() if e.eni_id not in due_ids]
        count = -(-len(due) // size) * size
        looked = (due + others)[:count]
        ended: List[Look] = []
        for start in range(0, len(looked), size):
            chunk = looked[start:start + size]
            try:
                found, misses = self.api.describe_many([e.eni_id for e in chunk])
            except QcloudError as err:
                if not throttled(err):
                    ended.extend(Look(e.eni_id, e.record, e.status, err) for e in chunk if e.eni_id in due_ids)
                continue
            for entry in chunk:
                entry.record = found.get(entry.eni_id)
                entry.miss = misses.get(entry.eni_id)
                look = self._settled_v3(entry)
                if look is not None:
                    ended.append(look)
        return ended

    def _settled_v3(self, entry: _Entry) -> Optional[Look]:
        record = entry.record
        if record is not None and record["state"] in TRANSITIONAL_STATES:
            if record["state"] not in entry.earlier:
                entry.past_write = True
            return None
        if entry.task is None or (record is not None and holder_of(record) == entry.wanted):
            return Look(entry.eni_id, record, entry.status, None, entry.miss)
        # Settled, but not as asked: the task says why (FAILED), or that it has not shown yet.
        if entry.status is None or entry.status.status not in TASK_DONE:
            try:
                entry.status = self.api.task_status(entry.task.task_id)
            except QcloudError as err:
                return None if throttled(err) else Look(entry.eni_id, record, None, err)
        if entry.status.status == "RUNNING":
            return None
        if entry.status.status == "SUCCESS" and not entry.confirm:
            return Look(entry.eni_id, record, entry.status, None, entry.miss)
        if entry.status.status in TASK_DONE and self._lagging(entry):
            return None  # the read has not caught up with the task yet: look again
        return Look(entry.eni_id, record, entry.status, None, entry.miss)

    @staticmethod
    def _lagging(entry: _Entry) -> bool:
        """The ENI still reads as it was before the task (which is done, or unknown by its id)."""
        return not entry.past_write and entry.record is not None and holder_of(entry.record) in entry.old

    def _look_v2(self, due: List[_Entry]) -> List[Look]:
        ended: List[Look] = []
        for entry in due:
            try:
                if entry.task is not None and (entry.status is None or entry.status.status not in TASK_DONE):
                    entry.status = self.api.task_status(entry.task.task_id)
                    if entry.status.status == "RUNNING":
                        continue
                if entry.task is None or (entry.confirm and entry.status.status in TASK_DONE):
                    entry.record = self.api.describe_network_interface(entry.eni_id)
                    entry.miss = None if entry.record else self.api.last_miss
                    if entry.task is not None and holder_of(entry.record) != entry.wanted and self._lagging(entry):
                        continue  # the read has not caught up with the task yet: read again at its next time
            except QcloudError as err:
                if not throttled(err):
                    ended.append(Look(entry.eni_id, entry.record, entry.status, err))
                continue
            ended.append(Look(entry.eni_id, entry.record, entry.status, None, entry.miss))
        return ended


# -- the ENI lifecycle (API 3.0 only) -------------------------------------------------------------
# Create, change and delete ENIs. Async writes are watched the way Terraform watches them: by
# reading the ENI (DescribeNetworkInterfaces, 100/s) until it and each of its addresses are
# AVAILABLE and look as wanted, or it is gone; DescribeVpcTaskResult is asked only when the ENI
# has settled but does not look as wanted, to tell a FAILED task (and its output) from a late read.

ADDRESSES_PER_CALL = 10  # CreateNetworkInterface, Assign/UnassignPrivateIpAddresses: at most 10 a call
ID_BATCH = 100  # ids per Describe* call
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
    about, else as it is. ``maybe_applied``: an asynchronous write whose answer was lost was refused
    in a way our own earlier attempt explains."""
    action = error.action
    maybe = action in _ASYNC_WRITES and error.after_lost_answer and error.code in _AFTER_LOST_ANSWER
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
    refusal = WriteRefused(kind, error)
    refusal.maybe_applied = maybe
    return refusal


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
            raw = self._describe_raw(eni_id)
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

    def _describe_raw(self, eni_id: str) -> Optional[Dict[str, Any]]:
        """The raw NetworkInterfaceSet item of the ENI, or None when it does not exist."""
        try:
            data = self.client.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [eni_id]}).data
        except QcloudApiError as err:
            if err.code in NOT_FOUND_CODES:
                return None
            raise
        for item in data.get("NetworkInterfaceSet") or []:
            if item.get("NetworkInterfaceId") == eni_id:
                return item
        return None

    def describe(self, eni_id: str) -> Optional[Seen]:
        """The ENI as it is now, or None when it does not exist."""
        raw = self._describe_raw(eni_id)
        return _seen(raw) if raw is not None else None

    def find(self, name: str, subnet_id: str) -> List[Seen]:
        """The ENIs of that exact name in that subnet (one call for up to 100)."""
        found: List[Seen] = []
        offset = 0
        filters = [{"Name": "subnet-id", "Values": [subnet_id]}, {"Name": "network-interface-name", "Values": [name]}]
        while True:
            data = self.client.call("DescribeNetworkInterfaces", {"Filters": filters, "Offset": offset, "Limit": ID_BATCH}).data
            page = data.get("NetworkInterfaceSet") or []
            found.extend(_seen(item) for item in page if item.get("NetworkInterfaceName") == name and item.get("SubnetId") == subnet_id)
            offset += len(page)
            if not page or offset >= int(data.get("TotalCount") or 0):
                return found

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
        for batch in chunked(list(dict.fromkeys(group_ids)), ID_BATCH):
            self._find_groups(batch, found)
        return [g for g in group_ids if g not in found]

    def _find_groups(self, batch: List[str], found: set) -> None:
        """Add to ``found`` the ids of ``batch`` that exist. One unknown id fails the whole query, so a
        refused batch is asked again id by id when small, else halved (few calls for few unknowns in many)."""
        try:
            # the SDK's model types Offset and Limit of this call as strings
            data = self.client.call("DescribeSecurityGroups", {"SecurityGroupIds": batch, "Offset": "0", "Limit": str(ID_BATCH)}).data
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
            raw = self._describe_raw(eni_id)
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
