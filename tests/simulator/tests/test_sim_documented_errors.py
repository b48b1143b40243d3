"""Conformance: every API 3.0 action answers only with error codes Tencent documents for it.

The lists are ``qcloud_sim/documented_errors.json`` (per action, the codes of the Go SDK's
client.go comments; and Tencent's common codes, which any action may answer). Tencent's Python
SDKs drive each action the simulator serves into the error answers it can give; a table of the
kinds each action raises checks the simulator's own kind -> code mapping for every one of them,
and the kinds the driven requests raised must all be in that table.
"""
import json
import os

import pytest

pytest.importorskip("tencentcloud.common")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.cvm.v20170312 import cvm_client  # noqa: E402
from tencentcloud.sts.v20180813 import sts_client  # noqa: E402
from tencentcloud.tag.v20180813 import tag_client  # noqa: E402
from tencentcloud.vpc.v20170312 import vpc_client  # noqa: E402

from qcloud_sim import contention, errors, faults, protocol_v3  # noqa: E402
from qcloud_sim import default_world as dw  # noqa: E402
from simclient import SID, SKEY  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
JSON = os.path.join(HERE, "..", "qcloud_sim", "documented_errors.json")
UIN = "100000000001"

# Kinds any API 3.0 action may raise before or around its handler (protocol_v3.process,
# common.authenticate, common.as_int)
GENERIC = {"missing", "invalid_parameter", "invalid_value", "unknown_parameter", "unknown_action", "region",
           "signature", "expired", "secret_id", "token", "rate_limit", "internal"}
# Kinds each action's handler raises (read from vpc.py, world.py, core.py, cvm.py, tag.py, sts.py)
RAISES = {
    "DescribeNetworkInterfaces": {"coexist", "malformed", "filter_key"},
    "AttachNetworkInterface": {"malformed", "idempotent_mismatch", "eni_not_found", "instance_not_found",
                               "family", "instance_state", "already_attached", "vpc_mismatch", "zone_mismatch",
                               "limit"},
    "DetachNetworkInterface": {"malformed", "idempotent_mismatch", "eni_not_found", "instance_not_found",
                               "not_attached", "primary", "family", "instance_state"},
    "DescribeVpcTaskResult": {"task_not_found"},
    "CreateNetworkInterface": {"too_long", "malformed", "duplicate", "too_many", "range", "tag_invalid_key",
                               "tag_invalid_key_len", "tag_reserved", "tag_invalid_val", "tag_duplicate_key",
                               "tag_limit", "unsupported", "multiple_primary", "idempotent_mismatch", "vpc_not_found",
                               "subnet_not_found", "sg_not_found", "duplicate_para", "reserved", "address_in_use",
                               "eni_ip_limit", "subnet_full"},
    "DeleteNetworkInterface": {"malformed", "eni_not_found", "primary_delete", "in_use"},
    "ModifyNetworkInterfaceAttribute": {"malformed", "too_long", "duplicate", "eni_not_found", "sg_not_found"},
    "AssignPrivateIpAddresses": {"malformed", "too_many", "range", "primary_ip", "idempotent_mismatch",
                                 "eni_not_found", "duplicate_para", "reserved", "address_in_use",
                                 "eni_ip_limit", "subnet_full"},
    "UnassignPrivateIpAddresses": {"malformed", "too_many", "duplicate_para", "eni_not_found", "address_not_found",
                                   "primary_ip"},
    "DescribeSecurityGroups": {"coexist", "malformed", "filter_key"},
    "DescribeSubnets": {"coexist", "malformed", "filter_key"},
    "DescribeInstances": {"InvalidParameterValue", "InvalidInstanceId.Malformed", "InvalidParameterValue.VpcIdMalformed",
                          "InvalidParameterValue.SubnetIdMalformed", "InvalidParameterValue.IPAddressMalformed",
                          "InvalidZone.MismatchRegion", "InvalidParameterValue.LimitExceeded", "InvalidFilter",
                          "InvalidFilterValue.LimitExceeded"},
    "DescribeRegions": set(),
    "ModifyResourceTags": {"resource_description", "resource_id", "tag_api_param", "tag_per_request", "tag_key_empty",
                           "tag_key_long", "tag_key_chars", "tag_api_reserved", "tag_value_long", "tag_value_chars",
                           "tag_key_duplicate", "tag_delete_conflict", "resource_tags"},
    "DescribeResourceTagsByResourceIds": {"service_type", "resource_prefix", "resource_per_request", "tag_offset",
                                          "tag_region"},
    "AssumeRole": {"sts_param", "sts_duration", "role_not_found", "role_untrusted"},
}


