# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random

import pytest
import requests

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError, explain
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import (
    FakeClock,
    FakeResponse,
    ScriptedSession,
    verify_v3_authorization,
)

SECRET_ID = "AKIDunitTEST00000000000000000000"
SECRET_KEY = "unit-SECRET-key-9f8e7d6c5b4a3210"
TOKEN = "unit-TOKEN-abcdef0123456789xyz"

RESET = requests.exceptions.ConnectionError(
    "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))"
)
REFUSED = requests.exceptions.ConnectionError(
    "HTTPSConnectionPool(host='vpc.tencentcloudapi.com', port=443): Max retries exceeded with url: / "
    "(Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object>: Failed to establish a new "
    "connection: [Errno 111] Connection refused'))"
)
SSL_ERROR = requests.exceptions.SSLError(
    "HTTPSConnectionPool(host='vpc.tencentcloudapi.com', port=443): Max retries exceeded with url: / (Caused by "
    "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
    "self-signed certificate (_ssl.c:1000)')))"
)
READ_TIMEOUT = requests.exceptions.ReadTimeout("HTTPSConnectionPool(host='vpc.tencentcloudapi.com', port=443): Read timed out.")
CONNECT_TIMEOUT = requests.exceptions.ConnectTimeout("Connection to vpc.tencentcloudapi.com timed out.")


def make_client(api_version="3.0", *script, token=None, clock=None, rng=lambda: 0.5, **kwargs):
    session = ScriptedSession(*script)
    clock = clock or FakeClock()
    client = C.QcloudClient(
        C.Credentials(SECRET_ID, SECRET_KEY, token, "module options"),
        "ap-guangzhou",
        api_version=api_version,
        session=session,
        sleep=clock.sleep,
        clock=clock.time,
        monotonic=clock.monotonic,
        rng=rng,
        **kwargs
    )
    return client, session, clock


def v2_reference_signature(form, host, path="/v2/index.php"):
    """An independent HmacSHA256 of API 2.0, written from the reference page."""
    items = sorted((k.replace("_", "."), v) for k, v in form.items() if k != "Signature")
    string = "POST" + host + path + "?" + "&".join("%s=%s" % kv for kv in items)
    return base64.b64encode(hmac.new(SECRET_KEY.encode(), string.encode(), hashlib.sha256).digest()).decode()


# ================================================================== API 3.0 requests


def test_v3_request_headers_body_and_url():
    client, session, clock = make_client("3.0", P.v3_ok(TotalCount=0))
    client.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["eni-m6dyj72l"]})
    (post,) = session.posts
    assert post.url == "https://vpc.tencentcloudapi.com/"
    assert json.loads(post.data) == {"NetworkInterfaceIds": ["eni-m6dyj72l"]}
    h = post.headers
    assert h["X-TC-Action"] == "DescribeNetworkInterfaces"
    assert h["X-TC-Version"] == "2017-03-12"
    assert h["X-TC-Timestamp"] == str(int(clock.time()))
    assert h["X-TC-Region"] == "ap-guangzhou"
    assert h["Host"] == "vpc.tencentcloudapi.com"
    assert h["Content-Type"] == "application/json"
    assert "X-TC-Token" not in h
    assert h["Authorization"].startswith(
        "TC3-HMAC-SHA256 Credential=%s/2023-11-14/vpc/tc3_request, SignedHeaders=content-type;host, Signature=" % SECRET_ID
    )
    verify_v3_authorization(post, SECRET_ID, SECRET_KEY)
    assert post.timeout == 30.0
    assert post.verify is True


def test_v3_token_header_only_with_a_token():
    client, session, clock = make_client("3.0", P.v3_ok(), token=TOKEN)
    client.call("DescribeVpcTaskResult", {"TaskId": "x"})
    assert session.posts[0].headers["X-TC-Token"] == TOKEN
    verify_v3_authorization(session.posts[0], SECRET_ID, SECRET_KEY)


def test_v3_host_header_keeps_the_port_and_is_what_is_signed():
    client, session, clock = make_client("3.0", P.v3_ok(), endpoint="https://127.0.0.1:8443")
    client.call("DescribeNetworkInterfaces", {})
    post = session.posts[0]
    assert post.url == "https://127.0.0.1:8443/"
    assert post.headers["Host"] == "127.0.0.1:8443"
    verify_v3_authorization(post, SECRET_ID, SECRET_KEY)
    with pytest.raises(AssertionError):  # the port really is part of the signed host
        verify_v3_authorization(post._replace(headers=dict(post.headers, Host="127.0.0.1")), SECRET_ID, SECRET_KEY)


