"""Every rule of the spec in API 2.0 (raw signed requests to /v2/index.php)."""
import pytest

ATTACH, DETACH = "AttachNetworkInterface", "DetachNetworkInterface"


def err(r):
    return r["code"], r["codeDesc"]


@pytest.mark.parametrize("vpc,eni,ins,expected", [
    ("vpc-nope0001", "eni-free0001", "ins-run00001", (5000, "InvalidVpc.NotFound")),
    ("vpc-gz000001", "eni-nope0001", "ins-run00001", (5000, "InvalidNetworkInterface.NotFound")),
    ("vpc-gz000001", "eni-free0001", "ins-nope0001", (5000, "InvalidInstance.NotFound")),
    ("vpc-gz000001", "bad", "ins-run00001", (5000, "InvalidNetworkInterface.NotFound")),
    ("vpc-gz000001", "eni-held0001", "ins-run00001", (4000, "InvalidNetworkInterface.AlreadyAssociated")),
    ("vpc-gz000001", "eni-held0001", "ins-run00002", (4000, "InvalidNetworkInterface.AlreadyAssociated")),
    ("vpc-gz000001", "eni-free0001", "ins-pend0001", (4000, "UnsupportedOperation.InvalidState")),
    ("vpc-gz000001", "eni-free0001", "ins-vpc00002", (4000, "UnsupportedOperation.VpcMismatch")),
    ("vpc-gz000002", "eni-free0001", "ins-run00001", (4000, "UnsupportedOperation.VpcMismatch")),
    ("vpc-gz000001", "eni-zone0004", "ins-run00001", (4000, "UnsupportedOperation.ZoneMismatch")),
    ("vpc-gz000001", "eni-free0001", "ins-full0001", (4000, "LimitExceeded")),
    ("vpc-gz000001", "eni-free0001", "ins-bc100001", (4000, "UnsupportedOperation.UnsupportedInstanceFamily")),
    ("vpc-sh000001", "eni-sh000001", "ins-sh000001", (5000, "InvalidVpc.NotFound")),  # wrong region
])
def test_attach_rules(api, vpc, eni, ins, expected):
    r = api.v2(ATTACH, {"vpcId": vpc, "networkInterfaceId": eni, "instanceId": ins})
    assert err(r) == expected, r
    assert isinstance(r["code"], int) and r["message"]


@pytest.mark.parametrize("vpc,eni,ins,expected", [
    ("vpc-gz000001", "eni-held0001", "ins-run00001", (4000, "InvalidNetworkInterface.NotAttached")),
    ("vpc-gz000001", "eni-free0001", "ins-run00001", (4000, "InvalidNetworkInterface.NotAttached")),
    ("vpc-gz000001", "eni-prim0001", "ins-run00001", (4000, "UnsupportedOperation.ResourceIsInvalidState")),
    ("vpc-gz000001", "eni-nope0001", "ins-run00002", (5000, "InvalidNetworkInterface.NotFound")),
    ("vpc-gz000001", "eni-held0001", "ins-nope0001", (5000, "InvalidInstance.NotFound")),
    ("vpc-nope0001", "eni-held0001", "ins-run00002", (5000, "InvalidVpc.NotFound")),
])
def test_detach_rules(api, vpc, eni, ins, expected):
    r = api.v2(DETACH, {"vpcId": vpc, "networkInterfaceId": eni, "instanceId": ins})
    assert err(r) == expected, r


@pytest.mark.parametrize("method,sm", [("GET", "HmacSHA1"), ("GET", "HmacSHA256"),
                                       ("POST", "HmacSHA1"), ("POST", "HmacSHA256")])
