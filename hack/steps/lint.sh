#!/usr/bin/env bash
# Step `lint`: ansible-lint, production profile, offline, on examples/, awx/ and the integration
# targets, in the copy of the collection (so tencent.qcloud resolves to the work tree's code).
#
# awx/*.yml use the awx.awx collection, which is not on PyPI by itself: the `ansible` community
# package (13.x) still bundles it, so its wheel is downloaded with pip (no install) and only
# ansible_collections/awx/awx is unpacked into .venv-lint/collections.
# Tools: .venv-lint, keyed on the pinned list below.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
COPY=${COPY:-$ROOT/build/collections/ansible_collections/tencent/qcloud}
cd "$ROOT"
# shellcheck source=hack/python.sh
. hack/python.sh

TOOLS="$ROOT/.venv-lint"
WORK="$ROOT/build/lint"
TOOL_REQS='ansible-lint==26.10.1
ansible-core>=2.16,<2.22'
AWX_FROM='ansible==13.8.0'   # the last major release of the ansible package that bundles awx.awx

key=$(printf '%s\n%s\n' "$TOOL_REQS" "$AWX_FROM" | sha256sum | cut -c1-16)
if [ ! -f "$TOOLS/.installed-$key" ]; then
    ensure_venv lint "$TOOLS"
    echo "lint: installing ansible-lint and ansible-core into .venv-lint; awx.awx from the $AWX_FROM wheel"
    printf '%s\n' "$TOOL_REQS" > "$TOOLS/tools-requirements.txt"
    "$TOOLS/bin/python" -m pip install --disable-pip-version-check -q -r "$TOOLS/tools-requirements.txt"
    rm -rf "$TOOLS/wheel" "$TOOLS/collections"
    "$TOOLS/bin/python" -m pip download --disable-pip-version-check -q --no-deps -d "$TOOLS/wheel" "$AWX_FROM"
    "$TOOLS/bin/python" - "$TOOLS/wheel" "$TOOLS/collections" <<'EOF'
import glob
import sys
import zipfile

wheel = glob.glob(sys.argv[1] + "/ansible-*.whl")[0]
with zipfile.ZipFile(wheel) as zf:
    names = [n for n in zf.namelist() if n.startswith("ansible_collections/awx/awx/")]
    if not names:
        sys.exit("lint: %s does not bundle awx.awx" % wheel)
    zf.extractall(sys.argv[2], names)
print("lint: awx.awx unpacked from %s (%d files)" % (wheel.rsplit("/", 1)[-1], len(names)))
EOF
    rm -rf "$TOOLS/wheel"
    rm -f "$TOOLS"/.installed-*
    touch "$TOOLS/.installed-$key"
fi

rm -rf "$WORK"
mkdir -p "$WORK/home" "$WORK/tmp"
export PATH="$TOOLS/bin:$PATH"
export HOME="$WORK/home"                 # nothing read from or left in ~/.ansible
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections:$TOOLS/collections"
export ANSIBLE_LOCAL_TEMP="$WORK/tmp" XDG_CACHE_HOME="$WORK/tmp"
export ANSIBLE_NOCOLOR=1 NO_COLOR=1

cat > "$WORK/ansible-lint.yml" <<'EOF'
---
profile: production
offline: true
# The targets' setup role is run by ansible-test, not by a playbook of the collection.
kinds:
  - tasks: "tests/integration/targets/*/tasks/*.yml"
EOF

targets=(examples awx)
for d in "$COPY"/tests/integration/targets/*/; do
    targets+=("tests/integration/targets/$(basename "$d")")
done
echo "lint: ansible-lint $(ansible-lint --version 2>/dev/null | head -1 | cut -d' ' -f2) --profile production on: ${targets[*]}"
(cd "$COPY" && ansible-lint -c "$WORK/ansible-lint.yml" --project-dir "$COPY" --nocolor "${targets[@]}")
