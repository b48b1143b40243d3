# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every tencent.qcloud module shares: connection options, input checks, its clients
(``QcloudModule.client``, made by ``client_factory``), and failures that carry a mapped sentence plus ``error: {code, message, request_id, action}``."""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Dict, Mapping, NoReturn, Optional

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.tencent.qcloud.plugins.module_utils._client import (
    REQUESTS_IMPORT_ERROR,
    QcloudClient,
    RateLimiter,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._connection import (
    API_RETRIES,
    API_TIMEOUT,
    ENV_OPTIONS,
    ROLE_DURATION,
    check_connection,
    open_client,
    option,
    show,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._credentials import CredentialChain, resolve_region
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    OPTION_ID,
    OPTION_POSITIVE,
    QcloudApiError,
    QcloudError,
    explain,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import RATE_LIMITS

# Mirrors plugins/doc_fragments/qcloud.py; sanity's validate-modules keeps the two equal. The options
# set once per environment (_connection.ENV_OPTIONS) fall back to their variable in QcloudModule.
CONNECTION_ARGUMENT_SPEC: Dict[str, Dict[str, Any]] = {
    "secret_id": {"type": "str", "no_log": False},
    "secret_key": {"type": "str", "no_log": True},
    "security_token": {"type": "str", "no_log": True},
    "region": {"type": "str"},
    "api_version": {"type": "str", "default": "3.0", "choices": ["3.0", "2.0"]},
    "api_endpoint": {"type": "str"},
    "ca_bundle": {"type": "path"},
    "validate_certs": {"type": "bool", "default": True},
    "api_timeout": {"type": "float", "default": API_TIMEOUT},
    "api_retries": {"type": "int", "default": API_RETRIES},
    "profile": {"type": "str"},
    "role_arn": {"type": "str"},
    "role_session_name": {"type": "str"},
    "role_duration": {"type": "int", "default": ROLE_DURATION},
    "sts_endpoint": {"type": "str"},
    "metadata_endpoint": {"type": "str"},
}

# Used with fullmatch: "^...$" with match would let a trailing newline through.
_ID_PATTERN = "%s-[0-9a-z]{8}"


class QcloudModule:
    """An AnsibleModule with the shared options, its clients, and the ways a tencent.qcloud module fails."""

    # How every client of a module is made: ``factory(params, service, region, deadline=None, **kw)``
    # (_connection.open_client's signature; tests put their own here). Read from the class, so a
    # plain function set here is called as it is.
    client_factory: Callable[..., QcloudClient] = open_client

    def __init__(self, argument_spec: Mapping[str, Any], **kwargs: Any) -> None:
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        for name in ENV_OPTIONS:  # an option set once per environment: else its variable
            self.params[name] = option(self.params, name)
        if REQUESTS_IMPORT_ERROR:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.context: Dict[str, Any] = {"timeout": self.params["api_timeout"]}
        # Set by client(wait_timeout=...): when waiting must stop.
        self.wait_deadline: Optional[float] = None
        self.credential_source: Optional[str] = None
        self._keys: Any = None  # found once per run, by the first client
        self._region: Optional[str] = None
        self._limiter: Optional[RateLimiter] = None

    # -- input ---------------------------------------------------------------------------------

    def check_id(self, option: str, prefix: str) -> None:
        self.check_value(option, self.params.get(option), prefix)

    def check_value(self, option: str, value: Optional[str], prefix: str) -> None:
        if value is not None and not re.fullmatch(_ID_PATTERN % prefix, value):
            self.fail_decision(OPTION_ID, {"option": option, "prefix": prefix, "value": show(value)})

    def check_positive(self, option: str) -> None:
        value = self.params.get(option)
        if value is not None and value <= 0:
            self.fail_decision(OPTION_POSITIVE, {"option": option, "value": show(value)})

    # -- the clients -------------------------------------------------------------------------

    def client(self, service: str, region: Optional[str] = None, wait_timeout: Optional[float] = None) -> QcloudClient:
        """A client of ``service`` (vpc, cvm, tag) in ``region`` (default: the run's), made by
        ``client_factory``. The first call checks the connection options, the region and the keys
        (failing the module with the catalogue's sentence); every client of the run shares the
        keys, the deadline and one RateLimiter.

        With ``wait_timeout`` (the first call's), the run has one deadline, ``wait_deadline``
        (now + wait_timeout): no poll, retry or busy wait starts after it, and the call in flight
        then ends within one api_timeout, so the module returns within wait_timeout + api_timeout.
        """
        factory = type(self).client_factory
        if self._keys is None:
            if wait_timeout is not None:
                # on the clock of the clients this run makes (a test's factory brings its own)
                self.wait_deadline = getattr(factory, "monotonic", time.monotonic)() + wait_timeout
            try:
                for warning in check_connection(self.params):
                    self.module.warn(warning)
                self._region = resolve_region(self.params)
                self._keys = CredentialChain(self.params, deadline=self.wait_deadline, factory=factory, session=getattr(factory, "session", None)).resolve()
            except QcloudError as err:
                self.module.fail_json(msg=err.msg)
            self.credential_source = self._keys.source
            self.context.update(region=self._region, secret_id=self._keys.secret_id, credential_source=self._keys.source)
        client = factory(self.params, service, region or self._region, self.wait_deadline, credentials=self._keys)
        if self._limiter is None:
            # One limiter for the run, on the client's clock: its threads share Tencent's per-action limits.
            self._limiter = RateLimiter(RATE_LIMITS, monotonic=client.monotonic)
        client.limiter = self._limiter
        if service == "vpc":
            self.context["endpoint"] = client.endpoint
        return client

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
