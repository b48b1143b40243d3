# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of hack/secret_scan.py, the leak check that closes `make test`."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
from urllib.parse import quote

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "..", "hack", "secret_scan.py")

KEY = "unitTestSecretKey0000000000000000"
TOKEN = "unit-test-session-token-0001"
SIGNATURE = "3f1e0b6c0a9d4e2f8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"


@pytest.fixture(name="scanner", scope="module")
def scanner_fixture():
    spec = importlib.util.spec_from_file_location("secret_scan", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(name="secrets_file")
def secrets_file_fixture(tmp_path):
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"secret_key": [KEY], "token": [TOKEN], "signature": [SIGNATURE]}))
    return str(path)


def run(scanner, capsys, *argv):
    code = scanner.main(list(argv))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("content, kind, form", [
    ("secret_key=%s\n" % KEY, "secret_key", "plain"),
    ("x " + base64.b64encode(b"key:" + KEY.encode()).decode() + "\n", "secret_key", "base64"),
    ("q=" + quote(KEY + "/") + "\n", "secret_key", "plain"),
    ("Authorization: TC3-HMAC-SHA256 Credential=x, Signature=%s\n" % SIGNATURE, "signature", "plain"),
    ('{"X-TC-Token": "%s"}' % TOKEN, "token", "plain"),
    ("blob " + base64.urlsafe_b64encode(b"ab" + TOKEN.encode()).decode() + "\n", "token", "base64"),
])
def test_planted_leak_is_reported_without_the_secret(scanner, capsys, tmp_path, secrets_file, content, kind, form):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "integration.log").write_text("line one\n" + content)
    code, out = run(scanner, capsys, "--secrets", secrets_file, str(out_dir))
    assert code == 1
    assert "integration.log:2: %s (%s" % (kind, form) in out
    for secret in (KEY, TOKEN, SIGNATURE):
        assert secret not in out


def test_url_encoded_signature(scanner, capsys, tmp_path):
    sig = "q0bZ3x+Yk/2PpL7nVvWm8cT1Rs4="
    log = tmp_path / "v2.log"
    log.write_text("GET /v2/index.php?Signature=%s&Nonce=1\n" % quote(sig, safe=""))
    code, out = run(scanner, capsys, "--secret", "signature=" + sig, str(log))
    assert code == 1
    assert "signature (URL-encoded)" in out
    assert sig not in out


def test_clean_output_passes(scanner, capsys, tmp_path, secrets_file):
    log = tmp_path / "integration.log"
    log.write_text("secret_key: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER\nSignature=********\n")
    code, out = run(scanner, capsys, "--secrets", secrets_file, str(log), str(tmp_path / "missing"))
    assert code == 0
    assert "clean" in out


def test_excluded_paths_and_secrets_file_are_not_scanned(scanner, capsys, tmp_path, secrets_file):
    build = tmp_path / "build"
    build.mkdir()
    (build / "integration_config.yml").write_text("qcloud_secret_key: %s\n" % KEY)
    code, out = run(scanner, capsys, "--secrets", secrets_file, "--exclude", str(build / "integration_config.yml"),
                    str(build), secrets_file)
    assert code == 0, out


def test_no_secrets_is_an_error(scanner, capsys, tmp_path):
    code, dummy = run(scanner, capsys, str(tmp_path))
    assert code == 2


def test_self_test_mode(scanner, capsys):
    code, out = run(scanner, capsys, "--self-test")
    assert code == 0, out


def test_many_signatures_stay_fast(scanner, capsys, tmp_path):
    sigs = ["%064x" % (i * 7919 + 12345) for i in range(3000)]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"signature": sigs}))
    log = tmp_path / "big.log"
    log.write_text(("ok %064x\n" % 1) * 20000 + "leak %s\n" % sigs[1234])
    code, out = run(scanner, capsys, "--secrets", str(path), str(log))
    assert code == 1
    assert "big.log:20001: signature (plain)" in out
