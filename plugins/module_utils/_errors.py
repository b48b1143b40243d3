# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one catalogue of Tencent Cloud API errors.

Every code the collection can meet (API 3.0 ``Error.Code``, API 2.0 ``codeDesc`` and
numeric ``code``, and the client's own transport codes) maps to a sentence that says
what happened and what to do, and to whether the call is worth retrying. Modules never
write their own error sentences for API failures: they call :func:`explain`.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, NamedTuple, Optional


class QcloudError(Exception):
    """A failure the module reports as it is; ``msg`` is already a sentence for a person."""

    def __init__(self, msg: str, code: Optional[str] = None) -> None:
        super().__init__(msg)
        self.msg = msg
        self.code = code


class QcloudApiError(QcloudError):
    """An error answer of the API, or a transport failure while calling it.

    ``code`` is the API 3.0 ``Error.Code``, the API 2.0 ``codeDesc`` (or the numeric
    ``code`` as a string when ``codeDesc`` is empty), or one of the client's own codes
    (``ClientError.*``) for network, HTTP and parsing failures.
    """

    def __init__(
        self,
        code: str,
        message: str,
        action: str,
        request_id: Optional[str] = None,
        http_status: Optional[int] = None,
        processed: Optional[bool] = None,
    ) -> None:
        super().__init__("%s: %s" % (code, message), code)
        self.message = message
        self.action = action
        self.request_id = request_id
        self.http_status = http_status
        # False: the server certainly did not act on the request; None: it may have.
        self.processed = processed
        # Set by the client: an earlier attempt of the same call may have been applied
        # (its answer was lost), so this final answer may be about our own write.
        self.after_lost_answer = False

    def to_result(self) -> Dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
            "action": self.action,
        }


class Entry(NamedTuple):
    sentence: str
    retry: bool = False


# Client-side codes: failures before an API answer could be read.
CLIENT_NETWORK = "ClientError.Network"
CLIENT_TIMEOUT = "ClientError.Timeout"
CLIENT_TLS = "ClientError.TLS"
CLIENT_HTTP = "ClientError.HttpStatus"
CLIENT_HTTP_RETRY = "ClientError.HttpServerError"
CLIENT_BAD_RESPONSE = "ClientError.MalformedResponse"
CLIENT_BAD_REQUEST = "ClientError.InvalidRequest"

_AUTH_KEYS = (
    "Tencent Cloud rejected the request signature: check that secret_id and secret_key belong together "
    "(the credential source was {credential_source}) and that this machine's clock is correct."
)