def test_v3_signature_service_stays_vpc_with_an_overridden_endpoint():
    client, session, clock = make_client("3.0", P.v3_ok(), endpoint="http://sim.local:8080/")
    client.call("DescribeNetworkInterfaces", {})
    assert "/vpc/tc3_request" in session.posts[0].headers["Authorization"]


@pytest.mark.parametrize(
    "kwargs,verify",
    [({}, True), ({"validate_certs": False}, False), ({"ca_bundle": "/etc/ca.pem"}, "/etc/ca.pem"),
     ({"validate_certs": False, "ca_bundle": "/etc/ca.pem"}, False)],
)
def test_tls_verification_reaches_the_session(kwargs, verify):
    client, session, clock = make_client("3.0", P.v3_ok(), **kwargs)
    client.call("DescribeNetworkInterfaces", {})
    assert session.posts[0].verify == verify


# ================================================================== API 2.0 requests


def test_v2_form_is_complete_and_verifiably_signed():
    client, session, clock = make_client("2.0", P.v2_ok(taskId=1))
    client.call("AttachNetworkInterface", {"vpcId": "vpc-7t9nf3pu", "networkInterfaceId": "eni-m6dyj72l",
                                           "instanceId": "ins-xx44545f"})
    (post,) = session.posts
    assert post.url == "https://vpc.api.qcloud.com/v2/index.php"
    form = post.data
    assert form["Action"] == "AttachNetworkInterface"
    assert form["Region"] == "ap-guangzhou"
    assert form["Timestamp"] == str(int(clock.time()))
    assert form["Nonce"].isdigit() and int(form["Nonce"]) > 0
    assert form["SecretId"] == SECRET_ID
    assert form["SignatureMethod"] == "HmacSHA256"
    assert form["vpcId"] == "vpc-7t9nf3pu" and form["networkInterfaceId"] == "eni-m6dyj72l"
    assert form["instanceId"] == "ins-xx44545f"
    assert "Token" not in form
    assert form["Signature"] == v2_reference_signature(form, "vpc.api.qcloud.com")
    assert post.headers["Host"] == "vpc.api.qcloud.com"
    assert SECRET_KEY not in json.dumps(form)


def test_v2_token_parameter_only_with_a_token():
    client, session, clock = make_client("2.0", P.v2_ok(), token=TOKEN)
    client.call("DescribeNetworkInterfaces", {})
    form = session.posts[0].data
    assert form["Token"] == TOKEN
    assert form["Signature"] == v2_reference_signature(form, "vpc.api.qcloud.com")


def test_v2_lists_are_flattened_booleans_numbered_and_none_dropped():
    client, session, clock = make_client("2.0", P.v2_ok())
    client.call("DescribeNetworkInterfaces", {"ids": ["a", "b", "c"], "flag": True, "off": False, "gone": None, "n": 5})
    form = session.posts[0].data
    assert (form["ids.0"], form["ids.1"], form["ids.2"]) == ("a", "b", "c")
    assert "ids" not in form and "gone" not in form
    assert (form["flag"], form["off"], form["n"]) == ("1", "0", "5")
    assert form["Signature"] == v2_reference_signature(form, "vpc.api.qcloud.com")


def test_v2_signs_host_with_port_and_custom_path():
    client, session, clock = make_client("2.0", P.v2_ok(), endpoint="https://127.0.0.1:8443/sim/")
    client.call("DescribeNetworkInterfaces", {})
    post = session.posts[0]
    assert post.url == "https://127.0.0.1:8443/sim/v2/index.php"
    assert post.headers["Host"] == "127.0.0.1:8443"
    assert post.data["Signature"] == v2_reference_signature(post.data, "127.0.0.1:8443", "/sim/v2/index.php")


def test_v2_nonce_changes_with_the_random_source():
    values = iter([0.1, 0.9])
    client, session, clock = make_client("2.0", P.v2_ok(), P.v2_ok(), rng=lambda: next(values))
    client.call("DescribeNetworkInterfaces", {})
    client.call("DescribeNetworkInterfaces", {})
    assert session.posts[0].data["Nonce"] != session.posts[1].data["Nonce"]


