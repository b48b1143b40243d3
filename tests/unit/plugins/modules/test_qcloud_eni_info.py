# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_eni_info through main(), in both API versions, and the connection options every
module shares (profile, role_arn, role_duration, sts_endpoint, metadata_endpoint, region).

Only the HTTP sessions (the VPC, STS and the metadata service) and the clocks are fakes.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Dict, List, NamedTuple

import pytest

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common import warnings as ansible_warnings

from ansible_collections.tencent.qcloud.plugins.module_utils import _credentials
from ansible_collections.tencent.qcloud.plugins.module_utils import _module
from ansible_collections.tencent.qcloud.plugins.module_utils._client import QcloudClient
from ansible_collections.tencent.qcloud.plugins.module_utils._vpc import VpcApi
from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni_info
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import (
    VPC_A,
    VPC_B,
    EniSession,
    FakeClock,
    FakeMetadata,
    ScriptedSession,
    cvm_keys,
    eni_id,
    sts_answer,
    verify_v3_authorization,
    world,
)

SECRET_ID = "AKIDinfoTEST000000000000000000"
SECRET_KEY = "INFO-secret-KEY-0123456789abcdef"
TOKEN = "INFO-token-zyxwvu9876543210"
ROLE_ARN = "qcs::cam::uin/100000000001:roleName/ansible-deployer"
FAR = 4102444800  # 2100-01-01: temporary keys that do not expire during a test


class Run(NamedTuple):
    result: Dict[str, Any]
    raw: Dict[str, Any]
    session: EniSession

    @property
    def failed(self):
        return bool(self.result.get("failed"))

    @property
    def msg(self):
        return self.result.get("msg", "")

    @property
    def ids(self):
        return [r["network_interface_id"] for r in self.result["network_interfaces"]]

    @property
    def warnings(self):
        texts = []
        for item in self.result.get("warnings", []):
            if isinstance(item, str):
                texts.append(item)
            else:
                texts.append(item.get("msg") or (item.get("event") or {}).get("msg") or json.dumps(item))
        return texts


@pytest.fixture(params=["3.0", "2.0"])
def version(request):
    return request.param


@pytest.fixture
def keys():
    """The keys the fake VPC expects requests to be signed with (a test may change them)."""
    return {"secret_id": SECRET_ID, "secret_key": SECRET_KEY}


@pytest.fixture
def vpc(version, keys):
    return EniSession(version, world(), keys["secret_id"], keys["secret_key"])


