# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: the speed figures of tencent.qcloud.qcloud_eni_attach, against the simulator and
side by side with amazon.aws.ec2_eni on a local moto server, and of the inventory plugin
tencent.qcloud.qcloud_cvm side by side with amazon.aws.aws_ec2 (item 8), and the calls of each qcloud_eni
operation (item 9, bench/eni_ops.py). Offline, loopback only; the whole run fits in 20 minutes.

    .venv-bench/bin/python bench/bench.py [--quick] [--only 1,2,3,4,5,6,7,8,9] [--no-docs]

Writes build/bench/results.json (and bench/results.json, the figures behind docs/benchmarks.md),
docs/benchmarks-*.png, refreshes docs/benchmarks.md and prints one table.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import log, median  # noqa: E402

OURS = "tencent.qcloud.qcloud_eni_attach"


# -- the wait schedules ----------------------------------------------------------------------

def shipped_defaults(name):
    """The keyword defaults of function `name` in _watch.py, read from the source the bench runs."""
    path = os.path.join(lib.ROOT, "plugins", "module_utils", "_watch.py")
    with open(path) as fh:
        tree = ast.parse(fh.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            names = [a.arg for a in node.args.args]
            values = [ast.literal_eval(d) for d in node.args.defaults]
            return dict(zip(names[len(names) - len(values):], values))
    raise RuntimeError("no %s() in %s: update bench/bench.py" % (name, path))


def look_times(first, ratio, cap, horizon=400.0):
    """When the looks at the ENI fall, from the write, with look_delays(first, ratio, cap) (API 3.0)."""
    t, out = 0.0, []
    while t < horizon:
        t += min(cap, max(first, ratio * t))
        out.append(t)
    return out


def poll_times(first, factor, cap, horizon=400.0):
    """When the task polls fall with poll_delays(first, factor, cap) (API 2.0; API 3.0 before the ENI watch)."""
    t, d, out = 0.0, first, []
    while t < horizon:
        t += d
        out.append(t)
        d = min(cap, d * factor)
    return out


TAIL = 0.08  # the last look and the module's exit, in the model below
GRID = [0.3 + i * 0.02 for i in range(2986)]  # task durations 0.3 .. 60 s


def _first_after(ts, d):
    i = bisect.bisect_left(ts, d)
    return i + 1, ts[i] - d


def _within_goal(ts, d):
    return _first_after(ts, d)[1] + TAIL <= max(0.25, 0.1 * d)


def schedule_stats(ts, durations):
    """Calls and overshoot of a schedule alone (no request time) at each duration, and over durations of
    0.3..60 s the share within the overshoot goal (with TAIL for the last calls) and the worst overshoot
    from 2.5 s on, as a share of the duration."""
    per = {}
    for d in durations:
        calls, over = _first_after(ts, d)
        per[str(d)] = {"calls": calls, "overshoot": round(over, 3)}
    share = sum(1 for d in GRID if _within_goal(ts, d)) / len(GRID)
    worst = max(_first_after(ts, d)[1] / d for d in GRID if d >= 2.5)
    return {"per_duration": per, "share_of_durations_within_goal": round(share, 3),
            "worst_overshoot_share_2_5_to_60s": round(worst, 3)}


# -- item 1: API calls per operation ---------------------------------------------------------

OPS = [
    ("no-op", {"network_interface_id": "eni-held0001", "instance_id": "ins-run00002"}, False),
    ("check mode", {"network_interface_id": "eni-free0001", "instance_id": "ins-run00003"}, True),
    ("attach", {"network_interface_id": "eni-free0001", "instance_id": "ins-run00003"}, False),
    ("detach", {"network_interface_id": "eni-held0001", "state": "absent"}, False),
    ("move (force)", {"network_interface_id": "eni-held0001", "instance_id": "ins-run00003", "force": True}, False),
]


def count_calls(reqs):
    c = {"describe": 0, "write": 0, "polls": 0, "total": len(reqs), "throttled": 0}
    for r in reqs:
        a = r["action"]
        if r.get("outcome") in ("RequestLimitExceeded", "LimitExceeded.ActionLimited"):
            c["throttled"] += 1
        if a == "DescribeNetworkInterfaces":
            c["describe"] += 1
        elif a in ("AttachNetworkInterface", "DetachNetworkInterface"):
            c["write"] += 1
        elif a == "DescribeVpcTaskResult":
            c["polls"] += 1
    return c


def item1(tmpl, sim):
    rows = []
    for proto in ("3.0", "2.0"):
        for name, args, check in OPS:
            a = dict(sim.module_args(), **args)
            if proto == "2.0":
                a.update(api_version="2.0", vpc_id="vpc-gz000001")
            path = lib.write_az("ops-%s-%s" % (proto, re.sub(r"\W+", "_", name)), lib.with_args(tmpl, a, check=check, diff=check))
            sim.reset()
            r = lib.run_measured([lib.PY, path], env=lib.ansible_env())
            c = count_calls(sim.requests())
            res = r["result"]
            writes = 2 if name == "move (force)" else 1
            if name in ("no-op", "check mode"):
                goal, met = "1 call", c["total"] == 1
            elif proto == "3.0":  # the looks at the ENI are describes; the last one confirms
                goal = "1 describe + %d write%s + looks, 0 polls" % (writes, "s" if writes > 1 else "")
                met = c["write"] == writes and c["polls"] == 0 and c["describe"] >= 1 + writes
            elif writes == 2:
                goal, met = "2 describes + 2 writes + polls", c["describe"] == 2 and c["write"] == 2
            else:
                goal, met = "1 describe + 1 write + polls + 1 describe", c["describe"] == 2 and c["write"] == 1
            rows.append(dict(protocol=proto, op=name, calls=c, goal=goal, met=met and not res.get("failed"),
                             changed=res.get("changed"), failed=bool(res.get("failed")), wall=round(r["wall"], 3)))
            log("item 1: %s %-13s %s changed=%s failed=%s" % (proto, name, c, res.get("changed"), res.get("failed")))
    return rows


# -- item 2: wait latency --------------------------------------------------------------------

DURATIONS = [0.5, 2, 5, 15, 60]


def latency_run(sim, path):
    """One timed module run: from the task's SUCCESS (`ends_at` in /_sim/state) to the module's exit."""
    sim.clear_requests()
    r = lib.run_measured([lib.PY, path], env=lib.ansible_env())
    task = sim.tasks()[-1]
    log = sim.requests()
    polls = sum(1 for q in log if q["action"] == "DescribeVpcTaskResult")
    written = min((q["seq"] for q in log if q["action"] in ("AttachNetworkInterface", "DetachNetworkInterface")), default=0)
    looks = sum(1 for q in log if q["action"] == "DescribeNetworkInterfaces" and q["seq"] > written)
    return {"overshoot": r["ended"] - task["ends_at"], "polls": polls, "looks": looks, "status": task["status"],
            "failed": bool(r["result"].get("failed")), "wall": r["wall"]}


def latency_sequential(tmpl, duration, reps, out):
    """Short tasks: one simulator, eni-free0001 attached and detached by turns, one run at a time
    (many module start-ups at once would load the two cores and lengthen the last calls)."""
    sim = lib.Sim("lat-%s" % duration, task_seconds=duration)
    try:
        base = dict(sim.module_args(), network_interface_id="eni-free0001")
        att = lib.write_az("lat-%s-attach" % duration, lib.with_args(tmpl, dict(base, instance_id="ins-run00003")))
        det = lib.write_az("lat-%s-detach" % duration, lib.with_args(tmpl, dict(base, state="absent")))
        out[duration] = [latency_run(sim, att if i % 2 == 0 else det) for i in range(reps)]
    except Exception as exc:  # reported in the table as 0 samples
        log("item 2 %s s: %r" % (duration, exc))
    finally:
        sim.stop()


def latency_parallel(tmpl, duration, reps, out):
    """Long tasks: one simulator per run, all runs at once, started 1 s apart so that their last
    calls do not meet on the CPU; a module waiting on a 15 or 60 s task mostly sleeps."""
    samples = []

    def one(i):
        time.sleep(i)
        sim = lib.Sim("lat-%s-%d" % (duration, i), task_seconds=duration)
        try:
            args = dict(sim.module_args(), network_interface_id="eni-free0001", instance_id="ins-run00003")
            if i % 2:  # every other run detaches the ENI the default world has attached
                args = dict(sim.module_args(), network_interface_id="eni-held0001", state="absent")
            samples.append(latency_run(sim, lib.write_az("lat-%s-%d" % (duration, i), lib.with_args(tmpl, args))))
        except Exception as exc:  # reported in the table as fewer samples
            log("item 2 %s s, run %d: %r" % (duration, i, exc))
        finally:
            sim.stop()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(reps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out[duration] = samples


def item2_long(tmpl, quick, out):
    """The 15 s and 60 s tasks in the background: together they take about as long as one 60 s run."""
    reps = {15: 4, 60: 3} if not quick else {15: 1, 60: 1}
    threads = [threading.Thread(target=latency_parallel, args=(tmpl, d, reps[d], out)) for d in (60, 15)]
    for t in threads:
        t.start()
    return threads


def item2_short(tmpl, quick, out):
    reps = {0.5: 7, 2: 7, 5: 5} if not quick else {0.5: 3, 2: 3, 5: 2}
    for d in (0.5, 2, 5):
        latency_sequential(tmpl, d, reps[d], out)


def summarise_latency(out):
    rows = []
    for d in DURATIONS:
        s = out.get(d, [])
        over = median([x["overshoot"] for x in s])
        limit = max(0.25, 0.1 * d)
        polls = max([x["polls"] for x in s] or [0])
        looks = max([x.get("looks", 0) for x in s] or [0])
        rows.append({"duration": d, "samples": len(s), "median_overshoot": round(over, 3) if over is not None else None,
                     "max_overshoot": round(max(x["overshoot"] for x in s), 3) if s else None,
                     "goal_overshoot": limit, "polls": polls, "looks": looks,
                     "met_overshoot": over is not None and over <= limit,
                     "met_polls": d != 60 or polls <= 12,
                     "failures": sum(1 for x in s if x["failed"] or x["status"] != "SUCCESS")})
    return rows


# -- items 3 and 4: one module process -------------------------------------------------------

def measure_cases(cases, reps, before=None):
    """cases: [(name, argv, env)], run interleaved `reps` times; medians of wall, CPU, peak RSS."""
    raw = {case[0]: [] for case in cases}
    for i in range(reps):
        for name, argv, env in cases:
            if before:
                before(name)
            r = lib.run_measured(argv, env=env)
            if r["result"].get("failed"):
                raise RuntimeError("%s failed: %s" % (name, json.dumps(r["result"])[:1500]))
            raw[name].append(r)
    out = {}
    for name, rs in raw.items():
        out[name] = {"wall": round(median([r["wall"] for r in rs]), 4), "cpu": round(median([r["cpu"] for r in rs]), 4),
                     "rss_mib": round(median([r["rss_mib"] for r in rs]), 1), "runs": len(rs),
                     "changed": rs[0]["result"].get("changed")}
    return out


def item3(tmpl, ping_tmpl, sim, reps):
    noop = lib.write_az("overhead-noop", lib.with_args(tmpl, dict(sim.module_args(), network_interface_id="eni-held0001",
                                                                  instance_id="ins-run00002")))
    ping = lib.write_az("overhead-ping", lib.with_args(ping_tmpl, {}))
    floor = [lib.PY, os.path.join(lib.ROOT, "bench", "floor.py"), sim.url, sim.cafile, "eni-held0001"]
    env = lib.ansible_env()
    sim.reset()
    m = measure_cases([("ours (no-op)", [lib.PY, noop], env), ("ansible.builtin.ping", [lib.PY, ping], env),
                       ("floor (requests + 1 call)", floor, env), ("floor, http.client instead of requests", floor + ["stdlib"], env)],
                      reps)
    o, p, f = m["ours (no-op)"], m["ansible.builtin.ping"], m["floor (requests + 1 call)"]
    return {"cases": m, "ratio_ping_wall": round(o["wall"] / p["wall"], 2), "ratio_floor_wall": round(o["wall"] / f["wall"], 2),
            "ratio_ping_cpu": round(o["cpu"] / p["cpu"], 2), "ratio_floor_cpu": round(o["cpu"] / f["cpu"], 2),
            "ratio_ping_rss": round(o["rss_mib"] / p["rss_mib"], 2), "ratio_floor_rss": round(o["rss_mib"] / f["rss_mib"], 2),
            "met_wall": o["wall"] <= 1.5 * p["wall"], "met_rss": o["rss_mib"] <= 40,
            "requests_import_cpu": round(f["cpu"] - m["floor, http.client instead of requests"]["cpu"], 4),
            "requests_import_wall": round(f["wall"] - m["floor, http.client instead of requests"]["wall"], 4)}


class Moto:
    def __init__(self):
        self.port = lib.free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        exe = os.path.join(os.path.dirname(lib.PY), "moto_server")
        self.log = open(os.path.join(lib.OUT, "moto.log"), "ab")
        self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)], stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     env=dict(os.environ, **self.env()))
        import boto3  # noqa: E402
        deadline = time.time() + 60
        while True:
            try:
                self.ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=self.url,
                                        aws_access_key_id="testing", aws_secret_access_key="testing")
                self.ec2.describe_vpcs()
                break
            except Exception:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("moto_server did not start; see build/bench/moto.log")
                time.sleep(0.2)
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        ami = self.ec2.describe_images()["Images"][0]["ImageId"]
        self.instance = self.ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.large",
                                               SubnetId=self.subnet)["Instances"][0]["InstanceId"]
        self.eni_held = self.ec2.create_network_interface(SubnetId=self.subnet)["NetworkInterface"]["NetworkInterfaceId"]
        self.ec2.attach_network_interface(NetworkInterfaceId=self.eni_held, InstanceId=self.instance, DeviceIndex=1)
        self.eni_free = self.ec2.create_network_interface(SubnetId=self.subnet)["NetworkInterface"]["NetworkInterfaceId"]

    @staticmethod
    def env():
        return {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_EC2_METADATA_DISABLED": "true", "NO_PROXY": "127.0.0.1,localhost"}

    def args(self, eni, index):
        return {"eni_id": eni, "instance_id": self.instance, "device_index": index, "attached": True,
                "state": "present", "region": "us-east-1", "endpoint_url": self.url}

    def detach_free(self):
        eni = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[self.eni_free])["NetworkInterfaces"][0]
        if eni.get("Attachment"):
            self.ec2.detach_network_interface(AttachmentId=eni["Attachment"]["AttachmentId"], Force=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


class Peer:
    """The moto server and the AnsiballZ file of amazon.aws.ec2_eni, made in a background thread
    (started while item 1, which only counts calls, runs) and ready for item 4."""

    def __init__(self):
        self.moto = self.tmpl = self.error = None
        self.thread = threading.Thread(target=self._start)
        self.thread.start()

    def _start(self):
        try:
            self.moto = Moto()
            self.tmpl = lib.build_ansiballz("amazon.aws.ec2_eni", self.moto.args(self.moto.eni_held, 1), env_extra=Moto.env())
        except Exception as exc:  # raised again by ready()
            self.error = exc

    def ready(self):
        self.thread.join()
        if self.error:
            raise self.error
        return self.moto, self.tmpl

    def stop(self):
        self.thread.join()
        if self.moto:
            self.moto.stop()


def item4(tmpl, reps, moto, their_tmpl):
    """Ours on the simulator over plain HTTP, tasks instant; theirs on moto over plain HTTP (same transport)."""
    sim = lib.Sim("peer", task_seconds=0, http=True)
    try:
        env = lib.ansible_env(Moto.env())
        moto.detach_free()
        ours_noop = lib.write_az("peer-ours-noop", lib.with_args(tmpl, dict(sim.module_args(), network_interface_id="eni-held0001",
                                                                            instance_id="ins-run00002")))
        ours_att = lib.write_az("peer-ours-attach", lib.with_args(tmpl, dict(sim.module_args(), network_interface_id="eni-free0001",
                                                                             instance_id="ins-run00003")))
        their_noop = lib.write_az("peer-theirs-noop", lib.with_args(their_tmpl, moto.args(moto.eni_held, 1)))
        their_att = lib.write_az("peer-theirs-attach", lib.with_args(their_tmpl, moto.args(moto.eni_free, 2)))

        def before(name):
            if name == "ours attach":
                sim.reset()
            elif name == "amazon.aws.ec2_eni attach":
                moto.detach_free()
        m = measure_cases([("ours no-op", [lib.PY, ours_noop], env), ("amazon.aws.ec2_eni no-op", [lib.PY, their_noop], env),
                           ("ours attach", [lib.PY, ours_att], env), ("amazon.aws.ec2_eni attach", [lib.PY, their_att], env)],
                          reps, before=before)
    finally:
        sim.stop()
    out = {"cases": m}
    for job in ("no-op", "attach"):
        o, t = m["ours " + job], m["amazon.aws.ec2_eni " + job]
        out[job] = {"ratio_wall": round(o["wall"] / t["wall"], 2), "ratio_cpu": round(o["cpu"] / t["cpu"], 2),
                    "ratio_rss": round(o["rss_mib"] / t["rss_mib"], 2),
                    "met": o["wall"] <= 0.5 * t["wall"] and o["rss_mib"] <= 0.5 * t["rss_mib"],
                    "ours_changed": o["changed"], "theirs_changed": t["changed"]}
    return out


# -- items 5 and 6: fleets -------------------------------------------------------------------

PLAYBOOK_ATTACH = """- name: Attach one ENI per host
  hosts: fleet
  gather_facts: false
  module_defaults:
    group/tencent.qcloud.qcloud:
      api_endpoint: "{{ sim_url }}"
      ca_bundle: "{{ sim_ca }}"
  tasks:
    - name: Attach
      tencent.qcloud.qcloud_eni_attach:
        network_interface_id: "{{ eni }}"
        instance_id: "{{ ins }}"
"""

PLAYBOOK = """- name: Attach then detach one ENI per host
  hosts: fleet
  gather_facts: false
  module_defaults:
    group/tencent.qcloud.qcloud:
      api_endpoint: "{{ sim_url }}"
      ca_bundle: "{{ sim_ca }}"
  tasks:
    - name: Attach
      tencent.qcloud.qcloud_eni_attach:
        network_interface_id: "{{ eni }}"
        instance_id: "{{ ins }}"
    - name: Detach
      tencent.qcloud.qcloud_eni_attach:
        network_interface_id: "{{ eni }}"
        state: absent
"""


def run_fleet(tag, sim, first, count, forks=50, playbook=PLAYBOOK):
    d = os.path.join(lib.OUT, "fleet")
    os.makedirs(d, exist_ok=True)
    inv = {"fleet": {"hosts": {}, "vars": {"ansible_connection": "local", "ansible_python_interpreter": lib.PY,
                                           "sim_url": sim.url, "sim_ca": sim.cafile}}}
    for i in range(first, first + count):
        eni, ins = lib.fleet_ids(i)
        inv["fleet"]["hosts"]["h%04d" % i] = {"eni": eni, "ins": ins}
    inv_path = os.path.join(d, "%s.json" % tag)
    with open(inv_path, "w") as fh:
        json.dump(inv, fh)
    pb = os.path.join(d, "attach.yml" if playbook is PLAYBOOK_ATTACH else "attach-detach.yml")
    with open(pb, "w") as fh:
        fh.write(playbook)
    exe = os.path.join(os.path.dirname(lib.PY), "ansible-playbook")
    logf = os.path.join(d, "%s.log" % tag)
    t0 = time.perf_counter()
    with open(logf, "w") as out:
        # Pipelining: the module is piped into python instead of written to a temp file first;
        # the same for every case, it only trims Ansible's own per-task cost on this 2-core machine.
        proc = subprocess.Popen([exe, "-i", inv_path, "-f", str(forks), pb], stdout=out, stderr=subprocess.STDOUT,
                                env=lib.ansible_env({"ANSIBLE_PIPELINING": "True"}), cwd=d)
        dummy, status, ru = os.wait4(proc.pid, 0)
        rc = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    text = open(logf).read()
    ok = failed = unreachable = 0
    for m in re.finditer(r"ok=(\d+)\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)", text):
        ok += int(m.group(1))
        unreachable += int(m.group(2))
        failed += int(m.group(3))
    return {"wall": round(wall, 2), "rc": rc, "hosts": count, "ok_tasks": ok, "failed": failed, "unreachable": unreachable,
            "cpu": round(ru.ru_utime + ru.ru_stime, 1)}


def fleet_case(tag, count, rate_limits, playbooks=1, playbook=PLAYBOOK):
    sim = lib.Sim("fleet-%s" % tag, task_seconds=2, rate_limits=rate_limits, world=lib.fleet_world(count * playbooks))
    try:
        load0 = lib.loadavg()
        results = [None] * playbooks
        threads = [threading.Thread(target=lambda k=k: results.__setitem__(k, run_fleet("%s-%d" % (tag, k), sim, k * count, count,
                                                                                        playbook=playbook)))
                   for k in range(playbooks)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        calls = count_calls(sim.requests())
    finally:
        sim.stop()
    out = {"count": count, "playbooks": playbooks, "rate_limits": rate_limits, "wall": round(wall, 2),
           "failed": sum(r["failed"] + r["unreachable"] for r in results), "rc": [r["rc"] for r in results],
           "cpu": round(sum(r["cpu"] for r in results), 1), "ops": "attach" if playbook is PLAYBOOK_ATTACH else "attach+detach",
           "calls": calls, "per_playbook_wall": [r["wall"] for r in results], "load_before": load0,
           "load_after": lib.loadavg()}
    # Every throttled answer was retried unless a host failed: then retries = throttled answers.
    out["retries"] = calls["throttled"] if out["failed"] == 0 else None
    log("fleet %s: %s" % (tag, json.dumps(out)))
    return out


def item5(quick, on):
    """Rate limits off, and two playbooks of half the hosts at once; `on` is item 7's forks run (the same
    200 hosts, 50 forks, limits on, attach then detach), which this item ran itself before item 7 existed."""
    n = on["count"]
    off = fleet_case("off", n, False)
    two = fleet_case("two", n // 2, True, playbooks=2)
    return {"off": off, "on": on, "two": two, "ratio_on_off": round(on["wall"] / off["wall"], 2),
            "ratio_two_on": round(two["wall"] / on["wall"], 2),
            "met": off["failed"] == on["failed"] == two["failed"] == 0 and on["wall"] <= 1.3 * off["wall"]}


def item8(quick):
    """The inventory of 500 and 5,000 instances, side by side with amazon.aws.aws_ec2 on moto (bench/inventory.py)."""
    import inventory
    return inventory.item8(quick)


def item9():
    """bench/eni_ops.py: each qcloud_eni operation once, its calls by action against its goal (about a minute)."""
    import eni_ops
    rc = eni_ops.main([])
    with open(os.path.join(lib.OUT, "eni-ops.json")) as fh:
        out = json.load(fh)
    out["met"] = rc == 0
    return out


def item6(quick):
    """Attach only (one task per host), rate limits on, task 2 s, 50 forks. 200 hosts are item 7's forks run
    (attach and detach); 500 took almost 4 minutes and only showed that the line goes on (linear)."""
    counts = [10, 50] if not quick else [5, 10]
    return [fleet_case("scale-%d" % c, c, True, playbook=PLAYBOOK_ATTACH) for c in counts]


# -- item 7: many ENIs three ways: one list task, one host each with forks, a loop ---------------

TASK_SECONDS = 2.0
WRITE_RATE = 100.0  # AttachNetworkInterface / DetachNetworkInterface, per second (Tencent's limit)


def _play(name, sim, tasks):
    return [{"name": name, "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/tencent.qcloud.qcloud": {"api_endpoint": sim.url, "ca_bundle": sim.cafile}},
             "tasks": tasks}]


def list_tasks(items):
    detach = [{"network_interface_id": i["network_interface_id"], "state": "absent"} for i in items]
    return [{"name": "Attach", OURS: {"attachments": items}}, {"name": "Detach", OURS: {"attachments": detach}}]


def loop_tasks(items):
    return [{"name": "Attach", OURS: {"network_interface_id": "{{ item.network_interface_id }}",
                                      "instance_id": "{{ item.instance_id }}"}, "loop": items},
            {"name": "Detach", OURS: {"network_interface_id": "{{ item.network_interface_id }}", "state": "absent"},
             "loop": items}]


def _seconds(stamp):
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def run_local_playbook(tag, play):
    """ansible-playbook on localhost with the json callback: wall and CPU of the process (its forks
    included), the duration of each task as Ansible timed it, and the failures."""
    d = os.path.join(lib.OUT, "many")
    os.makedirs(d, exist_ok=True)
    pb = os.path.join(d, "%s.yml" % tag)
    with open(pb, "w") as fh:
        json.dump(play, fh)
    exe = os.path.join(os.path.dirname(lib.PY), "ansible-playbook")
    out_path = os.path.join(d, "%s.json" % tag)
    t0 = time.perf_counter()
    with open(out_path, "w") as out, open(os.path.join(d, "%s.err" % tag), "w") as err:
        proc = subprocess.Popen([exe, "-i", "localhost,", "-c", "local", pb], stdout=out, stderr=err, cwd=d,
                                env=lib.ansible_env({"ANSIBLE_PIPELINING": "True", "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json"}))
        dummy, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    with open(out_path) as fh:
        report = json.load(fh)
    tasks = {}
    for task in report["plays"][0]["tasks"]:
        duration = task["task"]["duration"]
        tasks[task["task"]["name"]] = round(_seconds(duration["end"]) - _seconds(duration["start"]), 3)
    stats = report["stats"]["localhost"]
    return {"wall": round(wall, 2), "cpu": round(ru.ru_utime + ru.ru_stime, 1), "rc": os.waitstatus_to_exitcode(status),
            "tasks": tasks, "failed": stats.get("failures", 0) + stats.get("unreachable", 0)}


def many_case(tag, count, tasks_of):
    sim = lib.Sim("many-%s" % tag, task_seconds=TASK_SECONDS, rate_limits=True, world=lib.fleet_world(count))
    try:
        items = [{"network_interface_id": e, "instance_id": i} for e, i in (lib.fleet_ids(n) for n in range(count))]
        out = run_local_playbook(tag, _play("Many ENIs: %s" % tag, sim, tasks_of(items)))
        out["calls"] = count_calls(sim.requests())
    finally:
        sim.stop()
    out["count"] = count
    log("item 7 %s: %s" % (tag, json.dumps(out)))
    return out


def item7(quick):
    """200 ENIs by one list task, 100 hosts with 50 forks, a loop on localhost over 10 ENIs: attach then detach,
    rate limits on, tasks of 2 s, each on a fresh simulator of its own; compared per ENI. (200 hosts and 20 ENIs
    took 137 s and 127 s and gave the same figures per ENI: halved to keep `make bench` within 20 minutes; item 5
    runs its fleets with the forks run's count.)"""
    n_list, n_forks, n_loop = (200, 100, 10) if not quick else (40, 20, 4)
    out = {"list": many_case("list", n_list, list_tasks), "loop": many_case("loop", n_loop, loop_tasks)}
    out["forks"] = fleet_case("forks", n_forks, True)
    for key in ("list", "loop", "forks"):
        v = out[key]
        v["wall_per_eni"] = v["wall"] / v["count"]
        v["cpu_per_eni"] = v["cpu"] / v["count"]
        v["calls_per_eni"] = v["calls"]["total"] / v["count"]
    out["faster_than_forks"] = round(out["forks"]["wall_per_eni"] / out["list"]["wall_per_eni"], 1)
    out["faster_than_loop"] = round(out["loop"]["wall_per_eni"] / out["list"]["wall_per_eni"], 1)
    out["floor"] = TASK_SECONDS + n_list / WRITE_RATE  # one list task: its last write, then that task's time
    out["list_task_vs_floor"] = round(max(out["list"]["tasks"].values()) / out["floor"], 2)
    out["failures"] = sum(out[k]["failed"] for k in ("list", "loop", "forks"))
    out["met"] = {"forks": out["faster_than_forks"] >= 10, "loop": out["faster_than_loop"] >= 50,
                  "floor": out["list_task_vs_floor"] <= 2, "failures": out["failures"] == 0}
    return out


# -- main ------------------------------------------------------------------------------------

def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        mem = "%.1f GiB" % (int(open("/proc/meminfo").readline().split()[1]) / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    import ansible
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=lib.ROOT, capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "plugins"], cwd=lib.ROOT, capture_output=True,
                           text=True, check=False).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "ansible_core": ansible.__version__, "commit": rev,
            "plugins_dirty": bool(dirty), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true", help="few repetitions, small fleets (a smoke test)")
    p.add_argument("--only", default="1,2,3,4,5,6,7,8,9")
    p.add_argument("--no-docs", action="store_true")
    args = p.parse_args(argv)
    only = set(args.only.split(","))
    t_start = time.perf_counter()
    seconds = {}  # item (or items run together) -> wall seconds, to keep `make bench` within 20 minutes

    def mark(name):
        seconds[name] = round(time.perf_counter() - t_start - sum(seconds.values()), 1)
    os.makedirs(lib.OUT, exist_ok=True)
    res = {"machine": machine(), "load_start": lib.loadavg(), "cpu_busy_start": lib.cpu_busy(), "quick": args.quick,
           "poll_schedules": {"look": shipped_defaults("look_delays"), "poll": shipped_defaults("poll_delays")},
           "items": {}}
    log("machine: %s; load %s, CPU busy %s" % (res["machine"], res["load_start"], res["cpu_busy_start"]))
    lib.copy_collection()
    main_sim = lib.Sim("ops", task_seconds=2)
    peer = None
    try:
        tmpl = lib.build_ansiballz(OURS, dict(main_sim.module_args(), network_interface_id="eni-held0001", instance_id="ins-run00002"))
        ping_tmpl = lib.build_ansiballz("ansible.builtin.ping", {})
        lat = None
        if "2" in only:
            log("item 2: latency: 15 and 60 s tasks in the background, then 0.5, 2 and 5 s one at a time")
            lat = {}
            threads = item2_long(tmpl, args.quick, lat)
            item2_short(tmpl, args.quick, lat)
        if "4" in only:
            peer = Peer()
        if "1" in only:
            log("item 1: API calls per operation")
            res["items"]["1"] = item1(tmpl, main_sim)
        if lat is not None:  # the timed items 3 and 4 come after it
            for t in threads:
                t.join()
            res["items"]["2"] = {"current": summarise_latency(lat),
                                 "schedule_looks": schedule_stats(look_times(**res["poll_schedules"]["look"]), DURATIONS),
                                 "schedule_polls": schedule_stats(poll_times(**res["poll_schedules"]["poll"]), DURATIONS),
                                 "model_tail": TAIL, "load": lib.loadavg()}
            log("item 2: %s" % json.dumps(res["items"]["2"]["current"]))
        if peer:  # moto's start-up must not overlap the timed item 3
            moto, their_tmpl = peer.ready()
        if "3" in only:
            log("item 3: module overhead")
            res["items"]["3"] = item3(tmpl, ping_tmpl, main_sim, 15 if not args.quick else 3)
            res["items"]["3"]["load"] = lib.loadavg()
        if "4" in only:
            log("item 4: side by side with amazon.aws.ec2_eni on moto")
            res["items"]["4"] = item4(tmpl, 10 if not args.quick else 2, moto, their_tmpl)
            res["items"]["4"]["load"] = lib.loadavg()
    finally:
        if peer:
            peer.stop()
        main_sim.stop()
    mark("setup+1+2+3+4")
    if "7" in only:
        log("item 7: many ENIs: one list task, forks, a loop")
        res["items"]["7"] = item7(args.quick)
        mark("7")
    if "5" in only and "7" in only:
        log("item 5: fleet")
        res["items"]["5"] = item5(args.quick, res["items"]["7"]["forks"])
        mark("5")
    if "6" in only:
        log("item 6: scaling")
        res["items"]["6"] = item6(args.quick)
        mark("6")
    if "8" in only:
        log("item 8: inventory of 500, 5,000 and 20,000 instances, and amazon.aws.aws_ec2 on moto")
        res["items"]["8"] = item8(args.quick)
        mark("8")
    if "9" in only:
        log("item 9: the API calls of each qcloud_eni operation (bench/eni_ops.py)")
        res["items"]["9"] = item9()
        mark("9")
    res["load_end"] = lib.loadavg()
    res["seconds"] = round(time.perf_counter() - t_start, 1)
    res["item_seconds"] = seconds
    log("seconds by item: %s, in all %.0f s" % (json.dumps(seconds), res["seconds"]))
    with open(os.path.join(lib.OUT, "results.json"), "w") as fh:
        json.dump(res, fh, indent=1, default=str)
    import report
    report.emit(res, write_docs=not args.no_docs and not args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
