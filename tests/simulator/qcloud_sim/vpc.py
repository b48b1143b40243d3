"""The VPC service (`vpc`, Version 2017-03-12) in API 3.0: ENIs and their life (create, addresses,
security groups, delete), attach / detach, tasks, and the reads around them (subnets, groups)."""
import json
import secrets

from .common import as_int
from .errors import SimError
from .world import TAGS_PER_RESOURCE, tag_problem, tencent_time, well_formed

SERVICE = "vpc"
VERSION = "2017-03-12"
ACTIONS = {
    "DescribeNetworkInterfaces": {"NetworkInterfaceIds", "Filters", "Offset", "Limit"},
    "AttachNetworkInterface": {"NetworkInterfaceId", "InstanceId", "AttachType", "ClientToken"},
    "DetachNetworkInterface": {"NetworkInterfaceId", "InstanceId", "ClientToken"},
    "DescribeVpcTaskResult": {"TaskId"},
    "CreateNetworkInterface": {"VpcId", "NetworkInterfaceName", "SubnetId", "NetworkInterfaceDescription",
                               "QosLevel", "SecurityGroupIds", "PrivateIpAddresses",
                               "SecondaryPrivateIpAddressCount", "Ipv6Addresses", "Ipv6AddressCount", "Tags",
                               "TrunkingFlag", "IsRdma", "ClientToken", "TerminationProtection",
                               "TrafficProtection"},
    "DeleteNetworkInterface": {"NetworkInterfaceId"},
    "ModifyNetworkInterfaceAttribute": {"NetworkInterfaceId", "NetworkInterfaceName",
                                        "NetworkInterfaceDescription", "SecurityGroupIds", "TrunkingFlag"},
    "AssignPrivateIpAddresses": {"NetworkInterfaceId", "PrivateIpAddresses", "SecondaryPrivateIpAddressCount",
                                 "QosLevel", "ClientToken"},
    "UnassignPrivateIpAddresses": {"NetworkInterfaceId", "PrivateIpAddresses", "InstanceId"},
    "DescribeSecurityGroups": {"SecurityGroupIds", "Filters", "Offset", "Limit", "OrderField", "OrderDirection"},
    "DescribeSubnets": {"SubnetIds", "Filters", "Offset", "Limit"},
}
# Every filter the SDK's DescribeNetworkInterfacesRequest documents (vpc/v20170312/models.py)
FILTERS = {"vpc-id", "subnet-id", "network-interface-id", "attachment.instance-id",
           "network-interface-name", "network-interface-description", "address-ip", "ip-exact-match", "is-primary",
           "groups.security-group-id", "tag-key", "eni-type", "eni-qos", "address-ipv6", "public-address-ip",
           "address-type", "termination-protection", "traffic-protection"}  # and tag:<key>
SG_FILTERS = {"security-group-id", "security-group-name", "project-id", "tag-key"}  # and tag:<key>
SUBNET_FILTERS = {"subnet-id", "vpc-id", "subnet-name", "zone", "cidr-block"}
ADDRESSES_PER_CALL = 10  # PrivateIpAddresses and SecondaryPrivateIpAddressCount: at most 10 a call
NAME_MAX_BYTES = 60
DESCRIPTION_MAX = 60
QOS_LEVELS = ("PT", "AU", "AG", "DEFAULT")
REGIONAL = True  # answers only in the world's regions


def _need_str(params, name):
    value = params.get(name)
    if value is None or value == "":
        raise SimError("missing", "The parameter `%s` is missing." % name)
    if not isinstance(value, str):
        raise SimError("invalid_parameter", "The parameter `%s` must be a string." % name)
    return value


def _ip_v3(ip, primary, state):
    return {"PrivateIpAddress": ip, "Primary": primary, "PublicIpAddress": "", "AddressId": "",
            "Description": "", "IsWanIpBlocked": False, "State": state, "QosLevel": "AU"}


