# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared connection options outside a module (the inventory plugin): checked, then a client.

The same options as ``CONNECTION_ARGUMENT_SPEC`` in ``_module.py`` and the same credential
chain (``_credentials.py``): keys from the options, else the environment, a tccli profile,
the SDK file, the CVM role; ``role_arn`` assumes a role through STS. Failures are
``QcloudError`` with the catalogue's sentence, for the caller to raise its own way.
"""

from __future__ import annotations

import os
import re
from typing import Any, List, Mapping, Optional
from urllib.parse import urlparse

from ansible_collections.tencent.qcloud.plugins.module_utils._client import SERVICE_ENDPOINT, QcloudClient
from ansible_collections.tencent.qcloud.plugins.module_utils._credentials import CredentialChain, resolve_region
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    OPTION_CA_BUNDLE,
    MODULE_NEGATIVE,
    OPTION_POSITIVE,
    OPTION_REGION,
    OPTION_URL,
    QcloudError,
    sentence,
)

URL_OPTIONS = ("api_endpoint", "sts_endpoint", "metadata_endpoint")
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z0-9]+)+")
# DescribeRegions and STS answer in every region: this one is asked when none is configured.
FALLBACK_REGION = "ap-guangzhou"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_connection(params: Mapping[str, Any]) -> None:
    """Raise QcloudError for the first connection option that cannot work."""
    for option in URL_OPTIONS:
        value = params.get(option)
        if value is None:
            continue
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or re.search(r"\s", value):
            raise QcloudError(sentence(OPTION_URL, {"option": option, "value": _show(value)}))
    bundle = params.get("ca_bundle")
    if bundle and params.get("validate_certs", True) and not os.path.isfile(bundle):
        raise QcloudError(sentence(OPTION_CA_BUNDLE, {"value": repr(bundle)}))
    for option in ("api_timeout", "role_duration"):
        if params.get(option) is not None and params[option] <= 0:
            raise QcloudError(sentence(OPTION_POSITIVE, {"option": option, "value": _show(params[option])}))
    if params.get("api_retries") is not None and params["api_retries"] < 0:
        raise QcloudError(sentence(MODULE_NEGATIVE, {"option": "api_retries", "value": _show(params["api_retries"])}))


def check_regions(option: str, regions: Any) -> List[str]:
    if not all(isinstance(r, str) and REGION_PATTERN.fullmatch(r) for r in regions):
        raise QcloudError(sentence(OPTION_REGION, {"option": option, "value": _show(regions)}))
    return list(dict.fromkeys(str(r) for r in regions))  # plain text: a config value carries tags in ansible-core 2.19+


def home_region(params: Mapping[str, Any]) -> str:
    """The configured region (option, TENCENTCLOUD_REGION, tccli profile), else FALLBACK_REGION."""
    try:
        region = resolve_region(params)
    except QcloudError:
        return FALLBACK_REGION
    check_regions("region", [region])
    return region


def open_client(
    params: Mapping[str, Any], region: str, service: str, version: str, endpoint: Optional[str] = None
) -> QcloudClient:
    """A client of ``service`` in ``region`` with the keys the chain finds."""
    credentials = CredentialChain(params).resolve()
    client = QcloudClient(
        credentials,
        region,
        api_version="3.0",
        endpoint=params.get("api_endpoint") or endpoint or SERVICE_ENDPOINT % service,
        validate_certs=params.get("validate_certs", True),
        ca_bundle=params.get("ca_bundle"),
        timeout=float(params.get("api_timeout") or 30.0),
        retries=int(params["api_retries"]) if params.get("api_retries") is not None else 5,
        service=service,
        version=version,
    )
    return client
