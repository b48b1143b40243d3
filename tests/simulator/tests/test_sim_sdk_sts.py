"""Conformance: tencentcloud-sdk-python's STS client and credential providers against the simulator.

* StsClient.AssumeRole over HTTPS (TC3 with scope `sts`, and HmacSHA256), then VpcClient with the
  temporary key and its token.
* STSAssumeRoleCredential (its endpoint is an argument; it always uses HTTPS and certifi's CA
  bundle, so the test points certifi at the simulator's CA).
* CVMRoleCredential: the SDK has no public option for the metadata address; the test sets the
  instance's `_role_endpoint` to the simulator's plain-HTTP metadata listener.
"""
import json
import time

import pytest

pytest.importorskip("tencentcloud.common")
sts_mod = pytest.importorskip("tencentcloud.sts.v20180813.sts_client")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.sts.v20180813 import models as sts_models  # noqa: E402
from tencentcloud.vpc.v20170312 import models, vpc_client  # noqa: E402

from qcloud_sim import default_world as dw  # noqa: E402
from simclient import SID, SKEY  # noqa: E402

ROLES = "/latest/meta-data/cam/security-credentials/"


def profile(port, ca, sign="TC3-HMAC-SHA256", scheme="https"):
    hp = HttpProfile(protocol=scheme, endpoint="127.0.0.1:%d" % port, reqTimeout=10, certification=ca)
    return ClientProfile(httpProfile=hp, signMethod=sign)


def sts_client(port, ca, sign="TC3-HMAC-SHA256", sid=SID, key=SKEY):
    return sts_mod.StsClient(credential.Credential(sid, key), "ap-guangzhou", profile(port, ca, sign))


def assume(client, arn=dw.DEPLOYER_ROLE_ARN, **kw):
    req = sts_models.AssumeRoleRequest()
    req.from_json_string(json.dumps(dict({"RoleArn": arn, "RoleSessionName": "sdk-test"}, **kw)))
    return client.AssumeRole(req)


def describe(cred, port, ca=None, scheme="https"):
    c = vpc_client.VpcClient(cred, "ap-guangzhou", profile(port, ca, scheme=scheme))
    req = models.DescribeNetworkInterfacesRequest()
    req.from_json_string(json.dumps({"NetworkInterfaceIds": ["eni-held0001"]}))
    return c.DescribeNetworkInterfaces(req)


@pytest.mark.parametrize("sign", ["TC3-HMAC-SHA256", "HmacSHA256"])
def test_sdk_assume_role_then_vpc_with_token(tls_sim, sign):
    ca = tls_sim.tls_dir + "/ca.pem"
    r = assume(sts_client(tls_sim.port, ca, sign), DurationSeconds=1800)
    assert r.Credentials.TmpSecretId.startswith("AKID") and r.Credentials.Token
    assert abs(r.ExpiredTime - (time.time() + 1800)) < 3 and r.Expiration.endswith("Z")
    cred = credential.Credential(r.Credentials.TmpSecretId, r.Credentials.TmpSecretKey,
                                 r.Credentials.Token)
    d = describe(cred, tls_sim.port, ca)
    assert d.TotalCount == 1 and d.NetworkInterfaceSet[0].Attachment.InstanceId == "ins-run00002"
    # without the token the key is refused
    with pytest.raises(TencentCloudSDKException) as e:
        describe(credential.Credential(r.Credentials.TmpSecretId, r.Credentials.TmpSecretKey),
                 tls_sim.port, ca)
    assert e.value.get_code() == "AuthFailure.TokenFailure"


def test_sdk_assume_role_errors(tls_sim):
    ca = tls_sim.tls_dir + "/ca.pem"
    c = sts_client(tls_sim.port, ca)
    for arn, expected in ((dw.AUDITOR_ROLE_ARN, "UnauthorizedOperation"),
                          ("qcs::cam::uin/100000000001:roleName/nobody", "ResourceNotFound.RoleNotFound")):
        with pytest.raises(TencentCloudSDKException) as e:
            assume(c, arn)
        assert e.value.get_code() == expected
    with pytest.raises(TencentCloudSDKException) as e:
        assume(c, DurationSeconds=50000)
    assert e.value.get_code() == "InvalidParameter.OverTimeError"


def test_sdk_expired_temporary_key(tls_sim):
    ca = tls_sim.tls_dir + "/ca.pem"
    tls_sim.sim.set_config({"sts_duration_cap": 1})
    r = assume(sts_client(tls_sim.port, ca))
    cred = credential.Credential(r.Credentials.TmpSecretId, r.Credentials.TmpSecretKey,
                                 r.Credentials.Token)
    assert describe(cred, tls_sim.port, ca).TotalCount == 1
    while time.time() <= r.ExpiredTime + 0.05:
        time.sleep(0.1)
    with pytest.raises(TencentCloudSDKException) as e:
        describe(cred, tls_sim.port, ca)
    assert e.value.get_code() == "AuthFailure.TokenFailure"


def test_sdk_sts_assume_role_credential(tls_sim, monkeypatch):
    ca = tls_sim.tls_dir + "/ca.pem"
    import tencentcloud.common.http.request as sdk_request
    monkeypatch.setattr(sdk_request.certifi, "where", lambda: ca)
    cred = credential.STSAssumeRoleCredential(SID, SKEY, dw.DEPLOYER_ROLE_ARN, "sdk-provider",
                                              endpoint="127.0.0.1:%d" % tls_sim.port)
    assert cred.secret_id.startswith("AKID")
    assert describe(cred, tls_sim.port, ca).TotalCount == 1
    log = tls_sim.sim.request_log()
    assert [e["action"] for e in log] == ["AssumeRole", "DescribeNetworkInterfaces"]


def test_sdk_cvm_role_credential(sim, sim_server, metadata_server):
    cred = credential.CVMRoleCredential()
    # no public option for the address in the SDK: point the instance at the listener
    cred._role_endpoint = "http://127.0.0.1:%d%s" % (metadata_server.port, ROLES)
    assert cred.get_role_name() == dw.DEFAULT_METADATA_ROLE
    sid, key, token = cred.get_credential_info()
    assert sid.startswith("AKID") and key and token
    assert describe(cred, sim_server.port, scheme="http").TotalCount == 1
    actions = [(e["protocol"], e["action"]) for e in sim.request_log()]
    assert actions == [("metadata", "MetadataRoleName"), ("metadata", "MetadataCredentials"),
                       ("3.0", "DescribeNetworkInterfaces")]
    # the SDK refreshes within 300 s of ExpiredTime: a short ttl makes it fetch every time
    sim.set_config({"metadata_ttl": 60})
    cred2 = credential.CVMRoleCredential(dw.DEFAULT_METADATA_ROLE)
    cred2._role_endpoint = cred._role_endpoint
    first = cred2.secret_id
    assert cred2.secret_id != first
