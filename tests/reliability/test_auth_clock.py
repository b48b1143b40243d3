# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auth and clock: a wrong key pair, an unknown or disabled SecretId, an expired token and a clock
10 minutes off each fail at once (one API call, no retry) with a sentence naming the likely cause.

The wrong clock is made by clock/sitecustomize.py, put on the module's PYTHONPATH through the
task's ``environment:`` (the simulator has no clock-offset knob): it shifts time.time only in the
module process. The playbook runs with -vvv --diff, so the secret scan reads the fullest output.
"""

from __future__ import annotations

import json
import re

import pytest

import relhelp

WRONG_KEY = "wrongSecretKeyForReliability00000"
EXPIRED = {"secret_id": "AKIDSIMULATOREXPIRED0000000000000000", "secret_key": "simulatorExpiredKey00000000000000",
           "security_token": "simulator-session-token-expired"}
DISABLED = {"secret_id": "AKIDSIMULATORDISABLED000000000000000", "secret_key": "simulatorDisabledKey0000000000000"}
CLOCK_MSG = r"this machine's clock is off, so synchronise it \(NTP\)"

# (case, args, environment, expected message)
CASES = [
    ("wrong-key-pair", {"secret_key": WRONG_KEY}, None,
     r"rejected the request signature: check that secret_id and secret_key belong together"),
    ("unknown-secret-id", {"secret_id": "AKIDUNKNOWNRELIABILITY00000000000000"}, None,
     r"does not know secret_id AKID\*\*\*\*0000 .*or the key was disabled"),
    ("disabled-secret-id", DISABLED, None, r"does not know secret_id AKID\*\*\*\*0000 .*or the key was disabled"),
    ("expired-token", EXPIRED, None, r"security token was rejected or has expired"),
    ("clock-10-min-ahead", {}, {"QCLOUD_TEST_CLOCK_SKEW": "600"}, CLOCK_MSG),
    ("clock-10-min-behind", {}, {"QCLOUD_TEST_CLOCK_SKEW": "-600"}, CLOCK_MSG),
]
PROTOCOLS = ("3.0", "2.0")


def _env(extra):
    if not extra:
        return None
    return dict(extra, PYTHONPATH=relhelp.CLOCK_DIR)


@pytest.fixture(scope="module")
def auth(sim):
    tasks = []
    for protocol in PROTOCOLS:
        for case, args, env, dummy in CASES:
            module_args = dict(relhelp.connection(sim, protocol), network_interface_id="eni-free0001", instance_id="ins-run00001",
                               vpc_id="vpc-gz000001", **args)
            tasks += relhelp.case_tasks("%s/%s" % (protocol, case), "qcloud_eni_attach", module_args, spec={}, environment=_env(env))
        # control: the clock hook within Tencent's 5 minutes still works, so the hook itself is sound
        module_args = dict(relhelp.connection(sim, protocol), network_interface_ids=["eni-free0002"], vpc_id="vpc-gz000001")
        tasks += relhelp.case_tasks("%s/clock-2-min-ahead" % protocol, "qcloud_eni_info", module_args, spec={},
                                    environment=_env({"QCLOUD_TEST_CLOCK_SKEW": "120"}))
    run = relhelp.run_playbook("auth-clock", tasks, sim, options=["-vvv", "--diff"])
    assert run["rc"] == 0
    assert WRONG_KEY not in run["output"], "the wrong secret key is in the playbook output"
    return run["records"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("case,args,env,pattern", CASES, ids=[c[0] for c in CASES])
def test_auth_and_clock(auth, protocol, case, args, env, pattern):
    record = auth["%s/%s" % (protocol, case)]
    result = record["result"]
    relhelp.assert_clean(result)
    assert result.get("failed")
    assert re.search(pattern, result["msg"]), result["msg"]
    assert len(record["requests"]) == 1, "an auth failure was retried (%d calls)" % len(record["requests"])
    assert record["requests"][0]["outcome"].startswith("AuthFailure")
    assert result["error"]["code"].startswith("AuthFailure")
    text = json.dumps(result)
    for secret in (WRONG_KEY, EXPIRED["secret_key"], EXPIRED["security_token"], DISABLED["secret_key"], relhelp.SECRET_KEY):
        assert secret not in text
    assert relhelp.Sim.holder(None, "eni-free0001", record["state"]) is None


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_small_skew_is_fine(auth, protocol):
    record = auth["%s/clock-2-min-ahead" % protocol]
    assert not record["result"].get("failed"), record["result"].get("msg")
    assert record["requests"] and record["requests"][0]["outcome"] == "Success"