@pytest.mark.parametrize(
    "version,endpoint,url",
    [
        ("3.0", None, "https://vpc.tencentcloudapi.com/"),
        ("3.0", "https://vpc.ap-shanghai-fsi.tencentcloudapi.com", "https://vpc.ap-shanghai-fsi.tencentcloudapi.com/"),
        ("3.0", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
        ("2.0", None, "https://vpc.api.qcloud.com/v2/index.php"),
        ("2.0", "https://vpc.api.qcloud.com/", "https://vpc.api.qcloud.com/v2/index.php"),
        ("2.0", "https://vpc.api.qcloud.com/v2/index.php", "https://vpc.api.qcloud.com/v2/index.php"),
    ],
)
def test_endpoint_url(version, endpoint, url):
    assert C.endpoint_url(version, endpoint) == url


# ================================================================== envelopes


def test_v3_success_returns_the_inner_response_and_request_id():
    client, session, clock = make_client("3.0", P.v3_ok(request_id=P.REQUEST_ID, Status="SUCCESS"))
    result = client.call("DescribeVpcTaskResult", {"TaskId": "t"})
    assert result.request_id == P.REQUEST_ID
    assert result.data["Status"] == "SUCCESS"


def test_v3_error_envelope_raises_with_code_message_request_id_action():
    client, session, clock = make_client("3.0", P.v3_error("UnsupportedOperation.ZoneMismatch", "zone differs", P.REQUEST_ID))
    with pytest.raises(QcloudApiError) as info:
        client.call("AttachNetworkInterface", {})
    err = info.value
    assert (err.code, err.message, err.request_id, err.action) == (
        "UnsupportedOperation.ZoneMismatch", "zone differs", P.REQUEST_ID, "AttachNetworkInterface")
    assert err.processed is False
    assert err.to_result() == {"code": "UnsupportedOperation.ZoneMismatch", "message": "zone differs",
                               "request_id": P.REQUEST_ID, "action": "AttachNetworkInterface"}
    assert len(session.posts) == 1


def test_errors_name_the_region_of_the_client_that_made_the_call():
    client, session, clock = make_client("3.0", P.v3_error("InvalidFilter", "no such filter"), REFUSED, retries=0)
    with pytest.raises(QcloudApiError) as info:
        client.clone(region="ap-shanghai").call("DescribeInstances", {})
    assert (info.value.code, info.value.region) == ("InvalidFilter", "ap-shanghai")
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeInstances", {})
    assert (info.value.code, info.value.region) == (C.CLIENT_NETWORK, "ap-guangzhou")


@pytest.mark.parametrize("body", [P.v2_ok(taskId=7), P.V2_ATTACH_SPEC_EXAMPLE])
def test_v2_code_zero_as_int_or_string_is_success(body):
    client, session, clock = make_client("2.0", body)
    assert client.call("AttachNetworkInterface", {}).data["taskId"] in (7, 16284)


def test_v2_error_is_keyed_on_code_desc():
    client, session, clock = make_client("2.0", P.v2_error("InvalidNetworkInterface.AlreadyAssociated", 5100, "bound"))
    with pytest.raises(QcloudApiError) as info:
        client.call("AttachNetworkInterface", {})
    assert info.value.code == "InvalidNetworkInterface.AlreadyAssociated"
    assert info.value.message == "bound"
    assert len(session.posts) == 1


def test_v2_error_code_desc_of_a_known_family_is_kept():
    client, session, clock = make_client("2.0", P.v2_error("InvalidParameter.Foo", 4000, "bad"))
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert info.value.code == "InvalidParameter.Foo"


def test_v2_error_identity_is_the_code_desc_whatever_the_catalogue_holds():
    client, session, clock = make_client("2.0", P.v2_error("SomethingNew.Unheard", 4000, "bad value"))
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert (info.value.code, info.value.number, info.value.message) == ("SomethingNew.Unheard", "4000", "bad value")
    # the sentence falls back to the numeric code's entry
    assert explain(info.value, {}).startswith("Tencent Cloud rejected a parameter of DescribeNetworkInterfaces (bad value)")


def test_v2_unknown_code_desc_with_a_retryable_number_is_retried():
    client, session, clock = make_client("2.0", P.v2_error("SomethingNew.Busy", 6200, "later"), P.v2_ok())
    client.call("DescribeNetworkInterfaces", {})
    assert len(session.posts) == 2


def test_v2_error_without_code_desc_uses_the_numeric_code():
    client, session, clock = make_client("2.0", {"code": "4100", "message": "signature failed"})
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert info.value.code == "4100"
    assert info.value.message == "signature failed"


@pytest.mark.parametrize(
    "version,response,code",
    [
        ("3.0", FakeResponse(200, b"<html>proxy says hi</html>"), C.CLIENT_BAD_RESPONSE),
        ("3.0", FakeResponse(200, b'{"Response": {"RequestId": "ab'), C.CLIENT_BAD_RESPONSE),
        ("3.0", FakeResponse(200, b"\xff\xfe\x00"), C.CLIENT_BAD_RESPONSE),
        ("3.0", FakeResponse(200, b"[1, 2]"), C.CLIENT_BAD_RESPONSE),
        ("3.0", FakeResponse.json({"RequestId": "x"}), C.CLIENT_BAD_RESPONSE),
        ("3.0", FakeResponse.json({"Response": None}), C.CLIENT_BAD_RESPONSE),
        ("2.0", FakeResponse.json({"message": "no code"}), C.CLIENT_BAD_RESPONSE),
        ("2.0", FakeResponse.json({"code": "abc"}), C.CLIENT_BAD_RESPONSE),
        ("2.0", FakeResponse(200, b'{"code": 0, "data": {'), C.CLIENT_BAD_RESPONSE),
        ("3.0", FakeResponse(404, b"not found"), C.CLIENT_HTTP),
        ("3.0", FakeResponse(403, b""), C.CLIENT_HTTP),
        ("2.0", FakeResponse(400, b"bad"), C.CLIENT_HTTP),
        ("3.0", FakeResponse(503, b"unavailable"), C.CLIENT_HTTP_RETRY),
        ("3.0", FakeResponse(429, b"slow down"), C.CLIENT_HTTP_RETRY),
        ("2.0", FakeResponse(502, b""), C.CLIENT_HTTP_RETRY),
    ],
)
def test_answers_that_are_not_api_responses(version, response, code):
    client, session, clock = make_client(version, response, retries=0)
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert info.value.code == code
    assert info.value.action == "DescribeNetworkInterfaces"
    if response.status_code != 200:
        assert info.value.http_status == response.status_code
        assert str(response.status_code) in info.value.message


# ================================================================== retries

RETRIED = [
    ("3.0", P.v3_error("RequestLimitExceeded", "slow down")),
    ("3.0", P.v3_error("RequestLimitExceeded.UinLimitExceeded")),
    ("3.0", P.v3_error("RequestLimitExceeded.SomethingNew")),
    ("3.0", P.v3_error("UnsupportedOperation.MutexOperationTaskRunning")),
    ("3.0", P.v3_error("UnsupportedOperation.IdempotentProcessing")),
    ("3.0", P.v3_error("LimitExceeded.ActionLimited")),
    ("3.0", P.v3_error("InternalError")),
    ("3.0", P.v3_error("ServiceUnavailable")),
    ("3.0", FakeResponse(503, b"Service Unavailable")),
    ("3.0", FakeResponse(200, b"<html>")),
    ("3.0", RESET),
    ("3.0", READ_TIMEOUT),
    ("3.0", CONNECT_TIMEOUT),
    ("3.0", REFUSED),
    ("2.0", P.v2_error("", 4400, "request limit")),
    ("2.0", P.v2_error("RequestLimitExceeded", 4400, "request limit")),
    ("2.0", P.v2_error("", 6200, "unavailable")),
    ("2.0", RESET),
]


@pytest.mark.parametrize("version,first", RETRIED)
def test_transient_failures_are_retried_once_then_succeed(version, first):
    ok = P.v3_ok(TotalCount=0) if version == "3.0" else P.v2_ok(totalCount=0, data=[])
    client, session, clock = make_client(version, first, ok)
    result = client.call("DescribeNetworkInterfaces", {})
    assert len(session.posts) == 2
    assert len(clock.sleeps) == 1
    assert client.retries_made == 1 and client.requests_sent == 2
    assert result.data is not None


NOT_RETRIED = [
    ("3.0", P.v3_error("AuthFailure.SignatureFailure"), "AuthFailure.SignatureFailure"),
    ("3.0", P.v3_error("AuthFailure.SignatureExpire"), "AuthFailure.SignatureExpire"),
    ("3.0", P.v3_error("AuthFailure.SecretIdNotFound"), "AuthFailure.SecretIdNotFound"),
    ("3.0", P.v3_error("UnauthorizedOperation"), "UnauthorizedOperation"),
    ("3.0", P.v3_error("LimitExceeded", "ENI quota"), "LimitExceeded"),
    ("3.0", P.v3_error("ResourceInUse", "address in use"), "ResourceInUse"),  # an address in use, an attached ENI
    ("3.0", P.v3_error("InvalidParameterValue"), "InvalidParameterValue"),
    ("3.0", P.v3_error("InvalidParameterValue.Malformed"), "InvalidParameterValue.Malformed"),
    ("3.0", P.v3_error("UnsupportedOperation.AttachmentAlreadyExists"), "UnsupportedOperation.AttachmentAlreadyExists"),
    ("3.0", P.v3_error("UnsupportedOperation.IdempotentParameterMismatch"), "UnsupportedOperation.IdempotentParameterMismatch"),
    ("3.0", P.v3_error("ResourceNotFound"), "ResourceNotFound"),
    ("3.0", P.v3_error("MissingParameter"), "MissingParameter"),
    ("3.0", SSL_ERROR, C.CLIENT_TLS),
    ("3.0", FakeResponse(400, b"bad request"), C.CLIENT_HTTP),
    ("2.0", P.v2_error("InvalidNetworkInterface.AlreadyAssociated", 5100), "InvalidNetworkInterface.AlreadyAssociated"),
    ("2.0", P.v2_error("", 4100, "auth"), "4100"),
    ("2.0", P.v2_error("", 4000, "bad"), "4000"),
    ("2.0", P.v2_error("", 4500, "replay"), "4500"),
    ("2.0", SSL_ERROR, C.CLIENT_TLS),
]


@pytest.mark.parametrize("version,first,code", NOT_RETRIED)
def test_permanent_failures_are_never_retried(version, first, code):
    client, session, clock = make_client(version, first)
    with pytest.raises(QcloudApiError) as info:
        client.call("AttachNetworkInterface", {})
    assert info.value.code == code
    assert len(session.posts) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("retries", [0, 1, 3, 5])
def test_api_retries_is_honoured_exactly(retries):
    script = [P.v3_error("RequestLimitExceeded", "throttled %d" % i) for i in range(retries + 1)]
    client, session, clock = make_client("3.0", *script, retries=retries, timeout=1000.0)
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert info.value.code == "RequestLimitExceeded"
    assert info.value.message == "throttled %d" % retries  # the last answer is reported
    assert len(session.posts) == retries + 1
    assert len(clock.sleeps) == retries


def test_the_deadline_stops_retrying():
    # rng=1.0: delays 0.5, 1, 2, 4 ... ; a deadline 3 s away allows 0.5 + 1, then 2 more would pass it.
    script = [P.v3_error("RequestLimitExceeded")] * 10
    client, session, clock = make_client("3.0", *script, retries=9, rng=lambda: 1.0)
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {}, deadline=clock.monotonic() + 3.0)
    assert info.value.code == "RequestLimitExceeded"
    assert clock.sleeps == [0.5, 1.0]
    assert len(session.posts) == 3


