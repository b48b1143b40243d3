"""Conformance: Tencent's own SDK meets busy ENIs and instances and throttling in every setting of
`busy_code` and `throttle_code`, and each answer's code is in that action's documented list (the Go
SDK's per-action comments, documented_errors.json, plus its common codes)."""
import json
import os

import pytest

pytest.importorskip("tencentcloud.common")
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.vpc.v20170312 import models  # noqa: E402

from test_sim_sdk_eni import req, vpc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "qcloud_sim", "documented_errors.json"), encoding="utf-8") as fh:
    DOCUMENTED = json.load(fh)

INVALID_STATE = "UnsupportedOperation.InvalidState"
RESOURCE_INVALID_STATE = "UnsupportedOperation.ResourceIsInvalidState"
MUTEX = "UnsupportedOperation.MutexOperationTaskRunning"
ACTION_LIMITED = "LimitExceeded.ActionLimited"
REQUEST_LIMIT = "RequestLimitExceeded"

# What each setting must give per action (contention.py's table; random: any of these)
BUSY = {
    "AttachNetworkInterface": {"default": {INVALID_STATE}, INVALID_STATE: {INVALID_STATE},
                               RESOURCE_INVALID_STATE: {RESOURCE_INVALID_STATE}, MUTEX: {INVALID_STATE},
                               "random": {INVALID_STATE, RESOURCE_INVALID_STATE}},
    "DetachNetworkInterface": {"default": {INVALID_STATE}, INVALID_STATE: {INVALID_STATE},
                               RESOURCE_INVALID_STATE: {INVALID_STATE}, MUTEX: {INVALID_STATE}, "random": {INVALID_STATE}},
    "AssignPrivateIpAddresses": {"default": {MUTEX}, INVALID_STATE: {INVALID_STATE}, RESOURCE_INVALID_STATE: {MUTEX},
                                 MUTEX: {MUTEX}, "random": {MUTEX, INVALID_STATE}},
    "UnassignPrivateIpAddresses": {"default": {MUTEX}, INVALID_STATE: {INVALID_STATE}, RESOURCE_INVALID_STATE: {MUTEX},
                                   MUTEX: {MUTEX}, "random": {MUTEX, INVALID_STATE}},
    "DeleteNetworkInterface": {"default": {INVALID_STATE}, INVALID_STATE: {INVALID_STATE},
                               RESOURCE_INVALID_STATE: {INVALID_STATE}, MUTEX: {INVALID_STATE},
                               "random": {INVALID_STATE}},
}
SETTINGS = ["default", "random", INVALID_STATE, RESOURCE_INVALID_STATE, MUTEX]


def documented(action):
    return set(DOCUMENTED["actions"][action]["codes"]) | set(DOCUMENTED["common"])


def code_of(call):
    with pytest.raises(TencentCloudSDKException) as exc:
        call()
    assert exc.value.get_request_id()
    return exc.value.get_code()


def busy_writes(c):
    """One call of each write on eni-held0001 / ins-run00002 while a detach of them runs."""
    eni, ins = "eni-held0001", "ins-run00002"
    return {
        "AttachNetworkInterface": lambda: c.AttachNetworkInterface(req(
            models.AttachNetworkInterfaceRequest, NetworkInterfaceId="eni-free0001", InstanceId=ins)),
        "DetachNetworkInterface": lambda: c.DetachNetworkInterface(req(
            models.DetachNetworkInterfaceRequest, NetworkInterfaceId=eni, InstanceId=ins)),
        "AssignPrivateIpAddresses": lambda: c.AssignPrivateIpAddresses(req(
            models.AssignPrivateIpAddressesRequest, NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=1)),
        "UnassignPrivateIpAddresses": lambda: c.UnassignPrivateIpAddresses(req(
            models.UnassignPrivateIpAddressesRequest, NetworkInterfaceId=eni,
            PrivateIpAddresses=[{"PrivateIpAddress": "10.0.1.99"}])),
        "DeleteNetworkInterface": lambda: c.DeleteNetworkInterface(req(
            models.DeleteNetworkInterfaceRequest, NetworkInterfaceId=eni)),
    }


@pytest.mark.parametrize("setting", SETTINGS)
def test_every_busy_answer_is_a_documented_code_of_its_action(api, sim_server, setting):
    api.ok("POST", "config", {"task_seconds": 30, "busy_code": setting})
    c = vpc(sim_server.port)
    c.DetachNetworkInterface(req(models.DetachNetworkInterfaceRequest, NetworkInterfaceId="eni-held0001",
                                 InstanceId="ins-run00002"))
    tries = 24 if setting == "random" else 1
    for action, call in busy_writes(c).items():
        seen = {code_of(call) for dummy in range(tries)}
        assert seen <= documented(action), (action, seen)
        assert seen == BUSY[action][setting], (action, setting, seen)


@pytest.mark.parametrize("setting,action,expected", [
    ("default", "ModifyNetworkInterfaceAttribute", {ACTION_LIMITED}),
    ("default", "DescribeVpcTaskResult", {REQUEST_LIMIT}),
    (ACTION_LIMITED, "ModifyNetworkInterfaceAttribute", {ACTION_LIMITED}),
    (ACTION_LIMITED, "DescribeVpcTaskResult", {REQUEST_LIMIT}),  # it does not document ActionLimited
    (REQUEST_LIMIT, "ModifyNetworkInterfaceAttribute", {REQUEST_LIMIT}),
    (REQUEST_LIMIT, "DescribeVpcTaskResult", {REQUEST_LIMIT}),
    ("random", "ModifyNetworkInterfaceAttribute", {ACTION_LIMITED, REQUEST_LIMIT}),
    ("random", "DescribeVpcTaskResult", {REQUEST_LIMIT}),
])
def test_every_throttle_answer_is_a_documented_code_of_its_action(api, sim, sim_server, monkeypatch, setting, action, expected):
    # one call a minute: the second is throttled whatever the machine's speed
    monkeypatch.setattr(sim.ratelimiter, "window", 60.0)
    monkeypatch.setitem(sim.ratelimiter.limits, action, 1)
    api.ok("POST", "config", {"rate_limits": True, "throttle_code": setting})
    c = vpc(sim_server.port)
    if action == "ModifyNetworkInterfaceAttribute":
        def call():
            return c.ModifyNetworkInterfaceAttribute(req(models.ModifyNetworkInterfaceAttributeRequest,
                                                         NetworkInterfaceId="eni-free0002", NetworkInterfaceDescription="x"))
        call()
    else:
        def call():
            return c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId="no-such-task"))
        assert code_of(call) == "ResourceNotFound"  # the first call of the minute is served
    seen = {code_of(call) for dummy in range(24 if setting == "random" else 2)}
    assert seen <= documented(action) and seen == expected, (setting, action, seen)