def tag_set(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _eni_type(e):
    """EniType: 0 secondary, 1 primary, 2 trunking (a world's ENI with "trunking")."""
    return 2 if e.get("trunking") else 1 if e["primary"] else 0


def _ipv6_type(e):
    """The type of an ENI's IPv6 CIDR: GUA (global unicast, the default) or ULA (unique local)."""
    return e.get("ipv6_address_type") or "GUA"


def public_ips(sim, e):
    """The public addresses an ENI shows: a primary ENI's primary address carries its instance's."""
    if not (e["primary"] and e["instance_id"]):
        return []
    ins = sim.world.instance(e["region"], e["instance_id"])
    return list((ins or {}).get("public_ips") or [])[:1]


def _eni_v3(e, state, sim):
    att = None
    if e["instance_id"]:
        att = {"InstanceId": e["instance_id"], "DeviceIndex": e["device_index"] or 0,
               "InstanceAccountId": str(sim.world_uin()), "AttachTime": e["attach_time"] or ""}
    elif e.get("empty_attachment") or sim.world.data["options"].get("empty_attachment_object"):
        att = {"InstanceId": "", "DeviceIndex": 0, "InstanceAccountId": "", "AttachTime": ""}
    ip_states = e.get("ip_states") or {}
    addresses = [_ip_v3(e["private_ip"], True, ip_states.get(e["private_ip"], "AVAILABLE"))]
    addresses[0]["PublicIpAddress"] = (public_ips(sim, e) or [""])[0]
    addresses += [_ip_v3(ip, False, ip_states.get(ip, "AVAILABLE")) for ip in e.get("secondary_ips", [])]
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
        "PrivateIpAddressSet": addresses,
        "Attachment": att,
        "Zone": e["zone"],
        "CreatedTime": e["created_time"],
        "Ipv6AddressSet": [{"Address": a, "Primary": False, "AddressId": "", "Description": "", "IsWanIpBlocked": False,
                            "State": "AVAILABLE", "PublicIpAddress": "", "AddressType": _ipv6_type(e)}
                           for a in e.get("ipv6_addresses") or []],
        "TagSet": tag_set(e.get("tags") or {}),
        "EniType": _eni_type(e),
        "Business": "cvm",
        "CdcId": "",
        "AttachType": int(e.get("attach_type") or 0),
        "ResourceId": "",
        "QosLevel": e.get("qos") or "",
    }


def _tag_match(tags, name, values):
    """tag-key (any of the keys) and tag:<key> (that key with any of the values)."""
    if name == "tag-key":
        return any(k in values for k in tags)
    key = name[len("tag:"):]
    return key in tags and tags[key] in values


def _flag(value):
    return "true" if value else "false"


def _filter_match(e, state, name, values, sim=None, exact=False):
    """Whether ENI ``e`` passes one filter, as Tencent documents each (DescribeNetworkInterfacesRequest).

    ``exact``: an ip-exact-match filter asked for exact addresses (its first value is true)."""
    if name == "ip-exact-match":  # not a test of its own: it changes how address-ip matches
        return True
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
        # one address: a suffix match (unless ip-exact-match); several: exact ones
        ips = [e["private_ip"]] + list(e.get("secondary_ips", []))
        if len(values) == 1 and not exact:
            return any(ip.endswith(values[0]) for ip in ips)
        return any(ip in values for ip in ips)
    if name == "is-primary":
        return _flag(e["primary"]) in [str(v).lower() for v in values]
    if name == "eni-type":
        return str(_eni_type(e)) in values
    if name == "eni-qos":
        return (e.get("qos") or "") in values
    if name == "address-ipv6":  # several addresses may be asked; IPv6 exists only in a world given with it
        return any(ip in values for ip in e.get("ipv6_addresses") or [])
    if name == "address-type":  # the type of the ENI's IPv6 CIDR (GUA or ULA): none without IPv6
        return bool(e.get("ipv6_addresses")) and _ipv6_type(e) in values
    if name == "public-address-ip":
        return any(ip in values for ip in (public_ips(sim, e) if sim is not None else []))
    if name == "termination-protection":
        return _flag(e.get("termination_protection")) in [str(v).lower() for v in values]
    if name == "traffic-protection":
        return _flag(e.get("traffic_protection")) in [str(v).lower() for v in values]
    if name == "groups.security-group-id":
        return any(g in values for g in e.get("groups", []))
    if name == "tag-key" or name.startswith("tag:"):
        return _tag_match(e.get("tags") or {}, name, values)
    return False


