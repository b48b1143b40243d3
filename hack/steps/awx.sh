#!/usr/bin/env bash
# Step `awx`: what an AWX / Automation Platform administrator relies on, offline.
#
#   1. ansible-builder create on examples/ee/execution-environment.yml, with the collection's
#      tarball next to it (the build context must carry the tarball and its requirements file);
#   2. ansible-builder introspect --sanitize on the installed tarball lists exactly the runtime
#      requirements: requirements.txt (Python) and bindep.txt (system);
#   3. awx/credential_type.json is a cloud credential type whose keys are secret and whose
#      injectors set the TENCENTCLOUD_* variables the modules read;
#   4. an AWX-style job with ansible-runner against the simulator: a private data dir whose
#      env/envvars holds what that credential type injects (rendered from its injectors), a
#      playbook job (examples/attach.yml) and an ad-hoc job (tencent.qcloud.qcloud_eni_attach),
#      both successful; then an inventory built by the plugin tencent.qcloud.qcloud_cvm from a
#      *.qcloud_cvm.yml in the inventory dir, in a playbook job and in an inventory update
#      (ansible-inventory through ansible-runner, as AWX syncs a source); no secret in the jobs'
#      artifacts and events.
#
# Runs under hack/run_tests.sh (ROOT, PY, COPY, LOGS set). Tools go into .venv-awx, keyed on the
# pinned list below plus requirements.txt, so a fresh machine installs them and a rerun does not.
case "${1:-}" in -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;; esac   # the header above; no side effect
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
COPY=${COPY:-$ROOT/build/collections/ansible_collections/tencent/qcloud}
PY=${PY:-$ROOT/.venv/bin/python}
cd "$ROOT"
# shellcheck source=hack/python.sh
. hack/python.sh

TOOLS="$ROOT/.venv-awx"
WORK="$ROOT/build/awx"
SIM="$ROOT/build/sim-awx"
TOOL_REQS='ansible-builder==3.2.0
ansible-runner==2.4.3
ansible-core>=2.16,<2.22'

ensure_tools() {   # the venv, reinstalled only when the pinned list or requirements.txt changed
    local key
    key=$(printf '%s\n%s\n' "$TOOL_REQS" "$(cat requirements.txt)" | sha256sum | cut -c1-16)
    [ -f "$TOOLS/.installed-$key" ] && return 0
    ensure_venv awx "$TOOLS"
    echo "awx: installing ansible-builder, ansible-runner, ansible-core and requirements.txt into .venv-awx"
    printf '%s\n' "$TOOL_REQS" > "$TOOLS/tools-requirements.txt"
    "$TOOLS/bin/python" -m pip install --disable-pip-version-check -q \
        -r "$TOOLS/tools-requirements.txt" -r requirements.txt
    rm -f "$TOOLS"/.installed-*
    touch "$TOOLS/.installed-$key"
}

ensure_tools
export PATH="$TOOLS/bin:$PATH"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
rm -rf "$WORK"
mkdir -p "$WORK/dist"

echo "== build the collection tarball"
ansible-galaxy collection build "$COPY" --output-path "$WORK/dist" --force
tarball=$(ls "$WORK"/dist/tencent-qcloud-*.tar.gz)
version=$(basename "$tarball" .tar.gz | sed 's/^tencent-qcloud-//')

echo
echo "== 1. ansible-builder create on examples/ee/execution-environment.yml"
mkdir -p "$WORK/ee"
cp examples/ee/execution-environment.yml examples/ee/requirements.yml "$tarball" "$WORK/ee/"
if ! grep -q "collections/tencent-qcloud-$version.tar.gz" "$WORK/ee/requirements.yml"; then
    echo "awx: examples/ee/requirements.yml does not name tencent-qcloud-$version.tar.gz (galaxy.yml's version)"
    exit 1
fi
ansible-builder create -f "$WORK/ee/execution-environment.yml" -c "$WORK/ee/context" --output-filename Containerfile
for f in Containerfile _build/requirements.yml "_build/collections/$(basename "$tarball")"; do
    if [ ! -f "$WORK/ee/context/$f" ]; then
        echo "awx: the build context lacks $f"
        exit 1
    fi