def served():
    return {action: service.SERVICE for service in protocol_v3.SERVICES for action in service.ACTIONS}


def test_the_lists_cover_every_action_served():
    with open(JSON, encoding="utf-8") as fh:
        data = json.load(fh)
    listed = {action: item["service"] for action, item in data["actions"].items()}
    assert listed == served(), "documented_errors.json must list exactly the actions the simulator serves " \
                               "(rerun hack/documented_errors.py)"
    assert all(item["codes"] for item in data["actions"].values())
    assert data["commit"] and data["common"]
    assert set(RAISES) == set(served()), "RAISES must name the kinds of every action served"


@pytest.mark.parametrize("action", sorted(RAISES))
def test_every_kind_an_action_raises_has_a_documented_code(action):
    wrong = {kind: errors.v3_code(kind, action) for kind in RAISES[action] | GENERIC
             if not errors.documented(action, errors.v3_code(kind, action))}
    assert not wrong, "%s would answer codes it does not document: %s" % (action, wrong)


@pytest.mark.parametrize("action", sorted(contention.BUSY_CODES))
def test_every_busy_code_is_documented(action):
    assert all(code in errors.DOCUMENTED[action] for code in contention.BUSY_CODES[action])


# ---- the SDKs drive every action into its error answers -----------------------------------------
def _profile(port):
    return ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint="127.0.0.1:%d" % port, reqTimeout=10))


def _clients(port):
    cred = credential.Credential(SID, SKEY)
    return {"vpc": vpc_client.VpcClient(cred, "ap-guangzhou", _profile(port)),
            "cvm": cvm_client.CvmClient(cred, "ap-guangzhou", _profile(port)),
            "tag": tag_client.TagClient(cred, "ap-guangzhou", _profile(port)),
            "sts": sts_client.StsClient(cred, "ap-guangzhou", _profile(port))}


BASE = {"VpcId": "vpc-gz000001", "SubnetId": "subnet-gz3a0001", "NetworkInterfaceName": "conformance"}
TAG_RESOURCE = "qcs::vpc:ap-guangzhou:uin/%s:eni/eni-free0001" % UIN
ONE_TAG = [{"TagKey": "env", "TagValue": "prod"}]


def _ips(*ips, primary=False):
    return [{"PrivateIpAddress": ip, "Primary": primary} for ip in ips]