def parse_filters(filters, known):
    """[(name, values)] of a Filters parameter; names in `known` or tag:<key>."""
    parsed = []
    if filters is None:
        return parsed
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
        name = f["Name"]
        if name not in known and not (name.startswith("tag:") and len(name) > len("tag:")):
            raise SimError("filter_key", "The filter `%s` is not supported." % name)
        parsed.append((name, values))
    return parsed


def _ids_param(p, name, prefix):
    ids = p.get(name)
    if ids is None:
        return None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise SimError("invalid_parameter", "%s must be a list of strings." % name)
    if len(ids) > 100:
        raise SimError("invalid_value", "%s accepts at most 100 ids." % name)
    for i in ids:
        if not well_formed(prefix, i):
            raise SimError("malformed", "The id `%s` is malformed." % i)
    return ids


def _page(p):
    """Offset and Limit (the SDK sends them as strings for some reads)."""
    offset = as_int(p.get("Offset", 0), "Offset")
    limit = as_int(p.get("Limit", 20), "Limit")
    if offset < 0:
        raise SimError("invalid_value", "Offset must be >= 0.")
    if limit < 0 or limit > 100:
        raise SimError("invalid_value", "Limit must be between 0 and 100.")
    return offset, limit


def describe_network_interfaces(sim, call, request_id):
    p = call.params
    if p.get("NetworkInterfaceIds") is not None and p.get("Filters") is not None:
        raise SimError("coexist", "NetworkInterfaceIds and Filters cannot be specified together.")
    ids = _ids_param(p, "NetworkInterfaceIds", "eni")
    parsed_filters = parse_filters(p.get("Filters"), FILTERS)
    offset, limit = _page(p)
    id_set = set(ids) if ids is not None else None
    # ip-exact-match: with several values only the first counts
    exact = any(n == "ip-exact-match" and v and str(v[0]).lower() == "true" for n, v in parsed_filters)

    def wanted(e):
        if id_set is not None and e["eni_id"] not in id_set:
            return False
        return all(_filter_match(e, None, n, v, sim, exact) for n, v in parsed_filters)

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
    # a replay (same ClientToken) is a request of its own: its own RequestId (see replay_task_id)
    return ({"RequestId": request_id},
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


# ---- the ENI lifecycle ------------------------------------------------------------------------
def _opt_str(p, name):
    value = p.get(name)
    if value is not None and not isinstance(value, str):
        raise SimError("invalid_parameter", "The parameter `%s` must be a string." % name)
    return value


def _as_bool(value, name):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise SimError("invalid_parameter", "The parameter `%s` must be a boolean." % name)


def _eni_id_param(p):
    eni_id = _need_str(p, "NetworkInterfaceId")
    if not well_formed("eni", eni_id):
        raise SimError("malformed", "NetworkInterfaceId `%s` is malformed." % eni_id)
    return eni_id


def _name(p, required):
    name = _need_str(p, "NetworkInterfaceName") if required else _opt_str(p, "NetworkInterfaceName")
    if name is not None:
        if name == "":
            raise SimError("missing", "The parameter `NetworkInterfaceName` is missing.")
        if len(name.encode("utf-8")) > NAME_MAX_BYTES:
            raise SimError("too_long", "NetworkInterfaceName may have at most %d bytes." % NAME_MAX_BYTES)
    return name


def _description(p):
    description = _opt_str(p, "NetworkInterfaceDescription")
    if description is not None and len(description) > DESCRIPTION_MAX:
        raise SimError("too_long", "NetworkInterfaceDescription may have at most %d characters." % DESCRIPTION_MAX)
    return description


def _group_ids(p):
    groups = p.get("SecurityGroupIds")
    if groups is None:
        return None
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise SimError("invalid_parameter", "SecurityGroupIds must be a list of strings.")
    for g in groups:
        if not well_formed("sg", g):
            raise SimError("malformed", "The security group id `%s` is malformed." % g)
    if len(set(groups)) != len(groups):
        raise SimError("duplicate", "A security group is given twice.")
    return groups


def _check_groups(sim, region, groups):
    for g in groups or []:
        if sim.world.security_group(region, g) is None:
            raise SimError("sg_not_found", "The security group %s does not exist in %s." % (g, region))


def _ip_specs(p, name="PrivateIpAddresses", required=False):
    """[(address, primary)] of a PrivateIpAddresses parameter (at most 10)."""
    specs = p.get(name)
    if specs is None:
        if required:
            raise SimError("missing", "The parameter `%s` is missing." % name)
        return []
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise SimError("invalid_parameter", "%s must be a list of objects." % name)
    if required and not specs:
        raise SimError("missing", "The parameter `%s` is missing." % name)
    if len(specs) > ADDRESSES_PER_CALL:
        raise SimError("too_many", "%s takes at most %d addresses a call." % (name, ADDRESSES_PER_CALL))
    out = []
    for spec in specs:
        unknown = set(spec) - {"PrivateIpAddress", "Primary", "PublicIpAddress", "AddressId", "Description",
                               "IsWanIpBlocked", "State", "QosLevel"}
        if unknown:
            raise SimError("unknown_parameter", "The parameter `%s.%s` is not recognized." % (name, sorted(unknown)[0]))
        ip = spec.get("PrivateIpAddress")
        if not isinstance(ip, str) or not ip:
            raise SimError("missing", "Each of %s needs a PrivateIpAddress." % name)
        out.append((ip, _as_bool(spec["Primary"], "Primary") if "Primary" in spec else False))
    return out


def _count(p):
    if p.get("SecondaryPrivateIpAddressCount") in (None, ""):
        return 0
    count = as_int(p["SecondaryPrivateIpAddressCount"], "SecondaryPrivateIpAddressCount")
    if count < 0:
        raise SimError("range", "SecondaryPrivateIpAddressCount must be 1 or more.")
    if count > ADDRESSES_PER_CALL:
        raise SimError("too_many", "SecondaryPrivateIpAddressCount takes at most %d a call." % ADDRESSES_PER_CALL)
    return count


def _qos(p):
    qos = _opt_str(p, "QosLevel")
    if qos is not None and qos not in QOS_LEVELS:
        raise SimError("invalid_value", "QosLevel must be one of %s." % ", ".join(QOS_LEVELS))


def _tags_param(p):
    """{key: value} of CreateNetworkInterface's Tags ([{Key, Value}])."""
    raw = p.get("Tags")
    if raw is None:
        return {}
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise SimError("invalid_parameter", "Tags must be a list of {Key, Value}.")
    tags = {}
    for t in raw:
        key, value = t.get("Key"), t.get("Value", "")
        if not isinstance(key, str) or not isinstance(value, str):
            raise SimError("invalid_parameter", "A tag's Key and Value must be strings.")
        problem = tag_problem(key, value)
        if problem in ("key_empty", "key_chars"):
            raise SimError("tag_invalid_key", "The tag key %r is not valid." % key)
        if problem == "key_long":
            raise SimError("tag_invalid_key_len", "A tag key may have at most 127 characters.")
        if problem == "reserved":
            raise SimError("tag_reserved", "The tag key %r is reserved by the system." % key)
        if problem:
            raise SimError("tag_invalid_val", "The value of tag %r is not valid." % key)
        if key in tags:
            raise SimError("tag_duplicate_key", "The tag key %r is given twice." % key)
        tags[key] = value
    if len(tags) > TAGS_PER_RESOURCE:
        raise SimError("tag_limit", "A resource may have at most %d tags." % TAGS_PER_RESOURCE)
    return tags


def _token(p):
    token = p.get("ClientToken")
    if token is not None:
        if not isinstance(token, str) or len(token) > 64 or not token.isascii():
            raise SimError("invalid_value", "ClientToken must be at most 64 ASCII characters.")
        token = token or None
    return token


def _fingerprint(action, p):
    """What a ClientToken is bound to: the action and its parameters (the token aside)."""
    return action, json.dumps({k: v for k, v in p.items() if k != "ClientToken"}, sort_keys=True, default=str)


def _new_mac():
    return "20:90:6F:%02X:%02X:%02X" % tuple(secrets.randbelow(256) for dummy in range(3))


def _eni_body(sim, eni_id):
    eni = sim.world.enis.get(eni_id)
    view, state = sim.eni_view(eni)
    return {"NetworkInterface": _eni_v3(view, state, sim)}


def create_network_interface(sim, call, request_id):
    p = call.params
    vpc_id = _need_str(p, "VpcId")
    subnet_id = _need_str(p, "SubnetId")
    name = _name(p, required=True)
    description = _description(p) or ""
    if not well_formed("vpc", vpc_id):
        raise SimError("malformed", "VpcId `%s` is malformed." % vpc_id)
    if not well_formed("subnet", subnet_id):
        raise SimError("malformed", "SubnetId `%s` is malformed." % subnet_id)
    groups = _group_ids(p) or []
    specs = _ip_specs(p)
    count = _count(p)
    _qos(p)
    tags = _tags_param(p)
    for name_ in ("Ipv6Addresses", "Ipv6AddressCount"):
        if p.get(name_) not in (None, [], 0, "0", ""):
            raise SimError("unsupported", "IPv6 addresses are not simulated.")
    primaries = [ip for ip, primary in specs if primary]
    if len(primaries) > 1:
        raise SimError("multiple_primary", "At most one of PrivateIpAddresses may be Primary.")
    token = _token(p)
    region = call.region

    def do(sim):
        w = sim.world
        if w.vpc(region, vpc_id) is None:
            raise SimError("vpc_not_found", "The VPC %s does not exist in %s." % (vpc_id, region))
        subnet = w.subnet(region, subnet_id)
        if subnet is None or subnet["vpc_id"] != vpc_id:
            raise SimError("subnet_not_found", "The subnet %s does not exist in VPC %s." % (subnet_id, vpc_id))
        _check_groups(sim, region, groups)
        named = [ip for ip, dummy in specs]
        w.check_ips(subnet, named)
        automatic = count + (0 if primaries else 1)
        w.check_ip_quota("the new ENI", 0, len(named) + automatic)
        allocated = w.allocate_ips(subnet, automatic, taken=named)
        primary_ip = primaries[0] if primaries else allocated.pop(0)
        secondaries = [ip for ip in named if ip != primary_ip] + allocated
        eni_id = w.new_eni_id()
        w.add_eni({"eni_id": eni_id, "name": name, "description": description, "region": region,
                   "zone": subnet["zone"], "vpc_id": vpc_id, "subnet_id": subnet_id, "primary": False,
                   "mac": _new_mac(), "private_ip": primary_ip, "secondary_ips": secondaries,
                   "created_time": tencent_time(), "instance_id": None, "device_index": None,
                   "attach_time": None, "attach_type": 0, "empty_attachment": False,
                   "groups": list(groups), "tags": dict(tags)})
        return eni_id, {"ips": [primary_ip] + secondaries}

    body, task, replayed = sim.async_write("CreateNetworkInterface", "3.0", call.account, token,
                                           _fingerprint("CreateNetworkInterface", p), request_id, do, _eni_body)
    body["RequestId"] = request_id  # a replay's own, not the first answer's
    return body, {"task_id": task["task_id"], "client_token": token, "replayed": replayed,
                  "eni_id": task["eni_id"]}


def delete_network_interface(sim, call, request_id):
    eni_id = _eni_id_param(call.params)
    region = call.region

    def do(sim):
        eni = sim.world.eni(region, eni_id)
        if eni is None:
            raise SimError("eni_not_found", "ENI %s does not exist." % eni_id)
        sim.check_no_task(eni_id, "DeleteNetworkInterface")
        sim.world.check_delete(eni)
        return eni_id, {}

    body, task, dummy = sim.async_write("DeleteNetworkInterface", "3.0", call.account, None, None, request_id, do,
                                        lambda sim, eni_id: {})
    return {"RequestId": task["task_id"]}, {"task_id": task["task_id"]}


def modify_network_interface_attribute(sim, call, request_id):
    p = call.params
    eni_id = _eni_id_param(p)
    name = _name(p, required=False)
    description = _description(p)
    groups = _group_ids(p)
    trunking = _opt_str(p, "TrunkingFlag")
    if trunking is not None and trunking not in ("Enable", "Disable"):
        raise SimError("invalid_value", "TrunkingFlag must be Enable or Disable.")
    with sim.lock:
        sim.advance()
        eni = sim.world.eni(call.region, eni_id)
        if eni is None:
            raise SimError("eni_not_found", "ENI %s does not exist." % eni_id)
        _check_groups(sim, call.region, groups)
        if name is not None:
            eni["name"] = name
        if description is not None:
            eni["description"] = description
        if groups is not None:
            eni["groups"] = list(groups)
    return {}, {}


def assign_private_ip_addresses(sim, call, request_id):
    p = call.params
    eni_id = _eni_id_param(p)
    specs = _ip_specs(p)
    count = _count(p)
    _qos(p)
    if not specs and not count:
        raise SimError("missing", "Give PrivateIpAddresses or SecondaryPrivateIpAddressCount.")
    if len(specs) + count > ADDRESSES_PER_CALL:
        raise SimError("too_many", "At most %d addresses may be assigned a call." % ADDRESSES_PER_CALL)
    if any(primary for dummy, primary in specs):
        raise SimError("primary_ip", "An ENI has one primary address; assigned addresses are secondary.")
    token = _token(p)
    region = call.region

    def do(sim):
        w = sim.world
        eni = w.eni(region, eni_id)
        if eni is None:
            raise SimError("eni_not_found", "ENI %s does not exist." % eni_id)
        sim.check_no_task(eni_id, "AssignPrivateIpAddresses")
        subnet = w.subnets[eni["subnet_id"]]
        named = [ip for ip, dummy in specs]
        w.check_ips(subnet, named)
        w.check_ip_quota(eni_id, len(w.addresses_of(eni)), len(named) + count)
        new = named + w.allocate_ips(subnet, count, taken=named)
        eni["secondary_ips"] = list(eni["secondary_ips"]) + new
        return eni_id, {"ips": new}

    def answer(sim, eni_id):
        task = sim.tasks.running_for_eni(eni_id)
        return {"PrivateIpAddressSet": [_ip_v3(ip, False, "PENDING") for ip in (task or {}).get("ips", [])]}

    body, task, replayed = sim.async_write("AssignPrivateIpAddresses", "3.0", call.account, token,
                                           _fingerprint("AssignPrivateIpAddresses", p), request_id, do, answer)
    body["RequestId"] = request_id  # a replay's own, not the first answer's
    return body, {"task_id": task["task_id"], "client_token": token, "replayed": replayed}


def unassign_private_ip_addresses(sim, call, request_id):
    p = call.params
    eni_id = _eni_id_param(p)
    ips = [ip for ip, dummy in _ip_specs(p, required=True)]
    if len(set(ips)) != len(ips):
        raise SimError("duplicate_para", "An address is given twice.")
    ins_id = _opt_str(p, "InstanceId")
    if ins_id is not None and not well_formed("ins", ins_id):
        raise SimError("malformed", "InstanceId `%s` is malformed." % ins_id)
    region = call.region

    def do(sim):
        eni = sim.world.eni(region, eni_id)
        if eni is None:
            raise SimError("eni_not_found", "ENI %s does not exist." % eni_id)
        if ins_id is not None and eni["instance_id"] != ins_id:
            raise SimError("address_not_found", "ENI %s is not attached to %s." % (eni_id, ins_id))
        sim.check_no_task(eni_id, "UnassignPrivateIpAddresses")
        for ip in ips:
            if ip == eni["private_ip"]:
                raise SimError("primary_ip", "%s is the primary address of %s; it cannot be unassigned." % (ip, eni_id))
            if ip not in eni["secondary_ips"]:
                raise SimError("address_not_found", "%s is not an address of %s." % (ip, eni_id))
        return eni_id, {"ips": list(ips)}

    body, task, dummy = sim.async_write("UnassignPrivateIpAddresses", "3.0", call.account, None, None, request_id,
                                        do, lambda sim, eni_id: {})
    return {"RequestId": task["task_id"]}, {"task_id": task["task_id"]}


# ---- reads around the ENI: security groups and subnets ------------------------------------------
def _sg_match(g, name, values):
    if name == "security-group-id":
        return g["sg_id"] in values
    if name == "security-group-name":
        return g["name"] in values
    if name == "project-id":
        return str(g["project_id"]) in values
    return _tag_match(g.get("tags") or {}, name, values)


def describe_security_groups(sim, call, request_id):
    p = call.params
    if p.get("SecurityGroupIds") is not None and p.get("Filters") is not None:
        raise SimError("coexist", "SecurityGroupIds and Filters cannot be specified together.")
    ids = _ids_param(p, "SecurityGroupIds", "sg")
    filters = parse_filters(p.get("Filters"), SG_FILTERS)
    offset, limit = _page(p)
    order = _opt_str(p, "OrderField")
    if order is not None and order not in ("CreatedTime", "UpdateTime"):
        raise SimError("invalid_value", "OrderField must be CreatedTime or UpdateTime.")
    direction = (_opt_str(p, "OrderDirection") or "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise SimError("invalid_value", "OrderDirection must be ASC or DESC.")
    with sim.lock:
        # One unknown id fails the whole query, as the real API does (reproduced in issue 17), with the
        # code Tencent documents for this action (ResourceNotFound).
        for g in ids or []:
            if sim.world.security_group(call.region, g) is None:
                raise SimError("sg_not_found", "The security group %s does not exist in %s." % (g, call.region))
        groups = [dict(g) for g in sim.world.data["security_groups"] if g["region"] == call.region
                  and (ids is None or g["sg_id"] in ids) and all(_sg_match(g, n, v) for n, v in filters)]
    if order:
        groups.sort(key=lambda g: g["created_time"])
    if direction == "DESC":
        groups.reverse()
    page = groups[offset:offset + limit]
    return ({"TotalCount": len(groups), "SecurityGroupSet": [{
        "SecurityGroupId": g["sg_id"], "SecurityGroupName": g["name"], "SecurityGroupDesc": g["description"],
        "ProjectId": str(g["project_id"]), "IsDefault": bool(g["is_default"]), "CreatedTime": g["created_time"],
        "UpdateTime": g["created_time"], "TagSet": tag_set(g.get("tags") or {})} for g in page]}, {})


def _subnet_match(sub, name, values):
    field = {"subnet-id": "subnet_id", "vpc-id": "vpc_id", "subnet-name": "name", "zone": "zone",
             "cidr-block": "cidr"}[name]
    return sub[field] in values


def describe_subnets(sim, call, request_id):
    p = call.params
    if p.get("SubnetIds") is not None and p.get("Filters") is not None:
        raise SimError("coexist", "SubnetIds and Filters cannot be specified together.")
    ids = _ids_param(p, "SubnetIds", "subnet")
    filters = parse_filters(p.get("Filters"), SUBNET_FILTERS)
    if any(n.startswith("tag") for n, dummy in filters):
        raise SimError("filter_key", "Subnet tags are not simulated.")
    offset, limit = _page(p)
    with sim.lock:
        sim.advance()
        w = sim.world
        subnets = [s for s in w.data["subnets"] if s["region"] == call.region
                   and (ids is None or s["subnet_id"] in ids) and all(_subnet_match(s, n, v) for n, v in filters)]
        items = [{"VpcId": s["vpc_id"], "SubnetId": s["subnet_id"], "SubnetName": s["name"], "CidrBlock": s["cidr"],
                  "IsDefault": False, "EnableBroadcast": False, "Zone": s["zone"], "RouteTableId": "",
                  "CreatedTime": s.get("created_time", "2024-01-01 00:00:00"),
                  "AvailableIpAddressCount": w.free_count(s), "TotalIpAddressCount": w.usable_count(s),
                  "Ipv6CidrBlock": "", "NetworkAclId": "", "IsRemoteVpcSnat": False, "TagSet": [], "CdcId": "",
                  "IsCdcSubnet": 0} for s in subnets[offset:offset + limit]]
    return {"TotalCount": len(subnets), "SubnetSet": items}, {}


HANDLERS = {
    "DescribeNetworkInterfaces": describe_network_interfaces,
    "AttachNetworkInterface": attach_network_interface,
    "DetachNetworkInterface": detach_network_interface,
    "DescribeVpcTaskResult": describe_vpc_task_result,
    "CreateNetworkInterface": create_network_interface,
    "DeleteNetworkInterface": delete_network_interface,
    "ModifyNetworkInterfaceAttribute": modify_network_interface_attribute,
    "AssignPrivateIpAddresses": assign_private_ip_addresses,
    "UnassignPrivateIpAddresses": unassign_private_ip_addresses,
    "DescribeSecurityGroups": describe_security_groups,
    "DescribeSubnets": describe_subnets,
}
