#!/usr/bin/env bash
# Run the test steps of tencent.qcloud in the copy of the collection made by hack/copy_collection.sh,
# then print one summary (each step PASS/FAIL/SKIP with its duration). Exit 1 if any step failed.
#
# Usage: hack/run_tests.sh STEP...   (called by the Makefile, after the venv is ready)
# Steps: sanity simulator-tests units integration secret-scan, and any hack/steps/NAME.sh;
# A+B runs steps A and B at the same time (each logs to its own file, printed when both end).
#
# A step script in hack/steps/ runs with ROOT, PY, VENV, ANSIBLE_TEST, PYVER, COPY, LOGS in its
# environment; exit 0 = PASS, 99 = SKIP, anything else = FAIL. A step that starts a simulator
# uses its own build/sim-NAME directory (hack/sim.py start), so the secret scan finds its secrets.
#
# Every step's output goes to the console and to build/logs/STEP.log.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

VENV=${VENV:-.venv}
PY="$ROOT/$VENV/bin/python"
ANSIBLE_TEST="$ROOT/$VENV/bin/ansible-test"
COPY="$ROOT/build/collections/ansible_collections/tencent/qcloud"
LOGS="$ROOT/build/logs"
SIM="$ROOT/build/sim"
PYVER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
mkdir -p "$LOGS"

# ansible-test settings shared by all steps: local mode (no --venv, no --docker), the venv's
# Python, no colour codes in the logs.
AT_ARGS=(--python "$PYVER" --color no)

declare -a SUMMARY=()
FAILED=0
N_PASS=0 N_FAIL=0 N_SKIP=0

record() {   # record NAME RC SECONDS [CPU]: one summary line; 0 = PASS, 99 = SKIP, else FAIL
    local name=$1 rc=$2 dur=$3 cpu
    # CPU: user+sys seconds of the step's processes (not of the simulators it started, which run
    # detached): on a shared machine the wall time says little, the CPU seconds compare.
    cpu=$(printf 'cpu %5ss' "${4:-?}")
    if [ "$rc" -eq 0 ]; then
        SUMMARY+=("$(printf '%-16s PASS  %4ss  %s' "$name" "$dur" "$cpu")")
        N_PASS=$((N_PASS + 1))
    elif [ "$rc" -eq 99 ]; then
        SUMMARY+=("$(printf '%-16s SKIP  %4ss  %s  (see %s)' "$name" "$dur" "$cpu" "build/logs/$name.log")")
        N_SKIP=$((N_SKIP + 1))
    else
        SUMMARY+=("$(printf '%-16s FAIL  %4ss  %s  (exit %s, log build/logs/%s.log)' "$name" "$dur" "$cpu" "$rc" "$name")")
        FAILED=1
        N_FAIL=$((N_FAIL + 1))
    fi
}

cpu_seconds() {   # cpu_seconds FILE: the user+sys seconds of the children in FILE (output of `times`)
    tail -1 "$1" 2>/dev/null | awk '{ t = 0; for (i = 1; i <= NF; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] } printf "%d", t + 0.5 }'
}

run_step() {   # run_step NAME FUNCTION: times FUNCTION, logs its output, records PASS/FAIL/SKIP
    local name=$1 fn=$2 start rc cpu_file
    echo
    echo "==================== $name ===================="
    start=$(date +%s)
    cpu_file=$(mktemp)
    # A subshell per step: a step's traps (the simulator's stop) fire when the step ends.
    # `times` (a builtin, in that subshell) gives the CPU seconds of what the step ran.
    ( "$fn"; rc=$?; times > "$cpu_file"; exit $rc ) 2>&1 | tee "$LOGS/$name.log"
    rc=${PIPESTATUS[0]}
    record "$name" "$rc" $(($(date +%s) - start)) "$(cpu_seconds "$cpu_file")"
    rm -f "$cpu_file"
}

step_function() {   # the function that runs step NAME, or nothing if there is none
    case "$1" in
        sanity) echo step_sanity ;;
        simulator-tests) echo step_simulator_tests ;;
        units) echo step_units ;;
        integration) echo step_integration ;;
        secret-scan) echo step_secret_scan ;;
        *) if [ -f "hack/steps/$1.sh" ]; then echo step_script; fi ;;
    esac
}

