"""Write a playbook whose tasks are the EXAMPLES of the given modules, in order, as ansible-doc shows them.

Usage: extract_examples.py OUT.yml FQCN...
The play sets only api_endpoint and ca_bundle (for the simulator) through module_defaults;
everything else comes from the examples themselves and the environment.
"""
import json
import subprocess
import sys

import yaml


def examples(fqcn):
    doc = json.loads(subprocess.check_output(["ansible-doc", "-t", "module", "--json", fqcn]))
    return yaml.safe_load(doc[fqcn]["examples"])


def main():
    out, modules = sys.argv[1], sys.argv[2:]
    tasks = []
    for fqcn in modules:
        tasks.extend(examples(fqcn))
    play = [{
        "name": "The modules' EXAMPLES, as written",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/tencent.qcloud.qcloud": {
            "api_endpoint": "{{ qcloud_endpoint }}",
            "ca_bundle": "{{ qcloud_ca_bundle }}",
        }},
        "tasks": tasks,
    }]
    with open(out, "w") as handle:
        yaml.safe_dump(play, handle, sort_keys=False)


if __name__ == "__main__":
    main()
