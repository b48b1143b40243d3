# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ENI record's new keys, the lifecycle's pieces in _eni.py, _lifecycle.py and _tag.py, and qcloud_eni's
planning (which writes, in which order, and what they predict), on real payload shapes."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils import _tag as T
from ansible_collections.tencent.qcloud.plugins.module_utils import _eni as V
from ansible_collections.tencent.qcloud.plugins.module_utils import _lifecycle as L
from ansible_collections.tencent.qcloud.plugins.module_utils._client import Credentials, QcloudClient
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError
from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni as M
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.eni_cloud import eni_item
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import ScriptedSession

KEYS = Credentials("AKIDtagTEST", "TAG-secret", None, "module options")

# ================================================================== the record


def test_the_record_carries_groups_tags_primary_address_and_creation_time():
    raw = eni_item("eni-eth10001", secondaries=["10.0.1.11"], groups=["sg-web00001", "sg-app00001"],
                   tags={"owner": "web-team", "env": ""})
    record = V.normalise_v3(raw)
    assert record["security_group_ids"] == ["sg-web00001", "sg-app00001"]
    assert record["tags"] == {"owner": "web-team", "env": ""}
    assert record["primary_private_ip_address"] == "10.0.1.40"
    assert record["private_ip_addresses"] == ["10.0.1.40", "10.0.1.11"]
    assert record["created_time"] == "2024-01-02 03:04:05"


def test_the_primary_address_is_the_one_marked_primary():
    raw = eni_item("eni-eth10001", secondaries=["10.0.1.11"])
    raw["PrivateIpAddressSet"].reverse()
    assert V.normalise_v3(raw)["primary_private_ip_address"] == "10.0.1.40"


@pytest.mark.parametrize("field,value,key,expected", [
    ("GroupSet", None, "security_group_ids", []),
    ("TagSet", None, "tags", {}),
    ("TagSet", [{"Key": "", "Value": "x"}, {"Key": "a", "Value": None}], "tags", {"a": ""}),
    ("PrivateIpAddressSet", [], "primary_private_ip_address", None),
    ("PrivateIpAddressSet", None, "private_ip_addresses", []),
    ("CreatedTime", "", "created_time", None),
])
def test_missing_or_null_fields_give_empty_values(field, value, key, expected):
    raw = P.v3_eni()
    raw[field] = value
    assert V.normalise_v3(raw)[key] == expected


def test_v2_groups_are_objects_and_there_are_no_tags():
    raw = copy.deepcopy(P.V2_ENI_NEW_ATTACHED)
    raw["groupSet"].append("sg-plain001")
    record = V.normalise_v2(raw)
    assert record["security_group_ids"] == ["sg-a1b2c3d4", "sg-plain001"]
    assert record["tags"] == {} and record["created_time"] == "2017-12-10 10:01:02"
    assert record["primary_private_ip_address"] == "10.0.3.11"


def test_both_protocols_give_the_same_keys():
    assert set(V.normalise_v3(P.v3_eni())) == set(V.normalise_v2(P.v2_eni()))


# ================================================================== settled, chunks


def test_settled_needs_the_eni_and_every_address_available():
    raw = eni_item("eni-eth10001", secondaries=["10.0.1.11"])
    assert L.settled(raw) and L.unsettled(raw) == ""
    raw["PrivateIpAddressSet"][1]["State"] = "PENDING"
    assert not L.settled(raw) and L.unsettled(raw) == "address 10.0.1.11 PENDING"
    raw["State"] = "DELETING"
    assert L.unsettled(raw) == "DELETING"
    del raw["State"]
    raw["PrivateIpAddressSet"][1]["State"] = None
    assert L.settled(raw)


def test_chunks_of_ten():
    assert [len(c) for c in L.chunked(list(range(23)))] == [10, 10, 3]
    assert L.chunked([]) == []


# ================================================================== the lifecycle's refusals and answers


def api_error(code, action, lost=False):
    err = QcloudApiError(code, "refused", action, request_id="req-1")
    err.after_lost_answer = lost
    return err


