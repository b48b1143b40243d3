"""The CVM service (`cvm`, Version 2017-03-12) in API 3.0: DescribeInstances and DescribeRegions.

Held to Tencent's documentation of DescribeInstances (document/api/213/15728, the SDK's
models.py): InstanceIds (at most 100) or Filters (not both; at most 10 filters and 5 values a
filter), Offset/Limit (default 20, at most 100), AND across filters and OR within a filter's
values, `instance-name` a substring match, and the error codes the Go SDK lists for the action.
An instance's private addresses are those of its primary ENI in the world.
"""
import calendar
import ipaddress
import time

from .common import as_int
from .errors import SimError
from .world import well_formed

SERVICE = "cvm"
VERSION = "2017-03-12"
ACTIONS = {
    "DescribeInstances": {"InstanceIds", "Filters", "Offset", "Limit"},
    "DescribeRegions": set(),
}
REGIONAL = True  # answers only in the world's regions

MAX_IDS = 100
MAX_FILTERS = 10
MAX_VALUES = 5
MAX_LIMIT = 100
CHARGE_TYPES = {"PREPAID", "POSTPAID_BY_HOUR", "CDHPAID", "SPOTPAID"}
# The filters of DescribeInstances (besides tag:<key>)
FILTERS = {"zone", "project-id", "host-id", "dedicated-cluster-id", "vpc-id", "subnet-id", "instance-id",
           "uuid", "security-group-id", "instance-name", "instance-charge-type", "instance-state",
           "private-ip-address", "public-ip-address", "ipv6-address", "tag-key", "tag-value",
           "creation-start-time", "creation-end-time"}
REGION_NAMES = {
    "ap-guangzhou": "South China(Guangzhou)", "ap-shanghai": "East China(Shanghai)",
    "ap-beijing": "North China(Beijing)", "ap-chengdu": "Southwest China(Chengdu)",
    "ap-nanjing": "East China(Nanjing)", "ap-hongkong": "Hong Kong, Macau and Taiwan (China)(Hong Kong, China)",
    "ap-singapore": "Southeast Asia(Singapore)", "na-siliconvalley": "West US(Silicon Valley)",
}


def _uuid(ins_id):
    digits = "%032x" % (int.from_bytes(ins_id.encode(), "big") % (1 << 128))
    return "%s-%s-%s-%s-%s" % (digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:])


def _time(value, name):
    """A creation-*-time value, 'YYYY-MM-DD hh:mm:ss' in Beijing time, as a unix time."""
    try:
        return calendar.timegm(time.strptime(value, "%Y-%m-%d %H:%M:%S")) - 8 * 3600
    except ValueError:
        raise SimError("InvalidParameterValue", "The value `%s` of filter %s is not YYYY-MM-DD hh:mm:ss." % (value, name))


