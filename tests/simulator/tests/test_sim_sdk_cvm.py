"""Conformance: Tencent's tencentcloud-sdk-python-cvm against the simulator's CVM service."""
import json
import os
import warnings

import pytest

pytest.importorskip("tencentcloud.cvm")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.cvm.v20170312 import cvm_client, models  # noqa: E402

from simclient import SID, SKEY, TEMP  # noqa: E402


def client(port, scheme="http", sign="TC3-HMAC-SHA256", method="POST", key=SKEY, sid=SID, token=None,
           ca=None, region="ap-guangzhou"):
    hp = HttpProfile(protocol=scheme, endpoint="127.0.0.1:%d" % port, reqMethod=method, reqTimeout=10,
                     certification=ca)
    return cvm_client.CvmClient(credential.Credential(sid, key, token), region,
                                ClientProfile(httpProfile=hp, signMethod=sign))


def req(cls, **kw):
    r = cls()
    r.from_json_string(json.dumps(kw))
    return r


def all_pages(c, limit, **kw):
    """Every instance, page by page, the way an inventory reads them."""
    found, offset = [], 0
    while True:
        r = c.DescribeInstances(req(models.DescribeInstancesRequest, Offset=offset, Limit=limit, **kw))
        found.extend(r.InstanceSet)
        offset += len(r.InstanceSet)
        if not r.InstanceSet or offset >= r.TotalCount:
            return r.TotalCount, found


def cycle(c):
    with warnings.catch_warnings():
        # the SDK warns about fields its models do not know ("... fileds are useless."): none
        warnings.filterwarnings("error", message=".*useless")
        total, found = all_pages(c, 4)
        assert total == 9 and len(found) == 9 and len({i.InstanceId for i in found}) == 9
        ins = c.DescribeInstances(req(models.DescribeInstancesRequest, InstanceIds=["ins-run00001"])).InstanceSet[0]
    assert ins.InstanceName == "web-1" and ins.Placement.Zone == "ap-guangzhou-3"
    assert ins.VirtualPrivateCloud.VpcId == "vpc-gz000001" and ins.VirtualPrivateCloud.SubnetId == "subnet-gz3a0001"
    assert ins.PrivateIpAddresses == ["10.0.1.11"] and ins.PublicIpAddresses == ["203.0.113.11"]
    assert {t.Key: t.Value for t in ins.Tags} == {"env": "prod", "role": "web", "team": "blue"}
    assert ins.InstanceState == "RUNNING" and ins.ImageId == "img-ubuntu22" and ins.SecurityGroupIds
    r = c.DescribeInstances(req(models.DescribeInstancesRequest, Filters=[
        {"Name": "tag:role", "Values": ["web", "db"]}, {"Name": "instance-state", "Values": ["RUNNING"]}],
        Limit=100))
    assert [i.InstanceId for i in r.InstanceSet] == [
        "ins-run00001", "ins-run00002", "ins-run00003", "ins-vpc00002", "ins-full0001"]
    regions = c.DescribeRegions(models.DescribeRegionsRequest())
    assert regions.TotalCount == 3 and [x.Region for x in regions.RegionSet] == ["ap-guangzhou", "ap-shanghai", "ap-beijing"]
    assert all(x.RegionState == "AVAILABLE" and x.RegionName for x in regions.RegionSet)


@pytest.mark.parametrize("sign,method", [("TC3-HMAC-SHA256", "POST"), ("TC3-HMAC-SHA256", "GET"),
                                         ("HmacSHA256", "POST"), ("HmacSHA1", "GET")])
def test_sdk_http(sim, sim_server, sign, method):
    cycle(client(sim_server.port, sign=sign, method=method))


def test_sdk_https(tls_sim):
    cycle(client(tls_sim.port, scheme="https", ca=os.path.join(tls_sim.tls_dir, "ca.pem")))


@pytest.mark.parametrize("filters,code", [
    ([{"Name": "flavour", "Values": ["x"]}], "InvalidFilter"),
    ([{"Name": "instance-id", "Values": ["ins-run0000%d" % i for i in range(1, 7)]}], "InvalidFilterValue.LimitExceeded"),
    ([{"Name": "tag:k%d" % i, "Values": ["v"]} for i in range(11)], "InvalidParameterValue.LimitExceeded"),
    ([{"Name": "zone", "Values": ["ap-beijing-5"]}], "InvalidZone.MismatchRegion"),
])
def test_sdk_filter_errors(sim, sim_server, filters, code):
    with pytest.raises(TencentCloudSDKException) as exc:
        client(sim_server.port).DescribeInstances(req(models.DescribeInstancesRequest, Filters=filters))
    assert exc.value.get_code() == code and exc.value.get_request_id()


def test_sdk_auth_and_region_errors(sim, sim_server):
    for c, code in ((client(sim_server.port, key="not-the-key"), "AuthFailure.SignatureFailure"),
                    (client(sim_server.port, sid=TEMP[0], key=TEMP[1]), "AuthFailure.TokenFailure"),
                    (client(sim_server.port, sid="AKIDNOSUCHKEY000000000000000000000000"), "AuthFailure.SecretIdNotFound"),
                    (client(sim_server.port, region="ap-moon-1"), "UnsupportedRegion")):
        with pytest.raises(TencentCloudSDKException) as exc:
            c.DescribeInstances(models.DescribeInstancesRequest())
        assert exc.value.get_code() == code
    r = client(sim_server.port, sid=TEMP[0], key=TEMP[1], token=TEMP[2]).DescribeInstances(
        models.DescribeInstancesRequest())
    assert r.TotalCount == 9


def test_sdk_large_account_paging(sim, sim_server):
    sim.set_world(__import__("qcloud_sim.worldgen", fromlist=["x"]).world_with_instances(450, regions=3))
    total, found = all_pages(client(sim_server.port, region="ap-shanghai"), 100)
    assert total == 151 and len({i.InstanceId for i in found}) == 151
