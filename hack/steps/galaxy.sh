#!/usr/bin/env bash
# Step `galaxy`: check that no plugin's version_added is newer than galaxy.yml's version (hack/check_docs.py
# --version-added), build the collection tarball, check that it holds the files the docs say ship, and
# run galaxy-importer on it, as Galaxy and Automation Hub do on upload. Passes only when the importer
# reports no error and no warning.
#
# The importer runs locally (no container: RUN_ANSIBLE_TEST off, which would use one), with its
# ansible-lint pass on, configured by build/galaxy/galaxy-importer.cfg through GALAXY_IMPORTER_CONFIG.
# That lint reads the collection's own .ansible-lint, which mocks the awx.awx modules of awx/*.yml
# (Galaxy does not install awx.awx; steps/lint.sh lints those playbooks against the real one).
# ANSIBLE_COLLECTIONS_PATH and HOME point into build/galaxy, so nothing it installs shadows the
# work tree from ~/.ansible. Tools: .venv-galaxy, keyed on the pinned list below.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# A copy of its own: it runs beside the integration steps, which work in the main copy.
COPY="$ROOT/build/collections-galaxy/ansible_collections/tencent/qcloud"
cd "$ROOT"
bash hack/copy_collection.sh "$COPY" >/dev/null
# shellcheck source=hack/python.sh
. hack/python.sh

TOOLS="$ROOT/.venv-galaxy"
WORK="$ROOT/build/galaxy"
TOOL_REQS='galaxy-importer==0.4.44
ansible-lint==26.10.1
ansible-core>=2.16,<2.22'

key=$(printf '%s\n' "$TOOL_REQS" | sha256sum | cut -c1-16)
if [ ! -f "$TOOLS/.installed-$key" ]; then
    ensure_venv galaxy "$TOOLS"
    echo "galaxy: installing galaxy-importer, ansible-lint and ansible-core into .venv-galaxy"
    printf '%s\n' "$TOOL_REQS" > "$TOOLS/tools-requirements.txt"
    "$TOOLS/bin/python" -m pip install --disable-pip-version-check -q -r "$TOOLS/tools-requirements.txt"
    rm -f "$TOOLS"/.installed-*
    touch "$TOOLS/.installed-$key"
fi

rm -rf "$WORK"
mkdir -p "$WORK/dist" "$WORK/home" "$WORK/collections" "$WORK/tmp"
export PATH="$TOOLS/bin:$PATH"
export HOME="$WORK/home"
export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
export ANSIBLE_LOCAL_TEMP="$WORK/tmp"
export ANSIBLE_NOCOLOR=1 NO_COLOR=1

# A plugin, option or return value documented as added in a version newer than the collection's
# would tell users of this tarball "New in X" for a release they do not have.
echo "== version_added against galaxy.yml's version"
"${PY:-$ROOT/${VENV:-.venv}/bin/python}" hack/check_docs.py --version-added "$COPY"

echo
echo "== ansible-galaxy collection build"
ansible-galaxy collection build "$COPY" --output-path "$WORK/dist" --force
tarball=$(ls "$WORK"/dist/tencent-qcloud-*.tar.gz)

# What the README and docs/awx.md say ships with the collection (build_ignore once left awx/*.yml out).
ships=(awx/credential_type.json awx/create_credential_type.yml awx/setup.yml awx/requirements.yml
       examples/ee/execution-environment.yml meta/execution-environment.yml requirements.txt bindep.txt)
listing=$(tar tzf "$tarball")
missing=0
for f in "${ships[@]}"; do
    grep -qxF "$f" <<< "$listing" || { echo "galaxy: the tarball lacks $f, which the docs say ships"; missing=1; }
done
[ "$missing" -eq 0 ] || exit 1
echo "galaxy: the tarball holds what the docs say ships: ${ships[*]}"

cat > "$WORK/galaxy-importer.cfg" <<EOF
[galaxy-importer]
LOG_LEVEL_MAIN = INFO
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
ANSIBLE_LOCAL_TMP = $WORK/tmp
CHECK_CHANGELOG = True
EOF
echo
echo "== galaxy-importer $(basename "$tarball")"
rc=0
# From build/galaxy: the importer writes importer_result.json into its working directory.
(cd "$WORK" && GALAXY_IMPORTER_CONFIG="$WORK/galaxy-importer.cfg" \
    "$TOOLS/bin/python" -m galaxy_importer.main "$tarball") > "$WORK/importer.log" 2>&1 || rc=$?
cat "$WORK/importer.log"
if [ "$rc" -ne 0 ]; then
    echo "galaxy: galaxy-importer failed (exit $rc)"
    exit 1
fi
if grep -Eiq '^(WARNING|ERROR)|warning:|error:' "$WORK/importer.log"; then
    echo "galaxy: galaxy-importer reported:"
    grep -Ei '^(WARNING|ERROR)|warning:|error:' "$WORK/importer.log"
    exit 1
fi
grep -q 'Importer processing completed successfully' "$WORK/importer.log" || {
    echo "galaxy: galaxy-importer did not complete"; exit 1; }
echo "galaxy: $(basename "$tarball") imports without an error or a warning"
