"""The default world (documented in tests/simulator/README.md)."""
from .world import data_copy

DEFAULT_SECRET_ID = "AKIDSIMULATOR00000000000000000000000"
DEFAULT_SECRET_KEY = "simulatorSecretKey000000000000000"
DEFAULT_APP_ID = 1250000000
DEFAULT_UIN = "100000000001"
SECOND_SECRET_ID = "AKIDSIMULATORSECOND00000000000000000"
SECOND_APP_ID = 1250000001
SECOND_UIN = "100000000002"
APP_ID_BY_UIN = {DEFAULT_UIN: DEFAULT_APP_ID, SECOND_UIN: SECOND_APP_ID}

# STS roles (README "Roles")
DEPLOYER_ROLE_ARN = "qcs::cam::uin/100000000001:roleName/ansible-deployer"
DEPLOYER_ROLE_ID = "4611686018427397919"
AUDITOR_ROLE_ARN = "qcs::cam::uin/100000000001:roleName/second-account-auditor"
CVM_ROLE_ARN = "qcs::cam::uin/100000000001:roleName/ansible-cvm-role"
DEFAULT_METADATA_ROLE = "ansible-cvm-role"

CREATED = "2024-01-02 03:04:05"
CVM_CREATED = "2024-01-02T03:04:05Z"  # CVM reports times in ISO 8601, UTC
ATTACHED = "2024-01-02 03:05:00"

_SUBNET_PREFIX = {
    "subnet-gz3a0001": "10.0.1.",
    "subnet-gz4a0001": "10.0.2.",
    "subnet-gz3b0001": "10.1.1.",
    "subnet-sh2a0001": "10.2.1.",
    "subnet-bj5a0001": "10.3.1.",
    "subnet-bj6a0001": "10.3.2.",
}
_SUBNET_INFO = {
    "subnet-gz3a0001": ("ap-guangzhou", "vpc-gz000001", "ap-guangzhou-3"),
    "subnet-gz4a0001": ("ap-guangzhou", "vpc-gz000001", "ap-guangzhou-4"),
    "subnet-gz3b0001": ("ap-guangzhou", "vpc-gz000002", "ap-guangzhou-3"),
    "subnet-sh2a0001": ("ap-shanghai", "vpc-sh000001", "ap-shanghai-2"),
    "subnet-bj5a0001": ("ap-beijing", "vpc-bj000001", "ap-beijing-5"),
    "subnet-bj6a0001": ("ap-beijing", "vpc-bj000001", "ap-beijing-6"),
}
_SUBNET_NAMES = {"subnet-gz3a0001": "gz3-main", "subnet-gz4a0001": "gz4-main", "subnet-gz3b0001": "gz3-other",
                 "subnet-sh2a0001": "sh2-main", "subnet-bj5a0001": "bj5-main", "subnet-bj6a0001": "bj6-main"}
# A subnet with no free address: 10.0.9.0/29 has 5 usable addresses (network, gateway and
# broadcast are reserved), all held by machines the world does not model.
FULL_SUBNET = {"subnet_id": "subnet-full0001", "region": "ap-guangzhou", "vpc_id": "vpc-gz000001",
               "zone": "ap-guangzhou-3", "cidr": "10.0.9.0/29", "name": "gz3-full",
               "used_ips": ["10.0.9.2", "10.0.9.3", "10.0.9.4", "10.0.9.5", "10.0.9.6"]}
# (id, region, name, description, is_default)
_SECURITY_GROUPS = [
    ("sg-web00001", "ap-guangzhou", "web", "HTTP and HTTPS from anywhere", False),
    ("sg-app00001", "ap-guangzhou", "app", "the application tier", False),
    ("sg-ssh00001", "ap-guangzhou", "ssh-admin", "SSH from the bastion", False),
    ("sg-dflt0001", "ap-guangzhou", "default", "the project's default group", True),
    ("sg-sh000001", "ap-shanghai", "default", "the project's default group", True),
]