step_nice() {   # step_nice NAME: the niceness of step NAME in a group, over make's own
    # galaxy 0: galaxy-importer gives its ansible-lint run a fixed 180 s (hard-coded), so it must
    #   not wait behind the others; it ends within the first minute or so.
    # 10, the rest, alike. (Tried: the chains at 5 and sanity, units, docs and lint at 15. The
    #   group took the same CPU-seconds per second of wall, those four became its end, galaxy took
    #   twice as long and a simulator test with real-time tasks failed.)
    case "$1" in
        galaxy) echo 0 ;;
        *) echo 10 ;;
    esac
}

run_together() {   # run_together A+B...: the steps at once, each into its own log, shown when all end
    # For steps that mostly wait (on simulated tasks, on ansible start-up) and share nothing: each
    # has its own copy of the collection and its own simulator. Their outputs would interleave, so
    # each goes to its log and is printed whole afterwards. Each step runs at the niceness of
    # step_nice: galaxy first in line for the CPU, the others alike.
    local names name fn start dir nice_by
    IFS=+ read -ra names <<< "$1"
    dir=$(mktemp -d)
    echo
    echo "==================== ${names[*]} (at the same time) ===================="
    for name in "${names[@]}"; do
        fn=$(step_function "$name")
        (
            # over the niceness make itself runs at (renice -n sets it; a user cannot lower it)
            nice_by=$(step_nice "$name")
            [ "$nice_by" -eq 0 ] || renice -n "$(($(nice) + nice_by))" -p "$BASHPID" >/dev/null
            start=$(date +%s)
            ( STEP_NAME=$name "$fn"; rc=$?; times > "$dir/$name.cpu"; exit $rc ) > "$LOGS/$name.log" 2>&1
            echo "$? $(($(date +%s) - start))" > "$dir/$name"
        ) &
    done
    wait
    for name in "${names[@]}"; do
        echo
        echo "==================== $name ===================="
        cat "$LOGS/$name.log"
        read -r rc dur < "$dir/$name" || { rc=1; dur=0; }
        record "$name" "$rc" "$dur" "$(cpu_seconds "$dir/$name.cpu")"
    done
    rm -rf "$dir"
}

own_copy() {   # own_copy NAME: a copy of the collection for step NAME alone (build/collections-NAME), its path
    local copy="$ROOT/build/collections-$1/ansible_collections/tencent/qcloud"
    bash "$ROOT/hack/copy_collection.sh" "$copy" >/dev/null && echo "$copy"
}

step_sanity() {
    # The project keeps no sanity ignore file: every finding is fixed, not ignored.
    # Its own copy: it runs beside the integration steps, which write into the main copy's tests/output.
    local ignores COPY
    COPY=$(own_copy sanity) || return 1
    ignores=$(cd "$COPY" && ls tests/sanity/ignore-*.txt 2>/dev/null)
    if [ -n "$ignores" ]; then
        echo "sanity: the project keeps no sanity ignore files; remove: $ignores"
        return 1
    fi
    # --requirements: ansible-test installs each sanity test's pinned requirements into its own
    # venv under ~/.ansible/test/venv (keyed by a hash of the requirements), so a rerun reuses
    # them and only the first run downloads. Those venvs get pip from the bootstrap script that
    # hack/seed_get_pip.py wrote (ansible-test cannot download it here).
    (cd "$COPY" && "$ANSIBLE_TEST" sanity "${AT_ARGS[@]}" --requirements)
}

step_simulator_tests() {
    if [ ! -d "$COPY/tests/simulator/tests" ]; then
        echo "simulator-tests: no tests/simulator/tests"
        return 99
    fi
    (cd "$COPY" && "$PY" -m pytest tests/simulator/tests -q -p no:cacheprovider)
}

step_units() {
    # ansible-test units (not plain pytest): it works offline in local mode with --requirements
    # (pytest, pytest-xdist, pytest-mock into the venv), puts the collection on the import path
    # the way ansible does (ansible_collections.tencent.qcloud...), splits module_utils and
    # controller tests, runs on both cores and writes junit XML to tests/output/junit (of its own
    # copy: it runs beside the integration steps).
    local COPY
    COPY=$(own_copy units) || return 1
    if [ -z "$(cd "$COPY" && find tests/unit -name 'test_*.py' 2>/dev/null | head -1)" ]; then
        echo "units: no tests under tests/unit"
        return 99
    fi
    (cd "$COPY" && "$ANSIBLE_TEST" units "${AT_ARGS[@]}" --requirements)
}

