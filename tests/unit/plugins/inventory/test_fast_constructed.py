# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The differential test of plugins/plugin_utils/_fast_constructed.py: for generated hosts and a generated
set of compose, groups and keyed_groups expressions (paths, filters, comparisons, and tricky ones that
must fall back to ansible-core), the fast plan and ansible-core's own Constructable (of the ansible-core
running the test: 2.21 in `make test`'s units, 2.16 in its oldest-core step) make the same groups, the
same memberships, the same host variables (types included: unsafe text stays unsafe) and the same errors."""

from __future__ import annotations

import itertools
import random

import pytest

from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.tencent.qcloud.plugins.inventory import qcloud_cvm
from ansible_collections.tencent.qcloud.plugins.plugin_utils import _fast_constructed as fast
from ansible_collections.tencent.qcloud.tests.unit.plugins.inventory.test_qcloud_cvm import load_plugin

TEXT = ["prod", "", "Dev Ops", "évolution-東京", "{{ lookup('env', 'HOME') }}", "[1, 2]", "{'a': 1}", "True", "a.b-c/d",
        "None", "42", " spaced ", "UPPER", "x" * 40]
SCALAR = TEXT + [None, 0, 7, -1, 2.5, True, False]


def _value(rng, depth=0):
    pick = rng.random()
    if depth < 2 and pick < 0.12:
        return [_value(rng, depth + 1) for dummy in range(rng.randint(0, 3))]
    if depth < 2 and pick < 0.22:
        return {rng.choice(["env", "k", "été", "a b"]): _value(rng, depth + 1) for dummy in range(rng.randint(0, 3))}
    return rng.choice(SCALAR)


def hosts(count=30, seed=20):
    """Records like the plugin's, with keys missing, lists, dicts, empty strings, None, non-ASCII, template-like
    text, numbers and booleans; the first few are systematic, the rest random (fixed seed)."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        tags = {}
        if i % 4 != 3:  # every fourth host has no env tag
            tags["env"] = TEXT[i % len(TEXT)] if i < len(TEXT) else _value(rng)
        if rng.random() < 0.6:
            tags["role"] = rng.choice(TEXT)
        if rng.random() < 0.3:
            tags["count"] = _value(rng)
        record = {
            "instance_id": "ins-%08d" % i,
            "instance_name": rng.choice(TEXT),
            "instance_state": rng.choice(["RUNNING", "STOPPED", "running", ""]),
            "zone": rng.choice(["ap-guangzhou-3", "ap-shanghai-2", "", None]),
            "tags": tags,
            "private_ip_addresses": rng.choice([["10.0.0.%d" % i], [], ["10.0.0.%d" % i, "10.1.0.1"]]),
            "num": rng.choice([0, 1, 42, 2.5, -3]),
            "flag": rng.choice([True, False]),
            "nothing": None,
            "empty": "",
            "lst": _value(rng) if i % 3 else rng.choice([["a", "b"], [], ["", None], ["é", 1]]),
            "dct": _value(rng) if i % 3 else rng.choice([{"a": "b"}, {}, {"k": ""}, {"k": None, "z": "ü"}]),
        }
        if i % 5:
            record["placement"] = {"zone": record["zone"], "project": rng.choice(TEXT + [None, 3])}
        if i % 7 == 6:
            del record["zone"]
        out.append(record)
    return out


PATHS = ["tags.env", "tags['env']", "tags[\"role\"]", "zone", "placement.zone", "placement['project']", "instance_state",
         "num", "flag", "nothing", "empty", "lst", "dct", "lst[0]", "lst[1]", "dct.k", "dct['a b']", "tags.count",
         "tags['count']", "tags.env.sub", "missing", "missing.x", "instance_name"]
FILTERS = ["", " | default('none')", " | d('x', true)", " | default(none)", " | lower", " | default('NONE') | upper"]
TRICKY = ["tags.env ~ '-x'", "tags.env | default(omit)", "tags.env | default('', true)", "tags.env | default(42)",
          "inventory_hostname", "group_names", "tags.env | replace('o', '0')",
          "'static'", "42", "true", "none", "zone if zone else 'nowhere'", "lst | first", "[tags.env, zone]",
          "{'a': tags.env}", "tags.env is defined", "lookup('env', 'HOME')", "tags.env == 'prod'",
          "instance_state == 'RUNNING'", "instance_state != 'RUNNING'", "zone == none", "num == 42", "flag == true",
          "tags.env == missing", "lst == ['a', 'b']", "tags[env]", "placement['zone'] | lower", "(", "tags.env }} {{ zone",
          "range(3) | list", "tags.role | default(tags.env)"]


def expressions():
    return [p + f for p, f in itertools.product(PATHS, FILTERS)] + TRICKY


KEYED_VARIANTS = [
    {},
    {"prefix": "env", "separator": "-"},
    {"prefix": "", "default_value": "none"},
    {"prefix": "t", "trailing_separator": False, "parent_group": "all_tags"},
    {"prefix": "", "separator": "", "parent_group": "p-{{ 'x' }}"},
]


try:  # ansible-core 2.19+: the options of a configuration file are trusted templates
    from ansible.template import trust_as_template
except ImportError:  # before 2.19 every string is a template
    def trust_as_template(value):
        return value


