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
        number: Optional[str] = None,
    ) -> None:
        super().__init__("%s: %s" % (code, message), code)
        self.message = message
        self.action = action
        self.request_id = request_id
        self.http_status = http_status
        # False: the server certainly did not act on the request; None: it may have.
        self.processed = processed
        # API 2.0's numeric ``code`` beside its ``codeDesc``: the sentence and the retry
        # decision fall back to it when the catalogue does not know the codeDesc.
        self.number = number
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
    # A busy resource (another task holds it): waited out until the module's deadline,
    # not counted against api_retries.
    busy: bool = False


# Client-side codes: failures before an API answer could be read.
CLIENT_NETWORK = "ClientError.Network"
CLIENT_TIMEOUT = "ClientError.Timeout"
CLIENT_TLS = "ClientError.TLS"
CLIENT_HTTP = "ClientError.HttpStatus"
CLIENT_HTTP_RETRY = "ClientError.HttpServerError"
CLIENT_BAD_RESPONSE = "ClientError.MalformedResponse"
CLIENT_BAD_REQUEST = "ClientError.InvalidRequest"
CLIENT_PLAIN_HTTP = "ClientError.PlainHttpToHttps"
CLIENT_NOT_TLS = "ClientError.NotTls"
CLIENT_CA_BUNDLE = "ClientError.CaBundle"

_BUSY = (
    "Another task kept ENI {eni} or instance {instance} busy for the whole wait_timeout ({wait_timeout} s) "
    "(Tencent Cloud said: {message}): raise wait_timeout, or run again when that task has finished."
)

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
    CLIENT_PLAIN_HTTP: Entry("{endpoint} speaks HTTPS, but api_endpoint says http://: use https:// in api_endpoint."),
    CLIENT_NOT_TLS: Entry(
        "{endpoint} does not speak HTTPS ({message}): use http:// in api_endpoint for a plain-HTTP test endpoint, or check its port."
    ),
    CLIENT_CA_BUNDLE: Entry("The ca_bundle file is not a PEM bundle of CA certificates ({message}): give a PEM file of CA certificates."),
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
    "UnsupportedOperation.MutexOperationTaskRunning": Entry(_BUSY, True, True),
    "UnsupportedOperation.IdempotentProcessing": Entry(
        "Tencent Cloud was still processing an identical request when wait_timeout ({wait_timeout} s) passed: "
        "run again in a moment.",
        True,
        True,
    ),
    "ResourceInUse": Entry(_BUSY, True, True),
    "ResourceUnavailable": Entry("The resource is temporarily unavailable: run again in a moment.", True),
    "ResourceBusy": Entry(_BUSY, True, True),
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
        "{action} was refused because instance {instance} or ENI {eni} is in the wrong state (Tencent Cloud said: {message}): "
        "wait until both have settled and run again."
    ),
    "UnsupportedOperation.ResourceIsInvalidState": Entry(
        "Instance {instance} or ENI {eni} is not in a state that allows this ({message}): wait until it has settled and run again."
    ),
    "UnsupportedOperation.UnsupportedInstanceFamily": Entry(
        "The instance type of {instance} does not support elastic network interfaces: use an instance family that does."
    ),
    "UnsupportedOperation.VpcMismatch": Entry(
        "ENI {eni} is in {eni_vpc} but instance {instance} is in {instance_vpc}: use an ENI from the instance's VPC."
    ),
    "UnsupportedOperation.ZoneMismatch": Entry(
        "ENI {eni} is in zone {eni_zone} but instance {instance} is in zone {instance_zone}: "
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
MODULE_INSTANCE_NOT_FOUND = "Module.InstanceNotFound"
MODULE_NOT_STARTED = "Module.NotStarted"
MODULE_ITEMS_FAILED = "Module.ItemsFailed"
MODULE_DUPLICATE_ENI = "Module.DuplicateEni"
MODULE_ITEM_NEEDS_INSTANCE = "Module.ItemNeedsInstance"
MODULE_ITEM_NEEDS_VPC = "Module.ItemNeedsVpc"

CATALOGUE.update(
    {
        MODULE_ENI_NOT_FOUND: Entry("ENI {eni} was not found in region {region}: check network_interface_id and region."),
        MODULE_INSTANCE_NOT_FOUND: Entry(
            "Instance {instance} was not found in region {region} (ENI {eni} is there): check instance_id and region."
        ),
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
        MODULE_NOT_STARTED: Entry(
            "{action} of ENI {eni} on instance {target} did not start: wait_timeout ({wait_timeout} s) passed while "
            "the instance was busy with this task's earlier writes; raise wait_timeout, or run again to pick up where it is."
        ),
        MODULE_ITEMS_FAILED: Entry(
            "Of {total} attachments, {failed} failed and the others ended as asked (see results); "
            "the first, ENI {eni}: {first_msg}"
        ),
        MODULE_DUPLICATE_ENI: Entry(
            "ENI {eni} is listed twice, in attachments[{first_index}] and attachments[{index}]: list each ENI once."
        ),
        MODULE_ITEM_NEEDS_INSTANCE: Entry(
            "ENI {eni} (attachments[{index}]) has state=present but no instance_id: give the instance to attach it to."
        ),
        MODULE_ITEM_NEEDS_VPC: Entry(
            "ENI {eni} (attachments[{index}]) has no vpc_id, which api_version 2.0 needs for every ENI: "
            "add it, or use api_version 3.0."
        ),
        MODULE_NO_CONVERGENCE: Entry(
            "ENI {eni} kept changing while this task tried to settle it (last seen attached to {holder}): "
            "another job is changing the same ENI, so run again when it has finished."
        ),
    }
)

# Families: a code missing from the catalogue falls back to its parent (``A.B`` → ``A``).
_UNKNOWN = Entry("Tencent Cloud answered {code} to {action} ({message}).")


# What a sentence says where the context lacks a value.
_DEFAULTS = {"instance_zone": "another zone", "instance_vpc": "another VPC"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return _DEFAULTS.get(key, "(unknown)")


def lookup(code: Optional[str]) -> Entry:
    """The entry of a code, or of its nearest parent family, or a generic one."""
    while code:
        entry = CATALOGUE.get(code)
        if entry is not None:
            return entry
        code = code.rpartition(".")[0]
    return _UNKNOWN


def entry_for(error: QcloudApiError) -> Entry:
    """The entry of an API error: its code's, else (API 2.0) its numeric code's."""
    entry = lookup(error.code)
    if entry is _UNKNOWN and error.number:
        return lookup(error.number)
    return entry


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
    values = _Blank((k, v) for k, v in values.items() if v not in (None, ""))
    values.setdefault("code", error.code)
    return entry_for(error).sentence.format_map(values)