# action -> requests that each end in an error answer (the SDK raises)
REQUESTS = {
    "DescribeNetworkInterfaces": [
        {"NetworkInterfaceIds": ["eni-free0001"], "Filters": [{"Name": "vpc-id", "Values": ["x"]}]},
        {"NetworkInterfaceIds": ["eni-BAD"]}, {"Filters": [{"Name": "nope", "Values": ["x"]}]},
        {"Filters": "x"}, {"Limit": 101}, {"Limit": "many"}, {"NetworkInterfaceIds": ["eni-free0001"] * 101},
        {"Filters": [{"Name": "vpc-id", "Values": ["x"], "Extra": 1}]}, {"Unknown": 1},
    ],
    "AttachNetworkInterface": [
        {}, {"NetworkInterfaceId": "eni-BAD", "InstanceId": "ins-run00001"},
        {"NetworkInterfaceId": "eni-nope0001", "InstanceId": "ins-run00001"},
        {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-nope0001"},
        {"NetworkInterfaceId": "eni-held0001", "InstanceId": "ins-run00001"},
        {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-pend0001"},
        {"NetworkInterfaceId": "eni-vpc00002", "InstanceId": "ins-run00001"},
        {"NetworkInterfaceId": "eni-zone0004", "InstanceId": "ins-run00001"},
        {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-full0001"},
        {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-bc100001"},
        {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001", "AttachType": 7},
        {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001", "ClientToken": "x" * 65},
    ],
    "DetachNetworkInterface": [
        {"NetworkInterfaceId": "eni-BAD", "InstanceId": "ins-run00002"},
        {"NetworkInterfaceId": "eni-nope0001", "InstanceId": "ins-run00002"},
        {"NetworkInterfaceId": "eni-held0001", "InstanceId": "ins-nope0001"},
        {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"},
        {"NetworkInterfaceId": "eni-prim0001", "InstanceId": "ins-run00001"},
    ],
    "DescribeVpcTaskResult": [{}, {"TaskId": "no-such-task"}, {"TaskId": [1]}],
    "CreateNetworkInterface": [
        dict(BASE, NetworkInterfaceName="n" * 61), dict(BASE, VpcId="vpc-BAD"),
        dict(BASE, SecurityGroupIds=["sg-web00001", "sg-web00001"]), dict(BASE, SecondaryPrivateIpAddressCount=11),
        dict(BASE, SecondaryPrivateIpAddressCount=-1), dict(BASE, QosLevel="GOLD"),
        dict(BASE, Tags=[{"Key": "a\nb", "Value": "y"}]), dict(BASE, Tags=[{"Key": "k" * 128, "Value": "y"}]),
        dict(BASE, Tags=[{"Key": "qcloud:x", "Value": "y"}]), dict(BASE, Tags=[{"Key": "k", "Value": "a\nb"}]),
        dict(BASE, Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]),
        dict(BASE, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(51)]), dict(BASE, Ipv6AddressCount=1),
        dict(BASE, PrivateIpAddresses=_ips("10.0.1.100", "10.0.1.101", primary=True)),
        dict(BASE, VpcId="vpc-nope0001"), dict(BASE, SubnetId="subnet-nope0001"),
        dict(BASE, SecurityGroupIds=["sg-nope0001"]), dict(BASE, PrivateIpAddresses=_ips("10.0.1.100", "10.0.1.100")),
        dict(BASE, PrivateIpAddresses=_ips("10.0.2.5")), dict(BASE, PrivateIpAddresses=_ips("10.0.1.1")),
        dict(BASE, PrivateIpAddresses=_ips("10.0.1.11")), dict(BASE, PrivateIpAddresses=_ips("10.0.1.999")),
        dict(BASE, SubnetId="subnet-full0001"), dict(BASE, SecondaryPrivateIpAddressCount=10),
    ],
    "DeleteNetworkInterface": [{"NetworkInterfaceId": e} for e in ("eni-BAD", "eni-nope0001", "eni-prim0001", "eni-held0001")],
    "ModifyNetworkInterfaceAttribute": [
        {"NetworkInterfaceId": "eni-BAD"}, {"NetworkInterfaceId": "eni-free0001", "NetworkInterfaceName": "n" * 61},
        {"NetworkInterfaceId": "eni-free0001", "SecurityGroupIds": ["sg-web00001", "sg-web00001"]},
        {"NetworkInterfaceId": "eni-free0001", "TrunkingFlag": "Maybe"},
        {"NetworkInterfaceId": "eni-nope0001", "NetworkInterfaceName": "x"},
        {"NetworkInterfaceId": "eni-free0001", "SecurityGroupIds": ["sg-nope0001"]},
    ],
    "AssignPrivateIpAddresses": [
        {"NetworkInterfaceId": "eni-free0001"}, {"NetworkInterfaceId": "eni-BAD", "SecondaryPrivateIpAddressCount": 1},
        {"NetworkInterfaceId": "eni-free0001", "SecondaryPrivateIpAddressCount": 11},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.151", primary=True)},
        {"NetworkInterfaceId": "eni-nope0001", "SecondaryPrivateIpAddressCount": 1},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.150", "10.0.1.150")},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.2.5")},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.1")},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.11")},
        {"NetworkInterfaceId": "eni-free0001", "SecondaryPrivateIpAddressCount": 10},
    ],
    "UnassignPrivateIpAddresses": [
        {"NetworkInterfaceId": "eni-free0001"}, {"NetworkInterfaceId": "eni-BAD", "PrivateIpAddresses": _ips("10.0.1.5")},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips(*["10.0.1.%d" % (160 + i) for i in range(11)])},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.160", "10.0.1.160")},
        {"NetworkInterfaceId": "eni-nope0001", "PrivateIpAddresses": _ips("10.0.1.5")},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.160")},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.160"), "InstanceId": "ins-run00001"},
        {"NetworkInterfaceId": "eni-free0001", "PrivateIpAddresses": _ips("10.0.1.23")},  # its primary
    ],
    "DescribeSecurityGroups": [
        {"SecurityGroupIds": ["sg-web00001"], "Filters": [{"Name": "security-group-id", "Values": ["x"]}]},
        {"SecurityGroupIds": ["sg-BAD"]}, {"Filters": [{"Name": "nope", "Values": ["x"]}]}, {"OrderField": "Name"},
    ],
    "DescribeSubnets": [
        {"SubnetIds": ["subnet-gz3a0001"], "Filters": [{"Name": "vpc-id", "Values": ["x"]}]}, {"SubnetIds": ["sub-BAD"]},
        {"Filters": [{"Name": "nope", "Values": ["x"]}]}, {"Filters": [{"Name": "tag-key", "Values": ["x"]}]},
        {"Offset": -1},
    ],
    "DescribeInstances": [
        {"InstanceIds": ["ins-run00001"], "Filters": [{"Name": "zone", "Values": ["x"]}]}, {"InstanceIds": ["i-BAD"]},
        {"InstanceIds": ["ins-run00001"] * 101}, {"Limit": 101}, {"Offset": -1},
        {"Filters": [{"Name": "nope", "Values": ["x"]}]}, {"Filters": [{"Name": "zone", "Values": []}]},
        {"Filters": [{"Name": "zone", "Values": ["x"] * 11}]}, {"Filters": [{"Name": "zone", "Values": ["ap-shanghai-2"]}]},
        {"Filters": [{"Name": "vpc-id", "Values": ["v-BAD"]}]}, {"Filters": [{"Name": "subnet-id", "Values": ["s-BAD"]}]},
        {"Filters": [{"Name": "instance-id", "Values": ["i-BAD"]}]},
        {"Filters": [{"Name": "private-ip-address", "Values": ["10.0.0.999"]}]},
        {"Filters": [{"Name": "instance-charge-type", "Values": ["FREE"]}]},
        {"Filters": [{"Name": "zone", "Values": ["x"]}] * 11},
    ],
    "DescribeRegions": [{"Unknown": 1}],
    "ModifyResourceTags": [
        {"Resource": TAG_RESOURCE}, {"Resource": TAG_RESOURCE, "ReplaceTags": []},
        {"Resource": TAG_RESOURCE, "ReplaceTags": ONE_TAG, "DeleteTags": [{"TagKey": "env"}]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "k%d" % i, "TagValue": "v"} for i in range(11)]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "", "TagValue": "v"}]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "k" * 128, "TagValue": "v"}]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "a\tb", "TagValue": "v"}]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "Tencent-x", "TagValue": "v"}]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "k", "TagValue": "v" * 256}]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "k", "TagValue": "a\nb"}]},
        {"Resource": TAG_RESOURCE, "ReplaceTags": [{"TagKey": "k", "TagValue": "1"}, {"TagKey": "k", "TagValue": "2"}]},
        {"Resource": "eni-free0001", "ReplaceTags": ONE_TAG},
        {"Resource": "qcs::vpc:ap-guangzhou:uin/%s:eni/eni-nope0001" % UIN, "ReplaceTags": ONE_TAG},
    ],
    "DescribeResourceTagsByResourceIds": [
        {"ServiceType": "cvm", "ResourcePrefix": "instance", "ResourceIds": ["x"], "ResourceRegion": "ap-guangzhou"},
        {"ServiceType": "vpc", "ResourcePrefix": "subnet", "ResourceIds": ["x"], "ResourceRegion": "ap-guangzhou"},
        {"ServiceType": "vpc", "ResourcePrefix": "eni", "ResourceIds": ["x"] * 51, "ResourceRegion": "ap-guangzhou"},
        {"ServiceType": "vpc", "ResourcePrefix": "eni", "ResourceIds": ["x"], "ResourceRegion": "ap-guangzhou",
         "Limit": 10, "Offset": 5},
        {"ServiceType": "vpc", "ResourcePrefix": "eni", "ResourceIds": ["x"], "ResourceRegion": "xx-nowhere"},
        {"ServiceType": "vpc", "ResourcePrefix": "eni", "ResourceIds": ["x"], "ResourceRegion": "ap-guangzhou",
         "Limit": 0},
    ],
    "AssumeRole": [
        {"RoleArn": "nope", "RoleSessionName": "s1"}, {"RoleArn": dw.DEPLOYER_ROLE_ARN, "RoleSessionName": "s"},
        {"RoleArn": dw.DEPLOYER_ROLE_ARN, "RoleSessionName": "s1", "DurationSeconds": 10 ** 7},
        {"RoleArn": "qcs::cam::uin/100000000001:roleName/nobody", "RoleSessionName": "s1"},
        {"RoleArn": dw.AUDITOR_ROLE_ARN, "RoleSessionName": "s1"},
    ],
}


