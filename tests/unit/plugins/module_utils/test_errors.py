# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import string

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _errors as E

FULL_CONTEXT = {
    "action": "AttachNetworkInterface",
    "message": "the API's own words",
    "endpoint": "https://vpc.tencentcloudapi.com",
    "timeout": 30.0,
    "credential_source": "module options",
    "secret_id": "AKIDexample",
    "region": "ap-guangzhou",
    "eni": "eni-m6dyj72l",
    "instance": "ins-xx44545f",
    "instance_state": "TERMINATING",
    "vpc": "vpc-7t9nf3pu",
    "eni_vpc": "vpc-other001",
    "eni_zone": "ap-guangzhou-3",
    "endpoint_option": "api_endpoint",
    "instance_vpc": "vpc-other002",
    "instance_zone": "ap-guangzhou-4",
    "holder": "ins-holder01",
    "task_id": "16284",
    "output": "instance is busy",
    "status": "RUNNING",
    "wait_timeout": 300,
    "role_arn": "qcs::cam::uin/100000000001:roleName/ansible-deployer",
    # qcloud_eni
    "subnet": "subnet-gz3a0001",
    "eni_subnet": "subnet-gz4a0001",
    "name": "web-1-eth1",
    "count": 2,
    "ids": "eni-aaaa0001, eni-bbbb0002",
    "groups": "sg-nope0001",
    "option": "private_ip_addresses",
    "options": "tags",
    "value": "'10.0.1.256'",
    "length": 61,
    "unit": "bytes",
    "limit": 60,
    "tag": "'owner'",
    "why": "its value is a int, not a string (quote it)",
    "module": "tencent.qcloud.qcloud_eni",
    "state": "absent",
    "primary": "10.0.1.40",
    "failure": "Tencent Cloud refused AssignPrivateIpAddresses for a quota (the API's own words): ask for fewer addresses",
    # the CVM API and the inventory plugin
    "filter": "tag:env",
    "problem": "prefix is a list",
    "known": "vpc-id, subnet-id, address-ip",
    "what": "qcloud_cvm_info",
    # the list form (attachments)
    "index": 3,
    "first_index": 0,
    "target": "ins-xx44545f",
    "failed": 2,
    "total": 50,
    "first_msg": "Task 16284 (AttachNetworkInterface) failed (instance is busy): check the instance and the ENI, then run again.",
    # reads that lag behind writes (Module.ReadLag)
    "task_outcome": "succeeded",
    "shown": "detached",
}
# qcloud_eni_guest (inside the instance)
FULL_CONTEXT.update({  # credentials (_credentials.py)
    "given": "TENCENTCLOUD_SECRET_ID",
    "missing": "TENCENTCLOUD_SECRET_KEY",
    "profile": "work",
    "type": "sso",
    "login": "tccli sso login --profile work",
    "when": "2023-11-14 22:12:20 UTC",
    "looked": "module options; environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY)",
    "role": "cvm-deployer",
    "cause": "Role qcs::cam::uin/100000000001:roleName/ansible-deployer does not exist: check role_arn.",
    # the shared options and ids (_connection.py, _module.py)
    "example": "https://vpc.tencentcloudapi.com",
    "prefix": "eni",
    "wanted": "detached",
})
FULL_CONTEXT.update({
    "reason": "timed out",
    "path": "network/interfaces/macs/",
    "mac": "20:90:6f:12:34:56",
    "macs": "20:90:6f:00:00:01, 20:90:6f:12:34:56",
    "other": "20:90:6f:00:00:02",
    "command": "ip rule add from 10.0.3.5 lookup 1001 priority 1000 protocol 245",
    "table": 1001,
    "routes": "10.0.2.0/24 dev eth1",
    "root": "/",
    "release": "3.10.0-1160.el7.x86_64",
    "priority": 32766,
})

