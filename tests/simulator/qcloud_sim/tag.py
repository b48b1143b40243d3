"""The Tag service (`tag`, Version 2018-08-13): the tags of the world's ENIs, on the same port.

Resources are named six-segment style, ``qcs::vpc:<region>:uin/<uin>:eni/<eni id>``; the uin may
be the caller's or empty (as Terraform writes it). The VPC side shows the same tags in TagSet.
"""
import hashlib

from .common import as_int
from .errors import SimError
from .world import TAGS_PER_RESOURCE, tag_problem, well_formed

SERVICE = "tag"
VERSION = "2018-08-13"
TAGS_PER_REQUEST = 10
RESOURCES_PER_REQUEST = 50
ACTIONS = {
    "ModifyResourceTags": {"Resource", "ReplaceTags", "DeleteTags"},
    "DescribeResourceTagsByResourceIds": {"ServiceType", "ResourcePrefix", "ResourceIds", "ResourceRegion",
                                          "Offset", "Limit", "Category"},
}
REGIONAL = False  # one global service: the region is part of each resource name

_PROBLEM_KINDS = {"key_empty": "tag_key_empty", "key_long": "tag_key_long", "key_chars": "tag_key_chars",
                  "reserved": "tag_api_reserved", "value_long": "tag_value_long", "value_chars": "tag_value_chars"}


def _resource_eni(sim, call, resource):
    """The ENI a six-segment resource name points at (under the lock)."""
    if not isinstance(resource, str) or not resource:
        raise SimError("missing", "The parameter `Resource` is missing.")
    parts = resource.split(":")
    if len(parts) != 6 or parts[0] != "qcs" or parts[1] != "" or not parts[4].startswith("uin/") \
            or "/" not in parts[5]:
        raise SimError("resource_description", "Resource %r is not qcs::<service>:<region>:uin/<uin>:<prefix>/<id>."
                       % resource)
    service, region, uin = parts[2], parts[3], parts[4][len("uin/"):]
    prefix, dummy, eni_id = parts[5].partition("/")
    if service != "vpc" or prefix != "eni":
        raise SimError("resource_description", "Only vpc ENIs (qcs::vpc:<region>:uin/<uin>:eni/<id>) are simulated.")
    if uin not in ("", str(call.key.get("uin"))):
        raise SimError("resource_description", "Resource %r belongs to another account." % resource)
    if not sim.world.has_region(region):
        raise SimError("resource_description", "Resource %r names an unknown region." % resource)
    eni = sim.world.eni(region, eni_id) if well_formed("eni", eni_id) else None
    if eni is None:
        raise SimError("resource_id", "ENI %s does not exist in %s." % (eni_id, region))
    return eni


def _check_tag(key, value):
    problem = tag_problem(key, value)
    if problem:
        raise SimError(_PROBLEM_KINDS[problem], "The tag %r is not valid (%s)." % (key, problem.replace("_", " ")))


def _tag_list(p, name, with_value):
    raw = p.get(name)
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise SimError("invalid_parameter", "%s must be a list of objects." % name)
    if not raw:
        raise SimError("tag_api_param", "%s may be left out, but not be an empty list." % name)
    if len(raw) > TAGS_PER_REQUEST:
        raise SimError("tag_per_request", "%s takes at most %d tags a request." % (name, TAGS_PER_REQUEST))
    out = []
    for t in raw:
        unknown = set(t) - ({"TagKey", "TagValue"} if with_value else {"TagKey"})
        if unknown:
            raise SimError("unknown_parameter", "The parameter `%s.%s` is not recognized." % (name, sorted(unknown)[0]))
        key, value = t.get("TagKey"), t.get("TagValue", "") if with_value else ""
        if key is None:
            raise SimError("tag_key_empty", "Each of %s needs a TagKey." % name)
        if not isinstance(key, str) or not isinstance(value, str):
            raise SimError("invalid_parameter", "TagKey and TagValue must be strings.")
        _check_tag(key, value)
        out.append((key, value))
    keys = [k for k, dummy in out]
    if len(set(keys)) != len(keys):
        raise SimError("tag_key_duplicate", "A tag key is given twice in %s." % name)
    return out


def modify_resource_tags(sim, call, request_id):
    p = call.params
    replace = _tag_list(p, "ReplaceTags", with_value=True)
    delete = _tag_list(p, "DeleteTags", with_value=False)
    if replace is None and delete is None:
        raise SimError("missing", "Give ReplaceTags or DeleteTags.")
    if set(k for k, dummy in replace or []) & set(k for k, dummy in delete or []):
        raise SimError("tag_delete_conflict", "DeleteTags may not name a key of ReplaceTags.")
    with sim.lock:
        sim.advance()
        eni = _resource_eni(sim, call, p.get("Resource"))
        tags = dict(eni.get("tags") or {})
        for key, value in replace or []:
            tags[key] = value
        for key, dummy in delete or []:
            tags.pop(key, None)
        if len(tags) > TAGS_PER_RESOURCE:
            raise SimError("resource_tags", "A resource may have at most %d tags." % TAGS_PER_RESOURCE)
        eni["tags"] = tags
    return {}, {"eni_id": eni["eni_id"]}


def _md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # nosec - Tencent's own field, not security


def describe_resource_tags_by_resource_ids(sim, call, request_id):
    p = call.params
    for name in ("ServiceType", "ResourcePrefix", "ResourceRegion"):
        if not isinstance(p.get(name), str) or not p[name]:
            raise SimError("missing", "The parameter `%s` is missing." % name)
    if p["ServiceType"] != "vpc":
        raise SimError("service_type", "Only the vpc service is simulated.")
    if p["ResourcePrefix"] != "eni":
        raise SimError("resource_prefix", "Only the eni prefix is simulated.")
    ids = p.get("ResourceIds")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise SimError("missing", "ResourceIds must be a list of ids.")
    if len(ids) > RESOURCES_PER_REQUEST:
        raise SimError("resource_per_request", "ResourceIds takes at most %d ids." % RESOURCES_PER_REQUEST)
    offset = as_int(p.get("Offset", 0), "Offset")
    limit = as_int(p.get("Limit", 15), "Limit")
    if limit < 1 or limit > 100:
        raise SimError("invalid_value", "Limit must be between 1 and 100.")
    if offset < 0 or offset % limit:
        raise SimError("tag_offset", "Offset must be a multiple of Limit.")
    if p.get("Category", "All") not in ("Custom", "System", "All"):
        raise SimError("invalid_value", "Category must be Custom, System or All.")
    with sim.lock:
        if not sim.world.has_region(p["ResourceRegion"]):
            raise SimError("tag_region", "The region %s is not known." % p["ResourceRegion"])
        rows = []
        for eni_id in ids:
            eni = sim.world.eni(p["ResourceRegion"], eni_id)
            if eni is None or p.get("Category") == "System":
                continue
            for key, value in (eni.get("tags") or {}).items():
                rows.append({"TagKey": key, "TagValue": value, "ResourceId": eni_id, "TagKeyMd5": _md5(key),
                             "TagValueMd5": _md5(value), "ServiceType": "vpc", "Category": "Custom"})
    return {"TotalCount": len(rows), "Offset": offset, "Limit": limit, "Tags": rows[offset:offset + limit]}, {}


HANDLERS = {
    "ModifyResourceTags": modify_resource_tags,
    "DescribeResourceTagsByResourceIds": describe_resource_tags_by_resource_ids,
}
