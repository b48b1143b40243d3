#!/usr/bin/env bash
# Step `oldest-core`: units and integration on the oldest ansible-core the collection supports
# (meta/runtime.yml requires_ansible, 2.16), the way hack/run_tests.sh runs them on the newest.
#
# Units: those whose outcome ansible-core decides: the inventory plugin and its groups made without
# Jinja, compared with Constructable's, and the docs; and the module tests of the modules that no
# target below runs with failures and warnings (qcloud_eni_guest, qcloud_cvm_info, qcloud_eni_info).
# qcloud_eni, qcloud_eni_attach (single and list forms) go through AnsibleModule (argument parsing,
# sub-options, check mode, diff, warnings, failed results) in the targets below and in the lag part,
# as a user runs them, so their module tests run on the newest core only.
# tests/unit/plugins/module_utils and tests/unit/hack test the
# collection's own Python and the harness, the same on every ansible-core: the units step runs them.
# The read-lag targets (hack/steps/lag.sh: qcloud_eni_attach, qcloud_eni_attach_list, qcloud_eni)
# run on this core, against the lagging simulator of lag.sh, beside the units and the other targets:
# lag changes only the collection's own waits (the same on every core), so one run covers both what
# ansible-core can change in those targets and what the lag changes, and `make test` runs them
# twice (newest core without lag, oldest core with it), not three times.
# Integration: the targets whose outcome ansible-core can change (CORE_TARGETS below): the inventory
# plugin (its options, caching, templating, constructed groups), module_defaults and the action
# group, check mode and diff, warnings, the ad-hoc form, the examples as a user runs them. The other
# targets drive only the collection's own Python against the simulator (the credential chain, TLS,
# the guest's networking, waits and timeouts): the same on every ansible-core, proven by the
# integration step on the newest one.
#
# ansible-core 2.16 runs on Python 3.10-3.12 controllers: the venv .venv-core216 is made with
# pyenv's 3.11.7 (else 3.12.1, 3.10.13, python3.11, python3.12) and gets ansible-core 2.16.x plus
# requirements-dev.txt; it is reinstalled only when those change. The tests run in a copy of
# their own (build/collections-oldest/...), so this step leaves the main copy's tests/output alone,
# and integration uses its own simulator in build/sim-oldest (the secret scan reads its secrets).
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -uo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=${PY:-$ROOT/.venv/bin/python}
cd "$ROOT" || exit 1
# shellcheck source=hack/python.sh
. hack/python.sh

# What ansible-core can change, target by target:
#   qcloud_cvm_inventory*      inventory plugin: options, cache, templating, keyed groups, warnings
#                              (a regular expression: every inventory target, present and to come)
#   qcloud_eni                 check mode, diff, module_defaults group form          (in the lag part)
#   qcloud_eni_attach          module_defaults group form, check mode, diff, both API versions  (lag part)
#   qcloud_eni_attach_ids      module_defaults on a block with include_role (2.16 differs)
#   qcloud_eni_attach_errors   the module's warnings, failed results
#   qcloud_eni_attach_adhoc    the ad-hoc form (ansible -m ... -a), credentials from the environment
#   qcloud_eni_attach_list     list options with sub-options, check mode, diff      (in the lag part)
#   qcloud_examples            the modules' EXAMPLES (qcloud_eni_info's too) and the guide's playbook as written
# Newest core only: qcloud_credentials, qcloud_tls, qcloud_eni_guest, qcloud_eni_attach_failures,
# qcloud_eni_info and qcloud_cvm_info (their queries, pages and malformed ids: the modules' own
# Python; on this core both run as a user runs them in qcloud_examples, check mode and
# module_defaults pass through ansible-core in qcloud_eni, qcloud_eni_attach and _ids).
CORE_TARGETS=("qcloud_cvm_inventory.*" qcloud_eni_attach_ids qcloud_eni_attach_errors qcloud_eni_attach_adhoc
    qcloud_examples)
OLD_VENV="$ROOT/.venv-core216"
OLD_COPY="$ROOT/build/collections-oldest/ansible_collections/tencent/qcloud"
SIM="$ROOT/build/sim-oldest"
CORE_PIN='ansible-core>=2.16,<2.17'

