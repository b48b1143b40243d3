"""The control API under /_sim/ (no auth; the server only lets loopback clients in)."""
import json
from urllib.parse import parse_qsl

from .common import HttpResponse, json_response
from .faults import FaultError
from .world import WorldError


def _body(req):
    if not req.body or not req.body.strip():
        return {}
    text = req.body.decode("utf-8")
    try:
        return json.loads(text)
    except ValueError:
        try:
            import yaml  # optional: a world may be posted as YAML
        except ImportError:  # pragma: no cover
            raise ValueError("body is not JSON")
        return yaml.safe_load(text)


def _error(status, message):
    return json_response({"error": message}, status)


def _since(query):
    """?since=N (a whole number >= 0), else 0; ValueError on anything else."""
    value = query.get("since", "0")
    if not value.isdigit():
        raise ValueError("since must be a whole number >= 0")
    return int(value)


def _generated(body):
    """The world of POST /_sim/world/generate {"instances": N, "regions": R, "enis": M}."""
    from .worldgen import world_with_enis, world_with_instances
    if not isinstance(body, dict) or set(body) - {"instances", "regions", "enis"}:
        raise ValueError("generate takes instances, regions and enis")
    counts = {}
    for name, default in (("instances", 0), ("regions", 3), ("enis", 0)):
        value = body.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 100000:
            raise ValueError("%s must be a whole number from 0 to 100000" % name)
        counts[name] = value
    world = world_with_enis(counts["enis"])
    return world_with_instances(counts["instances"], counts["regions"], base=world)


def handle(sim, req):
    path = req.path.rstrip("/")
    m = req.method
    query = dict(parse_qsl(req.query or ""))
    try:
        body = _body(req) if m in ("POST", "PUT") else {}
    except ValueError as exc:
        return _error(400, "bad body: %s" % exc)
    if body is None:
        body = {}
    try:
        if path == "/_sim/health" and m == "GET":
            return json_response({"ok": True})
        if path == "/_sim/state" and m == "GET":
            # ?fields=keys,roles: only those parts of the world (pollers; the task table grows)
            return json_response(sim.state(fields=[f for f in query.get("fields", "").split(",") if f]))
        if path == "/_sim/reset" and m == "POST":
            sim.reset()
            return json_response({"ok": True, "config": dict(sim.config)})
        if path == "/_sim/world/generate" and m == "POST":
            # a large account made here (qcloud_sim.worldgen), not posted as megabytes of JSON
            sim.set_world(_generated(body))
            return json_response({"ok": True, "enis": len(sim.world.enis),
                                  "instances": len(sim.world.instances)})
        if path == "/_sim/world" and m in ("POST", "PUT"):
            if not isinstance(body, dict):
                return _error(400, "a world must be a JSON object")
            sim.set_world(body)
            return json_response({"ok": True, "enis": len(sim.world.enis),
                                  "instances": len(sim.world.instances)})
        if path == "/_sim/config":
            if m == "GET":
                return json_response(dict(sim.config))
            if m == "POST":
                if not isinstance(body, dict):
                    return _error(400, "config must be a JSON object")
                return json_response(sim.set_config(body))
        if path == "/_sim/faults":
            if m == "GET":
                return json_response({"faults": sim.faults.list()})
            if m == "POST":
                specs = body if isinstance(body, list) else [body]
                added = [sim.faults.add(s) for s in specs]
                return json_response({"ok": True, "faults": added})
            if m == "DELETE":
                sim.faults.clear()
                return json_response({"ok": True})
        if path == "/_sim/requests":
            if m == "GET":
                return json_response({"requests": sim.request_log(_since(query))})
            if m == "DELETE":
                with sim.lock:
                    sim.requests.clear()
                return json_response({"ok": True})
        if path == "/_sim/signatures":
            if m == "GET":
                sigs, seen = sim.signatures_since(_since(query))
                return json_response({"signatures": sigs, "seen": seen})
            if m == "DELETE":
                with sim.lock:
                    sim.signatures.clear()
                return json_response({"ok": True})
    except (FaultError, WorldError, ValueError) as exc:
        return _error(400, str(exc))
    return HttpResponse(404, b'{"error": "no such control endpoint"}', "application/json")