def test_attach_detach_cycle(api, method, sm):
    p = {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001", "instanceId": "ins-run00001"}
    r = api.v2(ATTACH, p, method=method, sign_method=sm)
    assert r["code"] == 0 and r["codeDesc"] == "Success" and r["message"] == ""
    assert isinstance(r["taskId"], int)
    t = api.v2("DescribeVpcTaskResult", {"taskId": r["taskId"]}, method=method, sign_method=sm)
    assert t["code"] == 0 and t["data"]["status"] == 2
    assert api.wait_task_v2(r["taskId"])["data"] == {"status": 0, "output": ""}
    d = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0001"})
    assert d["data"]["data"][0]["instanceSet"]["instanceId"] == "ins-run00001"
    r = api.v2(DETACH, p, method=method, sign_method=sm)
    assert r["code"] == 0
    assert api.wait_task_v2(r["taskId"])["data"]["status"] == 0
    d = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0001"})
    assert d["data"]["data"][0]["instanceSet"] == {"instanceId": "", "attachTime": ""}


def test_missing_unknown_params_action_region(api):
    assert err(api.v2(ATTACH, {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001"})) == \
        (4000, "MissingParameter")
    assert err(api.v2(ATTACH, {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001",
                               "instanceId": "ins-run00001", "colour": "red"})) == (4000, "UnknownParameter")
    assert err(api.v2("DeleteEverything", {})) == (6100, "InvalidAction")
    assert err(api.v2("DescribeNetworkInterfaces", {}, region="ap-nowhere")) == (4000, "InvalidRegion")
    assert err(api.v2("DescribeNetworkInterfaces", {}, region=None)) == (4000, "MissingParameter")
    assert err(api.v2("DescribeVpcTaskResult", {"taskId": 999999})) == (5000, "InvalidTask.NotFound")
    assert err(api.v2("DescribeVpcTaskResult", {"taskId": "abc"})) == (4000, "InvalidParameterValue")
    assert err(api.v2("DescribeVpcTaskResult", {})) == (4000, "MissingParameter")


def test_describe_filters_and_pagination(api):
    r = api.v2("DescribeNetworkInterfaces", {})
    assert r["code"] == 0 and r["data"]["totalNum"] == 33 and len(r["data"]["data"]) == 20
    r = api.v2("DescribeNetworkInterfaces", {"offset": 30, "limit": 50})
    assert len(r["data"]["data"]) == 3
    assert err(api.v2("DescribeNetworkInterfaces", {"limit": 51})) == (4000, "InvalidParameterValue")
    assert err(api.v2("DescribeNetworkInterfaces", {"vpcId": "vpc-nope0001"})) == (5000, "InvalidVpc.NotFound")
    assert err(api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-nope0001"})) == \
        (5000, "InvalidNetworkInterface.NotFound")
    r = api.v2("DescribeNetworkInterfaces", {"vpcId": "vpc-gz000002"})
    assert r["data"]["totalNum"] == 2
    r = api.v2("DescribeNetworkInterfaces", {"instanceId": "ins-run00002"})
    assert sorted(e["networkInterfaceId"] for e in r["data"]["data"]) == ["eni-held0001", "eni-prim0002"]
    r = api.v2("DescribeNetworkInterfaces", {"eniName": "free-001"})
    assert r["data"]["totalNum"] == 10  # substring match: free-0010 .. free-0019
    r = api.v2("DescribeNetworkInterfaces", {"eniDescription": "secondary ENI of ins-full0001"})
    assert [e["networkInterfaceId"] for e in r["data"]["data"]] == ["eni-fulls001"]
    r = api.v2("DescribeNetworkInterfaces", {}, region="ap-shanghai")
    assert r["data"]["totalNum"] == 2


def test_new_and_old_shapes(api):
    r = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-held0001"})
    eni = r["data"]["data"][0]
    assert set(eni) >= {"vpcId", "subnetId", "zoneId", "networkInterfaceId", "eniName", "eniDescription",
                        "primary", "macAddress", "createTime", "privateIpAddressesSet", "groupSet",
                        "instanceSet"}
    assert eni["instanceSet"]["instanceId"] == "ins-run00002" and eni["instanceSet"]["attachTime"]
    assert eni["primary"] is False
    # the archived 2.0 docs type zoneId as an integer: ap-guangzhou-3 is 100003 (CVM DescribeZones' ZoneId)
    assert eni["zoneId"] == 100003 and isinstance(eni["zoneId"], int)
    assert set(eni["privateIpAddressesSet"][0]) >= {"privateIpAddress", "primary", "wanIp"}
    api.ok("POST", "config", {"v2_shape": "old"})
    r = api.v2("DescribeNetworkInterfaces", {"instanceId": "ins-run00002"})
    assert r["totalCount"] == 2 and isinstance(r["data"], list)
    held = [e for e in r["data"] if e["networkInterfaceId"] == "eni-held0001"][0]
    assert held["instanceSet"][0]["instanceId"] == "ins-run00002"
    r = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0001"})
    assert r["data"][0]["instanceSet"] == []


def test_task_failed_v2(api):
    api.ok("POST", "faults", {"action": ATTACH, "fault": "task_failed", "output": "host error 42"})
    r = api.v2(ATTACH, {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001",
                        "instanceId": "ins-run00001"})
    t = api.wait_task_v2(r["taskId"])
    assert t["data"] == {"status": 1, "output": "host error 42"}
    d = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0001"})
    assert d["data"]["data"][0]["instanceSet"]["instanceId"] == ""


def test_mutex_v2(api):
    p = {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001", "instanceId": "ins-run00001"}
    api.ok("POST", "config", {"task_seconds": 1.0})
    assert api.v2(ATTACH, p)["code"] == 0
    r = api.v2(ATTACH, dict(p, networkInterfaceId="eni-free0002"))
    # 5100 "retry later" with 2.0's own codeDesc: the per-action busy codes are API 3.0's
    assert err(r) == (5100, "UnsupportedOperation.MutexOperationTaskRunning")


@pytest.mark.parametrize("busy_code", ["InvalidState", "ResourceIsInvalidState", "random"])
def test_busy_v2_keeps_its_own_code_whatever_busy_code_picks_for_3_0(api, busy_code):
    p = {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001", "instanceId": "ins-run00001"}
    api.ok("POST", "config", {"task_seconds": 1.0, "busy_code": busy_code})
    assert api.v2(ATTACH, p)["code"] == 0
    for dummy in range(3):
        r = api.v2(ATTACH, dict(p, networkInterfaceId="eni-free0002"))
        assert err(r) == (5100, "UnsupportedOperation.MutexOperationTaskRunning")


def test_throttled_v2_keeps_its_own_code_whatever_throttle_code_picks_for_3_0(api):
    api.ok("POST", "config", {"rate_limits": True, "throttle_code": "ActionLimited"})
    answers = [api.v2(ATTACH, {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-nope0001",
                               "instanceId": "ins-run00001"}) for dummy in range(60)]
    limited = [err(r) for r in answers if r["code"] == 4400]
    assert limited and set(limited) == {(4400, "RequestLimitExceeded")}
