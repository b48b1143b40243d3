#!/usr/bin/env python
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make soak: 2,000 attach/detach/move operations of qcloud_eni_attach over 100 ENIs, against the
simulator with Tencent's rate limits on and about 5% of API calls faulted, in under 15 minutes.

One ansible-playbook, one host per ENI (strategy free, --forks), each host looping over its 20
operations; even ENIs speak API 3.0, odd ones API 2.0. A thread queues random retryable faults
(HTTP 5xx, reset, malformed, truncated, short delays, RequestLimitExceeded, InternalError, Mutex)
at 5% of the request rate it measures. At the end: every ENI must be in the last state asked for,
the writes the simulator applied must equal the writes the operations needed (no duplicate),
and no output may hold a traceback. Prints operations, faults injected, throttled calls, retries,
failures, duplicate writes and wall time; exit 1 if an expectation fails.

  python hack/soak.py [--enis 100] [--ops 20] [--forks 12] [--fault-rate 0.05] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "reliability"))

import relhelp  # noqa: E402  pylint: disable=wrong-import-position

SIM_DIR = os.path.join(ROOT, "build", "sim-soak")
LOGS = os.path.join(ROOT, "build", "logs", "soak")
N_INSTANCES = 50
FAULTS = [
    {"fault": "http_500"}, {"fault": "http_502"}, {"fault": "http_503"}, {"fault": "reset"},
    {"fault": "malformed"}, {"fault": "truncated"}, {"fault": "delay", "seconds": 0.5},
    {"fault": "error", "code": "RequestLimitExceeded"}, {"fault": "error", "code": "InternalError"},
    # a busy answer: API 2.0's 5100 anywhere; in API 3.0 only writes document one (the simulator refuses
    # an undocumented code for the action), so the 3.0 busy fault goes to the writes only
    {"fault": "error", "code": "UnsupportedOperation.MutexOperationTaskRunning", "protocol": "2.0"},
    {"fault": "error", "code": "UnsupportedOperation.IdempotentProcessing", "protocol": "3.0",
     "actions": ["AttachNetworkInterface", "DetachNetworkInterface"]},
]
ACTIONS = ["DescribeNetworkInterfaces", "AttachNetworkInterface", "DetachNetworkInterface", "DescribeVpcTaskResult"]
# What the simulator answers a throttled call (its throttle_code: per action, either code)
THROTTLED = ("RequestLimitExceeded", "LimitExceeded.ActionLimited")


def eni_id(i):
    return "eni-soak%04d" % i


def ins_id(j):
    return "ins-soak%04d" % j


