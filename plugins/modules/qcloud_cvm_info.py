#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: qcloud_cvm_info
short_description: List Tencent Cloud CVM instances
version_added: 0.2.0
description:
  - Returns the CVM instances of a region named by O(instance_ids), or those matching O(filters), with C(DescribeInstances).
  - Reads every page, 100 instances a call, and splits filters to respect Tencent's limits (10 filters and 5 values a filter a request).
  - Each instance is the record the inventory plugin P(tencent.qcloud.qcloud_cvm#inventory) gives its hosts,
    for example to look an instance up by name or tag before attaching an ENI with M(tencent.qcloud.qcloud_eni_attach).
  - Speaks API 3.0 only (the CVM API); O(api_version=2.0) fails before any call.
author:
  - tencent.qcloud contributors (@tencent-qcloud)
options:
  instance_ids:
    description:
      - Instances to return, like V(ins-run00001), whatever their state. Ids unknown in the region are left out of the result,
        and an empty list returns no instance (without a call).
    type: list
    elements: str
  filters:
    description:
      - C(DescribeInstances) filters, Tencent's names mapped to a value or a list of values, like V(tag:env), V(zone), V(vpc-id),
        V(subnet-id), V(instance-id), V(instance-name) (Tencent matches it as a substring), V(instance-state),
        V(private-ip-address), V(public-ip-address), V(instance-charge-type), V(tag-key), V(tag-value).
      - Filters combine with AND, a filter's values with OR.
      - Without an V(instance-state) filter, instances that are gone or going (V(LAUNCH_FAILED), V(SHUTDOWN), V(TERMINATING))
        are left out.
      - With neither O(instance_ids) nor O(filters), every instance of the region (but those gone or going) is returned.
    type: dict
  include_network_interfaces:
    description:
      - Add C(network_interfaces) to each instance, its ENIs (the record of M(tencent.qcloud.qcloud_eni_info)), primary first,
        read in batches with C(DescribeNetworkInterfaces).
    type: bool
    default: false
  api_version:
    description:
      - The wire protocol. This module speaks Tencent Cloud API 3.0 only (the CVM API has no API 2.0); keep the default
        V(3.0); V(2.0) fails before any call.
extends_documentation_fragment:
  - tencent.qcloud.qcloud
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
  action_group:
    description: Use C(group/tencent.qcloud.qcloud) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - tencent.qcloud.qcloud
seealso:
  - module: tencent.qcloud.qcloud_eni_attach
  - plugin: tencent.qcloud.qcloud_cvm
    plugin_type: inventory
"""

EXAMPLES = r"""
- name: The running web servers of the region
  tencent.qcloud.qcloud_cvm_info:
    filters:
      tag:role: web
      instance-state: RUNNING
  register: web

- name: Look web-1 up by name, then give it a second ENI
  tencent.qcloud.qcloud_cvm_info:
    filters:
      instance-name: web-1
  register: found

- name: Attach the ENI to the instance named exactly web-1 (instance-name matches substrings)
  tencent.qcloud.qcloud_eni_attach:
    network_interface_id: eni-free0001
    instance_id: "{{ (found.instances | selectattr('instance_name', 'equalto', 'web-1') | first).instance_id }}"

- name: Two instances by id, with their ENIs
  tencent.qcloud.qcloud_cvm_info:
    instance_ids: [ins-run00001, ins-run00002]
    include_network_interfaces: true
  register: two
"""

RETURN = r"""
instances:
  description: The instances found, in the API's order, each once.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance id.
      type: str
      sample: ins-run00001
    instance_name:
      description: The instance name.
      type: str
      sample: web-1
    instance_type:
      description: The instance type.
      type: str
      sample: S5.MEDIUM4
    instance_state:
      description: The state, like V(RUNNING), V(STOPPED), V(PENDING).
      type: str
      sample: RUNNING
    instance_charge_type:
      description: How it is billed, like V(POSTPAID_BY_HOUR) or V(PREPAID).
      type: str
    region:
      description: The region.
      type: str
      sample: ap-guangzhou
    zone:
      description: The availability zone.
      type: str
      sample: ap-guangzhou-3
    project_id:
      description: The project.
      type: int
    vpc_id:
      description: The VPC.
      type: str
      sample: vpc-gz000001
    subnet_id:
      description: The subnet of the primary ENI.
      type: str
      sample: subnet-gz3a0001
    private_ip_addresses:
      description: The private IPv4 addresses of the primary ENI.
      type: list
      elements: str
    public_ip_addresses:
      description: The public IPv4 addresses (empty when none).
      type: list
      elements: str
    ipv6_addresses:
      description: The IPv6 addresses (empty when none).
      type: list
      elements: str
    security_group_ids:
      description: The security groups, in priority order.
      type: list
      elements: str
    tags:
      description: The tags, key to value.
      type: dict
      sample: {env: prod, role: web}
    image_id:
      description: The image the instance was made from.
      type: str
    os_name:
      description: The operating system's name.
      type: str
    cpu:
      description: The number of vCPUs.
      type: int
    memory:
      description: The memory, in GB.
      type: int
    created_time:
      description: When it was created (ISO 8601, UTC).
      type: str
      sample: "2024-01-02T03:04:05Z"
    expired_time:
      description: When a prepaid instance expires, else V(null).
      type: str
    network_interfaces:
      description: Its ENIs, primary first, the record of M(tencent.qcloud.qcloud_eni_info).
      returned: when O(include_network_interfaces=true)
      type: list
      elements: dict
credential_source:
  description: Where the keys came from (never the keys themselves).
  returned: always
  type: str
  sample: module options
error:
  description: The API error behind a failure.
  returned: on failure caused by an API error
  type: dict
  contains:
    code:
      description: The API code.
      type: str
    message:
      description: The API's own message.
      type: str
    request_id:
      description: The RequestId of the failed call.
      type: str
    action:
      description: The API action that failed.
      type: str
"""

from ansible_collections.tencent.qcloud.plugins.module_utils._cvm import attach_network_interfaces, cvm_pool, list_instances
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import MODULE_API_V3_ONLY, QcloudError
from ansible_collections.tencent.qcloud.plugins.module_utils._filters import filter_map
from ansible_collections.tencent.qcloud.plugins.module_utils._module import QcloudModule


def main():
    qm = QcloudModule(
        argument_spec=dict(
            instance_ids=dict(type="list", elements="str"),
            filters=dict(type="dict"),
            include_network_interfaces=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("instance_ids", "filters")],
        supports_check_mode=True,
    )
    params = qm.params
    if params["api_version"] != "3.0":
        qm.fail_decision(MODULE_API_V3_ONLY, {"module": "tencent.qcloud.qcloud_cvm_info"})
    for instance_id in params["instance_ids"] or []:
        qm.check_value("instance_ids", instance_id, "ins")
    try:
        filters = filter_map(params["filters"])
    except QcloudError as err:
        qm.fail_api(err)
    client = qm.client("cvm")
    if params["instance_ids"] == []:
        qm.module.exit_json(changed=False, instances=[], credential_source=qm.credential_source)
    pool = cvm_pool(client, params["api_endpoint"])
    qm.context["endpoint"] = client.endpoint
    try:
        found = list_instances(pool, [client.region], filters=filters, ids=params["instance_ids"])
        if params["include_network_interfaces"]:
            attach_network_interfaces(pool, found)
    except QcloudError as err:
        qm.fail_api(err, credential_source=qm.credential_source)
    qm.module.exit_json(changed=False, instances=found, credential_source=qm.credential_source)


if __name__ == "__main__":
    main()
