#!/usr/bin/env bash
# `make demo`: build the collection, install the tarball like a user would, start the simulator
# (HTTPS, with its own CA) and run the example playbooks against it:
#   1. examples/attach.yml                  -> changed (the ENI gets attached)
#   2. examples/attach.yml                  -> ok      (already attached: nothing to do)
#   3. examples/detach.yml --check --diff   -> changed predicted, diff shown, nothing written
#   4. examples/detach.yml                  -> changed (the ENI gets detached)
# Each run's PLAY RECAP is checked against that expectation. The simulator is stopped at the end.
#
# Called by the Makefile after the venv and the copy in build/collections are ready.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

VENV=${VENV:-.venv}
BIN="$ROOT/$VENV/bin"
COPY="$ROOT/build/collections/ansible_collections/tencent/qcloud"
DIST="$ROOT/build/dist"
DEMO_COLLECTIONS="$ROOT/build/demo-collections"
SIM="$ROOT/build/demo-sim"

echo "== build the collection"
mkdir -p "$DIST"
rm -f "$DIST"/tencent-qcloud-*.tar.gz
"$BIN/ansible-galaxy" collection build "$COPY" --output-path "$DIST" --force
tarball=$(ls "$DIST"/tencent-qcloud-*.tar.gz)

echo "== install $(basename "$tarball") into build/demo-collections"
"$BIN/ansible-galaxy" collection install -p "$DEMO_COLLECTIONS" --force "$tarball"

stop_sim() { "$BIN/python" "$ROOT/hack/sim.py" stop "$SIM" || true; }
trap stop_sim EXIT
trap 'exit 130' INT TERM HUP
echo "== start the simulator"
"$BIN/python" "$ROOT/hack/sim.py" start "$SIM" --task-seconds 0.5
endpoint=$(cat "$SIM/url")
ca_bundle=$(cat "$SIM/cafile")

# Only the installed tarball is used (not a copy in ~/.ansible/collections), and the venv's
# ansible. The keys reach the module the way AWX passes them: environment variables.
export PATH="$BIN:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$DEMO_COLLECTIONS"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_NOCOLOR=1
TENCENTCLOUD_SECRET_ID=$("$BIN/python" "$ROOT/hack/sim.py" keys id)
TENCENTCLOUD_SECRET_KEY=$("$BIN/python" "$ROOT/hack/sim.py" keys key)
export TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY
export TENCENTCLOUD_REGION=ap-guangzhou
extra=(-e "qcloud_endpoint=$endpoint" -e "qcloud_ca_bundle=$ca_bundle")

failed=0
play() {   # play EXPECTED_CHANGED PLAYBOOK [ARGS...]
    local expect=$1 out
    shift
    echo
    echo "== ansible-playbook $* (expect changed=$expect)"
    out=$(mktemp)
    if ! ansible-playbook "$@" "${extra[@]}" 2>&1 | tee "$out"; then
        echo "demo: FAILED: ansible-playbook $*"
        failed=1
    elif ! grep -Eq "^localhost +: ok=[0-9]+ +changed=$expect " "$out"; then
        echo "demo: UNEXPECTED: ansible-playbook $* did not report changed=$expect"
        failed=1
    fi
    rm -f "$out"
}

play 1 examples/attach.yml
play 0 examples/attach.yml
play 1 examples/detach.yml --check --diff
play 1 examples/detach.yml

echo
if [ "$failed" -ne 0 ]; then
    echo "demo: FAILED"
    exit 1
fi
echo "demo: attach (changed), attach again (ok), detach --check --diff (predicted), detach (changed): all as expected"
