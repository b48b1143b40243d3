# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The attach/detach scheduler of qcloud_eni_attach: its items, their rules, and the run that brings
every item to its wanted state within one deadline (writes side by side, tasks watched together)."""

from __future__ import annotations

import copy
import queue
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._eni import (
    ACTIONS,
    TASK_DONE,
    TRANSITIONAL_STATES,
    Task,
    VpcApi,
    WriteRefused,
    holder_of,
    zone_phrase,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    MODULE_ATTACHED_ELSEWHERE,
    MODULE_ENDED_ELSEWHERE,
    MODULE_ENI_NOT_FOUND,
    MODULE_INSTANCE_NOT_FOUND,
    MODULE_NO_CONVERGENCE,
    MODULE_NOT_STARTED,
    MODULE_NOTHING_TO_DETACH,
    MODULE_PRIMARY_ENI,
    MODULE_READ_LAG,
    MODULE_SETTLE_TIMEOUT,
    MODULE_TASK_FAILED,
    MODULE_TASK_TIMEOUT,
    MODULE_VPC_MISMATCH,
    READ_LAG_OUTCOMES,
    QcloudApiError,
    QcloudError,
    explain,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._watch import EniWatch, Look

MAX_ROUNDS = 4
# The ENI's State while a write of that kind runs on it (API 3.0).
STATE_DURING = {"attach": "ATTACHING", "detach": "DETACHING"}
# Threads that write for a list; the rate limiter, not their number, sets the pace.
THREADS = 16
UNSET = object()


def with_binding(record: Dict[str, Any], instance_id: Optional[str], state: str) -> Dict[str, Any]:
    """The record as it will be once the write is done (for check mode and wait=false)."""
    predicted = copy.deepcopy(record)
    predicted["state"] = state
    predicted["attachment"] = {"instance_id": instance_id, "device_index": None, "attach_time": None} if instance_id else None
    return predicted


class Failed(Exception):
    """An ENI that cannot end as asked: the sentence, and what its result carries."""

    def __init__(self, msg: str, error: Optional[Dict[str, Any]] = None, network_interface: Any = UNSET) -> None:
        super().__init__(msg)
        self.msg = msg
        self.error = error
        self.network_interface = network_interface


class Conflict:
    """A write refused because the binding is not what was read; decided after a re-read."""

    def __init__(self, refusal: WriteRefused, wanted_holder: Optional[str], steps: Optional[List[Tuple[str, str]]]) -> None:
        self.refusal = refusal
        self.wanted_holder = wanted_holder  # the binding the refused write would have made
        self.steps = steps  # the plan it was part of


class Item:
    """One ENI of the task: what is asked, what was found, and the rules that decide the writes.

    The single form is a task of one item; the list form's items follow exactly the same rules.
    """

    def __init__(self, spec: Dict[str, Any], context: Dict[str, Any]) -> None:
        self.eni_id = spec["network_interface_id"]
        self.instance_id = spec.get("instance_id")
        self.vpc_id = spec.get("vpc_id")
        self.present = spec["state"] == "present"
        self.force = spec["force"]
        self.context = dict(context, eni=self.eni_id, instance=self.instance_id, vpc=self.vpc_id)
        self.result = {"changed": False}
        self.state = "new"  # new, settling, queued, writing, running, done
        self.before = UNSET  # the ENI as first read
        self.seen = None  # the ENI as last read
        self.record = None  # the record the current plan was made from
        self.plan_made = None
        self.steps = []  # the writes still to make, [(action, instance_id)]
        self.step = None  # the write in flight or being waited for
        self.rounds = 0
        self.last_plan = None
        self.conflict = None
        self.failure = None
        self.warnings = []
        self.diff = None

    @property
    def wanted(self) -> Optional[str]:
        return self.instance_id if self.present else None

    # -- failing -----------------------------------------------------------------------------

    def fail(self, code: str, network_interface: Any = UNSET, error: Optional[Dict[str, Any]] = None, **context: Any) -> None:
        values = dict(self.context)
        values.update(context)
        raise Failed(sentence(code, values), error, network_interface)

    def fail_api(self, err: QcloudError) -> None:
        if isinstance(err, QcloudApiError):
            raise Failed(explain(err, self.context), err.to_result())
        raise Failed(err.msg)

    # -- the rules ---------------------------------------------------------------------------

    def check(self, record: Dict[str, Any]) -> None:
        """What holds whatever is asked: the ENI is in the VPC given."""
        self.seen = record
        if self.vpc_id and record["vpc_id"] != self.vpc_id:
            self.fail(MODULE_VPC_MISMATCH, eni_vpc=record["vpc_id"], network_interface=record)
        self.context.update(eni_vpc=record["vpc_id"], eni_zone=zone_phrase(record))

    def plan(self, record: Dict[str, Any]) -> List[Tuple[str, str]]:
        """The writes that make the wanted state true, as [(action, instance_id)]."""
        holder = holder_of(record)
        if self.present:
            if holder == self.instance_id:
                return []
            if holder is None:
                return [("attach", self.instance_id)]
            if record["primary"]:
                self.fail(MODULE_PRIMARY_ENI, holder=holder, network_interface=record)
            if not self.force:
                self.fail(MODULE_ATTACHED_ELSEWHERE, holder=holder, network_interface=record)
            return [("detach", holder), ("attach", self.instance_id)]
        if holder is None or (self.instance_id and holder != self.instance_id):
            return []
        if record["primary"]:
            self.fail(MODULE_PRIMARY_ENI, holder=holder, network_interface=record)
        return [("detach", holder)]

    # -- the outcome -------------------------------------------------------------------------

    def finish(self, after: Optional[Dict[str, Any]], before: Any = UNSET) -> None:
        before = self.before if before is UNSET else before
        self.result["network_interface"] = after
        self.diff = {
            "before": {"network_interface_id": self.eni_id, "instance_id": holder_of(before)},
            "after": {"network_interface_id": self.eni_id, "instance_id": holder_of(after)},
        }
        self.state = "done"

    def as_list_result(self) -> Dict[str, Any]:
        """The item's entry of ``results``."""
        out = {"network_interface_id": self.eni_id, "changed": self.result["changed"]}
        if self.failure is None:
            out["network_interface"] = self.result["network_interface"]
        else:
            known = self.failure.network_interface
            out["network_interface"] = self.seen if known is UNSET else known
        if "task_id" in self.result:
            out["task_id"] = self.result["task_id"]
        if self.failure is not None:
            out.update(failed=True, msg=self.failure.msg)
            if self.failure.error is not None:
                out["error"] = self.failure.error
        return out

    def list_diff(self) -> Dict[str, Any]:
        if self.diff is not None:
            return self.diff
        before = None if self.before is UNSET else self.before
        return {"before": {"network_interface_id": self.eni_id, "instance_id": holder_of(before)},
                "after": {"network_interface_id": self.eni_id, "instance_id": holder_of(self.seen)}}


