# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API calls of each tencent.qcloud.qcloud_eni operation, and create-then-attach end to end.

    .venv/bin/python bench/eni_ops.py [--task-seconds 2]

Runs each operation once, in order, as an AnsiballZ file against the simulator (tasks take
--task-seconds, 2 s by default, like the rest of the bench's item 1), counts its calls by action
from the simulator's request log, checks each against its goal (a no-op is one call), and times
create-then-attach (qcloud_eni, then qcloud_eni_attach) from the first call to the attached ENI.
Prints a table and writes build/bench/eni-ops.json. Needs only the project venv (no moto, no
matplotlib); about a minute. Not yet part of bench/report.py's page.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import log  # noqa: E402

ENI = "tencent.qcloud.qcloud_eni"
ATTACH = "tencent.qcloud.qcloud_eni_attach"
NAME = {"name": "bench-eth1", "subnet_id": "subnet-gz3a0001"}
FULL = dict(NAME, description="bench", security_group_ids=["sg-web00001", "sg-app00001"],
            private_ip_addresses=["10.0.1.101", "10.0.1.102"], tags={"owner": "bench"})
WRITES = ("CreateNetworkInterface", "ModifyNetworkInterfaceAttribute", "AssignPrivateIpAddresses",
          "UnassignPrivateIpAddresses", "DeleteNetworkInterface", "ModifyResourceTags", "AttachNetworkInterface",
          "DetachNetworkInterface")

# (operation, module, args, check mode, goal: {action: exact count} (None: any), reads at most)
OPS = [
    ("check mode (create)", ENI, FULL, True, {"DescribeNetworkInterfaces": 1, "DescribeSubnets": 1, "DescribeSecurityGroups": 1}),
    ("create", ENI, FULL, False, {"CreateNetworkInterface": 1, "DescribeSubnets": 1, "DescribeSecurityGroups": 1}),
    ("no-op", ENI, FULL, False, {"DescribeNetworkInterfaces": 1}),
    ("add an address", ENI, dict(NAME, private_ip_addresses=["10.0.1.101", "10.0.1.102", "10.0.1.103"]), False,
     {"AssignPrivateIpAddresses": 1}),
    ("purge addresses", ENI, dict(NAME, private_ip_addresses=["10.0.1.103"], purge_private_ip_addresses=True), False,
     {"UnassignPrivateIpAddresses": 1}),
    ("reorder groups", ENI, dict(NAME, security_group_ids=["sg-app00001", "sg-web00001"]), False,
     {"DescribeNetworkInterfaces": 2, "DescribeSecurityGroups": 1, "ModifyNetworkInterfaceAttribute": 1}),
    ("change tags", ENI, dict(NAME, tags={"owner": "bench", "env": "prod"}), False,
     {"DescribeNetworkInterfaces": 2, "ModifyResourceTags": 1}),
    ("attach", ATTACH, {"instance_id": "ins-run00001"}, False, {"AttachNetworkInterface": 1}),
    ("delete (force)", ENI, dict(NAME, state="absent", force=True), False,
     {"DetachNetworkInterface": 1, "DeleteNetworkInterface": 1}),
    ("delete, gone", ENI, dict(NAME, state="absent"), False, {"DescribeNetworkInterfaces": 1}),
]


def count(requests):
    return dict(collections.Counter(r["action"] for r in requests))


def run_op(sim, template, args, check):
    path = lib.write_az("eni-%s" % re.sub(r"\W+", "_", json.dumps(args))[:60], lib.with_args(template, args, check=check, diff=check))
    sim.clear_requests()
    run = lib.run_measured([lib.PY, path], env=lib.ansible_env())
    return run, sim.requests()


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--task-seconds", type=float, default=2.0)
    args = p.parse_args(argv)
    os.makedirs(lib.OUT, exist_ok=True)
    lib.copy_collection()
    sim = lib.Sim("eni-ops", task_seconds=args.task_seconds)
    rows = []
    try:
        templates = {ENI: lib.build_ansiballz(ENI, dict(sim.module_args(), **NAME), {}),
                     ATTACH: lib.build_ansiballz(ATTACH, dict(sim.module_args(), network_interface_id="eni-free0001",
                                                              instance_id="ins-run00001"))}
        sim.reset()
        eni_id = None
        walls = {}
        for name, module, op_args, check, goal in OPS:
            full = dict(sim.module_args(), **op_args)
            if module == ATTACH:
                full["network_interface_id"] = eni_id
            run, requests = run_op(sim, templates[module], full, check)
            result = run["result"]
            if name == "create":
                eni_id = (result.get("network_interface") or {}).get("network_interface_id")
            calls = count(requests)
            met = not result.get("failed") and all(calls.get(a, 0) == n for a, n in goal.items())
            if name in ("no-op", "delete, gone", "check mode (create)"):
                met = met and not [r for r in requests if r["action"] in WRITES]
                met = met and len(requests) == sum(goal.values())
            row = {"op": name, "calls": calls, "total": len(requests), "goal": goal, "met": met,
                   "changed": result.get("changed"), "failed": bool(result.get("failed")), "msg": result.get("msg"),
                   "wall": round(run["wall"], 3)}
            walls[name] = run["wall"]
            if name == "attach":  # the two runs a user makes: the module's start-up, calls and waits
                row["create_then_attach_seconds"] = round(walls["create"] + walls["attach"], 3)
            rows.append(row)
            log("%-20s %-3s %s" % (name, "ok" if met else "NO", calls))
    finally:
        sim.stop()
    out = {"task_seconds": args.task_seconds, "rows": rows}
    with open(os.path.join(lib.OUT, "eni-ops.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    print("%-20s %6s %5s  %s" % ("qcloud_eni operation", "calls", "goal", "calls by action"))
    for row in rows:
        print("%-20s %6d %5s  %s" % (row["op"], row["total"], "met" if row["met"] else "MISS",
                                     ", ".join("%s %d" % kv for kv in sorted(row["calls"].items()))))
    attach = [r for r in rows if "create_then_attach_seconds" in r][0]
    print("create then attach, end to end (tasks of %.1f s): %.2f s" % (args.task_seconds, attach["create_then_attach_seconds"]))
    return 0 if all(r["met"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
