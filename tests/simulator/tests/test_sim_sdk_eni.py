"""Conformance: Tencent's own SDKs drive the ENI lifecycle and the Tag service over real HTTP.

* tencentcloud-sdk-python-vpc: CreateNetworkInterface, ModifyNetworkInterfaceAttribute,
  AssignPrivateIpAddresses, UnassignPrivateIpAddresses, DeleteNetworkInterface,
  DescribeSecurityGroups, DescribeSubnets, DescribeNetworkInterfaces (tag filters);
* tencentcloud-sdk-python-tag: ModifyResourceTags, DescribeResourceTagsByResourceIds.
"""
import json
import time

import pytest

pytest.importorskip("tencentcloud.common")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.vpc.v20170312 import models, vpc_client  # noqa: E402

tag_sdk = pytest.importorskip("tencentcloud.tag.v20180813")
from tencentcloud.tag.v20180813 import models as tag_models, tag_client  # noqa: E402

from simclient import SID, SKEY  # noqa: E402

SUBNET = "subnet-gz3a0001"
VPC = "vpc-gz000001"
UIN = "100000000001"


def profile(port, sign="TC3-HMAC-SHA256", method="POST"):
    hp = HttpProfile(protocol="http", endpoint="127.0.0.1:%d" % port, reqMethod=method, reqTimeout=10)
    return ClientProfile(httpProfile=hp, signMethod=sign)


def vpc(port, **kw):
    return vpc_client.VpcClient(credential.Credential(SID, SKEY), "ap-guangzhou", profile(port, **kw))


def tags(port, **kw):
    return tag_client.TagClient(credential.Credential(SID, SKEY), "ap-guangzhou", profile(port, **kw))


def req(cls, **kw):
    r = cls()
    r.from_json_string(json.dumps(kw))
    return r


def eni_of(c, eni_id):
    found = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                            NetworkInterfaceIds=[eni_id])).NetworkInterfaceSet
    return found[0] if found else None


