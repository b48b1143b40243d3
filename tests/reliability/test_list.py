# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list form of qcloud_eni_attach (``attachments``) under faults and under rate limits.

* The fault matrix's faults, at the three kinds of call of a list run: the batched first read,
  the writes, and the wait (API 3.0: the looks at the ENIs; API 2.0: the task polls). A Latin
  square puts a different fault at each kind in each run, so ten runs per protocol meet every
  (call, fault) pair. Each run attaches three ENIs (two to one instance) and detaches one: every
  ENI must end as asked with its write applied exactly once (one task per ENI in the simulator's
  table, one ClientToken per ENI with API 3.0), whatever was retried.
* Rate limits on, two list tasks at once (two ansible-playbook processes, 60 ENIs each over 15
  instances of their own, attach then detach): 0 failures, every write applied once, no two writes
  at once on an instance; the limiter of each task keeps it under the limits, and what the two
  together exceed is throttled and retried, whichever code throttles (the per-action
  LimitExceeded.ActionLimited or the per-account RequestLimitExceeded: the simulator's
  throttle_code).
"""

from __future__ import annotations

import json
import os
import sys

import pytest

import relhelp
from test_matrix import FAULTS, documented

sys.path.insert(0, os.path.join(relhelp.ROOT, "tests", "simulator"))
from qcloud_sim.worldgen import world_with_enis  # noqa: E402  pylint: disable=wrong-import-position

ATTACH, DETACH, DESCRIBE, POLL = ("AttachNetworkInterface", "DetachNetworkInterface", "DescribeNetworkInterfaces",
                                  "DescribeVpcTaskResult")
PROTOCOLS = ("3.0", "2.0")
SHORT_TIMEOUT = 2.0  # every answer of a slow run must come within it, on a busy machine too
DELAY = 4.0
# (eni, holder before, item, holder wanted)
ITEMS = [
    ("eni-free0001", None, {"network_interface_id": "eni-free0001", "instance_id": "ins-run00003"}, "ins-run00003"),
    ("eni-free0002", None, {"network_interface_id": "eni-free0002", "instance_id": "ins-run00003"}, "ins-run00003"),
    ("eni-free0003", None, {"network_interface_id": "eni-free0003", "instance_id": "ins-run00001"}, "ins-run00001"),
    ("eni-held0001", "ins-run00002", {"network_interface_id": "eni-held0001", "state": "absent"}, None),
]
KINDS = ("read", "write", "wait")


def _runs():
    """{run: {kind: fault}}: run k puts fault k + i at kind i."""
    names = list(FAULTS)
    return {"run-%d" % k: {kind: names[(k + i) % len(names)] for i, kind in enumerate(KINDS)} for k in range(len(names))}


def _faults(protocol, faults):
    queue = [dict(FAULTS[faults["read"]], action=DESCRIBE, count=1)]
    if protocol == "3.0":  # the wait is the looks at the ENIs: the first one after the read's retry
        queue += [{"action": DESCRIBE, "fault": "delay", "seconds": 0}, dict(FAULTS[faults["wait"]], action=DESCRIBE)]
    else:
        queue.append(dict(FAULTS[faults["wait"]], action=POLL))
    queue += [dict(FAULTS[faults["write"]], action=ATTACH, count=2)]  # the first two attaches, of two items
    for spec in queue:
        spec["protocol"] = protocol
        documented(spec)
    return queue


def _build(protocol):
    cases = []
    vpc = {"vpc_id": "vpc-gz000001"} if protocol == "2.0" else {}
    for run_id, faults in _runs().items():
        slow = "slow" in faults.values()
        spec = {"settle": DELAY if slow else 0, "faults": _faults(protocol, faults), "config": {"task_seconds": 0.1}}
        args = {"attachments": [dict(item, **vpc) for dummy, dummy2, item, dummy3 in ITEMS],
                "api_timeout": SHORT_TIMEOUT if slow else 5}
        cases.append(("%s/%s" % (protocol, run_id), "qcloud_eni_attach", args, spec, None))
    return relhelp.chain_tasks(cases)


@pytest.fixture(scope="module")
def list_matrix(sim, sim2):
    sims = {"3.0": sim, "2.0": sim2}
    runs = {}
    for protocol in PROTOCOLS:
        name = "list-matrix-%s" % protocol
        path = relhelp.write_playbook(name, _build(protocol), relhelp.connection(sims[protocol], protocol))
        runs[protocol] = relhelp.start_playbook(name, path, sims[protocol], ["--diff", "-v"])
    done = {protocol: relhelp.finish_playbook(run, timeout=600) for protocol, run in runs.items()}
    for protocol, run in done.items():
        assert run["rc"] == 0, "ansible-playbook %s exited %s; see %s" % (run["name"], run["rc"], runs[protocol]["log_path"])
        assert not relhelp.TRACEBACK.search(run["output"])
    return {protocol: run["records"] for protocol, run in done.items()}


def _ids():
    for protocol in PROTOCOLS:
        for run_id in _runs():
            yield protocol, run_id


@pytest.mark.parametrize("protocol,run_id", list(_ids()), ids=["%s/%s" % c for c in _ids()])
def test_every_write_of_a_list_is_applied_once_whatever_fails_on_the_way(list_matrix, protocol, run_id):
    record = list_matrix[protocol]["%s/%s" % (protocol, run_id)]
    result = record["result"]
    relhelp.assert_clean(result)
    assert not result.get("failed"), result.get("msg")
    assert record["elapsed"] < 60
    faults = _runs()[run_id]
    wait_action = DESCRIBE if protocol == "3.0" else POLL
    for kind, action in (("read", DESCRIBE), ("write", ATTACH), ("wait", wait_action)):
        name = FAULTS[faults[kind]]["fault"]
        assert [r for r in record["requests"] if r["action"] == action and r["fault"] == name], \
            "the %s fault %s never met a %s" % (kind, faults[kind], action)
    for (eni, before, dummy, wanted), got in zip(ITEMS, result["results"]):
        assert got["network_interface_id"] == eni and not got.get("failed"), got
        assert relhelp.Sim.holder(None, eni, record["state"]) == wanted
        assert ((got["network_interface"] or {}).get("attachment") or {}).get("instance_id") == wanted
        tasks = [t for t in record["state"]["tasks"] if t["eni_id"] == eni]
        assert [t["status"] for t in tasks] == ["SUCCESS"], "%s: applied %d times: %s" % (eni, len(tasks), tasks)
        assert got["changed"] is True
        if protocol == "3.0":
            writes = [r for r in record["requests"] if r["action"] in (ATTACH, DETACH) and r["params"]["NetworkInterfaceId"] == eni]
            assert len({w["client_token"] for w in writes}) == 1, "%s: a retried write carried another ClientToken" % eni
    assert result["changed"] is True
    # never two tasks at once on one instance (the simulator would have answered the second with a mutex)
    tasks = sorted((t for t in record["state"]["tasks"] if t["instance_id"] == "ins-run00003"), key=lambda t: t["created"])
    assert len(tasks) == 2 and tasks[1]["created"] >= tasks[0]["ends_at"] - 0.05


# -- two list tasks at once, rate limits on ------------------------------------------------------

COUNT = 60  # ENIs per task


def _rate_world():
    """The default world plus 120 free ENIs (eni-gen00000 ...) and 30 S5.LARGE8 instances (ins-rate0000 ...)."""
    world = world_with_enis(2 * COUNT)
    for i in range(30):
        world["instances"].append({"instance_id": "ins-rate%04d" % i, "region": relhelp.REGION, "zone": "ap-guangzhou-3",
                                   "vpc_id": "vpc-gz000001", "subnet_id": "subnet-gz3a0001", "state": "RUNNING",
                                   "instance_type": "S5.LARGE8"})
    return world


def _rate_playbook(name, sim, first):
    # each task has 15 instances of its own, four ENIs each (two tasks on one instance would meet
    # the cloud's mutex, which the client waits out, but this test wants to see none)
    items = [{"network_interface_id": "eni-gen%05d" % n, "instance_id": "ins-rate%04d" % (n % 15 + first // COUNT * 15)}
             for n in range(first, first + COUNT)]
    tasks = [
        {"name": "attach", "tencent.qcloud.qcloud_eni_attach": {"attachments": items}, "register": "rel_a"},
        {"name": "detach", "tencent.qcloud.qcloud_eni_attach": {
            "attachments": [{"network_interface_id": i["network_interface_id"], "state": "absent"} for i in items]},
         "register": "rel_d"},
        {"name": "report", "ansible.builtin.copy": {"dest": os.path.join(relhelp.WORK, name + ".json"),
                                                    "content": "{{ {'attach': rel_a, 'detach': rel_d} | to_json }}"}},
    ]
    return relhelp.write_playbook(name, tasks, relhelp.connection(sim, "3.0"))


THROTTLE_CODES = ("LimitExceeded.ActionLimited", "RequestLimitExceeded")
# A write refused because a task ran on its ENI or instance, in any code Tencent documents for it
BUSY_OUTCOMES = ("UnsupportedOperation.InvalidState", "UnsupportedOperation.ResourceIsInvalidState",
                 "UnsupportedOperation.MutexOperationTaskRunning")


# One throttle code is enough here: the module's retry of a throttled call does not depend on which
# of the two it is (both are retried in the units: test_vpc_busy.py, test_client.py; and the
# simulator answers each as documented: tests/simulator/tests/test_sim_sdk_busy_throttle.py).
# ActionLimited is the one Tencent documents per action, so the check below of which actions may
# answer it means something.
@pytest.mark.parametrize("throttle_code", ["LimitExceeded.ActionLimited"])
def test_two_list_tasks_at_once_under_rate_limits_do_not_fail(sim, throttle_code):
    sim.reset({"task_seconds": 0.5, "rate_limits": True, "throttle_code": throttle_code})
    world = _rate_world()
    sim.call("/_sim/world", world)
    sim.call("/_sim/requests", method="DELETE")
    runs = [relhelp.start_playbook("rate-%d" % k, _rate_playbook("rate-%d" % k, sim, k * COUNT), sim) for k in range(2)]
    done = [relhelp.finish_playbook(run, timeout=300) for run in runs]
    log, state = sim.requests(), sim.state()
    sim.reset({"rate_limits": False})
    for result in done:
        assert result["rc"] == 0, "%s exited %s:\n%s" % (result["name"], result["rc"], result["output"][-3000:])
        assert not relhelp.TRACEBACK.search(result["output"])
    for k in range(2):
        with open(os.path.join(relhelp.WORK, "rate-%d.json" % k), encoding="utf-8") as fh:
            report = json.load(fh)
        for phase, holder in (("attach", True), ("detach", False)):
            got = report[phase]
            assert got["changed"] and not got.get("failed"), got.get("msg")
            assert len(got["results"]) == COUNT and all(r["changed"] and not r.get("failed") for r in got["results"])
            assert all(bool((r["network_interface"] or {}).get("attachment")) is holder for r in got["results"])
    # every write applied once: one attach and one detach task per ENI, all of them SUCCESS
    for n in range(2 * COUNT):
        tasks = [t for t in state["tasks"] if t["eni_id"] == "eni-gen%05d" % n]
        assert sorted((t["action"], t["status"]) for t in tasks) == [(ATTACH, "SUCCESS"), (DETACH, "SUCCESS")], tasks
    assert not [e for e in log if e["action"] in (ATTACH, DETACH) and e["outcome"] in BUSY_OUTCOMES], \
        "two writes met on one instance"
    throttled = [e for e in log if e["outcome"] in THROTTLE_CODES]
    # ActionLimited only for the actions that document it (Attach, Detach, DescribeNetworkInterfaces ...)
    assert all(e["outcome"] == throttle_code or e["action"] == "DescribeVpcTaskResult" for e in throttled), \
        {e["outcome"] for e in throttled}
    # each task alone stays under the limits; together they may exceed them, and those calls were retried
    print("two list tasks at once (%s): %d calls, %d throttled (retried)" % (throttle_code, len(log), len(throttled)))
