"""Pieces shared by the two protocol front ends: request/response objects, auth, params."""
import json
import time

from .errors import SimError

MAX_SKEW = 300  # seconds


class HttpRequest:
    def __init__(self, method, path, query, headers, body, client_ip):
        self.method = method.upper()
        self.path = path
        self.query = query
        self.headers = headers  # case-insensitive mapping (email.message.Message)
        self.body = body
        self.client_ip = client_ip

    def header(self, name, default=None):
        value = self.headers.get(name)
        return default if value is None else value


class HttpResponse:
    def __init__(self, status=200, body=b"", content_type="application/json", close=False):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.close = close


def json_response(obj, status=200):
    return HttpResponse(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json")


class Call:
    """One parsed API call, whatever the protocol."""

    def __init__(self, protocol, method):
        self.protocol = protocol
        self.method = method
        self.action = None
        self.region = None
        self.version = None
        self.scope_service = None  # the TC3 credential scope's service (None for a form)
        self.params = {}
        self.secret_id = None
        self.token = None
        self.timestamp = None
        self.signature = None
        self.signature_method = None
        self.string_to_sign = None  # or a callable(secret_key) -> bool via `verify`
        self.verify = None
        self.parse_error = None  # SimError raised after auth
        self.pre_auth_error = None  # SimError raised before auth
        self.request_id = None
        self.key = None

    @property
    def account(self):
        return str(self.key["app_id"]) if self.key else None


def authenticate(sim, call):
    """Raise SimError(kind) for the documented auth failures; set call.key on success."""
    if not call.secret_id:
        raise SimError("missing", "The SecretId is missing.")
    key = sim.find_key(call.secret_id)
    if key is None or key.get("disabled"):
        raise SimError("secret_id", "The SecretId is not found or disabled.")
    if call.timestamp is None or str(call.timestamp).strip() == "":
        raise SimError("missing", "The Timestamp is missing.")
    try:
        ts = int(str(call.timestamp))
    except ValueError:
        raise SimError("invalid_value", "The Timestamp is not an integer.")
    if abs(time.time() - ts) > MAX_SKEW:
        raise SimError("expired", "The signature expired: Timestamp %s is more than 5 minutes "
                                  "from the server time %d." % (ts, int(time.time())))
    if not call.verify(key["secret_key"]):
        raise SimError("signature", "The provided credentials could not be validated. "
                                    "Please check your signature is correct.")
    if key.get("token"):
        if call.token != key["token"]:
            raise SimError("token", "The token is missing or invalid for this temporary key.")
        exp = key.get("expired_time")
        if exp is not None and time.time() > float(exp):
            raise SimError("token", "The temporary key and its token have expired.")
    call.key = key


def unflatten(flat):
    """{'A.0.B': v, 'A.0.C.1': w} -> {'A': [{'B': v, 'C': [None, w]}]} (lists for numeric parts)."""
    root = {}
    for key, value in flat.items():
        parts = key.split(".")
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                idx = int(part)
                while len(node) <= idx:
                    node.append(None)
                if last:
                    node[idx] = value
                else:
                    if node[idx] is None:
                        node[idx] = [] if nxt_is_index else {}
                    node = node[idx]
            else:
                if last:
                    node[part] = value
                else:
                    if part not in node or not isinstance(node[part], (list, dict)):
                        node[part] = [] if nxt_is_index else {}
                    node = node[part]
    return root


def as_int(value, name, kind="invalid_parameter"):
    if isinstance(value, bool):
        raise SimError(kind, "%s must be an integer." % name)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise SimError(kind, "%s must be an integer." % name)
