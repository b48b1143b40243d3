# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_eni_attach with ``attachments``: many ENIs in one run, in both API versions.

main() runs for real (threads and all) against the simulator in-process (fixtures/sim.py), on the
test's clock: ENIs eni-<n> in VPC, instances TARGET, HOLDER and ins-<n> (the busy rule of an
instance, tasks of task_seconds, faults from its fault queue).
"""

from __future__ import annotations

import pytest

from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni_attach
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import sim as S

VPC = "vpc-7t9nf3pu"
TARGET = "ins-xx44545f"
HOLDER = "ins-holder01"
ZONE4 = "ins-zone4001"  # in ap-guangzhou-4, its primary ENI eni-zone4001 too
DESCRIBE, ATTACH, DETACH, TASK = ("DescribeNetworkInterfaces", "AttachNetworkInterface", "DetachNetworkInterface",
                                  "DescribeVpcTaskResult")
eni = S.eni_id


def ins(n):
    return "ins-%08d" % n


def _world(enis, instances):
    from qcloud_sim import default_world as dw  # importable once fixtures.sim is imported

    data = dw.default_world()
    data["vpcs"].append({"vpc_id": VPC, "region": "ap-guangzhou", "name": "attach", "cidr": "10.60.0.0/16"})
    for sub, zone, cidr in (("subnet-att00003", "ap-guangzhou-3", "10.60.0.0/17"), ("subnet-att00004", "ap-guangzhou-4", "10.60.128.0/17")):
        data["subnets"].append({"subnet_id": sub, "region": "ap-guangzhou", "vpc_id": VPC, "zone": zone, "cidr": cidr})
    for i in [TARGET, HOLDER, ZONE4] + [ins(n) for n in range(instances)]:
        data["instances"].append({"instance_id": i, "region": "ap-guangzhou", "zone": "ap-guangzhou-%d" % (4 if i == ZONE4 else 3),
                                  "vpc_id": VPC, "state": "RUNNING", "instance_type": "S5.LARGE8"})
    data["enis"].append({"eni_id": "eni-zone4001", "subnet_id": "subnet-att00004", "primary": True, "private_ip": "10.60.128.10",
                         "instance_id": ZONE4, "device_index": 0, "attach_time": "2024-01-02 03:05:00"})
    for n, holder, primary in enis:
        data["enis"].append({"eni_id": eni(n), "subnet_id": "subnet-att00003", "primary": primary,
                             "private_ip": "10.60.%d.%d" % (n // 200, n % 200 + 10), "instance_id": holder,
                             "device_index": (0 if primary else 1 + n % 7) if holder else None,
                             "attach_time": "2024-01-02 03:05:00" if holder else None})
    return data


def load(sim, enis, instances=10):
    """The simulator's world with ENIs ``enis`` ({n: holder or None}, or (n, holder, primary) tuples)."""
    if isinstance(enis, dict):
        enis = [(n, h, False) for n, h in sorted(enis.items())]
    sim.set_world(S._built(_world, [list(e) for e in enis], instances))  # pylint: disable=protected-access


def untimed(record):
    """A record without what depends on when and beside which others it was made (its times, the
    device index an attach takes: the first free one on the instance)."""
    if not record:
        return record
    attachment = record.get("attachment")
    return dict(record, created_time=None,
                attachment=dict(attachment, attach_time=None, device_index=None) if attachment else attachment)


def holder(sim, eni_id):
    return sim.world.enis[eni_id]["instance_id"]


def writes(sim):
    return [(e["action"], e["params"]) for e in sim.request_log() if e["action"] in (ATTACH, DETACH)]


def calls(sim):
    return [(e["action"], e["params"]) for e in sim.request_log()]


@pytest.fixture(params=["3.0", "2.0"])
def version(request):
    return request.param


class Result(dict):
    @property
    def failed(self):
        return bool(self.get("failed"))

    def item(self, eni_id):
        return next(r for r in self["results"] if r["network_interface_id"] == eni_id)

    def holder(self, eni_id):
        return ((self.item(eni_id)["network_interface"] or {}).get("attachment") or {}).get("instance_id")


@pytest.fixture
def run(sim, version, run_module, clock):
    """main() with ``attachments`` (or any arguments) against the simulator."""

    def runner(attachments=None, check_mode=False, diff=False, auto_vpc=True, **params):
        args = {"secret_id": sim.secret_id, "secret_key": sim.secret_key, "region": "ap-guangzhou", "api_version": version}
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
ROW_ENIS = [(n, HOLDER if start == "primary" else start if start not in ("missing", "other-vpc") else None, start == "primary")
            for n, (start, options) in enumerate(ROWS) if start != "missing"]


