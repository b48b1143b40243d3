"""API 2.0 front end: GET/POST /v2/index.php, HmacSHA1/HmacSHA256, the code/message/codeDesc envelope."""
import json
import zlib
from urllib.parse import parse_qsl

from . import signing
from .common import Call, HttpResponse, as_int, authenticate
from .errors import SimError, v2_code
from .world import well_formed

PATH = "/v2/index.php"
ACTIONS = {
    "DescribeNetworkInterfaces": {"vpcId", "networkInterfaceId", "instanceId", "eniName",
                                  "eniDescription", "offset", "limit", "orderField", "orderDirection"},
    "AttachNetworkInterface": {"vpcId", "networkInterfaceId", "instanceId"},
    "DetachNetworkInterface": {"vpcId", "networkInterfaceId", "instanceId"},
    "DescribeVpcTaskResult": {"taskId"},
}
COMMON = {"Action", "Region", "Timestamp", "Nonce", "SecretId", "Signature", "SignatureMethod",
          "Token", "RequestClient", "Version", "Language"}
STATUS = {"SUCCESS": 0, "FAILED": 1, "RUNNING": 2}
# API 2.0 gives zoneId as an integer (the archived DescribeNetworkInterfaces page types it Int): the numeric
# zone id, region number * 100000 + zone number, as CVM's DescribeZones answers show it (ZoneId "100003" for
# ap-guangzhou-3, "200002" for ap-shanghai-2, "800005" for ap-beijing-5, "160001" for ap-chengdu-1).
REGION_NUMBERS = {"ap-guangzhou": 1, "ap-shanghai": 2, "ap-beijing": 8, "ap-chengdu": 16}


def zone_id(zone):
    """The numeric id of a zone name like ap-guangzhou-3 (100003). Regions outside REGION_NUMBERS get a
    stable number from 900 up (the simulator's choice: Tencent's table is not documented for them)."""
    region, dummy, number = zone.rpartition("-")
    base = REGION_NUMBERS.get(region)
    if base is None:
        base = 900 + zlib.crc32(region.encode("utf-8")) % 99
    return base * 100000 + int(number)


def response(obj):
    out = {"code": 0, "message": "", "codeDesc": "Success"}
    out.update(obj)
    return HttpResponse(200, json.dumps(out, ensure_ascii=False).encode("utf-8"), "application/json")


def error_response(code, code_desc, message):
    return HttpResponse(200, json.dumps({"code": code, "message": message, "codeDesc": code_desc},
                                        ensure_ascii=False).encode("utf-8"), "application/json")