def test_a_passed_deadline_sends_nothing():
    client, session, clock = make_client("3.0")
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {}, deadline=clock.monotonic() - 1)
    assert info.value.code == C.CLIENT_TIMEOUT
    assert info.value.processed is False
    assert session.posts == []


def test_each_attempt_gets_at_most_the_time_left():
    client, session, clock = make_client("3.0", P.v3_ok(), timeout=30.0)
    client.call("DescribeNetworkInterfaces", {}, deadline=clock.monotonic() + 12.5)
    assert session.posts[0].timeout == 12.5


def test_default_deadline_allows_every_retry_its_full_timeout():
    script = [READ_TIMEOUT] * 6
    client, session, clock = make_client("3.0", *script, retries=5, timeout=30.0, rng=lambda: 1.0)
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert info.value.code == C.CLIENT_TIMEOUT
    assert len(session.posts) == 6
    assert all(post.timeout == 30.0 for post in session.posts)


def test_backoff_is_jittered_between_half_its_step_and_its_step():
    # The least delay (rng 0) is half the most (rng 1) at every attempt, and any draw lies between.
    draws = random.Random(20240102)
    for attempt in range(12):
        least = C.backoff_delay(attempt, lambda: 0.0)
        most = C.backoff_delay(attempt, lambda: 1.0)
        assert 0 < least and most == pytest.approx(2 * least)
        delays = [C.backoff_delay(attempt, draws.random) for dummy in range(50)]
        assert all(least <= delay <= most for delay in delays)
        assert len(set(delays)) > 1, "no jitter at attempt %d" % attempt


