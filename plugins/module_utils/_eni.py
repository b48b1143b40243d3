# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ENI record and the VPC calls that read ENIs and attach or detach them, over API 3.0 and API 2.0.

Callers build no request of either protocol: ENIs come back as one normalised, snake_case
record, task ids as strings, task states as ``RUNNING``/``SUCCESS``/``FAILED``. Only
``VpcApi.v3`` tells them which protocol is spoken (the watch waits differently); the
lifecycle (_lifecycle.py) and the CVM reads (_cvm.py) are API 3.0 only.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._client import QcloudClient, service_endpoint
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    CLIENT_BAD_RESPONSE,
    MODULE_ENI_FILTER_NAME,
    MODULE_FILTERS_NEED_V3,
    QcloudApiError,
    QcloudError,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._filters import filter_map

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
# Answers to an attach that mean "the instance is in another VPC or zone than the ENI".
PLACEMENT_CODES = frozenset(("UnsupportedOperation.VpcMismatch", "UnsupportedOperation.ZoneMismatch"))

ATTACH_TYPES = {"standard": 0, "extended": 1}
ACTIONS = {"attach": "AttachNetworkInterface", "detach": "DetachNetworkInterface"}
# Tencent's limits on one request, as the SDKs' models.py state them: DescribeNetworkInterfaces,
# DescribeSecurityGroups and DescribeInstances read at most 100 items a page ("Limit ... 最大值为100")
# and take at most 100 ids ("每次请求的实例的上限为100"); API 2.0's DescribeNetworkInterfaces reads at most 50.
DESCRIBE_LIMIT_MAX = 100
V2_DESCRIBE_LIMIT_MAX = 50
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
# The CVM API, for an instance's state (_connection and _cvm take them from here).
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
    ``maybe_applied``: the refusal may be our own earlier attempt of this write that went
    through (:func:`maybe_ours`, with ``own_codes``).
    """

    def __init__(self, kind: str, error: QcloudApiError, own_codes: Optional[FrozenSet[str]] = None) -> None:
        super().__init__(error.code, error.message, error.action, request_id=error.request_id,
                         http_status=error.http_status, processed=error.processed, number=error.number, region=error.region)
        self.after_lost_answer = error.after_lost_answer
        self.busy_wait = error.busy_wait
        self.instance_state = error.instance_state
        self.kind = kind
        self.maybe_applied = maybe_ours(error, own_codes)
        # the refusal names the ENI's binding (a read that disagrees with it is late)
        self.about_binding = error.code in BINDING_CODES

    @property
    def error(self) -> QcloudApiError:
        return self


def maybe_ours(error: QcloudApiError, own_codes: Optional[FrozenSet[str]] = None) -> bool:
    """The one "lost answer" rule: a refusal may be our own earlier write that went through when an
    earlier attempt of the same call lost its answer (the client's ``after_lost_answer``) and the
    refusal is one that write's effect explains: a code of ``own_codes`` (None: any refusal the
    caller decides about, as the attach layer reads its conflict, missing and placement answers)."""
    return bool(error.after_lost_answer) and (own_codes is None or error.code in own_codes)


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


# Wire names of the record's fields, (API 3.0, API 2.0), for those both protocols answer alike.
_WIRE_NAMES = dict(
    network_interface_id=("NetworkInterfaceId", "networkInterfaceId"), name=("NetworkInterfaceName", "eniName"),
    description=("NetworkInterfaceDescription", "eniDescription"), vpc_id=("VpcId", "vpcId"), subnet_id=("SubnetId", "subnetId"),
    state=("State", "state"), primary=("Primary", "primary"), mac_address=("MacAddress", "macAddress"),
    addresses=("PrivateIpAddressSet", "privateIpAddressesSet"), address=("PrivateIpAddress", "privateIpAddress"),
    created_time=("CreatedTime", "createTime"),
)


def _record(raw: Mapping[str, Any], v3: bool, zone: Tuple[Optional[str], Optional[int]], binding: Mapping[str, Any],
            attachment_names: Tuple[str, str, str], groups: List[str], tags: Dict[str, str]) -> Dict[str, Any]:
    """The ENI record from ``raw`` (whose wire names are 3.0's or 2.0's) and the fields each protocol gives its own way."""
    wire = {key: names[0 if v3 else 1] for key, names in _WIRE_NAMES.items()}
    record = {key: raw.get(wire[key]) for key in ("network_interface_id", "name", "description", "vpc_id", "subnet_id")}
    record.update(zone=zone[0], zone_id=zone[1], state=raw.get(wire["state"]) or "AVAILABLE", primary=bool(raw.get(wire["primary"])),
                  mac_address=raw.get(wire["mac_address"]))
    addresses = raw.get(wire["addresses"])
    record["private_ip_addresses"] = [ip.get(wire["address"]) for ip in addresses or [] if ip.get(wire["address"])]
    record["attachment"] = _attachment(*(binding.get(name) for name in attachment_names))
    record.update(security_group_ids=groups, tags=tags, primary_private_ip_address=_primary_ip(addresses, wire["address"], wire["primary"]),
                  created_time=raw.get(wire["created_time"]) or None)
    return record


def normalise_v3(raw: Mapping[str, Any]) -> Dict[str, Any]:
    """An API 3.0 ``NetworkInterfaceSet`` item as the collection's ENI record (API 3.0 names the zone)."""
    return _record(raw, True, (raw.get("Zone"), None), raw.get("Attachment") or {}, ("InstanceId", "DeviceIndex", "AttachTime"),
                   [g for g in raw.get("GroupSet") or [] if isinstance(g, str)],
                   {t.get("Key"): t.get("Value") or "" for t in raw.get("TagSet") or [] if isinstance(t, dict) and t.get("Key")})


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
    binding = raw.get("instanceSet") or {}
    if isinstance(binding, list):  # the older shape: a list of bindings, empty when unbound
        binding = binding[0] if binding else {}
    # 2.0 lists groups as objects ({sgId, sgName, ...}) and has no tags
    groups = [sg for sg in (g.get("sgId") if isinstance(g, dict) else g for g in raw.get("groupSet") or []) if sg]
    return _record(raw, False, _v2_zone(raw), binding, ("instanceId", "deviceIndex", "attachTime"), groups, {})


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


