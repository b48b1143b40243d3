"""Authentication errors of both protocols."""
import time

import pytest
from simclient import DISABLED, EXPIRED, SECOND, SKEY, TEMP


def code3(r):
    return r.get("Error", {}).get("Code")


def test_v3_auth_errors(api):
    d = "DescribeNetworkInterfaces"
    assert code3(api.v3(d, {}, secret_key="wrong")) == "AuthFailure.SignatureFailure"
    assert code3(api.v3(d, {}, secret_id="AKIDNOBODY")) == "AuthFailure.SecretIdNotFound"
    assert code3(api.v3(d, {}, secret_id=DISABLED[0], secret_key=DISABLED[1])) == "AuthFailure.SecretIdNotFound"
    assert code3(api.v3(d, {}, timestamp=int(time.time()) - 301)) == "AuthFailure.SignatureExpire"
    assert code3(api.v3(d, {}, timestamp=int(time.time()) + 400)) == "AuthFailure.SignatureExpire"
    assert "Error" not in api.v3(d, {}, timestamp=int(time.time()) - 250)
    # temporary keys need their exact token, and expire
    assert code3(api.v3(d, {}, secret_id=TEMP[0], secret_key=TEMP[1])) == "AuthFailure.TokenFailure"
    assert code3(api.v3(d, {}, secret_id=TEMP[0], secret_key=TEMP[1], token="other")) == \
        "AuthFailure.TokenFailure"
    assert "Error" not in api.v3(d, {}, secret_id=TEMP[0], secret_key=TEMP[1], token=TEMP[2])
    assert code3(api.v3(d, {}, secret_id=EXPIRED[0], secret_key=EXPIRED[1], token=EXPIRED[2])) == \
        "AuthFailure.TokenFailure"
    assert "Error" not in api.v3(d, {}, secret_id=SECOND[0], secret_key=SECOND[1])


def test_v3_signature_uses_received_host(api):
    d = "DescribeNetworkInterfaces"
    # signed for another host than the Host header sent
    r = api.v3(d, {}, sign_host="vpc.tencentcloudapi.com")
    assert code3(r) == "AuthFailure.SignatureFailure"
    # a client that connects to us but says Host: vpc.tencentcloudapi.com and signs that is fine
    r = api.v3(d, {}, host="vpc.tencentcloudapi.com")
    assert "Error" not in r


def test_v3_body_tampering_and_bad_headers(api):
    status, ctype, data = api.raw("POST", "/", b"{}", {"Content-Type": "application/json",
                                                       "X-TC-Action": "DescribeNetworkInterfaces"})
    assert status == 200 and ctype == "application/json"
    assert b"AuthFailure.SignatureFailure" in data
    status, dummy, data = api.raw("POST", "/", b"{}", {
        "Content-Type": "application/json", "X-TC-Action": "DescribeNetworkInterfaces",
        "Authorization": "TC3-HMAC-SHA256 garbage"})
    assert b"AuthFailure.SignatureFailure" in data


def err2(r):
    return r["code"], r["codeDesc"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_v2_auth_errors(api, method):
    d = "DescribeNetworkInterfaces"
    assert err2(api.v2(d, {}, method=method, secret_key="wrong")) == (4100, "AuthFailure.SignatureFailure")
    assert err2(api.v2(d, {}, method=method, sign_method="HmacSHA256", secret_key="wrong")) == \
        (4100, "AuthFailure.SignatureFailure")
    assert err2(api.v2(d, {}, method=method, secret_id="AKIDNOBODY")) == (4104, "AuthFailure.SecretIdNotFound")
    assert err2(api.v2(d, {}, method=method, secret_id=DISABLED[0], secret_key=DISABLED[1])) == \
        (4104, "AuthFailure.SecretIdNotFound")
    assert err2(api.v2(d, {}, method=method, timestamp=int(time.time()) - 600)) == \
        (4500, "AuthFailure.SignatureExpire")
    assert err2(api.v2(d, {}, method=method, secret_id=TEMP[0], secret_key=TEMP[1])) == \
        (4105, "AuthFailure.TokenFailure")
    assert api.v2(d, {}, method=method, secret_id=TEMP[0], secret_key=TEMP[1], token=TEMP[2])["code"] == 0
    assert err2(api.v2(d, {}, method=method, secret_id=EXPIRED[0], secret_key=EXPIRED[1],
                       token=EXPIRED[2])) == (4105, "AuthFailure.TokenFailure")
    assert err2(api.v2(d, {}, method=method, sign_host="vpc.api.qcloud.com")) == \
        (4100, "AuthFailure.SignatureFailure")
    assert err2(api.v2(d, {}, method=method, drop=("Nonce",))) == (4000, "MissingParameter")


def test_failed_auth_is_logged_without_secrets(api):
    api.v3("DescribeNetworkInterfaces", {}, secret_key="wrong")
    api.v2("DescribeNetworkInterfaces", {}, secret_key="wrong")
    log = api.ok("GET", "requests")["requests"]
    assert [e["outcome"] for e in log] == ["AuthFailure.SignatureFailure"] * 2
    sigs = api.ok("GET", "signatures")["signatures"]
    assert len(sigs) == 2
    text = str(log)
    for s in sigs:
        assert s not in text
    assert SKEY not in text and "wrong" not in text