def _sdk_code(client, action, params):
    try:
        client.call_json(action, params)
    except TencentCloudSDKException as exc:
        assert exc.get_request_id(), (action, params)
        return exc.get_code()
    return None


def test_the_sdks_meet_only_documented_codes(sim, sim_server, monkeypatch):
    """Each action, driven into its error answers (and its busy answer, and the common codes of
    every action: auth, unknown parameter, wrong region), answers codes of its list only; every
    kind the requests raised is in RAISES (so the table check above covers it)."""
    raised = set()
    real = protocol_v3.v3_code

    def recording(kind, action=None, code=None):
        raised.add((action, kind))
        return real(kind, action, code)

    monkeypatch.setattr(protocol_v3, "v3_code", recording)
    clients = _clients(sim_server.port)
    sim.world.data["options"]["eni_max_private_ips"] = 5
    answered = {}
    assert set(REQUESTS) == set(served())
    for action, service in sorted(served().items()):
        client = clients[service]
        for params in REQUESTS[action] + [dict(REQUESTS[action][0], NoSuchParameter=1)]:
            code = _sdk_code(client, action, params)
            assert code is not None, "%s %s succeeded" % (action, params)
            answered.setdefault(action, set()).add(code)
        # a wrong key, and a region that does not exist, for each action
        bad = {"vpc": vpc_client.VpcClient, "cvm": cvm_client.CvmClient, "tag": tag_client.TagClient,
               "sts": sts_client.StsClient}[service](credential.Credential(SID, "wrong"), "ap-guangzhou",
                                                     _profile(sim_server.port))
        answered[action].add(_sdk_code(bad, action, {}))
        if service in ("vpc", "cvm"):
            elsewhere = {"vpc": vpc_client.VpcClient, "cvm": cvm_client.CvmClient}[service](
                credential.Credential(SID, SKEY), "xx-nowhere-1", _profile(sim_server.port))
            answered[action].add(_sdk_code(elsewhere, action, {}))
    # busy: a write while a task holds the ENI or the instance
    sim.set_config({"task_seconds": 30})
    clients["vpc"].call_json("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0002", "InstanceId": "ins-run00003"})
    for action, params in (("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0003", "InstanceId": "ins-run00003"}),
                           ("DetachNetworkInterface", {"NetworkInterfaceId": "eni-free0002", "InstanceId": "ins-run00003"}),
                           ("DeleteNetworkInterface", {"NetworkInterfaceId": "eni-free0002"}),
                           ("AssignPrivateIpAddresses", {"NetworkInterfaceId": "eni-free0002",
                                                         "SecondaryPrivateIpAddressCount": 1}),
                           ("UnassignPrivateIpAddresses", {"NetworkInterfaceId": "eni-free0002",
                                                           "PrivateIpAddresses": _ips("10.0.1.160")})):
        code = _sdk_code(clients["vpc"], action, params)
        assert code == contention.BUSY_CODES[action][0], (action, code)
        answered[action].add(code)
    wrong = {action: sorted(c for c in codes if not errors.documented(action, c)) for action, codes in answered.items()}
    assert not any(wrong.values()), wrong
    assert "InternalError" not in set().union(*answered.values()), "an undocumented code was answered as InternalError"
    unlisted = sorted((action, kind) for action, kind in raised
                      if action in RAISES and kind not in RAISES[action] | GENERIC | {"busy"})  # busy: contention.py
    assert not unlisted, "kinds raised that RAISES does not name: %s" % unlisted
    # every kind of the table was reached by a real request, but a few that need a world or a
    # timing the default world lacks
    unreached = sorted((action, kind) for action, kinds in RAISES.items() for kind in kinds
                       if (action, kind) not in raised)
    assert set(unreached) <= UNREACHED, unreached


