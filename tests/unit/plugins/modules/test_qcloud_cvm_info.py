# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_cvm_info through main(), against the simulator in-process (fixtures/sim.py)."""

from __future__ import annotations

import pytest

from ansible_collections.tencent.qcloud.plugins.modules import qcloud_cvm_info
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, api_log


@pytest.fixture
def cloud(sim):
    """Instances ins-c0000001..7 in ap-guangzhou (odd ones role=web, the others db; the 4th
    SHUTDOWN), ins-c0000009 in ap-shanghai; eni-p0000001 is the primary ENI of ins-c0000001."""
    data = sim.state()
    data["instances"] = [{"instance_id": "ins-c%07d" % i, "name": "node-%d" % i, "region": region, "zone": region + "-" + zone,
                          "vpc_id": vpc, "state": "SHUTDOWN" if i == 4 else "RUNNING", "instance_type": "S5.MEDIUM4",
                          "tags": {"role": "web" if i % 2 else "db"}}
                         for i, region, zone, vpc in [(i, "ap-guangzhou", "3", "vpc-gz000001") for i in range(1, 8)]
                         + [(9, "ap-shanghai", "2", "vpc-sh000001")]]
    data["enis"] = [{"eni_id": "eni-p0000001", "subnet_id": "subnet-gz3a0001", "primary": True, "private_ip": "10.0.1.2",
                     "instance_id": "ins-c0000001", "device_index": 0, "attach_time": "2024-01-02 03:05:00"}]
    sim.set_world(data)
    sim.calls = lambda: api_log(sim, "DescribeInstances")
    return sim


@pytest.fixture
def run(run_module):
    def runner(**params):
        return run_module(qcloud_cvm_info.main, {"secret_id": DEFAULT_SECRET_ID, "secret_key": DEFAULT_SECRET_KEY,
                                                 "region": "ap-guangzhou", "api_endpoint": "https://sim.example"},
                          **params).result

    return runner


def ids(result):
    return [i["instance_id"] for i in result["instances"]]


def test_filters_in_the_region_gone_ones_left_out(cloud, run):
    result = run(filters={"tag:role": "web"})
    assert ids(result) == ["ins-c0000001", "ins-c0000003", "ins-c0000005", "ins-c0000007"]
    assert result["changed"] is False and result["credential_source"] == "module options"
    assert [c["region"] for c in cloud.calls()] == ["ap-guangzhou"]
    assert cloud.session.adapter.sent[0] == ("POST", "https://sim.example/")


def test_everything_of_the_region(cloud, run):
    assert len(run()["instances"]) == 6  # 7 in ap-guangzhou, one SHUTDOWN


def test_ids_whatever_their_state(cloud, run):
    result = run(instance_ids=["ins-c0000004", "ins-c0000002", "ins-nope0001"])
    assert ids(result) == ["ins-c0000002", "ins-c0000004"]
    assert cloud.calls()[0]["params"]["InstanceIds"] == ["ins-c0000004", "ins-c0000002", "ins-nope0001"]


def test_an_empty_id_list_makes_no_call(cloud, run):
    assert run(instance_ids=[])["instances"] == [] and cloud.request_log() == []


def test_network_interfaces(cloud, run):
    result = run(instance_ids=["ins-c0000001"], include_network_interfaces=True)
    assert [e["network_interface_id"] for e in result["instances"][0]["network_interfaces"]] == ["eni-p0000001"]


@pytest.mark.parametrize("params,needle", [
    ({"api_version": "2.0"}, "The module tencent.qcloud.qcloud_cvm_info speaks only Tencent Cloud API 3.0"),
    ({"instance_ids": ["i-123"]}, "instance_ids must be ins- followed by 8 lowercase letters or digits"),
    ({"filters": {"zone": []}}, "Filter zone has no value"),
    ({"filters": {"zone": "x"}, "instance_ids": ["ins-c0000001"]}, "mutually exclusive"),
])
def test_bad_input_fails_before_any_call(cloud, run, params, needle):
    result = run(**params)
    assert result["failed"] and needle in result["msg"]
    assert cloud.request_log() == []


def test_api_error_gives_msg_and_error(cloud, run):
    result = run(filters={"flavour": "x"})
    assert result["failed"] and "does not accept a filter of DescribeInstances" in result["msg"]
    assert result["error"]["code"] == "InvalidFilter" and result["error"]["action"] == "DescribeInstances"
    assert result["error"]["request_id"] and result["credential_source"] == "module options"