def test_backoff_doubles_from_half_a_second_until_the_cap_then_stays():
    steps = [C.backoff_delay(attempt, lambda: 1.0) for attempt in range(16)]  # the most of each attempt
    assert steps[0] == pytest.approx(0.5)
    assert C.BACKOFF_CAP in steps, "the cap is never reached: %s" % steps
    capped = steps.index(C.BACKOFF_CAP)
    assert all(b == pytest.approx(2 * a) for a, b in zip(steps[:capped], steps[1:capped + 1]))
    assert steps[capped:] == [C.BACKOFF_CAP] * (16 - capped)
    assert C.backoff_delay(60, lambda: 1.0) == C.BACKOFF_CAP  # no overflow, no growth past the cap


def test_sleeps_between_retries_follow_the_backoff():
    script = [P.v3_error("RequestLimitExceeded")] * 5 + [P.v3_ok()]
    client, session, clock = make_client("3.0", *script, retries=5, rng=lambda: 0.0, timeout=100.0)
    client.call("DescribeNetworkInterfaces", {})
    assert clock.sleeps == [0.25, 0.5, 1.0, 2.0, 4.0]


@pytest.mark.parametrize("version", ["3.0", "2.0"])
def test_every_retry_of_a_write_sends_the_same_parameters(version):
    if version == "3.0":
        params = {"NetworkInterfaceId": "eni-m6dyj72l", "InstanceId": "ins-xx44545f", "ClientToken": "tok-1"}
        script = [P.v3_error("UnsupportedOperation.MutexOperationTaskRunning"), RESET, P.v3_ok()]
    else:
        params = {"vpcId": "vpc-7t9nf3pu", "networkInterfaceId": "eni-m6dyj72l", "instanceId": "ins-xx44545f"}
        script = [P.v2_error("", 4400), RESET, P.v2_ok(taskId=1)]
    client, session, clock = make_client(version, *script)
    client.call("AttachNetworkInterface", params)
    assert len(session.posts) == 3
    if version == "3.0":
        bodies = [json.loads(post.data) for post in session.posts]
        assert bodies == [params] * 3
    else:
        sent = [{k: v for k, v in post.data.items() if k in params} for post in session.posts]
        assert sent == [params] * 3


