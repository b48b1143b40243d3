"""Conformance: Tencent's own clients against the simulator, over real HTTP and HTTPS.

* tencentcloud-sdk-python-vpc (API 3.0): TC3-HMAC-SHA256 and the HmacSHA1/HmacSHA256 form.
* qcloudapi-sdk-python (API 2.0): GET and POST, HmacSHA1 and HmacSHA256.
"""
import http.client
import json
import os
import time

import pytest

tc_common = pytest.importorskip("tencentcloud.common")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.vpc.v20170312 import models, vpc_client  # noqa: E402

from simclient import SID, SKEY, TEMP  # noqa: E402

qcloudapi = pytest.importorskip("QcloudApi")
from QcloudApi.common.request import ApiRequest  # noqa: E402
from QcloudApi.modules.vpc import Vpc  # noqa: E402


def v3_client(port, scheme="http", sign="TC3-HMAC-SHA256", method="POST", key=SKEY, sid=SID,
              ca=None, token=None, region="ap-guangzhou"):
    hp = HttpProfile(protocol=scheme, endpoint="127.0.0.1:%d" % port, reqMethod=method, reqTimeout=10,
                     certification=ca)
    cp = ClientProfile(httpProfile=hp, signMethod=sign)
    return vpc_client.VpcClient(credential.Credential(sid, key, token), region, cp)


def req(cls, **kw):
    r = cls()
    r.from_json_string(json.dumps(kw))
    return r


def full_cycle(c):
    d = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                        Filters=[{"Name": "vpc-id", "Values": ["vpc-gz000001"]}],
                                        Limit=5, Offset=0))
    assert d.TotalCount == 31 and len(d.NetworkInterfaceSet) == 5
    d = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                        NetworkInterfaceIds=["eni-free0001"]))
    assert d.NetworkInterfaceSet[0].Attachment is None
    assert d.NetworkInterfaceSet[0].State == "AVAILABLE"
    a = c.AttachNetworkInterface(req(models.AttachNetworkInterfaceRequest,
                                     NetworkInterfaceId="eni-free0001", InstanceId="ins-run00001",
                                     ClientToken="conformance-1"))
    task = a.RequestId
    t = c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId=task))
    assert t.Status == "RUNNING"
    assert c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                           NetworkInterfaceIds=["eni-free0001"])
                                       ).NetworkInterfaceSet[0].State == "ATTACHING"
    deadline = time.time() + 5
    while t.Status == "RUNNING" and time.time() < deadline:
        time.sleep(0.05)
        t = c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId=task))
    assert t.Status == "SUCCESS" and t.Output == ""
    assert t.Result[0].ResourceId == "eni-free0001"
    eni = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                          NetworkInterfaceIds=["eni-free0001"])).NetworkInterfaceSet[0]
    assert eni.Attachment.InstanceId == "ins-run00001" and eni.Attachment.DeviceIndex == 1
    d = c.DetachNetworkInterface(req(models.DetachNetworkInterfaceRequest,
                                     NetworkInterfaceId="eni-free0001", InstanceId="ins-run00001"))
    deadline = time.time() + 5
    while time.time() < deadline:
        t = c.DescribeVpcTaskResult(req(models.DescribeVpcTaskResultRequest, TaskId=d.RequestId))
        if t.Status != "RUNNING":
            break
        time.sleep(0.05)
    assert t.Status == "SUCCESS"
    eni = c.DescribeNetworkInterfaces(req(models.DescribeNetworkInterfacesRequest,
                                          NetworkInterfaceIds=["eni-free0001"])).NetworkInterfaceSet[0]
    assert eni.Attachment is None


@pytest.mark.parametrize("sign,method", [("TC3-HMAC-SHA256", "POST"), ("TC3-HMAC-SHA256", "GET"),
                                         ("HmacSHA256", "POST"), ("HmacSHA256", "GET"),
                                         ("HmacSHA1", "POST")])
def test_tencentcloud_sdk_http(sim, sim_server, sign, method):
    full_cycle(v3_client(sim_server.port, sign=sign, method=method))


@pytest.mark.parametrize("sign", ["TC3-HMAC-SHA256", "HmacSHA256"])
def test_tencentcloud_sdk_https(tls_sim, sign):
    ca = os.path.join(tls_sim.tls_dir, "ca.pem")
    full_cycle(v3_client(tls_sim.port, scheme="https", sign=sign, ca=ca))


@pytest.mark.parametrize("sign", ["TC3-HMAC-SHA256", "HmacSHA256"])
def test_tencentcloud_sdk_wrong_secret(sim, sim_server, sign):
    c = v3_client(sim_server.port, sign=sign, key="not-the-key")
    with pytest.raises(TencentCloudSDKException) as exc:
        c.DescribeNetworkInterfaces(models.DescribeNetworkInterfacesRequest())
    assert exc.value.get_code() == "AuthFailure.SignatureFailure"
    assert exc.value.get_request_id()


