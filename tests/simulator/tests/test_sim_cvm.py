"""The CVM service: DescribeInstances (ids, filters, paging, the documented errors) and DescribeRegions."""
import time

import pytest

from qcloud_sim import worldgen


def ids(r):
    return [i["InstanceId"] for i in r["InstanceSet"]]


def describe(api, region="ap-guangzhou", **params):
    r = api.v3("DescribeInstances", params, region=region)
    assert "Error" not in r, r
    return r


def flt(name, *values):
    return {"Name": name, "Values": list(values)}


def test_default_page_and_world_order(api):
    r = describe(api)
    assert r["TotalCount"] == 9 and len(r["InstanceSet"]) == 9
    assert ids(r)[:3] == ["ins-run00001", "ins-run00002", "ins-run00003"]
    assert describe(api, region="ap-shanghai")["TotalCount"] == 1
    # ap-beijing lists its instances whatever their state: the API leaves nobody out
    r = describe(api, region="ap-beijing")
    assert sorted(i["InstanceState"] for i in r["InstanceSet"]) == [
        "LAUNCH_FAILED", "RUNNING", "SHUTDOWN", "STOPPED", "TERMINATING"]


def test_record_shape(api):
    ins = describe(api, InstanceIds=["ins-run00002"])["InstanceSet"][0]
    assert ins["InstanceName"] == "web-2" and ins["InstanceState"] == "RUNNING"
    assert ins["Placement"]["Zone"] == "ap-guangzhou-3"
    assert ins["VirtualPrivateCloud"]["VpcId"] == "vpc-gz000001"
    assert ins["VirtualPrivateCloud"]["SubnetId"] == "subnet-gz3a0001"
    assert ins["PrivateIpAddresses"] == ["10.0.1.12"]  # its primary ENI's address, not eni-held0001's
    assert ins["PublicIpAddresses"] == ["203.0.113.12"]
    assert {t["Key"]: t["Value"] for t in ins["Tags"]} == {"env": "prod", "role": "web", "team": "blue"}
    assert ins["ImageId"] == "img-ubuntu22" and ins["OsName"].startswith("Ubuntu")
    assert ins["CreatedTime"] == "2024-01-02T03:04:05Z"
    assert (ins["CPU"], ins["Memory"]) == (2, 4)
    none_public = describe(api, InstanceIds=["ins-run00003"])["InstanceSet"][0]
    assert none_public["PublicIpAddresses"] is None and none_public["InstanceChargeType"] == "PREPAID"


def test_paging(api):
    assert ids(describe(api, Offset=2, Limit=3)) == ["ins-run00003", "ins-stop0001", "ins-pend0001"]
    r = describe(api, Offset=8, Limit=100)
    assert r["TotalCount"] == 9 and ids(r) == ["ins-bc100001"]
    assert describe(api, Offset=50)["InstanceSet"] == []


def test_ids_and_unknown_ids(api):
    r = describe(api, InstanceIds=["ins-zone0004", "ins-nope0001", "ins-sh000001"])
    assert ids(r) == ["ins-zone0004"]  # ins-sh000001 is in another region, unknown ids are left out


@pytest.mark.parametrize("filters,expected", [
    ([flt("zone", "ap-guangzhou-4")], ["ins-zone0004"]),
    ([flt("vpc-id", "vpc-gz000002")], ["ins-vpc00002"]),
    ([flt("subnet-id", "subnet-gz4a0001", "subnet-gz3b0001")], ["ins-zone0004", "ins-vpc00002"]),
    ([flt("instance-id", "ins-run00001", "ins-stop0001")], ["ins-run00001", "ins-stop0001"]),
    ([flt("instance-name", "web")], ["ins-run00001", "ins-run00002", "ins-pend0001", "ins-full0001"]),
    ([flt("instance-state", "STOPPED", "PENDING")], ["ins-stop0001", "ins-pend0001"]),
    ([flt("private-ip-address", "10.0.2.17")], ["ins-zone0004"]),
    ([flt("public-ip-address", "203.0.113.14")], ["ins-full0001"]),
    ([flt("instance-charge-type", "PREPAID")], ["ins-run00003", "ins-bc100001"]),
    ([flt("tag-key", "team")], ["ins-run00001", "ins-run00002", "ins-run00003"]),
    ([flt("tag-value", "cache", "batch")], ["ins-stop0001", "ins-zone0004"]),
    ([flt("tag:role", "db")], ["ins-run00003", "ins-vpc00002"]),
    # AND across filters, OR within one
    ([flt("tag:env", "prod", "dev"), flt("tag:role", "web")], ["ins-run00001", "ins-run00002", "ins-full0001"]),
    ([flt("tag:env", "prod"), flt("zone", "ap-guangzhou-3"), flt("instance-state", "RUNNING")],
     ["ins-run00001", "ins-run00002", "ins-run00003"]),
    ([flt("security-group-id", "sg-web00001"), flt("instance-state", "PENDING")], ["ins-pend0001"]),
    ([flt("creation-start-time", "2024-01-02 11:05:00")], []),  # created 11:04:05 Beijing time
    ([flt("creation-end-time", "2024-01-02 11:05:00"), flt("zone", "ap-guangzhou-4")], ["ins-zone0004"]),
])
def test_filters(api, filters, expected):
    r = describe(api, Filters=filters, Limit=100)
    assert ids(r) == expected and r["TotalCount"] == len(expected)


