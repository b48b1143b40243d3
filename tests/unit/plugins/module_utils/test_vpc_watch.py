# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading many ENIs in batches, and waiting on many ENIs at once (EniWatch), in both protocols.

The cloud is the simulator in-process (fixtures/sim.py): ENI n is in the VPC of instance
ins-<n> (S.load_enis), its tasks take the simulator's task_seconds of the test's clock.
"""

from __future__ import annotations

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _eni as V
from ansible_collections.tencent.qcloud.plugins.module_utils import _watch as W
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import sim as S

DESCRIBE, TASK = "DescribeNetworkInterfaces", "DescribeVpcTaskResult"
eni = S.eni_id


def ins(n):
    return "ins-%08d" % n


def vpc(n):
    return (S.VPC_A, S.VPC_B)[n % 2]


@pytest.fixture
def make(bare_sim, sim_client, clock):
    """make(version, count, held=(), task_seconds=0.4): (VpcApi, the simulator, clock) on a world of
    ``count`` ENIs, those of ``held`` attached to their instance."""

    def build(version, count=1, held=(), task_seconds=0.4):
        enis = [dict(id=eni(n), vpc=vpc(n), subnet=S.subnet_of(vpc(n), 0),
                     holder=ins(n) if n in held else None, primary=False, name="w", tags={}) for n in range(count)]
        S.load_enis(bare_sim, enis, instances=count)
        bare_sim.set_config({"task_seconds": task_seconds})
        api = V.VpcApi(sim_client(api_version=version), sleep=clock.sleep, monotonic=clock.monotonic)
        return api, bare_sim, clock

    return build


def calls(sim, since=0):
    return [(e["action"], e["params"]) for e in sim.request_log(since)]


def seq(sim):
    log = sim.request_log()
    return log[-1]["seq"] if log else 0


def wait_all(watch, clock):
    """Drive a watch as the module does: sleep until it is due, look, until nothing is watched."""
    ended = []
    while len(watch.entries):
        clock.sleep(max(0.0, watch.due_at() - clock.monotonic()))
        ended.extend(watch.look())
    return ended


# ================================================================== reading in batches


def test_v3_reads_250_enis_in_three_calls_of_at_most_100(make):
    api, sim, clock = make("3.0", 250)
    found, misses = api.describe_many([eni(n) for n in range(250)])
    assert sorted(found) == [eni(n) for n in range(250)] and misses == {}
    assert S.actions(sim) == [DESCRIBE] * 3
    assert [len(p["NetworkInterfaceIds"]) for a, p in calls(sim)] == [100, 100, 50]
    assert all(p["Limit"] == 100 and p["Offset"] == 0 for a, p in calls(sim))  # the default Limit is 20
    assert found[eni(7)]["network_interface_id"] == eni(7) and found[eni(7)]["attachment"] is None


def test_one_id_is_the_very_request_of_the_single_form(make):
    api, sim, clock = make("3.0", 1)
    api.describe_many([eni(0)])
    assert calls(sim) == [(DESCRIBE, {"NetworkInterfaceIds": [eni(0)]})]


def test_v3_misses_keep_what_the_api_answered(make):
    api, sim, clock = make("3.0", 3)
    found, misses = api.describe_many([eni(0), eni(9), eni(2), eni(0)])
    assert sorted(found) == [eni(0), eni(2)]
    assert list(misses) == [eni(9)]
    assert misses[eni(9)]["code"] is None and misses[eni(9)]["action"] == DESCRIBE and misses[eni(9)]["request_id"]
    assert len(calls(sim)) == 1 and calls(sim)[0][1]["NetworkInterfaceIds"] == [eni(0), eni(9), eni(2)]


def test_v3_a_query_refused_for_one_unknown_id_is_asked_one_by_one(make):
    """ResourceNotFound is documented for DescribeNetworkInterfaces; asked alone, the simulator
    answers an unknown id with an empty set."""
    api, sim, clock = make("3.0", 3)
    sim.faults.add({"fault": "error", "action": DESCRIBE, "code": "ResourceNotFound"})
    found, misses = api.describe_many([eni(0), eni(1), eni(7)])
    assert sorted(found) == [eni(0), eni(1)]
    assert list(misses) == [eni(7)] and misses[eni(7)]["code"] is None
    assert [len(p["NetworkInterfaceIds"]) for a, p in calls(sim)] == [3, 1, 1, 1]


def test_v3_other_errors_of_a_batch_propagate(make):
    api, sim, clock = make("3.0", 3)
    sim.faults.add({"fault": "error", "action": DESCRIBE, "code": "AuthFailure.SignatureFailure"})
    with pytest.raises(QcloudApiError) as caught:
        api.describe_many([eni(0), eni(1)])
    assert caught.value.code == "AuthFailure.SignatureFailure"


def test_v2_takes_one_id_per_call(make):
    api, sim, clock = make("2.0", 3)
    found, misses = api.describe_many([eni(0), eni(1), eni(5)])
    assert sorted(found) == [eni(0), eni(1)]
    assert misses[eni(5)]["code"] == "InvalidNetworkInterface.NotFound"
    assert [p["networkInterfaceId"] for a, p in calls(sim)] == [eni(0), eni(1), eni(5)]


# ================================================================== the look schedule


def test_look_delays_are_8_percent_of_the_wait_so_far_at_least_015_at_most_10():
    delays = W.look_delays()
    got = [next(delays) for dummy in range(200)]
    assert got[:10] == [0.15] * 10
    elapsed = sum(got[:60])
    assert got[60] == pytest.approx(min(10.0, 0.08 * elapsed))
    assert max(got) == 10.0
    times = [sum(got[:k + 1]) for k in range(len(got))]
    for moment in (0.5, 2, 5, 15, 60):  # the first look after a task of that length ends
        first = next(t for t in times if t >= moment)
        assert first - moment <= max(0.15, 0.08 * moment) + 1e-9
    assert len([t for t in times if t <= 60]) <= 60  # about one call a second on a 100/s API


# ================================================================== EniWatch, API 3.0


def watch_attaches(api, clock, ids):
    tasks = {n: api.attach(eni(n), ins(n), vpc(n)) for n in ids}
    watch = W.EniWatch(api, clock.monotonic() + 300)
    for n, task in tasks.items():
        watch.add(eni(n), task, wanted=ins(n))
    return watch, tasks


def test_v3_one_describe_watches_many_enis_and_no_task_is_read(make):
    api, sim, clock = make("3.0", 150, task_seconds=0.4)
    watch, tasks = watch_attaches(api, clock, range(150))
    since = seq(sim)
    ended = wait_all(watch, clock)
    assert sorted(look.eni_id for look in ended) == [eni(n) for n in range(150)]
    assert all(look.record["attachment"]["instance_id"] == ins(int(look.eni_id[4:])) and look.status is None for look in ended)
    assert TASK not in [a for a, p in calls(sim, since)]
    assert len(calls(sim, since)) == 3 * 2  # three looks (RUNNING, RUNNING, done), two calls of <= 100 each


def test_v3_a_failed_task_is_read_only_for_its_eni(make):
    api, sim, clock = make("3.0", 3)
    sim.faults.add({"fault": "task_failed", "action": "AttachNetworkInterface", "output": "the hypervisor refused the device"})
    watch, tasks = watch_attaches(api, clock, [2, 0, 1])  # the fault is for the first attach
    since = seq(sim)
    ended = {look.eni_id: look for look in wait_all(watch, clock)}
    assert ended[eni(2)].status.status == "FAILED" and ended[eni(2)].status.output == "the hypervisor refused the device"
    assert ended[eni(2)].record["attachment"] is None
    assert ended[eni(0)].status is None and ended[eni(1)].status is None
    assert [p for a, p in calls(sim, since) if a == TASK] == [{"TaskId": tasks[2].task_id}]


def test_v3_a_detach_ends_as_asked_when_the_eni_is_free(make):
    api, sim, clock = make("3.0", 1, held=(0,))
    task = api.detach(eni(0), ins(0))
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0), task, wanted=None)
    (look,) = wait_all(watch, clock)
    assert look.record["attachment"] is None and look.status is None


def test_v3_settling_enis_end_when_their_state_is_stable(make):
    api, sim, clock = make("3.0", 2, held=(0,), task_seconds=1.0)
    api.detach(eni(0), ins(0))
    sim.set_config({"task_seconds": 0.1})
    api.attach(eni(1), ins(1))
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0))
    watch.add(eni(1))
    ended = wait_all(watch, clock)
    assert [look.eni_id for look in ended] == [eni(1), eni(0)]
    assert ended[1].record["attachment"] is None and ended[1].record["state"] == "AVAILABLE"


def test_v3_an_eni_that_vanished_ends_with_the_answer_that_said_so(make):
    api, sim, clock = make("3.0", 1, task_seconds=1.0)
    api.client.call("DeleteNetworkInterface", {"NetworkInterfaceId": eni(0)})  # DELETING, then gone
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0))
    (look,) = wait_all(watch, clock)
    assert look.record is None and look.miss["action"] == DESCRIBE


def test_v3_everything_is_looked_at_on_the_deadline_and_what_runs_stays_watched(make):
    api, sim, clock = make("3.0", 2, task_seconds=1000)
    tasks = {n: api.attach(eni(n), ins(n)) for n in (0, 1)}
    start = clock.monotonic()
    watch = W.EniWatch(api, start + 20)
    for n, task in tasks.items():
        watch.add(eni(n), task, wanted=ins(n))
    looks = 0
    while clock.monotonic() < start + 20:
        clock.sleep(max(0.0, watch.due_at() - clock.monotonic()))
        assert watch.look() == []
        looks += 1
    assert clock.monotonic() == pytest.approx(start + 20)
    assert watch.due_at() <= start + 20 and len(watch.entries) == 2
    record, status = watch.last_seen(eni(0))
    assert record["state"] == "ATTACHING" and status is None
    assert looks <= 50


def test_v3_rounds_are_apart_and_only_due_enis_cost_calls(make):
    api, sim, clock = make("3.0", 150, task_seconds=1000)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    for n in range(150):  # added 10 ms apart: 150 schedules, 1.5 s of them
        watch.add(eni(n), api.attach(eni(n), ins(n)), wanted=ins(n))
        clock.sleep(0.01)
    since = seq(sim)
    rounds = []
    end = clock.monotonic() + 3
    while clock.monotonic() < end:
        clock.sleep(max(0.0, watch.due_at() - clock.monotonic()))
        before = len(calls(sim, since))
        watch.look()
        rounds.append((clock.monotonic(), len(calls(sim, since)) - before))
    gaps = [b[0] - a[0] for a, b in zip(rounds, rounds[1:])]
    assert min(gaps) >= W.EniWatch.MIN_ROUND_GAP - 1e-9
    assert all(n <= 2 for t, n in rounds)
    assert len(calls(sim, since)) <= 2 * 31  # at most 10 rounds a second, at most 2 calls each


# ================================================================== EniWatch, API 2.0


def test_v2_polls_each_task_then_reads_the_eni_once(make):
    api, sim, clock = make("2.0", 2, task_seconds=0.5)
    tasks = {n: api.attach(eni(n), ins(n), vpc(n)) for n in (0, 1)}
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0), tasks[0], wanted=ins(0))
    watch.add(eni(1), tasks[1], wanted=ins(1), confirm=False)  # a detach before a move's attach
    since = seq(sim)
    ended = {look.eni_id: look for look in wait_all(watch, clock)}
    assert ended[eni(0)].status.status == "SUCCESS" and ended[eni(0)].record["attachment"]["instance_id"] == ins(0)
    assert ended[eni(1)].status.status == "SUCCESS" and ended[eni(1)].record is None
    assert [a for a, p in calls(sim, since)] == [TASK, TASK, TASK, DESCRIBE, TASK]


def test_v2_a_failed_task_is_not_followed_by_a_read(make):
    api, sim, clock = make("2.0", 1, task_seconds=0.1)
    sim.faults.add({"fault": "task_failed", "action": "AttachNetworkInterface", "output": "boom"})
    task = api.attach(eni(0), ins(0), vpc(0))
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0), task, wanted=ins(0))
    since = seq(sim)
    (look,) = wait_all(watch, clock)
    assert (look.status.status, look.status.output) == ("FAILED", "boom")
    assert [a for a, p in calls(sim, since)] == [TASK]


def test_a_failing_look_ends_the_enis_it_was_for_with_the_error(make):
    api, sim, clock = make("3.0", 2)
    watch, tasks = watch_attaches(api, clock, [0, 1])
    sim.faults.add({"fault": "error", "action": DESCRIBE, "code": "AuthFailure.SignatureFailure"})
    clock.sleep(watch.due_at() - clock.monotonic())
    ended = watch.look()
    assert sorted(look.eni_id for look in ended) == [eni(0), eni(1)]
    assert all(look.error.code == "AuthFailure.SignatureFailure" for look in ended)
    assert len(watch.entries) == 0


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "LimitExceeded.ActionLimited"])
@pytest.mark.parametrize("version", ["3.0", "2.0"])
def test_a_look_still_throttled_after_the_retries_is_no_news(make, version, code):
    """Either throttle answer (the per-action ActionLimited, the per-account RequestLimitExceeded) is alike."""
    api, sim, clock = make(version, 1)
    api.client.retries = 0
    watch, tasks = watch_attaches(api, clock, [0])
    sim.faults.add({"fault": "error", "action": DESCRIBE if version == "3.0" else TASK, "code": code,
                    "protocol": version, "code_v2": None if version == "3.0" else 4400})
    clock.sleep(watch.due_at() - clock.monotonic())
    assert watch.look() == [] and len(watch.entries) == 1  # still watched
    (look,) = wait_all(watch, clock)
    assert look.error is None and look.record["attachment"]["instance_id"] == ins(0)
