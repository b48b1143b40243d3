"""The documented response shapes of both protocols."""
import re
import uuid

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def test_v3_error_envelope(api):
    status, ctype, body = api.v3("Nope", {}, full=True)
    assert status == 200 and ctype == "application/json"
    import json
    doc = json.loads(body)
    assert set(doc) == {"Response"}
    assert set(doc["Response"]) == {"Error", "RequestId"}
    assert set(doc["Response"]["Error"]) == {"Code", "Message"}
    assert UUID.match(doc["Response"]["RequestId"])


def test_v3_describe_shape(api):
    r = api.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["eni-held0001", "eni-free0001"]})
    assert set(r) == {"TotalCount", "NetworkInterfaceSet", "RequestId"}
    held, free = r["NetworkInterfaceSet"]
    for e in (held, free):
        assert set(e) >= {"NetworkInterfaceId", "NetworkInterfaceName", "NetworkInterfaceDescription",
                          "VpcId", "SubnetId", "Zone", "GroupSet", "Primary", "MacAddress", "State",
                          "PrivateIpAddressSet", "Attachment", "CreatedTime", "TagSet", "EniType",
                          "AttachType"}
        assert e["State"] == "AVAILABLE" and e["Primary"] is False
        assert re.match(r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$", e["MacAddress"])
        assert TIME.match(e["CreatedTime"])
        ip = e["PrivateIpAddressSet"][0]
        assert ip["Primary"] is True and ip["PrivateIpAddress"].startswith("10.0.1.")
        assert set(ip) >= {"PrivateIpAddress", "Primary", "PublicIpAddress"}
    assert set(held["Attachment"]) == {"InstanceId", "DeviceIndex", "InstanceAccountId", "AttachTime"}
    assert held["Attachment"]["InstanceId"] == "ins-run00002" and held["Attachment"]["DeviceIndex"] == 1
    assert TIME.match(held["Attachment"]["AttachTime"])
    assert free["Attachment"] is None
    prim = api.eni("eni-prim0001")
    assert prim["Primary"] is True and prim["Attachment"]["DeviceIndex"] == 0


def test_v3_write_and_task_shapes(api):
    r = api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"})
    assert set(r) == {"RequestId"} and UUID.match(r["RequestId"])
    t = api.v3("DescribeVpcTaskResult", {"TaskId": r["RequestId"]})
    assert set(t) == {"Status", "Output", "Result", "RequestId"}
    assert t["RequestId"] != r["RequestId"]
    uuid.UUID(t["RequestId"])


def test_v2_envelopes(api):
    r = api.v2("Nope", {})
    assert set(r) == {"code", "message", "codeDesc"} and isinstance(r["code"], int)
    r = api.v2("DescribeNetworkInterfaces", {"limit": 1})
    assert r["code"] == 0 and r["message"] == "" and r["codeDesc"] == "Success"
    assert set(r["data"]) == {"totalNum", "data"}
    r = api.v2("AttachNetworkInterface", {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001",
                                          "instanceId": "ins-run00001"})
    assert set(r) == {"code", "message", "codeDesc", "taskId"}
    t = api.v2("DescribeVpcTaskResult", {"taskId": r["taskId"]})
    assert set(t) == {"code", "message", "codeDesc", "data"} and set(t["data"]) == {"status", "output"}


def test_content_type_exact_on_all_api_answers(api):
    for resp in (api.v3("Nope", {}, full=True), api.v2("Nope", {}, full=True),
                 api.v2("DescribeNetworkInterfaces", {}, full=True)):
        assert resp[1] == "application/json"
