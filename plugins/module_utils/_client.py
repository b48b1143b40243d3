# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One signed request to a Tencent Cloud API, with the collection's one retry policy.

API 3.0 sends JSON to ``POST /`` signed with TC3-HMAC-SHA256; API 2.0 sends a form to
``POST /v2/index.php`` signed with HmacSHA256. Both envelopes are parsed here and every
failure becomes a :class:`QcloudApiError`. Throttling, busy codes, 5xx answers,
unreadable answers and network errors are retried with capped, jittered exponential
backoff inside one deadline; quota, auth and validation errors never are. Answers that
mean "another task holds this resource" are waited out, with the same backoff, until the
run's deadline, whatever ``api_retries`` says. Callers make writes safe to retry by
putting one ``ClientToken`` in ``params`` per logical write: the same params (and so the
same token) go out on every attempt.

The client may carry the run's deadline (``deadline``, a ``monotonic()`` time): no retry
starts after it, and an attempt in flight ends within one ``timeout`` of it.

Every attempt first takes a token from the run's :class:`RateLimiter` (one bucket per action,
shared by the run's threads), so a run that writes many ENIs at once stays under Tencent's
per-action limits instead of being throttled and retried. Threads each use their own client
(:meth:`QcloudClient.clone`): ``requests.Session`` is not guaranteed to be thread-safe.
"""

from __future__ import annotations

import copy
import json
import random
import re
import socket
import ssl
import threading
import time
import traceback
from typing import Any, Callable, Dict, Mapping, NamedTuple, Optional, Tuple
from urllib.parse import urlparse

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    CLIENT_BAD_REQUEST,
    CLIENT_BAD_RESPONSE,
    CLIENT_CA_BUNDLE,
    CLIENT_HTTP,
    CLIENT_HTTP_RETRY,
    CLIENT_NETWORK,
    CLIENT_NOT_TLS,
    CLIENT_PLAIN_HTTP,
    CLIENT_TIMEOUT,
    CLIENT_TLS,
    QcloudApiError,
    entry_for,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._signing import (
    tc3_authorization,
    v2_signature,
    v2_string_to_sign,
)

REQUESTS_IMPORT_ERROR: Optional[str]
try:
    import requests
except ImportError:  # pragma: no cover - reported by the module with missing_required_lib
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

COLLECTION_VERSION = "0.2.0"
USER_AGENT = "ansible-collection-tencent-qcloud/%s" % COLLECTION_VERSION

DEFAULT_ENDPOINTS = {
    "3.0": "https://vpc.tencentcloudapi.com",
    "2.0": "https://vpc.api.qcloud.com",
}
# API 3.0 services other than vpc answer at their own host.
SERVICE_ENDPOINT = "https://%s.tencentcloudapi.com"
V2_PATH = "/v2/index.php"
VPC_VERSION_V3 = "2017-03-12"

# Answers that mean "the temporary keys are no longer valid".
TOKEN_EXPIRED_CODES = frozenset(("AuthFailure.TokenFailure", "4105"))

# The defaults of api_timeout and api_retries (_connection and the modules' options take them from here).
API_TIMEOUT = 30.0
API_RETRIES = 5
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
# Waiting out a busy resource: tasks take seconds, so look again at least this often.
BUSY_CAP = 4.0


class Credentials(NamedTuple):
    secret_id: str
    secret_key: str
    token: Optional[str]
    source: str

    def __repr__(self) -> str:  # never let a key reach a traceback or a log line
        return "Credentials(secret_id=%r, source=%r)" % (self.secret_id, self.source)

    def current(self) -> "Credentials":
        """Permanent keys are always current (providers of temporary keys renew theirs)."""
        return self


class ApiResult(NamedTuple):
    data: Dict[str, Any]
    request_id: Optional[str]


class RateLimiter:
    """Token buckets, one per action, shared by every thread (and client) of one run.

    Tencent counts requests per account and action in a sliding one-second window. A bucket that
    refills at ``REFILL`` of the rate per second and holds at most ``BURST`` of it (at least one)
    lets no one-second window see more than ``REFILL + BURST`` (90%) of the rate, whatever the
    threads do; the rest is room for requests that the network or a busy CPU bunches up on the
    way. Actions without a rate are not limited. Requests wait in the order they asked (a
    reservation may leave the bucket below zero: the next one waits longer).
    """

    REFILL = 0.85
    BURST = 0.05

    def __init__(self, rates: Mapping[str, float], monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self._lock = threading.Lock()
        # action: [refill per second, capacity, tokens, when last refilled]
        self._buckets: Dict[str, list] = {}
        for action, rate in rates.items():
            capacity = max(1.0, float(rate) * self.BURST)
            self._buckets[action] = [float(rate) * self.REFILL, capacity, capacity, None]

    def reserve(self, action: str) -> float:
        """Take one request of ``action``: the seconds to wait before sending it (0.0: at once)."""
        bucket = self._buckets.get(action)
        if bucket is None:
            return 0.0
        with self._lock:
            refill, capacity, tokens, last = bucket
            now = self.monotonic()
            if last is not None:
                tokens = min(capacity, tokens + (now - last) * refill)
            tokens -= 1.0
            bucket[2], bucket[3] = tokens, now
            return 0.0 if tokens >= 0 else -tokens / refill


def backoff_delay(attempt: int, rng: Callable[[], float] = random.random, cap: float = BACKOFF_CAP) -> float:
    """Equal-jitter exponential backoff: half the step for sure, half at random, capped."""
    step = min(cap, BACKOFF_BASE * (2 ** attempt))
    return step / 2 + rng() * step / 2


def service_endpoint(url: Optional[str], service: str) -> Optional[str]:
    """The base URL of an API 3.0 ``service`` beside the endpoint ``url`` of another one. In a Tencent
    API 3.0 host the service is the first label (``vpc.ap-guangzhou.tencentcloudapi.com`` gives
    ``cvm.ap-guangzhou.tencentcloudapi.com``); Tencent's API 2.0 host, or none, gives None (the
    service's own default host); any other endpoint (a simulator, a proxy) is taken to serve every
    service as it is, without API 2.0's path."""
    if not url:
        return None
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if host.endswith(".tencentcloudapi.com"):
        labels = host.split(".")
        if len(labels) < 3:
            return None
        netloc = parsed.netloc.replace(host, ".".join([service] + labels[1:]), 1)
        return "%s://%s%s" % (parsed.scheme, netloc, parsed.path)
    if host.endswith(".qcloud.com"):
        return None
    path = parsed.path
    if path.endswith(".php"):  # API 2.0's /v2/index.php: the services of API 3.0 answer at its root
        path = path[:-len(V2_PATH)] if path.endswith(V2_PATH) else ""
    return "%s://%s%s" % (parsed.scheme, parsed.netloc, path)


