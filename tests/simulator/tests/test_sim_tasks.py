"""Asynchronous tasks, idempotency (ClientToken) and the mutex rule."""
import time

ATTACH, DETACH = "AttachNetworkInterface", "DetachNetworkInterface"
P = {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"}


def code(r):
    return r.get("Error", {}).get("Code")


def test_attach_then_detach_states(api):
    api.ok("POST", "config", {"task_seconds": 0.5})
    r = api.v3(ATTACH, P)
    task = r["RequestId"]
    eni = api.eni("eni-free0001")
    assert eni["State"] == "ATTACHING" and eni["Attachment"] is None
    t = api.v3("DescribeVpcTaskResult", {"TaskId": task})
    assert t["Status"] == "RUNNING" and t["Output"] == ""
    assert t["Result"] == [{"ResourceId": "eni-free0001", "Status": "RUNNING"}]
    assert api.wait_task(task)["Status"] == "SUCCESS"
    eni = api.eni("eni-free0001")
    assert eni["State"] == "AVAILABLE"
    att = eni["Attachment"]
    assert att["InstanceId"] == "ins-run00001" and att["DeviceIndex"] == 1
    assert att["InstanceAccountId"] and len(att["AttachTime"]) == 19
    r = api.v3(DETACH, P)
    assert api.eni("eni-free0001")["State"] == "DETACHING"
    assert api.wait_task(r["RequestId"])["Status"] == "SUCCESS"
    eni = api.eni("eni-free0001")
    assert eni["State"] == "AVAILABLE" and eni["Attachment"] is None


def test_detach_existing_secondary_and_reuse_device_index(api):
    r = api.v3(DETACH, {"NetworkInterfaceId": "eni-held0001", "InstanceId": "ins-run00002"})
    api.wait_task(r["RequestId"])
    assert api.eni("eni-held0001")["Attachment"] is None
    r = api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0005", "InstanceId": "ins-run00002"})
    api.wait_task(r["RequestId"])
    assert api.eni("eni-free0005")["Attachment"]["DeviceIndex"] == 1


def test_client_token_idempotency(api, sim):
    api.ok("POST", "config", {"task_seconds": 0.5})
    p = dict(P, ClientToken="tok-1")
    first = api.v3(ATTACH, p)["RequestId"]
    again = api.v3(ATTACH, p)  # while RUNNING: same task, no mutex error; a RequestId of its own
    assert set(again) == {"RequestId"} and again["RequestId"] != first
    assert api.wait_task(first)["Status"] == "SUCCESS"
    after = api.v3(ATTACH, p)  # after SUCCESS: still the same task, not applied twice
    assert set(after) == {"RequestId"} and after["RequestId"] not in (first, again["RequestId"])
    assert len(sim.state()["tasks"]) == 1
    r = api.v3(ATTACH, dict(p, InstanceId="ins-run00003"))
    assert code(r) == "UnsupportedOperation.IdempotentParameterMismatch"
    r = api.v3(DETACH, p)
    assert code(r) == "UnsupportedOperation.IdempotentParameterMismatch"
    # the same token from another account is another token
    from simclient import SECOND
    r = api.v3(ATTACH, dict(p, NetworkInterfaceId="eni-free0002"), secret_id=SECOND[0], secret_key=SECOND[1])
    assert "Error" not in r and r["RequestId"] != first
    log = api.ok("GET", "requests")["requests"]
    assert [e["client_token"] for e in log if e["action"] == ATTACH][:3] == ["tok-1"] * 3
    assert [e["task_id"] for e in log if e["action"] == ATTACH][:3] == [first] * 3


def test_failed_validation_does_not_burn_token(api):
    p = dict(P, InstanceId="ins-pend0001", ClientToken="tok-2")
    assert code(api.v3(ATTACH, p)) == "UnsupportedOperation.InvalidState"
    assert "Error" not in api.v3(ATTACH, dict(p, InstanceId="ins-run00001"))


def test_mutex_on_eni_and_instance(api):
    api.ok("POST", "config", {"task_seconds": 1.0})
    assert "Error" not in api.v3(ATTACH, P)
    m = "UnsupportedOperation.InvalidState"  # the default busy answer of Attach and Detach
    assert code(api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00003"})) == m
    assert code(api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0002", "InstanceId": "ins-run00001"})) == m
    assert code(api.v3(DETACH, P)) == m
    # other ENI, other instance: fine
    assert "Error" not in api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0003", "InstanceId": "ins-run00003"})


def test_task_failed_fault(api):
    api.ok("POST", "faults", {"action": ATTACH, "fault": "task_failed", "output": "ENI quota of host",
                              "count": 1})
    r = api.v3(ATTACH, P)
    t = api.wait_task(r["RequestId"])
    assert t["Status"] == "FAILED" and t["Output"] == "ENI quota of host"
    assert t["Result"] == [{"ResourceId": "eni-free0001", "Status": "FAILED"}]
    assert api.eni("eni-free0001")["Attachment"] is None
    # the next one succeeds
    r = api.v3(ATTACH, P)
    assert api.wait_task(r["RequestId"])["Status"] == "SUCCESS"
    # a failed detach leaves the binding
    api.ok("POST", "faults", {"action": DETACH, "fault": "task_failed", "output": "busy"})
    r = api.v3(DETACH, P)
    assert api.wait_task(r["RequestId"])["Output"] == "busy"
    assert api.eni("eni-free0001")["Attachment"]["InstanceId"] == "ins-run00001"


def test_task_failed_fault_for_one_eni(api):
    """A task_failed fault naming an ENI is left for that ENI's task; others end as usual."""
    api.ok("POST", "faults", {"action": ATTACH, "fault": "task_failed", "output": "no slot", "eni": "eni-free0001"})
    r = api.v3(ATTACH, {"NetworkInterfaceId": "eni-free0003", "InstanceId": "ins-run00003"})
    assert api.wait_task(r["RequestId"])["Status"] == "SUCCESS"
    r = api.v3(ATTACH, P)
    assert api.wait_task(r["RequestId"])["Output"] == "no slot"


def test_tasks_shared_between_protocols(api):
    r = api.v2(ATTACH, {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001",
                        "instanceId": "ins-run00001"})
    tid = r["taskId"]
    # 3.0 sees the ENI transitioning and can poll the task by its 2.0 number
    assert api.eni("eni-free0001")["State"] == "ATTACHING"
    assert api.v3("DescribeVpcTaskResult", {"TaskId": str(tid)})["Status"] in ("RUNNING", "SUCCESS")
    assert api.wait_task_v2(tid)["data"]["status"] == 0
    # and a 3.0 write on the same ENI is a mutex error only while the task runs
    r = api.v3(DETACH, P)
    assert "Error" not in r
    r2 = api.v2(DETACH, {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0001",
                         "instanceId": "ins-run00001"})
    assert r2["code"] == 5100
    state = api.ok("GET", "state")
    tasks = {t["task_id"]: t for t in state["tasks"]}
    assert tasks[r["RequestId"]]["protocol"] == "3.0" and isinstance(tasks[r["RequestId"]]["task_id_v2"], int)


def test_task_of_other_account_is_not_found(api):
    from simclient import SECOND
    r = api.v3(ATTACH, P)
    r2 = api.v3("DescribeVpcTaskResult", {"TaskId": r["RequestId"]}, secret_id=SECOND[0], secret_key=SECOND[1])
    assert code(r2) == "ResourceNotFound"


def test_task_seconds_zero(api):
    api.ok("POST", "config", {"task_seconds": 0})
    r = api.v3(ATTACH, P)
    assert api.v3("DescribeVpcTaskResult", {"TaskId": r["RequestId"]})["Status"] == "SUCCESS"
    assert api.eni("eni-free0001")["Attachment"]["InstanceId"] == "ins-run00001"


def test_concurrent_attaches_only_one_wins(api):
    import threading
    api.ok("POST", "config", {"task_seconds": 0.5})
    results = []

    def go(i):
        results.append(api.v3(ATTACH, {"NetworkInterfaceId": "eni-free%04d" % (i + 1),
                                       "InstanceId": "ins-run00003"}))
    threads = [threading.Thread(target=go, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [r for r in results if "Error" not in r]
    assert len(ok) == 1
    assert all(code(r) == "UnsupportedOperation.InvalidState" for r in results if "Error" in r)
    time.sleep(0.6)
