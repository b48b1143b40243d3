# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one command and write its wall time, CPU and peak RSS to a JSON file (run with `python -S`).

    python -S bench/launch.py RESULT_JSON CMD ARG...

Why a launcher: Linux carries a process's old memory high-water mark over exec, so a child forked or
spawned straight from the benchmark harness (tens of MiB with boto3 and matplotlib loaded) would
report at least the harness's peak RSS. This small process (a few MiB) forks the command instead;
every Python module measured here peaks far above it.
"""
import json
import os
import sys
import time

if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
    print(__doc__)
    sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as fh:
    json.dump({"wall": wall, "ended": time.time(), "rc": os.waitstatus_to_exitcode(status),
               "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss}, fh)