def holder_of(record: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The instance an ENI record is attached to, or None."""
    return (record.get("attachment") or {}).get("instance_id") if record else None


class VpcApi:
    def __init__(
        self,
        client: QcloudClient,
        sleep: Optional[Callable[[float], None]] = None,
        monotonic: Optional[Callable[[], float]] = None,
    ) -> None:
        """The VPC calls over ``client``, waiting on its clock unless ``sleep``/``monotonic`` are given."""
        self.client = client
        self.v3 = client.api_version == "3.0"
        self.normalise = normalise_v3 if self.v3 else normalise_v2
        self.sleep = sleep or client.sleep
        self.monotonic = monotonic or client.monotonic
        # What the API answered when the last describe found no ENI, for the failure's ``error``.
        self.last_miss: Optional[Dict[str, Any]] = None

    def clone(self) -> "VpcApi":
        """The same operations for another thread, over a client with its own HTTP session."""
        return VpcApi(self.client.clone(), sleep=self.sleep, monotonic=self.monotonic)

    # -- reads -------------------------------------------------------------------------------

    def describe_network_interface(self, eni_id: str) -> Optional[Dict[str, Any]]:
        """The ENI's record, or None when it does not exist (in this region; see ``last_miss``)."""
        raw = self.read_network_interface(eni_id)
        return None if raw is None else self.normalise(raw)

    def read_network_interface(self, eni_id: str) -> Optional[Mapping[str, Any]]:
        """The ENI as the API answers it (its protocol's item), or None when it does not exist (see ``last_miss``)."""
        try:
            if self.v3:
                answer = self.client.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [eni_id]})
                items = answer.data.get("NetworkInterfaceSet") or []
            else:
                answer = self.client.call("DescribeNetworkInterfaces", {"networkInterfaceId": eni_id})
                items = v2_page(answer.data)[1]
        except QcloudApiError as err:
            if err.code in NOT_FOUND_CODES:
                self.last_miss = err.to_result()
                return None
            raise
        for item in items:
            if self.normalise(item)["network_interface_id"] == eni_id:
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
        size = DESCRIBE_LIMIT_MAX
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
    def eni_filters(cls, filters: Any, v3: bool) -> Dict[str, List[str]]:
        """The filters option as find_network_interfaces takes it: name -> distinct string values
        (filter_map). Fails on API 2.0, on a value filter_map refuses, and on a name
        DescribeNetworkInterfaces does not document; it makes no call, so a module checks its
        filters here before it makes a client."""
        if not v3:
            raise QcloudError(sentence(MODULE_FILTERS_NEED_V3))
        mapped = filter_map(filters)
        for name in mapped:
            if name not in cls.ENI_FILTERS and not (name.startswith("tag:") and len(name) > len("tag:")):
                raise QcloudError(sentence(MODULE_ENI_FILTER_NAME, {"filter": name, "known": ", ".join(cls.ENI_FILTERS)}))
        return mapped

    def list_network_interfaces(self, ids: Optional[List[str]] = None, filters: Optional[Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
        """Every ENI matching ``ids`` or ``filters`` (3.0 names or 2.0 names), all pages."""
        return [self.normalise(item) for item in self.read_network_interfaces(ids, filters)]

    def read_network_interfaces(self, ids: Optional[List[str]] = None, filters: Optional[Mapping[str, Any]] = None) -> List[Mapping[str, Any]]:
        """The same ENIs as the API answers them (their protocol's items)."""
        size = DESCRIBE_LIMIT_MAX if self.v3 else V2_DESCRIBE_LIMIT_MAX
        found: List[Mapping[str, Any]] = []
        offset = 0
        while True:
            if self.v3:
                params: Dict[str, Any] = {"Offset": offset, "Limit": size}
                if ids:
                    params["NetworkInterfaceIds"] = list(ids)
                if filters:
                    params["Filters"] = [{"Name": k, "Values": v if isinstance(v, list) else [v]} for k, v in filters.items()]
                data = self.client.call("DescribeNetworkInterfaces", params).data
                total, page = int(data.get("TotalCount") or 0), data.get("NetworkInterfaceSet") or []
            else:
                params = dict(filters or {}, offset=offset, limit=size)
                total, page = v2_page(self.client.call("DescribeNetworkInterfaces", params).data)
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
        ``filters``: Tencent's DescribeNetworkInterfaces filters, name -> values, as ``eni_filters``
        checked them (API 3.0 only).

        What the protocol can filter on is sent to the API; the rest (and everything when
        ids are given without ``filters``, since 3.0 refuses ids and filters together) is checked
        here. With ``filters``, ids are asked as a network-interface-id filter, and a filter of
        the same name as an option above is sent as given and the option checked here.
        """
        wanted = {"vpc_id": vpc_id, "subnet_id": subnet_id, "name": name}
        extra = dict(filters or {})
        if extra and not self.v3:  # never dropped silently, whoever the caller
            raise QcloudError(sentence(MODULE_FILTERS_NEED_V3))
        if ids and not extra:
            by_id = self.describe_many(ids)[0]
            records = [by_id[eni_id] for eni_id in dict.fromkeys(ids) if eni_id in by_id]
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
