"""The metadata service's network paths (Tencent's "Querying Instance Metadata"), from the live world:
an ENI attached or an address assigned through the VPC API shows at once."""
import http.client

import pytest

NET = "/latest/meta-data/network/interfaces/macs/"


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode()
    finally:
        c.close()


def primary_ip(eni):
    return [a["PrivateIpAddress"] for a in eni["PrivateIpAddressSet"] if a["Primary"]][0]


def text(port, path):
    status, body = get(port, path)
    assert status == 200, (path, status, body)
    return body


@pytest.fixture(params=["main", "listener"])
def mport(request, sim, sim_server):
    if request.param == "main":
        return sim_server.port
    return request.getfixturevalue("metadata_server").port


def test_instance_and_primary_eni(api, mport):
    eni = api.eni("eni-prim0001")
    mac = eni["MacAddress"].lower()
    assert text(mport, "/latest/meta-data/instance-id") == "ins-run00001"
    assert text(mport, "/latest/meta-data/mac") == mac
    assert text(mport, "/latest/meta-data/local-ipv4") == primary_ip(eni)
    assert text(mport, "/latest/meta-data/placement/zone") == "ap-guangzhou-3"
    assert text(mport, NET) == mac + "/"
    assert text(mport, NET.rstrip("/")) == mac + "/"  # the trailing slash is optional
    base = NET + mac + "/"
    listed = set(text(mport, base).splitlines())
    assert listed == {"mac", "primary-local-ipv4", "vpc-id", "subnet-id", "local-ipv4s/", "public-ipv4s"}
    assert text(mport, base + "vpc-id") == "vpc-gz000001"
    assert text(mport, base + "subnet-id") == "subnet-gz3a0001"
    assert text(mport, base + "local-ipv4s/") == primary_ip(eni) + "/"
    leaf = base + "local-ipv4s/%s/" % primary_ip(eni)
    assert text(mport, leaf + "gateway") == "10.0.1.1"
    assert text(mport, leaf + "subnet-mask") == "255.255.255.0"
    assert text(mport, leaf + "public-ipv4") == "203.0.113.11"
    # MACs in any case; unknown paths are 404
    assert text(mport, NET + mac.upper() + "/vpc-id") == "vpc-gz000001"
    assert get(mport, NET + "20:90:6f:ff:ff:ff/vpc-id")[0] == 404
    assert get(mport, base + "local-ipv4s/10.9.9.9/gateway")[0] == 404
    assert get(mport, base + "vpc-id/more")[0] == 404


def test_attach_and_assign_show_in_the_metadata(api, mport):
    free = api.eni("eni-free0001")
    mac = free["MacAddress"].lower()
    assert mac not in text(mport, NET)
    params = {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"}
    api.wait_task(api.v3("AttachNetworkInterface", params)["RequestId"])
    macs = text(mport, NET).splitlines()
    assert macs[0] == api.eni("eni-prim0001")["MacAddress"].lower() + "/" and macs[1] == mac + "/"
    assert text(mport, NET + mac + "/primary-local-ipv4") == primary_ip(free)
    assert get(mport, NET + mac + "/local-ipv4s/%s/public-ipv4" % primary_ip(free))[0] == 404
    r = api.v3("AssignPrivateIpAddresses", {"NetworkInterfaceId": "eni-free0001",
                                            "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.77"}]})
    api.wait_task(r["RequestId"])
    assert text(mport, NET + mac + "/local-ipv4s/").splitlines() == [primary_ip(free) + "/", "10.0.1.77/"]
    assert text(mport, NET + mac + "/local-ipv4s/10.0.1.77/gateway") == "10.0.1.1"
    params = {"NetworkInterfaceId": "eni-free0001", "InstanceId": "ins-run00001"}
    api.wait_task(api.v3("DetachNetworkInterface", params)["RequestId"])
    assert mac not in text(mport, NET)


def test_metadata_instance_config(api, mport):
    api.ok("POST", "config", {"metadata_instance": "ins-run00002"})
    assert text(mport, "/latest/meta-data/instance-id") == "ins-run00002"
    assert len(text(mport, NET).splitlines()) == 2  # eni-prim0002 and eni-held0001
    api.ok("POST", "config", {"metadata_instance": None})
    assert get(mport, NET)[0] == 404
    assert get(mport, "/latest/meta-data/mac")[0] == 404
    assert api.ctl("POST", "config", {"metadata_instance": "eni-x"})[0] == 400
    log = api.ok("GET", "requests")["requests"]
    assert {(e["action"], e["outcome"]) for e in log if e["protocol"] == "metadata"} == {
        ("MetadataNetwork", "Success"), ("MetadataNetwork", "NotFound")}
