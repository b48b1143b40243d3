#!/usr/bin/env bash
# Step `docs` (also `make docs`): the documentation, checked and built offline.
#
#   1. docs/troubleshooting.md is what tools/gen_troubleshooting.py makes of the error catalogue;
#   2. the oldest supported ansible-core (meta/runtime.yml requires_ansible) is the one the README
#      and docs/getting-started.md state; every file the README and docs/*.md name exists, and
#      every resource id they use is in the simulator's default world, no page says a thing twice, and
#      the plugins' docs name only options they have and no version newer than galaxy.yml's (hack/check_docs.py);
#   3. antsibull-docs lint-collection-docs --plugin-docs (module and fragment docs, markup,
#      references, docs/docsite/links.yml) and antsibull-changelog lint;
#   4. the HTML site: antsibull-docs generates the module and doc fragment reference from the
#      code (build/docs/rst/collection), the Markdown guides of docs/ join it (rst/guides), and
#      sphinx-build -W turns every warning into a failure. Result: build/docs/html/index.html.
#
# Tools: .venv-docs from docs/site/requirements.txt (reinstalled only when it changes); ansible-doc
# comes from the project venv. Runs in the copy made by hack/copy_collection.sh.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
VENV=${VENV:-.venv}
PY=${PY:-$ROOT/$VENV/bin/python}
COPY=${COPY:-$ROOT/build/collections/ansible_collections/tencent/qcloud}
cd "$ROOT"
# shellcheck source=hack/python.sh
. hack/python.sh

TOOLS="$ROOT/.venv-docs"
OUT="$ROOT/build/docs"
REQS=docs/site/requirements.txt

key=$( { "$PY" -c 'import sys; print(sys.version)'; cat "$REQS"; } | sha256sum | cut -c1-16)
if [ ! -f "$TOOLS/.installed-$key" ]; then
    ensure_venv docs "$TOOLS"
    echo "docs: installing $REQS into .venv-docs"
    "$TOOLS/bin/python" -m pip install --disable-pip-version-check -q -r "$REQS"
    rm -f "$TOOLS"/.installed-*
    touch "$TOOLS/.installed-$key"
fi
# antsibull-* from .venv-docs, ansible-doc / ansible-galaxy from the project venv.
export PATH="$TOOLS/bin:$ROOT/$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections"
export ANSIBLE_NOCOLOR=1
failed=0

echo "== 1. docs/troubleshooting.md is up to date with plugins/module_utils/_errors.py"
if "$PY" tools/gen_troubleshooting.py --check; then
    echo "docs: troubleshooting.md matches the error catalogue"
else
    failed=1
fi

echo
echo "== 2. the oldest supported ansible-core is stated where users look; named files and ids exist"
oldest=$(sed -n 's/^requires_ansible: *"*>=\([0-9]*\.[0-9]*\).*/\1/p' meta/runtime.yml)
for f in README.md docs/getting-started.md docs/site/index.rst; do
    if grep -q "ansible-core $oldest or newer" "$f"; then
        echo "docs: $f says ansible-core $oldest or newer"
    else
        echo "docs: $f does not say 'ansible-core $oldest or newer' (meta/runtime.yml: >=$oldest)"
        failed=1
    fi
done
"$PY" hack/check_docs.py || failed=1

echo
echo "== 3. antsibull-docs lint-collection-docs and antsibull-changelog lint"
(cd "$COPY" && antsibull-docs lint-collection-docs --plugin-docs .) && echo "docs: lint-collection-docs clean" || failed=1
(cd "$COPY" && antsibull-changelog lint) && echo "docs: changelog lint clean" || failed=1

echo
echo "== 4. the HTML site (build/docs/html)"
rm -rf "$OUT"
mkdir -p "$OUT/rst/collection" "$OUT/rst/guides"
chmod og-w "$OUT/rst/collection"
antsibull-docs collection --use-current --squash-hierarchy --cleanup everything \
    --dest-dir "$OUT/rst/collection" tencent.qcloud || failed=1
"$TOOLS/bin/python" docs/site/fragment_page.py "$COPY" "$OUT/rst/collection/qcloud_doc_fragment.rst" || failed=1
cp docs/site/index.rst docs/site/ansible-references.rst "$OUT/rst/"
for md in docs/*.md; do
    [ "$(basename "$md")" = README.md ] && continue   # the site's index.rst takes its place
    cp "$md" "$OUT/rst/guides/"
done
cp -r docs/images "$OUT/rst/guides/images"
cp docs/*.png "$OUT/rst/guides/"   # the plots of docs/benchmarks.md (make bench), next to it
sphinx-build -b html -W --keep-going -q -c docs/site "$OUT/rst" "$OUT/html" || failed=1
for page in index guides/awx guides/troubleshooting guides/inventory collection/qcloud_eni_attach_module \
        collection/qcloud_eni_info_module collection/qcloud_cvm_info_module collection/qcloud_cvm_inventory \
        collection/qcloud_doc_fragment guides/images/attach-flow.svg; do
    case "$page" in *.svg) f="$OUT/html/_images/attach-flow.svg" ;; *) f="$OUT/html/$page.html" ;; esac
    [ -f "$f" ] || { echo "docs: the site lacks ${f#"$ROOT"/}"; failed=1; }
done

if [ "$failed" -ne 0 ]; then
    echo "docs: FAILED"
    exit 1
fi
echo "docs: site built: build/docs/html/index.html"
