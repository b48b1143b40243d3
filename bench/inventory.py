# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Item 8 of `make bench`: the inventory of 500, 5,000 and 20,000 instances with tencent.qcloud.qcloud_cvm against
the simulator, side by side with amazon.aws.aws_ec2 against a moto server holding the same instances.

Both are one `ansible-inventory --list` process over three regions with the same constructed work (groups
keyed by a tag and by the zone), over plain HTTP on loopback; wall, CPU and peak RSS come from os.wait4
(lib.run_measured), API calls from the simulator's request log and from moto's access log. Ours runs with
the simulator's rate limits on (Tencent allows 40 DescribeInstances a second); moto has none. The cache hit
is a second run with `cache: true` (jsonfile) whose request log must stay empty.

Issue 20's figures, in the same run, interleaved: the cache hit with the two keyed groups, the same parse
without them, and the floor, bench/floor_inventory/bench_floor.py (the same hosts with the same variables,
read from qcloud_cvm's cache, and nothing else); ours at -vvv says how long making the hosts took, the floor
says the same. 20,000 instances are ours only (one run each), with a cProfile of the cache hit: the functions
with the most time of their own and the time of the phases (the plugin's parse, the fast plan, ansible-inventory's
JSON). amazon.aws.aws_ec2 runs 3 times at 500 instances and once at 5,000 (40 s a run).

    .venv-bench/bin/python bench/bench.py --only 8          (or bench/inventory.py [--quick] alone)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402
from lib import log, median  # noqa: E402

OUR_REGIONS = ["ap-guangzhou", "ap-shanghai", "ap-beijing"]
THEIR_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
ENVS = ("prod", "staging", "dev")


def _world(count):
    """`count` instances over the three regions, all RUNNING, and nothing else (no default instances)."""
    sys.path.insert(0, lib.SIM_SRC)
    from qcloud_sim.default_world import default_world  # noqa: E402
    from qcloud_sim.worldgen import world_with_instances  # noqa: E402
    base = default_world()
    base["instances"], base["enis"] = [], []
    world = world_with_instances(count, regions=3, base=base)
    for ins in world["instances"]:
        ins["state"] = "RUNNING"
    return world


def _config(path, body):
    with open(path, "w") as fh:
        json.dump(body, fh)  # YAML is a superset of JSON
    return path


# ours at -vvv says how long reading (from the API or the cache) and making the hosts took
PHASES = re.compile(r"qcloud_cvm: \d+ instances read from the (API|cache) in ([0-9.]+) s, hosts and groups made in ([0-9.]+) s")


def _inventory(config, env, verbose=False):
    out = os.path.join(lib.OUT, "inventory-out-%d.json" % os.getpid())
    m = lib.run_measured([os.path.join(os.path.dirname(lib.PY), "ansible-inventory"), "-i", config, "--list",
                          "--output", out] + (["-vvv"] if verbose else []), env=env, timeout=1800)
    hosts = None
    if m["rc"] == 0:
        with open(out) as fh:
            hosts = len(json.load(fh).get("_meta", {}).get("hostvars", {}))
        os.remove(out)
    run = {"wall": m["wall"], "cpu": m["cpu"], "rss_mib": m["rss_mib"], "rc": m["rc"], "hosts": hosts}
    found = PHASES.search(str(m["result"].get("stdout", ""))) if verbose else None
    if found:
        run.update(read=float(found.group(2)), populate=float(found.group(3)))
    return run


def _summary(runs, calls):
    out = {"wall": round(median([r["wall"] for r in runs]), 3), "cpu": round(median([r["cpu"] for r in runs]), 3),
           "rss_mib": round(median([r["rss_mib"] for r in runs]), 1), "hosts": runs[0]["hosts"],
           "failed": sum(1 for r in runs if r["rc"] != 0), "calls": calls, "runs": len(runs)}
    for phase in ("read", "populate"):
        if all(phase in r for r in runs):
            out[phase] = round(median([r[phase] for r in runs]), 3)
    return out


# -- ours ----------------------------------------------------------------------------------

KEYED = [{"key": "qcloud_tags.env", "prefix": "env"}, {"key": "zone", "prefix": "zone"}]
FLOOR_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "floor_inventory")
FLOOR_PHASES = re.compile(r"bench_floor: \d+ instances read in ([0-9.]+) s, hosts made in ([0-9.]+) s")


