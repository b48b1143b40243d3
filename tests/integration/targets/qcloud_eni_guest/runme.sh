#!/usr/bin/env bash
# qcloud_eni_guest with real packets: a CVM (guest), its VPC router and a client in network namespaces
# (netns_lab.py), the instance's metadata from the simulator. An ENI is created and attached through
# the API (cloud.yml); the lab hot-plugs its link into the guest; the module runs inside the guest's
# namespace. Checked: before the module the client cannot reach the ENI's addresses (even with the
# addresses set by hand: the replies leave by eth0 and strict reverse-path filtering drops them); check
# mode changes nothing; after the module every address answers and replies leave by the ENI's link; a
# rerun is unchanged and runs no changing ip command; state=absent removes every rule, route, address and
# file; cleanup after a detach; the failures; then examples/eni-guest.yml as written.
# No `set -x`: the trace would print the secret key.
set -eu -o pipefail

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
CONFIG="${QCLOUD_INTEGRATION_CONFIG:-../../integration_config.yml}"
HERE="$(pwd)"
WORK="$(mktemp -d)"
LAB="qeg$$"
G="$LAB-g"
AGENT=""

if [ "$(id -u)" != 0 ]; then
    echo "qcloud_eni_guest: the test makes network namespaces and needs root" >&2
    exit 1
fi

SIM_URL="" CA=""
cleanup() {
    if [ -n "$AGENT" ]; then kill "$AGENT" 2>/dev/null || true; wait "$AGENT" 2>/dev/null || true; fi
    "$PY" "$HERE/netns_lab.py" down "$LAB" || true
    rm -rf "$WORK"
    # the next target starts from the default world
    [ -n "$SIM_URL" ] && "$PY" - "$SIM_URL" "$CA" <<'PYEOF' || true
import ssl, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/_sim/reset", method="POST", data=b"{}", headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, context=ssl.create_default_context(cafile=sys.argv[2])).read()
PYEOF
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cfg() {
    "$PY" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))[sys.argv[2]])' "$CONFIG" "$1"
}
SIM_URL="$(cfg qcloud_sim_url)"
CA="$(cfg qcloud_ca_bundle)"
EXTRA=(-e "@$CONFIG" -e "ansible_python_interpreter=$PY")

# The ENI's addresses: 10.0.3.2 (the primary, the first free one of the subnet), 10.0.3.5 and 10.0.3.6.
# The world: the default one plus subnet-gz3c0001 (10.0.3.0/24) in web-1's VPC and zone, the ENI's subnet.
world() {
    "$PY" - "$SIM_URL" "$CA" <<'PYEOF'
import json, ssl, sys, urllib.request
url, ctx = sys.argv[1] + "/_sim/", ssl.create_default_context(cafile=sys.argv[2])
def call(path, body=None, method="POST"):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, context=ctx))
call("reset", {})
state = call("state", method="GET")
for key in ("tasks", "config"):
    state.pop(key, None)
for eni in state["enis"]:
    eni.pop("state", None)
state["subnets"].append({"subnet_id": "subnet-gz3c0001", "region": "ap-guangzhou", "vpc_id": "vpc-gz000001",
                         "zone": "ap-guangzhou-3", "cidr": "10.0.3.0/24", "name": "gz3-second"})
call("world", state)
call("config", {"task_seconds": 0.2, "metadata_instance": "ins-run00001"})
PYEOF
}

in_guest() { ip netns exec "$G" "$@"; }

# probe ADDRESS...: exit 0 if the client reaches every address (TCP to the guest's listener), 1 if none; else fails
probe() {
    ip netns exec "$LAB-c" "$PY" - "$@" <<'PYEOF'
import socket, sys
ok = []
for address in sys.argv[1:]:
    try:
        socket.create_connection((address, 7000), timeout=1.5).close()
        ok.append(address)
    except OSError:
        pass
print("reached: %s of %s" % (ok, sys.argv[1:]))
sys.exit(0 if len(ok) == len(sys.argv[1:]) else 1 if not ok else 2)
PYEOF
}

