# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: qcloud_cvm
short_description: Tencent Cloud CVM instances as an inventory
version_added: 0.2.0
description:
  - Builds an inventory of the CVM instances of a Tencent Cloud account with C(DescribeInstances),
    from every region the account may use or from those in O(regions).
  - Reads 100 instances a call; regions, pages and split filters are read by several threads at once.
    Throttling (Tencent allows 40 C(DescribeInstances) a second) is waited out by the collection's retry policy.
  - Each host gets the instance's record as variables (the same record as M(tencent.qcloud.qcloud_cvm_info)),
    and C(ansible_host), the first private address, unless O(compose) says otherwise. Every host is in the group C(qcloud_cvm).
  - The instance's tags are the host variable C(qcloud_tags) (see O(tags_variable)), not C(tags), a name that ansible-core
    keeps for the C(tags) keyword and warns about on every run from 2.19 on.
  - Without an C(instance-state) filter, instances that are gone or going are left out
    (C(LAUNCH_FAILED), C(SHUTDOWN), which Tencent uses for instances stopped in the recycle bin to be destroyed,
    and C(TERMINATING)).
  - The configuration file's name must end with C(qcloud_cvm.yml) or C(qcloud_cvm.yaml).
author:
  - tencent.qcloud contributors (@tencent-qcloud)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - tencent.qcloud.qcloud.plugins
