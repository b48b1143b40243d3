# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import hashlib
import re

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _signing as S
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P

# ------------------------------------------------------------------ API 2.0


def test_v2_vector_hmac_sha256():
    assert S.v2_signature(P.V2_VECTOR_KEY, P.V2_VECTOR_STRING, "HmacSHA256") == P.V2_VECTOR_SHA256


def test_v2_vector_hmac_sha1():
    string = P.V2_VECTOR_STRING.replace("SignatureMethod=HmacSHA256", "SignatureMethod=HmacSHA1")
    assert S.v2_signature(P.V2_VECTOR_KEY, string, "HmacSHA1") == P.V2_VECTOR_SHA1


@pytest.mark.parametrize("method", ["", None, "hmacsha256", "md5"])
def test_v2_anything_but_hmacsha256_is_sha1(method):
    string = P.V2_VECTOR_STRING.replace("SignatureMethod=HmacSHA256", "SignatureMethod=HmacSHA1")
    assert S.v2_signature(P.V2_VECTOR_KEY, string, method) == P.V2_VECTOR_SHA1


def test_v2_string_to_sign_of_the_vector_parameters():
    assert S.v2_string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", P.V2_VECTOR_PARAMS) == P.V2_VECTOR_STRING


def test_v2_string_to_sign_method_is_upper_cased():
    assert S.v2_string_to_sign("get", "cvm.api.qcloud.com", "/v2/index.php", P.V2_VECTOR_PARAMS) == P.V2_VECTOR_STRING


def test_v2_string_to_sign_turns_underscore_into_dot_in_keys_only():
    params = dict(P.V2_VECTOR_PARAMS)
    params["InstanceIds_0"] = params.pop("InstanceIds.0")
    assert S.v2_string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", params) == P.V2_VECTOR_STRING
    # values keep their underscores
    assert S.v2_string_to_sign("POST", "h", "/p", {"a_b": "c_d"}) == "POSTh/p?a.b=c_d"


def test_v2_string_to_sign_excludes_signature():
    params = dict(P.V2_VECTOR_PARAMS, Signature="whatever")
    assert S.v2_string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", params) == P.V2_VECTOR_STRING


def test_v2_string_to_sign_sorts_by_plain_byte_order():
    params = {"X.2": "b", "X.12": "a", "alpha": "1", "Zeta": "2", "X.1": "c"}
    query = S.v2_string_to_sign("POST", "h", "/p", params).split("?", 1)[1]
    assert query == "X.1=c&X.12=a&X.2=b&Zeta=2&alpha=1"


def test_v2_string_to_sign_uses_raw_values_and_the_host_with_port():
    string = S.v2_string_to_sign("POST", "127.0.0.1:8443", "/v2/index.php", {"name": "a b&c=d", "n": 3})
    assert string == "POST127.0.0.1:8443/v2/index.php?n=3&name=a b&c=d"


# ------------------------------------------------------------------ API 3.0 (TC3-HMAC-SHA256)


def _vector_authorization():
    v = P.TC3_VECTOR
    return S.tc3_authorization(v["secret_id"], v["secret_key"], v["service"], v["host"], v["timestamp"],
                               v["payload"], v["content_type"])


def test_tc3_vector_signature():
    v = P.TC3_VECTOR
    canonical = S.tc3_canonical_request(v["host"], v["content_type"], v["payload"])
    string_to_sign = S.tc3_string_to_sign(v["service"], v["timestamp"], canonical)
    assert S.tc3_signature(v["secret_key"], v["service"], v["timestamp"], string_to_sign) == v["signature"]


def test_tc3_vector_full_authorization_header():
    v = P.TC3_VECTOR
    assert _vector_authorization() == (
        "TC3-HMAC-SHA256 Credential=%s/%s/cvm/tc3_request, SignedHeaders=content-type;host, Signature=%s"
        % (v["secret_id"], v["date"], v["signature"])
    )


def test_tc3_authorization_format():
    header = S.tc3_authorization("AKIDx", "key", "vpc", "vpc.tencentcloudapi.com", 1700000000, b"{}", "application/json")
    assert re.match(
        r"^TC3-HMAC-SHA256 Credential=AKIDx/2023-11-14/vpc/tc3_request, SignedHeaders=content-type;host, "
        r"Signature=[0-9a-f]{64}$",
        header,
    )


def test_tc3_canonical_request_layout():
    v = P.TC3_VECTOR
    canonical = S.tc3_canonical_request(v["host"], v["content_type"], v["payload"])
    assert canonical == (
        "POST\n/\n\n"
        "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
        "content-type;host\n" + hashlib.sha256(v["payload"]).hexdigest()
    )


def test_tc3_string_to_sign_layout():
    string = S.tc3_string_to_sign("vpc", 1551113065, "CANONICAL")
    assert string == "TC3-HMAC-SHA256\n1551113065\n2019-02-25/vpc/tc3_request\n" + hashlib.sha256(b"CANONICAL").hexdigest()


@pytest.mark.parametrize(
    "timestamp,date",
    [(1551113065, "2019-02-25"), (1551052799, "2019-02-24"), (1551052800, "2019-02-25"), (0, "1970-01-01")],
)
def test_tc3_date_is_the_utc_date(timestamp, date):
    assert S.tc3_date(timestamp) == date


@pytest.mark.parametrize(
    "change",
    [
        dict(secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLf"),
        dict(host="cvm.tencentcloudapi.com:443"),
        dict(timestamp=1551113066),
        dict(content_type="application/json"),
        dict(payload=b'{"Limit": 2, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'),
        dict(service="vpc"),
    ],
)
def test_tc3_every_signed_input_changes_the_signature(change):
    v = dict(P.TC3_VECTOR, **change)
    header = S.tc3_authorization(v["secret_id"], v["secret_key"], v["service"], v["host"], v["timestamp"],
                                 v["payload"], v["content_type"])
    assert header.rsplit("=", 1)[1] != P.TC3_VECTOR["signature"]
