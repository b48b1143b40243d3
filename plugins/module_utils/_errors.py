# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one catalogue of what a user of the collection can read: one table, then the functions.

Every code the collection can meet (API 3.0 ``Error.Code``, API 2.0 ``codeDesc`` and numeric
``code``, the client's own transport codes) and every decision of its own (options checked
before any call, credentials, the modules' decisions, warnings) maps to one sentence that says
what happened and what to do, and to whether the call is worth retrying. Nothing else in
plugins/ writes a sentence for a user: it calls :func:`sentence`, :func:`explain` or
:func:`with_code` with a code of this table (``docs/troubleshooting.md`` is generated from it).
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
    (``ClientError.*``) for network, HTTP and parsing failures. ``region`` is the region
    the call was made in (the client's), for the sentence and the support ticket.
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
        region: Optional[str] = None,
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
        self.region = region
        # Set by the client: an earlier attempt of the same call may have been applied (its
        # answer was lost); _eni.maybe_ours decides whether a refusal is then our own write.
        self.after_lost_answer = False
        # Set by the client: this answer meant "busy" and was waited out until the deadline.
        self.busy_wait = False
        # Set by whoever looked at the instance: its state, when that is why the answer lasts.
        self.instance_state: Optional[str] = None

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
    # An answer that means "busy" or "in a state no wait changes" (Tencent documents
    # UnsupportedOperation.InvalidState and .ResourceIsInvalidState for both): busy when a
    # fresh read of the ENI (and the instance) says so, which the caller of the client
    # decides (QcloudClient.call's ``still_busy``); then waited out as ``busy`` is.
    maybe_busy: bool = False


# --- the codes of the collection's own sentences -----------------------------------------------
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
# A maybe-busy answer (InvalidState, ResourceIsInvalidState) that was busy until the deadline.
MODULE_BUSY = "Module.Busy"
# The same for a write about an ENI alone (qcloud_eni's Assign, Unassign, Delete): no instance to name.
MODULE_ENI_BUSY = "Module.EniBusy"
# A maybe-busy answer that a look at the instance showed to last (its state, on the error).
MODULE_INSTANCE_STATE = "Module.InstanceState"
# Decisions of the modules themselves (no API call failed).
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
MODULE_NEEDS_INSTANCE = "Module.NeedsInstance"
MODULE_NEEDS_VPC = "Module.NeedsVpc"

# Reads lag behind writes (eventual consistency): a task done, its ENI not yet read so.
MODULE_READ_LAG = "Module.ReadLag"
MODULE_ATTACH_TYPE_V3 = "Module.AttachTypeNeedsApi3"
MODULE_ENDED_ELSEWHERE = "Module.EndedElsewhere"
MODULE_NOTHING_TO_DETACH = "Module.NothingToDetach"

# Decisions of qcloud_eni (no API call failed, or one whose sentence depends on the action)
MODULE_API_V3_ONLY = "Module.ApiVersion3Only"
MODULE_ENI_IDENTITY = "Module.EniIdentity"
MODULE_ENI_AMBIGUOUS = "Module.EniAmbiguous"
MODULE_SUBNET_NOT_FOUND = "Module.SubnetNotFound"
MODULE_SUBNET_MISMATCH = "Module.SubnetMismatch"
MODULE_GROUPS_NOT_FOUND = "Module.SecurityGroupsNotFound"
MODULE_DUPLICATE = "Module.Duplicate"
MODULE_BAD_ADDRESS = "Module.BadAddress"
MODULE_BAD_TEXT = "Module.BadText"
MODULE_TOO_LONG = "Module.TooLong"
MODULE_BAD_TAG = "Module.BadTag"
MODULE_NEGATIVE = "Module.Negative"
MODULE_PRIMARY_DELETE = "Module.PrimaryEniDelete"
MODULE_ATTACHED_DELETE = "Module.AttachedEniDelete"
MODULE_ENI_WAIT_TIMEOUT = "Module.EniWaitTimeout"
MODULE_ENI_VANISHED = "Module.EniVanished"
MODULE_LIFECYCLE_NOT_FOUND = "Module.LifecycleNotFound"
MODULE_LIFECYCLE_QUOTA = "Module.LifecycleQuota"
MODULE_DELETE_REFUSED = "Module.DeleteRefused"
MODULE_TAGS_NEED_V3 = "Module.TagsNeedApi3"
MODULE_EMPTY = "Module.Empty"
MODULE_IGNORED = "Module.Ignored"
MODULE_PURGE_NEEDS_LIST = "Module.PurgeNeedsList"
MODULE_PRIMARY_FIXED = "Module.PrimaryAddressFixed"
MODULE_PRIMARY_LISTED = "Module.PrimaryAddressListed"
# The sentence of a failure ({failure}, without its full stop) that came after this run created the ENI.
MODULE_CREATE_UNDONE = "Module.CreateUndone"
MODULE_CREATE_LEFT = "Module.CreateLeft"
MODULE_CREATE_DELETING = "Module.CreateDeleting"
MODULE_CHANGED_MEANWHILE = "Module.ChangedMeanwhile"

# Where keys and region come from (plugins/module_utils/_credentials.py).
MODULE_ENV_HALF_KEYS = "Module.EnvironmentHalfKeys"
MODULE_TCCLI_LOGIN_UNREADABLE = "Module.TccliLoginUnreadable"
MODULE_TCCLI_LOGIN_EXPIRED = "Module.TccliLoginExpired"
CREDENTIALS_NONE = "Credentials.NotFound"
CREDENTIALS_HALF_OPTIONS = "Credentials.HalfKeys"
CREDENTIALS_KEYS_AND_PROFILE = "Credentials.KeysAndProfile"
CREDENTIALS_UNUSED = "Credentials.OptionUnused"
CREDENTIALS_NO_PROFILE = "Credentials.ProfileMissing"
CREDENTIALS_NOT_JSON = "Credentials.FileNotJson"
CREDENTIALS_NOT_INI = "Credentials.FileNotIni"
CREDENTIALS_UNREADABLE = "Credentials.FileUnreadable"
CREDENTIALS_METADATA_SILENT = "Credentials.MetadataUnreachable"
CREDENTIALS_NO_ROLE = "Credentials.NoCvmRole"
CREDENTIALS_ROLE_NO_KEYS = "Credentials.CvmRoleNoKeys"
CREDENTIALS_ASSUME_FAILED = "Credentials.AssumeRoleFailed"
CREDENTIALS_ASSUME_NO_KEYS = "Credentials.AssumeRoleNoKeys"
CREDENTIALS_NO_REGION = "Credentials.NoRegion"

# The options every module and plugin shares, and ids (checked before any call: _connection.py, _module.py).
MODULE_FILTER_VALUE = "Module.FilterValue"
MODULE_FILTER_EMPTY = "Module.FilterEmpty"
MODULE_FILTERS_TYPE = "Module.FiltersType"
OPTION_URL = "Option.Url"
OPTION_CA_BUNDLE = "Option.CaBundle"
OPTION_POSITIVE = "Option.Positive"
OPTION_REGION = "Option.Region"
INVENTORY_HOSTNAME = "Inventory.Hostname"
OPTION_ID = "Option.Id"
OPTION_PLAIN_HTTP = "Option.PlainHttp"
OPTION_CA_BUNDLE_PEM = "Option.CaBundleNotPem"

# Options of the qcloud_cvm inventory and qcloud_eni_info filters
INVENTORY_FILTER_SETS = "Inventory.FilterSets"
INVENTORY_HOSTNAME_DICT = "Inventory.HostnameDict"
INVENTORY_TAGS_VARIABLE = "Inventory.TagsVariable"
MODULE_ENI_FILTER_NAME = "Module.EniFilterName"
MODULE_FILTERS_NEED_V3 = "Module.FiltersNeedApi3"

# qcloud_eni_guest: configuring attached ENIs inside the instance
GUEST_METADATA_UNREACHABLE = "Guest.MetadataUnreachable"
GUEST_METADATA_BAD = "Guest.MetadataBad"
GUEST_NOT_ATTACHED = "Guest.NotAttached"
GUEST_PRIMARY = "Guest.PrimaryEni"
GUEST_PRIMARY_LIVE_ONLY = "Guest.PrimaryLiveOnly"
GUEST_ENI_ID = "Guest.EniId"
GUEST_BAD_ENTRY = "Guest.BadEntry"
GUEST_NO_LINK = "Guest.NoLink"
GUEST_NOT_ROOT = "Guest.NotRoot"
GUEST_NO_IP = "Guest.NoIproute"
GUEST_IP_FAILED = "Guest.IpFailed"
GUEST_TABLE_IN_USE = "Guest.TableInUse"
GUEST_TABLE_RANGE = "Guest.TableRange"
GUEST_TABLE_TWICE = "Guest.TableTwice"
GUEST_BACKEND_UNKNOWN = "Guest.BackendUnknown"
GUEST_USER_FILE = "Guest.UserFile"
GUEST_FILE_FAILED = "Guest.FileFailed"
GUEST_FILE_UNREADABLE = "Guest.FileUnreadable"
GUEST_IP_READ_FAILED = "Guest.IpReadFailed"
GUEST_IP_TOO_OLD = "Guest.IprouteTooOld"
GUEST_KERNEL_TOO_OLD = "Guest.KernelTooOld"
GUEST_PRIORITY_RANGE = "Guest.PriorityRange"


# --- sentences that several codes share -----------------------------------------------------------
_BUSY = (
    "Another task kept ENI {eni} or instance {instance} busy for the whole wait_timeout ({wait_timeout} s) "
    "(Tencent Cloud said: {message}): raise wait_timeout, or run again when that task has finished."
)
_THROTTLED = "Tencent Cloud kept throttling {action} after every retry: lower forks or raise api_retries and run again."
_ENI_BUSY = (
    "Another task kept ENI {eni} busy for the whole wait_timeout ({wait_timeout} s) (Tencent Cloud said: {message}): "
    "raise wait_timeout, or run again when that task has finished."
)
_AUTH_KEYS = (
    "Tencent Cloud rejected the request signature: check that secret_id and secret_key belong together "
    "(the credential source was {credential_source}) and that this machine's clock is correct."
)
_TAG_RULES = (
    "Tencent Cloud refused a tag ({message}): use keys of up to 127 and values of up to 255 letters, digits, "
    "spaces and + - = . _ : / @ ( ) [ ]."
)
_RESERVED_TAG = "Tag keys starting with qcloud, tencent or project are reserved ({message}): rename the tag."
_TOO_MANY_TAGS = "ENI {eni} would have more tags than a resource may have ({message}): set fewer tags (purge_tags=true removes the others)."
_TAG_QUOTA = "The account's tag quota is used up ({message}): delete unused tag keys or values in the Tag console."
_COLLECTION_BUG = "Tencent Cloud refused how {action} was asked ({message}); this is a bug in the collection, please report it."
_TAG_MISSING = (
    "Tencent Cloud refused a tag of {action} because that tag key or value does not exist in the account or may "
    "not be used ({message}): create it in the Tag console, or change tags."
)
_TAG_SERVICE = "The Tag service refused the tags of {action} ({message}): run again; if it persists, open a ticket with the request id."
_FILTERS = "Tencent Cloud does not accept a filter of {action} ({message}): check the filter names and values."
_ROLE_POLICY = (
    "AssumeRole refused role {role_arn} ({message}): check the role's trust policy and CAM policies, role_arn and "
    "role_session_name."
)


CATALOGUE: Dict[str, Entry] = {
    # --- transport, found by the client itself ---
    CLIENT_NETWORK: Entry("Could not reach {endpoint} ({message}): check {endpoint_option}, DNS, proxies and the network.", True),
    CLIENT_TIMEOUT: Entry(
        "{endpoint} did not answer within api_timeout ({timeout} s): raise api_timeout or check the network.",
        True,
    ),
    CLIENT_TLS: Entry(
        "The TLS certificate of {endpoint} could not be verified ({message}): set ca_bundle to the CA that signed it, "
        "or validate_certs=false for a test endpoint only.",
    ),
    CLIENT_HTTP: Entry("{endpoint} answered HTTP {message} instead of an API response: check {endpoint_option}."),
    CLIENT_HTTP_RETRY: Entry("{endpoint} kept answering HTTP {message} instead of an API response: retry later.", True),
    CLIENT_BAD_RESPONSE: Entry(
        "{endpoint} answered with a body that is not a Tencent Cloud API response ({message}): check {endpoint_option}.",
        True,
    ),
    CLIENT_BAD_REQUEST: Entry("The request to {endpoint} could not be built ({message}): check {endpoint_option}, region and the ids."),
    CLIENT_PLAIN_HTTP: Entry("{endpoint} speaks HTTPS, but {endpoint_option} says http://: use https:// in {endpoint_option}."),
    CLIENT_NOT_TLS: Entry(
        "{endpoint} does not speak HTTPS ({message}): use http:// in {endpoint_option} for a plain-HTTP test endpoint, or check its port."
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
    "AuthFailure.InvalidAuthorization": Entry(
        "Tencent Cloud could not read the request's Authorization ({message}): check api_endpoint and that "
        "secret_id and secret_key belong together (the credential source was {credential_source})."
    ),
    # the family's parent (Tencent documents only its members): a new AuthFailure.* code says this
    "AuthFailure": Entry(_AUTH_KEYS),
    "UnauthorizedOperation": Entry(
        "The key (from {credential_source}) is not allowed to call {action}: grant it that permission in CAM "
        "(for AssumeRole, the role's trust policy must name it)."
    ),
    # --- throttling and busy resources: worth a retry ---
    "RequestLimitExceeded": Entry(_THROTTLED, True),
    "RequestLimitExceeded.UinLimitExceeded": Entry(
        "The account's request rate limit for {action} was exceeded after every retry: lower forks and run again.", True
    ),
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded": Entry(
        "The account's cross-region request rate limit was exceeded after every retry: lower forks and run again.", True
    ),
    "LimitExceeded.ActionLimited": Entry(_THROTTLED, True),
    MODULE_BUSY: Entry(_BUSY, True, True),
    MODULE_ENI_BUSY: Entry(_ENI_BUSY, True, True),
    MODULE_INSTANCE_STATE: Entry(
        "Instance {instance} is {instance_state}, and Tencent Cloud attaches and detaches ENIs only on a running or stopped "
        "instance (Tencent Cloud said: {message}): run again once it is running or stopped, or use another instance."
    ),
    "UnsupportedOperation.MutexOperationTaskRunning": Entry(_BUSY, True, True),
    "UnsupportedOperation.IdempotentProcessing": Entry(
        "Tencent Cloud was still processing an identical request when wait_timeout ({wait_timeout} s) passed: "
        "run again in a moment.",
        True,
        True,
    ),
    # Neither retried nor waited out: Create and Assign answer it for an address in use, Delete for
    # an attached ENI; no retry changes either.
    "ResourceInUse": Entry(
        "A resource that {action} names is in use ({message}): choose addresses that are free in subnet {subnet}, "
        "or detach the ENI and let its other operations finish, then run again."
    ),
    "ResourceUnavailable": Entry("The resource is temporarily unavailable: run again in a moment.", True),
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
        "wait until both have settled and run again.",
        maybe_busy=True,
    ),
    "UnsupportedOperation.ResourceIsInvalidState": Entry(
        "Instance {instance} or ENI {eni} is not in a state that allows this ({message}): wait until it has settled and run again.",
        maybe_busy=True,
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
    "4400": Entry(_THROTTLED, True),
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
    # --- decisions of the modules (no API call failed) ---
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
    MODULE_NEEDS_INSTANCE: Entry(
        "ENI {eni} has state=present but no instance_id: give the instance to attach it to, or state=absent to detach it."
    ),
    MODULE_NEEDS_VPC: Entry(
        "ENI {eni} has no vpc_id, which api_version 2.0 needs: add vpc_id, or use api_version 3.0."
    ),
    MODULE_NO_CONVERGENCE: Entry(
        "ENI {eni} kept changing while this task tried to settle it (last seen attached to {holder}): "
        "another job is changing the same ENI, so run again when it has finished."
    ),
    MODULE_READ_LAG: Entry(
        "Task {task_id} ({action}) {task_outcome}, but after wait_timeout ({wait_timeout} s) DescribeNetworkInterfaces "
        "still showed ENI {eni} as before it ({shown}): Tencent Cloud's reads had not caught up with the write, "
        "so raise wait_timeout, or run again later to read it as it ends."
    ),
    MODULE_ATTACH_TYPE_V3: Entry("attach_type is an API 3.0 option: remove it or use api_version 3.0."),
    MODULE_ENDED_ELSEWHERE: Entry(
        "ENI {eni} ended attached to {holder} although this task made it {wanted}: another job changed it meanwhile."
    ),
    MODULE_NOTHING_TO_DETACH: Entry(
        "Nothing to detach: ENI {eni} was not found in region {region} (check network_interface_id and region)."
    ),
    # --- the ENI lifecycle (qcloud_eni): API codes of its calls, never retried ---
    "ResourceInsufficient.Subnet": Entry(
        "Subnet {subnet} has no free private address left for {action}: free some addresses there, or use another subnet_id."
    ),
    "ResourceInsufficient": Entry("Tencent Cloud has not enough resources for {action} ({message}): use another subnet or zone, or run again later."),
    "LimitExceeded.NetworkInterfaceLimitExceeded": Entry(
        "The VPC already has as many ENIs as the account's quota allows ({message}): delete unused ENIs or raise the quota."
    ),
    "InvalidParameterValue.Range": Entry(
        "A value of {action} is out of range ({message}): every address must lie in the ENI's subnet ({subnet})."
    ),
    "InvalidParameterValue.Reserved": Entry(
        "An address asked for is reserved by Tencent Cloud ({message}): a subnet's network, gateway and broadcast "
        "addresses cannot be used."
    ),
    "InvalidParameterValue.DuplicatePara": Entry("A value is repeated in {action} ({message}): list each security group and address once."),
    "UnsupportedOperation.AttachmentNotFound": Entry(
        "ENI {eni} does not hold what {action} names ({message}): another job changed it meanwhile, so run again."
    ),
    # tags, set at creation (VPC codes) or later (Tag API codes)
    "InvalidParameterValue.TagInvalidKey": Entry(_TAG_RULES),
    "InvalidParameterValue.TagInvalidKeyLen": Entry(_TAG_RULES),
    "InvalidParameterValue.TagInvalidVal": Entry(_TAG_RULES),
    "InvalidParameterValue.TagDuplicateKey": Entry(_TAG_RULES),
    "InvalidParameterValue.TagKeyEmpty": Entry(_TAG_RULES),
    "InvalidParameterValue.TagKeyLengthExceeded": Entry(_TAG_RULES),
    "InvalidParameterValue.TagKeyCharacterIllegal": Entry(_TAG_RULES),
    "InvalidParameterValue.TagValueLengthExceeded": Entry(_TAG_RULES),
    "InvalidParameterValue.TagValueCharacterIllegal": Entry(_TAG_RULES),
    "InvalidParameter.Tag": Entry(_TAG_RULES),
    "UnsupportedOperation.TagSystemReservedTagKey": Entry(_RESERVED_TAG),
    "InvalidParameter.ReservedTagKey": Entry(_RESERVED_TAG),
    "LimitExceeded.TagKeyPerResourceExceeded": Entry(_TOO_MANY_TAGS),
    "LimitExceeded.ResourceAttachedTags": Entry(_TOO_MANY_TAGS),
    "LimitExceeded.TagKey": Entry(_TAG_QUOTA),
    "LimitExceeded.TagValue": Entry(_TAG_QUOTA),
    "LimitExceeded.Quota": Entry(_TAG_QUOTA),
    "InvalidParameterValue.DeleteTagsParamError": Entry(_COLLECTION_BUG),
    "InvalidParameterValue.ResourceDescriptionError": Entry(
        "The Tag API did not accept the name of ENI {eni} ({message}): the account may need its uin in resource names; "
        "please report it."
    ),
    "InvalidParameterValue.ResourceIdInvalid": Entry("The Tag API found no ENI {eni} in region {region} ({message}): run again."),
    # --- every other code Tencent documents for the actions the collection calls (the Go SDK's
    # per-action lists in tests/simulator/qcloud_sim/documented_errors.json) and its common codes ---
    # common codes (https://cloud.tencent.com/document/api/215/15783)
    "ActionOffline": Entry("Tencent Cloud has taken {action} offline ({message}): update the collection, and check api_endpoint."),
    "DryRunOperation": Entry(_COLLECTION_BUG),
    "FailedOperation": Entry(
        "Tencent Cloud could not carry out {action} ({message}): check the resources the task names, then run again."
    ),
    "InvalidRequest": Entry(
        "Tencent Cloud could not read the request of {action} ({message}): check api_endpoint; if it is Tencent "
        "Cloud's, this is a bug in the collection, please report it."
    ),
    "IpInBlacklist": Entry("Tencent Cloud refuses requests from this machine's IP address ({message}): run from another address."),
    "IpNotInWhitelist": Entry(
        "The key (from {credential_source}) may be used only from allowed IP addresses and this machine's is not one "
        "({message}): allow it in CAM, or run from an allowed address."
    ),
    "NoSuchProduct": Entry("{endpoint} does not serve the product of {action}: check api_endpoint."),
    "NoSuchVersion": Entry("{endpoint} does not offer the API version of {action}: check api_endpoint and api_version."),
    "RequestSizeLimitExceeded": Entry(_COLLECTION_BUG),
    "ResponseSizeLimitExceeded": Entry(_COLLECTION_BUG),
    "ServiceUnavailable": Entry("Tencent Cloud's service for {action} stayed unavailable after every retry: run again later.", True),
    "UnsupportedProtocol": Entry("{endpoint} refused the request's protocol ({message}): use an https:// api_endpoint."),
    "RequestLimitExceeded.IPLimitExceeded": Entry(
        "Tencent Cloud kept throttling the requests of this machine's IP address after every retry: lower forks or "
        "run fewer jobs at once, then run again.",
        True,
    ),
    # CreateNetworkInterface, AssignPrivateIpAddresses ("network detection timed out, retry later")
    "FailedOperation.NetDetectTimeOut": Entry(
        "Tencent Cloud's check of the addresses of {action} kept timing out after every retry: run again in a moment.", True
    ),
    "UnsupportedOperation.ResourceMismatch": Entry(
        "The resources {action} names do not belong together ({message}): check that the ENI, its subnet and the "
        "addresses are of the same VPC."
    ),
    "InvalidParameterValue.TooLong": Entry(
        "A value of {action} is longer than Tencent Cloud allows ({message}): shorten name or description."
    ),
    # tags given to CreateNetworkInterface (the Tag service's rules)
    "InvalidParameterValue.TagKeyNotExists": Entry(_TAG_MISSING),
    "InvalidParameterValue.TagValNotExists": Entry(_TAG_MISSING),
    "InvalidParameterValue.TagNotExisted": Entry(_TAG_MISSING),
    "UnsupportedOperation.TagNotPermit": Entry(_TAG_MISSING),
    "InvalidParameterValue.TagNotSupportTag": Entry(_TAG_MISSING),
    "InvalidParameterValue.TagNotAllocatedQuota": Entry(_TAG_QUOTA),
    "LimitExceeded.TagKeyExceeded": Entry(_TAG_QUOTA),
    "LimitExceeded.TagNotEnoughQuota": Entry(_TAG_QUOTA),
    "LimitExceeded.TagQuota": Entry(_TAG_QUOTA),
    "LimitExceeded.TagQuotaExceeded": Entry(_TAG_QUOTA),
    "LimitExceeded.TagTagsExceeded": Entry(_TOO_MANY_TAGS),
    "InvalidParameterValue.TagDuplicateResourceType": Entry(_COLLECTION_BUG),
    "InvalidParameterValue.TagResourceFormatError": Entry(_COLLECTION_BUG),
    "InvalidParameterValue.TagTimestampExceeded": Entry(_TAG_SERVICE),
    # "the tag is being allocated / freed": a moment later it is not
    "UnsupportedOperation.TagAllocate": Entry("The Tag service was still allocating a tag of {action} after every retry: run again in a moment.", True),
    "UnsupportedOperation.TagFree": Entry("The Tag service was still freeing a tag of {action} after every retry: run again in a moment.", True),
    # ModifyNetworkInterfaceAttribute
    "UnsupportedOperation.EniNotSupportTerminationProtection": Entry(
        "ENI {eni} does not support termination protection ({message}): leave that setting out."
    ),
    "UnsupportedOperation.SubEniNotSupportTrunking": Entry("ENI {eni} is a trunk's sub-ENI, which does not allow {action} ({message})."),
    # the reads' filters and values (DescribeNetworkInterfaces, DescribeSubnets, DescribeSecurityGroups)
    "InvalidParameter.FilterInvalidKey": Entry(_FILTERS),
    "InvalidParameter.FilterNotDict": Entry(_FILTERS),
    "InvalidParameter.FilterValuesNotList": Entry(_FILTERS),
    "InvalidParameterValue.Empty": Entry("A value of {action} is empty ({message}): give a value or leave the option out."),
    "InvalidParameterValue.NotUtf8EncodingError": Entry("A value of {action} is not UTF-8 text ({message}): give UTF-8 text."),
    "UnsupportedOperation.AppIdMismatch": Entry(
        "A resource of {action} belongs to another account ({message}): check the ids and the credentials."
    ),
    # the Tag API (ModifyResourceTags, DescribeResourceTagsByResourceIds)
    "FailedOperation.PolicyEnforcedInvalid": Entry(
        "A tag policy of the account requires other tags on ENI {eni} ({message}): set the tags the policy enforces."
    ),
    "InvalidParameterValue.RegionInvalid": Entry("The Tag API does not know region {region} ({message}): check region."),
    "InvalidParameterValue.ResourcePrefixInvalid": Entry(_COLLECTION_BUG),
    "InvalidParameterValue.ServiceTypeInvalid": Entry(_COLLECTION_BUG),
    "InvalidParameterValue.UinInvalid": Entry(_COLLECTION_BUG),
    # CVM DescribeInstances (the inventory plugin and qcloud_cvm_info)
    "InternalServerError": Entry(
        "Tencent Cloud had an internal error on {action}: run again; if it persists, open a ticket with the request id.", True
    ),
    "FailedOperation.TagKeyReserved": Entry(_RESERVED_TAG),
    "InvalidHostId.Malformed": Entry("A CDH host id in the filters is malformed ({message}): host ids look like host-xxxxxxxx."),
    "InvalidSecurityGroupId.NotFound": Entry(
        "A security group in the filters was not found ({message}): check the security-group-id filter and region."
    ),
    "InvalidSgId.Malformed": Entry("A security group id in the filters is malformed ({message}): ids look like sg-xxxxxxxx."),
    "InvalidParameterValue.InstanceIdMalformed": Entry(
        "An instance id is malformed ({message}): instance ids look like ins-xxxxxxxx."
    ),
    "InvalidParameterValue.IPv6AddressMalformed": Entry(
        "An IPv6 address in the filters is malformed ({message}): give addresses like 2402:4e00::1."
    ),
    "InvalidParameterValue.InvalidTimeFormat": Entry(
        "A time in the filters is malformed ({message}): give times like 2024-01-31 08:00:00."
    ),
    "InvalidParameterValue.InvalidVagueName": Entry("A name pattern in the filters is not valid ({message}): check the filter's value."),
    "InvalidParameterValue.TagKeyNotFound": Entry("A tag key in the filters does not exist ({message}): check the tag:<key> and tag-key filters."),
    "InvalidParameterValue.InvalidAppIdFormat": Entry(_COLLECTION_BUG),
    "InvalidParameterValue.UuidMalformed": Entry("A UUID in the filters is malformed ({message}): check the filter's value."),
    "ResourceNotFound.HpcCluster": Entry("An HPC cluster in the filters was not found ({message}): check the hpc-cluster-id filter and region."),
    "UnauthorizedOperation.InvalidToken": Entry(
        "The security token was rejected or has expired: temporary keys need their matching, current security_token, "
        "so fetch fresh temporary credentials."
    ),
    # STS AssumeRole
    "InternalError.IllegalRole": Entry(_ROLE_POLICY),
    "FailedOperation.CheckMFAError": Entry(
        "Role {role_arn} requires MFA, which the collection cannot give: use a role without that condition."
    ),
    "FailedOperation.MFATypeNotSupported": Entry(
        "Role {role_arn} requires MFA, which the collection cannot give: use a role without that condition."
    ),
    "InvalidParameter.AccountNotAvaliable": Entry(
        "The account of role {role_arn} does not exist or is not available ({message}): check role_arn."
    ),
    "InvalidParameter.GrantOtherResource": Entry(_ROLE_POLICY),
    "InvalidParameter.ResouceError": Entry(_ROLE_POLICY),
    "InvalidParameter.StrategyFormatError": Entry(_ROLE_POLICY),
    "InvalidParameter.StrategyInvalid": Entry(_ROLE_POLICY),
    "InvalidParameter.ExtendStrategyOverSize": Entry(_ROLE_POLICY),
    "InvalidParameter.PolicyTooLong": Entry(_ROLE_POLICY),
    "InvalidParameter.TempCodeNotAvaliable": Entry(_COLLECTION_BUG),
    # "over the frequency limit": STS's throttling
    "InvalidParameter.OverLimit": Entry(_THROTTLED, True),
    # --- decisions of qcloud_eni (no API call failed, or one whose sentence depends on the action) ---
    MODULE_API_V3_ONLY: Entry("The module {module} speaks only Tencent Cloud API 3.0: remove api_version or set it to 3.0."),
    MODULE_ENI_IDENTITY: Entry("Say which ENI this task is about: give network_interface_id, or name together with subnet_id."),
    MODULE_ENI_AMBIGUOUS: Entry(
        "The name {name} matches {count} ENIs in subnet {subnet} ({ids}): give network_interface_id to pick one, "
        "or rename the others."
    ),
    MODULE_SUBNET_NOT_FOUND: Entry("Subnet {subnet} was not found in region {region}: check subnet_id and region."),
    MODULE_SUBNET_MISMATCH: Entry(
        "ENI {eni} is in subnet {eni_subnet}, not in {subnet}: an ENI cannot move to another subnet, so create a new one there."
    ),
    MODULE_GROUPS_NOT_FOUND: Entry("Security groups {groups} were not found in region {region}: check security_group_ids and region."),
    MODULE_DUPLICATE: Entry("The option {option} lists {value} more than once: list each one once."),
    MODULE_BAD_ADDRESS: Entry(
        "The option {option} has {value}, which is not an IPv4 address: give addresses as dotted quads like 10.0.1.20."
    ),
    MODULE_BAD_TEXT: Entry("The option {option} has the control character {value}: use printable characters only (no newlines or tabs)."),
    MODULE_TOO_LONG: Entry("The option {option} is {length} {unit} long, more than the {limit} Tencent Cloud allows: shorten it."),
    MODULE_BAD_TAG: Entry("Tag {tag} cannot be set: {why}; fix it in tags."),
    MODULE_NEGATIVE: Entry("The option {option} must be 0 or more (got {value})."),
    MODULE_PRIMARY_DELETE: Entry(
        "ENI {eni} is the primary ENI of {holder}: a primary ENI lives and dies with its instance, so it cannot be deleted."
    ),
    MODULE_ATTACHED_DELETE: Entry(
        "ENI {eni} is attached to {holder}: set force=true to detach it before deleting it, "
        "or detach it first with tencent.qcloud.qcloud_eni_attach."
    ),
    MODULE_ENI_WAIT_TIMEOUT: Entry(
        "ENI {eni} was still changing ({status}) after wait_timeout ({wait_timeout} s) of {action}: raise wait_timeout, "
        "or run again later to pick up where it is."
    ),
    MODULE_ENI_VANISHED: Entry("ENI {eni} disappeared while {action} ran: another job deleted it, so run again."),
    MODULE_LIFECYCLE_NOT_FOUND: Entry(
        "Tencent Cloud could not find something {action} names in region {region} ({message}): "
        "check subnet_id, security_group_ids, network_interface_id and region."
    ),
    MODULE_LIFECYCLE_QUOTA: Entry(
        "Tencent Cloud refused {action} for a quota ({message}): ask for fewer addresses, delete unused ENIs, or raise the quota."
    ),
    MODULE_DELETE_REFUSED: Entry(
        "ENI {eni} cannot be deleted now ({message}): it must be detached and idle, so detach it (force=true does) "
        "and let other operations finish."
    ),
    MODULE_TAGS_NEED_V3: Entry("The tags filter needs API 3.0 (API 2.0 reports no tags): remove tags or api_version."),
    MODULE_EMPTY: Entry("The option {option} must not be empty: give a value or leave the option out."),
    MODULE_IGNORED: Entry("With state={state}, {options} has no effect: remove it from the task."),
    MODULE_PURGE_NEEDS_LIST: Entry(
        "The option purge_private_ip_addresses needs private_ip_addresses, the secondary addresses to keep: "
        "give them (an empty list removes every secondary address)."
    ),
    MODULE_CHANGED_MEANWHILE: Entry("ENI {eni} does not look as {action} left it: another job changed it meanwhile."),
    MODULE_PRIMARY_FIXED: Entry(
        "ENI {eni} has the primary address {primary}, not {value}: a primary address never changes, so leave "
        "primary_private_ip_address out or give {primary}."
    ),
    MODULE_PRIMARY_LISTED: Entry(
        "The address {value} is both primary_private_ip_address and in private_ip_addresses, the secondary addresses: "
        "list it in one of them."
    ),
    MODULE_CREATE_UNDONE: Entry("{failure} (ENI {eni}, which this run created, was deleted again, so nothing was left behind)."),
    MODULE_CREATE_LEFT: Entry(
        "{failure} (ENI {eni}, which this run created, could not be deleted again ({message}), so delete it with "
        "state=absent and network_interface_id={eni})."
    ),
    MODULE_CREATE_DELETING: Entry(
        "{failure} (ENI {eni}, which this run created, was still there ({status}) when the wait for its delete ended, "
        "so run state=absent with network_interface_id={eni} to make sure it is removed)."
    ),
    # --- the CVM API (DescribeInstances, DescribeRegions) and the inventory plugin qcloud_cvm ---
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
    # --- filters, the shared options and the inventory's own ---
    MODULE_FILTER_VALUE: Entry(
        "The value of filter {filter} must be a string, a number or a list of them (got {value}): "
        "give Tencent's values, like instance-state: [RUNNING, STOPPED]."
    ),
    MODULE_FILTER_EMPTY: Entry("Filter {filter} has no value: give at least one, or leave the filter out."),
    MODULE_FILTERS_TYPE: Entry(
        "The filters option must map Tencent Cloud filter names to a value or a list of values (got {value}), "
        "like tag:env: prod and instance-state: [RUNNING, STOPPED]."
    ),
    OPTION_URL: Entry("{option} must be an http(s) URL such as {example} (got {value})."),
    OPTION_CA_BUNDLE: Entry(
        "ca_bundle {value} does not exist or is not a file: give the path of a PEM file of CA certificates, "
        "or leave ca_bundle unset."
    ),
    OPTION_POSITIVE: Entry("{option} must be greater than 0 (got {value})."),
    OPTION_REGION: Entry("{option} must look like ap-guangzhou (got {value})."),
    INVENTORY_HOSTNAME: Entry(
        "The hostnames entry {value} is not one of instance-id, instance-name, private-ip, public-ip, tag:<key> "
        "or a Jinja2 template of the instance's variables: fix the entry."
    ),
    # --- credentials and region (plugins/module_utils/_credentials.py) ---
    MODULE_ENV_HALF_KEYS: Entry(
        "The environment variable {given} is set but {missing} is not: set both, or unset {given} to use a profile "
        "or another source."
    ),
    MODULE_TCCLI_LOGIN_UNREADABLE: Entry(
        "The expiresAt of tccli profile {profile!r} (type {type}) cannot be read: log in again with '{login}'."
    ),
    MODULE_TCCLI_LOGIN_EXPIRED: Entry(
        "The {type} keys of tccli profile {profile!r} expired at {when}: log in again with '{login}'."
    ),
    CREDENTIALS_NONE: Entry(
        "No Tencent Cloud credentials found (looked in: {looked}): set secret_id and secret_key, the TENCENTCLOUD_SECRET_ID "
        "and TENCENTCLOUD_SECRET_KEY environment variables, a tccli profile, the SDK credentials file, or run on a CVM "
        "with a CAM role."
    ),
    CREDENTIALS_HALF_OPTIONS: Entry(
        "{given} was given without {missing}: give both in the module options, or neither to use the environment or a profile."
    ),
    CREDENTIALS_KEYS_AND_PROFILE: Entry(
        "secret_id and secret_key were given together with profile {profile!r}: give the keys or the profile, not both."
    ),
    CREDENTIALS_UNUSED: Entry(
        "{option} was given, but the keys came from {credential_source}, which does not use it: remove {option} or give "
        "the keys it belongs to."
    ),
    CREDENTIALS_NO_PROFILE: Entry(
        "tccli profile {profile!r} was asked for, but {path} does not exist: create it with 'tccli configure --profile {profile}'."
    ),
    CREDENTIALS_NOT_JSON: Entry("{path} could not be read as JSON ({reason}): fix or remove it."),
    CREDENTIALS_NOT_INI: Entry("{path} is not a valid INI file: fix or remove it."),
    CREDENTIALS_UNREADABLE: Entry("{path} could not be read ({reason}): fix or remove it."),
    CREDENTIALS_METADATA_SILENT: Entry(
        "The CVM metadata service {endpoint} did not answer ({reason}): run on a CVM with a role, or set metadata_endpoint."
    ),
    CREDENTIALS_NO_ROLE: Entry(
        "The CVM metadata service {endpoint} reports no CAM role bound to this instance: bind one in the CVM console."
    ),
    CREDENTIALS_ROLE_NO_KEYS: Entry(
        "The CVM metadata service {endpoint} gave no temporary keys for role {role}: check the instance's role."
    ),
    # {cause}: the sentence of STS's answer
    CREDENTIALS_ASSUME_FAILED: Entry("Assuming role {role_arn} with keys from {credential_source} failed: {cause}"),
    CREDENTIALS_ASSUME_NO_KEYS: Entry(
        "Assuming role {role_arn} with keys from {credential_source} gave no temporary keys: check sts_endpoint."
    ),
    CREDENTIALS_NO_REGION: Entry(
        "No region given: set region (for example ap-guangzhou), the environment variable TENCENTCLOUD_REGION, "
        "or region in {path}."
    ),
    # --- the shared options, checked before any call (_connection.check_connection) ---
    OPTION_ID: Entry(
        "{option} must be {prefix}- followed by 8 lowercase letters or digits, like {prefix}-1a2b3c4d (got {value})."
    ),
    # a warning: the run goes on
    OPTION_PLAIN_HTTP: Entry(
        "{option} {endpoint} uses plain http: requests and their signatures travel unencrypted; use https outside a test lab."
    ),
    OPTION_CA_BUNDLE_PEM: Entry(
        "ca_bundle {value} is not a PEM bundle of CA certificates: give a file of -----BEGIN CERTIFICATE----- blocks, "
        "or leave ca_bundle unset."
    ),
    # --- qcloud_eni_guest: configuring attached ENIs inside the instance ---
    GUEST_METADATA_UNREACHABLE: Entry(
        "The instance metadata service {endpoint} did not answer ({reason}): run this task on the CVM itself "
        "(not on localhost), or set metadata_endpoint."
    ),
    GUEST_METADATA_BAD: Entry(
        "The instance metadata service {endpoint} gave an unusable answer for {path} ({reason}): "
        "retry later, and report it if it lasts."
    ),
    GUEST_NOT_ATTACHED: Entry(
        "No ENI with MAC {mac} is attached to this instance (the metadata lists {macs}): attach it first with "
        "tencent.qcloud.qcloud_eni_attach, or fix network_interfaces."
    ),
    GUEST_PRIMARY: Entry(
        "MAC {mac} is the instance's primary ENI, which needs no table of its own: leave it out of "
        "network_interfaces (primary_secondary_addresses brings up its secondary addresses)."
    ),
    GUEST_PRIMARY_LIVE_ONLY: Entry(
        "The primary ENI's secondary addresses were configured live only, since persisting them would mean "
        "rewriting your own eth0 configuration: add them to that file yourself to keep them after a reboot."
    ),
    GUEST_ENI_ID: Entry(
        "The instance metadata names ENIs by MAC only, so {value} cannot be found: give its MAC "
        "(mac_address from tencent.qcloud.qcloud_eni_info), or an entry with mac and network_interface_id."
    ),
    GUEST_BAD_ENTRY: Entry(
        "The network_interfaces entry {value} is not a MAC like 20:90:6f:12:34:56 nor a mapping with a mac key: "
        "fix the entry."
    ),
    GUEST_NO_LINK: Entry(
        "No network link with MAC {mac} appeared within {timeout} seconds: check that the ENI is attached to "
        "this instance and that the OS sees it (ip link), or raise wait_timeout."
    ),
    GUEST_NOT_ROOT: Entry(
        "Configuring network interfaces needs root: add become: true to the task."
    ),
    GUEST_NO_IP: Entry(
        "The ip command of iproute2 was not found on this host: install iproute2 (package iproute or iproute2)."
    ),
    GUEST_IP_FAILED: Entry(
        "The command '{command}' failed ({reason}); what this run had applied was undone: "
        "fix the cause and run the task again."
    ),
    GUEST_TABLE_IN_USE: Entry(
        "Route table {table} (for {mac}) already holds routes this module did not make ({routes}): "
        "choose other numbers with route_table_base or route_table in network_interfaces."
    ),
    GUEST_TABLE_RANGE: Entry(
        "Route table {table} (for {mac}) is not usable: give a number from 1 to 4294967295 other than 253, 254 "
        "and 255 (default, main and local)."
    ),
    GUEST_TABLE_TWICE: Entry(
        "Route table {table} was chosen for both {mac} and {other}: give each ENI a table of its own."
    ),
    GUEST_BACKEND_UNKNOWN: Entry(
        "No supported network stack was found under {root} (looked for netplan, NetworkManager, network-scripts, "
        "systemd-networkd and ifupdown): set backend, or persist: false to configure the live state only."
    ),
    GUEST_USER_FILE: Entry(
        "The file {path} exists and is not managed by this module: move it away, or choose persist: false."
    ),
    GUEST_FILE_FAILED: Entry(
        "Writing {path} failed ({reason}); what this run had applied was undone: fix the cause and run again."
    ),
    GUEST_FILE_UNREADABLE: Entry(
        "Reading {path} failed ({reason}): run the task with become: true (the network stack's files are often "
        "readable by root only, in check mode too), or fix or move that file."
    ),
    GUEST_IP_READ_FAILED: Entry(
        "Reading the network state with '{command}' failed ({reason}); this run changed nothing, or undid what "
        "it had applied: fix the cause and run the task again."
    ),
    GUEST_IP_TOO_OLD: Entry(
        "The ip command here cannot write JSON ({reason}): qcloud_eni_guest needs iproute2 4.17 or later "
        "(CentOS 7 ships 4.11), so run it on a newer image or configure the ENI by hand."
    ),
    GUEST_KERNEL_TOO_OLD: Entry(
        "Linux {release} cannot mark policy rules with a routing protocol, which qcloud_eni_guest needs "
        "(Linux 4.17 or later; CentOS 7 ships 3.10): run it on a newer image or configure the ENI by hand."
    ),
    GUEST_PRIORITY_RANGE: Entry(
        "The rule_priority {priority} is not usable: give a number from 1 to 32765, so that the rules come after "
        "the local table's rule (0) and before the main table's (32766)."
    ),
    INVENTORY_FILTER_SETS: Entry(
        "The option {option} must be a list of filter sets, each a dictionary mapping Tencent Cloud filter names (such as "
        "tag:env or instance-state) to a value or a list of values (entry {index} is {value}): fix that entry."
    ),
    INVENTORY_HOSTNAME_DICT: Entry(
        "The hostnames entry {value} must be a string or a dictionary with name and optionally prefix and separator, "
        "each a string ({problem}): fix the entry."
    ),
    INVENTORY_TAGS_VARIABLE: Entry(
        "The option tags_variable must be a variable name of letters, digits and underscores not starting with a digit "
        "(got {value}), like qcloud_tags."
    ),
    MODULE_ENI_FILTER_NAME: Entry("DescribeNetworkInterfaces has no filter {filter}: use one of {known}, or tag:<key>."),
    MODULE_FILTERS_NEED_V3: Entry("The filters option needs API 3.0 (its names are Tencent's 3.0 filters): remove filters or api_version."),
}


# {task_outcome} of MODULE_READ_LAG, by the task's status
READ_LAG_OUTCOMES = {
    "SUCCESS": "succeeded",
    "UNKNOWN": "was accepted (DescribeVpcTaskResult does not know the RequestId of its replayed answer)",
}

# What is wrong with a tag (plugins/module_utils/_tag.py tag_problem), for MODULE_BAD_TAG's {why}
TAG_PROBLEMS = {
    "key_type": "its key is a {detail}, not a string",
    "value_type": "its value is a {detail}, not a string (quote it)",
    "key_empty": "its key is empty",
    "key_long": "its key is longer than {detail} characters",
    "value_long": "its value is longer than {detail} characters",
    "key_chars": "its key has the character {detail} (keys and values take letters, digits, spaces and + - = . _ : / @ ( ) [ ])",
    "value_chars": "its value has the character {detail} (keys and values take letters, digits, spaces and + - = . _ : / @ ( ) [ ])",
    "reserved": "keys starting with qcloud, tencent or project are reserved",
}

# Families: a code missing from the catalogue falls back to its parent (``A.B`` → ``A``).
_UNKNOWN = Entry("Tencent Cloud answered {code} to {action} ({message}).")


# What a sentence says where the context lacks a value.
# endpoint_option: the option that names the endpoint a transport sentence is about (sts_endpoint for STS).
_DEFAULTS = {"instance_zone": "another zone", "instance_vpc": "another VPC", "endpoint_option": "api_endpoint"}


# Answers that mean "too many calls": Tencent's per-action limit (LimitExceeded.ActionLimited),
# the common per-account ones (RequestLimitExceeded and its kinds), STS AssumeRole's "over the
# frequency limit" (InvalidParameter.OverLimit) and API 2.0's 4400. One definition for the whole
# collection (see :func:`throttled`); each is retried (its catalogue entry; a unit test holds both).
THROTTLE_CODES = frozenset(
    (
        "LimitExceeded.ActionLimited",
        "InvalidParameter.OverLimit",
        "RequestLimitExceeded",
        "RequestLimitExceeded.UinLimitExceeded",
        "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
        "RequestLimitExceeded.IPLimitExceeded",
        "4400",
    )
)


def throttled(error: BaseException) -> bool:
    """Whether ``error`` is an answer that means "too many calls" (either code, either protocol)."""
    if not isinstance(error, QcloudApiError):
        return False
    code = error.code or ""
    return code in THROTTLE_CODES or code.startswith("RequestLimitExceeded.") or error.number == "4400"


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
    """The entry of an API error: its code's, else (API 2.0) its numeric code's; a maybe-busy
    answer that was busy until the deadline says so."""
    if getattr(error, "busy_wait", False):
        return CATALOGUE[MODULE_BUSY]
    if getattr(error, "instance_state", None):
        return CATALOGUE[MODULE_INSTANCE_STATE]
    entry = lookup(error.code)
    if entry is _UNKNOWN and error.number:
        return lookup(error.number)
    return entry


def masked(secret_id: Optional[str]) -> str:
    """How a SecretId is shown: its first and last four characters (AKID...wxyz), never the whole id."""
    text = str(secret_id or "")
    if len(text) < 12:
        return "****"
    return "%s****%s" % (text[:4], text[-4:])


def _values(context: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The context for a sentence: a SecretId only in its masked form."""
    values = dict(context or {})
    if values.get("secret_id"):
        values["secret_id"] = masked(values["secret_id"])
    return values


def sentence(code: Optional[str], context: Optional[Mapping[str, Any]] = None) -> str:
    """The catalogue's sentence for ``code``, filled in with what the caller knows."""
    values = _Blank((k, v) for k, v in _values(context).items() if v not in (None, ""))
    values.setdefault("code", code)
    return lookup(code).sentence.format_map(values)


def explain(error: QcloudApiError, context: Optional[Mapping[str, Any]] = None) -> str:
    """The sentence for an API error."""
    values = _values(context)
    values.setdefault("action", error.action)
    values.setdefault("message", error.message or "no message")
    values.setdefault("instance_state", getattr(error, "instance_state", None))
    values = _Blank((k, v) for k, v in values.items() if v not in (None, ""))
    values.setdefault("code", error.code)
    entry = entry_for(error)
    if entry.sentence == _BUSY and "instance" not in values:
        entry = CATALOGUE[MODULE_ENI_BUSY]  # a write about the ENI alone
    return entry.sentence.format_map(values)


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
