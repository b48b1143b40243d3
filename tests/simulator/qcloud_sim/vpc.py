"""The VPC service (`vpc`, Version 2017-03-12) in API 3.0: ENIs, attach / detach, tasks."""
from .common import as_int
from .errors import SimError
from .world import well_formed

SERVICE = "vpc"
VERSION = "2017-03-12"
ACTIONS = {
    "DescribeNetworkInterfaces": {"NetworkInterfaceIds", "Filters", "Offset", "Limit"},
    "AttachNetworkInterface": {"NetworkInterfaceId", "InstanceId", "AttachType", "ClientToken"},
    "DetachNetworkInterface": {"NetworkInterfaceId", "InstanceId", "ClientToken"},
    "DescribeVpcTaskResult": {"TaskId"},
}
FILTERS = {"vpc-id", "subnet-id", "network-interface-id", "attachment.instance-id",
           "network-interface-name", "network-interface-description", "address-ip", "is-primary"}
REGIONAL = True  # answers only in the world's regions


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


HANDLERS = {
    "DescribeNetworkInterfaces": describe_network_interfaces,
    "AttachNetworkInterface": attach_network_interface,
    "DetachNetworkInterface": detach_network_interface,
    "DescribeVpcTaskResult": describe_vpc_task_result,
}