CATALOGUE: Dict[str, Entry] = {
    # --- transport, found by the client itself ---
    CLIENT_NETWORK: Entry("Could not reach {endpoint} ({message}): check api_endpoint, DNS, proxies and the network.", True),
    CLIENT_TIMEOUT: Entry(
        "{endpoint} did not answer within api_timeout ({timeout} s): raise api_timeout or check the network.",
        True,
    ),
    CLIENT_TLS: Entry(
        "The TLS certificate of {endpoint} could not be verified ({message}): set ca_bundle to the CA that signed it, "
        "or validate_certs=false for a test endpoint only.",
    ),
    CLIENT_HTTP: Entry("{endpoint} answered HTTP {message} instead of an API response: check api_endpoint."),
    CLIENT_HTTP_RETRY: Entry("{endpoint} kept answering HTTP {message} instead of an API response: retry later.", True),
    CLIENT_BAD_RESPONSE: Entry(
        "{endpoint} answered with a body that is not a Tencent Cloud API response ({message}): check api_endpoint.",
        True,
    ),
    CLIENT_BAD_REQUEST: Entry("The request to {endpoint} could not be built ({message}): check api_endpoint, region and the ids."),
    # --- authentication and authorisation (API 3.0) ---
    "AuthFailure.SignatureFailure": Entry(_AUTH_KEYS),
    "AuthFailure.SignatureExpire": Entry(
        "The request timestamp is more than 5 minutes away from Tencent Cloud's clock: "
        "this machine's clock is off, so synchronise it (NTP) and run again."
    ),
    "AuthFailure.SecretIdNotFound": Entry(
        "Tencent Cloud does not know secret_id {secret_id} (from {credential_source}), or the key was disabled: "
        "use an active key pair from the CAM console."
    ),
    "AuthFailure.TokenFailure": Entry(
        "The security token was rejected or has expired: temporary keys need their matching, current security_token, "
        "so fetch fresh temporary credentials."
    ),
    "AuthFailure.InvalidSecretId": Entry("secret_id {secret_id} is not a valid SecretId: copy it again from the CAM console."),
    "AuthFailure.MFAFailure": Entry("The account requires MFA for this call: use a key of a user or role without that condition."),
    "AuthFailure.UnauthorizedOperation": Entry(
        "The key (from {credential_source}) is not allowed to call {action}: grant it that permission in CAM "
        "(for AssumeRole, the role's trust policy must name it)."
    ),
    "AuthFailure": Entry(_AUTH_KEYS),
    "UnauthorizedOperation": Entry(
        "The key (from {credential_source}) is not allowed to call {action}: grant it that permission in CAM "
        "(for AssumeRole, the role's trust policy must name it)."
    ),
    # --- throttling and busy resources: worth a retry ---
    "RequestLimitExceeded": Entry(
        "Tencent Cloud kept throttling {action} after every retry: lower forks or raise api_retries and run again.", True
    ),
    "RequestLimitExceeded.UinLimitExceeded": Entry(
        "The account's request rate limit for {action} was exceeded after every retry: lower forks and run again.", True
    ),
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded": Entry(
        "The account's cross-region request rate limit was exceeded after every retry: lower forks and run again.", True
    ),
    "LimitExceeded.ActionLimited": Entry("Tencent Cloud limited the frequency of {action}: wait a moment and run again.", True),
    "UnsupportedOperation.MutexOperationTaskRunning": Entry(
        "Another task is still running on ENI {eni} or instance {instance}: wait for it to finish and run again.", True
    ),
    "UnsupportedOperation.IdempotentProcessing": Entry(
        "Tencent Cloud is still processing an identical request: run again in a moment.", True
    ),
    "ResourceInUse": Entry("The resource is in use by another operation: wait for it to finish and run again.", True),
    "ResourceUnavailable": Entry("The resource is temporarily unavailable: run again in a moment.", True),
    "ResourceBusy": Entry("The resource is busy: run again in a moment.", True),
    "InternalError": Entry("Tencent Cloud had an internal error on {action}: run again; if it persists, open a ticket with the request id.", True),
    "InternalError.ModuleError": Entry(
        "Tencent Cloud had an internal error on {action}: run again; if it persists, open a ticket with the request id.", True
    ),
    # --- the rules of AttachNetworkInterface / DetachNetworkInterface (API 3.0) ---
    "ResourceNotFound": Entry(
        "Tencent Cloud found no ENI {eni} or no instance {instance} in region {region}: check the ids and the region."
    ),
    "InvalidParameterValue.Malformed": Entry("An id is malformed ({message}): ids look like eni-xxxxxxxx, ins-xxxxxxxx, vpc-xxxxxxxx."),
    "LimitExceeded": Entry(
        "Instance {instance} already has as many ENIs as its instance type allows: detach one of them or use a larger instance type."
    ),
    "UnsupportedOperation.AttachmentAlreadyExists": Entry(
        "ENI {eni} is already attached to another instance: set force=true to move it to {instance}."
    ),
    "UnsupportedOperation.InvalidState": Entry(
        "Instance {instance} or ENI {eni} is not in a state that allows this ({message}): "
        "the instance must be RUNNING or STOPPED, so wait until it is and run again."
    ),
    "UnsupportedOperation.ResourceIsInvalidState": Entry(
        "Instance {instance} or ENI {eni} is not in a state that allows this ({message}): wait until it has settled and run again."
    ),
    "UnsupportedOperation.UnsupportedInstanceFamily": Entry(
        "The instance type of {instance} does not support elastic network interfaces: use an instance family that does."
    ),
    "UnsupportedOperation.VpcMismatch": Entry(
        "ENI {eni} is in {eni_vpc} but instance {instance} is in another VPC: use an ENI from the instance's VPC."
    ),
    "UnsupportedOperation.ZoneMismatch": Entry(
        "ENI {eni} is in zone {eni_zone} but instance {instance} is in another zone: "
        "use an ENI from a subnet in the instance's zone."
    ),
    "UnsupportedOperation.IdempotentParameterMismatch": Entry(
        "A ClientToken was reused with other parameters; this is a bug in the collection, please report it."
    ),
    "UnsupportedOperation.InstanceAssociateHavip": Entry(
        "ENI {eni} cannot be detached while instance {instance} holds a HAVIP through it: unbind the HAVIP first."
    ),
    "UnsupportedOperation": Entry("Tencent Cloud does not allow this operation ({message})."),
    # --- request validation (API 3.0) ---
    "InvalidParameter": Entry("Tencent Cloud rejected a parameter of {action} ({message}): check the task's options."),
    "InvalidParameter.Coexist": Entry("Ids and filters cannot be combined in one query: use one or the other."),
    "InvalidParameterValue": Entry("Tencent Cloud rejected a value of {action} ({message}): check the task's options."),
    "MissingParameter": Entry("A required parameter of {action} is missing ({message}); this is a bug in the collection, please report it."),
    "UnknownParameter": Entry(
        "Tencent Cloud does not know a parameter of {action} ({message}): api_endpoint may point at another service or API version."
    ),
    "InvalidAction": Entry("{endpoint} does not offer {action}: check api_endpoint and api_version."),
    "UnsupportedRegion": Entry("Region {region} is not supported by this endpoint: check region (for example ap-guangzhou)."),
    "InvalidRegion": Entry("Region {region} does not exist: check region (for example ap-guangzhou)."),
    # --- STS AssumeRole (role_arn, tccli profiles with role-arn) ---
    "ResourceNotFound.RoleNotFound": Entry("Role {role_arn} does not exist: check role_arn (qcs::cam::uin/<uin>:roleName/<name>)."),
    "InternalError.GetRoleError": Entry(
        "Role {role_arn} could not be read or may not be assumed by these keys: check the role's trust policy in CAM."
    ),
    "InvalidParameter.OverTimeError": Entry("role_duration is outside what the role allows: use 900 to 43200 seconds or less than the role's maximum."),
    "InvalidParameter.ParamError": Entry(
        "A parameter of {action} was refused ({message}): check role_arn and role_session_name ([A-Za-z0-9_+=,.@-], 2 to 128 characters)."
    ),
    # --- API 2.0 business codes (codeDesc) from the spec ---
    "InvalidVpc.NotFound": Entry("VPC {vpc} was not found in region {region}: check vpc_id and region."),
    "InvalidNetworkInterface.NotFound": Entry("ENI {eni} was not found in region {region}: check network_interface_id and region."),
    "InvalidInstance.NotFound": Entry("Instance {instance} was not found in region {region}: check instance_id and region."),
    "InvalidNetworkInterface.AlreadyAssociated": Entry(
        "ENI {eni} is already attached to an instance: set force=true to move it to {instance}."
    ),
    "InvalidNetworkInterface.NotAttached": Entry("ENI {eni} is not attached to instance {instance}: there is nothing to detach."),
    # --- API 2.0 numeric codes (used when codeDesc says nothing more precise) ---
    "4000": Entry("Tencent Cloud rejected a parameter of {action} ({message}): check the task's options."),
    "4100": Entry(_AUTH_KEYS),
    "4101": Entry("The key (from {credential_source}) is not authorised to call {action}: grant it vpc:{action} in CAM."),
    "4102": Entry("The key (from {credential_source}) is not authorised to call {action}: grant it vpc:{action} in CAM."),
    "4103": Entry("The key (from {credential_source}) is not authorised to call {action}: grant it vpc:{action} in CAM."),
    "4104": Entry(
        "Tencent Cloud does not know secret_id {secret_id} (from {credential_source}), or the key was disabled: "
        "use an active key pair from the CAM console."
    ),
    "4105": Entry(
        "The security token was rejected or has expired: temporary keys need their matching, current security_token, "
        "so fetch fresh temporary credentials."
    ),
    "4300": Entry("Access was denied to {action}: check the account's permissions in CAM."),
    "4400": Entry("Tencent Cloud kept throttling {action} after every retry: lower forks or raise api_retries and run again.", True),
    "4500": Entry(
        "Tencent Cloud refused the request as a replay (nonce reused, or this machine's clock is off by more than "
        "5 minutes): synchronise the clock and run again."
    ),
    "4600": Entry("The API 2.0 endpoint only accepts HTTPS: use an https:// api_endpoint."),
    "5000": Entry("A resource of {action} was not found in region {region} ({message}): check the ids and the region."),
    "5100": Entry("Tencent Cloud could not complete {action} now ({message}): run again in a moment.", True),
    "6000": Entry("Tencent Cloud had an internal error on {action}: run again; if it persists, open a ticket with the request id.", True),
    "6100": Entry("{endpoint} does not offer {action} in API 2.0: check api_endpoint and api_version."),
    "6200": Entry("{action} is temporarily unavailable: run again in a moment.", True),
}

