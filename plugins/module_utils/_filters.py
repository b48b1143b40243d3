# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tencent's Describe* filters as a user writes them (a name mapped to a value or a list of values),
as ``{name: [string values]}``: shared by the CVM reads (_cvm.py, the inventory plugin, qcloud_cvm_info)
and the ENI reads (_eni.py, qcloud_eni_info), each of which knows its own filter names and limits."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    MODULE_FILTER_EMPTY,
    MODULE_FILTER_VALUE,
    MODULE_FILTERS_TYPE,
    QcloudError,
    sentence,
)


def _value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise QcloudError(sentence(MODULE_FILTER_VALUE, {"filter": name, "value": repr(value)[:40]}))


def filter_map(filters: Optional[Mapping[str, Any]]) -> Dict[str, List[str]]:
    """User filters (name -> value or list) as name -> distinct string values, order kept."""
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        raise QcloudError(sentence(MODULE_FILTERS_TYPE, {"value": repr(filters)[:40]}))
    out: Dict[str, List[str]] = {}
    for name, value in filters.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        strings = list(dict.fromkeys(_value(str(name), v) for v in values))
        if not strings:
            raise QcloudError(sentence(MODULE_FILTER_EMPTY, {"filter": name}))
        out[str(name)] = strings
    return out
