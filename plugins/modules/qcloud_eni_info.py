#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: qcloud_eni_info
short_description: List Tencent Cloud elastic network interfaces
version_added: 0.1.0
description:
  - Returns the ENIs named by O(network_interface_ids), or those matching the filters, with C(DescribeNetworkInterfaces).
  - Reads every page (100 ENIs a call with API 3.0, 50 with API 2.0).
  - Each ENI is the same record that M(tencent.qcloud.qcloud_eni) and M(tencent.qcloud.qcloud_eni_attach) return,
    for both API versions.
author:
  - tencent.qcloud contributors (@tencent-qcloud)
options:
  network_interface_ids:
    description:
      - ENIs to return, like V(eni-m6dyj72l). Ids that do not exist in the region are left out of the result
        (so an unknown id gives an empty list, not an error).
      - The filters below, when also given, narrow these ENIs further.
    type: list
    elements: str
    aliases: [eni_ids]
  vpc_id:
    description:
      - Only ENIs in this VPC. An unknown VPC gives an empty list.
    type: str
  subnet_id:
    description:
      - Only ENIs in this subnet.
    type: str
  instance_id:
    description:
      - Only ENIs attached to this instance.
    type: str
  name:
    description:
      - Only ENIs with exactly this name.
    type: str
  primary:
    description:
      - Only primary ENIs (V(true)) or only secondary ones (V(false)).
    type: bool
  tags:
    description:
      - Only ENIs that have every one of these tags, with these values (a dictionary of strings).
      - API 3.0 only, since API 2.0 reports no tags; with O(api_version=2.0) the module fails before any call.
    type: dict
    version_added: 0.2.0
  filters:
    description:
      - Tencent's C(DescribeNetworkInterfaces) filters, each name mapped to a value or a list of values
        (filters combine with AND, a filter's values with OR); Tencent filters on its side.
      - V(vpc-id), V(subnet-id), V(network-interface-id), V(attachment.instance-id), V(groups.security-group-id),
        V(network-interface-name), V(network-interface-description), V(tag-key), V(tag:<key>) (that tag's value),
        V(is-primary) (V(true) or V(false)), V(eni-type) (V(0) secondary, V(1) primary, V(2) trunking),
        V(eni-qos) (V(PT), V(AU), V(AG), V(DEFAULT)), V(address-ipv6), V(address-type) (V(GUA) or V(ULA), of the IPv6 CIDR),
        V(public-address-ip), V(termination-protection), V(traffic-protection) (V(true) or V(false)).
      - V(address-ip) finds the ENI that holds an address (primary or secondary); Tencent matches one address as a suffix
        (V(1.13) finds V(10.0.1.13)) and several exactly; add V(ip-exact-match=true) to match one address exactly.
      - Another name fails before any call, with the list of names. Given with the options above, both must match;
        with O(network_interface_ids), the ENIs are looked for among those ids.
      - API 3.0 only (the names are Tencent's 3.0 filters); with O(api_version=2.0) the module fails before any call.
    type: dict
    version_added: 0.2.0
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
notes:
  - Filters combine with AND. With API 2.0, which cannot filter on subnet or primary and matches names by substring,
    the module applies those filters itself, so the result is the same in both API versions.
seealso:
  - module: tencent.qcloud.qcloud_eni
  - module: tencent.qcloud.qcloud_eni_attach
"""

EXAMPLES = r"""
- name: All ENIs of a VPC
  tencent.qcloud.qcloud_eni_info:
    vpc_id: vpc-gz000001
  register: enis

- name: The ENIs attached to one instance, besides its primary one
  tencent.qcloud.qcloud_eni_info:
    instance_id: ins-run00002
    primary: false
  register: secondary

- name: Two ENIs by id
  tencent.qcloud.qcloud_eni_info:
    network_interface_ids: [eni-free0001, eni-held0001]
  register: two

- name: Which instances hold them
  ansible.builtin.debug:
    msg: "{{ two.network_interfaces | map(attribute='attachment') | map('default', {}, true) | map(attribute='instance_id', default='none') }}"

- name: Which ENI holds the address 10.0.1.200 (primary or secondary), wherever it is in the region
  tencent.qcloud.qcloud_eni_info:
    filters:
      address-ip: 10.0.1.200
      ip-exact-match: true
  register: holder

- name: The secondary ENIs of a security group, in two subnets
  tencent.qcloud.qcloud_eni_info:
    filters:
      groups.security-group-id: sg-web00001
      subnet-id: [subnet-gz3a0001, subnet-gz4a0001]
      eni-type: 0
  register: grouped

- name: The ENIs of the web team in staging
  tencent.qcloud.qcloud_eni_info:
    tags:
      owner: web-team
      env: staging
  register: staging

- name: Their addresses and security groups
  ansible.builtin.debug:
    msg: "{{ staging.network_interfaces | map(attribute='private_ip_addresses') }} in {{ staging.network_interfaces | map(attribute='security_group_ids') }}"
"""

RETURN = r"""
network_interfaces:
  description: The ENIs found, in the API's order.
  returned: always
  type: list
  elements: dict
  contains:
    network_interface_id:
      description: The ENI id.
      type: str
      sample: eni-free0001
    name:
      description: The ENI name.
      type: str
    description:
      description: The ENI description.
      type: str
    vpc_id:
      description: The VPC of the ENI.
      type: str
      sample: vpc-gz000001
    subnet_id:
      description: The subnet of the ENI.
      type: str
      sample: subnet-gz3a0001
    zone:
      description:
        - The availability zone of the ENI.
        - V(null) under API 2.0, which gives the numeric C(zone_id) instead.
      type: str
      sample: ap-guangzhou-3
    zone_id:
      description:
        - The numeric zone id of the ENI that API 2.0 gives (its archived docs type C(zoneId) as an integer), like
          V(100003) for V(ap-guangzhou-3); V(null) under API 3.0, which names the zone in C(zone).
      type: int
      sample: null
    state:
      description:
        - The ENI state, V(AVAILABLE) when settled (attached or not); V(PENDING), V(ATTACHING), V(DETACHING) or
          V(DELETING) while a task runs.
        - API 2.0 reports no state; it is then V(AVAILABLE).
      type: str
      sample: AVAILABLE
    primary:
      description: Whether this is the primary ENI of its instance.
      type: bool
    mac_address:
      description: The MAC address.
      type: str
    private_ip_addresses:
      description: The private IPv4 addresses, primary first.
      type: list
      elements: str
    primary_private_ip_address:
      description: The primary private address.
      type: str
      sample: 10.0.1.23
    security_group_ids:
      description: The security groups, in priority order.
      type: list
      elements: str
      sample: ["sg-web00001"]
    tags:
      description: The tags (always empty with API 2.0, which reports none).
      type: dict
      sample: {"owner": "web-team"}
    created_time:
      description: When the ENI was created, C(YYYY-MM-DD hh:mm:ss).
      type: str
      sample: "2024-01-02 03:04:05"
    attachment:
      description: The instance the ENI is attached to, or V(null).
      type: dict
      contains:
        instance_id:
          description: The instance.
          type: str
        device_index:
          description: The device index on the instance (V(null) with API 2.0).
          type: int
        attach_time:
          description: When it was attached.
          type: str
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

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    MODULE_BAD_TAG,
    MODULE_TAGS_NEED_V3,
    TAG_PROBLEMS,
    QcloudError,
    sentence,
)
from ansible_collections.tencent.qcloud.plugins.module_utils._module import QcloudModule
from ansible_collections.tencent.qcloud.plugins.module_utils._eni import VpcApi


def check_tags(qm, tags):
    """Tags are matched as strings: a key or value of another type fails before any call."""
    for key, value in tags.items():
        if not isinstance(value, str):
            qm.module.fail_json(msg=sentence(MODULE_BAD_TAG, {"tag": repr(key)[:40], "why": TAG_PROBLEMS["value_type"].format(
                detail=type(value).__name__)}))


def main():
    qm = QcloudModule(
        argument_spec=dict(
            network_interface_ids=dict(type="list", elements="str", aliases=["eni_ids"]),
            vpc_id=dict(type="str"),
            subnet_id=dict(type="str"),
            instance_id=dict(type="str"),
            name=dict(type="str"),
            primary=dict(type="bool"),
            tags=dict(type="dict"),
            filters=dict(type="dict"),
        ),
        supports_check_mode=True,
    )
    params = qm.params
    for eni_id in params["network_interface_ids"] or []:
        qm.check_value("network_interface_ids", eni_id, "eni")
    qm.check_id("vpc_id", "vpc")
    qm.check_id("subnet_id", "subnet")
    qm.check_id("instance_id", "ins")
    if params["tags"] is not None:
        if params["api_version"] != "3.0":
            qm.module.fail_json(msg=sentence(MODULE_TAGS_NEED_V3))
        check_tags(qm, params["tags"])
    filters = None
    if params["filters"] is not None:
        try:
            filters = VpcApi.eni_filters(params["filters"], params["api_version"] == "3.0")
        except QcloudError as err:
            qm.module.fail_json(msg=err.msg)
    api = VpcApi(qm.client("vpc"))
    try:
        found = api.find_network_interfaces(
            ids=params["network_interface_ids"],
            vpc_id=params["vpc_id"],
            subnet_id=params["subnet_id"],
            instance_id=params["instance_id"],
            name=params["name"],
            primary=params["primary"],
            tags=params["tags"],
            filters=filters,
        )
    except QcloudError as err:
        qm.fail_api(err, credential_source=qm.credential_source)
    qm.module.exit_json(changed=False, network_interfaces=found, credential_source=qm.credential_source)


if __name__ == "__main__":
    main()
