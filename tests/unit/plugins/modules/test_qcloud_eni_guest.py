# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""qcloud_eni_guest through main(): the decisions a namespace test cannot easily reach (a link that never
appears, no root, undo after a failed command, the diff, cleanup after a detach).

Fakes, since the simulator serves neither: the host's ``ip`` (a small model of links, addresses, routes and
rules that answers ``ip -j`` as iproute2 6.1 does) and the metadata service's answers (the simulator's texts
for web-1; tests/integration/targets/qcloud_eni_guest runs the module against both for real).
"""

from __future__ import annotations

import io
import json
import os
import urllib.error

import pytest

from ansible.module_utils import urls
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tencent.qcloud.plugins.modules import qcloud_eni_guest

PRIMARY, SECOND = "20:90:6f:00:00:01", "20:90:6f:12:34:56"
BASE = "http://metadata.test/latest/meta-data/"


def metadata(attached=True):
    """The metadata service's texts for web-1 (as the simulator serves them)."""
    pages = {"mac": PRIMARY, "network/interfaces/macs/": PRIMARY + "/\n" + (SECOND + "/" if attached else "")}
    for mac, addresses, gateway in ((PRIMARY, ["10.0.1.11", "10.0.1.12"], "10.0.1.1"),
                                    (SECOND, ["10.0.3.2", "10.0.3.5"], "10.0.3.1")):
        base = "network/interfaces/macs/%s/" % mac
        pages[base + "primary-local-ipv4"] = addresses[0]
        pages[base + "local-ipv4s/"] = "\n".join(a + "/" for a in addresses)
        pages[base + "vpc-id"] = "vpc-gz000001"
        pages[base + "subnet-id"] = "subnet-gz3a0001"
        for address in addresses:
            pages[base + "local-ipv4s/%s/gateway" % address] = gateway
            pages[base + "local-ipv4s/%s/subnet-mask" % address] = "255.255.255.0"
    if not attached:
        pages = {k: v for k, v in pages.items() if SECOND not in k}
    return pages


class FakeIp:
    """Links, IPv4 addresses, routes and rules of a host, read and changed through ``ip`` argv."""

    def __init__(self, links):
        self.links = links  # mac -> [device, up]
        self.addrs = {dev: [] for dev, dummy in links.values()}
        self.routes = []  # dicts with table
        self.rules = []
        self.changes = []
        self.fail_on = None

    def __call__(self, argv, **kwargs):
        args = argv[1:]
        if args[0] == "-j":
            return 0, json.dumps(self.read([a for a in args[1:] if a not in ("-N", "-4")])), ""
        self.changes.append(" ".join(args))
        if self.fail_on and self.fail_on in " ".join(args):
            return 2, "", "RTNETLINK answers: Operation not permitted"
        self.change(args)
        return 0, "", ""

    def read(self, args):
        if args[:2] == ["link", "show"]:
            return [{"ifname": dev, "link_type": "ether", "address": mac, "flags": ["UP"] if up else []}
                    for mac, (dev, up) in self.links.items()]
        if args[0] == "addr":
            dev = args[-1]
            return [{"ifname": dev, "addr_info": [{"family": "inet", "local": a.split("/")[0], "prefixlen": int(a.split("/")[1])}
                                                  for a in self.addrs.get(dev, [])]}]
        if args[0] == "rule":
            return [{"priority": 0, "src": "all", "table": "255"}] + [dict(r) for r in self.rules] + [
                {"priority": 32766, "src": "all", "table": "254"}]
        if args[:4] == ["route", "show", "table", "all"]:
            return [dict({k: v for k, v in r.items() if k != "protocol"}) for r in self.routes if r.get("protocol") == "245"]
        table = args[3]
        return [{k: v for k, v in r.items() if k != "table"} for r in self.routes if r["table"] == table]

    def change(self, args):
        kind, verb = args[0], args[1]
        if kind == "link":
            for mac, link in self.links.items():
                if link[0] == args[3]:
                    link[1] = args[4] == "up"
        elif kind == "addr":
            (self.addrs[args[4]].append if verb == "add" else self.addrs[args[4]].remove)(args[2])
        elif kind == "rule":
            rule = {"priority": int(args[7]), "src": args[3], "table": args[5]}
            if verb == "add":
                self.rules.append(dict(rule, protocol="245"))
            else:
                self.rules = [r for r in self.rules if {k: r[k] for k in rule} != rule]
        elif kind == "route":
            words = dict(zip(args[3::2], args[4::2]))
            route = {"dst": args[2], "dev": words["dev"], "table": words["table"]}
            if "via" in words:
                route["gateway"] = words["via"]
            if verb == "add":
                if "src" in words:
                    route["prefsrc"] = words["src"]
                self.routes.append(dict(route, protocol=words.get("proto", "3")))
            else:
                self.routes = [r for r in self.routes
                               if (r["dst"], r.get("gateway"), r["dev"], r["table"]) !=
                               (route["dst"], route.get("gateway"), route["dev"], route["table"])]


