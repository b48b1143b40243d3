# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""_cvm: the instance record, filter splitting, paging, regions in parallel, ENIs in batches."""

from __future__ import annotations

import itertools
import threading

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils import _cvm as M
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError, QcloudError
from ansible_collections.tencent.qcloud.plugins.module_utils._filters import filter_map
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import api_log, cvm_eni as eni, cvm_instance as instance, load_cvm


@pytest.fixture
def cloud(bare_sim):
    """cloud(instances, enis=(), regions=None): the simulator with only these."""
    return lambda instances, enis=(), regions=None: load_cvm(bare_sim, instances, enis, regions)


def of(sim, action):
    return api_log(sim, action)


@pytest.fixture
def make_pool(bare_sim, sim_client, clock):
    def make(endpoint="https://sim.example:443", workers_sessions=None):
        base = sim_client(endpoint=endpoint, service="cvm", version=M.VERSIONS[M.CVM_SERVICE])
        sessions = workers_sessions if workers_sessions is not None else []

        def new_session():
            sessions.append(bare_sim.session)
            return bare_sim.session

        return M.ClientPool(base, {"cvm": endpoint, "vpc": endpoint}, new_session), clock

    return make


def ids(records):
    return [r["instance_id"] for r in records]


# ================================================================== the record


def test_record_from_a_full_payload(cloud, sim_client):
    cloud([instance(7, tags={"env": "prod", "role": "web"}, public=["203.0.113.7"], vpc="vpc-gz000001")])
    (raw,) = sim_client(service="cvm", version=M.VERSIONS[M.CVM_SERVICE]).call("DescribeInstances", {"InstanceIds": ["ins-c0000007"]}).data["InstanceSet"]
    raw["ExpiredTime"] = "2030-01-02T03:04:05Z"
    raw["IPv6Addresses"] = ["2402:4e00::7"]
    assert M.normalise_instance(raw, "ap-guangzhou") == {
        "instance_id": "ins-c0000007",
        "instance_name": "node-7",
        "instance_type": "S5.MEDIUM4",
        "instance_state": "RUNNING",
        "instance_charge_type": "POSTPAID_BY_HOUR",
        "region": "ap-guangzhou",
        "zone": "ap-guangzhou-3",
        "project_id": 0,
        "vpc_id": "vpc-gz000001",
        "subnet_id": "subnet-gz3a0001",
        "private_ip_addresses": ["10.0.0.9"],
        "public_ip_addresses": ["203.0.113.7"],
        "ipv6_addresses": ["2402:4e00::7"],
        "security_group_ids": ["sg-web00001"],
        "tags": {"env": "prod", "role": "web"},
        "image_id": "img-ubuntu22",
        "os_name": "Ubuntu Server 22.04 LTS 64bit",
        "cpu": 2,
        "memory": 4,
        "created_time": "2024-01-02T03:04:05Z",
        "expired_time": "2030-01-02T03:04:05Z",
    }


def test_record_of_a_sparse_payload():
    """Nulls the API documents (no public address, no tags, no VPC) become empty values."""
    record = M.normalise_instance({"InstanceId": "ins-c0000001", "PublicIpAddresses": None, "Tags": None,
                                   "VirtualPrivateCloud": {"VpcId": "", "SubnetId": ""}}, "ap-beijing")
    assert record["public_ip_addresses"] == [] and record["tags"] == {} and record["private_ip_addresses"] == []
    assert record["vpc_id"] is None and record["subnet_id"] is None and record["zone"] is None


# ================================================================== filters


def test_filter_map_values():
    assert filter_map({"instance-state": "RUNNING", "tag:env": ["prod", "prod", "dev"], "project-id": 0,
                       "tag:on": True}) == {
        "instance-state": ["RUNNING"], "tag:env": ["prod", "dev"], "project-id": ["0"], "tag:on": ["true"]}
    assert filter_map(None) == {}


@pytest.mark.parametrize("filters,needle", [
    ({"zone": []}, "Filter zone has no value"),
    ({"zone": {"a": 1}}, "The value of filter zone must be a string, a number or a list"),
    ({"zone": [None]}, "The value of filter zone must be"),
    (["zone"], "The filters option must map Tencent Cloud filter names"),
])
def test_filter_map_errors(filters, needle):
    with pytest.raises(QcloudError) as exc:
        filter_map(filters)
    assert needle in exc.value.msg


def test_split_small_filters_is_one_request():
    assert M.split_filters({"zone": ["ap-guangzhou-3"], "tag:env": ["a", "b", "c", "d", "e"]}) == [[[
        {"Name": "zone", "Values": ["ap-guangzhou-3"]}, {"Name": "tag:env", "Values": ["a", "b", "c", "d", "e"]}]]]
    assert M.split_filters({}) == [[[]]]


