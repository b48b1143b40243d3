"""The control API under /_sim/."""
import copy

from qcloud_sim.server import is_loopback
from qcloud_sim.world import ID_RE


def test_state_default_world(api):
    s = api.ok("GET", "state")
    assert {r["region"] for r in s["regions"]} == {"ap-guangzhou", "ap-shanghai", "ap-beijing"}
    ids = [e["eni_id"] for e in s["enis"]] + [i["instance_id"] for i in s["instances"]] + \
        [v["vpc_id"] for v in s["vpcs"]] + [n["subnet_id"] for n in s["subnets"]]
    assert all(ID_RE.match(i) for i in ids), [i for i in ids if not ID_RE.match(i)]
    assert len(ids) == len(set(ids))
    states = {i["instance_id"]: i["state"] for i in s["instances"]}
    assert states["ins-stop0001"] == "STOPPED" and states["ins-pend0001"] == "PENDING"
    assert s["tasks"] == [] and s["config"]["task_seconds"] == 0.2
    # every instance has exactly one primary ENI, with device index 0
    for ins in s["instances"]:
        prim = [e for e in s["enis"] if e["instance_id"] == ins["instance_id"] and e["primary"]]
        assert len(prim) == 1 and prim[0]["device_index"] == 0


def test_reset_restores_everything(api):
    api.ok("POST", "config", {"task_seconds": 5, "rate_limits": True, "v2_shape": "old", "busy_code": "random",
                              "throttle_code": "RequestLimitExceeded"})
    api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"})
    api.ok("POST", "faults", {"fault": "reset", "count": 5})
    out = api.ok("POST", "reset")
    assert out["config"] == {"task_seconds": 0.2, "rate_limits": False, "v2_shape": "new", "sts_duration_cap": None,
                             "metadata_role": "ansible-cvm-role", "metadata_ttl": 21600.0, "metadata_enabled": True,
                             "strict_codes": True, "busy_code": "default", "throttle_code": "default",
                             "metadata_instance": "ins-run00001", "read_lag": 0.0, "replay_task_id": "first"}
    assert api.ok("GET", "requests")["requests"] == []
    assert api.ok("GET", "faults")["faults"] == []
    assert len(api.ok("GET", "signatures")["signatures"]) == 1  # kept across resets
    api.ok("DELETE", "signatures")
    assert api.ok("GET", "signatures")["signatures"] == []
    s = api.ok("GET", "state")
    assert s["tasks"] == []
    assert [e for e in s["enis"] if e["eni_id"] == "eni-free0001"][0]["instance_id"] is None


def test_world_roundtrip_and_250_enis(api):
    s = api.ok("GET", "state")
    world = copy.deepcopy(s)
    base = [e for e in world["enis"] if e["eni_id"] == "eni-free0001"][0]
    world["enis"] = [e for e in world["enis"] if not e["eni_id"].startswith("eni-free")]
    for i in range(250):
        e = dict(base, eni_id="eni-big%05d" % i, name="big-%d" % i, private_ip="10.0.3.%d" % (i % 250))
        world["enis"].append(e)
    api.ok("POST", "world", world)
    r = api.v3("DescribeNetworkInterfaces", {"Filters": [{"Name": "vpc-id", "Values": ["vpc-gz000001"]}],
                                             "Limit": 100, "Offset": 200})
    assert r["TotalCount"] == 250 + 11 and len(r["NetworkInterfaceSet"]) == 61
    r = api.v2("DescribeNetworkInterfaces", {"vpcId": "vpc-gz000001", "limit": 50})
    assert r["data"]["totalNum"] == 261
    # bad worlds are refused
    assert api.ctl("POST", "world", {"enis": [{"eni_id": "eni-x0000001"}]})[0] == 400
    assert api.ctl("POST", "world", [1, 2])[0] == 400


def test_config_validation(api):
    assert api.ok("GET", "config")["task_seconds"] == 0.2
    assert api.ctl("POST", "config", {"task_seconds": -1})[0] == 400
    assert api.ctl("POST", "config", {"rate_limits": "maybe"})[0] == 400
    assert api.ctl("POST", "config", {"task_seconds": "fast"})[0] == 400
    # templated values arrive as strings from some clients (Ansible's uri module)
    assert api.ok("POST", "config", {"task_seconds": "0.3", "rate_limits": "false"}) == \
        {"task_seconds": 0.3, "rate_limits": False, "v2_shape": "new", "sts_duration_cap": None,
         "metadata_role": "ansible-cvm-role", "metadata_ttl": 21600.0, "metadata_enabled": True,
         "strict_codes": True, "busy_code": "default", "throttle_code": "default",
         "metadata_instance": "ins-run00001", "read_lag": 0.0, "replay_task_id": "first"}
    assert api.ctl("POST", "config", {"v2_shape": "newest"})[0] == 400
    # short names are kept as the full codes; anything else is refused
    assert api.ok("POST", "config", {"busy_code": "ResourceIsInvalidState"})["busy_code"] == \
        "UnsupportedOperation.ResourceIsInvalidState"
    assert api.ok("POST", "config", {"throttle_code": "ActionLimited"})["throttle_code"] == "LimitExceeded.ActionLimited"
    assert api.ctl("POST", "config", {"busy_code": "ResourceBusy"})[0] == 400
    assert api.ctl("POST", "config", {"throttle_code": "LimitExceeded"})[0] == 400
    assert api.ctl("POST", "config", {"colour": 1})[0] == 400
    assert api.ok("POST", "config", {"task_seconds": 1.5})["task_seconds"] == 1.5