@pytest.mark.parametrize("code,action,lost,kind,maybe", [
    ("ResourceNotFound", "CreateNetworkInterface", False, "missing", False),
    ("ResourceNotFound", "CreateNetworkInterface", True, "missing", False),  # a create carries a token: never "maybe ours"
    ("LimitExceeded", "AssignPrivateIpAddresses", False, "quota", False),
    ("LimitExceeded", "ModifyResourceTags", False, "quota", False),
    ("ResourceInUse", "DeleteNetworkInterface", False, "in_use", False),
    ("UnsupportedOperation", "DeleteNetworkInterface", False, "in_use", False),
    ("ResourceNotFound", "DeleteNetworkInterface", True, "missing", True),
    ("UnsupportedOperation.InvalidState", "UnassignPrivateIpAddresses", True, "conflict", True),
    ("UnsupportedOperation.MutexOperationTaskRunning", "AssignPrivateIpAddresses", True, "conflict", True),
    ("UnsupportedOperation.AttachmentNotFound", "DetachNetworkInterface", True, "conflict", True),
    ("ResourceInUse", "UnassignPrivateIpAddresses", False, None, False),
    ("LimitExceeded.EniPrivateIpLimit", "AssignPrivateIpAddresses", False, None, False),
    ("InternalError", "DeleteNetworkInterface", True, None, False),
])
def test_lifecycle_refusal(code, action, lost, kind, maybe):
    err = api_error(code, action, lost)
    refusal = L.lifecycle_refusal(err)
    if kind is None:
        assert refusal is err
        return
    assert isinstance(refusal, V.WriteRefused) and (refusal.kind, refusal.maybe_applied) == (kind, maybe)
    assert refusal.to_result() == err.to_result() and refusal.after_lost_answer == lost


def test_a_detach_refusal_keeps_the_attach_layer_kind_and_is_ours_only_for_the_lost_answer_codes():
    missing = V.WriteRefused("missing", api_error("InvalidInstance.NotFound", "DetachNetworkInterface", lost=True))
    assert missing.maybe_applied, "the attach layer's own reading"
    refusal = L.lifecycle_refusal(missing)
    assert (refusal.kind, refusal.maybe_applied) == ("missing", False)
    refusal = L.lifecycle_refusal(V.WriteRefused("missing", api_error("ResourceNotFound", "DetachNetworkInterface")))
    assert (refusal.kind, refusal.maybe_applied) == ("missing", False)


def test_the_lifecycle_answers_records_and_tasks():
    item = eni_item("eni-eth10001", secondaries=["10.0.1.11"])
    pending = copy.deepcopy(item)
    pending["PrivateIpAddressSet"][1]["State"] = "PENDING"
    session = ScriptedSession(P.v3_ok(NetworkInterface=item), P.v3_ok(NetworkInterfaceSet=[pending], TotalCount=1),
                              P.v3_ok(request_id="req-del"), P.v3_error("ResourceNotFound", "no such ENI"))
    life = L.EniLifecycle(V.VpcApi(QcloudClient(KEYS, "ap-guangzhou", session=session, retries=0)))
    record, task = life.create(L.Subnet("subnet-gz3a0001", "vpc-gz000001", "ap-guangzhou-3", "10.0.1.0/24", 200), "web-1-eth1")
    assert record == V.normalise_v3(item) and task.action == "CreateNetworkInterface" and task.task_id
    (seen,) = life.find("web-1-eth1", "subnet-gz3a0001")
    assert seen.record == V.normalise_v3(pending) and seen.settled is False
    assert life.delete("eni-eth10001") == V.Task("req-del", "DeleteNetworkInterface")
    with pytest.raises(V.WriteRefused) as refused:
        life.delete("eni-eth10001")
    assert (refused.value.kind, refused.value.action) == ("missing", "DeleteNetworkInterface")


# ================================================================== the Tag API


@pytest.mark.parametrize("url,expected", [
    ("https://vpc.tencentcloudapi.com/", "https://tag.tencentcloudapi.com/"),
    ("https://vpc.ap-guangzhou.tencentcloudapi.com/", "https://tag.ap-guangzhou.tencentcloudapi.com/"),
    ("https://vpc.intl.tencentcloudapi.com:443/", "https://tag.intl.tencentcloudapi.com:443/"),
    ("https://127.0.0.1:8443/", "https://127.0.0.1:8443/"),
    ("https://proxy.example.com/tencent/", "https://proxy.example.com/tencent/"),
    ("https://vpc.example.com/", "https://vpc.example.com/"),
])
def test_tag_endpoint(url, expected):
    assert C.service_endpoint(url, "tag") == expected


