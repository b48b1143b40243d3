"""The simulator's shared state: world, tasks, idempotency tokens, config, faults, logs.

Every protocol handler goes through one Simulator; all mutations happen under `self.lock`.
"""
import collections
import itertools
import math
import secrets
import string
import sys
import threading
import time
import uuid

from . import contention
from . import default_world as dw
from .errors import SimError
from .faults import FaultQueue
from .ratelimit import RateLimiter
from .tasks import RUNNING, TaskTable
from .world import World, data_copy, tencent_time

V2_SHAPES = ("new", "old")
# What DescribeVpcTaskResult knows a task by after a replayed write (same ClientToken) was answered
# with a RequestId of its own: the first write's RequestId, the replay's, or both (undocumented).
REPLAY_TASK_IDS = ("first", "new", "both")
# With read lag, the fields of an ENI that a task changes are read as they were (attachment,
# addresses and their states; the ENI's State and its very existence too); synchronous writes
# (name, description, security groups, tags) show at once.
LAGGED_FIELDS = ("instance_id", "device_index", "attach_time", "attach_type", "private_ip", "secondary_ips",
                 "ip_states")
# The ENI's State while a task of that action runs on it (Assign/Unassign show in the addresses)
ENI_STATE_DURING = {"AttachNetworkInterface": "ATTACHING", "DetachNetworkInterface": "DETACHING",
                    "CreateNetworkInterface": "PENDING", "DeleteNetworkInterface": "DELETING"}
_BOOL_WORDS = {"true": True, "on": True, "1": True, "yes": True,
               "false": False, "off": False, "0": False, "no": False}
LOG_MAX = 200000
MINTED_MAX = 20000  # minted temporary keys kept (oldest dropped first)
DEFAULT_METADATA_ROLE = dw.DEFAULT_METADATA_ROLE
DEFAULT_METADATA_TTL = 21600.0
DEFAULT_METADATA_INSTANCE = "ins-run00001"  # whose network the metadata service describes (web-1)
_ALNUM = string.ascii_uppercase + string.digits


def _number(body, name, minimum_exclusive=0.0, allow_none=False):
    v = body[name]
    if v is None or (isinstance(v, str) and v.strip().lower() in ("null", "none", "")):
        if allow_none:
            return None
        raise ValueError("%s must be a number > %g" % (name, minimum_exclusive))
    try:
        if isinstance(v, bool):
            raise ValueError
        v = float(v)
    except (TypeError, ValueError):
        raise ValueError("%s must be a number > %g" % (name, minimum_exclusive))
    if math.isnan(v) or v <= minimum_exclusive or math.isinf(v):
        raise ValueError("%s must be a number > %g" % (name, minimum_exclusive))
    return v


def _bool(body, name):
    v = body[name]
    if isinstance(v, str) and v.strip().lower() in _BOOL_WORDS:
        v = _BOOL_WORDS[v.strip().lower()]
    if not isinstance(v, bool):
        raise ValueError("%s must be true or false" % name)
    return v


