# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Busy is whatever Tencent says busy is, throttled is either code.

Tencent's lists (the Go SDK's per-action comments) give AttachNetworkInterface
UnsupportedOperation.InvalidState and .ResourceIsInvalidState, DetachNetworkInterface InvalidState,
Assign/UnassignPrivateIpAddresses MutexOperationTaskRunning and InvalidState, and
DeleteNetworkInterface InvalidState. The same codes also mean refusals that no wait changes, so
the collection reads the ENI (and the instance) again to tell them apart."""

from __future__ import annotations

import json

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils import _errors as E
from ansible_collections.tencent.qcloud.plugins.module_utils import _eni as V
from ansible_collections.tencent.qcloud.plugins.module_utils import _lifecycle as L
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.eni_cloud import eni_item
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import FakeClock, ScriptedSession, verify_v3_authorization

ENI = "eni-m6dyj72l"
INS = "ins-xx44545f"
VPC = "vpc-7t9nf3pu"
ATTACH = "AttachNetworkInterface"
DETACH = "DetachNetworkInterface"
INVALID_STATE = "UnsupportedOperation.InvalidState"
RESOURCE_INVALID_STATE = "UnsupportedOperation.ResourceIsInvalidState"
MUTEX = "UnsupportedOperation.MutexOperationTaskRunning"
WAIT_TIMEOUT = 60.0
API_TIMEOUT = 10.0


def make_api(api_version, *script, endpoint=None, deadline_in=WAIT_TIMEOUT):
    session = ScriptedSession(*script)
    clock = FakeClock()
    client = C.QcloudClient(
        C.Credentials("AKIDunit", "unit-secret", None, "module options"), "ap-guangzhou", api_version=api_version,
        endpoint=endpoint, session=session, sleep=clock.sleep, clock=clock.time, monotonic=clock.monotonic,
        rng=lambda: 0.5, timeout=API_TIMEOUT, deadline=clock.monotonic() + deadline_in,
    )
    return V.VpcApi(client, sleep=clock.sleep, monotonic=clock.monotonic), session, clock


def actions(session):
    out = []
    for post in session.posts:
        out.append(post.headers["X-TC-Action"] if "X-TC-Action" in post.headers else dict(post.data)["Action"])
    return out


def params_of(session, action):
    return [json.loads(p.data) for p in session.posts if p.headers.get("X-TC-Action") == action]


def instance(state="RUNNING", instance_id=INS):
    """A CVM DescribeInstances answer (the fields the collection reads, as the API spells them)."""
    return P.v3_ok(TotalCount=1, InstanceSet=[{"InstanceId": instance_id, "InstanceState": state,
                                               "InstanceName": "web-1", "InstanceType": "S5.MEDIUM2"}])


def eni3(holder=None, state="AVAILABLE", primary=False):
    return P.v3_describe([P.v3_eni(ENI, VPC, holder, primary, state)])


# ================================================================== busy, then the write goes through


@pytest.mark.parametrize("code", [INVALID_STATE, RESOURCE_INVALID_STATE, MUTEX])
def test_an_attach_answered_busy_is_waited_out_with_the_same_client_token(code):
    reads = [] if code == MUTEX else [eni3(), instance("RUNNING")]  # a free ENI, a running instance: something else runs
    script = [P.v3_error(code, "the instance is busy")] + reads
    script += [P.v3_error(code, "the instance is busy")] + reads + [P.v3_ok(request_id="task-after-busy")]
    api, session, clock = make_api("3.0", *script)
    task = api.attach(ENI, INS)
    assert task.task_id == "task-after-busy"
    attempts = params_of(session, ATTACH)
    assert len(attempts) == 3 and len({p["ClientToken"] for p in attempts}) == 1
    assert actions(session).count("DescribeInstances") == (0 if code == MUTEX else 2)


def test_an_eni_that_shows_its_own_task_is_busy_without_asking_cvm():
    api, session, clock = make_api("3.0", P.v3_error(INVALID_STATE, "busy"), eni3(state="DETACHING"), P.v3_ok(request_id="t-1"))
    assert api.attach(ENI, INS).task_id == "t-1"
    assert actions(session) == [ATTACH, "DescribeNetworkInterfaces", ATTACH]


def test_a_detach_answered_busy_is_waited_out():
    script = [P.v3_error(INVALID_STATE, "busy"), eni3(holder=INS), instance("RUNNING"), P.v3_ok(request_id="t-2")]
    api, session, clock = make_api("3.0", *script)
    assert api.detach(ENI, INS).task_id == "t-2"
    assert len({p["ClientToken"] for p in params_of(session, DETACH)}) == 1


def test_api_2_busy_answer_is_read_through_the_cvm_api_at_the_endpoints_root():
    script = [P.v2_error(INVALID_STATE, 5100, "busy"), P.v2_describe([P.v2_eni(ENI, VPC)]), instance("STOPPED"),
              P.v2_ok(taskId=42)]
    api, session, clock = make_api("2.0", *script, endpoint="https://127.0.0.1:8443")
    assert api.attach(ENI, INS, VPC).task_id == "42"
    cvm = [p for p in session.posts if p.headers.get("X-TC-Action") == "DescribeInstances"]
    assert len(cvm) == 1 and cvm[0].url == "https://127.0.0.1:8443/"
    assert json.loads(cvm[0].data) == {"InstanceIds": [INS]}
    verify_v3_authorization(cvm[0], "AKIDunit", "unit-secret", service="cvm")


@pytest.mark.parametrize("url,expected", [
    ("https://vpc.tencentcloudapi.com/", "https://cvm.tencentcloudapi.com/"),
    ("https://vpc.ap-guangzhou.tencentcloudapi.com/", "https://cvm.ap-guangzhou.tencentcloudapi.com/"),
    ("https://vpc.api.qcloud.com/v2/index.php", None),
    ("https://127.0.0.1:8443/v2/index.php", "https://127.0.0.1:8443"),
    ("https://proxy.example.com/tencent/v2/index.php", "https://proxy.example.com/tencent"),
    (None, None),
])
def test_the_cvm_endpoint_beside_a_vpc_endpoint(url, expected):
    assert C.service_endpoint(url, "cvm") == expected


# ================================================================== refusals that no wait changes


def test_a_detach_of_an_eni_no_longer_attached_is_refused_at_once():
    api, session, clock = make_api("3.0", P.v3_error(INVALID_STATE, "not attached"), eni3(holder=None))
    with pytest.raises(V.WriteRefused) as info:
        api.detach(ENI, INS)
    assert info.value.kind == "conflict" and info.value.code == INVALID_STATE
    assert actions(session) == [DETACH, "DescribeNetworkInterfaces"] and clock.elapsed == 0


def test_an_attach_of_an_eni_attached_elsewhere_is_refused_at_once():
    api, session, clock = make_api("3.0", P.v3_error(RESOURCE_INVALID_STATE, "attached"), eni3(holder="ins-other001"))
    with pytest.raises(V.WriteRefused) as info:
        api.attach(ENI, INS)
    assert info.value.kind == "conflict" and actions(session) == [ATTACH, "DescribeNetworkInterfaces"]


def test_a_primary_eni_is_refused_at_once():
    api, session, clock = make_api("3.0", P.v3_error(RESOURCE_INVALID_STATE, "primary"), eni3(holder=INS, primary=True))
    with pytest.raises(V.WriteRefused):
        api.detach(ENI, INS)
    assert len(session.posts) == 2


@pytest.mark.parametrize("state", ["PENDING", "STARTING", "STOPPING", "REBOOTING", "ENTER_SERVICE_LIVE_MIGRATE",
                                   "SERVICE_LIVE_MIGRATE", "EXIT_SERVICE_LIVE_MIGRATE", "ENTER_RESCUE_MODE", "EXIT_RESCUE_MODE"])
@pytest.mark.parametrize("write", [ATTACH, DETACH])
def test_an_instance_in_a_state_that_passes_on_its_own_is_waited_out_with_the_same_client_token(state, write):
    """CVM's Instance.InstanceState: these states end by themselves, so the refusal is busy, not lasting."""
    holder = INS if write == DETACH else None
    script = [P.v3_error(INVALID_STATE, "instance busy"), eni3(holder=holder), instance(state),
              P.v3_error(INVALID_STATE, "instance busy"), eni3(holder=holder), instance("RUNNING"),
              P.v3_ok(request_id="t-after-" + state)]
    api, session, clock = make_api("3.0", *script)
    task = api.attach(ENI, INS) if write == ATTACH else api.detach(ENI, INS)
    assert task.task_id == "t-after-" + state
    attempts = params_of(session, write)
    assert len(attempts) == 3 and len({p["ClientToken"] for p in attempts}) == 1


