#!/usr/bin/env python
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fail when test output contains a secret: a secret key, a session token or a request signature.

The secrets come from JSON files (``--secrets FILE``, repeatable) shaped like
``{"secret_key": [...], "token": [...], "signature": [...]}`` (any other key is a kind of its own),
and from ``--secret KIND=VALUE``. Every value is searched for as written, URL-encoded
(``quote`` and ``quote_plus``), base64-encoded (standard and URL-safe alphabets, at each of the three
alignments a value can have inside a longer base64 text) and hex-encoded.

For each hit it prints the file, the line, the kind and the form, never the secret itself, and exits 1.
Exit 0: nothing found. Exit 2: bad usage (e.g. no secrets at all, which would make a scan meaningless).

``--self-test`` plants secrets in a temporary directory and checks that each form is found and that
the report does not echo the secret.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import tempfile
from urllib.parse import quote, quote_plus

MIN_NEEDLE = 12  # shorter encoded fragments would match by chance
MAX_HITS_PER_FILE = 20


def _b64_cores(raw, altchars=None):
    """Base64 text that the bytes ``raw`` produce wherever they sit in a longer base64 stream."""
    cores = []
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + raw, altchars=altchars).decode("ascii")
        start = 0 if shift == 0 else 4  # the first group mixes prefix bytes with the value
        end = (shift + len(raw)) // 3 * 4  # drop a last group that the next bytes would change
        if shift == 0:
            cores.append(enc.rstrip("="))  # the value on its own
        cores.append(enc[start:end])
    return cores


def variants(value):
    """Return {text: form} for every form in which ``value`` is searched."""
    raw = value.encode("utf-8")
    forms = [("plain", value)]
    forms += [("URL-encoded", text) for text in (quote(value, safe=""), quote_plus(value), quote(value))]
    forms += [("base64", core) for core in _b64_cores(raw)]
    forms += [("base64url", core) for core in _b64_cores(raw, b"-_")]
    forms += [("hex", raw.hex()), ("hex", raw.hex().upper())]
    out = {}
    for form, text in forms:
        if len(text) >= MIN_NEEDLE:
            out.setdefault(text, form)
    return out


def _trie_pattern(words):
    """One regular expression that matches any of ``words`` (a trie, so it stays fast for thousands)."""
    trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node):
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return build(trie)


class Needles:
    """All searched texts, each mapped back to (kind, form); the values themselves are never shown."""

    def __init__(self, secrets):
        self.labels = {}
        for kind, values in secrets.items():
            for value in values:
                if not isinstance(value, str) or len(value) < 8:
                    continue
                for text, form in variants(value).items():
                    self.labels.setdefault(text, (kind, form))
        self.count = len({v for vals in secrets.values() for v in vals if isinstance(v, str) and len(v) >= 8})
        self.regex = re.compile(_trie_pattern(self.labels)) if self.labels else None

    def scan_text(self, text):
        """Yield (offset, kind, form) for every hit."""
        if self.regex is None:
            return
        for match in self.regex.finditer(text):
            kind, form = self.labels[match.group(0)]  # the trie only matches whole needles
            yield match.start(), kind, form


def iter_files(paths, excludes):
    """Regular files under ``paths`` (recursively), skipping ``excludes`` and symlinks."""
    excl = {os.path.realpath(p) for p in excludes}
    for path in paths:
        if not os.path.exists(path):
            continue
        if os.path.isfile(path):
            if os.path.realpath(path) not in excl:
                yield path
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(root, d)) not in excl
                             and not os.path.islink(os.path.join(root, d)))
            for name in sorted(files):
                full = os.path.join(root, name)
                if os.path.islink(full) or os.path.realpath(full) in excl:
                    continue
                yield full