# CVM images (ImageId, OsName)
UBUNTU = ("img-ubuntu22", "Ubuntu Server 22.04 LTS 64bit")
CENTOS = ("img-centos79", "CentOS 7.9 64bit")
TLINUX = ("img-tlinux31", "TencentOS Server 3.1 (TK4)")
# What the CVM API shows of each instance besides its network (README "The default world").
# instance id -> (name, tags, image, public addresses, charge type)
_CVM = {
    "ins-run00001": ("web-1", {"env": "prod", "role": "web", "team": "blue"}, UBUNTU, ["203.0.113.11"], "POSTPAID_BY_HOUR"),
    "ins-run00002": ("web-2", {"env": "prod", "role": "web", "team": "blue"}, UBUNTU, ["203.0.113.12"], "POSTPAID_BY_HOUR"),
    "ins-run00003": ("db-1", {"env": "prod", "role": "db", "team": "red"}, CENTOS, [], "PREPAID"),
    "ins-stop0001": ("batch-1", {"env": "staging", "role": "batch"}, TLINUX, [], "POSTPAID_BY_HOUR"),
    "ins-pend0001": ("web-3", {"env": "staging", "role": "web"}, UBUNTU, [], "POSTPAID_BY_HOUR"),
    "ins-zone0004": ("cache-1", {"env": "prod", "role": "cache"}, TLINUX, [], "POSTPAID_BY_HOUR"),
    "ins-vpc00002": ("db-2", {"env": "dev", "role": "db"}, CENTOS, [], "POSTPAID_BY_HOUR"),
    "ins-full0001": ("web-4", {"env": "dev", "role": "web"}, UBUNTU, ["203.0.113.14"], "POSTPAID_BY_HOUR"),
    "ins-bc100001": ("bare-1", {"env": "dev"}, CENTOS, [], "PREPAID"),
    "ins-sh000001": ("sh-web-1", {"env": "prod", "role": "web"}, UBUNTU, ["203.0.113.21"], "POSTPAID_BY_HOUR"),
}
# ap-beijing: added after the ENIs above, so their MACs and addresses stay what they were.
# (instance id, state, subnet, primary eni, name, tags, image, public addresses)
_BEIJING = [
    ("ins-bj000001", "RUNNING", "subnet-bj5a0001", "eni-prim0011", "bj-web-1", {"env": "prod", "role": "web"}, UBUNTU, ["198.51.100.31"]),
    # the same name as ins-vpc00002: two instances may share one
    ("ins-bj000002", "STOPPED", "subnet-bj6a0001", "eni-prim0012", "db-2", {"env": "staging", "role": "db"}, CENTOS, []),
    # SHUTDOWN: stopped and waiting in the recycle bin to be destroyed
    ("ins-bj000003", "SHUTDOWN", "subnet-bj5a0001", "eni-prim0013", "bj-old-1", {"env": "prod", "role": "web"}, UBUNTU, []),
    ("ins-bj000004", "TERMINATING", "subnet-bj5a0001", "eni-prim0014", "bj-gone-1", {"env": "prod", "role": "web"}, UBUNTU, []),
    ("ins-bj000005", "LAUNCH_FAILED", "subnet-bj6a0001", "eni-prim0015", "bj-failed-1", {"env": "dev"}, TLINUX, []),
]


def _eni(n, eni_id, subnet_id, name, description, primary=False, instance_id=None,
         device_index=None):
    region, vpc_id, zone = _SUBNET_INFO[subnet_id]
    return {
        "eni_id": eni_id,
        "name": name,
        "description": description,
        "region": region,
        "zone": zone,
        "vpc_id": vpc_id,
        "subnet_id": subnet_id,
        "primary": primary,
        "mac": "20:90:6F:%02X:%02X:%02X" % (0x10 + (n >> 16 & 0xff), n >> 8 & 0xff, n & 0xff),
        "private_ip": _SUBNET_PREFIX[subnet_id] + str(10 + n),
        "created_time": CREATED,
        "instance_id": instance_id,
        "device_index": device_index,
        "attach_time": ATTACHED if instance_id else None,
        "attach_type": 0,
        "empty_attachment": False,
        "groups": [],
        "secondary_ips": [],
        "tags": {},
    }


