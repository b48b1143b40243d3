# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_eni_attach with ``attachments``: many ENIs in one run, in both API versions.

main() runs for real (threads and all); only the HTTP session (FakeCloud: a small stateful VPC
that checks every signature, thread-safe) and the clocks are fakes.
"""

from __future__ import annotations


import pytest


from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni_attach
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import FakeCloud

SECRET_ID = "AKIDlistTEST00000000000000000000"
SECRET_KEY = "LIST-secret-KEY-0123456789abcdef"
VPC = "vpc-7t9nf3pu"
TARGET = "ins-xx44545f"
HOLDER = "ins-holder01"
DESCRIBE, ATTACH, DETACH, TASK = ("DescribeNetworkInterfaces", "AttachNetworkInterface", "DetachNetworkInterface",
                                  "DescribeVpcTaskResult")


def eni(n):
    return "eni-%08d" % n


def ins(n):
    return "ins-%08d" % n


@pytest.fixture(params=["3.0", "2.0"])
def version(request):
    return request.param


@pytest.fixture
def cloud(version):
    return FakeCloud(version, SECRET_ID, SECRET_KEY)


class Result(dict):
    @property
    def failed(self):
        return bool(self.get("failed"))

    def item(self, eni_id):
        return next(r for r in self["results"] if r["network_interface_id"] == eni_id)

    def holder(self, eni_id):
        return ((self.item(eni_id)["network_interface"] or {}).get("attachment") or {}).get("instance_id")


@pytest.fixture
def run(cloud, version, run_module, use_session, clock):
    """main() with ``attachments`` (or any arguments) against the fake cloud."""
    use_session(cloud)

    def runner(attachments=None, check_mode=False, diff=False, auto_vpc=True, **params):
        args = {"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "region": "ap-guangzhou", "api_version": version}
        if attachments is not None:
            if version == "2.0" and auto_vpc:
                attachments = [dict({"vpc_id": VPC}, **a) for a in attachments]
            args["attachments"] = attachments
        result = Result(run_module(qcloud_eni_attach.main, args, check_mode=check_mode, diff=diff, **params).result)
        result.clock = clock
        return result

    return runner


def spec(n, instance=TARGET, **extra):
    return dict({"network_interface_id": eni(n), "instance_id": instance}, **extra)


# ================================================================== the rules: the same as the single form's

# (holder before, item options) for every row of the behaviour table that needs no write refusal
ROWS = [
    (None, {}),
    (TARGET, {}),
    (HOLDER, {"force": True}),
    (HOLDER, {}),
    (TARGET, {"state": "absent"}),
    (HOLDER, {"state": "absent", "instance_id": None}),
    (HOLDER, {"state": "absent"}),
    (None, {"state": "absent"}),
    ("primary", {"force": True}),
    ("primary", {"state": "absent", "instance_id": None}),
    ("missing", {}),
    ("missing", {"state": "absent"}),
    ("other-vpc", {"vpc_id": "vpc-other001"}),
]


def arrange(cloud, n, start):
    if start == "missing":
        return
    if start == "primary":
        cloud.add_eni(eni(n), holder=HOLDER, primary=True)
    elif start == "other-vpc":
        cloud.add_eni(eni(n), vpc_id="vpc-7t9nf3pu")
    else:
        cloud.add_eni(eni(n), holder=start)


@pytest.mark.parametrize("check_mode", [True, False], ids=["check", "apply"])
def test_each_item_is_decided_exactly_as_the_single_form_decides(run, cloud, version, check_mode):
    """One list of every row, against one single-form run per row: same changed, record, sentence, diff."""
    for n, (start, options) in enumerate(ROWS):
        arrange(cloud, n, start)
    listed = run(attachments=[spec(n, **options) for n, (start, options) in enumerate(ROWS)], check_mode=check_mode, diff=True)
    for n, (start, options) in enumerate(ROWS):
        fresh = FakeCloud(version, SECRET_ID, SECRET_KEY)
        arrange(fresh, n, start)
        cloud.enis, cloud.tasks = fresh.enis, fresh.tasks  # the world as the list found it
        single_args = dict(spec(n, **options), check_mode=check_mode, diff=True)
        if version == "2.0":
            single_args.setdefault("vpc_id", VPC)
        alone = run(**single_args)
        got = listed["results"][n]
        assert got["network_interface_id"] == eni(n)
        assert got["changed"] == alone["changed"], (start, options)
        assert bool(got.get("failed")) == alone.failed, (start, options, got)
        if alone.failed:
            assert got["msg"] == alone["msg"]
            if alone.get("error") and alone["error"]["code"] is None:  # an empty answer: its own request id
                assert dict(got["error"], request_id=None) == dict(alone["error"], request_id=None)
            else:
                assert got.get("error") == alone.get("error")
        else:
            assert got["network_interface"] == alone["network_interface"]
            assert listed["diff"][n] == alone["diff"]
        assert ("task_id" in got) == ("task_id" in alone)
    assert listed.failed  # some rows refuse
    assert listed["changed"] == any(r["changed"] for r in listed["results"])


def test_check_mode_writes_nothing_and_predicts_every_item(run, cloud):
    for n in range(5):
        cloud.add_eni(eni(n), holder=TARGET if n == 0 else None)
    r = run(attachments=[spec(n) for n in range(5)], check_mode=True, diff=True)
    assert not r.failed and r["changed"] is True
    assert cloud.writes == [] and cloud.actions == [DESCRIBE] * (1 if cloud.v3 else 5)
    assert [r.holder(eni(n)) for n in range(5)] == [TARGET] * 5
    assert [x["changed"] for x in r["results"]] == [False, True, True, True, True]
    assert r["diff"][1] == {"before": {"network_interface_id": eni(1), "instance_id": None},
                            "after": {"network_interface_id": eni(1), "instance_id": TARGET}}
    assert all(cloud.holder(eni(n)) is None for n in range(1, 5))


# ================================================================== batching


def test_250_enis_are_read_in_three_calls_and_a_rerun_makes_no_other(run, cloud, version):
    if version == "2.0":
        pytest.skip("API 2.0 takes one id per call (test_v2_reads_one_id_per_call)")
    for n in range(250):
        cloud.add_eni(eni(n), holder=ins(n))
    r = run(attachments=[spec(n, instance=ins(n)) for n in range(250)])
    assert not r.failed and r["changed"] is False
    assert cloud.actions == [DESCRIBE] * 3
    assert [len(p["NetworkInterfaceIds"]) for a, p in cloud.calls] == [100, 100, 50]
    assert [x["network_interface_id"] for x in r["results"]] == [eni(n) for n in range(250)]  # input order


def test_v2_reads_one_id_per_call(run, cloud, version):
    if version == "3.0":
        pytest.skip("API 3.0 reads 100 a call")
    for n in range(4):
        cloud.add_eni(eni(n), holder=TARGET)
    r = run(attachments=[spec(n) for n in range(4)])
    assert not r.failed and [p["networkInterfaceId"] for a, p in cloud.calls] == [eni(n) for n in range(4)]


def test_many_enis_attached_and_waited_for_together(run, cloud, version):
    for n in range(120):
        cloud.add_eni(eni(n))
    r = run(attachments=[spec(n, instance=ins(n)) for n in range(120)])
    assert not r.failed and r["changed"] is True
    assert all(cloud.holder(eni(n)) == ins(n) for n in range(120))
    assert all(r.holder(eni(n)) == ins(n) for n in range(120))
    assert len(cloud.writes) == 120 and len(cloud.tasks) == 120
    # the run's rate limiter, on the module's clock, paced the writes: 5 at once, then 85 a second
    assert r.clock.elapsed >= (120 - 5) / 85.0
    if version == "3.0":  # the ENIs are watched 100 a call, no task is read
        assert TASK not in cloud.actions
        assert cloud.actions.count(DESCRIBE) <= 2 + 2 * 6
        assert {r["task_id"] for r in r["results"]} == set(cloud.task_ids)
        tokens = [p["ClientToken"] for a, p in cloud.writes]
        assert len(set(tokens)) == 120  # one token per write


# ================================================================== one write at a time on an instance


def test_several_enis_to_one_instance_go_one_after_the_other(run, cloud):
    cloud.mutex = True  # the cloud refuses a second task on a busy instance
    for n in range(8):
        cloud.add_eni(eni(n), holder=HOLDER if n == 7 else None)
    items = [spec(n) for n in range(5)] + [spec(5, instance=ins(5)), spec(6, instance=ins(6)), spec(7, force=True)]
    r = run(attachments=items)
    assert not r.failed
    assert [cloud.holder(eni(n)) for n in range(8)] == [TARGET] * 5 + [ins(5), ins(6), TARGET]
    assert cloud.mutex_refusals == 0, "two writes met on one instance"
    assert cloud.running_at_once[TARGET] == 1 and cloud.running_at_once[HOLDER] == 1
    on_target = [p for a, p in cloud.writes if (p.get("InstanceId") or p.get("instanceId")) == TARGET]
    assert len(on_target) == 6


BUSY_CODES = ["UnsupportedOperation.MutexOperationTaskRunning", "UnsupportedOperation.InvalidState",
              "UnsupportedOperation.ResourceIsInvalidState"]


@pytest.mark.parametrize("code", BUSY_CODES)
def test_a_busy_instance_outside_the_run_is_waited_out(run, cloud, version, code):
    """Another job's task on the instance: the client waits the busy answer out (whichever documented code
    says so; InvalidState and ResourceIsInvalidState after a read of the ENI and the instance), the write
    is made once."""
    for n in range(3):
        cloud.add_eni(eni(n))
    busy = P.v3_error(code, "another job") if version == "3.0" else P.v2_error(code, 5100, "another job")
    cloud.script[ATTACH].extend([busy] * 3)
    r = run(attachments=[spec(n) for n in range(3)])
    assert not r.failed and all(cloud.holder(eni(n)) == TARGET for n in range(3))
    assert len(cloud.tasks) == 3
    if version == "3.0":  # each ENI's attempts are one logical write
        tokens = {}
        for action, params in cloud.writes:
            tokens.setdefault(params["NetworkInterfaceId"], set()).add(params["ClientToken"])
        assert all(len(each) == 1 for each in tokens.values())
    if code != BUSY_CODES[0]:  # looked at the instance to tell busy from a lasting state
        assert "DescribeInstances" in cloud.actions


@pytest.mark.parametrize("code", BUSY_CODES[1:])
def test_several_enis_to_one_instance_with_any_busy_code(run, cloud, version, code):
    """The cloud's own busy answer (its instance mutex) in each documented code: every ENI ends attached."""
    cloud.mutex, cloud.busy_code = True, code
    for n in range(5):
        cloud.add_eni(eni(n))
    r = run(attachments=[spec(n) for n in range(5)])
    assert not r.failed, r.msg
    assert all(cloud.holder(eni(n)) == TARGET for n in range(5)) and len(cloud.tasks) == 5


