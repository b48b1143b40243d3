"""API 3.0 front end: POST / (TC3-HMAC-SHA256, JSON) and the HmacSHA1/HmacSHA256 form (GET/POST).

Every service answers on this one port. A TC3 request goes to the service its credential scope
names (``Credential=<id>/<date>/<service>/tc3_request``) at the ``X-TC-Version`` it asks for; a
form request, which has no scope, to the service of that ``Version`` that offers the action. Each
service is a module of its own with ``SERVICE``, ``VERSION``, ``ACTIONS`` (action -> parameter
names), ``HANDLERS`` (action -> handler(sim, call, request_id) -> (body, log fields)) and
``REGIONAL`` (whether it answers only in the world's regions).
"""
import hashlib
import json
from urllib.parse import parse_qsl

from . import cvm, signing, sts, tag, vpc
from .common import Call, HttpResponse, authenticate, unflatten
from .errors import SimError, documented, v3_code

SERVICES = (vpc, sts, tag, cvm)
FORM_COMMON = {"Action", "Version", "Region", "Nonce", "Timestamp", "SecretId", "Signature",
               "SignatureMethod", "Token", "Language", "RequestClient"}


def service_for(scope_service, version, action):
    """The service module that serves this call, or None.

    ``scope_service`` is None for a form request (no credential scope)."""
    for service in SERVICES:
        if scope_service is not None and service.SERVICE != scope_service:
            continue
        if service.VERSION == version and (scope_service is not None or action in service.ACTIONS):
            return service
    return None


def offered_by_any(action):
    return any(action in service.ACTIONS for service in SERVICES)


def versions_of(action):
    return {service.VERSION for service in SERVICES if action in service.ACTIONS}


def response(obj):
    """3.0 responses: always HTTP 200, Content-Type exactly application/json."""
    return HttpResponse(200, json.dumps({"Response": obj}, ensure_ascii=False).encode("utf-8"),
                        "application/json")


def error_response(code, message, request_id):
    return response({"Error": {"Code": code, "Message": message}, "RequestId": request_id})


def error_answer(sim, action, code, message, request_id, log):
    """The one way an API 3.0 error leaves: a code ``action`` does not document (its list in
    documented_errors.json, or the common codes) is noted and logged, and in strict mode
    (``strict_codes``, the default) answered as InternalError instead."""
    if not documented(action, code):
        sim.note_undocumented(action, code)
        log["undocumented"] = code
        if sim.config.get("strict_codes", True):
            message = "qcloud_sim answered %s, which Tencent does not document for %s." % (code, action)
            code = "InternalError"
    log["outcome"] = code
    return error_response(code, message, request_id)


# ---- parsing ---------------------------------------------------------------------------
def parse(req):
    call = Call("3.0", req.method)
    auth = req.header("Authorization")
    if auth and auth.startswith(signing.TC3_ALGORITHM):
        _parse_tc3(req, call, auth)
    else:
        _parse_form(req, call)
    return call


