"""The signature test vectors of the reference (Tencent's signing docs)."""
from qcloud_sim import signing

V2_KEY = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"
V2_STS = ("GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg"
          "&Nonce=11886&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"
          "&SignatureMethod=HmacSHA256&Timestamp=1465185768")
V2_PARAMS = {"Action": "DescribeInstances", "InstanceIds_0": "ins-09dx96dg", "Nonce": 11886,
             "Region": "ap-guangzhou", "SecretId": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
             "SignatureMethod": "HmacSHA256", "Timestamp": 1465185768}


def test_v2_hmac_sha256_vector():
    assert signing.v2_sign(V2_KEY, V2_STS, "HmacSHA256") == "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s="


def test_v2_hmac_sha1_vector():
    sts = V2_STS.replace("HmacSHA256", "HmacSHA1")
    assert signing.v2_sign(V2_KEY, sts, "HmacSHA1") == "nPVnY6njQmwQ8ciqbPl5Qe+Oru4="
    # anything but HmacSHA256 means HmacSHA1
    assert signing.v2_sign(V2_KEY, sts, "whatever") == "nPVnY6njQmwQ8ciqbPl5Qe+Oru4="


def test_v2_string_to_sign_rules():
    # `_` becomes `.`, keys sorted by byte order, raw values, Signature left out
    params = dict(V2_PARAMS, Signature="ignored")
    assert signing.v2_string_to_sign("get", "cvm.api.qcloud.com", "/v2/index.php", params) == V2_STS
    s = signing.v2_param_string({"X.2": "b", "X.12": "a", "a": "c d&e"})
    assert s == "X.12=a&X.2=b&a=c d&e"


def test_tc3_vector():
    body = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    canon = signing.tc3_canonical_request("POST", "/", "", "application/json; charset=utf-8",
                                          "cvm.tencentcloudapi.com", body)
    assert signing.tc3_signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", 1551113065, "cvm", canon) == \
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    auth = signing.tc3_authorization("AKIDEXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                                     1551113065, "cvm", canon)
    assert auth == ("TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/cvm/tc3_request, "
                    "SignedHeaders=content-type;host, "
                    "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
    parsed = signing.parse_tc3_authorization(auth)
    assert parsed["secret_id"] == "AKIDEXAMPLE" and parsed["date"] == "2019-02-25"
    assert parsed["service"] == "cvm" and parsed["signed_headers"] == "content-type;host"


def test_parse_bad_authorization():
    assert signing.parse_tc3_authorization("") is None
    assert signing.parse_tc3_authorization("Basic abc") is None
    assert signing.parse_tc3_authorization("TC3-HMAC-SHA256 Credential=x, Signature=y") is None
