"""Write the reference page of the doc fragment tencent.qcloud.qcloud (the shared connection
options) from plugins/doc_fragments/qcloud.py, with antsibull-docs' markup parser.

antsibull-docs renders plugins, not doc fragments; this page gives the fragment one, generated
from the code like the module pages. Usage: fragment_page.py COLLECTION_ROOT OUT.rst
"""
import importlib.util
import os
import sys

import yaml
from antsibull_docs_parser.parser import Context, parse
from antsibull_docs_parser.rst import to_rst_plain


def rst(text):
    paragraphs = parse(text if isinstance(text, list) else [text], Context(), errors="exception")
    # :envvar: would be a cross-reference to a Sphinx envvar directive, which this site has not.
    return to_rst_plain(paragraphs).replace(":envvar:", ":literal:")


def cell(text, indent):
    lines = rst(text).splitlines()
    pad = " " * indent
    return "\n".join((pad + line) if line else "" for line in lines).lstrip()


def main():
    root, out = sys.argv[1], sys.argv[2]
    path = os.path.join(root, "plugins", "doc_fragments", "qcloud.py")
    spec = importlib.util.spec_from_file_location("qcloud_fragment", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION)
    title = "Shared connection options (doc fragment ``tencent.qcloud.qcloud``)"
    lines = [
        ".. _ansible_collections.tencent.qcloud.docsite.qcloud_doc_fragment:",
        "",
        title,
        "=" * len(title),
        "",
        "Every module of the collection takes these options (``extends_documentation_fragment:",
        "tencent.qcloud.qcloud``). Generated from ``plugins/doc_fragments/qcloud.py``.",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 22 18 60",
        "",
        "   * - Option",
        "     - Type and default",
        "     - Description",
    ]
    for name, opt in doc["options"].items():
        kind = opt.get("type", "str")
        extra = []
        if "default" in opt:
            extra.append("default: ``%s``" % (opt["default"],))
        if "choices" in opt:
            extra.append("choices: " + ", ".join("``%s``" % (c,) for c in opt["choices"]))
        lines += [
            "   * - ``%s``" % name,
            "     - " + " |br| ".join(["``%s``" % kind] + extra) if extra else "     - ``%s``" % kind,
            "     - " + cell(opt["description"], 7),
        ]
    lines += ["", ".. |br| raw:: html", "", "   <br>", "", "Notes", "-----", ""]
    for note in doc.get("notes", []):
        lines.append("* " + cell(note, 2))
    lines += ["", "Requirements", "------------", ""]
    for req in doc.get("requirements", []):
        lines.append("* " + cell(req, 2))
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
