# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils._credentials import resolve_credentials, resolve_region
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudError

ENV = {"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "envkey"}


def test_options_win_over_the_environment():
    creds = resolve_credentials({"secret_id": "AKIDopt", "secret_key": "optkey", "security_token": "t"}, ENV)
    assert (creds.secret_id, creds.secret_key, creds.token, creds.source) == ("AKIDopt", "optkey", "t", "module options")


def test_environment_with_either_token_variable():
    creds = resolve_credentials({}, dict(ENV, TENCENTCLOUD_TOKEN="tok"))
    assert (creds.secret_id, creds.token, creds.source) == ("AKIDenv", "tok", "environment (TENCENTCLOUD_SECRET_ID)")
    creds = resolve_credentials({}, dict(ENV, TENCENTCLOUD_SECURITY_TOKEN="first", TENCENTCLOUD_TOKEN="second"))
    assert creds.token == "first"
    assert resolve_credentials({}, ENV).token is None


@pytest.mark.parametrize(
    "params,environ,needle",
    [
        ({"secret_id": "AKIDopt"}, ENV, "secret_key"),
        ({"secret_key": "optkey"}, ENV, "secret_id"),
        ({}, {"TENCENTCLOUD_SECRET_ID": "AKIDenv"}, "TENCENTCLOUD_SECRET_KEY"),
        ({}, {"TENCENTCLOUD_SECRET_KEY": "envkey"}, "TENCENTCLOUD_SECRET_ID"),
        ({}, {}, "No Tencent Cloud credentials"),
    ],
)
def test_incomplete_or_missing_keys_fail_clearly(params, environ, needle):
    with pytest.raises(QcloudError) as info:
        resolve_credentials(params, environ)
    assert needle in info.value.msg
    assert "optkey" not in info.value.msg and "envkey" not in info.value.msg


def test_region_from_options_then_environment():
    assert resolve_region({"region": "ap-beijing"}, {"TENCENTCLOUD_REGION": "ap-guangzhou"}) == "ap-beijing"
    assert resolve_region({}, {"TENCENTCLOUD_REGION": "ap-guangzhou"}) == "ap-guangzhou"
    with pytest.raises(QcloudError) as info:
        resolve_region({}, {})
    assert "TENCENTCLOUD_REGION" in info.value.msg
