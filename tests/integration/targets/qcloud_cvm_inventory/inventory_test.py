"""ansible-inventory with tencent.qcloud.qcloud_cvm against the simulator, checked against its own state.

Usage: inventory_test.py INTEGRATION_CONFIG. Every expectation is computed here from GET /_sim/state
(the world) and GET /_sim/requests (what the plugin asked), never from the plugin's code.
"""
import json
import math
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.request

import yaml

CONFIG = yaml.safe_load(open(sys.argv[1]))
SIM, CA, ENDPOINT = CONFIG["qcloud_sim_url"], CONFIG["qcloud_ca_bundle"], CONFIG["qcloud_endpoint"]
SECRET_KEY = CONFIG["qcloud_secret_key"]
GONE = {"LAUNCH_FAILED", "SHUTDOWN", "TERMINATING"}
WORK = tempfile.mkdtemp()
ENV = dict(os.environ, TENCENTCLOUD_SECRET_ID=CONFIG["qcloud_secret_id"], TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
           ANSIBLE_NOCOLOR="1", ANSIBLE_INVENTORY_UNPARSED_WARNING="true")
ENV.pop("TENCENTCLOUD_REGION", None)
OUTPUTS = []  # every stdout and stderr, scanned for the secret key at the end


def sim(method, path, body=None):
    req = urllib.request.Request(SIM + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=CA)) as resp:
        return json.loads(resp.read().decode())


def calls(action=None):
    log = sim("GET", "/_sim/requests")["requests"]
    return [e for e in log if e["protocol"] == "3.0" and (action is None or e["action"] == action)]