def test_split_values_five_at_a_time():
    values = ["ins-c%07d" % i for i in range(12)]
    (group,) = M.split_filters({"instance-id": values, "zone": ["z"]})
    assert [r[0]["Values"] for r in group] == [values[:5], values[5:10], values[10:]]
    assert all(r[1] == {"Name": "zone", "Values": ["z"]} for r in group)


def test_split_several_large_filters_is_every_combination():
    (group,) = M.split_filters({"a": list("abcdefg"), "b": list("1234567890X")})
    assert len(group) == 2 * 3
    combos = {(tuple(r[0]["Values"]), tuple(r[1]["Values"])) for r in group}
    assert combos == set(itertools.product([tuple("abcde"), tuple("fg")], [tuple("12345"), tuple("67890"), ("X",)]))


def test_split_more_than_ten_filters_makes_groups():
    filters = {"tag:k%02d" % i: ["v"] for i in range(23)}
    groups = M.split_filters(filters)
    assert [len(g[0]) for g in groups] == [10, 10, 3]
    assert [f["Name"] for g in groups for f in g[0]] == list(filters)


def test_zone_filter_chooses_regions():
    filters = {"zone": ["ap-guangzhou-3", "ap-beijing-5"], "tag:env": ["prod"]}
    assert M.filters_for_region(filters, "ap-guangzhou") == {"zone": ["ap-guangzhou-3"], "tag:env": ["prod"]}
    assert M.filters_for_region(filters, "ap-shanghai") is None
    assert M.filters_for_region({"tag:env": ["x"]}, "ap-shanghai") == {"tag:env": ["x"]}


# ================================================================== reading


def test_every_page_100_at_a_time(cloud, make_pool):
    sim = cloud([instance(i) for i in range(250)])
    pool, dummy = make_pool()
    records = M.list_instances(pool, ["ap-guangzhou"])
    assert ids(records) == ["ins-c%07d" % i for i in range(250)]
    calls = of(sim, "DescribeInstances")
    assert sorted((c["params"]["Offset"], c["params"]["Limit"]) for c in calls) == [(0, 100), (100, 100), (200, 100)]
    assert all("Filters" not in c["params"] for c in calls)


def test_an_exact_page_asks_no_empty_page(cloud, make_pool):
    sim = cloud([instance(i) for i in range(200)])
    pool, dummy = make_pool()
    assert len(M.list_instances(pool, ["ap-guangzhou"])) == 200
    assert len(of(sim, "DescribeInstances")) == 2


def test_split_answers_are_united_each_instance_once(cloud, make_pool):
    tags = [{"team": "a", "k6": "x"}, {"team": "b"}, {"k6": "y"}, {"other": "z"}]
    sim = cloud([instance(i, tags=t) for i, t in enumerate(tags)])
    pool, dummy = make_pool()
    records = M.list_instances(pool, ["ap-guangzhou"], {"tag-key": ["team", "k2", "k3", "k4", "k5", "k6"]})
    assert ids(records) == ["ins-c0000000", "ins-c0000001", "ins-c0000002"]  # ins 0 matched both requests
    assert sorted(len(c["params"]["Filters"][0]["Values"]) for c in of(sim, "DescribeInstances")) == [1, 5]  # at once


def test_groups_of_ten_filters_are_intersected(cloud, make_pool):
    sim = cloud([instance(i, tags={"k%02d" % j: "v" for j in range(12) if not (i == 1 and j == 11)}) for i in range(3)])
    pool, dummy = make_pool()
    records = M.list_instances(pool, ["ap-guangzhou"], {"tag:k%02d" % j: ["v"] for j in range(12)})
    assert ids(records) == ["ins-c0000000", "ins-c0000002"]
    assert sorted(len(c["params"]["Filters"]) for c in of(sim, "DescribeInstances")) == [2, 10]


def test_gone_instances_are_left_out_unless_a_state_filter_asks(cloud, make_pool):
    states = ["RUNNING", "LAUNCH_FAILED", "STOPPED", "SHUTDOWN", "TERMINATING", "PENDING", "REBOOTING"]
    cloud([instance(i, state=s) for i, s in enumerate(states)])
    pool, dummy = make_pool()
    assert [r["instance_state"] for r in M.list_instances(pool, ["ap-guangzhou"])] == [
        "RUNNING", "STOPPED", "PENDING", "REBOOTING"]
    asked = M.list_instances(pool, ["ap-guangzhou"], {"instance-state": ["SHUTDOWN", "TERMINATING"]})
    assert [r["instance_state"] for r in asked] == ["SHUTDOWN", "TERMINATING"]
    by_id = M.list_instances(pool, ["ap-guangzhou"], ids=["ins-c0000003"])
    assert [r["instance_state"] for r in by_id] == ["SHUTDOWN"]


