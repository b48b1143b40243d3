# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Races: separate ansible-playbook processes, started together, on one ENI.

Tasks run for a second in the simulator, so the jobs overlap. Judged from the simulator's task
table (what was really applied) and each job's own report.
"""

from __future__ import annotations

import re

import pytest

import relhelp

PROTOCOLS = ("3.0", "2.0")
INSTANCES = ("ins-run00001", "ins-run00003", "ins-stop0001", "ins-run00002")
TASK_SECONDS = 1.0


def _race(sim, name, protocol, jobs):
    """jobs: [module args]; returns (records by job index, simulator state)."""
    sim.reset({"task_seconds": TASK_SECONDS})
    sim.call("/_sim/requests", method="DELETE")
    runs = []
    for index, args in enumerate(jobs):
        job = "race-%s-%s-%d" % (name, protocol.replace(".", ""), index)
        module_args = dict(relhelp.connection(sim, protocol), vpc_id="vpc-gz000001", **args)
        path = relhelp.write_playbook(job, relhelp.case_tasks(str(index), "qcloud_eni_attach", module_args, collect=False))
        runs.append(relhelp.start_playbook(job, path, sim))
    results = []
    for run in runs:
        done = relhelp.finish_playbook(run, timeout=300)
        assert done["rc"] == 0, "ansible-playbook %s exited %s" % (done["name"], done["rc"])
        assert not relhelp.TRACEBACK.search(done["output"])
        results.append(done["records"][str(len(results))]["result"])
    for result in results:
        relhelp.assert_clean(result)
    return results, sim.state()


def _tasks(state, eni, status="SUCCESS"):
    return [t for t in state["tasks"] if t["eni_id"] == eni and t["status"] == status]


def _ids(task):
    return {str(task["task_id"]), str(task["task_id_v2"])}


def _warned(result):
    return any("another job changed it" in w for w in result.get("warnings", []))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_same_eni_same_instance(sim, protocol):
    """N jobs attach one ENI to one instance: all succeed, one write."""
    jobs = [{"network_interface_id": "eni-free0001", "instance_id": "ins-run00001"}] * 4
    results, state = _race(sim, "same", protocol, jobs)
    assert [r.get("failed", False) for r in results] == [False] * 4, [r.get("msg") for r in results]
    assert relhelp.Sim.holder(None, "eni-free0001", state) == "ins-run00001"
    applied = _tasks(state, "eni-free0001")
    assert len(applied) == 1, "%d attach tasks were applied" % len(applied)
    changed = [r for r in results if r["changed"]]
    assert len(changed) == 1, "%d jobs say they changed it, one write was applied" % len(changed)
    assert changed[0]["task_id"] in _ids(applied[0])
    for result in results:
        assert result["network_interface"]["attachment"]["instance_id"] == "ins-run00001"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_different_instances_without_force(sim, protocol):
    """N jobs attach one ENI to N instances without force: one wins, the others fail naming the winner."""
    jobs = [{"network_interface_id": "eni-free0002", "instance_id": ins} for ins in INSTANCES]
    results, state = _race(sim, "no-force", protocol, jobs)
    winners = [(ins, r) for ins, r in zip(INSTANCES, results) if not r.get("failed")]
    assert len(winners) == 1, "%d winners: %s" % (len(winners), [r.get("msg") for r in results])
    winner, won = winners[0]
    assert relhelp.Sim.holder(None, "eni-free0002", state) == winner
    assert won["changed"] and won["network_interface"]["attachment"]["instance_id"] == winner
    assert len(_tasks(state, "eni-free0002")) == 1
    assert not [t for t in state["tasks"] if t["action"] == "DetachNetworkInterface"], "without force nothing may be detached"
    for ins, result in zip(INSTANCES, results):
        if ins == winner:
            continue
        assert re.search(r"ENI eni-free0002 is attached to %s, not to %s: set force=true" % (winner, ins), result["msg"]), result["msg"]
        assert result["changed"] is False


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_different_instances_with_force(sim, protocol):
    """N jobs with force: the ENI ends attached to exactly one of them, and every job reports truthfully."""
    jobs = [{"network_interface_id": "eni-free0003", "instance_id": ins, "force": True} for ins in INSTANCES]
    results, state = _race(sim, "force", protocol, jobs)
    holder = relhelp.Sim.holder(None, "eni-free0003", state)
    assert holder in INSTANCES
    applied = {tid: t for t in _tasks(state, "eni-free0003") for tid in _ids(t)}
    last_attach = max((t for t in _tasks(state, "eni-free0003") if t["action"] == "AttachNetworkInterface"), key=lambda t: t["ends_at"])
    assert last_attach["instance_id"] == holder
    for ins, result in zip(INSTANCES, results):
        if result.get("failed"):
            # a mapped sentence about the contention, never a false claim of success
            assert re.search(r"kept changing|Another task kept|attached to|in the wrong state", result["msg"]), result["msg"]
            continue
        attachment = result["network_interface"]["attachment"] or {}
        assert attachment.get("instance_id") == ins or _warned(result), "job for %s reports %s without a warning" % (ins, attachment)
        if result["changed"]:
            assert result["task_id"] in applied, "job for %s reports task %s that the cloud never ran" % (ins, result["task_id"])
    assert [r for r, ins in zip(results, INSTANCES) if ins == holder and not r.get("failed")], "the holder's job did not succeed"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_attach_and_detach(sim, protocol):
    """Attach and detach race on one ENI: it ends in one of the two states, and each report matches what the job did."""
    jobs = [{"network_interface_id": "eni-free0004", "instance_id": "ins-run00001"},
            {"network_interface_id": "eni-free0004", "state": "absent"}]
    (attach, detach), state = _race(sim, "attach-detach", protocol, jobs)
    holder = relhelp.Sim.holder(None, "eni-free0004", state)
    assert holder in ("ins-run00001", None)
    applied = {tid for t in _tasks(state, "eni-free0004") for tid in _ids(t)}
    for result in (attach, detach):
        if result.get("changed"):
            assert result["task_id"] in applied
    assert not attach.get("failed"), attach.get("msg")
    assert attach["changed"] is True
    assert (attach["network_interface"]["attachment"] or {}).get("instance_id") == "ins-run00001" or _warned(attach)
    if not detach.get("failed"):
        assert detach["network_interface"]["attachment"] is None or _warned(detach)
    if holder is None:
        assert detach.get("changed"), "the ENI ended detached but the detach job says it changed nothing"
    else:
        assert not detach.get("changed"), "the ENI ended attached but the detach job says it detached it"
