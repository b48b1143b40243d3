# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import uuid

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils import _eni as V
from ansible_collections.tencent.qcloud.plugins.module_utils import _watch as W
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import FakeClock, ScriptedSession

ENI = "eni-m6dyj72l"
INS = "ins-xx44545f"
VPC = "vpc-7t9nf3pu"


def make_api(api_version, *script, retries=5):
    session = ScriptedSession(*script)
    clock = FakeClock()
    client = C.QcloudClient(
        C.Credentials("AKIDunit", "unit-secret", None, "module options"), "ap-guangzhou", api_version=api_version,
        session=session, sleep=clock.sleep, clock=clock.time, monotonic=clock.monotonic, rng=lambda: 0.5,
        retries=retries,
    )
    return V.VpcApi(client, sleep=clock.sleep, monotonic=clock.monotonic), session, clock


def sent(session, index=0):
    """(action, params) of a recorded request, for either protocol."""
    post = session.posts[index]
    if "X-TC-Action" in post.headers:
        return post.headers["X-TC-Action"], json.loads(post.data)
    form = dict(post.data)
    return form["Action"], form


# ================================================================== normalising


def test_normalise_v3_attached_keeps_every_field():
    record = V.normalise_v3(P.V3_ENI_ATTACHED)
    assert record == {
        "network_interface_id": "eni-m6dyj72l",
        "name": "web-secondary",
        "description": "second leg of web-1",
        "vpc_id": "vpc-7t9nf3pu",
        "subnet_id": "subnet-gz3a0001",
        "zone": "ap-guangzhou-3",
        "zone_id": None,
        "state": "AVAILABLE",
        "primary": False,
        "mac_address": "20:90:6F:00:00:01",
        "private_ip_addresses": ["10.0.3.11", "10.0.3.12"],
        "attachment": {"instance_id": "ins-xx44545f", "device_index": 1, "attach_time": "2017-12-12 11:55:07"},
        "security_group_ids": ["sg-a1b2c3d4"],
        "tags": {},
        "primary_private_ip_address": "10.0.3.11",
        "created_time": "2017-12-10 10:01:02",
    }


@pytest.mark.parametrize("style", ["null", "empty"])
def test_normalise_v3_unattached(style):
    raw = P.v3_eni(holder=None, attachment_style=style)
    assert (raw["Attachment"] is None) == (style == "null")
    assert V.normalise_v3(raw)["attachment"] is None


def test_normalise_v3_missing_attachment_key_and_state():
    raw = P.v3_eni()
    del raw["Attachment"]
    del raw["State"]
    record = V.normalise_v3(raw)
    assert record["attachment"] is None and record["state"] == "AVAILABLE"


def test_normalise_v3_primary_and_transitional_state():
    record = V.normalise_v3(P.v3_eni(holder=INS, primary=True, state="ATTACHING"))
    assert record["primary"] is True and record["state"] == "ATTACHING"


def test_normalise_v2_newer_shape_attached():
    record = V.normalise_v2(P.V2_ENI_NEW_ATTACHED)
    assert record == {
        "network_interface_id": "eni-m6dyj72l",
        "name": "web-secondary",
        "description": "second leg of web-1",
        "vpc_id": "vpc-7t9nf3pu",
        "subnet_id": "subnet-gz3a0001",
        "zone": None,  # 2.0 gives a numeric zone id, which is no zone name (issue 17)
        "zone_id": 100003,
        "state": "AVAILABLE",
        "primary": False,
        "mac_address": "20:90:6F:00:00:01",
        "private_ip_addresses": ["10.0.3.11", "10.0.3.12"],
        "attachment": {"instance_id": "ins-xx44545f", "device_index": None, "attach_time": "2017-12-12 11:55:07"},
        "security_group_ids": ["sg-a1b2c3d4"],
        "tags": {},
        "primary_private_ip_address": "10.0.3.11",
        "created_time": "2017-12-10 10:01:02",
    }


@pytest.mark.parametrize("zone_id", [100003, "100003"])
def test_normalise_v2_keeps_the_numeric_zone_id_and_names_no_zone(zone_id):
    record = V.normalise_v2(dict(P.V2_ENI_NEW_ATTACHED, zoneId=zone_id))
    assert (record["zone"], record["zone_id"]) == (None, 100003)
    assert V.zone_phrase(record) == "id 100003"
    assert V.zone_phrase(V.normalise_v3(P.V3_ENI_ATTACHED)) == "ap-guangzhou-3"


