# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Tag API (service ``tag``, Version 2018-08-13): the tags of a resource, after its creation.

The VPC API sets tags only when an ENI is created and reads them back in ``TagSet``; changes
go through ``ModifyResourceTags`` on the resource's six-segment name. The Tag client shares
the VPC client's keys, session, timeouts and retries; only the service, version and host differ.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from ansible_collections.tencent.qcloud.plugins.module_utils._client import QcloudClient, service_endpoint

SERVICE = "tag"
VERSION = "2018-08-13"
TAGS_PER_CALL = 10  # ReplaceTags and DeleteTags: at most 10 each a call
# Tencent's rules for keys and values (the Tag API refuses anything else)
KEY_MAX = 127
VALUE_MAX = 255
RESERVED_PREFIXES = ("qcloud", "tencent", "project")
PUNCTUATION = frozenset(" +-=._:/@()[]（）【】")


def tag_client(vpc_client: QcloudClient) -> QcloudClient:
    """A client of the Tag API made from the VPC one (same keys, session, retries and deadline)."""
    return vpc_client.clone(service=SERVICE, version=VERSION, endpoint=service_endpoint(vpc_client.url, SERVICE),
                            session=vpc_client.session)


def eni_resource(region: str, eni_id: str) -> str:
    """The six-segment name of an ENI. The uin is left empty, as Terraform writes it: the Tag API
    takes the caller's account then (the project's reference marks this UNSURE for every account)."""
    return "qcs::vpc:%s:uin/:eni/%s" % (region, eni_id)


def tag_problem(key: Any, value: Any) -> tuple:
    """What is wrong with one tag for Tencent Cloud: (code, detail), code "" when nothing is.
    The codes name phrases of ``_errors.TAG_PROBLEMS``."""
    if not isinstance(key, str):
        return "key_type", type(key).__name__
    if not isinstance(value, str):
        return "value_type", type(value).__name__
    if not key:
        return "key_empty", ""
    if len(key) > KEY_MAX:
        return "key_long", str(KEY_MAX)
    if len(value) > VALUE_MAX:
        return "value_long", str(VALUE_MAX)
    for text, code in ((key, "key_chars"), (value, "value_chars")):
        bad = [c for c in text if not (c.isalnum() or c in PUNCTUATION)]
        if bad:
            return code, repr(bad[0])
    if key.lower().startswith(RESERVED_PREFIXES):
        return "reserved", ""
    return "", ""


def tag_changes(current: Mapping[str, str], wanted: Mapping[str, str], purge: bool) -> tuple:
    """({key: value} to set, [keys] to remove) that turn ``current`` into ``wanted``."""
    replace = {k: v for k, v in wanted.items() if current.get(k) != v}
    delete = [k for k in current if k not in wanted] if purge else []
    return replace, delete


class TagApi:
    def __init__(self, client: QcloudClient) -> None:
        self.client = client

    def modify(self, resource: str, replace: Mapping[str, str], delete: List[str]) -> int:
        """Set ``replace`` and remove ``delete`` on the resource, ten of each a call; returns the calls made."""
        sets = list(replace.items())
        calls = 0
        while sets or delete:
            params: Dict[str, Any] = {"Resource": resource}
            if sets:
                params["ReplaceTags"] = [{"TagKey": k, "TagValue": v} for k, v in sets[:TAGS_PER_CALL]]
            if delete:
                params["DeleteTags"] = [{"TagKey": k} for k in delete[:TAGS_PER_CALL]]
            self.client.call("ModifyResourceTags", params)
            sets, delete = sets[TAGS_PER_CALL:], delete[TAGS_PER_CALL:]
            calls += 1
        return calls
