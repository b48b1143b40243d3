# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_cvm_info through main(); only the HTTP session is a fake (fixtures/cvm.py)."""

from __future__ import annotations

import json
import types

import pytest
import requests

from ansible_collections.tencent.qcloud.plugins.module_utils import _client
from ansible_collections.tencent.qcloud.plugins.modules import qcloud_cvm_info
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.cvm import CvmCloud, eni, instance

SECRET_ID, SECRET_KEY = "AKIDcvmTEST", "cvm-SECRET-key"


@pytest.fixture
def cloud(monkeypatch):
    fake = CvmCloud([instance(i, tags={"role": "web" if i % 2 else "db"}, state="SHUTDOWN" if i == 4 else "RUNNING")
                     for i in range(1, 8)] + [instance(9, region="ap-shanghai")],
                    [eni("eni-p0000001", "ins-c0000001")], secret_id=SECRET_ID, secret_key=SECRET_KEY)
    monkeypatch.setattr(_client, "requests", types.SimpleNamespace(Session=lambda: fake, exceptions=requests.exceptions))
    return fake


@pytest.fixture
def run(module_args, capsys):
    def runner(**params):
        args = dict({"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "region": "ap-guangzhou",
                     "api_endpoint": "https://sim.example"}, **params)
        capsys.readouterr()
        with module_args(args):
            with pytest.raises(SystemExit):
                qcloud_cvm_info.main()
        return json.loads(capsys.readouterr().out)

    return runner


def ids(result):
    return [i["instance_id"] for i in result["instances"]]


def test_filters_in_the_region_gone_ones_left_out(cloud, run):
    result = run(filters={"tag:role": "web"})
    assert ids(result) == ["ins-c0000001", "ins-c0000003", "ins-c0000005", "ins-c0000007"]
    assert result["changed"] is False and result["credential_source"] == "module options"
    assert [c["region"] for c in cloud.calls] == ["ap-guangzhou"]
    assert cloud.calls[0]["url"] == "https://sim.example/"


def test_everything_of_the_region(cloud, run):
    assert len(run()["instances"]) == 6  # 7 in ap-guangzhou, one SHUTDOWN


def test_ids_whatever_their_state(cloud, run):
    result = run(instance_ids=["ins-c0000004", "ins-c0000002", "ins-nope0001"])
    assert ids(result) == ["ins-c0000002", "ins-c0000004"]
    assert cloud.calls[0]["params"]["InstanceIds"] == ["ins-c0000004", "ins-c0000002", "ins-nope0001"]


def test_an_empty_id_list_makes_no_call(cloud, run):
    assert run(instance_ids=[])["instances"] == [] and cloud.calls == []


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
    assert cloud.calls == []


def test_api_error_gives_msg_and_error(cloud, run):
    result = run(filters={"flavour": "x"})
    assert result["failed"] and "does not accept a filter of DescribeInstances" in result["msg"]
    assert result["error"]["code"] == "InvalidFilter" and result["error"]["action"] == "DescribeInstances"
    assert result["error"]["request_id"] and result["credential_source"] == "module options"
