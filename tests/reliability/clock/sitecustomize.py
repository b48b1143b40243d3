# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A wrong clock for one module process (tests/reliability): shifts time.time by QCLOUD_TEST_CLOCK_SKEW seconds.

Put this directory on PYTHONPATH through a task's ``environment:``; Python imports ``sitecustomize``
at start-up, before the module binds ``time.time`` as its clock. time.monotonic is left alone, so
timeouts and deadlines still work.
"""

import os
import time

_SKEW = float(os.environ.get("QCLOUD_TEST_CLOCK_SKEW") or 0)
if _SKEW:
    _REAL_TIME = time.time

    def _skewed_time():
        return _REAL_TIME() + _SKEW

    time.time = _skewed_time
