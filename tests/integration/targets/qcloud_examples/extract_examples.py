"""Write a playbook of the EXAMPLES of the given modules, in order, as ansible-doc shows them, then
the README's playbook (its section "A playbook"), from the default world again.

Usage: extract_examples.py OUT.yml FQCN...
The plays add only api_endpoint and ca_bundle (for the simulator) to module_defaults; everything
else comes from the examples, the README and the environment. Between the two, the simulator is
reset (POST {{ qcloud_sim_url }}/_sim/reset), since the README's ids are those of the default world.
"""
import json
import os
import subprocess
import sys

import yaml

GROUP = "group/tencent.qcloud.qcloud"
SIMULATOR = {"api_endpoint": "{{ qcloud_endpoint }}", "ca_bundle": "{{ qcloud_ca_bundle }}"}


def doc(fqcn):
    return json.loads(subprocess.check_output(["ansible-doc", "-t", "module", "--json", fqcn]))[fqcn]


def readme_plays(module_file):
    """The plays of the first yaml block under '## A playbook' in the collection's README.md."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(module_file)))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    section = text.split("\n## A playbook\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    plays = yaml.safe_load(block)
    for play in plays:
        play.setdefault("module_defaults", {}).setdefault(GROUP, {}).update(SIMULATOR)
    return plays


def main():
    out, modules = sys.argv[1], sys.argv[2:]
    docs = [doc(fqcn) for fqcn in modules]
    tasks = []
    for item in docs:
        tasks.extend(yaml.safe_load(item["examples"]))
    plays = [{
        "name": "The modules' EXAMPLES, as written",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {GROUP: dict(SIMULATOR)},
        "tasks": tasks,
    }, {
        "name": "Back to the default world for the README's playbook",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{"name": "Reset the simulator", "ansible.builtin.uri": {
            "url": "{{ qcloud_sim_url }}/_sim/reset", "method": "POST", "ca_path": "{{ qcloud_ca_bundle }}",
            "body_format": "json", "body": {}}}],
    }]
    plays.extend(readme_plays(docs[0]["doc"]["filename"]))
    with open(out, "w") as handle:
        yaml.safe_dump(plays, handle, sort_keys=False)


if __name__ == "__main__":
    main()
