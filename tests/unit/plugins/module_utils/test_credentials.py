# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The credential chain: each source, the order between them, temporary keys and their renewal.

HOME is a temporary directory passed through ``environ``; the system-wide SDK file is moved
under it too, and the metadata service and STS are fakes, so nothing of the machine is read.
"""

from __future__ import annotations

import functools
import json
import traceback
from typing import NamedTuple

import pytest
import requests

from ansible_collections.tencent.qcloud.plugins.module_utils import _client as C
from ansible_collections.tencent.qcloud.plugins.module_utils import _credentials as K
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudApiError, QcloudError
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.fakes import (
    METADATA_ROLE_PATH,
    FakeClock,
    FakeMetadata,
    ScriptedSession,
    TextResponse,
    cvm_keys,
    sts_answer,
    verify_v3_authorization,
)

ENV = {"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "ENV-secret-key-000"}
OPT = {"secret_id": "AKIDopt", "secret_key": "OPT-secret-key-000"}
ROLE_ARN = "qcs::cam::uin/100000000001:roleName/ansible-deployer"
WALL = 1700000000.0

# Every secret the tests hand out: none may show up in a message, a repr or a source.
SECRETS = (
    "ENV-secret-key-000", "OPT-secret-key-000", "OPT-token-000", "ENV-token-000", "TCCLI-secret-key-000",
    "TCCLI-token-000", "SDK-secret-key-000", "SDK-token-000", "ETC-secret-key-000", "CVM-tmp-SECRET", "CVM-tmp-TOKEN",
    "STS-tmp-SECRET", "STS-tmp-TOKEN",
)


def assert_no_secret(*texts):
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text), "%r leaks into %r" % (secret, text)


class Home(NamedTuple):
    path: object  # the HOME directory
    etc: object  # stands for /etc/tencentcloud/credentials

    def env(self, **extra):
        environ = {"HOME": str(self.path)}
        environ.update(extra)
        return environ

    def tccli(self, name="default", data=None, suffix="credential", raw=None):
        folder = self.path / ".tccli"
        folder.mkdir(exist_ok=True)
        target = folder / ("%s.%s" % (name, suffix))
        target.write_text(raw if raw is not None else json.dumps(data))
        return str(target)

    def configure(self, name="default", region="ap-shanghai"):
        return self.tccli(name, {"_sys_param": {"region": region, "output": "json"}, "cvm": {"version": "2017-03-12"}},
                          suffix="configure")

    def sdk(self, text, where="home"):
        target = self.path / ".tencentcloud" / "credentials" if where == "home" else self.etc
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text)
        return str(target)


TCCLI_KEYS = {"secretId": "AKIDtccli", "secretKey": "TCCLI-secret-key-000"}
SDK_INI = "[default]\nsecret_id = AKIDsdk\nsecret_key = SDK-secret-key-000\n"
ETC_INI = "[default]\nsecret_id = AKIDetc\nsecret_key = ETC-secret-key-000\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    folder.mkdir()
    etc = tmp_path / "etc" / "tencentcloud" / "credentials"
    monkeypatch.setattr(K, "SDK_FILES", ("~/.tencentcloud/credentials", str(etc)))
    return Home(folder, etc)


@pytest.fixture(autouse=True)
def fake_clock(monkeypatch):
    """Temporary keys from the chain judge their expiry by this clock (it starts at WALL)."""
    clock = FakeClock(wall=WALL)
    monkeypatch.setattr(K, "RefreshingCredentials", functools.partial(K.RefreshingCredentials, clock=clock.time))
    return clock


def no_role():
    return FakeMetadata(role=None)


def chain_of(params, environ, session=None):
    return K.CredentialChain(params, environ, session if session is not None else no_role())


def resolve(params, environ, session=None):
    return chain_of(params, environ, session).resolve()


def failure(params, environ, session=None):
    with pytest.raises(QcloudError) as info:
        resolve(params, environ, session)
    err = info.value
    assert_no_secret(err.msg, str(err), repr(err), "".join(traceback.format_exception(type(err), err, err.__traceback__)))
    return err


# ================================================================== module options and environment


def test_options_win_over_everything_else(home):
    home.tccli(data=TCCLI_KEYS)
    home.sdk(SDK_INI)
    session = FakeMetadata()
    creds = resolve(dict(OPT, security_token="OPT-token-000"), home.env(**ENV), session)
    assert (creds.secret_id, creds.secret_key, creds.token, creds.source) == (
        "AKIDopt", "OPT-secret-key-000", "OPT-token-000", "module options")
    assert session.gets == [] and session.posts == []


def test_environment_with_either_token_variable(home):
    creds = resolve({}, home.env(TENCENTCLOUD_TOKEN="ENV-token-000", **ENV))
    assert (creds.secret_id, creds.secret_key, creds.token, creds.source) == (
        "AKIDenv", "ENV-secret-key-000", "ENV-token-000", "environment (TENCENTCLOUD_SECRET_ID)")
    creds = resolve({}, home.env(TENCENTCLOUD_SECURITY_TOKEN="first", TENCENTCLOUD_TOKEN="second", **ENV))
    assert creds.token == "first"
    assert resolve({}, home.env(**ENV)).token is None


def test_environment_wins_over_tccli_sdk_file_and_cvm_role(home):
    home.tccli(data=TCCLI_KEYS)
    home.sdk(SDK_INI)
    session = FakeMetadata()
    assert resolve({}, home.env(**ENV), session).secret_id == "AKIDenv"
    assert session.gets == []


@pytest.mark.parametrize("given,missing", [({"secret_id": "AKIDopt"}, "secret_key"),
                                           ({"secret_key": "OPT-secret-key-000"}, "secret_id")])
def test_half_a_key_pair_in_options_fails_even_with_keys_in_the_environment(home, given, missing):
    # The environment's keys may belong to another account: never fall back to them.
    session = FakeMetadata()
    err = failure(given, home.env(**ENV), session)
    present = "secret_id" if missing == "secret_key" else "secret_key"
    assert err.msg == ("%s was given without %s: give both in the module options, or neither to use the "
                       "environment or a profile." % (present, missing))
    assert session.gets == []
    assert_no_secret(err.msg)


def test_keys_and_a_profile_option_together_fail(home):
    home.tccli("prod", {"secretId": "AKIDprof", "secretKey": "PROF-secret-000"})
    err = failure({"secret_id": "AKIDopt", "secret_key": "OPT-secret-key-000", "profile": "prod"}, home.env())
    assert err.msg == "secret_id and secret_key were given together with profile 'prod': give the keys or the profile, not both."


def test_the_profile_option_outranks_keys_in_the_environment(home):
    path = home.tccli("prod", {"secretId": "AKIDprof", "secretKey": "PROF-secret-000"})
    creds = resolve({"profile": "prod"}, home.env(**ENV))
    assert creds.secret_id == "AKIDprof"
    assert creds.source == "tccli profile prod (%s)" % path


def test_a_profile_named_by_the_environment_does_not_outrank_the_environment_keys(home):
    home.tccli("prod", {"secretId": "AKIDprof", "secretKey": "PROF-secret-000"})
    creds = resolve({}, home.env(TENCENTCLOUD_PROFILE="prod", **ENV))
    assert creds.secret_id == "AKIDenv"


def test_a_token_option_that_no_source_uses_fails(home):
    path = home.tccli("default", {"secretId": "AKIDprof", "secretKey": "PROF-secret-000"})
    err = failure({"security_token": "OPT-token-000"}, home.env())
    assert err.msg == ("security_token was given, but the keys came from tccli profile default (%s), which does not use it: "
                       "remove security_token or give the keys it belongs to." % path)


def test_a_token_option_goes_with_the_environment_keys(home):
    creds = resolve({"security_token": "OPT-token-000"}, home.env(**ENV))
    assert creds.secret_id == "AKIDenv" and creds.token == "OPT-token-000"


def test_a_session_name_without_a_role_fails(home):
    err = failure({"role_session_name": "deploy"}, home.env(**ENV))
    assert err.msg.startswith("role_session_name was given, but the keys came from environment (TENCENTCLOUD_SECRET_ID)")


def test_a_token_alone_is_not_a_source(home):
    chain = chain_of({"security_token": "OPT-token-000"}, home.env())
    with pytest.raises(QcloudError):
        chain.resolve()
    assert chain.looked[0] == "module options"


@pytest.mark.parametrize("var,other", [("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
                                       ("TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECRET_ID")])
def test_half_a_key_pair_in_the_environment_fails_before_any_call(home, var, other):
    # issue 17: it used to fall through to a profile (maybe of another account) and succeed
    home.tccli(data=TCCLI_KEYS)
    home.sdk(SDK_INI)
    session = FakeMetadata(role="cvm-deployer", keys=[cvm_keys(1, WALL + 3600)])
    err = failure({}, home.env(**{var: ENV[var]}), session)
    assert err.msg == ("The environment variable %s is set but %s is not: set both, or unset %s to use a profile "
                       "or another source." % (var, other, var))
    assert err.code == "Module.EnvironmentHalfKeys"  # the catalogue's sentence, listed in troubleshooting.md
    assert not session.gets and not session.posts


def test_half_a_key_pair_in_the_environment_is_not_reached_past_a_profile_option(home):
    home.tccli("work", data=TCCLI_KEYS)
    assert resolve({"profile": "work"}, home.env(TENCENTCLOUD_SECRET_ID="AKIDenv")).secret_id == "AKIDtccli"


# ================================================================== tccli profiles


def test_default_tccli_profile(home):
    path = home.tccli(data=dict(TCCLI_KEYS, token="TCCLI-token-000"))
    home.sdk(SDK_INI)
    creds = resolve({}, home.env())
    assert (creds.secret_id, creds.secret_key, creds.token) == ("AKIDtccli", "TCCLI-secret-key-000", "TCCLI-token-000")
    assert creds.source == "tccli profile default (%s)" % path


@pytest.mark.parametrize(
    "params,env,expected",
    [
        ({"profile": "prod"}, {"TENCENTCLOUD_PROFILE": "staging", "TCCLI_PROFILE": "dev"}, "prod"),
        ({}, {"TENCENTCLOUD_PROFILE": "staging", "TCCLI_PROFILE": "dev"}, "staging"),
        ({}, {"TCCLI_PROFILE": "dev"}, "dev"),
        ({}, {}, "default"),
    ],
)
def test_profile_option_then_environment_then_default(home, params, env, expected):
    for index, name in enumerate(("prod", "staging", "dev", "default")):
        home.tccli(name, {"secretId": "AKID%s" % name, "secretKey": "TCCLI-secret-key-000"})
    assert K.profile_name(params, env) == (expected, expected != "default")
    creds = resolve(params, home.env(**env))
    assert creds.secret_id == "AKID%s" % expected
    assert creds.source.startswith("tccli profile %s (" % expected)


@pytest.mark.parametrize("params,env", [({"profile": "prod"}, {}), ({}, {"TENCENTCLOUD_PROFILE": "prod"}),
                                        ({}, {"TCCLI_PROFILE": "prod"})])
def test_an_explicitly_named_missing_profile_is_an_error(home, params, env):
    home.tccli("default", TCCLI_KEYS)
    home.sdk(SDK_INI)  # a later source must not be used instead
    session = FakeMetadata()
    err = failure(params, home.env(**env), session)
    path = str(home.path / ".tccli" / "prod.credential")
    assert "tccli profile 'prod' was asked for" in err.msg and path in err.msg
    assert "tccli configure --profile prod" in err.msg
    assert session.gets == []


def test_a_missing_default_profile_falls_through_to_the_sdk_file(home):
    home.sdk(SDK_INI)
    chain = chain_of({}, home.env())
    assert chain.resolve().secret_id == "AKIDsdk"
    assert str(home.path / ".tccli" / "default.credential") in chain.looked


@pytest.mark.parametrize("data", [{"secretId": "AKIDtccli"}, {"secretKey": "TCCLI-secret-key-000"}, {}, ["a", "list"]])
def test_a_profile_without_both_keys_is_skipped(home, data):
    path = home.tccli(data=data)
    home.sdk(SDK_INI)
    chain = chain_of({}, home.env())
    assert chain.resolve().secret_id == "AKIDsdk"
    assert "%s (no secretId/secretKey)" % path in chain.looked


@pytest.mark.parametrize("raw", ['{"secretId": "AKIDtccli", "secretKey": "TCCLI-secret-key-000"', "not json at all", ""])
def test_an_unreadable_profile_is_an_error_naming_the_file(home, raw):
    path = home.tccli(raw=raw)
    home.sdk(SDK_INI)
    err = failure({}, home.env())
    assert err.msg == "%s could not be read as JSON (JSONDecodeError): fix or remove it." % path


def test_a_profile_that_cannot_be_opened_is_an_error(home):
    (home.path / ".tccli" / "default.credential").mkdir(parents=True)
    err = failure({}, home.env())
    assert "default.credential could not be read as JSON (IsADirectoryError)" in err.msg


def test_a_cvm_role_profile_reads_the_metadata_service(home):
    path = home.tccli(data={"type": "cvm-role"})
    home.sdk(SDK_INI)
    session = FakeMetadata(role="cvm-deployer", keys=[cvm_keys(1, WALL + 3600)])
    creds = resolve({}, home.env(), session)
    keys = creds.current()
    assert (keys.secret_id, keys.secret_key, keys.token) == ("AKIDcvmTMP0001", "CVM-tmp-SECRET-0001", "CVM-tmp-TOKEN-0001")
    assert creds.source == "tccli profile default (%s), CVM role cvm-deployer (http://metadata.tencentyun.com)" % path
    assert keys.source == creds.source
    assert [g.url for g in session.gets] == [
        "http://metadata.tencentyun.com" + METADATA_ROLE_PATH,
        "http://metadata.tencentyun.com" + METADATA_ROLE_PATH + "cvm-deployer",
    ]


@pytest.mark.parametrize("session,needle", [(FakeMetadata(down=True), "did not answer (ConnectionError)"),
                                            (FakeMetadata(role=None), "reports no CAM role bound")])
def test_a_cvm_role_profile_off_a_cvm_is_an_error_not_a_fall_through(home, session, needle):
    home.tccli(data={"type": "cvm-role"})
    home.sdk(SDK_INI)
    err = failure({}, home.env(), session)
    assert needle in err.msg and "http://metadata.tencentyun.com" in err.msg


def sts_session(*answers):
    return FakeMetadata(role=None, sts=ScriptedSession(*answers))


def sts_request(post):
    return json.loads(post.data.decode("utf-8"))


def test_a_profile_with_role_arn_assumes_it_with_the_profile_keys(home):
    path = home.tccli(data=dict(TCCLI_KEYS, **{"role-arn": ROLE_ARN, "role-session-name": "from-tccli"}))
    session = sts_session(sts_answer(1, WALL + 7200))
    creds = resolve({}, home.env(), session)
    keys = creds.current()
    assert (keys.secret_id, keys.secret_key, keys.token) == ("AKIDstsTMP0001", "STS-tmp-SECRET-0001", "STS-tmp-TOKEN-0001")
    assert creds.source == "STS AssumeRole %s with keys from tccli profile default (%s)" % (ROLE_ARN, path)
    (post,) = session.posts
    verify_v3_authorization(post, "AKIDtccli", "TCCLI-secret-key-000", service="sts")
    assert sts_request(post) == {"RoleArn": ROLE_ARN, "RoleSessionName": "from-tccli", "DurationSeconds": 7200}


def test_the_role_arn_option_replaces_the_profile_role(home):
    home.tccli(data=dict(TCCLI_KEYS, **{"role-arn": "qcs::cam::uin/1:roleName/other", "role-session-name": "x"}))
    session = sts_session(sts_answer(1, WALL + 7200))
    creds = resolve({"role_arn": ROLE_ARN}, home.env(), session)
    assert len(session.posts) == 1  # one AssumeRole, not a chain of two
    assert sts_request(session.posts[0])["RoleArn"] == ROLE_ARN
    assert sts_request(session.posts[0])["RoleSessionName"] == "ansible-tencent-qcloud"
    assert creds.source.startswith("STS AssumeRole %s with keys from tccli profile default" % ROLE_ARN)


# ================================================================== SDK credentials files


def test_the_sdk_file_in_home(home):
    path = home.sdk(SDK_INI + "token = SDK-token-000\n")
    home.sdk(ETC_INI, where="etc")
    creds = resolve({}, home.env())
    assert (creds.secret_id, creds.secret_key, creds.token) == ("AKIDsdk", "SDK-secret-key-000", "SDK-token-000")
    assert creds.source == "SDK credentials file (%s)" % path


def test_the_system_wide_sdk_file_when_home_has_none(home):
    path = home.sdk(ETC_INI, where="etc")
    chain = chain_of({}, home.env())
    creds = chain.resolve()
    assert (creds.secret_id, creds.token, creds.source) == ("AKIDetc", None, "SDK credentials file (%s)" % path)
    assert str(home.path / ".tencentcloud" / "credentials") in chain.looked


@pytest.mark.parametrize("text", ["[other]\nsecret_id = AKIDsdk\nsecret_key = SDK-secret-key-000\n",
                                  "[default]\nsecret_id = AKIDsdk\n", "[default]\n"])
def test_an_sdk_file_without_default_keys_is_skipped(home, text):
    path = home.sdk(text)
    home.sdk(ETC_INI, where="etc")
    chain = chain_of({}, home.env())
    assert chain.resolve().secret_id == "AKIDetc"
    assert "%s (no [default] secret_id/secret_key)" % path in chain.looked


def test_tccli_wins_over_the_sdk_file(home):
    home.tccli(data=TCCLI_KEYS)
    home.sdk(SDK_INI)
    assert resolve({}, home.env()).secret_id == "AKIDtccli"


@pytest.mark.parametrize("text", ["secret_id = AKIDsdk\nsecret_key = SDK-secret-key-000\n",
                                  "[default]\nsecret_id = AKIDsdk\n[default]\nsecret_key = SDK-secret-key-000\n"])
def test_an_invalid_sdk_file_is_an_error_naming_it(home, text):
    path = home.sdk(text)
    home.sdk(ETC_INI, where="etc")
    err = failure({}, home.env())
    assert err.msg == "%s is not a valid INI file: fix or remove it." % path


def test_an_invalid_sdk_file_traceback_does_not_quote_the_key(home):
    home.sdk("[default]\nsecret_id = AKIDsdk\nsecret_key SDK-secret-key-000\n")
    with pytest.raises(QcloudError) as info:
        resolve({}, home.env())
    err = info.value
    assert "SDK-secret-key-000" not in "".join(traceback.format_exception(type(err), err, err.__traceback__))


def test_a_percent_sign_in_an_sdk_key_is_read_as_is(home):
    home.sdk("[default]\nsecret_id = AKIDsdk\nsecret_key = SDK-secret-key-000%x\n")
    creds = resolve({}, home.env())
    assert creds.secret_key == "SDK-secret-key-000%x"


def test_an_sdk_file_that_is_not_text_is_an_error_naming_it(home):
    path = home.sdk(b"\xff\xfe[\x00d\x00e\x00f\x00]\x00")
    with pytest.raises(QcloudError) as info:
        resolve({}, home.env())
    assert path in info.value.msg


def test_an_sdk_file_that_cannot_be_opened_is_an_error(home):
    (home.path / ".tencentcloud" / "credentials").mkdir(parents=True)
    home.sdk(ETC_INI, where="etc")
    with pytest.raises(QcloudError) as info:
        resolve({}, home.env())
    assert str(home.path / ".tencentcloud" / "credentials") in info.value.msg


# ================================================================== CVM role


def test_the_cvm_role_is_the_last_resort(home):
    session = FakeMetadata(role="cvm-deployer", keys=[cvm_keys(1, WALL + 3600)])
    creds = resolve({"api_timeout": 30.0}, home.env(), session)
    assert creds.source == "CVM role cvm-deployer (http://metadata.tencentyun.com)"
    assert isinstance(creds, REFRESHING) and creds.secret_id == "AKIDcvmTMP0001"
    assert creds.current().token == "CVM-tmp-TOKEN-0001"
    assert all(g.timeout == 5.0 and g.verify is True for g in session.gets)


def test_the_metadata_endpoint_option(home):
    session = FakeMetadata(base="http://127.0.0.1:8080")
    creds = resolve({"metadata_endpoint": "http://127.0.0.1:8080/", "api_timeout": 2.0, "validate_certs": False},
                    home.env(), session)
    assert creds.source == "CVM role cvm-deployer (http://127.0.0.1:8080)"
    assert session.gets[0].url == "http://127.0.0.1:8080" + METADATA_ROLE_PATH
    assert [(g.timeout, g.verify) for g in session.gets] == [(2.0, False), (2.0, False)]


@pytest.mark.parametrize(
    "answer",
    [cvm_keys(1, WALL + 3600, code="Failure"), {"Code": "Success"}, TextResponse(404, "no"), TextResponse(200, "<html>")],
)
def test_a_role_without_usable_keys_is_an_error(home, answer):
    err = failure({}, home.env(), FakeMetadata(role="cvm-deployer", keys=[answer]))
    assert err.msg == ("The CVM metadata service http://metadata.tencentyun.com gave no temporary keys for role "
                       "cvm-deployer: check the instance's role.")


def test_nothing_anywhere_lists_every_place_looked(home):
    session = FakeMetadata(down=True)
    err = failure({}, home.env(), session)
    places = [
        "module options",
        "environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY)",
        str(home.path / ".tccli" / "default.credential"),
        str(home.path / ".tencentcloud" / "credentials"),
        str(home.etc),
        "CVM metadata service http://metadata.tencentyun.com (no answer: ConnectionError)",
    ]
    assert err.msg == (
        "No Tencent Cloud credentials found (looked in: %s): set secret_id and secret_key, the TENCENTCLOUD_SECRET_ID "
        "and TENCENTCLOUD_SECRET_KEY environment variables, a tccli profile, the SDK credentials file, "
        "or run on a CVM with a CAM role." % "; ".join(places)
    )


def test_nothing_anywhere_with_a_metadata_service_but_no_role(home):
    err = failure({}, home.env(), FakeMetadata(role=None))
    assert err.msg.count("; ") == 5  # between the six places
    assert "CVM metadata service http://metadata.tencentyun.com (no role bound)" in err.msg


def test_what_each_partial_source_lacked_is_in_the_message(home):
    home.tccli(data={"secretId": "AKIDtccli"})
    home.sdk("[default]\nsecret_id = AKIDsdk\n")
    err = failure({}, home.env())
    for needle in ("module options", "environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY)",
                   "default.credential (no secretId/secretKey)", "credentials (no [default] secret_id/secret_key)"):
        assert needle in err.msg


# ================================================================== role_arn: STS AssumeRole


def test_role_arn_assumes_the_role_with_the_option_keys(home):
    session = sts_session(sts_answer(1, WALL + 7200))
    creds = resolve(dict(OPT, role_arn=ROLE_ARN), home.env(), session)
    assert creds.source == "STS AssumeRole %s with keys from module options" % ROLE_ARN
    keys = creds.current()
    assert (keys.secret_id, keys.secret_key, keys.token, keys.source) == (
        "AKIDstsTMP0001", "STS-tmp-SECRET-0001", "STS-tmp-TOKEN-0001", creds.source)
    (post,) = session.posts
    assert post.url == "https://sts.tencentcloudapi.com/"
    assert post.headers["Host"] == "sts.tencentcloudapi.com"
    assert post.headers["X-TC-Action"] == "AssumeRole" and post.headers["X-TC-Version"] == "2018-08-13"
    assert "/sts/tc3_request" in post.headers["Authorization"]
    assert post.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDopt/")
    assert "X-TC-Token" not in post.headers
    verify_v3_authorization(post, "AKIDopt", "OPT-secret-key-000", service="sts")
    assert sts_request(post) == {"RoleArn": ROLE_ARN, "RoleSessionName": "ansible-tencent-qcloud", "DurationSeconds": 7200}


def test_role_arn_session_name_duration_and_endpoint(home):
    session = sts_session(sts_answer(1, WALL + 900))
    params = dict(OPT, role_arn=ROLE_ARN, role_session_name="deploy-42", role_duration=900,
                  sts_endpoint="https://sts.internal.tencentcloudapi.com:8443", region="ap-beijing")
    resolve(params, home.env(), session)
    (post,) = session.posts
    assert post.url == "https://sts.internal.tencentcloudapi.com:8443/"
    assert post.headers["Host"] == "sts.internal.tencentcloudapi.com:8443"
    assert post.headers["X-TC-Region"] == "ap-beijing"
    verify_v3_authorization(post, "AKIDopt", "OPT-secret-key-000", service="sts")
    assert sts_request(post) == {"RoleArn": ROLE_ARN, "RoleSessionName": "deploy-42", "DurationSeconds": 900}


def test_role_arn_with_temporary_environment_keys_sends_their_token(home):
    session = sts_session(sts_answer(1, WALL + 7200))
    creds = resolve({"role_arn": ROLE_ARN}, home.env(TENCENTCLOUD_TOKEN="ENV-token-000", **ENV), session)
    assert creds.source == "STS AssumeRole %s with keys from environment (TENCENTCLOUD_SECRET_ID)" % ROLE_ARN
    (post,) = session.posts
    assert post.headers["X-TC-Token"] == "ENV-token-000"
    verify_v3_authorization(post, "AKIDenv", "ENV-secret-key-000", service="sts")


def test_role_arn_with_the_cvm_role_keys(home):
    sts = ScriptedSession(sts_answer(1, WALL + 7200))
    session = FakeMetadata(role="cvm-deployer", keys=[cvm_keys(1, WALL + 3600)], sts=sts)
    creds = resolve({"role_arn": ROLE_ARN}, home.env(), session)
    assert creds.source == "STS AssumeRole %s with keys from CVM role cvm-deployer (http://metadata.tencentyun.com)" % ROLE_ARN
    assert creds.secret_id == "AKIDstsTMP0001"
    (post,) = sts.posts
    assert post.headers["X-TC-Token"] == "CVM-tmp-TOKEN-0001"
    verify_v3_authorization(post, "AKIDcvmTMP0001", "CVM-tmp-SECRET-0001", service="sts")


def test_a_refused_assume_role_names_the_role_and_the_keys_source(home):
    session = sts_session(P.v3_error("AuthFailure.UnauthorizedOperation", "not allowed"))
    err = failure(dict(OPT, role_arn=ROLE_ARN), home.env(), session)
    assert err.msg.startswith("Assuming role %s with keys from module options failed: " % ROLE_ARN)
    assert "not allowed to call AssumeRole" in err.msg
    assert err.code == "AuthFailure.UnauthorizedOperation"
    assert len(session.posts) == 1  # an auth error is not retried


# ================================================================== renewal before expiry


REFRESHING = K.RefreshingCredentials  # the real class, before fake_clock wraps it


class Fetcher:
    def __init__(self, clock, lifetime):
        self.clock = clock
        self.lifetime = lifetime
        self.count = 0

    def __call__(self):
        self.count += 1
        keys = C.Credentials("AKIDtmp%d" % self.count, "CVM-tmp-SECRET-%d" % self.count, "CVM-tmp-TOKEN-%d" % self.count, "")
        return keys, self.clock.time() + self.lifetime


@pytest.mark.parametrize("lifetime,margin", [(7200, 300), (1500, 300), (1000, 200), (600, 120), (60, 12)])
def test_keys_are_renewed_when_less_than_the_margin_is_left(lifetime, margin):
    clock = FakeClock(wall=WALL)
    fetch = Fetcher(clock, lifetime)
    provider = REFRESHING(fetch, "somewhere", clock=clock.time)
    first = provider.current()
    assert fetch.count == 1 and first.secret_id == "AKIDtmp1" and first.source == "somewhere"
    clock.sleep(lifetime - margin - 1)
    assert provider.current() is first and fetch.count == 1
    clock.sleep(1)
    renewed = provider.current()
    assert fetch.count == 2 and renewed.secret_id == "AKIDtmp2" and renewed.source == "somewhere"
    assert provider.current() is renewed  # a fresh lifetime, not renewed again at once
    assert provider.secret_id == "AKIDtmp2" and fetch.count == 2


def test_refresh_fetches_even_when_current():
    clock = FakeClock(wall=WALL)
    fetch = Fetcher(clock, 3600)
    provider = REFRESHING(fetch, "somewhere", clock=clock.time)
    provider.current()
    assert provider.refresh().secret_id == "AKIDtmp2" and provider.current().secret_id == "AKIDtmp2"


def vpc_client(credentials, clock, *script, api_version="3.0"):
    session = ScriptedSession(*script)
    client = C.QcloudClient(credentials, "ap-guangzhou", api_version=api_version, session=session, sleep=clock.sleep,
                            clock=clock.time, monotonic=clock.monotonic, rng=lambda: 0.5)
    return client, session


def test_assumed_role_keys_are_renewed_before_they_expire_not_before(home, fake_clock):
    sts = sts_session(sts_answer(1, WALL + 7200), sts_answer(2, WALL + 14400))
    creds = resolve(dict(OPT, role_arn=ROLE_ARN), home.env(), sts)
    client, vpc = vpc_client(creds, fake_clock, P.v3_ok(), P.v3_ok())
    fake_clock.sleep(7200 - 301)
    client.call("DescribeVpcs")
    verify_v3_authorization(vpc.posts[0], "AKIDstsTMP0001", "STS-tmp-SECRET-0001")
    assert vpc.posts[0].headers["X-TC-Token"] == "STS-tmp-TOKEN-0001"
    assert len(sts.posts) == 1
    fake_clock.sleep(1)
    client.call("DescribeVpcs")
    assert len(sts.posts) == 2
    verify_v3_authorization(sts.posts[1], "AKIDopt", "OPT-secret-key-000", service="sts")  # the original keys again
    verify_v3_authorization(vpc.posts[1], "AKIDstsTMP0002", "STS-tmp-SECRET-0002")
    assert vpc.posts[1].headers["X-TC-Token"] == "STS-tmp-TOKEN-0002"


def test_cvm_role_keys_are_renewed_before_they_expire(home, fake_clock):
    session = FakeMetadata(keys=[cvm_keys(1, WALL + 600), cvm_keys(2, WALL + 1200)])
    creds = resolve({}, home.env(), session)
    assert len(session.gets) == 2
    fake_clock.sleep(600 - 121)
    assert creds.current().secret_id == "AKIDcvmTMP0001" and len(session.gets) == 2
    fake_clock.sleep(1)
    keys = creds.current()
    assert (keys.secret_id, keys.token) == ("AKIDcvmTMP0002", "CVM-tmp-TOKEN-0002")
    assert session.gets[-1].url.endswith(METADATA_ROLE_PATH + "cvm-deployer")
    assert len(session.gets) == 3  # the role name is not asked again


# ================================================================== the client renews once on TokenFailure

TOKEN_FAILURE = {"3.0": P.v3_error("AuthFailure.TokenFailure", "token expired"),
                 "2.0": {"code": 4105, "message": "token expired", "codeDesc": "4105"}}
OK = {"3.0": P.v3_ok(), "2.0": P.v2_ok()}


@pytest.mark.parametrize("version", ["3.0", "2.0"])
def test_token_failure_renews_once_and_retries_at_once(version):
    clock = FakeClock(wall=WALL)
    fetch = Fetcher(clock, 7200)
    provider = REFRESHING(fetch, "somewhere", clock=clock.time)
    client, session = vpc_client(provider, clock, TOKEN_FAILURE[version], OK[version], api_version=version)
    client.call("DescribeVpcs")
    assert fetch.count == 2 and len(session.posts) == 2 and clock.sleeps == []
    if version == "3.0":
        assert session.posts[0].headers["X-TC-Token"] == "CVM-tmp-TOKEN-1"
        verify_v3_authorization(session.posts[1], "AKIDtmp2", "CVM-tmp-SECRET-2")
        assert session.posts[1].headers["X-TC-Token"] == "CVM-tmp-TOKEN-2"
    else:
        assert dict(session.posts[1].data)["SecretId"] == "AKIDtmp2"
        assert dict(session.posts[1].data)["Token"] == "CVM-tmp-TOKEN-2"


@pytest.mark.parametrize("version", ["3.0", "2.0"])
def test_a_second_token_failure_is_raised(version):
    clock = FakeClock(wall=WALL)
    fetch = Fetcher(clock, 7200)
    provider = REFRESHING(fetch, "somewhere", clock=clock.time)
    client, session = vpc_client(provider, clock, TOKEN_FAILURE[version], TOKEN_FAILURE[version], api_version=version)
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeVpcs")
    assert info.value.code == ("AuthFailure.TokenFailure" if version == "3.0" else "4105")
    assert fetch.count == 2 and len(session.posts) == 2 and clock.sleeps == []


def test_each_call_may_renew_once():
    clock = FakeClock(wall=WALL)
    fetch = Fetcher(clock, 7200)
    provider = REFRESHING(fetch, "somewhere", clock=clock.time)
    client, session = vpc_client(provider, clock, TOKEN_FAILURE["3.0"], P.v3_ok(), TOKEN_FAILURE["3.0"], P.v3_ok())
    client.call("DescribeVpcs")
    client.call("DescribeVpcs")
    assert fetch.count == 3 and len(session.posts) == 4


def test_permanent_keys_are_not_renewed_on_token_failure():
    clock = FakeClock(wall=WALL)
    creds = C.Credentials("AKIDopt", "OPT-secret-key-000", "OPT-token-000", "module options")
    client, session = vpc_client(creds, clock, TOKEN_FAILURE["3.0"])
    with pytest.raises(QcloudApiError) as info:
        client.call("DescribeVpcs")
    assert info.value.code == "AuthFailure.TokenFailure" and len(session.posts) == 1


# ================================================================== secrets stay secret


def _sources(home):
    """(params, environ, session) of every source, each handing out secrets."""
    home.tccli(data=dict(TCCLI_KEYS, token="TCCLI-token-000"))
    return {
        "options": (dict(OPT, security_token="OPT-token-000"), {}, None),
        "environment": ({}, dict(ENV, TENCENTCLOUD_TOKEN="ENV-token-000"), None),
        "tccli": ({}, {}, None),
        "cvm": ({"profile": "cvm"}, {}, FakeMetadata()),
        "sts": (dict(OPT, role_arn=ROLE_ARN), {}, sts_session(sts_answer(1, WALL + 7200))),
    }


@pytest.mark.parametrize("name", ["options", "environment", "tccli", "cvm", "sts"])
def test_no_secret_in_repr_str_or_source(home, name):
    home.tccli("cvm", {"type": "cvm-role"})
    params, env, session = _sources(home)[name]
    creds = resolve(params, home.env(**env), session)
    keys = creds.current()
    assert any(secret in keys.secret_key for secret in SECRETS)  # the test does hand out a secret
    assert_no_secret(repr(creds), str(creds), creds.source, repr(keys), str(keys), keys.source,
                     "%s" % (creds,), "%r" % ([creds],))


def test_no_secret_in_the_sdk_source(home):
    home.sdk(SDK_INI + "token = SDK-token-000\n")
    creds = resolve({}, home.env())
    assert_no_secret(repr(creds), str(creds), creds.source)


# ================================================================== region


def test_region_from_options_then_environment_then_tccli(home):
    home.configure("default", "ap-shanghai")
    env = home.env(TENCENTCLOUD_REGION="ap-guangzhou")
    assert K.resolve_region({"region": "ap-beijing"}, env) == "ap-beijing"
    assert K.resolve_region({}, env) == "ap-guangzhou"
    assert K.resolve_region({}, home.env()) == "ap-shanghai"


@pytest.mark.parametrize("params,env", [({"profile": "prod"}, {}), ({}, {"TENCENTCLOUD_PROFILE": "prod"}),
                                        ({}, {"TCCLI_PROFILE": "prod"})])
def test_region_of_the_named_profile(home, params, env):
    home.configure("default", "ap-shanghai")
    home.configure("prod", "eu-frankfurt")
    assert K.resolve_region(params, home.env(**env)) == "eu-frankfurt"


@pytest.mark.parametrize("content", [None, {"_sys_param": {"output": "json"}}, {"cvm": {}}, ["x"]])
def test_no_region_anywhere_names_every_place(home, content):
    path = str(home.path / ".tccli" / "default.configure")
    if content is not None:
        home.tccli("default", content, suffix="configure")
    with pytest.raises(QcloudError) as info:
        K.resolve_region({}, home.env())
    assert info.value.msg == (
        "No region given: set region (for example ap-guangzhou), the environment variable TENCENTCLOUD_REGION, "
        "or region in %s." % path)


def test_an_unreadable_configure_file_is_an_error_naming_it(home):
    path = home.tccli("default", raw="{region", suffix="configure")
    with pytest.raises(QcloudError) as info:
        K.resolve_region({}, home.env())
    assert info.value.msg == "%s could not be read as JSON (JSONDecodeError): fix or remove it." % path


# ================================================================== review mends


def test_the_session_name_option_wins_over_the_profiles(home):
    home.tccli(data=dict(TCCLI_KEYS, **{"role-arn": ROLE_ARN, "role-session-name": "from-tccli"}))
    session = sts_session(sts_answer(1, WALL + 7200))
    resolve({"role_session_name": "from-the-task"}, home.env(), session).current()
    (post,) = session.posts
    assert sts_request(post)["RoleSessionName"] == "from-the-task"


def test_an_assume_role_answer_without_keys_is_a_sentence_not_empty_keys(home):
    session = sts_session(P.v3_ok(ExpiredTime=int(WALL + 7200)))
    err = failure(dict(OPT, role_arn=ROLE_ARN), home.env(), session)
    assert err.msg == "Assuming role %s with keys from module options gave no temporary keys: check sts_endpoint." % ROLE_ARN


def test_a_metadata_service_that_fails_while_giving_keys_is_a_sentence(home):
    class Flaky(FakeMetadata):
        def get(self, url, timeout=None, verify=None):
            import requests

            if url.endswith("/cvm-deployer"):
                raise requests.exceptions.ReadTimeout("read timed out")
            return super().get(url, timeout, verify)

    home.tccli(data={"type": "cvm-role"})
    err = failure({}, home.env(), Flaky())
    assert err.msg == ("The CVM metadata service http://metadata.tencentyun.com gave no temporary keys for role cvm-deployer: "
                       "check the instance's role.")


# ================================================================== issue 17: what a new user met


def test_an_unreachable_sts_endpoint_names_sts_endpoint_not_api_endpoint(home):
    refused = requests.exceptions.ConnectionError("Failed to establish a new connection: [Errno 111] Connection refused")
    session = sts_session(refused)
    err = failure(dict(OPT, role_arn=ROLE_ARN, api_retries=0, sts_endpoint="https://sts.example.internal"), home.env(), session)
    assert "check sts_endpoint" in err.msg and "api_endpoint" not in err.msg
    assert "https://sts.example.internal" in err.msg


def test_connection_options_come_from_the_environment_when_not_given():
    environ = {"TENCENTCLOUD_API_ENDPOINT": "https://vpc.env.example", "TENCENTCLOUD_CA_BUNDLE": "/env/ca.pem",
               "TENCENTCLOUD_STS_ENDPOINT": "https://sts.env.example", "TENCENTCLOUD_METADATA_ENDPOINT": "http://md.env"}
    assert K.option({}, "api_endpoint", environ) == "https://vpc.env.example"
    assert K.option({"api_endpoint": "https://vpc.opt.example"}, "api_endpoint", environ) == "https://vpc.opt.example"
    assert K.option({}, "ca_bundle", environ) == "/env/ca.pem"
    assert K.option({}, "sts_endpoint", {}) is None  # then the default


def test_the_sts_endpoint_from_the_environment(home):
    session = sts_session(sts_answer(1, WALL + 7200))
    resolve(dict(OPT, role_arn=ROLE_ARN), home.env(TENCENTCLOUD_STS_ENDPOINT="https://sts.env.example:8443"), session)
    (post,) = session.posts
    assert post.url == "https://sts.env.example:8443/"


def test_the_sts_endpoint_option_beats_the_environment(home):
    session = sts_session(sts_answer(1, WALL + 7200))
    resolve(dict(OPT, role_arn=ROLE_ARN, sts_endpoint="https://sts.opt.example"),
            home.env(TENCENTCLOUD_STS_ENDPOINT="https://sts.env.example"), session)
    assert session.posts[0].url == "https://sts.opt.example/"


def test_the_metadata_endpoint_from_the_environment(home):
    session = FakeMetadata(role="cvm-deployer", keys=[cvm_keys(1, WALL + 3600)], base="http://md.env.example:8080")
    creds = resolve({}, home.env(TENCENTCLOUD_METADATA_ENDPOINT="http://md.env.example:8080"), session)
    assert creds.source == "CVM role cvm-deployer (http://md.env.example:8080)"


def test_tccli_role_variables_assume_the_role_with_the_keys_found(home):
    session = sts_session(sts_answer(1, WALL + 7200))
    creds = resolve({}, home.env(TENCENTCLOUD_ROLE_ARN=ROLE_ARN, TENCENTCLOUD_ROLE_SESSION_NAME="from-env", **ENV), session)
    assert creds.source == "STS AssumeRole %s with keys from environment (TENCENTCLOUD_SECRET_ID)" % ROLE_ARN
    assert sts_request(session.posts[0])["RoleSessionName"] == "from-env"


def test_the_role_options_beat_tccli_role_variables(home):
    other = "qcs::cam::uin/100000000001:roleName/other"
    session = sts_session(sts_answer(1, WALL + 7200))
    resolve(dict(OPT, role_arn=ROLE_ARN, role_session_name="opt"),
            home.env(TENCENTCLOUD_ROLE_ARN=other, TENCENTCLOUD_ROLE_SESSION_NAME="env"), session)
    assert sts_request(session.posts[0]) == {"RoleArn": ROLE_ARN, "RoleSessionName": "opt", "DurationSeconds": 7200}


def test_a_session_name_variable_without_a_role_is_left_alone_as_tccli_does(home):
    assert resolve({}, home.env(TENCENTCLOUD_ROLE_SESSION_NAME="env", **ENV)).secret_id == "AKIDenv"


def _login_profile(kind, expires):
    # the file tccli writes after 'tccli auth login' (oauth) or 'tccli sso login' (sso): tccli/oauth.py, tccli/sso.py
    data = {"type": kind, "secretId": "AKIDtccliTMP", "secretKey": "TCCLI-secret-key-000", "token": "TCCLI-token-000",
            "expiresAt": expires}
    if kind == "oauth":
        data["oauth"] = {"openId": "o", "accessToken": "a", "expiresAt": expires + 3600, "refreshToken": "r", "site": "cn"}
    else:
        data["sso"] = {"token": "t", "uin": "100000000001", "roleConfigurationId": "rc-1", "roleConfigurationName": "ops",
                       "zoneId": "z-1", "site": "cn", "loginUrl": "https://example", "expiresAt": expires + 3600}
    return data


@pytest.mark.parametrize("kind,command", [("oauth", "tccli auth login"), ("sso", "tccli sso login")])
def test_expired_oauth_and_sso_profiles_say_to_log_in_again_before_any_call(home, kind, command):
    home.tccli("work", data=_login_profile(kind, int(WALL) - 60))
    chain = chain_of({"profile": "work"}, home.env())
    chain.clock = lambda: WALL
    with pytest.raises(QcloudError) as info:
        chain.resolve()
    assert info.value.msg == ("The %s keys of tccli profile 'work' expired at 2023-11-14 22:12:20 UTC: log in again with "
                              "'%s --profile work'." % (kind, command))
    assert info.value.code == "Module.TccliLoginExpired"
    assert_no_secret(info.value.msg)
    assert not chain.session.gets and not chain.session.posts


@pytest.mark.parametrize("kind", ["oauth", "sso"])
def test_live_oauth_and_sso_profiles_give_their_keys_and_token(home, kind):
    home.tccli(data=_login_profile(kind, int(WALL) + 600))
    chain = chain_of({}, home.env())
    chain.clock = lambda: WALL
    keys = chain.resolve()
    assert (keys.secret_id, keys.token) == ("AKIDtccliTMP", "TCCLI-token-000")
