"""What a write on a busy ENI or instance answers, and what a throttled call answers, per action.

Both are data, taken from Tencent's per-action error lists (the Go SDK's comments in
vpc/v20170312/client.go, kept in documented_errors.json; see the README, "Rate limits and
throttle answers" and "Busy answers"). Tencent does not say which of an action's codes a busy
resource gets, so the simulator answers the most likely one by default and any of them on request
(config `busy_code`, CLI `--busy-code`); the same for throttling (`throttle_code`).
"""
import random

from .errors import DOCUMENTED

MUTEX = "UnsupportedOperation.MutexOperationTaskRunning"
INVALID_STATE = "UnsupportedOperation.InvalidState"
RESOURCE_INVALID_STATE = "UnsupportedOperation.ResourceIsInvalidState"
ACTION_LIMITED = "LimitExceeded.ActionLimited"
REQUEST_LIMIT = "RequestLimitExceeded"

# action: the documented codes a write on a busy ENI or instance may get, the default first.
# Attach documents InvalidState and ResourceIsInvalidState, Detach InvalidState; only Assign and
# Unassign document MutexOperationTaskRunning (and InvalidState); Delete documents InvalidState.
BUSY_CODES = {
    "AttachNetworkInterface": (INVALID_STATE, RESOURCE_INVALID_STATE),
    "DetachNetworkInterface": (INVALID_STATE,),
    "AssignPrivateIpAddresses": (MUTEX, INVALID_STATE),
    "UnassignPrivateIpAddresses": (MUTEX, INVALID_STATE),
    "DeleteNetworkInterface": (INVALID_STATE,),
}
BUSY_SETTINGS = ("default", "random") + tuple(sorted({c for codes in BUSY_CODES.values() for c in codes}))
THROTTLE_SETTINGS = ("default", "random", ACTION_LIMITED, REQUEST_LIMIT)

# The actions whose documented list holds LimitExceeded.ActionLimited (the per-action limit);
# RequestLimitExceeded is a common code, documented for every action.
ACTION_LIMITED_ACTIONS = frozenset(a for a, codes in DOCUMENTED.items() if ACTION_LIMITED in codes)

_rng = random.Random()


def _full(value, prefix):
    """A setting as the config keeps it: short names (InvalidState, ActionLimited) get their prefix."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if value in ("default", "random") or "." in value or value == REQUEST_LIMIT:
        return value
    return prefix + value


def busy_setting(value):
    """The config value of a busy-code setting; ValueError if it is not one."""
    full = _full(value, "UnsupportedOperation.")
    if full not in BUSY_SETTINGS:
        raise ValueError("busy_code must be one of %s" % ", ".join(BUSY_SETTINGS))
    return full


def throttle_setting(value):
    full = _full(value, "LimitExceeded.")
    if full not in THROTTLE_SETTINGS:
        raise ValueError("throttle_code must be one of %s" % ", ".join(THROTTLE_SETTINGS))
    return full


def busy_code(action, setting):
    """The code a write of `action` on a busy ENI or instance answers under `setting`: the given
    code where the action documents it, else the action's default; `random`: any of its codes."""
    codes = BUSY_CODES.get(action, (MUTEX,))
    if setting == "random":
        return _rng.choice(codes)
    return setting if setting in codes else codes[0]


def throttle_code(action, setting):
    """The code a throttled call of `action` answers under `setting`: ActionLimited only where the
    action documents it (the per-action limit), else RequestLimitExceeded (the common code)."""
    codes = (ACTION_LIMITED, REQUEST_LIMIT) if action in ACTION_LIMITED_ACTIONS else (REQUEST_LIMIT,)
    if setting == "random":
        return _rng.choice(codes)
    return setting if setting in codes else codes[0]
