#!/usr/bin/env bash
# Create or update the project's virtualenv (default .venv/) and install requirements-dev.txt
# plus the simulator's requirements when they exist.
#
# Re-installs only when a requirements file changed: the stamp file inside the venv is named
# after a hash of all requirements files (and the interpreter), so a warm rerun is a no-op.
#
# Usage: hack/bootstrap.sh [VENV_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${1:-.venv}

pick_python() {
    # Python 3.12 gives ansible-core 2.21 (2.20+ need a 3.12 controller); fall back with a message.
    if [ -n "${QCLOUD_PYTHON:-}" ]; then
        echo "$QCLOUD_PYTHON"; return
    fi
    if command -v pyenv >/dev/null 2>&1 && PYENV_VERSION=3.12.1 python3.12 -c '' >/dev/null 2>&1; then
        echo "env PYENV_VERSION=3.12.1 python3.12"; return
    fi
    if command -v python3.12 >/dev/null 2>&1 && python3.12 -c '' >/dev/null 2>&1; then
        echo "python3.12"; return
    fi
    echo "bootstrap: WARNING: no Python 3.12 found (tried 'PYENV_VERSION=3.12.1 python3.12' and" \
         "'python3.12'); falling back to python3 ($(python3 --version 2>&1)). ansible-core will be" \
         "the newest release that supports it (2.19.x on 3.11)." >&2
    echo "python3"
}

req_files=(requirements-dev.txt)
for f in tests/simulator/requirements.txt tests/simulator/requirements-test.txt; do
    [ -f "$f" ] && req_files+=("$f")
done

if [ ! -x "$VENV/bin/python" ]; then
    PY=$(pick_python)
    echo "bootstrap: creating $VENV with: $PY ($($PY --version 2>&1))"
    $PY -m venv "$VENV"
fi

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