def wait_until(check, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("not within %s s" % timeout)


def settled(c, eni_id):
    eni = eni_of(c, eni_id)
    if eni and eni.State == "AVAILABLE" and all(ip.State == "AVAILABLE" for ip in eni.PrivateIpAddressSet):
        return eni
    return None


def sdk_code(call):
    with pytest.raises(TencentCloudSDKException) as exc:
        call()
    assert exc.value.get_request_id()
    return exc.value.get_code()


def create(c, **kw):
    params = dict(VpcId=VPC, SubnetId=SUBNET, NetworkInterfaceName="web-1-second")
    params.update(kw)
    return c.CreateNetworkInterface(req(models.CreateNetworkInterfaceRequest, **params))


@pytest.mark.parametrize("sign,method", [("TC3-HMAC-SHA256", "POST"), ("HmacSHA256", "POST")])
def test_lifecycle(sim, sim_server, sign, method):
    # tasks of 1.5 s: the writes below must meet the create's and the assign's tasks still running,
    # however slowly a busy machine sends them (0.2 s was once too short)
    sim.set_config({"task_seconds": 1.5})
    c = vpc(sim_server.port, sign=sign, method=method)
    subnet = c.DescribeSubnets(req(models.DescribeSubnetsRequest, SubnetIds=[SUBNET])).SubnetSet[0]
    assert (subnet.VpcId, subnet.Zone, subnet.CidrBlock) == (VPC, "ap-guangzhou-3", "10.0.1.0/24")
    free = subnet.AvailableIpAddressCount
    assert subnet.TotalIpAddressCount == 253 and 0 < free < 253
    groups = c.DescribeSecurityGroups(req(models.DescribeSecurityGroupsRequest,
                                          SecurityGroupIds=["sg-web00001", "sg-app00001"]))
    assert groups.TotalCount == 2 and {g.SecurityGroupName for g in groups.SecurityGroupSet} == {"web", "app"}
    # one unknown id fails the whole query, as the real API does
    assert sdk_code(lambda: c.DescribeSecurityGroups(req(models.DescribeSecurityGroupsRequest,
                                                         SecurityGroupIds=["sg-web00001", "sg-nope0001"]))) == "ResourceNotFound"
    by_name = c.DescribeSecurityGroups(req(models.DescribeSecurityGroupsRequest, Limit="10", Offset="0",
                                           Filters=[{"Name": "security-group-name", "Values": ["ssh-admin"]}]))
    assert [g.SecurityGroupId for g in by_name.SecurityGroupSet] == ["sg-ssh00001"]

    made = create(c, NetworkInterfaceDescription="second leg", SecurityGroupIds=["sg-app00001", "sg-web00001"],
                  PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.100", "Primary": False}],
                  Tags=[{"Key": "owner", "Value": "web-team"}], ClientToken="conformance-create-1")
    eni = made.NetworkInterface
    assert eni.State == "PENDING" and eni.NetworkInterfaceName == "web-1-second"
    assert eni.GroupSet == ["sg-app00001", "sg-web00001"]
    assert [(ip.PrivateIpAddress == "10.0.1.100", ip.Primary) for ip in eni.PrivateIpAddressSet] == [(False, True), (True, False)]
    assert {ip.State for ip in eni.PrivateIpAddressSet} == {"PENDING"}
    assert [(t.Key, t.Value) for t in eni.TagSet] == [("owner", "web-team")]
    # the same ClientToken with the same parameters is the same ENI, not a second one
    again = create(c, NetworkInterfaceDescription="second leg", SecurityGroupIds=["sg-app00001", "sg-web00001"],
                   PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.100", "Primary": False}],
                   Tags=[{"Key": "owner", "Value": "web-team"}], ClientToken="conformance-create-1")
    assert again.NetworkInterface.NetworkInterfaceId == eni.NetworkInterfaceId and again.RequestId != made.RequestId
    assert sdk_code(lambda: create(c, ClientToken="conformance-create-1")) == \
        "UnsupportedOperation.IdempotentParameterMismatch"
    eni_id = eni.NetworkInterfaceId
    # while the create runs, the ENI takes no other write
    busy = req(models.AssignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id, SecondaryPrivateIpAddressCount=1)
    assert sdk_code(lambda: c.AssignPrivateIpAddresses(busy)) == "UnsupportedOperation.MutexOperationTaskRunning"
    eni = wait_until(lambda: settled(c, eni_id))
    task = c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId=made.RequestId))
    assert task.Status == "SUCCESS" and task.Result[0].ResourceId == eni_id
    assert c.DescribeSubnets(req(models.DescribeSubnetsRequest, SubnetIds=[SUBNET])).SubnetSet[0].AvailableIpAddressCount == free - 2

    c.ModifyNetworkInterfaceAttribute(req(models.ModifyNetworkInterfaceAttributeRequest, NetworkInterfaceId=eni_id,
                                          NetworkInterfaceName="web-1-eth1",
                                          SecurityGroupIds=["sg-web00001", "sg-app00001"]))
    eni = eni_of(c, eni_id)
    assert eni.NetworkInterfaceName == "web-1-eth1" and eni.GroupSet == ["sg-web00001", "sg-app00001"]
    assert eni.NetworkInterfaceDescription == "second leg"

    assigned = c.AssignPrivateIpAddresses(req(models.AssignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id,
                                              SecondaryPrivateIpAddressCount=2, ClientToken="conformance-assign-1"))
    new = [ip.PrivateIpAddress for ip in assigned.PrivateIpAddressSet]
    assert len(new) == 2 and all(ip.startswith("10.0.1.") for ip in new)
    assert {ip.State for ip in eni_of(c, eni_id).PrivateIpAddressSet if ip.PrivateIpAddress in new} == {"PENDING"}
    eni = wait_until(lambda: settled(c, eni_id))
    assert [ip.PrivateIpAddress for ip in eni.PrivateIpAddressSet][1:] == ["10.0.1.100"] + new

    c.UnassignPrivateIpAddresses(req(models.UnassignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id,
                                     PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.100"}]))
    assert [ip.State for ip in eni_of(c, eni_id).PrivateIpAddressSet if ip.PrivateIpAddress == "10.0.1.100"] == ["DELETING"]
    eni = wait_until(lambda: settled(c, eni_id))
    assert "10.0.1.100" not in [ip.PrivateIpAddress for ip in eni.PrivateIpAddressSet]

    t = tags(sim_server.port, sign=sign, method=method)
    resource = "qcs::vpc:ap-guangzhou:uin/%s:eni/%s" % (UIN, eni_id)
    t.ModifyResourceTags(req(tag_models.ModifyResourceTagsRequest, Resource=resource,
                             ReplaceTags=[{"TagKey": "env", "TagValue": "prod"}], DeleteTags=[{"TagKey": "owner"}]))
    assert [(x.Key, x.Value) for x in eni_of(c, eni_id).TagSet] == [("env", "prod")]
    # Terraform's spelling, with an empty uin, names the same resource
    t.ModifyResourceTags(req(tag_models.ModifyResourceTagsRequest, Resource="qcs::vpc:ap-guangzhou:uin/:eni/" + eni_id,
                             ReplaceTags=[{"TagKey": "team", "TagValue": "web"}]))
    read = t.DescribeResourceTagsByResourceIds(req(tag_models.DescribeResourceTagsByResourceIdsRequest, ServiceType="vpc",
                                                   ResourcePrefix="eni", ResourceIds=[eni_id],
                                                   ResourceRegion="ap-guangzhou"))
    assert read.TotalCount == 2 and {(x.TagKey, x.TagValue) for x in read.Tags} == {("env", "prod"), ("team", "web")}
    found = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                            Filters=[{"Name": "tag:env", "Values": ["prod"]}]))
    assert [e.NetworkInterfaceId for e in found.NetworkInterfaceSet] == [eni_id]
    found = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                            Filters=[{"Name": "tag-key", "Values": ["owner"]}]))
    assert [e.NetworkInterfaceId for e in found.NetworkInterfaceSet] == ["eni-free0019"]

    deleted = c.DeleteNetworkInterface(req(models.DeleteNetworkInterfaceRequest, NetworkInterfaceId=eni_id))
    assert eni_of(c, eni_id).State == "DELETING"
    wait_until(lambda: eni_of(c, eni_id) is None)
    assert c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId=deleted.RequestId)).Status == "SUCCESS"
    assert c.DescribeSubnets(req(models.DescribeSubnetsRequest, SubnetIds=[SUBNET])).SubnetSet[0].AvailableIpAddressCount == free


