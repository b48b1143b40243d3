# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor of item 3: a bare Python process that imports `requests` and makes one TC3-signed
DescribeNetworkInterfaces call, then prints the answer as JSON. No Ansible, no retries.

    python bench/floor.py ENDPOINT CAFILE|- ENI_ID      (keys from TENCENTCLOUD_SECRET_ID/KEY)
"""
import datetime
import hashlib
import hmac
import json
import os
import sys
import time

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
    resp = requests.post(endpoint.rstrip("/") + "/", data=body, headers=headers, timeout=30,
                         verify=cafile if cafile != "-" else True)
    data = resp.json()["Response"]
    print(json.dumps({"changed": False, "failed": "Error" in data, "count": len(data.get("NetworkInterfaceSet") or [])}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
