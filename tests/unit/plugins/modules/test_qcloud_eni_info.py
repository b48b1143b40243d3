# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_eni_info through main(), in both API versions, and the connection options every
module shares (profile, role_arn, role_duration, sts_endpoint, metadata_endpoint, region).

The cloud is the simulator in-process (fixtures/sim.py): it checks every signature, serves STS and
the metadata service too; only the clocks are fakes.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni_info
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import (
    DEFAULT_SECRET_ID,
    DEFAULT_SECRET_KEY,
    VPC_A,
    VPC_B,
    api_log,
    eni_id,
    eni_world as world,
    load_enis,
    subnet_of,
)

SECRET_ID = DEFAULT_SECRET_ID
SECRET_KEY = DEFAULT_SECRET_KEY
TOKEN = "INFO-token-zyxwvu9876543210"
ROLE_ARN = "qcs::cam::uin/100000000001:roleName/ansible-deployer"
DESCRIBE = "DescribeNetworkInterfaces"
SUBNET_A0 = subnet_of(VPC_A, 0)


@pytest.fixture
def cloud(sim):
    return load_enis(sim, world())


def calls(sim):
    return api_log(sim, DESCRIBE)


@pytest.fixture(params=["3.0", "2.0"])
def version(request):
    return request.param


@pytest.fixture
def run(cloud, version, run_module):
    def runner(**params):
        r = run_module(qcloud_eni_info.main, {"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "region": "ap-guangzhou",
                                              "api_version": version}, **params)
        r.calls = calls(cloud)
        r.ids = [rec["network_interface_id"] for rec in r.result.get("network_interfaces", [])]
        return r

    return runner


# ================================================================== results


def test_all_enis_of_the_region_every_page(run, version):
    r = run()
    assert not r.failed and r.result["changed"] is False
    assert r.ids == [eni_id(n) for n in range(250)]
    assert len(r.calls) == (3 if version == "3.0" else 5)
    assert r.result["credential_source"] == "module options"


def test_filters(run, version):
    r = run(vpc_id=VPC_A, subnet_id=SUBNET_A0, primary=False)
    assert not r.failed
    assert r.ids == [e["id"] for e in world() if e["vpc"] == VPC_A and e["subnet"] == SUBNET_A0
                     and not e["primary"]]
    assert all(rec["vpc_id"] == VPC_A and rec["subnet_id"] == SUBNET_A0 and rec["primary"] is False
               for rec in r.result["network_interfaces"])


def test_instance_and_exact_name(run):
    r = run(instance_id="ins-00000001", name="web-5")
    assert r.ids == [e["id"] for e in world() if e["holder"] == "ins-00000001" and e["name"] == "web-5"]
    assert r.ids and all(rec["attachment"]["instance_id"] == "ins-00000001" for rec in r.result["network_interfaces"])


@pytest.mark.parametrize("option", ["network_interface_ids", "eni_ids"])
def test_ids_in_the_given_order_unknown_left_out(run, version, option):
    r = run(**{option: [eni_id(9), eni_id(99999), eni_id(4)]})
    assert not r.failed and r.ids == [eni_id(9), eni_id(4)]
    assert len(r.calls) == (1 if version == "3.0" else 3)


def test_ids_narrowed_by_filters(run):
    r = run(network_interface_ids=[eni_id(n) for n in range(10)], vpc_id=VPC_B)
    assert r.ids == [eni_id(n) for n in range(1, 10, 2)]


def test_no_match_is_an_empty_list(run):
    r = run(name="no-such-name")
    assert not r.failed and r.result["network_interfaces"] == [] and r.result["changed"] is False


def test_unknown_vpc_is_an_empty_list(run):
    r = run(vpc_id="vpc-unknown1")
    assert not r.failed and r.result["network_interfaces"] == []


def test_records_have_the_documented_keys(run):
    r = run(network_interface_ids=[eni_id(5)])
    (record,) = r.result["network_interfaces"]
    assert set(record) == {"network_interface_id", "name", "description", "vpc_id", "subnet_id", "zone", "zone_id", "state",
                           "primary", "mac_address", "private_ip_addresses", "attachment", "security_group_ids", "tags",
                           "primary_private_ip_address", "created_time"}
    assert set(record["attachment"]) == {"instance_id", "device_index", "attach_time"}