# ================================================================== per-item failures


def test_an_item_that_fails_at_the_api_does_not_stop_the_others(run, cloud, version):
    for n in range(6):
        cloud.add_eni(eni(n), holder=HOLDER if n == 3 else None, primary=n == 3)
    cloud.zones[eni(1)] = "ap-guangzhou-3"
    cloud.instances[ins(1)] = {"zone": "ap-guangzhou-4"}
    cloud.fail_tasks[eni(2)] = "the hypervisor refused the device"
    items = [spec(0), spec(1, instance=ins(1)), spec(2, instance=ins(2)), spec(3, force=True), spec(4, instance=ins(4)),
             spec(9)]
    r = run(attachments=items)
    assert r.failed
    assert r["msg"].startswith("Of 6 attachments, 4 failed and the others ended as asked (see results); the first, ENI %s: "
                               % eni(1))
    ok = [eni(0), eni(4)]
    assert [x["network_interface_id"] for x in r["results"] if not x.get("failed")] == ok
    assert all(cloud.holder(e) == (TARGET if e == eni(0) else ins(4)) for e in ok)
    zone, failed_task, primary, missing = (r.item(eni(n)) for n in (1, 2, 3, 9))
    assert zone["error"]["code"] == "UnsupportedOperation.ZoneMismatch" and zone["changed"] is False
    eni_zone = "ap-guangzhou-3" if version == "3.0" else "id 100003"  # 2.0 gives numeric zone ids
    assert "is in zone %s but instance %s" % (eni_zone, ins(1)) in zone["msg"]
    assert "failed (the hypervisor refused the device)" in failed_task["msg"] and failed_task["task_id"] in failed_task["msg"]
    assert cloud.holder(eni(2)) is None
    assert primary["msg"] == ("ENI %s is the primary ENI of %s: a primary ENI cannot be detached or moved to another instance."
                              % (eni(3), HOLDER))
    assert primary["network_interface"]["attachment"]["instance_id"] == HOLDER and "task_id" not in primary
    assert missing["msg"] == "ENI %s was not found in region ap-guangzhou: check network_interface_id and region." % eni(9)
    assert missing["network_interface"] is None and missing["error"]["action"] == DESCRIBE
    assert r["changed"] is True
    assert len(cloud.writes) == 4  # eni 0, 1 (refused), 2, 4


