# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The documentation that is written more than once says what the code does.

* The ENI record is documented in the RETURN of three modules: each copy names exactly the keys
  of the record the normalisers make of real API 3.0 and 2.0 answers, with their types.
* The two doc fragments are literal texts: the modules' one documents CONNECTION_ARGUMENT_SPEC,
  the plugins' one the options the inventory plugin reads, with the same types and defaults.
"""

from __future__ import annotations

import importlib

import pytest
import yaml

# The ENI record's one home.
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import normalise_v2, normalise_v3

from ansible_collections.tencent.qcloud.plugins.doc_fragments.qcloud import ModuleDocFragment
from ansible_collections.tencent.qcloud.plugins.module_utils._module import CONNECTION_ARGUMENT_SPEC
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import payloads as P

# The payloads' attached ENI (every documented field), with a tag so that ``tags`` is filled.
V3_ITEM = dict(P.V3_ENI_ATTACHED, TagSet=[{"Key": "owner", "Value": "web-team"}])
# The same ENI as API 2.0's DescribeNetworkInterfaces gives it (newer shape: instanceSet an object).
V2_ITEM = {
    "vpcId": "vpc-7t9nf3pu",
    "subnetId": "subnet-gz3a0001",
    "zoneId": 100003,
    "networkInterfaceId": "eni-m6dyj72l",
    "eniName": "web-secondary",
    "eniDescription": "second leg of web-1",
    "primary": False,
    "macAddress": "20:90:6F:00:00:01",
    "createTime": "2017-12-10 10:01:02",
    "privateIpAddressesSet": [
        {"privateIpAddress": "10.0.3.11", "primary": True, "wanIp": "", "eipId": "", "description": ""},
        {"privateIpAddress": "10.0.3.12", "primary": False, "wanIp": "", "eipId": "", "description": ""},
    ],
    "groupSet": [{"sgId": "sg-a1b2c3d4", "sgName": "default", "sgRemark": ""}],
    "instanceSet": {"instanceId": "ins-xx44545f", "attachTime": "2017-12-12 11:55:07"},
}

# Where each module documents the record: (module, RETURN key, API versions it speaks).
COPIES = [
    ("qcloud_eni", "network_interface", ("3.0",)),
    ("qcloud_eni_attach", "network_interface", ("3.0", "2.0")),
    ("qcloud_eni_info", "network_interfaces", ("3.0", "2.0")),
]
TYPES = {"str": str, "int": int, "bool": bool, "list": list, "dict": dict}


def documented(module, key):
    mod = importlib.import_module("ansible_collections.tencent.qcloud.plugins.modules." + module)
    return yaml.safe_load(mod.RETURN)[key]


def records(versions):
    made = {"3.0": normalise_v3(V3_ITEM), "2.0": normalise_v2(V2_ITEM)}
    return [(version, made[version]) for version in versions]


def type_errors(doc, record, where):
    """Each documented key of ``doc`` (a ``contains``) against the record's value: its type, when set."""
    errors = []
    for name, entry in doc.items():
        value = record[name]
        if value is None:
            continue
        if not isinstance(value, TYPES[entry["type"]]) or (entry["type"] == "int" and isinstance(value, bool)):
            errors.append("%s.%s is documented as %s, the record holds %r" % (where, name, entry["type"], value))
        if entry["type"] == "list" and "elements" in entry:
            errors += ["%s.%s[] is documented as %s, the record holds %r" % (where, name, entry["elements"], item)
                       for item in value if not isinstance(item, TYPES[entry["elements"]])]
    return errors


def test_the_record_has_every_key_in_both_api_versions():
    assert set(normalise_v3(V3_ITEM)) == set(normalise_v2(V2_ITEM))
    assert set(normalise_v3(V3_ITEM)["attachment"]) == set(normalise_v2(V2_ITEM)["attachment"])


@pytest.mark.parametrize("module, key, versions", COPIES, ids=[copy[0] for copy in COPIES])
def test_each_copy_of_the_eni_record_documents_the_record(module, key, versions):
    doc = documented(module, key)
    assert doc["type"] == ("list" if key.endswith("s") else "dict")
    contains = doc["contains"]
    for version, record in records(versions):
        where = "%s RETURN %s (API %s)" % (module, key, version)
        assert sorted(contains) == sorted(record), "%s: the keys differ from the record's" % where
        assert sorted(contains["attachment"]["contains"]) == sorted(record["attachment"]), where
        assert type_errors(contains, record, where) == []
        assert type_errors(contains["attachment"]["contains"], record["attachment"], where + " attachment") == []


@pytest.mark.parametrize("module, key, versions", COPIES, ids=[copy[0] for copy in COPIES])
def test_a_copy_speaks_only_of_the_api_versions_its_module_speaks(module, key, versions):
    text = yaml.safe_dump(documented(module, key)["contains"])
    if "2.0" in versions:
        assert "this module speaks API 3.0" not in text, module
        for name in ("zone", "zone_id", "state", "tags"):
            assert "API 2.0" in str(documented(module, key)["contains"][name]["description"]), (module, name)
    else:
        assert "as this module speaks API 3.0" in str(documented(module, key)["contains"]["zone_id"]["description"])


def test_the_modules_fragment_documents_the_connection_argument_spec():
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert list(options) == list(CONNECTION_ARGUMENT_SPEC)
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        assert options[name]["type"] == spec["type"], name
        assert options[name].get("default") == spec.get("default"), name
        assert options[name].get("choices") == spec.get("choices"), name


def test_the_plugins_fragment_documents_what_the_inventory_reads():
    inventory = importlib.import_module("ansible_collections.tencent.qcloud.plugins.inventory.qcloud_cvm")
    modules = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    plugins = yaml.safe_load(ModuleDocFragment.PLUGINS)
    assert list(plugins["options"]) == list(inventory.CONNECTION_OPTIONS)
    assert set(plugins["options"]) == set(modules["options"]) - {"api_version"}
    assert plugins["options"]["security_token"]["env"] == [{"name": "TENCENTCLOUD_SECURITY_TOKEN"},
                                                           {"name": "TENCENTCLOUD_TOKEN"}]
    for name, option in plugins["options"].items():
        assert {k: v for k, v in option.items() if k not in ("description", "env")} == \
            {k: v for k, v in modules["options"][name].items() if k != "description"}, name
    text = yaml.safe_dump(plugins).lower()
    assert "module" not in text and "wait_timeout" not in text
