# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability tests: simulators started with hack/sim.py (HTTPS, own CA).

``sim`` is build/sim-reliability; ``sim2`` (build/sim-reliability-2) is a second one, so that the
two protocols' fault matrices run side by side (faults are queued per simulator). The secret scan
(hack/run_tests.sh secret-scan) reads build/sim-*/secrets.json, so both are covered.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import relhelp  # noqa: E402  pylint: disable=wrong-import-position


def _start(name):
    sim_dir = os.path.join(relhelp.ROOT, "build", name)
    subprocess.run([sys.executable, os.path.join(relhelp.ROOT, "hack", "sim.py"), "start", sim_dir,
                    "--task-seconds", "0.3", "--rate-limits", "off"], check=True)
    return relhelp.Sim(sim_dir)


def _stop(sim):
    subprocess.run([sys.executable, os.path.join(relhelp.ROOT, "hack", "sim.py"), "stop", sim.dir], check=False)


@pytest.fixture(scope="session")
def sim():
    if not os.path.isdir(os.path.join(relhelp.COLLECTIONS, "ansible_collections", "tencent", "qcloud")):
        pytest.fail("no copy of the collection in %s: run hack/copy_collection.sh first" % relhelp.COLLECTIONS)
    server = _start("sim-reliability")
    yield server
    _stop(server)


@pytest.fixture(scope="session")
def sim2():
    server = _start("sim-reliability-2")
    yield server
    _stop(server)
