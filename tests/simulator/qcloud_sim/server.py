"""Threaded HTTP(S) server: routes /_sim/ to the control API, /v2/index.php to API 2.0, / to API 3.0,
and applies queued faults."""

import ipaddress
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import control, metadata, protocol_v2, protocol_v3
from .common import HttpRequest, HttpResponse
from .errors import v2_code, v2_numeric_for
from .world import data_copy

SECRET_PARAMS = {"Signature", "SecretKey", "Token", "Authorization", "X-TC-Token"}


def is_loopback(ip):
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    if getattr(addr, "ipv4_mapped", None):
        addr = addr.ipv4_mapped
    return addr.is_loopback


def _scrub(obj):
    if isinstance(obj, dict):
        return {k: _scrub(v) for k, v in obj.items() if k not in SECRET_PARAMS}
    if isinstance(obj, list):
        return [_scrub(v) for v in obj]
    return obj


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address, sim, ssl_context=None, metadata_only=False):
        self.sim = sim
        self.ssl_context = ssl_context
        self.metadata_only = metadata_only
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):  # quiet on client disconnects / TLS errors
        pass

    @property
    def port(self):
        return self.server_address[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "qcloud-sim/1.0"
    sys_version = ""
    timeout = 120

    def setup(self):
        super().setup()
        if self.server.ssl_context is not None:
            self.connection.settimeout(30)
            self.connection.do_handshake()
            self.connection.settimeout(self.timeout)

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):  # the simulator logs API calls itself
        pass

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    # ---- plumbing ---------------------------------------------------------------------
    def _read_body(self):
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        return b""

    def _send(self, resp, truncate=False):
        body = resp.body
        if truncate:
            body = body[: max(1, len(body) // 2)]
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        if resp.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        if self.command != "HEAD":
            # one write for headers and body (no Nagle / delayed-ACK stalls)
            self._headers_buffer.append(b"\r\n")
            self._headers_buffer.append(body)
            self.flush_headers()
        else:
            self.end_headers()

    def _reset(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def _handle(self):
        sim = self.server.sim
        body = self._read_body()
        parts = urlsplit(self.path)
        req = HttpRequest(self.command, parts.path or "/", parts.query, self.headers, body,
                          self.client_address[0])
        if metadata.is_metadata_path(req.path) or self.server.metadata_only:
            if not is_loopback(req.client_ip):
                self._send(HttpResponse(403, b'{"error": "the metadata service is loopback only"}'))
                return
            self._metadata(sim, req)
            return
        if req.path.startswith("/_sim"):
            if not is_loopback(req.client_ip):
                self._send(HttpResponse(403, b'{"error": "the control API is loopback only"}'))
                return
            self._send(control.handle(sim, req))
            return
        if req.path == protocol_v2.PATH:
            proto = protocol_v2
        elif req.path == "/":
            proto = protocol_v3
        else:
            self._send(HttpResponse(404, b"<html><body>404 Not Found</body></html>", "text/html"))
            return
        if req.method not in ("GET", "POST"):
            self._send(HttpResponse(405, b"<html><body>405 Method Not Allowed</body></html>",
                                    "text/html"))
            return
        self._api(sim, proto, req)

    def _metadata(self, sim, req):
        action, role = metadata.route(req.path)
        if req.method not in ("GET", "HEAD"):
            action = None
        entry = {"seq": sim.next_seq(), "time": time.time(), "protocol": "metadata",
                 "method": req.method, "action": action or "MetadataUnknown", "region": None,
                 "params": {"path": req.path}, "secret_id": None, "outcome": None, "fault": None,
                 "request_id": None, "task_id": None, "client_token": None}
        fault = sim.faults.take_request_fault(action, "metadata") if action else None
        truncate = False
        resp = None
        if fault is not None:
            kind = entry["fault"] = fault["fault"]
            if kind.startswith("http_"):
                status = int(kind[5:])
                entry["outcome"] = kind
                resp = HttpResponse(status, ("<html><body><h1>%d</h1></body></html>" % status).encode(),
                                    "text/html")
            elif kind == "reset":
                entry["outcome"] = "reset"
                sim.log_request(entry)
                self._reset()
                return
            elif kind == "malformed":
                entry["outcome"] = "malformed"
                resp = HttpResponse(200, b"<html><body>metadata gateway error</body></html>",
                                    "text/plain")
            elif kind == "error":
                entry["outcome"] = fault["code"]
                resp = HttpResponse(200, json.dumps({"Code": fault["code"],
                                                     "Message": fault["message"]}).encode(),
                                    "application/json")
            elif kind == "delay":
                time.sleep(fault["seconds"])
            elif kind == "truncated":
                truncate = True
        if resp is None:
            resp, log = metadata.process(sim, action, role)
            entry["outcome"] = log["outcome"]
            if log.get("minted_secret_id"):
                entry["minted_secret_id"] = log["minted_secret_id"]
        sim.log_request(entry)
        if resp is None:  # metadata_enabled false: like no metadata service, close without answer
            self._reset()
            return
        try:
            self._send(resp, truncate=truncate)
        except OSError:
            pass

    def _api(self, sim, proto, req):
        resp, truncate, reset = api_answer(sim, proto, req)
        if reset:
            self._reset()
            return
        try:
            self._send(resp, truncate=truncate)
        except OSError:
            pass  # the client went away (e.g. timed out during a delay fault)


def api_answer(sim, proto, req):
    """One API request (``proto`` protocol_v3 or protocol_v2) to (HttpResponse or None, truncate,
    reset): parsed, signature checked, faults applied, logged; what the server sends, without a
    socket (the unit tests' in-process transport calls it too)."""
    arrived = time.time()
    seq = sim.next_seq()
    call = proto.parse(req)
    call.request_id = sim.new_request_id()
    sim.record_signature(call.signature)
    entry = {
        "seq": seq, "time": arrived, "protocol": call.protocol, "method": req.method,
        "action": call.action, "region": call.region,
        "params": _scrub(data_copy(call.params)), "secret_id": call.secret_id,
        "outcome": None, "fault": None, "request_id": call.request_id, "task_id": None,
        "client_token": call.params.get("ClientToken") if isinstance(call.params, dict) else None,
    }
    fault = sim.faults.take_request_fault(call.action or "", call.protocol)
    answer = _outcome(sim, proto, call, fault, entry)
    # log before answering, so a client that reads its answer then reads the log sees it
    sim.log_request(entry)
    return answer


def _outcome(sim, proto, call, fault, entry):
    """Returns (HttpResponse or None, truncate, reset) and fills entry's outcome."""
    truncate = False
    if fault is not None:
        kind = fault["fault"]
        entry["fault"] = kind
        if kind.startswith("http_"):
            status = int(kind[5:])
            entry["outcome"] = kind
            text = {500: "Internal Server Error", 502: "Bad Gateway",
                    503: "Service Unavailable"}[status]
            page = "<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>" % (
                status, text, status, text)
            return HttpResponse(status, page.encode(), "text/html"), False, False
        if kind == "reset":
            entry["outcome"] = "reset"
            return None, False, True
        if kind == "malformed":
            entry["outcome"] = "malformed"
            return HttpResponse(200, b"<html><body>upstream gateway error</body></html>",
                                "application/json"), False, False
        if kind == "error":
            entry["outcome"] = fault["code"]
            if call.protocol == "3.0":
                log = {}
                resp = protocol_v3.error_answer(sim, call.action, fault["code"], fault["message"],
                                                call.request_id, log)
                entry["outcome"] = log["outcome"]
                if log.get("undocumented"):
                    entry["undocumented"] = log["undocumented"]
            else:
                num = fault.get("code_v2") or v2_numeric_for(fault["code"])
                resp = protocol_v2.error_response(num, fault["code"], fault["message"])
            return resp, False, False
        if kind == "delay":
            time.sleep(fault["seconds"])
        if kind == "truncated":
            truncate = True
    resp, log = proto.process(sim, call)
    entry["outcome"] = log.get("outcome")
    if log.get("undocumented"):
        entry["undocumented"] = log["undocumented"]
    if log.get("task_id") is not None:
        entry["task_id"] = log["task_id"]
    if log.get("client_token"):
        entry["client_token"] = log["client_token"]
    if log.get("minted_secret_id"):
        entry["minted_secret_id"] = log["minted_secret_id"]
    return resp, truncate, False


def make_server(sim, host="127.0.0.1", port=0, tls_dir=None):
    ctx = None
    if tls_dir:
        from .tls import server_context
        ctx = server_context(tls_dir, host)
    return SimHTTPServer((host, port), sim, ctx)


def make_metadata_server(sim, host="127.0.0.1", port=0):
    """A plain-HTTP listener that serves only the metadata paths (like metadata.tencentyun.com)."""
    return SimHTTPServer((host, port), sim, None, metadata_only=True)


def start_in_thread(sim, host="127.0.0.1", port=0, tls_dir=None, metadata_only=False):
    """Start a server in a daemon thread; returns the server (call .shutdown() to stop).
    metadata_only=True: a plain-HTTP metadata listener instead (tls_dir ignored)."""
    if metadata_only:
        server = make_metadata_server(sim, host, port)
    else:
        server = make_server(sim, host, port, tls_dir)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="qcloud-sim", daemon=True)
    thread.start()
    server.thread = thread
    return server


__all__ = ["api_answer", "make_server", "start_in_thread", "SimHTTPServer", "v2_code"]
