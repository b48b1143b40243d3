# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the reliability tests: the simulator's control API, and playbooks run as real
``ansible-playbook`` processes against the copy of the collection (build/collections).

Outputs (stdout and stderr of every run) land in RELIABILITY_LOGS (default build/logs/reliability)
so that the secret scan reads them; generated playbooks and result files live in build/reliability.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "simulator"))

# the simulator's default keys, from its own source
from qcloud_sim import default_world as dw  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS = os.environ.get("RELIABILITY_COLLECTIONS") or os.path.join(ROOT, "build", "collections")
LOGS = os.environ.get("RELIABILITY_LOGS") or os.path.join(ROOT, "build", "logs", "reliability")
WORK = os.path.join(ROOT, "build", "reliability")
BIN = os.path.dirname(sys.executable)
SECRET_ID, SECRET_KEY = dw.DEFAULT_SECRET_ID, dw.DEFAULT_SECRET_KEY
REGION = "ap-guangzhou"
LOOKUPS = os.path.join(HERE, "plugins", "lookup")
CLOCK_DIR = os.path.join(HERE, "clock")

# What a traceback or a leaked internal looks like in a result or an output.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|MODULE FAILURE|module_stderr")


class Sim:
    """One running simulator (hack/sim.py start DIR)."""

    def __init__(self, sim_dir):
        self.dir = sim_dir
        with open(os.path.join(sim_dir, "url"), encoding="utf-8") as fh:
            self.url = fh.read().strip()
        with open(os.path.join(sim_dir, "cafile"), encoding="utf-8") as fh:
            self.ca = fh.read().strip()

    def call(self, path, body=None, method=None):
        context = ssl.create_default_context(cafile=self.ca or None) if self.url.startswith("https") else None
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method or ("POST" if data is not None else "GET"),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60, context=context) as resp:
            return json.loads(resp.read().decode("utf-8") or "null")

    def reset(self, config=None):
        self.call("/_sim/reset", {})
        if config:
            self.call("/_sim/config", config)

    def requests(self):
        return self.call("/_sim/requests")["requests"]

    def state(self):
        return self.call("/_sim/state")

    def holder(self, eni_id, state=None):
        for eni in (state or self.state())["enis"]:
            if eni["eni_id"] == eni_id:
                return eni["instance_id"]
        raise KeyError(eni_id)

    def bind(self, bindings):
        """Set ENI bindings ({eni: instance or None}) directly in the world."""
        world = self.state()
        world.pop("tasks", None)
        world.pop("config", None)
        for eni in world["enis"]:
            if eni["eni_id"] in bindings:
                holder = bindings[eni["eni_id"]]
                used = [e["device_index"] for e in world["enis"] if holder and e["instance_id"] == holder and e["device_index"] is not None]
                eni["instance_id"] = holder
                eni["device_index"] = max(used) + 1 if holder else None
                eni["attach_time"] = "2024-01-02 03:04:05" if holder else None
        self.call("/_sim/world", world)


def connection(sim, protocol="3.0", **extra):
    args = {
        "api_endpoint": sim.url,
        "ca_bundle": sim.ca,
        "region": REGION,
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "api_version": protocol,
    }
    args.update(extra)
    return args


def case_tasks(case_id, module, args, spec=None, environment=None, collect=True, check_mode=False):
    """The three tasks of one case: arrange the simulator, run the module, collect what happened."""
    tasks = []
    if spec is not None:
        tasks.append({"name": "arrange %s" % case_id, "vars": {"rel_spec": spec},
                      "ansible.builtin.set_fact": {"rel_a": "{{ lookup('sim_ctl', 'arrange', case=%s, spec=rel_spec) }}" % json.dumps(case_id)}})
    task = {"name": "case %s" % case_id, "tencent.qcloud.%s" % module: args, "register": "rel_r", "ignore_errors": True}
    if environment:
        task["environment"] = environment
    if check_mode:
        task["check_mode"] = True
    tasks.append(task)
    tasks.append({"name": "collect %s" % case_id,
                  "ansible.builtin.set_fact": {"rel_c": "{{ lookup('sim_ctl', %s, case=%s, result=rel_r) }}" % (
                      json.dumps("collect" if collect else "record"), json.dumps(case_id))}})
    return tasks