# Every error code Tencent documents for the four VPC actions and the common ones, in API 3.0 and 2.0.
DOCUMENTED_V3 = [
    # AttachNetworkInterface / DetachNetworkInterface
    "ResourceNotFound",
    "InvalidParameterValue.Malformed",
    "LimitExceeded",
    "LimitExceeded.ActionLimited",
    "UnsupportedOperation.AttachmentAlreadyExists",
    "UnsupportedOperation.InvalidState",
    "UnsupportedOperation.ResourceIsInvalidState",
    "UnsupportedOperation.UnsupportedInstanceFamily",
    "UnsupportedOperation.VpcMismatch",
    "UnsupportedOperation.ZoneMismatch",
    "UnsupportedOperation.IdempotentParameterMismatch",
    "UnsupportedOperation.IdempotentProcessing",
    "UnsupportedOperation.MutexOperationTaskRunning",
    "InternalError.ModuleError",
    "UnsupportedOperation.InstanceAssociateHavip",
    # DescribeNetworkInterfaces
    "InvalidParameter.Coexist",
    # common
    "AuthFailure.SignatureFailure",
    "AuthFailure.SignatureExpire",
    "AuthFailure.SecretIdNotFound",
    "AuthFailure.TokenFailure",
    "AuthFailure.UnauthorizedOperation",
    "UnauthorizedOperation",
    "RequestLimitExceeded",
    "RequestLimitExceeded.UinLimitExceeded",
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
    "InternalError",
    "InvalidParameter",
    "InvalidParameterValue",
    "MissingParameter",
    "UnknownParameter",
    "ResourceInUse",
    "ResourceUnavailable",
    "UnsupportedRegion",
    "InvalidAction",
]
DOCUMENTED_V2_CODE_DESC = [
    # the spec's four
    "InvalidVpc.NotFound",
    "InvalidNetworkInterface.NotFound",
    "InvalidInstance.NotFound",
    "InvalidNetworkInterface.AlreadyAssociated",
    # DetachNetworkInterface
    "InvalidNetworkInterface.NotAttached",
]
DOCUMENTED_V2_NUMERIC = ["4000", "4100", "4101", "4102", "4103", "4104", "4105", "4300", "4400", "4500", "4600",
                         "5000", "5100", "6000", "6100", "6200"]
CLIENT_CODES = [E.CLIENT_NETWORK, E.CLIENT_TIMEOUT, E.CLIENT_TLS, E.CLIENT_HTTP, E.CLIENT_HTTP_RETRY,
                E.CLIENT_BAD_RESPONSE]


def assert_every(codes, check):
    """check(code) for every code, and one failure naming each code that failed and why: a list of
    codes is one test, not one per code (ansible-test forks a process per test, and these lists hold
    hundreds of codes)."""
    bad = []
    for code in codes:
        try:
            check(code)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            bad.append("%s: %r" % (code, exc))
    assert not bad, "\n".join(bad)


def test_every_documented_code_has_its_own_entry():
    def check(code):
        assert code in E.CATALOGUE

    assert_every(DOCUMENTED_V3 + DOCUMENTED_V2_CODE_DESC + DOCUMENTED_V2_NUMERIC + CLIENT_CODES, check)


def test_every_entry_formats_with_an_empty_context():
    def check(code):
        text = E.sentence(code, {})
        assert text and "{" not in text and "}" not in text

    assert_every(sorted(E.CATALOGUE), check)


def test_every_entry_formats_with_a_full_context():
    def check(code):
        text = E.sentence(code, FULL_CONTEXT)
        assert "(unknown)" not in text
        assert "{" not in text and "}" not in text

    assert_every(sorted(E.CATALOGUE), check)


def test_every_entry_only_uses_fields_a_caller_can_give():
    def check(code):
        fields = {name for dummy, name, dummy2, dummy3 in string.Formatter().parse(E.CATALOGUE[code].sentence) if name}
        assert fields <= set(FULL_CONTEXT) | {"code"}

    assert_every(sorted(E.CATALOGUE), check)


def test_every_entry_is_a_sentence():
    def check(code):
        text = E.sentence(code, FULL_CONTEXT)
        # an option's own sentence starts with its name, as the user wrote it
        assert text[0].isupper() or text.startswith(("https://", "secret_id", "role_duration", "ca_bundle", "attach_type",
                                                     "tccli", FULL_CONTEXT["option"], FULL_CONTEXT["path"])), text
        assert text.endswith("."), text

    assert_every(sorted(E.CATALOGUE), check)


def test_none_and_empty_context_values_count_as_unknown():
    text = E.sentence("InvalidNetworkInterface.NotFound", {"eni": None, "region": ""})
    assert text == "ENI (unknown) was not found in region (unknown): check network_interface_id and region."


@pytest.mark.parametrize(
    "code,family",
    [
        ("RequestLimitExceeded.Foo", "RequestLimitExceeded"),
        ("RequestLimitExceeded.Foo.Bar", "RequestLimitExceeded"),
        ("AuthFailure.Whatever", "AuthFailure"),
        ("UnsupportedOperation.NewRule", "UnsupportedOperation"),
        ("InternalError.Other", "InternalError"),
        ("LimitExceeded.SubnetIpLimit", "LimitExceeded"),
        ("InvalidParameterValue.SomethingNew", "InvalidParameterValue"),
    ],
)
def test_family_fallback(code, family):
    assert E.lookup(code) is E.CATALOGUE[family]
    assert E.lookup(code).retry == E.CATALOGUE[family].retry


def test_request_limit_family_is_retryable():
    assert E.lookup("RequestLimitExceeded.Foo").retry