options:
  plugin:
    description: The name of this plugin; it marks the file as its configuration.
    required: true
    type: str
    choices: [tencent.qcloud.qcloud_cvm]
  regions:
    description:
      - The regions to read, like V(ap-guangzhou).
      - Empty means every available region that C(DescribeRegions) lists for the account.
    type: list
    elements: str
    default: []
  filters:
    description:
      - C(DescribeInstances) filters, Tencent's names mapped to a value or a list of values, like
        V(tag:env), V(zone), V(vpc-id), V(subnet-id), V(instance-id), V(instance-name) (Tencent matches it as a substring),
        V(instance-state), V(private-ip-address), V(public-ip-address), V(instance-charge-type), V(tag-key), V(tag-value).
      - Filters combine with AND, a filter's values with OR; Tencent filters on its side.
      - Tencent takes at most 10 filters and 5 values a filter in one request; the plugin splits larger
        filters into several requests and unites their answers (each instance once), and intersects the
        answers of groups of 10 filters.
      - A V(zone) filter also chooses the regions asked (a region none of whose zones is listed is not asked).
      - With O(include_filters), these filters are one more set of them.
    type: dict
    default: {}
  include_filters:
    description:
      - More filter sets, each like O(filters); an instance is a host when it matches O(filters) or at least one of these sets.
      - Each set is a query of its own (all read at once), so keep the list short; an instance that several sets find is
        added once.
      - When O(filters) is empty and this list is not, only the instances of these sets are hosts.
      - A set without an C(instance-state) filter leaves out instances that are gone or going, as O(filters) does.
    type: list
    elements: dict
    default: []
  exclude_filters:
    description:
      - Filter sets, each like O(filters); an instance that matches at least one of them is not a host, whatever
        O(filters) and O(include_filters) find.
      - Each set is a query of its own, and matches instances in every state.
    type: list
    elements: dict
    default: []
  hostnames:
    description:
      - How hosts are named, as an ordered list of preferences; the first that has a value names the host.
      - V(instance-id), V(instance-name), V(private-ip) (the first private address), V(public-ip) (the first public address),
        V(tag:<key>) (the value of that tag), or a Jinja2 template of the record's variables
        (without O(hostvars_prefix)), like V({{ instance_name }}.{{ region }}.example.com).
      - A preference may also be a dictionary that joins two of them, C(name) and C(prefix), with C(separator)
        (default V(_)) between; C(name=instance-name), C(prefix=tag:env) and C(separator=-) give names like C(prod-web-1).
        C(name) is required; when C(prefix) has no value for an instance, C(name)'s value alone is used.
      - A name that another instance already has is passed over, so two instances never merge into one host;
        when no preference gives a free name, the instance id names the host.
    type: list
    elements: raw
    default: [instance-id]
  allow_duplicated_hosts:
    description:
      - By default a host has one name, its first preference in O(hostnames) with a value.
        With V(true), the host is added under every preference with a value.
    type: bool
    default: false
  hostvars_prefix:
    description:
      - Put this before the name of each variable from the instance record (not C(ansible_host)).
    type: str
    default: ""
  hostvars_suffix:
    description:
      - Put this after the name of each variable from the instance record (not C(ansible_host)).
    type: str
    default: ""
  tags_variable:
    description:
      - The name of the variable that holds the instance's tags (a dictionary), before O(hostvars_prefix) and O(hostvars_suffix).
      - The default does not collide with C(tags), which ansible-core reserves for the C(tags) keyword; V(tags) opts in to
        that name (as other clouds' inventories use it), and with it to ansible-core's warning
        C(Found variable using reserved name 'tags') on every run from 2.19 on.
      - Templates in O(hostnames), O(compose), O(groups) and O(keyed_groups) see the tags under this name,
        like C(qcloud_tags.env).
    type: str
    default: qcloud_tags
  include_network_interfaces:
    description:
      - Add C(network_interfaces), the host's ENIs (the record of M(tencent.qcloud.qcloud_eni_info)), primary first.
      - They are read with C(DescribeNetworkInterfaces) in batches (5 instances a call, or, for more than 100 hosts
        in a region, every ENI of their VPCs, 100 a call), never one call per host.
    type: bool
    default: false
notes:
  - With O(cache=true), a run within O(cache_timeout) makes no API call. The cache key changes with what is asked
    (regions, O(filters), O(include_filters), O(exclude_filters), network interfaces, endpoint and credentials),
    not with how hosts are named or grouped, so changing O(hostnames), O(tags_variable), O(compose) or O(keyed_groups)
    reuses the cached instances.
  - "Errors (bad keys, a filter Tencent refuses) fail the source with one sentence that names the API's error code and
    request id. C(ansible-inventory) then warns and goes on; set E(ANSIBLE_INVENTORY_UNPARSED_FAILED=true),
    as AWX does, to make it fail."
seealso:
  - module: tencent.qcloud.qcloud_cvm_info
"""

EXAMPLES = r"""
# inventory.qcloud_cvm.yml: the running web servers of two regions, grouped by tag and zone
plugin: tencent.qcloud.qcloud_cvm
regions: [ap-guangzhou, ap-shanghai]
filters:
  instance-state: RUNNING
  tag:role: web
hostnames:
  - tag:Name
  - instance-name
  - instance-id
keyed_groups:
  - key: qcloud_tags.env
    prefix: env
  - key: zone
    prefix: zone
compose:
  ansible_host: public_ip_addresses[0] | default(private_ip_addresses[0])

# The production instances and every stopped one, but none of the batch team's; named like prod-web-1
plugin: tencent.qcloud.qcloud_cvm
regions: [ap-guangzhou]
filters:
  tag:env: prod
include_filters:
  - instance-state: STOPPED
exclude_filters:
  - tag:team: batch
hostnames:
  - name: instance-name
    prefix: tag:env
    separator: "-"
  - instance-id

# The tags under the name tags, as other clouds' inventories have them (ansible-core 2.19+ warns about it on every run)
plugin: tencent.qcloud.qcloud_cvm
tags_variable: tags

# Every region, cached for an hour (a second run makes no API call)
plugin: tencent.qcloud.qcloud_cvm
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/qcloud_cvm
cache_timeout: 3600

# Name hosts from a template, with their ENIs, prefixed variables
plugin: tencent.qcloud.qcloud_cvm
regions: [ap-guangzhou]
hostnames:
  - "{{ instance_name }}.{{ zone }}.internal"
hostvars_prefix: qcloud_
include_network_interfaces: true
"""

import hashlib
import json
import os
import re
import time
from collections.abc import Mapping

from ansible.errors import AnsibleParserError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display
from ansible.utils.vars import combine_vars

from ansible_collections.tencent.qcloud.plugins.module_utils._client import REQUESTS_IMPORT_ERROR
from ansible_collections.tencent.qcloud.plugins.module_utils._connection import (
    FALLBACK_REGION,
    check_connection,
    check_regions,
    open_client,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._credentials import (
    ENV_ROLE_ARN,
    ENV_SECRET_ID,
    CredentialChain,
    resolve_region,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._cvm import (
    CVM_SERVICE,
    attach_network_interfaces,
    cvm_pool,
    list_instances_of_sets,
    list_regions,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    INVENTORY_FILTER_SETS,
    INVENTORY_HOSTNAME,
    INVENTORY_HOSTNAME_DICT,
    INVENTORY_TAGS_VARIABLE,
    QcloudApiError,
    QcloudError,
    sentence,
    with_code,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._filters import filter_map
from ansible_collections.tencent.qcloud.plugins.plugin_utils._fast_constructed import Plan

try:  # ansible-core 2.19+: values are untrusted (never templated) unless marked otherwise
    from ansible.template import trust_as_template  # noqa: F401  pylint: disable=unused-import
except ImportError:  # ansible-core 2.16 to 2.18: mark what the API says as unsafe
    from ansible.utils.unsafe_proxy import wrap_var as untrusted
else:
    def untrusted(value):
        return value

display = Display()

# The shared connection options (doc fragment tencent.qcloud.qcloud.plugins).
CONNECTION_OPTIONS = (
    "secret_id", "secret_key", "security_token", "region", "api_endpoint", "ca_bundle", "validate_certs",
    "api_timeout", "api_retries", "profile", "role_arn", "role_session_name", "role_duration", "sts_endpoint",
    "metadata_endpoint",
)
# Options with an environment fallback: the credential chain reads the environment itself
# (as for the modules), so only values written in the file are passed to it.
FROM_ENVIRONMENT = ("secret_id", "secret_key", "security_token", "region", "profile", "role_arn", "role_session_name")
NAMED_BY = {
    "instance-id": lambda r: r["instance_id"],
    "instance-name": lambda r: r["instance_name"],
    "private-ip": lambda r: (r["private_ip_addresses"] or [None])[0],
    "public-ip": lambda r: (r["public_ip_addresses"] or [None])[0],
}
GROUP = "qcloud_cvm"
HOSTNAME_KEYS = ("name", "prefix", "separator")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "tencent.qcloud.qcloud_cvm"
    _tags_var = "qcloud_tags"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("qcloud_cvm.yml", "qcloud_cvm.yaml"))

    # -- what is asked ----------------------------------------------------------------------

    def _connection_params(self, config):
        params = {}
        for name in CONNECTION_OPTIONS:
            value = self.get_option(name)
            if name in FROM_ENVIRONMENT and name not in config:
                value = None
            if isinstance(value, str) and self.templar.is_template(value):
                value = self.templar.template(value)
            params[name] = str(value) if value is not None and name in FROM_ENVIRONMENT else value
        return params

    def _check_preference(self, preference):
        known = preference in NAMED_BY or (preference.startswith("tag:") and len(preference) > 4)
        if not known and not self.templar.is_template(preference):
            raise AnsibleParserError(sentence(INVENTORY_HOSTNAME, {"value": repr(preference)}))

    def _hostname_preferences(self):
        """The preferences, each a string or a (name, prefix or None, separator) tuple."""
        preferences = []
        for preference in self.get_option("hostnames") or ["instance-id"]:
            if isinstance(preference, Mapping):
                problem = None
                if "name" not in preference:
                    problem = "name is missing"
                elif set(preference) - set(HOSTNAME_KEYS):
                    problem = "%s is not one of them" % ", ".join(sorted(str(k) for k in set(preference) - set(HOSTNAME_KEYS)))
                elif not all(isinstance(preference[k], str) and preference[k] for k in HOSTNAME_KEYS[:2] if k in preference):
                    problem = "name and prefix must be non-empty strings"
                elif not isinstance(preference.get("separator", "_"), str):
                    problem = "separator is not a string"
                if problem:
                    raise AnsibleParserError(sentence(INVENTORY_HOSTNAME_DICT, {"value": repr(dict(preference))[:80], "problem": problem}))
                for part in (preference["name"], preference.get("prefix")):
                    if part is not None:
                        self._check_preference(part)
                preferences.append((preference["name"], preference.get("prefix"), preference.get("separator", "_")))
            elif isinstance(preference, str):
                self._check_preference(preference)
                preferences.append(preference)
            else:
                raise AnsibleParserError(sentence(INVENTORY_HOSTNAME_DICT, {"value": repr(preference)[:80],
                                                                            "problem": "it is a %s" % type(preference).__name__}))
        return preferences

    def _filter_sets(self, option):
        sets = self.get_option(option) or []
        if not isinstance(sets, list):
            raise QcloudError(sentence(INVENTORY_FILTER_SETS, {"option": option, "index": 1, "value": repr(sets)[:40]}))
        out = []
        for index, filters in enumerate(sets, 1):
            if not isinstance(filters, Mapping) or not filters:
                raise QcloudError(sentence(INVENTORY_FILTER_SETS, {"option": option, "index": index, "value": repr(filters)[:40]}))
            out.append(filter_map(filters))
        return out

    def _tags_variable(self):
        name = self.get_option("tags_variable")
        if not isinstance(name, str) or not VARIABLE_NAME.match(name):
            raise AnsibleParserError(sentence(INVENTORY_TAGS_VARIABLE, {"value": repr(name)[:40]}))
        return name

    def _cache_key(self, path, regions, filters, params, include=(), exclude=()):
        """Changes with what is asked of the API (and of whom), not with how hosts are named."""
        asked = {
            "regions": regions,
            "filters": filters,
            "include_filters": list(include),
            "exclude_filters": list(exclude),
            "network_interfaces": self.get_option("include_network_interfaces"),
            "endpoint": params["api_endpoint"],
            "who": [params["secret_id"] or os.environ.get(ENV_SECRET_ID), params["profile"], params["role_arn"] or os.environ.get(ENV_ROLE_ARN)],
        }
        digest = hashlib.sha256(json.dumps(asked, sort_keys=True).encode("utf-8")).hexdigest()[:16]
        return "%s_%s" % (self.get_cache_key(path), digest)

    # -- the API -----------------------------------------------------------------------------

    def _fetch(self, regions, filters, params, include=(), exclude=()):
        if REQUESTS_IMPORT_ERROR:
            raise AnsibleParserError(missing_required_lib("requests"))
        context = {"endpoint": params["api_endpoint"] or "https://cvm.tencentcloudapi.com"}
        try:
            home = resolve_region(params, fallback=FALLBACK_REGION)
            context["region"] = home
            keys = CredentialChain(params).resolve()
            base = open_client(params, CVM_SERVICE, home, credentials=keys)
            context.update(endpoint=base.endpoint, secret_id=keys.secret_id, credential_source=keys.source)
            pool = cvm_pool(base, params["api_endpoint"])
            sets = ([filters] if filters or not include else []) + list(include)
            records = list_instances_of_sets(pool, regions or list_regions(pool.get(home, CVM_SERVICE)), sets, exclude)
            if self.get_option("include_network_interfaces"):
                attach_network_interfaces(pool, records)
        except QcloudApiError as err:
            context["region"] = err.region or context.get("region")
            raise AnsibleParserError(with_code(err, context)) from None
        except QcloudError as err:
            raise AnsibleParserError(err.msg) from None
        display.vvv("qcloud_cvm: %d instances in %d API calls" % (len(records), pool.requests_sent))
        return records

    # -- the hosts ---------------------------------------------------------------------------

    def _name(self, record, variables, preference):
        """The name one preference (a string) gives, or None: a field or tag of the API ``record``, or a
        template over the host's ``variables`` (_host_vars)."""
        if preference in NAMED_BY:
            name = NAMED_BY[preference](record)
        elif preference.startswith("tag:") and not self.templar.is_template(preference):
            name = (record.get("tags") or {}).get(preference[4:])
        else:
            self.templar.available_variables = combine_vars(self._vars, variables)
            try:
                name = self.templar.template(preference)
            except Exception:  # an undefined variable: this preference has no value for this host
                name = None
        return None if name in (None, "") else str(name)

    def _names(self, record, variables, preferences):
        """The host names the preferences give, in order (empty ones left out)."""
        names = []
        for preference in preferences:
            if isinstance(preference, tuple):  # the dict form: prefix, separator, name
                name, prefix, separator = preference
                name = self._name(record, variables, name)
                first = self._name(record, variables, prefix) if prefix is not None and name is not None else None
                name = name if first is None else first + separator + name
            else:
                name = self._name(record, variables, preference)
            if name is not None and name not in names:
                names.append(name)
        return names

    def _host_vars(self, record):
        """An API record as the host's variables, in one copy (the cache keeps the API's records): the tags
        under the tags_variable name; before ansible-core 2.19, every key and value marked unsafe (an
        instance name like "{{ lookup(...) }}" must stay text). From 2.19 on, with tags_variable ``tags``,
        the record itself."""
        name = self._tags_var
        if name == "tags":
            return untrusted(record)
        return {untrusted(name if key == "tags" else key): untrusted(value) for key, value in record.items()}

    def _add(self, record, name, plan):
        """A host ``name`` with the variables ``record`` (_host_vars), its groups made by ``plan``."""
        prefix, suffix = self.get_option("hostvars_prefix"), self.get_option("hostvars_suffix")
        inventory = self.inventory
        new = name not in inventory.hosts
        inventory.add_host(name, group=GROUP)
        host = inventory.hosts[name]
        variables = {prefix + key + suffix: value for key, value in record.items()} if prefix or suffix else record
        if new and self._checked_names.issuperset(variables):
            # a new host, names ansible-core already took: the same as set_variable, without a copy per variable
            host.vars.update(variables)
        else:
            for key, value in variables.items():
                host.set_variable(key, value)
            self._checked_names.update(variables)
        if record["private_ip_addresses"]:
            host.set_variable("ansible_host", record["private_ip_addresses"][0])
        plan.apply(name)

    def _populate(self, records, preferences):
        self.inventory.add_group(GROUP)
        self._checked_names = set()
        # compose, groups and keyed_groups: parsed once, computed without Jinja where the expression allows
        plan = Plan(self, self.get_option("compose"), self.get_option("groups"), self.get_option("keyed_groups"),
                    self.get_option("strict"))
        taken = {}  # host name -> the instance it names
        every = self.get_option("allow_duplicated_hosts")
        for record in records:
            variables = self._host_vars(record)
            free = [n for n in self._names(record, variables, preferences) if taken.get(n, record["instance_id"]) == record["instance_id"]]
            if not free:
                free = [record["instance_id"]]
            for name in free if every else free[:1]:
                taken[name] = record["instance_id"]
                self._add(variables, name, plan)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        params = self._connection_params(config)
        self._tags_var = self._tags_variable()
        preferences = self._hostname_preferences()
        try:  # what can be checked here fails before any call, cache or not
            for warning in check_connection(params, api_example="https://cvm.tencentcloudapi.com"):
                display.warning(warning)
            regions = check_regions("regions", self.get_option("regions") or [])
            filters = filter_map(self.get_option("filters"))
            include, exclude = self._filter_sets("include_filters"), self._filter_sets("exclude_filters")
        except QcloudError as err:
            raise AnsibleParserError(err.msg) from None
        key = self._cache_key(path, regions, filters, params, include, exclude)
        use_cache = self.get_option("cache") and cache
        records, source, started = None, "the cache", time.monotonic()
        if use_cache:
            try:
                records = self._cache[key]
            except KeyError:
                records = None  # expired or never written
        if records is None:
            source = "the API"
            records = self._fetch(regions, filters, params, include, exclude)
            if self.get_option("cache"):
                self._cache[key] = records
        read = time.monotonic()
        self._populate(records, preferences)
        display.vvv("qcloud_cvm: %d instances read from %s in %.3f s, hosts and groups made in %.3f s"
                    % (len(records), source, read - started, time.monotonic() - read))