@pytest.mark.parametrize("state", ["TERMINATING", "SHUTDOWN", "LAUNCH_FAILED", "RESCUE_MODE"])
def test_an_instance_in_a_lasting_state_is_refused_at_once_with_its_sentence(state):
    api, session, clock = make_api("3.0", P.v3_error(INVALID_STATE, "instance state"), eni3(), instance(state))
    with pytest.raises(V.WriteRefused) as info:
        api.attach(ENI, INS)
    assert info.value.instance_state == state and clock.elapsed == 0
    assert E.explain(info.value, {"instance": INS}) == (
        "Instance %s is %s, and Tencent Cloud attaches and detaches ENIs only on a running or stopped instance "
        "(Tencent Cloud said: instance state): run again once it is running or stopped, or use another instance." % (INS, state))


def test_an_unknown_instance_is_not_waited_for():
    api, session, clock = make_api("3.0", P.v3_error(INVALID_STATE, "no"), eni3(), P.v3_ok(TotalCount=0, InstanceSet=[]))
    with pytest.raises(V.WriteRefused) as info:
        api.attach(ENI, INS)
    assert info.value.instance_state is None and len(session.posts) == 3


# ================================================================== busy until the deadline


class AlwaysBusy:
    """Every attach answered InvalidState; the ENI free, the instance RUNNING (another job's task runs)."""

    def __init__(self, code):
        self.code = code
        self.posts = []

    def post(self, url, data=None, headers=None, timeout=None, verify=None):
        from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import FakeResponse, Post

        self.posts.append(Post(url, data, dict(headers or {}), timeout, verify))
        action = headers["X-TC-Action"]
        body = {ATTACH: P.v3_error(self.code, "task 7 runs on " + INS, "req-busy"), "DescribeInstances": instance(),
                "DescribeNetworkInterfaces": eni3()}[action]
        return FakeResponse.json(body)


