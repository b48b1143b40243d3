# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The desired network state of an ENI inside the instance, and the iproute2 commands from the live state to it.

For a secondary ENI with device D, table T and rule priority P:
- D is up and holds every private address of the ENI (with the subnet's prefix length);
- table T holds the subnet route (``dev D src <primary>``) and ``default via <gateway> dev D``;
- one rule ``priority P from <address> lookup T`` per address.
For the primary ENI (``primary_secondary_addresses``): its secondary addresses only.

A route or rule is the module's when it carries :data:`PROTO` or is exactly one it wants
(the files of the network stack bring them back after a reboot with another protocol).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    GUEST_TABLE_IN_USE,
    QcloudError,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._guest_iproute import (
    PROTO,
    Iproute,
    describe_route,
    describe_rule,
    ours,
    route_key,
    rule_key,
)


class Action(NamedTuple):
    """One iproute2 change: what it does, how to undo it, and a line for the report."""

    mac: str
    args: List[str]
    undo: Optional[List[str]]
    text: str


def desired(eni: Dict[str, Any], device: str, table: Optional[int], priority: int) -> Dict[str, Any]:
    """What must be true for one ENI (table None: the primary ENI, addresses only)."""
    prefix = eni["prefixlen"]
    if table is None:
        addresses = ["%s/%d" % (a, prefix) for a in eni["addresses"][1:]]
        return {"mac": eni["mac"], "device": device, "table": None, "addresses": addresses, "routes": [], "rules": []}
    routes = [
        {"dst": eni["subnet"], "dev": device, "prefsrc": eni["primary_ip"]},
        {"dst": "default", "gateway": eni["gateway"], "dev": device},
    ]
    rules = [{"priority": priority, "src": a, "table": str(table)} for a in eni["addresses"]]
    return {
        "mac": eni["mac"],
        "device": device,
        "table": table,
        "addresses": ["%s/%d" % (a, prefix) for a in eni["addresses"]],
        "subnet": eni["subnet"],
        "routes": routes,
        "rules": rules,
    }


def route_args(verb: str, route: Dict[str, Any], table: Any) -> List[str]:
    args = ["route", verb, route["dst"]]
    if route.get("gateway"):
        args += ["via", route["gateway"]]
    if route.get("dev"):
        args += ["dev", route["dev"]]
    if verb == "add" and route.get("prefsrc"):
        args += ["src", route["prefsrc"]]
    args += ["table", str(table)]
    if verb == "add":
        args += ["proto", PROTO]
    return args


def rule_args(verb: str, rule: Dict[str, Any]) -> List[str]:
    priority, src, table = rule_key(rule)
    args = ["rule", verb, "from", src, "lookup", table, "priority", str(priority)]
    if verb == "add":
        args += ["protocol", PROTO]
    return args


def addr_args(verb: str, address: str, device: str) -> List[str]:
    return ["addr", verb, address, "dev", device]


class Live:
    """The live state, read once per run through :class:`Iproute`."""

    def __init__(self, ip: Iproute) -> None:
        self.ip = ip
        self.links = ip.links()
        self.rules = ip.rules()
        self._addresses: Dict[str, List[str]] = {}
        self._routes: Dict[int, List[Dict[str, Any]]] = {}
        self.our_routes = ip.routes_of_ours()

    def addresses(self, device: str) -> List[str]:
        if device not in self._addresses:
            self._addresses[device] = self.ip.addresses(device)
        return self._addresses[device]

    def routes(self, table: int) -> List[Dict[str, Any]]:
        if table not in self._routes:
            self._routes[table] = self.ip.routes(table)
        return self._routes[table]

    def view(self, want: Dict[str, Any]) -> Dict[str, Any]:
        """What one ENI's device, table and rules hold now (for the diff and the result)."""
        table = want["table"]
        device = want["device"]
        rules = [r for r in self.rules if table is not None and str(r.get("table")) == str(table)]
        return {
            "device": device,
            "addresses": sorted(self.addresses(device)) if device else [],
            "route_table": table,
            "routes": [describe_route(r) for r in self.routes(table)] if table is not None else [],
            "rules": [describe_rule(r) for r in rules],
        }


def plan_present(live: Live, want: Dict[str, Any], priority: int) -> List[Action]:
    """The commands that make ``want`` true, touching only what is the module's."""
    mac, device, table = want["mac"], want["device"], want["table"]
    actions: List[Action] = []
    if not live.links.get(mac, {}).get("up"):
        actions.append(Action(mac, ["link", "set", "dev", device, "up"], ["link", "set", "dev", device, "down"],
                              "set %s up" % device))
    have = live.addresses(device)
    for address in want["addresses"]:
        if address not in have:
            actions.append(Action(mac, addr_args("add", address, device), addr_args("del", address, device),
                                  "add address %s to %s" % (address, device)))
    if table is None:
        return actions
    subnet = ipaddress.IPv4Network(want["subnet"])
    for address in have:  # an address of the ENI's subnet that the ENI no longer holds
        if address not in want["addresses"] and ipaddress.IPv4Interface(address).ip in subnet:
            actions.append(Action(mac, addr_args("del", address, device), addr_args("add", address, device),
                                  "remove address %s from %s (no longer on the ENI)" % (address, device)))
    # routes: the table must hold only ours; stale ones of ours go first, then the missing ones
    wanted_routes = {route_key(r): r for r in want["routes"]}
    present = live.routes(table)
    foreign = [r for r in present if route_key(r) not in wanted_routes and not ours(r)]
    if foreign:
        raise QcloudError(
            sentence(GUEST_TABLE_IN_USE, {"table": table, "mac": mac,
                                          "routes": "; ".join(describe_route(r) for r in foreign)}),
            GUEST_TABLE_IN_USE,
        )
    for route in present:
        if route_key(route) not in wanted_routes:
            actions.append(Action(mac, route_args("del", route, table), route_args("add", route, table),
                                  "remove route %s" % describe_route(route, table)))
    for route in live.our_routes:  # ours for this device in another table (the table number changed)
        if route.get("dev") == device and str(route.get("table")) != str(table):
            actions.append(Action(mac, route_args("del", route, route["table"]),
                                  route_args("add", route, route["table"]),
                                  "remove route %s" % describe_route(route, route["table"])))
    have_routes = {route_key(r) for r in present}
    for key, route in wanted_routes.items():
        if key not in have_routes:
            actions.append(Action(mac, route_args("add", route, table), route_args("del", route, table),
                                  "add route %s" % describe_route(route, table)))
    # rules: ours pointing at this table or from these addresses that are not wanted go; missing ones come
    wanted_rules = {rule_key(r) for r in want["rules"]}
    sources = {r["src"] for r in want["rules"]}
    for rule in live.rules:
        key = rule_key(rule)
        if key in wanted_rules:
            continue
        mine = ours(rule) or (key[0] == priority and key[2] == str(table))
        if mine and (key[2] == str(table) or key[1] in sources):
            actions.append(Action(mac, rule_args("del", rule), rule_args("add", rule),
                                  "remove rule %s" % describe_rule(rule)))
    have_rules = {rule_key(r) for r in live.rules}
    for rule in want["rules"]:
        if rule_key(rule) not in have_rules:
            actions.append(Action(mac, rule_args("add", rule), rule_args("del", rule), "add rule %s" % describe_rule(rule)))
    return actions


def plan_absent(live: Live, want: Dict[str, Any], priority: int) -> List[Action]:
    """The commands that remove what the module made for one ENI that is still attached."""
    mac, device, table = want["mac"], want["device"], want["table"]
    actions: List[Action] = []
    if table is not None:
        wanted_rules = {rule_key(r) for r in want["rules"]}
        for rule in live.rules:
            key = rule_key(rule)
            if key in wanted_rules or (key[2] == str(table) and (ours(rule) or key[0] == priority)):
                actions.append(Action(mac, rule_args("del", rule), rule_args("add", rule),
                                      "remove rule %s" % describe_rule(rule)))
        wanted_routes = {route_key(r) for r in want["routes"]}
        for route in live.routes(table):
            if route_key(route) in wanted_routes or ours(route):
                actions.append(Action(mac, route_args("del", route, table), route_args("add", route, table),
                                      "remove route %s" % describe_route(route, table)))
    if device:
        have = live.addresses(device)
        # secondaries first: removing the primary address of a subnet takes the others with it
        for address in reversed(want["addresses"]):
            if address in have:
                actions.append(Action(mac, addr_args("del", address, device), addr_args("add", address, device),
                                      "remove address %s from %s" % (address, device)))
    return actions


def plan_orphans(live: Live, attached: List[Dict[str, Any]], devices: Dict[str, str],
                 proven: Dict[Tuple[str, str], str]) -> List[Action]:
    """Cleanup after a detach: the rules and routes of the module that no attached ENI accounts for.

    A rule is the module's when it carries the module's protocol, or when ``proven`` ({(source, table):
    MAC}, from the module's files of the detached ENIs) names its source and table: a rule the network
    stack brought back at boot carries no protocol, and a user's own rule is never taken for one.
    """
    addresses = {a for eni in attached for a in eni["addresses"]}
    live_devices = set(devices.values())
    actions: List[Action] = []
    for rule in live.rules:
        key = rule_key(rule)
        if (ours(rule) or (key[1], key[2]) in proven) and key[1] not in addresses:
            actions.append(Action(proven.get((key[1], key[2]), ""), rule_args("del", rule), rule_args("add", rule),
                                  "remove rule %s" % describe_rule(rule)))
    for route in live.our_routes:
        if route.get("dev") not in live_devices:
            actions.append(Action("", route_args("del", route, route["table"]), route_args("add", route, route["table"]),
                                  "remove route %s" % describe_route(route, route["table"])))
    return actions


def action_table(action: Action) -> Optional[str]:
    """The table a rule or route action is about (None for addresses and links)."""
    if action.args[0] == "rule":
        return action.args[5]
    if action.args[0] == "route":
        return dict(zip(action.args[3::2], action.args[4::2])).get("table")
    return None


def predict(live: Live, want: Dict[str, Any], actions: List[Action]) -> Dict[str, Any]:
    """What ``live.view(want)`` will show once ``actions`` are made (check mode): the view, changed by each action."""
    device, table = want["device"], want["table"]
    addresses = list(live.addresses(device)) if device else []
    routes = list(live.routes(table)) if table is not None else []
    rules = [describe_rule(r) for r in live.rules if table is not None and str(r.get("table")) == str(table)]
    for action in actions:
        kind, verb = action.args[0], action.args[1]
        if kind == "addr" and action.args[4] == device:
            if verb == "add" and action.args[2] not in addresses:
                addresses.append(action.args[2])
            elif verb == "del" and action.args[2] in addresses:
                addresses.remove(action.args[2])
        elif kind == "rule" and table is not None and action_table(action) == str(table):
            text = "%s: from %s lookup %s" % (action.args[7], action.args[3], action.args[5])
            if verb == "add" and text not in rules:
                rules.append(text)
            elif verb == "del" and text in rules:
                rules.remove(text)
        elif kind == "route" and table is not None and action_table(action) == str(table):
            words = dict(zip(action.args[3::2], action.args[4::2]))
            route = {"dst": action.args[2], "dev": words.get("dev")}
            if "via" in words:
                route["gateway"] = words["via"]
            if verb == "add":
                if "src" in words:
                    route["prefsrc"] = words["src"]
                routes.append(route)
            else:
                routes = [r for r in routes if route_key(r) != route_key(route)]
    return {
        "device": device,
        "addresses": sorted(addresses),
        "route_table": table,
        "routes": [describe_route(r) for r in routes],
        "rules": rules,
    }
