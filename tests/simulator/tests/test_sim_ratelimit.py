"""Tencent's per-action rate limits (sliding one-second window per account)."""
import time

from qcloud_sim.ratelimit import RateLimiter
from simclient import SECOND


def test_limiter_window():
    rl = RateLimiter()
    assert all(rl.allow("a", "DescribeVpcTaskResult", now=10.0 + i * 0.001) for i in range(20))
    assert not rl.allow("a", "DescribeVpcTaskResult", now=10.5)
    assert rl.allow("b", "DescribeVpcTaskResult", now=10.5)  # per account
    assert rl.allow("a", "DescribeVpcTaskResult", now=11.001)  # window slid
    assert all(rl.allow("a", "AttachNetworkInterface", now=20.0) for dummy in range(50))
    assert not rl.allow("a", "AttachNetworkInterface", now=20.0)
    assert rl.allow("a", "SomethingElse", now=20.0)


def test_task_result_limit_both_protocols(api, sim):
    api.ok("POST", "config", {"rate_limits": True})
    start = time.time()
    codes = [api.v3("DescribeVpcTaskResult", {"TaskId": "x"})["Error"]["Code"] for dummy in range(25)]
    if time.time() - start < 1.0:
        assert codes.count("ResourceNotFound") == 20
        assert codes[20:] == ["RequestLimitExceeded"] * 5
        # 2.0 shares the account's counter: still limited
        r = api.v2("DescribeVpcTaskResult", {"taskId": 1})
        assert (r["code"], r["codeDesc"]) == (4400, "RequestLimitExceeded")
        # another account is not
        r = api.v3("DescribeVpcTaskResult", {"TaskId": "x"}, secret_id=SECOND[0], secret_key=SECOND[1])
        assert r["Error"]["Code"] == "ResourceNotFound"
        log = api.ok("GET", "requests")["requests"]
        assert sum(1 for e in log if e["outcome"] == "RequestLimitExceeded") == 6
    time.sleep(1.05)
    assert api.v3("DescribeVpcTaskResult", {"TaskId": "x"})["Error"]["Code"] == "ResourceNotFound"


def test_limits_off(api):
    api.ok("POST", "config", {"rate_limits": False})
    codes = {api.v3("DescribeVpcTaskResult", {"TaskId": "x"})["Error"]["Code"] for dummy in range(30)}
    assert codes == {"ResourceNotFound"}


def test_auth_failures_are_not_counted(api):
    api.ok("POST", "config", {"rate_limits": True})
    for dummy in range(25):
        api.v3("DescribeVpcTaskResult", {"TaskId": "x"}, secret_key="bad")
    assert api.v3("DescribeVpcTaskResult", {"TaskId": "x"})["Error"]["Code"] == "ResourceNotFound"
