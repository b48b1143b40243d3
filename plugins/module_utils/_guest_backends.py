# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Files that make a secondary ENI's configuration survive a reboot, per network stack.

Each backend renders, for one ENI (the desired state of :mod:`_guest_plan`), the files of its
own that the stack reads at boot. Every file starts with :data:`HEADER` naming the ENI's MAC:
that is how a later run knows the file is the module's (it never rewrites a file without it, and
``state: absent`` removes only files with it). The user's own files (eth0's) are never touched.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
import uuid
from typing import Any, Dict, List, Optional, Set, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    GUEST_FILE_UNREADABLE,
    QcloudError,
    sentence,
)

HEADER = "# Managed by tencent.qcloud.qcloud_eni_guest for ENI %s: edits are overwritten; state=absent removes this file."
HEADER_RE = re.compile(r"^# Managed by tencent\.qcloud\.qcloud_eni_guest for ENI ([0-9a-f:]{17}):")

BACKENDS = ("networkmanager", "netplan", "networkd", "ifupdown", "ifcfg")

# Where each backend's files live (under config_root), and the glob of the module's files there.
DIRS = {
    "networkd": ("etc/systemd/network", "70-qcloud-eni-*.network"),
    "netplan": ("etc/netplan", "90-qcloud-eni-*.yaml"),
    "networkmanager": ("etc/NetworkManager/system-connections", "qcloud-eni-*.nmconnection"),
    "ifupdown": ("etc/network/interfaces.d", "qcloud-eni-*"),
    "ifcfg": ("etc/sysconfig/network-scripts", "*-*"),
}
# Files holding secrets or read only by root: the stacks warn about (or refuse) looser modes.
PRIVATE = ("networkmanager", "netplan")


def _tag(mac: str) -> str:
    return mac.replace(":", "")


def _networkd(want: Dict[str, Any]) -> Dict[str, str]:
    mac, table = want["mac"], want["table"]
    lines = [HEADER % mac, "[Match]", "MACAddress=%s" % mac, "", "[Network]", "DHCP=no", "LinkLocalAddressing=no"]
    lines += ["Address=%s" % a for a in want["addresses"]]
    subnet, default = want["routes"]
    lines += ["", "[Route]", "Destination=%s" % subnet["dst"], "PreferredSource=%s" % subnet["prefsrc"],
              "Scope=link", "Table=%d" % table]
    lines += ["", "[Route]", "Gateway=%s" % default["gateway"], "Table=%d" % table]
    for rule in want["rules"]:
        lines += ["", "[RoutingPolicyRule]", "From=%s/32" % rule["src"], "Table=%d" % table,
                  "Priority=%d" % rule["priority"]]
    return {"%s/70-qcloud-eni-%s.network" % (DIRS["networkd"][0], _tag(mac)): "\n".join(lines) + "\n"}


def _netplan(want: Dict[str, Any]) -> Dict[str, str]:
    mac, table = want["mac"], want["table"]
    subnet, default = want["routes"]
    lines = [
        HEADER % mac,
        "network:",
        "  version: 2",
        "  ethernets:",
        "    qcloud-eni-%s:" % _tag(mac),
        "      match:",
        '        macaddress: "%s"' % mac,
        "      dhcp4: false",
        "      dhcp6: false",
        "      addresses:",
    ]
    lines += ['        - "%s"' % a for a in want["addresses"]]
    lines += [
        "      routes:",
        '        - to: "%s"' % subnet["dst"],
        '          from: "%s"' % subnet["prefsrc"],
        "          scope: link",
        "          table: %d" % table,
        "        - to: default",
        '          via: "%s"' % default["gateway"],
        "          table: %d" % table,
        "      routing-policy:",
    ]
    for rule in want["rules"]:
        lines += ['        - from: "%s/32"' % rule["src"], "          table: %d" % table,
                  "          priority: %d" % rule["priority"]]
    return {"%s/90-qcloud-eni-%s.yaml" % (DIRS["netplan"][0], _tag(mac)): "\n".join(lines) + "\n"}


def _networkmanager(want: Dict[str, Any]) -> Dict[str, str]:
    mac, table = want["mac"], want["table"]
    name = "qcloud-eni-%s" % _tag(mac)
    default = want["routes"][1]
    lines = [HEADER % mac, "[connection]", "id=%s" % name,
             "uuid=%s" % uuid.uuid5(uuid.NAMESPACE_OID, "tencent.qcloud.qcloud_eni_guest/" + mac),
             "type=ethernet", "autoconnect=true", "", "[ethernet]", "mac-address=%s" % mac.upper(), "",
             "[ipv4]", "method=manual"]
    lines += ["address%d=%s" % (i, a) for i, a in enumerate(want["addresses"], 1)]
    lines += ["route-table=%d" % table, "route1=0.0.0.0/0,%s" % default["gateway"], "never-default=false"]
    lines += ["routing-rule%d=priority %d from %s/32 table %d" % (i, r["priority"], r["src"], table)
              for i, r in enumerate(want["rules"], 1)]
    lines += ["", "[ipv6]", "method=ignore"]
    return {"%s/%s.nmconnection" % (DIRS["networkmanager"][0], name): "\n".join(lines) + "\n"}


