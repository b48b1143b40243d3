# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and bad input, one list for two tests: each case must fail with one clear sentence and
make no API call. test_hostile_input.py (units) runs every case through main(); the reliability
test tests/reliability/test_hostile.py runs a sample of them (RELIABILITY_SAMPLE) through real
ansible-playbook -vvv, where the secret scan also reads the invocation echoes.
"""

from __future__ import annotations

import re

GOOD = {"network_interface_id": "eni-free0001", "instance_id": "ins-run00001"}
ENI_MSG = r"network_interface_id must be eni- followed by 8 lowercase letters or digits"
INS_MSG = r"instance_id must be ins- followed by 8 lowercase letters or digits"

# (case, module, args replacing GOOD's, expected message pattern)
CASES = [
    ("eni-empty", "qcloud_eni_attach", {"network_interface_id": ""}, ENI_MSG),
    ("eni-too-long", "qcloud_eni_attach", {"network_interface_id": "eni-" + "a" * 300}, ENI_MSG),
    ("eni-wrong-prefix", "qcloud_eni_attach", {"network_interface_id": "vpc-gz000001"}, ENI_MSG),
    ("eni-upper-case", "qcloud_eni_attach", {"network_interface_id": "ENI-FREE0001"}, ENI_MSG),
    ("eni-upper-body", "qcloud_eni_attach", {"network_interface_id": "eni-FREE0001"}, ENI_MSG),
    ("eni-unicode", "qcloud_eni_attach", {"network_interface_id": "eni-frée0001"}, ENI_MSG),
    ("eni-unicode-digits", "qcloud_eni_attach", {"network_interface_id": "eni-free０００1"}, ENI_MSG),
    ("eni-leading-space", "qcloud_eni_attach", {"network_interface_id": " eni-free0001"}, ENI_MSG),
    ("eni-trailing-newline", "qcloud_eni_attach", {"network_interface_id": "eni-free0001\n"}, ENI_MSG),
    ("eni-tab", "qcloud_eni_attach", {"network_interface_id": "eni-free\t0001"}, ENI_MSG),
    ("eni-query-injection", "qcloud_eni_attach", {"network_interface_id": "eni-abc&Action=DetachNetworkInterface"}, ENI_MSG),
    ("eni-path-traversal", "qcloud_eni_attach", {"network_interface_id": "../eni-free0001"}, ENI_MSG),
    ("eni-newline-injection", "qcloud_eni_attach", {"network_interface_id": "eni-free0001\nX-TC-Action: DetachNetworkInterface"}, ENI_MSG),
    ("eni-list-separator", "qcloud_eni_attach", {"network_interface_id": "eni-free0001,eni-free0002"}, ENI_MSG),
    ("eni-semicolon", "qcloud_eni_attach", {"network_interface_id": "eni-free0001;reboot"}, ENI_MSG),
    ("eni-json-fragment", "qcloud_eni_attach", {"network_interface_id": "eni-free0001\",\"InstanceId\":\"ins-run00002"}, ENI_MSG),
    ("eni-wrong-type-list", "qcloud_eni_attach", {"network_interface_id": ["eni-free0001"]}, r"network_interface_id"),
    ("eni-wrong-type-dict", "qcloud_eni_attach", {"network_interface_id": {"id": "eni-free0001"}}, r"network_interface_id"),
    ("ins-empty", "qcloud_eni_attach", {"instance_id": ""}, INS_MSG),
    ("ins-upper", "qcloud_eni_attach", {"instance_id": "INS-RUN00001"}, INS_MSG),
    ("ins-newline", "qcloud_eni_attach", {"instance_id": "ins-run00001\nins-run00002"}, INS_MSG),
    ("ins-path-traversal", "qcloud_eni_attach", {"instance_id": "ins-run0001/../x"}, INS_MSG),
    ("eni-path-traversal-etc", "qcloud_eni_attach", {"network_interface_id": "../etc/passwd"}, ENI_MSG),
    ("vpc-short", "qcloud_eni_attach", {"vpc_id": "vpc-gz00001"}, r"vpc_id must be vpc- followed by 8"),
    ("vpc-newline", "qcloud_eni_attach", {"vpc_id": "vpc-gz000001\n"}, r"vpc_id must be vpc- followed by 8"),
    ("region-injection", "qcloud_eni_attach", {"region": "ap-guangzhou&Action=DetachNetworkInterface"}, r"region must look like ap-guangzhou"),
    ("ins-query-injection", "qcloud_eni_attach", {"instance_id": "ins-run00001&InstanceId=ins-run00002"}, INS_MSG),
    ("vpc-separator", "qcloud_eni_attach", {"vpc_id": "vpc_gz000001"}, r"vpc_id must be vpc- followed by 8"),
    ("state-unknown", "qcloud_eni_attach", {"state": "attached"}, r"value of state must be one of: present, absent"),
    ("force-not-bool", "qcloud_eni_attach", {"force": "maybe"}, r"force.*(bool|boolean)"),
    ("wait-timeout-text", "qcloud_eni_attach", {"wait_timeout": "soon"}, r"wait_timeout.*int"),
    ("wait-timeout-zero", "qcloud_eni_attach", {"wait_timeout": 0}, r"wait_timeout must be greater than 0"),
    ("wait-timeout-negative", "qcloud_eni_attach", {"wait_timeout": -30}, r"wait_timeout must be greater than 0"),
    ("api-timeout-zero", "qcloud_eni_attach", {"api_timeout": 0}, r"api_timeout must be greater than 0"),
    ("api-retries-negative", "qcloud_eni_attach", {"api_retries": -1}, r"api_retries must be 0 or more"),
    ("unknown-option", "qcloud_eni_attach", {"instance": "ins-run00001"}, r"Unsupported parameters .*: instance\."),
    ("endpoint-not-url", "qcloud_eni_attach", {"api_endpoint": "not a url"}, r"api_endpoint must be an http\(s\) URL"),
    ("endpoint-ftp", "qcloud_eni_attach", {"api_endpoint": "ftp://vpc.tencentcloudapi.com"}, r"api_endpoint must be an http\(s\) URL"),
    ("endpoint-no-host", "qcloud_eni_attach", {"api_endpoint": "https://"}, r"api_endpoint must be an http\(s\) URL"),
    ("endpoint-space", "qcloud_eni_attach", {"api_endpoint": "https://vpc.tencent cloudapi.com"}, r"api_endpoint must be an http\(s\) URL"),
    ("region-space", "qcloud_eni_attach", {"region": "ap guangzhou"}, r"region must look like ap-guangzhou"),
    ("region-upper", "qcloud_eni_attach", {"region": "AP-GUANGZHOU"}, r"region must look like ap-guangzhou"),
    ("region-newline", "qcloud_eni_attach", {"region": "ap-guangzhou\n"}, r"region must look like ap-guangzhou"),
    ("present-without-instance", "qcloud_eni_attach", {"instance_id": None}, r"has state=present but no instance_id: give the instance to attach it to"),
    ("v2-without-vpc", "qcloud_eni_attach", {"api_version": "2.0"}, r"has no vpc_id, which api_version 2\.0 needs: add vpc_id, or use api_version 3\.0"),
    ("v2-attach-type", "qcloud_eni_attach", {"api_version": "2.0", "vpc_id": "vpc-gz000001", "attach_type": "extended"},
     r"attach_type is an API 3\.0 option"),
    ("api-version-unknown", "qcloud_eni_attach", {"api_version": "4.0"}, r"value of api_version must be one of: 3\.0, 2\.0"),
    ("info-bad-id", "qcloud_eni_info", {"network_interface_ids": ["eni-free0001", "eni-abc&Action=x"]},
     r"network_interface_ids must be eni- followed by 8"),
    ("info-newline-id", "qcloud_eni_info", {"network_interface_ids": ["eni-free0001\n"]}, r"network_interface_ids must be eni- followed by 8"),
    ("info-bad-vpc", "qcloud_eni_info", {"vpc_id": "../vpc"}, r"vpc_id must be vpc- followed by 8"),
    ("info-bad-instance", "qcloud_eni_info", {"instance_id": "ins-RUN00001"}, r"instance_id must be ins- followed by 8"),
    ("info-region-space", "qcloud_eni_info", {"region": "ap guangzhou"}, r"region must look like ap-guangzhou"),
    ("info-endpoint", "qcloud_eni_info", {"api_endpoint": "vpc.tencentcloudapi.com"}, r"api_endpoint must be an http\(s\) URL"),
    ("info-unknown-option", "qcloud_eni_info", {"ids": ["eni-free0001"]}, r"Unsupported parameters .*: ids\."),
    ("info-tag-not-string", "qcloud_eni_info", {"tags": {"env": 1}}, r"Tag 'env' cannot be set: its value is a int"),
    ("info-tags-v2", "qcloud_eni_info", {"tags": {"env": "prod"}, "api_version": "2.0"}, r"The tags filter needs API 3\.0"),
    # qcloud_eni: names, descriptions, addresses, groups and tags (more cases in the unit tests)
    ("eni-name-newline", "qcloud_eni", {"name": "web-1\nX-TC-Action: DeleteNetworkInterface"}, r"The option name has the control character '\\n'"),
    ("eni-name-escape", "qcloud_eni", {"name": "web\x1b[31m"}, r"The option name has the control character"),
    ("eni-name-bidi", "qcloud_eni", {"name": "web\u202e1"}, r"The option name has the control character"),
    ("eni-name-too-long", "qcloud_eni", {"name": "n" * 300}, r"The option name is 300 bytes long, more than the 60"),
    ("eni-description-tab", "qcloud_eni", {"description": "a\tb"}, r"The option description has the control character"),
    ("eni-address-not-ipv4", "qcloud_eni", {"private_ip_addresses": ["10.0.1.256"]}, r"which is not an IPv4 address"),
    ("eni-address-newline", "qcloud_eni", {"private_ip_addresses": ["10.0.1.5\n"]}, r"which is not an IPv4 address"),
    ("eni-address-injection", "qcloud_eni", {"private_ip_addresses": ["10.0.1.5\",\"Primary\":true"]}, r"which is not an IPv4 address"),
    ("eni-group-bad-id", "qcloud_eni", {"security_group_ids": ["sg-web00001;x"]}, r"security_group_ids must be sg- followed by 8"),
    ("eni-tag-int", "qcloud_eni", {"tags": {"env": 1}}, r"Tag 'env' cannot be set: its value is a int, not a string"),
    ("eni-tag-key-newline", "qcloud_eni", {"tags": {"a\nb": "v"}}, r"its key has the character '\\n'"),
    ("eni-tag-value-control", "qcloud_eni", {"tags": {"k": "v\x07"}}, r"its value has the character"),
    ("eni-tag-reserved", "qcloud_eni", {"tags": {"tencent:owner": "x"}}, r"reserved"),
    ("eni-api-v2", "qcloud_eni", {"api_version": "2.0"}, r"speaks only Tencent Cloud API 3\.0"),
]


ENI_GOOD = {"name": "hostile-target", "subnet_id": "subnet-gz3a0001"}


# One case of each kind for the real ansible-playbook run: each module, an injection through a
# query, a header and JSON, unicode and control characters, wrong types, options ansible-core
# itself refuses, and each rule of the modules' own.
RELIABILITY_SAMPLE = (
    "eni-unicode-digits", "eni-query-injection", "eni-newline-injection", "eni-json-fragment", "eni-wrong-type-dict",
    "ins-newline", "state-unknown", "force-not-bool", "unknown-option", "endpoint-space", "region-newline",
    "present-without-instance", "v2-without-vpc", "info-bad-id", "info-tags-v2", "eni-name-bidi", "eni-name-too-long",
    "eni-address-injection", "eni-tag-key-newline", "eni-api-v2",
)


def args_of(module, extra):
    """The module's arguments of a case: the good ones of the module, ``extra`` over them (None removes)."""
    base = dict({"qcloud_eni_attach": GOOD, "qcloud_eni": ENI_GOOD}.get(module, {}))
    for key, value in extra.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


def check_refused(result, extra, pattern):
    """A case's result: failed, with one sentence matching ``pattern``, no raw control character, a
    long value never echoed whole, nothing changed."""
    assert result.get("failed"), "accepted: %r" % (extra,)
    msg = result["msg"]
    assert re.search(pattern, msg), msg
    assert "\n" not in msg and "\r" not in msg, "the message carries a raw control character: %r" % msg
    assert len(msg) < 1200
    for value in extra.values():
        if isinstance(value, str) and len(value) > 60:
            assert value not in msg
    assert result.get("changed") is False or "changed" not in result
    # ansible-core 2.19+ adds this to every failure without a traceback
    assert result.get("exception") in (None, "(traceback unavailable)")
