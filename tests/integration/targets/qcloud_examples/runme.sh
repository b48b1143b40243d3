#!/usr/bin/env bash
# Run the EXAMPLES of qcloud_eni_attach, qcloud_eni_info and qcloud_eni, the README's playbook and the
# guide's playbook as written, against the simulator's default world (they use its ids), with keys and
# region from the environment.
# No `set -x`: the trace would print the secret key.
set -eu -o pipefail

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
CONFIG="${QCLOUD_INTEGRATION_CONFIG:-../../integration_config.yml}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cfg() {
    "$PY" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$CONFIG" "$1"
}

TENCENTCLOUD_SECRET_ID="$(cfg qcloud_secret_id)"
TENCENTCLOUD_SECRET_KEY="$(cfg qcloud_secret_key)"
TENCENTCLOUD_REGION="$(cfg qcloud_region)"
export TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_REGION
SIM_URL="$(cfg qcloud_sim_url)"
CA="$(cfg qcloud_ca_bundle)"

# The examples start from the default world.
"$PY" - "$SIM_URL/_sim/reset" "$CA" <<'PYEOF'
import ssl, sys, urllib.request
req = urllib.request.Request(sys.argv[1], method="POST", data=b"{}", headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, context=ssl.create_default_context(cafile=sys.argv[2])).read()
PYEOF

"$PY" extract_examples.py "$WORK/examples.yml" tencent.qcloud.qcloud_eni_attach tencent.qcloud.qcloud_eni_info tencent.qcloud.qcloud_eni \
    tencent.qcloud.qcloud_cvm_info
ansible-playbook "$WORK/examples.yml" -i localhost, -c local -e "ansible_python_interpreter=$PY" \
    -e "qcloud_endpoint=$(cfg qcloud_endpoint)" -e "qcloud_ca_bundle=$CA" -e "qcloud_sim_url=$SIM_URL" "$@"

# The guide docs/eni-lifecycle.md walks through examples/eni-lifecycle.yml: it runs as written too.
# ansible-test runs this target in a copy of the collection without examples/ (under
# ROOT/tests/output/.tmp/...), so the playbook is looked for in the collection root above it.
GUIDE="../../../../examples/eni-lifecycle.yml"
case "$PWD" in
    */tests/output/.tmp/*) [ -f "$GUIDE" ] || GUIDE="${PWD%%/tests/output/.tmp/*}/examples/eni-lifecycle.yml" ;;
esac
if [ ! -f "$GUIDE" ]; then
    echo "qcloud_examples: $GUIDE is missing from the collection" >&2
    exit 1
fi
ansible-playbook "$GUIDE" -i localhost, -c local -e "ansible_python_interpreter=$PY" \
    -e "qcloud_endpoint=$(cfg qcloud_endpoint)" -e "qcloud_ca_bundle=$CA" "$@"