def test_the_tag_client_shares_keys_session_and_retries():
    session = ScriptedSession(P.v3_ok())
    vpc = QcloudClient(KEYS, "ap-guangzhou", endpoint="https://vpc.ap-guangzhou.tencentcloudapi.com", timeout=7, retries=2,
                       session=session)
    tags = T.tag_client(vpc)
    assert (tags.service, tags.version, tags.host) == ("tag", "2018-08-13", "tag.ap-guangzhou.tencentcloudapi.com")
    assert tags.session is session and tags.credentials is KEYS and (tags.timeout, tags.retries) == (7, 2)
    assert (vpc.service, vpc.host) == ("vpc", "vpc.ap-guangzhou.tencentcloudapi.com"), "the VPC client was changed"
    tags.call("ModifyResourceTags", {"Resource": T.eni_resource("ap-guangzhou", "eni-x"), "DeleteTags": [{"TagKey": "a"}]})
    (post,) = session.posts
    assert post.headers["X-TC-Version"] == "2018-08-13" and "/tag/tc3_request" in post.headers["Authorization"]


def test_modify_ten_of_each_a_call():
    session = ScriptedSession(*[P.v3_ok() for dummy in range(3)])
    api = T.TagApi(QcloudClient(KEYS, "ap-guangzhou", session=session))
    calls = api.modify("res", {"k%02d" % i: "v" for i in range(25)}, ["d%d" % i for i in range(3)])
    assert calls == 3
    import json

    bodies = [json.loads(p.data) for p in session.posts]
    assert [(len(b.get("ReplaceTags", [])), len(b.get("DeleteTags", []))) for b in bodies] == [(10, 3), (10, 0), (5, 0)]
    assert T.TagApi(QcloudClient(KEYS, "ap-guangzhou", session=ScriptedSession())).modify("res", {}, []) == 0


@pytest.mark.parametrize("key,value,code", [
    ("owner", "web-team", ""),
    ("环境", "生产 (主) [a]: b/c@d+e=f_g.h-i", ""),
    ("k", "", ""),
    (1, "v", "key_type"),
    ("k", 1, "value_type"),
    ("k", None, "value_type"),
    ("", "v", "key_empty"),
    ("k" * 128, "v", "key_long"),
    ("k", "v" * 256, "value_long"),
    ("a\nb", "v", "key_chars"),
    ("k", "v\t", "value_chars"),
    ("k", "semi;colon", "value_chars"),
    ("QCloud-team", "v", "reserved"),
    ("project", "v", "reserved"),
])
def test_tag_problem(key, value, code):
    assert T.tag_problem(key, value)[0] == code


def test_tag_changes():
    assert T.tag_changes({"a": "1", "b": "2"}, {"a": "1", "c": "3"}, purge=True) == ({"c": "3"}, ["b"])
    assert T.tag_changes({"a": "1", "b": "2"}, {"a": "9"}, purge=False) == ({"a": "9"}, [])
    assert T.tag_changes({"a": "1"}, {"a": "1"}, purge=True) == ({}, [])


# ================================================================== planning


class Want(M.Desired):
    def __init__(self, **kw):  # pylint: disable=super-init-not-called
        self.name = kw.get("name")
        self.description = kw.get("description")
        self.groups = kw.get("groups")
        self.addresses = kw.get("addresses")
        self.primary = kw.get("primary")
        self.count = kw.get("count")
        self.purge_addresses = kw.get("purge_addresses", False)
        self.tags = kw.get("tags")
        self.purge_tags = kw.get("purge_tags", True)


SUBNET = L.Subnet("subnet-gz3a0001", "vpc-gz000001", "ap-guangzhou-3", "10.0.1.0/24", 200)


def record(**kw):
    return V.normalise_v3(eni_item("eni-eth10001", **kw))


def kinds(steps):
    return [(s.kind, len(s.args.get("addresses") or []), s.args.get("count", 0)) for s in steps]


def test_plan_a_create_with_many_addresses():
    addresses = ["10.0.1.%d" % i for i in range(50, 73)]
    steps = M.plan_present(None, Want(name="n", addresses=addresses, tags={"a": "b"}), SUBNET)
    # no primary asked for: a create without addresses (Tencent picks the primary), then every secondary one
    assert kinds(steps) == [("create", 0, 0), ("assign", 10, 0), ("assign", 10, 0), ("assign", 3, 0)]
    assert steps[0].args["tags"] == {"a": "b"} and steps[0].args["subnet"] is SUBNET
    steps = M.plan_present(None, Want(name="n", primary="10.0.1.49", addresses=addresses), SUBNET)
    # with it, the create takes the primary and nine secondary ones
    assert kinds(steps) == [("create", 9, 0), ("assign", 10, 0), ("assign", 4, 0)]
    assert steps[0].args["primary"] == "10.0.1.49"


