# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""compose, groups and keyed_groups of an inventory plugin without Jinja for the keys people write.

ansible-core's Constructable templates every expression for every host (about 1.4 ms a key and host).
Most expressions are plain variable paths with a common filter (``tags.env``, ``tags['env'] | default('none')``,
``zone``, ``placement.zone | lower``, ``instance_state == 'RUNNING'``): `Plan` parses each expression once
per parse with Jinja's own parser and, when every node is one it knows, computes the value in Python.
Anything else (a lookup, another filter, a test, arithmetic...) is left to ansible-core's own code, for
that expression, decided once per parse. A value the fast path is not sure to treat as ansible-core would
(an undefined value under a filter, a number on ansible-core < 2.19, a dict that could hold a template...)
is also handed to ansible-core, for that host only. Errors with strict are always ansible-core's own:
the expression is handed over and ansible-core raises.

The groups, names and variables are those of ansible-core's Constructable of the running version
(2.16 to 2.18: the legacy templar, which turns a key's value into text; 2.19+: native values);
tests/unit/plugins/inventory/test_fast_constructed.py compares both over generated hosts and expressions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError


from ansible.utils.unsafe_proxy import wrap_var

try:  # ansible-core 2.19+: native values, untrusted strings are never templated
    from ansible.template import is_trusted_as_template
    LEGACY = False
except ImportError:  # ansible-core 2.16 to 2.18
    LEGACY = True

    def is_trusted_as_template(value: object) -> bool:
        return True

MAGIC = frozenset(("inventory_hostname", "inventory_hostname_short", "group_names", "vars", "hostvars", "groups", "omit"))
FILTERS = frozenset(("default", "d", "lower", "upper"))
# attribute names Jinja would resolve to a method or attribute of the value instead of a key
ATTRIBUTES = frozenset(n for t in (dict, list, str, int, float, bool, tuple) for n in dir(t))
SCALARS = (str, int, float, bool, type(None))


class Unsure(Exception):
    """This host's value is left to ansible-core (for this expression)."""


def _fast(compute: Any, variables: Any) -> Any:
    """``compute(variables)``, or the class Unsure when there is no fast form or it is not sure."""
    if compute is None:
        return Unsure
    try:
        return compute(variables)
    except Unsure:
        return Unsure


class Undefined:
    """A missing key or attribute at the end of a path (ansible-core raises, or `default` replaces it)."""


UNDEFINED = Undefined()
_PARSER = Environment()
Evaluator = Callable[[Mapping], Any]


def _unsafe(value: Any) -> bool:
    return hasattr(value, "__UNSAFE__")


def _inert(value: Any) -> bool:
    """ansible-core < 2.19 templates a top-level variable on access unless it is unsafe: true when that
    templating changes nothing (no string that could be a template)."""
    if _unsafe(value) or value is None or isinstance(value, (bool, int, float)):
        return True
    if isinstance(value, str):
        return "{" not in value
    if isinstance(value, Mapping):
        return all(_inert(k) and _inert(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_inert(v) for v in value)
    return False


def _lookup(parent: Any, key: Any) -> Any:
    """Jinja's getattr/getitem for the keys _compile lets through (none names an attribute)."""
    if isinstance(parent, Undefined):
        raise Unsure()
    if isinstance(parent, Mapping):
        try:
            return parent[key]
        except KeyError:
            return UNDEFINED
        except TypeError:
            raise Unsure() from None
    if isinstance(parent, (list, str)) and isinstance(key, int) and not isinstance(key, bool):
        try:
            return parent[key]
        except IndexError:
            return UNDEFINED
    raise Unsure()


def _compile(node: nodes.Node, extra_names: frozenset, names: list) -> Evaluator:
    """An evaluator of vars -> value for the nodes known here, else TypeError (this expression falls back);
    the top-level variable names it reads are added to `names`."""
    if isinstance(node, nodes.Const) and isinstance(node.value, SCALARS):
        value = node.value
        return lambda v: value
    if isinstance(node, nodes.Name) and node.ctx == "load":
        name = node.name
        if name in MAGIC or name in extra_names or name.startswith("_"):
            raise TypeError(name)
        names.append(name)

        def top(v: Mapping) -> Any:
            try:
                value = v[name]
            except KeyError:
                raise Unsure() from None  # a Jinja global, or undefined: ansible-core says
            if LEGACY and not _inert(value):
                raise Unsure()
            return value
        return top
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            key = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, (str, int)) and not isinstance(node.arg.value, bool):
            key = node.arg.value
        else:
            raise TypeError("subscript")
        if isinstance(key, str) and (key in ATTRIBUTES or key.startswith("_")):
            raise TypeError(key)
        inner = _compile(node.node, extra_names, names)
        return lambda v: _lookup(inner(v), key)
    if isinstance(node, nodes.Filter) and node.name in FILTERS and node.node is not None:
        if node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise TypeError("filter arguments")
        inner = _compile(node.node, extra_names, names)
        if node.name in ("lower", "upper"):
            if node.args:
                raise TypeError("filter arguments")
            method = str.lower if node.name == "lower" else str.upper

            def case(v: Mapping) -> Any:
                value = inner(v)
                if not isinstance(value, str):
                    raise Unsure()
                return method(value)
            return case
        if len(node.args) > 2 or not all(isinstance(a, nodes.Const) for a in node.args):
            raise TypeError("filter arguments")
        default = node.args[0].value if node.args else ""
        boolean = bool(node.args[1].value) if len(node.args) > 1 else False
        if not isinstance(default, SCALARS):
            raise TypeError("default")

        def fill(v: Mapping) -> Any:
            value = inner(v)
            if isinstance(value, Undefined) or (boolean and not value):
                return default
            return value
        return fill
    if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op in ("eq", "ne"):
        left, right = _compile(node.expr, extra_names, names), _compile(node.ops[0].expr, extra_names, names)
        equal = node.ops[0].op == "eq"

        def compare(v: Mapping) -> Any:
            a, b = left(v), right(v)
            if not isinstance(a, SCALARS) or not isinstance(b, SCALARS):
                raise Unsure()
            return (a == b) is equal
        return compare
    raise TypeError(type(node).__name__)


class Expression:
    """One compiled expression: `evaluate(vars)` gives the raw value, `composed(vars)` what _compose returns."""

    def __init__(self, evaluate: Evaluator, names: list) -> None:
        self.evaluate = evaluate
        self.names = tuple(dict.fromkeys(names))

    def _tainted(self, variables: Mapping) -> bool:
        """ansible-core < 2.19 marks a result unsafe when a variable it read holds unsafe text."""
        return any(_holds_unsafe(variables[n]) for n in self.names if n in variables)

    def composed(self, variables: Mapping) -> Any:
        value = self.evaluate(variables)
        if isinstance(value, Undefined):
            return value
        if LEGACY:  # Templar.template: text, and '{...', '[...', 'True', 'False' evaluated back
            if not isinstance(value, str) or value.startswith(("{", "[")) or value in ("True", "False"):
                raise Unsure()
            if not _unsafe(value) and self._tainted(variables):
                value = wrap_var(value)
            return value
        if isinstance(value, (list, dict)) or isinstance(value, SCALARS):
            return value
        raise Unsure()


def _holds_unsafe(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_unsafe(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_unsafe(v) for v in value)
    return getattr(value, "__UNSAFE__", False) is True


def compile_expression(expression: Any, extra_names: frozenset = frozenset()) -> Expression | None:
    """The fast evaluator of one expression, or None when ansible-core must template it."""
    if not isinstance(expression, str) or not expression.strip() or not is_trusted_as_template(expression):
        return None
    try:
        body = _PARSER.parse("{{ %s }}" % expression).body
    except (TemplateSyntaxError, RecursionError):
        return None
    if len(body) != 1 or not isinstance(body[0], nodes.Output) or len(body[0].nodes) != 1:
        return None
    names: list = []
    try:
        return Expression(_compile(body[0].nodes[0], extra_names, names), names)
    except (TypeError, RecursionError):
        return None


class Plan:
    """compose, groups and keyed_groups of one parse, applied host by host by `apply`."""

    def __init__(self, plugin: Any, compose: Any, groups: Any, keyed_groups: Any, strict: bool) -> None:
        self.plugin = plugin
        self.inventory = plugin.inventory
        self.strict = strict
        try:
            use_extra = plugin.get_option("use_extra_vars")
        except Exception:
            use_extra = False
        extra = frozenset(getattr(plugin, "_vars", None) or ()) if use_extra else frozenset()
        self.compose = [(name, expr, compile_expression(expr, extra)) for name, expr in compose.items()] \
            if compose and isinstance(compose, dict) else []
        # composed groups do not use extra vars (ansible-core sets the variables itself)
        self.groups = [(name, expr, compile_expression(expr), plugin._sanitize_group_name(name))
                       for name, expr in groups.items()] if groups and isinstance(groups, dict) else []
        self.keyed = []
        for keyed in keyed_groups if keyed_groups and isinstance(keyed_groups, list) else []:
            fast = None
            if keyed and isinstance(keyed, dict) and not (keyed.get("trailing_separator") is not None
                                                          and keyed.get("default_value") is not None):
                parent = keyed.get("parent_group")
                if parent is None or (isinstance(parent, str) and not plugin.templar.is_template(parent)):
                    fast = compile_expression(keyed.get("key"), extra)
            self.keyed.append((keyed, fast))
        self.leading = plugin.get_option("leading_separator")
        self.names: dict[str, str] = {}  # raw group name -> the group made
        self.parents: set[tuple[str, str]] = set()
        self.any = bool(self.compose or self.groups or self.keyed)

    # -- ansible-core's own code, for one entry ---------------------------------------------

    def _core_compose(self, host: str, name: str, expr: Any, before: dict) -> None:
        self.plugin._set_composite_vars({name: expr}, before, host, strict=self.strict)

    def _core_group(self, host: str, name: str, expr: Any, variables: dict) -> None:
        self.plugin._add_host_to_composed_groups({name: expr}, variables, host, strict=self.strict, fetch_hostvars=False)

    def _core_keyed(self, host: str, keyed: Any) -> None:
        self.plugin._add_host_to_keyed_groups([keyed], {}, host, strict=self.strict, fetch_hostvars=True)

    # -- the host ----------------------------------------------------------------------------

    def apply(self, host: str) -> None:
        if not self.any:
            return
        h = self.inventory.get_host(host)
        if self.compose:
            self._compose(host, h)
        if self.groups:
            self._groups(host, h)
        for keyed, fast in self.keyed:
            if fast is None:
                self._core_keyed(host, keyed)
                continue
            try:
                key = fast.composed(h.vars)
            except Unsure:
                self._core_keyed(host, keyed)
                continue
            if isinstance(key, Undefined):  # ansible-core's _compose raises
                if self.strict:
                    self._core_keyed(host, keyed)
                continue
            self._keyed(host, keyed, key)

    def _compose(self, host: str, h: Any) -> None:
        # every entry sees the variables from before compose, as in ansible-core
        values = []
        for name, expr, fast in self.compose:
            values.append(_fast(fast and fast.composed, h.vars))
        before = None
        for (name, expr, fast), value in zip(self.compose, values):
            if value is Unsure or (isinstance(value, Undefined) and self.strict):
                if before is None:
                    before = h.get_vars()
                self._core_compose(host, name, expr, before)
            elif not isinstance(value, Undefined):
                self.inventory.set_variable(host, name, value)

    def _groups(self, host: str, h: Any) -> None:
        variables = None
        for name, expr, fast, group in self.groups:
            result = _fast(fast and fast.evaluate, h.vars)
            if isinstance(result, Undefined) or (not LEGACY and not isinstance(result, bool)):
                result = Unsure  # ansible-core's error (or a truthy value it may allow)
            elif LEGACY and not isinstance(result, SCALARS):
                result = Unsure
            if result is Unsure:
                if variables is None:
                    variables = h.get_vars()  # taken once, before the first group, as ansible-core does
                self._core_group(host, name, expr, variables)
            elif result:
                self.inventory.add_child(self.inventory.add_group(group), host)

    def _group(self, raw: str) -> str:
        made = self.names.get(raw)
        if made is None:
            made = self.names[raw] = self.inventory.add_group(self.plugin._sanitize_group_name(raw))
        return made

    def _keyed(self, host: str, keyed: dict, key: Any) -> None:
        """The rest of ansible-core's _add_host_to_keyed_groups, once the key is known."""
        default_value_name = keyed.get("default_value", None)
        trailing_separator = keyed.get("trailing_separator")
        empty = ("",) if LEGACY else (None, "")
        use_default = key in empty and default_value_name is not None
        if not (key or use_default):
            if self.strict and key not in ([], {}):
                self._core_keyed(host, keyed)  # ansible-core's error
            return
        prefix = keyed.get("prefix", "")
        sep = keyed.get("separator", "_")
        parent = keyed.get("parent_group", None)
        names = []
        if use_default:
            names.append(default_value_name)
        elif isinstance(key, str):
            names.append(key)
        elif isinstance(key, list):
            for name in key:
                if not isinstance(name, SCALARS):
                    return self._core_keyed(host, keyed)
                names.append(default_value_name if name in empty and default_value_name is not None else name)
        elif isinstance(key, Mapping):
            for gname, gval in key.items():
                if not isinstance(gval, SCALARS) or not isinstance(gname, SCALARS):
                    return self._core_keyed(host, keyed)
                bare_name = "%s%s%s" % (gname, sep, gval)
                if gval in empty:
                    if default_value_name is not None:
                        bare_name = "%s%s%s" % (gname, sep, default_value_name)
                    elif trailing_separator is False:
                        bare_name = gname
                names.append(bare_name)
        else:
            return self._core_keyed(host, keyed)  # ansible-core's error
        if prefix == "" and self.leading is False:
            sep = ""
        inventory = self.inventory
        h = inventory.hosts[host]
        for bare_name in names:
            group = self._group("%s%s%s" % (prefix, sep, bare_name))
            # InventoryData.add_host(host, group) for a host and a group that exist, without its checks
            if inventory.groups[group].add_host(h):
                inventory._groups_dict_cache = {}
            if parent and (parent, group) not in self.parents:
                parent_group = self._group(parent)
                self.inventory.add_child(parent_group, group)
                self.parents.add((parent, group))
        return None
