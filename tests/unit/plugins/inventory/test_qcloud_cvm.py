# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin through parse(), loaded by ansible's own plugin loader (its options,
defaults and doc fragments are the real ones): host names, variables, constructed, the cache
and its key, errors. The cloud is the simulator in-process (fixtures/sim.py)."""

from __future__ import annotations

import os
import types

import pytest
import requests
import yaml

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.tencent.qcloud.plugins.module_utils import _client
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import (
    DEFAULT_SECRET_ID as SECRET_ID,
    DEFAULT_SECRET_KEY as SECRET_KEY,
    api_log,
    cvm_eni as eni,
    cvm_instance as instance,
    load_cvm,
)

_COLLECTIONS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "..", ".."))


def load_plugin():
    plugin = inventory_loader.get("tencent.qcloud.qcloud_cvm")
    if plugin is None:  # plain pytest: ansible's collection loader is not set up yet
        from ansible.plugins.loader import init_plugin_loader

        init_plugin_loader([_COLLECTIONS])
        plugin = inventory_loader.get("tencent.qcloud.qcloud_cvm")
    assert plugin is not None, "the plugin could not be loaded"
    return plugin


INSTANCES = [
    instance(1, name="web-1", tags={"env": "prod", "role": "web", "Name": "alpha"}, public=["203.0.113.1"]),
    instance(2, name="web-2", tags={"env": "prod", "role": "web"}, zone="ap-guangzhou-4"),
    instance(3, name="db-1", tags={"env": "dev", "role": "db"}),
    instance(4, name="web-1", tags={"env": "dev"}, state="STOPPED"),  # the same name as ins-c0000001
    instance(5, name="old", state="SHUTDOWN"),
    instance(6, region="ap-shanghai", name="sh-1", tags={"env": "prod"}),
]
REGIONS = [{"region": "ap-guangzhou", "zones": ["ap-guangzhou-3", "ap-guangzhou-4"]}, {"region": "ap-shanghai", "zones": ["ap-shanghai-2"]}]


class Cloud:
    """The simulator with INSTANCES, and what it was asked (``calls``, ``of(action)``)."""

    def __init__(self, sim, instances=None):
        self.sim = sim
        enis = [eni(1, "eni-p0000001", "ins-c0000001"), eni(2, "eni-s0000001", "ins-c0000001", primary=False, device_index=1)]
        load_cvm(sim, INSTANCES if instances is None else instances, enis, REGIONS)

    @property
    def calls(self):
        return api_log(self.sim)

    def of(self, action):
        return api_log(self.sim, action)


@pytest.fixture
def cloud(bare_sim, monkeypatch):
    # the inventory makes its clients through _connection, not QcloudModule.client_factory: its sessions are the simulator's
    monkeypatch.setattr(_client, "requests", types.SimpleNamespace(Session=lambda: bare_sim.session, exceptions=requests.exceptions))
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    return Cloud(bare_sim)


@pytest.fixture
def parse(tmp_path):
    """parse(**config) -> the InventoryData, from a config file written in tmp_path; use_cache=False
    is ansible-inventory --flush-cache."""

    def run(name="test.qcloud_cvm.yml", use_cache=True, **config):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(dict({"plugin": "tencent.qcloud.qcloud_cvm", "api_endpoint": "https://sim.example"}, **config)))
        inventory = InventoryData()
        plugin = load_plugin()
        assert plugin.verify_file(str(path))
        plugin.parse(inventory, DataLoader(), str(path), cache=use_cache)
        if getattr(plugin, "_cache", None):  # what ansible's InventoryManager does after each source
            plugin.update_cache_if_changed()
        return inventory

    return run


def hosts(inventory):
    return sorted(inventory.hosts)


def hostvars(inventory, name):
    return inventory.get_host(name).get_vars()


def test_verify_file_takes_only_its_names(tmp_path):
    plugin = load_plugin()
    for name, ok in (("a.qcloud_cvm.yml", True), ("qcloud_cvm.yaml", True), ("a.aws_ec2.yml", False), ("a.yml", False)):
        (tmp_path / name).write_text("plugin: tencent.qcloud.qcloud_cvm\n")
        assert plugin.verify_file(str(tmp_path / name)) is ok, name


def test_every_region_by_default_gone_instances_left_out(cloud, parse):
    inventory = parse()
    assert hosts(inventory) == ["ins-c0000001", "ins-c0000002", "ins-c0000003", "ins-c0000004", "ins-c0000006"]
    assert [c["action"] for c in cloud.calls].count("DescribeRegions") == 1
    assert sorted(c["region"] for c in cloud.of("DescribeInstances")) == ["ap-guangzhou", "ap-shanghai"]
    assert sorted(h.name for h in inventory.groups["qcloud_cvm"].get_hosts()) == hosts(inventory)


def test_host_variables_and_ansible_host(cloud, parse):
    inventory = parse(regions=["ap-guangzhou"])
    v = hostvars(inventory, "ins-c0000001")
    assert v["ansible_host"] == "10.0.0.3"
    assert v["instance_name"] == "web-1" and v["region"] == "ap-guangzhou" and v["zone"] == "ap-guangzhou-3"
    assert v["qcloud_tags"] == {"env": "prod", "role": "web", "Name": "alpha"} and "tags" not in v
    assert v["public_ip_addresses"] == ["203.0.113.1"] and v["security_group_ids"] == ["sg-web00001"]
    assert "network_interfaces" not in v
    assert [c["region"] for c in cloud.calls] == ["ap-guangzhou"]  # regions given: no DescribeRegions


@pytest.mark.parametrize("hostnames,expected", [
    (["instance-name"], {"web-1": "ins-c0000001", "web-2": "ins-c0000002", "db-1": "ins-c0000003",
                         "ins-c0000004": "ins-c0000004"}),  # the second web-1 falls back to its id
    (["tag:Name", "instance-name"], {"alpha": "ins-c0000001", "web-2": "ins-c0000002", "db-1": "ins-c0000003",
                                     "web-1": "ins-c0000004"}),
    (["public-ip", "private-ip"], {"203.0.113.1": "ins-c0000001", "10.0.0.4": "ins-c0000002", "10.0.0.5": "ins-c0000003",
                                   "10.0.0.6": "ins-c0000004"}),
    (["{{ qcloud_tags.role }}-{{ instance_id[-1] }}", "instance-id"],
     {"web-1": "ins-c0000001", "web-2": "ins-c0000002", "db-3": "ins-c0000003", "ins-c0000004": "ins-c0000004"}),
])
def test_hostname_preferences(cloud, parse, hostnames, expected):
    inventory = parse(regions=["ap-guangzhou"], hostnames=hostnames)
    assert {h: hostvars(inventory, h)["instance_id"] for h in hosts(inventory)} == expected


def test_allow_duplicated_hosts_adds_every_name(cloud, parse):
    inventory = parse(regions=["ap-guangzhou"], hostnames=["tag:Name", "instance-name", "instance-id"],
                      allow_duplicated_hosts=True, filters={"instance-id": "ins-c0000001"})
    assert hosts(inventory) == ["alpha", "ins-c0000001", "web-1"]


def test_a_bad_hostname_preference_fails_before_any_call(cloud, parse):
    with pytest.raises(AnsibleParserError) as exc:
        parse(hostnames=["dns-name"])
    assert "The hostnames entry 'dns-name' is not one of instance-id" in str(exc.value)
    assert cloud.calls == []


def test_prefix_suffix_compose_and_keyed_groups(cloud, parse):
    inventory = parse(
        regions=["ap-guangzhou"], hostvars_prefix="qc_", hostvars_suffix="_x",
        compose={"ansible_host": "qc_public_ip_addresses_x[0] | default(qc_private_ip_addresses_x[0])"},
        keyed_groups=[{"key": "qc_qcloud_tags_x.env", "prefix": "env"}, {"key": "qc_zone_x", "prefix": "zone"}],
        groups={"web": "'web' in qc_instance_name_x"},
    )
    v = hostvars(inventory, "ins-c0000001")
    assert "instance_id" not in v and v["qc_instance_id_x"] == "ins-c0000001"
    assert v["ansible_host"] == "203.0.113.1" and hostvars(inventory, "ins-c0000002")["ansible_host"] == "10.0.0.4"
    members = {g: sorted(h.name for h in inventory.groups[g].get_hosts()) for g in inventory.groups}
    assert members["env_prod"] == ["ins-c0000001", "ins-c0000002"]
    assert members["env_dev"] == ["ins-c0000003", "ins-c0000004"]
    assert members["zone_ap_guangzhou_4"] == ["ins-c0000002"]
    assert members["web"] == ["ins-c0000001", "ins-c0000002", "ins-c0000004"]


def test_network_interfaces(cloud, parse):
    inventory = parse(regions=["ap-guangzhou"], include_network_interfaces=True)
    enis = hostvars(inventory, "ins-c0000001")["network_interfaces"]
    assert [e["network_interface_id"] for e in enis] == ["eni-p0000001", "eni-s0000001"]
    assert hostvars(inventory, "ins-c0000002")["network_interfaces"] == []
    assert len(cloud.of("DescribeNetworkInterfaces")) == 1


def cached(tmp_path, **more):
    return dict({"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
                 "cache_timeout": 600}, **more)


def test_cache_hit_makes_no_call(cloud, parse, tmp_path):
    first = parse(**cached(tmp_path, regions=["ap-guangzhou"]))
    calls = len(cloud.calls)
    second = parse(**cached(tmp_path, regions=["ap-guangzhou"], hostnames=["instance-name"],
                            keyed_groups=[{"key": "zone"}]))
    assert len(cloud.calls) == calls, "a cache hit called the API"
    assert len(hosts(second)) == len(hosts(first)) and "web-2" in hosts(second)
    assert not any(SECRET_KEY in p.read_text() for p in (tmp_path / "cache").iterdir())


def test_cache_key_changes_with_the_query(cloud, parse, tmp_path):
    parse(**cached(tmp_path, regions=["ap-guangzhou"]))
    calls = len(cloud.calls)
    narrowed = parse(**cached(tmp_path, regions=["ap-guangzhou"], filters={"tag:role": "web"}))
    assert len(cloud.calls) == calls + 1 and hosts(narrowed) == ["ins-c0000001", "ins-c0000002"]
    parse(**cached(tmp_path, regions=["ap-guangzhou", "ap-shanghai"]))
    assert len(cloud.calls) == calls + 3
    parse(**cached(tmp_path, regions=["ap-guangzhou"], include_network_interfaces=True))
    assert len(cloud.of("DescribeNetworkInterfaces")) == 1
    # and a flush (ansible-inventory --flush-cache) asks again
    parse(use_cache=False, **cached(tmp_path, regions=["ap-guangzhou"]))
    assert len(cloud.calls) == calls + 6


def test_without_cache_every_run_asks(cloud, parse):
    parse(regions=["ap-guangzhou"])
    parse(regions=["ap-guangzhou"])
    assert len(cloud.of("DescribeInstances")) == 2


def test_bad_keys_one_sentence_with_the_code(cloud, parse, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "wrong")  # the simulator checks the signature with the real key
    with pytest.raises(AnsibleParserError) as exc:
        parse(regions=["ap-guangzhou"])
    text = str(exc.value)
    (call,) = cloud.calls
    assert "rejected the request signature" in text and "AuthFailure.SignatureFailure" in text and call["request_id"] in text
    assert "environment (TENCENTCLOUD_SECRET_ID)" in text and "wrong" not in text


def test_a_filter_the_api_refuses(cloud, parse):
    with pytest.raises(AnsibleParserError) as exc:
        parse(regions=["ap-guangzhou"], filters={"flavour": "x"})
    assert "does not accept a filter" in str(exc.value) and "InvalidFilter" in str(exc.value)


@pytest.mark.parametrize("config,needle", [
    ({"filters": {"zone": []}}, "Filter zone has no value"),
    ({"regions": ["Guangzhou"]}, "regions must look like ap-guangzhou"),
    ({"api_endpoint": "sim.example"}, "api_endpoint must be an http(s) URL"),
    ({"api_timeout": 0}, "api_timeout must be greater than 0"),
])
def test_bad_options_fail_before_any_call(cloud, parse, config, needle):
    with pytest.raises(AnsibleParserError) as exc:
        parse(**config)
    assert needle in str(exc.value)
    assert cloud.calls == []


def test_keys_in_the_file_win_and_templates_are_rendered(cloud, parse, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDother")
    monkeypatch.setenv("QCLOUD_TEST_KEY", SECRET_KEY)
    inventory = parse(regions=["ap-guangzhou"], secret_id=SECRET_ID, secret_key="{{ lookup('env', 'QCLOUD_TEST_KEY') }}")
    assert len(hosts(inventory)) == 4


def test_instance_names_are_never_templated(cloud, parse, bare_sim):
    Cloud(bare_sim, [dict(INSTANCES[0], name="{{ 7 * 6 }}")] + INSTANCES[1:])
    inventory = parse(regions=["ap-guangzhou"], hostnames=["instance-name"], compose={"shown": "instance_name"})
    assert "{{ 7 * 6 }}" in hosts(inventory)
    assert hostvars(inventory, "{{ 7 * 6 }}")["shown"] == "{{ 7 * 6 }}"


def test_include_and_exclude_filter_sets(cloud, parse):
    """filters OR each include set, minus every exclude set; each set its own query, each instance once."""
    inventory = parse(regions=["ap-guangzhou"], filters={"tag:role": "web"},
                      include_filters=[{"tag:env": "dev"}, {"instance-state": "SHUTDOWN"}],
                      exclude_filters=[{"instance-name": "web-1", "tag:env": "dev"}])
    # web: 1, 2; dev: 3, 4; SHUTDOWN: 5; excluded: 4 (web-1 and dev)
    assert hosts(inventory) == ["ins-c0000001", "ins-c0000002", "ins-c0000003", "ins-c0000005"]
    sent = [sorted((f["Name"], tuple(f["Values"])) for f in c["params"].get("Filters") or []) for c in cloud.of("DescribeInstances")]
    assert sorted(sent) == sorted([[("tag:role", ("web",))], [("tag:env", ("dev",))], [("instance-state", ("SHUTDOWN",))],
                                   [("instance-name", ("web-1",)), ("tag:env", ("dev",))]])


def test_include_filters_alone_and_exclude_alone(cloud, parse):
    assert hosts(parse(regions=["ap-guangzhou"], include_filters=[{"tag:env": "dev"}])) == ["ins-c0000003", "ins-c0000004"]
    assert hosts(parse(regions=["ap-guangzhou"], exclude_filters=[{"tag:env": "prod"}])) == ["ins-c0000003", "ins-c0000004"]


@pytest.mark.parametrize("config,needle", [
    ({"include_filters": ["tag:env=prod"]}, "The option include_filters must be a list of filter sets"),
    ({"exclude_filters": [{}]}, "The option exclude_filters must be a list of filter sets"),
    ({"include_filters": [{"tag:env": []}]}, "Filter tag:env has no value"),
    ({"hostnames": [{"prefix": "tag:env"}]}, "name is missing"),
    ({"hostnames": [{"name": "instance-name", "sep": "-"}]}, "sep is not one of them"),
    ({"hostnames": [{"name": "dns-name"}]}, "The hostnames entry 'dns-name' is not one of"),
    ({"hostnames": [7]}, "must be a string or a dictionary"),
    ({"tags_variable": "qcloud-tags"}, "The option tags_variable must be a variable name"),
])
def test_bad_new_options_fail_before_any_call(cloud, parse, config, needle):
    with pytest.raises(AnsibleParserError) as exc:
        parse(**config)
    assert needle in str(exc.value)
    assert cloud.calls == []


def test_hostnames_dict_form(cloud, parse):
    inventory = parse(regions=["ap-guangzhou"], hostnames=[
        {"name": "instance-name", "prefix": "tag:role", "separator": "-"},  # 4 has no role: its name alone
        {"name": "instance-id", "prefix": "{{ zone }}"}])
    got = {h: hostvars(inventory, h)["instance_id"] for h in hosts(inventory)}
    assert got == {"web-web-1": "ins-c0000001", "web-web-2": "ins-c0000002", "db-db-1": "ins-c0000003",
                   "web-1": "ins-c0000004"}
    inventory = parse(regions=["ap-guangzhou"], filters={"instance-id": "ins-c0000002"},
                      hostnames=[{"name": "instance-id", "prefix": "zone-{{ zone }}"}])
    assert hosts(inventory) == ["zone-ap-guangzhou-4_ins-c0000002"]


def test_tags_variable_opt_in_and_the_cache_keeps_api_records(cloud, parse, tmp_path):
    first = parse(**cached(tmp_path, regions=["ap-guangzhou"], tags_variable="tags", hostnames=["{{ tags.env }}-{{ instance_id }}"]))
    assert hostvars(first, "prod-ins-c0000001")["tags"]["role"] == "web"
    calls = len(cloud.calls)
    second = parse(**cached(tmp_path, regions=["ap-guangzhou"], hostnames=["tag:env", "instance-id"]))
    assert len(cloud.calls) == calls, "tags_variable changed the cache key"
    v = hostvars(second, "prod")
    assert v["qcloud_tags"] == {"env": "prod", "role": "web", "Name": "alpha"} and "tags" not in v


def test_cache_key_changes_with_filter_sets(cloud, parse, tmp_path):
    parse(**cached(tmp_path, regions=["ap-guangzhou"]))
    calls = len(cloud.calls)
    assert hosts(parse(**cached(tmp_path, regions=["ap-guangzhou"], exclude_filters=[{"tag:env": "dev"}]))) == [
        "ins-c0000001", "ins-c0000002"]
    assert len(cloud.calls) == calls + 2
    parse(**cached(tmp_path, regions=["ap-guangzhou"], include_filters=[{"tag:env": "dev"}]))
    assert len(cloud.calls) == calls + 3