def _cached_records(cache_dir, out):
    """The instance records qcloud_cvm wrote to its jsonfile cache, as a plain JSON list (the floor's input)."""
    names = [n for n in os.listdir(cache_dir) if not n.startswith(".")]
    with open(os.path.join(cache_dir, names[0])) as fh:
        records = json.load(fh)
    if isinstance(records, dict) and "__payload__" in records:  # ansible-core 2.19+ jsonfile format
        records = json.loads(records["__payload__"])
    with open(out, "w") as fh:
        json.dump(records, fh)
    return len(records)


def _floor(config, env):
    """The floor plugin at -vvv: wall, CPU, peak RSS of the process, and its own time to make the hosts."""
    out = os.path.join(lib.OUT, "inventory-out-%d.json" % os.getpid())
    m = lib.run_measured([os.path.join(os.path.dirname(lib.PY), "ansible-inventory"), "-i", config, "--list",
                          "--output", out, "-vvv"], env=env, timeout=1800)
    run = {"wall": m["wall"], "cpu": m["cpu"], "rss_mib": m["rss_mib"], "rc": m["rc"], "hosts": None}
    if m["rc"] == 0:
        with open(out) as fh:
            run["hosts"] = len(json.load(fh).get("_meta", {}).get("hostvars", {}))
        os.remove(out)
    found = FLOOR_PHASES.search(str(m["result"].get("stdout", "")))
    if found:
        run.update(read=float(found.group(1)), populate=float(found.group(2)))
    return run


def _profile(config, env, top=12):
    """One cached run under cProfile: where the time goes (the functions with the most time of their own)."""
    import pstats
    prof = os.path.join(lib.OUT, "inventory.prof")
    exe = os.path.join(os.path.dirname(lib.PY), "ansible-inventory")
    subprocess.run([lib.PY, "-m", "cProfile", "-o", prof, exe, "-i", config, "--list", "--output", os.devnull],
                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800, check=False)
    stats = pstats.Stats(prof)
    total = stats.total_tt
    rows = []
    for (path, line, func), (cc, nc, tt, ct, dummy) in sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]:
        where = path.split("site-packages/")[-1].split("ansible_collections/")[-1]
        rows.append({"function": "%s:%d(%s)" % (where, line, func), "calls": nc, "own_s": round(tt, 3),
                     "with_callees_s": round(ct, 3), "own_share": round(tt / total, 3) if total else None})
    phases = {("qcloud_cvm.py", "parse"): "qcloud_cvm parse (read + hosts and groups)",
              ("qcloud_cvm.py", "_populate"): "qcloud_cvm hosts and groups",
              ("_fast_constructed.py", "apply"): "keyed groups (fast plan)",
              ("cli/inventory.py", "dump"): "ansible-inventory writes the JSON",
              ("cli/inventory.py", "json_inventory"): "ansible-inventory gathers host vars"}
    where_time = {}
    for (path, line, func), (cc, nc, tt, ct, dummy) in stats.stats.items():
        for (suffix, name), label in phases.items():
            if path.endswith(suffix) and func == name:
                where_time[label] = round(max(ct, where_time.get(label, 0)), 3)
    os.remove(prof)
    return {"total_s": round(total, 3), "phases_s": where_time, "top": rows}