def _created(ins):
    try:
        return calendar.timegm(time.strptime(ins["created_time"], "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return 0


def _check_values(name, values, region):
    """The documented per-filter errors (malformed ids and addresses, a zone of another region)."""
    for v in values:
        if name == "instance-id" and not well_formed("ins", v):
            raise SimError("InvalidInstanceId.Malformed", "The instance id `%s` is malformed." % v)
        if name == "vpc-id" and not well_formed("vpc", v):
            raise SimError("InvalidParameterValue.VpcIdMalformed", "The VPC id `%s` is malformed." % v)
        if name == "subnet-id" and not well_formed("subnet", v):
            raise SimError("InvalidParameterValue.SubnetIdMalformed", "The subnet id `%s` is malformed." % v)
        if name in ("private-ip-address", "public-ip-address"):
            try:
                ipaddress.IPv4Address(v)
            except ValueError:
                raise SimError("InvalidParameterValue.IPAddressMalformed", "The address `%s` is malformed." % v)
        if name == "zone" and not v.startswith(region + "-"):
            raise SimError("InvalidZone.MismatchRegion", "The zone `%s` is not in region %s." % (v, region))
        if name == "instance-charge-type" and v not in CHARGE_TYPES:
            raise SimError("InvalidParameterValue", "The charge type `%s` is not one of %s."
                           % (v, ", ".join(sorted(CHARGE_TYPES))))
        if name in ("creation-start-time", "creation-end-time"):
            _time(v, name)


def _parse_filters(filters, region):
    if not isinstance(filters, list):
        raise SimError("invalid_parameter", "Filters must be a list.")
    if len(filters) > MAX_FILTERS:
        raise SimError("InvalidParameterValue.LimitExceeded",
                       "At most %d filters a request (got %d)." % (MAX_FILTERS, len(filters)))
    parsed = []
    for f in filters:
        if not isinstance(f, dict) or not isinstance(f.get("Name"), str):
            raise SimError("invalid_parameter", "Each filter needs a Name and Values.")
        if set(f) - {"Name", "Values"}:
            raise SimError("unknown_parameter", "Unknown filter field.")
        name, values = f["Name"], f.get("Values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise SimError("invalid_parameter", "Filter Values must be a list of strings.")
        is_tag = name.startswith("tag:") and len(name) > len("tag:")
        if name not in FILTERS and not is_tag:
            raise SimError("InvalidFilter", "The filter `%s` is not supported." % name)
        if not values:
            raise SimError("InvalidParameterValue", "Filter %s has no Values." % name)
        if len(values) > MAX_VALUES:
            raise SimError("InvalidFilterValue.LimitExceeded",
                           "Filter %s takes at most %d values (got %d)." % (name, MAX_VALUES, len(values)))
        _check_values(name, values, region)
        parsed.append((name, values))
    return parsed


def _match(ins, private_ips, name, values):
    tags = ins["tags"]
    if name == "zone":
        return ins["zone"] in values
    if name == "project-id":
        return str(ins["project_id"]) in values
    if name in ("host-id", "dedicated-cluster-id", "ipv6-address"):
        return False  # no CDH, CDC or IPv6 in the world
    if name == "vpc-id":
        return ins["vpc_id"] in values
    if name == "subnet-id":
        return ins.get("subnet_id") in values
    if name == "instance-id":
        return ins["instance_id"] in values
    if name == "uuid":
        return _uuid(ins["instance_id"]) in values
    if name == "security-group-id":
        return any(g in values for g in ins["security_group_ids"])
    if name == "instance-name":
        return any(v in ins["name"] for v in values)  # Tencent matches names by substring
    if name == "instance-charge-type":
        return ins["charge_type"] in values
    if name == "instance-state":
        return ins["state"] in values
    if name == "private-ip-address":
        return any(ip in values for ip in private_ips)
    if name == "public-ip-address":
        return any(ip in values for ip in ins["public_ips"])
    if name == "tag-key":
        return any(k in values for k in tags)
    if name == "tag-value":
        return any(v in values for v in tags.values())
    if name == "creation-start-time":
        return any(_created(ins) >= _time(v, name) for v in values)
    if name == "creation-end-time":
        return any(_created(ins) <= _time(v, name) for v in values)
    key = name[len("tag:"):]
    return key in tags and tags[key] in values


def _instance(ins, private_ips, itype):
    prepaid = ins["charge_type"] == "PREPAID"
    return {
        "Placement": {"Zone": ins["zone"], "ProjectId": ins["project_id"], "HostIds": None, "HostId": None},
        "InstanceId": ins["instance_id"],
        "InstanceType": ins["instance_type"],
        "CPU": int(itype.get("cpu", 1)),
        "Memory": int(itype.get("memory", 1)),
        "RestrictState": "NORMAL",
        "InstanceName": ins["name"],
        "InstanceChargeType": ins["charge_type"],
        "SystemDisk": {"DiskType": "CLOUD_PREMIUM", "DiskId": "disk-" + ins["instance_id"][4:], "DiskSize": 50},
        "DataDisks": None,
        "PrivateIpAddresses": list(private_ips),
        "PublicIpAddresses": list(ins["public_ips"]) or None,
        "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR",
                               "InternetMaxBandwidthOut": 10 if ins["public_ips"] else 0,
                               "PublicIpAssigned": bool(ins["public_ips"])},
        "VirtualPrivateCloud": {"VpcId": ins["vpc_id"], "SubnetId": ins.get("subnet_id") or "",
                                "AsVpcGateway": False},
        "ImageId": ins["image_id"],
        "RenewFlag": "NOTIFY_AND_MANUAL_RENEW" if prepaid else None,
        "CreatedTime": ins["created_time"],
        "ExpiredTime": "2030-01-02T03:04:05Z" if prepaid else None,
        "OsName": ins["os_name"],
        "SecurityGroupIds": list(ins["security_group_ids"]),
        "LoginSettings": {"KeyIds": None},
        "InstanceState": ins["state"],
        "Tags": [{"Key": k, "Value": v} for k, v in ins["tags"].items()],
        "StopChargingMode": "NOT_APPLICABLE",
        "Uuid": _uuid(ins["instance_id"]),
        "LatestOperation": None,
        "LatestOperationState": None,
        "LatestOperationRequestId": None,
        "DisasterRecoverGroupId": "",
        "IPv6Addresses": None,
        "CamRoleName": "",
        "HpcClusterId": "",
        "RdmaIpAddresses": None,
        "IsolatedSource": "NOTISOLATED" if ins["state"] != "SHUTDOWN" else "MANUAL_ISOLATE",
        "DisableApiTermination": False,
        "DefaultLoginUser": "root",
        "DefaultLoginPort": 22,
        "LatestOperationErrorMsg": "",
    }


def describe_instances(sim, call, request_id):
    p = call.params
    ids, filters = p.get("InstanceIds"), p.get("Filters")
    if ids is not None and filters is not None:
        raise SimError("invalid_parameter", "InstanceIds and Filters cannot be specified at the same time.")
    if ids is not None:
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise SimError("invalid_parameter", "InstanceIds must be a list of strings.")
        if len(ids) > MAX_IDS:
            raise SimError("InvalidParameterValue.LimitExceeded", "At most %d InstanceIds a request." % MAX_IDS)
        for i in ids:
            if not well_formed("ins", i):
                raise SimError("InvalidInstanceId.Malformed", "The instance id `%s` is malformed." % i)
    parsed = _parse_filters(filters, call.region) if filters is not None else []
    offset = as_int(p.get("Offset", 0), "Offset")
    limit = as_int(p.get("Limit", 20), "Limit")
    if offset < 0 or limit < 0:
        raise SimError("invalid_value", "Offset and Limit must be >= 0.")
    if limit > MAX_LIMIT:
        raise SimError("InvalidParameterValue.LimitExceeded", "Limit must be at most %d." % MAX_LIMIT)
    id_set = set(ids) if ids is not None else None
    with sim.lock:
        sim.advance()
        world = sim.world
        primary = {}  # instance id -> its primary ENI's addresses (Instance.PrivateIpAddresses)
        for e in world.enis_in(call.region):
            if e["primary"] and e["instance_id"]:
                primary.setdefault(e["instance_id"], []).append(e["private_ip"])
        matched = []
        for ins in world.data["instances"]:
            if ins["region"] != call.region or (id_set is not None and ins["instance_id"] not in id_set):
                continue
            ips = ins["private_ips"] if ins["private_ips"] is not None else primary.get(ins["instance_id"], [])
            if all(_match(ins, ips, n, v) for n, v in parsed):
                matched.append((ins, ips))
        page = [_instance(ins, ips, world.types.get(ins["instance_type"], {}))
                for ins, ips in matched[offset:offset + limit]]
    return {"TotalCount": len(matched), "InstanceSet": page}, {}


def describe_regions(sim, call, request_id):
    with sim.lock:
        regions = [dict(r) for r in sim.world.data["regions"]]
    return ({"TotalCount": len(regions),
             "RegionSet": [{"Region": r["region"], "RegionName": r.get("name") or REGION_NAMES.get(r["region"], r["region"]),
                            "RegionState": r.get("state", "AVAILABLE")} for r in regions]}, {})


HANDLERS = {
    "DescribeInstances": describe_instances,
    "DescribeRegions": describe_regions,
}
