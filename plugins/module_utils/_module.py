# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every tencent.qcloud module shares: connection options, input checks, the client,
and failures that carry a mapped sentence plus ``error: {code, message, request_id, action}``."""

from __future__ import annotations

import os
import re
import ssl
import time
from typing import Any, Dict, Mapping, NoReturn, Optional
from urllib.parse import urlparse

from ansible.module_utils.basic import AnsibleFallbackNotFound, AnsibleModule, missing_required_lib

from ansible_collections.tencent.qcloud.plugins.module_utils._client import (
    REQUESTS_IMPORT_ERROR,
    QcloudClient,
    RateLimiter,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._credentials import (
    CredentialChain,
    option as connection_option,
    resolve_region,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    QcloudApiError,
    QcloudError,
    explain,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._vpc import RATE_LIMITS, VpcApi


def env_option(name: str) -> str:
    """An argument_spec fallback for a connection option: its environment variable, read by the
    credential chain's own :func:`option` (which counts "" as unset)."""
    value = connection_option({}, name)
    if value is None:
        raise AnsibleFallbackNotFound
    return value


# Mirrors plugins/doc_fragments/qcloud.py; sanity's validate-modules keeps the two equal.
CONNECTION_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = {
    "secret_id": {"type": "str", "no_log": False},
    "secret_key": {"type": "str", "no_log": True},
    "security_token": {"type": "str", "no_log": True},
    "region": {"type": "str"},
    "api_version": {"type": "str", "default": "3.0", "choices": ["3.0", "2.0"]},
    "api_endpoint": {"type": "str", "fallback": (env_option, ["api_endpoint"])},
    "ca_bundle": {"type": "path", "fallback": (env_option, ["ca_bundle"])},
    "validate_certs": {"type": "bool", "default": True},
    "api_timeout": {"type": "float", "default": 30.0},
    "api_retries": {"type": "int", "default": 5},
    "profile": {"type": "str"},
    "role_arn": {"type": "str"},
    "role_session_name": {"type": "str"},
    "role_duration": {"type": "int", "default": 7200},
    "sts_endpoint": {"type": "str", "fallback": (env_option, ["sts_endpoint"])},
    "metadata_endpoint": {"type": "str", "fallback": (env_option, ["metadata_endpoint"])},
}

# Used with fullmatch: "^...$" with match would let a trailing newline through.
_ID_PATTERN = "%s-[0-9a-z]{8}"
_REGION = re.compile(r"[a-z]{2}(-[a-z0-9]+)+")


