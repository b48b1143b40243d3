# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where keys and region come from, in the order Tencent's own tools look.

Keys: module options, the tccli profile named by the ``profile`` option, the environment,
a tccli profile named by the environment or ``default`` (``~/.tccli/<profile>.credential``,
which may name a CVM role or a role to assume), the SDK file ``~/.tencentcloud/credentials``
(then ``/etc/tencentcloud/credentials``), and the CVM instance role from the metadata service.
The first complete source wins and is named in the result, never the keys. With
``role_arn``, the keys found assume that role through STS ``AssumeRole``.

An option the user gives is never passed over: half a key pair, keys beside a profile, a
token or a session name that no source would use all fail before any call.

Temporary keys (CVM role, STS) come wrapped in a provider that fetches fresh ones before
they expire, so a long wait does not outlive them; the client asks for ``current()`` keys
on every request.
"""

from __future__ import annotations

import configparser
import json
import os
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._client import Credentials, requests
from ansible_collections.tencent.qcloud.plugins.module_utils._connection import (
    API_TIMEOUT,
    DEFAULT_METADATA_ENDPOINT,
    FALLBACK_REGION,
    ROLE_DURATION,
    check_regions,
    open_client,
    option,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    CREDENTIALS_ASSUME_FAILED,
    CREDENTIALS_ASSUME_NO_KEYS,
    CREDENTIALS_HALF_OPTIONS,
    CREDENTIALS_KEYS_AND_PROFILE,
    CREDENTIALS_METADATA_SILENT,
    CREDENTIALS_NO_PROFILE,
    CREDENTIALS_NO_REGION,
    CREDENTIALS_NO_ROLE,
    CREDENTIALS_NONE,
    CREDENTIALS_NOT_INI,
    CREDENTIALS_NOT_JSON,
    CREDENTIALS_ROLE_NO_KEYS,
    CREDENTIALS_UNREADABLE,
    CREDENTIALS_UNUSED,
    MODULE_ENV_HALF_KEYS,
    MODULE_TCCLI_LOGIN_EXPIRED,
    MODULE_TCCLI_LOGIN_UNREADABLE,
    QcloudApiError,
    QcloudError,
    explain,
    sentence,
)

ENV_SECRET_ID = "TENCENTCLOUD_SECRET_ID"
ENV_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY"
ENV_TOKENS = ("TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_TOKEN")
ENV_REGION = "TENCENTCLOUD_REGION"
ENV_PROFILES = ("TENCENTCLOUD_PROFILE", "TCCLI_PROFILE")
# tccli's own variables for a role to assume with the keys found (tccli's docs, "configure" page).
ENV_ROLE_ARN = "TENCENTCLOUD_ROLE_ARN"
ENV_ROLE_SESSION_NAME = "TENCENTCLOUD_ROLE_SESSION_NAME"
# tccli profiles of these types hold temporary keys that ``tccli <command> login`` renews.
TCCLI_LOGIN_TYPES = {"oauth": "tccli auth login", "sso": "tccli sso login"}
SDK_FILES = ("~/.tencentcloud/credentials", "/etc/tencentcloud/credentials")
METADATA_ROLE_PATH = "/latest/meta-data/cam/security-credentials/"


class RefreshingCredentials:
    """Temporary keys from ``fetch()``, fetched again shortly before they expire.

    Shared by the threads of a run: one lock, so that keys are fetched once when they expire.
    """

    def __init__(self, fetch: Callable[[], Tuple[Credentials, float]], source: str, clock: Callable[[], float] = time.time) -> None:
        self._fetch = fetch
        self.source = source
        self._clock = clock
        self._keys: Optional[Credentials] = None
        self._expires = 0.0
        self._lifetime = 0.0
        self._lock = threading.RLock()

    def refresh(self) -> Credentials:
        with self._lock:
            keys, expires = self._fetch()
            now = self._clock()
            self._keys, self._expires, self._lifetime = keys._replace(source=self.source), expires, max(0.0, expires - now)
            return self._keys

    def current(self) -> Credentials:
        with self._lock:
            # Renew when less than a fifth of the lifetime (at most 5 minutes) is left.
            margin = min(300.0, self._lifetime / 5)
            if self._keys is None or self._clock() >= self._expires - margin:
                return self.refresh()
            return self._keys

    @property
    def secret_id(self) -> str:
        return self.current().secret_id

    def __repr__(self) -> str:
        return "RefreshingCredentials(source=%r)" % self.source


# -- the sources --------------------------------------------------------------------------------


def _fail(code: str, **values: Any) -> QcloudError:
    """The catalogue's failure ``code``, its sentence filled in with ``values``."""
    return QcloudError(sentence(code, values), code)


