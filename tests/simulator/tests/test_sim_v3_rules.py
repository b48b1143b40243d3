"""Every rule of the spec in API 3.0 (raw signed TC3 requests)."""
import pytest

ATTACH, DETACH = "AttachNetworkInterface", "DetachNetworkInterface"


def code(r):
    return r.get("Error", {}).get("Code")


@pytest.mark.parametrize("eni,ins,expected", [
    ("eni-nope0001", "ins-run00001", "ResourceNotFound"),
    ("eni-free0001", "ins-nope0001", "ResourceNotFound"),
    ("eni-BAD", "ins-run00001", "InvalidParameterValue.Malformed"),
    ("eni-free0001", "i-run00001", "InvalidParameterValue.Malformed"),
    ("eni-free0001\n", "ins-run00001", "InvalidParameterValue.Malformed"),  # "$" would let a newline through
    ("eni-held0001", "ins-run00001", "UnsupportedOperation.AttachmentAlreadyExists"),  # other instance
    ("eni-held0001", "ins-run00002", "UnsupportedOperation.AttachmentAlreadyExists"),  # same instance
    ("eni-prim0003", "ins-run00001", "UnsupportedOperation.AttachmentAlreadyExists"),  # a primary ENI
    ("eni-free0001", "ins-pend0001", "UnsupportedOperation.InvalidState"),
    ("eni-vpc00002", "ins-run00001", "UnsupportedOperation.VpcMismatch"),
    ("eni-zone0004", "ins-run00001", "UnsupportedOperation.ZoneMismatch"),
    ("eni-free0001", "ins-full0001", "LimitExceeded"),
    ("eni-free0001", "ins-bc100001", "UnsupportedOperation.UnsupportedInstanceFamily"),
    ("eni-sh000001", "ins-run00001", "ResourceNotFound"),  # other region's ENI
])
def test_attach_rules(api, eni, ins, expected):
    r = api.v3(ATTACH, {"NetworkInterfaceId": eni, "InstanceId": ins})
    assert code(r) == expected, r
    assert r["RequestId"]
    assert api.eni("eni-free0001")["Attachment"] is None


def test_attach_to_stopped_instance_and_other_zone_ok(api):
    r = api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-stop0001"})
    assert "Error" not in r and set(r) == {"RequestId"}
    r = api.v3(ATTACH, {"NetworkInterfaceId": "eni-zone0004", "InstanceId": "ins-zone0004"})
    assert "Error" not in r
    r = api.v3(ATTACH, {"NetworkInterfaceId": "eni-sh000001", "InstanceId": "ins-sh000001"},
               region="ap-shanghai")
    assert "Error" not in r


@pytest.mark.parametrize("eni,ins,expected", [
    ("eni-nope0001", "ins-run00002", "ResourceNotFound"),
    ("eni-held0001", "ins-nope0001", "ResourceNotFound"),
    ("eni-held0001", "ins-run00001", "UnsupportedOperation.InvalidState"),   # attached elsewhere
    ("eni-free0001", "ins-run00001", "UnsupportedOperation.InvalidState"),   # not attached
    ("eni-prim0001", "ins-run00001", "UnsupportedOperation"),  # primary (Detach documents no ResourceIsInvalidState)
    ("eni-prim0005", "ins-pend0001", "UnsupportedOperation"),
    ("eni-BAD", "ins-run00002", "InvalidParameterValue.Malformed"),
])
def test_detach_rules(api, eni, ins, expected):
    r = api.v3(DETACH, {"NetworkInterfaceId": eni, "InstanceId": ins})
    assert code(r) == expected, r


def test_detach_from_pending_instance(api, sim):
    world = sim.state()
    for e in world["enis"]:
        if e["eni_id"] == "eni-free0001":
            e.update(instance_id="ins-pend0001", device_index=1, attach_time="2024-01-01 00:00:00")
    api.ok("POST", "world", world)
    r = api.v3(DETACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-pend0001"})
    assert code(r) == "UnsupportedOperation.InvalidState"


def test_limit_counts_primary(api):
    # S5.MEDIUM4 allows 4 ENIs including the primary: 3 secondaries fit, the 4th does not
    for i, eni in enumerate(["eni-free0001", "eni-free0002", "eni-free0003"]):
        r = api.v3(ATTACH, {"NetworkInterfaceId": eni, "InstanceId": "ins-run00001"})
        assert "Error" not in r, r
        assert api.wait_task(r["RequestId"])["Status"] == "SUCCESS"
        assert api.eni(eni)["Attachment"]["DeviceIndex"] == i + 1
    r = api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0004", "InstanceId": "ins-run00001"})
    assert code(r) == "LimitExceeded"


def test_missing_unknown_and_bad_parameters(api):
    assert code(api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0001"})) == "MissingParameter"
    assert code(api.v3(ATTACH, {"InstanceId": "ins-run00001"})) == "MissingParameter"
    assert code(api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                                "Bogus": 1})) == "UnknownParameter"
    assert code(api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                                "AttachType": 7})) == "InvalidParameterValue"
    assert code(api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                                "ClientToken": "x" * 65})) == "InvalidParameterValue"
    assert code(api.v3("DescribeVpcTaskResult", {})) == "MissingParameter"
    assert code(api.v3("DescribeVpcTaskResult", {"TaskId": "no-such-task"})) == "ResourceNotFound"
    assert code(api.v3("DescribeNetworkInterfaces", {"Bogus": []})) == "UnknownParameter"
    assert code(api.v3("DescribeNetworkInterfaces", {"Limit": "x"})) == "InvalidParameter"
    assert code(api.v3("DescribeNetworkInterfaces", raw_body="{not json")) == "InvalidParameter"


