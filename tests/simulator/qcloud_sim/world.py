"""World state (regions, VPCs, subnets, security groups, instances, ENIs, keys) and the rules.

Not thread-safe by itself: the Simulator (core.py) holds the lock.
"""
import copy
import ipaddress
import pickle
import re
import secrets
import string
import time

from .errors import SimError

ID_RE = re.compile(r"(eni|ins|vpc|subnet|sg)-[0-9a-z]{8}")  # fullmatch: "$" would accept a trailing newline
# qcs::cam::uin/<owner uin>:roleName/<name>  or  qcs::cam::uin/<owner uin>:role/<role id>
ROLE_ARN_RE = re.compile(r"^qcs::cam::uin/([0-9]+):(roleName|role)/([\w+=,.@-]{1,128})$")
BIND_STATES = ("RUNNING", "STOPPED")
_LISTS = ("keys", "regions", "vpcs", "subnets", "instance_types", "instances", "enis", "roles",
          "security_groups")
# Private addresses an ENI may hold, its primary included (world option eni_max_private_ips).
DEFAULT_ENI_MAX_PRIVATE_IPS = 20
_ID_ALPHABET = string.ascii_lowercase + string.digits
DEFAULT_SUBNET_CIDR = "10.255.0.0/16"  # a subnet of a world that gives none


def well_formed(prefix, value):
    return isinstance(value, str) and bool(ID_RE.fullmatch(value)) and value.startswith(prefix + "-")


