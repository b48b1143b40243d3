# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of item 8 (bench only, not shipped): an inventory plugin that adds the hosts qcloud_cvm adds, with
the same variables (the instance records of qcloud_cvm's cache, read from a JSON file), and does nothing else:
add_host and set_variable, as every inventory plugin must. Enabled by bench/inventory.py with
ANSIBLE_INVENTORY_PLUGINS=bench/floor_inventory and ANSIBLE_INVENTORY_ENABLED=bench_floor.

    # records.bench_floor.yml
    plugin: bench_floor
    records: /path/to/records.json
"""

from __future__ import annotations

import json
import time

from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.utils.display import Display

display = Display()


class InventoryModule(BaseInventoryPlugin):
    NAME = "bench_floor"

    def verify_file(self, path):
        return path.endswith("bench_floor.yml")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        started = time.monotonic()
        with open(loader.load_from_file(path)["records"]) as fh:
            records = json.load(fh)
        read = time.monotonic()
        inventory.add_group("qcloud_cvm")
        for record in records:
            name = record["instance_id"]
            inventory.add_host(name, group="qcloud_cvm")
            for key, value in record.items():
                inventory.set_variable(name, key, value)
            if record["private_ip_addresses"]:
                inventory.set_variable(name, "ansible_host", record["private_ip_addresses"][0])
        display.vvv("bench_floor: %d instances read in %.3f s, hosts made in %.3f s"
                    % (len(records), read - started, time.monotonic() - read))