def scan(paths, secrets, excludes=(), out=None):
    """Scan and report; return the number of hits."""
    out = out or sys.stdout
    needles = Needles(secrets)
    hits = 0
    files = 0
    for path in iter_files(paths, excludes):
        files += 1
        with open(path, "rb") as fh:
            text = fh.read().decode("latin-1")  # one char per byte: UTF-8 needles match byte for byte
        shown = 0
        for offset, kind, form in needles.scan_text(text):
            hits += 1
            if shown < MAX_HITS_PER_FILE:
                line = text.count("\n", 0, offset) + 1
                out.write("secret_scan: LEAK %s:%d: %s (%s)\n" % (path, line, kind, form))
            shown += 1
        if shown > MAX_HITS_PER_FILE:
            out.write("secret_scan: ... and %d more in %s\n" % (shown - MAX_HITS_PER_FILE, path))
    out.write("secret_scan: %d file(s) scanned for %d secret value(s) in %d form(s): %s\n"
              % (files, needles.count, len(needles.labels), "%d leak(s) found" % hits if hits else "clean"))
    return hits


def load_secrets(files, pairs):
    secrets = {}
    for path in files:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        for kind, values in data.items():
            if isinstance(values, str):
                values = [values]
            secrets.setdefault(kind, []).extend(v for v in values if isinstance(v, str))
    for pair in pairs:
        kind, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit("secret_scan: --secret takes KIND=VALUE")
        secrets.setdefault(kind, []).append(value)
    return secrets


def self_test():
    """Plant each kind of leak in a temporary tree and check that the scanner finds it."""
    key = "selfTestSecretKey0000000000000000"
    sig = "dGhpcyBpcyBhIHNpZ25hdHVyZS4/+AB="
    token = "self-test-session-token-0001"
    secrets = {"secret_key": [key], "token": [token], "signature": [sig]}
    cases = {
        "plain.log": ("secret_key", "x secret=%s y\n" % key),
        "b64.log": ("secret_key", "blob " + base64.b64encode(b"head:" + key.encode() + b":tail").decode() + "\n"),
        "url.log": ("signature", "GET /?Signature=%s&x=1\n" % quote_plus(sig)),
        "token.json": ("token", json.dumps({"headers": {"X-TC-Token": token}})),
        "hex.log": ("secret_key", "dump " + key.encode().hex() + "\n"),
    }
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        clean = os.path.join(tmp, "clean")
        os.makedirs(clean)
        with open(os.path.join(clean, "ok.log"), "w", encoding="utf-8") as fh:
            fh.write("secret_key: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER\n")
        report = _Capture()
        if scan([clean], secrets, out=report) != 0:
            failures.append("a clean file was reported")
        for name, (kind, content) in cases.items():
            case_dir = os.path.join(tmp, name + ".d")
            os.makedirs(case_dir)
            with open(os.path.join(case_dir, name), "w", encoding="utf-8") as fh:
                fh.write(content)
            report = _Capture()
            if scan([case_dir], secrets, out=report) == 0:
                failures.append("%s: not found" % name)
            elif kind not in report.text:
                failures.append("%s: reported without its kind %s" % (name, kind))
            for value in (key, sig, token):
                if value in report.text:
                    failures.append("%s: the report shows the secret" % name)
        report = _Capture()
        if scan([tmp], secrets, excludes=[os.path.join(tmp, n + ".d") for n in cases], out=report):
            failures.append("excluded directories were scanned")
    for failure in failures:
        sys.stdout.write("secret_scan: self-test FAILED: %s\n" % failure)
    if not failures:
        sys.stdout.write("secret_scan: self-test passed (%d planted leaks found, clean file clean)\n" % len(cases))
    return 1 if failures else 0


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="*", help="files or directories to scan (missing ones are skipped)")
    parser.add_argument("--secrets", action="append", default=[], metavar="FILE",
                        help="JSON file {kind: [values]}; repeatable")
    parser.add_argument("--secret", action="append", default=[], metavar="KIND=VALUE",
                        help="one more secret; repeatable")
    parser.add_argument("--exclude", action="append", default=[], metavar="PATH",
                        help="file or directory not to scan (e.g. the secrets files); repeatable")
    parser.add_argument("--self-test", action="store_true", help="check the scanner on planted files")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    secrets = load_secrets(args.secrets, args.secret)
    if not any(len(v) >= 8 for vals in secrets.values() for v in vals):
        sys.stderr.write("secret_scan: no secrets to look for; refusing to report a meaningless 'clean'\n")
        return 2
    excludes = list(args.exclude) + list(args.secrets)
    return 1 if scan(args.paths, secrets, excludes) else 0


if __name__ == "__main__":
    sys.exit(main())