def chain_tasks(cases):
    """Cases [(id, module, args, spec, environment)] as one task per module run plus one controller-side
    step between runs (collect the last case, arrange the next): two tasks per case."""
    tasks = []
    for index, (case_id, module, args, spec, environment) in enumerate(cases):
        if index == 0:
            tasks.append({"name": "arrange %s" % case_id, "vars": {"rel_spec": spec},
                          "ansible.builtin.set_fact": {"rel_a": "{{ lookup('sim_ctl', 'arrange', case=%s, spec=rel_spec) }}" % json.dumps(case_id)}})
        task = {"name": "case %s" % case_id, "tencent.qcloud.%s" % module: args, "register": "rel_r", "ignore_errors": True}
        if environment:
            task["environment"] = environment
        tasks.append(task)
        nxt = cases[index + 1] if index + 1 < len(cases) else None
        tasks.append({"name": "collect %s" % case_id, "vars": {"rel_spec": nxt[3] if nxt else None},
                      "ansible.builtin.set_fact": {"rel_c": "{{ lookup('sim_ctl', 'step', case=%s, result=rel_r, next=%s, spec=rel_spec, settle=%s) }}" % (
                          json.dumps(case_id), json.dumps(nxt[0]) if nxt else "none", float((spec or {}).get("settle") or 0))}})
    return tasks


def write_playbook(name, tasks, defaults=None):
    os.makedirs(WORK, exist_ok=True)
    play = {"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}
    if defaults:
        play["module_defaults"] = {"group/tencent.qcloud.qcloud": defaults}
    path = os.path.join(WORK, name + ".yml")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump([play], fh, indent=1)  # JSON is YAML: strings with newlines and unicode survive as they are
    return path


def playbook_env(sim, results):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
        "ANSIBLE_LOOKUP_PLUGINS": LOOKUPS,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_PIPELINING": "true",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "REL_SIM_URL": sim.url,
        "REL_SIM_CA": sim.ca,
        "REL_RESULTS": results,
    })
    for var in [k for k in env if k.startswith("TENCENTCLOUD_")]:
        del env[var]  # keys and region come from the tasks only
    return env


def start_playbook(name, path, sim, options=()):
    """Start ansible-playbook in the background; returns (process, results file, log file)."""
    os.makedirs(LOGS, exist_ok=True)
    results = os.path.join(WORK, name + ".results.jsonl")
    if os.path.exists(results):
        os.remove(results)
    log_path = os.path.join(LOGS, name + ".log")
    log = open(log_path, "wb")  # pylint: disable=consider-using-with  # closed by finish_playbook
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local"] + list(options) + [path]
    proc = subprocess.Popen(cmd, cwd=WORK, env=playbook_env(sim, results), stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT)
    return {"proc": proc, "results": results, "log": log, "log_path": log_path, "start": time.monotonic(), "name": name}


def finish_playbook(run, timeout=600):
    try:
        rc = run["proc"].wait(timeout=timeout)
    finally:
        if run["proc"].poll() is None:
            run["proc"].kill()
            run["proc"].wait()
        run["log"].close()
    records = {}
    if os.path.exists(run["results"]):
        with open(run["results"], encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if "arranged" in rec:  # the arrange step of a case: its start time
                    records.setdefault(rec["case"], {})["arranged"] = rec["arranged"]
                    continue
                rec = dict(records.get(rec["case"], {}), **rec)
                if "arranged" in rec:
                    rec["elapsed"] = rec["end"] - rec["arranged"]
                records[rec["case"]] = rec
    with open(run["log_path"], encoding="utf-8", errors="replace") as fh:
        output = fh.read()
    return {"rc": rc, "records": records, "output": output, "seconds": time.monotonic() - run["start"], "name": run["name"]}


def run_playbook(name, tasks, sim, defaults=None, options=()):
    return finish_playbook(start_playbook(name, write_playbook(name, tasks, defaults), sim, options))


def assert_clean(result, output=None):
    """No traceback, no module crash: a failure is a mapped sentence."""
    text = json.dumps(result)
    assert not TRACEBACK.search(text), "traceback or module crash in %s" % text[:2000]
    # ansible-core 2.19+ adds exception "(traceback unavailable)" to every failure without a traceback
    assert result.get("exception") in (None, "(traceback unavailable)"), result.get("exception")
    if result.get("failed"):
        msg = result.get("msg") or ""
        assert msg and "\n" not in msg.strip(), "not one clear sentence: %r" % msg
    if output is not None:
        assert not TRACEBACK.search(output), "traceback in the playbook output"