def test_tags_filter_is_sent_to_the_api_and_checked(run, version):
    if version == "2.0":
        r = run(tags={"team": "web"})
        assert r.failed and "The tags filter needs API 3.0" in r.msg and r.calls == []
        return
    r = run(tags={"team": "web", "env": "prod"}, vpc_id=VPC_A)
    assert not r.failed
    assert r.ids == [e["id"] for e in world() if e["tags"].get("env") == "prod" and e["vpc"] == VPC_A]
    assert r.ids and all(rec["tags"] == {"team": "web", "env": "prod"} for rec in r.result["network_interfaces"])
    filters = {f["Name"]: f["Values"] for f in r.calls[0]["params"]["Filters"]}
    assert filters["tag:team"] == ["web"] and filters["tag:env"] == ["prod"]


def test_tags_filter_narrows_ids(run, version):
    if version == "3.0":
        r = run(network_interface_ids=[eni_id(n) for n in range(13)], tags={"env": "test"})
        assert r.ids == [eni_id(6)]


def test_tags_filter_values_must_be_strings(run, version):
    r = run(tags={"team": 7})
    expected = "its value is a int, not a string" if version == "3.0" else "The tags filter needs API 3.0"
    assert r.failed and expected in r.msg and r.calls == []


@pytest.mark.parametrize("query", [{"vpc_id": VPC_B, "primary": False}, {"network_interface_ids": ["eni-zzzz9999"]},
                                   {"vpc_id": "vpc-zzzz9999"}], ids=["some", "unknown-id", "unknown-vpc"])
def test_check_mode_gives_the_same_result(run, query):
    normal = run(**query)
    calls = len(normal.calls)
    checked = run(check_mode=True, **query)
    assert not checked.failed and checked.result["changed"] is False
    assert checked.result["network_interfaces"] == normal.result["network_interfaces"]
    assert len(checked.calls) == 2 * calls


# ================================================================== bad input: no call at all

BAD = [
    ({"network_interface_ids": [eni_id(1), "eni-abc&Action=x"]}, "network_interface_ids must be eni-"),
    ({"network_interface_ids": ["ENI-12345678"]}, "network_interface_ids must be eni-"),
    ({"network_interface_ids": ["eni-1234567"]}, "network_interface_ids must be eni-"),
    ({"eni_ids": ["eni-12345678\n"]}, "network_interface_ids must be eni-"),
    ({"vpc_id": "vpc-ABCDEFGH"}, "vpc_id must be vpc-"),
    ({"subnet_id": "sub-12345678"}, "subnet_id must be subnet-"),
    ({"instance_id": "ins-1"}, "instance_id must be ins-"),
    ({"primary": "maybe"}, "primary"),
    ({"api_version": "1.0"}, "api_version"),
]


@pytest.mark.parametrize("params,needle", BAD)
def test_bad_input_fails_before_any_call(run, params, needle):
    r = run(**params)
    assert r.failed and needle in r.msg
    assert r.calls == []


def test_ids_are_checked_before_credentials_are_looked_for(run, cloud):
    r = run(secret_id=None, secret_key=None, network_interface_ids=["eni-bad"])
    assert r.failed and r.msg.startswith("network_interface_ids must be eni-")
    assert cloud.session.adapter.sent == []  # not even the metadata service was asked


# ================================================================== API errors


def fail_every_call(sim, version, code, code_v2):
    sim.faults.add({"fault": "error", "action": DESCRIBE, "code": code, "code_v2": code_v2, "message": "no permission",
                    "count": 10, "protocol": version})


def test_api_error_gives_msg_error_and_credential_source(run, cloud, version):
    fail_every_call(cloud, version, "UnauthorizedOperation", 4101)
    r = run(vpc_id=VPC_A)
    (call,) = r.calls  # not retried
    expected = {"code": "UnauthorizedOperation", "action": "DescribeNetworkInterfaces", "message": "no permission",
                "request_id": call["request_id"] if version == "3.0" else None}  # API 2.0 answers carry none
    assert r.failed and r.msg
    assert {k: r.result["error"][k] for k in expected} == expected
    assert set(r.result["error"]) >= {"code", "message", "request_id", "action"}
    assert r.result["credential_source"] == "module options"
    assert "network_interfaces" not in r.result


def test_throttling_is_retried(run, cloud, version):
    cloud.faults.add({"fault": "error", "action": DESCRIBE, "code": "RequestLimitExceeded", "code_v2": 4400, "protocol": version})
    r = run(network_interface_ids=[eni_id(3)])
    assert not r.failed and r.ids == [eni_id(3)] and len(r.calls) == 2