def test_a_task_that_outlives_wait_timeout_is_named_and_the_next_on_its_instance_never_starts(run, cloud):
    for n in range(3):
        cloud.add_eni(eni(n))
    cloud.task_plan = ("RUNNING", 0, "")
    r = run(attachments=[spec(0), spec(1), spec(2, instance=ins(2))], wait_timeout=30, api_timeout=5)
    assert r.failed
    first, second, other = (r.item(eni(n)) for n in range(3))
    assert first["msg"] == ("Task %s (AttachNetworkInterface) was still RUNNING after wait_timeout (30 s): raise wait_timeout, "
                            "or run again later to pick up where it is." % first["task_id"])
    assert first["changed"] is True and other["changed"] is True
    assert second["msg"] == ("AttachNetworkInterface of ENI %s on instance %s did not start: wait_timeout (30 s) passed while "
                             "the instance was busy with this task's earlier writes; raise wait_timeout, or run again to "
                             "pick up where it is." % (eni(1), TARGET))
    assert second["changed"] is False and "task_id" not in second
    assert len(cloud.writes) == 2
    assert r.clock.elapsed <= 30 + 5


def test_an_api_error_on_the_first_read_fails_every_item_with_its_sentence(run, cloud, version):
    cloud.script[DESCRIBE].append(P.v3_error("AuthFailure.SignatureFailure", "bad", "req-auth") if version == "3.0"
                                  else P.v2_error("", 4100, "bad"))
    r = run(attachments=[spec(0), spec(1)])
    assert r.failed and cloud.writes == []
    assert all("rejected the request signature" in x["msg"] for x in r["results"])
    assert r["results"][0]["error"]["action"] == DESCRIBE