@pytest.mark.parametrize("code", [INVALID_STATE, RESOURCE_INVALID_STATE])
def test_busy_for_the_whole_wait_says_so_and_ends_within_wait_timeout_plus_one_api_timeout(code):
    api, dummy, clock = make_api("3.0")
    api.client.session = session = AlwaysBusy(code)
    start = clock.monotonic()
    with pytest.raises(E.QcloudApiError) as info:
        api.attach(ENI, INS)
    err = info.value
    assert not isinstance(err, V.WriteRefused) and err.busy_wait and err.code == code
    assert clock.monotonic() - start <= WAIT_TIMEOUT + API_TIMEOUT
    assert E.explain(err, {"eni": ENI, "instance": INS, "wait_timeout": 60}) == (
        "Another task kept ENI %s or instance %s busy for the whole wait_timeout (60 s) (Tencent Cloud said: task 7 runs on "
        "%s): raise wait_timeout, or run again when that task has finished." % (ENI, INS, INS))
    attempts = [json.loads(p.data) for p in session.posts if p.headers["X-TC-Action"] == ATTACH]
    assert len(attempts) > 3 and len({p["ClientToken"] for p in attempts}) == 1


def test_a_look_that_fails_cannot_tell_so_the_answer_is_waited_out():
    """A key without cvm:DescribeInstances: the instance cannot be read, so the answer counts as busy."""
    script = [P.v3_error(INVALID_STATE, "busy"), eni3(), P.v3_error("UnauthorizedOperation", "no cvm permission"),
              P.v3_ok(request_id="t-3")]
    api, session, clock = make_api("3.0", *script)
    assert api.attach(ENI, INS).task_id == "t-3"


# ================================================================== the ENI lifecycle's writes


def lifecycle(*script):
    api, session, clock = make_api("3.0", *script)
    return L.EniLifecycle(api), session, clock


def raw(state="AVAILABLE", address_state="AVAILABLE", holder=None):
    item = eni_item(ENI, secondaries=["10.0.1.11"], holder=holder)
    item["State"] = state
    item["PrivateIpAddressSet"][1]["State"] = address_state
    return P.v3_describe([item])