# (instance id, state, type, subnet, primary eni, [secondary enis])
_INSTANCES = [
    ("ins-run00001", "RUNNING", "S5.MEDIUM4", "subnet-gz3a0001", "eni-prim0001", []),
    ("ins-run00002", "RUNNING", "S5.MEDIUM4", "subnet-gz3a0001", "eni-prim0002", ["eni-held0001"]),
    ("ins-run00003", "RUNNING", "S5.LARGE8", "subnet-gz3a0001", "eni-prim0003", []),
    ("ins-stop0001", "STOPPED", "S5.MEDIUM4", "subnet-gz3a0001", "eni-prim0004", []),
    ("ins-pend0001", "PENDING", "S5.MEDIUM4", "subnet-gz3a0001", "eni-prim0005", []),
    ("ins-zone0004", "RUNNING", "S5.MEDIUM4", "subnet-gz4a0001", "eni-prim0006", []),
    ("ins-vpc00002", "RUNNING", "S5.MEDIUM4", "subnet-gz3b0001", "eni-prim0007", []),
    ("ins-full0001", "RUNNING", "S5.SMALL2", "subnet-gz3a0001", "eni-prim0008", ["eni-fulls001"]),
    ("ins-bc100001", "RUNNING", "BC1.SMALL1", "subnet-gz3a0001", "eni-prim0009", []),
    ("ins-sh000001", "RUNNING", "S5.MEDIUM4", "subnet-sh2a0001", "eni-prim0010", []),
]


def _cvm_fields(name, tags, image, public_ips, charge_type):
    return {"name": name, "tags": dict(tags), "image_id": image[0], "os_name": image[1],
            "public_ips": list(public_ips), "charge_type": charge_type,
            "security_group_ids": ["sg-web00001"] if tags.get("role") == "web" else ["sg-base0001"],
            "created_time": CVM_CREATED}