def test_ids_100_a_request_without_filters(cloud, make_pool):
    sim = cloud([instance(i) for i in range(150)])
    pool, dummy = make_pool()
    wanted = ["ins-c%07d" % i for i in range(149, -1, -1)] + ["ins-c0000003"]
    records = M.list_instances(pool, ["ap-guangzhou"], ids=wanted)
    assert len(records) == 150
    assert sorted(len(c["params"]["InstanceIds"]) for c in of(sim, "DescribeInstances")) == [50, 100]


def test_regions_at_once_each_with_its_own_clients(cloud, make_pool):
    sim = cloud([instance(i, region=r) for r in ("ap-guangzhou", "ap-shanghai", "ap-beijing") for i in range(120)])
    sim.session.adapter.delay = 0.05  # real seconds: without them one thread may answer every region before the others start
    sessions = []
    pool, dummy = make_pool(workers_sessions=sessions)
    records = M.list_instances(pool, ["ap-beijing", "ap-guangzhou", "ap-shanghai"], workers=3)
    assert [r["region"] for r in records] == ["ap-beijing"] * 120 + ["ap-guangzhou"] * 120 + ["ap-shanghai"] * 120
    calls = of(sim, "DescribeInstances")
    assert sorted(c["region"] for c in calls) == sorted(["ap-beijing", "ap-guangzhou", "ap-shanghai"] * 2)
    threads = set(sim.session.adapter.threads)
    assert 1 < len(threads) <= 3 and threading.get_ident() not in threads
    assert len(sessions) == len(threads)  # one session a thread
    assert {(c.region, c.service) for c in pool.made} == {(r, "cvm") for r in ("ap-beijing", "ap-guangzhou", "ap-shanghai")}
    assert {url for method, url in sim.session.adapter.sent} == {"https://sim.example:443/"}


def test_a_zone_filter_only_asks_its_regions(cloud, make_pool):
    sim = cloud([instance(i, region=r, zone=r + "-%d" % (i % 2 + d)) for r, d in (("ap-guangzhou", 3), ("ap-beijing", 5))
                 for i in range(4)])
    pool, dummy = make_pool()
    records = M.list_instances(pool, ["ap-guangzhou", "ap-beijing", "ap-shanghai"], {"zone": ["ap-beijing-6"]})
    assert [r["zone"] for r in records] == ["ap-beijing-6", "ap-beijing-6"]
    assert [c["region"] for c in of(sim, "DescribeInstances")] == ["ap-beijing"]


def test_throttling_is_waited_out_by_the_client(cloud, make_pool):
    sim = cloud([instance(i) for i in range(3)])
    sim.faults.add({"fault": "error", "action": "DescribeInstances", "code": "RequestLimitExceeded", "count": 2})
    pool, clock = make_pool()
    assert len(M.list_instances(pool, ["ap-guangzhou"])) == 3
    assert len(of(sim, "DescribeInstances")) == 3 and len(clock.sleeps) == 2


def test_the_first_failure_in_order_is_raised_with_its_region(cloud, make_pool):
    cloud([instance(1)])
    pool, dummy = make_pool()
    with pytest.raises(QcloudApiError) as exc:
        M.list_instances(pool, ["ap-shanghai", "ap-guangzhou"], {"flavour": ["x"]}, workers=2)
    assert exc.value.code == "InvalidFilter" and exc.value.region == "ap-shanghai"
    assert exc.value.action == "DescribeInstances" and exc.value.request_id


def test_list_regions_keeps_available_ones(cloud, make_pool):
    cloud([], regions=[{"region": "ap-guangzhou", "zones": ["ap-guangzhou-3"]}, {"region": "ap-shanghai", "zones": ["ap-shanghai-2"]},
                       {"region": "ap-moon", "zones": [], "state": "UNAVAILABLE"}])
    pool, dummy = make_pool()
    assert M.list_regions(pool.get("ap-guangzhou", "cvm")) == ["ap-guangzhou", "ap-shanghai"]


# ================================================================== network interfaces


