# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection options every tencent.qcloud module takes; mirrors
    # plugins/module_utils/_module.py CONNECTION_ARGUMENT_SPEC.
    DOCUMENTATION = r"""
options:
  secret_id:
    description:
      - The SecretId of a Tencent Cloud API key.
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_ID) is used.
      - O(secret_id) and O(secret_key) are used together; the first source that has both wins.
    type: str
  secret_key:
    description:
      - The SecretKey that belongs to O(secret_id).
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_KEY) is used.
      - Never shown in results, warnings or logs.
    type: str
  security_token:
    description:
      - The token of temporary credentials (from STS or a CVM role).
      - If not set, the environment variable E(TENCENTCLOUD_SECURITY_TOKEN) or E(TENCENTCLOUD_TOKEN) is used,
        when the keys also come from the environment.
    type: str
  region:
    description:
      - The Tencent Cloud region, for example V(ap-guangzhou).
      - If not set, the environment variable E(TENCENTCLOUD_REGION) is used. The module fails before any call when neither is set.
    type: str
  api_version:
    description:
      - The wire protocol.
      - V(3.0) is Tencent Cloud API 3.0 (JSON, TC3-HMAC-SHA256 signatures), the live API.
      - V(2.0) is the legacy API 2.0 (form parameters, HmacSHA256 signatures), which Tencent is retiring;
        use it only for accounts that still have it.
    type: str
    choices: ["3.0", "2.0"]
    default: "3.0"
  api_endpoint:
    description:
      - Base URL of the API, for a regional or private endpoint or a simulator.
      - Defaults to V(https://vpc.tencentcloudapi.com) for API 3.0 and V(https://vpc.api.qcloud.com) for API 2.0
        (the path V(/v2/index.php) is added for API 2.0).
      - An V(http://) URL works but draws a warning, as requests then travel unencrypted.
    type: str
  ca_bundle:
    description:
      - Path to a PEM file of CA certificates used to verify the endpoint's TLS certificate.
    type: path
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate. Set V(false) only for a test endpoint.
    type: bool
    default: true
  api_timeout:
    description:
      - Seconds to wait for each HTTP answer.
    type: float
    default: 30
  api_retries:
    description:
      - How many times one API call is retried after throttling, a busy resource, an HTTP 5xx answer,
        an unreadable answer or a network error, with capped, jittered exponential backoff.
      - Quota, authentication and validation errors are never retried.
    type: int
    default: 5
notes:
  - Cloud modules call the API from the machine that runs them; run them on V(localhost)
    or with C(delegate_to: localhost).
  - All modules of this collection are in the action group C(group/tencent.qcloud.qcloud), so
    C(module_defaults) can set these options once for a play.
requirements:
  - requests
"""
