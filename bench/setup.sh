#!/usr/bin/env bash
# Create or update the benchmark's venv (default .venv-bench) from bench/requirements.txt:
# Python 3.12 (pyenv's 3.12.1, else python3.12, else python3 with a warning), matplotlib, moto[server],
# the `ansible` package (ansible-core + amazon.aws for the peer module), boto3, requests.
# A stamp named after a hash of the requirements and the interpreter skips the install on reruns.
#
# Usage: bench/setup.sh [VENV_DIR]
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv-bench}

# shellcheck source=hack/python.sh
. hack/python.sh
QCLOUD_PYTHON=${BENCH_PYTHON:-${QCLOUD_PYTHON:-}} ensure_venv bench "$VENV"
key=$( { "$VENV/bin/python" --version 2>&1; cat bench/requirements.txt; } | sha256sum | cut -c1-16 )
stamp="$VENV/.installed-$key"
[ -f "$stamp" ] && exit 0
echo "bench: installing bench/requirements.txt into $VENV (first run only; a few minutes)"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
# pip would byte-compile all 24,000 files, 80 of the install's 110 s; 16,000 of them are the `ansible`
# package's collections, of which the bench imports amazon.aws only. Compile the rest on both cores
# instead: with PYTHONDONTWRITEBYTECODE=1 (set on these machines) Python never writes .pyc itself, and
# every module process would compile ansible-core, requests and botocore again.
"$VENV/bin/python" -m pip install --disable-pip-version-check -q --no-compile -r bench/requirements.txt
sp=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
"$VENV/bin/python" -m compileall -q -j 0 -x '/site-packages/ansible_collections/' "$sp" >/dev/null
"$VENV/bin/python" -m compileall -q -j 0 "$sp/ansible_collections/amazon" >/dev/null
rm -f "$VENV"/.installed-*
touch "$stamp"
"$VENV/bin/python" -c 'import ansible, sys; print("bench: Python %s, ansible-core %s" % (sys.version.split()[0], ansible.__version__))'
