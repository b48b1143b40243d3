"""Make bigger worlds for tests.

    PYTHONPATH=tests/simulator python3 -m qcloud_sim.worldgen --enis 250 > /tmp/world.json

or from Python: `world_with_enis(250)`, then POST it to /_sim/world or pass it with --world.
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


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m qcloud_sim.worldgen", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--enis", type=int, default=250, help="free ENIs to add (default 250)")
    p.add_argument("--subnet", default="subnet-gz3a0001")
    args = p.parse_args(argv)
    json.dump(world_with_enis(args.enis, args.subnet), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
