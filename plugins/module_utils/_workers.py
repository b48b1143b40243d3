# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Threads that make a run's API calls side by side.

Each thread owns a clone of the run's :class:`VpcApi` (its own HTTP session, since
``requests.Session`` is not guaranteed to be thread-safe; the keys, the deadline and the rate
limiter are shared), runs the jobs it is given, and hands every outcome back, in the order the
jobs end, to the one thread that decides (Ansible's ``exit_json`` / ``fail_json`` belong there).
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable, List, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._vpc import VpcApi

# (tag, value, exception): exactly one of value and exception is meaningful.
Outcome = Tuple[Any, Any, Optional[BaseException]]


class Workers:
    def __init__(self, api: VpcApi, size: int) -> None:
        self._jobs: "queue.Queue[Optional[Tuple[Any, Callable[[VpcApi], Any]]]]" = queue.Queue()
        self._done: "queue.Queue[Outcome]" = queue.Queue()
        self.pending = 0
        # Daemons: a job still running when the module exits (a bug elsewhere) must not hold it.
        self._threads = [threading.Thread(target=self._serve, args=(api.clone(),), daemon=True) for dummy in range(max(1, size))]
        for thread in self._threads:
            thread.start()

    def submit(self, tag: Any, job: Callable[[VpcApi], Any]) -> None:
        """Run ``job(api)`` on a free thread; its outcome comes back from :meth:`wait` with ``tag``."""
        self.pending += 1
        self._jobs.put((tag, job))

    def wait(self, timeout: Optional[float]) -> List[Outcome]:
        """The outcomes of jobs that have ended: at least one, unless ``timeout`` seconds pass first."""
        if not self.pending:
            return []
        try:
            outcomes = [self._done.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                outcomes.append(self._done.get_nowait())
            except queue.Empty:
                break
        self.pending -= len(outcomes)
        return outcomes

    def close(self) -> None:
        for dummy in self._threads:
            self._jobs.put(None)

    def _serve(self, api: VpcApi) -> None:
        while True:
            work = self._jobs.get()
            if work is None:
                return
            tag, job = work
            try:
                self._done.put((tag, job(api), None))
            except Exception as exc:  # pylint: disable=broad-except  # handed to the deciding thread as it is
                self._done.put((tag, None, exc))
