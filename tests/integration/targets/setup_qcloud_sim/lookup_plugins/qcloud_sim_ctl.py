# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only lookup of the integration targets: one call of the simulator's control API (/_sim/...).

The tasks of setup_qcloud_sim (reset, config, fault, clear_log, log) run hundreds of times per
integration run. As ansible.builtin.uri tasks each was a module run (a Python of its own, about
0.5 CPU-second); this lookup makes the same HTTPS call in the controller's worker (about 0.1).
The call fails the task, as uri did, when the simulator answers anything but 2xx.

  lookup('qcloud_sim_ctl', PATH, method=METHOD, body=BODY, url=qcloud_sim_url, ca=qcloud_ca_bundle)
      returns the answer's JSON (None for an empty answer)
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        url, ca = kwargs.get("url"), kwargs.get("ca") or None
        method = kwargs.get("method") or ("POST" if "body" in kwargs else "GET")
        if not url:
            raise AnsibleError("qcloud_sim_ctl needs url= (qcloud_sim_url)")
        data = None if "body" not in kwargs else json.dumps(kwargs["body"]).encode("utf-8")
        context = ssl.create_default_context(cafile=ca) if url.startswith("https") else None
        answers = []
        for term in terms:
            path = "%s/_sim/%s" % (str(url).rstrip("/"), str(term).lstrip("/"))
            req = urllib.request.Request(path, data=data, method=method, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=60, context=context) as resp:
                    text = resp.read().decode("utf-8")
            except urllib.error.HTTPError as exc:
                raise AnsibleError("%s %s: the simulator answered %s: %s"
                                   % (method, path, exc.code, exc.read().decode("utf-8", "replace")[:500]))
            except (urllib.error.URLError, OSError) as exc:
                raise AnsibleError("%s %s: %s" % (method, path, exc))
            answers.append(json.loads(text) if text.strip() else None)
        return answers
