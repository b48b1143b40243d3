"""Asynchronous tasks (attach, detach, and the ENI lifecycle's writes) shared by both protocols.

A task has a 3.0 id (the RequestId string of the write) and a 2.0 id (an integer).
Tasks end lazily: `advance(now)` is called under the simulator lock on every request.
"""
import itertools
import time

RUNNING, SUCCESS, FAILED = "RUNNING", "SUCCESS", "FAILED"


class TaskTable:
    def __init__(self, first_v2_id=16284):
        self._by_v3 = {}
        self._by_v2 = {}
        self._order = []
        self._running = []
        self._ids = itertools.count(first_v2_id)

    def create(self, task_id, action, protocol, account, eni_id, instance_id, attach_type,
               seconds, fail_output=None, now=None, extra=None):
        now = time.time() if now is None else now
        task = dict(extra or {})
        task.update({
            "task_id": task_id,
            "task_id_v2": next(self._ids),
            "action": action,
            "protocol": protocol,
            "account": account,
            "eni_id": eni_id,
            "instance_id": instance_id,
            "attach_type": attach_type,
            "status": RUNNING,
            "output": "",
            "fail_output": fail_output,
            "created": now,
            "ends_at": now + max(0.0, float(seconds)),
        })
        self._by_v3[task_id] = task
        self._by_v2[task["task_id_v2"]] = task
        self._order.append(task)
        self._running.append(task)
        return task

    def advance(self, now, on_success, on_failure=None):
        """Finish every RUNNING task whose time is up; `on_success(task)` applies it,
        `on_failure(task)` undoes what the write did at once (a create's ENI, assigned addresses)."""
        if not self._running:
            return
        still = []
        for task in self._running:
            if now < task["ends_at"]:
                still.append(task)
            else:
                if task["fail_output"] is not None:
                    task["status"] = FAILED
                    task["output"] = task["fail_output"]
                    if on_failure is not None:
                        on_failure(task)
                else:
                    on_success(task)
                    task["status"] = SUCCESS
        self._running = still

    def running_on(self, eni_id=None, instance_id=None):
        for task in self._running:
            if task["status"] == RUNNING and (
                    (eni_id and task["eni_id"] == eni_id) or
                    (instance_id and task["instance_id"] == instance_id)):
                return task
        return None

    def running_for_eni(self, eni_id):
        return self.running_on(eni_id=eni_id)

    def all_running_for_eni(self, eni_id):
        return [t for t in self._running if t["status"] == RUNNING and t["eni_id"] == eni_id]

    def rename(self, task, request_id, mode):
        """A replayed write was answered with RequestId `request_id`: from now on the task is known
        by its first id only (``first``), by this one only (``new``) or by both (``both``)."""
        if mode == "first":
            return
        if mode == "new":
            for name in [k for k, v in self._by_v3.items() if v is task]:
                del self._by_v3[name]
        self._by_v3[request_id] = task

    def get_v3(self, task_id):
        return self._by_v3.get(task_id)

    def get_v2(self, task_id):
        return self._by_v2.get(task_id)

    def all(self):
        return [dict(t) for t in self._order]