# Decisions of the modules themselves (no API call failed), kept here so that every
# sentence a user can see lives in one place.
MODULE_ENI_NOT_FOUND = "Module.EniNotFound"
MODULE_ATTACHED_ELSEWHERE = "Module.AttachedElsewhere"
MODULE_PRIMARY_ENI = "Module.PrimaryEni"
MODULE_VPC_MISMATCH = "Module.VpcMismatch"
MODULE_TASK_FAILED = "Module.TaskFailed"
MODULE_TASK_TIMEOUT = "Module.TaskTimeout"
MODULE_SETTLE_TIMEOUT = "Module.SettleTimeout"
MODULE_NO_CONVERGENCE = "Module.NoConvergence"

CATALOGUE.update(
    {
        MODULE_ENI_NOT_FOUND: Entry("ENI {eni} was not found in region {region}: check network_interface_id and region."),
        MODULE_ATTACHED_ELSEWHERE: Entry(
            "ENI {eni} is attached to {holder}, not to {instance}: set force=true to move it, or detach it from {holder} first."
        ),
        MODULE_PRIMARY_ENI: Entry(
            "ENI {eni} is the primary ENI of {holder}: a primary ENI cannot be detached or moved to another instance."
        ),
        MODULE_VPC_MISMATCH: Entry("ENI {eni} is in {eni_vpc}, not in {vpc}: check vpc_id and network_interface_id."),
        MODULE_TASK_FAILED: Entry("Task {task_id} ({action}) failed ({output}): check the instance and the ENI, then run again."),
        MODULE_TASK_TIMEOUT: Entry(
            "Task {task_id} ({action}) was still {status} after wait_timeout ({wait_timeout} s): "
            "raise wait_timeout, or run again later to pick up where it is."
        ),
        MODULE_SETTLE_TIMEOUT: Entry(
            "ENI {eni} was still {status} after wait_timeout ({wait_timeout} s): another operation is in progress, run again later."
        ),
        MODULE_NO_CONVERGENCE: Entry(
            "ENI {eni} kept changing while this task tried to settle it (last seen attached to {holder}): "
            "another job is changing the same ENI, so run again when it has finished."
        ),
    }
)