# kinds the driven requests cannot reach in the default world (checked by the table only)
UNREACHED = {
    ("AttachNetworkInterface", "idempotent_mismatch"), ("DetachNetworkInterface", "idempotent_mismatch"),
    ("CreateNetworkInterface", "idempotent_mismatch"), ("AssignPrivateIpAddresses", "idempotent_mismatch"),
    ("DetachNetworkInterface", "family"), ("DetachNetworkInterface", "instance_state"),
    ("DeleteNetworkInterface", "primary_delete"), ("ModifyResourceTags", "resource_tags"),
    ("AssignPrivateIpAddresses", "subnet_full"), ("ModifyResourceTags", "resource_description"),
}


@pytest.mark.undocumented_ok
def test_strict_mode_answers_an_undocumented_code_as_internal_error(sim, api, monkeypatch):
    monkeypatch.setitem(errors.V3_BY_ACTION, "DescribeSubnets", {"coexist": "UnsupportedOperation.PrimaryIp"})
    params = {"SubnetIds": ["subnet-gz3a0001"], "Filters": [{"Name": "vpc-id", "Values": ["x"]}]}
    before = len(sim.undocumented)
    r = api.v3("DescribeSubnets", params)
    assert r["Error"]["Code"] == "InternalError" and "UnsupportedOperation.PrimaryIp" in r["Error"]["Message"]
    assert sim.undocumented[before:] == [("DescribeSubnets", "UnsupportedOperation.PrimaryIp")]
    assert sim.request_log(0)[-1]["undocumented"] == "UnsupportedOperation.PrimaryIp"
    sim.set_config({"strict_codes": False})
    assert api.v3("DescribeSubnets", params)["Error"]["Code"] == "UnsupportedOperation.PrimaryIp"
    assert len(sim.undocumented) == before + 2