def _trusted(value):
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, dict):
        return {k: _trusted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_trusted(v) for v in value]
    return value


def _plugin(config):
    plugin = load_plugin()
    plugin.set_options(direct=dict({"plugin": "tencent.qcloud.qcloud_cvm"}, **_trusted(config)))
    plugin.inventory = InventoryData()
    plugin.templar = Templar(loader=DataLoader())
    plugin._vars = {}
    plugin._checked_names = set()
    return plugin


def _add(plugin, record):
    name = record["instance_id"]
    plugin.inventory.add_host(name, group="qcloud_cvm")
    for key, value in qcloud_cvm.untrusted(record).items():
        plugin.inventory.set_variable(name, key, value)
    return name


def _core(plugin, records):
    """What qcloud_cvm did before the fast plan: ansible-core's Constructable for every host."""
    plugin.inventory.add_group("qcloud_cvm")
    strict = plugin.get_option("strict")
    for record in records:
        name = _add(plugin, record)
        plugin._set_composite_vars(plugin.get_option("compose"), plugin.inventory.get_host(name).get_vars(), name, strict=strict)
        hostvars = plugin.inventory.get_host(name).get_vars()
        plugin._add_host_to_composed_groups(plugin.get_option("groups"), hostvars, name, strict=strict)
        plugin._add_host_to_keyed_groups(plugin.get_option("keyed_groups"), hostvars, name, strict=strict)


def _fast(plugin, records):
    plugin.inventory.add_group("qcloud_cvm")
    plan = fast.Plan(plugin, plugin.get_option("compose"), plugin.get_option("groups"), plugin.get_option("keyed_groups"),
                     plugin.get_option("strict"))
    for record in records:
        plan.apply(_add(plugin, record))
    return plan


def _typed(value):
    """A value with the type of every part (unsafe text is not the same as text)."""
    if isinstance(value, dict):
        return ("dict", sorted((repr(k), _typed(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


def _state(inventory):
    groups = {name: (sorted(h.name for h in g.hosts), sorted(c.name for c in g.child_groups)) for name, g in inventory.groups.items()}
    hostvars = {name: _typed(h.vars) for name, h in inventory.hosts.items()}
    return groups, hostvars


def _run(how, config, records):
    plugin = _plugin(config)
    error = None
    try:
        how(plugin, records)
    except Exception as err:  # ansible-core lets a plain Exception through ("can't add group to itself")
        error = (type(err).__name__, str(err))
    return error, _state(plugin.inventory)


def _config(exprs, strict, kind):
    if kind == "keyed_groups":  # each expression with the plain entry and one of the others, by turns
        variants = [(e, v) for i, e in enumerate(exprs) for v in {0: KEYED_VARIANTS[0], 1: KEYED_VARIANTS[1 + i % 4]}.values()]
        return {"strict": strict, "keyed_groups": [dict(v, key=e) for e, v in variants]}
    if kind == "groups":
        return {"strict": strict, "groups": {"g_%d" % i: e for i, e in enumerate(exprs)}}
    return {"strict": strict, "compose": {"c_%d" % i: e for i, e in enumerate(exprs)}}


RECORDS = hosts()
EXPRESSIONS = expressions()  # 169: 23 paths x 6 filter chains, and 31 tricky ones
KINDS = ("keyed_groups", "groups", "compose")


@pytest.mark.parametrize("kind", KINDS)
def test_not_strict_every_expression_at_once(kind):
    config = _config(EXPRESSIONS, False, kind)
    assert _run(_fast, config, RECORDS) == _run(_core, config, RECORDS)


@pytest.mark.parametrize("kind", KINDS)
def test_strict_each_expression(kind):
    """strict stops at the first error: one expression a run, over fewer hosts."""
    for expr in EXPRESSIONS[::10] + TRICKY:
        config = _config([expr], True, kind)
        assert _run(_fast, config, RECORDS[:16]) == _run(_core, config, RECORDS[:16]), expr


def test_leading_separator_and_errors_of_the_entry():
    for config in ({"leading_separator": False, "keyed_groups": [{"key": "tags.env"}, {"key": "zone", "prefix": "z"}]},
                   {"keyed_groups": [{"key": "tags.env", "default_value": "x", "trailing_separator": True}]},
                   {"keyed_groups": ["tags.env"]}, {"keyed_groups": [{}]}, {"keyed_groups": [{"key": "zone"}, None]}):
        assert _run(_fast, config, RECORDS) == _run(_core, config, RECORDS), config


def test_the_keys_people_write_take_the_fast_path():
    for expr in ("tags.env", "tags['env'] | default('none')", "zone", "placement.zone", "instance_state == 'RUNNING'",
                 "tags.env | lower", "tags.role | default('x') | upper"):
        assert fast.compile_expression(trust_as_template(expr)) is not None, expr
    for expr in ("tags.keys", "lookup('env', 'HOME')", "tags.env ~ 'x'", "inventory_hostname", "tags[env]", "("):
        assert fast.compile_expression(trust_as_template(expr)) is None, expr
    for expr in ("tags.env", "zone"):  # ansible-core 2.19+ does not template what is not trusted: neither does the plan
        assert (fast.compile_expression(expr) is None) is not fast.LEGACY, expr
