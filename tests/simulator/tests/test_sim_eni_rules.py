"""The ENI lifecycle's rules with raw signed requests: idempotency around lost answers, tokens of
refused calls, mutual exclusion, the world's new parts (security groups, subnets' addresses)."""
import time

import pytest

from qcloud_sim.contention import BUSY_CODES

CREATE = "CreateNetworkInterface"
BASE = {"VpcId": "vpc-gz000001", "SubnetId": "subnet-gz3a0001", "NetworkInterfaceName": "lost-answer"}


def code(r):
    return r.get("Error", {}).get("Code")


def named(api, name):
    r = api.v3("DescribeNetworkInterfaces", {"Filters": [{"Name": "network-interface-name", "Values": [name]}]})
    return [e["NetworkInterfaceId"] for e in r["NetworkInterfaceSet"]]


@pytest.mark.parametrize("fault", ["truncated", "delay"])
def test_a_create_whose_answer_is_lost_is_made_once(api, sim, fault):
    sim.faults.add({"action": CREATE, "fault": fault, "seconds": 0.3})
    params = dict(BASE, ClientToken="lost-answer-1")
    if fault == "truncated":
        status, dummy, body = api.v3(CREATE, params, full=True)
        assert status == 200 and b"NetworkInterface" not in body[-20:]
    else:
        api.v3(CREATE, params)
    again = api.v3(CREATE, params)
    assert "Error" not in again
    assert named(api, "lost-answer") == [again["NetworkInterface"]["NetworkInterfaceId"]]
    log = [e for e in sim.request_log() if e["action"] == CREATE]
    assert len(log) == 2 and [e["client_token"] for e in log] == ["lost-answer-1"] * 2
    assert len({e["task_id"] for e in log}) == 1, "the retry started another task"


def test_a_refused_create_does_not_keep_its_token(api):
    r = api.v3(CREATE, dict(BASE, SubnetId="subnet-full0001", ClientToken="refused-1"))
    assert code(r) == "ResourceInsufficient.Subnet"
    r = api.v3(CREATE, dict(BASE, ClientToken="refused-1"))
    assert "Error" not in r, r


def test_a_token_is_bound_to_its_action(api):
    r = api.v3(CREATE, dict(BASE, ClientToken="shared-1"))
    eni_id = r["NetworkInterface"]["NetworkInterfaceId"]
    time.sleep(0.3)
    r = api.v3("AssignPrivateIpAddresses", {"NetworkInterfaceId": eni_id, "SecondaryPrivateIpAddressCount": 1,
                                            "ClientToken": "shared-1"})
    assert code(r) == "UnsupportedOperation.IdempotentParameterMismatch"
    r = api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001",
                                          "ClientToken": "shared-1"})
    assert code(r) == "UnsupportedOperation.IdempotentParameterMismatch"


def test_writes_wait_for_a_running_task_on_the_eni(api, sim):
    attach = api.v3("AttachNetworkInterface", {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"})
    assert "Error" not in attach
    for action, params in (("DeleteNetworkInterface", {}),
                           ("AssignPrivateIpAddresses", {"SecondaryPrivateIpAddressCount": 1}),
                           ("UnassignPrivateIpAddresses", {"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.1"}]})):
        r = api.v3(action, dict(params, NetworkInterfaceId="eni-free0001"))
        # each write's own documented busy answer (contention.BUSY_CODES, the default first)
        assert code(r) == BUSY_CODES[action][0], (action, r)
    # attribute changes are synchronous and allowed meanwhile
    r = api.v3("ModifyNetworkInterfaceAttribute", {"NetworkInterfaceId": "eni-free0001", "NetworkInterfaceDescription": "x"})
    assert "Error" not in r
    api.wait_task(attach["RequestId"])
    r = api.v3("DeleteNetworkInterface", {"NetworkInterfaceId": "eni-free0001"})
    assert code(r) == "ResourceInUse", r


def test_the_world_shows_and_takes_the_new_parts(api, sim):
    state = api.ok("GET", "state")
    assert {g["sg_id"] for g in state["security_groups"]} >= {"sg-web00001", "sg-app00001", "sg-ssh00001"}
    full = [s for s in state["subnets"] if s["subnet_id"] == "subnet-full0001"][0]
    assert full["cidr"] == "10.0.9.0/29" and len(full["used_ips"]) == 5
    free19 = [e for e in state["enis"] if e["eni_id"] == "eni-free0019"][0]
    assert free19["tags"] == {"env": "staging", "owner": "web-team"} and free19["groups"] == ["sg-web00001"]
    state.pop("tasks")
    state.pop("config")
    state["enis"][0]["groups"] = ["sg-gone0001"]
    status, out = api.ctl("POST", "world", state)
    assert status == 400 and "sg-gone0001" in str(out)
    del state["enis"][0]["groups"]
    for s in state["subnets"]:
        s.pop("cidr")  # a world without CIDRs still works (a /16 of its own)
    api.ok("POST", "world", state)
    r = api.v3(CREATE, BASE)
    assert "Error" not in r and r["NetworkInterface"]["PrivateIpAddressSet"][0]["PrivateIpAddress"].startswith("10.255.")


def test_v2_shows_secondary_addresses_and_groups(api):
    r = api.v2("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0019"})
    eni = r["data"]["data"][0]
    assert [(a["privateIpAddress"], a["primary"]) for a in eni["privateIpAddressesSet"]][1] == ("10.0.1.200", False)
    assert eni["groupSet"] == [{"sgId": "sg-web00001", "sgName": "web", "sgRemark": "HTTP and HTTPS from anywhere"}]