def ours(count, reps, profile=False):
    sim = lib.Sim("inventory-%d" % count, rate_limits=True, world=_world(count), http=True)
    try:
        env = lib.ansible_env({"ANSIBLE_INVENTORY_UNPARSED_FAILED": "True"})
        env.pop("TENCENTCLOUD_REGION", None)
        body = {"plugin": "tencent.qcloud.qcloud_cvm", "api_endpoint": sim.url, "regions": OUR_REGIONS, "keyed_groups": KEYED}
        cold_cfg = _config(os.path.join(lib.OUT, "cold-%d.qcloud_cvm.yml" % count), body)
        cold, calls, throttled = [], [], []
        for dummy in range(reps):
            sim.clear_requests()
            cold.append(_inventory(cold_cfg, env, verbose=True))
            log_ = [e for e in sim.requests() if e["protocol"] == "3.0"]
            calls.append(len(log_))
            throttled.append(sum(1 for e in log_ if e["outcome"] in ("RequestLimitExceeded", "LimitExceeded.ActionLimited")))
        cache_dir = os.path.join(lib.OUT, "inventory-cache-%d" % count)
        subprocess.run(["rm", "-rf", cache_dir], check=False)
        cache = dict(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=cache_dir, cache_timeout=3600)
        cached_cfg = os.path.join(lib.OUT, "cached-%d.qcloud_cvm.yml" % count)
        keyed_body, plain_body = dict(body, **cache), dict({k: v for k, v in body.items() if k != "keyed_groups"}, **cache)
        _config(cached_cfg, keyed_body)
        _inventory(cached_cfg, env)  # fills the cache
        records = os.path.join(lib.OUT, "records-%d.json" % count)
        _cached_records(cache_dir, records)
        floor_cfg = os.path.join(lib.OUT, "floor-%d.bench_floor.yml" % count)
        with open(floor_cfg, "w") as fh:
            json.dump({"plugin": "bench_floor", "records": records}, fh)
        floor_env = dict(env, ANSIBLE_INVENTORY_PLUGINS=FLOOR_PLUGINS, ANSIBLE_INVENTORY_ENABLED="bench_floor")
        sim.clear_requests()
        hits, plain, floor = [], [], []
        for dummy in range(reps):  # interleaved, so that a busy moment weighs on all three alike
            _config(cached_cfg, keyed_body)
            hits.append(_inventory(cached_cfg, env, verbose=True))
            # the same parse without keyed groups: the same file (the cache key is the file's), other groups
            _config(cached_cfg, plain_body)
            plain.append(_inventory(cached_cfg, env, verbose=True))
            floor.append(_floor(floor_cfg, env=floor_env))
        hit_calls = len(sim.requests())
        out = {"cold": _summary(cold, int(median(calls))), "throttled": int(median(throttled)),
               "cache_hit": _summary(hits, hit_calls), "cache_hit_no_keyed": _summary(plain, hit_calls),
               "floor": _summary(floor, 0)}
        if profile:
            _config(cached_cfg, keyed_body)
            out["profile_cache_hit"] = _profile(cached_cfg, env)
        os.remove(records)
        return out
    finally:
        sim.stop()


# -- theirs ----------------------------------------------------------------------------------