# guest [--check] ARGS...: the module inside the guest's namespace; its result in $WORK/result.json
guest() {
    local check=()
    if [ "${1:-}" = "--check" ]; then check=(--check --diff); shift; fi
    ip netns exec "$G" env PATH="$WORK/bin:$PATH" \
        ansible localhost -o -i localhost, -c local -e "ansible_python_interpreter=$PY" "${check[@]}" \
        -m tencent.qcloud.qcloud_eni_guest \
        -a "{\"metadata_endpoint\": \"http://127.0.0.1:8080\", \"config_root\": \"$WORK/root\", \"backend\": \"networkd\", \"wait_timeout\": 20 $*}" \
        > "$WORK/out.txt" || true
    "$PY" - "$WORK/out.txt" "$WORK/result.json" <<'PYEOF'
import json, sys
lines = [line for line in open(sys.argv[1]) if line.startswith("localhost | ")]
if not lines:
    sys.exit("no result from the module: %s" % open(sys.argv[1]).read())
head, body = lines[0].split(" => ", 1)
result = json.loads(body)
result["failed"] = "FAILED" in head
json.dump(result, open(sys.argv[2], "w"), indent=1)
print(json.dumps({k: result.get(k) for k in ("changed", "failed", "msg", "commands")}, indent=1))
PYEOF
}

# expect PYTHON-EXPRESSION: about r (the module's result) and live (the guest's rules, routes, addresses)
expect() {
    in_guest "$PY" - "$WORK/result.json" "$1" <<'PYEOF'
import json, subprocess, sys
r = json.load(open(sys.argv[1]))
def ipj(*a):
    done = subprocess.run(["ip", "-j", "-N"] + list(a), capture_output=True, text=True)
    if done.returncode and ("table does not exist" in done.stderr or "does not exist" in done.stderr):
        return []
    done.check_returncode()
    return json.loads(done.stdout or "[]")
live = {"rules": [x for x in ipj("-4", "rule") if x.get("priority") not in (0, 32766, 32767)],
        "ours": ipj("-4", "route", "show", "table", "all", "proto", "245"),
        "t1001": ipj("-4", "route", "show", "table", "1001"),
        "eth1": [a["local"] for l in ipj("-4", "addr", "show", "dev", "eth1") for a in l.get("addr_info", [])]}
if not eval(sys.argv[2]):
    print("FAILED: %s\nresult: %s\nlive: %s" % (sys.argv[2], json.dumps(r, indent=1), json.dumps(live, indent=1)))
    sys.exit(1)
print("ok: %s" % sys.argv[2])
PYEOF
}

snapshot() { in_guest sh -c 'ip -j -N -4 rule; ip -j -N -4 route show table all; ip -j -N -4 addr; ip -j link'; }

# An `ip` that logs each call, first on the module's PATH: a rerun must make no changing call.
mkdir -p "$WORK/bin" "$WORK/root/etc/systemd/network"
REAL_IP="$(command -v ip)"
printf '#!/bin/sh\necho "$*" >> %s/ip.log\nexec %s "$@"\n' "$WORK" "$REAL_IP" > "$WORK/bin/ip"
chmod +x "$WORK/bin/ip"

world
"$PY" "$HERE/netns_lab.py" run "$LAB" "$SIM_URL" "$CA" "$WORK/ready" </dev/null >"$WORK/lab.log" 2>&1 &
AGENT=$!
for _ in $(seq 100); do [ -f "$WORK/ready" ] && break; sleep 0.1; done
[ -f "$WORK/ready" ] || { echo "the lab did not start" >&2; exit 1; }

# A TCP listener in the guest, on every address (replies leave with the address they came to). `ip netns
# exec` forks, so the listener writes its own pid for the cleanup; it also ends by itself after 900 s.
in_guest "$PY" -c '
import os, socket, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 7000)); s.listen(16)
s.settimeout(1)
end = time.monotonic() + 900
while time.monotonic() < end:
    try:
        s.accept()[0].close()
    except socket.timeout:
        pass' "$WORK/listener.pid" </dev/null >/dev/null 2>&1 &
for _ in $(seq 50); do [ -s "$WORK/listener.pid" ] && break; sleep 0.1; done
LISTENER=$(cat "$WORK/listener.pid")
trap 'kill "$LISTENER" 2>/dev/null || true; cleanup' EXIT

