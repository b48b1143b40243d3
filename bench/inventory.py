# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Item 7 of `make bench`: the inventory of 500 and 5,000 instances with tencent.qcloud.qcloud_cvm against
the simulator, side by side with amazon.aws.aws_ec2 against a moto server holding the same instances.

Both are one `ansible-inventory --list` process over three regions with the same constructed work (groups
keyed by a tag and by the zone), over plain HTTP on loopback; wall, CPU and peak RSS come from os.wait4
(lib.run_measured), API calls from the simulator's request log and from moto's access log. Ours runs with
the simulator's rate limits on (Tencent allows 40 DescribeInstances a second); moto has none. The cache hit
is a second run with `cache: true` (jsonfile) whose request log must stay empty.

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
    out = os.path.join(lib.OUT, "inventory-out.json")
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


# -- ours ------------------------------------------------------------------------------------

def ours(count, reps):
    sim = lib.Sim("inventory-%d" % count, rate_limits=True, world=_world(count), http=True)
    try:
        env = lib.ansible_env({"ANSIBLE_INVENTORY_UNPARSED_FAILED": "True"})
        env.pop("TENCENTCLOUD_REGION", None)
        body = {"plugin": "tencent.qcloud.qcloud_cvm", "api_endpoint": sim.url, "regions": OUR_REGIONS,
                "keyed_groups": [{"key": "qcloud_tags.env", "prefix": "env"}, {"key": "zone", "prefix": "zone"}]}
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
        cached_cfg = _config(os.path.join(lib.OUT, "cached-%d.qcloud_cvm.yml" % count), dict(
            body, cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=cache_dir, cache_timeout=3600))
        _inventory(cached_cfg, env)  # fills the cache
        sim.clear_requests()
        hits = [_inventory(cached_cfg, env, verbose=True) for dummy in range(reps)]
        hit_calls = len(sim.requests())
        return {"cold": _summary(cold, int(median(calls))), "throttled": int(median(throttled)),
                "cache_hit": _summary(hits, hit_calls)}
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
    counts = (500, 5000) if not quick else (30, 300)
    reps = 3 if not quick else 1
    out = {"cases": [], "reps": reps, "regions": len(OUR_REGIONS)}
    for count in counts:
        log("item 8: %d instances, ours (rate limits on)" % count)
        o = ours(count, reps)
        log("item 8: %d instances, amazon.aws.aws_ec2 on moto" % count)
        t = theirs(count, reps)
        oc, tc = o["cold"], t["cold"]
        hit = o["cache_hit"]
        out["cases"].append({
            "count": count, "ours": o, "theirs": t,
            "ratio_wall": round(oc["wall"] / tc["wall"], 2), "ratio_rss": round(oc["rss_mib"] / tc["rss_mib"], 2),
            "ratio_cpu": round(oc["cpu"] / tc["cpu"], 2),
            "hit_share": round(hit["wall"] / oc["wall"], 2),
            "met_wall": oc["wall"] <= 0.5 * tc["wall"],
            "met_cache": hit["wall"] < 0.1 * oc["wall"] and hit["calls"] == 0,
            "read_share": round(hit["read"] / oc["read"], 3) if "read" in oc and "read" in hit else None,
            "ok": oc["hosts"] == count and tc["hosts"] == count and not oc["failed"] and not tc["failed"]})
        log("item 8: %s" % json.dumps(out["cases"][-1]))
    out["load"] = lib.loadavg()
    return out


if __name__ == "__main__":
    os.makedirs(lib.OUT, exist_ok=True)
    lib.copy_collection()
    print(json.dumps(item8("--quick" in sys.argv), indent=1))