def test_plan_a_create_with_a_count():
    assert kinds(M.plan_present(None, Want(name="n", count=25), SUBNET)) == [("create", 0, 10), ("assign", 0, 10), ("assign", 0, 5)]
    assert kinds(M.plan_present(None, Want(name="n"), SUBNET)) == [("create", 0, 0)]


def test_plan_nothing_to_do():
    rec = record(secondaries=["10.0.1.11"], groups=["sg-a0000001"], tags={"a": "b"}, description="d")
    want = Want(name="web-1-eth1", description="d", groups=["sg-a0000001"], addresses=["10.0.1.11", "10.0.1.40"],
                purge_addresses=True, tags={"a": "b"})
    assert M.plan_present(rec, want) == []


def test_plan_order_modify_tags_unassign_assign():
    rec = record(secondaries=["10.0.1.11", "10.0.1.12"], groups=["sg-a0000001", "sg-b0000002"], tags={"a": "b"})
    want = Want(name="renamed", groups=["sg-b0000002", "sg-a0000001"], addresses=["10.0.1.12", "10.0.1.13"],
                purge_addresses=True, tags={"c": "d"})
    steps = M.plan_present(rec, want)
    assert [s.kind for s in steps] == ["modify", "tags", "unassign", "assign"]
    assert steps[0].args == {"name": "renamed", "groups": ["sg-b0000002", "sg-a0000001"]}
    assert steps[1].args == {"replace": {"c": "d"}, "delete": ["a"]}
    assert steps[2].args["addresses"] == ["10.0.1.11"] and steps[3].args["addresses"] == ["10.0.1.13"]


def test_plan_count_down_removes_the_last_ones():
    rec = record(secondaries=["10.0.1.%d" % i for i in range(11, 16)])
    (step,) = M.plan_present(rec, Want(count=2))
    assert step.kind == "unassign" and step.args["addresses"] == ["10.0.1.13", "10.0.1.14", "10.0.1.15"]
    (step,) = M.plan_present(rec, Want(count=7))
    assert (step.kind, step.args["count"]) == ("assign", 2)


def test_plan_groups_empty_list_removes_them():
    (step,) = M.plan_present(record(groups=["sg-a0000001"]), Want(groups=[]))
    assert step.args == {"groups": []}


def test_predict_each_step():
    rec = record(secondaries=["10.0.1.11"], tags={"a": "b"}, holder="ins-run00001")
    after = M.predict(rec, M.Step("modify", name="x", groups=["sg-a0000001"]))
    assert (after["name"], after["security_group_ids"]) == ("x", ["sg-a0000001"]) and rec["name"] == "web-1-eth1"
    assert M.predict(rec, M.Step("tags", replace={"c": "d"}, delete=["a"]))["tags"] == {"c": "d"}
    assert M.predict(rec, M.Step("unassign", addresses=["10.0.1.11"]))["private_ip_addresses"] == ["10.0.1.40"]
    assert M.predict(rec, M.Step("assign", addresses=["10.0.1.12"], count=0))["private_ip_addresses"][-1] == "10.0.1.12"
    assert M.predict(rec, M.Step("detach"))["attachment"] is None
    assert M.predict(rec, M.Step("delete")) is None
    want = Want(name="n", primary="10.0.1.8", addresses=["10.0.1.9"], groups=["sg-a0000001"])
    new = M.predict(None, M.plan_present(None, want, SUBNET)[0])
    assert new["network_interface_id"] is None and new["vpc_id"] == "vpc-gz000001" and new["zone"] == "ap-guangzhou-3"
    assert new["private_ip_addresses"] == ["10.0.1.8", "10.0.1.9"] and new["security_group_ids"] == ["sg-a0000001"]
    assert new["primary_private_ip_address"] == "10.0.1.8"
    assert set(new) == set(rec), "a predicted record has the same keys as a read one"


def test_view_is_what_the_diff_shows():
    rec = record(secondaries=["10.0.1.11"], tags={"a": "b"}, holder="ins-run00001")
    assert M.view(None) == {}
    assert M.view(rec) == {"network_interface_id": "eni-eth10001", "name": "web-1-eth1", "description": "",
                           "subnet_id": "subnet-gz3a0001", "security_group_ids": [], "primary_private_ip_address": "10.0.1.40",
                           "secondary_private_ip_addresses": ["10.0.1.11"], "secondary_private_ip_count": 1,
                           "tags": {"a": "b"}, "attached_to": "ins-run00001"}
    assert M.view(rec, pending=2)["secondary_private_ip_count"] == 3
