"""Protocol-neutral error kinds and their API 3.0 / API 2.0 forms.

API 3.0 answers only with codes Tencent documents for the action (``documented_errors.json``:
each action's list from the Go SDK's client.go, plus Tencent's common codes): ``V3`` is a kind's
code for most actions, ``V3_BY_ACTION`` the code where an action's list names another (what a
write answers while another task holds its ENI or instance is chosen in contention.py).
"""
import json
import os


class SimError(Exception):
    """A business or protocol error. `kind` is protocol-neutral; see V3 / V2 below."""

    def __init__(self, kind, message="", code=None):
        super().__init__(message or kind)
        self.kind = kind
        self.message = message or kind
        # the API 3.0 code (API 2.0 codeDesc) when the kind has more than one (busy, rate_limit):
        # chosen per action (contention.py)
        self.code = code


# kind -> API 3.0 Response.Error.Code
V3 = {
    "eni_not_found": "ResourceNotFound",
    "instance_not_found": "ResourceNotFound",
    "vpc_not_found": "ResourceNotFound",
    "task_not_found": "ResourceNotFound",
    "malformed": "InvalidParameterValue.Malformed",
    "already_attached": "UnsupportedOperation.AttachmentAlreadyExists",
    "not_attached": "UnsupportedOperation.InvalidState",
    "primary": "UnsupportedOperation.ResourceIsInvalidState",
    "instance_state": "UnsupportedOperation.InvalidState",
    "vpc_mismatch": "UnsupportedOperation.VpcMismatch",
    "zone_mismatch": "UnsupportedOperation.ZoneMismatch",
    "limit": "LimitExceeded",
    "family": "UnsupportedOperation.UnsupportedInstanceFamily",
    "busy": "UnsupportedOperation.MutexOperationTaskRunning",  # the code comes with the error (contention.py)
    "idempotent_mismatch": "UnsupportedOperation.IdempotentParameterMismatch",
    "coexist": "InvalidParameter.Coexist",
    "filter_key": "InvalidParameter.FilterInvalidKey",
    "invalid_parameter": "InvalidParameter",
    "invalid_value": "InvalidParameterValue",
    "missing": "MissingParameter",
    "unknown_parameter": "UnknownParameter",
    "unknown_action": "InvalidAction",
    "region": "UnsupportedRegion",
    "signature": "AuthFailure.SignatureFailure",
    "expired": "AuthFailure.SignatureExpire",
    "secret_id": "AuthFailure.SecretIdNotFound",
    "token": "AuthFailure.TokenFailure",
    "rate_limit": "RequestLimitExceeded",
    "internal": "InternalError",
    # the ENI lifecycle (tencentcloud/vpc/v20170312/errorcodes.py; the Go SDK's client.go per action)
    "subnet_not_found": "ResourceNotFound",
    "sg_not_found": "ResourceNotFound",
    "duplicate": "InvalidParameterValue",  # a security group given twice (Create, Modify)
    "duplicate_para": "InvalidParameterValue.DuplicatePara",
    "range": "InvalidParameterValue.Range",
    "reserved": "InvalidParameterValue.Reserved",
    "too_long": "InvalidParameterValue.TooLong",
    "too_many": "InvalidParameterValue.LimitExceeded",
    "address_in_use": "ResourceInUse",  # Create and Assign document plain ResourceInUse
    "subnet_full": "ResourceInsufficient.Subnet",
    "eni_ip_limit": "LimitExceeded",  # Create and Assign document plain LimitExceeded
    "primary_ip": "UnsupportedOperation",  # Assign and Unassign document plain UnsupportedOperation
    "multiple_primary": "InvalidParameterValue",  # Create
    "address_not_found": "UnsupportedOperation.AttachmentNotFound",
    "primary_delete": "UnsupportedOperation",
    "in_use": "ResourceInUse",
    "unsupported": "UnsupportedOperation",
    "tag_invalid_key": "InvalidParameterValue.TagInvalidKey",
    "tag_invalid_key_len": "InvalidParameterValue.TagInvalidKeyLen",
    "tag_invalid_val": "InvalidParameterValue.TagInvalidVal",
    "tag_duplicate_key": "InvalidParameterValue.TagDuplicateKey",
    "tag_reserved": "UnsupportedOperation.TagSystemReservedTagKey",
    "tag_limit": "LimitExceeded.TagKeyPerResourceExceeded",
    # the Tag API (tencentcloud/tag/v20180813/errorcodes.py)
    "tag_api_param": "InvalidParameter.Tag",
    "tag_api_reserved": "InvalidParameter.ReservedTagKey",
    "tag_key_empty": "InvalidParameterValue.TagKeyEmpty",
    "tag_key_long": "InvalidParameterValue.TagKeyLengthExceeded",
    "tag_key_chars": "InvalidParameterValue.TagKeyCharacterIllegal",
    "tag_value_long": "InvalidParameterValue.TagValueLengthExceeded",
    "tag_value_chars": "InvalidParameterValue.TagValueCharacterIllegal",
    "tag_key_duplicate": "InvalidParameterValue.TagKeyDuplicate",
    "tag_delete_conflict": "InvalidParameterValue.DeleteTagsParamError",
    "resource_description": "InvalidParameterValue.ResourceDescriptionError",
    "resource_id": "InvalidParameterValue.ResourceIdInvalid",
    "service_type": "InvalidParameterValue.ServiceTypeInvalid",
    "resource_prefix": "InvalidParameterValue.ResourcePrefixInvalid",
    "tag_region": "InvalidParameterValue.RegionInvalid",
    "tag_offset": "InvalidParameterValue.OffsetInvalid",
    "tag_per_request": "LimitExceeded.TagNumPerRequest",
    "resource_per_request": "LimitExceeded.ResourceNumPerRequest",
    "resource_tags": "LimitExceeded.ResourceAttachedTags",
    # STS AssumeRole (tencentcloud/sts/v20180813/errorcodes.py)
    "role_not_found": "ResourceNotFound.RoleNotFound",
    "role_untrusted": "UnauthorizedOperation",
    "sts_param": "InvalidParameter.ParamError",
    "sts_duration": "InvalidParameter.OverTimeError",
}

