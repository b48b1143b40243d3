# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""VpcApi.find_network_interfaces: what each protocol is asked, every page, and the same
records from both."""

from __future__ import annotations

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _eni as V
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import (
    VPC_A,
    VPC_B,
    api_log,
    eni_id,
    eni_world as world,
    load_enis,
    subnet_of,
)

DESCRIBE = "DescribeNetworkInterfaces"


class Calls:
    """The params of every DescribeNetworkInterfaces the simulator received."""

    def __init__(self, sim):
        self.sim = sim

    @property
    def calls(self):
        return [e["params"] for e in api_log(self.sim, DESCRIBE)]


@pytest.fixture
def make_api(bare_sim, sim_client, clock):
    """make_api(version, enis=None, v2_shape=None, fail=None): VpcApi on the simulator loaded with
    ``enis`` (default eni_world()), and what it was asked; ``fail``: (code, API 2.0 number) answered to every call."""

    def make(api_version, enis=None, v2_shape=None, fail=None):
        sim = load_enis(bare_sim, world() if enis is None else enis)
        if v2_shape:
            sim.set_config({"v2_shape": v2_shape})
        if fail:
            sim.faults.add({"fault": "error", "action": DESCRIBE, "code": fail[0], "code_v2": fail[1], "count": 50,
                            "protocol": api_version})
        return V.VpcApi(sim_client(api_version), sleep=clock.sleep, monotonic=clock.monotonic), Calls(sim)

    return make


def expected(enis, vpc=None, subnet=None, holder=None, name=None, primary=None, ids=None):
    rows = [e for e in enis if (vpc is None or e["vpc"] == vpc) and (subnet is None or e["subnet"] == subnet)
            and (holder is None or e["holder"] == holder) and (name is None or e["name"] == name)
            and (primary is None or e["primary"] == primary)]
    if ids is not None:
        order = list(dict.fromkeys(ids))
        rows = sorted((e for e in rows if e["id"] in order), key=lambda e: order.index(e["id"]))
    return [e["id"] for e in rows]


def ids_of(records):
    return [r["network_interface_id"] for r in records]


@pytest.fixture(params=["3.0", "2.0"])
def version(request):
    return request.param


# ================================================================== everything, every page


@pytest.mark.parametrize("version_,calls", [("3.0", 3), ("2.0", 5)])
def test_all_250_enis_take_3_calls_in_3_0_and_5_in_2_0(make_api, version_, calls):
    api, session = make_api(version_)
    found = api.find_network_interfaces()
    assert ids_of(found) == [eni_id(n) for n in range(250)]
    assert len(session.calls) == calls
    if version_ == "3.0":
        assert [(c["Offset"], c["Limit"]) for c in session.calls] == [(0, 100), (100, 100), (200, 100)]
        assert all("Filters" not in c and "NetworkInterfaceIds" not in c for c in session.calls)
    else:
        assert [(c["offset"], c["limit"]) for c in session.calls] == [(str(o), "50") for o in range(0, 250, 50)]
        assert all(set(c) == {"offset", "limit"} for c in session.calls)


def test_no_enis_is_one_call_and_an_empty_list(make_api, version):
    api, session = make_api(version, enis=[])
    assert api.find_network_interfaces() == [] and len(session.calls) == 1


@pytest.mark.parametrize("shape", ["new", "old"])
def test_v2_both_answer_shapes_page_the_same(make_api, shape):
    api, session = make_api("2.0", v2_shape=shape)
    assert len(api.find_network_interfaces(vpc_id=VPC_A)) == 125
    assert len(session.calls) == 3


# ================================================================== filters: 3.0 sends them


def test_v3_sends_every_filter_it_is_given(make_api):
    api, session = make_api("3.0")
    found = api.find_network_interfaces(vpc_id=VPC_A, subnet_id=subnet_of(VPC_A, 0), instance_id="ins-00000000",
                                        name="web-0", primary=True)
    enis = world()
    assert ids_of(found) == expected(enis, VPC_A, subnet_of(VPC_A, 0), "ins-00000000", "web-0", True)
    filters = {f["Name"]: f["Values"] for f in session.calls[0]["Filters"]}
    assert filters == {"vpc-id": [VPC_A], "subnet-id": [subnet_of(VPC_A, 0)], "attachment.instance-id": ["ins-00000000"],
                       "network-interface-name": ["web-0"], "is-primary": ["true"]}
    assert "NetworkInterfaceIds" not in session.calls[0]


@pytest.mark.parametrize("primary,value", [(True, "true"), (False, "false")])
def test_v3_is_primary_is_a_lowercase_string(make_api, primary, value):
    api, session = make_api("3.0")
    found = api.find_network_interfaces(primary=primary)
    assert {f["Name"]: f["Values"] for f in session.calls[0]["Filters"]} == {"is-primary": [value]}
    assert ids_of(found) == expected(world(), primary=primary)
    assert len(session.calls) == (1 if primary else 3)


def test_v3_only_the_filters_given_are_sent(make_api):
    api, session = make_api("3.0")
    api.find_network_interfaces(subnet_id=subnet_of(VPC_A, 1))
    assert session.calls[0]["Filters"] == [{"Name": "subnet-id", "Values": [subnet_of(VPC_A, 1)]}]


# ================================================================== filters: 2.0 sends some, checks the rest


def test_v2_sends_vpc_instance_and_name_and_filters_the_rest_here(make_api):
    api, session = make_api("2.0")
    found = api.find_network_interfaces(vpc_id=VPC_A, subnet_id=subnet_of(VPC_A, 0), instance_id="ins-00000000",
                                        name="web-0", primary=True)
    assert ids_of(found) == expected(world(), VPC_A, subnet_of(VPC_A, 0), "ins-00000000", "web-0", True)
    call = session.calls[0]
    assert {k: v for k, v in call.items() if k not in ("offset", "limit")} == {
        "vpcId": VPC_A, "instanceId": "ins-00000000", "eniName": "web-0"}


def test_v2_name_is_exact_although_the_api_matches_a_substring(make_api):
    enis = [dict(id=eni_id(1), vpc=VPC_A, subnet=subnet_of(VPC_A, 0), holder=None, primary=False, name="web"),
            dict(id=eni_id(2), vpc=VPC_A, subnet=subnet_of(VPC_A, 0), holder=None, primary=False, name="web-old"),
            dict(id=eni_id(3), vpc=VPC_A, subnet=subnet_of(VPC_A, 0), holder=None, primary=False, name="my-web")]
    api, session = make_api("2.0", enis=enis)
    assert ids_of(api.find_network_interfaces(name="web")) == [eni_id(1)]
    assert session.calls[0]["eniName"] == "web"


@pytest.mark.parametrize("primary", [True, False])
def test_v2_subnet_and_primary_are_filtered_here_over_every_page(make_api, primary):
    api, session = make_api("2.0")
    found = api.find_network_interfaces(subnet_id=subnet_of(VPC_B, 2), primary=primary)
    assert ids_of(found) == expected(world(), subnet=subnet_of(VPC_B, 2), primary=primary)
    assert len(session.calls) == 5
    assert all(set(c) == {"offset", "limit"} for c in session.calls)


def test_both_protocols_give_the_same_records(make_api, version):
    enis = world(30)
    found = make_api(version, enis=enis)[0].find_network_interfaces(vpc_id=VPC_B, primary=False)
    other_api = make_api("2.0" if version == "3.0" else "3.0", enis=enis)[0]
    other = other_api.find_network_interfaces(vpc_id=VPC_B, primary=False)
    # 2.0 gives a numeric zone id where 3.0 names the zone (issue 17): the rest is the same
    v3, v2 = (found, other) if version == "3.0" else (other, found)
    assert {(r["zone"], r["zone_id"]) for r in v3} == {("ap-guangzhou-3", None)}
    assert {(r["zone"], r["zone_id"]) for r in v2} == {(None, 100003)}
    strip = [dict(r, zone=None, zone_id=None, attachment=r["attachment"] and dict(r["attachment"], device_index=None))
             for r in found]
    strip_other = [dict(r, zone=None, zone_id=None, attachment=r["attachment"] and dict(r["attachment"], device_index=None))
                   for r in other]
    assert strip == strip_other and len(found) == 15


def test_v2_unknown_vpc_is_an_empty_list(make_api):
    api, session = make_api("2.0")
    assert api.find_network_interfaces(vpc_id="vpc-unknown1") == []
    assert len(session.calls) == 1


def test_v3_unknown_vpc_is_an_empty_list(make_api):
    api, session = make_api("3.0")
    assert api.find_network_interfaces(vpc_id="vpc-unknown1") == []


@pytest.mark.parametrize("version_,answer,code", [
    ("3.0", ("UnauthorizedOperation", None), "UnauthorizedOperation"),
    ("3.0", ("InvalidParameterValue.Malformed", None), "InvalidParameterValue.Malformed"),
    ("2.0", ("InvalidVpc.NotFound", 5000), None),
    ("2.0", ("UnauthorizedOperation", 4101), "UnauthorizedOperation"),
])
def test_other_errors_propagate(make_api, version_, answer, code):
    api, session = make_api(version_, fail=answer)
    if code is None:  # 2.0's unknown VPC, with a VPC filter
        assert api.find_network_interfaces(vpc_id=VPC_A) == []
        return
    with pytest.raises(QcloudApiError) as info:
        api.find_network_interfaces(vpc_id=VPC_A)
    assert info.value.code == code and len(session.calls) == 1


def test_v2_unknown_vpc_is_not_swallowed_for_ids(make_api):
    api, session = make_api("2.0", fail=("InvalidVpc.NotFound", 5000))
    with pytest.raises(QcloudApiError):
        api.find_network_interfaces(ids=[eni_id(1)])


# ================================================================== ids


def test_v3_ids_go_in_chunks_of_100_without_filters_in_the_given_order(make_api):
    wanted = [eni_id(n) for n in reversed(range(250))]
    api, session = make_api("3.0")
    found = api.find_network_interfaces(ids=wanted)
    assert ids_of(found) == wanted
    assert len(session.calls) == 3
    assert [len(c["NetworkInterfaceIds"]) for c in session.calls] == [100, 100, 50]
    assert sum((c["NetworkInterfaceIds"] for c in session.calls), []) == wanted
    assert all("Filters" not in c for c in session.calls)


def test_v2_ids_are_one_describe_each_in_the_given_order(make_api):
    wanted = [eni_id(7), eni_id(3), eni_id(200)]
    api, session = make_api("2.0")
    assert ids_of(api.find_network_interfaces(ids=wanted)) == wanted
    assert [c["networkInterfaceId"] for c in session.calls] == wanted
    assert all("vpcId" not in c and "eniName" not in c for c in session.calls)


def test_unknown_ids_are_left_out(make_api, version):
    wanted = [eni_id(9999), eni_id(5), eni_id(8888), eni_id(2)]
    api, session = make_api(version)
    assert ids_of(api.find_network_interfaces(ids=wanted)) == [eni_id(5), eni_id(2)]
    assert len(session.calls) == (1 if version == "3.0" else 4)


def test_duplicate_ids_are_asked_and_returned_once(make_api, version):
    api, session = make_api(version)
    found = api.find_network_interfaces(ids=[eni_id(4), eni_id(1), eni_id(4)])
    assert ids_of(found) == [eni_id(4), eni_id(1)]
    asked = session.calls[0]["NetworkInterfaceIds"] if version == "3.0" else [c["networkInterfaceId"] for c in session.calls]
    assert asked == [eni_id(4), eni_id(1)]


def test_v3_unknown_ids_answered_with_resource_not_found_are_left_out(make_api, bare_sim):
    api, session = make_api("3.0")
    bare_sim.faults.add({"fault": "error", "action": DESCRIBE, "code": "ResourceNotFound"})
    assert ids_of(api.find_network_interfaces(ids=[eni_id(5), eni_id(9999)])) == [eni_id(5)]


def test_ids_and_filters_narrow_each_other_and_send_only_ids(make_api, version):
    wanted = [eni_id(n) for n in range(0, 40)]
    api, session = make_api(version)
    found = api.find_network_interfaces(ids=wanted, vpc_id=VPC_A, subnet_id=subnet_of(VPC_A, 0), instance_id="ins-00000000",
                                        name="web-0", primary=True)
    assert ids_of(found) == expected(world(), VPC_A, subnet_of(VPC_A, 0), "ins-00000000", "web-0", True, ids=wanted)
    assert ids_of(found)  # not trivially empty
    if version == "3.0":
        assert len(session.calls) == 1 and "Filters" not in session.calls[0]
    else:
        assert len(session.calls) == 40
        assert all(set(c) == {"networkInterfaceId"} for c in session.calls)


@pytest.mark.parametrize("primary", [True, False])
def test_ids_with_primary_and_instance(make_api, version, primary):
    wanted = [eni_id(n) for n in (0, 5, 10, 15, 20, 1)]
    api, session = make_api(version)
    found = api.find_network_interfaces(ids=wanted, primary=primary)
    assert ids_of(found) == expected(world(), primary=primary, ids=wanted)
    found = api.find_network_interfaces(ids=wanted, instance_id="ins-00000000")
    assert ids_of(found) == [eni_id(0), eni_id(20)]


def test_records_are_the_collection_records(make_api, version):
    api, session = make_api(version)
    (record,) = api.find_network_interfaces(ids=[eni_id(5)])
    assert record["network_interface_id"] == eni_id(5) and record["vpc_id"] == VPC_B
    assert record["subnet_id"] == subnet_of(VPC_B, 2) and record["name"] == "web-5"
    assert record["attachment"]["instance_id"] == "ins-00000001" and record["primary"] is False
