"""Queued faults of the control API."""
import http.client
import json
import socket
import time

import pytest

ATTACH = "AttachNetworkInterface"
P = {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_http_errors_not_processed(api, sim, status):
    api.ok("POST", "faults", {"action": ATTACH, "fault": "http_%d" % status, "count": 2})
    for dummy in range(2):
        st, ctype, body = api.v3(ATTACH, P, full=True)
        assert st == status and ctype == "text/html" and b"<html>" in body
    assert len(sim.state()["tasks"]) == 0
    assert "Error" not in api.v3(ATTACH, P)  # third call is normal
    log = api.ok("GET", "requests")["requests"]
    assert [e["outcome"] for e in log] == ["http_%d" % status] * 2 + ["Success"]
    assert [e["fault"] for e in log] == ["http_%d" % status] * 2 + [None]


def test_reset_closes_connection(api, sim):
    api.ok("POST", "faults", {"action": "*", "fault": "reset"})
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        api.v3("DescribeNetworkInterfaces", {})
    assert api.ok("GET", "requests")["requests"][0]["outcome"] == "reset"
    assert "Error" not in api.v3("DescribeNetworkInterfaces", {})


def test_delay_then_processed(api, sim):
    api.ok("POST", "faults", {"action": ATTACH, "fault": "delay", "seconds": 0.6})
    c = api.conn(timeout=0.2)
    from simclient import SID, SKEY
    from qcloud_sim import signing
    body = json.dumps(P)
    ts = int(time.time())
    canon = signing.tc3_canonical_request("POST", "/", "", "application/json", api.hostport, body)
    headers = {"Content-Type": "application/json", "X-TC-Action": ATTACH, "X-TC-Version": "2017-03-12",
               "X-TC-Timestamp": str(ts), "X-TC-Region": "ap-guangzhou",
               "Authorization": signing.tc3_authorization(SID, SKEY, ts, "vpc", canon)}
    c.request("POST", "/", body, headers)
    with pytest.raises(socket.timeout):
        c.getresponse()
    c.close()
    time.sleep(0.7)
    # the write was applied although the client timed out
    t = sim.state()["tasks"]
    assert len(t) == 1 and t[0]["eni_id"] == "eni-free0001"
    log = api.ok("GET", "requests")["requests"]
    assert log[0]["fault"] == "delay" and log[0]["outcome"] == "Success"


def test_malformed_not_processed(api, sim):
    api.ok("POST", "faults", {"action": ATTACH, "fault": "malformed"})
    st, ctype, body = api.v3(ATTACH, P, full=True)
    assert st == 200
    with pytest.raises(ValueError):
        json.loads(body)
    assert sim.state()["tasks"] == []


def test_truncated_is_processed(api, sim):
    api.ok("POST", "faults", {"action": ATTACH, "fault": "truncated"})
    st, ctype, body = api.v3(ATTACH, P, full=True)
    assert st == 200 and ctype == "application/json"
    with pytest.raises(ValueError):
        json.loads(body)
    assert body.startswith(b'{"Response"')
    assert len(sim.state()["tasks"]) == 1


def test_error_fault_both_protocols(api, sim):
    api.ok("POST", "faults", [
        {"action": ATTACH, "fault": "error", "code": "RequestLimitExceeded", "protocol": "3.0"},
        {"action": ATTACH, "fault": "error", "code": "InternalError", "message": "boom", "protocol": "2.0"},
        {"action": "*", "fault": "error", "code": "ResourceUnavailable", "protocol": "2.0"},
    ])
    r = api.v3(ATTACH, P)
    assert r["Error"]["Code"] == "RequestLimitExceeded" and r["RequestId"]
    v2p = {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001", "instanceId": "ins-run00001"}
    r = api.v2(ATTACH, v2p)
    assert r == {"code": 6000, "message": "boom", "codeDesc": "InternalError"}
    r = api.v2("DescribeNetworkInterfaces", {})
    assert r["code"] == 6200 and r["codeDesc"] == "ResourceUnavailable"
    assert sim.state()["tasks"] == []
    assert api.ok("GET", "faults")["faults"] == []


def test_fault_protocol_filter_and_listing(api):
    api.ok("POST", "faults", {"action": ATTACH, "fault": "http_503", "protocol": "2.0", "count": 3})
    f = api.ok("GET", "faults")["faults"]
    assert len(f) == 1 and f[0]["count"] == 3
    assert "Error" not in api.v3(ATTACH, P)  # 3.0 untouched
    assert api.ok("GET", "faults")["faults"][0]["count"] == 3
    api.ok("DELETE", "faults")
    assert api.ok("GET", "faults")["faults"] == []


def test_bad_fault_specs(api):
    assert api.ctl("POST", "faults", {"fault": "explode"})[0] == 400
    assert api.ctl("POST", "faults", {"fault": "error"})[0] == 400
    assert api.ctl("POST", "faults", {"fault": "reset", "count": 0})[0] == 400
    assert api.ctl("POST", "faults", {"fault": "reset", "protocol": "1.0"})[0] == 400
    # templated values: numbers and numeric strings
    out = api.ok("POST", "faults", [{"fault": "reset", "protocol": 3.0, "count": "2"},
                                    {"fault": "delay", "protocol": "2", "seconds": "0.1"}])
    assert [(f["protocol"], f["count"]) for f in out["faults"]] == [("3.0", 2), ("2.0", 1)]
