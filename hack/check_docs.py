#!/usr/bin/env python
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What README.md and docs/*.md name must exist: the repository's files, and the resource ids.

  check_docs.py [FILE.md ...]     (default: README.md docs/*.md)

* A file of the repository named in a link, or in backquotes or a code block as a path that
  starts with one of its top-level folders (awx/, docs/, examples/, ...) or is one of its root
  files, must be there. Links are relative to the page; other paths to the repository's root.
  Paths with a placeholder (`*`, `<...>`, `DIR`, `...`) and generated ones (build/, .venv*) pass.
* An ENI, instance, VPC or subnet id (`eni-xxxxxxxx` ...) must be one of the simulator's default
  world (tests/simulator/qcloud_sim/default_world.py), so that every example runs as written against
  it, or a placeholder of x's.
Prints each finding as FILE:LINE: what is wrong; exit 1 if there is one.
"""

from __future__ import annotations

import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "simulator"))

from qcloud_sim.default_world import default_world  # noqa: E402  pylint: disable=wrong-import-position

TOP_DIRS = ("awx", "bench", "changelogs", "docs", "examples", "hack", "meta", "plugins", "tests", "tools")
ROOT_FILES = ("README.md", "CHANGELOG.rst", "COPYING", "Makefile", "galaxy.yml", "requirements.txt",
              "requirements-dev.txt", "bindep.txt")
GENERATED = ("build/", ".venv")
PLACEHOLDER = re.compile(r"[*<>]|\.\.\.|\bDIR\b|\bID\b")
LINK = re.compile(r"\]\(([^)#\s]+)")
CODE = re.compile(r"`([^`\n]+)`")
WORD = re.compile(r"[A-Za-z0-9_.~/<>*-]+")
RESOURCE_ID = re.compile(r"\b(eni|ins|vpc|subnet)-[0-9a-z]{8}\b")


def known_ids():
    world = default_world()
    ids = set()
    for kind, key in (("enis", "eni_id"), ("instances", "instance_id"), ("vpcs", "vpc_id"),
                      ("subnets", "subnet_id")):
        ids.update(item[key] for item in world[kind])
    return ids


def repo_path(word):
    """The word as a path of the repository, or None when it does not look like one."""
    word = word.rstrip(".,:;)").lstrip("(")
    if word in ROOT_FILES:
        return word
    top = word.split("/", 1)[0]
    if "/" in word and top in TOP_DIRS and not word.startswith(GENERATED):
        return word
    return None


def check(page, ids):
    problems = []
    in_code = False
    with open(page, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    for number, line in enumerate(lines, start=1):
        where = "%s:%d" % (os.path.relpath(page, ROOT), number)
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        for target in LINK.findall(line):
            if "://" in target or target.startswith("mailto:"):
                continue
            path = os.path.normpath(os.path.join(os.path.dirname(page), target))
            if not os.path.exists(path):
                problems.append("%s: the link %s points to nothing" % (where, target))
        spans = [line] if in_code else CODE.findall(line)
        for span in spans:
            for word in WORD.findall(span):
                path = repo_path(word)
                if path and not PLACEHOLDER.search(path) and not os.path.exists(os.path.join(ROOT, path)):
                    problems.append("%s: %s is not in the repository" % (where, path))
        for match in RESOURCE_ID.finditer(line):
            rid = match.group(0)
            if rid not in ids and set(rid.split("-", 1)[1]) != {"x"}:
                problems.append("%s: %s is not in the simulator's default world: use one of its ids "
                                "(tests/simulator/README.md) or a placeholder like %s-xxxxxxxx"
                                % (where, rid, match.group(1)))
    return problems


def main(argv):
    pages = argv or [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    ids = known_ids()
    problems = [p for page in pages for p in check(os.path.abspath(page), ids)]
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("check_docs: %d pages: every named file exists, every id is in the default world" % len(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