def build_default_world():
    world = {
        "keys": [
            {"secret_id": "AKIDSIMULATORTEMP0000000000000000000",
             "secret_key": "simulatorTempKey00000000000000000",
             "token": "simulator-session-token-0001",
             "expired_time": 4102444800,
             "app_id": DEFAULT_APP_ID, "uin": DEFAULT_UIN},
            {"secret_id": "AKIDSIMULATOREXPIRED0000000000000000",
             "secret_key": "simulatorExpiredKey00000000000000",
             "token": "simulator-session-token-expired",
             "expired_time": 1600000000,
             "app_id": DEFAULT_APP_ID, "uin": DEFAULT_UIN},
            {"secret_id": "AKIDSIMULATORDISABLED000000000000000",
             "secret_key": "simulatorDisabledKey0000000000000",
             "disabled": True,
             "app_id": DEFAULT_APP_ID, "uin": DEFAULT_UIN},
            {"secret_id": SECOND_SECRET_ID,
             "secret_key": "simulatorSecondKey000000000000000",
             "app_id": SECOND_APP_ID, "uin": SECOND_UIN},
        ],
        "roles": [
            # any key of account 100000000001 (the CLI key, the temporary key) may assume it
            {"arn": DEPLOYER_ROLE_ARN, "role_id": DEPLOYER_ROLE_ID, "app_id": DEFAULT_APP_ID,
             "trusted_uins": [DEFAULT_UIN], "trusted_secret_ids": []},
            # only the second account's key may assume it: the CLI key gets UnauthorizedOperation
            {"arn": AUDITOR_ROLE_ARN, "app_id": DEFAULT_APP_ID,
             "trusted_uins": [], "trusted_secret_ids": [SECOND_SECRET_ID]},
            # the CVM instance role of the metadata service; trusts no key (a service role)
            {"arn": CVM_ROLE_ARN, "app_id": DEFAULT_APP_ID,
             "trusted_uins": [], "trusted_secret_ids": []},
        ],
        "regions": [
            {"region": "ap-guangzhou", "zones": ["ap-guangzhou-3", "ap-guangzhou-4"]},
            {"region": "ap-shanghai", "zones": ["ap-shanghai-2"]},
            {"region": "ap-beijing", "zones": ["ap-beijing-5", "ap-beijing-6"]},
        ],
        "vpcs": [
            {"vpc_id": "vpc-gz000001", "region": "ap-guangzhou", "name": "gz-main", "cidr": "10.0.0.0/16"},
            {"vpc_id": "vpc-gz000002", "region": "ap-guangzhou", "name": "gz-other", "cidr": "10.1.0.0/16"},
            {"vpc_id": "vpc-sh000001", "region": "ap-shanghai", "name": "sh-main", "cidr": "10.2.0.0/16"},
            {"vpc_id": "vpc-bj000001", "region": "ap-beijing", "name": "bj-main", "cidr": "10.3.0.0/16"},
        ],
        "subnets": [
            {"subnet_id": s, "region": r, "vpc_id": v, "zone": z, "cidr": _SUBNET_PREFIX[s] + "0/24",
             "name": _SUBNET_NAMES[s], "used_ips": []}
            for s, (r, v, z) in _SUBNET_INFO.items()
        ] + [dict(FULL_SUBNET)],
        "security_groups": [
            {"sg_id": g, "region": r, "name": n, "description": d, "project_id": 0, "is_default": dflt,
             "created_time": CREATED, "tags": {}}
            for g, r, n, d, dflt in _SECURITY_GROUPS
        ],
        "instance_types": [
            {"instance_type": "S5.SMALL2", "family": "S5", "max_enis": 2, "eni_supported": True, "cpu": 1, "memory": 2},
            {"instance_type": "S5.MEDIUM4", "family": "S5", "max_enis": 4, "eni_supported": True, "cpu": 2, "memory": 4},
            {"instance_type": "S5.LARGE8", "family": "S5", "max_enis": 8, "eni_supported": True, "cpu": 4, "memory": 8},
            {"instance_type": "BC1.SMALL1", "family": "BC1", "max_enis": 1, "eni_supported": False, "cpu": 1, "memory": 1},
        ],
        "instances": [],
        "enis": [],
        "options": {"empty_attachment_object": False, "eni_max_private_ips": 20},
    }
    n = 0
    for ins_id, state, itype, subnet, prim, secondaries in _INSTANCES:
        region, vpc, zone = _SUBNET_INFO[subnet]
        world["instances"].append(dict({
            "instance_id": ins_id, "region": region, "zone": zone, "vpc_id": vpc,
            "subnet_id": subnet, "state": state, "instance_type": itype,
        }, **_cvm_fields(*_CVM[ins_id])))
        n += 1
        world["enis"].append(_eni(n, prim, subnet, "primary-" + ins_id[4:],
                                  "primary ENI of " + ins_id, True, ins_id, 0))
        for i, sec in enumerate(secondaries, start=1):
            n += 1
            world["enis"].append(_eni(n, sec, subnet, sec, "secondary ENI of " + ins_id,
                                      False, ins_id, i))
    for i in range(1, 21):
        n += 1
        world["enis"].append(_eni(n, "eni-free%04d" % i, "subnet-gz3a0001", "free-%04d" % i,
                                  "free ENI %d" % i))
    # one free ENI reports the documented "empty" Attachment object instead of null
    world["enis"][-1]["empty_attachment"] = True
    # one has a security group, a second address and tags (the qcloud_eni_info examples find it)
    world["enis"][-2].update(groups=["sg-web00001"], secondary_ips=["10.0.1.200"],
                             tags={"env": "staging", "owner": "web-team"})
    for eni_id, subnet in (("eni-zone0004", "subnet-gz4a0001"), ("eni-vpc00002", "subnet-gz3b0001"),
                           ("eni-sh000001", "subnet-sh2a0001")):
        n += 1
        world["enis"].append(_eni(n, eni_id, subnet, eni_id, "free ENI " + eni_id))
    for ins_id, state, subnet, prim, name, tags, image, public_ips in _BEIJING:
        region, vpc, zone = _SUBNET_INFO[subnet]
        world["instances"].append(dict({
            "instance_id": ins_id, "region": region, "zone": zone, "vpc_id": vpc,
            "subnet_id": subnet, "state": state, "instance_type": "S5.MEDIUM4",
        }, **_cvm_fields(name, tags, image, public_ips, "POSTPAID_BY_HOUR")))
        n += 1
        world["enis"].append(_eni(n, prim, subnet, "primary-" + ins_id[4:], "primary ENI of " + ins_id,
                                  True, ins_id, 0))
    return world


def default_world():
    return data_copy(_DEFAULT)


_DEFAULT = build_default_world()