# ================================================================== where the keys come from


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def test_credentials_and_region_from_the_environment(run, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-guangzhou")
    r = run(secret_id=None, secret_key=None, region=None, network_interface_ids=[eni_id(1)])
    assert not r.failed and r.result["credential_source"] == "environment (TENCENTCLOUD_SECRET_ID)"


def test_keys_and_region_from_a_tccli_profile(run, no_machine_credentials):
    home = no_machine_credentials
    write_json(home / ".tccli" / "prod.credential", {"secretId": SECRET_ID, "secretKey": SECRET_KEY})
    write_json(home / ".tccli" / "prod.configure", {"_sys_param": {"region": "ap-shanghai"}})
    r = run(secret_id=None, secret_key=None, region=None, profile="prod", network_interface_ids=[eni_id(1)])
    assert not r.failed
    assert r.result["credential_source"] == "tccli profile prod (%s)" % (home / ".tccli" / "prod.credential")
    assert r.ids == [] and [c["region"] for c in r.calls] == ["ap-shanghai"]  # eni_id(1) lives in ap-guangzhou


def test_a_named_profile_that_does_not_exist_fails_before_any_call(run):
    r = run(secret_id=None, secret_key=None, profile="nope")
    assert r.failed and "tccli profile 'nope' was asked for" in r.msg
    assert r.calls == []


def test_half_a_key_pair_in_options_fails_before_any_call_even_with_environment_keys(run, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    r = run(secret_id="AKIDhalf", secret_key=None, network_interface_ids=[eni_id(1)])
    assert r.failed and r.msg.startswith("secret_id was given without secret_key")
    assert r.calls == []


def test_role_arn_assumes_the_role_and_calls_the_vpc_with_its_keys(run, cloud):
    r = run(role_arn=ROLE_ARN, role_session_name="play-1", role_duration=900,
            sts_endpoint="https://sts.example.internal", network_interface_ids=[eni_id(1)])
    assert not r.failed, r.msg
    assert r.result["credential_source"] == "STS AssumeRole %s with keys from module options" % ROLE_ARN
    (assume,) = api_log(cloud, "AssumeRole")  # its signature checked by the simulator with the module's keys
    assert cloud.session.adapter.sent[0] == ("POST", "https://sts.example.internal/") and assume["secret_id"] == SECRET_ID
    assert assume["params"] == {"RoleArn": ROLE_ARN, "RoleSessionName": "play-1", "DurationSeconds": 900}
    assert [c["secret_id"] for c in r.calls] == [assume["minted_secret_id"]]


def test_the_cvm_role_when_nothing_else_is_set(run, cloud):
    cloud.set_config({"metadata_enabled": True})
    r = run(secret_id=None, secret_key=None, metadata_endpoint="http://169.254.0.23", network_interface_ids=[eni_id(2)])
    assert not r.failed, r.msg
    assert r.result["credential_source"] == "CVM role ansible-cvm-role (http://169.254.0.23)"
    assert r.ids == [eni_id(2)] and r.calls[0]["secret_id"] != SECRET_ID  # the role's temporary key
    assert not any("plain http" in w for w in r.warnings)  # only api_endpoint warns about http


def test_no_credentials_anywhere_fails_listing_the_places(run):
    r = run(secret_id=None, secret_key=None)
    assert r.failed and r.msg.startswith("No Tencent Cloud credentials found (looked in: module options; ")
    assert "CVM metadata service http://metadata.tencentyun.com (no answer: ConnectionError)" in r.msg
    assert r.calls == []


# ================================================================== the shared options are checked first


@pytest.mark.parametrize("value", [0, -5])
def test_role_duration_must_be_positive(run, value):
    r = run(role_arn=ROLE_ARN, role_duration=value)
    assert r.failed and r.msg == "role_duration must be greater than 0 (got %d)." % value
    assert r.calls == []


@pytest.mark.parametrize("option", ["sts_endpoint", "metadata_endpoint"])
@pytest.mark.parametrize("value", ["sts.tencentcloudapi.com", "ftp://sts.tencentcloudapi.com", "https://", "https://a b"])
def test_endpoints_must_be_http_urls(run, option, value):
    r = run(**{option: value})
    assert r.failed and r.msg.startswith("%s must be an http(s) URL" % option)
    assert r.calls == []


def test_region_is_checked_before_credentials(run, monkeypatch):
    from ansible_collections.tencent.qcloud.plugins.module_utils._module import QcloudModule

    def boom(*args, **kwargs):
        raise AssertionError("credentials were looked for before the region was known")

    monkeypatch.setattr(QcloudModule, "client_factory", staticmethod(boom))
    r = run(secret_id=None, secret_key=None, region=None)
    assert r.failed and r.msg.startswith("No region given")
    r = run(region="Guangzhou")
    assert r.failed and r.msg == "region must look like ap-guangzhou (got 'Guangzhou')."


def test_region_from_the_profile_configure_file(run, no_machine_credentials):
    write_json(no_machine_credentials / ".tccli" / "default.configure", {"_sys_param": {"region": "ap-beijing"}})
    r = run(region=None, network_interface_ids=[eni_id(1)])
    assert not r.failed and r.ids == []  # eni_id(1) lives in ap-guangzhou
    assert [c["region"] for c in r.calls] == ["ap-beijing"]


# ================================================================== secrets


@pytest.mark.parametrize("scenario", ["ok", "api_error", "half_key"])
def test_the_secret_key_and_token_never_appear_in_a_result(run, cloud, version, scenario):
    params = {"security_token": TOKEN, "vpc_id": VPC_A}
    if scenario == "api_error":
        fail_every_call(cloud, version, "AuthFailure.TokenFailure", 4105)
    elif scenario == "half_key":
        params["secret_id"] = None
    r = run(**params)
    printed = json.dumps(r.result)
    passed = json.dumps(r.raw, default=repr)
    for secret in (SECRET_KEY, TOKEN):
        assert secret not in printed
        assert secret not in passed


# ================================================================== filters (Tencent's names)


def test_filters_option_is_sent_as_given(run, version):
    subnets = [subnet_of(VPC_A, 0), subnet_of(VPC_B, 1)]
    r = run(filters={"subnet-id": subnets, "is-primary": False, "tag:team": "web"})
    if version == "2.0":
        assert r.failed and "The filters option needs API 3.0" in r.msg and r.calls == []
        return
    assert not r.failed
    assert r.ids == [e["id"] for e in world() if e["subnet"] in subnets and not e["primary"]
                     and e["tags"].get("team") == "web"]
    assert r.ids
    sent = {f["Name"]: f["Values"] for f in r.calls[0]["params"]["Filters"]}
    assert sent == {"subnet-id": subnets, "is-primary": ["false"], "tag:team": ["web"]}


def test_an_unknown_filter_name_fails_before_any_call(run):
    r = run(api_version="3.0", filters={"instance-state": "RUNNING"})
    assert r.failed and r.calls == []
    assert r.msg.startswith("DescribeNetworkInterfaces has no filter instance-state: use one of vpc-id, subnet-id")
    assert "address-ip" in r.msg and "tag:<key>" in r.msg


def test_a_filter_value_of_the_wrong_type_fails_before_any_call(run):
    r = run(api_version="3.0", filters={"vpc-id": {"a": 1}})
    assert r.failed and r.calls == [] and "The value of filter vpc-id must be a string" in r.msg


def test_ids_with_filters_become_a_network_interface_id_filter(run, version):
    if version == "2.0":
        pytest.skip("filters are API 3.0's")
    r = run(network_interface_ids=[eni_id(n) for n in range(12)] + [eni_id(99999)], filters={"vpc-id": VPC_B})
    assert not r.failed and r.ids == [eni_id(n) for n in range(1, 12, 2)]
    assert all("NetworkInterfaceIds" not in c["params"] for c in r.calls)
    asked = [{f["Name"]: f["Values"] for f in c["params"]["Filters"]} for c in r.calls]
    assert [len(a["network-interface-id"]) for a in asked] == [5, 5, 3] and all(a["vpc-id"] == [VPC_B] for a in asked)


def test_an_option_and_a_filter_of_the_same_name_both_hold(run, version):
    if version == "2.0":
        pytest.skip("filters are API 3.0's")
    r = run(vpc_id=VPC_A, filters={"vpc-id": [VPC_A, VPC_B], "network-interface-name": "web-3"})
    assert not r.failed and r.ids == [e["id"] for e in world() if e["vpc"] == VPC_A and e["name"] == "web-3"] and r.ids
