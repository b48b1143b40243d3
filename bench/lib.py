# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared pieces of `make bench`: the simulator, AnsiballZ files built once and run directly, and
process measurement (wall, CPU, peak RSS of one child through os.wait4)."""

from __future__ import annotations

import ast
import glob
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
SIM_SRC = os.path.join(ROOT, "tests", "simulator")
sys.path.insert(0, SIM_SRC)

# the simulator's default keys and world builder, from its own source
from qcloud_sim import default_world as dw  # noqa: E402  pylint: disable=wrong-import-position
from qcloud_sim.worldgen import world_with_enis  # noqa: E402  pylint: disable=wrong-import-position

PY = sys.executable
SECRET_ID, SECRET_KEY = dw.DEFAULT_SECRET_ID, dw.DEFAULT_SECRET_KEY
REGION = "ap-guangzhou"
COLLECTIONS = os.path.join(OUT, "collections")
CREDS_ENV = {"TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
             "TENCENTCLOUD_REGION": REGION}


def log(msg):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def cpu_busy(seconds=2.0):
    """The share of all CPUs busy over the next `seconds` (from /proc/stat), or None. Unlike the load
    average, which takes minutes to decay, it says whether anything else is running now."""
    def sample():
        with open("/proc/stat") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # all, idle + iowait
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return round(1 - (i1 - i0) / max(1, t1 - t0), 3)


def median(values):
    v = sorted(values)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_collection():
    """The work tree's collection files (tracked + untracked, not ignored) at a real path."""
    dest = os.path.join(COLLECTIONS, "ansible_collections", "tencent", "qcloud")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "--", "plugins", "meta", "galaxy.yml"],
                           cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    for f in files:
        src = os.path.join(ROOT, f)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(os.path.join(dest, f)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, f))
    return dest


# -- the simulator ---------------------------------------------------------------------------

class Sim:
    """`python -m qcloud_sim` in the background, HTTPS (CA in DIR/tls) unless http=True, --quiet.

    hack/sim.py would also start its secret collector, which polls /_sim/state four times a second:
    on a 2-core machine with a 1,000-ENI world that load would distort the figures, and the bench
    sends no secret anywhere but to loopback."""

    def __init__(self, name, task_seconds=2.0, rate_limits=False, world=None, http=False):
        self.dir = os.path.join(ROOT, "build", "sim-bench", name)
        os.makedirs(self.dir, exist_ok=True)
        port_file = os.path.join(self.dir, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        cmd = [PY, "-m", "qcloud_sim", "--port", "0", "--port-file", port_file, "--quiet",
               "--secret-id", SECRET_ID, "--secret-key", SECRET_KEY,
               "--task-seconds", str(task_seconds), "--rate-limits", "on" if rate_limits else "off"]
        if not http:
            cmd += ["--tls-dir", os.path.join(ROOT, "build", "sim-bench", "tls")]
        if world is not None:
            wf = os.path.join(self.dir, "world.json")
            with open(wf, "w") as fh:
                json.dump(world, fh)
            cmd += ["--world", wf]
        env = dict(os.environ, PYTHONPATH=SIM_SRC)
        self.log = open(os.path.join(self.dir, "sim.log"), "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, start_new_session=True)
        deadline = time.time() + 60
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("simulator %s did not start; see %s/sim.log" % (name, self.dir))
            time.sleep(0.05)
        time.sleep(0.05)
        self.port = int(open(port_file).read())
        self.http = http
        self.url = "%s://127.0.0.1:%d" % ("http" if http else "https", self.port)
        self.cafile = None if http else os.path.join(ROOT, "build", "sim-bench", "tls", "ca.pem")
        self.ctx = ssl.create_default_context(cafile=self.cafile) if self.cafile else None

    def _req(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60, context=self.ctx) as resp:
            return json.loads(resp.read().decode() or "{}")

    def get(self, path):
        return self._req("GET", path)

    def post(self, path, body=None):
        return self._req("POST", path, body if body is not None else {})

    def reset(self):
        self.post("/_sim/reset")

    def clear_requests(self):
        self._req("DELETE", "/_sim/requests")

    def requests(self):
        return self.get("/_sim/requests")["requests"]

    def tasks(self):
        return self.get("/_sim/state")["tasks"]

    def module_args(self):
        args = {"api_endpoint": self.url}
        if self.cafile:
            args["ca_bundle"] = self.cafile
        return args

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def fleet_world(count, prefix_eni="eni-f", prefix_ins="ins-f"):
    """The default world plus `count` free ENIs and `count` RUNNING S5.MEDIUM4 instances (one each)."""
    world = world_with_enis(count, prefix=prefix_eni)
    digits = 8 - (len(prefix_ins) - len("ins-"))
    for i in range(count):
        world["instances"].append({
            "instance_id": "%s%0*d" % (prefix_ins, digits, i), "region": REGION, "zone": "ap-guangzhou-3",
            "vpc_id": "vpc-gz000001", "subnet_id": "subnet-gz3a0001", "state": "RUNNING",
            "instance_type": "S5.MEDIUM4"})
    return world


def fleet_ids(i, prefix_eni="eni-f", prefix_ins="ins-f"):
    return "%s%0*d" % (prefix_eni, 8 - (len(prefix_eni) - 4), i), "%s%0*d" % (prefix_ins, 8 - (len(prefix_ins) - 4), i)


# -- AnsiballZ files -------------------------------------------------------------------------

def ansible_env(extra=None):
    env = dict(os.environ)
    env.update(CREDS_ENV)
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_HOST_KEY_CHECKING": "False",
                "ANSIBLE_LOCALHOST_WARNING": "False", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
                "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "False",
                "ANSIBLE_PYTHON_INTERPRETER": PY, "ANSIBLE_DEPRECATION_WARNINGS": "False"})
    env.update(extra or {})
    return env


