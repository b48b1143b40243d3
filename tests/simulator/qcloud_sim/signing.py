"""Signature algorithms of Tencent Cloud APIs (independent implementation).

* API 2.0 and the 3.0 "HmacSHA1/HmacSHA256" form: base64(HMAC(key, METHOD+host+path+"?"+params)).
* API 3.0 TC3-HMAC-SHA256.
"""
import base64
import hashlib
import hmac
import time

TC3_ALGORITHM = "TC3-HMAC-SHA256"


def v2_param_string(params, method="GET"):
    """Join params (without Signature) as the 2.0 signing doc says: `_`->`.` in keys,
    sorted by byte order, raw values."""
    items = {}
    for key, value in params.items():
        if key == "Signature":
            continue
        # qcloudapi-sdk-python skips '@file' values of POST requests when signing
        if method.upper() == "POST" and str(value)[:1] == "@":
            continue
        items[key.replace("_", ".")] = value
    return "&".join("%s=%s" % (k, items[k]) for k in sorted(items, key=lambda s: s.encode("utf-8")))


def v2_string_to_sign(method, host, path, params):
    return "%s%s%s?%s" % (method.upper(), host, path, v2_param_string(params, method))


def v2_sign(secret_key, string_to_sign, signature_method="HmacSHA1"):
    digest = hashlib.sha256 if signature_method == "HmacSHA256" else hashlib.sha1
    mac = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), digest).digest()
    return base64.b64encode(mac).decode("ascii")


def tc3_date(timestamp):
    return time.strftime("%Y-%m-%d", time.gmtime(int(timestamp)))


def tc3_canonical_request(method, path, query, content_type, host, payload):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return "\n".join([
        method.upper(), path, query,
        "content-type:%s\nhost:%s\n" % (content_type, host),
        "content-type;host",
        hashlib.sha256(payload).hexdigest(),
    ])


def tc3_string_to_sign(timestamp, service, canonical_request):
    scope = "%s/%s/tc3_request" % (tc3_date(timestamp), service)
    return "\n".join([TC3_ALGORITHM, str(timestamp), scope,
                      hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])


def _hmac256(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_signature(secret_key, timestamp, service, canonical_request):
    k_date = _hmac256(("TC3" + secret_key).encode("utf-8"), tc3_date(timestamp))
    k_service = _hmac256(k_date, service)
    k_signing = _hmac256(k_service, "tc3_request")
    sts = tc3_string_to_sign(timestamp, service, canonical_request)
    return hmac.new(k_signing, sts.encode("utf-8"), hashlib.sha256).hexdigest()


def tc3_authorization(secret_id, secret_key, timestamp, service, canonical_request):
    sig = tc3_signature(secret_key, timestamp, service, canonical_request)
    return "%s Credential=%s/%s/%s/tc3_request, SignedHeaders=content-type;host, Signature=%s" % (
        TC3_ALGORITHM, secret_id, tc3_date(timestamp), service, sig)


def parse_tc3_authorization(value):
    """Return dict(algorithm, secret_id, date, service, signed_headers, signature) or None."""
    if not value or not value.startswith(TC3_ALGORITHM + " "):
        return None
    out = {"algorithm": TC3_ALGORITHM}
    for part in value[len(TC3_ALGORITHM) + 1:].split(","):
        part = part.strip()
        if "=" not in part:
            return None
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    cred = out.get("Credential", "").split("/")
    if len(cred) != 4 or cred[3] != "tc3_request" or "Signature" not in out:
        return None
    return {"algorithm": TC3_ALGORITHM, "secret_id": cred[0], "date": cred[1],
            "service": cred[2], "signed_headers": out.get("SignedHeaders", ""),
            "signature": out["Signature"]}


def constant_time_equal(a, b):
    return hmac.compare_digest(str(a).encode("utf-8"), str(b).encode("utf-8"))
