"""STS (service `sts`, Version 2018-08-13): AssumeRole, on the same endpoint as the VPC API."""
import re

from .common import as_int
from .errors import SimError
from .world import ROLE_ARN_RE

VERSION = "2018-08-13"
SERVICE = "sts"
PARAMS = {"RoleArn", "RoleSessionName", "DurationSeconds", "Policy", "ExternalId"}
# Tencent: 2..128 characters of letters, digits and =,.@_- (the doc's regex [\w+=,.@-]*)
SESSION_NAME_RE = re.compile(r"^[A-Za-z0-9_+=,.@-]{2,128}$")
DEFAULT_DURATION = 7200
MAX_DURATION = 43200
MAX_POLICY = 2048


def _need_str(params, name):
    value = params.get(name)
    if value is None or value == "":
        raise SimError("missing", "The parameter `%s` is missing." % name)
    if not isinstance(value, str):
        raise SimError("invalid_parameter", "The parameter `%s` must be a string." % name)
    return value


def assume_role(sim, call, request_id):
    from .core import iso8601
    p = call.params
    arn = _need_str(p, "RoleArn")
    session = _need_str(p, "RoleSessionName")
    if not ROLE_ARN_RE.match(arn):
        raise SimError("sts_param", "RoleArn `%s` is not a role ARN "
                                    "(qcs::cam::uin/<uin>:roleName/<name>)." % arn)
    if not SESSION_NAME_RE.match(session):
        raise SimError("sts_param", "RoleSessionName must be 2 to 128 characters of letters, "
                                    "digits and =,.@_-.")
    duration = DEFAULT_DURATION
    if p.get("DurationSeconds") not in (None, ""):
        duration = as_int(p["DurationSeconds"], "DurationSeconds")
        if duration <= 0 or duration > MAX_DURATION:
            raise SimError("sts_duration", "DurationSeconds must be between 1 and %d." % MAX_DURATION)
    for name in ("Policy", "ExternalId"):
        if p.get(name) is not None and not isinstance(p[name], str):
            raise SimError("invalid_parameter", "The parameter `%s` must be a string." % name)
    if len(p.get("Policy") or "") > MAX_POLICY:
        raise SimError("sts_param", "Policy is too long.")
    with sim.lock:
        role = sim.world.role_by_arn(arn)
        role = dict(role) if role is not None else None
    if role is None:
        raise SimError("role_not_found", "The role %s does not exist." % arn)
    key = call.key
    if key["secret_id"] not in role["trusted_secret_ids"] and \
            str(key.get("uin")) not in role["trusted_uins"]:
        raise SimError("role_untrusted", "SecretId %s (uin %s) is not allowed to assume %s."
                       % (key["secret_id"], key.get("uin"), arn))
    lifetime = duration
    cap = sim.config.get("sts_duration_cap")
    if cap is not None:
        lifetime = min(lifetime, cap)
    minted, expired = sim.mint_key(role, lifetime, "AssumeRole", session)
    body = {"Credentials": {"Token": minted["token"], "TmpSecretId": minted["secret_id"],
                            "TmpSecretKey": minted["secret_key"]},
            "ExpiredTime": expired, "Expiration": iso8601(expired)}
    return body, {"minted_secret_id": minted["secret_id"]}


ACTIONS = {"AssumeRole": PARAMS}
HANDLERS = {"AssumeRole": assume_role}
REGIONAL = False  # STS answers in any region