def tencent_time(ts=None):
    """Tencent's 'YYYY-MM-DD hh:mm:ss', Beijing time (UTC+8)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime((time.time() if ts is None else ts) + 8 * 3600))


class WorldError(ValueError):
    pass


def _cvm_defaults(i):
    """What the CVM API shows of an instance (name, tags, image, addresses...), checked and defaulted."""
    for f, dflt in (("name", i["instance_id"]), ("tags", {}), ("image_id", "img-00000000"),
                    ("os_name", ""), ("public_ips", []), ("security_group_ids", []),
                    ("charge_type", "POSTPAID_BY_HOUR"), ("created_time", "2024-01-02T03:04:05Z"),
                    ("private_ips", None), ("project_id", 0)):
        i.setdefault(f, copy.deepcopy(dflt))
    tags = i["tags"]
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise WorldError("instance %s: tags must be an object of strings" % i["instance_id"])
    for f in ("public_ips", "security_group_ids") + (("private_ips",) if i["private_ips"] is not None else ()):
        if not isinstance(i[f], list) or not all(isinstance(v, str) for v in i[f]):
            raise WorldError("instance %s: %s must be a list of strings" % (i["instance_id"], f))


def data_copy(value):
    """A deep copy of world data (dicts, lists, strings, numbers), as copy.deepcopy makes it but
    about five times faster: a world is copied on every reset and every answer copies a view."""
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


class World:
    def __init__(self, data):
        if not isinstance(data, dict):
            raise WorldError("a world must be a JSON object")
        data = data_copy(data)
        for name in _LISTS:
            data.setdefault(name, [])
            if not isinstance(data[name], list):
                raise WorldError("%s must be a list" % name)
        data.setdefault("options", {})
        self.data = data
        try:
            self.regions = {r["region"]: list(r.get("zones", [])) for r in data["regions"]}
            self.vpcs = {v["vpc_id"]: v for v in data["vpcs"]}
            self.subnets = {s["subnet_id"]: s for s in data["subnets"]}
            self.types = {t["instance_type"]: t for t in data["instance_types"]}
            self.instances = {i["instance_id"]: i for i in data["instances"]}
            self.enis = {e["eni_id"]: e for e in data["enis"]}
            self.keys = {k["secret_id"]: k for k in data["keys"]}
            self.security_groups = {g["sg_id"]: g for g in data["security_groups"]}
        except (KeyError, TypeError) as exc:
            raise WorldError("missing field in world: %s" % exc)
        self.roles = {}  # every accepted ARN spelling -> role
        for r in data["roles"]:
            self._add_role(r)
        for e in data["enis"]:
            for f, dflt in (("name", e["eni_id"]), ("description", ""), ("primary", False),
                            ("mac", "20:90:6F:00:00:00"), ("private_ip", "10.0.0.1"),
                            ("created_time", tencent_time()), ("instance_id", None),
                            ("device_index", None), ("attach_time", None), ("attach_type", 0),
                            ("empty_attachment", False)):
                e.setdefault(f, dflt)
            for f in ("groups", "secondary_ips"):
                e.setdefault(f, [])
                if not isinstance(e[f], list):
                    raise WorldError("ENI %s: %s must be a list" % (e["eni_id"], f))
            e.setdefault("tags", {})
            if not isinstance(e["tags"], dict):
                raise WorldError("ENI %s: tags must be an object" % e["eni_id"])
            for f in ("region", "vpc_id", "subnet_id", "zone"):
                if f not in e:
                    sub = self.subnets.get(e.get("subnet_id"), {})
                    if f in sub:
                        e[f] = sub[f]
                    else:
                        raise WorldError("ENI %s lacks %s" % (e["eni_id"], f))
            if e["instance_id"] and e["instance_id"] not in self.instances:
                raise WorldError("ENI %s is attached to unknown %s" % (e["eni_id"], e["instance_id"]))
            for g in e["groups"]:
                if g not in self.security_groups:
                    raise WorldError("ENI %s names unknown security group %s" % (e["eni_id"], g))
        for i in data["instances"]:
            for f in ("region", "zone", "vpc_id", "state", "instance_type"):
                if f not in i:
                    raise WorldError("instance %s lacks %s" % (i["instance_id"], f))
            _cvm_defaults(i)
        for sub in data["subnets"]:
            sub.setdefault("name", sub["subnet_id"])
            sub.setdefault("used_ips", [])
            sub.setdefault("cidr", DEFAULT_SUBNET_CIDR)
            try:
                ipaddress.ip_network(sub["cidr"])
            except (KeyError, TypeError, ValueError):
                raise WorldError("subnet %s needs a cidr like 10.0.1.0/24" % sub["subnet_id"])
        for g in data["security_groups"]:
            for f, dflt in (("name", g["sg_id"]), ("description", ""), ("project_id", 0),
                            ("is_default", False), ("created_time", tencent_time()), ("tags", {})):
                g.setdefault(f, dflt)
            if "region" not in g:
                raise WorldError("security group %s lacks region" % g["sg_id"])

    def _add_role(self, r):
        if not isinstance(r, dict) or not isinstance(r.get("arn"), str):
            raise WorldError("each role needs an 'arn'")
        m = ROLE_ARN_RE.match(r["arn"])
        if not m:
            raise WorldError("role arn %r is not qcs::cam::uin/<uin>:roleName/<name> "
                             "or qcs::cam::uin/<uin>:role/<id>" % r["arn"])
        uin, kind, tail = m.groups()
        r.setdefault("uin", uin)
        r["uin"] = str(r["uin"])
        if kind == "roleName":
            r.setdefault("name", tail)
        elif "name" not in r:
            raise WorldError("role %s: a role/<id> ARN needs a 'name'" % r["arn"])
        if kind == "role":
            r.setdefault("role_id", tail)
        r.setdefault("app_id", None)
        for f in ("trusted_secret_ids", "trusted_uins"):
            r.setdefault(f, [])
            if not isinstance(r[f], list):
                raise WorldError("role %s: %s must be a list" % (r["arn"], f))
            r[f] = [str(v) for v in r[f]]
        spellings = {r["arn"], "qcs::cam::uin/%s:roleName/%s" % (r["uin"], r["name"])}
        if r.get("role_id"):
            spellings.add("qcs::cam::uin/%s:role/%s" % (r["uin"], r["role_id"]))
        for a in spellings:
            self.roles[a] = r

    def role_by_arn(self, arn):
        return self.roles.get(arn)

    def role_by_name(self, name):
        for r in self.data["roles"]:
            if r["name"] == name:
                return r
        return None

    def add_key(self, key):
        self.data["keys"].append(key)
        self.keys[key["secret_id"]] = key

    def to_dict(self):
        return data_copy(self.data)

    # ---- look-ups (region scoped) -------------------------------------------------
    def has_region(self, region):
        return region in self.regions

    def eni(self, region, eni_id):
        e = self.enis.get(eni_id)
        return e if e is not None and e["region"] == region else None

    def instance(self, region, ins_id):
        i = self.instances.get(ins_id)
        return i if i is not None and i["region"] == region else None

    def vpc(self, region, vpc_id):
        v = self.vpcs.get(vpc_id)
        return v if v is not None and v["region"] == region else None

    def subnet(self, region, subnet_id):
        s = self.subnets.get(subnet_id)
        return s if s is not None and s["region"] == region else None

    def security_group(self, region, sg_id):
        g = self.security_groups.get(sg_id)
        return g if g is not None and g["region"] == region else None

    def enis_in(self, region):
        return [e for e in self.data["enis"] if e["region"] == region]

    def enis_on(self, ins_id):
        return [e for e in self.data["enis"] if e["instance_id"] == ins_id]

    # ---- rules ---------------------------------------------------------------------
    def check_instance_usable(self, ins):
        itype = self.types.get(ins["instance_type"], {})
        if not itype.get("eni_supported", True):
            raise SimError("family", "The instance family %s does not support ENIs."
                           % itype.get("family", ins["instance_type"].split(".")[0]))
        if ins["state"] not in BIND_STATES:
            raise SimError("instance_state", "Instance %s is %s; it must be RUNNING or STOPPED."
                           % (ins["instance_id"], ins["state"]))

    def check_attach(self, eni, ins):
        if eni["instance_id"]:
            raise SimError("already_attached", "ENI %s is already attached to %s."
                           % (eni["eni_id"], eni["instance_id"]))
        if eni["primary"]:
            raise SimError("already_attached", "ENI %s is a primary ENI." % eni["eni_id"])
        self.check_instance_usable(ins)
        if eni["vpc_id"] != ins["vpc_id"]:
            raise SimError("vpc_mismatch", "ENI %s is in %s, instance %s in %s."
                           % (eni["eni_id"], eni["vpc_id"], ins["instance_id"], ins["vpc_id"]))
        if eni["zone"] != ins["zone"]:
            raise SimError("zone_mismatch", "ENI %s is in %s, instance %s in %s."
                           % (eni["eni_id"], eni["zone"], ins["instance_id"], ins["zone"]))
        limit = int(self.types.get(ins["instance_type"], {}).get("max_enis", 2))
        if len(self.enis_on(ins["instance_id"])) >= limit:
            raise SimError("limit", "Instance %s (%s) already has its maximum of %d ENIs."
                           % (ins["instance_id"], ins["instance_type"], limit))

    def check_detach(self, eni, ins):
        if eni["instance_id"] != ins["instance_id"]:
            raise SimError("not_attached", "ENI %s is not attached to instance %s."
                           % (eni["eni_id"], ins["instance_id"]))
        if eni["primary"]:
            raise SimError("primary", "ENI %s is the primary ENI of %s and cannot be detached."
                           % (eni["eni_id"], ins["instance_id"]))
        self.check_instance_usable(ins)

    # ---- changes ---------------------------------------------------------------------
    def apply_attach(self, eni_id, ins_id, attach_type, when):
        eni = self.enis.get(eni_id)
        if eni is None or ins_id not in self.instances:
            return
        used = {e["device_index"] for e in self.enis_on(ins_id)}
        idx = 1
        while idx in used:
            idx += 1
        eni.update(instance_id=ins_id, device_index=idx, attach_time=tencent_time(when),
                   attach_type=int(attach_type or 0))

    def apply_detach(self, eni_id):
        eni = self.enis.get(eni_id)
        if eni is None:
            return
        eni.update(instance_id=None, device_index=None, attach_time=None)

    # ---- addresses (subnets hand them out; an ENI holds a primary and secondaries) --------------
    def max_private_ips(self):
        return int(self.data["options"].get("eni_max_private_ips") or DEFAULT_ENI_MAX_PRIVATE_IPS)

    @staticmethod
    def addresses_of(eni):
        return [eni["private_ip"]] + list(eni["secondary_ips"])

    def _subnet_net(self, subnet):
        return ipaddress.ip_network(subnet["cidr"], strict=False)

    def reserved_ips(self, subnet):
        """The network address, the gateway (first host) and the broadcast address."""
        net = self._subnet_net(subnet)
        return {str(net.network_address), str(net.network_address + 1), str(net.broadcast_address)}

    def used_ips(self, subnet):
        used = set(subnet.get("used_ips") or [])
        for e in self.data["enis"]:
            if e["subnet_id"] == subnet["subnet_id"]:
                used.update(self.addresses_of(e))
        return used

    def usable_count(self, subnet):
        return max(0, self._subnet_net(subnet).num_addresses - 3)

    def free_count(self, subnet):
        net = self._subnet_net(subnet)
        taken = {ip for ip in self.used_ips(subnet) | self.reserved_ips(subnet) if _in(net, ip)}
        return max(0, net.num_addresses - len(taken))

    def check_ips(self, subnet, ips):
        """Addresses asked for by name: in the subnet, not reserved, not in use, not repeated."""
        if len(set(ips)) != len(ips):
            raise SimError("duplicate_para", "An address is given twice: %s." % ", ".join(ips))
        net = self._subnet_net(subnet)
        reserved = self.reserved_ips(subnet)
        used = self.used_ips(subnet)
        for ip in ips:
            try:
                ipaddress.IPv4Address(ip)
            except ValueError:
                raise SimError("malformed", "%s is not an IPv4 address." % ip)
            if not _in(net, ip):
                raise SimError("range", "%s is not in subnet %s (%s)." % (ip, subnet["subnet_id"], subnet["cidr"]))
            if ip in reserved:
                raise SimError("reserved", "%s is reserved in subnet %s." % (ip, subnet["subnet_id"]))
            if ip in used:
                raise SimError("address_in_use", "%s is already in use in subnet %s." % (ip, subnet["subnet_id"]))

    def allocate_ips(self, subnet, count, taken=()):
        """`count` free addresses of the subnet, lowest first; ResourceInsufficient.Subnet if short."""
        if count <= 0:
            return []
        net = self._subnet_net(subnet)
        busy = self.used_ips(subnet) | self.reserved_ips(subnet) | set(taken)
        found = []
        for host in net:
            ip = str(host)
            if ip not in busy:
                found.append(ip)
                if len(found) == count:
                    return found
        raise SimError("subnet_full", "Subnet %s has %d free addresses, and %d are needed."
                       % (subnet["subnet_id"], len(found), count))

    def check_ip_quota(self, eni_id, have, adding):
        limit = self.max_private_ips()
        if have + adding > limit:
            raise SimError("eni_ip_limit", "ENI %s may hold %d private addresses; it has %d and %d more were asked for."
                           % (eni_id, limit, have, adding))

    # ---- ENIs come and go ---------------------------------------------------------------------
    def new_eni_id(self):
        while True:
            eni_id = "eni-" + "".join(secrets.choice(_ID_ALPHABET) for dummy in range(8))
            if eni_id not in self.enis:
                return eni_id

    def add_eni(self, eni):
        self.data["enis"].append(eni)
        self.enis[eni["eni_id"]] = eni

    def remove_eni(self, eni_id):
        eni = self.enis.pop(eni_id, None)
        if eni is not None:
            self.data["enis"].remove(eni)

    def check_delete(self, eni):
        if eni["primary"]:
            raise SimError("primary_delete", "ENI %s is the primary ENI of %s; it cannot be deleted."
                           % (eni["eni_id"], eni["instance_id"]))
        if eni["instance_id"]:
            raise SimError("in_use", "ENI %s is attached to %s; detach it first."
                           % (eni["eni_id"], eni["instance_id"]))


def _in(net, ip):
    try:
        return ipaddress.ip_address(ip) in net
    except ValueError:
        return False


# ---- tags (the Tag API's rules, which CreateNetworkInterface's Tags follow too) ----------------
TAG_KEY_MAX = 127
TAG_VALUE_MAX = 255
TAGS_PER_RESOURCE = 50
TAG_RESERVED_PREFIXES = ("qcloud", "tencent", "project")
_TAG_PUNCTUATION = set(" +-=._:/@()[]（）【】")


def _tag_chars_ok(text):
    return all(c.isalnum() or c in _TAG_PUNCTUATION for c in text)


def tag_problem(key, value):
    """None, or what is wrong with one tag: key_empty, key_long, key_chars, reserved,
    value_long, value_chars (keys and values are strings, checked by the caller)."""
    if key == "":
        return "key_empty"
    if len(key) > TAG_KEY_MAX:
        return "key_long"
    if not _tag_chars_ok(key):
        return "key_chars"
    if key.lower().startswith(TAG_RESERVED_PREFIXES):
        return "reserved"
    if len(value) > TAG_VALUE_MAX:
        return "value_long"
    if not _tag_chars_ok(value):
        return "value_chars"
    return None