def test_tencentcloud_sdk_errors_and_token(sim, sim_server):
    c = v3_client(sim_server.port)
    with pytest.raises(TencentCloudSDKException) as exc:
        c.AttachNetworkInterface(req(models.AttachNetworkInterfaceRequest,
                                     NetworkInterfaceId="eni-zone0004", InstanceId="ins-run00001"))
    assert exc.value.get_code() == "UnsupportedOperation.ZoneMismatch"
    with pytest.raises(TencentCloudSDKException) as exc:
        v3_client(sim_server.port, sid=TEMP[0], key=TEMP[1]).DescribeNetworkInterfaces(
            models.DescribeNetworkInterfacesRequest())
    assert exc.value.get_code() == "AuthFailure.TokenFailure"
    r = v3_client(sim_server.port, sid=TEMP[0], key=TEMP[1], token=TEMP[2]).DescribeNetworkInterfaces(
        models.DescribeNetworkInterfacesRequest())
    assert r.TotalCount == 33
    with pytest.raises(TencentCloudSDKException) as exc:
        v3_client(sim_server.port, region="ap-moon-1").DescribeNetworkInterfaces(
            models.DescribeNetworkInterfacesRequest())
    assert exc.value.get_code() == "UnsupportedRegion"


def test_tencentcloud_sdk_http_503_is_network_error(sim, sim_server):
    sim.faults.add({"action": "DescribeNetworkInterfaces", "fault": "http_503"})
    with pytest.raises(TencentCloudSDKException) as exc:
        v3_client(sim_server.port).DescribeNetworkInterfaces(models.DescribeNetworkInterfacesRequest())
    assert exc.value.get_code() == "ServerNetworkError"


# ---- API 2.0: qcloudapi-sdk-python ------------------------------------------------------------
class _PlainConnection(http.client.HTTPConnection):
    request_length = 0


def v2_service(port, method, sign, key=SKEY, tls_ca=None):
    svc = Vpc({"secretId": SID, "secretKey": key, "Region": "ap-guangzhou", "method": method,
               "SignatureMethod": sign})
    svc.requestHost = "127.0.0.1:%d" % port
    svc.apiRequest = ApiRequest(svc.requestHost, req_timeout=10)
    if tls_ca is None:
        svc.apiRequest.conn = _PlainConnection("127.0.0.1", port)
    return svc


def v2_cycle(svc):
    def call(action, params):
        return json.loads(svc.call(action, params))

    r = call("DescribeNetworkInterfaces", {"vpcId": "vpc-gz000001", "limit": 5})
    assert r["code"] == 0 and r["data"]["totalNum"] == 31 and len(r["data"]["data"]) == 5
    p = {"vpcId": "vpc-gz000001", "networkInterfaceId": "eni-free0002", "instanceId": "ins-run00003"}
    r = call("AttachNetworkInterface", p)
    assert r["code"] == 0 and isinstance(r["taskId"], int)
    status = call("DescribeVpcTaskResult", {"taskId": r["taskId"]})["data"]["status"]
    assert status == 2
    deadline = time.time() + 5
    while status == 2 and time.time() < deadline:
        time.sleep(0.05)
        status = call("DescribeVpcTaskResult", {"taskId": r["taskId"]})["data"]["status"]
    assert status == 0
    r = call("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-free0002"})
    assert r["data"]["data"][0]["instanceSet"]["instanceId"] == "ins-run00003"
    r = call("AttachNetworkInterface", p)
    assert r["codeDesc"] == "InvalidNetworkInterface.AlreadyAssociated"
    r = call("DetachNetworkInterface", p)
    assert r["code"] == 0
    r = call("DetachNetworkInterface", p)
    assert r["code"] == 5100
    assert svc.call("DescribeNetworkInterfaces", {"networkInterfaceId": "eni-nope0001"})


@pytest.mark.parametrize("method,sign", [("GET", "HmacSHA1"), ("GET", "HmacSHA256"),
                                         ("POST", "HmacSHA1"), ("POST", "HmacSHA256")])
def test_qcloudapi_https(tls_sim, monkeypatch, method, sign):
    monkeypatch.setenv("SSL_CERT_FILE", os.path.join(tls_sim.tls_dir, "ca.pem"))
    v2_cycle(v2_service(tls_sim.port, method, sign, tls_ca=True))


@pytest.mark.parametrize("method,sign", [("GET", "HmacSHA1"), ("POST", "HmacSHA256")])
def test_qcloudapi_http(sim, sim_server, method, sign):
    v2_cycle(v2_service(sim_server.port, method, sign))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_qcloudapi_wrong_secret(sim, sim_server, method):
    r = json.loads(v2_service(sim_server.port, method, "HmacSHA256", key="nope").call(
        "DescribeNetworkInterfaces", {}))
    assert r["code"] == 4100 and r["codeDesc"] == "AuthFailure.SignatureFailure"
