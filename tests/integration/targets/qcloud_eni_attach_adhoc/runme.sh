#!/usr/bin/env bash
# The ad-hoc form of qcloud_eni_attach against the simulator: changed, then unchanged, then
# the same with -vvv, which must not show the secret key anywhere.
# No `set -x`: the trace would print the secret key this test guards.
set -eu -o pipefail

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
# ansible-test copies integration_config.yml next to targets/ and strips the environment, so
# the connection is read from that file (cwd is this target's directory).
CONFIG="${QCLOUD_INTEGRATION_CONFIG:-../../integration_config.yml}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cfg() {
    "$PY" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$CONFIG" "$1"
}

ENDPOINT="$(cfg qcloud_endpoint)"
SIM_URL="$(cfg qcloud_sim_url)"
CA="$(cfg qcloud_ca_bundle)"
SECRET_KEY="$(cfg qcloud_secret_key)"
[ -n "$SECRET_KEY" ] || { echo "no qcloud_secret_key in $CONFIG" >&2; exit 1; }
TENCENTCLOUD_SECRET_ID="$(cfg qcloud_secret_id)"
TENCENTCLOUD_SECRET_KEY="$SECRET_KEY"
TENCENTCLOUD_REGION="$(cfg qcloud_region)"
export TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_REGION

sim() {  # sim METHOD PATH [JSON]: the simulator's control API
    "$PY" - "$SIM_URL$2" "$1" "${3:-}" "$CA" <<'PYEOF'
import ssl, sys, urllib.request
url, method, body, ca = sys.argv[1:5]
req = urllib.request.Request(url, method=method, data=body.encode() if body else None,
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=ca)) as resp:
    sys.stdout.write(resp.read().decode())
PYEOF
}

# field FILE EXPR: evaluate EXPR on the result `r` of an ad-hoc run's output,
# "localhost | CHANGED => {...json...}" (ansible-core has no json stdout callback of its own)
field() {
    "$PY" - "$1" "$2" <<'PYEOF'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^localhost \| (SUCCESS|CHANGED|FAILED!) => ", text, re.M)
if not m:
    sys.exit("no 'localhost | ... =>' line in the output")
r, _ = json.JSONDecoder().raw_decode(text[m.end():])
r["_status"] = m.group(1)
print(eval(sys.argv[2], {}, {"r": r}))
PYEOF
}

fail() { echo "FAIL: $*" >&2; exit 1; }

ARGS="network_interface_id=eni-free0003 instance_id=ins-run00001 api_endpoint=$ENDPOINT ca_bundle=$CA"

adhoc() {  # adhoc OUT [extra ansible options]: the ad-hoc command, its stdout in OUT
    local out="$1"; shift
    ANSIBLE_CALLBACK_RESULT_FORMAT=json \
        ansible localhost -m tencent.qcloud.qcloud_eni_attach -a "$ARGS" "$@" > "$out" \
        || { cat "$out"; fail "ad-hoc run failed"; }
}

sim POST /_sim/reset '{}' > /dev/null
sim POST /_sim/config '{"task_seconds": 0.2}' > /dev/null

echo "== ad-hoc attach: changed"
adhoc "$WORK/first.txt"
[ "$(field "$WORK/first.txt" 'r["_status"], r["changed"]')" = "('CHANGED', True)" ] || fail "first run not changed"
[ "$(field "$WORK/first.txt" 'r["network_interface"]["attachment"]["instance_id"]')" = ins-run00001 ] || fail "not attached"
[ "$(field "$WORK/first.txt" 'r["credential_source"]')" = "environment (TENCENTCLOUD_SECRET_ID)" ] || fail "keys not from the environment"
field "$WORK/first.txt" 'r["task_id"]' | grep -q . || fail "no task_id"

echo "== ad-hoc attach again: unchanged, one API call"
sim DELETE /_sim/requests > /dev/null
adhoc "$WORK/second.txt"
[ "$(field "$WORK/second.txt" 'r["_status"], r["changed"]')" = "('SUCCESS', False)" ] || fail "second run changed"
[ "$(field "$WORK/second.txt" '"task_id" in r')" = False ] || fail "second run wrote"
sim GET /_sim/requests > "$WORK/log.json"
[ "$("$PY" -c 'import json,sys; print([e["action"] for e in json.load(open(sys.argv[1]))["requests"]])' "$WORK/log.json")" \
    = "['DescribeNetworkInterfaces']" ] || fail "the unchanged run made other calls than one DescribeNetworkInterfaces"

echo "== check mode and diff, ad hoc"
adhoc "$WORK/check.txt" --check --diff -a "$ARGS state=absent"
[ "$(field "$WORK/check.txt" 'r["changed"], r["network_interface"]["attachment"]')" = "(True, None)" ] || fail "check-mode detach not predicted"
# --diff prints the diff above the result (and takes it out of the result)
grep -qx -- '-    "instance_id": "ins-run00001",' "$WORK/check.txt" || { cat "$WORK/check.txt"; fail "no 'before' in the diff"; }
grep -qx -- '+    "instance_id": null,' "$WORK/check.txt" || { cat "$WORK/check.txt"; fail "no 'after' in the diff"; }

echo "== -vvv, keys from the environment, from -a, and a failure: the secret key never shows"
ansible localhost -m tencent.qcloud.qcloud_eni_attach -a "$ARGS state=absent" -vvv > "$WORK/vvv-env.txt" 2>&1 \
    || fail "-vvv detach (environment keys) failed"
ansible localhost -m tencent.qcloud.qcloud_eni_attach \
    -a "$ARGS secret_id=$TENCENTCLOUD_SECRET_ID secret_key=$SECRET_KEY" -vvv > "$WORK/vvv-args.txt" 2>&1 \
    || fail "-vvv attach (keys in -a) failed"
grep -q 'CHANGED =>' "$WORK/vvv-env.txt" || fail "the -vvv detach did not report CHANGED"
grep -q 'CHANGED =>' "$WORK/vvv-args.txt" || fail "the -vvv attach did not report CHANGED"
# a failure (an API error, with its traceback at -vvv) must not show it either
if ansible localhost -m tencent.qcloud.qcloud_eni_attach \
    -a "network_interface_id=eni-zone0004 instance_id=ins-run00001 api_endpoint=$ENDPOINT ca_bundle=$CA secret_id=$TENCENTCLOUD_SECRET_ID secret_key=$SECRET_KEY" \
    -vvv > "$WORK/vvv-failed.txt" 2>&1; then
    fail "the zone mismatch did not fail"
fi
grep -q 'UnsupportedOperation.ZoneMismatch' "$WORK/vvv-failed.txt" || fail "the -vvv failure does not carry the API code"
for f in "$WORK"/*.txt "$WORK"/*.json; do
    if grep -qF -- "$SECRET_KEY" "$f"; then
        # never print the file: it holds the key
        fail "the secret key appears $(grep -cF -- "$SECRET_KEY" "$f") time(s) in $(basename "$f")"
    fi
done
echo "ok: $(cat "$WORK"/*.txt | wc -l) lines of output, no secret key"