@pytest.fixture
def host(monkeypatch):
    """A root shell on web-1 whose eth1 is plugged; returns (ip model, metadata pages)."""
    ip = FakeIp({PRIMARY: ["eth0", True], SECOND: ["eth1", False]})
    pages = metadata()

    def open_url(url, **kwargs):
        path = url[len(BASE):]
        if path not in pages:
            raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)
        return io.BytesIO(pages[path].encode())

    monkeypatch.setattr(urls, "open_url", open_url)  # _guest_metadata imports it when it reads
    monkeypatch.setattr(AnsibleModule, "get_bin_path", lambda self, name, *a, **k: "/usr/sbin/ip")
    monkeypatch.setattr(AnsibleModule, "run_command", lambda self, argv, **k: ip(argv))
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(qcloud_eni_guest, "LINK_POLL", 0.01)
    return ip, pages


@pytest.fixture
def run(run_module, tmp_path):
    def runner(check=False, diff=False, **params):
        args = {"metadata_endpoint": "http://metadata.test", "config_root": str(tmp_path), "backend": "networkd"}
        return run_module(qcloud_eni_guest.main, args, check_mode=check, diff=diff, **params).result
    return runner


def test_configures_then_changes_nothing(host, run, tmp_path):
    ip, dummy = host
    r = run()
    assert r["changed"] and r["interfaces"][0]["device"] == "eth1"
    assert ip.rules == [{"priority": 1000, "src": a, "table": "1001", "protocol": "245"} for a in ("10.0.3.2", "10.0.3.5")]
    assert ip.addrs["eth1"] == ["10.0.3.2/24", "10.0.3.5/24"] and ip.addrs["eth0"] == []
    assert (tmp_path / "etc/systemd/network/70-qcloud-eni-20906f123456.network").exists()
    ip.changes.clear()
    r = run()
    assert not r["changed"] and r["commands"] == [] and ip.changes == []


def test_check_mode_and_diff_predict_without_changing(host, run, tmp_path):
    ip, dummy = host
    r = run(check=True, diff=True)
    assert r["changed"] and ip.changes == [] and not (tmp_path / "etc").exists()
    before, after = r["diff"]["before"], r["diff"]["after"]
    assert before["interfaces"][SECOND]["rules"] == [] and before["files"] == {
        str(tmp_path / "etc/systemd/network/70-qcloud-eni-20906f123456.network"): None}
    assert after["interfaces"][SECOND]["rules"] == ["1000: from 10.0.3.2 lookup 1001", "1000: from 10.0.3.5 lookup 1001"]
    assert after["interfaces"][SECOND]["routes"] == ["10.0.3.0/24 dev eth1 src 10.0.3.2", "default via 10.0.3.1 dev eth1"]
    assert "Table=1001" in list(after["files"].values())[0]


def test_a_link_that_never_appears_fails_naming_the_mac(host, run):
    ip, dummy = host
    del ip.links[SECOND]
    r = run(wait_timeout=1)
    assert r["failed"] and r["msg"].startswith("No network link with MAC %s appeared within 1 seconds" % SECOND)
    assert ip.changes == []


