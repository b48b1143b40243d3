"""A small raw client for the tests: signs with qcloud_sim.signing (verified against Tencent's
test vectors in test_signing.py) and speaks plain http.client, so that tests control every byte."""
import http.client
import json
import random
import ssl
import time
from urllib.parse import urlencode

from qcloud_sim import default_world as dw
from qcloud_sim import signing

SID = dw.DEFAULT_SECRET_ID
SKEY = dw.DEFAULT_SECRET_KEY
TEMP = ("AKIDSIMULATORTEMP0000000000000000000", "simulatorTempKey00000000000000000",
        "simulator-session-token-0001")
EXPIRED = ("AKIDSIMULATOREXPIRED0000000000000000", "simulatorExpiredKey00000000000000",
           "simulator-session-token-expired")
DISABLED = ("AKIDSIMULATORDISABLED000000000000000", "simulatorDisabledKey0000000000000")
SECOND = ("AKIDSIMULATORSECOND00000000000000000", "simulatorSecondKey000000000000000")
CVM_ACTIONS = ("DescribeInstances", "DescribeRegions")  # signed for service cvm


def flatten(params, prefix=""):
    out = {}
    if isinstance(params, dict):
        for k, v in params.items():
            out.update(flatten(v, "%s.%s" % (prefix, k) if prefix else k))
    elif isinstance(params, list):
        for i, v in enumerate(params):
            out.update(flatten(v, "%s.%d" % (prefix, i)))
    else:
        out[prefix] = params
    return out


class SimClient:
    def __init__(self, host, port, tls_ca=None):
        self.host, self.port = host, port
        self.tls_ca = tls_ca

    @property
    def hostport(self):
        return "%s:%d" % (self.host, self.port)

    def conn(self, timeout=10):
        if self.tls_ca:
            ctx = ssl.create_default_context(cafile=self.tls_ca)
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def raw(self, method, path, body=None, headers=None, timeout=10):
        c = self.conn(timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.getheader("Content-Type"), r.read()
        finally:
            c.close()

    # ---- API 3.0 -----------------------------------------------------------------------
    def v3(self, action, params=None, region="ap-guangzhou", secret_id=SID, secret_key=SKEY,
           token=None, timestamp=None, host=None, sign_host=None, version=None,
           content_type="application/json", raw_body=None, extra_headers=None, full=False,
           service=None):
        sts = action == "AssumeRole"
        version = version or ("2018-08-13" if sts else "2017-03-12")
        service = service or ("sts" if sts else "cvm" if action in CVM_ACTIONS else "vpc")
        body = raw_body if raw_body is not None else json.dumps(params or {})
        ts = int(time.time()) if timestamp is None else timestamp
        host = host or self.hostport
        canon = signing.tc3_canonical_request("POST", "/", "", content_type, sign_host or host, body)
        headers = {"Host": host, "Content-Type": content_type, "X-TC-Action": action,
                   "X-TC-Timestamp": str(ts), "X-TC-Version": version,
                   "Authorization": signing.tc3_authorization(secret_id, secret_key, ts, service, canon)}
        if region is not None:
            headers["X-TC-Region"] = region
        if token is not None:
            headers["X-TC-Token"] = token
        headers.update(extra_headers or {})
        status, ctype, data = self.raw("POST", "/", body.encode("utf-8"), headers)
        if full:
            return status, ctype, data
        assert status == 200, (status, data)
        assert ctype == "application/json"
        return json.loads(data)["Response"]

    def v3_form(self, action, params=None, method="POST", sign_method="HmacSHA256",
                region="ap-guangzhou", secret_id=SID, secret_key=SKEY, token=None, timestamp=None):
        p = flatten(params or {})
        version = "2018-08-13" if action == "AssumeRole" else "2017-03-12"
        p.update({"Action": action, "Version": version, "Region": region,
                  "Nonce": random.randint(1, 10 ** 9), "Timestamp": timestamp or int(time.time()),
                  "SecretId": secret_id, "SignatureMethod": sign_method})
        if token:
            p["Token"] = token
        sts = signing.v2_string_to_sign(method, self.hostport, "/", p)
        p["Signature"] = signing.v2_sign(secret_key, sts, sign_method)
        data = urlencode(p)
        if method == "GET":
            status, ctype, body = self.raw("GET", "/?" + data, headers={"Host": self.hostport})
        else:
            status, ctype, body = self.raw("POST", "/", data.encode(), {
                "Host": self.hostport, "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 200 and ctype == "application/json", (status, ctype, body)
        return json.loads(body)["Response"]

    # ---- API 2.0 -----------------------------------------------------------------------
    def v2(self, action, params=None, method="GET", sign_method="HmacSHA1", region="ap-guangzhou",
           secret_id=SID, secret_key=SKEY, token=None, timestamp=None, sign_host=None,
           drop=(), full=False):
        p = flatten(params or {})
        p.update({"Action": action, "Nonce": random.randint(1, 10 ** 9),
                  "Timestamp": timestamp or int(time.time()), "SecretId": secret_id,
                  "SignatureMethod": sign_method})
        if region is not None:
            p["Region"] = region
        if token:
            p["Token"] = token
        for k in drop:
            p.pop(k, None)
        sts = signing.v2_string_to_sign(method, sign_host or self.hostport, "/v2/index.php", p)
        p["Signature"] = signing.v2_sign(secret_key, sts, sign_method)
        data = urlencode(p)
        if method == "GET":
            status, ctype, body = self.raw("GET", "/v2/index.php?" + data)
        else:
            status, ctype, body = self.raw("POST", "/v2/index.php", data.encode(), {
                "Content-Type": "application/x-www-form-urlencoded"})
        if full:
            return status, ctype, body
        assert status == 200, (status, body)
        return json.loads(body)

    # ---- control -----------------------------------------------------------------------
    def ctl(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        status, dummy, out = self.raw(method, "/_sim/" + path, data,
                                      {"Content-Type": "application/json"} if data else {})
        return status, json.loads(out) if out else None

    def ok(self, method, path, body=None):
        status, out = self.ctl(method, path, body)
        assert status == 200, (status, out)
        return out

    # ---- helpers -----------------------------------------------------------------------
    def eni(self, eni_id, region="ap-guangzhou"):
        r = self.v3("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [eni_id]}, region=region)
        assert r["TotalCount"] == 1, r
        return r["NetworkInterfaceSet"][0]

    def wait_task(self, task_id, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.v3("DescribeVpcTaskResult", {"TaskId": task_id})
            if r.get("Status") != "RUNNING":
                return r
            time.sleep(0.05)
        raise AssertionError("task %s still RUNNING" % task_id)

    def wait_task_v2(self, task_id, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.v2("DescribeVpcTaskResult", {"taskId": task_id})
            if r["code"] != 0 or r["data"]["status"] != 2:
                return r
            time.sleep(0.05)
        raise AssertionError("task %s still running" % task_id)