# ================================================================== transport errors


@pytest.mark.parametrize(
    "exc,code,message,processed",
    [
        (RESET, C.CLIENT_NETWORK, "the connection was closed before an answer", None),
        (REFUSED, C.CLIENT_NETWORK, "connection refused", False),
        (requests.exceptions.ConnectionError("NameResolutionError: Failed to resolve 'x'"), C.CLIENT_NETWORK,
         "the host name could not be resolved", False),
        (READ_TIMEOUT, C.CLIENT_TIMEOUT, "no answer in time", None),
        (CONNECT_TIMEOUT, C.CLIENT_TIMEOUT, "no answer in time", False),
        (SSL_ERROR, C.CLIENT_TLS, "self-signed certificate", False),
    ],
)
def test_transport_errors_are_mapped(exc, code, message, processed):
    client, session, clock = make_client("3.0", exc, retries=0)
    with pytest.raises(QcloudApiError) as info:
        client.call("AttachNetworkInterface", {})
    assert (info.value.code, info.value.message, info.value.processed) == (code, message, processed)


def test_a_programming_error_in_the_session_is_not_swallowed():
    client, session, clock = make_client("3.0", TypeError("boom"))
    with pytest.raises(TypeError):
        client.call("DescribeNetworkInterfaces", {})
    assert len(session.posts) == 1


# ================================================================== secrets

LEAK_SCRIPTS = [
    P.v3_error("AuthFailure.SignatureFailure", "The provided credentials could not be validated."),
    P.v3_error("RequestLimitExceeded"),
    FakeResponse(500, b"oops"),
    FakeResponse(200, b"not json"),
    RESET,
    READ_TIMEOUT,
    SSL_ERROR,
    REFUSED,
]


@pytest.mark.parametrize("version", ["3.0", "2.0"])
@pytest.mark.parametrize("answer", LEAK_SCRIPTS)
def test_secrets_never_appear_in_raised_errors(version, answer):
    client, session, clock = make_client(version, *([answer] * 3), token=TOKEN, retries=2)
    with pytest.raises(QcloudApiError) as info:
        client.call("AttachNetworkInterface", {"NetworkInterfaceId": "eni-m6dyj72l"})
    err = info.value
    for text in (str(err), repr(err), repr(err.args), json.dumps(err.to_result()), err.msg, repr(vars(err))):
        assert SECRET_KEY not in text
        assert TOKEN not in text


