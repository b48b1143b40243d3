# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ENI watch: many ENIs waited on together, each on its own schedule, within one deadline."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._eni import DESCRIBE_LIMIT_MAX, TASK_DONE, TRANSITIONAL_STATES, Task, TaskStatus, VpcApi, holder_of
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudError, throttled


def poll_delays(first: float = 0.25, factor: float = 1.5, cap: float = 5.0) -> Iterator[float]:
    """Waits between task polls (API 2.0, whose ENIs show no task) and between the lifecycle's reads
    of an ENI (API 3.0, _lifecycle.py): quick at first, then sparing, since DescribeVpcTaskResult allows
    only 20 calls a second."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * factor)


def look_delays(first: float = 0.15, ratio: float = 0.08, cap: float = 10.0) -> Iterator[float]:
    """Waits between looks at an ENI (API 3.0): each a fraction ``ratio`` of the time waited so
    far, at least ``first``, at most ``cap``, so that the end of a task is seen at most 8% of
    its length late (0.15 s for short ones). DescribeNetworkInterfaces allows 100 calls a
    second and reads 100 ENIs per call, so looking this often is cheap."""
    elapsed = 0.0
    while True:
        delay = min(cap, max(first, ratio * elapsed))
        yield delay
        elapsed += delay


# -- waiting on many ENIs at once --------------------------------------------------------------


class Look(NamedTuple):
    """What the watch found for an ENI it stopped watching."""

    eni_id: str
    record: Optional[Dict[str, Any]]  # the ENI as last read (None: not read, or gone)
    status: Optional[TaskStatus]  # the task's status, when it was read
    error: Optional[QcloudError] = None  # the call that failed, when one did
    miss: Optional[Dict[str, Any]] = None  # what the API answered when the ENI was gone


class _Entry:
    def __init__(self, eni_id: str, task: Optional[Task], wanted: Optional[str], confirm: bool, now: float, v3: bool,
                 old: FrozenSet[Optional[str]] = frozenset(), earlier: FrozenSet[str] = frozenset()) -> None:
        self.eni_id, self.task, self.wanted, self.confirm, self.old, self.earlier = eni_id, task, wanted, confirm, old, earlier
        # a read showed the ENI as it was after this write began (its own task, or another job's):
        # a later read of an old binding is no longer a late read
        self.past_write = False
        self.start = now
        self.delays = look_delays() if v3 else poll_delays()
        self.next_at = now + next(self.delays)
        self.record: Optional[Dict[str, Any]] = None
        self.status: Optional[TaskStatus] = None
        self.miss: Optional[Dict[str, Any]] = None

    def advance(self, now: float) -> None:
        while self.next_at <= now:
            self.next_at += next(self.delays)


class EniWatch:
    """ENIs waited on together: each until it settles, or until the task of a write on it ends.

    API 3.0 shows a task on the ENI itself: its ``State`` is ATTACHING or DETACHING while the task
    runs, and the binding changes when the task succeeds. So one DescribeNetworkInterfaces looks
    at up to 100 ENIs, on the 100/s describe API, and DescribeVpcTaskResult (20/s) is read only
    for an ENI that settled without the binding asked for: a FAILED task's output, or a task the
    ENI does not show yet. API 2.0 reports no ENI state: there each task is polled, and the ENI
    is read once its task has ended (``confirm``).

    Each ENI keeps its own schedule from when it was added (``look_delays`` in 3.0, ``poll_delays``
    in 2.0); a round reads every ENI due, fills its calls up with the others (free news), and
    rounds are at least ``MIN_ROUND_GAP`` apart. Everything due is looked at at the deadline.
    A look still throttled after the client's retries (many modules looking at once) is no news:
    the ENI is looked at again at its next time, within the deadline; other errors end it.
    """

    MIN_ROUND_GAP = 0.1

    def __init__(self, api: VpcApi, deadline: float) -> None:
        self.api = api
        self.deadline = deadline
        self.entries: Dict[str, _Entry] = {}
        self.last_round: Optional[float] = None

    def add(
        self,
        eni_id: str,
        task: Optional[Task] = None,
        wanted: Optional[str] = None,
        confirm: bool = True,
        old: FrozenSet[Optional[str]] = frozenset(),
        earlier: FrozenSet[str] = frozenset(),
    ) -> None:
        """Watch ``eni_id``: until it settles, or (``task``) until that task has ended; ``wanted``
        is the instance the task should leave it attached to (None: detached). ``old``: the bindings
        a read may still show after the task succeeded (reads lag behind writes): the ENI is read
        until it shows ``wanted`` (or a binding in neither, which another job made), within the
        deadline. ``earlier``: the transitional states of this job's earlier writes, which a late read
        may still show; any other (ATTACHING or DETACHING, the task's own or another job's) shows the
        ENI past this write, so that an old binding read after it is another job's doing. With
        ``confirm`` false (another write follows, which the API checks against the truth), a task that
        succeeded ends the watch at once."""
        self.entries[eni_id] = _Entry(eni_id, task, wanted, confirm, self.api.monotonic(), self.api.v3, frozenset(old),
                                      frozenset(earlier))

    def last_seen(self, eni_id: str) -> Tuple[Optional[Dict[str, Any]], Optional[TaskStatus]]:
        entry = self.entries[eni_id]
        return entry.record, entry.status

    def drop(self, eni_id: str) -> None:
        self.entries.pop(eni_id, None)

    def due_at(self) -> Optional[float]:
        """When the next round should look (never after the deadline), or None if nothing is watched."""
        if not self.entries:
            return None
        due = min(entry.next_at for entry in self.entries.values())
        if self.last_round is not None:
            due = max(due, self.last_round + self.MIN_ROUND_GAP)
        return min(due, self.deadline)

    def look(self) -> List[Look]:
        """One round: the ENIs that ended (no longer watched); the others are still pending."""
        now = self.api.monotonic()
        due = [e for e in self.entries.values() if e.next_at <= now + 1e-6 or now >= self.deadline]
        if not due:
            return []
        self.last_round = now
        ended = self._look_v3(due) if self.api.v3 else self._look_v2(due)
        for look in ended:
            self.entries.pop(look.eni_id, None)
        for entry in due:
            entry.advance(now)
        return ended

    def _look_v3(self, due: List[_Entry]) -> List[Look]:
        size = DESCRIBE_LIMIT_MAX
        due_ids = {e.eni_id for e in due}
        others = [e for e in self.entries.values() if e.eni_id not in due_ids]
        count = -(-len(due) // size) * size
        looked = (due + others)[:count]
        ended: List[Look] = []
        for start in range(0, len(looked), size):
            chunk = looked[start:start + size]
            try:
                found, misses = self.api.describe_many([e.eni_id for e in chunk])
            except QcloudError as err:
                if not throttled(err):
                    ended.extend(Look(e.eni_id, e.record, e.status, err) for e in chunk if e.eni_id in due_ids)
                continue
            for entry in chunk:
                entry.record = found.get(entry.eni_id)
                entry.miss = misses.get(entry.eni_id)
                look = self._settled_v3(entry)
                if look is not None:
                    ended.append(look)
        return ended

    def _settled_v3(self, entry: _Entry) -> Optional[Look]:
        record = entry.record
        if record is not None and record["state"] in TRANSITIONAL_STATES:
            if record["state"] not in entry.earlier:
                entry.past_write = True
            return None
        if entry.task is None or (record is not None and holder_of(record) == entry.wanted):
            return Look(entry.eni_id, record, entry.status, None, entry.miss)
        # Settled, but not as asked: the task says why (FAILED), or that it has not shown yet.
        if entry.status is None or entry.status.status not in TASK_DONE:
            try:
                entry.status = self.api.task_status(entry.task.task_id)
            except QcloudError as err:
                return None if throttled(err) else Look(entry.eni_id, record, None, err)
        if entry.status.status == "RUNNING":
            return None
        if entry.status.status == "SUCCESS" and not entry.confirm:
            return Look(entry.eni_id, record, entry.status, None, entry.miss)
        if entry.status.status in TASK_DONE and self._lagging(entry):
            return None  # the read has not caught up with the task yet: look again
        return Look(entry.eni_id, record, entry.status, None, entry.miss)

    @staticmethod
    def _lagging(entry: _Entry) -> bool:
        """The ENI still reads as it was before the task (which is done, or unknown by its id)."""
        return not entry.past_write and entry.record is not None and holder_of(entry.record) in entry.old

    def _look_v2(self, due: List[_Entry]) -> List[Look]:
        ended: List[Look] = []
        for entry in due:
            try:
                if entry.task is not None and (entry.status is None or entry.status.status not in TASK_DONE):
                    entry.status = self.api.task_status(entry.task.task_id)
                    if entry.status.status == "RUNNING":
                        continue
                if entry.task is None or (entry.confirm and entry.status.status in TASK_DONE):
                    entry.record = self.api.describe_network_interface(entry.eni_id)
                    entry.miss = None if entry.record else self.api.last_miss
                    if entry.task is not None and holder_of(entry.record) != entry.wanted and self._lagging(entry):
                        continue  # the read has not caught up with the task yet: read again at its next time
            except QcloudError as err:
                if not throttled(err):
                    ended.append(Look(entry.eni_id, entry.record, entry.status, err))
                continue
            ended.append(Look(entry.eni_id, entry.record, entry.status, None, entry.miss))
        return ended