def endpoint_url(api_version: str, endpoint: Optional[str]) -> str:
    base = (endpoint or DEFAULT_ENDPOINTS[api_version]).rstrip("/")
    if api_version == "2.0" and not base.endswith(".php"):
        return base + V2_PATH
    return base + ("/" if api_version == "3.0" and not urlparse(base).path else "")


def flatten_v2(params: Mapping[str, Any]) -> Dict[str, str]:
    """API 2.0 form parameters: lists become ``name.0``, ``name.1`` …, booleans 0/1."""
    flat: Dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                flat["%s.%d" % (key, index)] = str(item)
        elif isinstance(value, bool):
            flat[key] = "1" if value else "0"
        else:
            flat[key] = str(value)
    return flat


_TLS_REASON = re.compile(r"certificate verify failed: ([^(')\]]+)")
# OpenSSL's words for a CA file that holds no PEM certificate.
_NOT_PEM = ("NO_CERTIFICATE_OR_CRL_FOUND", "no certificate or crl found", "PEM lib", "PEM routines")
# What a TLS client reads when the server answers in plain HTTP.
_PLAIN_ANSWER = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "http request")
# nginx and others answer a plain request on a TLS port with a 400 page that says so.
_PLAIN_REFUSED = (b"plain HTTP request was sent to HTTPS port", b"speak plain HTTP to an SSL-enabled")


def speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether host:port completes a TLS handshake (no certificate check: only the protocol)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host):
                return True
    except (OSError, ValueError):
        return False


