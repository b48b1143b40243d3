"""Queued faults (POST /_sim/faults)."""
import itertools
import threading

from .errors import COMMON, DOCUMENTED, documented

REQUEST_FAULTS = ("http_500", "http_502", "http_503", "reset", "delay", "malformed", "truncated", "error")
TASK_FAULTS = ("task_failed",)
ALL_FAULTS = REQUEST_FAULTS + TASK_FAULTS


class FaultError(ValueError):
    pass


def _check_documented(code, action, protocol):
    """An API 3.0 error fault carries a code Tencent documents for the action it targets (or a
    common code, which any action may answer; a fault for every action ('*') takes only those).
    API 2.0 and metadata faults are not checked: their codes come from the original spec."""
    if protocol in ("2.0", "metadata"):
        return
    if action == "*":
        if code not in COMMON:
            raise FaultError("code %s is not one of Tencent's common error codes, which an error fault for every "
                             "action ('*') must use: name the action, or give protocol '2.0'" % code)
        return
    if action in DOCUMENTED and not documented(action, code):
        raise FaultError("code %s is not documented for %s (documented_errors.json): use one of its codes %s "
                         "or a common code" % (code, action, ", ".join(sorted(DOCUMENTED[action]))))


class FaultQueue:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []
        self._ids = itertools.count(1)

    def add(self, spec):
        if not isinstance(spec, dict):
            raise FaultError("body must be a JSON object")
        fault = spec.get("fault")
        if fault not in ALL_FAULTS:
            raise FaultError("fault must be one of %s" % ", ".join(ALL_FAULTS))
        action = spec.get("action", "*")
        if not isinstance(action, str) or not action:
            raise FaultError("action must be an action name or '*'")
        try:
            count = int(spec.get("count", 1))
        except (TypeError, ValueError):
            raise FaultError("count must be an integer")
        if count < 1:
            raise FaultError("count must be >= 1")
        protocol = spec.get("protocol")
        if protocol is not None and not isinstance(protocol, bool):
            # templating may turn "3.0" into 3.0 (Ansible): accept numbers and "3"/"2" too
            try:
                protocol = "%.1f" % float(protocol)
            except (TypeError, ValueError):
                pass
        if protocol in ("", "*", "any"):
            protocol = None
        if protocol not in (None, "3.0", "2.0", "metadata"):
            raise FaultError("protocol must be '3.0', '2.0' or 'metadata'")
        entry = {"id": next(self._ids), "action": action, "fault": fault, "count": count,
                 "protocol": protocol}
        if fault == "delay":
            try:
                entry["seconds"] = float(spec.get("seconds", 5))
            except (TypeError, ValueError):
                raise FaultError("seconds must be a number")
        if fault == "error":
            if not isinstance(spec.get("code"), str) or not spec["code"]:
                raise FaultError("an error fault needs a 'code'")
            _check_documented(spec["code"], action, protocol)
            entry["code"] = spec["code"]
            entry["message"] = str(spec.get("message", "Injected error %s." % spec["code"]))
            if spec.get("code_v2") is not None:
                entry["code_v2"] = int(spec["code_v2"])
        if fault == "task_failed":
            entry["output"] = str(spec.get("output", spec.get("message", "Injected task failure.")))
            if spec.get("eni") is not None:  # only a task of this ENI takes it
                if not isinstance(spec["eni"], str) or not spec["eni"].startswith("eni-"):
                    raise FaultError("eni must be an ENI id like eni-12345678")
                entry["eni"] = spec["eni"]
        with self._lock:
            self._faults.append(entry)
        return dict(entry)

    def _take(self, action, protocol, kinds, eni_id=None):
        with self._lock:
            for entry in self._faults:
                if entry["fault"] not in kinds:
                    continue
                if entry.get("eni") not in (None, eni_id):
                    continue
                if entry["action"] not in ("*", action):
                    continue
                # the metadata service takes only faults that name its action
                if protocol == "metadata" and entry["action"] != action:
                    continue
                if entry["protocol"] not in (None, protocol):
                    continue
                entry["count"] -= 1
                if entry["count"] <= 0:
                    self._faults.remove(entry)
                return dict(entry)
        return None

    def take_request_fault(self, action, protocol):
        return self._take(action, protocol, REQUEST_FAULTS)

    def take_task_fault(self, action, protocol, eni_id=None):
        return self._take(action, protocol, TASK_FAULTS, eni_id)

    def list(self):
        with self._lock:
            return [dict(f) for f in self._faults]

    def clear(self):
        with self._lock:
            self._faults.clear()