done
grep -q 'ansible-galaxy collection install .*-r requirements.yml' "$WORK/ee/context/Containerfile" || {
    echo "awx: the Containerfile does not install the galaxy requirements"; exit 1; }
echo "awx: build context ready in build/awx/ee/context (Containerfile + the tarball)"

echo
echo "== 2. ansible-builder introspect --sanitize on the installed collection"
ansible-galaxy collection install -p "$WORK/collections" --force "$tarball" >/dev/null 2>&1
ansible-builder introspect --sanitize "$WORK/collections" | tee "$WORK/introspect.txt"
"$TOOLS/bin/python" - "$WORK/introspect.txt" requirements.txt bindep.txt <<'EOF'
import sys
import yaml

found = yaml.safe_load(open(sys.argv[1]).read())


def entries(lines):
    # "requests>=2.25  # from collection tencent.qcloud" -> "requests>=2.25"
    return sorted(line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip())


ok = True
for kind, path in (("python", sys.argv[2]), ("system", sys.argv[3])):
    want = entries(open(path).read().splitlines())
    got = entries(found.get(kind) or [])
    if got != want:
        print("awx: introspect lists %s requirements %r, %s has %r" % (kind, got, path, want))
        ok = False
    else:
        print("awx: introspect %s requirements = %s: %s" % (kind, path, ", ".join(got)))
sys.exit(0 if ok else 1)
EOF

echo
echo "== 3. the credential type (awx/credential_type.json)"
"$TOOLS/bin/python" - awx/credential_type.json <<'EOF'
import json
import sys

types = json.load(open(sys.argv[1]))["credential_types"]
assert len(types) == 1, "one credential type"
ct = types[0]
fields = {f["id"]: f for f in ct["inputs"]["fields"]}
problems = []
if ct["kind"] != "cloud":
    problems.append("kind is %r, not cloud" % ct["kind"])
for name in ("secret_id", "secret_key", "security_token", "region"):
    if name not in fields:
        problems.append("no input %s" % name)
for name in ("secret_key", "security_token"):
    if not fields.get(name, {}).get("secret"):
        problems.append("input %s is not secret: true" % name)
if fields.get("secret_id", {}).get("secret"):
    problems.append("secret_id need not be secret (it shows in results)")
if sorted(ct["inputs"].get("required", [])) != ["secret_id", "secret_key"]:
    problems.append("required must be exactly secret_id and secret_key")
env = ct["injectors"].get("env", {})
for var in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_REGION"):
    if var not in env:
        problems.append("injectors.env lacks %s" % var)
if set(ct["injectors"]) - {"env"}:
    problems.append("inject only environment variables, not %s" % sorted(set(ct["injectors"]) - {"env"}))
for p in problems:
    print("awx: credential type: " + p)
if problems:
    sys.exit(1)
print("awx: credential type %r: kind cloud, secret key and token secret, injects %s" % (ct["name"], ", ".join(sorted(env))))
EOF

echo
echo "== 4. AWX-style jobs with ansible-runner against the simulator"
stop_sim() { "$PY" "$ROOT/hack/sim.py" stop "$SIM" || true; }
trap stop_sim EXIT
trap 'exit 130' INT TERM HUP
"$PY" "$ROOT/hack/sim.py" start "$SIM" --task-seconds 0.5
endpoint=$(cat "$SIM/url")
cafile=$(cat "$SIM/cafile")

# The private data dir, laid out as AWX lays it out for a job (env/, inventory/, project/).
PDD="$WORK/runner"
mkdir -p "$PDD/env" "$PDD/inventory" "$PDD/project"
cp examples/attach.yml examples/detach.yml "$PDD/project/"
cat > "$PDD/inventory/hosts" <<'EOF'
# AWX's default inventory holds localhost; cloud modules call the API from it, in the EE.
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
EOF
# env/envvars = what the credential type injects, rendered from its injectors like AWX does
# (security_token left empty, as a permanent key leaves it), plus the collections path an EE has.
"$TOOLS/bin/python" - awx/credential_type.json "$PDD/env/envvars" "$WORK/collections" <<'EOF'
import json
import sys

