#!/usr/bin/env bash
# The tencent.qcloud.qcloud_cvm inventory plugin through real ansible-inventory runs against the
# simulator: inventory_test.py writes each *.qcloud_cvm.yml, runs ansible-inventory (and ansible-playbook,
# which must print no warning) and compares
# hosts, names, groups and variables with GET /_sim/state and the calls with GET /_sim/requests.
# Keys come from TENCENTCLOUD_* as an AWX credential injects them. No `set -x` (the secret key).
set -eu -o pipefail
PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
exec "$PY" inventory_test.py "${QCLOUD_INTEGRATION_CONFIG:-../../integration_config.yml}" "$@"
