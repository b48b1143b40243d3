#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: qcloud_eni_guest
short_description: Configure the attached ENIs inside a Linux CVM so that they carry traffic
version_added: 0.2.0
description:
  - Runs on the CVM itself (a normal target host, with O(ignore:become=true)), not on localhost.
  - Reads which ENIs are attached, with their MACs, addresses, gateways and subnets, from the instance
    metadata service (Tencent's "Querying Instance Metadata"), and makes that true in the operating system.
  - For each secondary ENI, the link with that MAC is up and holds every private address of the ENI; a route table
    of its own holds the subnet route and a default route through the ENI's gateway; one C(ip rule) per address
    (C(from <address> lookup <table>)) makes replies leave by the ENI they came in on.
  - Waits for a hot-plugged link to appear, up to O(wait_timeout).
  - Applies the live state with iproute2 at once and, with O(persist=true), writes the same configuration in files
    of its own for the network stack of the host, so it survives a reboot and a network restart.
  - Changes only what differs; check mode predicts the changes without making them; diff mode shows the addresses,
    routes, rules and files before and after. On a failure it undoes what it applied in that run.
  - Routes and rules it adds carry routing protocol number C(245) (C(ip route show table all proto 245)), which is
    how a later run recognises them.
  - Python standard library and iproute2 only on the target.
requirements:
  - iproute2 4.17 or later (JSON output of C(ip route) and C(ip rule), rules with a protocol) and Linux 4.17 or later
    (rules with a protocol); CentOS 7 (iproute2 4.11, Linux 3.10) is too old, and the module says so before any change.
author:
  - tencent.qcloud contributors (@tencent-qcloud)
options:
  state:
    description:
      - V(present) configures the ENIs; V(absent) removes the rules, routes, addresses and files the module made for them.
      - With V(absent) and O(network_interfaces) omitted, the module cleans up after a detach instead, removing its
        rules, routes and files of every ENI that is no longer attached (and leaving the attached ones alone). A
        rule is the module's when it carries protocol C(245), or when a file of the module for a detached ENI names
        its source and table (the network stack restores rules without the protocol at boot); any other rule stays.
      - With V(absent), an ENI named in O(network_interfaces) that is no longer attached only has its files removed;
        leave O(network_interfaces) out to remove its rules too.
    type: str
    choices: [present, absent]
    default: present
  network_interfaces:
    description:
      - The secondary ENIs to configure, each a MAC (like V(20:90:6f:12:34:56), any case) or a dictionary with
        C(mac), and optionally C(network_interface_id) (reported back as is) and C(route_table) (this ENI's table
        instead of the computed one).
      - The metadata service names ENIs by MAC only, so a bare ENI id like V(eni-m6dyj72l) is refused;
        M(tencent.qcloud.qcloud_eni_info) and M(tencent.qcloud.qcloud_eni) return each ENI's C(mac_address).
      - Default is every secondary ENI the metadata lists.
    type: list
    elements: raw
  metadata_endpoint:
    description:
      - The instance metadata service.
    type: str
    default: http://metadata.tencentyun.com
  route_table_base:
    description:
      - The route table of a secondary ENI is this number plus the ENI's position in the metadata's list of MACs
        (the primary ENI is position 0, so the first secondary ENI gets V(1001) by default).
      - A position changes when an earlier ENI is detached; give C(route_table) in O(network_interfaces) for numbers
        that never move.
    type: int
    default: 1000
  rule_priority:
    description:
      - The priority of the module's C(ip rule) entries, from V(1) to V(32765), so that they come after the C(local)
        table's rule (0) and before the C(main) table's (32766). Other values are refused before any change.
    type: int
    default: 1000
  primary_secondary_addresses:
    description:
      - Also add the primary ENI's secondary private addresses to its link (they need no route table of their own).
      - These are configured live only, never persisted, because that would mean rewriting the user's own eth0
        configuration.
    type: bool
    default: false
  persist:
    description:
      - Write files for the host's network stack (see O(backend)) so that the configuration survives a reboot.
      - V(false) configures the live state only.
    type: bool
    default: true
  backend:
    description:
      - The network stack to write files for, with O(persist=true).
      - V(auto) detects it from the files under O(config_root) (netplan first, then NetworkManager,
        network-scripts, systemd-networkd, ifupdown), and fails when none is found.
      - V(networkmanager) writes keyfiles in C(/etc/NetworkManager/system-connections/) with C(ipv4.route-table)
        and C(ipv4.routing-rules); V(netplan) a file in C(/etc/netplan/) with C(routes) in a C(table) and
        C(routing-policy); V(networkd) a C(.network) file in C(/etc/systemd/network/) with C([Route] Table=) and
        C([RoutingPolicyRule]); V(ifupdown) a stanza in C(/etc/network/interfaces.d/) (which C(/etc/network/interfaces)
        must source); V(ifcfg) C(ifcfg-), C(route-) and C(rule-) files in C(/etc/sysconfig/network-scripts/).
      - The files are read at the next boot or network restart; the module does not restart any service.
    type: str
    choices: [auto, networkmanager, netplan, networkd, ifupdown, ifcfg]
    default: auto
  config_root:
    description:
      - The directory the backend's paths are under; a different one is for building images and for tests.
    type: path
    default: /
  wait_timeout:
    description:
      - Seconds to wait for the link of a just-attached ENI to appear; every metadata read also ends within it.
    type: int
    default: 60
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - Needs root (O(ignore:become=true)) unless in check mode.
  - Addresses the kernel adds a route for in the C(main) table (the subnet route) keep it; the ENI's default route
    is only ever in the ENI's own table, so the host's default route stays on eth0.
  - Files carry a header naming the ENI's MAC and are the only files the module writes or removes.
seealso:
  - module: tencent.qcloud.qcloud_eni
  - module: tencent.qcloud.qcloud_eni_attach
  - name: The guide to a second network interface
    description: docs/eni-guest.md in the collection.
    link: https://github.com/tencent-qcloud/tencent.qcloud/blob/main/docs/eni-guest.md
"""

EXAMPLES = r"""
- name: Configure every secondary ENI of the instance
  tencent.qcloud.qcloud_eni_guest:
  become: true

- name: Configure one ENI, in a table of its own number, live only
  tencent.qcloud.qcloud_eni_guest:
    network_interfaces:
      - mac: "{{ eni.network_interface.mac_address }}"
        network_interface_id: "{{ eni.network_interface.network_interface_id }}"
        route_table: 2001
    persist: false
  become: true

- name: Clean up after a detach
  tencent.qcloud.qcloud_eni_guest:
    state: absent
  become: true
"""

RETURN = r"""
interfaces:
  description:
    - One record per ENI the run was about, in the metadata's order.
    - With O(state=absent) and O(network_interfaces) omitted (cleanup after a detach), one record per detached ENI
      the module's files name, and one per other route table whose rules or routes of the module it removed (with
      C(mac) V(null)).
  returned: always
  type: list
  elements: dict
  contains:
    mac:
      description: The ENI's MAC, lower case (V(null) for a table of a cleanup that no file names).
      type: str
      sample: 20:90:6f:12:34:56
    device:
      description: The Linux link with that MAC (V(null) when it no longer exists).
      type: str
      sample: eth1
    network_interface_id:
      description: The ENI id given in O(network_interfaces), else V(null) (the metadata does not name it).
      type: str
    primary:
      description: Whether this is the primary ENI (listed with O(primary_secondary_addresses) only).
      type: bool
    addresses:
      description: The ENI's private addresses with their prefix length, primary first.
      type: list
      elements: str
      sample: ["10.0.3.5/24", "10.0.3.6/24"]
    route_table:
      description: The ENI's route table (V(null) for the primary ENI).
      type: int
      sample: 1001
    routes:
      description: The routes of the ENI's table, as C(ip route) writes them.
      type: list
      elements: str
      sample: ["10.0.3.0/24 dev eth1 src 10.0.3.5", "default via 10.0.3.1 dev eth1"]
    rules:
      description: The policy rules, as C(ip rule) writes them.
      type: list
      elements: str
      sample: ["1000: from 10.0.3.5 lookup 1001"]
    backend:
      description: The stack the files are for (V(null) with O(persist=false)).
      type: str
      sample: netplan
    files:
      description: The module's files for this ENI, under O(config_root).
      type: list
      elements: str
      sample: ["/etc/netplan/90-qcloud-eni-20906f123456.yaml"]
