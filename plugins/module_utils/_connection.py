# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one connection path: the shared connection options checked, then a client of a service.

Modules (``QcloudModule.client``), the inventory plugin and STS (``_credentials``) all come
through here: :func:`check_connection` checks the options once (failures are ``QcloudError``
with the catalogue's sentence, for the caller to raise its own way), and :func:`open_client`
gives a client of one service in one region, with the run's deadline. The clients a job needs
beside it (a thread's, another region's or service's: ``_cvm.ClientPool``, ``_tag.tag_client``,
``VpcApi.instance_state``) are clones of one made here, with its keys, policy and deadline.
The defaults of the region and the endpoints are defined here; those of the timeout and the
retries in ``_client``.
"""

from __future__ import annotations

import os
import re
import ssl
from typing import Any, List, Mapping, Optional
from urllib.parse import urlparse

from ansible_collections.tencent.qcloud.plugins.module_utils._client import (
    API_RETRIES,
    API_TIMEOUT,
    SERVICE_ENDPOINT,
    VPC_VERSION_V3,
    QcloudClient,
    service_endpoint,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import CVM_SERVICE, CVM_VERSION
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    MODULE_NEGATIVE,
    OPTION_CA_BUNDLE,
    OPTION_CA_BUNDLE_PEM,
    OPTION_PLAIN_HTTP,
    OPTION_POSITIVE,
    OPTION_REGION,
    OPTION_URL,
    QcloudError,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._guest_metadata import (
    DEFAULT_ENDPOINT as DEFAULT_METADATA_ENDPOINT,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._tag import SERVICE as TAG_SERVICE, VERSION as TAG_VERSION

ROLE_DURATION = 7200
# DescribeRegions and STS answer in every region: this one is asked when none is configured.
FALLBACK_REGION = "ap-guangzhou"
# Used with fullmatch: "^...$" with match would let a trailing newline through.
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z0-9]+)+")
DEFAULT_STS_ENDPOINT = "https://sts.tencentcloudapi.com"
STS_VERSION = "2018-08-13"
# The API version of each API 3.0 service the collection calls. (_cvm takes them from here: a
# module that reads no instance does not load _cvm and its thread pool.)
VERSIONS = {CVM_SERVICE: CVM_VERSION, "vpc": VPC_VERSION_V3, TAG_SERVICE: TAG_VERSION, "sts": STS_VERSION}
# The connection options set once per environment: option, then variable, then default.
ENV_OPTIONS = {
    "api_endpoint": "TENCENTCLOUD_API_ENDPOINT",
    "sts_endpoint": "TENCENTCLOUD_STS_ENDPOINT",
    "metadata_endpoint": "TENCENTCLOUD_METADATA_ENDPOINT",
    "ca_bundle": "TENCENTCLOUD_CA_BUNDLE",
}
# What each endpoint option should look like, for the sentence about a malformed one.
URL_EXAMPLES = {
    "api_endpoint": "https://vpc.tencentcloudapi.com",
    "sts_endpoint": DEFAULT_STS_ENDPOINT,
    "metadata_endpoint": DEFAULT_METADATA_ENDPOINT,
}


def show(value: Any) -> str:
    """A user value, quoted and cut short, safe to put in a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def option(params: Mapping[str, Any], name: str, environ: Optional[Mapping[str, str]] = None) -> Any:
    """A connection option set once per environment: the option, else its variable (ENV_OPTIONS), else None
    (an empty variable counts as unset)."""
    if params.get(name) is not None:
        return params[name]
    environ = os.environ if environ is None else environ
    value = environ.get(ENV_OPTIONS[name]) or None
    return os.path.expanduser(value) if value and name == "ca_bundle" else value


def _number(params: Mapping[str, Any], name: str, default: Any) -> Any:
    return params[name] if params.get(name) is not None else default


def check_connection(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None,
                     api_example: str = URL_EXAMPLES["api_endpoint"]) -> List[str]:
    """Raise QcloudError for the first connection option that cannot work; return the warnings
    (sentences) the caller shows for options that work but should not be used so.

    ``api_example`` is the endpoint a malformed api_endpoint's sentence gives as an example."""
    warnings = []
    for name in URL_EXAMPLES:
        value = option(params, name, environ)
        if value is None:
            continue
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or re.search(r"\s", value):
            example = api_example if name == "api_endpoint" else URL_EXAMPLES[name]
            raise QcloudError(sentence(OPTION_URL, {"option": name, "value": show(value), "example": example}), OPTION_URL)
        if name == "api_endpoint" and parsed.scheme == "http":
            warnings.append(sentence(OPTION_PLAIN_HTTP, {"option": name, "endpoint": value}))
    bundle = option(params, "ca_bundle", environ)
    if bundle and params.get("validate_certs", True):
        if not os.path.isfile(bundle):
            raise QcloudError(sentence(OPTION_CA_BUNDLE, {"value": repr(bundle)}), OPTION_CA_BUNDLE)
        try:
            ssl.create_default_context(cafile=bundle)
        except (ssl.SSLError, ValueError, OSError, UnicodeDecodeError):
            raise QcloudError(sentence(OPTION_CA_BUNDLE_PEM, {"value": repr(bundle)}), OPTION_CA_BUNDLE_PEM) from None
    for name in ("api_timeout", "role_duration"):
        if params.get(name) is not None and params[name] <= 0:
            raise QcloudError(sentence(OPTION_POSITIVE, {"option": name, "value": show(params[name])}), OPTION_POSITIVE)
    if params.get("api_retries") is not None and params["api_retries"] < 0:
        raise QcloudError(sentence(MODULE_NEGATIVE, {"option": "api_retries", "value": show(params["api_retries"])}), MODULE_NEGATIVE)
    return warnings


def check_regions(name: str, regions: Any) -> List[str]:
    """The regions (each once, in order), or QcloudError when one does not look like a region."""
    if not all(isinstance(r, str) and REGION_PATTERN.fullmatch(r) for r in regions):
        value = regions[0] if name == "region" and len(regions) == 1 else regions
        raise QcloudError(sentence(OPTION_REGION, {"option": name, "value": show(value)}), OPTION_REGION)
    return list(dict.fromkeys(str(r) for r in regions))  # plain text: a config value carries tags in ansible-core 2.19+


def endpoint_of(params: Mapping[str, Any], service: str, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """Where ``service`` answers: sts_endpoint for STS; api_endpoint for VPC (None: the API version's
    default); for another API 3.0 service, its host beside api_endpoint (_client.service_endpoint)."""
    if service == "sts":
        return option(params, "sts_endpoint", environ) or DEFAULT_STS_ENDPOINT
    api_endpoint = option(params, "api_endpoint", environ)
    if service == "vpc":
        return api_endpoint
    return service_endpoint(api_endpoint, service) or SERVICE_ENDPOINT % service


def open_client(params: Mapping[str, Any], service: str, region: str, deadline: Optional[float] = None, **kw: Any) -> QcloudClient:
    """A client of ``service`` in ``region`` for the connection options ``params`` (already checked),
    ending its calls by ``deadline`` (a ``time.monotonic()`` time, None: no run deadline).

    ``kw`` goes to :class:`QcloudClient`: ``credentials`` (required: the keys, or a provider of
    them), and optionally ``endpoint`` (else :func:`endpoint_of`), ``environ`` (where unset options
    are read, else os.environ), ``session``, ``limiter``, clocks. API 2.0 is VPC's alone
    (``api_version``); every other service speaks API 3.0."""
    environ = kw.pop("environ", None)
    api_version = str(params.get("api_version") or "3.0") if service == "vpc" else "3.0"
    kw.setdefault("endpoint", endpoint_of(params, service, environ))
    return QcloudClient(
        kw.pop("credentials"),
        region,
        api_version=api_version,
        validate_certs=params.get("validate_certs", True),
        ca_bundle=option(params, "ca_bundle", environ),
        timeout=float(_number(params, "api_timeout", API_TIMEOUT)),
        retries=int(_number(params, "api_retries", API_RETRIES)),
        service=service,
        version=VERSIONS[service],
        deadline=deadline,
        **kw
    )