def _transport_error(exc: Exception, action: str, region: str) -> QcloudApiError:
    text = str(exc)
    if requests is not None and isinstance(exc, requests.exceptions.SSLError):
        if any(word in text for word in _NOT_PEM):
            return QcloudApiError(CLIENT_CA_BUNDLE, "no PEM certificate could be read from it", action, processed=False, region=region)
        if any(word in text for word in _PLAIN_ANSWER):
            return QcloudApiError(CLIENT_NOT_TLS, "it answered the TLS handshake in plain text", action, processed=False, region=region)
        match = _TLS_REASON.search(text)
        reason = match.group(1).strip() if match else "TLS handshake failed"
        return QcloudApiError(CLIENT_TLS, reason, action, processed=False, region=region)
    if requests is not None and isinstance(
        exc, (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)
    ):
        # Raised while building the request: nothing was sent, and a retry would fail the same way.
        return QcloudApiError(CLIENT_BAD_REQUEST, type(exc).__name__, action, processed=False, region=region)
    if requests is not None and isinstance(exc, requests.exceptions.Timeout):
        connect = isinstance(exc, requests.exceptions.ConnectTimeout)
        return QcloudApiError(CLIENT_TIMEOUT, "no answer in time", action, processed=False if connect else None, region=region)
    if "RemoteDisconnected" in text or "ConnectionResetError" in text or "reset by peer" in text:
        reason = "the connection was closed before an answer"
    elif "NewConnectionError" in text or "Connection refused" in text:
        reason = "connection refused"
    elif "NameResolutionError" in text or "Name or service not known" in text:
        reason = "the host name could not be resolved"
    else:
        reason = type(exc).__name__
    refused = reason in ("connection refused", "the host name could not be resolved")
    return QcloudApiError(CLIENT_NETWORK, reason, action, processed=False if refused else None, region=region)


