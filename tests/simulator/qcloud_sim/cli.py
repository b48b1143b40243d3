"""Command line: PYTHONPATH=tests/simulator python3 -m qcloud_sim [options]"""
import argparse
import json
import os
import signal
import sys
import threading

from . import contention
from . import default_world as dw
from .core import Simulator
from .core import DEFAULT_METADATA_INSTANCE, DEFAULT_METADATA_TTL
from .server import make_metadata_server, make_server


def load_world(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if path.endswith((".yml", ".yaml")):
        import yaml
        return yaml.safe_load(text)
    try:
        return json.loads(text)
    except ValueError:
        import yaml
        return yaml.safe_load(text)


def on_off(value):
    v = value.lower()
    if v in ("on", "true", "1", "yes"):
        return True
    if v in ("off", "false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError("expected on or off")


def build_parser():
    p = argparse.ArgumentParser(
        prog="python3 -m qcloud_sim",
        description="Offline simulator of the Tencent Cloud VPC API (ENI attach/detach), "
                    "API 3.0 (POST /, TC3-HMAC-SHA256 or HmacSHA1/HmacSHA256) and API 2.0 "
                    "(/v2/index.php). Control API under /_sim/ (loopback only). "
                    "See tests/simulator/README.md.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to listen on; 0 = any free port (default 0)")
    p.add_argument("--port-file", metavar="FILE",
                   help="write the bound port to FILE once listening")
    p.add_argument("--tls-dir", metavar="DIR",
                   help="serve HTTPS; a CA and certificate are generated in DIR as ca.pem, cert.pem, "
                        "key.pem (kept and reused if already there)")
    p.add_argument("--secret-id", default=dw.DEFAULT_SECRET_ID,
                   help="the accepted SecretId (default %s)" % dw.DEFAULT_SECRET_ID)
    p.add_argument("--secret-key", default=dw.DEFAULT_SECRET_KEY,
                   help="the accepted SecretKey (default %s)" % dw.DEFAULT_SECRET_KEY)
    p.add_argument("--world", metavar="FILE",
                   help="initial world as JSON or YAML (default: the built-in world of the README)")
    p.add_argument("--task-seconds", type=float, default=2.0, metavar="S",
                   help="how long attach/detach tasks stay RUNNING (default 2)")
    p.add_argument("--rate-limits", type=on_off, default=True, metavar="on|off",
                   help="enforce Tencent's per-action rate limits (default on)")
    p.add_argument("--strict-codes", type=on_off, default=True, metavar="on|off",
                   help="answer an API 3.0 error code that the action does not document (documented_errors.json) "
                        "as InternalError, and log it (default on; off: log it only; config knob strict_codes)")
    p.add_argument("--busy-code", type=contention.busy_setting, default="default", metavar="CODE",
                   help="what a write on a busy ENI or instance answers: default (per action the most "
                        "likely documented code: InvalidState for attach/detach/delete, "
                        "MutexOperationTaskRunning for assign/unassign), random (any documented one, "
                        "per answer), or a code (InvalidState, ResourceIsInvalidState, "
                        "MutexOperationTaskRunning; actions that do not document it get their default)")
    p.add_argument("--throttle-code", type=contention.throttle_setting, default="default", metavar="CODE",
                   help="what a rate-limited call answers: default (LimitExceeded.ActionLimited where the "
                        "action documents it, else RequestLimitExceeded), ActionLimited, "
                        "RequestLimitExceeded, or random (per answer)")
    p.add_argument("--v2-shape", choices=("new", "old"), default="new",
                   help="API 2.0 DescribeNetworkInterfaces response shape (default new)")
    p.add_argument("--sts-duration-cap", type=float, default=None, metavar="S",
                   help="cap the lifetime of keys minted by STS AssumeRole at S seconds "
                        "(default: none; config knob sts_duration_cap)")
    p.add_argument("--metadata-port", type=int, default=None, metavar="N",
                   help="also serve the CVM metadata service (/latest/meta-data/cam/"
                        "security-credentials/) on a separate plain-HTTP listener on port N "
                        "(0 = any free port). It is always served on the main port too")
    p.add_argument("--metadata-port-file", metavar="FILE",
                   help="write the metadata listener's port to FILE once listening "
                        "(implies --metadata-port 0 if that is not given)")
    p.add_argument("--metadata-role", default=dw.DEFAULT_METADATA_ROLE, metavar="NAME",
                   help="the CAM role bound to the simulated instance (default %s; "
                        "'' = no role bound)" % dw.DEFAULT_METADATA_ROLE)
    p.add_argument("--metadata-ttl", type=float, default=DEFAULT_METADATA_TTL, metavar="S",
                   help="lifetime of metadata credentials in seconds (default %d)"
                        % DEFAULT_METADATA_TTL)
    p.add_argument("--metadata-instance", default=DEFAULT_METADATA_INSTANCE, metavar="ID",
                   help="the instance whose network the metadata service describes (default %s; "
                        "config metadata_instance)" % DEFAULT_METADATA_INSTANCE)
    p.add_argument("--read-lag", type=float, default=0.0, metavar="S",
                   help="eventual consistency: DescribeNetworkInterfaces shows what a task changed (binding, "
                        "addresses, states, a new or deleted ENI) S seconds after it changed (default 0 = off; "
                        "config knob read_lag)")
    p.add_argument("--replay-task-id", choices=("first", "new", "both"), default="first",
                   help="after a replayed write (same ClientToken) is answered with its own RequestId, "
                        "DescribeVpcTaskResult knows the task by the first RequestId, the new one, or both "
                        "(default first; config knob replay_task_id)")
    p.add_argument("--quiet", action="store_true", help="do not log one line per request to stderr")
    return p


def write_port(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        fh.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.sts_duration_cap is not None and not args.sts_duration_cap > 0:
        parser.error("--sts-duration-cap must be > 0")
    if not args.metadata_ttl > 0:
        parser.error("--metadata-ttl must be > 0")
    if not args.read_lag >= 0 or args.read_lag == float("inf"):
        parser.error("--read-lag must be a number >= 0")
    world = load_world(args.world) if args.world else None
    sim = Simulator(world=world, secret_id=args.secret_id, secret_key=args.secret_key,
                    task_seconds=args.task_seconds, rate_limits=args.rate_limits,
                    v2_shape=args.v2_shape, log_stream=None if args.quiet else sys.stderr,
                    sts_duration_cap=args.sts_duration_cap,
                    metadata_role=args.metadata_role or None, metadata_ttl=args.metadata_ttl,
                    strict_codes=args.strict_codes, busy_code=args.busy_code,
                    throttle_code=args.throttle_code, metadata_instance=args.metadata_instance or None,
                    read_lag=args.read_lag, replay_task_id=args.replay_task_id)
    server = make_server(sim, args.host, args.port, args.tls_dir)
    meta = None
    if args.metadata_port is not None or args.metadata_port_file:
        meta = make_metadata_server(sim, args.host, args.metadata_port or 0)
        threading.Thread(target=meta.serve_forever, kwargs={"poll_interval": 0.2},
                         name="qcloud-sim-metadata", daemon=True).start()
        if args.metadata_port_file:
            write_port(args.metadata_port_file, meta.server_address[1])
        sys.stderr.write("qcloud_sim metadata service on http://%s:%d\n"
                         % (args.host, meta.server_address[1]))
    port = server.server_address[1]
    if args.port_file:
        write_port(args.port_file, port)
    scheme = "https" if args.tls_dir else "http"
    sys.stderr.write("qcloud_sim listening on %s://%s:%d\n" % (scheme, args.host, port))
    sys.stderr.flush()

    def stop(_signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if meta is not None:
            meta.shutdown()
            meta.server_close()
    return 0
