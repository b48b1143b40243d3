#!/usr/bin/env bash
# Steps `integration-side` and `integration-side2` (hack/steps/integration-side2.sh is a link to this
# file): two thirds of the integration targets on the newest ansible-core, beside the `integration`
# step of hack/run_tests.sh, which runs every other target. The targets share nothing but the
# simulator, and each part has its own: its own copy of the collection (build/collections-side,
# -side2) and its own simulator (build/sim-side, -side2; the secret scan reads their secrets), so the
# three parts run at the same time and `make integration` still runs every target. Each part is a
# chain (one target after another): they are cut by measured CPU seconds of each target alone,
# about equal, so that the three end together.
#
#   hack/steps/integration-side.sh --list   prints both parts' targets (run_tests.sh excludes them)
#
# Env from run_tests.sh: ROOT, PY, ANSIBLE_TEST, PYVER. Exit 0 pass, else fail.
set -uo pipefail

# CPU seconds of each target alone on this machine, idle: qcloud_credentials 56 (the whole credential
# chain), qcloud_eni_guest 40 (packets in network namespaces), qcloud_eni_attach_adhoc 10;
# qcloud_eni_info 40, qcloud_eni_attach_errors 20, qcloud_eni_attach_failures 17, qcloud_tls 13,
# qcloud_cvm_info 12, qcloud_eni_attach_ids 9; the integration step: qcloud_examples 31, qcloud_eni 29,
# qcloud_eni_attach 25, qcloud_cvm_inventory 18, qcloud_eni_attach_list 8.
PART=$(basename "$0" .sh)
SIDE=(qcloud_credentials qcloud_eni_guest qcloud_eni_attach_adhoc)
SIDE2=(qcloud_eni_info qcloud_eni_attach_errors qcloud_eni_attach_failures qcloud_tls qcloud_cvm_info qcloud_eni_attach_ids)
if [ "${1:-}" = "--list" ]; then
    printf '%s\n' "${SIDE[@]}" "${SIDE2[@]}"
    exit 0
fi
case "$PART" in
    integration-side) TARGETS=("${SIDE[@]}") ;;
    integration-side2) TARGETS=("${SIDE2[@]}") ;;
    *) echo "integration-side: run me as hack/steps/integration-side.sh or integration-side2.sh, not $PART" >&2; exit 2 ;;
esac
SUFFIX=${PART#integration-}

ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=${PY:-$ROOT/.venv/bin/python}
ANSIBLE_TEST=${ANSIBLE_TEST:-$ROOT/.venv/bin/ansible-test}
PYVER=${PYVER:-$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
cd "$ROOT" || exit 1

SIDE_COPY="$ROOT/build/collections-$SUFFIX/ansible_collections/tencent/qcloud"
SIM="$ROOT/build/sim-$SUFFIX"

bash hack/copy_collection.sh "$SIDE_COPY" >/dev/null || exit 1
stop_sim() { "$PY" "$ROOT/hack/sim.py" stop "$SIM" || true; }
trap stop_sim EXIT
trap 'exit 130' INT TERM HUP
"$PY" hack/sim.py start "$SIM" --task-seconds 0.5 || exit 1
config="$SIDE_COPY/tests/integration/integration_config.yml"
"$PY" hack/sim.py write-config "$SIM" "$SIDE_COPY/tests/integration/integration_config.yml.template" "$config" || exit 1

echo "$PART: ${TARGETS[*]}"
failed=0
(cd "$SIDE_COPY" && "$ANSIBLE_TEST" integration --python "$PYVER" --color no -v --continue-on-error "${TARGETS[@]}") || failed=1
stop_sim
trap - EXIT

if [ "$failed" -ne 0 ]; then
    echo "$PART: FAILED"
    exit 1
fi
echo "$PART: every target passes"
