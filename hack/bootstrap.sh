#!/usr/bin/env bash
# Create or update the project's virtualenv (default .venv/) and install requirements-dev.txt
# plus the simulator's requirements when they exist.
#
# Re-installs only when a requirements file changed: the stamp file inside the venv is named
# after a hash of all requirements files (and the interpreter), so a warm rerun is a no-op.
#
# Usage: hack/bootstrap.sh [VENV_DIR]
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${1:-.venv}

req_files=(requirements-dev.txt)
for f in tests/simulator/requirements.txt tests/simulator/requirements-test.txt; do
    [ -f "$f" ] && req_files+=("$f")
done

# shellcheck source=hack/python.sh
. hack/python.sh
ensure_venv bootstrap "$VENV"

# The hash covers the content of every requirements file and the venv's interpreter version.
key=$( { "$VENV/bin/python" --version 2>&1; for f in "${req_files[@]}"; do echo "== $f"; cat "$f"; done; } \
       | sha256sum | cut -c1-16 )
stamp="$VENV/.installed-$key"
if [ -f "$stamp" ]; then
    exit 0
fi

echo "bootstrap: installing ${req_files[*]} into $VENV"
args=()
for f in "${req_files[@]}"; do args+=(-r "$f"); done
"$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
"$VENV/bin/python" -m pip install --disable-pip-version-check -q "${args[@]}"
rm -f "$VENV"/.installed-*
touch "$stamp"
"$VENV/bin/python" -c 'import ansible, sys; print("bootstrap: Python %s, ansible-core %s" % (sys.version.split()[0], ansible.__version__))'