def test_unknown_action_region_version(api):
    assert code(api.v3("DeleteEverything", {})) == "InvalidAction"
    assert code(api.v3("DescribeNetworkInterfaces", {}, region="ap-nowhere")) == "UnsupportedRegion"
    assert code(api.v3("DescribeNetworkInterfaces", {}, region=None)) == "MissingParameter"
    assert code(api.v3("DescribeNetworkInterfaces", {}, version="2099-01-01")) == "InvalidAction"


def test_attach_type_is_stored(api):
    r = api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                        "AttachType": 1})
    api.wait_task(r["RequestId"])
    assert api.eni("eni-free0001")["AttachType"] == 1


def test_describe_ids_filters_pagination(api):
    r = api.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["eni-free0001", "eni-held0001"]})
    assert r["TotalCount"] == 2
    assert [e["NetworkInterfaceId"] for e in r["NetworkInterfaceSet"]] == ["eni-held0001", "eni-free0001"]
    # an unknown (well formed) id: empty set, no error (documented choice)
    r = api.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["eni-nope0001"]})
    assert r == {"TotalCount": 0, "NetworkInterfaceSet": [], "RequestId": r["RequestId"]}
    assert code(api.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["bad"]})) == \
        "InvalidParameterValue.Malformed"
    assert code(api.v3("DescribeNetworkInterfaces", {
        "NetworkInterfaceIds": ["eni-free0001"],
        "Filters": [{"Name": "vpc-id", "Values": ["vpc-gz000001"]}]})) == "InvalidParameter.Coexist"
    assert code(api.v3("DescribeNetworkInterfaces", {
        "Filters": [{"Name": "colour", "Values": ["red"]}]})) == "InvalidParameter.FilterInvalidKey"
    assert code(api.v3("DescribeNetworkInterfaces", {"Limit": 101})) == "InvalidParameterValue"
    assert code(api.v3("DescribeNetworkInterfaces", {"Offset": -1})) == "InvalidParameterValue"
    # default limit 20, TotalCount counts all
    r = api.v3("DescribeNetworkInterfaces", {})
    assert r["TotalCount"] == 33 and len(r["NetworkInterfaceSet"]) == 20
    seen = []
    for offset in range(0, 40, 7):
        r = api.v3("DescribeNetworkInterfaces", {"Offset": offset, "Limit": 7})
        seen += [e["NetworkInterfaceId"] for e in r["NetworkInterfaceSet"]]
    assert len(seen) == 33 == len(set(seen))
    r = api.v3("DescribeNetworkInterfaces", {"Filters": [
        {"Name": "vpc-id", "Values": ["vpc-gz000001"]},
        {"Name": "attachment.instance-id", "Values": ["ins-run00002", "ins-full0001"]}]})
    assert sorted(e["NetworkInterfaceId"] for e in r["NetworkInterfaceSet"]) == \
        ["eni-fulls001", "eni-held0001", "eni-prim0002", "eni-prim0008"]
    r = api.v3("DescribeNetworkInterfaces", {"Filters": [
        {"Name": "is-primary", "Values": ["false"]}, {"Name": "subnet-id", "Values": ["subnet-gz3a0001"]}],
        "Limit": 100})
    assert r["TotalCount"] == 22
    r = api.v3("DescribeNetworkInterfaces", {"Filters": [
        {"Name": "network-interface-name", "Values": ["free-0003"]}]})
    assert [e["NetworkInterfaceId"] for e in r["NetworkInterfaceSet"]] == ["eni-free0003"]
    r = api.v3("DescribeNetworkInterfaces", {"Filters": [
        {"Name": "network-interface-id", "Values": ["eni-free0003", "eni-free0004"]}]})
    assert r["TotalCount"] == 2


def test_regions_are_separate(api):
    r = api.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["eni-free0001"]}, region="ap-shanghai")
    assert r["TotalCount"] == 0
    r = api.v3("DescribeNetworkInterfaces", {}, region="ap-shanghai")
    assert sorted(e["NetworkInterfaceId"] for e in r["NetworkInterfaceSet"]) == ["eni-prim0010", "eni-sh000001"]


def test_form_signature_variants(api):
    for method in ("GET", "POST"):
        for sm in ("HmacSHA1", "HmacSHA256"):
            r = api.v3_form("DescribeNetworkInterfaces", {
                "Filters": [{"Name": "vpc-id", "Values": ["vpc-gz000002"]}], "Limit": 5},
                method=method, sign_method=sm)
            assert r["TotalCount"] == 2, r
    r = api.v3_form("DescribeNetworkInterfaces", {}, secret_key="wrong")
    assert code(r) == "AuthFailure.SignatureFailure"
    r = api.v3_form(ATTACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                             "AttachType": 1})
    assert "Error" not in r
    assert api.wait_task(r["RequestId"])["Status"] == "SUCCESS"