def plain(value):
    """ansible-core 2.19+ marks what a plugin says as untrusted: {"__ansible_unsafe": "..."}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def fail(message):
    sys.exit("FAIL: " + message)


def check(condition, message):
    if not condition:
        fail(message)


def write_config(name, config):
    path = os.path.join(WORK, name + ".qcloud_cvm.yml")
    body = dict({"plugin": "tencent.qcloud.qcloud_cvm", "api_endpoint": ENDPOINT, "ca_bundle": CA}, **config)
    with open(path, "w") as handle:
        yaml.safe_dump(body, handle)
    return path


def inventory(name, config, *args, env=None, ok=True):
    """(inventory dict, stderr, rc) of ansible-inventory -i NAME.qcloud_cvm.yml --list ARGS."""
    path = write_config(name, config)
    sim("DELETE", "/_sim/requests")
    proc = subprocess.run(["ansible-inventory", "-i", path, "--list"] + list(args), env=dict(ENV, **(env or {})),
                          capture_output=True, text=True, timeout=300, check=False)
    OUTPUTS.extend([proc.stdout, proc.stderr])
    if ok and (proc.returncode != 0 or "Failed to parse" in proc.stderr):
        print(proc.stderr.replace(SECRET_KEY, "<secret key>"))
        fail("%s: ansible-inventory failed (rc %d)" % (name, proc.returncode))
    data = plain(json.loads(proc.stdout)) if proc.returncode == 0 else {}
    return data, proc.stderr, proc.returncode


def hosts_of(data):
    return sorted(data.get("_meta", {}).get("hostvars", {}))


def members(data, group):
    return sorted(data.get(group, {}).get("hosts", []))


def world():
    state = sim("GET", "/_sim/state")
    primary = {}
    for e in state["enis"]:
        if e["primary"] and e["instance_id"]:
            primary.setdefault(e["instance_id"], []).append(e["private_ip"])
    regions = [r["region"] for r in state["regions"]]
    ordered = sorted(state["instances"], key=lambda i: regions.index(i["region"]))  # stable: world order within
    for ins in ordered:
        ins["private"] = ins.get("private_ips") or primary.get(ins["instance_id"], [])
    return state, regions, ordered


def visible(instances, regions=None):
    return [i for i in instances if i["state"] not in GONE and (regions is None or i["region"] in regions)]


def names_first_free(instances, prefer):
    """host name -> instance id, naming each by the first free preference, else its id."""
    taken = {}
    for ins in instances:
        name = next((n for n in prefer(ins) if n and n not in taken), ins["instance_id"])
        taken[name] = ins["instance_id"]
    return taken


def write_noop():
    with open(os.path.join(WORK, "noop.yml"), "w") as handle:
        yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": []}], handle)
    return True


def step(title):
    print("== " + title, flush=True)


def main():
    sim("POST", "/_sim/reset", {})
    state, regions, instances = world()

    step("every region (DescribeRegions), gone instances left out, the record as host variables; names; groups")
    data, dummy, dummy2 = inventory("all", {
        "hostnames": ["instance-name", "instance-id"],
        "keyed_groups": [{"key": "qcloud_tags.env", "prefix": "env"}, {"key": "zone", "prefix": "zone"},
                         {"key": "qcloud_tags.role | default('none')", "prefix": "role"}],
        "groups": {"reachable": "public_ip_addresses | length > 0"},
        "compose": {"ansible_host": "public_ip_addresses[0] | default(private_ip_addresses[0])",
                    "ansible_user": "'ubuntu' if 'Ubuntu' in os_name else 'root'"}})
    want = visible(instances)
    named = {v["instance_id"]: h for h, v in data["_meta"]["hostvars"].items()}
    check(sorted(named) == sorted(i["instance_id"] for i in want), "hosts %s" % sorted(named))
    check(members(data, "qcloud_cvm") == hosts_of(data), "group qcloud_cvm")
    check({i["region"] for i in want} == set(regions) and len(regions) >= 3, "several regions")
    check(len(calls("DescribeRegions")) == 1, "one DescribeRegions")
    check(sorted(c["region"] for c in calls("DescribeInstances")) == sorted(regions), "one page a region")
    for ins in want:
        v = data["_meta"]["hostvars"][named[ins["instance_id"]]]
        expected = {"instance_name": ins["name"], "instance_state": ins["state"], "instance_type": ins["instance_type"],
                    "region": ins["region"], "zone": ins["zone"], "vpc_id": ins["vpc_id"], "subnet_id": ins["subnet_id"],
                    "private_ip_addresses": ins["private"], "public_ip_addresses": ins["public_ips"], "qcloud_tags": ins["tags"],
                    "security_group_ids": ins["security_group_ids"], "image_id": ins["image_id"], "os_name": ins["os_name"],
                    "created_time": ins["created_time"], "ansible_host": (ins["public_ips"] or ins["private"])[0],
                    "ansible_user": "ubuntu" if "Ubuntu" in ins["os_name"] else "root"}
        got = {k: v.get(k) for k in expected}
        check(got == expected, "%s: %s != %s" % (ins["instance_id"], got, expected))
        check("tags" not in v, "%s: the reserved name tags is a host variable" % ins["instance_id"])
    print("ok: %d hosts of %d instances in %s, their records, compose" % (len(want), len(instances), ", ".join(regions)))
    expected = names_first_free(want, lambda i: [i["name"], i["instance_id"]])
    check({h: v["instance_id"] for h, v in data["_meta"]["hostvars"].items()} == expected, "names %s" % hosts_of(data))
    dup = [n for n in {i["name"] for i in want} if sum(1 for i in want if i["name"] == n) > 1]
    check(dup, "the world has no two visible instances with one name")
    print("ok: named by instance-name, then instance-id; %s named twice in the world, kept apart" % ", ".join(dup))

    def group(test):
        return sorted(expected_name for expected_name, ins_id in expected.items()
                      if test(next(i for i in want if i["instance_id"] == ins_id)))

    for env in {i["tags"]["env"] for i in want}:
        check(members(data, "env_" + env) == group(lambda i, e=env: i["tags"]["env"] == e), "env_" + env)
    for zone in {i["zone"] for i in want}:
        check(members(data, "zone_" + zone.replace("-", "_")) == group(lambda i, z=zone: i["zone"] == z), zone)
    check(members(data, "role_none") == group(lambda i: "role" not in i["tags"]), "role_none")
    check(members(data, "reachable") == group(lambda i: bool(i["public_ips"])), "reachable")
    graph = subprocess.run(["ansible-inventory", "-i", write_config("graph", {"keyed_groups": [{"key": "qcloud_tags.env", "prefix": "env"}]}),
                            "--graph", "env_prod"], env=ENV, capture_output=True, text=True, timeout=300, check=False)
    OUTPUTS.extend([graph.stdout, graph.stderr])
    shown = sorted(line.strip(" |-") for line in graph.stdout.splitlines()[1:])
    check(shown == sorted(i["instance_id"] for i in want if i["tags"]["env"] == "prod"), "--graph env_prod: %s" % shown)
    print("ok: keyed groups by tag env, zone and role, a composed group; --graph env_prod agrees")

    step("hostnames: a template, tag:role, and allow_duplicated_hosts")
    data, dummy, dummy2 = inventory("template", {"regions": ["ap-guangzhou"], "allow_duplicated_hosts": True,
                                                 "hostnames": ["{{ instance_name }}.{{ zone }}.example", "tag:role"]})
    gz = visible(instances, ["ap-guangzhou"])
    expected = {}
    for ins in gz:
        for name in ("%s.%s.example" % (ins["name"], ins["zone"]), ins["tags"].get("role")):
            if name and name not in expected:
                expected[name] = ins["instance_id"]
    got = {h: v["instance_id"] for h, v in data["_meta"]["hostvars"].items()}
    check(got == expected, "names %s != %s" % (got, expected))
    print("ok: %d names for %d instances" % (len(got), len(gz)))

    step("hostnames as dictionaries: a tag before the name, a template before the id")
    dicts = [{"name": "instance-name", "prefix": "tag:team", "separator": "."}, {"name": "instance-id", "prefix": "{{ zone }}"}]
    data, dummy, dummy2 = inventory("hostdict", {"regions": ["ap-guangzhou"], "allow_duplicated_hosts": True, "hostnames": dicts})
    expected = {}
    for ins in gz:
        team = ins["tags"].get("team")
        for name in ("%s.%s" % (team, ins["name"]) if team else ins["name"], "%s_%s" % (ins["zone"], ins["instance_id"])):
            expected.setdefault(name, ins["instance_id"])
    got = {h: v["instance_id"] for h, v in data["_meta"]["hostvars"].items()}
    check(got == expected, "names %s != %s" % (got, expected))
    check(any("." in n for n in got) and any(i["name"] in got for i in gz), "prefixed names and names alone")
    print("ok: %s" % ", ".join(sorted(got)[:4]) + ", ...")

    step("include_filters and exclude_filters: each set a query, united, then the excluded sets taken away")
    two = ["ap-guangzhou", "ap-beijing"]
    include = [{"instance-state": ["STOPPED", "SHUTDOWN"]}, {"tag:role": "db"}]
    exclude = [{"tag:role": "web", "zone": "ap-guangzhou-3"}, {"instance-state": "SHUTDOWN"}]
    data, dummy, dummy2 = inventory("sets", {"regions": two, "filters": {"tag:env": "prod"},
                                             "include_filters": include, "exclude_filters": exclude})
    mine = [i for i in instances if i["region"] in two]
    wanted = [i for i in mine
              if (i["state"] not in GONE and i["tags"].get("env") == "prod") or i["state"] in ("STOPPED", "SHUTDOWN")
              or (i["state"] not in GONE and i["tags"].get("role") == "db")]
    dropped = [i for i in wanted if (i["tags"].get("role") == "web" and i["zone"] == "ap-guangzhou-3") or i["state"] == "SHUTDOWN"]
    expected = sorted(i["instance_id"] for i in wanted if i not in dropped)
    check(hosts_of(data) == expected, "sets: %s != %s" % (hosts_of(data), expected))
    check(expected and dropped and any(i["state"] == "STOPPED" for i in wanted if i not in dropped), "the world exercises every set")
    sets = [{"tag:env": "prod"}] + include + exclude
    asked = sorted((c["region"], sorted((f["Name"], sorted(f["Values"])) for f in c["params"]["Filters"])) for c in calls("DescribeInstances"))
    want_asked = sorted((r, sorted((n, sorted(v if isinstance(v, list) else [v])) for n, v in f.items()))
                        for f in sets for r in two if "zone" not in f or f["zone"].startswith(r + "-"))
    check(asked == want_asked, "requests %s != %s" % (asked, want_asked))
    print("ok: %s from %d requests (%d instances dropped by exclude_filters)" % (", ".join(expected), len(asked), len(dropped)))

    step("a plain ansible-playbook over the inventory prints no warning; tags_variable: tags opts back in")
    core = tuple(int(p) for p in subprocess.run(["ansible-playbook", "--version"], env=ENV, capture_output=True, text=True,
                                                check=True).stdout.split("core ")[1].split("]")[0].split(".")[:2])
    for name, config, warns in (("plain", {"keyed_groups": [{"key": "qcloud_tags.env", "prefix": "env"}]}, False),
                                ("optin", {"tags_variable": "tags"}, core >= (2, 19))):
        with open(os.path.join(WORK, name + ".yml"), "w") as handle:  # each host's env tag, under the name asked for
            yaml.safe_dump([{"hosts": "qcloud_cvm", "gather_facts": False, "tasks": [{"ansible.builtin.debug": {
                "msg": "{{ inventory_hostname }} env={{ %s.env }}" % config.get("tags_variable", "qcloud_tags")}}]}], handle)
        play = subprocess.run(["ansible-playbook", "-i", write_config(name, config), os.path.join(WORK, name + ".yml")],
                              env=ENV, capture_output=True, text=True, timeout=300, check=False)
        OUTPUTS.extend([play.stdout, play.stderr])
        both = play.stdout + play.stderr
        check(play.returncode == 0, "%s: ansible-playbook exit %d: %s" % (name, play.returncode, both[-1500:]))
        recap = [line for line in play.stdout.splitlines() if " : ok=1 " in line]
        check(all('env=%s"' % i["tags"]["env"] in play.stdout for i in visible(instances)), "%s: the env tags shown" % name)
        check(len(recap) == len(visible(instances)), "%s: %d hosts ran the play, %d expected" % (name, len(recap), len(visible(instances))))
        if warns:
            check("Found variable using reserved name 'tags'" in both, "%s: ansible-core %s did not warn about tags" % (name, core))
        else:
            check("WARNING" not in both, "%s: a warning on ansible-core %s:\n%s" % (name, core, both[-1500:]))
        print("ok: %s: ansible-playbook ran on %d hosts, %s" % (name, len(recap), "warned about tags" if warns else "no warning"))

    step("examples/inventory.qcloud_cvm.yml as written (with the simulator's endpoint)")
    example = os.path.join(os.getcwd(), "../../../../examples/inventory.qcloud_cvm.yml")
    if "/tests/output/.tmp/" in os.getcwd() and not os.path.exists(example):  # ansible-test's copy has no examples/
        example = os.getcwd().split("/tests/output/.tmp/")[0] + "/examples/inventory.qcloud_cvm.yml"
    check(os.path.exists(example), "examples/inventory.qcloud_cvm.yml is missing")
    written = yaml.safe_load(open(example))
    data, dummy, dummy2 = inventory("example", dict(written, plugin="tencent.qcloud.qcloud_cvm"))
    mine = [i for i in instances if i["region"] in written["regions"]]
    chosen = [i for i in mine if ((i["state"] not in GONE and i["tags"].get("env") == "prod") or i["state"] == "STOPPED")
              and i["tags"].get("role") != "cache"]
    expected = names_first_free(chosen, lambda i: ["%s-%s" % (i["tags"]["env"], i["name"]) if "env" in i["tags"] else i["name"]])
    check({h: v["instance_id"] for h, v in data["_meta"]["hostvars"].items()} == expected, "example: %s" % hosts_of(data))
    check(members(data, "role_db") == sorted(h for h, i in expected.items() if next(x for x in chosen if x["instance_id"] == i)
                                             ["tags"].get("role") == "db"), "example: role_db")
    print("ok: %s" % ", ".join(sorted(expected)))

    step("filters that need splitting: 7 instance ids x 6 roles in two regions")
    ids = [i["instance_id"] for i in instances if i["region"] in ("ap-guangzhou", "ap-beijing")][:5] + \
        ["ins-bj000001", "ins-bj000003"]
    roles = ["web", "db", "cache", "batch", "queue", "proxy"]
    data, dummy, dummy2 = inventory("split", {"regions": ["ap-guangzhou", "ap-beijing"],
                                              "filters": {"instance-id": ids, "tag:role": roles}})
    expected = sorted(i["instance_id"] for i in visible(instances, ["ap-guangzhou", "ap-beijing"])
                      if i["instance_id"] in ids and i["tags"].get("role") in roles)
    check(hosts_of(data) == expected, "split: %s != %s" % (hosts_of(data), expected))
    sent = calls("DescribeInstances")
    check(all(len(c["params"]["Filters"]) <= 10 and all(len(f["Values"]) <= 5 for f in c["params"]["Filters"]) for c in sent),
          "a request broke Tencent's limits")
    check(len(sent) == 2 * math.ceil(len(ids) / 5) * math.ceil(len(roles) / 5), "%d requests" % len(sent))
    for region in ("ap-guangzhou", "ap-beijing"):
        asked = [(f["Name"], v) for c in sent if c["region"] == region for f in c["params"]["Filters"] for v in f["Values"]]
        check(sorted(set(asked)) == sorted({("instance-id", i) for i in ids} | {("tag:role", r) for r in roles}),
              "every value asked in " + region)
    print("ok: %s from %d requests of at most 5 values" % (", ".join(expected), len(sent)))

    step("eleven filters: two groups of requests, intersected")
    eleven = {"zone": "ap-guangzhou-3", "vpc-id": "vpc-gz000001", "subnet-id": "subnet-gz3a0001", "instance-state": "RUNNING",
              "instance-charge-type": "POSTPAID_BY_HOUR", "tag-key": "team", "tag-value": "blue", "tag:env": "prod",
              "tag:role": "web", "tag:team": "blue", "instance-name": "web"}
    data, dummy, dummy2 = inventory("eleven", {"regions": ["ap-guangzhou"], "filters": eleven})
    expected = sorted(i["instance_id"] for i in visible(instances, ["ap-guangzhou"])
                      if i["zone"] == "ap-guangzhou-3" and i["vpc_id"] == "vpc-gz000001" and i["subnet_id"] == "subnet-gz3a0001"
                      and i["state"] == "RUNNING" and i["charge_type"] == "POSTPAID_BY_HOUR" and "team" in i["tags"]
                      and "blue" in i["tags"].values() and i["tags"].get("env") == "prod" and i["tags"].get("role") == "web"
                      and i["tags"].get("team") == "blue" and "web" in i["name"])
    check(hosts_of(data) == expected and expected, "eleven: %s != %s" % (hosts_of(data), expected))
    check(sorted(len(c["params"]["Filters"]) for c in calls("DescribeInstances")) == [1, 10], "groups of 10")
    print("ok: %s" % ", ".join(expected))

    step("several regions given: no DescribeRegions, only theirs")
    data, dummy, dummy2 = inventory("regions", {"regions": ["ap-shanghai", "ap-beijing"]})
    check(hosts_of(data) == sorted(i["instance_id"] for i in visible(instances, ["ap-shanghai", "ap-beijing"])), "regions")
    check(not calls("DescribeRegions") and sorted(c["region"] for c in calls()) == ["ap-beijing", "ap-shanghai"], "calls")
    for ins in visible(instances, ["ap-shanghai", "ap-beijing"]):
        check(data["_meta"]["hostvars"][ins["instance_id"]]["ansible_host"] == ins["private"][0], "ansible_host: the first private")
    print("ok: %d hosts, ansible_host their first private address" % len(hosts_of(data)))

    step("include_network_interfaces: the hosts' ENIs in batches of 5 instances")
    data, dummy, dummy2 = inventory("enis", {"regions": ["ap-guangzhou"], "include_network_interfaces": True})
    gz = visible(instances, ["ap-guangzhou"])
    for ins in gz:
        enis = data["_meta"]["hostvars"][ins["instance_id"]]["network_interfaces"]
        expected = sorted(e["eni_id"] for e in state["enis"] if e["instance_id"] == ins["instance_id"])
        check(sorted(e["network_interface_id"] for e in enis) == expected, "ENIs of " + ins["instance_id"])
        check(enis[0]["primary"] and enis[0]["attachment"]["instance_id"] == ins["instance_id"], "primary first")
    dni = calls("DescribeNetworkInterfaces")
    check(len(dni) == math.ceil(len(gz) / 5), "%d DescribeNetworkInterfaces for %d hosts" % (len(dni), len(gz)))
    check(all(c["params"]["Filters"][0]["Name"] == "attachment.instance-id" and len(c["params"]["Filters"][0]["Values"]) <= 5
              for c in dni), "batched by attachment.instance-id")
    print("ok: %d hosts' ENIs in %d calls" % (len(gz), len(dni)))

    step("cache: a hit makes no API call; the key changes with the query; --flush-cache asks again")
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": os.path.join(WORK, "cache"),
             "cache_timeout": 600}
    inventory("cached", dict(cache, regions=["ap-guangzhou"]))
    check(len(calls("DescribeInstances")) == 1, "the first run asks")
    data, dummy, dummy2 = inventory("cached", dict(cache, regions=["ap-guangzhou"], hostnames=["instance-name"],
                                                   keyed_groups=[{"key": "zone"}]))
    check(calls() == [], "a cache hit called %s" % [c["action"] for c in calls()])
    check(len(hosts_of(data)) == len(visible(instances, ["ap-guangzhou"])) and "web-1" in hosts_of(data), "hosts from the cache")
    inventory("cached", dict(cache, regions=["ap-guangzhou"], filters={"tag:env": "prod"}))
    check(len(calls("DescribeInstances")) == 1, "another query misses the cache")
    if "--flush-cache" in subprocess.run(["ansible-inventory", "--help"], env=ENV, capture_output=True, text=True,
                                         check=False).stdout:
        inventory("cached", dict(cache, regions=["ap-guangzhou"]), "--flush-cache")
    else:  # ansible-core 2.16: only ansible-playbook has --flush-cache
        sim("DELETE", "/_sim/requests")
        proc = subprocess.run(["ansible-playbook", "-i", write_config("cached", dict(cache, regions=["ap-guangzhou"])),
                               "--flush-cache", os.path.join(WORK, "noop.yml")], env=ENV, capture_output=True, text=True,
                              check=False, input=None) if write_noop() else None
        OUTPUTS.extend([proc.stdout, proc.stderr])
        check(proc.returncode == 0, "ansible-playbook --flush-cache failed: " + proc.stdout[-1000:])
    check(len(calls("DescribeInstances")) == 1, "--flush-cache asks again")
    for name in os.listdir(os.path.join(WORK, "cache")):
        check(SECRET_KEY not in open(os.path.join(WORK, "cache", name)).read(), "the secret key in the cache")
    print("ok: %d cache files, no key in them" % len(os.listdir(os.path.join(WORK, "cache"))))

    step("errors: bad keys and a bad filter give one sentence with the API code, no traceback")
    wrong = "wrongKey0123456789wrongKey012345"
    for name, env, config, code, words in (
        ("badkey", {"TENCENTCLOUD_SECRET_KEY": wrong}, {"regions": ["ap-guangzhou"]}, "AuthFailure.SignatureFailure",
         "rejected the request signature"),
        ("badid", {"TENCENTCLOUD_SECRET_ID": "AKIDNOSUCHKEY000000000000000000000000"}, {}, "AuthFailure.SecretIdNotFound",
         "does not know secret_id AKID****0000"),  # shown masked
        ("badfilter", {}, {"regions": ["ap-guangzhou"], "filters": {"flavour": "vanilla"}}, "InvalidFilter",
         "does not accept a filter of DescribeInstances"),
    ):
        # as AWX runs it (the source fails the update); else ansible-inventory only warns
        strict = name != "badfilter"
        dummy, err, rc = inventory(name, config, env=dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED=str(strict).lower()), ok=False)
        err = " ".join(err.split())  # ansible-core 2.16 wraps warnings at the terminal's width
        check((rc != 0) == strict, "%s: ansible-inventory exit %d" % (name, rc))
        check(code in err and words in err and "request id" in err, "%s: %s" % (name, err.replace(SECRET_KEY, "<key>")))
        check("Traceback" not in err and wrong not in err, "%s: a traceback or the key" % name)
        print("ok: %s -> %s" % (name, code))

    step("a large account: 500 more instances over 3 regions, 100 a page")
    sim("POST", "/_sim/world/generate", {"instances": 500, "regions": 3})
    state, regions, instances = world()
    data, dummy, dummy2 = inventory("large", {})
    want = visible(instances)
    check(hosts_of(data) == sorted(i["instance_id"] for i in want), "large: %d hosts, %d expected" % (len(hosts_of(data)), len(want)))
    pages = sum(math.ceil(sum(1 for i in instances if i["region"] == r) / 100) for r in regions)
    sent = calls("DescribeInstances")
    check(len(sent) == pages and all(c["params"]["Limit"] == 100 for c in sent), "%d pages, %d expected" % (len(sent), pages))
    print("ok: %d hosts in %d pages" % (len(want), len(sent)))

    for text in OUTPUTS:
        check(SECRET_KEY not in text, "the secret key appears in an output")
    print("ok: %d outputs, no secret key" % len(OUTPUTS))


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
        sim("POST", "/_sim/reset", {})
