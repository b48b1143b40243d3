# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of hack/check_docs.py: the kinds of mistakes a reader of the docs once found, each caught."""

from __future__ import annotations

import importlib.util
import os
import shutil
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SCRIPT = os.path.join(ROOT, "hack", "check_docs.py")


@pytest.fixture(name="docs", scope="module")
def docs_fixture():
    spec = importlib.util.spec_from_file_location("check_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page(tmp_path, text):
    path = tmp_path / "page.md"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path), path.read_text(encoding="utf-8").splitlines()


def test_a_page_said_once_passes(docs, tmp_path):
    path, lines = page(tmp_path, """\
        # Title

        * Guides: getting started, credentials and the AWX guide, each a page of its own.
        * Module reference: `ansible-doc tencent.qcloud.qcloud_eni`.

        ```json
        ["command", "shell", "tencent.qcloud.qcloud_eni"]
        ```
        """)
    assert docs.repeats(path, lines) == []


def test_two_bullets_with_one_lead_are_a_merge_leftover(docs, tmp_path):
    path, lines = page(tmp_path, """\
        * Module reference: `ansible-doc tencent.qcloud.qcloud_eni_attach`, `ansible-doc tencent.qcloud.qcloud_eni_info`.
        * Module reference: `ansible-doc tencent.qcloud.qcloud_eni`.
        """)
    assert docs.repeats(path, lines) == ['page.md:2: a second bullet "Module reference:" (the first is line 1): say it once'
                                         .replace("page.md", os.path.relpath(path, docs.ROOT))]


def test_a_repeated_paragraph_and_a_repeated_sentence_are_found(docs, tmp_path):
    path, lines = page(tmp_path, """\
        The key needs four actions. For `role_arn`, the role's trust policy must name the key's account or user.

        The inventory plugin finds keys in the same places.
        first. For `role_arn`, the role's trust policy must name the key's account or user.

        The inventory plugin finds keys in the same places as the modules do, in this order.

        The inventory plugin finds keys in the same places as the modules do, in this order.
        """)
    found = docs.repeats(path, lines)
    assert len(found) == 2
    assert ":3: the sentence \"For `role_arn`" in found[0] and found[0].endswith("repeats line 1")
    assert found[1].endswith(":8: this paragraph repeats line 6")


def test_two_json_arrays_in_one_block_are_found(docs, tmp_path):
    path, lines = page(tmp_path, """\
        Add them:

        ```json
        ["command", "shell", "tencent.qcloud.qcloud_eni_attach"]
        ["command", "shell", "tencent.qcloud.qcloud_eni"]
        ```
        """)
    found = docs.repeats(path, lines)
    assert len(found) == 1 and ":3: this ```json block is not one JSON document" in found[0]


def collection(tmp_path, version="0.2.0"):
    """A copy of the collection's galaxy.yml and plugins/ to break."""
    root = tmp_path / "qcloud"
    shutil.copytree(os.path.join(ROOT, "plugins"), str(root / "plugins"))
    text = open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8").read()
    lines = [("version: %s" % version) if line.startswith("version:") else line for line in text.splitlines()]
    (root / "galaxy.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_collection_itself_names_only_its_options_and_versions(docs):
    assert docs.option_problems(ROOT) == []
    assert docs.version_problems(ROOT) == []


def test_an_option_the_plugin_does_not_have_is_found(docs, tmp_path):
    root = collection(tmp_path)
    edit(root / "plugins" / "modules" / "qcloud_eni_info.py", "  - Reads every page",
         "  - Returns within O(wait_timeout). Reads every page")
    edit(root / "plugins" / "modules" / "qcloud_cvm_info.py", "  - Reads every page",
         "  - Never waits longer than wait_timeout. Reads every page")
    assert docs.option_problems(str(root)) == [
        "plugins/modules/qcloud_cvm_info.py: the docs name the option wait_timeout, which this plugin does not have",
        "plugins/modules/qcloud_eni_info.py: the docs name the option wait_timeout, which this plugin does not have",
    ]


def test_the_fragment_counts_for_every_plugin_that_uses_it(docs, tmp_path):
    root = collection(tmp_path)
    edit(root / "plugins" / "doc_fragments" / "qcloud.py", "      - Seconds to wait for each HTTP answer (one attempt of one call).\n",
         "      - Seconds to wait for each HTTP answer (one attempt of one call), within C(wait_timeout).\n")
    found = docs.option_problems(str(root))
    assert "plugins/modules/qcloud_eni_info.py: the docs name the option wait_timeout, which this plugin does not have" in found
    assert not any("qcloud_eni.py" in line or "qcloud_eni_attach.py" in line for line in found)


def test_a_version_added_newer_than_galaxy_yml_is_found(docs, tmp_path):
    root = collection(tmp_path, version="0.1.0")
    found = docs.version_problems(str(root))
    assert "plugins/inventory/qcloud_cvm.py: version_added 0.2.0 is newer than the collection's 0.1.0 (galaxy.yml): " \
           "release it, or say the version it will come in" in found
    assert "plugins/modules/qcloud_eni_info.py: tags has version_added 0.2.0, newer than the collection's 0.1.0 (galaxy.yml)" \
        in found
    assert not any("qcloud_eni_attach.py: version_added" in line for line in found)  # 0.1.0's own module
    assert docs.main(["--version-added", str(root)]) == 1
    assert docs.main(["--version-added", str(collection(tmp_path / "new", version="0.2.0"))]) == 0


def test_help_does_nothing_else(docs, capsys):
    assert docs.main(["--help"]) == 0
    assert "check_docs.py --version-added" in capsys.readouterr().out