def test_secret_key_is_never_sent_and_no_header_carries_it():
    for version in ("3.0", "2.0"):
        client, session, clock = make_client(version, P.v3_ok() if version == "3.0" else P.v2_ok())
        client.call("DescribeNetworkInterfaces", {})
        post = session.posts[0]
        assert SECRET_KEY not in repr(post.data) and SECRET_KEY not in repr(post.headers)


def test_credentials_repr_and_str_hide_the_keys():
    creds = C.Credentials(SECRET_ID, SECRET_KEY, TOKEN, "module options")
    for text in (repr(creds), str(creds), "%s" % (creds,), "{0}".format(creds), "%r" % (creds,), repr([creds])):
        assert SECRET_KEY not in text
        assert TOKEN not in text
    assert SECRET_ID in repr(creds) and "module options" in repr(creds)


def test_client_repr_names_the_endpoint_and_hides_the_keys():
    client, session, clock = make_client("3.0", token=TOKEN)
    text = repr(client)
    assert text == "QcloudClient(endpoint='https://vpc.tencentcloudapi.com', service='vpc', api_version='3.0', region='ap-guangzhou')"
    assert SECRET_KEY not in repr(client.credentials) and TOKEN not in repr(client.credentials)


@pytest.mark.parametrize(
    "exc",
    [
        requests.exceptions.InvalidHeader("Invalid leading whitespace, reserved character(s), or return character(s) "
                                          "in header value: 'ap-guangzhou\\n'"),
        requests.exceptions.InvalidURL("Failed to parse: https://vpc.tencentcloudapi.com:99999/"),
    ],
    ids=["InvalidHeader", "InvalidURL"],
)
def test_a_request_that_cannot_be_built_is_not_retried(exc):
    client, session, clock = make_client("3.0", *([exc] * 6))
    with pytest.raises(QcloudApiError):
        client.call("DescribeNetworkInterfaces", {})
    assert len(session.posts) == 1


# ================================================================== busy resources and the run's deadline

BUSY = "UnsupportedOperation.MutexOperationTaskRunning"


def test_busy_answers_are_waited_out_beyond_api_retries():
    client, session, clock = make_client("3.0", *([P.v3_error(BUSY)] * 10 + [P.v3_ok()]), retries=1, deadline=5000.0 + 300)
    client.call("AttachNetworkInterface", {"ClientToken": "t-1"})
    assert len(session.posts) == 11
    assert max(clock.sleeps) <= C.BUSY_CAP


def test_busy_answers_stop_at_the_run_deadline():
    clock = FakeClock()
    client, session, clock = make_client("3.0", *([P.v3_error(BUSY)] * 100), clock=clock, deadline=clock.monotonic() + 20)
    with pytest.raises(QcloudApiError) as info:
        client.call("AttachNetworkInterface", {})
    assert info.value.code == BUSY
    assert clock.elapsed <= 20


def test_the_run_deadline_bounds_a_call_that_would_allow_more():
    # retries=5 with a 3 s timeout would allow 6 * 3 s and more; the run has 4 s left: no retry
    # starts after them, and the one in flight ends within one timeout
    clock = FakeClock()
    client, session, clock = make_client("3.0", clock=clock, timeout=3.0, deadline=clock.monotonic() + 4)

    def slow(url, data=None, headers=None, timeout=None, verify=None):  # uses all the time it is given
        session.posts.append(timeout)
        clock.sleep(timeout)
        raise requests.exceptions.ReadTimeout("slow")

    session.post = slow
    with pytest.raises(QcloudApiError):
        client.call("DescribeVpcTaskResult", {"TaskId": "t"})
    assert clock.elapsed <= 4 + 3
    assert session.posts[0] == 3.0 and len(session.posts) == 2


def test_an_explicit_deadline_cannot_pass_the_run_deadline():
    clock = FakeClock()
    client, session, clock = make_client("3.0", *([P.v3_error("RequestLimitExceeded")] * 10), clock=clock,
                                         deadline=clock.monotonic() + 1.0)
    with pytest.raises(QcloudApiError):
        client.call("DescribeNetworkInterfaces", {}, deadline=clock.monotonic() + 100)
    assert clock.elapsed <= 1.0


def test_a_plain_http_endpoint_that_speaks_tls_is_named_at_once(monkeypatch):
    closed = requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('Remote end closed "
                                                 "connection without response'))")
    probes = []
    monkeypatch.setattr(C, "speaks_tls", lambda host, port, timeout: probes.append((host, port)) or True)
    client, session, clock = make_client("3.0", closed, closed, endpoint="http://127.0.0.1:8443")
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert info.value.code == "ClientError.PlainHttpToHttps"
    assert len(session.posts) == 1 and probes == [("127.0.0.1", 8443)]
    assert explain(info.value, {"endpoint": client.endpoint}) == (
        "http://127.0.0.1:8443 speaks HTTPS, but api_endpoint says http://: use https:// in api_endpoint.")