stop_simulator() {
    "$PY" "$ROOT/hack/sim.py" stop "$SIM" || true
}

step_integration() {
    if [ -z "$(cd "$COPY" && find tests/integration/targets -name aliases 2>/dev/null | head -1)" ]; then
        echo "integration: no targets under tests/integration/targets"
        return 99
    fi
    if [ ! -d "$COPY/tests/simulator/qcloud_sim" ]; then
        echo "integration: no simulator under tests/simulator/qcloud_sim"
        return 1
    fi
    # The simulator runs once for all targets, over HTTPS with its own CA; the targets reset it
    # themselves. It is stopped on every way out of this step (each step runs in a subshell).
    trap stop_simulator EXIT
    trap 'exit 130' INT TERM HUP
    "$PY" "$ROOT/hack/sim.py" start "$SIM" --task-seconds 0.5 || return 1
    # ansible-test strips the environment: the targets learn the endpoint, keys and CA from
    # integration_config.yml, written into the copy only (never into the work tree).
    "$PY" "$ROOT/hack/sim.py" write-config "$SIM" "$COPY/tests/integration/integration_config.yml.template" \
        "$COPY/tests/integration/integration_config.yml" || return 1
    # --continue-on-error: one failing target does not hide the results of the others.
    # The targets of hack/steps/integration-side.sh run there (beside this step, on a simulator of
    # their own): this step runs every other target.
    local side=() target
    for target in $(bash "$ROOT/hack/steps/integration-side.sh" --list); do
        side+=(--exclude "$target")
    done
    (cd "$COPY" && "$ANSIBLE_TEST" integration "${AT_ARGS[@]}" -v --continue-on-error "${side[@]}")
}

step_secret_scan() {
    # Secrets: the keys and tokens of the simulator's world and every signature it received
    # (kept by the collector of hack/sim.py in build/sim/secrets.json), plus the simulator's default
    # key (hack/sim.py keys), which a run that started no simulator could still have leaked.
    # Outputs: every log of this run (build/logs: integration, units, sanity, ...), the
    # simulators' logs, and tests/output of every copy (units and sanity have their own). Not
    # scanned: the secrets files, and integration_config.yml (it holds the test key on purpose), which
    # lives in tests/integration, outside every path scanned.
    local args=() found key
    for found in "$ROOT"/build/sim/secrets.json "$ROOT"/build/sim-*/secrets.json; do
        [ -f "$found" ] && args+=(--secrets "$found")
    done
    if [ ${#args[@]} -eq 0 ]; then
        echo "secret-scan: no build/sim*/secrets.json (no simulator ran); scanning for the default key only"
    fi
    "$PY" "$ROOT/hack/secret_scan.py" --self-test || return 1
    key=$("$PY" "$ROOT/hack/sim.py" keys key) || return 1
    "$PY" "$ROOT/hack/secret_scan.py" "${args[@]}" \
        --secret "secret_key=$key" \
        --exclude "$LOGS/secret-scan.log" \
        "$LOGS" "$ROOT"/build/sim*/sim.log "$ROOT"/build/collections*/ansible_collections/tencent/qcloud/tests/output
}

step_script() {   # a step of its own in hack/steps/NAME.sh
    ROOT="$ROOT" PY="$PY" VENV="$VENV" ANSIBLE_TEST="$ANSIBLE_TEST" PYVER="$PYVER" COPY="$COPY" LOGS="$LOGS" \
        bash "$ROOT/hack/steps/$STEP_NAME.sh"
}

for step in "$@"; do
    for name in ${step//+/ }; do
        if [ -z "$(step_function "$name")" ]; then
            echo "run_tests: unknown step $name" >&2
            exit 2
        fi
    done
    case "$step" in
        *+*) run_together "$step" ;;
        *) STEP_NAME=$step run_step "$step" "$(step_function "$step")" ;;
    esac
done

echo
echo "==================== summary ===================="
printf '%s\n' "${SUMMARY[@]}"
echo "steps: $N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
if [ "$FAILED" -ne 0 ]; then
    echo "FAILED: see the logs in build/logs/"
    exit 1
fi
echo "all steps passed"