def test_normalise_v2_a_zone_name_stays_a_name():
    record = V.normalise_v2(dict(P.V2_ENI_NEW_ATTACHED, zoneId="ap-guangzhou-3"))
    assert (record["zone"], record["zone_id"]) == ("ap-guangzhou-3", None)


@pytest.mark.parametrize("shape", ["new", "old"])
def test_normalise_v2_both_shapes_agree(shape):
    attached = V.normalise_v2(P.v2_eni(holder=INS, shape=shape))
    free = V.normalise_v2(P.v2_eni(holder=None, shape=shape))
    assert attached["attachment"]["instance_id"] == INS
    assert attached["attachment"]["attach_time"] == "2017-12-12 11:55:07"
    assert free["attachment"] is None
    assert attached == V.normalise_v2(P.v2_eni(holder=INS, shape="new"))


def test_normalise_v2_unbound_empty_strings():
    raw = P.v2_eni(shape="new")
    assert raw["instanceSet"] == {"instanceId": "", "attachTime": ""}
    assert V.normalise_v2(raw)["attachment"] is None


def test_both_protocols_give_the_same_keys():
    assert set(V.normalise_v3(P.V3_ENI_ATTACHED)) == set(V.normalise_v2(P.V2_ENI_NEW_ATTACHED))


@pytest.mark.parametrize(
    "body,total,count",
    [
        (P.v2_describe([P.v2_eni()], shape="new", total=7), 7, 1),
        (P.v2_describe([P.v2_eni(), P.v2_eni()], shape="old", total=9), 9, 2),
        (P.v2_ok(data=[]), 0, 0),
        (P.v2_ok(data={"totalNum": 0, "data": []}), 0, 0),
    ],
)
def test_v2_page_reads_both_shapes(body, total, count):
    got_total, items = V.v2_page(body)
    assert (got_total, len(items)) == (total, count)


# ================================================================== describe


