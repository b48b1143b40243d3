"""The CVM metadata service's CAM role endpoints, on the main port and on the separate listener."""
import calendar
import http.client
import json
import time

import pytest
from qcloud_sim import default_world as dw
from simclient import SimClient

ROLES = "/latest/meta-data/cam/security-credentials/"
D = "DescribeNetworkInterfaces"


def get(port, path, timeout=5):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    finally:
        c.close()


@pytest.fixture(params=["main", "listener"])
def mport(request, sim, sim_server):
    """The port serving the metadata paths: the main server's, or the --metadata-port listener's."""
    if request.param == "main":
        return sim_server.port
    return request.getfixturevalue("metadata_server").port


def creds(port, role=dw.DEFAULT_METADATA_ROLE):
    status, ctype, body = get(port, ROLES + role)
    assert status == 200 and ctype == "application/json", (status, body)
    return json.loads(body)


def test_role_name_and_credentials(api, mport):
    assert get(mport, ROLES) == (200, "text/plain", b"ansible-cvm-role")
    assert get(mport, ROLES.rstrip("/"))[2] == b"ansible-cvm-role"
    before = int(time.time())
    j = creds(mport)
    assert set(j) == {"TmpSecretId", "TmpSecretKey", "Token", "ExpiredTime", "Expiration", "Code"}
    assert j["Code"] == "Success" and j["TmpSecretId"].startswith("AKID")
    assert isinstance(j["ExpiredTime"], int) and before + 21600 <= j["ExpiredTime"] <= before + 21602
    assert calendar.timegm(time.strptime(j["Expiration"], "%Y-%m-%dT%H:%M:%SZ")) == j["ExpiredTime"]
    kw = dict(secret_id=j["TmpSecretId"], secret_key=j["TmpSecretKey"], token=j["Token"])
    assert api.v3(D, {}, **kw)["TotalCount"] == 33
    assert api.v2(D, {}, **kw)["code"] == 0
    assert api.v3(D, {}, secret_id=j["TmpSecretId"], secret_key=j["TmpSecretKey"])["Error"]["Code"] == \
        "AuthFailure.TokenFailure"
    # every fetch mints a fresh key; both stay valid
    j2 = creds(mport)
    assert j2["TmpSecretId"] != j["TmpSecretId"] and j2["Token"] != j["Token"]
    assert "Error" not in api.v3(D, {}, **kw)
    key = [k for k in api.ok("GET", "state")["keys"] if k["secret_id"] == j["TmpSecretId"]][0]
    assert key["minted_by"] == "metadata" and key["role_arn"] == dw.CVM_ROLE_ARN
    assert (key["app_id"], key["uin"]) == (dw.DEFAULT_APP_ID, dw.DEFAULT_UIN)


def test_no_role_bound_and_other_roles(api, mport):
    assert get(mport, ROLES + "some-other-role")[0] == 404
    assert get(mport, ROLES + "ansible-cvm-role/extra")[0] == 404
    assert get(mport, "/latest/meta-data/nothing-here")[0] == 404
    api.ok("POST", "config", {"metadata_role": None})
    assert get(mport, ROLES)[0] == 404
    assert get(mport, ROLES + "ansible-cvm-role")[0] == 404
    # a role name the world does not list: keys of the world's account
    api.ok("POST", "config", {"metadata_role": "unlisted-role"})
    assert get(mport, ROLES)[2] == b"unlisted-role"
    j = creds(mport, "unlisted-role")
    assert "Error" not in api.v3(D, {}, secret_id=j["TmpSecretId"], secret_key=j["TmpSecretKey"],
                                 token=j["Token"])
    assert api.ctl("POST", "config", {"metadata_role": "bad name"})[0] == 400
    assert api.ctl("POST", "config", {"metadata_role": 7})[0] == 400


def test_metadata_ttl_expiry(api, mport):
    assert api.ctl("POST", "config", {"metadata_ttl": 0})[0] == 400
    api.ok("POST", "config", {"metadata_ttl": 1})
    j = creds(mport)
    assert j["ExpiredTime"] <= int(time.time()) + 2
    kw = dict(secret_id=j["TmpSecretId"], secret_key=j["TmpSecretKey"], token=j["Token"])
    assert "Error" not in api.v3(D, {}, **kw)
    while time.time() <= j["ExpiredTime"] + 0.05:
        time.sleep(0.1)
    assert api.v3(D, {}, **kw)["Error"]["Code"] == "AuthFailure.TokenFailure"
    assert api.v2(D, {}, **kw)["code"] == 4105
    # a fresh fetch gives a working key again
    j = creds(mport)
    assert "Error" not in api.v3(D, {}, secret_id=j["TmpSecretId"], secret_key=j["TmpSecretKey"],
                                 token=j["Token"])


def test_metadata_disabled_closes_the_connection(api, mport):
    api.ok("POST", "config", {"metadata_enabled": False})
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        get(mport, ROLES)
    api.ok("POST", "config", {"metadata_enabled": "on"})
    assert get(mport, ROLES)[0] == 200


def test_metadata_log(api, mport):
    get(mport, ROLES)
    j = creds(mport)
    get(mport, ROLES + "nope")
    log = api.ok("GET", "requests")["requests"]
    assert [(e["protocol"], e["action"], e["outcome"]) for e in log] == [
        ("metadata", "MetadataRoleName", "Success"), ("metadata", "MetadataCredentials", "Success"),
        ("metadata", "MetadataCredentials", "NotFound")]
    assert log[1]["minted_secret_id"] == j["TmpSecretId"]
    assert log[1]["params"] == {"path": ROLES + "ansible-cvm-role"}
    text = json.dumps(log)
    assert j["TmpSecretKey"] not in text and j["Token"] not in text


def test_metadata_faults(api, mport):
    api.ok("POST", "faults", {"action": "*", "fault": "http_503"})  # never taken by metadata
    api.ok("POST", "faults", {"action": "MetadataCredentials", "fault": "http_500",
                              "protocol": "metadata"})
    api.ok("POST", "faults", {"action": "MetadataCredentials", "fault": "error",
                              "code": "InternalError", "message": "role service down"})
    assert get(mport, ROLES)[0] == 200
    assert get(mport, ROLES + "ansible-cvm-role")[0] == 500
    status, dummy, body = get(mport, ROLES + "ansible-cvm-role")
    assert status == 200 and json.loads(body)["Code"] == "InternalError"
    assert creds(mport)["Code"] == "Success"
    assert len(api.ok("GET", "faults")["faults"]) == 1  # the '*' fault is still queued


def test_listener_serves_only_metadata(api, metadata_server):
    port = metadata_server.port
    assert get(port, "/_sim/health")[0] == 404
    assert get(port, "/")[0] == 404
    assert get(port, "/v2/index.php")[0] == 404
    # the main port still answers both
    assert api.ok("GET", "health") == {"ok": True}
    assert get(api.port, ROLES)[0] == 200
    assert SimClient("127.0.0.1", api.port).v3(D, {})["TotalCount"] == 33
