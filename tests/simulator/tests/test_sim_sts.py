"""STS AssumeRole on the VPC endpoint: roles, trust, parameters, scope, minted keys and expiry."""
import calendar
import json
import time

import pytest
from qcloud_sim import default_world as dw
from simclient import SECOND, TEMP

DEPLOYER = dw.DEPLOYER_ROLE_ARN
AUDITOR = dw.AUDITOR_ROLE_ARN
D = "DescribeNetworkInterfaces"


def code(r):
    return r.get("Error", {}).get("Code")


def assume(api, arn=DEPLOYER, session="ansible-test", **kw):
    params = {"RoleArn": arn, "RoleSessionName": session}
    params.update(kw.pop("params", {}))
    return api.v3("AssumeRole", params, **kw)


def test_assume_role_success_and_the_key_works(api):
    before = int(time.time())
    r = assume(api)
    assert "Error" not in r, r
    c = r["Credentials"]
    assert set(c) == {"TmpSecretId", "TmpSecretKey", "Token"}
    assert c["TmpSecretId"].startswith("AKID") and len(c["TmpSecretId"]) == 36
    assert isinstance(r["ExpiredTime"], int) and before + 7200 <= r["ExpiredTime"] <= before + 7202
    assert calendar.timegm(time.strptime(r["Expiration"], "%Y-%m-%dT%H:%M:%SZ")) == r["ExpiredTime"]
    assert r["RequestId"]
    sid, skey, tok = c["TmpSecretId"], c["TmpSecretKey"], c["Token"]
    # 3.0 with X-TC-Token, TC3 and the HmacSHA256 form; 2.0 with Token
    assert api.v3(D, {}, secret_id=sid, secret_key=skey, token=tok)["TotalCount"] == 33
    assert api.v3_form(D, {}, secret_id=sid, secret_key=skey, token=tok)["TotalCount"] == 33
    assert api.v2(D, {}, secret_id=sid, secret_key=skey, token=tok)["code"] == 0
    # the token is required and must be exact
    assert code(api.v3(D, {}, secret_id=sid, secret_key=skey)) == "AuthFailure.TokenFailure"
    assert code(api.v3(D, {}, secret_id=sid, secret_key=skey, token=TEMP[2])) == \
        "AuthFailure.TokenFailure"
    assert api.v2(D, {}, secret_id=sid, secret_key=skey)["code"] == 4105
    # the minted key is in the key table, of the role's account
    key = [k for k in api.ok("GET", "state")["keys"] if k["secret_id"] == sid][0]
    assert key["minted_by"] == "AssumeRole" and key["role_arn"] == DEPLOYER
    assert key["app_id"] == dw.DEFAULT_APP_ID and key["uin"] == dw.DEFAULT_UIN
    assert key["session_name"] == "ansible-test" and key["expired_time"] == r["ExpiredTime"]
    # a write with the minted key is a task of the role's account: the CLI key can poll it
    task = api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0001",
                                             "InstanceId": "ins-run00001"},
                  secret_id=sid, secret_key=skey, token=tok)["RequestId"]
    assert api.wait_task(task)["Status"] == "SUCCESS"
    # reset forgets minted keys
    api.ok("POST", "reset")
    assert code(api.v3(D, {}, secret_id=sid, secret_key=skey, token=tok)) == \
        "AuthFailure.SecretIdNotFound"


def test_role_arn_spellings_region_policy_and_chaining(api):
    assert "Error" not in assume(api, "qcs::cam::uin/100000000001:role/%s" % dw.DEPLOYER_ROLE_ID)
    # STS answers in any region (the VPC actions only in the world's)
    assert "Error" not in assume(api, region="ap-beijing")
    assert code(assume(api, region=None)) == "MissingParameter"
    r = assume(api, params={"DurationSeconds": 43200, "ExternalId": "ext-1",
                            "Policy": "%7B%22version%22%3A%222.0%22%7D"})
    assert "Error" not in r and r["ExpiredTime"] >= int(time.time()) + 43199
    # the temporary key of the default account may assume the deployer role too
    r = assume(api, secret_id=TEMP[0], secret_key=TEMP[1], token=TEMP[2])
    assert "Error" not in r
    c = r["Credentials"]
    r2 = assume(api, secret_id=c["TmpSecretId"], secret_key=c["TmpSecretKey"], token=c["Token"])
    assert "Error" not in r2


def test_trust_and_unknown_roles(api):
    assert code(assume(api, AUDITOR)) == "UnauthorizedOperation"
    assert code(assume(api, dw.CVM_ROLE_ARN)) == "UnauthorizedOperation"
    assert code(assume(api, secret_id=SECOND[0], secret_key=SECOND[1])) == "UnauthorizedOperation"
    r = assume(api, AUDITOR, secret_id=SECOND[0], secret_key=SECOND[1])
    assert "Error" not in r
    # the minted key belongs to the role's account, not the caller's
    sid = r["Credentials"]["TmpSecretId"]
    key = [k for k in api.ok("GET", "state")["keys"] if k["secret_id"] == sid][0]
    assert (key["app_id"], key["uin"]) == (dw.DEFAULT_APP_ID, dw.DEFAULT_UIN)
    assert code(assume(api, "qcs::cam::uin/100000000001:roleName/nobody")) == \
        "ResourceNotFound.RoleNotFound"
    assert code(assume(api, "qcs::cam::uin/999:roleName/ansible-deployer")) == \
        "ResourceNotFound.RoleNotFound"