commands:
  description: The iproute2 commands the run made (or, in check mode, would make).
  returned: always
  type: list
  elements: str
  sample: ["ip addr add 10.0.3.5/24 dev eth1"]
removed_files:
  description: Files the run removed (or would remove).
  returned: always
  type: list
  elements: str
"""

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tencent.qcloud.plugins.module_utils import _guest_backends as backends
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    GUEST_BACKEND_UNKNOWN,
    GUEST_BAD_ENTRY,
    GUEST_ENI_ID,
    GUEST_FILE_FAILED,
    GUEST_IP_FAILED,
    GUEST_NO_IP,
    GUEST_NO_LINK,
    GUEST_NOT_ATTACHED,
    GUEST_NOT_ROOT,
    GUEST_PRIMARY,
    GUEST_PRIMARY_LIVE_ONLY,
    GUEST_PRIORITY_RANGE,
    GUEST_TABLE_RANGE,
    GUEST_TABLE_TWICE,
    GUEST_USER_FILE,
    QcloudError,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._guest_iproute import Iproute, IpError
from ansible_collections.tencent.qcloud.plugins.module_utils._guest_metadata import (
    DEFAULT_ENDPOINT,
    MAC_RE,
    Metadata,
    normal_mac,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._guest_plan import (
    Live,
    action_table,
    desired,
    plan_absent,
    plan_orphans,
    plan_present,
    predict,
)

LINK_POLL = 0.5
RESERVED_TABLES = (0, 253, 254, 255)
# After the local table's rule (priority 0), before the main table's (32766).
PRIORITIES = (1, 32765)


def fail(code, **values):
    raise QcloudError(sentence(code, values), code)


def entries(params):
    """[(mac, eni id or None, table or None)] of network_interfaces, or None when it is omitted."""
    if params["network_interfaces"] is None:
        return None
    result = []
    for item in params["network_interfaces"]:
        if isinstance(item, dict):
            mac, eni_id, table = item.get("mac"), item.get("network_interface_id"), item.get("route_table")
            if set(item) - {"mac", "network_interface_id", "route_table"} or not isinstance(mac, str):
                fail(GUEST_BAD_ENTRY, value=item)
            if table is not None:
                try:
                    table = int(table)
                except (TypeError, ValueError):
                    fail(GUEST_TABLE_RANGE, table=table, mac=mac)
        elif isinstance(item, str) and item.strip().lower().startswith("eni-"):
            fail(GUEST_ENI_ID, value=item)
        elif isinstance(item, str):
            mac, eni_id, table = item, None, None
        else:
            fail(GUEST_BAD_ENTRY, value=item)
        if not MAC_RE.match(normal_mac(mac)):
            fail(GUEST_BAD_ENTRY, value=item)
        result.append((normal_mac(mac), eni_id, table))
    return result


class Guest:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.deadline = time.monotonic() + max(0, self.params["wait_timeout"])
        self.root = self.params["config_root"] or "/"
        ip = module.get_bin_path("ip")
        if not ip:
            fail(GUEST_NO_IP)
        self.ip = Iproute(ip, module.run_command)
        self.ip.probe(os.uname().release)
        self.applied = []  # (undo args) of the commands made, for undoing on failure
        self.files_done = []  # (relpath, previous content or None, private) of the files written or removed
        self.gone = []  # MACs named for state=absent that are no longer attached

    # ---- what is attached, and where --------------------------------------------------------------
    def chosen(self, meta):
        primary_mac = meta["primary_mac"]
        secondaries = [e for e in meta["interfaces"] if e["mac"] != primary_mac]
        asked = entries(self.params)
        base = self.params["route_table_base"]
        position = {e["mac"]: i for i, e in enumerate(secondaries, 1)}
        if asked is None:
            picked = [(e, None, None) for e in secondaries]
        else:
            by_mac = {e["mac"]: e for e in meta["interfaces"]}
            picked = []
            for mac, eni_id, table in asked:
                if mac == primary_mac:
                    fail(GUEST_PRIMARY, mac=mac)
                if mac not in by_mac and self.params["state"] == "absent":
                    self.gone.append(mac)  # detached already: only its files are left to remove
                    continue
                if mac not in by_mac:
                    fail(GUEST_NOT_ATTACHED, mac=mac, macs=", ".join(e["mac"] for e in meta["interfaces"]))
                picked.append((by_mac[mac], eni_id, table))
        chosen, tables = [], {}
        for eni, eni_id, table in picked:
            table = table if table is not None else base + position[eni["mac"]]
            if not 0 < table < 2 ** 32 or table in RESERVED_TABLES:
                fail(GUEST_TABLE_RANGE, table=table, mac=eni["mac"])
            if table in tables:
                fail(GUEST_TABLE_TWICE, table=table, mac=eni["mac"], other=tables[table])
            tables[table] = eni["mac"]
            chosen.append((eni, eni_id, table))
        primary = [e for e in meta["interfaces"] if e["mac"] == primary_mac]
        return chosen, (primary[0] if primary else None)

    def wait_links(self, macs):
        """{mac: device} once every MAC has a link; fails naming the first missing one at the deadline."""
        while True:
            links = self.ip.links()
            missing = [m for m in macs if m not in links]
            if not missing:
                return {m: links[m]["device"] for m in macs}
            if time.monotonic() >= self.deadline:
                fail(GUEST_NO_LINK, mac=missing[0], timeout=self.params["wait_timeout"])
            time.sleep(min(LINK_POLL, max(0.0, self.deadline - time.monotonic())))

    # ---- files --------------------------------------------------------------------------------------
    def backend(self):
        if not self.params["persist"]:
            return None
        name = self.params["backend"]
        if name == "auto":
            name = backends.detect(self.root)
            if name is None:
                fail(GUEST_BACKEND_UNKNOWN, root=self.root)
        return name

    def file_changes(self, backend, wants, managed, remove_macs):
        """[(relpath, old content, new content or None)] for the files of the ENIs, and those to remove."""
        changes = []
        keep = set()
        for want in wants:
            for relpath, content in backends.render(backend, want).items():
                keep.add(relpath)
                old = backends.read(self.root, relpath)
                if old is not None and backends.managed_mac(os.path.join(self.root, relpath)) is None:
                    fail(GUEST_USER_FILE, path=os.path.join(self.root, relpath))
                if old != content:
                    changes.append((relpath, old, content))
        for mac in remove_macs:
            for relpath in managed.get(mac, []):
                if relpath not in keep:
                    changes.append((relpath, backends.read(self.root, relpath), None))
        return changes

    def apply_files(self, changes, backend):
        for relpath, old, new in changes:
            private = any(relpath.startswith(backends.DIRS[b][0]) for b in backends.PRIVATE)
            try:
                backends.write(self.root, relpath, new, private)
            except OSError as exc:
                raise QcloudError(sentence(GUEST_FILE_FAILED, {"path": os.path.join(self.root, relpath),
                                                               "reason": exc.strerror or str(exc)}), GUEST_FILE_FAILED)
            self.files_done.append((relpath, old, private))

    # ---- the run ----------------------------------------------------------------------------------
    def apply(self, actions):
        for action in actions:
            try:
                self.ip.change(*action.args)
            except IpError as exc:
                raise QcloudError(sentence(GUEST_IP_FAILED, {"command": exc.command, "reason": exc.reason}),
                                  GUEST_IP_FAILED)
            if action.undo:
                self.applied.append(action.undo)

    def undo(self):
        for args in reversed(self.applied):
            try:
                self.ip.change(*args)
            except IpError:
                pass
        for relpath, old, private in reversed(self.files_done):
            try:
                backends.write(self.root, relpath, old, private)
            except OSError:
                pass

    def run(self):
        check = self.module.check_mode
        priority = self.params["rule_priority"]
        if not PRIORITIES[0] <= priority <= PRIORITIES[1]:
            fail(GUEST_PRIORITY_RANGE, priority=priority)
        if not check and os.geteuid() != 0:
            fail(GUEST_NOT_ROOT)
        meta = Metadata(self.params["metadata_endpoint"], self.deadline).read()
        chosen, primary = self.chosen(meta)
        state = self.params["state"]
        backend = self.backend() if state == "present" else None
        macs = [eni["mac"] for eni, dummy, dummy2 in chosen]
        with_primary = self.params["primary_secondary_addresses"] and primary is not None
        if with_primary:
            macs.insert(0, primary["mac"])
        if state == "present":
            devices = self.wait_links(macs)
        else:
            links = self.ip.links()
            devices = {m: links[m]["device"] for m in macs if m in links}
        live = Live(self.ip)
        wants, records = [], []
        if with_primary and primary["mac"] in devices:
            wants.append((desired(primary, devices[primary["mac"]], None, priority), None, True))
        for eni, eni_id, table in chosen:
            wants.append((desired(eni, devices.get(eni["mac"]), table, priority), eni_id, False))
        actions = []
        for want, dummy, dummy2 in wants:
            if state == "present":
                actions += plan_present(live, want, priority)
            elif want["device"] is not None:
                actions += plan_absent(live, want, priority)
        managed = backends.managed_files(self.root)
        attached = {e["mac"] for e in meta["interfaces"]}
        if state == "absent" and entries(self.params) is None:
            # cleanup after a detach: only what no attached ENI accounts for
            remove_macs = [m for m in managed if m not in attached]
            proven = {}
            for mac in remove_macs:
                proven.update(dict.fromkeys(backends.rules_named(self.root, managed[mac]), mac))
            actions = plan_orphans(live, meta["interfaces"], live_devices(live), proven)
            wants = [(w, None, False) for w in orphan_wants(actions, proven, remove_macs)]
        else:
            remove_macs = [w["mac"] for w, dummy, dummy2 in wants] + self.gone if state == "absent" else []
        secondary_wants = [w for w, dummy, is_primary in wants if not is_primary]
        files = []
        if backend and state == "present":
            # the same MAC's files under another name (a renamed device, another backend) go
            files = self.file_changes(backend, secondary_wants, managed, [w["mac"] for w in secondary_wants])
        elif state == "absent":
            files = self.file_changes("networkd", [], managed, remove_macs)
        before = {key(w): live.view(w) for w, dummy, dummy2 in wants}
        changed = bool(actions or files)
        after = None
        if changed and not check:
            try:
                self.apply(actions)
                self.apply_files(files, backend)
                after_live = Live(self.ip)
                after = {key(w): after_live.view(w) for w, dummy, dummy2 in wants}
            except QcloudError:
                self.undo()
                raise
        commands = ["ip " + " ".join(a.args) for a in actions]
        for want, eni_id, is_primary in wants:
            view = after[key(want)] if after is not None else predict(live, want, actions)
            mine = list(managed.get(want["mac"], []))
            for relpath, dummy, new in files:
                if new is not None and relpath not in mine:
                    mine.append(relpath)
                if new is None and relpath in mine:
                    mine.remove(relpath)
            records.append({
                "mac": want["mac"],
                "device": want["device"],
                "network_interface_id": eni_id,
                "primary": is_primary,
                "addresses": want["addresses"] if is_primary else view["addresses"],
                "route_table": want["table"],
                "routes": view["routes"],
                "rules": view["rules"],
                "backend": backend if not is_primary else None,
                "files": [os.path.join(self.root, p) for p in sorted(mine)],
            })
        result = {
            "changed": changed,
            "interfaces": records,
            "commands": commands,
            "removed_files": [os.path.join(self.root, p) for p, dummy, new in files if new is None],
        }
        if self.module._diff:
            result["diff"] = self.diff(before, records, actions, files)
        return result

    def diff(self, before, records, actions, files):
        old = {"interfaces": before, "files": {}}
        new = {"interfaces": {}, "files": {}}
        for record in records:
            new["interfaces"][key(record)] = {k: record[k] for k in ("device", "addresses", "route_table", "routes", "rules")}
        for relpath, old_text, new_text in files:
            path = os.path.join(self.root, relpath)
            old["files"][path] = old_text
            new["files"][path] = new_text
        return {"before": old, "after": new}


def live_devices(live):
    return {mac: link["device"] for mac, link in live.links.items()}


def key(want):
    """An interface's key in the diff: its MAC, or its table when a leftover rule or route names no MAC."""
    return want["mac"] or "table %s" % want.get("table", want.get("route_table"))