def test_request_log_fields(api):
    api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                                      "ClientToken": "abc"})
    api.v2("DescribeNetworkInterfaces", {"vpcId": "vpc-gz000001"}, method="POST")
    api.v3("DescribeNetworkInterfaces", {}, secret_key="bad")
    log = api.ok("GET", "requests")["requests"]
    assert [e["seq"] for e in log] == sorted(e["seq"] for e in log)
    a, d, bad = log
    assert a["protocol"] == "3.0" and a["method"] == "POST" and a["action"] == "AttachNetworkInterface"
    assert a["region"] == "ap-guangzhou" and a["outcome"] == "Success" and a["fault"] is None
    assert a["params"] == {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                           "ClientToken": "abc"}
    assert a["task_id"] == a["request_id"] and a["client_token"] == "abc"
    assert a["secret_id"].startswith("AKID") and isinstance(a["time"], float)
    assert d["protocol"] == "2.0" and d["params"] == {"vpcId": "vpc-gz000001"}
    for k in ("Signature", "SecretId", "Nonce", "Timestamp", "Token"):
        assert k not in d["params"]
    assert bad["outcome"] == "AuthFailure.SignatureFailure"
    api.ok("DELETE", "requests")
    assert api.ok("GET", "requests")["requests"] == []
    assert len(api.ok("GET", "signatures")["signatures"]) == 3


def test_pollers_read_only_what_is_new(api):
    """?since= on the request log and the signatures, ?fields= on the state: what hack/sim.py's
    collector and the soak poll many times a second, without rereading what they already have."""
    for eni in ("eni-free0001", "eni-free0002"):
        api.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [eni]})
    log = api.ok("GET", "requests")["requests"]
    assert [e["params"]["NetworkInterfaceIds"] for e in api.ok("GET", "requests?since=%d" % log[0]["seq"])["requests"]] \
        == [["eni-free0002"]]
    assert api.ok("GET", "requests?since=%d" % log[-1]["seq"])["requests"] == []
    sigs = api.ok("GET", "signatures")
    seen = sigs["seen"]  # counts every signature since the simulator started, cleared or not
    assert len(sigs["signatures"]) == 2 and seen >= 2
    assert api.ok("GET", "signatures?since=%d" % (seen - 1))["signatures"] == sigs["signatures"][1:]
    assert api.ok("GET", "signatures?since=%d" % seen)["signatures"] == []
    api.ok("DELETE", "signatures")  # cleared, but still counted: a poller's since stays valid
    api.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["eni-free0003"]})
    later = api.ok("GET", "signatures?since=%d" % seen)
    assert len(later["signatures"]) == 1 and later["seen"] == seen + 1
    assert later["signatures"][0] not in sigs["signatures"]
    api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"})
    assert len(api.ok("GET", "state")["tasks"]) == 1
    keys = api.ok("GET", "state?fields=keys,roles")
    assert sorted(keys) == ["keys", "roles"] and keys["keys"] == api.ok("GET", "state")["keys"]
    status, out = api.ctl("GET", "requests?since=-1")
    assert status == 400 and "since" in out["error"]


def test_unknown_control_path_and_api_path(api):
    assert api.ctl("GET", "nothing")[0] == 404
    st, dummy, dummy2 = api.raw("GET", "/other")
    assert st == 404


def test_loopback_check():
    assert is_loopback("127.0.0.1") and is_loopback("127.1.2.3") and is_loopback("::1")
    assert is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("10.0.0.1") and not is_loopback("192.168.1.1") and not is_loopback("junk")


def test_empty_attachment_object_option(api, sim):
    s = api.ok("GET", "state")
    s["options"]["empty_attachment_object"] = True
    api.ok("POST", "world", s)
    eni = api.eni("eni-free0002")
    assert eni["Attachment"] == {"InstanceId": "", "DeviceIndex": 0, "InstanceAccountId": "", "AttachTime": ""}


def test_worldgen_250(api):
    from qcloud_sim.worldgen import world_with_enis
    api.ok("POST", "world", world_with_enis(250))
    r = api.v3("DescribeNetworkInterfaces", {"Filters": [{"Name": "subnet-id", "Values": ["subnet-gz3a0001"]},
                                                         {"Name": "is-primary", "Values": ["false"]}],
                                             "Offset": 200, "Limit": 100})
    assert r["TotalCount"] == 272 and len(r["NetworkInterfaceSet"]) == 72
    r = api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-gen00249", "InstanceId": "ins-run00001"})
    assert api.wait_task(r["RequestId"])["Status"] == "SUCCESS"


def test_default_world_has_one_empty_attachment_object(api):
    assert api.eni("eni-free0020")["Attachment"] == {"InstanceId": "", "DeviceIndex": 0,
                                                     "InstanceAccountId": "", "AttachTime": ""}
    assert api.eni("eni-free0019")["Attachment"] is None
    # attaching and detaching it works as for any other ENI
    r = api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0020", "InstanceId": "ins-run00001"})
    api.wait_task(r["RequestId"])
    assert api.eni("eni-free0020")["Attachment"]["InstanceId"] == "ins-run00001"


def test_non_loopback_clients_get_403(api, monkeypatch):
    from qcloud_sim import server
    monkeypatch.setattr(server, "is_loopback", lambda ip: False)
    status, body = api.ctl("GET", "state")
    assert status == 403
    # the API itself is not restricted
    assert "Error" not in api.v3("DescribeNetworkInterfaces", {})
