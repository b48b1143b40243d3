#!/usr/bin/env bash
# Step "reliability" of hack/run_tests.sh: tests/reliability (pytest) against simulators in
# build/sim-reliability and build/sim-reliability-2 (HTTPS), driving qcloud_eni_attach and
# qcloud_eni_info through real ansible / ansible-playbook processes with the copy of the collection.
# Proves: the fault matrix (every call x every fault x both APIs), the list form (attachments) under
# those faults and two list tasks at once under rate limits, retry budget and backoff, races
# between jobs, hostile input (no API call), auth and clock failures, and no secret in any output.
# Every playbook's output (-v --diff, -vvv) lands in build/logs/reliability for the secret-scan step.
# Env from run_tests.sh: ROOT, PY, COPY, LOGS. Exit 0 pass, 99 skip, else fail.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -uo pipefail
cd "$ROOT" || exit 1
if [ ! -d "$ROOT/tests/reliability" ] || [ ! -d "$COPY/plugins/modules" ]; then
    echo "reliability: no tests/reliability or no copy of the collection"
    exit 99
fi
rm -rf "$LOGS/reliability" "$ROOT/build/reliability"
mkdir -p "$LOGS/reliability"
# the simulators stop in the fixtures' teardown; this is for an interrupted run
trap '"$PY" hack/sim.py stop build/sim-reliability >/dev/null 2>&1; "$PY" hack/sim.py stop build/sim-reliability-2 >/dev/null 2>&1' EXIT
RELIABILITY_LOGS="$LOGS/reliability" \
RELIABILITY_COLLECTIONS="$(dirname "$(dirname "$(dirname "$COPY")")")" \
    "$PY" -m pytest tests/reliability -q -p no:cacheprovider -rfEX --durations=5 \
    --junitxml="$LOGS/reliability/junit.xml"
