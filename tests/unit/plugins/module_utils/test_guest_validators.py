# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The files qcloud_eni_guest writes, read by each network stack's own tool (Debian's packages).

The module_utils render a realistic plan, two secondary ENIs (eth1: three addresses in 10.0.3.0/24,
table 1001; eth2: one address in 10.0.4.0/26, table 1002), into a temporary root, and each stack's
tool reads them. Where the tool can apply them, it does so in a network namespace of its own (with
``unshare``: veth links carrying the ENIs' MACs, nothing of the host's network touched), and the
rules, routes and addresses it made are compared with what the module makes live.

========================  =====================================================================
backend                   checked by
========================  =====================================================================
netplan                   ``netplan generate --root-dir`` (netplan.io); the networkd files it
                          generates are then applied by systemd-networkd in a namespace
networkd                  systemd-networkd itself (systemd), in a private network and mount
                          namespace; any warning it logs about the file fails the test
networkmanager            libnm's keyfile reader (``NM.keyfile_read``, gir1.2-nm-1.0 with
                          python3-gi), then ``verify()``; every group and key must be known
ifupdown                  ``ifquery --list``, ``ifup --no-act``, then ``ifup`` and ``ifdown``
                          for real in a namespace (ifupdown)
ifcfg                     golden files only (test_guest_backends.py): Debian packages no
                          network-scripts
========================  =====================================================================

The tools are installed by the test itself when missing (``apt-get install --no-install-recommends``,
once, under a lock, with a policy-rc.d that forbids starting any service during the install): CI runs
as root with Debian's repositories. Without root, apt-get or the repositories, the tests skip and say
why. No tool is ever run against the host's own interfaces or configuration.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess

import pytest

from ansible_collections.tencent.qcloud.plugins.module_utils import _guest_backends as B
from ansible_collections.tencent.qcloud.plugins.module_utils._guest_plan import desired

# Two secondary ENIs as the metadata service describes them (_guest_metadata.Metadata.interface).
ENIS = [
    ({"mac": "20:90:6f:12:34:56", "primary_ip": "10.0.3.2", "addresses": ["10.0.3.2", "10.0.3.5", "10.0.3.6"],
      "prefixlen": 24, "subnet": "10.0.3.0/24", "gateway": "10.0.3.1"}, "eth1", 1001),
    ({"mac": "20:90:6f:ab:cd:ef", "primary_ip": "10.0.4.7", "addresses": ["10.0.4.7"],
      "prefixlen": 26, "subnet": "10.0.4.0/26", "gateway": "10.0.4.1"}, "eth2", 1002),
]
PRIORITY = 1000
WANTS = [desired(eni, device, table, PRIORITY) for eni, device, table in ENIS]

# What the files must make true, as (source, table, priority) rules, (table, destination, gateway,
# device, preferred source) routes and {device: addresses}: the live state the module makes.
RULES = sorted((a, str(t), PRIORITY) for eni, dummy, t in ENIS for a in eni["addresses"])
ROUTES = sorted(r for eni, dev, t in ENIS for r in (
    (str(t), eni["subnet"], None, dev, eni["primary_ip"]), (str(t), "default", eni["gateway"], dev, None)))
ADDRESSES = {dev: sorted("%s/%d" % (a, eni["prefixlen"]) for a in eni["addresses"]) for eni, dev, dummy in ENIS}

# tool -> Debian package; python3-gi and gir1.2-nm-1.0 give libnm's keyfile reader to Debian's python3.
PACKAGES = {"netplan": "netplan.io", "ifup": "ifupdown", "ifquery": "ifupdown", "unshare": "util-linux",
            "/lib/systemd/systemd-networkd": "systemd"}
NM_PACKAGES = ("python3-gi", "gir1.2-nm-1.0")
SYSTEM_PYTHON = "/usr/bin/python3"
LOCK = "/var/lock/tencent-qcloud-guest-tools.lock"
POLICY_RC = "/usr/sbin/policy-rc.d"


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, **kwargs)


def _has_nm_reader():
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = "import gi; gi.require_version('NM', '1.0'); from gi.repository import NM; NM.keyfile_read"
    return run([SYSTEM_PYTHON, "-c", probe]).returncode == 0


