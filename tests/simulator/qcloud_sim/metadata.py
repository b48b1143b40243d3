"""The CVM instance metadata service (like http://metadata.tencentyun.com): CAM role keys and network facts.

GET /latest/meta-data/cam/security-credentials/        -> the bound role's name (text/plain), 404 if none
GET /latest/meta-data/cam/security-credentials/<role>  -> fresh temporary credentials (JSON)

For the instance named by config `metadata_instance` (CLI --metadata-instance), from the live world
(an ENI attached or an address assigned through the VPC API shows at once), the paths of Tencent's
"Querying Instance Metadata" (product 213/4934):
GET /latest/meta-data/{instance-id,mac,local-ipv4,public-ipv4,placement/region,placement/zone}
GET /latest/meta-data/network/interfaces/macs/                       -> one MAC a line, primary ENI first
GET .../macs/<mac>/{mac,primary-local-ipv4,public-ipv4s,vpc-id,subnet-id}
GET .../macs/<mac>/local-ipv4s/                                      -> one address a line, primary first
GET .../macs/<mac>/local-ipv4s/<ip>/{gateway,local-ipv4,subnet-mask,public-ipv4,public-ipv4-mode}
Directory paths list their children (a trailing slash marks a directory); anything else is 404.
MACs are served in lower case (Linux's spelling) and matched in any case; the gateway is the first
address of the subnet (Tencent reserves it for the VPC router).
"""
import ipaddress
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
    """(action, role name or network path or None) for a metadata path, or (None, None)."""
    if path.startswith(PREFIX) and not path.startswith(PREFIX + "cam/"):
        return "MetadataNetwork", path[len(PREFIX):]
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
    if action == "MetadataNetwork":
        with sim.lock:
            sim.advance()
            text = network_value(sim.world, sim.config.get("metadata_instance"), role_name)
        if text is None:
            return not_found(), {"outcome": "NotFound"}
        return HttpResponse(200, text.encode("utf-8"), "text/plain"), {"outcome": "Success"}
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


def _tree(world, ins_id):
    """The metadata tree of one instance: nested dicts, leaves are strings."""
    ins = world.instances.get(ins_id)
    if ins is None:
        return None
    enis = sorted(world.enis_on(ins_id), key=lambda e: (not e["primary"], e["device_index"] or 0))
    public = list(ins.get("public_ips") or [])
    macs = {}
    for eni in enis:
        subnet = world.subnets.get(eni["subnet_id"], {})
        net = ipaddress.ip_network(subnet.get("cidr", "10.0.0.0/24"), strict=False)
        addresses = world.addresses_of(eni)
        ips = {}
        for ip in addresses:
            leaf = {"gateway": str(net.network_address + 1), "local-ipv4": ip, "subnet-mask": str(net.netmask)}
            if eni["primary"] and ip == eni["private_ip"] and public:
                leaf.update({"public-ipv4": public[0], "public-ipv4-mode": "NAT"})
            ips[ip] = leaf
        entry = {"mac": eni["mac"].lower(), "primary-local-ipv4": eni["private_ip"], "vpc-id": eni["vpc_id"],
                 "subnet-id": eni["subnet_id"], "local-ipv4s": ips}
        if eni["primary"] and public:
            entry["public-ipv4s"] = "\n".join(public)
        macs[eni["mac"].lower()] = entry
    primary = enis[0] if enis and enis[0]["primary"] else None
    tree = {"instance-id": ins_id, "uuid": ins_id,
            "placement": {"region": ins["region"], "zone": ins["zone"]},
            "network": {"interfaces": {"macs": macs}}}
    if primary is not None:
        tree.update({"mac": primary["mac"].lower(), "local-ipv4": primary["private_ip"]})
    if public:
        tree["public-ipv4"] = public[0]
    return tree


def network_value(world, ins_id, path):
    """The text at path (below latest/meta-data/) for instance ins_id, or None (404)."""
    node = _tree(world, ins_id) if ins_id else None
    if node is None:
        return None
    parts = [p for p in path.split("/") if p]
    for i, part in enumerate(parts):
        if not isinstance(node, dict):
            return None
        if i > 0 and parts[i - 1] == "macs":
            part = part.lower()
        node = node.get(part)
        if node is None:
            return None
    if isinstance(node, dict):
        return "\n".join(k + "/" if isinstance(v, dict) else k for k, v in node.items())
    return node
