# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only lookup (tests/reliability): arrange the simulator and collect results from inside a playbook.

It runs in the controller process (no fork per call), which keeps a playbook of hundreds of
cases fast. The simulator's URL and CA come from REL_SIM_URL / REL_SIM_CA, results go to the
JSON-lines file REL_RESULTS.

  lookup('sim_ctl', 'arrange', case=ID, spec=SPEC)   reset, config, bindings, faults; appends {case, arranged}
  lookup('sim_ctl', 'collect', case=ID, result=R)    appends {case, result, requests, state, end}
  lookup('sim_ctl', 'record', case=ID, result=R)     appends {case, result, end} (no simulator read)
  lookup('sim_ctl', 'step', case=ID, result=R, next=ID2, spec=SPEC2, settle=S)   wait S s, collect ID, arrange ID2
"""

from __future__ import annotations

import json
import os
import ssl
import time
import urllib.request

from ansible.plugins.lookup import LookupBase


def _call(path, body=None, method=None):
    base = os.environ["REL_SIM_URL"].rstrip("/")
    cafile = os.environ.get("REL_SIM_CA") or None
    context = ssl.create_default_context(cafile=cafile) if base.startswith("https") else None
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(base + path, data=data, method=method or ("POST" if data is not None else "GET"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30, context=context) as resp:
        return json.loads(resp.read().decode("utf-8") or "null")


def arrange(spec):
    """Reset the simulator, then apply spec: config, world bindings ({eni: instance or None}), faults."""
    _call("/_sim/reset", {})
    if spec.get("config"):
        _call("/_sim/config", spec["config"])
    if spec.get("bindings"):
        world = _call("/_sim/state")
        world.pop("tasks", None)
        world.pop("config", None)
        for eni in world["enis"]:
            if eni["eni_id"] in spec["bindings"]:
                holder = spec["bindings"][eni["eni_id"]]
                used = [e.get("device_index") for e in world["enis"] if holder and e.get("instance_id") == holder]
                eni["instance_id"] = holder
                eni["device_index"] = (max(i for i in used if i is not None) + 1) if holder else None
                eni["attach_time"] = "2024-01-02 03:04:05" if holder else None
        _call("/_sim/world", world)
    if spec.get("faults"):
        _call("/_sim/faults", spec["faults"])
    _call("/_sim/requests", method="DELETE")


def _append(record):
    with open(os.environ["REL_RESULTS"], "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        op = terms[0]
        case = kwargs.get("case")
        if op == "step":
            # a delayed answer is logged when it is sent: let the server finish before reading the log
            time.sleep(float(kwargs.get("settle") or 0))
            self.run(["collect"], variables, case=case, result=kwargs.get("result"))
            if kwargs.get("next") is not None:
                self.run(["arrange"], variables, case=kwargs["next"], spec=kwargs.get("spec"))
            return [True]
        if op == "arrange":
            arrange(kwargs.get("spec") or {})
            _append({"case": case, "arranged": time.time()})
            return [True]
        record = {"case": case, "result": kwargs.get("result"), "end": time.time()}
        if op == "collect":
            record["requests"] = _call("/_sim/requests")["requests"]
            state = _call("/_sim/state")
            for secret in ("keys", "roles"):  # the world's keys and tokens stay out of the results
                state.pop(secret, None)
            record["state"] = state
        _append(record)
        return [True]
