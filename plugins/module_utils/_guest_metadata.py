# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the instance metadata service says about this CVM's ENIs (Tencent's "Querying Instance Metadata").

Reads ``latest/meta-data/mac`` (the primary ENI's MAC) and, per MAC under
``network/interfaces/macs/``, its primary address, every private address with its gateway and
subnet mask, its VPC and subnet. Standard library only: this runs on the instance.
A failed read is an error, never an empty answer (a transient error must not remove addresses).
"""

from __future__ import annotations

import ipaddress
import re
import time
import urllib.error
from typing import Any, Dict, List, Optional

from ansible_collections.tencent.qcloud.plugins.module_utils._errors import (
    GUEST_METADATA_BAD,
    GUEST_METADATA_UNREACHABLE,
    QcloudError,
    sentence,
)

# The one default of metadata_endpoint (the credential chain's too: _credentials imports it).
DEFAULT_ENDPOINT = "http://metadata.tencentyun.com"
BASE = "/latest/meta-data/"
MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
# One metadata read never waits longer than this (the service answers on the instance's own host).
READ_TIMEOUT = 5.0


def normal_mac(value: str) -> str:
    """A MAC in Linux's spelling (lower case, colons); the API and the metadata may use upper case."""
    return value.strip().lower().replace("-", ":")


class Metadata:
    """Reads one metadata endpoint; ``deadline`` (time.monotonic) bounds every read."""

    def __init__(self, endpoint: Optional[str], deadline: float) -> None:
        self.endpoint = (endpoint or DEFAULT_ENDPOINT).rstrip("/")
        self.deadline = deadline

    def get(self, path: str) -> Optional[str]:
        """The text at ``path`` under latest/meta-data/, or None when the service says 404."""
        # imported here: every module imports this file through _connection (for DEFAULT_ENDPOINT),
        # and ansible's urls (with its TLS imports) costs each of their runs about 30 ms
        from ansible.module_utils.urls import open_url

        url = self.endpoint + BASE + path
        timeout = max(0.5, min(READ_TIMEOUT, self.deadline - time.monotonic()))
        try:
            # the instance's own link-local service: never through a proxy
            with open_url(url, timeout=timeout, use_proxy=False, follow_redirects="none") as answer:
                return answer.read().decode("utf-8", "replace").strip()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise QcloudError(
                sentence(GUEST_METADATA_BAD, {"endpoint": self.endpoint, "path": path, "reason": "HTTP %d" % exc.code}),
                GUEST_METADATA_BAD,
            )
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise QcloudError(
                sentence(GUEST_METADATA_UNREACHABLE, {"endpoint": self.endpoint, "reason": str(reason)}),
                GUEST_METADATA_UNREACHABLE,
            )

    def need(self, path: str) -> str:
        value = self.get(path)
        if not value:
            raise QcloudError(
                sentence(GUEST_METADATA_BAD, {"endpoint": self.endpoint, "path": path, "reason": "no value"}),
                GUEST_METADATA_BAD,
            )
        return value

    def listing(self, path: str) -> List[str]:
        """A directory listing: one name a line, a trailing slash optional."""
        text = self.get(path)
        return [line.strip().rstrip("/") for line in (text or "").splitlines() if line.strip()]

    def bad(self, path: str, reason: str) -> QcloudError:
        return QcloudError(
            sentence(GUEST_METADATA_BAD, {"endpoint": self.endpoint, "path": path, "reason": reason}), GUEST_METADATA_BAD
        )

    def interface(self, mac: str, listed_as: str) -> Dict[str, Any]:
        """One ENI: mac, primary_ip, addresses (primary first), prefixlen, gateway, subnet (CIDR), vpc_id, subnet_id."""
        base = "network/interfaces/macs/%s/" % listed_as
        primary = self.need(base + "primary-local-ipv4")
        addresses = self.listing(base + "local-ipv4s/")
        if primary not in addresses:
            addresses.insert(0, primary)
        addresses = [primary] + [a for a in addresses if a != primary]
        gateway = self.need(base + "local-ipv4s/%s/gateway" % primary)
        mask = self.need(base + "local-ipv4s/%s/subnet-mask" % primary)
        try:
            for address in addresses + [gateway]:
                ipaddress.IPv4Address(address)
            subnet = ipaddress.IPv4Network("%s/%s" % (primary, mask), strict=False)
        except ValueError as exc:
            raise self.bad(base, str(exc))
        return {
            "mac": mac,
            "primary_ip": primary,
            "addresses": addresses,
            "prefixlen": subnet.prefixlen,
            "subnet": str(subnet),
            "gateway": gateway,
            "vpc_id": self.get(base + "vpc-id"),
            "subnet_id": self.get(base + "subnet-id"),
        }

    def read(self) -> Dict[str, Any]:
        """{'primary_mac': mac, 'interfaces': [ENI, ...] in the service's order}."""
        primary_mac = normal_mac(self.need("mac"))
        listed = self.listing("network/interfaces/macs/")
        if not listed:
            raise self.bad("network/interfaces/macs/", "no MAC listed")
        interfaces = []
        for name in listed:
            mac = normal_mac(name)
            if not MAC_RE.match(mac):
                raise self.bad("network/interfaces/macs/", "%s is not a MAC" % name)
            interfaces.append(self.interface(mac, name))
        return {"primary_mac": primary_mac, "interfaces": interfaces}
