# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault matrix: every call of the attach/detach flow x every fault x both protocols.

Each case resets the simulator, queues one fault at one position of the flow, runs
qcloud_eni_attach through ansible-playbook, and reads the simulator's request log and state.
The flow: the first describe, the write, the wait (API 2.0 polls the task, then confirms with a
describe; API 3.0 watches the ENI with describes, the last of which is the confirmation, so there
its "task_poll" and "confirm_describe" positions are one call: the first describe after the write).
The module must either succeed with the write applied exactly once, or fail within its deadline
with a mapped sentence; retries stay inside api_retries and back off (visible in the log's times).
One playbook per protocol holds all its cases; the two run side by side on two simulators.
"""

from __future__ import annotations

import re

import pytest

import relhelp

ATTACH, DETACH, DESCRIBE, POLL = ("AttachNetworkInterface", "DetachNetworkInterface", "DescribeNetworkInterfaces",
                                  "DescribeVpcTaskResult")
WRITES = (ATTACH, DETACH)
PROTOCOLS = ("3.0", "2.0")
# A delayed answer takes DELAY; the module waits SHORT_TIMEOUT for every answer of a run with a slow
# fault: on a busy machine an unfaulted answer can take a second, and a lost 2.0 write loses its task id.
DELAY = 4.0
SHORT_TIMEOUT = 2.0
TASK_SECONDS = 0.1   # attach/detach tasks: the first poll (after 0.25 s) finds them done

FAULTS = {
    "http_500": {"fault": "http_500"},
    "http_502": {"fault": "http_502"},
    "http_503": {"fault": "http_503"},
    "reset": {"fault": "reset"},
    "slow": {"fault": "delay", "seconds": DELAY},
    "malformed": {"fault": "malformed"},
    "truncated": {"fault": "truncated"},
    "RequestLimitExceeded": {"fault": "error", "code": "RequestLimitExceeded"},
    "InternalError": {"fault": "error", "code": "InternalError"},
    "MutexOperationTaskRunning": {"fault": "error", "code": "UnsupportedOperation.MutexOperationTaskRunning"},
}

# API 3.0 answers only codes Tencent documents for the action (qcloud_sim/documented_errors.json):
# the busy fault of a 3.0 write is the simulator's own busy answer of that write, and a read, which
# Tencent never answers busy, gets a documented transient answer instead (API 2.0 keeps its 5100).
BUSY_V3 = {ATTACH: "UnsupportedOperation.IdempotentProcessing", DETACH: "UnsupportedOperation.IdempotentProcessing",
           "CreateNetworkInterface": "UnsupportedOperation.IdempotentProcessing"}


def documented(spec):
    """``spec`` (with action and protocol) as a fault the simulator accepts."""
    if spec.get("protocol") == "3.0" and spec.get("code") == "UnsupportedOperation.MutexOperationTaskRunning":
        spec["code"] = BUSY_V3.get(spec["action"], "ServiceUnavailable")
    return spec


# position: (scenario, action, how many calls of that action pass before the faulted one)
POSITIONS = {
    "first_describe": ("attach", DESCRIBE, 0),
    "attach": ("attach", ATTACH, 0),
    "detach": ("detach", DETACH, 0),
    "task_poll": ("attach", POLL, 0),
    "confirm_describe": ("attach", DESCRIBE, 1),
}

# scenario: (eni, holder before, module args, holder wanted)
SCENARIOS = {
    "attach": ("eni-free0001", None, {"network_interface_id": "eni-free0001", "instance_id": "ins-run00001"}, "ins-run00001"),
    "detach": ("eni-held0001", "ins-run00002",
               {"network_interface_id": "eni-held0001", "instance_id": "ins-run00002", "state": "absent"}, None),
}

# Persistent faults (more than the retry budget) on the first call: (fault, message)
BUDGET_RETRIES = 2
PERSISTENT = {
    "http_503": ({"fault": "http_503"}, r"kept answering HTTP 503"),
    "reset": ({"fault": "reset"}, r"Could not reach .*connection was closed"),
    "slow": ({"fault": "delay", "seconds": 1.0}, r"did not answer within api_timeout \(0\.6 s\)"),
    "malformed": ({"fault": "malformed"}, r"not a Tencent Cloud API response"),
    "RequestLimitExceeded": ({"fault": "error", "code": "RequestLimitExceeded"}, r"kept throttling DescribeNetworkInterfaces"),
    "InternalError": ({"fault": "error", "code": "InternalError"}, r"internal error on DescribeNetworkInterfaces"),
}
# and on the write: (fault, message)
PERSISTENT_WRITE = {
    "http_502": ({"fault": "http_502"}, r"kept answering HTTP 502"),
}
# A busy instance is waited out until wait_timeout, beyond api_retries, then named.
BUSY_WAIT_TIMEOUT = 4
BUSY = ({"fault": "error", "code": "UnsupportedOperation.MutexOperationTaskRunning", "message": "Task t-held runs on ins-run00001."},
        r"Another task kept ENI eni-free0001 or instance ins-run00001 busy for the whole wait_timeout \(4 s\) "
        r"\(Tencent Cloud said: Task t-held runs on ins-run00001\.\)")

# Lower bound of the n-th backoff (equal jitter: half of min(8, 0.5 * 2**n) for sure), less a margin.
MIN_BACKOFF = [0.25 * 0.9, 0.5 * 0.9, 1.0 * 0.9, 2.0 * 0.9]


def _position(protocol, position):
    """(scenario, action, calls of that action before the faulted one) of a position in a protocol."""
    if protocol == "3.0" and position in ("task_poll", "confirm_describe"):
        return ("attach", DESCRIBE, 1)  # the first look at the ENI after the write
    return POSITIONS[position]


def _same_call(protocol, position):
    """3.0 has one call where 2.0 has the poll and the confirming describe."""
    return "task_poll" if protocol == "3.0" and position == "confirm_describe" else position


def _case_ids():
    for protocol in PROTOCOLS:
        for position in POSITIONS:
            for fault in FAULTS:
                yield protocol, position, fault
        for position in ("attach", "detach"):
            yield protocol, position, "task_failed"


def _vpc(protocol):
    return {"vpc_id": "vpc-gz000001"} if protocol == "2.0" else {}


# A Latin square keeps the matrix fast: each run of a flow puts a different fault at each of its
# four calls (run k, call i: fault number k + i), so every (call, fault) pair of a flow is met
# once in len(FAULTS) runs. The attach flow covers first_describe, attach, task_poll and
# confirm_describe; the detach flow covers the detach call (and the other calls once more).
FLOWS = {
    "attach": ("first_describe", "attach", "task_poll", "confirm_describe"),
    "detach": ("first_describe", "detach", "task_poll", "confirm_describe"),
}
WRITE_POSITIONS = ("attach", "detach")


def _runs(protocol="3.0"):
    """{run id: (scenario, {position: fault})}. An API 2.0 write whose answer is truncated is retried
    into a conflict and never polled (test_v2_lost_answer_reports_changed checks that run), so 2.0 gets
    an extra run for that poll fault."""
    names = list(FAULTS)
    runs = {}
    for scenario, positions in FLOWS.items():
        if protocol == "3.0":
            positions = tuple(p for p in positions if p != "confirm_describe")
        for k in range(len(names)):
            runs["%s-%d" % (scenario, k)] = (scenario, {p: names[(k + i) % len(names)] for i, p in enumerate(positions)})
    if protocol == "2.0":
        for run_id, (scenario, faults) in list(runs.items()):
            if scenario == "attach" and faults["attach"] == "truncated":
                runs["attach-poll-%s" % faults["task_poll"]] = ("attach", {"task_poll": faults["task_poll"]})
    return runs


def _run_of(protocol, position, fault):
    """The run that puts fault at position (the attach flow for the calls both flows have)."""
    position = _same_call(protocol, position)
    runs = _runs(protocol)
    if "attach-poll-%s" % fault in runs and position == "task_poll":
        return "attach-poll-%s" % fault
    for run_id, (scenario, faults) in runs.items():
        if faults.get(position) == fault and (scenario == _position(protocol, position)[0]):
            return run_id
    raise KeyError((position, fault))


def _fault_specs(protocol, faults):
    """The queue of one run: the describe faults (with a pass-through for the retry that follows
    the first one, so the second fault meets the confirming describe), then the write's, the poll's."""
    queue = []
    second = "task_poll" if protocol == "3.0" else "confirm_describe"  # the second describe of the flow
    if "first_describe" in faults:
        queue = [dict(FAULTS[faults["first_describe"]], action=DESCRIBE),
                 {"action": DESCRIBE, "fault": "delay", "seconds": 0},
                 dict(FAULTS[faults[second]], action=DESCRIBE)]
    for position in ("attach", "detach", "task_poll"):
        if position in faults and position != second:
            queue.append(dict(FAULTS[faults[position]], action=POSITIONS[position][1]))
    for spec in queue:
        spec["protocol"] = protocol
        documented(spec)
    return queue


def _build(protocol):
    cases = []
    for run_id, (scenario, faults) in _runs(protocol).items():
        eni, holder, args, dummy = SCENARIOS[scenario]
        spec = {"settle": DELAY if "slow" in faults.values() else 0, "faults": _fault_specs(protocol, faults), "bindings": {eni: holder} if holder else {},
                "config": {"task_seconds": TASK_SECONDS}}
        module_args = dict(args, api_timeout=SHORT_TIMEOUT if "slow" in faults.values() else 5, **_vpc(protocol))
        cases.append(("%s/%s" % (protocol, run_id), "qcloud_eni_attach", module_args, spec, None))
    for scenario in ("attach", "detach"):
        eni, holder, args, dummy = SCENARIOS[scenario]
        action = ATTACH if scenario == "attach" else DETACH
        spec = {"faults": [{"action": action, "fault": "task_failed", "output": "Injected: the hypervisor refused the device.",
                            "protocol": protocol}],
                "bindings": {eni: holder} if holder else {}, "config": {"task_seconds": TASK_SECONDS}}
        cases.append(("%s/%s/task_failed" % (protocol, scenario), "qcloud_eni_attach", dict(args, **_vpc(protocol)), spec, None))
    for name, (fault_spec, dummy) in PERSISTENT.items():
        spec = {"faults": [dict(fault_spec, action=DESCRIBE, count=10, protocol=protocol)], "settle": 1.0 if name == "slow" else 0}
        module_args = dict(SCENARIOS["attach"][2], api_retries=BUDGET_RETRIES, api_timeout=0.6, **_vpc(protocol))
        cases.append(("%s/budget/%s" % (protocol, name), "qcloud_eni_attach", module_args, spec, None))
    for name, (fault_spec, dummy) in PERSISTENT_WRITE.items():
        spec = {"faults": [dict(fault_spec, action=ATTACH, count=10, protocol=protocol)]}
        module_args = dict(SCENARIOS["attach"][2], api_retries=BUDGET_RETRIES, api_timeout=0.6, **_vpc(protocol))
        cases.append(("%s/budget-write/%s" % (protocol, name), "qcloud_eni_attach", module_args, spec, None))
    spec = {"faults": [documented(dict(BUSY[0], action=ATTACH, count=1000, protocol=protocol))]}
    module_args = dict(SCENARIOS["attach"][2], api_retries=BUDGET_RETRIES, wait_timeout=BUSY_WAIT_TIMEOUT, **_vpc(protocol))
    cases.append(("%s/busy" % protocol, "qcloud_eni_attach", module_args, spec, None))
    spec = {"faults": [{"action": DESCRIBE, "fault": "http_500", "count": 5, "protocol": protocol}]}
    module_args = dict(SCENARIOS["attach"][2], api_retries=0, **_vpc(protocol))
    cases.append(("%s/budget/no-retries" % protocol, "qcloud_eni_attach", module_args, spec, None))
    return relhelp.chain_tasks(cases)


@pytest.fixture(scope="module")
def matrix(sim, sim2):
    """Both protocols' playbooks, side by side; the 3.0 one with --diff -v, the 2.0 one with -vvv."""
    sims = {"3.0": sim, "2.0": sim2}
    options = {"3.0": ["--diff", "-v"], "2.0": ["-vvv"]}
    runs = {}
    for protocol in PROTOCOLS:
        name = "matrix-%s" % protocol
        path = relhelp.write_playbook(name, _build(protocol), relhelp.connection(sims[protocol], protocol))
        runs[protocol] = relhelp.start_playbook(name, path, sims[protocol], options[protocol])
    done = {protocol: relhelp.finish_playbook(run, timeout=900) for protocol, run in runs.items()}
    for protocol, run in done.items():
        assert run["rc"] == 0, "ansible-playbook %s exited %s; see %s" % (run["name"], run["rc"], runs[protocol]["log_path"])
        assert not relhelp.TRACEBACK.search(run["output"]), "traceback in the output of %s" % run["name"]
    return {protocol: run["records"] for protocol, run in done.items()}


def _calls(record, action):
    return [r for r in record["requests"] if r["action"] == action]


def _applied(record, eni):
    """Tasks that really changed a binding (or were meant to): the simulator's task table."""
    return [t for t in record["state"]["tasks"] if t["eni_id"] == eni]


def _lost_v2_write(protocol, run_id):
    """Runs of API 2.0 whose write answer was truncated (applied, answer lost): their task id is lost
    with the answer (test_v2_lost_answer_reports_changed checks the rest of them)."""
    if protocol != "2.0" or "/" not in run_id or run_id.split("/")[1] not in _runs(protocol):
        return False
    scenario, faults = _runs(protocol)[run_id.split("/")[1]]
    return faults.get(scenario) == "truncated"


def _check_retried(record, protocol, position, fault):
    """The faulted call of that position was retried, after a backoff (or, when slow, after api_timeout)."""
    action = _position(protocol, position)[1]
    calls = _calls(record, action)
    faulted = [i for i, c in enumerate(calls) if c["fault"]]
    if action == DESCRIBE and position != "first_describe":
        faulted = faulted[2:3]  # the first describe's fault and its pass-through come first
    else:
        faulted = faulted[:1]
    assert faulted, "no faulted %s in the log" % action
    index = faulted[0]
    assert index + 1 < len(calls), "the faulted %s was not retried" % action
    gap = calls[index + 1]["time"] - calls[index]["time"]
    least = SHORT_TIMEOUT * 0.9 if fault == "slow" else MIN_BACKOFF[0]
    assert gap >= least, "the retry of %s came %.3f s after the fault" % (action, gap)


@pytest.mark.parametrize("protocol,position,fault", list(_case_ids()), ids=["/".join(c) for c in _case_ids()])
def test_fault(matrix, protocol, position, fault):
    if fault == "task_failed":
        run_id = "%s/%s/task_failed" % (protocol, position)
        scenario = position
    else:
        run_id = "%s/%s" % (protocol, _run_of(protocol, position, fault))
        scenario = _position(protocol, position)[0]
    record = matrix[protocol][run_id]
    result = record["result"]
    relhelp.assert_clean(result)
    eni, holder_before, dummy, wanted = SCENARIOS[scenario]
    write = ATTACH if scenario == "attach" else DETACH
    writes = _calls(record, write)
    holder = relhelp.Sim.holder(None, eni, record["state"])
    assert record["elapsed"] < 40, "took %.1f s" % record["elapsed"]
    if fault == "task_failed":
        assert result.get("failed"), result
        assert re.search(r"Task \S+ \(%s\) failed\W+Injected: the hypervisor refused the device\.\W+check the instance" % write, result["msg"]), result["msg"]
        assert holder == holder_before, "a FAILED task left the ENI with %s" % holder
        assert len(writes) == 1, "a FAILED task was written again"
        return
    assert not result.get("failed"), result.get("msg")
    assert holder == wanted
    tasks = _applied(record, eni)
    assert [t["status"] for t in tasks] == ["SUCCESS"], "the write was applied %d times: %s" % (len(tasks), tasks)
    assert (result["network_interface"]["attachment"] or {}).get("instance_id") == wanted
    assert not [r for r in record["requests"] if r["action"] in WRITES and r["action"] != write]
    if protocol == "3.0":
        assert len({w["client_token"] for w in writes}) == 1, "a retried write carried another ClientToken"
    _check_retried(record, protocol, position, fault)
    assert result["diff"]["before"]["instance_id"] == holder_before and result["diff"]["after"]["instance_id"] == wanted
    assert result["changed"] is True, "the module applied a write but reported changed=%s" % result["changed"]
    if not _lost_v2_write(protocol, run_id):  # 2.0 answers the task id only once: a lost answer loses it
        # the task's id, or the RequestId of its write's replay (3.0: a replay has a RequestId of its own)
        named = {str(tasks[0]["task_id"]), str(tasks[0]["task_id_v2"])}
        named.update(w["request_id"] for w in writes if w.get("task_id") == tasks[0]["task_id"])
        assert result.get("task_id") in named


@pytest.mark.parametrize("position", WRITE_POSITIONS)
def test_v2_lost_answer_reports_changed(matrix, position):
    record = matrix["2.0"]["2.0/%s" % _run_of("2.0", position, "truncated")]
    assert relhelp.Sim.holder(None, SCENARIOS[position][0], record["state"]) == SCENARIOS[position][3]
    assert len(_applied(record, SCENARIOS[position][0])) == 1, "this run applied the write"
    assert record["result"]["changed"] is True


def test_task_failed_sentence_has_one_full_stop(matrix):
    assert ".." not in matrix["3.0"]["3.0/attach/task_failed"]["result"]["msg"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("name", list(PERSISTENT))
def test_retry_budget(matrix, protocol, name):
    record = matrix[protocol]["%s/budget/%s" % (protocol, name)]
    result = record["result"]
    relhelp.assert_clean(result)
    assert result.get("failed")
    assert re.search(PERSISTENT[name][1], result["msg"]), result["msg"]
    assert result["error"]["action"] == DESCRIBE
    calls = _calls(record, DESCRIBE)
    assert len(calls) == BUDGET_RETRIES + 1, "%d calls for api_retries=%d" % (len(calls), BUDGET_RETRIES)
    assert not [r for r in record["requests"] if r["action"] != DESCRIBE]
    gaps = [b["time"] - a["time"] for a, b in zip(calls, calls[1:])]
    for index, gap in enumerate(gaps):
        assert gap >= MIN_BACKOFF[index], "no backoff before retry %d (%.3f s)" % (index + 1, gap)
    # the deadline: every attempt's timeout plus the capped backoffs
    assert record["elapsed"] < (BUDGET_RETRIES + 1) * 0.6 + BUDGET_RETRIES * 8.0 + 3


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("name", list(PERSISTENT_WRITE))
def test_retry_budget_write(matrix, protocol, name):
    record = matrix[protocol]["%s/budget-write/%s" % (protocol, name)]
    result = record["result"]
    relhelp.assert_clean(result)
    assert result.get("failed")
    assert re.search(PERSISTENT_WRITE[name][1], result["msg"]), result["msg"]
    writes = _calls(record, ATTACH)
    assert len(writes) == BUDGET_RETRIES + 1
    assert relhelp.Sim.holder(None, "eni-free0001", record["state"]) is None, "a failed write left the ENI attached"
    assert not record["state"]["tasks"]
    if protocol == "3.0":
        assert len({w["client_token"] for w in writes}) == 1
    assert result["changed"] is False


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_busy_instance_is_waited_out_until_wait_timeout(matrix, protocol):
    record = matrix[protocol]["%s/busy" % protocol]
    result = record["result"]
    relhelp.assert_clean(result)
    assert result.get("failed") and result["changed"] is False
    busy = documented({"code": BUSY[0]["code"], "action": ATTACH, "protocol": protocol})["code"]
    if busy == BUSY[0]["code"]:
        assert re.search(BUSY[1], result["msg"]), result["msg"]
    else:  # IdempotentProcessing: the same wait, its own sentence
        assert re.search(r"still processing an identical request when wait_timeout \(4 s\) passed", result["msg"]), result["msg"]
    assert result["error"]["code"] == busy
    writes = _calls(record, ATTACH)
    assert len(writes) > BUDGET_RETRIES + 1, "busy answers were counted against api_retries"
    assert writes[-1]["time"] - writes[0]["time"] <= BUSY_WAIT_TIMEOUT + 5
    if protocol == "3.0":
        assert len({w["client_token"] for w in writes}) == 1
    assert not record["state"]["tasks"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_no_retries(matrix, protocol):
    record = matrix[protocol]["%s/budget/no-retries" % protocol]
    assert record["result"].get("failed")
    assert len(record["requests"]) == 1, "api_retries=0 made %d calls" % len(record["requests"])
    assert "kept answering HTTP 500" in record["result"]["msg"]