# Families: a code missing from the catalogue falls back to its parent (``A.B`` → ``A``).
_UNKNOWN = Entry("Tencent Cloud answered {code} to {action} ({message}).")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "(unknown)"


def lookup(code: Optional[str]) -> Entry:
    """The entry of a code, or of its nearest parent family, or a generic one."""
    while code:
        entry = CATALOGUE.get(code)
        if entry is not None:
            return entry
        code = code.rpartition(".")[0]
    return _UNKNOWN


def is_retryable(code: Optional[str]) -> bool:
    return lookup(code).retry


def sentence(code: Optional[str], context: Optional[Mapping[str, Any]] = None) -> str:
    """The catalogue's sentence for ``code``, filled in with what the caller knows."""
    values = _Blank((k, v) for k, v in (context or {}).items() if v not in (None, ""))
    values.setdefault("code", code)
    return lookup(code).sentence.format_map(values)


def explain(error: QcloudApiError, context: Optional[Mapping[str, Any]] = None) -> str:
    """The sentence for an API error."""
    values = dict(context or {})
    values.setdefault("action", error.action)
    values.setdefault("message", error.message or "no message")
    return sentence(error.code, values)


# --- the CVM API (DescribeInstances, DescribeRegions) and the inventory plugin qcloud_cvm ---
CATALOGUE.update(
    {
        "InvalidFilter": Entry(
            "Tencent Cloud does not accept a filter of {action} ({message}): check the filter names "
            "(for example zone, vpc-id, instance-state, instance-name, tag:<key>)."
        ),
        "InvalidFilterValue.LimitExceeded": Entry(
            "A filter of {action} carried more values than Tencent Cloud allows ({message}); the collection splits "
            "filters itself, so this is a bug in it, please report it."
        ),
        "InvalidParameterValue.LimitExceeded": Entry(
            "{action} asked for more than Tencent Cloud allows in one request ({message}); the collection splits "
            "requests itself, so this is a bug in it, please report it."
        ),
        "InvalidInstanceId.Malformed": Entry("An instance id is malformed ({message}): instance ids look like ins-xxxxxxxx."),
        "InvalidInstanceId.NotFound": Entry("An instance was not found in region {region} ({message}): check the instance ids and the region."),
        "InvalidParameterValue.VpcIdMalformed": Entry("A VPC id in the filters is malformed ({message}): VPC ids look like vpc-xxxxxxxx."),
        "InvalidParameterValue.SubnetIdMalformed": Entry(
            "A subnet id in the filters is malformed ({message}): subnet ids look like subnet-xxxxxxxx."
        ),
        "InvalidParameterValue.IPAddressMalformed": Entry(
            "An address in the filters is malformed ({message}): give IPv4 addresses like 10.0.1.5."
        ),
        "InvalidParameterValue.InvalidIpFormat": Entry("An address in the filters is malformed ({message}): give IPv4 addresses like 10.0.1.5."),
        "InvalidZone.MismatchRegion": Entry(
            "A zone in the filters is not in region {region} ({message}): give zones of the regions asked for, like {region}-3."
        ),
        "FailedOperation.IllegalTagKey": Entry("A tag key in the filters is not valid ({message}): check the tag:<key> and tag-key filters."),
        "FailedOperation.IllegalTagValue": Entry("A tag value in the filters is not valid ({message}): check the tag filters' values."),
    }
)

