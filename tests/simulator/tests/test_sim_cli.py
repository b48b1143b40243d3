"""The command line: python3 -m qcloud_sim [options], in a subprocess."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

from qcloud_sim.default_world import DEFAULT_SECRET_ID, default_world
from simclient import SimClient

SIM_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_sim(args, **kw):
    env = dict(os.environ, PYTHONPATH=SIM_ROOT)
    return subprocess.Popen([sys.executable, "-m", "qcloud_sim"] + args, env=env,
                            stdout=subprocess.DEVNULL, **kw)


def test_help():
    env = dict(os.environ, PYTHONPATH=SIM_ROOT)
    out = subprocess.run([sys.executable, "-m", "qcloud_sim", "--help"], env=env, check=True,
                         capture_output=True, text=True).stdout
    for opt in ("--host", "--port", "--port-file", "--tls-dir", "--secret-id", "--secret-key",
                "--world", "--task-seconds", "--rate-limits"):
        assert opt in out
    assert DEFAULT_SECRET_ID in out  # the default is shown


def wait_port(path, proc, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            return int(open(path).read())
        assert proc.poll() is None, "simulator exited early"
        time.sleep(0.05)
    raise AssertionError("no port file")


def test_subprocess_https_yaml_world_custom_key(tmp_path):
    world = default_world()
    world["enis"] = [e for e in world["enis"] if e["eni_id"] != "eni-free0020"]
    wfile = tmp_path / "world.yaml"
    wfile.write_text(yaml.safe_dump(world))
    port_file = tmp_path / "port"
    tls = tmp_path / "tls"
    log = open(tmp_path / "stderr.log", "w")
    proc = run_sim(["--port", "0", "--port-file", str(port_file), "--tls-dir", str(tls),
                    "--world", str(wfile), "--task-seconds", "0.1", "--rate-limits", "off",
                    "--secret-id", "AKIDCUSTOM", "--secret-key", "customKey"], stderr=log)
    try:
        port = wait_port(str(port_file), proc)
        assert {p.name for p in tls.iterdir()} >= {"ca.pem", "cert.pem", "key.pem"}
        api = SimClient("127.0.0.1", port, tls_ca=str(tls / "ca.pem"))
        r = api.v3("DescribeNetworkInterfaces", {}, secret_id="AKIDCUSTOM", secret_key="customKey")
        assert r["TotalCount"] == 32
        r = api.v3("DescribeNetworkInterfaces", {})  # the default key is not accepted now
        assert r["Error"]["Code"] == "AuthFailure.SecretIdNotFound"
        r = api.v2("DescribeNetworkInterfaces", {}, secret_id="AKIDCUSTOM", secret_key="customKey")
        assert r["data"]["totalNum"] == 32
        cfg = api.ok("GET", "config")
        assert cfg == {"task_seconds": 0.1, "rate_limits": False, "v2_shape": "new", "sts_duration_cap": None,
                       "metadata_role": "ansible-cvm-role", "metadata_ttl": 21600.0, "metadata_enabled": True,
                       "strict_codes": True, "busy_code": "default", "throttle_code": "default",
                       "metadata_instance": "ins-run00001", "read_lag": 0.0, "replay_task_id": "first"}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        log.close()
    text = (tmp_path / "stderr.log").read_text()
    assert "listening on https://127.0.0.1:%d" % port in text
    assert "DescribeNetworkInterfaces" in text
    assert "customKey" not in text and "Signature" not in text


def test_subprocess_json_world_and_bad_world(tmp_path):
    wfile = tmp_path / "world.json"
    wfile.write_text(json.dumps({"regions": [{"region": "ap-guangzhou", "zones": ["ap-guangzhou-3"]}]}))
    port_file = tmp_path / "port"
    proc = run_sim(["--port-file", str(port_file), "--world", str(wfile), "--quiet"],
                   stderr=subprocess.DEVNULL)
    try:
        port = wait_port(str(port_file), proc)
        api = SimClient("127.0.0.1", port)
        assert api.v3("DescribeNetworkInterfaces", {})["TotalCount"] == 0
        assert api.ok("GET", "config")["rate_limits"] is True  # default on
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = tmp_path / "bad.json"
    bad.write_text('{"enis": [{"eni_id": "eni-x"}]}')
    proc = run_sim(["--world", str(bad)], stderr=subprocess.PIPE)
    assert proc.wait(timeout=20) != 0


@pytest.mark.parametrize("value", ["on", "off"])
def test_rate_limits_option_parses(value):
    from qcloud_sim.cli import build_parser
    assert build_parser().parse_args(["--rate-limits", value]).rate_limits is (value == "on")


def test_subprocess_metadata_listener_and_sts_options(tmp_path):
    port_file, meta_file = tmp_path / "port", tmp_path / "metaport"
    proc = run_sim(["--port-file", str(port_file), "--metadata-port-file", str(meta_file),
                    "--metadata-role", "ansible-deployer", "--metadata-ttl", "600",
                    "--sts-duration-cap", "60"], stderr=subprocess.PIPE)
    try:
        port = wait_port(str(port_file), proc)
        mport = wait_port(str(meta_file), proc)
        assert mport != port
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", mport, timeout=5)
        c.request("GET", "/latest/meta-data/cam/security-credentials/")
        assert c.getresponse().read() == b"ansible-deployer"
        c.request("GET", "/latest/meta-data/cam/security-credentials/ansible-deployer")
        j = json.loads(c.getresponse().read())
        c.close()
        assert j["Code"] == "Success" and j["ExpiredTime"] <= int(time.time()) + 601
        api = SimClient("127.0.0.1", port)
        cfg = api.ok("GET", "config")
        assert (cfg["metadata_role"], cfg["metadata_ttl"], cfg["sts_duration_cap"]) == \
            ("ansible-deployer", 600.0, 60.0)
        r = api.v3("AssumeRole", {"RoleArn": "qcs::cam::uin/100000000001:roleName/ansible-deployer",
                                  "RoleSessionName": "cli"},
                   secret_id=j["TmpSecretId"], secret_key=j["TmpSecretKey"], token=j["Token"])
        assert r["ExpiredTime"] <= int(time.time()) + 61
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        err = proc.stderr.read().decode()
        proc.stderr.close()
    assert "metadata service on http://127.0.0.1:%d" % mport in err
    assert "MetadataCredentials" in err and "AssumeRole" in err
    assert j["TmpSecretKey"] not in err and j["Token"] not in err


def test_metadata_options_in_help():
    from qcloud_sim.cli import build_parser
    text = build_parser().format_help()
    for opt in ("--metadata-port", "--metadata-port-file", "--metadata-role", "--metadata-ttl",
                "--sts-duration-cap"):
        assert opt in text
    assert build_parser().parse_args(["--metadata-role", ""]).metadata_role == ""
