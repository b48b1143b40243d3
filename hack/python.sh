# shellcheck shell=bash
# Sourced by the harness scripts (hack/bootstrap.sh, hack/steps/*.sh, bench/setup.sh): which Python
# a new virtualenv gets, decided in this one place.
#
#   pick_python WHO           $QCLOUD_PYTHON when set, else Python 3.12 (ansible-core 2.20+ need a 3.12
#                             controller): pyenv's newest 3.12.x, else python3.12 on PATH, else python3
#                             with a warning on stderr
#   pick_python_of WHO X.Y..  the first of these minor versions found (pyenv's newest patch release,
#                             else pythonX.Y on PATH), or fail (status 1); QCLOUD_PYTHON does not apply
#   ensure_venv WHO DIR [X.Y..]  creates the venv DIR when it has no bin/python, with pick_python
#                             (or pick_python_of X.Y..)
# The pickers print the command to run (e.g. "env PYENV_VERSION=3.12.1 python3.12"); WHO prefixes
# the messages (bootstrap, galaxy, ...).

pick_python_of() {   # pick_python_of WHO X.Y...
    local who=$1 minor full
    shift
    for minor in "$@"; do
        if command -v pyenv >/dev/null 2>&1; then
            full=$(pyenv versions --bare 2>/dev/null | grep -E "^${minor//./\\.}\.[0-9]+$" | sort -V | tail -1)
            if [ -n "$full" ] && PYENV_VERSION=$full "python$minor" -c '' >/dev/null 2>&1; then
                echo "env PYENV_VERSION=$full python$minor"
                return 0
            fi
        fi
        if command -v "python$minor" >/dev/null 2>&1 && "python$minor" -c '' >/dev/null 2>&1; then
            echo "python$minor"
            return 0
        fi
    done
    echo "$who: no Python $* found (pyenv or on PATH)" >&2
    return 1
}

pick_python() {   # pick_python WHO
    local who=$1
    if [ -n "${QCLOUD_PYTHON:-}" ]; then
        echo "$QCLOUD_PYTHON"
        return 0
    fi
    pick_python_of "$who" 3.12 2>/dev/null && return 0
    echo "$who: WARNING: no Python 3.12 found (pyenv or python3.12 on PATH); falling back to python3" \
         "($(python3 --version 2>&1)): ansible-core will be the newest release that supports it" >&2
    echo "python3"
}

ensure_venv() {   # ensure_venv WHO DIR [X.Y...]
    local who=$1 dir=$2 py
    shift 2
    [ -x "$dir/bin/python" ] && return 0
    if [ $# -gt 0 ]; then
        py=$(pick_python_of "$who" "$@") || return 1
    else
        py=$(pick_python "$who")
    fi
    # $py is a command line ("env PYENV_VERSION=... python3.12"): split on purpose
    # shellcheck disable=SC2086
    echo "$who: creating $dir with $py ($($py --version 2>&1))"
    # shellcheck disable=SC2086
    $py -m venv "$dir"
}