import jinja2
import yaml

sys.path.insert(0, "hack")
import sim  # noqa: E402  (the simulator's CLI key)

ct = json.load(open(sys.argv[1]))["credential_types"][0]
inputs = {"secret_id": sim.SECRET_ID, "secret_key": sim.SECRET_KEY, "region": sim.REGION}
for field in ct["inputs"]["fields"]:
    inputs.setdefault(field["id"], "")  # an optional input left empty
env = {name: jinja2.Template(tpl).render(**inputs) for name, tpl in ct["injectors"]["env"].items()}
env["ANSIBLE_COLLECTIONS_PATH"] = sys.argv[3]
env["ANSIBLE_LOCALHOST_WARNING"] = "false"
with open(sys.argv[2], "w") as fh:
    yaml.safe_dump(env, fh, default_flow_style=False)
print("awx: env/envvars sets " + ", ".join(sorted(env)))
EOF
chmod 600 "$PDD/env/envvars"
# Job template extra variables: where the simulator is (Tencent Cloud itself needs none).
printf 'qcloud_endpoint: %s\nqcloud_ca_bundle: %s\n' "$endpoint" "$cafile" > "$PDD/env/extravars"

failed=0
job_ok() {   # job_ok IDENT WHAT: status successful, rc 0
    local status rc
    status=$(cat "$PDD/artifacts/$1/status" 2>/dev/null || echo missing)
    rc=$(cat "$PDD/artifacts/$1/rc" 2>/dev/null || echo missing)
    if [ "$status" = successful ] && [ "$rc" = 0 ]; then
        echo "awx: $2: successful"
    else
        echo "awx: $2: status $status, rc $rc"
        failed=1
    fi
}