@pytest.mark.parametrize("params,code", [
    ({"InstanceIds": ["ins-run00001"], "Filters": [flt("zone", "ap-guangzhou-3")]}, "InvalidParameter"),
    ({"InstanceIds": ["ins-%08d" % i for i in range(101)]}, "InvalidParameterValue.LimitExceeded"),
    ({"InstanceIds": ["i-123"]}, "InvalidInstanceId.Malformed"),
    ({"Filters": [flt("flavour", "x")]}, "InvalidFilter"),
    ({"Filters": [flt("tag:", "x")]}, "InvalidFilter"),
    ({"Filters": [flt("instance-id", *["ins-run0000%d" % i for i in range(1, 7)])]}, "InvalidFilterValue.LimitExceeded"),
    ({"Filters": [flt("tag:k%d" % i, "v") for i in range(11)]}, "InvalidParameterValue.LimitExceeded"),
    ({"Filters": [flt("zone")]}, "InvalidParameterValue"),
    ({"Filters": [{"Name": "zone", "Values": "ap-guangzhou-3"}]}, "InvalidParameter"),
    ({"Filters": [flt("zone", "ap-shanghai-2")]}, "InvalidZone.MismatchRegion"),
    ({"Filters": [flt("vpc-id", "vpc-1")]}, "InvalidParameterValue.VpcIdMalformed"),
    ({"Filters": [flt("subnet-id", "sub")]}, "InvalidParameterValue.SubnetIdMalformed"),
    ({"Filters": [flt("private-ip-address", "10.0.1")]}, "InvalidParameterValue.IPAddressMalformed"),
    ({"Filters": [flt("instance-id", "ins-1")]}, "InvalidInstanceId.Malformed"),
    ({"Filters": [flt("instance-charge-type", "FREE")]}, "InvalidParameterValue"),
    ({"Limit": 101}, "InvalidParameterValue.LimitExceeded"),
    ({"Offset": -1}, "InvalidParameterValue"),
    ({"Limit": "many"}, "InvalidParameter"),
    ({"Zone": "ap-guangzhou-3"}, "UnknownParameter"),
])
def test_errors(api, params, code):
    r = api.v3("DescribeInstances", params)
    assert r["Error"]["Code"] == code, r
    assert r["RequestId"]


def test_region_and_signature_rules(api):
    assert api.v3("DescribeInstances", {}, region="ap-moon-1")["Error"]["Code"] == "UnsupportedRegion"
    # signed for the VPC service: a request meant for another host
    assert api.v3("DescribeInstances", {}, service="vpc")["Error"]["Code"] == "AuthFailure.SignatureFailure"
    assert api.v3("DescribeInstances", {}, secret_key="wrong")["Error"]["Code"] == "AuthFailure.SignatureFailure"
    # the HmacSHA256 form has no scope: the Version and the action find the service
    r = api.v3_form("DescribeInstances", {"Filters": [flt("zone", "ap-guangzhou-4")]})
    assert [i["InstanceId"] for i in r["InstanceSet"]] == ["ins-zone0004"]


def test_describe_regions(api):
    r = api.v3("DescribeRegions", {})
    assert r["TotalCount"] == 3
    assert [(x["Region"], x["RegionState"]) for x in r["RegionSet"]] == [
        ("ap-guangzhou", "AVAILABLE"), ("ap-shanghai", "AVAILABLE"), ("ap-beijing", "AVAILABLE")]
    assert r["RegionSet"][0]["RegionName"] == "South China(Guangzhou)"
    assert api.v3("DescribeRegions", {"Region": "x"})["Error"]["Code"] == "UnknownParameter"


def test_instances_follow_their_primary_eni(api, sim):
    world = sim.state()
    world["enis"] = [dict(e, private_ip="10.0.1.99") if e["eni_id"] == "eni-prim0001" else e for e in world["enis"]]
    api.ok("POST", "world", world)
    r = describe(api, Filters=[flt("private-ip-address", "10.0.1.99")])
    assert ids(r) == ["ins-run00001"]


def test_rate_limit_40_per_second(api):
    api.ok("POST", "config", {"rate_limits": True})
    start = time.time()
    codes = [api.v3("DescribeInstances", {"Limit": 1}).get("Error", {}).get("Code", "ok") for dummy in range(45)]
    if time.time() - start < 1.0:
        assert codes[:40] == ["ok"] * 40 and set(codes[40:]) == {"RequestLimitExceeded"}


def test_generated_large_account(api, sim):
    out = api.ok("POST", "world/generate", {"instances": 600, "regions": 3})
    assert out["instances"] == 615
    r = describe(api, region="ap-shanghai", Limit=100, Filters=[flt("tag:role", "web")])
    assert r["TotalCount"] == 51 and len(r["InstanceSet"]) == 51  # sh-web-1, and a quarter of 200
    assert all(i["PrivateIpAddresses"] for i in r["InstanceSet"])
    states = [i["InstanceState"] for i in describe(api, region="ap-beijing", Limit=100, Offset=100)["InstanceSet"]]
    assert "RUNNING" in states
    assert api.ctl("POST", "world/generate", {"instances": -1})[0] == 400
    assert api.ctl("POST", "world/generate", {"hosts": 1})[0] == 400
    world = worldgen.world_with_instances(5000)
    per_region = {}
    for ins in world["instances"]:
        per_region[ins["region"]] = per_region.get(ins["region"], 0) + 1
    assert per_region == {"ap-guangzhou": 9 + 1667, "ap-shanghai": 1 + 1667, "ap-beijing": 5 + 1666}
    assert len({e["private_ip"] for e in world["enis"] if e["eni_id"].startswith("eni-l")}) == 5000
