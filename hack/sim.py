#!/usr/bin/env python
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start and stop the Tencent Cloud VPC API simulator (tests/simulator) for the test harness and the demo.

  sim.py start DIR [--http] [--task-seconds S] [--rate-limits on|off] [--world FILE]
                   [--instances N [--regions R]] [--busy-code CODE] [--throttle-code CODE]
                   [--read-lag S] [--replay-task-id first|new|both]
      Starts `python -m qcloud_sim` in the background (HTTPS with a CA made in DIR/tls unless --http),
      with the world of FILE, or the default world plus a large account of N instances over R regions
      (qcloud_sim.worldgen, written to DIR/world.json; POST /_sim/reset comes back to it),
      --busy-code / --throttle-code / --read-lag / --replay-task-id go to the simulator as they are
      (what a write on a busy ENI or instance answers, what a throttled call answers, how late reads
      show a change, what a replayed write's task is known by: tests/simulator/README.md),
      waits for its port file and writes DIR/url, DIR/port, DIR/pid, DIR/sim.log. Also starts a
      collector that keeps every signature the simulator received (GET /_sim/signatures) and every
      secret key and token of its world (GET /_sim/state) in DIR/secrets.json for hack/secret_scan.py.
      The collector polls, because POST /_sim/reset (which integration targets call) drops the
      temporary keys and tokens the simulator minted; it reads only what is new each time.
  sim.py stop DIR
      Takes a last snapshot of signatures and secrets, then stops the collector and the simulator
      (SIGTERM, then SIGKILL). Safe to call twice or when nothing runs.
  sim.py keys [id|key]
      Prints the simulator's default SecretId and SecretKey (tests/simulator/qcloud_sim/default_world.py),
      on one line, or only the one asked for.
  sim.py write-config DIR TEMPLATE OUT
      Fills TEMPLATE (dollar-brace placeholders: qcloud_endpoint, qcloud_sim_url, qcloud_sim_port,
      qcloud_secret_id, qcloud_secret_key, qcloud_region, qcloud_ca_bundle) for the running simulator.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import ssl
import string
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM_DIR = os.path.join(ROOT, "tests", "simulator")
sys.path.insert(0, SIM_DIR)

# The simulator's own default keys: one source for the whole harness (`sim.py keys` for the shell).
from qcloud_sim.default_world import DEFAULT_SECRET_ID as SECRET_ID  # noqa: E402  pylint: disable=wrong-import-position
from qcloud_sim.default_world import DEFAULT_SECRET_KEY as SECRET_KEY  # noqa: E402  pylint: disable=wrong-import-position

REGION = "ap-guangzhou"
START_TIMEOUT = 60
POLL_SECONDS = 0.25


def _read(path, default=None):
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    except OSError:
        return default


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie child of ours is not alive
        with open("/proc/%d/stat" % pid, encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


class _Reader:
    """GET JSON from the simulator over one kept-alive connection (a new TLS handshake and CA load
    four times a second would be most of the collector's cost)."""

    def __init__(self, base, cafile):
        parts = urllib.parse.urlsplit(base)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.context = ssl.create_default_context(cafile=cafile) if self.https else None
        self.conn = None

    def _get(self, path):
        if self.conn is None:
            if self.https:
                self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=10, context=self.context)
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        self.conn.request("GET", path)
        resp = self.conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise ValueError("GET %s: HTTP %d" % (path, resp.status))
        return json.loads(body.decode("utf-8"))

    def get(self, path):
        try:
            return self._get(path)
        except (OSError, http.client.HTTPException):  # the simulator may have closed an idle connection
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            return self._get(path)


def _harvest(data, found):
    """Collect every secret key and session token found anywhere in a JSON document.

    Field names are compared without case, "_" or "-": *secretkey* (secret_key, TmpSecretKey) is a
    secret key, *token* (token, SessionToken) a token, but not a ClientToken (an idempotency key).
    """
    if isinstance(data, dict):
        for key, value in data.items():
            name = str(key).lower().replace("_", "").replace("-", "")
            if isinstance(value, str) and "secretkey" in name:
                found["secret_key"].add(value)
            elif isinstance(value, str) and name.endswith("token") and "client" not in name:
                found["token"].add(value)
            else:
                _harvest(value, found)
    elif isinstance(data, list):
        for item in data:
            _harvest(item, found)


def _signature_values(sigs):
    """GET /_sim/signatures answers {"signatures": [...]} with strings or records holding them."""
    for sig in sigs:
        if isinstance(sig, str):
            yield sig
        elif isinstance(sig, dict):
            for key, value in sig.items():
                if "signature" in key.lower() and isinstance(value, str):
                    yield value


class Collector:
    def __init__(self, sim_dir):
        self.sim_dir = sim_dir
        self.base = _read(os.path.join(sim_dir, "url"))
        self.cafile = _read(os.path.join(sim_dir, "cafile")) or None
        self.reader = _Reader(self.base, self.cafile)
        self.path = os.path.join(sim_dir, "secrets.json")
        self.found = {"secret_key": {SECRET_KEY}, "token": set(), "signature": set()}
        old = _read(self.path)
        if old:
            for kind, values in json.loads(old).items():
                self.found.setdefault(kind, set()).update(values)
        self.size = -1
        self.seen = 0  # signatures read so far: each poll asks only for the ones after them

    def poll(self):
        # Incremental on purpose: the signature list and the task table grow with every call, and
        # reading them whole four times a second cost a long run (make soak) about 5% of its CPU.
        try:
            answer = self.reader.get("/_sim/signatures?since=%d" % self.seen)
            if answer.get("seen", 0) < self.seen:  # another simulator process: read it all
                self.seen = 0
                answer = self.reader.get("/_sim/signatures")
            self.found["signature"].update(_signature_values(answer.get("signatures", [])))
            self.seen = answer.get("seen", 0)
            # the key table holds every key and token, minted ones included (STS, metadata)
            _harvest(self.reader.get("/_sim/state?fields=keys,roles"), self.found)
        except (OSError, ValueError, http.client.HTTPException):
            return False
        size = sum(len(v) for v in self.found.values())
        if size != self.size:
            _write(self.path, json.dumps({k: sorted(v) for k, v in self.found.items()}, indent=1))
            self.size = size
        return True

    def run(self):
        stop = []
        signal.signal(signal.SIGTERM, lambda *args: stop.append(1))
        while not stop:
            self.poll()
            time.sleep(POLL_SECONDS)
        return 0


def _generate_world(sim_dir, instances, regions):
    """DIR/world.json: the default world plus `instances` instances over `regions` regions."""
    sys.path.insert(0, SIM_DIR)
    from qcloud_sim.worldgen import world_with_instances  # noqa: E402  (the simulator's own generator)
    path = os.path.join(sim_dir, "world.json")
    _write(path, json.dumps(world_with_instances(int(instances), int(regions))))
    return path


def start(sim_dir, http=False, task_seconds="0.5", rate_limits=None, world=None, instances=None, regions="3",
          busy_code=None, throttle_code=None, read_lag=None, replay_task_id=None):
    sim_dir = os.path.abspath(sim_dir)
    os.makedirs(sim_dir, exist_ok=True)
    stop(sim_dir, quiet=True)
    for name in ("port", "url", "pid", "collector.pid", "secrets.json", "cafile"):
        if os.path.exists(os.path.join(sim_dir, name)):
            os.remove(os.path.join(sim_dir, name))
    if not os.path.isdir(os.path.join(SIM_DIR, "qcloud_sim")):
        sys.stderr.write("sim: no simulator at %s\n" % SIM_DIR)
        return 1
    port_file = os.path.join(sim_dir, "port")
    cmd = [sys.executable, "-m", "qcloud_sim", "--port", "0", "--port-file", port_file,
           "--secret-id", SECRET_ID, "--secret-key", SECRET_KEY, "--task-seconds", str(task_seconds)]
    tls_dir = os.path.join(sim_dir, "tls")
    if not http:
        cmd += ["--tls-dir", tls_dir]
    if rate_limits:
        cmd += ["--rate-limits", rate_limits]
    if busy_code:
        cmd += ["--busy-code", busy_code]
    if throttle_code:
        cmd += ["--throttle-code", throttle_code]
    if read_lag:
        cmd += ["--read-lag", str(read_lag)]
    if replay_task_id:
        cmd += ["--replay-task-id", replay_task_id]
    if instances:
        world = _generate_world(sim_dir, instances, regions)
    if world:
        cmd += ["--world", os.path.abspath(world)]
    env = dict(os.environ)
    env["PYTHONPATH"] = SIM_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with open(os.path.join(sim_dir, "sim.log"), "ab") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
    _write(os.path.join(sim_dir, "pid"), "%d\n" % proc.pid)
    deadline = time.monotonic() + START_TIMEOUT
    while not os.path.exists(port_file):
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.stderr.write("sim: the simulator did not start (exit %s); its log:\n" % proc.poll())
            sys.stderr.write(_read(os.path.join(sim_dir, "sim.log"), "") + "\n")
            stop(sim_dir, quiet=True)
            return 1
        time.sleep(0.05)
    port = int(_read(port_file))
    scheme = "http" if http else "https"
    _write(os.path.join(sim_dir, "url"), "%s://127.0.0.1:%d\n" % (scheme, port))
    _write(os.path.join(sim_dir, "cafile"), "" if http else os.path.join(tls_dir, "ca.pem") + "\n")
    collector = Collector(sim_dir)
    while not collector.poll():  # the simulator answers (and the TLS chain works) before we go on
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.stderr.write("sim: the simulator does not answer at %s\n" % collector.base)
            stop(sim_dir, quiet=True)
            return 1
        time.sleep(0.1)
    coll = subprocess.Popen([sys.executable, os.path.abspath(__file__), "_collect", sim_dir], cwd=ROOT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    _write(os.path.join(sim_dir, "collector.pid"), "%d\n" % coll.pid)
    print("sim: simulator pid %d listening on %s" % (proc.pid, collector.base))
    return 0


def _terminate(pid_file, grace=5.0):
    pid = _read(pid_file)
    if not pid:
        return
    pid = int(pid)
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    os.remove(pid_file)


def stop(sim_dir, quiet=False):
    sim_dir = os.path.abspath(sim_dir)
    running = _read(os.path.join(sim_dir, "pid"))
    if running and _read(os.path.join(sim_dir, "url")):
        Collector(sim_dir).poll()  # the last signatures, before the simulator goes away
    _terminate(os.path.join(sim_dir, "collector.pid"))
    _terminate(os.path.join(sim_dir, "pid"))
    if running and not quiet:
        print("sim: simulator stopped; log in %s" % os.path.join(sim_dir, "sim.log"))
    return 0


def write_config(sim_dir, template, out):
    sim_dir = os.path.abspath(sim_dir)
    url = _read(os.path.join(sim_dir, "url"))
    if not url:
        sys.stderr.write("sim: no running simulator in %s\n" % sim_dir)
        return 1
    values = {
        "qcloud_endpoint": url,
        "qcloud_sim_url": url,
        "qcloud_sim_port": _read(os.path.join(sim_dir, "port")),
        "qcloud_secret_id": SECRET_ID,
        "qcloud_secret_key": SECRET_KEY,
        "qcloud_region": REGION,
        "qcloud_ca_bundle": _read(os.path.join(sim_dir, "cafile")) or "",
    }
    with open(template, encoding="utf-8") as fh:
        text = string.Template(fh.read()).substitute(values)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    _write(out, text)
    return 0


START_VALUE_OPTIONS = ("--task-seconds", "--rate-limits", "--world", "--instances", "--regions", "--busy-code",
                       "--throttle-code", "--read-lag", "--replay-task-id")


def bad_start_options(opts):
    """What is wrong with the options of ``start`` (an unknown one, a value missing), or None."""
    i = 0
    while i < len(opts):
        if opts[i] in START_VALUE_OPTIONS:
            if i + 1 >= len(opts):
                return "%s needs a value" % opts[i]
            i += 2
        elif opts[i] == "--http":
            i += 1
        else:
            return "unknown option %s" % opts[i]
    return None


def main(argv):
    if "-h" in argv or "--help" in argv:  # before anything else: --help never starts or stops a thing
        print(__doc__)
        return 0
    if len(argv) >= 2 and argv[0] == "start":
        opts = argv[2:]
        problem = "DIR comes first, not %s" % argv[1] if argv[1].startswith("-") else bad_start_options(opts)
        if problem:
            sys.stderr.write("sim: start: %s (see sim.py --help)\n" % problem)
            return 2
        http = "--http" in opts
        task_seconds = opts[opts.index("--task-seconds") + 1] if "--task-seconds" in opts else "0.5"
        rate_limits = opts[opts.index("--rate-limits") + 1] if "--rate-limits" in opts else None
        world = opts[opts.index("--world") + 1] if "--world" in opts else None
        instances = opts[opts.index("--instances") + 1] if "--instances" in opts else None
        regions = opts[opts.index("--regions") + 1] if "--regions" in opts else "3"
        busy_code = opts[opts.index("--busy-code") + 1] if "--busy-code" in opts else None
        throttle_code = opts[opts.index("--throttle-code") + 1] if "--throttle-code" in opts else None
        read_lag = opts[opts.index("--read-lag") + 1] if "--read-lag" in opts else None
        replay_task_id = opts[opts.index("--replay-task-id") + 1] if "--replay-task-id" in opts else None
        return start(argv[1], http=http, task_seconds=task_seconds, rate_limits=rate_limits, world=world,
                     instances=instances, regions=regions, busy_code=busy_code, throttle_code=throttle_code,
                     read_lag=read_lag, replay_task_id=replay_task_id)
    if len(argv) == 2 and argv[0] == "stop":
        return stop(argv[1])
    if len(argv) == 2 and argv[0] == "_collect":
        return Collector(argv[1]).run()
    if argv[:1] == ["keys"] and len(argv) <= 2:
        keys = {"id": SECRET_ID, "key": SECRET_KEY}
        if len(argv) == 2 and argv[1] not in keys:
            sys.stderr.write("sim: keys takes id or key, not %s\n" % argv[1])
            return 2
        print(keys[argv[1]] if len(argv) == 2 else "%s %s" % (SECRET_ID, SECRET_KEY))
        return 0
    if len(argv) == 4 and argv[0] == "write-config":
        return write_config(*argv[1:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