echo
echo "-- playbook job: examples/attach.yml"
ansible-runner run "$PDD" -p attach.yml --ident playbook-job || true
job_ok playbook-job "playbook job (attach.yml)"
grep -l '"changed": true' "$PDD"/artifacts/playbook-job/job_events/*.json >/dev/null 2>&1 || {
    echo "awx: the playbook job changed nothing (the ENI should have been attached)"; failed=1; }
grep -ql 'environment (TENCENTCLOUD_SECRET_ID)' "$PDD"/artifacts/playbook-job/job_events/*.json || {
    echo "awx: the playbook job did not take its keys from the injected environment"; failed=1; }

echo
echo "-- ad-hoc job: tencent.qcloud.qcloud_eni_attach (detach it again)"
ansible-runner run "$PDD" --hosts localhost --ident adhoc-job -m tencent.qcloud.qcloud_eni_attach \
    -a "network_interface_id=eni-free0001 instance_id=ins-run00001 state=absent api_endpoint=$endpoint ca_bundle=$cafile" || true
job_ok adhoc-job "ad-hoc job (qcloud_eni_attach state=absent)"
grep -l '"changed": true' "$PDD"/artifacts/adhoc-job/job_events/*.json >/dev/null 2>&1 || {
    echo "awx: the ad-hoc job changed nothing (the ENI should have been detached)"; failed=1; }

echo
echo "-- inventory: the plugin builds it, from a *.qcloud_cvm.yml in the job's inventory dir"
# What AWX does with an inventory source of the project: the file names the plugin, the credential's
# injected TENCENTCLOUD_* variables (env/envvars) give the keys. Only the simulator's address is in it.
cat > "$PDD/inventory/cvm.qcloud_cvm.yml" <<EOF
plugin: tencent.qcloud.qcloud_cvm
api_endpoint: $endpoint
ca_bundle: $cafile
keyed_groups:
  - key: qcloud_tags.env
    prefix: env
EOF
cat > "$PDD/project/inventory-check.yml" <<'EOF'
- name: The inventory the plugin built
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Its hosts, groups and variables
      ansible.builtin.assert:
        that:
          - groups['qcloud_cvm'] | length == (qcloud_expected_hosts | int)
          - "'ins-run00001' in groups['env_prod']"
          - hostvars['ins-run00001'].instance_name == 'web-1'
          - hostvars['ins-run00001'].ansible_host == hostvars['ins-run00001'].private_ip_addresses[0]
EOF
# the hosts the simulator's world should give: its instances, but those gone or going
expected=$("$TOOLS/bin/python" - "$endpoint" "$cafile" <<'EOF'
import json, ssl, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_sim/state", context=ssl.create_default_context(cafile=sys.argv[2])))
print(sum(1 for i in state["instances"] if i["state"] not in ("LAUNCH_FAILED", "SHUTDOWN", "TERMINATING")))
EOF
)
ansible-runner run "$PDD" -p inventory-check.yml --ident inventory-job --cmdline "-e qcloud_expected_hosts=$expected" || true
job_ok inventory-job "playbook job on the plugin's inventory ($expected hosts)"

echo
echo "-- inventory update: ansible-inventory --list --export through ansible-runner, as AWX syncs a source"
"$TOOLS/bin/python" - "$PDD" "$expected" <<'EOF' || failed=1
import json, os, sys

import ansible_runner
import yaml

pdd, expected = sys.argv[1], int(sys.argv[2])
env = yaml.safe_load(open(os.path.join(pdd, "env", "envvars")))
env["ANSIBLE_INVENTORY_UNPARSED_FAILED"] = "True"  # AWX's setting: a failed source fails the sync
out, err, rc = ansible_runner.run_command(
    executable_cmd="ansible-inventory",
    cmdline_args=["-i", os.path.join(pdd, "inventory", "cvm.qcloud_cvm.yml"), "--list", "--export"],
    envvars=env, private_data_dir=pdd, ident="inventory-update", quiet=True)
if rc != 0:
    sys.exit("awx: the inventory update failed (rc %s): %s" % (rc, err[-2000:]))
hostvars = json.loads(out)["_meta"]["hostvars"]
if len(hostvars) != expected or "ins-run00001" not in hostvars:
    sys.exit("awx: the inventory update gave %d hosts, %d expected" % (len(hostvars), expected))
print("awx: inventory update: successful, %d hosts from the plugin" % len(hostvars))
EOF

echo
echo "-- no secret in the jobs' artifacts and events"
ls "$PDD"/artifacts/*/
stop_sim
trap - EXIT
# ansible-runner records its own invocation in artifacts/ID/command: the command line, cwd and
# the environment it was given (mode 0600), i.e. the job's input, which AWX keeps in its private
# data dir and deletes after the job. That file is checked apart: the secret may be in its "env"
# (the injected variables) and nowhere else. Everything else (stdout, stderr, job_events, status,
# rc, fact_cache) is the job's output and must hold no secret at all.
excludes=()
for cmd in "$PDD"/artifacts/*/command; do
    excludes+=(--exclude "$cmd")
    mode=$(stat -c %a "$cmd")
    [ "$mode" = 600 ] || { echo "awx: $cmd is mode $mode, not 600"; failed=1; }
    mkdir -p "$WORK/command-without-env/$(basename "$(dirname "$cmd")")"
    "$TOOLS/bin/python" -c 'import json, sys; d = json.load(open(sys.argv[1])); d.pop("env"); print(json.dumps(d))' \
        "$cmd" > "$WORK/command-without-env/$(basename "$(dirname "$cmd")")/command"
done
key=$("$PY" "$ROOT/hack/sim.py" keys key)
"$PY" "$ROOT/hack/secret_scan.py" --secrets "$SIM/secrets.json" \
    --secret "secret_key=$key" \
    "${excludes[@]}" "$PDD/artifacts" "$WORK/command-without-env" || failed=1

if [ "$failed" -ne 0 ]; then
    echo "awx: FAILED"
    exit 1
fi
echo "awx: EE context, introspection, credential type, playbook, ad-hoc and inventory jobs: all as expected"
