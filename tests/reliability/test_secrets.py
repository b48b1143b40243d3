# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets: every output of the reliability runs (-v/--diff, -vvv, results) holds no secret key,
token or signature the simulators saw. Runs last (file order); the harness's secret-scan step
scans the same outputs again, with every simulator's secrets.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time

import relhelp


def test_no_secret_in_outputs(sim, sim2):
    time.sleep(1.0)  # hack/sim.py's collectors poll every 0.25 s: let them take the last signatures
    secrets = sorted(glob.glob(os.path.join(relhelp.ROOT, "build", "sim-reliability*", "secrets.json")))
    assert secrets, "no secrets.json of the reliability simulators"
    signatures = sum(len(json.load(open(path, encoding="utf-8")).get("signature", [])) for path in secrets)
    assert signatures > 0, "no signature collected: the scan would prove nothing"
    outputs = [relhelp.LOGS, relhelp.WORK]
    cmd = [sys.executable, os.path.join(relhelp.ROOT, "hack", "secret_scan.py")]
    for path in secrets:
        cmd += ["--secrets", path]
    # the generated playbooks hold the test key on purpose (like integration_config.yml); results do not
    for playbook in glob.glob(os.path.join(relhelp.WORK, "*.yml")):
        cmd += ["--exclude", playbook]
    proc = subprocess.run(cmd + outputs, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
