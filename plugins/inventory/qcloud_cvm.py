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
    type: dict
    default: {}
  hostnames:
    description:
      - How hosts are named, as an ordered list of preferences; the first that has a value names the host.
      - V(instance-id), V(instance-name), V(private-ip) (the first private address), V(public-ip) (the first public address),
        V(tag:<key>) (the value of that tag), or a Jinja2 template of the record's variables
        (without O(hostvars_prefix)), like V({{ instance_name }}.{{ region }}.example.com).
      - A name that another instance already has is passed over, so two instances never merge into one host;
        when no preference gives a free name, the instance id names the host.
    type: list
    elements: str
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
  include_network_interfaces:
    description:
      - Add C(network_interfaces), the host's ENIs (the record of M(tencent.qcloud.qcloud_eni_info)), primary first.
      - They are read with C(DescribeNetworkInterfaces) in batches (5 instances a call, or, for more than 100 hosts
        in a region, every ENI of their VPCs, 100 a call), never one call per host.
    type: bool
    default: false
notes:
  - With O(cache=true), a run within O(cache_timeout) makes no API call. The cache key changes with what is asked
    (regions, filters, network interfaces, endpoint and credentials), not with how hosts are named or grouped,
    so changing O(hostnames), O(compose) or O(keyed_groups) reuses the cached instances.
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
  - key: tags.env
    prefix: env
  - key: zone
    prefix: zone
compose:
  ansible_host: public_ip_addresses[0] | default(private_ip_addresses[0])

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
import time

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
    filter_map,
    list_instances,
    list_regions,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    INVENTORY_HOSTNAME,
    QcloudApiError,
    QcloudError,
    sentence,
    with_code,
)

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


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "tencent.qcloud.qcloud_cvm"

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

    def _hostname_preferences(self):
        preferences = self.get_option("hostnames") or ["instance-id"]
        for preference in preferences:
            known = preference in NAMED_BY or (preference.startswith("tag:") and len(preference) > 4)
            if not known and not self.templar.is_template(preference):
                raise AnsibleParserError(sentence(INVENTORY_HOSTNAME, {"value": repr(preference)}))
        return preferences

    def _cache_key(self, path, regions, filters, params):
        """Changes with what is asked of the API (and of whom), not with how hosts are named."""
        asked = {
            "regions": regions,
            "filters": filters,
            "network_interfaces": self.get_option("include_network_interfaces"),
            "endpoint": params["api_endpoint"],
            "who": [params["secret_id"] or os.environ.get(ENV_SECRET_ID), params["profile"], params["role_arn"] or os.environ.get(ENV_ROLE_ARN)],
        }
        digest = hashlib.sha256(json.dumps(asked, sort_keys=True).encode("utf-8")).hexdigest()[:16]
        return "%s_%s" % (self.get_cache_key(path), digest)

    # -- the API -----------------------------------------------------------------------------

    def _fetch(self, regions, filters, params):
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
            records = list_instances(pool, regions or list_regions(pool.get(home, CVM_SERVICE)), filters)
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

    def _names(self, record, preferences):
        """The host names the preferences give, in order (empty ones left out)."""
        names = []
        for preference in preferences:
            if preference in NAMED_BY:
                name = NAMED_BY[preference](record)
            elif preference.startswith("tag:") and not self.templar.is_template(preference):
                name = record["tags"].get(preference[4:])
            else:
                self.templar.available_variables = combine_vars(self._vars, untrusted(record))
                try:
                    name = self.templar.template(preference)
                except Exception:  # an undefined variable: this preference has no value for this host
                    name = None
            if name not in (None, "") and str(name) not in names:
                names.append(str(name))
        return names

    def _add(self, record, name):
        record = untrusted(record)  # an instance name like "{{ lookup(...) }}" must stay text
        prefix, suffix = self.get_option("hostvars_prefix"), self.get_option("hostvars_suffix")
        self.inventory.add_host(name, group=GROUP)
        for key, value in record.items():
            self.inventory.set_variable(name, prefix + key + suffix, value)
        if record["private_ip_addresses"]:
            self.inventory.set_variable(name, "ansible_host", record["private_ip_addresses"][0])
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), self.inventory.get_host(name).get_vars(), name, strict=strict)
        hostvars = self.inventory.get_host(name).get_vars()
        self._add_host_to_composed_groups(self.get_option("groups"), hostvars, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, name, strict=strict)

    def _populate(self, records, preferences):
        self.inventory.add_group(GROUP)
        taken = {}  # host name -> the instance it names
        every = self.get_option("allow_duplicated_hosts")
        for record in records:
            free = [n for n in self._names(record, preferences) if taken.get(n, record["instance_id"]) == record["instance_id"]]
            if not free:
                free = [record["instance_id"]]
            for name in free if every else free[:1]:
                taken[name] = record["instance_id"]
                self._add(record, name)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        params = self._connection_params(config)
        preferences = self._hostname_preferences()
        try:  # what can be checked here fails before any call, cache or not
            for warning in check_connection(params, api_example="https://cvm.tencentcloudapi.com"):
                display.warning(warning)
            regions = check_regions("regions", self.get_option("regions") or [])
            filters = filter_map(self.get_option("filters"))
        except QcloudError as err:
            raise AnsibleParserError(err.msg) from None
        key = self._cache_key(path, regions, filters, params)
        use_cache = self.get_option("cache") and cache
        records, source, started = None, "the cache", time.monotonic()
        if use_cache:
            try:
                records = self._cache[key]
            except KeyError:
                records = None  # expired or never written
        if records is None:
            source = "the API"
            records = self._fetch(regions, filters, params)
            if self.get_option("cache"):
                self._cache[key] = records
        read = time.monotonic()
        self._populate(records, preferences)
        display.vvv("qcloud_cvm: %d instances read from %s in %.3f s, hosts and groups made in %.3f s"
                    % (len(records), source, read - started, time.monotonic() - read))
