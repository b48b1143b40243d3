"""API 3.0 front end: POST / (TC3-HMAC-SHA256, JSON) and the HmacSHA1/HmacSHA256 form (GET/POST)."""
import hashlib
import json
from urllib.parse import parse_qsl

from . import signing, sts
from .common import Call, HttpResponse, as_int, authenticate, unflatten
from .errors import SimError, v3_code
from .world import well_formed

VERSION = "2017-03-12"
SERVICE = "vpc"
ACTIONS = {
    "DescribeNetworkInterfaces": {"NetworkInterfaceIds", "Filters", "Offset", "Limit"},
    "AttachNetworkInterface": {"NetworkInterfaceId", "InstanceId", "AttachType", "ClientToken"},
    "DetachNetworkInterface": {"NetworkInterfaceId", "InstanceId", "ClientToken"},
    "DescribeVpcTaskResult": {"TaskId"},
}
# action -> (Version, TC3 credential-scope service)
ACTION_API = {a: (VERSION, SERVICE) for a in ACTIONS}
ACTION_API["AssumeRole"] = (sts.VERSION, sts.SERVICE)
ACTIONS = dict(ACTIONS, AssumeRole=sts.PARAMS)
FORM_COMMON = {"Action", "Version", "Region", "Nonce", "Timestamp", "SecretId", "Signature",
               "SignatureMethod", "Token", "Language", "RequestClient"}
FILTERS = {"vpc-id", "subnet-id", "network-interface-id", "attachment.instance-id",
           "network-interface-name", "network-interface-description", "address-ip", "is-primary"}


def response(obj):
    """3.0 responses: always HTTP 200, Content-Type exactly application/json."""
    return HttpResponse(200, json.dumps({"Response": obj}, ensure_ascii=False).encode("utf-8"),
                        "application/json")


def error_response(code, message, request_id):
    return response({"Error": {"Code": code, "Message": message}, "RequestId": request_id})


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
        # the scope's service must be the action's (vpc for the VPC actions, sts for AssumeRole)
        service = ACTION_API.get(call.action, (VERSION, SERVICE))[1]
        if parsed["service"] != service:
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
        api = ACTION_API.get(call.action)
        if api is None and call.version not in (VERSION, sts.VERSION):
            api = (None, None)
        if api is not None and call.version != api[0]:
            raise SimError("unknown_action", "Version `%s` of action `%s` is not supported."
                           % (call.version, call.action))
        if call.action not in ACTIONS:
            raise SimError("unknown_action", "The action `%s` does not exist." % call.action)
        if not sim.rate_allow(call.account, call.action):
            raise SimError("rate_limit", "Your requests of %s exceed the rate limit." % call.action)
        if not call.region:
            raise SimError("missing", "The parameter `Region` is missing.")
        # STS answers in any region; the VPC actions only in the world's regions
        if api[1] != sts.SERVICE and not sim.world.has_region(call.region):
            raise SimError("region", "The region `%s` is not supported." % call.region)
        unknown = sorted(set(call.params) - ACTIONS[call.action])
        if unknown:
            raise SimError("unknown_parameter", "The parameter `%s` is not recognized." % unknown[0])
        handler = _HANDLERS[call.action]
        body, extra = handler(sim, call, request_id)
        log.update(extra)
        body["RequestId"] = body.get("RequestId", request_id)
        return response(body), log
    except SimError as err:
        code = v3_code(err.kind)
        log["outcome"] = code
        return error_response(code, err.message, request_id), log


def _need_str(params, name):
    value = params.get(name)
    if value is None or value == "":
        raise SimError("missing", "The parameter `%s` is missing." % name)
    if not isinstance(value, str):
        raise SimError("invalid_parameter", "The parameter `%s` must be a string." % name)
    return value


def _eni_v3(e, state, sim):
    att = None
    if e["instance_id"]:
        att = {"InstanceId": e["instance_id"], "DeviceIndex": e["device_index"] or 0,
               "InstanceAccountId": str(sim.world_uin()), "AttachTime": e["attach_time"] or ""}
    elif e.get("empty_attachment") or sim.world.data["options"].get("empty_attachment_object"):
        att = {"InstanceId": "", "DeviceIndex": 0, "InstanceAccountId": "", "AttachTime": ""}
    return {
        "NetworkInterfaceId": e["eni_id"],
        "NetworkInterfaceName": e["name"],
        "NetworkInterfaceDescription": e["description"],
        "SubnetId": e["subnet_id"],
        "VpcId": e["vpc_id"],
        "GroupSet": list(e.get("groups", [])),
        "Primary": bool(e["primary"]),
        "MacAddress": e["mac"],
        "State": state,
        "NetworkInterfaceState": state,
        "PrivateIpAddressSet": [{
            "PrivateIpAddress": e["private_ip"], "Primary": True, "PublicIpAddress": "",
            "AddressId": "", "Description": "", "IsWanIpBlocked": False, "State": "AVAILABLE",
            "QosLevel": "AU"}],
        "Attachment": att,
        "Zone": e["zone"],
        "CreatedTime": e["created_time"],
        "Ipv6AddressSet": [],
        "TagSet": [],
        "EniType": 0,
        "Business": "cvm",
        "CdcId": "",
        "AttachType": int(e.get("attach_type") or 0),
        "ResourceId": "",
        "QosLevel": "",
    }