def _missing():
    missing = {pkg for tool, pkg in PACKAGES.items() if not (shutil.which(tool) or os.access(tool, os.X_OK))}
    if not _has_nm_reader():
        missing.update(NM_PACKAGES)
    return sorted(missing)


def _apt_install(packages):
    """Install packages with apt-get, starting no service; '' when done, else why not."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    args = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=120"] + packages
    own_policy = not os.path.exists(POLICY_RC)
    if own_policy:  # invoke-rc.d and deb-systemd-invoke start nothing while it exits 101
        with open(POLICY_RC, "w", encoding="utf-8") as handle:
            handle.write("#!/bin/sh\n# tencent.qcloud tests: no service starts while tools are installed\nexit 101\n")
        os.chmod(POLICY_RC, 0o755)
    try:
        done = run(args, env=env)
        if done.returncode:  # a clean machine may have no package lists yet
            run(["apt-get", "update", "-q"], env=env)
            done = run(args, env=env)
    finally:
        if own_policy:
            os.unlink(POLICY_RC)
    return "" if done.returncode == 0 else (done.stderr or done.stdout).strip().splitlines()[-1]


@pytest.fixture(scope="session")
def tools():
    """The stacks' tools, installed with apt-get when missing (once: a lock for parallel workers)."""
    if not _missing():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("the network stacks' tools (%s) are missing and cannot be installed here: "
                    "the validators need root and apt-get" % ", ".join(_missing()))
    with open(LOCK, "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = _missing()
        why = _apt_install(missing) if missing else ""
    if why or _missing():
        pytest.skip("apt-get could not install %s (no repositories reachable?): %s" % (", ".join(missing), why))


@pytest.fixture
def root(tmp_path):
    """Every backend's files for the two ENIs, written by the module_utils into a temporary root."""
    for backend in B.BACKENDS:
        for want in WANTS:
            for relpath, content in B.render(backend, want).items():
                B.write(str(tmp_path), relpath, content, backend in B.PRIVATE)
    return tmp_path


# ---- a network namespace of its own, with veth links carrying the ENIs' MACs ----------------------------
LINKS = "".join("ip link add %s address %s type veth peer name p%d\nip link set p%d up\n" % (dev, eni["mac"], i, i)
                for i, (eni, dev, dummy) in enumerate(ENIS, 1))
DUMP = 'ip -j -4 rule > "$OUT/rules"; ip -j -4 route show table all > "$OUT/routes"; ip -j -4 addr > "$OUT/addrs"\n'


def in_namespace(script, out, *args):
    """Run a shell script in new network and mount namespaces (lo up, the ENIs' links in place); the
    script dumps the state with $DUMP into directory $OUT. Returns the completed process."""
    if os.geteuid() != 0:
        pytest.skip("the stacks' tools apply the files in network namespaces of their own: that needs root")
    out.mkdir(exist_ok=True)
    body = "set -eu\nOUT=%s\nip link set lo up\n%s%s" % (out, LINKS, script)
    done = run(["unshare", "--mount", "--net", "--propagation", "private", "sh", "-c", body, "sh"] + list(args))
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def state(out):
    """(rules, routes, addresses) dumped by a namespace, in the shapes of RULES, ROUTES, ADDRESSES."""
    def load(name):
        return json.loads((out / name).read_text() or "[]")
    rules = sorted((r["src"], str(r["table"]), r["priority"]) for r in load("rules") if r["priority"] not in (0, 32766, 32767))
    routes = sorted((str(r["table"]), r["dst"], r.get("gateway"), r["dev"], r.get("prefsrc"))
                    for r in load("routes") if str(r.get("table")) in ("1001", "1002"))
    addrs = {link["ifname"]: sorted("%s/%d" % (a["local"], a["prefixlen"]) for a in link.get("addr_info", []))
             for link in load("addrs") if link["ifname"] in ADDRESSES}
    return rules, routes, addrs


# systemd-networkd (252) has no offline check of a .network file: it is run, as root, in the namespace,
# reading DIR as /etc/systemd/network. /sys is mounted read-only (for networkd: no udev to wait for, as
# in a container) and /run/systemd, /run/dbus are empty tmpfs: it reaches neither the host's systemd
# nor the system bus. It ends once the state is there (or after 10 s), then the state is dumped.
NETWORKD = """
mount -t sysfs -o ro sysfs /sys
for d in /run/systemd /run/dbus /etc/systemd/network /lib/systemd/network /usr/lib/systemd/network; do
    if [ -d "$d" ]; then mount -t tmpfs tmpfs "$d"; fi
done
mkdir -p /run/systemd/netif
chown systemd-network: /run/systemd/netif 2>/dev/null || true
cp "$1"/* /etc/systemd/network/
SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console /lib/systemd/systemd-networkd > "$OUT/networkd.log" 2>&1 &
PID=$!
for _ in $(seq 100); do
    [ "$(ip -4 rule | grep -c ' lookup 100[12] ')" -ge "$2" ] && [ "$(ip -4 route show table all | grep -c ' table 100[12] ')" -ge "$3" ] && break
    sleep 0.1
done
kill $PID; wait $PID || true
""" + DUMP


def networkd(directory, out):
    """Apply the .network files of directory with systemd-networkd in a namespace: its state and log."""
    in_namespace(NETWORKD, out, str(directory), str(len(RULES)), str(len(ROUTES)))
    log = (out / "networkd.log").read_text()
    for name in os.listdir(str(directory)):
        assert "Configuring with /etc/systemd/network/%s." % name in log, log
        # networkd's parser names the file and line of each key or section it ignores
        complaints = [line for line in log.splitlines() if re.search(re.escape(name) + r":\d+: ", line)
                      or (name in line and "gnoring" in line)]
        assert not complaints, "\n".join(complaints)
    return state(out)


def test_networkd_applies_the_files_itself(tools, root, tmp_path):
    directory = root / B.DIRS["networkd"][0]
    assert len(os.listdir(str(directory))) == 2
    rules, routes, addrs = networkd(directory, tmp_path / "out")
    assert rules == RULES
    assert routes == ROUTES
    assert addrs == ADDRESSES


def test_netplan_generate_accepts_the_files_and_networkd_applies_what_it_generates(tools, root, tmp_path):
    done = run(["netplan", "generate", "--root-dir", str(root)])
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    generated = root / "run/systemd/network"
    names = sorted(os.listdir(str(generated)))
    assert names == ["10-netplan-qcloud-eni-20906f123456.network", "10-netplan-qcloud-eni-20906fabcdef.network"]
    text = (generated / names[0]).read_text()
    assert "Table=1001" in text and text.count("[RoutingPolicyRule]") == 3
    # netplan matches the NIC's permanent MAC (a CVM's virtio NIC has one); a veth has none, so the
    # copy given to networkd matches the current MAC, the only line changed.
    given = tmp_path / "given"
    given.mkdir()
    for name in names:
        text = (generated / name).read_text()
        assert text.count("\nPermanentMACAddress=") == 1
        (given / name).write_text(text.replace("\nPermanentMACAddress=", "\nMACAddress="))
    rules, routes, addrs = networkd(given, tmp_path / "out")
    assert rules == RULES
    assert routes == ROUTES
    assert addrs == ADDRESSES


# libnm's keyfile reader, in Debian's python3 (python3-gi): the keyfile as NetworkManager reads it, its
# warnings (a value it cannot read) collected, then normalize() and verify(); NetworkManager ignores a
# group or key it does not know, so each one of the file must be a setting and a property it knows.
NM_READER = r"""
import json, re, sys
import gi
gi.require_version("NM", "1.0")
from gi.repository import GLib, NM

ALIASES = {"ethernet": "802-3-ethernet"}
IP_KEYS = re.compile(r"^(address|route|routing-rule)\d+(_options)?$")
out = {}
for path in sys.argv[1:]:
    keyfile = GLib.KeyFile()
    keyfile.load_from_file(path, GLib.KeyFileFlags.NONE)
    warnings = []

    def handler(keyfile, connection, kind, data, *user):
        if kind == NM.KeyfileHandlerType.WARN:
            warnings.append(data.warn_get()[0])
        return True

    conn = NM.keyfile_read(keyfile, "/etc/NetworkManager/system-connections", NM.KeyfileHandlerFlags.NONE, handler, None)
    conn.normalize()
    conn.verify()
    for group in keyfile.get_groups()[0]:
        setting = conn.get_setting_by_name(ALIASES.get(group, group))
        if setting is None:
            warnings.append("unknown group [%s]" % group)
            continue
        known = {p.name for p in setting.list_properties()}
        for key in keyfile.get_keys(group)[0]:
            if key not in known and not (group.startswith("ipv") and IP_KEYS.match(key)):
                warnings.append("unknown key %s.%s" % (group, key))
    ip4 = conn.get_setting_ip4_config()
    out[path] = {
        "warnings": warnings, "id": conn.get_id(), "uuid": conn.get_uuid(), "type": conn.get_connection_type(),
        "mac": conn.get_setting_wired().get_mac_address(), "method": ip4.get_method(),
        "route_table": ip4.get_route_table(),
        "addresses": ["%s/%d" % (a.get_address(), a.get_prefix()) for a in
                      (ip4.get_address(i) for i in range(ip4.get_num_addresses()))],
        "routes": [[r.get_dest(), r.get_prefix(), r.get_next_hop()] for r in
                   (ip4.get_route(i) for i in range(ip4.get_num_routes()))],
        "rules": [ip4.get_routing_rule(i).to_string(NM.IPRoutingRuleAsStringFlags.NONE, None)
                  for i in range(ip4.get_num_routing_rules())],
    }
print(json.dumps(out))
"""


def test_networkmanager_keyfiles_are_read_and_verified_by_libnm(tools, root):
    directory = root / B.DIRS["networkmanager"][0]
    paths = sorted(str(directory / name) for name in os.listdir(str(directory)))
    done = run([SYSTEM_PYTHON, "-c", NM_READER] + paths)
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout)
    assert len(read) == 2 and len({c["uuid"] for c in read.values()}) == 2
    for (eni, dummy, table), want, path in zip(ENIS, WANTS, paths):
        conn = read[path]
        assert conn["warnings"] == []
        name = "qcloud-eni-" + eni["mac"].replace(":", "")
        assert (conn["id"], conn["type"], conn["method"]) == (name, "802-3-ethernet", "manual")
        assert conn["mac"] == eni["mac"].upper()
        assert conn["addresses"] == want["addresses"]
        assert conn["route_table"] == table
        assert conn["routes"] == [["0.0.0.0", 0, eni["gateway"]]]
        assert conn["rules"] == ["priority %d from %s table %d" % (PRIORITY, a, table) for a in eni["addresses"]]


