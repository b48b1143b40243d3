"""The CVM instance metadata service's CAM role endpoints (like http://metadata.tencentyun.com):

GET /latest/meta-data/cam/security-credentials/        -> the bound role's name (text/plain), 404 if none
GET /latest/meta-data/cam/security-credentials/<role>  -> fresh temporary credentials (JSON)
"""
import json

from .common import HttpResponse

PREFIX = "/latest/meta-data/"
ROLE_PATH = "/latest/meta-data/cam/security-credentials"
NOT_FOUND = b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"


def is_metadata_path(path):
    return path == "/latest" or path.startswith("/latest/")


def not_found():
    return HttpResponse(404, NOT_FOUND, "text/html")


def route(path):
    """(action, role name or None) for a metadata path, or (None, None)."""
    if path.rstrip("/") == ROLE_PATH:
        return "MetadataRoleName", None
    if path.startswith(ROLE_PATH + "/"):
        role = path[len(ROLE_PATH) + 1:]
        if role and "/" not in role.rstrip("/"):
            return "MetadataCredentials", role.rstrip("/")
    return None, None


def process(sim, action, role_name):
    """Returns (HttpResponse or None for 'no service', log fields)."""
    from .core import iso8601
    with sim.lock:
        enabled = sim.config["metadata_enabled"]
        bound = sim.config["metadata_role"]
        ttl = sim.config["metadata_ttl"]
    if not enabled:
        return None, {"outcome": "disabled"}
    if action is None:
        return not_found(), {"outcome": "NotFound"}
    if not bound:
        return not_found(), {"outcome": "NoRoleBound"}
    if action == "MetadataRoleName":
        return HttpResponse(200, bound.encode("utf-8"), "text/plain"), {"outcome": "Success"}
    if role_name != bound:
        return not_found(), {"outcome": "NotFound"}
    with sim.lock:
        role = sim.world.role_by_name(bound)
        role = dict(role) if role is not None else None
    if role is None:  # a bound role that the world does not list: the default account's
        role = {"arn": "qcs::cam::uin/%s:roleName/%s" % (sim.world_uin(), bound),
                "uin": str(sim.world_uin()), "app_id": None}
    key, expired = sim.mint_key(role, ttl, "metadata", None)
    body = {"TmpSecretId": key["secret_id"], "TmpSecretKey": key["secret_key"],
            "ExpiredTime": expired, "Expiration": iso8601(expired), "Token": key["token"],
            "Code": "Success"}
    return (HttpResponse(200, json.dumps(body).encode("utf-8"), "application/json"),
            {"outcome": "Success", "minted_secret_id": key["secret_id"]})
