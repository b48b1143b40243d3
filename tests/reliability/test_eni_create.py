# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A create never makes two ENIs: every fault of the matrix on CreateNetworkInterface, with
qcloud_eni through ansible-playbook (one playbook, one case per fault).

A fault that loses the create's answer (a delay past api_timeout, a truncated body, a reset after
the write) makes the client send the create again with the same ClientToken, which the simulator
answers with the ENI it already made. Each case ends with exactly one ENI of its name (none for
a FAILED task, which the module reports with the task's output).
"""

from __future__ import annotations

import re

import pytest

import relhelp
from test_matrix import DELAY, FAULTS, SHORT_TIMEOUT, documented

CREATE = "CreateNetworkInterface"
POSITIONS = ("create",)


def _name(position, fault):
    return "rel-%s-%s" % (position, fault.lower().replace("_", "-"))


def _cases():
    cases = []
    for position in POSITIONS:
        for fault, spec in FAULTS.items():
            faults = [documented(dict(spec, action=CREATE, protocol="3.0"))]
            args = {"name": _name(position, fault), "subnet_id": "subnet-gz3a0001", "security_group_ids": ["sg-web00001"],
                    "private_ip_addresses": ["10.0.1.150"], "tags": {"case": fault},
                    "api_timeout": SHORT_TIMEOUT if fault == "slow" else 5}
            spec_ = {"faults": faults, "config": {"task_seconds": 0.1}, "settle": DELAY if fault == "slow" else 0}
            cases.append(("%s/%s" % (position, fault), "qcloud_eni", args, spec_, None))
    spec_ = {"faults": [{"action": CREATE, "fault": "task_failed", "output": "Injected: no capacity.", "protocol": "3.0"}],
             "config": {"task_seconds": 0.1}}
    cases.append(("create/task_failed", "qcloud_eni", {"name": "rel-task-failed", "subnet_id": "subnet-gz3a0001"}, spec_, None))
    return cases


@pytest.fixture(scope="module")
def creates(sim):
    run = relhelp.run_playbook("eni-create", relhelp.chain_tasks(_cases()), sim, relhelp.connection(sim), options=["--diff", "-v"])
    assert run["rc"] == 0, "ansible-playbook eni-create exited %s" % run["rc"]
    assert not relhelp.TRACEBACK.search(run["output"])
    return run["records"]


def _named(record, name):
    return [e for e in record["state"]["enis"] if e["name"] == name]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_one_eni_whatever_the_fault(creates, position, fault):
    record = creates["%s/%s" % (position, fault)]
    result = record["result"]
    relhelp.assert_clean(result)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True
    made = _named(record, _name(position, fault))
    assert len(made) == 1, "%d ENIs named %s" % (len(made), _name(position, fault))
    assert result["network_interface"]["network_interface_id"] == made[0]["eni_id"]
    assert result["network_interface"]["private_ip_addresses"][1:] == ["10.0.1.150"]
    assert result["network_interface"]["state"] == "AVAILABLE"
    writes = [r for r in record["requests"] if r["action"] == CREATE]
    assert len({w["client_token"] for w in writes}) == 1, "a retried create carried another ClientToken"
    tasks = [t for t in record["state"]["tasks"] if t["action"] == CREATE]
    assert [t["status"] for t in tasks] == ["SUCCESS"], "the create was applied %d times" % len(tasks)
    assert len(writes) == 2, "the faulted create was not retried"
    assert record["elapsed"] < 40


def test_a_failed_create_task_leaves_no_eni(creates):
    record = creates["create/task_failed"]
    result = record["result"]
    relhelp.assert_clean(result)
    assert result.get("failed") and result["changed"] is True
    assert re.search(r"\(CreateNetworkInterface\) failed \(Injected: no capacity\.\)", result["msg"]), result["msg"]
    assert _named(record, "rel-task-failed") == []
    assert len([r for r in record["requests"] if r["action"] == CREATE]) == 1