# ifupdown: the files through /etc/network/interfaces' `source` line, the ENIs' stanzas parsed, then
# brought up for real in the namespace (hook scripts off, state in a directory of the test) and down.
IFUPDOWN = """
ifup -i "$1" --state-dir "$2" --no-scripts eth1 eth2
""" + DUMP + """
ifdown -i "$1" --state-dir "$2" --no-scripts eth1 eth2
ip -j -4 rule > "$OUT/rules-down"
"""


def test_ifupdown_reads_the_stanzas_and_brings_them_up_and_down(tools, root, tmp_path):
    interfaces = tmp_path / "interfaces"
    interfaces.write_text("auto lo\niface lo inet loopback\nsource %s/*\n" % (root / B.DIRS["ifupdown"][0]))
    statedir = tmp_path / "state"
    statedir.mkdir()
    listed = run(["ifquery", "-i", str(interfaces), "--state-dir", str(statedir), "--list"])
    assert listed.returncode == 0 and listed.stdout.split() == ["lo", "eth1", "eth2"], listed.stderr
    plan = run(["ifup", "--no-act", "-i", str(interfaces), "--state-dir", str(statedir), "--no-scripts", "eth1", "eth2"])
    assert plan.returncode == 0, plan.stderr
    assert "ip rule add from 10.0.3.6 lookup 1001 priority 1000 protocol 245" in plan.stderr
    assert "address 20:90:6f:ab:cd:ef" in plan.stderr
    out = tmp_path / "out"
    in_namespace(IFUPDOWN, out, str(interfaces), str(statedir))
    rules, routes, addrs = state(out)
    assert rules == RULES
    assert routes == ROUTES
    assert addrs == ADDRESSES
    assert [r for r in json.loads((out / "rules-down").read_text()) if r["priority"] not in (0, 32766, 32767)] == []
