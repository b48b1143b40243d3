#!/usr/bin/env bash
# Step `integration-side`: the second half of the integration targets on the newest ansible-core,
# beside the `integration` step of hack/run_tests.sh (which runs every other target). The targets
# share nothing but the simulator, and each half has its own: its own copy of the collection
# (build/collections-side/...) and its own simulator (build/sim-side; the secret scan reads its
# secrets), so the two halves run at the same time and `make integration` still runs every target.
# The halves are cut by measured time (CPU seconds of each target alone), about equal.
#
#   hack/steps/integration-side.sh --list   prints this half's targets (run_tests.sh excludes them)
#
# Env from run_tests.sh: ROOT, PY, ANSIBLE_TEST, PYVER. Exit 0 pass, else fail.
set -uo pipefail

# qcloud_credentials: the whole credential chain (~460 tasks, the longest target), qcloud_eni_info
# (~300 tasks), qcloud_eni_guest (packets in network namespaces), qcloud_tls,
# qcloud_eni_attach_failures, qcloud_eni_attach_adhoc: about the CPU seconds of all the others
# together (the other half also waits longer on simulated tasks, so this one takes a little more).
TARGETS=(qcloud_credentials qcloud_eni_info qcloud_eni_guest qcloud_tls qcloud_eni_attach_failures qcloud_eni_attach_adhoc)
if [ "${1:-}" = "--list" ]; then
    printf '%s\n' "${TARGETS[@]}"
    exit 0
fi

ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=${PY:-$ROOT/.venv/bin/python}
ANSIBLE_TEST=${ANSIBLE_TEST:-$ROOT/.venv/bin/ansible-test}
PYVER=${PYVER:-$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
cd "$ROOT" || exit 1

SIDE_COPY="$ROOT/build/collections-side/ansible_collections/tencent/qcloud"
SIM="$ROOT/build/sim-side"

bash hack/copy_collection.sh "$SIDE_COPY" >/dev/null || exit 1
stop_sim() { "$PY" "$ROOT/hack/sim.py" stop "$SIM" || true; }
trap stop_sim EXIT
trap 'exit 130' INT TERM HUP
"$PY" hack/sim.py start "$SIM" --task-seconds 0.5 || exit 1
config="$SIDE_COPY/tests/integration/integration_config.yml"
"$PY" hack/sim.py write-config "$SIM" "$SIDE_COPY/tests/integration/integration_config.yml.template" "$config" || exit 1

echo "integration-side: ${TARGETS[*]}"
failed=0
(cd "$SIDE_COPY" && "$ANSIBLE_TEST" integration --python "$PYVER" --color no -v --continue-on-error "${TARGETS[@]}") || failed=1
stop_sim
trap - EXIT

if [ "$failed" -ne 0 ]; then
    echo "integration-side: FAILED"
    exit 1
fi
echo "integration-side: every target passes"
