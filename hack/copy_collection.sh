#!/usr/bin/env bash
# Copy the collection (git-tracked files plus untracked files that are not ignored) to
# build/collections/ansible_collections/tencent/qcloud: ansible-test needs the collection at a
# REAL path ending in ansible_collections/NAMESPACE/NAME (it refuses a symlink).
#
# The copy is refreshed every run: files deleted in the work tree disappear from the copy, and the
# copy's tests/output/ (ansible-test's results, junit files, integration logs) is emptied, so that
# the secret scan sees what the latest run in this copy wrote. (ansible-test keeps its venvs and caches in
# ~/.ansible/test, not there.)
# The copy gets an empty git repo of its own, so that ansible-test (which asks git for the file
# list) sees the same set of files as in the work tree.
#
# Usage: hack/copy_collection.sh [DEST]   prints the destination path
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
cd "$(dirname "$0")/.."

DEST=${1:-build/collections/ansible_collections/tencent/qcloud}
mkdir -p "$DEST"

list=$(mktemp)
trap 'rm -f "$list"' EXIT
# Only files that exist (a tracked file deleted in the work tree but not yet in git is skipped).
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
    [ -f "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
done > "$list"

# Remove from the copy what is no longer in the work tree (everything but tests/output and .git).
(cd "$DEST" && find . -mindepth 1 \( -path ./tests/output -o -path ./.git \) -prune -o \( -type f -o -type l \) -print0) |
    sed -z 's|^\./||' | sort -z > "$list.have"
sort -z "$list" > "$list.want"
comm -z -23 "$list.have" "$list.want" | (cd "$DEST" && xargs -0 -r rm -f)
(cd "$DEST" && find . -mindepth 1 \( -path ./tests/output -o -path ./.git \) -prune -o -type d -empty -print0 | xargs -0 -r rmdir -p --ignore-fail-on-non-empty 2>/dev/null) || true
rm -f "$list.have" "$list.want"

rm -rf "$DEST/tests/output"

# Copy (preserving modes and timestamps; unchanged files are rewritten but that is cheap).
tar --null -T "$list" -cf - | tar -C "$DEST" -xf -

# A private, empty git repo: ansible-test then lists files with git (untracked, not ignored by
# the copied .gitignore) instead of finding the enclosing work tree, where build/ is ignored.
if [ ! -d "$DEST/.git" ]; then
    git -C "$DEST" init -q
fi
echo "$DEST"