def test_enis_five_hosts_a_call_primary_first(cloud, make_pool):
    hosts = [instance(i) for i in range(12)] + [instance(99, state="SHUTDOWN")]  # gone: its ENI is never asked for
    enis = [eni(i, "eni-p%07d" % i, "ins-c%07d" % i) for i in range(12)]
    enis.insert(0, eni(50, "eni-s0000003", "ins-c0000003", primary=False, device_index=1))
    enis.append(eni(51, "eni-other001", "ins-c0000099"))
    sim = cloud(hosts, enis)
    pool, dummy = make_pool()
    records = M.list_instances(pool, ["ap-guangzhou"])
    M.attach_network_interfaces(pool, records)
    calls = of(sim, "DescribeNetworkInterfaces")
    assert sorted(len(c["params"]["Filters"][0]["Values"]) for c in calls) == [2, 5, 5]  # batches go at once
    assert all(c["params"]["Filters"][0]["Name"] == "attachment.instance-id" for c in calls)
    assert [e["network_interface_id"] for e in records[3]["network_interfaces"]] == ["eni-p0000003", "eni-s0000003"]
    assert all(len(r["network_interfaces"]) == 1 for i, r in enumerate(records) if i != 3)
    assert records[0]["network_interfaces"][0]["attachment"]["instance_id"] == "ins-c0000000"


def test_enis_of_many_hosts_are_read_by_vpc(cloud, make_pool):
    vpcs, subnets = ("vpc-gz000000", "vpc-gz000001"), ("subnet-gz000000", "subnet-gz3a0001")
    hosts = [instance(i, vpc=vpcs[i % 2]) for i in range(M.DESCRIBE_LIMIT_MAX + 1)]
    enis = [eni(i, "eni-p%07d" % i, "ins-c%07d" % i, subnet=subnets[i % 2]) for i in range(len(hosts))]
    enis += [eni(200 + i, "eni-free%04d" % i, None, primary=False, subnet="subnet-gz000000") for i in range(150)]
    sim = cloud(hosts, enis)
    pool, dummy = make_pool()
    records = M.list_instances(pool, ["ap-guangzhou"])
    M.attach_network_interfaces(pool, records)
    calls = of(sim, "DescribeNetworkInterfaces")
    assert {c["params"]["Filters"][0]["Name"] for c in calls} == {"vpc-id"}
    assert len(calls) == 3  # one query (both VPCs in one filter), 251 ENIs: 3 pages
    assert all(len(r["network_interfaces"]) == 1 for r in records)


def test_a_server_that_pages_by_fewer_loses_nothing(cloud, make_pool):
    """Pages follow the size the server answers with, should it keep to less than the Limit asked."""
    sim = cloud([instance(i) for i in range(95)])

    def forty_at_most(body):  # the simulator's answer, cut to 40 (the only answer here it cannot give itself)
        body["Response"]["InstanceSet"] = body["Response"]["InstanceSet"][:40]
        return body

    sim.session.adapter.edit = forty_at_most
    pool, dummy = make_pool()
    assert ids(M.list_instances(pool, ["ap-guangzhou"])) == ["ins-c%07d" % i for i in range(95)]
    assert sorted(c["params"]["Offset"] for c in of(sim, "DescribeInstances")) == [0, 40, 80]


@pytest.mark.parametrize("endpoint,expected", [
    (None, {"cvm": None, "vpc": None}),
    ("https://vpc.ap-guangzhou.tencentcloudapi.com", {"cvm": "https://cvm.ap-guangzhou.tencentcloudapi.com",
                                                      "vpc": "https://vpc.ap-guangzhou.tencentcloudapi.com"}),
    ("https://cvm.tencentcloudapi.com/", {"cvm": "https://cvm.tencentcloudapi.com/", "vpc": "https://vpc.tencentcloudapi.com/"}),
    ("https://127.0.0.1:8443", {"cvm": "https://127.0.0.1:8443", "vpc": "https://127.0.0.1:8443"}),
])
def test_each_service_is_called_beside_a_tencent_endpoint_and_a_simulator_serves_both(endpoint, expected):
    """api_endpoint names one service's Tencent host: the CVM calls of cvm_pool must not go to the VPC host."""
    assert M.service_endpoints(endpoint) == expected
    vpc = C.QcloudClient(C.Credentials("AKIDunit", "unit-secret", None, "unit"), "ap-guangzhou", endpoint=endpoint, session=object())
    pool = M.cvm_pool(vpc, endpoint)
    assert pool.get("ap-guangzhou", "cvm").url == C.endpoint_url("3.0", expected["cvm"] or "https://cvm.tencentcloudapi.com")
    assert pool.get("ap-guangzhou", "vpc").url == C.endpoint_url("3.0", expected["vpc"] or "https://vpc.tencentcloudapi.com")