def test_a_plain_http_endpoint_that_does_not_speak_tls_is_retried(monkeypatch):
    closed = requests.exceptions.ConnectionError("Connection reset by peer")
    monkeypatch.setattr(C, "speaks_tls", lambda host, port, timeout: False)
    client, session, clock = make_client("3.0", closed, P.v3_ok(), endpoint="http://127.0.0.1:8080")
    client.call("DescribeNetworkInterfaces", {})
    assert len(session.posts) == 2


@pytest.mark.parametrize("text,code", [
    ("[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found (_ssl.c:4149)", "ClientError.CaBundle"),
    ("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)", "ClientError.NotTls"),
])
def test_tls_failures_that_are_not_certificates_say_what_they_are(text, code):
    client, session, clock = make_client("3.0", requests.exceptions.SSLError(text))
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeNetworkInterfaces", {})
    assert info.value.code == code and len(session.posts) == 1


# ================================================================== the one connection path (_connection.py)


def test_the_factory_gives_each_service_its_endpoint_version_and_the_shared_defaults():
    from ansible_collections.tencent.qcloud.plugins.module_utils import _connection as N

    keys = C.Credentials(SECRET_ID, SECRET_KEY, None, "module options")
    params = {"api_endpoint": "https://vpc.ap-guangzhou.tencentcloudapi.com", "api_version": "2.0"}
    vpc = N.open_client(params, "vpc", "ap-guangzhou", credentials=keys, environ={})
    cvm = N.open_client(params, "cvm", "ap-beijing", deadline=123.0, credentials=keys, environ={})
    sts = N.open_client({}, "sts", "ap-guangzhou", credentials=keys, environ={"TENCENTCLOUD_STS_ENDPOINT": "https://sts.env.example"})
    assert (vpc.api_version, vpc.version, vpc.endpoint) == ("2.0", "2017-03-12", "https://vpc.ap-guangzhou.tencentcloudapi.com")
    assert (cvm.api_version, cvm.service, cvm.region, cvm.deadline) == ("3.0", "cvm", "ap-beijing", 123.0)
    assert cvm.endpoint == "https://cvm.ap-guangzhou.tencentcloudapi.com"
    assert (sts.endpoint, sts.version, sts.timeout, sts.retries) == ("https://sts.env.example", "2018-08-13", N.API_TIMEOUT, N.API_RETRIES)


@pytest.mark.parametrize("params,needle", [
    ({"api_endpoint": "vpc.tencentcloudapi.com"}, "api_endpoint must be an http(s) URL such as https://vpc.tencentcloudapi.com"),
    ({"sts_endpoint": "ftp://sts"}, "sts_endpoint must be an http(s) URL such as https://sts.tencentcloudapi.com"),
    ({"ca_bundle": "/no/such/ca.pem"}, "ca_bundle '/no/such/ca.pem' does not exist or is not a file"),
    ({"api_timeout": 0}, "api_timeout must be greater than 0 (got 0)."),
    ({"role_duration": -1}, "role_duration must be greater than 0 (got -1)."),
    ({"api_retries": -1}, "The option api_retries must be 0 or more (got -1)."),
])
def test_connection_options_that_cannot_work_fail_with_the_catalogue_sentence(params, needle):
    from ansible_collections.tencent.qcloud.plugins.module_utils import _connection as N

    with pytest.raises(N.QcloudError) as info:
        N.check_connection(params, environ={})
    assert needle in info.value.msg


def test_a_ca_bundle_that_is_not_pem_fails_for_every_caller_and_plain_http_is_a_warning(tmp_path):
    from ansible_collections.tencent.qcloud.plugins.module_utils import _connection as N

    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n")
    with pytest.raises(N.QcloudError) as info:
        N.check_connection({}, environ={"TENCENTCLOUD_CA_BUNDLE": str(bundle)})
    assert info.value.msg.startswith("ca_bundle %r is not a PEM bundle of CA certificates" % str(bundle))
    assert N.check_connection({"ca_bundle": str(bundle), "validate_certs": False}, environ={}) == []
    (warning,) = N.check_connection({"api_endpoint": "http://127.0.0.1:8080"}, environ={})
    assert warning.startswith("api_endpoint http://127.0.0.1:8080 uses plain http")