def _parse_tc3(req, call, auth):
    call.signature_method = signing.TC3_ALGORITHM
    call.action = req.header("X-TC-Action")
    call.region = req.header("X-TC-Region")
    call.version = req.header("X-TC-Version")
    call.timestamp = req.header("X-TC-Timestamp")
    call.token = req.header("X-TC-Token")
    parsed = signing.parse_tc3_authorization(auth)
    if parsed is None:
        call.pre_auth_error = SimError("signature", "The Authorization header is malformed.")
        return
    call.secret_id = parsed["secret_id"]
    call.scope_service = parsed["service"]
    call.signature = parsed["signature"]
    content_type = req.header("Content-Type", "")
    if req.method == "GET":
        query, payload = req.query, b""
    else:
        query, payload = "", req.body
    if req.header("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD":
        payload = b"UNSIGNED-PAYLOAD"
    signed = [h.strip().lower() for h in parsed["signed_headers"].split(";") if h.strip()]

    def canonical(lower_values):
        lines = []
        for name in signed:
            v = req.header(name, "")
            if lower_values:
                v = v.strip().lower()
            lines.append("%s:%s\n" % (name, v))
        return "\n".join([req.method, req.path, query, "".join(lines), ";".join(signed),
                          hashlib.sha256(payload).hexdigest()])

    def verify(secret_key):
        if "content-type" not in signed or "host" not in signed:
            return False
        # the scope names a service of this port that offers the action; a request signed for
        # one service with an action of another was meant for another host: its signature fails
        service = parsed["service"]
        if not any(s.SERVICE == service for s in SERVICES):
            return False
        if offered_by_any(call.action) and not any(
                s.SERVICE == service and call.action in s.ACTIONS for s in SERVICES):
            return False
        try:
            if parsed["date"] != signing.tc3_date(int(call.timestamp)):
                return False
        except (TypeError, ValueError):
            return False
        for lower in (False, True):
            sig = signing.tc3_signature(secret_key, call.timestamp, service, canonical(lower))
            if signing.constant_time_equal(sig, parsed["signature"]):
                return True
        return False

    call.verify = verify
    # the action parameters
    try:
        if req.method == "GET":
            call.params = unflatten(dict(parse_qsl(req.query, keep_blank_values=True)))
        elif content_type.lower().startswith("application/x-www-form-urlencoded"):
            call.params = unflatten(dict(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True)))
        else:
            body = req.body.decode("utf-8") if req.body else "{}"
            call.params = json.loads(body) if body.strip() else {}
            if not isinstance(call.params, dict):
                raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError):
        call.params = {}
        call.parse_error = SimError("invalid_parameter", "The request body is not a valid JSON object.")


def _parse_form(req, call):
    try:
        flat = dict(parse_qsl(req.query, keep_blank_values=True))
        if req.method == "POST" and req.body:
            flat.update(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        flat = {}
    call.action = flat.get("Action")
    call.region = flat.get("Region")
    call.version = flat.get("Version")
    call.timestamp = flat.get("Timestamp")
    call.token = flat.get("Token")
    call.secret_id = flat.get("SecretId")
    call.signature = flat.get("Signature")
    call.signature_method = flat.get("SignatureMethod") or "HmacSHA1"
    if not call.signature:
        call.pre_auth_error = SimError("signature", "The request carries neither an Authorization "
                                                    "header nor a Signature.")
    host = req.header("Host", "")
    sts = signing.v2_string_to_sign(req.method, host, req.path, flat)

    def verify(secret_key):
        if call.signature_method not in ("HmacSHA1", "HmacSHA256"):
            return False
        return signing.constant_time_equal(
            signing.v2_sign(secret_key, sts, call.signature_method), call.signature or "")

    call.verify = verify
    call.params = unflatten({k: v for k, v in flat.items() if k not in FORM_COMMON})
    call.form = True


# ---- processing --------------------------------------------------------------------------
def process(sim, call):
    """Return (HttpResponse, log fields)."""
    request_id = call.request_id
    log = {"outcome": "Success"}
    try:
        if call.pre_auth_error:
            raise call.pre_auth_error
        if not call.action:
            raise SimError("missing", "The parameter `Action` is missing.")
        authenticate(sim, call)
        if call.parse_error:
            raise call.parse_error
        if not call.version:
            raise SimError("missing", "The parameter `Version` is missing.")
        if not offered_by_any(call.action):
            raise SimError("unknown_action", "The action `%s` does not exist." % call.action)
        service = service_for(call.scope_service, call.version, call.action)
        if service is None or call.action not in service.ACTIONS:
            raise SimError("unknown_action", "Version `%s` of action `%s` is not supported."
                           % (call.version, call.action))
        if not sim.rate_allow(call.account, call.action):
            raise SimError("rate_limit", "Your requests of %s exceed the rate limit." % call.action,
                           code=sim.throttle_code(call.action))
        if not call.region:
            raise SimError("missing", "The parameter `Region` is missing.")
        if service.REGIONAL and not sim.world.has_region(call.region):
            raise SimError("region", "The region `%s` is not supported." % call.region)
        unknown = sorted(set(call.params) - service.ACTIONS[call.action])
        if unknown:
            raise SimError("unknown_parameter", "The parameter `%s` is not recognized." % unknown[0])
        handler = service.HANDLERS[call.action]
        body, extra = handler(sim, call, request_id)
        log.update(extra)
        body["RequestId"] = body.get("RequestId", request_id)
        return response(body), log
    except SimError as err:
        return error_answer(sim, call.action, v3_code(err.kind, call.action, err.code), err.message, request_id, log), log
