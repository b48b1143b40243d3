# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""CVM instances on plain records: the protocol of DescribeInstances and DescribeRegions.

Above this file nobody knows a wire name: instances come back as one normalised,
snake_case record (shared by the inventory plugin and ``qcloud_cvm_info``), filters go in
as ``{name: [values]}`` (_filters.filter_map) and are split here to respect Tencent's limits (10 filters a
request, 5 values a filter, 100 ids a request), pages are read 100 at a time, and
regions and pages are read by a few threads at once, each with clients of its own.
"""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Callable, Dict, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._client import QcloudClient, service_endpoint
from ansible_collections.tencent.qcloud.plugins.module_utils._connection import VERSIONS
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import CVM_SERVICE, DESCRIBE_LIMIT_MAX, normalise_v3

MAX_FILTERS = 10
MAX_VALUES = 5
DEFAULT_WORKERS = 8

STATE_FILTER = "instance-state"
ZONE_FILTER = "zone"
# Left out unless an instance-state filter asks for them: instances that are gone or going.
# LAUNCH_FAILED never came to exist, SHUTDOWN is "stopped, waiting to be destroyed" (isolated
# in the recycle bin), TERMINATING is being destroyed.
GONE_STATES = frozenset(("LAUNCH_FAILED", "SHUTDOWN", "TERMINATING"))


def normalise_instance(raw: Mapping[str, Any], region: str) -> Dict[str, Any]:
    """A ``DescribeInstances`` ``InstanceSet`` item as the collection's instance record."""
    placement = raw.get("Placement") or {}
    vpc = raw.get("VirtualPrivateCloud") or {}
    return {
        "instance_id": raw.get("InstanceId"),
        "instance_name": raw.get("InstanceName"),
        "instance_type": raw.get("InstanceType"),
        "instance_state": raw.get("InstanceState"),
        "instance_charge_type": raw.get("InstanceChargeType"),
        "region": region,
        "zone": placement.get("Zone"),
        "project_id": placement.get("ProjectId"),
        "vpc_id": vpc.get("VpcId") or None,
        "subnet_id": vpc.get("SubnetId") or None,
        "private_ip_addresses": list(raw.get("PrivateIpAddresses") or []),
        "public_ip_addresses": list(raw.get("PublicIpAddresses") or []),
        "ipv6_addresses": list(raw.get("IPv6Addresses") or []),
        "security_group_ids": list(raw.get("SecurityGroupIds") or []),
        "tags": {t.get("Key"): t.get("Value") for t in raw.get("Tags") or [] if t.get("Key") is not None},
        "image_id": raw.get("ImageId"),
        "os_name": raw.get("OsName"),
        "cpu": raw.get("CPU"),
        "memory": raw.get("Memory"),
        "created_time": raw.get("CreatedTime"),
        "expired_time": raw.get("ExpiredTime"),
    }


# -- filters ------------------------------------------------------------------------------------


def split_filters(filters: Mapping[str, Sequence[str]]) -> List[List[List[Dict[str, Any]]]]:
    """The requests that together ask what ``filters`` asks, within Tencent's limits.

    Filters combine with AND and a filter's values with OR. A filter with more than 5 values
    is asked 5 at a time and the answers are united; with several such filters, every
    combination of their chunks is one request. More than 10 filters make groups of 10
    whose answers are intersected. Returns the groups, each a list of requests' ``Filters``."""
    names = list(filters)
    if not names:
        return [[[]]]
    groups = []
    for start in range(0, len(names), MAX_FILTERS):
        chunked = [
            [(name, list(filters[name][i:i + MAX_VALUES])) for i in range(0, len(filters[name]), MAX_VALUES)]
            for name in names[start:start + MAX_FILTERS]
        ]
        groups.append([[{"Name": n, "Values": v} for n, v in combo] for combo in itertools.product(*chunked)])
    return groups


def filters_for_region(filters: Mapping[str, Sequence[str]], region: str) -> Optional[Dict[str, List[str]]]:
    """The filters to send to ``region``: a zone filter keeps that region's zones only (Tencent
    refuses another region's zone); None when no zone asked for is in the region."""
    out = {name: list(values) for name, values in filters.items()}
    if ZONE_FILTER in out:
        zones = [z for z in out[ZONE_FILTER] if z.startswith(region + "-")]
        if not zones:
            return None
        out[ZONE_FILTER] = zones
    return out


# -- reading pages in parallel ---------------------------------------------------------------------


class Query(NamedTuple):
    region: str
    service: str
    action: str
    params: Dict[str, Any]
    items: str  # the answer's list: InstanceSet, NetworkInterfaceSet