def test_a_conflict_is_decided_per_item_as_the_single_form_does(run, cloud, version):
    """Someone attached the ENI to the target between the read and the write: the re-read says done."""
    for n in range(2):
        cloud.add_eni(eni(n))

    def someone_else_attached_it(params):
        cloud.enis[eni(0)]["holder"] = TARGET
        return cloud._AttachNetworkInterface(params)

    cloud.script[ATTACH].append(someone_else_attached_it)
    r = run(attachments=[spec(0), spec(1, instance=ins(1))])
    assert not r.failed
    assert r.item(eni(0))["changed"] is False and r.holder(eni(0)) == TARGET
    assert r.item(eni(1))["changed"] is True and r.holder(eni(1)) == ins(1)


# ================================================================== wait: false


def test_wait_false_returns_the_tasks_but_waits_for_one_a_later_write_on_its_instance_needs(run, cloud):
    for n in range(3):
        cloud.add_eni(eni(n))
    r = run(attachments=[spec(0), spec(1), spec(2, instance=ins(2))], wait=False)
    assert not r.failed and r["changed"] is True
    assert all(x["task_id"] for x in r["results"])
    first, second, other = (r.item(eni(n)) for n in range(3))
    assert first["network_interface"]["state"] == "AVAILABLE"  # waited for: eni 1 goes to the same instance
    assert second["network_interface"]["state"] == "ATTACHING" and other["network_interface"]["state"] == "ATTACHING"
    assert len(cloud.writes) == 3