@pytest.mark.parametrize("check_mode", [True, False], ids=["check", "apply"])
def test_each_item_is_decided_exactly_as_the_single_form_decides(run, sim, version, check_mode):
    """One list of every row, against one single-form run per row: same changed, record, sentence, diff."""
    load(sim, ROW_ENIS)
    listed = run(attachments=[spec(n, **options) for n, (start, options) in enumerate(ROWS)], check_mode=check_mode, diff=True)
    for n, (start, options) in enumerate(ROWS):
        load(sim, ROW_ENIS)  # the world as the list found it
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
                assert dict(got.get("error") or {}, request_id=None) == dict(alone.get("error") or {}, request_id=None)
        else:
            assert untimed(got["network_interface"]) == untimed(alone["network_interface"])  # the world was made again
            assert listed["diff"][n] == alone["diff"]
        assert ("task_id" in got) == ("task_id" in alone)
    assert listed.failed  # some rows refuse
    assert listed["changed"] == any(r["changed"] for r in listed["results"])


def test_check_mode_writes_nothing_and_predicts_every_item(run, sim, version):
    load(sim, {n: TARGET if n == 0 else None for n in range(5)})
    r = run(attachments=[spec(n) for n in range(5)], check_mode=True, diff=True)
    assert not r.failed and r["changed"] is True
    assert writes(sim) == [] and S.actions(sim) == [DESCRIBE] * (1 if version == "3.0" else 5)
    assert [r.holder(eni(n)) for n in range(5)] == [TARGET] * 5
    assert [x["changed"] for x in r["results"]] == [False, True, True, True, True]
    assert r["diff"][1] == {"before": {"network_interface_id": eni(1), "instance_id": None},
                            "after": {"network_interface_id": eni(1), "instance_id": TARGET}}
    assert all(holder(sim, eni(n)) is None for n in range(1, 5))


# ================================================================== batching


def test_250_enis_are_read_in_three_calls_and_a_rerun_makes_no_other(run, sim, version):
    if version == "2.0":
        pytest.skip("API 2.0 takes one id per call (test_v2_reads_one_id_per_call)")
    load(sim, {n: ins(n) for n in range(250)}, instances=250)
    r = run(attachments=[spec(n, instance=ins(n)) for n in range(250)])
    assert not r.failed and r["changed"] is False
    assert S.actions(sim) == [DESCRIBE] * 3
    assert [len(p["NetworkInterfaceIds"]) for a, p in calls(sim)] == [100, 100, 50]
    assert [x["network_interface_id"] for x in r["results"]] == [eni(n) for n in range(250)]  # input order


def test_v2_reads_one_id_per_call(run, sim, version):
    if version == "3.0":
        pytest.skip("API 3.0 reads 100 a call")
    load(sim, {n: TARGET for n in range(4)})
    r = run(attachments=[spec(n) for n in range(4)])
    assert not r.failed and [p["networkInterfaceId"] for a, p in calls(sim)] == [eni(n) for n in range(4)]


def test_many_enis_attached_and_waited_for_together(run, sim, version):
    load(sim, {n: None for n in range(120)}, instances=120)
    sim.set_config({"task_seconds": 0.2})
    r = run(attachments=[spec(n, instance=ins(n)) for n in range(120)])
    assert not r.failed and r["changed"] is True
    assert all(holder(sim, eni(n)) == ins(n) for n in range(120))
    assert all(r.holder(eni(n)) == ins(n) for n in range(120))
    assert len(writes(sim)) == 120 and len(sim.tasks.all()) == 120
    # the run's rate limiter, on the module's clock, paced the writes: 5 at once, then 85 a second
    assert r.clock.elapsed >= (120 - 5) / 85.0
    if version == "3.0":  # the ENIs are watched 100 a call, no task is read
        assert TASK not in S.actions(sim)
        assert S.actions(sim).count(DESCRIBE) <= 2 + 2 * 6
        assert {r["task_id"] for r in r["results"]} == {t["task_id"] for t in sim.tasks.all()}
        tokens = [p["ClientToken"] for a, p in writes(sim)]
        assert len(set(tokens)) == 120  # one token per write


# ================================================================== one write at a time on an instance


def test_several_enis_to_one_instance_go_one_after_the_other(run, sim):
    load(sim, {n: HOLDER if n == 7 else None for n in range(8)})
    items = [spec(n) for n in range(5)] + [spec(5, instance=ins(5)), spec(6, instance=ins(6)), spec(7, force=True)]
    r = run(attachments=items)
    assert not r.failed
    assert [holder(sim, eni(n)) for n in range(8)] == [TARGET] * 5 + [ins(5), ins(6), TARGET]
    assert [e for e in sim.request_log() if e["action"] in (ATTACH, DETACH) and e["outcome"] != "Success"] == [], \
        "two writes met on one instance (the simulator refuses a second task on a busy instance)"
    for instance in (TARGET, HOLDER):  # one task at a time on each
        spans = sorted((t["created"], t["ends_at"]) for t in sim.tasks.all() if t["instance_id"] == instance)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    on_target = [p for a, p in writes(sim) if (p.get("InstanceId") or p.get("instanceId")) == TARGET]
    assert len(on_target) == 6