class ClientPool:
    """One client per thread, region and service, made from ``base`` (same keys and policy).

    ``endpoints`` maps a service to its endpoint (None: the service's own host);
    ``new_session`` makes each thread's session (default: a ``requests.Session``)."""

    def __init__(
        self,
        base: QcloudClient,
        endpoints: Optional[Mapping[str, Optional[str]]] = None,
        new_session: Optional[Callable[[], Any]] = None,
    ) -> None:
        self.base = base
        self.endpoints = dict(endpoints or {})
        self.new_session = new_session
        self._local = threading.local()
        self._lock = threading.Lock()
        self.made: List[QcloudClient] = []

    def get(self, region: str, service: str) -> QcloudClient:
        clients = self._local.__dict__.setdefault("clients", {})
        key = (region, service)
        if key not in clients:
            session = self._local.__dict__.get("session")
            if session is None and self.new_session is not None:
                session = self.new_session()
            client = self.base.clone(region=region, service=service, version=VERSIONS.get(service),
                                     endpoint=self.endpoints.get(service), session=session)
            self._local.session = client.session  # one session (connection pool) per thread
            clients[key] = client
            with self._lock:
                self.made.append(client)
        return clients[key]

    @property
    def requests_sent(self) -> int:
        return sum(c.requests_sent for c in self.made)


def _page(pool: ClientPool, query: Query, offset: int) -> Tuple[int, List[Dict[str, Any]]]:
    params = dict(query.params, Offset=offset, Limit=DESCRIBE_LIMIT_MAX)
    data = pool.get(query.region, query.service).call(query.action, params).data  # an error names its region
    return int(data.get("TotalCount") or 0), list(data.get(query.items) or [])


def _run(executor: ThreadPoolExecutor, jobs: List[Callable[[], Any]]) -> List[Any]:
    """Results in job order. A failure cancels the jobs not yet started; once the running ones
    end, the failure of the first job in order is raised (the same one every run)."""
    futures = [executor.submit(job) for job in jobs]
    dummy, pending = wait(futures, return_when=FIRST_EXCEPTION)
    for future in pending:
        future.cancel()
    wait([f for f in futures if not f.cancelled()])
    for future in futures:
        if not future.cancelled() and future.exception() is not None:
            raise future.exception()
    return [f.result() for f in futures]


def fetch_all(pool: ClientPool, queries: Sequence[Query], workers: int = DEFAULT_WORKERS) -> List[List[Dict[str, Any]]]:
    """Every item of every query, in order: the first pages at once, then the other pages at once."""
    if not queries:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, 64))) as executor:
        firsts = _run(executor, [lambda q=q: _page(pool, q, 0) for q in queries])
        # the other pages at the offsets the first page's size gives (the size the server keeps to)
        rest = [
            (index, offset)
            for index, (total, items) in enumerate(firsts)
            if items
            for offset in range(len(items), total, len(items))
        ]
        pages = _run(executor, [lambda i=i, o=o: _page(pool, queries[i], o)[1] for i, o in rest])
    found = [list(items) for dummy, items in firsts]
    for (index, dummy), items in zip(rest, pages):
        found[index].extend(items)
    return found


# -- instances ------------------------------------------------------------------------------------


def _instance_queries(region: str, filters: Mapping[str, Sequence[str]], ids: Optional[Sequence[str]]) -> List[List[Query]]:
    if ids:
        unique = list(dict.fromkeys(ids))
        return [[Query(region, CVM_SERVICE, "DescribeInstances", {"InstanceIds": unique[i:i + DESCRIBE_LIMIT_MAX]}, "InstanceSet")
                 for i in range(0, len(unique), DESCRIBE_LIMIT_MAX)]]
    return [
        [Query(region, CVM_SERVICE, "DescribeInstances", {"Filters": request} if request else {}, "InstanceSet")
         for request in group]
        for group in split_filters(filters)
    ]


def _instance_plan(regions: Sequence[str], filters: Mapping[str, Sequence[str]],
                   ids: Optional[Sequence[str]]) -> List[Tuple[str, List[List[Query]]]]:
    """Per region asked, the groups of queries whose answers (united within a group,
    intersected between groups) give the instances matching ``filters`` (or ``ids``)."""
    plan: List[Tuple[str, List[List[Query]]]] = []
    for region in dict.fromkeys(regions):
        regional = filters_for_region(filters, region)
        if regional is not None:
            plan.append((region, _instance_queries(region, regional, ids)))
    return plan


def _assemble(plan: List[Tuple[str, List[List[Query]]]], answers: Iterator[List[Dict[str, Any]]],
              keep_gone: bool) -> List[Dict[str, Any]]:
    """The records of one plan from the answers (in plan order), gone ones left out unless ``keep_gone``."""
    records: List[Dict[str, Any]] = []
    for region, groups in plan:
        kept: Optional[Dict[str, Dict[str, Any]]] = None
        for group in groups:
            united: Dict[str, Dict[str, Any]] = {}
            for dummy in group:
                for raw in next(answers):
                    united.setdefault(raw.get("InstanceId"), raw)
            kept = united if kept is None else {k: v for k, v in kept.items() if k in united}
        for raw in (kept or {}).values():
            record = normalise_instance(raw, region)
            if keep_gone or record["instance_state"] not in GONE_STATES:
                records.append(record)
    return records