class Run:
    """Brings every item to its wanted state within one deadline.

    All ENIs are read together; each item is planned by the same rules; writes go out side by
    side (through the client's rate limiter), but never two at once on one instance, since the
    cloud refuses a second task on a busy instance; every write is then waited for together by
    watching the ENIs (EniWatch). An item that fails does not stop the others.
    """

    def __init__(self, qm: Any, api: VpcApi, items: List[Item], wait: bool, attach_type: Optional[str], threads: int) -> None:
        self.module = qm.module
        self.api = api
        self.deadline = qm.wait_deadline
        self.items = items
        self.wait = wait
        self.attach_type = attach_type
        self.check_mode = qm.module.check_mode
        self.watch = EniWatch(api, self.deadline)
        self.by_eni = dict((item.eni_id, item) for item in items)
        self.queues = {}  # instance: the items waiting to write on it, in order
        self.holding = {}  # instance: the item whose write or task runs on it
        self.threads = threads
        self.pool = None  # the list form's threads (a ThreadPoolExecutor), each with its own clone of ``api``
        self.local = threading.local()
        self.writes = {}  # the writes in flight, future: ENI id

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> None:
        try:
            found, misses = self.api.describe_many([item.eni_id for item in self.items])
        except QcloudError as err:
            for item in self.items:
                self.guard(item, item.fail_api, err)
            return
        for item in self.items:
            self.arrive(item, found.get(item.eni_id), misses.get(item.eni_id))
        try:
            while any(item.state != "done" for item in self.items):
                self.launch()
                self.pause()
                self.look()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)

    def guard(self, item: Item, fn: Callable[..., Any], *args: Any) -> None:
        """Run a step of an item; a Failed ends that item (only)."""
        try:
            fn(*args)
        except Failed as failure:
            self.failed(item, failure)

    def pause(self) -> None:
        """Until a write ends or the next look is due, whichever comes first."""
        due = self.watch.due_at()
        if self.writes:
            from concurrent.futures import FIRST_COMPLETED, wait  # pylint: disable=import-outside-toplevel

            done, dummy = wait(list(self.writes), None if due is None else max(0.0, due - self.api.monotonic()), FIRST_COMPLETED)
            for future in [f for f in self.writes if f in done]:  # in the order the writes started
                exc = future.exception()
                if exc is not None and not isinstance(exc, QcloudError):
                    raise exc
                self.written(self.by_eni[self.writes.pop(future)], None if exc else future.result(), exc)
            if done:
                return
        if due is not None:
            remaining = due - self.api.monotonic()
            if remaining > 0:
                self.api.sleep(remaining)
        elif not self.writes and not self.launchable():
            stuck = [item.eni_id for item in self.items if item.state != "done"]
            if stuck:  # nothing runs and nothing can start: a bug, not a state of the cloud
                raise RuntimeError("qcloud_eni_attach: no work left for %s" % ", ".join(stuck))

    def launchable(self) -> bool:
        return any(waiting and instance not in self.holding for instance, waiting in self.queues.items())

    def look(self) -> None:
        due = self.watch.due_at()
        if due is None or self.api.monotonic() < due:
            return
        for look in self.watch.look():
            item = self.by_eni[look.eni_id]
            self.guard(item, self.looked, item, look)
        if self.api.monotonic() >= self.deadline:
            for eni_id in list(self.watch.entries):
                item = self.by_eni[eni_id]
                self.guard(item, self.timed_out, item)

    # -- reading and deciding ----------------------------------------------------------------

    def arrive(self, item: Item, record: Optional[Dict[str, Any]], miss: Optional[Dict[str, Any]]) -> None:
        """A fresh read of an item's ENI: wait for it to settle, then decide."""
        if record is not None:
            item.seen = record
        if record is not None and record["state"] in TRANSITIONAL_STATES:
            item.state = "settling"
            self.watch.add(item.eni_id)
            return
        item.state = "new"
        self.guard(item, self.decide, item, record, miss)

    def decide(self, item: Item, record: Optional[Dict[str, Any]], miss: Optional[Dict[str, Any]]) -> None:
        if item.conflict is not None:
            return self.after_conflict(item, record, miss)
        if record is None:
            if item.present:
                item.fail(MODULE_ENI_NOT_FOUND, error=miss)
            item.warnings.append(sentence(MODULE_NOTHING_TO_DETACH, item.context))
            return item.finish(None, None)
        item.check(record)
        item.before = record
        return self.plan(item, record)

    def after_conflict(self, item: Item, fresh: Optional[Dict[str, Any]], miss: Optional[Dict[str, Any]]) -> None:
        # Maybe the binding changed under us (a race, or a retried write that had landed):
        # if nothing moved, the refusal was about the instance: report it.
        conflict, item.conflict = item.conflict, None
        if fresh is None:
            item.fail(MODULE_ENI_NOT_FOUND, error=miss)
        item.check(fresh)
        if holder_of(fresh) == holder_of(item.record) or conflict.steps == item.last_plan:
            if self.late_read(item, conflict, fresh):
                return None
            item.fail_api(conflict.refusal.error)
        if conflict.refusal.maybe_applied and holder_of(fresh) == conflict.wanted_holder:
            # An attempt whose answer was lost (API 2.0 has no ClientToken) did the work.
            item.result["changed"] = True
        item.last_plan = conflict.steps
        if item.rounds >= MAX_ROUNDS:
            item.fail(MODULE_NO_CONVERGENCE, holder=holder_of(fresh) or "no instance", network_interface=fresh)
        return self.plan(item, fresh)

    def late_read(self, item: Item, conflict: Conflict, fresh: Dict[str, Any]) -> bool:
        """A refusal that names the binding ("already attached", "not attached") while the read still
        shows the binding the write was planned from: the read lags behind the writes (an earlier
        job's write, not waited for). Read the ENI again, within the deadline, until it shows more."""
        if not conflict.refusal.about_binding or holder_of(fresh) != holder_of(item.record):
            return False
        if self.api.monotonic() >= self.deadline:
            return False
        item.conflict = conflict
        item.state = "settling"
        self.watch.add(item.eni_id)
        return True

    def plan(self, item: Item, record: Dict[str, Any]) -> None:
        item.rounds += 1
        item.record = record
        steps = item.plan(record)
        item.plan_made = list(steps)
        if not steps:
            return item.finish(record)
        if self.check_mode:
            item.result["changed"] = True
            return item.finish(with_binding(record, item.wanted, record["state"]))
        item.steps = list(steps)
        return self.enqueue(item)

    def read_again(self, item: Item) -> Tuple[Optional[Dict[str, Any]], Optional[Dict[str, Any]]]:
        try:
            found, misses = self.api.describe_many([item.eni_id])
        except QcloudError as err:
            item.fail_api(err)
        return found.get(item.eni_id), misses.get(item.eni_id)

    # -- writing -----------------------------------------------------------------------------

    def enqueue(self, item: Item) -> None:
        item.state = "queued"
        self.queues.setdefault(item.steps[0][1], []).append(item)

    def launch(self) -> None:
        """Start the next write of every instance that no write or task of this run holds."""
        for instance, waiting in list(self.queues.items()):
            while waiting and instance not in self.holding:
                item = waiting.pop(0)
                action, target = item.steps[0]
                if self.api.monotonic() >= self.deadline:
                    self.failed(item, Failed(sentence(MODULE_NOT_STARTED, dict(item.context, action=ACTIONS[action], target=target))))
                    continue
                self.holding[instance] = item
                item.state = "writing"
                item.step = item.steps[0]
                self.submit(item)

    def submit(self, item: Item) -> None:
        action, instance = item.step
        eni_id, vpc_id, attach_type = item.eni_id, item.vpc_id, self.attach_type

        def write(api: VpcApi) -> Task:
            if action == "attach":
                return api.attach(eni_id, instance, vpc_id, attach_type)
            return api.detach(eni_id, instance, vpc_id)

        if self.threads <= 1:
            try:
                task, exc = write(self.api), None
            except QcloudError as err:
                task, exc = None, err
            return self.written(item, task, exc)
        if self.pool is None:
            self.start_threads()
        self.writes[self.pool.submit(lambda: write(self.local.api))] = eni_id
        return None

    def start_threads(self) -> None:
        """The list form's threads. Each owns a clone of the run's api (its own HTTP session, since
        ``requests.Session`` is not guaranteed to be thread-safe; the keys, the deadline and the rate
        limiter are shared); outcomes are handed back to this thread, which decides (Ansible's
        ``exit_json`` / ``fail_json`` belong here). Only a list needs them: the single form does not
        import ``concurrent.futures`` (``threading`` is loaded by the client anyway)."""
        from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel

        size = max(1, min(self.threads, len(self.items)))
        clones = queue.Queue()
        for dummy in range(size):
            clones.put(self.api.clone())
        self.pool = ThreadPoolExecutor(size, initializer=lambda: setattr(self.local, "api", clones.get_nowait()))

    def written(self, item: Item, task: Optional[Task], exc: Optional[QcloudError]) -> None:
        action, instance = item.step
        if exc is None:
            item.result["task_id"] = task.task_id
            item.steps.pop(0)
            target = instance if action == "attach" else None
            if not item.steps and not self.wait and not self.queues.get(instance):
                self.release(item)
                item.result["changed"] = True
                return item.finish(with_binding(item.record, target, "ATTACHING" if action == "attach" else "DETACHING"))
            item.state = "running"
            # What a read may still show once the task is done (reads lag behind writes): the binding the
            # plan started from, and none after its detach.
            old = set([holder_of(item.record)] + [None for step in item.plan_made or [] if step[0] == "detach"])
            old.discard(target)
            done = (item.plan_made or [])[:len(item.plan_made or []) - len(item.steps) - 1]  # this job's earlier writes
            earlier = frozenset(STATE_DURING[step[0]] for step in done)
            return self.watch.add(item.eni_id, task, wanted=target, confirm=not item.steps, old=frozenset(old), earlier=earlier)
        self.release(item)
        item.state = "new"
        return self.guard(item, self.refused, item, exc)

    def refused(self, item: Item, exc: QcloudError) -> None:
        action, instance = item.step
        if not isinstance(exc, WriteRefused):
            item.fail_api(exc)
        if exc.kind == "conflict":
            item.conflict = Conflict(exc, instance if action == "attach" else None, item.plan_made)
            fresh, miss = self.read_again(item)
            return self.arrive(item, fresh, miss)
        if exc.kind == "missing":
            # The ENI was just read: if it is still there, the instance is what is missing.
            fresh, dummy = self.read_again(item)
            if fresh is None:
                item.fail(MODULE_ENI_NOT_FOUND, error=exc.error.to_result())
            item.fail(MODULE_INSTANCE_NOT_FOUND, error=exc.error.to_result(), instance=instance)
        vpc, zone = self.api.instance_placement(instance)
        item.context.update(instance_vpc=vpc, instance_zone=zone)
        return item.fail_api(exc.error)

    # -- waiting -----------------------------------------------------------------------------

    def looked(self, item: Item, look: Look) -> None:
        if item.state == "settling":
            if look.error is not None:
                item.fail_api(look.error)
            return self.arrive(item, look.record, look.miss)
        self.release(item)
        if look.error is not None:
            item.fail_api(look.error)
        action, instance = item.step
        if look.status is not None and look.status.status == "FAILED":
            item.fail(MODULE_TASK_FAILED, task_id=item.result["task_id"], action=ACTIONS[action],
                      output=look.status.output or "no output")
        item.result["changed"] = True
        if look.record is not None:
            item.seen = look.record
        if item.steps:
            return self.enqueue(item)
        return self.confirmed(item, look.record)

    def confirmed(self, item: Item, record: Optional[Dict[str, Any]]) -> None:
        if record is not None:
            item.check(record)
        if holder_of(record) != item.wanted:
            wanted = item.wanted
            item.warnings.append(sentence(MODULE_ENDED_ELSEWHERE, dict(
                item.context, holder=holder_of(record) or "no instance", wanted="attached to %s" % wanted if wanted else "detached")))
        item.finish(record)

    def timed_out(self, item: Item) -> None:
        record, status = self.watch.last_seen(item.eni_id)
        self.watch.drop(item.eni_id)
        self.release(item)
        if item.state == "settling" and item.conflict is not None:
            item.fail_api(item.conflict.refusal.error)  # the read never caught up with the refusal
        if item.state == "settling":
            item.fail(MODULE_SETTLE_TIMEOUT, status=record["state"] if record else "changing", network_interface=record)
        item.result["changed"] = True
        action, dummy = item.step
        if status is not None and status.status in TASK_DONE:
            holder = holder_of(record)
            item.fail(MODULE_READ_LAG, task_id=item.result["task_id"], action=ACTIONS[action],
                      task_outcome=READ_LAG_OUTCOMES[status.status], network_interface=record,
                      shown="attached to %s" % holder if holder else "detached")
        item.fail(MODULE_TASK_TIMEOUT, task_id=item.result["task_id"], action=ACTIONS[action],
                  status=status.status if status else "RUNNING")

    # -- bookkeeping -------------------------------------------------------------------------

    def release(self, item: Item) -> None:
        for instance in [i for i, holder in self.holding.items() if holder is item]:
            del self.holding[instance]

    def failed(self, item: Item, failure: Failed) -> None:
        item.failure = failure
        item.state = "done"
        self.release(item)
        self.watch.drop(item.eni_id)
        for waiting in self.queues.values():
            if item in waiting:
                waiting.remove(item)
