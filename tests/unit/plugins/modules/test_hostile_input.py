# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every hostile and bad input of hostile_cases.py through the module's main(), against the
simulator: one clear sentence, no raw control character, a long value never echoed whole, nothing
changed, and not one API call. (The reliability test runs a sample through real ansible-playbook.)
"""

from __future__ import annotations

import pytest

from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni, qcloud_eni_attach, qcloud_eni_info
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, api_log
from ansible_collections.tencent.qcloud.tests.unit.plugins.modules.hostile_cases import CASES, RELIABILITY_SAMPLE, args_of, check_refused

MAINS = {"qcloud_eni_attach": qcloud_eni_attach.main, "qcloud_eni_info": qcloud_eni_info.main, "qcloud_eni": qcloud_eni.main}
CONNECTION = {"secret_id": DEFAULT_SECRET_ID, "secret_key": DEFAULT_SECRET_KEY, "region": "ap-guangzhou"}


def test_the_reliability_sample_names_cases_of_this_list():
    assert set(RELIABILITY_SAMPLE) <= {case[0] for case in CASES}
    assert {case[1] for case in CASES if case[0] in RELIABILITY_SAMPLE} == set(MAINS)


@pytest.mark.parametrize("case,module,extra,pattern", CASES, ids=[c[0] for c in CASES])
def test_hostile_input(sim, run_module, case, module, extra, pattern):
    run = run_module(MAINS[module], dict(CONNECTION, **args_of(module, extra)))
    assert api_log(sim) == [], "bad input reached the API: %s" % [e["action"] for e in api_log(sim)]
    check_refused(run.result, extra, pattern)
