"""Conformance: Tencent's Python SDK drives the read-lag mode and the replayed-write modes.

* read_lag (``--read-lag S``): DescribeNetworkInterfaces (API 3.0, and API 2.0's) shows what a task
  changed S seconds late: the old binding after an attach, no new ENI after a create, the old
  addresses after an assign, a deleted ENI that lingers, and the ENI's State too. Writes and their
  rules use the truth; DescribeVpcTaskResult is never late.
* replay_task_id (``--replay-task-id first|new|both``): a write retried with its ClientToken is
  answered with a RequestId of its own; DescribeVpcTaskResult knows the task by the first, the new,
  or both.

Every error code an answer carries here is one of the action's documented codes (or a common one).
The lag is long next to the tasks (LAG against 0.2 s), so that a read made right after a task's end
is inside it on any machine; nothing here measures speed.
"""
import json
import os
import time

import pytest

pytest.importorskip("tencentcloud.common")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.vpc.v20170312 import models, vpc_client  # noqa: E402

from simclient import SID, SKEY  # noqa: E402

LAG = 3.0
SUBNET = "subnet-gz3a0001"
VPC = "vpc-gz000001"
DOCUMENTED = json.load(open(os.path.join(os.path.dirname(__file__), "..", "qcloud_sim", "documented_errors.json"),
                            encoding="utf-8"))


def client(port):
    hp = HttpProfile(protocol="http", endpoint="127.0.0.1:%d" % port, reqTimeout=10)
    return vpc_client.VpcClient(credential.Credential(SID, SKEY), "ap-guangzhou", ClientProfile(httpProfile=hp))


def call(c, action, **params):
    request = getattr(models, action + "Request")()
    request.from_json_string(json.dumps(params))
    return getattr(c, action)(request)


def refused(c, action, **params):
    """The code of the error the action answers, checked against the action's documented list."""
    with pytest.raises(TencentCloudSDKException) as exc:
        call(c, action, **params)
    code = exc.value.get_code()
    assert exc.value.get_request_id()
    assert code in DOCUMENTED["actions"][action]["codes"] or code in DOCUMENTED["common"], \
        "%s answered %s, which Tencent does not document for it" % (action, code)
    return code


def read(c, eni_id):
    found = call(c, "DescribeNetworkInterfaces", NetworkInterfaceIds=[eni_id])
    assert found.TotalCount == len(found.NetworkInterfaceSet)
    return found.NetworkInterfaceSet[0] if found.NetworkInterfaceSet else None


def by_name(c, name):
    found = call(c, "DescribeNetworkInterfaces", Filters=[{"Name": "network-interface-name", "Values": [name]}])
    return [e.NetworkInterfaceId for e in found.NetworkInterfaceSet]