def _read_json(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path) as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise _fail(CREDENTIALS_NOT_JSON, path=path, reason=type(exc).__name__) from None
    return data if isinstance(data, dict) else {}


def profile_name(params: Mapping[str, Any], environ: Mapping[str, str]) -> Tuple[str, bool]:
    """(name, explicit): from the ``profile`` option, then the environment, else ``default``."""
    if params.get("profile"):
        return str(params["profile"]), True
    for name in ENV_PROFILES:
        if environ.get(name):
            return environ[name], True
    return "default", False


def _tccli_path(name: str, suffix: str, environ: Mapping[str, str]) -> str:
    home = environ.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".tccli", "%s.%s" % (name, suffix))


def _expand(path: str, environ: Mapping[str, str]) -> str:
    if path.startswith("~/"):
        return os.path.join(environ.get("HOME") or os.path.expanduser("~"), path[2:])
    return path


class CredentialChain:
    """Finds keys; ``looked`` says where, for the error when none is found."""

    def __init__(
        self,
        params: Mapping[str, Any],
        environ: Optional[Mapping[str, str]] = None,
        session: Any = None,
        deadline: Optional[float] = None,
        factory: Callable[..., Any] = open_client,
    ) -> None:
        self.params = params
        self.environ = os.environ if environ is None else environ
        self.session = session
        self.deadline = deadline  # the run's deadline, for STS calls made while waiting
        # How the STS client is made: _connection.open_client's signature (a module's client_factory).
        self.factory = factory
        self.looked: List[str] = []
        self.assumed = False
        self.clock: Callable[[], float] = time.time

    # Each source returns credentials (or a provider), or None after noting why in ``looked``.

    def from_options(self) -> Any:
        sid, key = self.params.get("secret_id"), self.params.get("secret_key")
        if bool(sid) != bool(key):
            given, missing = ("secret_id", "secret_key") if sid else ("secret_key", "secret_id")
            raise _fail(CREDENTIALS_HALF_OPTIONS, given=given, missing=missing)
        if sid and self.params.get("profile"):
            raise _fail(CREDENTIALS_KEYS_AND_PROFILE, profile=self.params["profile"])
        if sid and key:
            return Credentials(str(sid), str(key), self.params.get("security_token") or None, "module options")
        self.looked.append("module options")
        return None

    def from_environment(self) -> Any:
        sid, key = self.environ.get(ENV_SECRET_ID), self.environ.get(ENV_SECRET_KEY)
        if sid and key:
            token = self.params.get("security_token") or next((self.environ[n] for n in ENV_TOKENS if self.environ.get(n)), None)
            return Credentials(sid, key, token, "environment (%s)" % ENV_SECRET_ID)
        if sid or key:
            # Half a pair is a mistake, not a miss: falling through might find another account's keys
            # (botocore's PartialCredentialsError does the same).
            given, missing = (ENV_SECRET_ID, ENV_SECRET_KEY) if sid else (ENV_SECRET_KEY, ENV_SECRET_ID)
            raise _fail(MODULE_ENV_HALF_KEYS, given=given, missing=missing)
        self.looked.append("environment (%s, %s)" % (ENV_SECRET_ID, ENV_SECRET_KEY))
        return None

    def from_tccli(self) -> Any:
        name, explicit = profile_name(self.params, self.environ)
        path = _tccli_path(name, "credential", self.environ)
        data = _read_json(path)
        if data is None:
            if explicit:
                raise _fail(CREDENTIALS_NO_PROFILE, profile=name, path=path)
            self.looked.append(path)
            return None
        source = "tccli profile %s (%s)" % (name, path)
        if data.get("type") == "cvm-role":
            return self.cvm_role(source + ", CVM role")
        if data.get("type") in TCCLI_LOGIN_TYPES:
            self.check_login(name, data)
        sid, key = data.get("secretId"), data.get("secretKey")
        if not (sid and key):
            self.looked.append("%s (no secretId/secretKey)" % path)
            return None
        keys = Credentials(str(sid), str(key), data.get("token") or None, source)
        if data.get("role-arn") and not self.role_arn():
            return self.assume_role(keys, str(data["role-arn"]), data.get("role-session-name"))
        return keys

    def check_login(self, name: str, data: Mapping[str, Any]) -> None:
        """Fail when an oauth or sso profile's keys have expired (tccli renews them only while it runs)."""
        # expiresAt is in seconds since the epoch: tccli's oauth.py and sso.py compare it with time.time().
        values = {"profile": name, "type": data["type"], "login": "%s --profile %s" % (TCCLI_LOGIN_TYPES[data["type"]], name)}
        try:
            expires = float(data.get("expiresAt"))
        except (TypeError, ValueError):
            raise _fail(MODULE_TCCLI_LOGIN_UNREADABLE, **values) from None
        if expires <= self.clock():
            values["when"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expires))
            raise _fail(MODULE_TCCLI_LOGIN_EXPIRED, **values)

    def from_sdk_file(self) -> Any:
        for candidate in SDK_FILES:
            path = _expand(candidate, self.environ)
            # No interpolation: a key may contain "%". Errors say where, never the line (it may hold a key).
            parser = configparser.ConfigParser(interpolation=None)
            try:
                with open(path, encoding="utf-8") as handle:
                    parser.read_file(handle, path)
            except FileNotFoundError:
                self.looked.append(path)
                continue
            except configparser.Error:
                raise _fail(CREDENTIALS_NOT_INI, path=path) from None
            except (OSError, UnicodeDecodeError) as exc:
                raise _fail(CREDENTIALS_UNREADABLE, path=path, reason=type(exc).__name__) from None
            section = parser["default"] if parser.has_section("default") else {}
            sid, key = section.get("secret_id"), section.get("secret_key")
            if sid and key:
                return Credentials(sid, key, section.get("token") or None, "SDK credentials file (%s)" % path)
            self.looked.append("%s (no [default] secret_id/secret_key)" % path)
        return None

    def from_cvm_role(self) -> Any:
        return self.cvm_role("CVM role", quiet=True)

    # -- temporary keys -----------------------------------------------------------------------

    def _metadata_get(self, path: str) -> Any:
        base = (option(self.params, "metadata_endpoint", self.environ) or DEFAULT_METADATA_ENDPOINT).rstrip("/")
        verify: Any = (option(self.params, "ca_bundle", self.environ) or True) if self.params.get("validate_certs", True) else False
        return (self.session or requests).get(base + path, timeout=min(5.0, float(self.params.get("api_timeout") or API_TIMEOUT)), verify=verify)

    def cvm_role(self, source: str, quiet: bool = False) -> Any:
        base = (option(self.params, "metadata_endpoint", self.environ) or DEFAULT_METADATA_ENDPOINT).rstrip("/")
        try:
            answer = self._metadata_get(METADATA_ROLE_PATH)
        except Exception as exc:  # requests' errors: not on a CVM, or the address is wrong
            if quiet:
                self.looked.append("CVM metadata service %s (no answer: %s)" % (base, type(exc).__name__))
                return None
            raise _fail(CREDENTIALS_METADATA_SILENT, endpoint=base, reason=type(exc).__name__)
        role = answer.text.strip() if answer.status_code == 200 else ""
        if not role:
            if quiet:
                self.looked.append("CVM metadata service %s (no role bound)" % base)
                return None
            raise _fail(CREDENTIALS_NO_ROLE, endpoint=base)

        def fetch() -> Tuple[Credentials, float]:
            # A renewal may come mid-run: any failure here is the metadata service's, said as such.
            try:
                reply = self._metadata_get(METADATA_ROLE_PATH + role)
                data = reply.json() if reply.status_code == 200 else {}
            except Exception:  # requests' errors, or an answer that is not JSON
                data = {}
            if not isinstance(data, dict) or data.get("Code", "Success") != "Success" or not (data.get("TmpSecretId") and data.get("TmpSecretKey")):
                raise _fail(CREDENTIALS_ROLE_NO_KEYS, endpoint=base, role=role)
            keys = Credentials(data["TmpSecretId"], data["TmpSecretKey"], data.get("Token"), source)
            return keys, float(data.get("ExpiredTime") or 0) or time.time() + 600

        provider = RefreshingCredentials(fetch, "%s %s (%s)" % (source, role, base))
        provider.refresh()
        return provider

    def assume_role(self, keys: Any, role_arn: str, session_name: Optional[str] = None) -> Any:
        params = self.params
        duration = int(params.get("role_duration") or ROLE_DURATION)
        # The option the user gave wins over a profile's role-session-name.
        name = params.get("role_session_name") or self.environ.get(ENV_ROLE_SESSION_NAME) or session_name or "ansible-tencent-qcloud"
        # STS answers in every region; the modules check the region themselves
        region = resolve_region(params, self.environ, fallback=FALLBACK_REGION)
        given = {"session": self.session} if self.session is not None else {}  # else the factory's own
        client = self.factory(params, "sts", region, self.deadline, credentials=keys, environ=self.environ, **given)
        self.assumed = True

        def fetch() -> Tuple[Credentials, float]:
            try:
                data = client.call("AssumeRole", {"RoleArn": role_arn, "RoleSessionName": name, "DurationSeconds": duration}).data
            except QcloudApiError as err:
                context = {"role_arn": role_arn, "credential_source": keys.source, "endpoint": client.endpoint,
                           "endpoint_option": "sts_endpoint"}
                failure = {"role_arn": role_arn, "credential_source": keys.source, "cause": explain(err, context)}
                raise QcloudError(sentence(CREDENTIALS_ASSUME_FAILED, failure), err.code)
            tmp = data.get("Credentials") or {}
            if not (tmp.get("TmpSecretId") and tmp.get("TmpSecretKey")):
                raise _fail(CREDENTIALS_ASSUME_NO_KEYS, role_arn=role_arn, credential_source=keys.source)
            minted = Credentials(tmp["TmpSecretId"], tmp["TmpSecretKey"], tmp.get("Token"), "")
            return minted, float(data.get("ExpiredTime") or 0) or time.time() + duration

        provider = RefreshingCredentials(fetch, "STS AssumeRole %s with keys from %s" % (role_arn, keys.source))
        provider.refresh()
        return provider

    # -- the chain ----------------------------------------------------------------------------

    def role_arn(self) -> Optional[str]:
        """The role to assume with the keys found: the option, else tccli's TENCENTCLOUD_ROLE_ARN."""
        return self.params.get("role_arn") or self.environ.get(ENV_ROLE_ARN) or None

    def check_all_used(self, found: Any) -> None:
        """Fail when an option the user gave had no part in the keys ``found`` (before any role_arn)."""
        if self.params.get("security_token") and not found.source.startswith(("module options", "environment")):
            raise _unused("security_token", found.source)
        if self.params.get("role_session_name") and not (self.assumed or self.role_arn()):
            raise _unused("role_session_name", found.source)

    def sources(self) -> List[Callable[[], Any]]:
        """The sources in order: a ``profile`` option outranks the environment's keys, as
        ``--profile`` does for tccli and the AWS CLI; a profile named by the environment does not."""
        if self.params.get("profile"):
            return [self.from_options, self.from_tccli, self.from_environment, self.from_sdk_file, self.from_cvm_role]
        return [self.from_options, self.from_environment, self.from_tccli, self.from_sdk_file, self.from_cvm_role]

    def resolve(self) -> Any:
        for source in self.sources():
            keys = source()
            if keys is not None:
                self.check_all_used(keys)
                role_arn = self.role_arn()
                if role_arn:
                    return self.assume_role(keys, role_arn)
                return keys
        raise _fail(CREDENTIALS_NONE, looked="; ".join(self.looked))


def _unused(name: str, source: str) -> QcloudError:
    return _fail(CREDENTIALS_UNUSED, option=name, credential_source=source)


def resolve_region(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None, fallback: Optional[str] = None) -> str:
    """The region from the option, the environment, or the tccli profile's ``.configure``; else
    ``fallback``, or QcloudError when there is none. A region found is checked (check_regions)."""
    environ = os.environ if environ is None else environ
    region = _find_region(params, environ)
    if region is None and fallback is None:
        raise _fail(CREDENTIALS_NO_REGION, path=_tccli_path(profile_name(params, environ)[0], "configure", environ))
    return check_regions("region", [region])[0] if region is not None else str(fallback)


def _find_region(params: Mapping[str, Any], environ: Mapping[str, str]) -> Optional[str]:
    region = params.get("region") or environ.get(ENV_REGION)
    if region:
        return str(region)
    name, dummy = profile_name(params, environ)
    data = _read_json(_tccli_path(name, "configure", environ)) or {}
    region = (data.get("_sys_param") or {}).get("region")
    return str(region) if region else None