def test_error_faults_take_documented_codes_only(api):
    for spec in ({"action": "AttachNetworkInterface", "code": "UnsupportedOperation.MutexOperationTaskRunning"},
                 {"action": "DescribeNetworkInterfaces", "code": "ResourceInUse.Address"},
                 {"action": "*", "code": "UnsupportedOperation.InvalidState"}):
        status, body = api.ctl("POST", "faults", dict(spec, fault="error"))
        assert status == 400 and spec["code"] in body["error"], body
    for spec in ({"action": "AttachNetworkInterface", "code": "UnsupportedOperation.InvalidState"},
                 {"action": "AssignPrivateIpAddresses", "code": "UnsupportedOperation.MutexOperationTaskRunning"},
                 {"action": "DescribeNetworkInterfaces", "code": "RequestLimitExceeded"},  # a common code
                 {"action": "*", "code": "InternalError"},
                 {"action": "AttachNetworkInterface", "code": "UnsupportedOperation.MutexOperationTaskRunning",
                  "protocol": "2.0"}):  # API 2.0's codes come from its own spec
        api.ok("POST", "faults", dict(spec, fault="error"))
    with pytest.raises(faults.FaultError):
        faults.FaultQueue().add({"fault": "error", "action": "DetachNetworkInterface",
                                 "code": "UnsupportedOperation.ResourceIsInvalidState"})