BUSY_CODES = ["UnsupportedOperation.MutexOperationTaskRunning", "UnsupportedOperation.InvalidState",
              "UnsupportedOperation.ResourceIsInvalidState"]


@pytest.mark.parametrize("code", BUSY_CODES)
def test_a_busy_instance_outside_the_run_is_waited_out(run, sim, sim_client, version, code):
    """Another job's task on the instance: the client waits the busy answer out (whichever documented code
    says so; InvalidState and ResourceIsInvalidState after a read of the ENI and the instance), the write
    is made once. (Attach answers a busy instance with the codes it documents: MutexOperationTaskRunning
    is not one of them, so the simulator answers InvalidState for it; API 2.0 answers 5100, its retry-later code.)"""
    load(sim, {n: None for n in range(4)})
    sim.set_config({"busy_code": code})
    sim_client().call(ATTACH, {"NetworkInterfaceId": eni(3), "InstanceId": TARGET})  # another job's task
    first = sim.request_log()[-1]["seq"]
    r = run(attachments=[spec(n) for n in range(3)])
    assert not r.failed and all(holder(sim, eni(n)) == TARGET for n in range(3))
    assert len([t for t in sim.tasks.all() if t["eni_id"] != eni(3)]) == 3
    assert any(e["action"] == ATTACH and e["outcome"] != "Success" for e in sim.request_log(first))  # it was busy
    if version == "3.0":  # each ENI's attempts are one logical write
        tokens = {}
        for action, params in writes(sim)[1:]:
            tokens.setdefault(params["NetworkInterfaceId"], set()).add(params["ClientToken"])
        assert all(len(each) == 1 for each in tokens.values())
    if version == "3.0" and code != BUSY_CODES[0]:  # looked at the instance to tell busy from a lasting state
        assert "DescribeInstances" in S.actions(sim)


@pytest.mark.parametrize("code", BUSY_CODES[1:])
def test_several_enis_to_one_instance_with_any_busy_code(run, sim, version, code):
    """The cloud's own busy answer (its instance mutex) in each documented code: every ENI ends attached."""
    load(sim, {n: None for n in range(5)})
    sim.set_config({"busy_code": code})
    r = run(attachments=[spec(n) for n in range(5)])
    assert not r.failed, r.msg
    assert all(holder(sim, eni(n)) == TARGET for n in range(5)) and len(sim.tasks.all()) == 5


# ================================================================== per-item failures


def test_an_item_that_fails_at_the_api_does_not_stop_the_others(run, sim, version):
    load(sim, [(n, HOLDER if n == 3 else None, n == 3) for n in range(6)])
    sim.faults.add({"fault": "task_failed", "action": ATTACH, "eni": eni(2), "output": "the hypervisor refused the device"})
    items = [spec(0), spec(1, instance=ZONE4), spec(2, instance=ins(2)), spec(3, force=True), spec(4, instance=ins(4)),
             spec(9)]
    r = run(attachments=items)
    assert r.failed
    assert r["msg"].startswith("Of 6 attachments, 4 failed and the others ended as asked (see results); the first, ENI %s: "
                               % eni(1))
    ok = [eni(0), eni(4)]
    assert [x["network_interface_id"] for x in r["results"] if not x.get("failed")] == ok
    assert all(holder(sim, e) == (TARGET if e == eni(0) else ins(4)) for e in ok)
    zone, failed_task, primary, missing = (r.item(eni(n)) for n in (1, 2, 3, 9))
    assert zone["error"]["code"] == "UnsupportedOperation.ZoneMismatch" and zone["changed"] is False
    eni_zone = "ap-guangzhou-3" if version == "3.0" else "id 100003"  # 2.0 gives numeric zone ids
    assert "is in zone %s but instance %s" % (eni_zone, ZONE4) in zone["msg"]
    assert "failed (the hypervisor refused the device)" in failed_task["msg"] and failed_task["task_id"] in failed_task["msg"]
    assert holder(sim, eni(2)) is None
    assert primary["msg"] == ("ENI %s is the primary ENI of %s: a primary ENI cannot be detached or moved to another instance."
                              % (eni(3), HOLDER))
    assert primary["network_interface"]["attachment"]["instance_id"] == HOLDER and "task_id" not in primary
    assert missing["msg"] == "ENI %s was not found in region ap-guangzhou: check network_interface_id and region." % eni(9)
    assert missing["network_interface"] is None and missing["error"]["action"] == DESCRIBE
    assert r["changed"] is True
    assert len(writes(sim)) == 4  # eni 0, 1 (refused), 2, 4