def test_unknown_codes_give_the_generic_sentence():
    def check(code):
        assert E.lookup(code) is E._UNKNOWN
        assert not E.lookup(code).retry
        text = E.sentence(code, {"action": "AttachNetworkInterface", "message": "it broke"})
        assert text == "Tencent Cloud answered %s to AttachNetworkInterface (it broke)." % code

    assert_every(["Totally.Unknown", "Weird", "9999", "Weird.Family.Member"], check)


def test_no_code_at_all_is_unknown_and_not_retried():
    def check(code):
        assert E.lookup(code) is E._UNKNOWN
        assert not E.lookup(code).retry

    assert_every(["", None], check)


def test_throttling_busy_server_and_network_errors_are_retried():
    def check(code):
        assert E.lookup(code).retry

    codes = [
        "RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
        "LimitExceeded.ActionLimited", "UnsupportedOperation.MutexOperationTaskRunning",
        "UnsupportedOperation.IdempotentProcessing", "ResourceUnavailable", "ServiceUnavailable", "InternalServerError",
        "RequestLimitExceeded.IPLimitExceeded", "InvalidParameter.OverLimit", "FailedOperation.NetDetectTimeOut",
        "InternalError", "InternalError.ModuleError", "4400", "5100", "6000", "6200",
        E.CLIENT_NETWORK, E.CLIENT_TIMEOUT, E.CLIENT_HTTP_RETRY, E.CLIENT_BAD_RESPONSE,
    ]
    assert_every(codes, check)


def test_quota_auth_and_validation_errors_are_not_retried():
    def check(code):
        assert not E.lookup(code).retry

    codes = [
        "LimitExceeded",  # the ENI quota of an instance: retrying never helps
        "ResourceInUse",  # an address in use (Create, Assign), an attached ENI (Delete)
        "AuthFailure", "AuthFailure.SignatureFailure", "AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound",
        "AuthFailure.TokenFailure", "AuthFailure.UnauthorizedOperation", "UnauthorizedOperation",
        "InvalidParameter", "InvalidParameter.Coexist", "InvalidParameterValue", "InvalidParameterValue.Malformed",
        "MissingParameter", "UnknownParameter", "InvalidAction", "UnsupportedRegion", "ResourceNotFound",
        "UnsupportedOperation.AttachmentAlreadyExists", "UnsupportedOperation.IdempotentParameterMismatch",
        "UnsupportedOperation.VpcMismatch", "UnsupportedOperation.ZoneMismatch",
        "InvalidVpc.NotFound", "InvalidNetworkInterface.NotFound", "InvalidInstance.NotFound",
        "InvalidNetworkInterface.AlreadyAssociated", "InvalidNetworkInterface.NotAttached",
        "4000", "4100", "4101", "4102", "4103", "4104", "4105", "4300", "4500", "4600", "5000", "6100",
        E.CLIENT_TLS, E.CLIENT_HTTP,
    ]
    assert_every(codes, check)


def test_module_decisions_are_not_retryable_and_have_sentences():
    for code in (E.MODULE_ENI_NOT_FOUND, E.MODULE_ATTACHED_ELSEWHERE, E.MODULE_PRIMARY_ENI, E.MODULE_VPC_MISMATCH,
                 E.MODULE_TASK_FAILED, E.MODULE_TASK_TIMEOUT, E.MODULE_SETTLE_TIMEOUT, E.MODULE_NO_CONVERGENCE):
        assert code in E.CATALOGUE and not E.lookup(code).retry


def test_explain_fills_action_and_message_from_the_error():
    err = E.QcloudApiError("InvalidParameterValue", "NetworkInterfaceId is bad", "AttachNetworkInterface", "rid-1")
    text = E.explain(err, {"region": "ap-guangzhou"})
    assert text == ("Tencent Cloud rejected a value of AttachNetworkInterface (NetworkInterfaceId is bad): "
                    "check the task's options.")


def test_explain_without_a_message_says_so():
    err = E.QcloudApiError("InvalidParameter", "", "DescribeNetworkInterfaces")
    assert "(no message)" in E.explain(err)


def test_explain_names_holder_vpc_and_zone_from_context():
    err = E.QcloudApiError("UnsupportedOperation.ZoneMismatch", "zone", "AttachNetworkInterface")
    text = E.explain(err, FULL_CONTEXT)
    assert "eni-m6dyj72l" in text and "ap-guangzhou-3" in text and "ins-xx44545f" in text


def test_api_error_str_and_result():
    err = E.QcloudApiError("ResourceNotFound", "not there", "DescribeNetworkInterfaces", "rid-2", http_status=200)
    assert str(err) == "ResourceNotFound: not there"
    assert err.code == "ResourceNotFound" and err.msg == "ResourceNotFound: not there"
    assert err.to_result() == {"code": "ResourceNotFound", "message": "not there", "request_id": "rid-2",
                               "action": "DescribeNetworkInterfaces"}
    assert isinstance(err, E.QcloudError)