# ================================================================== input: fails before any call

BAD_LISTS = [
    ([{"network_interface_id": "eni-bad", "instance_id": TARGET}],
     "attachments[0].network_interface_id must be eni- followed by 8 lowercase letters or digits"),
    ([spec(0), {"network_interface_id": eni(1), "instance_id": "i-123"}], "attachments[1].instance_id must be ins-"),
    ([spec(0), spec(1, vpc_id="vpc_1")], "attachments[1].vpc_id must be vpc-"),
    ([spec(0), spec(1), spec(0, instance=HOLDER)],
     "ENI %s is listed twice, in attachments[0] and attachments[2]: list each ENI once." % eni(0)),
    ([spec(0), {"network_interface_id": eni(1)}],
     "ENI %s (attachments[1]) has state=present but no instance_id: give the instance to attach it to." % eni(1)),
    ([spec(0, state="attached")], "state"),
    ([{"instance_id": TARGET}], "network_interface_id"),
    ([spec(0, colour="blue")], "colour"),
]


@pytest.mark.parametrize("attachments,needle", BAD_LISTS)
def test_an_invalid_item_fails_the_task_before_any_call(run, cloud, attachments, needle):
    r = run(attachments=attachments)
    assert r.failed and needle in r["msg"]
    assert cloud.posts == []


@pytest.mark.parametrize("option", [{"network_interface_id": eni(5)}, {"instance_id": TARGET}, {"state": "absent"},
                                    {"force": True}, {"vpc_id": VPC}])
def test_the_list_and_the_single_form_do_not_mix(run, cloud, option):
    r = run(attachments=[spec(0)], **option)
    assert r.failed and "mutually exclusive" in r["msg"] and "attachments" in r["msg"]
    assert cloud.posts == []


def test_neither_form_is_a_clear_failure(run, cloud):
    r = run()
    assert r.failed and "network_interface_id" in r["msg"] and "attachments" in r["msg"]
    assert cloud.posts == []


def test_api_2_needs_vpc_id_for_every_item(run, cloud, version):
    if version == "3.0":
        pytest.skip("vpc_id is optional with API 3.0")
    r = run(attachments=[spec(0, vpc_id=VPC), spec(1)], auto_vpc=False)
    assert r.failed and r["msg"] == ("ENI %s (attachments[1]) has no vpc_id, which api_version 2.0 needs for every ENI: "
                                     "add it, or use api_version 3.0." % eni(1))
    assert cloud.posts == []


def test_attach_type_applies_to_the_whole_list(run, cloud, version):
    if version == "2.0":
        pytest.skip("attach_type is API 3.0 only")
    for n in range(3):
        cloud.add_eni(eni(n))
    r = run(attachments=[spec(n, instance=ins(n)) for n in range(3)], attach_type="extended")
    assert not r.failed and [p["AttachType"] for a, p in cloud.writes] == [1, 1, 1]


def test_an_empty_list_changes_nothing_and_calls_nothing(run, cloud):
    r = run(attachments=[])
    assert not r.failed and r["changed"] is False and r["results"] == [] and r["diff"] == []
    assert cloud.posts == []