def build_ansiballz(module, args, env_extra=None):
    """Run `ansible localhost -m MODULE -a ARGS` once with ANSIBLE_KEEP_REMOTE_FILES=1 and return the
    text of the AnsiballZ file Ansible wrote (a self-contained Python program with its args inside)."""
    rt = tempfile.mkdtemp(prefix="az-", dir=OUT)
    env = ansible_env({"ANSIBLE_KEEP_REMOTE_FILES": "1", "ANSIBLE_REMOTE_TMP": rt})
    env.update(env_extra or {})
    exe = os.path.join(os.path.dirname(PY), "ansible")
    argv = [exe, "localhost", "-i", "localhost,", "-c", "local", "-m", module] + (["-a", json.dumps(args)] if args else [])
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)
    found = glob.glob(os.path.join(rt, "ansible-tmp-*", "AnsiballZ_*.py"))
    if not found:
        raise RuntimeError("no AnsiballZ file for %s:\n%s\n%s" % (module, proc.stdout, proc.stderr))
    with open(found[0]) as fh:
        text = fh.read()
    shutil.rmtree(rt, ignore_errors=True)
    return text


def with_args(template, args, check=False, diff=False):
    """The AnsiballZ text with other module args (the `params='...'` line of the wrapper)."""
    lines = template.split("\n")
    for n, line in enumerate(lines):
        if line.startswith("params="):
            params = json.loads(ast.literal_eval(line[len("params="):].rstrip(",")))
            inner = {k: v for k, v in params["ANSIBLE_MODULE_ARGS"].items() if k.startswith("_ansible_")}
            inner.update(args)
            inner["_ansible_check_mode"] = check
            inner["_ansible_diff"] = diff
            params["ANSIBLE_MODULE_ARGS"] = inner
            lines[n] = "params=%r," % json.dumps(params)
            return "\n".join(lines)
    raise RuntimeError("no params= line in the AnsiballZ file")


def write_az(name, text):
    d = os.path.join(OUT, "az")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, name + ".py")
    with open(path, "w") as fh:
        fh.write(text)
    return path


def run_measured(argv, env=None, timeout=600):
    """Run one process; wall, CPU (user+sys) and peak RSS of that process, its exit time, its JSON.

    Through bench/launch.py (see there why): a child spawned from this harness would report at least
    the harness's own peak RSS."""
    env = dict(os.environ if env is None else env)
    fd, out_path = tempfile.mkstemp(prefix="run-", suffix=".out", dir=OUT)
    efd, err_path = tempfile.mkstemp(prefix="run-", suffix=".err", dir=OUT)
    try:
        rfd, res_path = tempfile.mkstemp(prefix="run-", suffix=".json", dir=OUT)
        os.close(rfd)
        launcher = [PY, "-S", os.path.join(ROOT, "bench", "launch.py"), res_path]
        subprocess.run(launcher + list(argv), stdin=subprocess.DEVNULL, stdout=fd, stderr=efd, env=env, timeout=timeout, check=False)
        with open(res_path) as fh:
            m = json.load(fh)
        os.remove(res_path)
        os.close(fd)
        os.close(efd)
        with open(out_path, errors="replace") as fh:
            text = fh.read()
        with open(err_path, errors="replace") as fh:
            etext = fh.read()
    finally:
        for path in (out_path, err_path):
            if os.path.exists(path):
                os.remove(path)
    result = None
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            try:
                result = json.loads(line)
                break
            except ValueError:
                pass
    if result is None:
        try:
            result = json.loads(text)
        except ValueError:
            result = {"failed": True, "msg": "no JSON", "stdout": text[-2000:], "stderr": etext[-2000:]}
    return {"wall": m["wall"], "cpu": m["cpu"], "rss_mib": m["rss_kib"] / 1024.0,
            "ended": m["ended"], "rc": m["rc"], "result": result}