# action -> {kind: code}: where the action's documented list names another code than V3's
V3_BY_ACTION = {
    # DetachNetworkInterface documents neither ResourceIsInvalidState nor UnsupportedInstanceFamily
    "DetachNetworkInterface": {"primary": "UnsupportedOperation",
                               "family": "UnsupportedOperation"},
    # CreateNetworkInterface documents no DuplicatePara (Assign and Unassign do)
    "CreateNetworkInterface": {"duplicate_para": "InvalidParameterValue"},
    # ModifyResourceTags documents neither ResourceIdInvalid (DescribeResourceTagsByResourceIds
    # does), TagKeyDuplicate nor TagNumPerRequest
    "ModifyResourceTags": {"resource_id": "ResourceNotFound",
                           "tag_key_duplicate": "InvalidParameter.Tag",
                           "tag_per_request": "InvalidParameter.Tag"},
    # DescribeResourceTagsByResourceIds documents neither ResourceNumPerRequest nor OffsetInvalid
    "DescribeResourceTagsByResourceIds": {"resource_per_request": "InvalidParameterValue",
                                          "tag_offset": "InvalidParameterValue"},
}

DOCUMENTED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "documented_errors.json")


def _load_documented():
    if not os.path.exists(DOCUMENTED_FILE):  # hack/documented_errors.py imports this to write it
        return {}, frozenset()
    with open(DOCUMENTED_FILE, encoding="utf-8") as fh:
        data = json.load(fh)
    return ({action: frozenset(item["codes"]) for action, item in data["actions"].items()},
            frozenset(data["common"]))


# action -> the codes the Go SDK documents for it; the common codes any action may answer
DOCUMENTED, COMMON = _load_documented()


def documented(action, code):
    """Whether API 3.0 ``action`` may answer ``code``: its own list or the common codes."""
    return code in COMMON or code in DOCUMENTED.get(action, ())


# kind -> (API 2.0 code, codeDesc). codeDesc None = same as the 3.0 code.
V2 = {
    "eni_not_found": (5000, "InvalidNetworkInterface.NotFound"),
    "instance_not_found": (5000, "InvalidInstance.NotFound"),
    "vpc_not_found": (5000, "InvalidVpc.NotFound"),
    "task_not_found": (5000, "InvalidTask.NotFound"),
    "malformed": (4000, "InvalidParameterValue.Malformed"),
    "already_attached": (4000, "InvalidNetworkInterface.AlreadyAssociated"),
    "not_attached": (4000, "InvalidNetworkInterface.NotAttached"),
    "primary": (4000, None),
    "instance_state": (4000, None),
    "vpc_mismatch": (4000, None),
    "zone_mismatch": (4000, None),
    "limit": (4000, None),
    "family": (4000, None),
    "busy": (5100, None),  # 5100: "operation failed, retry later" (API 2.0's common codes)
    "invalid_parameter": (4000, "InvalidParameter"),
    "invalid_value": (4000, "InvalidParameterValue"),
    "missing": (4000, "MissingParameter"),
    "unknown_parameter": (4000, "UnknownParameter"),
    "unknown_action": (6100, "InvalidAction"),
    "region": (4000, "InvalidRegion"),
    "signature": (4100, None),
    "expired": (4500, None),
    "secret_id": (4104, None),
    "token": (4105, None),
    "rate_limit": (4400, None),
    "internal": (6000, None),
}


def v3_code(kind, action=None, code=None):
    """The API 3.0 code of ``kind`` as ``action`` answers it (``code``: the one chosen with the error)."""
    return code or V3_BY_ACTION.get(action, {}).get(kind) or V3.get(kind, kind)


def v2_code(kind):
    """(API 2.0 code, codeDesc) of ``kind``. The per-action choice of a busy or throttle code (an error's
    ``code``) is API 3.0's: 2.0 documents only its numeric codes (4400 rate limit, 5100 retry later), so
    it keeps the codeDesc it always gave (RequestLimitExceeded, MutexOperationTaskRunning)."""
    number, desc = V2.get(kind, (4000, None))
    return number, desc or V3.get(kind, kind)


def v2_numeric_for(code_desc):
    """Numeric 2.0 code for an arbitrary error code (used by the `error` fault)."""
    for kind, c3 in V3.items():
        if c3 == code_desc and kind in V2:
            return V2[kind][0]
    for kind, (num, desc) in V2.items():
        if desc == code_desc:
            return num
    if code_desc.startswith("RequestLimitExceeded") or code_desc.startswith("LimitExceeded.ActionLimited"):
        return 4400
    if code_desc.startswith("InternalError"):
        return 6000
    if code_desc.startswith("AuthFailure"):
        return 4100
    if code_desc.startswith(("UnauthorizedOperation", "OperationDenied")):
        return 4300
    if code_desc.endswith("NotFound") or code_desc.startswith("ResourceNotFound"):
        return 5000
    if code_desc.startswith(("ResourceInUse", "ResourceBusy", "UnsupportedOperation.Mutex",
                             "UnsupportedOperation.IdempotentProcessing")):
        return 5100
    if code_desc.startswith("ResourceUnavailable"):
        return 6200
    if code_desc == "InvalidAction":
        return 6100
    return 4000