def iso8601(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Simulator:
    def __init__(self, world=None, secret_id=dw.DEFAULT_SECRET_ID, secret_key=dw.DEFAULT_SECRET_KEY,
                 task_seconds=2.0, rate_limits=True, v2_shape="new", log_stream=None,
                 sts_duration_cap=None, metadata_role=DEFAULT_METADATA_ROLE,
                 metadata_ttl=DEFAULT_METADATA_TTL, metadata_enabled=True, strict_codes=True,
                 busy_code="default", throttle_code="default", metadata_instance=DEFAULT_METADATA_INSTANCE,
                 read_lag=0.0, replay_task_id="first"):
        self.lock = threading.RLock()
        self.initial_world = data_copy(world if world is not None else dw.default_world())
        self._start = World(self.initial_world)  # checked once; every reset starts from a copy of it
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.cli_config = {"task_seconds": float(task_seconds), "rate_limits": bool(rate_limits),
                           "v2_shape": v2_shape,
                           "sts_duration_cap": None if sts_duration_cap is None else float(sts_duration_cap),
                           "metadata_role": metadata_role, "metadata_ttl": float(metadata_ttl),
                           "metadata_enabled": bool(metadata_enabled),
                           "busy_code": contention.busy_setting(busy_code),
                           "throttle_code": contention.throttle_setting(throttle_code),
                           "metadata_instance": metadata_instance,
                           "read_lag": float(read_lag), "replay_task_id": replay_task_id}
        # strict_codes: an API 3.0 error code the action does not document is answered as
        # InternalError (and logged); off, it leaves as it is (and is logged)
        self.cli_config["strict_codes"] = bool(strict_codes)
        # (action, code) of every undocumented code an answer carried, never cleared by reset():
        # the tests' fixtures fail a test that made one (protocol_v3.error_answer)
        self.undocumented = []
        self.log_stream = log_stream
        self.faults = FaultQueue()
        self.ratelimiter = RateLimiter()
        self._seq = itertools.count(1)
        self.reset()

    # ---- control ---------------------------------------------------------------------
    def reset(self):
        with self.lock:
            self.world = data_copy(self._start)
            self.tasks = TaskTable()
            self.tokens = {}
            self.config = dict(self.cli_config)
            self.requests = collections.deque(maxlen=LOG_MAX)
            # signatures are kept across resets (leak scanners read them once at the end);
            # DELETE /_sim/signatures clears them
            if not hasattr(self, "signatures"):
                self.signatures = collections.deque(maxlen=LOG_MAX)
                self.signatures_seen = 0  # ever recorded: GET /_sim/signatures?since=N reads on from N
            self.faults.clear()
            self.ratelimiter.reset()
            self._base_views()

    def set_world(self, data):
        data = {k: v for k, v in data.items() if k not in ("tasks", "config")}
        for e in data.get("enis", []) or []:
            if isinstance(e, dict):
                e.pop("state", None)
        world = World(data)
        with self.lock:
            self.world = world
            self.tasks = TaskTable()
            self.tokens = {}
            self._base_views()

    def set_config(self, body):
        new = dict(self.config)
        if "task_seconds" in body:
            v = body["task_seconds"]
            try:  # numbers, or numeric strings (what a templated Ansible value may be)
                if isinstance(v, bool):
                    raise ValueError
                v = float(v)
            except (TypeError, ValueError):
                raise ValueError("task_seconds must be a number >= 0")
            if math.isnan(v) or v < 0:
                raise ValueError("task_seconds must be a number >= 0")
            new["task_seconds"] = v
        if "rate_limits" in body:
            v = body["rate_limits"]
            if isinstance(v, str) and v.strip().lower() in _BOOL_WORDS:
                v = _BOOL_WORDS[v.strip().lower()]
            if not isinstance(v, bool):
                raise ValueError("rate_limits must be true or false")
            new["rate_limits"] = v
        if "v2_shape" in body:
            if body["v2_shape"] not in V2_SHAPES:
                raise ValueError("v2_shape must be 'new' or 'old'")
            new["v2_shape"] = body["v2_shape"]
        if "sts_duration_cap" in body:
            new["sts_duration_cap"] = _number(body, "sts_duration_cap", allow_none=True)
        if "metadata_ttl" in body:
            new["metadata_ttl"] = _number(body, "metadata_ttl")
        if "metadata_enabled" in body:
            new["metadata_enabled"] = _bool(body, "metadata_enabled")
        if "strict_codes" in body:
            new["strict_codes"] = _bool(body, "strict_codes")
        if "busy_code" in body:
            new["busy_code"] = contention.busy_setting(body["busy_code"])
        if "throttle_code" in body:
            new["throttle_code"] = contention.throttle_setting(body["throttle_code"])
        if "metadata_role" in body:
            v = body["metadata_role"]
            if v is not None and (not isinstance(v, str) or not v.strip()
                                  or not all(c.isalnum() or c in "_+=,.@-" for c in v)):
                raise ValueError("metadata_role must be a role name or null")
            new["metadata_role"] = v
        if "metadata_instance" in body:  # the instance the metadata service answers for (metadata.py)
            v = body["metadata_instance"]
            if v is not None and not (isinstance(v, str) and v.startswith("ins-")):
                raise ValueError("metadata_instance must be an instance id like ins-run00001 or null")
            new["metadata_instance"] = v
        if "read_lag" in body:
            v = body["read_lag"]
            try:
                if isinstance(v, bool):
                    raise ValueError
                v = float(v)
            except (TypeError, ValueError):
                raise ValueError("read_lag must be a number >= 0")
            if math.isnan(v) or math.isinf(v) or v < 0:
                raise ValueError("read_lag must be a number >= 0")
            new["read_lag"] = v
        if "replay_task_id" in body:
            if body["replay_task_id"] not in REPLAY_TASK_IDS:
                raise ValueError("replay_task_id must be 'first', 'new' or 'both'")
            new["replay_task_id"] = body["replay_task_id"]
        unknown = set(body) - set(self.cli_config)
        if unknown:
            raise ValueError("unknown config keys: %s" % ", ".join(sorted(unknown)))
        with self.lock:
            lagged = self.config["read_lag"] > 0
            self.config = new
            if not new["rate_limits"]:
                self.ratelimiter.reset()
            if lagged != (new["read_lag"] > 0):
                self.advance()
                self._base_views()
            return dict(self.config)

    def state(self, fields=None):
        with self.lock:
            self.advance()
            if fields:  # only these top-level parts of the world (a poller that wants the keys)
                return {f: data_copy(self.world.data[f]) for f in fields if f in self.world.data}
            data = self.world.to_dict()
            for e in data["enis"]:
                e["state"] = self.eni_state(e)
            data["tasks"] = self.tasks.all()
            data["config"] = dict(self.config)
            return data

    # ---- keys --------------------------------------------------------------------------
    def find_key(self, secret_id):
        if secret_id == self.secret_id:
            return {"secret_id": self.secret_id, "secret_key": self.secret_key,
                    "app_id": dw.DEFAULT_APP_ID, "uin": dw.DEFAULT_UIN}
        with self.lock:
            key = self.world.keys.get(secret_id)
            if key is None:
                return None
            key = dict(key)
        key.setdefault("app_id", dw.DEFAULT_APP_ID)
        key.setdefault("uin", dw.DEFAULT_UIN)
        return key

    def mint_key(self, role, lifetime, source, session_name=None):
        """Add a fresh temporary key (token, expiry) of the role's account to the key table.
        Returns (key dict, expired_time int). The key is valid for at least `lifetime` s."""
        now = time.time()
        expired = int(math.ceil(now + float(lifetime)))
        uin = str(role["uin"]) if role else dw.DEFAULT_UIN
        app_id = role.get("app_id") if role else None
        if app_id is None:
            app_id = dw.APP_ID_BY_UIN.get(uin, dw.DEFAULT_APP_ID)
        key = {
            "secret_id": "AKID" + "".join(secrets.choice(_ALNUM) for dummy in range(32)),
            "secret_key": secrets.token_urlsafe(24)[:32],
            "token": "simtoken" + secrets.token_hex(40),
            "expired_time": expired,
            "app_id": app_id, "uin": uin,
            "minted_by": source,
            "role_arn": role["arn"] if role else None,
            "session_name": session_name,
        }
        with self.lock:
            self.world.add_key(key)
            minted = [k for k in self.world.data["keys"] if k.get("minted_by")]
            if len(minted) > MINTED_MAX:
                old = minted[0]
                self.world.data["keys"].remove(old)
                self.world.keys.pop(old["secret_id"], None)
        return dict(key), expired

    def rate_allow(self, account, action):
        if not self.config["rate_limits"]:
            return True
        return self.ratelimiter.allow(account, action)

    def throttle_code(self, action):
        """What a throttled call of `action` answers (config throttle_code; contention.py)."""
        return contention.throttle_code(action, self.config["throttle_code"])

    def busy(self, action, message):
        """The error of a write of `action` on a busy ENI or instance (config busy_code; contention.py)."""
        return SimError("busy", message, code=contention.busy_code(action, self.config["busy_code"]))

    # ---- logs --------------------------------------------------------------------------
    def record_signature(self, sig):
        if sig:
            with self.lock:
                self.signatures.append(sig)
                self.signatures_seen += 1

    def signatures_since(self, since=0):
        """(the signatures recorded after the first `since`, how many were ever recorded)."""
        with self.lock:
            sigs = list(self.signatures)
            seen = self.signatures_seen
        first = seen - len(sigs)  # the count of those cleared or pushed out of the deque
        return sigs[max(0, since - first):], seen

    def note_undocumented(self, action, code):
        """An API 3.0 answer with a code ``action`` does not document: kept, and logged."""
        with self.lock:
            self.undocumented.append((action, code))
        if self.log_stream is not None:
            try:
                self.log_stream.write("qcloud_sim UNDOCUMENTED %s answered %s (not in documented_errors.json)%s\n" % (
                    action or "-", code, "; answered InternalError" if self.config.get("strict_codes") else ""))
                self.log_stream.flush()
            except Exception:  # pragma: no cover - logging must never break a request
                pass

    def log_request(self, entry):
        entry = dict(entry)
        with self.lock:
            if entry.get("seq") is None:
                entry["seq"] = next(self._seq)
            self.requests.append(entry)
        if self.log_stream is not None:
            try:
                self.log_stream.write("qcloud_sim %s %s %s %s -> %s%s\n" % (
                    entry.get("protocol"), entry.get("method"), entry.get("action") or "-",
                    entry.get("region") or "-", entry.get("outcome"),
                    " [fault %s]" % entry["fault"] if entry.get("fault") else ""))
                self.log_stream.flush()
            except Exception:  # pragma: no cover - logging must never break a request
                pass

    def next_seq(self):
        with self.lock:
            return next(self._seq)

    def request_log(self, since=0):
        """The request log in order; with `since`, only the entries whose seq is above it."""
        with self.lock:
            return sorted((dict(e) for e in self.requests if e["seq"] > since), key=lambda e: e["seq"])

    # ---- tasks -------------------------------------------------------------------------
    def _apply(self, task):
        action = task["action"]
        if action == "AttachNetworkInterface":
            self.world.apply_attach(task["eni_id"], task["instance_id"], task["attach_type"],
                                    task["ends_at"])
        elif action == "DetachNetworkInterface":
            self.world.apply_detach(task["eni_id"])
        elif action == "DeleteNetworkInterface":
            self.world.remove_eni(task["eni_id"])
        elif action == "UnassignPrivateIpAddresses":
            self._drop_ips(task)
        # Create and Assign took effect at once (the ENI, the addresses); success only settles them

    def _undo(self, task):
        """A FAILED task: what its write did at once is taken back."""
        if task["action"] == "CreateNetworkInterface":
            self.world.remove_eni(task["eni_id"])
        elif task["action"] == "AssignPrivateIpAddresses":
            self._drop_ips(task)

    def _drop_ips(self, task):
        eni = self.world.enis.get(task["eni_id"])
        if eni is not None:
            eni["secondary_ips"] = [ip for ip in eni["secondary_ips"] if ip not in task["ips"]]

    def advance(self):
        with self.lock:
            ended = []

            def success(task):
                self._apply(task)
                ended.append(task)

            def failure(task):
                self._undo(task)
                ended.append(task)

            self.tasks.advance(time.time(), success, failure)
            for task in ended:  # seen once the task no longer runs (its status is set by now)
                self._changed(task["eni_id"], task["ends_at"])

    # ---- read lag: reads show each ENI as it was read_lag seconds before --------------------
    # A versioned view: with read_lag > 0, self.views holds per ENI [(visible from, (view, state)
    # or None for gone)], one entry per change a task makes (its start, its end). A read builds each
    # ENI from the latest entry visible now (task fields) over the true record (the rest); an ENI
    # whose first entry is not visible yet is not there; a deleted one lingers until its None is.
    # Writes and their rules use the true world; DescribeVpcTaskResult is never late.
    def _base_views(self):
        """Every ENI as it is, visible from always (with read lag), or no views (without)."""
        if self.config["read_lag"] > 0:
            self.views = {eni_id: [(-math.inf, self.eni_view(e))] for eni_id, e in self.world.enis.items()}
        else:
            self.views = None

    def _changed(self, eni_id, when):
        """A task changed ENI eni_id at `when`: reads see it read_lag seconds later."""
        if self.views is None or not eni_id:
            return
        eni = self.world.enis.get(eni_id)
        view = self.eni_view(eni) if eni is not None else None
        self.views.setdefault(eni_id, []).append((when + self.config["read_lag"], view))

    def _visible(self, eni_id, now):
        """(ENI copy, state) as a read shows it now, or None (not there yet, or gone)."""
        history = self.views.get(eni_id)
        truth = self.world.enis.get(eni_id)
        latest = None
        for index, (since, dummy) in enumerate(history or ()):
            if since <= now:
                latest = index
        if latest is None:
            return None
        del history[:latest]  # older entries will never be read again
        view = history[0][1]
        if view is None:
            if truth is None and len(history) == 1:
                del self.views[eni_id]
            return None
        record, state = view
        if truth is None:
            return data_copy(record), state
        merged = data_copy(truth)
        for field in LAGGED_FIELDS:
            merged[field] = data_copy(record.get(field))
        return merged, state

    def _visible_in(self, region):
        """[(ENI copy, state)] of a region as reads show them now (with read lag)."""
        now = time.time()
        shown = []
        for eni_id in list(self.world.enis) + [i for i in list(self.views) if i not in self.world.enis]:
            found = self._visible(eni_id, now)
            if found is not None and found[0]["region"] == region:
                shown.append(found)
        return shown

    def visible_eni(self, region, eni_id):
        """The ENI as a read shows it now (a copy with read lag), or None."""
        with self.lock:
            self.advance()
            if self.views is None:
                return self.world.eni(region, eni_id)
            found = self._visible(eni_id, time.time())
            return found[0] if found is not None and found[0]["region"] == region else None

    def eni_state(self, eni):
        task = self.tasks.running_for_eni(eni["eni_id"])
        if task is None:
            return "AVAILABLE"
        return ENI_STATE_DURING.get(task["action"], "AVAILABLE")

    def ip_states(self, eni):
        """{address: state} of the addresses a running task is adding or removing."""
        states = {}
        for task in self.tasks.all_running_for_eni(eni["eni_id"]):
            action = task["action"]
            if action in ("CreateNetworkInterface", "DeleteNetworkInterface"):
                for ip in self.world.addresses_of(eni):
                    states[ip] = "PENDING" if action == "CreateNetworkInterface" else "DELETING"
            elif action in ("AssignPrivateIpAddresses", "UnassignPrivateIpAddresses"):
                for ip in task["ips"]:
                    states[ip] = "PENDING" if action == "AssignPrivateIpAddresses" else "DELETING"
        return states

    def eni_view(self, eni):
        """(a copy of the ENI with its addresses' states, its state): what a read shows."""
        view = data_copy(eni)
        view["ip_states"] = self.ip_states(eni)
        return view, self.eni_state(eni)

    def select_enis(self, region, predicate, offset, limit, reverse=False):
        """(total, [(eni copy, state)]) of the ENIs of a region matching predicate(eni), paged."""
        with self.lock:
            self.advance()
            if self.views is not None:
                matched = [v for v in self._visible_in(region) if predicate(v[0])]
            else:
                matched = [e for e in self.world.enis_in(region) if predicate(e)]
            if reverse:
                matched.reverse()
            page = matched[offset:offset + limit] if limit is not None else matched[offset:]
            if self.views is not None:
                return len(matched), page
            return len(matched), [self.eni_view(e) for e in page]

    def snapshot_enis(self, region):
        """[(eni copy, state)] of a region, in world order."""
        with self.lock:
            self.advance()
            if self.views is not None:
                return self._visible_in(region)
            return [self.eni_view(e) for e in self.world.enis_in(region)]

    def async_write(self, action, protocol, account, client_token, fingerprint, request_id, do, answer):
        """One asynchronous write of the ENI lifecycle (create, delete, assign, unassign).

        Under the lock: a known ClientToken replays the first answer (same parameters) or is
        refused; else ``do(sim)`` checks the rules and changes the world, returning (eni id,
        task fields); a task starts (a queued task fault makes it end FAILED); ``answer(sim,
        eni_id)`` builds the body, kept for replays. Returns (body, task, replayed)."""
        with self.lock:
            self.advance()
            if client_token:
                known = self.tokens.get((account, client_token))
                if known is not None:
                    if known[0] != fingerprint:
                        raise SimError("idempotent_mismatch",
                                       "ClientToken %s was used with other parameters." % client_token)
                    body, task = known[1]
                    self._replayed(task, request_id)
                    return data_copy(body), task, True
            eni_id, extra = do(self)
            fault = self.faults.take_task_fault(action, protocol, eni_id)
            task = self.tasks.create(request_id, action, protocol, account, eni_id, None, 0,
                                     self.config["task_seconds"],
                                     fail_output=(fault["output"] if fault else None), extra=extra)
            body = answer(self, eni_id)
            if client_token:
                self.tokens[(account, client_token)] = (fingerprint, (data_copy(body), task))
            self._changed(eni_id, time.time())
            self.advance()
            return body, task, False

    def _replayed(self, task, request_id):
        """A replay is answered with its own RequestId; the task is known by what replay_task_id says."""
        self.tasks.rename(task, request_id, self.config["replay_task_id"])

    def check_no_task(self, eni_id, action):
        running = self.tasks.running_on(eni_id=eni_id)
        if running is not None:
            raise self.busy(action, "Task %s (%s) is running on %s; retry later."
                            % (running["task_id"], running["action"], eni_id))

    def write(self, action, protocol, account, region, eni_id, ins_id, request_id,
              attach_type=0, client_token=None, vpc_id=None):
        """Attach or detach. Returns (task, replayed). Raises SimError."""
        params = (action, region, eni_id, ins_id, int(attach_type or 0))
        with self.lock:
            self.advance()
            if client_token:
                known = self.tokens.get((account, client_token))
                if known is not None:
                    if known[0] != params:
                        raise SimError("idempotent_mismatch",
                                       "ClientToken %s was used with other parameters." % client_token)
                    self._replayed(known[1], request_id)
                    return known[1], True
            w = self.world
            if vpc_id is not None and w.vpc(region, vpc_id) is None:
                raise SimError("vpc_not_found", "VPC %s does not exist." % vpc_id)
            eni = w.eni(region, eni_id)
            if eni is None:
                raise SimError("eni_not_found", "ENI %s does not exist." % eni_id)
            ins = w.instance(region, ins_id)
            if ins is None:
                raise SimError("instance_not_found", "Instance %s does not exist." % ins_id)
            if vpc_id is not None and (eni["vpc_id"] != vpc_id or ins["vpc_id"] != vpc_id):
                raise SimError("vpc_mismatch", "vpcId %s does not match ENI %s (%s) and instance %s (%s)."
                               % (vpc_id, eni_id, eni["vpc_id"], ins_id, ins["vpc_id"]))
            running = self.tasks.running_on(eni_id, ins_id)
            if running is not None:
                raise self.busy(action, "Task %s is running on %s / %s; retry later."
                                % (running["task_id"], eni_id, ins_id))
            if action == "AttachNetworkInterface":
                w.check_attach(eni, ins)
            else:
                w.check_detach(eni, ins)
            fault = self.faults.take_task_fault(action, protocol, eni_id)
            task = self.tasks.create(
                request_id, action, protocol, account, eni_id, ins_id, int(attach_type or 0),
                self.config["task_seconds"],
                fail_output=(fault["output"] if fault else None))
            if client_token:
                self.tokens[(account, client_token)] = (params, task)
            self._changed(eni_id, time.time())
            self.advance()
            return task, False

    def task_v3(self, account, task_id):
        with self.lock:
            self.advance()
            task = self.tasks.get_v3(task_id)
            if task is None and isinstance(task_id, str) and task_id.isdigit():
                task = self.tasks.get_v2(int(task_id))
            if task is None or task["account"] != account:
                raise SimError("task_not_found", "Task %s does not exist." % task_id)
            return dict(task)

    def task_v2(self, account, task_id):
        with self.lock:
            self.advance()
            task = self.tasks.get_v2(task_id)
            if task is None or task["account"] != account:
                raise SimError("task_not_found", "Task %s does not exist." % task_id)
            return dict(task)

    def world_uin(self):
        return self.world.data["options"].get("uin", dw.DEFAULT_UIN)

    @staticmethod
    def new_request_id():
        return str(uuid.uuid4())

    @staticmethod
    def now_str():
        return tencent_time()


def stderr_stream():
    return sys.stderr


__all__ = ["Simulator", "RUNNING"]
