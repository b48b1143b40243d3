"""Make bigger worlds for tests.

    PYTHONPATH=tests/simulator python3 -m qcloud_sim.worldgen --enis 250 > /tmp/world.json
    PYTHONPATH=tests/simulator python3 -m qcloud_sim.worldgen --instances 5000 --regions 3 > /tmp/big.json

or from Python: `world_with_enis(250)`, `world_with_instances(5000, regions=3)`, then POST it to
/_sim/world or pass it with --world; or let the simulator make it: POST /_sim/world/generate
{"instances": 5000, "regions": 3} (hack/sim.py start DIR --instances 5000 does that at start).
"""
import argparse
import json
import sys

from .default_world import CREATED, default_world


def world_with_enis(count, subnet_id="subnet-gz3a0001", prefix="eni-gen", base=None):
    """The default world (or `base`) plus `count` free ENIs in `subnet_id`
    (ids eni-gen00000, eni-gen00001, ...; prefix + digits must make 8 chars after 'eni-')."""
    world = default_world() if base is None else base
    subnet = next(s for s in world["subnets"] if s["subnet_id"] == subnet_id)
    digits = 8 - (len(prefix) - len("eni-"))
    for i in range(count):
        world["enis"].append({
            "eni_id": "%s%0*d" % (prefix, digits, i),
            "name": "gen-%d" % i,
            "description": "generated ENI %d" % i,
            "region": subnet["region"], "zone": subnet["zone"], "vpc_id": subnet["vpc_id"],
            "subnet_id": subnet_id, "primary": False,
            "mac": "20:90:6F:%02X:%02X:%02X" % (0xA0, i >> 8 & 0xff, i & 0xff),
            "private_ip": "10.%d.%d.%d" % (200 + i // 62500, i // 250 % 250, i % 250 + 2),
            "created_time": CREATED, "instance_id": None, "device_index": None,
            "attach_time": None, "attach_type": 0, "empty_attachment": False,
        })
    return world


GEN_REGIONS = ("ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-nanjing", "ap-hongkong",
               "ap-singapore", "na-siliconvalley")
ROLES = ("web", "db", "cache", "batch")
ENVS = ("prod", "staging", "dev")


def _region_subnets(world, region, r):
    """The subnets of `region` in `world`, adding the region, a VPC and a subnet when it has none."""
    subnets = [s for s in world["subnets"] if s["region"] == region]
    if subnets:
        return subnets
    zone = region + "-1"
    vpc_id, subnet_id = "vpc-gen%05d" % r, "subnet-gen%05d" % r
    world["regions"].append({"region": region, "zones": [zone]})
    world["vpcs"].append({"vpc_id": vpc_id, "region": region, "name": "gen-%d" % r, "cidr": "10.%d.0.0/16" % (100 + r)})
    subnet = {"subnet_id": subnet_id, "vpc_id": vpc_id, "region": region, "zone": zone, "cidr": "10.%d.0.0/16" % (100 + r)}
    world["subnets"].append(subnet)
    return [subnet]


def world_with_instances(count, regions=3, base=None, prefix="l"):
    """The default world (or `base`) plus a large account: `count` instances spread over the first
    `regions` regions of GEN_REGIONS (ap-guangzhou, ap-shanghai, ap-beijing, then new ones), each with
    a primary ENI, a name (`web-00007`), tags env/role/team, and mostly RUNNING: every 50th is
    STOPPED, every 400th SHUTDOWN and every 1000th TERMINATING; every 4th has a public address.
    Ids are ins-<prefix>NNNNNNN and eni-<prefix>NNNNNNN (prefix one letter)."""
    if not 1 <= regions <= len(GEN_REGIONS):
        raise ValueError("regions must be 1 to %d" % len(GEN_REGIONS))
    if len(prefix) != 1 or not prefix.isalpha():
        raise ValueError("prefix must be one letter")
    world = default_world() if base is None else base
    subnets = [_region_subnets(world, GEN_REGIONS[r], r) for r in range(regions)]
    for i in range(count):
        r = i % regions
        subnet = subnets[r][(i // regions) % len(subnets[r])]
        role = ROLES[(i // regions) % len(ROLES)]
        state = "RUNNING"
        if i % 1000 == 999:
            state = "TERMINATING"
        elif i % 400 == 399:
            state = "SHUTDOWN"
        elif i % 50 == 49:
            state = "STOPPED"
        ins_id, eni_id = "ins-%s%07d" % (prefix, i), "eni-%s%07d" % (prefix, i)
        n = i // regions
        world["instances"].append({
            "instance_id": ins_id, "region": subnet["region"], "zone": subnet["zone"],
            "vpc_id": subnet["vpc_id"], "subnet_id": subnet["subnet_id"], "state": state,
            "instance_type": "S5.MEDIUM4", "name": "%s-%05d" % (role, i),
            "tags": {"env": ENVS[(i // 7) % len(ENVS)], "role": role, "team": "team-%d" % (i % 5)},
            "image_id": "img-ubuntu22", "os_name": "Ubuntu Server 22.04 LTS 64bit",
            "public_ips": ["198.%d.%d.%d" % (18 + r // 4, (r % 4) * 64 + n // 250 % 64, n % 250 + 2)] if i % 4 == 0 else [],
            "security_group_ids": ["sg-gen%05d" % (i % 3)], "charge_type": "POSTPAID_BY_HOUR",
            "created_time": "2024-01-02T03:04:05Z",
        })
        world["enis"].append({
            "eni_id": eni_id, "name": "primary-%s" % ins_id[4:], "description": "primary ENI of " + ins_id,
            "region": subnet["region"], "zone": subnet["zone"], "vpc_id": subnet["vpc_id"],
            "subnet_id": subnet["subnet_id"], "primary": True,
            "mac": "20:90:6F:%02X:%02X:%02X" % (0xB0 + r, n >> 8 & 0xff, n & 0xff),
            "private_ip": "10.%d.%d.%d" % (100 + r, 100 + n // 250, n % 250 + 2),
            "created_time": CREATED, "instance_id": ins_id, "device_index": 0,
            "attach_time": CREATED, "attach_type": 0, "empty_attachment": False,
        })
    return world


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m qcloud_sim.worldgen", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--enis", type=int, default=250, help="free ENIs to add (default 250; 0 for none)")
    p.add_argument("--subnet", default="subnet-gz3a0001")
    p.add_argument("--instances", type=int, default=0,
                   help="instances (each with a primary ENI) to add, spread over --regions (default 0)")
    p.add_argument("--regions", type=int, default=3, help="regions the instances are spread over (default 3)")
    args = p.parse_args(argv)
    world = world_with_enis(args.enis, args.subnet)
    if args.instances:
        world = world_with_instances(args.instances, args.regions, base=world)
    json.dump(world, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
