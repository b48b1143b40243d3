# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The live network state of this host, read and changed with iproute2 (``ip -j``, numeric).

Routes and rules the module makes carry the routing protocol number :data:`PROTO`, so that a
later run (``state: absent``, cleanup after a detach) knows which are its own.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    GUEST_IP_READ_FAILED,
    GUEST_IP_TOO_OLD,
    GUEST_KERNEL_TOO_OLD,
    QcloudError,
    sentence,
)

# The routing protocol number of the routes and rules this module adds (rt_protos has no name for it;
# 245 is unassigned, below the 250s some distributions use).
PROTO = "245"
# JSON output of ip route and ip rule, and rules with a protocol: iproute2 4.17; FRA_PROTOCOL: Linux 4.17.
MIN_KERNEL = (4, 17)

Runner = Callable[[List[str]], Tuple[int, str, str]]


class IpError(Exception):
    def __init__(self, command: Sequence[str], reason: str) -> None:
        super().__init__(reason)
        self.command = " ".join(command)
        self.reason = reason


def route_key(route: Dict[str, Any]) -> Tuple[str, str, str]:
    """(destination, gateway, device) of a route: what makes two routes of one table the same."""
    return (route.get("dst", ""), route.get("gateway", ""), route.get("dev", ""))


def rule_key(rule: Dict[str, Any]) -> Tuple[int, str, str]:
    """(priority, source, table) of a rule; a /32 source is written without its length."""
    src = rule.get("src", "all")
    if rule.get("srclen") not in (None, 32):
        src = "%s/%s" % (src, rule["srclen"])
    return (int(rule.get("priority", 0)), src, str(rule.get("table", "")))


class Iproute:
    """``run`` is AnsibleModule.run_command's shape: argv -> (rc, stdout, stderr).

    Every changing command goes through :meth:`change` (and is recorded in ``commands``), so a
    run can tell, and a test can check, that nothing changed.
    """

    def __init__(self, ip: str, run: Runner) -> None:
        self.ip = ip
        self.run = run
        self.commands: List[str] = []

    def probe(self, kernel_release: str) -> None:
        """Fail (once, before anything else) on an ip without JSON rules or a kernel without rule protocols."""
        argv = [self.ip, "-j", "rule", "show"]
        rc, out, err = self.run(argv)
        text = (err or out or "exit %d" % rc).strip()
        if rc != 0 and "unknown" in text.lower():
            raise QcloudError(sentence(GUEST_IP_TOO_OLD, {"reason": text}), GUEST_IP_TOO_OLD)
        if rc != 0:
            raise QcloudError(sentence(GUEST_IP_READ_FAILED, {"command": " ".join(argv), "reason": text}),
                              GUEST_IP_READ_FAILED)
        try:
            json.loads(out or "[]")
        except ValueError:
            raise QcloudError(sentence(GUEST_IP_TOO_OLD, {"reason": "'%s' wrote no JSON" % " ".join(argv)}),
                              GUEST_IP_TOO_OLD)
        found = re.match(r"(\d+)\.(\d+)", kernel_release or "")
        if found and (int(found.group(1)), int(found.group(2))) < MIN_KERNEL:
            raise QcloudError(sentence(GUEST_KERNEL_TOO_OLD, {"release": kernel_release}), GUEST_KERNEL_TOO_OLD)

    def read(self, *args: str, numeric: bool = True) -> List[Dict[str, Any]]:
        """The JSON of an ``ip -j`` read; a failure is a QcloudError (a read changes nothing)."""
        argv = [self.ip, "-j"] + (["-N"] if numeric else []) + list(args)
        rc, out, err = self.run(argv)
        if rc != 0 and "table does not exist" in (err or ""):
            return []  # a table that holds no route yet
        reason = None
        if rc != 0:
            reason = (err or out or "exit %d" % rc).strip()
        else:
            try:
                data = json.loads(out or "[]")
            except ValueError as exc:
                reason = "unreadable output: %s" % exc
        if reason is not None:
            raise QcloudError(sentence(GUEST_IP_READ_FAILED, {"command": " ".join(argv), "reason": reason}),
                              GUEST_IP_READ_FAILED)
        return data if isinstance(data, list) else []

    def change(self, *args: str) -> None:
        argv = [self.ip] + list(args)
        self.commands.append(" ".join(argv))
        rc, out, err = self.run(argv)
        if rc != 0:
            raise IpError(argv, (err or out or "exit %d" % rc).strip())

    # ---- reads ------------------------------------------------------------------------------
    def links(self) -> Dict[str, Dict[str, Any]]:
        """{mac: {'device', 'up'}} of the Ethernet links."""
        found = {}
        for link in self.read("link", "show", numeric=False):
            mac = (link.get("address") or "").lower()
            if link.get("link_type") != "ether" or not mac:
                continue
            found.setdefault(mac, {"device": link.get("ifname"), "up": "UP" in (link.get("flags") or [])})
        return found

    def addresses(self, device: str) -> List[str]:
        """The IPv4 addresses of a device, as address/prefixlen."""
        result = []
        for link in self.read("-4", "addr", "show", "dev", device):
            for info in link.get("addr_info") or []:
                if info.get("family") == "inet":
                    result.append("%s/%s" % (info["local"], info["prefixlen"]))
        return result

    def routes(self, table: int) -> List[Dict[str, Any]]:
        return self.read("-4", "route", "show", "table", str(table))

    def routes_of_ours(self) -> List[Dict[str, Any]]:
        """Every IPv4 route with our protocol, in any table (each carries its 'table')."""
        return self.read("-4", "route", "show", "table", "all", "proto", PROTO)

    def rules(self) -> List[Dict[str, Any]]:
        return self.read("-4", "rule", "show")


def ours(entry: Dict[str, Any]) -> bool:
    return str(entry.get("protocol", "")) == PROTO


def describe_route(route: Dict[str, Any], table: Optional[int] = None) -> str:
    text = route.get("dst", "?")
    if route.get("gateway"):
        text += " via %s" % route["gateway"]
    if route.get("dev"):
        text += " dev %s" % route["dev"]
    if route.get("prefsrc"):
        text += " src %s" % route["prefsrc"]
    if table is not None:
        text += " table %s" % table
    return text


def describe_rule(rule: Dict[str, Any]) -> str:
    priority, src, table = rule_key(rule)
    return "%d: from %s lookup %s" % (priority, src, table)