PRIMARY_IP=$(in_guest "$PY" -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/latest/meta-data/local-ipv4").read().decode())')
echo "== the primary ENI ($PRIMARY_IP) answers from the start"
probe "$PRIMARY_IP"

echo "== create and attach the ENI through the API; the lab hot-plugs its link"
ansible-playbook cloud.yml -i localhost, -c local "${EXTRA[@]}" -e "mac_file=$WORK/mac" > "$WORK/cloud.log" || { cat "$WORK/cloud.log"; exit 1; }
MAC=$(cat "$WORK/mac")
for _ in $(seq 100); do in_guest ip -br link show eth1 >/dev/null 2>&1 && break; sleep 0.1; done
in_guest ip -br link show eth1

echo "== before the module: unreachable, even with the addresses set by hand (replies leave by eth0)"
if probe 10.0.3.2 10.0.3.5 10.0.3.6; then echo "reachable before the module" >&2; exit 1; fi
in_guest ip link set eth1 up
for a in 10.0.3.2 10.0.3.5 10.0.3.6; do in_guest ip addr add "$a/24" dev eth1; done
if probe 10.0.3.2 10.0.3.5 10.0.3.6; then echo "reachable with addresses only: the test would not see a module that does nothing" >&2; exit 1; fi
in_guest ip addr flush dev eth1
in_guest ip link set eth1 down

echo "== check mode: predicts, changes nothing"
snapshot > "$WORK/before"
guest --check
expect 'r["changed"] and not r.get("failed") and any("rule add from 10.0.3.6 lookup 1001" in c for c in r["commands"])'
expect 'r["interfaces"][0]["route_table"] == 1001 and r["interfaces"][0]["rules"] == ["1000: from %s lookup 1001" % a for a in ("10.0.3.2", "10.0.3.5", "10.0.3.6")]'
expect 'r["interfaces"][0]["files"] == ["'"$WORK/root/etc/systemd/network/70-qcloud-eni-${MAC//:/}.network"'"]'
snapshot > "$WORK/after"
cmp "$WORK/before" "$WORK/after"
[ -z "$(ls "$WORK/root/etc/systemd/network")" ]

echo "== the module: every address answers, replies leave by eth1"
guest
expect 'r["changed"] and r["interfaces"][0]["mac"] == "'"$MAC"'" and r["interfaces"][0]["device"] == "eth1"'
expect 'r["interfaces"][0]["addresses"] == ["10.0.3.2/24", "10.0.3.5/24", "10.0.3.6/24"] and r["interfaces"][0]["route_table"] == 1001'
expect 'sorted((x["src"], x["table"], x["priority"]) for x in live["rules"]) == [("10.0.3.2", "1001", 1000), ("10.0.3.5", "1001", 1000), ("10.0.3.6", "1001", 1000)]'
expect 'sorted((x["dst"], x.get("gateway")) for x in live["t1001"]) == [("10.0.3.0/24", None), ("default", "10.0.3.1")]'
expect 'r["interfaces"][0]["backend"] == "networkd" and len(r["interfaces"][0]["files"]) == 1'
probe 10.0.3.2 10.0.3.5 10.0.3.6
probe "$PRIMARY_IP"
in_guest ip route get 10.0.2.10 from 10.0.3.6 | grep -q "dev eth1"
in_guest ip route get 10.0.2.10 from "$PRIMARY_IP" | grep -q "dev eth0"
grep -q "^Table=1001" "$WORK/root/etc/systemd/network/70-qcloud-eni-${MAC//:/}.network"

echo "== a rerun: unchanged, no changing ip command"
: > "$WORK/ip.log"
guest
expect 'r["changed"] is False and r["commands"] == []'
if grep -E '(^| )(add|del|replace|set|flush)( |$)' "$WORK/ip.log"; then echo "a rerun ran a changing ip command" >&2; exit 1; fi
grep -q "rule show" "$WORK/ip.log"

echo "== absent in check mode: predicts, changes nothing"
snapshot > "$WORK/before"
guest --check , \"state\": \"absent\", \"network_interfaces\": [\"$MAC\"]
expect 'r["changed"] and r["removed_files"]'
snapshot > "$WORK/after"
cmp "$WORK/before" "$WORK/after"

echo "== absent: every rule, route, address and file it added is gone"
guest , \"state\": \"absent\", \"network_interfaces\": [\"$MAC\"]
expect 'r["changed"] and live["rules"] == [] and live["ours"] == [] and live["t1001"] == [] and live["eth1"] == []'
[ -z "$(ls "$WORK/root/etc/systemd/network")" ]
if probe 10.0.3.2 10.0.3.5 10.0.3.6; then echo "still reachable after state=absent" >&2; exit 1; fi
probe "$PRIMARY_IP"

echo "== failures: one sentence each, nothing changed"
guest , \"network_interfaces\": [\"20:90:6f:ff:ff:01\"]
expect 'r["failed"] and "No ENI with MAC 20:90:6f:ff:ff:01 is attached" in r["msg"] and live["rules"] == []'
guest , \"network_interfaces\": [\"eni-12345678\"]
expect 'r["failed"] and "names ENIs by MAC only" in r["msg"]'
guest , \"metadata_endpoint\": \"http://127.0.0.1:8099\"
expect 'r["failed"] and "did not answer" in r["msg"] and live["rules"] == []'
in_guest ip route add 10.0.2.0/24 dev eth1 table 1001
guest
expect 'r["failed"] and "Route table 1001" in r["msg"] and "10.0.2.0/24" in r["msg"] and live["rules"] == [] and live["eth1"] == []'
in_guest ip route del 10.0.2.0/24 dev eth1 table 1001
guest , \"backend\": \"auto\"
expect 'r["failed"] and "No supported network stack" in r["msg"]'

echo "== cleanup after a detach"
guest
expect 'r["changed"] and len(live["rules"]) == 3'
ansible-playbook cloud.yml -i localhost, -c local "${EXTRA[@]}" -e "mac_file=$WORK/mac" -e detach=true > "$WORK/cloud.log" || { cat "$WORK/cloud.log"; exit 1; }
for _ in $(seq 100); do in_guest ip link show eth1 >/dev/null 2>&1 || break; sleep 0.1; done
guest , \"state\": \"absent\"
expect 'r["changed"] and live["rules"] == [] and live["ours"] == [] and r["removed_files"]'
[ -z "$(ls "$WORK/root/etc/systemd/network")" ]
guest , \"state\": \"absent\"
expect 'r["changed"] is False'

echo "== examples/eni-guest.yml as written: create, attach, configure inside web-1, prove from a client"
# ansible-test runs this target in a copy without examples/: look in the collection root above it.
EXAMPLE="../../../../examples/eni-guest.yml"
case "$PWD" in
    */tests/output/.tmp/*) [ -f "$EXAMPLE" ] || EXAMPLE="${PWD%%/tests/output/.tmp/*}/examples/eni-guest.yml" ;;
esac
[ -f "$EXAMPLE" ] || { echo "qcloud_eni_guest: $EXAMPLE is missing from the collection" >&2; exit 1; }
world
for _ in $(seq 100); do in_guest ip link show eth1 >/dev/null 2>&1 || break; sleep 0.1; done
mkdir -p "$WORK/root2/etc/systemd/network"
echo "[Match]" > "$WORK/root2/etc/systemd/network/10-eth0.network"   # the image's own file: backend auto finds networkd
# web-1 is the guest namespace and the client the client's: their Python runs there. Root already,
# so no become method is needed (the play's become: true is for a real CVM).
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$G" "$PY" > "$WORK/guest-python"
printf '#!/bin/sh\nexec ip netns exec %s %s "$@"\n' "$LAB-c" "$PY" > "$WORK/client-python"
chmod +x "$WORK/guest-python" "$WORK/client-python"
cat > "$WORK/inventory" <<INV
localhost ansible_connection=local ansible_python_interpreter=$PY
web-1 ansible_connection=local ansible_python_interpreter=$WORK/guest-python ansible_become=false
[eni_clients]
client ansible_connection=local ansible_python_interpreter=$WORK/client-python
INV
TENCENTCLOUD_SECRET_ID="$(cfg qcloud_secret_id)" TENCENTCLOUD_SECRET_KEY="$(cfg qcloud_secret_key)" \
TENCENTCLOUD_REGION="$(cfg qcloud_region)" ansible-playbook "$EXAMPLE" -i "$WORK/inventory" \
    -e "qcloud_endpoint=$(cfg qcloud_endpoint)" -e "qcloud_ca_bundle=$CA" -e eni_subnet=subnet-gz3c0001 \
    -e eni_probe_port=7000 -e eni_metadata_endpoint=http://127.0.0.1:8080 -e "eni_config_root=$WORK/root2" "$@"
ls "$WORK/root2/etc/systemd/network/" | grep -q "^70-qcloud-eni-"
# read whole first: ip flushes per rule, and grep -q leaving at the first match would SIGPIPE it (pipefail)
rules=$(in_guest ip -4 rule)
grep -q "lookup 1001" <<< "$rules"

echo "qcloud_eni_guest: all checks passed"