def test_describe_v3_sends_the_id_and_returns_the_record():
    api, session, clock = make_api("3.0", P.v3_describe([P.v3_eni(holder=INS)]))
    record = api.describe_network_interface(ENI)
    assert record["attachment"]["instance_id"] == INS
    assert sent(session) == ("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI]})


@pytest.mark.parametrize("shape", ["new", "old"])
def test_describe_v2_sends_the_id_and_returns_the_record(shape):
    api, session, clock = make_api("2.0", P.v2_describe([P.v2_eni(holder=INS, shape=shape)], shape=shape))
    record = api.describe_network_interface(ENI)
    assert record["attachment"]["instance_id"] == INS
    action, params = sent(session)
    assert action == "DescribeNetworkInterfaces" and params["networkInterfaceId"] == ENI


@pytest.mark.parametrize(
    "version,answer",
    [
        ("3.0", P.v3_describe([])),
        ("3.0", P.v3_error("ResourceNotFound", "The resource is not found.")),
        ("2.0", P.v2_error("InvalidNetworkInterface.NotFound", 5000, "not found")),
        ("2.0", P.v2_describe([], shape="new")),
        ("2.0", P.v2_describe([], shape="old")),
    ],
)
def test_describe_returns_none_when_the_eni_does_not_exist(version, answer):
    api, session, clock = make_api(version, answer)
    assert api.describe_network_interface(ENI) is None
    assert len(session.posts) == 1


def test_describe_ignores_other_enis_in_the_answer():
    api, session, clock = make_api("3.0", P.v3_describe([P.v3_eni("eni-other001")]))
    assert api.describe_network_interface(ENI) is None


def test_describe_other_errors_propagate():
    api, session, clock = make_api("3.0", P.v3_error("AuthFailure.SignatureFailure"))
    with pytest.raises(QcloudApiError) as info:
        api.describe_network_interface(ENI)
    assert info.value.code == "AuthFailure.SignatureFailure"


# ================================================================== list / pagination


def test_list_v3_pages_of_100():
    items = [P.v3_eni("eni-%08d" % i) for i in range(230)]
    pages = [P.v3_describe(items[0:100], total=230), P.v3_describe(items[100:200], total=230),
             P.v3_describe(items[200:], total=230)]
    api, session, clock = make_api("3.0", *pages)
    found = api.list_network_interfaces(filters={"vpc-id": VPC})
    assert [r["network_interface_id"] for r in found] == ["eni-%08d" % i for i in range(230)]
    params = [sent(session, i)[1] for i in range(3)]
    assert [(p["Offset"], p["Limit"]) for p in params] == [(0, 100), (100, 100), (200, 100)]
    assert params[0]["Filters"] == [{"Name": "vpc-id", "Values": [VPC]}]
    assert "NetworkInterfaceIds" not in params[0]


def test_list_v3_with_ids():
    api, session, clock = make_api("3.0", P.v3_describe([P.v3_eni(ENI)]))
    api.list_network_interfaces(ids=[ENI])
    params = sent(session)[1]
    assert params["NetworkInterfaceIds"] == [ENI] and "Filters" not in params


@pytest.mark.parametrize("shape", ["new", "old"])
def test_list_v2_pages_of_50(shape):
    items = [P.v2_eni("eni-%08d" % i, shape=shape) for i in range(120)]
    pages = [P.v2_describe(items[i:i + 50], shape=shape, total=120) for i in (0, 50, 100)]
    api, session, clock = make_api("2.0", *pages)
    found = api.list_network_interfaces(filters={"vpcId": VPC})
    assert len(found) == 120
    params = [sent(session, i)[1] for i in range(3)]
    assert [(p["offset"], p["limit"]) for p in params] == [("0", "50"), ("50", "50"), ("100", "50")]
    assert all(p["vpcId"] == VPC for p in params)


def test_list_continues_after_a_short_page_from_where_it_ended():
    items = [P.v3_eni("eni-%08d" % i) for i in range(130)]
    api, session, clock = make_api("3.0", P.v3_describe(items[:60], total=130), P.v3_describe(items[60:], total=130))
    found = api.list_network_interfaces()
    assert len(found) == 130
    assert [sent(session, i)[1]["Offset"] for i in range(2)] == [0, 60]


def test_list_stops_on_an_empty_page_even_if_the_total_lies():
    api, session, clock = make_api("3.0", P.v3_describe([P.v3_eni()], total=500), P.v3_describe([], total=500))
    assert len(api.list_network_interfaces()) == 1
    assert len(session.posts) == 2


# ================================================================== tasks


@pytest.mark.parametrize(
    "answer,status,output",
    [
        (P.v3_task("SUCCESS"), "SUCCESS", ""),
        (P.v3_task("FAILED", "the instance is not running"), "FAILED", "the instance is not running"),
        (P.v3_task("RUNNING"), "RUNNING", ""),
        (P.v3_ok(Status="success", Output=None), "SUCCESS", ""),
    ],
)
def test_task_status_v3(answer, status, output):
    api, session, clock = make_api("3.0", answer)
    assert api.task_status("5b2a8e4c") == V.TaskStatus("5b2a8e4c", status, output)
    assert sent(session) == ("DescribeVpcTaskResult", {"TaskId": "5b2a8e4c"})


@pytest.mark.parametrize(
    "answer,status,output",
    [
        (P.v2_task(0), "SUCCESS", ""),
        (P.v2_task("0"), "SUCCESS", ""),
        (P.v2_task(1, "ENI quota of the instance exceeded"), "FAILED", "ENI quota of the instance exceeded"),
        (P.v2_task(2), "RUNNING", ""),
        (P.v2_ok(data={}), "RUNNING", ""),
        (P.v2_ok(status=1, output="top-level"), "FAILED", "top-level"),
    ],
)
def test_task_status_v2(answer, status, output):
    api, session, clock = make_api("2.0", answer)
    assert api.task_status("16284") == V.TaskStatus("16284", status, output)
    action, params = sent(session)
    assert action == "DescribeVpcTaskResult" and params["taskId"] == "16284"


def test_poll_delays_grow_to_a_cap():
    delays = W.poll_delays()
    got = [next(delays) for dummy in range(12)]
    assert got[0] == 0.25 and got == sorted(got) and got[-1] == 5.0


# waiting on ENIs and tasks: test_vpc_watch.py


# ================================================================== writes


def test_attach_v3_sends_ids_type_and_a_uuid_client_token():
    api, session, clock = make_api("3.0", P.v3_ok(request_id=P.REQUEST_ID))
    task = api.attach(ENI, INS, VPC, attach_type="extended")
    assert task == (P.REQUEST_ID, "AttachNetworkInterface")
    action, params = sent(session)
    assert action == "AttachNetworkInterface"
    assert (params["NetworkInterfaceId"], params["InstanceId"], params["AttachType"]) == (ENI, INS, 1)
    assert "VpcId" not in params and "vpcId" not in params
    assert str(uuid.UUID(params["ClientToken"])) == params["ClientToken"]
    assert len(params["ClientToken"]) <= 64


def test_attach_v3_without_type_sends_none():
    api, session, clock = make_api("3.0", P.v3_ok())
    api.attach(ENI, INS)
    assert "AttachType" not in sent(session)[1]


def test_detach_v3():
    api, session, clock = make_api("3.0", P.v3_ok(request_id="rid-detach"))
    assert api.detach(ENI, INS) == ("rid-detach", "DetachNetworkInterface")
    action, params = sent(session)
    assert action == "DetachNetworkInterface"
    assert set(params) == {"NetworkInterfaceId", "InstanceId", "ClientToken"}


def test_every_write_gets_its_own_token_but_its_retries_reuse_it():
    api, session, clock = make_api(
        "3.0", P.v3_error("RequestLimitExceeded"), P.v3_error("UnsupportedOperation.MutexOperationTaskRunning"),
        P.v3_ok(), P.v3_ok())
    api.attach(ENI, INS)
    api.detach(ENI, INS)
    tokens = [sent(session, i)[1]["ClientToken"] for i in range(4)]
    assert tokens[0] == tokens[1] == tokens[2]
    assert tokens[3] != tokens[0]


@pytest.mark.parametrize(
    "answer",
    [P.v2_ok(taskId=16284), P.V2_ATTACH_SPEC_EXAMPLE, P.v2_ok(data={"taskId": 16284}), P.v2_ok(taskId="16284")],
)
def test_attach_v2_reads_task_id_from_top_level_or_data(answer):
    api, session, clock = make_api("2.0", answer)
    task = api.attach(ENI, INS, VPC, attach_type="extended")
    assert task.task_id == "16284" and isinstance(task.task_id, str)
    action, params = sent(session)
    assert action == "AttachNetworkInterface"
    assert (params["vpcId"], params["networkInterfaceId"], params["instanceId"]) == (VPC, ENI, INS)
    assert "AttachType" not in params and "ClientToken" not in params


def test_detach_v2():
    api, session, clock = make_api("2.0", P.v2_ok(data={"taskId": 99}))
    assert api.detach(ENI, INS, VPC).task_id == "99"
    action, params = sent(session)
    assert action == "DetachNetworkInterface"
    assert (params["vpcId"], params["networkInterfaceId"], params["instanceId"]) == (VPC, ENI, INS)


def test_other_write_errors_propagate_unretried():
    api, session, clock = make_api("3.0", P.v3_error("LimitExceeded"))
    with pytest.raises(QcloudApiError) as info:
        api.attach(ENI, INS, VPC)
    assert info.value.code == "LimitExceeded" and len(session.posts) == 1


@pytest.mark.parametrize(
    "version,answer,code,kind",
    [
        ("3.0", P.v3_error("UnsupportedOperation.AttachmentAlreadyExists"), "UnsupportedOperation.AttachmentAlreadyExists",
         "conflict"),
        ("3.0", P.v3_error("ResourceNotFound"), "ResourceNotFound", "missing"),
        ("3.0", P.v3_error("UnsupportedOperation.ZoneMismatch"), "UnsupportedOperation.ZoneMismatch", "placement"),
        ("2.0", P.v2_error("InvalidNetworkInterface.AlreadyAssociated"), "InvalidNetworkInterface.AlreadyAssociated",
         "conflict"),
        ("2.0", P.v2_error("InvalidNetworkInterface.NotAttached"), "InvalidNetworkInterface.NotAttached", "conflict"),
        ("2.0", P.v2_error("InvalidInstance.NotFound"), "InvalidInstance.NotFound", "missing"),
    ],
)
def test_refused_writes_say_why_without_a_retry(version, answer, code, kind):
    api, session, clock = make_api(version, answer)
    with pytest.raises(V.WriteRefused) as info:
        api.attach(ENI, INS, VPC)
    assert (info.value.kind, info.value.error.code, info.value.maybe_applied) == (kind, code, False)
    assert len(session.posts) == 1


def test_a_v2_write_answer_without_task_id_is_an_api_error():
    api, session, clock = make_api("2.0", P.v2_ok(data={}))
    with pytest.raises(QcloudApiError):
        api.attach(ENI, INS, VPC)


def test_a_v3_write_answer_without_request_id_is_an_api_error():
    api, session, clock = make_api("3.0", {"Response": {}})
    with pytest.raises(QcloudApiError) as info:
        api.attach(ENI, INS)
    assert info.value.code == "ClientError.MalformedResponse"