class MotoInventory:
    """A moto server with `count` running instances over THEIR_REGIONS, tagged env like ours."""

    def __init__(self, count):
        import boto3  # noqa: E402
        self.port = lib.free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = os.path.join(lib.OUT, "moto-inventory-%d.log" % count)
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
        self.proc = subprocess.Popen([os.path.join(os.path.dirname(lib.PY), "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        deadline = time.time() + 60
        clients = {}
        while True:
            try:
                clients = {r: boto3.client("ec2", region_name=r, endpoint_url=self.url, aws_access_key_id="testing",
                                           aws_secret_access_key="testing") for r in THEIR_REGIONS}
                clients["us-east-1"].describe_vpcs()
                break
            except Exception:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("moto_server did not start; see %s" % self.log_path)
                time.sleep(0.2)
        for r, region in enumerate(THEIR_REGIONS):
            ec2 = clients[region]
            ami = ec2.describe_images()["Images"][0]["ImageId"]
            share = count // 3 + (1 if r < count % 3 else 0)
            for env_index, env_name in enumerate(ENVS):
                n = share // 3 + (1 if env_index < share % 3 else 0)
                while n > 0:
                    k = min(n, 500)
                    ec2.run_instances(ImageId=ami, MinCount=k, MaxCount=k, InstanceType="t3.micro",
                                      TagSpecifications=[{"ResourceType": "instance",
                                                          "Tags": [{"Key": "env", "Value": env_name}]}])
                    n -= k

    def requests(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as fh:
            return len(re.findall(r'"POST / HTTP/1\.[01]" 200', fh.read()))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def theirs(count, reps):
    moto = MotoInventory(count)
    try:
        env = lib.ansible_env({"ANSIBLE_INVENTORY_UNPARSED_FAILED": "True", "AWS_ACCESS_KEY_ID": "testing",
                               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true",
                               "NO_PROXY": "127.0.0.1,localhost"})
        cfg = _config(os.path.join(lib.OUT, "theirs-%d.aws_ec2.yml" % count), {
            "plugin": "amazon.aws.aws_ec2", "endpoint_url": moto.url, "regions": THEIR_REGIONS,
            # named by id, like ours: its default (DNS name, else private address) merges the instances
            # whose addresses moto repeats in each region
            "hostnames": ["instance-id"],
            "keyed_groups": [{"key": "tags.env", "prefix": "env"}, {"key": "placement.availability_zone", "prefix": "zone"}]})
        runs, calls = [], []
        for dummy in range(reps):
            before = moto.requests()
            runs.append(_inventory(cfg, env))
            calls.append(moto.requests() - before)
        return {"cold": _summary(runs, int(median(calls)))}
    finally:
        moto.stop()


def item8(quick):
    """Ours at 500, 5,000 and 20,000 instances (cold, cached with and without the two keyed groups, the floor
    plugin), amazon.aws.aws_ec2 beside it at 500 and 5,000 (one run at 5,000: 40 s each), a profile at 20,000."""
    counts = (500, 5000, 20000) if not quick else (30, 300, 1000)
    reps = {500: 3, 5000: 3, 20000: 1} if not quick else {30: 1, 300: 1, 1000: 1}
    their_reps = {500: 3, 5000: 1} if not quick else {30: 1}
    out = {"cases": [], "reps": reps, "their_reps": their_reps, "regions": len(OUR_REGIONS), "keyed_groups": KEYED}
    for count in counts:
        started = time.perf_counter()
        log("item 8: %d instances, ours (rate limits on)" % count)
        o = ours(count, reps[count], profile=count == counts[-1])
        oc, hit, plain, floor = o["cold"], o["cache_hit"], o["cache_hit_no_keyed"], o["floor"]
        case = {"count": count, "ours": o,
                "hit_share": round(hit["wall"] / oc["wall"], 2),
                "met_cache": hit["calls"] == 0,
                "read_share": round(hit["read"] / oc["read"], 3) if "read" in oc and "read" in hit else None,
                # the goals of issue 20, parse against parse (the hosts and groups made, from the cache)
                "keyed_vs_plain": round(hit["populate"] / plain["populate"], 2) if plain.get("populate") else None,
                "plain_vs_floor": round(plain["populate"] / floor["populate"], 2) if floor.get("populate") else None,
                "keyed_vs_plain_wall": round(hit["wall"] / plain["wall"], 2),
                "plain_vs_floor_wall": round(plain["wall"] / floor["wall"], 2),
                # CPU of the process: its own work, which other load on a shared machine does not stretch
                "keyed_vs_plain_cpu": round(hit["cpu"] / plain["cpu"], 2),
                "plain_vs_floor_cpu": round(plain["cpu"] / floor["cpu"], 2),
                "per_1000_hosts_populate": round(1000 * hit["populate"] / count, 3) if hit.get("populate") else None,
                "ok": oc["hosts"] == count and not oc["failed"] and plain["hosts"] == floor["hosts"] == count}
        # the goals are on the ansible-inventory process, as issue 20 measured them (3.45x before); the parse
        # ratios are reported beside: a host's membership of a group costs ansible-core's Group.add_host ~30 us
        case["met_keyed"] = case["keyed_vs_plain_cpu"] <= 1.2
        case["met_floor"] = case["plain_vs_floor_cpu"] <= 1.2 and (case["plain_vs_floor"] or 0) <= 1.2
        if count in their_reps:
            log("item 8: %d instances, amazon.aws.aws_ec2 on moto" % count)
            t = theirs(count, their_reps[count])
            tc = t["cold"]
            case.update(theirs=t, ratio_wall=round(oc["wall"] / tc["wall"], 2), ratio_rss=round(oc["rss_mib"] / tc["rss_mib"], 2),
                        ratio_cpu=round(oc["cpu"] / tc["cpu"], 2), met_wall=oc["wall"] <= 0.5 * tc["wall"])
            case["ok"] = case["ok"] and tc["hosts"] == count and not tc["failed"]
        case["seconds"] = round(time.perf_counter() - started, 1)
        out["cases"].append(case)
        log("item 8: %s" % json.dumps({k: v for k, v in case.items() if k not in ("ours", "theirs")}))
    # linear: the CPU of a cache hit per host beyond the smallest count, middle against largest count
    c = out["cases"]
    if len(c) > 2:
        def marginal(k):
            return (c[k]["ours"]["cache_hit"]["cpu"] - c[0]["ours"]["cache_hit"]["cpu"]) / (c[k]["count"] - c[0]["count"])
        out["cpu_ms_per_host"] = [round(1000 * marginal(1), 3), round(1000 * marginal(2), 3)]
        out["populate_per_1000_growth"] = round(marginal(2) / marginal(1), 2)
    else:
        out["populate_per_1000_growth"] = None
    out["linear"] = out["populate_per_1000_growth"] is not None and out["populate_per_1000_growth"] <= 1.3
    out["load"] = lib.loadavg()
    return out


if __name__ == "__main__":
    if "-h" in sys.argv[1:] or "--help" in sys.argv[1:]:
        print(__doc__)
        sys.exit(0)
    os.makedirs(lib.OUT, exist_ok=True)
    lib.copy_collection()
    print(json.dumps(item8("--quick" in sys.argv), indent=1))
