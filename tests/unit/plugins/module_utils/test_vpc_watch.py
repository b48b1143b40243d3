# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading many ENIs in batches, and waiting on many ENIs at once (EniWatch), in both protocols.

The session is FakeCloud (fixtures/fakes.py): it checks every signature and answers in the
shapes of the SDK models; the clock is virtual.
"""

from __future__ import annotations

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils import _eni as V
from ansible_collections.tencent.qcloud.plugins.module_utils import _watch as W
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import FakeClock, FakeCloud

SECRET_ID = "AKIDwatchTEST0000000000000000000"
SECRET_KEY = "WATCH-secret-KEY-0123456789abcdef"
INS = "ins-xx44545f"
DESCRIBE, TASK = "DescribeNetworkInterfaces", "DescribeVpcTaskResult"


def eni(n):
    return "eni-%08d" % n


def make(version, count=0):
    cloud = FakeCloud(version, SECRET_ID, SECRET_KEY)
    for n in range(count):
        cloud.add_eni(eni(n))
    clock = FakeClock()
    client = C.QcloudClient(C.Credentials(SECRET_ID, SECRET_KEY, None, "module options"), "ap-guangzhou",
                            api_version=version, session=cloud, sleep=clock.sleep, clock=clock.time,
                            monotonic=clock.monotonic, rng=lambda: 0.5)
    return V.VpcApi(client, sleep=clock.sleep, monotonic=clock.monotonic), cloud, clock


def wait_all(watch, clock):
    """Drive a watch as the module does: sleep until it is due, look, until nothing is watched."""
    ended = []
    while len(watch.entries):
        clock.sleep(max(0.0, watch.due_at() - clock.monotonic()))
        ended.extend(watch.look())
    return ended


# ================================================================== reading in batches


def test_v3_reads_250_enis_in_three_calls_of_at_most_100():
    api, cloud, clock = make("3.0", 250)
    found, misses = api.describe_many([eni(n) for n in range(250)])
    assert sorted(found) == [eni(n) for n in range(250)] and misses == {}
    assert cloud.actions == [DESCRIBE] * 3
    assert [len(p["NetworkInterfaceIds"]) for a, p in cloud.calls] == [100, 100, 50]
    assert all(p["Limit"] == 100 and p["Offset"] == 0 for a, p in cloud.calls)  # the default Limit is 20
    assert found[eni(7)]["network_interface_id"] == eni(7) and found[eni(7)]["attachment"] is None


def test_one_id_is_the_very_request_of_the_single_form():
    api, cloud, clock = make("3.0", 1)
    api.describe_many([eni(0)])
    assert cloud.calls == [(DESCRIBE, {"NetworkInterfaceIds": [eni(0)]})]


def test_v3_misses_keep_what_the_api_answered():
    api, cloud, clock = make("3.0", 3)
    found, misses = api.describe_many([eni(0), eni(9), eni(2), eni(0)])
    assert sorted(found) == [eni(0), eni(2)]
    assert list(misses) == [eni(9)]
    assert misses[eni(9)]["code"] is None and misses[eni(9)]["action"] == DESCRIBE and misses[eni(9)]["request_id"]
    assert len(cloud.calls) == 1 and cloud.calls[0][1]["NetworkInterfaceIds"] == [eni(0), eni(9), eni(2)]


def test_v3_a_query_refused_for_one_unknown_id_is_asked_one_by_one():
    api, cloud, clock = make("3.0", 3)
    cloud.missing_style = "error"
    found, misses = api.describe_many([eni(0), eni(1), eni(7)])
    assert sorted(found) == [eni(0), eni(1)]
    assert misses[eni(7)]["code"] == "ResourceNotFound"
    assert [len(p["NetworkInterfaceIds"]) for a, p in cloud.calls] == [3, 1, 1, 1]


def test_v3_other_errors_of_a_batch_propagate():
    api, cloud, clock = make("3.0", 3)
    cloud.script[DESCRIBE].append(P.v3_error("AuthFailure.SignatureFailure", "bad"))
    with pytest.raises(QcloudApiError) as caught:
        api.describe_many([eni(0), eni(1)])
    assert caught.value.code == "AuthFailure.SignatureFailure"


def test_v2_takes_one_id_per_call():
    api, cloud, clock = make("2.0", 3)
    found, misses = api.describe_many([eni(0), eni(1), eni(5)])
    assert sorted(found) == [eni(0), eni(1)]
    assert misses[eni(5)]["code"] == "InvalidNetworkInterface.NotFound"
    assert [p["networkInterfaceId"] for a, p in cloud.calls] == [eni(0), eni(1), eni(5)]


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


def start_attach(api, cloud, ids, looks=1):
    cloud.task_plan = ("SUCCESS", looks, "")
    return {eni_id: api.attach(eni_id, INS) for eni_id in ids}


def test_v3_one_describe_watches_many_enis_and_no_task_is_read():
    api, cloud, clock = make("3.0", 150)
    ids = [eni(n) for n in range(150)]
    tasks = start_attach(api, cloud, ids, looks=2)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    for eni_id in ids:
        watch.add(eni_id, tasks[eni_id], wanted=INS)
    del cloud.calls[:]
    ended = wait_all(watch, clock)
    assert sorted(look.eni_id for look in ended) == sorted(ids)
    assert all(look.record["attachment"]["instance_id"] == INS and look.status is None for look in ended)
    assert TASK not in cloud.actions
    assert len(cloud.calls) == 3 * 2  # three looks (RUNNING, RUNNING, done), two calls of <= 100 each


def test_v3_a_failed_task_is_read_only_for_its_eni():
    api, cloud, clock = make("3.0", 3)
    tasks = start_attach(api, cloud, [eni(0), eni(1)])
    cloud.task_plan = ("FAILED", 1, "the hypervisor refused the device")
    tasks[eni(2)] = api.attach(eni(2), INS)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    for eni_id, task in tasks.items():
        watch.add(eni_id, task, wanted=INS)
    del cloud.calls[:]
    ended = {look.eni_id: look for look in wait_all(watch, clock)}
    assert ended[eni(2)].status.status == "FAILED" and ended[eni(2)].status.output == "the hypervisor refused the device"
    assert ended[eni(2)].record["attachment"] is None
    assert ended[eni(0)].status is None and ended[eni(1)].status is None
    polls = [p for a, p in cloud.calls if a == TASK]
    assert polls == [{"TaskId": tasks[eni(2)].task_id}]


def test_v3_a_detach_ends_as_asked_when_the_eni_is_free():
    api, cloud, clock = make("3.0")
    cloud.add_eni(eni(0), holder=INS)
    task = api.detach(eni(0), INS)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0), task, wanted=None)
    (look,) = wait_all(watch, clock)
    assert look.record["attachment"] is None and look.status is None


def test_v3_settling_enis_end_when_their_state_is_stable():
    api, cloud, clock = make("3.0")
    cloud.add_eni(eni(0), holder=INS, state="DETACHING", settle_after=3, settle_to=None)
    cloud.add_eni(eni(1), holder=INS, state="ATTACHING", settle_after=0, settle_to=INS)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0))
    watch.add(eni(1))
    ended = wait_all(watch, clock)
    assert [look.eni_id for look in ended] == [eni(1), eni(0)]
    assert ended[1].record["attachment"] is None and ended[1].record["state"] == "AVAILABLE"


def test_v3_an_eni_that_vanished_ends_with_the_answer_that_said_so():
    api, cloud, clock = make("3.0")
    cloud.add_eni(eni(0), holder=INS, state="DETACHING", settle_after=5)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0))
    del cloud.enis[eni(0)]
    (look,) = wait_all(watch, clock)
    assert look.record is None and look.miss["action"] == DESCRIBE


def test_v3_everything_is_looked_at_on_the_deadline_and_what_runs_stays_watched():
    api, cloud, clock = make("3.0", 2)
    cloud.task_plan = ("RUNNING", 0, "")
    tasks = {eni_id: api.attach(eni_id, INS) for eni_id in (eni(0), eni(1))}
    start = clock.monotonic()
    watch = W.EniWatch(api, start + 20)
    for eni_id, task in tasks.items():
        watch.add(eni_id, task, wanted=INS)
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


def test_v3_rounds_are_apart_and_only_due_enis_cost_calls():
    api, cloud, clock = make("3.0", 150)
    cloud.task_plan = ("RUNNING", 0, "")
    watch = W.EniWatch(api, clock.monotonic() + 300)
    for n in range(150):  # added 10 ms apart: 150 schedules, 1.5 s of them
        watch.add(eni(n), api.attach(eni(n), INS), wanted=INS)
        clock.sleep(0.01)
    del cloud.calls[:]
    rounds = []
    end = clock.monotonic() + 3
    while clock.monotonic() < end:
        clock.sleep(max(0.0, watch.due_at() - clock.monotonic()))
        before = len(cloud.calls)
        watch.look()
        rounds.append((clock.monotonic(), len(cloud.calls) - before))
    gaps = [b[0] - a[0] for a, b in zip(rounds, rounds[1:])]
    assert min(gaps) >= W.EniWatch.MIN_ROUND_GAP - 1e-9
    assert all(calls <= 2 for t, calls in rounds)
    assert len(cloud.calls) <= 2 * 31  # at most 10 rounds a second, at most 2 calls each


# ================================================================== EniWatch, API 2.0


def test_v2_polls_each_task_then_reads_the_eni_once():
    api, cloud, clock = make("2.0", 2)
    tasks = start_attach(api, cloud, [eni(0), eni(1)], looks=1)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0), tasks[eni(0)], wanted=INS)
    watch.add(eni(1), tasks[eni(1)], wanted=INS, confirm=False)  # a detach before a move's attach
    del cloud.calls[:]
    ended = {look.eni_id: look for look in wait_all(watch, clock)}
    assert ended[eni(0)].status.status == "SUCCESS" and ended[eni(0)].record["attachment"]["instance_id"] == INS
    assert ended[eni(1)].status.status == "SUCCESS" and ended[eni(1)].record is None
    assert cloud.actions == [TASK, TASK, TASK, DESCRIBE, TASK]


def test_v2_a_failed_task_is_not_followed_by_a_read():
    api, cloud, clock = make("2.0", 1)
    cloud.task_plan = ("FAILED", 0, "boom")
    task = api.attach(eni(0), INS)
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0), task, wanted=INS)
    del cloud.calls[:]
    (look,) = wait_all(watch, clock)
    assert (look.status.status, look.status.output) == ("FAILED", "boom")
    assert cloud.actions == [TASK]


def test_a_failing_look_ends_the_enis_it_was_for_with_the_error():
    api, cloud, clock = make("3.0", 2)
    tasks = start_attach(api, cloud, [eni(0), eni(1)])
    watch = W.EniWatch(api, clock.monotonic() + 300)
    for eni_id, task in tasks.items():
        watch.add(eni_id, task, wanted=INS)
    cloud.script[DESCRIBE].append(P.v3_error("AuthFailure.SignatureFailure", "bad"))
    clock.sleep(watch.due_at() - clock.monotonic())
    ended = watch.look()
    assert sorted(look.eni_id for look in ended) == [eni(0), eni(1)]
    assert all(look.error.code == "AuthFailure.SignatureFailure" for look in ended)
    assert len(watch.entries) == 0


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "LimitExceeded.ActionLimited"])
@pytest.mark.parametrize("version", ["3.0", "2.0"])
def test_a_look_still_throttled_after_the_retries_is_no_news(version, code):
    """Either throttle answer (the per-action ActionLimited, the per-account RequestLimitExceeded) is alike."""
    api, cloud, clock = make(version, 1)
    api.client.retries = 0
    task = start_attach(api, cloud, [eni(0)])[eni(0)]
    watch = W.EniWatch(api, clock.monotonic() + 300)
    watch.add(eni(0), task, wanted=INS)
    throttled = P.v3_error(code, "slow down") if version == "3.0" else P.v2_error(code, 4400, "slow down")
    cloud.script[DESCRIBE if version == "3.0" else TASK].append(throttled)
    clock.sleep(watch.due_at() - clock.monotonic())
    assert watch.look() == [] and len(watch.entries) == 1  # still watched
    (look,) = wait_all(watch, clock)
    assert look.error is None and look.record["attachment"]["instance_id"] == INS
