"""Tencent's documented per-action rate limits: a sliding one-second window per account."""
import collections
import threading
import time

LIMITS = {
    "DescribeNetworkInterfaces": 100,
    # 50/s: Tencent's Chinese API pages say "默认接口请求频率限制:50次/秒" for both,
    # https://cloud.tencent.com/document/product/215/15819 (Attach) and
    # https://cloud.tencent.com/document/api/215/15816 (Detach); the international page
    # https://tencentcloud.com/document/api/215/15819 still says 100. The lower figure wins.
    # What a limited call answers: contention.py.
    "AttachNetworkInterface": 50,
    "DetachNetworkInterface": 50,
    "DescribeVpcTaskResult": 20,
    "CreateNetworkInterface": 100,
    "DeleteNetworkInterface": 100,
    "ModifyNetworkInterfaceAttribute": 50,
    "AssignPrivateIpAddresses": 100,
    "UnassignPrivateIpAddresses": 100,
    "AssumeRole": 600,
    "DescribeInstances": 40,
    "DescribeRegions": 20,
}


class RateLimiter:
    def __init__(self, limits=None, window=1.0):
        self.limits = dict(LIMITS if limits is None else limits)
        self.window = window
        self._hits = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def allow(self, account, action, now=None):
        limit = self.limits.get(action)
        if limit is None:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._hits[(account, action)]
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= limit:
                return False
            q.append(now)
            return True

    def reset(self):
        with self._lock:
            self._hits.clear()