def test_not_root_says_become(host, run, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    r = run()
    assert r["failed"] and "add become: true" in r["msg"]
    assert host[0].changes == []


def test_a_failed_command_undoes_what_the_run_applied(host, run, tmp_path):
    ip, dummy = host
    ip.fail_on = "rule add from 10.0.3.5"
    r = run()
    assert r["failed"] and r["error"]["code"] == "Guest.IpFailed" and "was undone" in r["msg"]
    assert ip.rules == [] and ip.addrs["eth1"] == [] and ip.routes == [] and ip.links[SECOND][1] is False
    assert not list(tmp_path.rglob("*.network"))


def test_a_user_file_of_the_same_name_is_never_overwritten(host, run, tmp_path):
    path = tmp_path / "etc/systemd/network/70-qcloud-eni-20906f123456.network"
    path.parent.mkdir(parents=True)
    path.write_text("[Match]\nName=eth1\n")
    r = run()
    assert r["failed"] and "is not managed by this module" in r["msg"] and host[0].changes == []
    assert path.read_text() == "[Match]\nName=eth1\n"


def test_cleanup_after_a_detach_removes_only_what_no_attached_eni_accounts_for(host, run, tmp_path):
    ip, pages = host
    run()
    ip.rules.append({"priority": 500, "src": "10.0.1.11", "table": "100"})  # the user's own rule
    # detached: the link goes (and the kernel takes its routes), the metadata no longer lists it
    del ip.links[SECOND]
    ip.routes = []
    pages.clear()
    pages.update(metadata(attached=False))
    r = run(state="absent", check=True)
    assert r["changed"] and len(ip.rules) == 3
    r = run(state="absent")
    assert r["changed"] and ip.rules == [{"priority": 500, "src": "10.0.1.11", "table": "100"}]
    assert r["removed_files"] == [str(tmp_path / "etc/systemd/network/70-qcloud-eni-20906f123456.network")]
    assert not run(state="absent")["changed"]


def test_absent_for_a_named_eni_already_detached_removes_its_files(host, run, tmp_path):
    ip, pages = host
    run()
    del ip.links[SECOND]
    ip.routes = []
    pages.clear()
    pages.update(metadata(attached=False))
    r = run(state="absent", network_interfaces=[SECOND], backend="auto")
    assert r["changed"] and r["removed_files"] == [str(tmp_path / "etc/systemd/network/70-qcloud-eni-20906f123456.network")]
    assert "No ENI with MAC" in run(network_interfaces=[SECOND])["msg"]


def test_bad_entries_fail_before_any_change(host, run):
    assert "names ENIs by MAC only" in run(network_interfaces=["eni-m6dyj72l"])["msg"]
    assert "is not a MAC" in run(network_interfaces=["eth1"])["msg"]
    assert "primary ENI" in run(network_interfaces=[PRIMARY.upper()])["msg"]
    assert "Route table 254" in run(network_interfaces=[{"mac": SECOND, "route_table": 254}])["msg"]
    assert host[0].changes == []


def test_a_failed_read_is_a_sentence_and_a_failed_read_after_changes_undoes_them(host, run, monkeypatch):
    ip, dummy = host
    calls = []

    def reads_fail(argv, **kwargs):
        calls.append(argv)
        if "addr" in argv and "show" in argv and len([c for c in calls if "addr" in c and "show" in c]) >= fail_at[0]:
            return 1, "", "Cannot find device"
        return ip(argv)

    monkeypatch.setattr(AnsibleModule, "run_command", lambda self, argv, **k: reads_fail(argv))
    fail_at = [1]  # the first read of eth1's addresses, before any change
    r = run()
    assert r["failed"] and r["error"]["code"] == "Guest.IpReadFailed" and "Cannot find device" in r["msg"]
    assert ip.changes == []
    fail_at[0], calls[:] = 2, []  # the read after the changes
    r = run()
    assert r["failed"] and r["error"]["code"] == "Guest.IpReadFailed" and "undid what it had applied" in r["msg"]
    assert ip.rules == [] and ip.routes == [] and ip.addrs["eth1"] == [] and ip.links[SECOND][1] is False


def test_an_ip_without_json_or_a_kernel_without_rule_protocols_is_refused(host, run, monkeypatch):
    ip, dummy = host
    monkeypatch.setattr(AnsibleModule, "run_command", lambda self, argv, **k: (
        255, "", 'Option "-j" is unknown, try "ip -help".') if "-j" in argv else ip(argv))
    r = run()
    assert r["failed"] and r["error"]["code"] == "Guest.IprouteTooOld" and "iproute2 4.17" in r["msg"]
    monkeypatch.setattr(AnsibleModule, "run_command", lambda self, argv, **k: ip(argv))
    monkeypatch.setattr(os, "uname", lambda: os.uname_result(("Linux", "web-1", "3.10.0-1160.el7.x86_64", "#1", "x86_64")))
    r = run()
    assert r["failed"] and r["error"]["code"] == "Guest.KernelTooOld" and "Linux 4.17" in r["msg"]
    assert ip.changes == []


def test_cleanup_leaves_a_users_unmarked_rule_and_removes_one_its_files_name(host, run):
    ip, pages = host
    run()
    # after a reboot the stack brought the rules back without protocol 245; the user has one of their own
    ip.rules = [{"priority": 1000, "src": "10.0.3.2", "table": "1001"}, {"priority": 1000, "src": "10.0.9.9", "table": "1010"}]
    del ip.links[SECOND]
    ip.routes = []
    pages.clear()
    pages.update(metadata(attached=False))
    r = run(state="absent", diff=True)
    assert ip.rules == [{"priority": 1000, "src": "10.0.9.9", "table": "1010"}]
    # the result and the diff show what went
    assert [(i["mac"], i["route_table"], i["rules"]) for i in r["interfaces"]] == [(SECOND, 1001, [])]
    assert r["diff"]["before"]["interfaces"][SECOND]["rules"] == ["1000: from 10.0.3.2 lookup 1001"]
    assert r["diff"]["after"]["interfaces"][SECOND]["rules"] == []


def test_a_file_of_the_same_mac_under_another_name_is_removed(host, run, tmp_path):
    old = tmp_path / "etc/sysconfig/network-scripts/ifcfg-eth2"
    old.parent.mkdir(parents=True)
    old.write_text("# Managed by tencent.qcloud.qcloud_eni_guest for ENI %s: edits are overwritten.\nDEVICE=eth2\n" % SECOND)
    r = run()
    assert r["changed"] and r["removed_files"] == [str(old)] and not old.exists()
    assert r["interfaces"][0]["files"] == [str(tmp_path / "etc/systemd/network/70-qcloud-eni-20906f123456.network")]


def test_a_rule_priority_outside_local_and_main_is_refused(host, run):
    for priority in (0, 32766, 40000):
        r = run(rule_priority=priority)
        assert r["failed"] and r["error"]["code"] == "Guest.PriorityRange" and "1 to 32765" in r["msg"]
    assert "Route table 253" in run(route_table_base=252)["msg"]
    assert host[0].changes == []


def test_an_unreadable_file_says_become(host, run, tmp_path):
    path = tmp_path / "etc/systemd/network/70-qcloud-eni-20906f123456.network"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe not text")
    r = run(check=True)
    assert r["failed"] and r["error"]["code"] == "Guest.FileUnreadable" and "become: true" in r["msg"]
    assert host[0].changes == []


def test_check_mode_predicts_what_a_real_run_does(host, run):
    ip, dummy = host
    ip.addrs["eth1"].append("10.0.3.9/24")  # an address of the subnet the ENI no longer holds: it goes
    predicted = run(check=True)
    assert ip.changes == []
    done = run()
    assert "10.0.3.9/24" not in ip.addrs["eth1"]
    assert predicted["interfaces"] == done["interfaces"] and predicted["commands"] == done["commands"]
