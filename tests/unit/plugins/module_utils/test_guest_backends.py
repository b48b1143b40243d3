# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The files qcloud_eni_guest writes per network stack: golden files, each also read back with the parser
its format allows here. The stacks' own tools read them in test_guest_validators.py (see docs/eni-guest.md)."""

from __future__ import annotations

import configparser
import os

import pytest
import yaml

from ansible_collections.tencent.qcloud.plugins.module_utils import _guest_backends as B
from ansible_collections.tencent.qcloud.plugins.module_utils._guest_plan import desired

GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "guest")
# What the metadata service says of an ENI (as _guest_metadata.Metadata.interface returns it).
ENI = {
    "mac": "20:90:6f:12:34:56",
    "primary_ip": "10.0.3.2",
    "addresses": ["10.0.3.2", "10.0.3.5", "10.0.3.6"],
    "prefixlen": 24,
    "subnet": "10.0.3.0/24",
    "gateway": "10.0.3.1",
    "vpc_id": "vpc-gz000001",
    "subnet_id": "subnet-gz3c0001",
}
WANT = desired(ENI, "eth1", 1001, 1000)


def golden(backend, relpath):
    with open(os.path.join(GOLDEN, backend, os.path.basename(relpath)), encoding="utf-8") as handle:
        return handle.read()


@pytest.mark.parametrize("backend", B.BACKENDS)
def test_files_match_the_golden_files(backend):
    files = B.render(backend, WANT)
    assert files
    for relpath, content in files.items():
        assert relpath.startswith(B.DIRS[backend][0] + "/")
        assert content == golden(backend, relpath), relpath
        assert B.HEADER_RE.match(content).group(1) == ENI["mac"]


def _ini(text):
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str
    parser.read_string(text)
    return parser


def test_networkd_file_holds_table_routes_and_rules():
    (text,) = B.render("networkd", WANT).values()
    # the sections repeat ([Route] twice, one [RoutingPolicyRule] per address): count them
    sections = [line for line in text.splitlines() if line.startswith("[")]
    assert sections == ["[Match]", "[Network]", "[Route]", "[Route]"] + ["[RoutingPolicyRule]"] * 3
    assert "From=10.0.3.6/32\nTable=1001\nPriority=1000" in text
    assert _ini(text)["Match"]["MACAddress"] == ENI["mac"]


def test_netplan_file_is_yaml_with_routes_in_the_table_and_a_policy_per_address():
    (text,) = B.render("netplan", WANT).values()
    eth = yaml.safe_load(text)["network"]["ethernets"]["qcloud-eni-20906f123456"]
    assert eth["match"] == {"macaddress": ENI["mac"]}
    assert eth["addresses"] == ["10.0.3.2/24", "10.0.3.5/24", "10.0.3.6/24"]
    assert eth["routes"] == [{"to": "10.0.3.0/24", "from": "10.0.3.2", "scope": "link", "table": 1001},
                             {"to": "default", "via": "10.0.3.1", "table": 1001}]
    assert eth["routing-policy"] == [{"from": a + "/32", "table": 1001, "priority": 1000} for a in ENI["addresses"]]


def test_networkmanager_keyfile_is_an_ini_with_route_table_and_rules():
    (text,) = B.render("networkmanager", WANT).values()
    ini = _ini(text)
    assert ini["ethernet"]["mac-address"] == "20:90:6F:12:34:56"
    assert ini["ipv4"]["route-table"] == "1001"
    assert ini["ipv4"]["routing-rule3"] == "priority 1000 from 10.0.3.6/32 table 1001"
    assert ini["connection"]["uuid"] == list(B.render("networkmanager", WANT).values())[0].split("uuid=")[1].split()[0]


def test_ifcfg_files_are_per_device():
    files = B.render("ifcfg", WANT)
    assert sorted(os.path.basename(p) for p in files) == ["ifcfg-eth1", "route-eth1", "rule-eth1"]


def test_detect_from_the_files_of_the_root(tmp_path):
    assert B.detect(str(tmp_path)) is None
    (tmp_path / "etc/network").mkdir(parents=True)
    (tmp_path / "etc/network/interfaces").write_text("auto lo\n")
    assert B.detect(str(tmp_path)) == "ifupdown"
    (tmp_path / "etc/systemd/network").mkdir(parents=True)
    (tmp_path / "etc/systemd/network/10-eth0.network").write_text("[Match]\n")
    assert B.detect(str(tmp_path)) == "networkd"
    (tmp_path / "etc/sysconfig/network-scripts").mkdir(parents=True)
    (tmp_path / "etc/sysconfig/network-scripts/ifcfg-eth0").write_text("DEVICE=eth0\n")
    assert B.detect(str(tmp_path)) == "ifcfg"
    (tmp_path / "etc/NetworkManager/system-connections").mkdir(parents=True)
    (tmp_path / "etc/NetworkManager/system-connections/eth0.nmconnection").write_text("[connection]\n")
    assert B.detect(str(tmp_path)) == "networkmanager"
    (tmp_path / "etc/netplan").mkdir(parents=True)
    (tmp_path / "etc/netplan/50-cloud-init.yaml").write_text("network: {version: 2}\n")
    assert B.detect(str(tmp_path)) == "netplan"


def test_managed_files_are_only_those_with_the_header(tmp_path):
    root = str(tmp_path)
    for backend in B.BACKENDS:
        for relpath, content in B.render(backend, WANT).items():
            B.write(root, relpath, content, backend in B.PRIVATE)
    # the user's own files, in the same directories, are not the module's
    (tmp_path / "etc/sysconfig/network-scripts/ifcfg-eth0").write_text("DEVICE=eth0\n")
    (tmp_path / "etc/netplan/90-qcloud-eni-aabbccddeeff.yaml").write_text("# mine\nnetwork: {version: 2}\n")
    found = B.managed_files(root)
    assert list(found) == [ENI["mac"]] and len(found[ENI["mac"]]) == 7
    nm = tmp_path / "etc/NetworkManager/system-connections/qcloud-eni-20906f123456.nmconnection"
    assert oct(nm.stat().st_mode & 0o777) == "0o600"
    for relpath in found[ENI["mac"]]:
        B.write(root, relpath, None, False)
    assert B.managed_files(root) == {}
    assert (tmp_path / "etc/sysconfig/network-scripts/ifcfg-eth0").exists()


@pytest.mark.parametrize("backend", B.BACKENDS)
def test_rules_named_finds_each_rule_of_the_files_and_no_other(backend, tmp_path):
    for relpath, content in B.render(backend, WANT).items():
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relpath).write_text(content)
    named = B.rules_named(str(tmp_path), list(B.render(backend, WANT)))
    assert named == {(a, "1001") for a in ENI["addresses"]}


def test_an_unreadable_file_is_a_sentence_saying_become(tmp_path):
    (tmp_path / "f").write_bytes(b"\xff\xfe")
    with pytest.raises(B.QcloudError) as caught:
        B.read(str(tmp_path), "f")
    assert caught.value.code == "Guest.FileUnreadable" and "become: true" in caught.value.msg
    assert B.read(str(tmp_path), "missing") is None