def test_resource_in_use_is_neither_retried_nor_waited_out():
    # Create and Assign answer it for an address in use, Delete for an attached ENI: no retry changes either
    assert not E.lookup("ResourceInUse").retry and not E.lookup("ResourceInUse").busy
    text = E.sentence("ResourceInUse", FULL_CONTEXT)
    assert "subnet-gz3a0001" in text and "detach" in text
    assert E.lookup("UnsupportedOperation.MutexOperationTaskRunning").busy


# --- every code Tencent documents for the actions the collection calls -----------------------------
# The simulator's data (tests/simulator/qcloud_sim/documented_errors.json: per action, the Go SDK's
# list; and the common codes), read by a path relative to this file: the ansible-test copy of the
# collection (hack/copy_collection.sh) holds tests/simulator too.
DOCUMENTED_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "simulator", "qcloud_sim",
                               "documented_errors.json")
with open(DOCUMENTED_JSON, encoding="utf-8") as _fh:
    _DOCUMENTED = json.load(_fh)
ACTION_CODES = sorted({code for item in _DOCUMENTED["actions"].values() for code in item["codes"]})
COMMON_CODES = sorted(_DOCUMENTED["common"])
# Codes whose family's entry is right for them (AssumeRole's internal errors: "run again")
FAMILY_IS_RIGHT = {
    "InternalError.DbError", "InternalError.EncryptError", "InternalError.GetAppIdError",
    "InternalError.GetSeedTokenError", "InternalError.PbSerializeError", "InternalError.SystemError",
    "InternalError.UnknownError",
}
THROTTLING = {"LimitExceeded.ActionLimited", "InvalidParameter.OverLimit"}
# internal errors that name a cause no retry changes (AssumeRole: the role cannot be read or assumed)
NOT_TRANSIENT = {"InternalError.GetRoleError", "InternalError.IllegalRole"}


def test_the_collection_calls_the_actions_of_the_lists():
    assert set(_DOCUMENTED["actions"]) >= {"AttachNetworkInterface", "DetachNetworkInterface", "DescribeNetworkInterfaces",
                                           "DescribeVpcTaskResult", "CreateNetworkInterface", "AssumeRole",
                                           "DescribeInstances", "ModifyResourceTags"}
    assert len(ACTION_CODES) > 100 and "RequestLimitExceeded" in COMMON_CODES


def test_no_documented_code_falls_through_to_the_generic_sentence():
    def check(code):
        entry = E.lookup(code)
        assert entry is not E._UNKNOWN, code
        assert code in E.CATALOGUE or code in FAMILY_IS_RIGHT, "%s falls back to its family's sentence: %s" % (code, entry.sentence)

    assert_every(ACTION_CODES + COMMON_CODES, check)


def test_every_documented_code_has_the_right_decision():
    def check(code):
        entry = E.lookup(code)
        family = code.split(".")[0]
        if code in NOT_TRANSIENT:
            assert not entry.retry, code
        elif code in THROTTLING or family in ("RequestLimitExceeded", "InternalError", "InternalServerError",
                                              "ServiceUnavailable"):
            assert entry.retry, code
        elif family in ("AuthFailure", "UnauthorizedOperation", "InvalidParameter", "InvalidParameterValue",
                        "MissingParameter", "UnknownParameter", "LimitExceeded", "ResourceInUse", "ResourceNotFound",
                        "InvalidFilter", "InvalidFilterValue") or code.endswith(".Malformed"):
            assert not entry.retry and not entry.busy, code  # quota, auth, validation: a retry never helps
        if entry.busy:
            assert code in ("UnsupportedOperation.MutexOperationTaskRunning", "UnsupportedOperation.IdempotentProcessing"), code

    assert_every(ACTION_CODES + COMMON_CODES, check)


def test_codes_no_action_of_ours_documents_have_no_entry():
    def check(code):
        assert code not in E.CATALOGUE

    codes = ["ResourceBusy", "LimitExceeded.PrivateIpAddressLimitExceeded", "LimitExceeded.EniPrivateIpLimit",
             "ResourceInUse.Address", "UnsupportedOperation.PrimaryIp", "InvalidParameterValue.Duplicate"]
    assert_every(codes, check)


def test_a_secret_id_is_shown_masked_in_every_sentence():
    secret_id = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
    for code in ("AuthFailure.SecretIdNotFound", "AuthFailure.InvalidSecretId", "4104"):
        text = E.sentence(code, dict(FULL_CONTEXT, secret_id=secret_id))
        assert "AKID****MPLE" in text and secret_id not in text
        err = E.QcloudApiError(code, "unknown key", "DescribeNetworkInterfaces", region="ap-guangzhou")
        assert secret_id not in E.with_code(err, {"secret_id": secret_id}) and "AKID****MPLE" in E.explain(err, {"secret_id": secret_id})
    assert E.masked("AKIDshort") == "****" and E.masked(None) == "****"