@pytest.mark.parametrize("params, expected", [
    ({"RoleArn": "arn:aws:iam::1:role/x", "RoleSessionName": "ok"}, "InvalidParameter.ParamError"),
    ({"RoleArn": DEPLOYER, "RoleSessionName": "a"}, "InvalidParameter.ParamError"),
    ({"RoleArn": DEPLOYER, "RoleSessionName": "has space"}, "InvalidParameter.ParamError"),
    ({"RoleArn": DEPLOYER, "RoleSessionName": "x" * 129}, "InvalidParameter.ParamError"),
    ({"RoleArn": DEPLOYER, "RoleSessionName": "ok", "DurationSeconds": 0}, "InvalidParameter.OverTimeError"),
    ({"RoleArn": DEPLOYER, "RoleSessionName": "ok", "DurationSeconds": 43201}, "InvalidParameter.OverTimeError"),
    ({"RoleArn": DEPLOYER, "RoleSessionName": "ok", "DurationSeconds": "long"}, "InvalidParameter"),
    ({"RoleSessionName": "ok"}, "MissingParameter"),
    ({"RoleArn": DEPLOYER}, "MissingParameter"),
    ({"RoleArn": DEPLOYER, "RoleSessionName": "ok", "Colour": "red"}, "UnknownParameter"),
])
def test_parameter_errors(api, params, expected):
    assert code(api.v3("AssumeRole", params)) == expected


def test_session_name_alphabet(api):
    assert "Error" not in assume(api, session="a_b+c=d,e.f@g-h" + "x" * 100)


def test_scope_service_must_match_the_action(api):
    p = {"RoleArn": DEPLOYER, "RoleSessionName": "ok"}
    assert code(api.v3("AssumeRole", p, service="vpc")) == "AuthFailure.SignatureFailure"
    assert code(api.v3(D, {}, service="sts")) == "AuthFailure.SignatureFailure"
    assert code(api.v3(D, {}, service="cvm")) == "AuthFailure.SignatureFailure"
    # AssumeRole is of Version 2018-08-13 only; the VPC actions of 2017-03-12 only
    assert code(api.v3("AssumeRole", p, version="2017-03-12")) == "InvalidAction"
    assert code(api.v3(D, {}, version="2018-08-13")) == "InvalidAction"


def test_assume_role_through_the_hmac_form(api):
    for method in ("GET", "POST"):
        r = api.v3_form("AssumeRole", {"RoleArn": DEPLOYER, "RoleSessionName": "form"}, method=method)
        assert "Error" not in r, r
        c = r["Credentials"]
        assert api.v3(D, {}, secret_id=c["TmpSecretId"], secret_key=c["TmpSecretKey"],
                      token=c["Token"])["TotalCount"] == 33


def test_duration_cap_and_expiry(api):
    assert api.ctl("POST", "config", {"sts_duration_cap": -1})[0] == 400
    assert api.ctl("POST", "config", {"sts_duration_cap": "soon"})[0] == 400
    assert api.ok("POST", "config", {"sts_duration_cap": 1})["sts_duration_cap"] == 1.0
    r = assume(api)
    assert r["ExpiredTime"] <= int(time.time()) + 2
    c = r["Credentials"]
    kw = dict(secret_id=c["TmpSecretId"], secret_key=c["TmpSecretKey"], token=c["Token"])
    assert "Error" not in api.v3(D, {}, **kw)
    while time.time() <= r["ExpiredTime"] + 0.05:
        time.sleep(0.1)
    assert code(api.v3(D, {}, **kw)) == "AuthFailure.TokenFailure"
    assert (api.v2(D, {}, **kw)["code"], api.v2(D, {}, **kw)["codeDesc"]) == \
        (4105, "AuthFailure.TokenFailure")
    assert api.ok("POST", "config", {"sts_duration_cap": None})["sts_duration_cap"] is None
    assert assume(api)["ExpiredTime"] >= int(time.time()) + 7199


def test_assume_role_is_logged_without_secrets(api):
    r = assume(api)
    assume(api, AUDITOR)
    log = api.ok("GET", "requests")["requests"]
    assert [(e["protocol"], e["action"], e["outcome"]) for e in log] == [
        ("3.0", "AssumeRole", "Success"), ("3.0", "AssumeRole", "UnauthorizedOperation")]
    assert log[0]["params"] == {"RoleArn": DEPLOYER, "RoleSessionName": "ansible-test"}
    assert log[0]["secret_id"] == dw.DEFAULT_SECRET_ID
    assert log[0]["minted_secret_id"] == r["Credentials"]["TmpSecretId"]
    text = json.dumps(log)
    assert r["Credentials"]["TmpSecretKey"] not in text and r["Credentials"]["Token"] not in text
