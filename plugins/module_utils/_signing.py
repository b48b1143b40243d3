# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request signatures of Tencent Cloud APIs, as pure functions.

API 3.0 uses TC3-HMAC-SHA256 over a canonical request; API 2.0 uses HmacSHA1 or
HmacSHA256 over ``METHOD + host + path + ? + sorted raw parameters``. Nothing here
does I/O, logs or keeps state, so every function can be checked against the test
vectors published by Tencent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone
from typing import Mapping

TC3_ALGORITHM = "TC3-HMAC-SHA256"
TC3_SIGNED_HEADERS = "content-type;host"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac_sha256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_date(timestamp: int) -> str:
    """The UTC date of a unix timestamp, as the credential scope wants it."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


def tc3_canonical_request(host: str, content_type: str, payload: bytes) -> str:
    return "POST\n/\n\ncontent-type:%s\nhost:%s\n\n%s\n%s" % (
        content_type,
        host,
        TC3_SIGNED_HEADERS,
        sha256_hex(payload),
    )


def tc3_string_to_sign(service: str, timestamp: int, canonical_request: str) -> str:
    scope = "%s/%s/tc3_request" % (tc3_date(timestamp), service)
    return "%s\n%d\n%s\n%s" % (
        TC3_ALGORITHM,
        timestamp,
        scope,
        sha256_hex(canonical_request.encode("utf-8")),
    )


def tc3_signature(secret_key: str, service: str, timestamp: int, string_to_sign: str) -> str:
    k_date = _hmac_sha256(("TC3" + secret_key).encode("utf-8"), tc3_date(timestamp))
    k_service = _hmac_sha256(k_date, service)
    k_signing = _hmac_sha256(k_service, "tc3_request")
    return hmac.new(k_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def tc3_authorization(
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    timestamp: int,
    payload: bytes,
    content_type: str,
) -> str:
    """The value of the ``Authorization`` header of one API 3.0 request."""
    canonical = tc3_canonical_request(host, content_type, payload)
    signature = tc3_signature(secret_key, service, timestamp, tc3_string_to_sign(service, timestamp, canonical))
    return "%s Credential=%s/%s/%s/tc3_request, SignedHeaders=%s, Signature=%s" % (
        TC3_ALGORITHM,
        secret_id,
        tc3_date(timestamp),
        service,
        TC3_SIGNED_HEADERS,
        signature,
    )


def v2_string_to_sign(method: str, host: str, path: str, params: Mapping[str, object]) -> str:
    """``METHOD host path ? k=v&...`` with ``_`` turned into ``.`` in keys, byte-sorted, raw values."""
    items = sorted((str(key).replace("_", "."), str(value)) for key, value in params.items() if key != "Signature")
    query = "&".join("%s=%s" % (key, value) for key, value in items)
    return "%s%s%s?%s" % (method.upper(), host, path, query)


def v2_signature(secret_key: str, string_to_sign: str, method: str = "HmacSHA256") -> str:
    """Base64 HMAC of the string to sign: SHA256 for ``HmacSHA256``, SHA1 for anything else."""
    digest = hashlib.sha256 if method == "HmacSHA256" else hashlib.sha1
    mac = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")