def list_instances(
    pool: ClientPool,
    regions: Sequence[str],
    filters: Optional[Mapping[str, Sequence[str]]] = None,
    ids: Optional[Sequence[str]] = None,
    workers: int = DEFAULT_WORKERS,
) -> List[Dict[str, Any]]:
    """The instance records of ``regions`` matching ``filters`` (or ``ids``), each once, in
    region order and then the API's order. Without an instance-state filter (and without ids),
    instances that are gone or going (GONE_STATES) are left out."""
    filters = dict(filters or {})
    plan = _instance_plan(regions, filters, ids)
    answers = iter(fetch_all(pool, [q for dummy, groups in plan for group in groups for q in group], workers))
    return _assemble(plan, answers, bool(ids) or STATE_FILTER in filters)


def list_instances_of_sets(
    pool: ClientPool,
    regions: Sequence[str],
    include: Sequence[Mapping[str, Sequence[str]]],
    exclude: Sequence[Mapping[str, Sequence[str]]] = (),
    workers: int = DEFAULT_WORKERS,
) -> List[Dict[str, Any]]:
    """The instances matching at least one filter set of ``include`` and none of ``exclude``,
    each once, in the order of the include sets (then region, then the API's order).

    Every set is its own query (split within Tencent's limits as :func:`list_instances` does), and
    all of them are read at once. An include set without an instance-state filter leaves gone
    instances out; an exclude set matches an instance whatever its state."""
    include = [dict(f) for f in include] or [{}]
    sets = [(_instance_plan(regions, f, None), STATE_FILTER in f) for f in include]
    sets += [(_instance_plan(regions, dict(f), None), True) for f in exclude]
    flat = [q for plan, dummy in sets for dummy2, groups in plan for group in groups for q in group]
    answers = iter(fetch_all(pool, flat, workers))
    found = [_assemble(plan, answers, keep_gone) for plan, keep_gone in sets]
    excluded = {(r["region"], r["instance_id"]) for records in found[len(include):] for r in records}
    records: Dict[Tuple[str, str], Dict[str, Any]] = {}
    for record in (r for rs in found[:len(include)] for r in rs):
        key = (record["region"], record["instance_id"])
        if key not in excluded:
            records.setdefault(key, record)
    return list(records.values())


def list_regions(client: QcloudClient) -> List[str]:
    """The regions the account may use (DescribeRegions), available ones only."""
    data = client.call("DescribeRegions", {}).data
    return [r["Region"] for r in data.get("RegionSet") or [] if r.get("Region") and r.get("RegionState", "AVAILABLE") == "AVAILABLE"]


# -- their network interfaces -------------------------------------------------------------------


def attach_network_interfaces(pool: ClientPool, records: List[Dict[str, Any]], workers: int = DEFAULT_WORKERS) -> None:
    """Sets each record's ``network_interfaces`` (the collection's ENI records, primary first).

    A few hosts of a region are asked about 5 at a time (``attachment.instance-id``); many are
    read by their VPCs (5 VPCs a filter, 100 ENIs a page) and the ENIs of other instances dropped."""
    by_region: Dict[str, List[Dict[str, Any]]] = {}
    for record in records:
        record["network_interfaces"] = []
        by_region.setdefault(record["region"], []).append(record)
    queries: List[Query] = []
    for region, hosts in by_region.items():
        if len(hosts) > DESCRIBE_LIMIT_MAX:  # more hosts than a page of ENIs: read by VPC, not 5 hosts a call
            name, values = "vpc-id", list(dict.fromkeys(h["vpc_id"] for h in hosts if h["vpc_id"]))
        else:
            name, values = "attachment.instance-id", [h["instance_id"] for h in hosts]
        for i in range(0, len(values), MAX_VALUES):
            params = {"Filters": [{"Name": name, "Values": values[i:i + MAX_VALUES]}]}
            queries.append(Query(region, "vpc", "DescribeNetworkInterfaces", params, "NetworkInterfaceSet"))
    owners = {(r["region"], r["instance_id"]): r for r in records}
    seen = set()
    for query, items in zip(queries, fetch_all(pool, queries, workers)):
        for raw in items:
            eni = normalise_v3(raw)
            owner = owners.get((query.region, (eni["attachment"] or {}).get("instance_id")))
            if owner is not None and eni["network_interface_id"] not in seen:
                seen.add(eni["network_interface_id"])
                owner["network_interfaces"].append(eni)
    for record in records:
        record["network_interfaces"].sort(key=lambda e: (not e["primary"], (e["attachment"] or {}).get("device_index") or 0))


def service_endpoints(endpoint: Optional[str]) -> Dict[str, Optional[str]]:
    """The endpoints of the CVM and VPC APIs beside ``endpoint`` (api_endpoint): another service's
    Tencent host gives each its own (_client.service_endpoint); a simulator or a proxy serves both."""
    return {service: service_endpoint(endpoint, service) for service in (CVM_SERVICE, "vpc")}


def cvm_pool(client: QcloudClient, endpoint: Optional[str] = None, new_session: Optional[Callable[[], Any]] = None) -> ClientPool:
    """CVM clients (and VPC ones, for network interfaces) with the keys, region and retry policy
    of ``client`` (the run's CVM client); ``endpoint`` (api_endpoint) gives each service's endpoint."""
    return ClientPool(client, service_endpoints(endpoint), new_session)