@pytest.mark.parametrize("code", [MUTEX, INVALID_STATE])
def test_an_assign_answered_busy_is_waited_out_with_the_same_client_token(code):
    reads = [] if code == MUTEX else [raw(address_state="PENDING")]
    life, session, clock = lifecycle(P.v3_error(code, "busy"), *reads, P.v3_ok(request_id="t-4", PrivateIpAddressSet=[]))
    assert life.assign(ENI, count=1).task_id == "t-4"
    attempts = params_of(session, "AssignPrivateIpAddresses")
    assert len(attempts) == 2 and attempts[0]["ClientToken"] == attempts[1]["ClientToken"]


def test_a_delete_answered_invalid_state_while_the_eni_changes_is_waited_out():
    life, session, clock = lifecycle(P.v3_error(INVALID_STATE, "busy"), raw(state="DETACHING"), P.v3_ok(request_id="t-5"))
    assert life.delete(ENI).task_id == "t-5"


def test_a_delete_of_an_attached_eni_answered_invalid_state_is_refused_at_once():
    life, session, clock = lifecycle(P.v3_error(INVALID_STATE, "attached"), raw(holder=INS))
    with pytest.raises(V.WriteRefused) as info:
        life.delete(ENI)
    assert info.value.kind == "in_use" and len(session.posts) == 2


def test_an_unassign_refused_on_a_settled_eni_is_tried_once_more_then_refused():
    refused = P.v3_error(INVALID_STATE, "not now")
    life, session, clock = lifecycle(refused, raw(), refused, raw())
    with pytest.raises(E.QcloudApiError) as info:
        life.unassign(ENI, ["10.0.1.11"])
    assert info.value.code == INVALID_STATE and actions(session).count("UnassignPrivateIpAddresses") == 2


# ================================================================== throttled is either code


@pytest.mark.parametrize("code,number", [("LimitExceeded.ActionLimited", None), ("RequestLimitExceeded", None),
                                         ("RequestLimitExceeded.UinLimitExceeded", None),
                                         ("RequestLimitExceeded.IPLimitExceeded", None),
                                         ("LimitExceeded.ActionLimited", "4400"), ("", "4400")])
def test_throttled_is_one_definition_for_both_codes(code, number):
    assert E.throttled(E.QcloudApiError(code or number, "slow down", "DescribeNetworkInterfaces", number=number))


@pytest.mark.parametrize("code", ["LimitExceeded", "LimitExceeded.EniPrivateIpLimit", "ResourceInUse"])
def test_quota_and_other_codes_are_not_throttling(code):
    assert not E.throttled(E.QcloudApiError(code, "no", "AttachNetworkInterface"))


@pytest.mark.parametrize("code", ["LimitExceeded.ActionLimited", "RequestLimitExceeded"])
def test_both_throttle_codes_are_retried_alike_and_say_the_same(code):
    api, session, clock = make_api("3.0", P.v3_error(code, "slow down"), P.v3_error(code, "slow down"), P.v3_ok(request_id="t-6"))
    assert api.attach(ENI, INS).task_id == "t-6"
    assert len({p["ClientToken"] for p in params_of(session, ATTACH)}) == 1
    assert E.lookup(code).retry and E.lookup(code).sentence == E.lookup("RequestLimitExceeded").sentence


def test_throttled_and_the_retry_decision_agree():
    """Every code throttled() counts is retried, and every code retried with the throttle sentence is throttled()."""
    for code in E.THROTTLE_CODES:
        number = code if code.isdigit() else None
        assert E.throttled(E.QcloudApiError(code, "slow down", "AssumeRole", number=number)), code
        assert E.lookup(code).retry, code
    throttle_sentence = E.lookup("RequestLimitExceeded").sentence
    for code, entry in E.CATALOGUE.items():
        if entry.sentence == throttle_sentence:
            assert entry.retry and E.throttled(E.QcloudApiError(code, "slow down", "AssumeRole",
                                                                number=code if code.isdigit() else None)), code
    assert E.throttled(E.QcloudApiError("InvalidParameter.OverLimit", "over the frequency limit", "AssumeRole"))