def test_a_task_that_outlives_wait_timeout_is_named_and_the_next_on_its_instance_never_starts(run, sim):
    load(sim, {n: None for n in range(3)})
    sim.set_config({"task_seconds": 1000})
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
    assert len(writes(sim)) == 2
    assert r.clock.elapsed <= 30 + 5


def test_an_api_error_on_the_first_read_fails_every_item_with_its_sentence(run, sim, version):
    load(sim, {0: None, 1: None})
    sim.faults.add({"fault": "error", "action": DESCRIBE, "code": "AuthFailure.SignatureFailure", "code_v2": 4100})
    r = run(attachments=[spec(0), spec(1)])
    assert r.failed and writes(sim) == []
    assert all("rejected the request signature" in x["msg"] for x in r["results"])
    assert r["results"][0]["error"]["action"] == DESCRIBE


def test_a_conflict_is_decided_per_item_as_the_single_form_does(run, sim, clock, monkeypatch):
    """Someone attached the ENI to the target between the read and the write: the re-read says done."""
    load(sim, {0: None, 1: None})
    send = sim.session.adapter.send

    def someone_else_attached_it(request, **kwargs):
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode("utf-8")
        is_attach = request.headers.get("X-TC-Action") == ATTACH or b"Action=AttachNetworkInterface" in body
        if is_attach and eni(0).encode() in body and holder(sim, eni(0)) is None:
            sim.world.apply_attach(eni(0), TARGET, 0, clock.time())
        return send(request, **kwargs)

    monkeypatch.setattr(sim.session.adapter, "send", someone_else_attached_it)
    r = run(attachments=[spec(0), spec(1, instance=ins(1))])
    assert not r.failed
    assert r.item(eni(0))["changed"] is False and r.holder(eni(0)) == TARGET
    assert r.item(eni(1))["changed"] is True and r.holder(eni(1)) == ins(1)


# ================================================================== wait: false


def test_wait_false_returns_the_tasks_but_waits_for_one_a_later_write_on_its_instance_needs(run, sim):
    load(sim, {n: None for n in range(3)})
    r = run(attachments=[spec(0), spec(1), spec(2, instance=ins(2))], wait=False)
    assert not r.failed and r["changed"] is True
    assert all(x["task_id"] for x in r["results"])
    first, second, other = (r.item(eni(n)) for n in range(3))
    assert first["network_interface"]["state"] == "AVAILABLE"  # waited for: eni 1 goes to the same instance
    assert second["network_interface"]["state"] == "ATTACHING" and other["network_interface"]["state"] == "ATTACHING"
    assert len(writes(sim)) == 3


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
def test_an_invalid_item_fails_the_task_before_any_call(run, sim, attachments, needle):
    r = run(attachments=attachments)
    assert r.failed and needle in r["msg"]
    assert sim.session.adapter.sent == []


@pytest.mark.parametrize("option", [{"network_interface_id": eni(5)}, {"instance_id": TARGET}, {"state": "absent"},
                                    {"force": True}, {"vpc_id": VPC}])
def test_the_list_and_the_single_form_do_not_mix(run, sim, option):
    r = run(attachments=[spec(0)], **option)
    assert r.failed and "mutually exclusive" in r["msg"] and "attachments" in r["msg"]
    assert sim.session.adapter.sent == []


def test_neither_form_is_a_clear_failure(run, sim):
    r = run()
    assert r.failed and "network_interface_id" in r["msg"] and "attachments" in r["msg"]
    assert sim.session.adapter.sent == []


def test_api_2_needs_vpc_id_for_every_item(run, sim, version):
    if version == "3.0":
        pytest.skip("vpc_id is optional with API 3.0")
    r = run(attachments=[spec(0, vpc_id=VPC), spec(1)], auto_vpc=False)
    assert r.failed and r["msg"] == ("ENI %s (attachments[1]) has no vpc_id, which api_version 2.0 needs for every ENI: "
                                     "add it, or use api_version 3.0." % eni(1))
    assert sim.session.adapter.sent == []


def test_attach_type_applies_to_the_whole_list(run, sim, version):
    if version == "2.0":
        pytest.skip("attach_type is API 3.0 only")
    load(sim, {n: None for n in range(3)})
    r = run(attachments=[spec(n, instance=ins(n)) for n in range(3)], attach_type="extended")
    assert not r.failed and [p["AttachType"] for a, p in writes(sim)] == [1, 1, 1]


def test_an_empty_list_changes_nothing_and_calls_nothing(run, sim):
    r = run(attachments=[])
    assert not r.failed and r["changed"] is False and r["results"] == [] and r["diff"] == []
    assert sim.session.adapter.sent == []