def _filter_match(e, state, name, values):
    if name == "vpc-id":
        return e["vpc_id"] in values
    if name == "subnet-id":
        return e["subnet_id"] in values
    if name == "network-interface-id":
        return e["eni_id"] in values
    if name == "attachment.instance-id":
        return (e["instance_id"] or "") in values and bool(e["instance_id"])
    if name == "network-interface-name":
        return e["name"] in values
    if name == "network-interface-description":
        return e["description"] in values
    if name == "address-ip":
        return e["private_ip"] in values
    if name == "is-primary":
        return ("true" if e["primary"] else "false") in [str(v).lower() for v in values]
    return False


def describe_network_interfaces(sim, call, request_id):
    p = call.params
    ids = p.get("NetworkInterfaceIds")
    filters = p.get("Filters")
    if ids is not None and filters is not None:
        raise SimError("coexist", "NetworkInterfaceIds and Filters cannot be specified together.")
    if ids is not None:
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise SimError("invalid_parameter", "NetworkInterfaceIds must be a list of strings.")
        if len(ids) > 100:
            raise SimError("invalid_value", "NetworkInterfaceIds accepts at most 100 ids.")
        for i in ids:
            if not well_formed("eni", i):
                raise SimError("malformed", "The id `%s` is malformed." % i)
    parsed_filters = []
    if filters is not None:
        if not isinstance(filters, list):
            raise SimError("invalid_parameter", "Filters must be a list.")
        for f in filters:
            if not isinstance(f, dict) or not isinstance(f.get("Name"), str):
                raise SimError("invalid_parameter", "Each filter needs a Name and Values.")
            values = f.get("Values")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise SimError("invalid_parameter", "Filter Values must be a list of strings.")
            if set(f) - {"Name", "Values"}:
                raise SimError("unknown_parameter", "Unknown filter field.")
            if f["Name"] not in FILTERS:
                raise SimError("filter_key", "The filter `%s` is not supported." % f["Name"])
            parsed_filters.append((f["Name"], values))
    offset = as_int(p.get("Offset", 0), "Offset")
    limit = as_int(p.get("Limit", 20), "Limit")
    if offset < 0:
        raise SimError("invalid_value", "Offset must be >= 0.")
    if limit < 0 or limit > 100:
        raise SimError("invalid_value", "Limit must be between 0 and 100.")
    id_set = set(ids) if ids is not None else None

    def wanted(e):
        if id_set is not None and e["eni_id"] not in id_set:
            return False
        return all(_filter_match(e, None, n, v) for n, v in parsed_filters)

    total, page = sim.select_enis(call.region, wanted, offset, limit)
    return ({"TotalCount": total,
             "NetworkInterfaceSet": [_eni_v3(e, s, sim) for e, s in page]}, {})


def _write(sim, call, request_id, action):
    p = call.params
    eni_id = _need_str(p, "NetworkInterfaceId")
    ins_id = _need_str(p, "InstanceId")
    if not well_formed("eni", eni_id):
        raise SimError("malformed", "NetworkInterfaceId `%s` is malformed." % eni_id)
    if not well_formed("ins", ins_id):
        raise SimError("malformed", "InstanceId `%s` is malformed." % ins_id)
    attach_type = 0
    if "AttachType" in p:
        attach_type = as_int(p["AttachType"], "AttachType")
        if attach_type not in (0, 1):
            raise SimError("invalid_value", "AttachType must be 0 or 1.")
    token = p.get("ClientToken")
    if token is not None:
        if not isinstance(token, str) or len(token) > 64 or not token.isascii():
            raise SimError("invalid_value", "ClientToken must be at most 64 ASCII characters.")
        token = token or None
    task, replayed = sim.write(action, "3.0", call.account, call.region, eni_id, ins_id,
                               request_id, attach_type=attach_type, client_token=token)
    return ({"RequestId": task["task_id"]},
            {"task_id": task["task_id"], "client_token": token, "replayed": replayed})


def attach_network_interface(sim, call, request_id):
    return _write(sim, call, request_id, "AttachNetworkInterface")


def detach_network_interface(sim, call, request_id):
    return _write(sim, call, request_id, "DetachNetworkInterface")


def describe_vpc_task_result(sim, call, request_id):
    task_id = call.params.get("TaskId")
    if task_id is None or task_id == "":
        raise SimError("missing", "The parameter `TaskId` is missing.")
    if isinstance(task_id, bool) or not isinstance(task_id, (str, int)):
        raise SimError("invalid_parameter", "TaskId must be a string.")
    task = sim.task_v3(call.account, str(task_id))
    result = [{"ResourceId": task["eni_id"], "Status": task["status"]}]
    return ({"Status": task["status"], "Output": task["output"] or "", "Result": result},
            {"task_id": task["task_id"]})


_HANDLERS = {
    "DescribeNetworkInterfaces": describe_network_interfaces,
    "AttachNetworkInterface": attach_network_interface,
    "DetachNetworkInterface": detach_network_interface,
    "DescribeVpcTaskResult": describe_vpc_task_result,
    "AssumeRole": sts.assume_role,
}