def until(check, timeout=LAG + 5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("not within %s s" % timeout)


def task_done(c, request_id):
    return until(lambda: call(c, "DescribeVpcTaskResult", TaskId=request_id).Status == "SUCCESS")


@pytest.fixture
def lagging(sim, sim_server):
    sim.set_config({"read_lag": LAG})
    return client(sim_server.port)


def test_an_attach_shows_late_and_writes_see_the_truth(lagging, api):
    c = lagging
    attached = call(c, "AttachNetworkInterface", NetworkInterfaceId="eni-free0001", InstanceId="ins-run00001",
                    ClientToken="lag-attach-1")
    task_done(c, attached.RequestId)  # the task is never late ...
    eni = read(c, "eni-free0001")  # ... the read is: the old binding, and the old state
    assert eni.Attachment is None and eni.State == "AVAILABLE"
    by_instance = call(c, "DescribeNetworkInterfaces",
                       Filters=[{"Name": "attachment.instance-id", "Values": ["ins-run00001"]}])
    assert "eni-free0001" not in [e.NetworkInterfaceId for e in by_instance.NetworkInterfaceSet]
    v2 = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0001"})["data"]["data"][0]
    assert v2["instanceSet"]["instanceId"] == ""
    # the control plane knows the truth: a second attach is refused, though the read shows it free
    assert refused(c, "AttachNetworkInterface", NetworkInterfaceId="eni-free0001",
                   InstanceId="ins-run00003") == "UnsupportedOperation.AttachmentAlreadyExists"
    eni = until(lambda: (read(c, "eni-free0001").Attachment or None) and read(c, "eni-free0001"))
    assert eni.Attachment.InstanceId == "ins-run00001" and eni.State == "AVAILABLE"
    v2 = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0001"})["data"]["data"][0]
    assert v2["instanceSet"]["instanceId"] == "ins-run00001"


def test_the_state_of_a_running_task_shows_late_too(sim, lagging):
    sim.set_config({"task_seconds": LAG + 2})
    c = lagging
    detached = call(c, "DetachNetworkInterface", NetworkInterfaceId="eni-held0001", InstanceId="ins-run00002")
    assert read(c, "eni-held0001").State == "AVAILABLE"  # DETACHING, but not yet read so
    assert call(c, "DescribeVpcTaskResult", TaskId=detached.RequestId).Status == "RUNNING"
    until(lambda: read(c, "eni-held0001").State == "DETACHING")


def test_a_new_eni_is_not_there_until_the_lag_has_passed(lagging, api):
    c = lagging
    made = call(c, "CreateNetworkInterface", VpcId=VPC, SubnetId=SUBNET, NetworkInterfaceName="lag-new-1",
                ClientToken="lag-create-1")
    eni_id = made.NetworkInterface.NetworkInterfaceId
    task_done(c, made.RequestId)
    # not in an id look-up (an empty set, as for any unknown id), nor in a filter's results
    assert read(c, eni_id) is None and by_name(c, "lag-new-1") == []
    r = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": eni_id})
    assert r["codeDesc"] == "InvalidNetworkInterface.NotFound"
    # the write path knows it: an assign is taken
    assigned = call(c, "AssignPrivateIpAddresses", NetworkInterfaceId=eni_id, SecondaryPrivateIpAddressCount=1)
    task_done(c, assigned.RequestId)
    until(lambda: read(c, eni_id))
    assert by_name(c, "lag-new-1") == [eni_id]
    # then the create's end, then the assign, each as late as the other
    until(lambda: read(c, eni_id).State == "AVAILABLE" and len(read(c, eni_id).PrivateIpAddressSet) == 2)


def test_addresses_show_late_both_ways(lagging):
    c = lagging
    before = [ip.PrivateIpAddress for ip in read(c, "eni-free0001").PrivateIpAddressSet]
    assigned = call(c, "AssignPrivateIpAddresses", NetworkInterfaceId="eni-free0001",
                    PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.201"}], ClientToken="lag-assign-1")
    task_done(c, assigned.RequestId)
    assert [ip.PrivateIpAddress for ip in read(c, "eni-free0001").PrivateIpAddressSet] == before
    until(lambda: "10.0.1.201" in [ip.PrivateIpAddress for ip in read(c, "eni-free0001").PrivateIpAddressSet])
    removed = call(c, "UnassignPrivateIpAddresses", NetworkInterfaceId="eni-free0001",
                   PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.201"}])
    task_done(c, removed.RequestId)
    assert "10.0.1.201" in [ip.PrivateIpAddress for ip in read(c, "eni-free0001").PrivateIpAddressSet]
    until(lambda: [ip.PrivateIpAddress for ip in read(c, "eni-free0001").PrivateIpAddressSet] == before)


def test_a_deleted_eni_lingers(lagging):
    c = lagging
    deleted = call(c, "DeleteNetworkInterface", NetworkInterfaceId="eni-free0002")
    task_done(c, deleted.RequestId)
    assert read(c, "eni-free0002") is not None
    # the truth: it is gone for writes
    assert refused(c, "DeleteNetworkInterface", NetworkInterfaceId="eni-free0002") == "ResourceNotFound"
    until(lambda: read(c, "eni-free0002") is None)


def test_synchronous_writes_show_at_once(lagging):
    c = lagging
    call(c, "ModifyNetworkInterfaceAttribute", NetworkInterfaceId="eni-free0001", NetworkInterfaceName="renamed")
    assert read(c, "eni-free0001").NetworkInterfaceName == "renamed"


def test_lag_set_and_cleared_at_runtime(sim, api, sim_server):
    c = client(sim_server.port)
    assert api.ok("POST", "config", {"read_lag": "2.5"})["read_lag"] == 2.5
    assert api.ctl("POST", "config", {"read_lag": -1})[0] == 400
    attached = call(c, "AttachNetworkInterface", NetworkInterfaceId="eni-free0001", InstanceId="ins-run00001")
    task_done(c, attached.RequestId)
    assert read(c, "eni-free0001").Attachment is None
    api.ok("POST", "config", {"read_lag": 0})  # off: reads are the truth again at once
    assert read(c, "eni-free0001").Attachment.InstanceId == "ins-run00001"


# ---- replayed writes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["first", "new", "both"])
def test_a_replayed_write_has_a_request_id_of_its_own(sim, api, sim_server, mode):
    assert api.ok("POST", "config", {"replay_task_id": mode})["replay_task_id"] == mode
    c = client(sim_server.port)
    params = dict(NetworkInterfaceId="eni-free0001", InstanceId="ins-run00001", ClientToken="replay-%s" % mode)
    first = call(c, "AttachNetworkInterface", **params).RequestId
    again = call(c, "AttachNetworkInterface", **params).RequestId
    assert again != first  # RequestId is unique per request
    known = {"first": {first}, "new": {again}, "both": {first, again}}[mode]
    for request_id in (first, again):
        if request_id in known:
            assert task_done(c, request_id)
        else:
            assert refused(c, "DescribeVpcTaskResult", TaskId=request_id) == "ResourceNotFound"
    assert len(sim.state()["tasks"]) == 1  # one task: the replay started none

    made = dict(VpcId=VPC, SubnetId=SUBNET, NetworkInterfaceName="replayed", ClientToken="replay-create-%s" % mode)
    one, two = call(c, "CreateNetworkInterface", **made), call(c, "CreateNetworkInterface", **made)
    assert one.NetworkInterface.NetworkInterfaceId == two.NetworkInterface.NetworkInterfaceId
    assert one.RequestId != two.RequestId
    known = {"first": {one.RequestId}, "new": {two.RequestId}, "both": {one.RequestId, two.RequestId}}[mode]
    for request_id in (one.RequestId, two.RequestId):
        if request_id in known:
            assert task_done(c, request_id)
        else:
            assert refused(c, "DescribeVpcTaskResult", TaskId=request_id) == "ResourceNotFound"


def test_replay_task_id_is_checked(api):
    assert api.ctl("POST", "config", {"replay_task_id": "last"})[0] == 400
    assert api.ok("GET", "config")["replay_task_id"] == "first"
