# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every run of a module imports its module_utils afresh (from the AnsiballZ payload, without
bytecode): a module that reads no CVM instance must not load the instance code and its thread pool."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PREFIX = "ansible_collections.tencent.qcloud.plugins."


def loaded_by(module):
    code = ("import json, sys; import %smodules.%s; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith(%r))))") % (PREFIX, module, PREFIX)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("module", ["qcloud_eni", "qcloud_eni_attach", "qcloud_eni_info"])
def test_the_eni_modules_do_not_load_the_instance_code(module):
    loaded = loaded_by(module)
    assert PREFIX + "module_utils._connection" in loaded  # the import did happen
    assert PREFIX + "module_utils._cvm" not in loaded


def test_qcloud_cvm_info_loads_it():
    assert PREFIX + "module_utils._cvm" in loaded_by("qcloud_cvm_info")
