# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_eni through main(): create, no-op, addresses, groups, tags, delete, failures and hostile input.

The cloud is the simulator in-process (fixtures/sim.py, the VPC and Tag services checking every
signature); lost answers, lagging reads, refusals and tasks that do not end are its faults and
config; only the clocks are fakes.
"""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils._eni import VpcApi
from ansible_collections.tencent.qcloud.plugins.module_utils._lifecycle import EniLifecycle
from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni
from ansible_collections.tencent.qcloud.tests.unit.plugins.conftest import ModuleRun
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, _built, api_log, dw

SECRET_ID = DEFAULT_SECRET_ID
SECRET_KEY = DEFAULT_SECRET_KEY
SUBNET = "subnet-gz3a0001"
ETH1 = {"name": "web-1-eth1", "subnet_id": SUBNET, "description": "second leg of web-1",
        "security_group_ids": ["sg-web00001", "sg-app00001"], "private_ip_addresses": ["10.0.1.11", "10.0.1.12"],
        "tags": {"owner": "web-team"}}
DESCRIBE = "DescribeNetworkInterfaces"


def world(enis=(), groups=(), max_ips=None):
    """The default world with the ENIs of subnet-gz3a0001 moved to 10.0.1.150 and up (the tests'
    addresses stay free), plus ``enis`` and security groups ``groups`` (built once per process)."""
    return _built(_world_data, list(enis), list(groups), max_ips)


def _world_data(enis, groups, max_ips):
    data = dw.default_world()
    n = 150
    for e in data["enis"]:
        if e.get("subnet_id") == SUBNET:
            e["private_ip"] = "10.0.1.%d" % n
            e["secondary_ips"] = []
            n += 1
    data["enis"] += [copy.deepcopy(e) for e in enis]
    data["security_groups"] += [{"sg_id": g, "region": "ap-guangzhou", "name": g[3:6]} for g in groups]
    if max_ips:  # Tencent's per-ENI address quota depends on the instance type
        data["options"]["eni_max_private_ips"] = max_ips
    return data


def eni(eni_id, name="web-1-eth1", primary_ip="10.0.1.40", secondaries=(), groups=(), tags=None, holder=None,
        primary=False, description=""):
    """An ENI of the world file (subnet-gz3a0001)."""
    return {"eni_id": eni_id, "name": name, "description": description, "subnet_id": SUBNET, "primary": primary,
            "private_ip": primary_ip, "secondary_ips": list(secondaries), "groups": list(groups), "tags": dict(tags or {}),
            "instance_id": holder, "device_index": (0 if primary else 2) if holder else None,
            "attach_time": "2024-01-02 03:05:00" if holder else None}


class Run(ModuleRun):
    def __init__(self, result, raw, cloud, clock, since):
        super().__init__(result, raw)
        self.cloud, self.clock = cloud, clock
        self.calls = [(e["action"], e["params"]) for e in api_log(cloud) if e["seq"] > since]

    @property
    def eni(self):
        return self.result.get("network_interface")

    @property
    def actions(self):
        return [action for action, dummy in self.calls]

    @property
    def writes(self):
        return [(a, p) for a, p in self.calls if not a.startswith("Describe")]


@pytest.fixture
def cloud(sim):
    sim.next_world = world()  # loaded by the first run (one world built per test)
    return sim


def enis(cloud):
    return cloud.world.enis


def named(cloud, name):
    return [i for i, e in enis(cloud).items() if e["name"] == name]


def fault(cloud, action, fault="error", count=1, **kw):
    cloud.faults.add(dict(kw, action=action, fault=fault, count=count))


def before(cloud, action, hook):
    """``hook(params)`` runs before each request for ``action`` reaches the simulator."""
    cloud.session.adapter.before.append(lambda sent, request: hook(json.loads(request.body)) if sent == action else None)


@pytest.fixture
def run(cloud, run_module, clock):
    def runner(check_mode=False, diff=False, **params):
        if cloud.next_world is not None:
            cloud.set_world(cloud.next_world)
            cloud.next_world = None
        log = api_log(cloud)
        since = log[-1]["seq"] if log else 0
        r = run_module(qcloud_eni.main, {"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "region": "ap-guangzhou"},
                       check_mode=check_mode, diff=diff, **params)
        return Run(r.result, r.raw, cloud, clock, since)

    return runner


def existing(cloud, **kw):
    base = dict(name="web-1-eth1", secondaries=["10.0.1.11", "10.0.1.12"], groups=["sg-web00001", "sg-app00001"],
                tags={"owner": "web-team"}, description="second leg of web-1")
    base.update(kw)
    cloud.next_world = world([eni("eni-eth10001", **base)])
    return "eni-eth10001"


# ================================================================== create and no-op


def test_create_by_name_and_subnet(run):
    r = run(**ETH1)
    assert not r.failed and r.result["changed"] is True
    creates = [p for a, p in r.calls if a == "CreateNetworkInterface"]
    assert len(creates) == 1
    params = creates[0]
    assert params["VpcId"] == "vpc-gz000001" and params["SubnetId"] == SUBNET  # the VPC comes from the subnet
    assert params["SecurityGroupIds"] == ["sg-web00001", "sg-app00001"]
    # no primary asked for: Tencent picks it from a create without addresses, the secondary ones come after
    assert "PrivateIpAddresses" not in params
    (assign,) = [p for a, p in r.calls if a == "AssignPrivateIpAddresses"]
    assert assign["PrivateIpAddresses"] == [{"PrivateIpAddress": "10.0.1.11", "Primary": False},
                                            {"PrivateIpAddress": "10.0.1.12", "Primary": False}]
    assert params["Tags"] == [{"Key": "owner", "Value": "web-team"}]
    assert len(params["ClientToken"]) == 36
    assert r.actions[:3] == [DESCRIBE, "DescribeSubnets", "DescribeSecurityGroups"]
    assert r.actions[-1] == DESCRIBE and "DescribeVpcTaskResult" not in r.actions
    eni = r.eni
    assert eni["state"] == "AVAILABLE" and eni["network_interface_id"] in enis(r.cloud)
    assert eni["private_ip_addresses"][1:] == ["10.0.1.11", "10.0.1.12"]
    assert eni["primary_private_ip_address"] == eni["private_ip_addresses"][0]
    assert eni["security_group_ids"] == ["sg-web00001", "sg-app00001"] and eni["tags"] == {"owner": "web-team"}
    assert r.result["task_ids"] and r.result["diff"]["before"] == {}
    assert r.result["diff"]["after"]["secondary_private_ip_addresses"] == ["10.0.1.11", "10.0.1.12"]


def test_no_op_is_one_call(run, cloud):
    existing(cloud)
    r = run(**ETH1)
    assert not r.failed and r.result["changed"] is False
    assert r.actions == [DESCRIBE]
    assert r.result["diff"]["before"] == r.result["diff"]["after"]
    assert r.eni["network_interface_id"] == "eni-eth10001" and r.result["task_ids"] == []


def test_no_op_by_id_is_one_call(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", security_group_ids=["sg-web00001", "sg-app00001"],
            private_ip_addresses=["10.0.1.12"], tags={"owner": "web-team"})
    assert r.result["changed"] is False and r.actions == [DESCRIBE]


def test_check_mode_create_predicts_and_writes_nothing(run):
    r = run(check_mode=True, diff=True, **ETH1)
    assert r.result["changed"] is True and not r.writes
    assert r.eni["network_interface_id"] is None and r.eni["zone"] == "ap-guangzhou-3"
    assert r.eni["private_ip_addresses"] == ["10.0.1.11", "10.0.1.12"]
    assert r.result["diff"]["after"]["name"] == "web-1-eth1"


def test_a_create_answer_lost_in_transit_is_retried_with_the_same_token(run, cloud):
    fault(cloud, "CreateNetworkInterface", "truncated")  # applied, the answer cut short
    r = run(**ETH1)
    assert not r.failed, r.msg
    creates = [p for a, p in r.calls if a == "CreateNetworkInterface"]
    assert len(creates) == 2 and creates[0]["ClientToken"] == creates[1]["ClientToken"]
    assert named(cloud, "web-1-eth1") == [r.eni["network_interface_id"]], "a retried create made a second ENI"


def test_more_than_ten_addresses_take_several_calls(run, cloud):
    cloud.next_world = world(max_ips=30)  # Tencent's per-ENI quota grows with the instance type
    addresses = ["10.0.1.%d" % (50 + i) for i in range(23)]
    r = run(name="wide", subnet_id=SUBNET, private_ip_addresses=addresses)
    assert not r.failed, r.msg
    writes = r.writes
    assert [a for a, p in writes] == ["CreateNetworkInterface"] + ["AssignPrivateIpAddresses"] * 3
    assert [len(p.get("PrivateIpAddresses", [])) for a, p in writes] == [0, 10, 10, 3]
    assert r.eni["private_ip_addresses"][1:] == addresses


def test_with_a_primary_address_the_create_takes_it_and_nine_more(run):
    addresses = ["10.0.1.%d" % (50 + i) for i in range(12)]
    r = run(name="wide", subnet_id=SUBNET, primary_private_ip_address="10.0.1.49", private_ip_addresses=addresses, diff=True)
    assert not r.failed, r.msg
    writes = r.writes
    assert [a for a, p in writes] == ["CreateNetworkInterface", "AssignPrivateIpAddresses"]
    assert writes[0][1]["PrivateIpAddresses"] == ([{"PrivateIpAddress": "10.0.1.49", "Primary": True}]
                                                  + [{"PrivateIpAddress": ip, "Primary": False} for ip in addresses[:9]])
    assert [s["PrivateIpAddress"] for s in writes[1][1]["PrivateIpAddresses"]] == addresses[9:]
    assert r.eni["primary_private_ip_address"] == "10.0.1.49" and r.eni["private_ip_addresses"] == ["10.0.1.49"] + addresses
    assert r.result["diff"]["after"]["primary_private_ip_address"] == "10.0.1.49"


def test_with_a_primary_address_a_count_goes_in_the_same_create(run):
    r = run(name="counted", subnet_id=SUBNET, primary_private_ip_address="10.0.1.49", secondary_private_ip_count=3)
    assert not r.failed, r.msg
    ((action, params),) = r.writes
    assert params["PrivateIpAddresses"] == [{"PrivateIpAddress": "10.0.1.49", "Primary": True}]
    assert params["SecondaryPrivateIpAddressCount"] == 3
    assert r.eni["primary_private_ip_address"] == "10.0.1.49" and len(r.eni["private_ip_addresses"]) == 4


def test_check_mode_create_predicts_the_primary_address(run):
    r = run(check_mode=True, diff=True, primary_private_ip_address="10.0.1.49", **ETH1)
    assert not r.writes
    assert r.eni["primary_private_ip_address"] == "10.0.1.49"
    assert r.eni["private_ip_addresses"] == ["10.0.1.49", "10.0.1.11", "10.0.1.12"]


def test_a_primary_address_that_differs_from_the_enis_fails_before_any_write(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", primary_private_ip_address="10.0.1.41")
    assert r.failed and not r.writes
    assert r.msg == ("ENI eni-eth10001 has the primary address 10.0.1.40, not 10.0.1.41: a primary address never changes, "
                     "so leave primary_private_ip_address out or give 10.0.1.40.")
    r = run(network_interface_id="eni-eth10001", primary_private_ip_address="10.0.1.40")
    assert not r.failed and r.result["changed"] is False


@pytest.mark.parametrize("params,needle", [
    ({"primary_private_ip_address": "10.0.1.300"}, "primary_private_ip_address has '10.0.1.300', which is not an IPv4"),
    ({"primary_private_ip_address": "10.0.1.11", "private_ip_addresses": ["10.0.1.11"]},
     "The address 10.0.1.11 is both primary_private_ip_address and in private_ip_addresses"),
])
def test_a_bad_primary_address_makes_no_call(run, params, needle):
    r = run(name="x", subnet_id=SUBNET, **params)
    assert r.failed and needle in r.msg and not r.calls


# ================================================================== issue 17: a create that cannot finish


def test_a_quota_that_refuses_the_create_itself_makes_nothing(run, cloud):
    cloud.next_world = world(max_ips=5)
    r = run(name="big", subnet_id=SUBNET, primary_private_ip_address="10.0.1.49",
            private_ip_addresses=["10.0.1.%d" % (50 + i) for i in range(6)])
    assert r.failed and r.result["error"]["code"] == "LimitExceeded"
    assert [a for a, p in r.writes] == ["CreateNetworkInterface"] and not named(cloud, "big")
    assert r.result["changed"] is False


def test_a_create_whose_later_assign_is_refused_deletes_the_new_eni(run, cloud):
    cloud.next_world = world(max_ips=5)
    r = run(name="big", subnet_id=SUBNET, private_ip_addresses=["10.0.1.%d" % (50 + i) for i in range(6)])
    assert r.failed and r.result["error"]["code"] == "LimitExceeded"
    assert [a for a, p in r.writes] == ["CreateNetworkInterface", "AssignPrivateIpAddresses", "DeleteNetworkInterface"]
    assert not named(cloud, "big"), "the ENI this run created was left behind"
    assert r.msg.startswith("Tencent Cloud refused AssignPrivateIpAddresses for a quota")
    new = r.writes[1][1]["NetworkInterfaceId"]
    assert r.msg.endswith("(ENI %s, which this run created, was deleted again, so nothing was left behind)." % new)
    assert r.result["changed"] is False and r.result["network_interface"] is None


def test_a_create_whose_later_assign_is_refused_names_the_eni_it_could_not_delete(run, cloud):
    cloud.next_world = world(max_ips=5)
    fault(cloud, "DeleteNetworkInterface", code="UnsupportedOperation", message="not now")
    r = run(name="big", subnet_id=SUBNET, private_ip_addresses=["10.0.1.%d" % (50 + i) for i in range(6)])
    new = r.writes[1][1]["NetworkInterfaceId"]
    assert r.failed and new in enis(cloud)
    assert r.msg.endswith("(ENI %s, which this run created, could not be deleted again (not now), so delete it "
                          "with state=absent and network_interface_id=%s)." % (new, new))
    assert r.result["changed"] is True


def test_a_create_whose_undo_delete_is_still_running_at_the_deadline_names_the_eni(run, cloud):
    cloud.next_world = world(max_ips=5)
    before(cloud, "DeleteNetworkInterface", lambda params: cloud.set_config({"task_seconds": 10000}))  # a delete that never ends
    r = run(name="big", subnet_id=SUBNET, private_ip_addresses=["10.0.1.%d" % (50 + i) for i in range(6)], wait_timeout=20)
    new = r.writes[1][1]["NetworkInterfaceId"]
    assert r.failed and new in enis(cloud)
    assert "nothing was left behind" not in r.msg
    assert r.msg.endswith("(ENI %s, which this run created, was still there (DELETING) when the wait for its "
                          "delete ended, so run state=absent with network_interface_id=%s to make sure it is removed)." % (new, new))
    assert r.result["changed"] is True and r.clock.elapsed <= 20 + 1


def test_count_is_topped_up_and_cut_back(run, cloud):
    r = run(name="counted", subnet_id=SUBNET, secondary_private_ip_count=14)
    assert [p.get("SecondaryPrivateIpAddressCount") for a, p in r.writes] == [10, 4]
    assert len(r.eni["private_ip_addresses"]) == 15
    first = list(r.eni["private_ip_addresses"])
    r = run(name="counted", subnet_id=SUBNET, secondary_private_ip_count=3)
    assert [a for a, p in r.writes] == ["UnassignPrivateIpAddresses"] * 2  # 11 addresses: 10, then 1
    assert [s["PrivateIpAddress"] for a, p in r.writes for s in p["PrivateIpAddresses"]] == first[4:]
    assert r.eni["private_ip_addresses"] == first[:4]


def test_wait_false_returns_after_the_write(run):
    r = run(wait=False, primary_private_ip_address="10.0.1.49", **ETH1)  # one create call holds it all
    assert not r.failed and r.eni["state"] == "PENDING"
    assert r.actions[-1] == "CreateNetworkInterface"


# ================================================================== changes


def test_add_and_purge_addresses(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.12", "10.0.1.13"], diff=True)
    assert [a for a, p in r.writes] == ["AssignPrivateIpAddresses"]
    assert r.eni["private_ip_addresses"] == ["10.0.1.40", "10.0.1.11", "10.0.1.12", "10.0.1.13"]
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.13"], purge_private_ip_addresses=True)
    ((action, params),) = r.writes
    assert action == "UnassignPrivateIpAddresses"
    assert sorted(s["PrivateIpAddress"] for s in params["PrivateIpAddresses"]) == ["10.0.1.11", "10.0.1.12"]
    assert r.eni["private_ip_addresses"] == ["10.0.1.40", "10.0.1.13"]


def test_purge_never_removes_the_primary_address(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=[], purge_private_ip_addresses=True)
    assert r.eni["private_ip_addresses"] == ["10.0.1.40"]
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.40"], purge_private_ip_addresses=True)
    assert r.result["changed"] is False


def test_check_mode_count_diff_shows_what_changes(run, cloud):
    # issue 17: changed, but diff.before == diff.after, as the addresses Tencent picks are not known yet
    existing(cloud)
    r = run(check_mode=True, diff=True, network_interface_id="eni-eth10001", secondary_private_ip_count=4)
    assert r.result["changed"] is True and not r.writes
    before, after = r.result["diff"]["before"], r.result["diff"]["after"]
    assert before != after
    assert (before["secondary_private_ip_count"], after["secondary_private_ip_count"]) == (2, 4)
    r = run(check_mode=True, diff=True, network_interface_id="eni-eth10001", secondary_private_ip_count=1)
    before, after = r.result["diff"]["before"], r.result["diff"]["after"]
    assert (before["secondary_private_ip_count"], after["secondary_private_ip_count"]) == (2, 1)
    assert after["secondary_private_ip_addresses"] == ["10.0.1.11"]


def test_a_count_without_wait_shows_the_count_asked_for(run, cloud):
    existing(cloud)
    r = run(diff=True, wait=False, network_interface_id="eni-eth10001", secondary_private_ip_count=3)
    assert r.result["diff"]["after"]["secondary_private_ip_count"] == 3


def test_check_mode_addresses_and_diff(run, cloud):
    existing(cloud)
    r = run(check_mode=True, diff=True, network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.13"],
            purge_private_ip_addresses=True)
    assert r.result["changed"] is True and r.actions == [DESCRIBE]
    assert r.result["diff"]["before"]["secondary_private_ip_addresses"] == ["10.0.1.11", "10.0.1.12"]
    assert r.result["diff"]["after"]["secondary_private_ip_addresses"] == ["10.0.1.13"]


def test_reorder_groups_rename_and_describe_in_one_call(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", name="web-1-eth2", description="", security_group_ids=["sg-app00001", "sg-web00001"])
    assert r.actions == [DESCRIBE, "DescribeSecurityGroups", "ModifyNetworkInterfaceAttribute", DESCRIBE]
    params = r.writes[0][1]
    assert params == {"NetworkInterfaceId": "eni-eth10001", "NetworkInterfaceName": "web-1-eth2",
                      "NetworkInterfaceDescription": "", "SecurityGroupIds": ["sg-app00001", "sg-web00001"]}
    assert r.eni["security_group_ids"] == ["sg-app00001", "sg-web00001"] and r.eni["name"] == "web-1-eth2"


def test_unknown_security_group_fails_before_any_write(run, cloud):
    # the real API fails the whole query for one unknown id: only the unknown one is named (issue 17)
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", security_group_ids=["sg-web00001", "sg-nope0001"])
    assert r.failed and not r.writes
    assert r.msg == "Security groups sg-nope0001 were not found in region ap-guangzhou: check security_group_ids and region."


def test_only_the_unknown_groups_of_a_batch_are_named(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001",
            security_group_ids=["sg-web00001", "sg-nope0001", "sg-app00001", "sg-ssh00001", "sg-gone0001"])
    assert r.failed and not r.writes
    assert r.msg == ("Security groups sg-nope0001, sg-gone0001 were not found in region ap-guangzhou: "
                     "check security_group_ids and region.")
    assert r.actions.count("DescribeSecurityGroups") == 6  # the batch, then each of its five ids


def test_unknown_groups_in_a_large_batch_are_found_by_halving(cloud, sim_client):
    known = ["sg-k%07d" % i for i in range(40)]
    cloud.set_world(world(groups=known))
    life = EniLifecycle(VpcApi(sim_client()))
    asked = known[:17] + ["sg-nope0001"] + known[17:] + ["sg-nope0002"]
    assert life.missing_security_groups(asked) == ["sg-nope0001", "sg-nope0002"]
    assert len(api_log(cloud, "DescribeSecurityGroups")) < len(asked) // 1.5  # fewer than asking each id


def test_tags_through_the_tag_api(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", tags={"env": "prod"}, purge_tags=False)
    ((action, params),) = r.writes
    assert action == "ModifyResourceTags"
    assert params == {"Resource": "qcs::vpc:ap-guangzhou:uin/:eni/eni-eth10001", "ReplaceTags": [{"TagKey": "env", "TagValue": "prod"}]}
    assert [u for m, u in cloud.session.adapter.sent if "tag" in u][0] == "https://tag.tencentcloudapi.com/"
    assert r.eni["tags"] == {"owner": "web-team", "env": "prod"}
    r = run(network_interface_id="eni-eth10001", tags={"env": "prod"})
    resource = "qcs::vpc:ap-guangzhou:uin/:eni/eni-eth10001"
    assert r.writes == [("ModifyResourceTags", {"Resource": resource, "DeleteTags": [{"TagKey": "owner"}]})]
    assert r.eni["tags"] == {"env": "prod"}


def test_tags_left_alone_without_tags_even_with_purge(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", purge_tags=True)
    assert r.result["changed"] is False and r.eni["tags"] == {"owner": "web-team"}


def test_many_tag_changes_go_ten_a_call(run, cloud):
    existing(cloud, tags={"old%d" % i: "x" for i in range(12)})
    wanted = {"new%02d" % i: "v" for i in range(15)}
    r = run(network_interface_id="eni-eth10001", tags=wanted)
    calls = [p for a, p in r.writes]
    assert [(len(p.get("ReplaceTags", [])), len(p.get("DeleteTags", []))) for p in calls] == [(10, 10), (5, 2)]
    assert r.eni["tags"] == wanted


# ================================================================== delete


def test_delete_attached_needs_force(run, cloud):
    existing(cloud, holder="ins-run00001")
    r = run(network_interface_id="eni-eth10001", state="absent")
    assert r.failed and not r.writes
    assert "attached to ins-run00001" in r.msg and "force=true" in r.msg
    r = run(network_interface_id="eni-eth10001", state="absent", force=True, diff=True)
    assert not r.failed, r.msg
    assert [a for a, p in r.writes] == ["DetachNetworkInterface", "DeleteNetworkInterface"]
    assert "eni-eth10001" not in enis(cloud) and r.eni is None
    assert r.result["diff"]["before"]["attached_to"] == "ins-run00001" and r.result["diff"]["after"] == {}


def test_delete_of_a_primary_eni_is_refused(run, cloud):
    existing(cloud, holder="ins-run00001", primary=True)
    r = run(network_interface_id="eni-eth10001", state="absent", force=True)
    assert r.failed and not r.writes and "primary ENI of ins-run00001" in r.msg


def test_delete_absent_is_one_call(run):
    r = run(name="nothing", subnet_id=SUBNET, state="absent")
    assert not r.failed and r.result["changed"] is False and r.eni is None and r.actions == [DESCRIBE]


def test_check_mode_delete(run, cloud):
    existing(cloud)
    r = run(check_mode=True, network_interface_id="eni-eth10001", state="absent")
    assert r.result["changed"] is True and r.eni is None and r.actions == [DESCRIBE]


def test_absent_warns_about_options_it_does_not_use(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", state="absent", tags={"a": "b"})
    assert any("tags has no effect" in w for w in r.warnings)


# ================================================================== failures


def test_ambiguous_name_lists_the_ids(run, cloud):
    cloud.next_world = world([eni("eni-twin0001", name="twin"), eni("eni-twin0002", name="twin", primary_ip="10.0.1.41")])
    r = run(name="twin", subnet_id=SUBNET)
    assert r.failed and not r.writes
    assert "matches 2 ENIs in subnet subnet-gz3a0001 (eni-twin0001, eni-twin0002)" in r.msg


def test_unknown_subnet(run):
    r = run(name="x", subnet_id="subnet-nope0001")
    assert r.failed and r.actions == [DESCRIBE, "DescribeSubnets"]
    assert r.msg == "Subnet subnet-nope0001 was not found in region ap-guangzhou: check subnet_id and region."


def test_an_eni_in_another_subnet(run, cloud):
    existing(cloud)
    r = run(network_interface_id="eni-eth10001", subnet_id="subnet-gz4a0001")
    assert r.failed and "is in subnet subnet-gz3a0001, not in subnet-gz4a0001" in r.msg


def test_unknown_id_fails_with_state_present(run):
    r = run(network_interface_id="eni-nope0001")
    assert r.failed and "eni-nope0001 was not found" in r.msg and not r.writes


def test_full_subnet_is_explained_and_not_retried(run):
    r = run(name="x", subnet_id="subnet-full0001")
    assert r.failed and r.result["error"]["code"] == "ResourceInsufficient.Subnet"
    assert r.actions.count("CreateNetworkInterface") == 1
    assert r.msg.startswith("Subnet subnet-full0001 has no free private address left for CreateNetworkInterface")


# what AssignPrivateIpAddresses documents for a quota, an address in use, out of range or reserved
@pytest.mark.parametrize("code", ["LimitExceeded", "ResourceInUse", "InvalidParameterValue.Range",
                                  "InvalidParameterValue.Reserved", "ResourceInsufficient.Subnet"])
def test_quota_and_address_errors_are_not_retried(run, cloud, code):
    existing(cloud)
    fault(cloud, "AssignPrivateIpAddresses", code=code, message="refused")
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.99"])
    assert r.failed and r.result["error"]["code"] == code
    assert r.actions.count("AssignPrivateIpAddresses") == 1
    assert "Instance" not in r.msg  # not the attach sentence of LimitExceeded


def test_a_failed_task_fails_with_its_output(run, cloud):
    fault(cloud, "CreateNetworkInterface", "task_failed", output="Injected: no capacity.")
    r = run(**ETH1)
    assert r.failed and r.result["changed"] is True
    assert "(CreateNetworkInterface) failed (Injected: no capacity.)" in r.msg
    assert "DescribeVpcTaskResult" in r.actions and not named(cloud, "web-1-eth1")


def test_a_failed_assign(run, cloud):
    existing(cloud)
    fault(cloud, "AssignPrivateIpAddresses", "task_failed", output="no address")
    r = run(network_interface_id="eni-eth10001", secondary_private_ip_count=4)
    assert r.failed and "(AssignPrivateIpAddresses) failed (no address)" in r.msg


def test_wait_timeout(run, cloud):
    existing(cloud)
    cloud.set_config({"task_seconds": 10000})  # a task that does not end
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.99"], wait_timeout=20)
    assert r.failed and "still changing (address 10.0.1.99 PENDING) after wait_timeout (20 s) of AssignPrivateIpAddresses" in r.msg
    assert r.clock.elapsed <= 20 + 1


# ================================================================== reads that lag behind writes


def test_a_new_eni_that_does_not_show_yet_is_looked_for_until_it_does(run, cloud):
    cloud.set_config({"read_lag": 5})
    r = run(**dict(ETH1, primary_private_ip_address="10.0.1.10"))  # every address in the one Create
    assert not r.failed, r.msg
    assert r.result["changed"] is True and not r.warnings
    assert [a for a, p in r.writes] == ["CreateNetworkInterface"]
    (eni_id,) = named(cloud, "web-1-eth1")
    assert r.eni["network_interface_id"] == eni_id and r.eni["state"] == "AVAILABLE"
    assert r.eni["private_ip_addresses"][1:] == ["10.0.1.11", "10.0.1.12"]  # the final, caught-up read
    # the look-up by name, reads until the 5 s of lag have passed, the caught-up one
    assert r.actions[-1] == DESCRIBE and r.actions.count(DESCRIBE) == 8


def test_a_new_eni_that_never_shows_fails_at_the_deadline_saying_why(run, cloud):
    cloud.set_config({"read_lag": 300})
    r = run(wait_timeout=15, api_timeout=5, **ETH1)
    assert r.failed and r.result["changed"] is True
    assert "(CreateNetworkInterface) succeeded, but after wait_timeout (15 s)" in r.msg
    assert "as before it (not there yet)" in r.msg and "had not caught up" in r.msg
    assert "disappeared" not in r.msg and "another job" not in r.msg
    (eni_id,) = named(cloud, "web-1-eth1")
    assert r.eni["network_interface_id"] == eni_id  # what the create answered
    assert r.clock.elapsed <= 15 + 5
    assert [a for a, p in r.writes] == ["CreateNetworkInterface"]


def test_an_assigned_address_that_shows_late(run, cloud):
    existing(cloud)
    cloud.set_config({"read_lag": 5})
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.11", "10.0.1.12", "10.0.1.13"])
    assert not r.failed, r.msg
    assert r.result["changed"] is True and not r.warnings
    assert [a for a, p in r.writes] == ["AssignPrivateIpAddresses"]
    assert r.eni["private_ip_addresses"] == ["10.0.1.40", "10.0.1.11", "10.0.1.12", "10.0.1.13"]


def test_a_deleted_eni_that_lingers(run, cloud):
    existing(cloud)
    cloud.set_config({"read_lag": 5})
    r = run(network_interface_id="eni-eth10001", state="absent")
    assert not r.failed, r.msg
    assert r.result["changed"] is True and not r.warnings and r.eni is None
    assert [a for a, p in r.writes] == ["DeleteNetworkInterface"]


def test_an_address_read_in_neither_shape_is_another_jobs_doing(run, cloud):
    existing(cloud)

    def another_job(params):  # once our assign is in, 10.0.1.11 goes: neither as before nor as asked
        if api_log(cloud, "AssignPrivateIpAddresses"):
            eni = enis(cloud)["eni-eth10001"]
            eni["secondary_ips"] = [ip for ip in eni["secondary_ips"] if ip != "10.0.1.11"]

    before(cloud, DESCRIBE, another_job)
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.11", "10.0.1.12", "10.0.1.13"])
    assert not r.failed
    assert any("another job changed it meanwhile" in w for w in r.warnings)


def test_a_lost_delete_answer_ends_with_the_eni_gone(run, cloud):
    existing(cloud)
    fault(cloud, "DeleteNetworkInterface", "truncated")
    r = run(network_interface_id="eni-eth10001", state="absent")
    assert not r.failed, r.msg
    assert "eni-eth10001" not in enis(cloud) and r.result["changed"] is True


# ================================================================== refusals the module decides about


def test_a_quota_refusal_of_the_create_has_the_lifecycle_sentence(run, cloud):
    fault(cloud, "CreateNetworkInterface", code="LimitExceeded", message="too many ENIs")
    r = run(**ETH1)
    assert r.failed and r.result["error"]["code"] == "LimitExceeded" and r.result["error"]["action"] == "CreateNetworkInterface"
    assert r.msg.startswith("Tencent Cloud refused CreateNetworkInterface for a quota (too many ENIs)") and "Instance" not in r.msg


@pytest.mark.parametrize("params,action", [
    ({"name": "renamed"}, "ModifyNetworkInterfaceAttribute"),
    ({"tags": {"env": "prod"}}, "ModifyResourceTags"),
])
def test_something_missing_for_a_synchronous_write(run, cloud, params, action):
    existing(cloud)
    fault(cloud, action, code="ResourceNotFound", message="gone")
    r = run(network_interface_id="eni-eth10001", **params)
    assert r.failed and r.result["error"]["action"] == action
    assert r.msg.startswith("Tencent Cloud could not find something %s names in region ap-guangzhou (gone)" % action)


@pytest.mark.parametrize("code", ["UnsupportedOperation", "UnsupportedOperation.InvalidState"])
def test_a_refused_delete(run, cloud, code):
    existing(cloud)
    # InvalidState may mean busy: with the ENI settled, the delete is tried once more, then refused for good
    fault(cloud, "DeleteNetworkInterface", code=code, message="busy", count=2)
    r = run(network_interface_id="eni-eth10001", state="absent")
    assert r.failed and r.result["error"]["code"] == code
    assert r.actions.count("DeleteNetworkInterface") == (2 if code.endswith("InvalidState") else 1)
    assert r.msg.startswith("ENI eni-eth10001 cannot be deleted now (busy)") and "eni-eth10001" in enis(cloud)


@pytest.mark.parametrize("by_name", [False, True])
def test_an_assign_busy_until_the_deadline_names_the_eni_alone(run, cloud, by_name):
    existing(cloud)
    fault(cloud, "AssignPrivateIpAddresses", code="UnsupportedOperation.MutexOperationTaskRunning", message="task 9 runs", count=500)
    who = {"name": "web-1-eth1", "subnet_id": SUBNET} if by_name else {"network_interface_id": "eni-eth10001"}
    r = run(private_ip_addresses=["10.0.1.99"], wait_timeout=20, **who)
    assert r.failed and r.result["error"]["code"] == "UnsupportedOperation.MutexOperationTaskRunning"
    assert r.msg == ("Another task kept ENI eni-eth10001 busy for the whole wait_timeout (20 s) (Tencent Cloud said: "
                     "task 9 runs): raise wait_timeout, or run again when that task has finished.")
    assert r.clock.elapsed <= 20 + 1


def test_a_delete_of_an_eni_deleted_meanwhile_succeeds(run, cloud):
    existing(cloud)
    before(cloud, "DeleteNetworkInterface", lambda params: cloud.world.remove_eni("eni-eth10001"))  # another job deletes it
    r = run(network_interface_id="eni-eth10001", state="absent")
    assert not r.failed, r.msg
    assert r.result["changed"] is True and r.eni is None and r.result["task_ids"] == []


def test_a_lost_unassign_answer_then_a_refusal_is_read_as_our_own_write(run, cloud):
    existing(cloud)
    fault(cloud, "UnassignPrivateIpAddresses", "truncated")  # the retry finds the ENI busy with our own task
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.11"], purge_private_ip_addresses=True)
    assert not r.failed, r.msg
    assert r.eni["private_ip_addresses"] == ["10.0.1.40", "10.0.1.11"] and r.result["task_ids"] == []


def test_the_same_refusal_without_a_lost_answer_fails(run, cloud):
    existing(cloud)
    # the ENI reads settled after each refusal: tried once more, then the refusal lasts
    fault(cloud, "UnassignPrivateIpAddresses", code="UnsupportedOperation.InvalidState", message="not now", count=2)
    r = run(network_interface_id="eni-eth10001", private_ip_addresses=["10.0.1.11"], purge_private_ip_addresses=True)
    assert r.failed and r.result["error"]["code"] == "UnsupportedOperation.InvalidState"
    assert r.actions.count("UnassignPrivateIpAddresses") == 2
    assert r.result["error"]["action"] == "UnassignPrivateIpAddresses"


def test_a_lost_detach_answer_before_a_delete(run, cloud):
    existing(cloud, holder="ins-run00001")
    # applied, the answer cut short; the retry with the same ClientToken is answered as a replay
    # (AttachmentNotFound, the fake's answer, is no code Tencent documents for DetachNetworkInterface)
    fault(cloud, "DetachNetworkInterface", "truncated")
    r = run(network_interface_id="eni-eth10001", state="absent", force=True)
    assert not r.failed, r.msg
    assert [a for a, p in r.writes] == ["DetachNetworkInterface", "DetachNetworkInterface", "DeleteNetworkInterface"]
    detaches = [p for a, p in r.writes if a == "DetachNetworkInterface"]
    assert detaches[0]["ClientToken"] == detaches[1]["ClientToken"]
    assert "eni-eth10001" not in enis(cloud) and len(r.result["task_ids"]) == 2  # the replayed detach's, the delete's


def test_a_refused_detach_keeps_the_catalogue_sentence(run, cloud):
    existing(cloud, holder="ins-run00001")
    fault(cloud, "DetachNetworkInterface", code="ResourceNotFound", message="no such ENI")
    r = run(network_interface_id="eni-eth10001", state="absent", force=True)
    assert r.failed and r.result["error"]["action"] == "DetachNetworkInterface"
    assert "could not find something" not in r.msg and r.msg.startswith("Tencent Cloud found no ENI eni-eth10001")
    assert "eni-eth10001" in enis(cloud)


# ================================================================== input that never reaches the API

HOSTILE = [
    ({"name": "web\n1"}, r"The option name has the control character '\\n'"),
    ({"name": "x" * 61}, r"The option name is 61 bytes long, more than the 60"),
    ({"name": "网" * 21}, r"The option name is 63 bytes long"),
    ({"name": ""}, r"The option name must not be empty"),
    ({"description": "a\tb"}, r"The option description has the control character '\\t'"),
    ({"description": "d" * 61}, r"The option description is 61 characters long"),
    ({"private_ip_addresses": ["10.0.1.256"]}, r"has '10.0.1.256', which is not an IPv4 address"),
    ({"private_ip_addresses": ["10.0.1.1\n"]}, r"which is not an IPv4 address"),
    ({"private_ip_addresses": ["010.0.1.1"]}, r"which is not an IPv4 address"),
    ({"private_ip_addresses": ["fe80::1"]}, r"which is not an IPv4 address"),
    ({"private_ip_addresses": ["10.0.1.5", "10.0.1.5"]}, r"lists '10.0.1.5' more than once"),
    ({"security_group_ids": ["sg-web00001", "sg-web00001"]}, r"lists 'sg-web00001' more than once"),
    ({"security_group_ids": ["sg-web0001\n"]}, r"security_group_ids must be sg- followed by 8"),
    ({"tags": {"env": 1}}, r"Tag 'env' cannot be set: its value is a int, not a string \(quote it\)"),
    ({"tags": {"env": None}}, r"its value is a NoneType"),
    ({"tags": {"qcloud:x": "y"}}, r"reserved"),
    ({"tags": {"a\nb": "y"}}, r"its key has the character '\\n'"),
    ({"tags": {"k": "v\x00"}}, r"its value has the character"),
    ({"tags": {"k" * 128: "v"}}, r"its key is longer than 127 characters"),
    ({"tags": {"k": "v" * 256}}, r"its value is longer than 255 characters"),
    ({"tags": {"": "v"}}, r"its key is empty"),
    ({"tags": {"t%d" % i: "v" for i in range(51)}}, r"The option tags is 51 tags long"),
    ({"secondary_private_ip_count": -1}, r"secondary_private_ip_count must be 0 or more"),
    ({"purge_private_ip_addresses": True}, r"purge_private_ip_addresses needs private_ip_addresses"),
    ({"subnet_id": "subnet-gz3a0001;x"}, r"subnet_id must be subnet- followed by 8"),
    ({"network_interface_id": "eni-free0001\n"}, r"network_interface_id must be eni- followed by 8"),
    ({"api_version": "2.0"}, r"speaks only Tencent Cloud API 3.0"),
    ({"subnet_id": None}, r"give network_interface_id, or name together with subnet_id"),
    ({"wait_timeout": 0}, r"wait_timeout must be greater than 0"),
]


@pytest.mark.parametrize("extra,pattern", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_values_make_no_call(run, extra, pattern):
    import re

    params = dict(name="web-1-eth1", subnet_id=SUBNET)
    params.update(extra)
    r = run(**params)
    assert r.failed and re.search(pattern, r.msg), r.msg
    assert r.calls == [], "bad input reached the API"
    assert "\n" not in r.msg