def candidates(i):
    # each instance is a candidate of at most 4 ENIs: 4 + its primary <= 8 (S5.LARGE8)
    return [ins_id(i % N_INSTANCES), ins_id((i + N_INSTANCES // 2) % N_INSTANCES)]


def build_world(sim, n_enis):
    world = sim.state()
    for key in ("tasks", "config"):
        world.pop(key, None)
    base = dict(region="ap-guangzhou", zone="ap-guangzhou-3", vpc_id="vpc-gz000001", subnet_id="subnet-gz3a0001")
    for j in range(N_INSTANCES):
        world["instances"].append(dict(base, instance_id=ins_id(j), state="RUNNING", instance_type="S5.LARGE8"))
        world["enis"].append(dict(base, eni_id="eni-sprm%04d" % j, name="soak-primary-%d" % j, description="", primary=True,
                                  mac="20:90:6F:30:%02X:%02X" % (j // 256, j % 256), private_ip="10.0.3.%d" % (j + 1),
                                  created_time="2024-01-02 03:04:05", instance_id=ins_id(j), device_index=0,
                                  attach_time="2024-01-02 03:05:00", attach_type=0, empty_attachment=False))
    for i in range(n_enis):
        world["enis"].append(dict(base, eni_id=eni_id(i), name="soak-%d" % i, description="", primary=False,
                                  mac="20:90:6F:40:%02X:%02X" % (i // 256, i % 256), private_ip="10.0.4.%d" % (i % 250 + 1),
                                  created_time="2024-01-02 03:04:05", instance_id=None, device_index=None,
                                  attach_time=None, attach_type=0, empty_attachment=False))
    sim.call("/_sim/world", world)


def plan(n_enis, n_ops, rng):
    """{host: (eni, protocol, [op])} and the writes each ENI needs, computed from its sequence."""
    hosts, needed, final = {}, {}, {}
    for i in range(n_enis):
        ops, holder, writes = [], None, 0
        for dummy in range(n_ops):
            if rng.random() < 0.3:
                ops.append({"state": "absent"})
                writes += 1 if holder else 0
                holder = None
            else:
                target = rng.choice(candidates(i))
                ops.append({"state": "present", "instance_id": target})
                writes += 0 if holder == target else (1 if holder is None else 2)
                holder = target
        hosts["e%03d" % i] = {"eni": eni_id(i), "api": "3.0" if i % 2 == 0 else "2.0", "ops": ops}
        needed[eni_id(i)], final[eni_id(i)] = writes, holder
    return hosts, needed, final


class FaultInjector(threading.Thread):
    """Queues random faults at `rate` times the request rate measured over the last period."""

    def __init__(self, sim, rate, rng, period=5.0):
        super().__init__(daemon=True)
        self.sim, self.rate, self.rng, self.period = sim, rate, rng, period
        self.stop = threading.Event()
        self.queued = 0

    def run(self):
        last_seq, per_second = 0, 20.0
        while not self.stop.is_set():
            started = time.monotonic()
            want = self.rate * per_second * self.period
            count = int(want) + (1 if self.rng.random() < want - int(want) else 0)
            for dummy in range(count):
                if self.stop.wait(self.period / max(count, 1)):
                    return
                spec = dict(self.rng.choice(FAULTS))
                spec["action"] = self.rng.choice(spec.pop("actions", ACTIONS))
                self.sim.call("/_sim/faults", spec)
                self.queued += 1
            self.stop.wait(max(0.0, self.period - (time.monotonic() - started)))
            new = self.sim.call("/_sim/requests?since=%d" % last_seq)["requests"]  # only the new ones
            per_second = max(1.0, len(new) / max(0.1, time.monotonic() - started))
            last_seq = new[-1]["seq"] if new else last_seq


def playbook(hosts):
    inventory = {"all": {"hosts": {name: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                                          "eni": h["eni"], "api": h["api"], "ops": h["ops"]} for name, h in hosts.items()}}}
    task = {
        "name": "operation",
        "tencent.qcloud.qcloud_eni_attach": {
            "network_interface_id": "{{ eni }}", "vpc_id": "vpc-gz000001", "state": "{{ item.state }}",
            "instance_id": "{{ item.instance_id | default(omit) }}", "force": True, "api_version": "{{ api }}",
            "api_retries": 10, "api_timeout": 5, "wait_timeout": 120,
        },
        "loop": "{{ ops }}", "register": "soak_r", "ignore_errors": True,
    }
    record = {"name": "record", "ansible.builtin.set_fact": {
        "soak_c": "{{ lookup('sim_ctl', 'record', case=inventory_hostname, result=soak_r) }}"}}
    return inventory, [{"name": "soak", "hosts": "all", "gather_facts": False, "strategy": "free", "tasks": [task, record]}]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enis", type=int, default=100)
    parser.add_argument("--ops", type=int, default=20)
    parser.add_argument("--forks", type=int, default=12)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--limit-seconds", type=float, default=900)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    os.makedirs(LOGS, exist_ok=True)
    os.makedirs(relhelp.WORK, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "hack", "sim.py"), "start", SIM_DIR, "--task-seconds", "0.3",
                    "--rate-limits", "on"], check=True)
    try:
        sim = relhelp.Sim(SIM_DIR)
        build_world(sim, args.enis)
        sim.call("/_sim/requests", method="DELETE")
        hosts, needed, final = plan(args.enis, args.ops, rng)
        inventory, play = playbook(hosts)
        inv_path = os.path.join(relhelp.WORK, "soak-inventory.json")
        with open(inv_path, "w", encoding="utf-8") as fh:
            json.dump(inventory, fh)
        path = os.path.join(relhelp.WORK, "soak.yml")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump([dict(play[0], module_defaults={"group/tencent.qcloud.qcloud": relhelp.connection(sim)})], fh, indent=1)
        results = os.path.join(relhelp.WORK, "soak.results.jsonl")
        if os.path.exists(results):
            os.remove(results)
        env = relhelp.playbook_env(sim, results)
        injector = FaultInjector(sim, args.fault_rate, rng)
        started = time.monotonic()
        injector.start()
        with open(os.path.join(LOGS, "soak-playbook.log"), "wb") as log:
            proc = subprocess.run([os.path.join(relhelp.BIN, "ansible-playbook"), "-i", inv_path, "--forks", str(args.forks), path],
                                  cwd=relhelp.WORK, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        wall = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # ansible-playbook, its workers and the modules
        cpu = usage.ru_utime + usage.ru_stime
        injector.stop.set()
        injector.join()
        sim.call("/_sim/faults", method="DELETE")
        log_entries = sim.requests()
        state = sim.state()
    finally:
        subprocess.run([sys.executable, os.path.join(ROOT, "hack", "sim.py"), "stop", SIM_DIR], check=False)

    with open(os.path.join(LOGS, "soak-playbook.log"), encoding="utf-8", errors="replace") as fh:
        output = fh.read()
    items, failures = 0, []
    if os.path.exists(results):
        with open(results, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                for item in (rec["result"] or {}).get("results", []):
                    items += 1
                    if item.get("failed"):
                        failures.append("%s %s: %s" % (rec["case"], item.get("item"), item.get("msg")))
    holders = {e["eni_id"]: e["instance_id"] for e in state["enis"]}
    wrong_state = ["%s is %s, asked %s" % (e, holders.get(e), want) for e, want in final.items() if holders.get(e) != want]
    applied = {}
    for task in state["tasks"]:
        if task["status"] == "SUCCESS":
            applied[task["eni_id"]] = applied.get(task["eni_id"], 0) + 1
    duplicates = sum(max(0, applied.get(e, 0) - n) for e, n in needed.items())
    missing = sum(max(0, n - applied.get(e, 0)) for e, n in needed.items())
    faulted = sum(1 for r in log_entries if r["fault"])
    throttled = sum(1 for r in log_entries if r["outcome"] in THROTTLED and not r["fault"])
    retryable = re.compile(r"^(RequestLimitExceeded|LimitExceeded\.ActionLimited|InternalError"
                           r"|UnsupportedOperation\.(MutexOperationTaskRunning|IdempotentProcessing)"
                           r"|UnsupportedOperation\.InvalidState|UnsupportedOperation\.ResourceIsInvalidState|5100|6000)")
    retries = sum(1 for r in log_entries if r["fault"] or retryable.match(str(r["outcome"])))
    tracebacks = len(re.findall(r"Traceback \(most recent call last\)|MODULE FAILURE", output))
    figures = [
        ("operations", items), ("API calls", len(log_entries)), ("faults injected", faulted),
        ("fault rate", "%.1f%%" % (100.0 * faulted / max(1, len(log_entries)))), ("throttled by rate limits", throttled),
        ("retries (calls answered with a fault or a retryable error)", retries), ("writes applied", sum(applied.values())),
        ("writes needed", sum(needed.values())), ("duplicate writes", duplicates), ("failures (unexpected)", len(failures)),
        ("ENIs not in the last state asked", len(wrong_state)), ("tracebacks", tracebacks), ("wall time", "%.0f s" % wall),
        ("CPU time of Ansible and the modules (per operation)", "%.0f s (%.2f s)" % (cpu, cpu / max(1, items))),
    ]
    print("\nsoak figures")
    for name, value in figures:
        print("  %-60s %s" % (name, value))
    for line in (failures[:10] + wrong_state[:10]):
        print("  ! " + line)
    ok = (proc.returncode == 0 and items == args.enis * args.ops and not failures and not wrong_state
          and duplicates == 0 and missing == 0 and tracebacks == 0 and wall < args.limit_seconds)
    print("soak: %s (ansible-playbook exit %d; log build/logs/soak/soak-playbook.log)" % ("PASS" if ok else "FAIL", proc.returncode))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