def orphan_wants(actions, proven, macs):
    """One view per detached ENI (by its files) and per other table the cleanup touches: nothing is wanted."""
    tables = {}
    for (dummy, table), mac in sorted(proven.items()):
        tables.setdefault(mac, int(table))
    wants = [{"mac": mac, "device": None, "table": tables.get(mac), "addresses": []} for mac in macs]
    known = {str(w["table"]) for w in wants}
    for action in actions:
        table = action_table(action)
        if table is not None and table not in known:
            known.add(table)
            wants.append({"mac": None, "device": None, "table": int(table), "addresses": []})
    return wants


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type="str", choices=["present", "absent"], default="present"),
            network_interfaces=dict(type="list", elements="raw"),
            metadata_endpoint=dict(type="str", default=DEFAULT_ENDPOINT),
            route_table_base=dict(type="int", default=1000),
            rule_priority=dict(type="int", default=1000),
            primary_secondary_addresses=dict(type="bool", default=False),
            persist=dict(type="bool", default=True),
            backend=dict(type="str", choices=["auto"] + list(backends.BACKENDS), default="auto"),
            config_root=dict(type="path", default="/"),
            wait_timeout=dict(type="int", default=60),
        ),
        supports_check_mode=True,
    )
    try:
        guest = Guest(module)
        result = guest.run()
    except QcloudError as exc:
        module.fail_json(msg=exc.msg, error={"code": exc.code})
    if module.params["primary_secondary_addresses"] and module.params["persist"] and module.params["state"] == "present":
        module.warn(sentence(GUEST_PRIMARY_LIVE_ONLY))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