def test_rules(sim, sim_server):
    c = vpc(sim_server.port)
    assert sdk_code(lambda: create(c, SubnetId="subnet-full0001")) == "ResourceInsufficient.Subnet"
    assert sdk_code(lambda: create(c, SubnetId="subnet-nope0001")) == "ResourceNotFound"
    assert sdk_code(lambda: create(c, SubnetId="subnet-gz3b0001")) == "ResourceNotFound"  # another VPC's subnet
    assert sdk_code(lambda: create(c, SecurityGroupIds=["sg-nope0001"])) == "ResourceNotFound"
    assert sdk_code(lambda: create(c, SecurityGroupIds=["sg-sh000001"])) == "ResourceNotFound"  # another region's
    assert sdk_code(lambda: create(c, SecurityGroupIds=["sg-web00001", "sg-web00001"])) == "InvalidParameterValue"
    assert sdk_code(lambda: create(c, NetworkInterfaceName="n" * 61)) == "InvalidParameterValue.TooLong"
    assert sdk_code(lambda: create(c, NetworkInterfaceName="网" * 21)) == "InvalidParameterValue.TooLong"  # 63 bytes
    eleven = [{"PrivateIpAddress": "10.0.1.%d" % (100 + i)} for i in range(11)]
    assert sdk_code(lambda: create(c, PrivateIpAddresses=eleven)) == "InvalidParameterValue.LimitExceeded"
    assert sdk_code(lambda: create(c, SecondaryPrivateIpAddressCount=11)) == "InvalidParameterValue.LimitExceeded"
    for ip, expected in (("10.0.2.5", "InvalidParameterValue.Range"), ("10.0.1.1", "InvalidParameterValue.Reserved"),
                         ("10.0.1.255", "InvalidParameterValue.Reserved"), ("10.0.1.11", "ResourceInUse"),
                         ("10.0.1.200", "ResourceInUse"), ("10.0.1.999", "InvalidParameterValue.Malformed")):
        assert sdk_code(lambda: create(c, PrivateIpAddresses=[{"PrivateIpAddress": ip}])) == expected, ip
    two_primaries = [{"PrivateIpAddress": "10.0.1.100", "Primary": True}, {"PrivateIpAddress": "10.0.1.101", "Primary": True}]
    assert sdk_code(lambda: create(c, PrivateIpAddresses=two_primaries)) == "InvalidParameterValue"
    assert sdk_code(lambda: create(c, Tags=[{"Key": "qcloud:x", "Value": "y"}])) == "UnsupportedOperation.TagSystemReservedTagKey"
    assert sdk_code(lambda: create(c, Tags=[{"Key": "a\nb", "Value": "y"}])) == "InvalidParameterValue.TagInvalidKey"
    assert sdk_code(lambda: create(c, Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])) == \
        "InvalidParameterValue.TagDuplicateKey"
    assert len(sim.state()["enis"]) == len(sim.initial_world["enis"]), "a refused create left an ENI"
    assert not sim.state()["tasks"], "a refused create started a task"

    # a primary address chosen by the caller
    made = create(c, PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.150", "Primary": True}])
    assert [(ip.PrivateIpAddress, ip.Primary) for ip in made.NetworkInterface.PrivateIpAddressSet] == [("10.0.1.150", True)]
    eni_id = made.NetworkInterface.NetworkInterfaceId
    wait_until(lambda: settled(c, eni_id))

    def assign(**kw):
        return c.AssignPrivateIpAddresses(req(models.AssignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id, **kw))

    def unassign(*ips):
        return c.UnassignPrivateIpAddresses(req(models.UnassignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id,
                                                PrivateIpAddresses=[{"PrivateIpAddress": ip} for ip in ips]))

    assert sdk_code(assign) == "MissingParameter"
    assert sdk_code(lambda: assign(SecondaryPrivateIpAddressCount=11)) == "InvalidParameterValue.LimitExceeded"
    assert sdk_code(lambda: assign(PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.151", "Primary": True}])) == \
        "UnsupportedOperation"
    assert sdk_code(lambda: unassign("10.0.1.150")) == "UnsupportedOperation"
    assert sdk_code(lambda: unassign("10.0.1.151")) == "UnsupportedOperation.AttachmentNotFound"
    assert sdk_code(lambda: unassign(*["10.0.1.%d" % (160 + i) for i in range(11)])) == "InvalidParameterValue.LimitExceeded"
    # the quota of addresses an ENI holds, its primary included
    sim.world.data["options"]["eni_max_private_ips"] = 3
    assert sdk_code(lambda: assign(SecondaryPrivateIpAddressCount=3)) == "LimitExceeded"
    assign(SecondaryPrivateIpAddressCount=2)
    wait_until(lambda: settled(c, eni_id))
    assert sdk_code(lambda: assign(SecondaryPrivateIpAddressCount=1)) == "LimitExceeded"
    assert sdk_code(lambda: create(c, SecondaryPrivateIpAddressCount=3)) == "LimitExceeded"

    assert sdk_code(lambda: c.ModifyNetworkInterfaceAttribute(req(
        models.ModifyNetworkInterfaceAttributeRequest, NetworkInterfaceId=eni_id, SecurityGroupIds=["sg-nope0001"]))) \
        == "ResourceNotFound"
    assert sdk_code(lambda: c.ModifyNetworkInterfaceAttribute(req(
        models.ModifyNetworkInterfaceAttributeRequest, NetworkInterfaceId="eni-nope0001", NetworkInterfaceName="x"))) \
        == "ResourceNotFound"
    for eni, expected in (("eni-held0001", "ResourceInUse"), ("eni-prim0001", "UnsupportedOperation"),
                          ("eni-nope0001", "ResourceNotFound"), ("eni-NOPE", "InvalidParameterValue.Malformed")):
        assert sdk_code(lambda: c.DeleteNetworkInterface(req(models.DeleteNetworkInterfaceRequest,
                                                             NetworkInterfaceId=eni))) == expected, eni
    assert sdk_code(lambda: c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                                            Filters=[{"Name": "tag", "Values": ["x"]}]))) == \
        "InvalidParameter.FilterInvalidKey"
    assert sdk_code(lambda: c.DescribeSecurityGroups(req(models.DescribeSecurityGroupsRequest,
                                                         SecurityGroupIds=["sg-web00001"],
                                                         Filters=[{"Name": "security-group-id", "Values": ["x"]}]))) \
        == "InvalidParameter.Coexist"


def test_task_faults(sim, sim_server):
    """A FAILED task takes back what its write did: the created ENI, the assigned addresses; a
    failed delete or unassign leaves things as they were."""
    c = vpc(sim_server.port)
    sim.faults.add({"action": "CreateNetworkInterface", "fault": "task_failed", "output": "no capacity"})
    made = create(c)
    eni_id = made.NetworkInterface.NetworkInterfaceId
    assert eni_of(c, eni_id).State == "PENDING"
    wait_until(lambda: eni_of(c, eni_id) is None)
    task = c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId=made.RequestId))
    assert (task.Status, task.Output) == ("FAILED", "no capacity")

    eni_id = create(c).NetworkInterface.NetworkInterfaceId
    wait_until(lambda: settled(c, eni_id))
    sim.faults.add({"action": "AssignPrivateIpAddresses", "fault": "task_failed"})
    c.AssignPrivateIpAddresses(req(models.AssignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id,
                                   SecondaryPrivateIpAddressCount=2))
    assert len(eni_of(c, eni_id).PrivateIpAddressSet) == 3
    eni = wait_until(lambda: settled(c, eni_id))
    assert len(eni.PrivateIpAddressSet) == 1
    c.AssignPrivateIpAddresses(req(models.AssignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id,
                                   PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.120"}]))
    wait_until(lambda: settled(c, eni_id))
    sim.faults.add({"action": "UnassignPrivateIpAddresses", "fault": "task_failed"})
    c.UnassignPrivateIpAddresses(req(models.UnassignPrivateIpAddressesRequest, NetworkInterfaceId=eni_id,
                                     PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.120"}]))
    eni = wait_until(lambda: settled(c, eni_id))
    assert "10.0.1.120" in [ip.PrivateIpAddress for ip in eni.PrivateIpAddressSet]
    sim.faults.add({"action": "DeleteNetworkInterface", "fault": "task_failed"})
    deleted = c.DeleteNetworkInterface(req(models.DeleteNetworkInterfaceRequest, NetworkInterfaceId=eni_id))
    wait_until(lambda: settled(c, eni_id))
    assert c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId=deleted.RequestId)).Status == "FAILED"


def test_tag_rules(sim, sim_server):
    t = tags(sim_server.port)

    def modify(resource="qcs::vpc:ap-guangzhou:uin/%s:eni/eni-free0001" % UIN, **kw):
        return t.ModifyResourceTags(req(tag_models.ModifyResourceTagsRequest, Resource=resource, **kw))

    one = [{"TagKey": "env", "TagValue": "prod"}]
    assert sdk_code(modify) == "MissingParameter"
    assert sdk_code(lambda: modify(ReplaceTags=[])) == "InvalidParameter.Tag"
    assert sdk_code(lambda: modify(ReplaceTags=one, DeleteTags=[{"TagKey": "env"}])) == \
        "InvalidParameterValue.DeleteTagsParamError"
    assert sdk_code(lambda: modify(ReplaceTags=[{"TagKey": "k%d" % i, "TagValue": "v"} for i in range(11)])) == \
        "InvalidParameter.Tag"
    for tag, expected in ((("", "v"), "InvalidParameterValue.TagKeyEmpty"),
                          (("k" * 128, "v"), "InvalidParameterValue.TagKeyLengthExceeded"),
                          (("a\tb", "v"), "InvalidParameterValue.TagKeyCharacterIllegal"),
                          (("Tencent-x", "v"), "InvalidParameter.ReservedTagKey"),
                          (("k", "v" * 256), "InvalidParameterValue.TagValueLengthExceeded"),
                          (("k", "line\nbreak"), "InvalidParameterValue.TagValueCharacterIllegal")):
        assert sdk_code(lambda: modify(ReplaceTags=[{"TagKey": tag[0], "TagValue": tag[1]}])) == expected, tag
    for resource, expected in (("eni-free0001", "InvalidParameterValue.ResourceDescriptionError"),
                               ("qcs::cvm:ap-guangzhou:uin/%s:instance/ins-run00001" % UIN,
                                "InvalidParameterValue.ResourceDescriptionError"),
                               ("qcs::vpc:ap-guangzhou:uin/999:eni/eni-free0001",
                                "InvalidParameterValue.ResourceDescriptionError"),
                               # ModifyResourceTags documents no ResourceIdInvalid: the common code
                               ("qcs::vpc:ap-guangzhou:uin/%s:eni/eni-nope0001" % UIN, "ResourceNotFound"),
                               ("qcs::vpc:ap-shanghai:uin/%s:eni/eni-free0001" % UIN, "ResourceNotFound")):
        assert sdk_code(lambda: modify(resource=resource, ReplaceTags=one)) == expected, resource
    for i in range(5):
        modify(ReplaceTags=[{"TagKey": "k%d-%d" % (i, j), "TagValue": "v"} for j in range(10)])
    assert sdk_code(lambda: modify(ReplaceTags=one)) == "LimitExceeded.ResourceAttachedTags"
    modify(DeleteTags=[{"TagKey": "k0-0"}, {"TagKey": "not-there"}])
    modify(ReplaceTags=one)
    assert sdk_code(lambda: t.DescribeResourceTagsByResourceIds(req(
        tag_models.DescribeResourceTagsByResourceIdsRequest, ServiceType="cvm", ResourcePrefix="instance",
        ResourceIds=["ins-run00001"], ResourceRegion="ap-guangzhou"))) == "InvalidParameterValue.ServiceTypeInvalid"
    page = t.DescribeResourceTagsByResourceIds(req(tag_models.DescribeResourceTagsByResourceIdsRequest, ServiceType="vpc",
                                                   ResourcePrefix="eni", ResourceIds=["eni-free0001"],
                                                   ResourceRegion="ap-guangzhou", Limit=15, Offset=15))
    assert page.TotalCount == 50 and len(page.Tags) == 15
