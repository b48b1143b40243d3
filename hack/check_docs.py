#!/usr/bin/env python
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the docs say must be true, as far as a script can tell.

  check_docs.py [FILE.md ...]            the pages (default README.md docs/*.md) and the plugins' docs
  check_docs.py --version-added [DIR]    only: no version_added newer than DIR/galaxy.yml (default: here)
  check_docs.py -h | --help              this text

Pages (README.md, docs/*.md):
* A file of the repository named in a link, or in backquotes or a code block as a path that
  starts with one of its top-level folders (awx/, docs/, examples/, ...) or is one of its root
  files, must be there. Links are relative to the page; other paths to the repository's root.
  Paths with a placeholder (`*`, `<...>`, `DIR`, `...`) and generated ones (build/, .venv*) pass.
* An ENI, instance, VPC or subnet id (`eni-xxxxxxxx` ...) must be one of the simulator's default
  world (tests/simulator/qcloud_sim/default_world.py), so that every example runs as written against
  it, or a placeholder of x's.
* Nothing is said twice in one page (merge leftovers): no paragraph, bullet or sentence of 50
  characters or more repeated, no two bullets of a list with the same lead (the words before a
  colon), and each ```json block is one JSON document.
Plugins (plugins/modules/*.py, plugins/inventory/*.py, with their doc fragments):
* An option their DOCUMENTATION names (O(name), C(name), or a snake_case word that is an option of
  another plugin of the collection) is one of their own options (or return values).
* No version_added (of the plugin, an option, a return value) is newer than galaxy.yml's version.
Prints each finding as FILE:LINE (or FILE) and what is wrong; exit 1 if there is one.
"""

from __future__ import annotations

import ast
import functools
import glob
import importlib
import importlib.util
import json
import os
import re
import sys

import yaml

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
    return problems + repeats(page, lines)


# -- things said twice -----------------------------------------------------------------------

BULLET = re.compile(r"^\s*(?:[*+-]|\d+\.)\s+")
SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z`*\[])")
LEAD = re.compile(r"^([^:`]{3,60}?):\s")
MIN_REPEAT = 50


def blocks(lines):
    """(line number, kind, text) of each paragraph and bullet outside code blocks and tables, and
    (line number, "json", text) of each ```json block."""
    out, current, start, kind, fence = [], [], 0, None, None
    code = []

    def close():
        if current:
            out.append((start, kind, " ".join(part.strip() for part in current)))
        current.clear()

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("```"):
            close()
            if fence is None:
                fence, code = (stripped[3:].strip() or "text", number), []
            else:
                if fence[0] == "json":
                    out.append((fence[1], "json", "\n".join(code)))
                fence = None
            continue
        if fence is not None:
            code.append(line)
            continue
        if not stripped or stripped.startswith(("#", "|", "<", "..")):
            close()
            continue
        if BULLET.match(line):
            close()
            start, kind = number, "bullet"
            current.append(BULLET.sub("", line))
        elif current:
            current.append(line)
        else:
            start, kind = number, "paragraph"
            current.append(line)
    close()
    return out


def repeats(page, lines):
    """Merge leftovers: a paragraph, bullet or sentence said twice, two bullets with one lead, a
    ```json block that is not one JSON document."""
    problems, seen, sentences, leads = [], {}, {}, {}
    rel = os.path.relpath(page, ROOT)
    for number, kind, text in blocks(lines):
        if kind == "json":
            try:
                json.loads(text)
            except ValueError as exc:
                problems.append("%s:%d: this ```json block is not one JSON document (%s)" % (rel, number, exc))
            continue
        norm = " ".join(text.split())
        if len(norm) >= MIN_REPEAT and norm in seen:
            problems.append("%s:%d: this %s repeats line %d" % (rel, number, kind, seen[norm]))
            continue
        seen.setdefault(norm, number)
        for sentence in SENTENCE_END.split(norm):
            if len(sentence) >= MIN_REPEAT and sentence.endswith((".", ";")):
                if sentence in sentences and sentences[sentence] != number:
                    problems.append("%s:%d: the sentence %r repeats line %d"
                                    % (rel, number, sentence[:60] + "...", sentences[sentence]))
                sentences.setdefault(sentence, number)
        lead = LEAD.match(norm) if kind == "bullet" else None
        if lead:
            key = lead.group(1).lower()
            if key in leads:
                problems.append("%s:%d: a second bullet \"%s:\" (the first is line %d): say it once"
                                % (rel, number, lead.group(1), leads[key]))
            leads.setdefault(key, number)
        elif kind != "bullet":
            leads = {}  # a list ends at a paragraph
    return problems


# -- the plugins' own docs ---------------------------------------------------------------------

MARKUP = re.compile(r"\b([OC])\(([^()]*)\)")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
REFERENCE = re.compile(r"\b[MP]\([^()]*\)|\bRV\([^()]*\)|\bE\([^()]*\)|\bV\([^()]*\)|\bU\([^()]*\)|\bL\([^()]*\)")


def literal(path, name):
    """The string assigned to ``name`` at the top of a Python file, or None."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value.value
    return None


def fragment(root, name):
    """The documentation of a doc fragment: the collection's own (plugins/doc_fragments), or one of
    ansible-core's (ansible.plugins.doc_fragments)."""
    parts = name.split(".")
    if name.startswith("tencent.qcloud."):
        path = os.path.join(root, "plugins", "doc_fragments", parts[2] + ".py")
        spec = importlib.util.spec_from_file_location("qcloud_fragment_" + parts[2], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return load(getattr(module.ModuleDocFragment, parts[3].upper() if len(parts) > 3 else "DOCUMENTATION"))
    module = importlib.import_module("ansible.plugins.doc_fragments." + parts[-2 if len(parts) > 1 else 0])
    return load(getattr(module.ModuleDocFragment, parts[-1].upper() if len(parts) > 1 else "DOCUMENTATION"))


def load(text):
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # nosec: a safe loader


@functools.lru_cache(maxsize=None)
def plugin_docs(root):
    """{path: (DOCUMENTATION with its fragments' options and notes, RETURN)} of every module and
    inventory plugin."""
    docs = {}
    for path in sorted(glob.glob(os.path.join(root, "plugins", "modules", "*.py")) +
                       glob.glob(os.path.join(root, "plugins", "inventory", "*.py"))):
        text = literal(path, "DOCUMENTATION")
        if not text:
            continue
        doc = load(text)
        for name in doc.get("extends_documentation_fragment") or []:
            extra = fragment(root, name)
            for option, spec in (extra.get("options") or {}).items():
                merged = dict(spec)
                if not name.startswith("tencent.qcloud."):
                    merged["_core"] = True  # ansible-core's: its version_added are ansible-core's
                merged.update(doc.setdefault("options", {}).get(option) or {})
                doc["options"][option] = merged
            doc["notes"] = (doc.get("notes") or []) + (extra.get("notes") or [])
        docs[path] = (doc, load(literal(path, "RETURN") or "") or {})
    return docs


def names(entries):
    """Every option (or return value) name, suboptions and contains included."""
    found = set()
    for name, spec in (entries or {}).items():
        found.add(name)
        found.update((spec or {}).get("aliases") or [])
        found |= names((spec or {}).get("suboptions") or (spec or {}).get("contains"))
    return found


def texts(doc):
    """The prose of a DOCUMENTATION: description, notes, options' descriptions, attributes' details."""
    out = []

    def add(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for item in value:
                add(item)

    add(doc.get("short_description"))
    add(doc.get("description"))
    add(doc.get("notes"))

    def options(entries):
        for spec in (entries or {}).values():
            add((spec or {}).get("description"))
            options((spec or {}).get("suboptions"))

    options(doc.get("options"))
    for spec in (doc.get("attributes") or {}).values():
        add((spec or {}).get("details"))
    return out


def option_problems(root):
    """An option that a plugin's docs name but the plugin does not have."""
    docs = plugin_docs(root)
    everyone, returned = set(), set()
    for doc, returns in docs.values():
        everyone |= names(doc.get("options"))
        returned |= names(returns)
    everyone -= returned  # a name that is also a return value (or host variable) somewhere is not surely an option
    problems = []
    for path, (doc, returns) in docs.items():
        own = names(doc.get("options")) | names(returns)
        strangers = set()
        for text in texts(doc):
            for kind, inner in MARKUP.findall(text):
                name = inner.split("=", 1)[0].strip()
                if kind == "O" and "#" not in inner and ":" not in name and re.split(r"[.\[]", name)[0] not in own:
                    strangers.add(name)
                elif kind == "C" and name in everyone and name not in own:
                    strangers.add(name)
            for word in SNAKE.findall(REFERENCE.sub(" ", text)):
                if word in everyone and word not in own:
                    strangers.add(word)
        problems += ["%s: the docs name the option %s, which this plugin does not have"
                     % (os.path.relpath(path, root), name) for name in sorted(strangers)]
    return problems


# -- version_added -------------------------------------------------------------------------------

def version(text):
    return tuple(int(part) for part in re.findall(r"\d+", str(text))[:3])


def version_problems(root):
    """Every version_added of the plugins' docs is at most the collection's version (galaxy.yml)."""
    with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as fh:
        collection = str(yaml.safe_load(fh)["version"])
    problems = []

    def walk(where, entries):
        for name, spec in (entries or {}).items():
            spec = spec or {}
            if spec.get("_core"):
                continue
            if "version_added" in spec and version(spec["version_added"]) > version(collection):
                problems.append("%s: %s has version_added %s, newer than the collection's %s (galaxy.yml)"
                                % (where, name, spec["version_added"], collection))
            walk(where, spec.get("suboptions") or spec.get("contains"))

    for path, (doc, returns) in plugin_docs(root).items():
        where = os.path.relpath(path, root)
        if "version_added" in doc and version(doc["version_added"]) > version(collection):
            problems.append("%s: version_added %s is newer than the collection's %s (galaxy.yml): release it, or "
                            "say the version it will come in" % (where, doc["version_added"], collection))
        walk(where, doc.get("options"))
        walk(where + " RETURN", returns)
    return problems


def main(argv):
    if "-h" in argv or "--help" in argv:
        print(__doc__)
        return 0
    if argv[:1] == ["--version-added"]:
        root = os.path.abspath(argv[1]) if len(argv) > 1 else ROOT
        problems = version_problems(root)
        for problem in problems:
            print(problem)
        if not problems:
            print("check_docs: no version_added is newer than galaxy.yml's version")
        return 1 if problems else 0
    pages = argv or [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    ids = known_ids()
    problems = [p for page in pages for p in check(os.path.abspath(page), ids)]
    if not argv:
        problems += option_problems(ROOT) + version_problems(ROOT)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("check_docs: %d pages: every named file exists, every id is in the default world, nothing is said twice;"
          " the plugins' docs name only their own options and no version newer than galaxy.yml's" % len(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
