# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and bad input through real ansible-playbook: each case makes zero API calls and fails
with one clear sentence.

The cases are those of tests/unit/plugins/modules/hostile_cases.py: the unit test runs all of them
through main(); this test runs its RELIABILITY_SAMPLE (one of each kind, every module) in one
ansible-playbook -vvv, so that the secret scan also reads the invocation echoes and the values
pass YAML, templating and AnsiballZ as a user's would. Each case is arranged with a reset of the
simulator, and its request log is read after it.
"""

from __future__ import annotations

import os
import sys

import pytest

import relhelp

sys.path.insert(0, os.path.join(relhelp.ROOT, "tests", "unit", "plugins", "modules"))
from hostile_cases import CASES as ALL_CASES, RELIABILITY_SAMPLE, args_of, check_refused  # noqa: E402  pylint: disable=wrong-import-position

CASES = [case for case in ALL_CASES if case[0] in RELIABILITY_SAMPLE]


@pytest.fixture(scope="module")
def hostile(sim):
    tasks = []
    for case, module, extra, dummy in CASES:
        tasks += relhelp.case_tasks(case, module, args_of(module, extra), spec={})
    run = relhelp.run_playbook("hostile", tasks, sim, relhelp.connection(sim), options=["-vvv"])
    assert run["rc"] == 0, "ansible-playbook hostile exited %s" % run["rc"]
    assert not relhelp.TRACEBACK.search(run["output"])
    return run["records"]


@pytest.mark.parametrize("case,module,extra,pattern", CASES, ids=[c[0] for c in CASES])
def test_hostile_input(hostile, case, module, extra, pattern):
    record = hostile[case]
    result = record["result"]
    relhelp.assert_clean(result)
    assert record["requests"] == [], "bad input reached the API: %s" % [r["action"] for r in record["requests"]]
    check_refused(result, extra, pattern)
