"""Conformance: every DescribeNetworkInterfaces filter that Tencent's SDK documents, driven by
tencentcloud-sdk-python-vpc over real HTTP. The names come from the SDK's own description of
DescribeNetworkInterfacesRequest.Filters, so a filter Tencent adds fails here until simulated."""
import json
import re

import pytest

pytest.importorskip("tencentcloud.common")
from tencentcloud.vpc.v20170312 import models  # noqa: E402

from qcloud_sim import vpc as sim_vpc  # noqa: E402
from test_sim_sdk_eni import req, sdk_code, vpc  # noqa: E402


def documented_names():
    doc = models.DescribeNetworkInterfacesRequest.Filters.__doc__
    return set(re.findall(r"<li>([a-z0-9.:-]+) - ", doc))


def test_the_simulator_knows_every_documented_filter():
    names = documented_names()
    assert "address-ip" in names and "tag:tag-key" in names and len(names) >= 18
    assert names - {"tag:tag-key"} == sim_vpc.FILTERS


@pytest.fixture
def world(sim):
    """The default world, with one ENI that has what the default world lacks."""
    sim.world.enis["eni-free0001"].update(
        description="trunk one", qos="PT", ipv6_addresses=["2402:4e00:1::1"], ipv6_address_type="ULA",
        trunking=True, termination_protection=True, traffic_protection=True)
    return sim


def find(c, *filters):
    answer = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest, Limit=100,
                                             Filters=[{"Name": n, "Values": v} for n, v in filters]))
    assert answer.TotalCount == len(answer.NetworkInterfaceSet)
    return sorted(e.NetworkInterfaceId for e in answer.NetworkInterfaceSet)


GZ4 = ("subnet-id", ["subnet-gz4a0001"])
CASES = [
    ([("vpc-id", ["vpc-gz000002"])], ["eni-prim0007", "eni-vpc00002"]),
    ([("subnet-id", ["subnet-gz4a0001", "subnet-gz3b0001"])], ["eni-prim0006", "eni-prim0007", "eni-vpc00002", "eni-zone0004"]),
    ([("network-interface-id", ["eni-free0002", "eni-held0001"])], ["eni-free0002", "eni-held0001"]),
    ([("attachment.instance-id", ["ins-run00002"])], ["eni-held0001", "eni-prim0002"]),
    ([("groups.security-group-id", ["sg-web00001"])], ["eni-free0019"]),
    ([("network-interface-name", ["free-0003", "free-0004"])], ["eni-free0003", "eni-free0004"]),
    ([("network-interface-description", ["trunk one"])], ["eni-free0001"]),
    # one address: a suffix match; several: exact ones; ip-exact-match makes one exact
    ([("address-ip", ["1.13"])], ["eni-held0001"]),
    ([("address-ip", ["10.0.1.200"])], ["eni-free0019"]),  # a secondary address
    ([("address-ip", ["1.13", "10.0.1.23"])], ["eni-free0001"]),
    ([("address-ip", ["1.13"]), ("ip-exact-match", ["true"])], []),
    ([("address-ip", ["10.0.1.13"]), ("ip-exact-match", ["true", "false"])], ["eni-held0001"]),
    ([("address-ip", ["1.13"]), ("ip-exact-match", ["false"])], ["eni-held0001"]),
    ([("tag-key", ["owner", "nope"])], ["eni-free0019"]),
    ([("tag:env", ["staging"])], ["eni-free0019"]),
    ([GZ4, ("is-primary", ["false"])], ["eni-zone0004"]),
    ([GZ4, ("is-primary", ["true"])], ["eni-prim0006"]),
    ([("eni-type", ["2"])], ["eni-free0001"]),
    ([GZ4, ("eni-type", ["0"])], ["eni-zone0004"]),
    ([GZ4, ("eni-type", ["1", "2"])], ["eni-prim0006"]),
    ([("eni-qos", ["PT", "AU"])], ["eni-free0001"]),
    ([("address-ipv6", ["2402:4e00:1::1", "2402:4e00:1::2"])], ["eni-free0001"]),
    ([("address-type", ["ULA"])], ["eni-free0001"]),
    ([("address-type", ["GUA"])], []),
    ([("public-address-ip", ["203.0.113.12"])], ["eni-prim0002"]),  # ins-run00002's address, on its primary ENI
    ([("public-address-ip", ["203.0.113"])], []),  # exact
    ([("termination-protection", ["true"])], ["eni-free0001"]),
    ([("traffic-protection", ["true"])], ["eni-free0001"]),
    ([GZ4, ("termination-protection", ["false"])], ["eni-prim0006", "eni-zone0004"]),
]


@pytest.mark.parametrize("filters,expected", CASES, ids=["%s-%d" % (c[0][-1][0], i) for i, c in enumerate(CASES)])
def test_each_documented_filter(world, sim_server, filters, expected):
    assert find(vpc(sim_server.port), *filters) == expected


def test_every_filter_is_exercised():
    assert {n for filters, dummy in CASES for n, dummy2 in filters} >= sim_vpc.FILTERS | {"tag:env"}


def test_the_records_show_what_the_filters_match(world, sim_server):
    c = vpc(sim_server.port)
    one = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest, NetworkInterfaceIds=["eni-free0001"]))
    eni = json.loads(one.to_json_string())["NetworkInterfaceSet"][0]
    assert eni["EniType"] == 2 and eni["QosLevel"] == "PT" and eni["NetworkInterfaceDescription"] == "trunk one"
    assert [(a["Address"], a["AddressType"]) for a in eni["Ipv6AddressSet"]] == [("2402:4e00:1::1", "ULA")]
    prim = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest, NetworkInterfaceIds=["eni-prim0002"]))
    assert prim.NetworkInterfaceSet[0].PrivateIpAddressSet[0].PublicIpAddress == "203.0.113.12"
    assert prim.NetworkInterfaceSet[0].EniType == 1


def test_an_undocumented_filter_is_refused(world, sim_server):
    assert sdk_code(lambda: find(vpc(sim_server.port), ("instance-state", ["RUNNING"]))) == "InvalidParameter.FilterInvalidKey"