def _ifupdown(want: Dict[str, Any]) -> Dict[str, str]:
    mac, table, dev = want["mac"], want["table"], want["device"]
    subnet, default = want["routes"]
    first, rest = want["addresses"][0], want["addresses"][1:]
    lines = [HEADER % mac, "# /etc/network/interfaces must source /etc/network/interfaces.d/* (Debian's does).",
             "auto %s" % dev, "iface %s inet static" % dev, "    hwaddress ether %s" % mac, "    address %s" % first]
    lines += ["    up ip addr add %s dev %s" % (a, dev) for a in rest]
    lines += ["    up ip route replace %s dev %s src %s table %d proto 245" % (subnet["dst"], dev, subnet["prefsrc"], table),
              "    up ip route replace default via %s dev %s table %d proto 245" % (default["gateway"], dev, table)]
    lines += ["    up ip rule add from %s lookup %d priority %d protocol 245" % (r["src"], table, r["priority"])
              for r in want["rules"]]
    lines += ["    down ip rule del from %s lookup %d priority %d || true" % (r["src"], table, r["priority"])
              for r in want["rules"]]
    return {"%s/qcloud-eni-%s" % (DIRS["ifupdown"][0], _tag(mac)): "\n".join(lines) + "\n"}


def _ifcfg(want: Dict[str, Any]) -> Dict[str, str]:
    mac, table, dev = want["mac"], want["table"], want["device"]
    subnet, default = want["routes"]
    base = DIRS["ifcfg"][0]
    cfg = [HEADER % mac, "DEVICE=%s" % dev, "HWADDR=%s" % mac, "TYPE=Ethernet", "BOOTPROTO=none", "ONBOOT=yes",
           "DEFROUTE=no", "PEERDNS=no", "IPV6INIT=no"]
    for i, address in enumerate(want["addresses"]):
        ip, prefix = address.split("/")
        cfg += ["IPADDR%d=%s" % (i, ip), "PREFIX%d=%s" % (i, prefix)]
    route = [HEADER % mac, "%s dev %s src %s table %d" % (subnet["dst"], dev, subnet["prefsrc"], table),
             "default via %s dev %s table %d" % (default["gateway"], dev, table)]
    rule = [HEADER % mac] + ["from %s/32 table %d priority %d" % (r["src"], table, r["priority"]) for r in want["rules"]]
    return {
        "%s/ifcfg-%s" % (base, dev): "\n".join(cfg) + "\n",
        "%s/route-%s" % (base, dev): "\n".join(route) + "\n",
        "%s/rule-%s" % (base, dev): "\n".join(rule) + "\n",
    }


RENDER = {"networkd": _networkd, "netplan": _netplan, "networkmanager": _networkmanager,
          "ifupdown": _ifupdown, "ifcfg": _ifcfg}


def render(backend: str, want: Dict[str, Any]) -> Dict[str, str]:
    """{path relative to config_root: content} of one secondary ENI's files."""
    return RENDER[backend](want)


def detect(root: str) -> Optional[str]:
    """The stack this host uses, from its files under ``root``, or None.

    netplan first (Ubuntu: it drives networkd or NetworkManager), then NetworkManager when it
    manages connections (TencentOS, OpenCloudOS, Rocky 9), network-scripts (Rocky 8), networkd
    alone, ifupdown (Debian).
    """
    def has(path: str, pattern: str = "") -> bool:
        full = os.path.join(root, path)
        return bool(glob.glob(os.path.join(full, pattern))) if pattern else os.path.exists(full)

    if has("etc/netplan", "*.yaml"):
        return "netplan"
    if has("etc/NetworkManager/system-connections", "*") or has(
            "etc/systemd/system/multi-user.target.wants/NetworkManager.service"):
        return "networkmanager"
    if has("etc/sysconfig/network-scripts", "ifcfg-*"):
        return "ifcfg"
    if has("etc/systemd/network", "*.network") or has(
            "etc/systemd/system/multi-user.target.wants/systemd-networkd.service"):
        return "networkd"
    if has("etc/network/interfaces"):
        return "ifupdown"
    return None


def managed_mac(path: str) -> Optional[str]:
    """The MAC in the header of a file of the module, or None for any other file (or none)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            match = HEADER_RE.match(handle.readline())
    except OSError:
        return None
    return match.group(1) if match else None


def managed_files(root: str) -> Dict[str, List[str]]:
    """{mac: [paths relative to root]} of every file of the module, in every backend's directory."""
    found: Dict[str, List[str]] = {}
    for directory, pattern in DIRS.values():
        for path in sorted(glob.glob(os.path.join(root, directory, pattern))):
            mac = managed_mac(path)
            if mac:
                found.setdefault(mac, []).append(os.path.relpath(path, root))
    return found


# How every backend writes a rule's source address and its table (From=, from:, from; Table=, table:, lookup).
_SOURCE_RE = re.compile(r"from[=:\s\"]+(\d{1,3}(?:\.\d{1,3}){3})", re.I)
_TABLE_RE = re.compile(r"(?:table|lookup)[=:\s]+(\d+)", re.I)


def read(root: str, relpath: str) -> Optional[str]:
    """The text of a file under root, None when there is none; unreadable is an error saying to use become."""
    path = os.path.join(root, relpath)
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise QcloudError(sentence(GUEST_FILE_UNREADABLE, {"path": path, "reason": reason}), GUEST_FILE_UNREADABLE)


def rules_named(root: str, relpaths: List[str]) -> Set[Tuple[str, str]]:
    """{(source address, table)} of the rules that the module's files (of one ENI) name, in any backend."""
    found: Set[Tuple[str, str]] = set()
    for relpath in relpaths:
        text = read(root, relpath) or ""
        tables = set(_TABLE_RE.findall(text))
        for source in _SOURCE_RE.findall(text):
            found.update((source, table) for table in tables)
    return found


def write(root: str, relpath: str, content: Optional[str], private: bool) -> None:
    """Write (atomically) or remove (content None) one file under root."""
    path = os.path.join(root, relpath)
    if content is None:
        if os.path.exists(path):
            os.unlink(path)
        return
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".qcloud-eni-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(tmp, 0o600 if private else 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