key=$( { echo "$CORE_PIN"; cat requirements-dev.txt; } | sha256sum | cut -c1-16)
if [ ! -f "$OLD_VENV/.installed-$key" ]; then
    ensure_venv oldest-core "$OLD_VENV" 3.11 3.12 3.10 || exit 1
    echo "oldest-core: installing $CORE_PIN and requirements-dev.txt into .venv-core216"
    "$OLD_VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip || exit 1
    "$OLD_VENV/bin/python" -m pip install --disable-pip-version-check -q -r requirements-dev.txt "$CORE_PIN" || exit 1
    "$OLD_VENV/bin/python" hack/seed_get_pip.py || exit 1
    rm -f "$OLD_VENV"/.installed-*
    touch "$OLD_VENV/.installed-$key"
fi
OLD_PYVER=$("$OLD_VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
AT="$OLD_VENV/bin/ansible-test"
"$OLD_VENV/bin/python" -c 'import ansible, sys; print("oldest-core: ansible-core %s on Python %s" % (ansible.__version__, sys.version.split()[0]))'

want=$(sed -n 's/^requires_ansible: *"*>=\([0-9.]*\)"*.*/\1/p' meta/runtime.yml)
have=$("$OLD_VENV/bin/python" -c 'import ansible; print(ansible.__version__)')
if [ "${have%.*}" != "${want%.*}" ]; then
    echo "oldest-core: meta/runtime.yml requires_ansible >=$want but this step tests $have: keep them together"
    exit 1
fi

bash hack/copy_collection.sh "$OLD_COPY" >/dev/null || exit 1
AT_ARGS=(--python "$OLD_PYVER" --color no)
failed=0

# The read-lag targets on this core, in their own copy and simulator (build/collections-lag,
# build/sim-lag), at the same time as the rest of this step; their output is shown at the end.
LAG_LOG="${LOGS:-$ROOT/build/logs}/oldest-core-lag.log"
echo "== read-lag targets on ansible-core $have (hack/steps/lag.sh), beside the rest: $LAG_LOG"
ROOT="$ROOT" PY="$PY" ANSIBLE_TEST="$AT" PYVER="$OLD_PYVER" bash hack/steps/lag.sh > "$LAG_LOG" 2>&1 &
lag_pid=$!

echo
echo "== units on ansible-core $have"
(cd "$OLD_COPY" && "$AT" units "${AT_ARGS[@]}" --requirements tests/unit/plugins/inventory/ tests/unit/plugins/test_docs.py \
    tests/unit/plugins/modules/test_qcloud_eni_guest.py tests/unit/plugins/modules/test_qcloud_cvm_info.py \
    tests/unit/plugins/modules/test_qcloud_eni_info.py) || failed=1

echo
echo "== integration on ansible-core $have"
stop_sim() { "$PY" "$ROOT/hack/sim.py" stop "$SIM" || true; }
trap stop_sim EXIT
trap 'exit 130' INT TERM HUP
"$PY" hack/sim.py start "$SIM" --task-seconds 0.5 || exit 1
"$PY" hack/sim.py write-config "$SIM" "$OLD_COPY/tests/integration/integration_config.yml.template" \
    "$OLD_COPY/tests/integration/integration_config.yml" || exit 1
# qcloud_eni_attach_errors and qcloud_eni_attach_ids loop over both protocols; what this core can
# change there (module_defaults, failed results, warnings) is the same for both, so one will do here.
printf 'qcloud_protocols: ["3.0"]\n' >> "$OLD_COPY/tests/integration/integration_config.yml"
echo "oldest-core: ${CORE_TARGETS[*]}"
(cd "$OLD_COPY" && "$AT" integration "${AT_ARGS[@]}" -v --continue-on-error "${CORE_TARGETS[@]}") || failed=1
stop_sim
trap - EXIT

echo
echo "== read-lag targets on ansible-core $have"
wait "$lag_pid" || failed=1
cat "$LAG_LOG"

if [ "$failed" -ne 0 ]; then
    echo "oldest-core: FAILED on ansible-core $have"
    exit 1
fi
echo "oldest-core: units and integration (the read-lag targets with lag) pass on ansible-core $have"