MODULE_FILTER_VALUE = "Module.FilterValue"
MODULE_FILTER_EMPTY = "Module.FilterEmpty"
MODULE_FILTERS_TYPE = "Module.FiltersType"
MODULE_API3_ONLY = "Module.Api3Only"
OPTION_URL = "Option.Url"
OPTION_CA_BUNDLE = "Option.CaBundle"
OPTION_POSITIVE = "Option.Positive"
OPTION_NOT_NEGATIVE = "Option.NotNegative"
OPTION_REGION = "Option.Region"
INVENTORY_HOSTNAME = "Inventory.Hostname"

CATALOGUE.update(
    {
        MODULE_FILTER_VALUE: Entry(
            "The value of filter {filter} must be a string, a number or a list of them (got {value}): "
            "give Tencent's values, like instance-state: [RUNNING, STOPPED]."
        ),
        MODULE_FILTER_EMPTY: Entry("Filter {filter} has no value: give at least one, or leave the filter out."),
        MODULE_FILTERS_TYPE: Entry(
            "The filters option must map Tencent Cloud filter names to a value or a list of values (got {value}), "
            "like tag:env: prod and instance-state: [RUNNING, STOPPED]."
        ),
        MODULE_API3_ONLY: Entry(
            "Module {what} speaks Tencent Cloud API 3.0 only (the CVM API has no API 2.0): leave api_version unset or set it to 3.0."
        ),
        OPTION_URL: Entry("Option {option} must be an http(s) URL such as https://cvm.tencentcloudapi.com (got {value})."),
        OPTION_CA_BUNDLE: Entry(
            "The ca_bundle {value} does not exist or is not a file: give the path of a PEM file of CA certificates, "
            "or leave ca_bundle unset."
        ),
        OPTION_POSITIVE: Entry("Option {option} must be greater than 0 (got {value})."),
        OPTION_NOT_NEGATIVE: Entry("Option {option} must be 0 or more (got {value})."),
        OPTION_REGION: Entry("Option {option} must hold region names like ap-guangzhou (got {value})."),
        INVENTORY_HOSTNAME: Entry(
            "The hostnames entry {value} is not one of instance-id, instance-name, private-ip, public-ip, tag:<key> "
            "or a Jinja2 template of the instance's variables: fix the entry."
        ),
    }
)


def with_code(error: QcloudApiError, context: Optional[Mapping[str, Any]] = None) -> str:
    """The sentence for an API error, followed by what a support ticket needs (code, action, region, request id)."""
    values = dict(context or {})
    region = values.get("region")
    return "%s (API error %s from %s%s, request id %s)" % (
        explain(error, values),
        error.code,
        error.action,
        " in %s" % region if region else "",
        error.request_id or "none",
    )