@pytest.fixture
def run(vpc, version, keys, module_args, monkeypatch, capsys):
    clock = FakeClock()
    monkeypatch.setattr(
        _module, "QcloudClient",
        functools.partial(QcloudClient, session=vpc, sleep=clock.sleep, clock=clock.time, monotonic=clock.monotonic,
                          rng=lambda: 0.5),
    )
    monkeypatch.setattr(_module, "VpcApi", functools.partial(VpcApi, sleep=clock.sleep, monotonic=clock.monotonic))
    monkeypatch.setattr(ansible_warnings, "_global_warnings", type(ansible_warnings._global_warnings)())
    monkeypatch.setattr(ansible_warnings, "_global_deprecations", type(ansible_warnings._global_deprecations)())

    raw: List[Dict[str, Any]] = []
    for name in ("exit_json", "fail_json"):
        original = getattr(AnsibleModule, name)

        def spy(self, *args, _original=original, **kwargs):
            raw.append(dict(kwargs, _args=args))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(AnsibleModule, name, spy)

    def runner(check_mode=False, **params):
        vpc.secret_id, vpc.secret_key = keys["secret_id"], keys["secret_key"]
        args = {"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "region": "ap-guangzhou", "api_version": version}
        args.update(params)
        args = {k: v for k, v in args.items() if v is not None}
        if check_mode:
            args["_ansible_check_mode"] = True
        capsys.readouterr()
        with module_args(args):
            with pytest.raises(SystemExit):
                qcloud_eni_info.main()
        out = capsys.readouterr().out
        assert len(raw) == 1, "the module must end exactly once"
        return Run(json.loads(out), raw.pop(), vpc)

    return runner


# ================================================================== results


def test_all_enis_of_the_region_every_page(run, version):
    r = run()
    assert not r.failed and r.result["changed"] is False
    assert r.ids == [eni_id(n) for n in range(250)]
    assert len(r.session.calls) == (3 if version == "3.0" else 5)
    assert r.result["credential_source"] == "module options"


def test_filters(run, version):
    r = run(vpc_id=VPC_A, subnet_id="subnet-00000000", primary=False)
    assert not r.failed
    assert r.ids == [e["id"] for e in world() if e["vpc"] == VPC_A and e["subnet"] == "subnet-00000000"
                     and not e["primary"]]
    assert all(rec["vpc_id"] == VPC_A and rec["subnet_id"] == "subnet-00000000" and rec["primary"] is False
               for rec in r.result["network_interfaces"])


def test_instance_and_exact_name(run):
    r = run(instance_id="ins-00000001", name="web-5")
    assert r.ids == [e["id"] for e in world() if e["holder"] == "ins-00000001" and e["name"] == "web-5"]
    assert r.ids and all(rec["attachment"]["instance_id"] == "ins-00000001" for rec in r.result["network_interfaces"])


@pytest.mark.parametrize("option", ["network_interface_ids", "eni_ids"])
def test_ids_in_the_given_order_unknown_left_out(run, version, option):
    r = run(**{option: [eni_id(9), eni_id(99999), eni_id(4)]})
    assert not r.failed and r.ids == [eni_id(9), eni_id(4)]
    assert len(r.session.calls) == (1 if version == "3.0" else 3)


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
        assert r.failed and "The tags filter needs API 3.0" in r.msg and r.session.calls == []
        return
    r = run(tags={"team": "web", "env": "prod"}, vpc_id=VPC_A)
    assert not r.failed
    assert r.ids == [e["id"] for e in world() if e["tags"].get("env") == "prod" and e["vpc"] == VPC_A]
    assert r.ids and all(rec["tags"] == {"team": "web", "env": "prod"} for rec in r.result["network_interfaces"])
    filters = {f["Name"]: f["Values"] for f in r.session.calls[0]["Filters"]}
    assert filters["tag:team"] == ["web"] and filters["tag:env"] == ["prod"]


def test_tags_filter_narrows_ids(run, version):
    if version == "3.0":
        r = run(network_interface_ids=[eni_id(n) for n in range(13)], tags={"env": "test"})
        assert r.ids == [eni_id(6)]


def test_tags_filter_values_must_be_strings(run, version):
    r = run(tags={"team": 7})
    expected = "its value is a int, not a string" if version == "3.0" else "The tags filter needs API 3.0"
    assert r.failed and expected in r.msg and r.session.calls == []


def test_check_mode_gives_the_same_result(run):
    normal = run(vpc_id=VPC_B, primary=False)
    calls = len(normal.session.calls)
    checked = run(check_mode=True, vpc_id=VPC_B, primary=False)
    assert not checked.failed and checked.result["changed"] is False
    assert checked.result["network_interfaces"] == normal.result["network_interfaces"]
    assert len(checked.session.calls) == 2 * calls


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
    assert r.session.calls == []


def test_ids_are_checked_before_credentials_are_looked_for(run, monkeypatch):
    metadata = FakeMetadata()
    monkeypatch.setattr(_credentials, "requests", metadata)
    r = run(secret_id=None, secret_key=None, network_interface_ids=["eni-bad"])
    assert r.failed and r.msg.startswith("network_interface_ids must be eni-")
    assert metadata.gets == [] and r.session.calls == []


# ================================================================== API errors


def test_api_error_gives_msg_error_and_credential_source(run, vpc, version):
    if version == "2.0":
        vpc.fail = P.v2_error("", 4101, "no permission")
        expected = {"code": "4101", "action": "DescribeNetworkInterfaces"}
    else:
        vpc.fail = P.v3_error("UnauthorizedOperation", "no permission", request_id=P.REQUEST_ID)
        expected = {"code": "UnauthorizedOperation", "action": "DescribeNetworkInterfaces", "request_id": P.REQUEST_ID,
                    "message": "no permission"}
    r = run(vpc_id=VPC_A)
    assert r.failed and r.msg
    assert {k: r.result["error"][k] for k in expected} == expected
    assert set(r.result["error"]) >= {"code", "message", "request_id", "action"}
    assert r.result["credential_source"] == "module options"
    assert "network_interfaces" not in r.result
    assert len(vpc.calls) == 1  # not retried


def test_throttling_is_retried(run, vpc, version):
    answers = [P.v3_error("RequestLimitExceeded", "slow down") if version == "3.0"
               else P.v2_error("RequestLimitExceeded", 4400, "slow down")]
    original = vpc._answer_v3 if version == "3.0" else vpc._answer_v2

    def answer(params):
        return answers.pop() if answers else original(params)

    setattr(vpc, "_answer_v3" if version == "3.0" else "_answer_v2", answer)
    r = run(network_interface_ids=[eni_id(3)])
    assert not r.failed and r.ids == [eni_id(3)] and len(vpc.calls) == 2


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
    assert r.ids == [eni_id(1)]


def test_a_named_profile_that_does_not_exist_fails_before_any_call(run):
    r = run(secret_id=None, secret_key=None, profile="nope")
    assert r.failed and "tccli profile 'nope' was asked for" in r.msg
    assert r.session.calls == []


def test_half_a_key_pair_in_options_fails_before_any_call_even_with_environment_keys(run, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    r = run(secret_id="AKIDhalf", secret_key=None, network_interface_ids=[eni_id(1)])
    assert r.failed and r.msg.startswith("secret_id was given without secret_key")
    assert r.session.calls == []


def test_role_arn_assumes_the_role_and_calls_the_vpc_with_its_keys(run, keys, monkeypatch):
    sts = ScriptedSession(sts_answer(1, FAR))
    # the chain passes its own session (None in a module): STS goes to the fake all the same
    monkeypatch.setattr(_credentials, "QcloudClient", lambda *args, **kwargs: QcloudClient(*args, **dict(kwargs, session=sts)))
    keys.update(secret_id="AKIDstsTMP0001", secret_key="STS-tmp-SECRET-0001")
    r = run(role_arn=ROLE_ARN, role_session_name="play-1", role_duration=900,
            sts_endpoint="https://sts.example.internal", network_interface_ids=[eni_id(1)])
    assert not r.failed, r.msg
    assert r.result["credential_source"] == "STS AssumeRole %s with keys from module options" % ROLE_ARN
    (post,) = sts.posts
    assert post.url == "https://sts.example.internal/"
    verify_v3_authorization(post, SECRET_ID, SECRET_KEY, service="sts")
    assert json.loads(post.data) == {"RoleArn": ROLE_ARN, "RoleSessionName": "play-1", "DurationSeconds": 900}


def test_the_cvm_role_when_nothing_else_is_set(run, keys, monkeypatch):
    metadata = FakeMetadata(base="http://169.254.0.23", keys=[cvm_keys(1, FAR)])
    monkeypatch.setattr(_credentials, "requests", metadata)
    keys.update(secret_id="AKIDcvmTMP0001", secret_key="CVM-tmp-SECRET-0001")
    r = run(secret_id=None, secret_key=None, metadata_endpoint="http://169.254.0.23", network_interface_ids=[eni_id(2)])
    assert not r.failed, r.msg
    assert r.result["credential_source"] == "CVM role cvm-deployer (http://169.254.0.23)"
    assert not any("plain http" in w for w in r.warnings)  # only api_endpoint warns about http


def test_no_credentials_anywhere_fails_listing_the_places(run):
    r = run(secret_id=None, secret_key=None)
    assert r.failed and r.msg.startswith("No Tencent Cloud credentials found (looked in: module options; ")
    assert "CVM metadata service http://metadata.tencentyun.com (no answer: ConnectionError)" in r.msg
    assert r.session.calls == []


# ================================================================== the shared options are checked first


@pytest.mark.parametrize("value", [0, -5])
def test_role_duration_must_be_positive(run, value):
    r = run(role_arn=ROLE_ARN, role_duration=value)
    assert r.failed and r.msg == "role_duration must be greater than 0 (got %d)." % value
    assert r.session.calls == []


@pytest.mark.parametrize("option", ["sts_endpoint", "metadata_endpoint"])
@pytest.mark.parametrize("value", ["sts.tencentcloudapi.com", "ftp://sts.tencentcloudapi.com", "https://", "https://a b"])
def test_endpoints_must_be_http_urls(run, option, value):
    r = run(**{option: value})
    assert r.failed and r.msg.startswith("%s must be an http(s) URL" % option)
    assert r.session.calls == []


def test_region_is_checked_before_credentials(run, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("credentials were looked for before the region was known")

    monkeypatch.setattr(_module, "CredentialChain", boom)
    r = run(secret_id=None, secret_key=None, region=None)
    assert r.failed and r.msg.startswith("No region given")
    r = run(region="Guangzhou")
    assert r.failed and r.msg == "region must look like ap-guangzhou (got 'Guangzhou')."


def test_region_from_the_profile_configure_file(run, no_machine_credentials):
    write_json(no_machine_credentials / ".tccli" / "default.configure", {"_sys_param": {"region": "ap-beijing"}})
    r = run(region=None, network_interface_ids=[eni_id(1)])
    assert not r.failed and r.ids == [eni_id(1)]
    assert r.session.regions == ["ap-beijing"]


# ================================================================== secrets


@pytest.mark.parametrize("scenario", ["ok", "api_error", "half_key"])
def test_the_secret_key_and_token_never_appear_in_a_result(run, vpc, version, scenario):
    params = {"security_token": TOKEN, "vpc_id": VPC_A}
    if scenario == "api_error":
        vpc.fail = P.v3_error("AuthFailure.TokenFailure", "bad token") if version == "3.0" else P.v2_error("", 4105)
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
    r = run(filters={"subnet-id": ["subnet-00000000", "subnet-00000001"], "is-primary": False, "tag:team": "web"})
    if version == "2.0":
        assert r.failed and "The filters option needs API 3.0" in r.msg and r.session.calls == []
        return
    assert not r.failed
    assert r.ids == [e["id"] for e in world() if e["subnet"] in ("subnet-00000000", "subnet-00000001") and not e["primary"]
                     and e["tags"].get("team") == "web"]
    assert r.ids
    sent = {f["Name"]: f["Values"] for f in r.session.calls[0]["Filters"]}
    assert sent == {"subnet-id": ["subnet-00000000", "subnet-00000001"], "is-primary": ["false"], "tag:team": ["web"]}


def test_an_unknown_filter_name_fails_before_any_call(run):
    r = run(api_version="3.0", filters={"instance-state": "RUNNING"})
    assert r.failed and r.session.calls == []
    assert r.msg.startswith("DescribeNetworkInterfaces has no filter instance-state: use one of vpc-id, subnet-id")
    assert "address-ip" in r.msg and "tag:<key>" in r.msg


def test_a_filter_value_of_the_wrong_type_fails_before_any_call(run):
    r = run(api_version="3.0", filters={"vpc-id": {"a": 1}})
    assert r.failed and r.session.calls == [] and "The value of filter vpc-id must be a string" in r.msg


def test_ids_with_filters_become_a_network_interface_id_filter(run, version):
    if version == "2.0":
        pytest.skip("filters are API 3.0's")
    r = run(network_interface_ids=[eni_id(n) for n in range(12)] + [eni_id(99999)], filters={"vpc-id": VPC_B})
    assert not r.failed and r.ids == [eni_id(n) for n in range(1, 12, 2)]
    assert all("NetworkInterfaceIds" not in c for c in r.session.calls)
    asked = [{f["Name"]: f["Values"] for f in c["Filters"]} for c in r.session.calls]
    assert [len(a["network-interface-id"]) for a in asked] == [5, 5, 3] and all(a["vpc-id"] == [VPC_B] for a in asked)


def test_an_option_and_a_filter_of_the_same_name_both_hold(run, version):
    if version == "2.0":
        pytest.skip("filters are API 3.0's")
    r = run(vpc_id=VPC_A, filters={"vpc-id": [VPC_A, VPC_B], "network-interface-name": "web-3"})
    assert not r.failed and r.ids == [e["id"] for e in world() if e["vpc"] == VPC_A and e["name"] == "web-3"] and r.ids