class QcloudClient:
    """Calls one Tencent Cloud service (``vpc`` by default) in API 3.0 or 2.0."""

    def __init__(
        self,
        credentials: Any,
        region: str,
        api_version: str = "3.0",
        endpoint: Optional[str] = None,
        validate_certs: bool = True,
        ca_bundle: Optional[str] = None,
        timeout: float = API_TIMEOUT,
        retries: int = API_RETRIES,
        service: str = "vpc",
        version: str = VPC_VERSION_V3,
        deadline: Optional[float] = None,
        session: Any = None,
        limiter: Optional[RateLimiter] = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.credentials = credentials
        self.region = region
        self.api_version = api_version
        self.url = endpoint_url(api_version, endpoint)
        parsed = urlparse(self.url)
        self.host = parsed.netloc
        self.path = parsed.path or "/"
        self.endpoint = "%s://%s" % (parsed.scheme, parsed.netloc)
        self.verify: Any = (ca_bundle or True) if validate_certs else False
        self.timeout = timeout
        self.retries = retries
        self.service = service
        self.version = version
        self.deadline = deadline
        # A session given by the caller (a test double) is shared by clones; else each has its own.
        self._given_session = session is not None
        self.session = session if session is not None else requests.Session()
        self.limiter = limiter
        self.sleep = sleep
        self.clock = clock
        self.monotonic = monotonic
        self.rng = rng
        self.requests_sent = 0
        self.retries_made = 0

    def _wait_for_token(self, action: str, end_by: float) -> None:
        if self.limiter is None:
            return
        delay = self.limiter.reserve(action)
        if delay > 0:
            self.sleep(min(delay, max(0.0, end_by - self.monotonic())))

    def __repr__(self) -> str:  # the keys stay out of tracebacks and logs
        return "QcloudClient(endpoint=%r, service=%r, api_version=%r, region=%r)" % (
            self.endpoint,
            self.service,
            self.api_version,
            self.region,
        )

    # -- one attempt -------------------------------------------------------------------------

    def _send_v3(self, action: str, params: Mapping[str, Any], timeout: float) -> Any:
        keys = self.credentials.current()
        payload = json.dumps(params, separators=(",", ":")).encode("utf-8")
        timestamp = int(self.clock())
        content_type = "application/json"
        headers = {
            "Content-Type": content_type,
            "Host": self.host,
            "X-TC-Action": action,
            "X-TC-Version": self.version,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.region,
            "X-TC-Language": "en-US",
            "User-Agent": USER_AGENT,
            "Authorization": tc3_authorization(
                keys.secret_id,
                keys.secret_key,
                self.service,
                self.host,
                timestamp,
                payload,
                content_type,
            ),
        }
        if keys.token:
            headers["X-TC-Token"] = keys.token
        return self.session.post(self.url, data=payload, headers=headers, timeout=timeout, verify=self.verify)

    def _send_v2(self, action: str, params: Mapping[str, Any], timeout: float) -> Any:
        keys = self.credentials.current()
        form = flatten_v2(params)
        form.update(
            {
                "Action": action,
                "Region": self.region,
                "Timestamp": str(int(self.clock())),
                "Nonce": str(int(self.rng() * 2 ** 31) + 1),
                "SecretId": keys.secret_id,
                "SignatureMethod": "HmacSHA256",
            }
        )
        if keys.token:
            form["Token"] = keys.token
        string_to_sign = v2_string_to_sign("POST", self.host, self.path, form)
        form["Signature"] = v2_signature(keys.secret_key, string_to_sign, "HmacSHA256")
        headers = {"Host": self.host, "User-Agent": USER_AGENT}
        return self.session.post(self.url, data=form, headers=headers, timeout=timeout, verify=self.verify)

    # -- envelopes ---------------------------------------------------------------------------

    def _parse(self, action: str, response: Any) -> ApiResult:
        status = response.status_code
        if status == 400 and self.endpoint.startswith("http://") and any(w in (response.content or b"") for w in _PLAIN_REFUSED):
            raise QcloudApiError(CLIENT_PLAIN_HTTP, "HTTP 400", action, http_status=status, processed=False, region=self.region)
        if status != 200:
            transient = status >= 500 or status == 429
            code = CLIENT_HTTP_RETRY if transient else CLIENT_HTTP
            raise QcloudApiError(code, str(status), action, http_status=status, processed=None if status >= 500 else False,
                                 region=self.region)
        try:
            body = json.loads(response.content.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise QcloudApiError(CLIENT_BAD_RESPONSE, "the body is not JSON", action, region=self.region)
        if not isinstance(body, dict):
            raise QcloudApiError(CLIENT_BAD_RESPONSE, "the body is not a JSON object", action, region=self.region)
        return self._parse_v3(action, body) if self.api_version == "3.0" else self._parse_v2(action, body)

    def _parse_v3(self, action: str, body: Dict[str, Any]) -> ApiResult:
        inner = body.get("Response")
        if not isinstance(inner, dict):
            raise QcloudApiError(CLIENT_BAD_RESPONSE, "no Response object", action, region=self.region)
        request_id = inner.get("RequestId")
        error = inner.get("Error")
        if error:
            raise QcloudApiError(
                str(error.get("Code") or "InternalError"),
                str(error.get("Message") or ""),
                action,
                request_id=request_id,
                processed=False,
                region=self.region,
            )
        return ApiResult(inner, request_id)

    def _parse_v2(self, action: str, body: Dict[str, Any]) -> ApiResult:
        if "code" not in body:
            raise QcloudApiError(CLIENT_BAD_RESPONSE, "no code field", action, region=self.region)
        request_id = body.get("requestId") or body.get("RequestId")
        try:
            number = int(body["code"])
        except (TypeError, ValueError):
            raise QcloudApiError(CLIENT_BAD_RESPONSE, "code %r is not a number" % (body["code"],), action, region=self.region)
        if number == 0:
            return ApiResult(body, request_id)
        # The error is its codeDesc (the numeric code when there is none); the numeric code
        # stays beside it for the catalogue's fallback.
        code_desc = str(body.get("codeDesc") or "")
        message = str(body.get("message") or "")
        raise QcloudApiError(code_desc or str(number), message, action, request_id=request_id, processed=False,
                             number=str(number), region=self.region)

    # -- the retry loop ----------------------------------------------------------------------

    def _window(self, deadline: Optional[float]) -> Tuple[float, float]:
        """(the last moment an attempt may start, the moment every attempt must have ended)."""
        if deadline is None and self.deadline is None:
            # Every attempt its full timeout, plus the backoff between them.
            end = self.monotonic() + (self.retries + 1) * self.timeout + self.retries * BACKOFF_CAP
            return end, end
        if self.deadline is None:
            return deadline, deadline
        if deadline is None:
            return self.deadline, self.deadline + self.timeout
        return min(deadline, self.deadline), min(deadline, self.deadline + self.timeout)

    def _plain_http_to_tls(self, err: QcloudApiError) -> bool:
        """An http:// endpoint that closed the connection unanswered, and that speaks TLS."""
        if err.code != CLIENT_NETWORK or not self.endpoint.startswith("http://") or err.message == "connection refused":
            return False
        parsed = urlparse(self.url)
        return speaks_tls(parsed.hostname or "", parsed.port or 80, min(self.timeout, 3.0))

    def call(
        self,
        action: str,
        params: Optional[Mapping[str, Any]] = None,
        deadline: Optional[float] = None,
        still_busy: Optional[Callable[[QcloudApiError], bool]] = None,
    ) -> ApiResult:
        """Send ``action`` until it succeeds, fails for good, or retries or deadline run out.

        ``deadline`` is a ``monotonic()`` time by which the call ends; by default the run's
        (no retry starts after it, the last attempt ends within one ``timeout``), else one
        that allows every attempt its full ``timeout`` plus the backoff between them. Busy
        answers are waited out until then; other transient failures are retried at most
        ``retries`` times.

        ``still_busy(error)`` decides about an answer that may mean "busy" or a lasting refusal
        (the catalogue's ``maybe_busy``, such as UnsupportedOperation.InvalidState): True (it
        looked again, and something still runs) waits it out as a busy answer, with the same
        params (and so the same ClientToken); False raises it. Without it, such an answer is
        raised. A busy answer raised at the deadline has ``busy_wait`` set.
        """
        params = dict(params or {})
        start_by, end_by = self._window(deadline)
        send = self._send_v3 if self.api_version == "3.0" else self._send_v2
        attempt = 0
        busy_waits = 0
        renewed = False
        lost_answer = False
        while True:
            self._wait_for_token(action, end_by)
            remaining = end_by - self.monotonic()
            try:
                if remaining <= 0:
                    raise QcloudApiError(CLIENT_TIMEOUT, "the deadline passed before an answer", action, processed=False, region=self.region)
                self.requests_sent += 1
                try:
                    response = send(action, params, min(self.timeout, remaining))
                except Exception as exc:  # requests' own exceptions, mapped below
                    if requests is None or not isinstance(exc, requests.exceptions.RequestException):
                        raise
                    raise _transport_error(exc, action, self.region)
                return self._parse(action, response)
            except QcloudApiError as err:
                err.after_lost_answer = lost_answer
                lost_answer = lost_answer or err.processed is None
                if err.code in TOKEN_EXPIRED_CODES and not renewed and hasattr(self.credentials, "refresh"):
                    # Temporary keys expired early (clock skew, revocation): renew once, at once.
                    renewed = True
                    self.credentials.refresh()
                    continue
                if attempt == 0 and busy_waits == 0 and self._plain_http_to_tls(err):
                    raise QcloudApiError(CLIENT_PLAIN_HTTP, err.message, action, processed=False, region=self.region)
                entry = entry_for(err)
                busy = entry.busy or (entry.maybe_busy and still_busy is not None and self._still_busy(still_busy, err))
                if busy:
                    delay = backoff_delay(busy_waits, self.rng, BUSY_CAP)
                    give_up = False
                else:
                    delay = backoff_delay(attempt, self.rng)
                    give_up = not entry.retry or attempt >= self.retries
                if give_up or self.monotonic() + delay >= start_by:
                    err.busy_wait = busy and not entry.busy
                    raise
                if busy:
                    busy_waits += 1
                else:
                    attempt += 1
                self.retries_made += 1
                self.sleep(delay)

    @staticmethod
    def _still_busy(still_busy: Callable[[QcloudApiError], bool], err: QcloudApiError) -> bool:
        """The caller's look at whether a maybe-busy answer is busy; a look that fails cannot tell,
        so the answer is waited out (until the deadline, whose sentence quotes Tencent's message)."""
        try:
            return bool(still_busy(err))
        except QcloudApiError:
            return True

    # -- other regions and services -----------------------------------------------------------

    def clone(
        self,
        region: Optional[str] = None,
        service: Optional[str] = None,
        version: Optional[str] = None,
        endpoint: Optional[str] = None,
        session: Any = None,
    ) -> "QcloudClient":
        """This client's keys, TLS settings, timeout, retry policy, deadline and limiter, for another
        thread of the run, another region or another API 3.0 service, with a session and counters
        of its own (a session must not be shared by threads). A session handed to the original
        client (a test's fake) is kept unless another is given.

        ``endpoint`` defaults to the service's own host (``https://<service>.tencentcloudapi.com``)
        when the service changes, else to this client's endpoint."""
        other = copy.copy(self)
        if region is not None:
            other.region = region
        if service is not None and service != self.service:
            other.service, other.api_version = service, "3.0"
            endpoint = endpoint or SERVICE_ENDPOINT % service
        if version is not None:
            other.version = version
        if endpoint is not None:
            other.url = endpoint_url(other.api_version, endpoint)
            parsed = urlparse(other.url)
            other.host, other.path = parsed.netloc, parsed.path or "/"
            other.endpoint = "%s://%s" % (parsed.scheme, parsed.netloc)
        if session is not None:
            other.session = session
        elif not self._given_session:
            other.session = requests.Session()
        other.requests_sent = other.retries_made = 0
        return other
