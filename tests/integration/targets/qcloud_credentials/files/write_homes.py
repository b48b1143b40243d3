# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test fixture of qcloud_credentials: make the HOME directories and write their files in one run
(one module run instead of a file or copy task per path). Reads JSON from stdin:
{"dirs": [path, ...], "files": {path: text, ...}}; directories 0700, files 0600."""

import json
import os
import sys

spec = json.load(sys.stdin)
for path in spec["dirs"]:
    os.makedirs(path, mode=0o700, exist_ok=True)
for path, text in spec["files"].items():
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
print(json.dumps({"dirs": len(spec["dirs"]), "files": len(spec["files"])}))