def _show(value: Any) -> str:
    """A user value, quoted and cut short, safe to put in a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def make_client(params: Mapping[str, Any], service: str, region: str, deadline: Optional[float] = None, **kw: Any) -> QcloudClient:
    """The client of ``service`` in ``region`` with the keys the options lead to, under ``deadline``
    (``kw``: more QcloudClient arguments; its ``session`` also carries the STS and metadata calls)."""
    credentials = CredentialChain(params, deadline=deadline, session=kw.get("session")).resolve()
    return QcloudClient(
        credentials,
        region,
        api_version=params["api_version"],
        endpoint=params["api_endpoint"],
        validate_certs=params["validate_certs"],
        ca_bundle=params["ca_bundle"],
        timeout=params["api_timeout"],
        retries=params["api_retries"],
        service=service,
        deadline=deadline,
        **kw
    )


class QcloudModule:
    """An AnsibleModule with the shared options, and the ways a tencent.qcloud module fails."""

    # Every client a module makes comes from here (the unit tests put the in-process simulator behind it).
    client_factory = staticmethod(make_client)

    def __init__(self, argument_spec: Mapping[str, Any], **kwargs: Any) -> None:
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        if REQUESTS_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.context: Dict[str, Any] = {"timeout": self.params["api_timeout"]}
        # Set by vpc(wait_timeout=...): when waiting must stop.
        self.wait_deadline: Optional[float] = None

    # -- input ---------------------------------------------------------------------------------

    def check_id(self, option: str, prefix: str) -> None:
        self.check_value(option, self.params.get(option), prefix)

    def check_value(self, option: str, value: Optional[str], prefix: str) -> None:
        if value is not None and not re.fullmatch(_ID_PATTERN % prefix, value):
            self.module.fail_json(
                msg="%s must be %s- followed by 8 lowercase letters or digits, like %s-1a2b3c4d (got %s)."
                % (option, prefix, prefix, _show(value))
            )

    def check_positive(self, option: str) -> None:
        value = self.params.get(option)
        if value is not None and value <= 0:
            self.module.fail_json(msg="%s must be greater than 0 (got %s)." % (option, _show(value)))

    def _check_url(self, option: str, warn: bool) -> None:
        endpoint = self.params[option]
        if endpoint is None:
            return
        parsed = urlparse(endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or re.search(r"\s", endpoint):
            self.module.fail_json(msg="%s must be an http(s) URL such as https://vpc.tencentcloudapi.com (got %s)." % (option, _show(endpoint)))
        if warn and parsed.scheme == "http":
            self.module.warn(
                "%s %s uses plain http: requests and their signatures travel unencrypted; use https outside a test lab." % (option, endpoint)
            )

    def _check_connection(self) -> None:
        self._check_url("api_endpoint", warn=True)
        bundle = self.params["ca_bundle"]
        if bundle and self.params["validate_certs"]:
            if not os.path.isfile(bundle):
                self.module.fail_json(
                    msg="ca_bundle %s does not exist or is not a file: give the path of a PEM file of CA certificates, "
                    "or leave ca_bundle unset." % repr(bundle)
                )
            try:
                ssl.create_default_context(cafile=bundle)
            except (ssl.SSLError, ValueError, OSError, UnicodeDecodeError):
                self.module.fail_json(
                    msg="ca_bundle %s is not a PEM bundle of CA certificates: give a file of -----BEGIN CERTIFICATE----- "
                    "blocks, or leave ca_bundle unset." % repr(bundle)
                )
        self.check_positive("api_timeout")
        if self.params["api_retries"] < 0:
            self.module.fail_json(msg="api_retries must be 0 or more (got %s)." % _show(self.params["api_retries"]))

    # -- the client --------------------------------------------------------------------------

    def vpc(self, wait_timeout: Optional[float] = None) -> VpcApi:
        """Checks connection options, finds keys and region, and returns the VPC operations.

        With ``wait_timeout``, the run has one deadline, ``wait_deadline`` (now + wait_timeout):
        no poll, retry or busy wait starts after it, and the call in flight then ends within
        one api_timeout, so the module returns within wait_timeout + api_timeout.
        """
        if wait_timeout is not None:
            # on the clock of the clients this run makes (a test's factory brings its own)
            self.wait_deadline = getattr(type(self).client_factory, "monotonic", time.monotonic)() + wait_timeout
        self._check_connection()
        for option in ("sts_endpoint", "metadata_endpoint"):
            self._check_url(option, warn=False)
        if self.params["role_duration"] <= 0:
            self.module.fail_json(msg="role_duration must be greater than 0 (got %s)." % _show(self.params["role_duration"]))
        try:
            region = resolve_region(self.params)
            if not _REGION.fullmatch(region):
                self.module.fail_json(msg="region must look like ap-guangzhou (got %s)." % _show(region))
            client = type(self).client_factory(self.params, "vpc", region, deadline=self.wait_deadline)
        except QcloudError as err:
            self.module.fail_json(msg=err.msg)
        credentials = client.credentials
        # One limiter for the run, on the client's clock: its threads share Tencent's per-action limits.
        client.limiter = RateLimiter(RATE_LIMITS, monotonic=client.monotonic)
        self.context.update(
            region=region,
            endpoint=client.endpoint,
            secret_id=credentials.secret_id,
            credential_source=credentials.source,
        )
        self.credential_source = credentials.source
        return VpcApi(client, sleep=client.sleep, monotonic=client.monotonic)

    # -- failing -----------------------------------------------------------------------------

    def fail_api(self, err: QcloudError, **result: Any) -> NoReturn:
        """Fail for an API error (mapped sentence + ``error``) or another QcloudError (its own sentence)."""
        if isinstance(err, QcloudApiError):
            self.module.fail_json(msg=explain(err, self.context), error=err.to_result(), **result)
        self.module.fail_json(msg=err.msg, **result)

    def fail_decision(self, code: str, context: Optional[Mapping[str, Any]] = None, **result: Any) -> NoReturn:
        """Fail for a reason the module found itself (no API error), with the catalogue's sentence."""
        values = dict(self.context)
        values.update(context or {})
        self.module.fail_json(msg=sentence(code, values), **result)
