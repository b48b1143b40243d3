#!/usr/bin/env bash
# Step `lag`: the integration targets that cover every wait of the modules (qcloud_eni_attach, single
# form over API 3.0 and 2.0; qcloud_eni_attach_list; qcloud_eni: create, addresses, modify, detach,
# delete) again, against a simulator whose reads lag behind its writes (--read-lag, issue 17 point 5):
# DescribeNetworkInterfaces shows what a task changed READ_LAG seconds late. Every module must still
# converge, report changed as before, return the record as it ends, and never blame the lag on
# another job. The targets learn the lag from qcloud_read_lag in their integration_config.yml: the
# few asserts that count the calls of a wait (a late read costs more looks) hold only without it.
#
# Its own copy of the collection (build/collections-lag/...) and simulator (build/sim-lag; the
# secret scan reads its secrets), so that it runs beside the other integration steps.
# In `make test` it runs inside the oldest-core step, on ansible-core 2.16 (ANSIBLE_TEST, PYVER of
# .venv-core216); `make step-lag` runs it on the newest.
# Env from run_tests.sh: ROOT, PY, ANSIBLE_TEST, PYVER, LOGS. Exit 0 pass, else fail.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=${PY:-$ROOT/.venv/bin/python}
ANSIBLE_TEST=${ANSIBLE_TEST:-$ROOT/.venv/bin/ansible-test}
PYVER=${PYVER:-$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
cd "$ROOT" || exit 1

READ_LAG=${READ_LAG:-1.5}
TARGETS=(qcloud_eni_attach qcloud_eni_attach_list qcloud_eni)
LAG_COPY="$ROOT/build/collections-lag/ansible_collections/tencent/qcloud"
SIM="$ROOT/build/sim-lag"

bash hack/copy_collection.sh "$LAG_COPY" >/dev/null || exit 1
stop_sim() { "$PY" "$ROOT/hack/sim.py" stop "$SIM" || true; }
trap stop_sim EXIT
trap 'exit 130' INT TERM HUP
"$PY" hack/sim.py start "$SIM" --task-seconds 0.5 --read-lag "$READ_LAG" || exit 1
config="$LAG_COPY/tests/integration/integration_config.yml"
"$PY" hack/sim.py write-config "$SIM" "$LAG_COPY/tests/integration/integration_config.yml.template" "$config" || exit 1
printf 'qcloud_read_lag: %s\n' "$READ_LAG" >> "$config"

echo "lag: ${TARGETS[*]} with reads ${READ_LAG} s behind the writes"
failed=0
(cd "$LAG_COPY" && "$ANSIBLE_TEST" integration --python "$PYVER" --color no -v --continue-on-error "${TARGETS[@]}") || failed=1
stop_sim
trap - EXIT

if [ "$failed" -ne 0 ]; then
    echo "lag: FAILED with read lag ${READ_LAG} s"
    exit 1
fi
echo "lag: every target passes with read lag ${READ_LAG} s"
