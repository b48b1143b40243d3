# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of item 3: a bare Python process that imports `requests` and makes one TC3-signed
DescribeNetworkInterfaces call, then prints the answer as JSON. No Ansible, no retries.

    python bench/floor.py ENDPOINT CAFILE|- ENI_ID [stdlib]      (keys from TENCENTCLOUD_SECRET_ID/KEY)

With `stdlib` it sends the same call with http.client + ssl instead of requests: the difference is
what the module would save if it did not import requests (a proposal, not the floor of the goal).
"""
import datetime
import hashlib
import hmac
import json
import os
import sys
import time

STDLIB = len(sys.argv) > 4 and sys.argv[4] == "stdlib"
if not STDLIB:
    import requests


def _h(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def main(endpoint, cafile, eni):
    sid, skey = os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"]
    host = endpoint.split("://", 1)[1].rstrip("/")
    body = json.dumps({"NetworkInterfaceIds": [eni]})
    ts = int(time.time())
    date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
    canon = "POST\n/\n\ncontent-type:application/json\nhost:%s\n\ncontent-type;host\n%s" % (
        host, hashlib.sha256(body.encode()).hexdigest())
    scope = "%s/vpc/tc3_request" % date
    to_sign = "TC3-HMAC-SHA256\n%d\n%s\n%s" % (ts, scope, hashlib.sha256(canon.encode()).hexdigest())
    key = _h(_h(_h(("TC3" + skey).encode(), date), "vpc"), "tc3_request")
    sig = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "Host": host, "X-TC-Action": "DescribeNetworkInterfaces",
               "X-TC-Version": "2017-03-12", "X-TC-Timestamp": str(ts), "X-TC-Region": "ap-guangzhou",
               "Authorization": "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=content-type;host, Signature=%s"
               % (sid, scope, sig)}
    if STDLIB:
        import http.client
        import ssl
        port = int(host.rsplit(":", 1)[1])
        if endpoint.startswith("https"):
            ctx = ssl.create_default_context(cafile=cafile if cafile != "-" else None)
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/", body=body.encode(), headers=headers)
        data = json.loads(conn.getresponse().read())["Response"]
    else:
        resp = requests.post(endpoint.rstrip("/") + "/", data=body, headers=headers, timeout=30,
                             verify=cafile if cafile != "-" else True)
        data = resp.json()["Response"]
    print(json.dumps({"changed": False, "failed": "Error" in data, "count": len(data.get("NetworkInterfaceSet") or [])}))


if __name__ == "__main__":
    if "-h" in sys.argv[1:] or "--help" in sys.argv[1:]:
        print(__doc__)
        sys.exit(0)
    main(*sys.argv[1:4])
