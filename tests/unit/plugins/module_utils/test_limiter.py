# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client-side rate limiter (one token bucket per action, shared by a run's threads) and the
clients each thread gets (QcloudClient.clone)."""

from __future__ import annotations

import threading

import pytest
import requests

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import RATE_LIMITS
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import FakeClock, ScriptedSession

DESCRIBE, ATTACH, TASK = "DescribeNetworkInterfaces", "AttachNetworkInterface", "DescribeVpcTaskResult"


def send_times(limiter, clock, action, count):
    """When ``count`` requests asked for at once go out, if each sends as soon as it may."""
    now = clock.monotonic()
    return [now + limiter.reserve(action) for dummy in range(count)]


def most_in_a_window(times, window=1.0):
    """The most requests any sliding window of ``window`` seconds holds (Tencent's way of counting)."""
    times = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_the_table_holds_tencents_documented_limits():
    # Attach and Detach: 50/s (Tencent's Chinese API pages; the international ones say 100)
    assert RATE_LIMITS == {ATTACH: 50, "DetachNetworkInterface": 50, DESCRIBE: 100, TASK: 20}


def test_a_small_burst_goes_at_once_then_requests_are_spaced():
    clock = FakeClock()
    limiter = C.RateLimiter(RATE_LIMITS, monotonic=clock.monotonic)
    delays = [limiter.reserve(DESCRIBE) for dummy in range(30)]
    assert delays[:5] == [0.0] * 5 and delays[5] > 0  # the burst: 5% of the rate
    spacing = [b - a for a, b in zip(delays[5:], delays[6:])]
    assert all(gap == pytest.approx(1 / 85.0) for gap in spacing)  # then 85% of the rate


@pytest.mark.parametrize("action,rate", [(ATTACH, 50), (DESCRIBE, 100), (TASK, 20)])
def test_no_one_second_window_holds_more_than_the_rate(action, rate):
    clock = FakeClock()
    limiter = C.RateLimiter(RATE_LIMITS, monotonic=clock.monotonic)
    times = send_times(limiter, clock, action, 5 * rate)
    assert most_in_a_window(times) <= 0.9 * rate  # 10% of the rate left for requests bunched on the way
    assert max(times) - clock.monotonic() <= 5 / 0.85 + 1e-9  # and not much slower than the rate
    # a second wave after a pause, as the watch's rounds come
    clock.sleep(0.37)
    more = send_times(limiter, clock, action, 2 * rate)
    assert most_in_a_window(times + more) <= 0.9 * rate


def test_actions_have_buckets_of_their_own_and_others_are_not_limited():
    clock = FakeClock()
    limiter = C.RateLimiter(RATE_LIMITS, monotonic=clock.monotonic)
    for dummy in range(200):
        limiter.reserve(ATTACH)
    assert limiter.reserve(DESCRIBE) == 0.0
    assert limiter.reserve("AssumeRole") == 0.0
    assert limiter.reserve(TASK) == 0.0 and limiter.reserve(TASK) > 0  # a burst of one at 20/s


def test_tokens_come_back_with_time_but_never_more_than_the_burst():
    clock = FakeClock()
    limiter = C.RateLimiter(RATE_LIMITS, monotonic=clock.monotonic)
    for dummy in range(10):
        assert limiter.reserve(TASK) >= 0
    clock.sleep(3600)
    assert [limiter.reserve(TASK) for dummy in range(3)] == [0.0, pytest.approx(1 / 17.0), pytest.approx(2 / 17.0)]


def test_threads_share_the_buckets_safely():
    """16 threads reserving at one virtual instant: the waits are exactly those of one queue."""
    clock = FakeClock()
    limiter = C.RateLimiter(RATE_LIMITS, monotonic=clock.monotonic)
    got = []
    lock = threading.Lock()

    def worker():
        mine = [limiter.reserve(DESCRIBE) for dummy in range(50)]
        with lock:
            got.extend(mine)

    threads = [threading.Thread(target=worker) for dummy in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [max(0.0, (k - 4) / 85.0) for k in range(800)]
    assert sorted(got) == pytest.approx(expected)


def client(clock, session, limiter=None):
    return C.QcloudClient(C.Credentials("AKIDlimit", "limit-secret", None, "module options"), "ap-guangzhou",
                          session=session, sleep=clock.sleep, clock=clock.time, monotonic=clock.monotonic,
                          rng=lambda: 0.5, limiter=limiter)


def test_the_client_waits_for_a_token_before_each_attempt():
    clock = FakeClock()
    limiter = C.RateLimiter({TASK: 20}, monotonic=clock.monotonic)
    session = ScriptedSession(*[P.v3_task("RUNNING")] * 5)
    api = client(clock, session, limiter)
    for dummy in range(5):
        api.call(TASK, {"TaskId": "t-1"})
    assert len(session.posts) == 5
    assert clock.sleeps == pytest.approx([1 / 17.0] * 4)  # one at once, then 17 a second


def test_a_retry_takes_a_token_too():
    clock = FakeClock()
    limiter = C.RateLimiter({DESCRIBE: 100}, monotonic=clock.monotonic)
    asked = []
    reserve = limiter.reserve
    limiter.reserve = lambda action: asked.append(action) or reserve(action)
    session = ScriptedSession(P.v3_error("RequestLimitExceeded"), P.v3_describe([]))
    client(clock, session, limiter).call(DESCRIBE, {"NetworkInterfaceIds": ["eni-00000001"]})
    assert len(session.posts) == 2 and asked == [DESCRIBE, DESCRIBE]


def test_a_token_wait_never_outlasts_the_deadline():
    clock = FakeClock()
    limiter = C.RateLimiter({TASK: 20}, monotonic=clock.monotonic)
    for dummy in range(1000):  # 50 s of reservations ahead
        limiter.reserve(TASK)
    session = ScriptedSession(P.v3_task("SUCCESS"))
    api = client(clock, session, limiter)
    start = clock.monotonic()
    with pytest.raises(C.QcloudApiError) as caught:
        api.call(TASK, {"TaskId": "t-1"}, deadline=start + 3)
    assert caught.value.code == "ClientError.Timeout"
    assert clock.monotonic() - start == pytest.approx(3)
    assert session.posts == []


def test_clones_share_keys_deadline_and_limiter_but_not_the_session():
    clock = FakeClock()
    limiter = C.RateLimiter(RATE_LIMITS, monotonic=clock.monotonic)
    original = C.QcloudClient(C.Credentials("AKIDlimit", "limit-secret", None, "module options"), "ap-guangzhou",
                              limiter=limiter, deadline=1234.0)
    twin = original.clone()
    assert isinstance(twin.session, requests.Session) and twin.session is not original.session
    assert twin.limiter is limiter and twin.credentials is original.credentials and twin.deadline == 1234.0
    assert (twin.url, twin.region, twin.api_version, twin.timeout) == (original.url, original.region, "3.0", 30.0)
    original.requests_sent = 7
    assert original.clone().requests_sent == 0


def test_a_given_session_is_shared_by_clones():
    """A test double stands for the network: every clone talks to it."""
    clock = FakeClock()
    session = ScriptedSession()
    assert client(clock, session).clone().session is session
