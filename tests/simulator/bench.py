#!/usr/bin/env python
"""Sustained signed requests per second of the simulator on loopback.

    PYTHONPATH=tests/simulator python3 tests/simulator/bench.py [--threads 4] [--seconds 5] [--max-requests 20000]

Starts its own simulator (subprocess, loopback, rate limits off) unless --port is given, runs
--threads client threads, each on one keep-alive connection sending TC3-signed
DescribeNetworkInterfaces (Limit 1) calls, and stops by itself after --seconds or --max-requests,
whichever comes first. Only loopback addresses are accepted.
"""
import argparse
import http.client
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from qcloud_sim import default_world as dw  # noqa: E402
from qcloud_sim import signing  # noqa: E402


def loopback_only(host):
    if host == "localhost":
        return host
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError("the benchmark only targets loopback addresses")
    return host


def start_simulator(host):
    tmp = tempfile.mkdtemp(prefix="qcloud-sim-bench-")
    port_file = os.path.join(tmp, "port")
    env = dict(os.environ, PYTHONPATH=HERE)
    proc = subprocess.Popen([sys.executable, "-m", "qcloud_sim", "--host", host, "--port", "0",
                             "--port-file", port_file, "--rate-limits", "off", "--quiet"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise SystemExit("simulator did not start")
        time.sleep(0.05)
    return proc, int(open(port_file).read())


def worker(host, port, stop_at, budget, counts, errors, idx):
    hostport = "%s:%d" % (host, port)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    body = json.dumps({"Limit": 1})
    n = 0
    while time.time() < stop_at and budget.acquire(blocking=False):
        ts = int(time.time())
        canon = signing.tc3_canonical_request("POST", "/", "", "application/json", hostport, body)
        headers = {"Content-Type": "application/json", "Host": hostport,
                   "X-TC-Action": "DescribeNetworkInterfaces", "X-TC-Version": "2017-03-12",
                   "X-TC-Timestamp": str(ts), "X-TC-Region": "ap-guangzhou",
                   "Authorization": signing.tc3_authorization(dw.DEFAULT_SECRET_ID, dw.DEFAULT_SECRET_KEY,
                                                              ts, "vpc", canon)}
        try:
            conn.request("POST", "/", body, headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200 or b'"Error"' in data:
                errors[idx] += 1
        except (OSError, http.client.HTTPException):
            errors[idx] += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
        n += 1
    counts[idx] = n
    conn.close()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", type=loopback_only, default="127.0.0.1")
    p.add_argument("--port", type=int, help="use a running simulator (its rate limits should be off)")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--max-requests", type=int, default=20000)
    args = p.parse_args(argv)
    args.seconds = min(max(args.seconds, 0.5), 60.0)
    proc = None
    port = args.port
    if port is None:
        proc, port = start_simulator(args.host)
    try:
        budget = threading.Semaphore(max(1, args.max_requests))
        counts = [0] * args.threads
        errors = [0] * args.threads
        start = time.time()
        stop_at = start + args.seconds
        threads = [threading.Thread(target=worker, args=(args.host, port, stop_at, budget, counts, errors, i),
                                    daemon=True) for i in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 15)
        elapsed = time.time() - start
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    total = sum(counts)
    print("threads=%d requests=%d errors=%d seconds=%.2f -> %.0f signed requests/s"
          % (args.threads, total, sum(errors), elapsed, total / elapsed if elapsed else 0))
    return 0 if sum(errors) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
