"""A CVM, its VPC router and a client, in network namespaces, driven by the simulator's metadata.

    netns_lab.py run LAB SIM_URL CA READY_FILE   the lab, until SIGTERM (or MAX_SECONDS)
    netns_lab.py down LAB                        remove the lab's namespaces (idempotent)

Namespaces LAB-r (the VPC router), LAB-g (the CVM), LAB-c (a client at 10.0.2.10 in subnet-gz4a0001).
The router forwards between its links with strict reverse-path filtering (rp_filter=1) on every link, as
the guest has too. Every address comes from the simulator world's subnets, inside these namespaces only.

While running, the lab plays the hypervisor and the metadata service of the instance the simulator's
metadata describes:
- the guest's eth0 carries the primary ENI's MAC, address and default route (what DHCP gives a CVM);
- an ENI that appears in the metadata (attached through the API) is hot-plugged: a link with its MAC
  appears in the guest (down, no address, as on a CVM) and the router gets its subnet's gateway; an ENI
  that leaves the metadata (detached) is unplugged;
- the metadata service answers inside the guest at http://127.0.0.1:8080 (a relay to the simulator: a
  listening socket made inside the guest's namespace, requests forwarded from the host's loopback).
"""
import ctypes
import http.server
import ipaddress
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

MAX_SECONDS = 900
POLL = 0.2
META_PORT = 8080
CLIENT = ("10.0.2.10", "10.0.2.1", 24)
BASE = "/latest/meta-data/"


def ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), check=check, capture_output=True, text=True)


def sysctl(ns, key, value):
    subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "%s=%s" % (key, value)], check=True)


def down(lab):
    for suffix in ("r", "g", "c"):
        ip("netns", "del", "%s-%s" % (lab, suffix), check=False)


class Meta:
    def __init__(self, sim_url, ca):
        self.sim_url = sim_url.rstrip("/")
        self.ctx = ssl.create_default_context(cafile=ca) if sim_url.startswith("https") else None

    def raw(self, path):
        try:
            with urllib.request.urlopen(self.sim_url + path, timeout=5, context=self.ctx) as r:
                return r.status, r.read(), r.headers.get("Content-Type", "text/plain")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), "text/html"

    def get(self, path):
        status, body, dummy = self.raw(BASE + path)
        return body.decode() if status == 200 else None

    def interfaces(self):
        """{mac: (primary ip, prefixlen, gateway, cidr)} of the instance, and the primary MAC."""
        primary = self.get("mac")
        found = {}
        for line in (self.get("network/interfaces/macs/") or "").splitlines():
            mac = line.strip().rstrip("/")
            base = "network/interfaces/macs/%s/" % mac
            addr = self.get(base + "primary-local-ipv4")
            gw = self.get(base + "local-ipv4s/%s/gateway" % addr) if addr else None
            mask = self.get(base + "local-ipv4s/%s/subnet-mask" % addr) if addr else None
            if addr and gw and mask:
                net = ipaddress.ip_network("%s/%s" % (addr, mask), strict=False)
                found[mac] = (addr, net.prefixlen, gw, str(net))
        return primary, found


CLONE_NEWNET = 0x40000000


def setns(fd):
    """os.setns (Python 3.12+), through libc for older Pythons (the oldest-core step may run 3.10)."""
    if hasattr(os, "setns"):
        os.setns(fd, CLONE_NEWNET)
    elif ctypes.CDLL(None, use_errno=True).setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns failed")


def relay(lab, meta):
    """The metadata service inside the guest: its socket is made in the guest's namespace."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, body, ctype = meta.raw(self.path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    guest = os.open("/run/netns/%s-g" % lab, os.O_RDONLY)
    setns(guest)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", META_PORT), Handler)
    finally:
        setns(home)
        os.close(guest)
        os.close(home)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def run(lab, sim_url, ca, ready):
    r, g, c = lab + "-r", lab + "-g", lab + "-c"
    down(lab)
    for ns in (r, g, c):
        ip("netns", "add", ns)
        ip("-n", ns, "link", "set", "lo", "up")
        sysctl(ns, "net.ipv4.conf.all.rp_filter", 1)
        sysctl(ns, "net.ipv4.conf.default.rp_filter", 1)
    sysctl(r, "net.ipv4.ip_forward", 1)
    addr, gw, prefix = CLIENT
    ip("link", "add", "eth0", "netns", c, "type", "veth", "peer", "name", "rc", "netns", r)
    ip("-n", r, "addr", "add", "%s/%d" % (gw, prefix), "dev", "rc")
    ip("-n", r, "link", "set", "rc", "up")
    ip("-n", c, "addr", "add", "%s/%d" % (addr, prefix), "dev", "eth0")
    ip("-n", c, "link", "set", "eth0", "up")
    ip("-n", c, "route", "add", "default", "via", gw)
    meta = Meta(sim_url, ca)
    relay(lab, meta)
    plugged = {}  # mac -> (guest device, router device)
    end = time.monotonic() + MAX_SECONDS
    first = True
    while time.monotonic() < end:
        primary, enis = meta.interfaces()
        for mac in [m for m in plugged if m not in enis]:  # detached: unplugged
            ip("-n", r, "link", "del", plugged.pop(mac)[1], check=False)
        for mac, (address, plen, gateway, cidr) in enis.items():
            if mac in plugged:
                continue
            n = len(plugged) if mac != primary else 0
            while mac != primary and any(dev == "eth%d" % n for dev, dummy in plugged.values()):
                n += 1
            dev, rdev = "eth%d" % n, "r%s" % mac.replace(":", "")[-6:]
            ip("link", "add", dev, "netns", g, "address", mac, "type", "veth", "peer", "name", rdev, "netns", r)
            sysctl(g, "net.ipv4.conf.%s.rp_filter" % dev, 1)
            sysctl(r, "net.ipv4.conf.%s.rp_filter" % rdev, 1)
            ip("-n", r, "addr", "add", "%s/%d" % (gateway, plen), "dev", rdev, check=False)
            ip("-n", r, "link", "set", rdev, "up")
            if mac == primary:  # what DHCP gives a CVM's eth0
                ip("-n", g, "addr", "add", "%s/%d" % (address, plen), "dev", dev)
                ip("-n", g, "link", "set", dev, "up")
                ip("-n", g, "route", "add", "default", "via", gateway)
            plugged[mac] = (dev, rdev)
        if first:
            with open(ready + ".tmp", "w") as handle:
                json.dump({"primary": primary, "plugged": plugged}, handle)
            os.replace(ready + ".tmp", ready)
            first = False
        time.sleep(POLL)


def main():
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    if sys.argv[1] == "down":
        down(sys.argv[2])
    else:
        run(*sys.argv[2:6])


if __name__ == "__main__":
    main()