def parse(req):
    call = Call("2.0", req.method)
    try:
        flat = dict(parse_qsl(req.query, keep_blank_values=True))
        if req.method == "POST" and req.body:
            flat.update(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        flat = {}
    call.action = flat.get("Action")
    call.region = flat.get("Region")
    call.timestamp = flat.get("Timestamp")
    call.token = flat.get("Token")
    call.secret_id = flat.get("SecretId")
    call.signature = flat.get("Signature")
    call.signature_method = flat.get("SignatureMethod") or "HmacSHA1"
    method = "HmacSHA256" if call.signature_method == "HmacSHA256" else "HmacSHA1"
    sts = signing.v2_string_to_sign(req.method, req.header("Host", ""), req.path, flat)

    def verify(secret_key):
        return bool(call.signature) and signing.constant_time_equal(
            signing.v2_sign(secret_key, sts, method), call.signature)

    call.verify = verify
    if not call.signature:
        call.pre_auth_error = SimError("signature", "The parameter Signature is missing.")
    if "Nonce" not in flat:
        call.nonce_missing = True
    call.params = {k: v for k, v in flat.items() if k not in COMMON}
    return call


def process(sim, call):
    log = {"outcome": "Success"}
    try:
        if not call.action:
            raise SimError("missing", "The parameter Action is missing.")
        if call.pre_auth_error:
            raise call.pre_auth_error
        authenticate(sim, call)
        if getattr(call, "nonce_missing", False):
            raise SimError("missing", "The parameter Nonce is missing.")
        if call.action not in ACTIONS:
            raise SimError("unknown_action", "The action %s does not exist." % call.action)
        if not sim.rate_allow(call.account, call.action):
            raise SimError("rate_limit", "Your requests of %s exceed the rate limit." % call.action)
        if not call.region:
            raise SimError("missing", "The parameter Region is missing.")
        if not sim.world.has_region(call.region):
            raise SimError("region", "The region %s does not exist." % call.region)
        unknown = sorted(set(call.params) - ACTIONS[call.action])
        if unknown:
            raise SimError("unknown_parameter", "The parameter %s is not recognized." % unknown[0])
        body, extra = _HANDLERS[call.action](sim, call)
        log.update(extra)
        return response(body), log
    except SimError as err:
        code, desc = v2_code(err.kind)
        log["outcome"] = desc
        return error_response(code, desc, err.message), log


def _eni_v2(e, old_shape, groups=None):
    if e["instance_id"]:
        inst = {"instanceId": e["instance_id"], "attachTime": e["attach_time"] or ""}
    else:
        inst = {"instanceId": "", "attachTime": ""}
    return {
        "vpcId": e["vpc_id"],
        "subnetId": e["subnet_id"],
        "zoneId": zone_id(e["zone"]),
        "networkInterfaceId": e["eni_id"],
        "eniName": e["name"],
        "eniDescription": e["description"],
        "primary": bool(e["primary"]),
        "macAddress": e["mac"],
        "createTime": e["created_time"],
        "privateIpAddressesSet": [{"privateIpAddress": ip, "primary": ip == e["private_ip"],
                                   "wanIp": "", "description": "", "isWanIpBlocked": False,
                                   "eipId": ""} for ip in [e["private_ip"]] + list(e.get("secondary_ips", []))],
        "groupSet": [{"sgId": g, "sgName": (groups or {}).get(g, {}).get("name", g),
                      "sgRemark": (groups or {}).get(g, {}).get("description", "")}
                     for g in e.get("groups", [])],
        "instanceSet": ([inst] if e["instance_id"] else []) if old_shape else inst,
    }


def describe_network_interfaces(sim, call):
    p = call.params
    offset = as_int(p.get("offset", 0), "offset", "invalid_value")
    limit = as_int(p.get("limit", 20), "limit", "invalid_value")
    if offset < 0:
        raise SimError("invalid_value", "offset must be >= 0.")
    if limit < 0 or limit > 50:
        raise SimError("invalid_value", "limit must be between 0 and 50.")
    vpc_id = p.get("vpcId")
    if vpc_id and sim.world.vpc(call.region, vpc_id) is None:
        raise SimError("vpc_not_found", "The VPC %s does not exist." % vpc_id)
    eni_id = p.get("networkInterfaceId")
    if eni_id and sim.visible_eni(call.region, eni_id) is None:  # read lag: a new ENI is not there yet
        raise SimError("eni_not_found", "The ENI %s does not exist." % eni_id)

    def wanted(e):
        if vpc_id and e["vpc_id"] != vpc_id:
            return False
        if eni_id and e["eni_id"] != eni_id:
            return False
        if p.get("instanceId") and e["instance_id"] != p["instanceId"]:
            return False
        if p.get("eniName") and p["eniName"] not in e["name"]:
            return False
        if p.get("eniDescription") and p["eniDescription"] not in e["description"]:
            return False
        return True

    total, page = sim.select_enis(call.region, wanted, offset, limit,
                                  reverse=p.get("orderDirection", "").upper() == "DESC")
    old = sim.config["v2_shape"] == "old"
    data = [_eni_v2(e, old, sim.world.security_groups) for e, _state in page]
    if old:
        return {"totalCount": total, "data": data}, {}
    return {"data": {"totalNum": total, "data": data}}, {}


def _write(sim, call, action):
    p = call.params
    for name in ("vpcId", "networkInterfaceId", "instanceId"):
        if not p.get(name):
            raise SimError("missing", "The parameter %s is missing." % name)
    vpc_id, eni_id, ins_id = p["vpcId"], p["networkInterfaceId"], p["instanceId"]
    if not well_formed("vpc", vpc_id):
        raise SimError("vpc_not_found", "The VPC %s does not exist." % vpc_id)
    if not well_formed("eni", eni_id):
        raise SimError("eni_not_found", "The ENI %s does not exist." % eni_id)
    if not well_formed("ins", ins_id):
        raise SimError("instance_not_found", "The instance %s does not exist." % ins_id)
    task, dummy = sim.write(action, "2.0", call.account, call.region, eni_id, ins_id,
                            call.request_id, vpc_id=vpc_id)
    return {"taskId": task["task_id_v2"]}, {"task_id": task["task_id_v2"]}


def attach_network_interface(sim, call):
    return _write(sim, call, "AttachNetworkInterface")


def detach_network_interface(sim, call):
    return _write(sim, call, "DetachNetworkInterface")


def describe_vpc_task_result(sim, call):
    raw = call.params.get("taskId")
    if raw is None or raw == "":
        raise SimError("missing", "The parameter taskId is missing.")
    task_id = as_int(raw, "taskId", "invalid_value")
    task = sim.task_v2(call.account, task_id)
    return ({"data": {"status": STATUS[task["status"]], "output": task["output"] or ""}},
            {"task_id": task["task_id_v2"]})


_HANDLERS = {
    "DescribeNetworkInterfaces": describe_network_interfaces,
    "AttachNetworkInterface": attach_network_interface,
    "DetachNetworkInterface": detach_network_interface,
    "DescribeVpcTaskResult": describe_vpc_task_result,
}
