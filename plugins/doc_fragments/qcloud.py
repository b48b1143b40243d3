# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Two literal texts, one per kind of plugin, as amazon.aws does (common.modules / common.plugins).
    # DOCUMENTATION (tencent.qcloud.qcloud): the connection options every module takes, as
    # plugins/module_utils/_module.py CONNECTION_ARGUMENT_SPEC declares them (validate-modules compares).
    # PLUGINS (tencent.qcloud.qcloud.plugins): the same options as the inventory plugin reads them
    # (CONNECTION_OPTIONS in plugins/inventory/qcloud_cvm.py): API 3.0 only, so no api_version; nothing
    # in a plugin waits; variables as env entries. tests/unit/plugins/test_docs.py keeps them in step.
    DOCUMENTATION = r"""
options:
  secret_id:
    description:
      - The SecretId of a Tencent Cloud API key.
      - If not set, the environment variable E(TENCENTCLOUD_SECRET_ID) is used.
      - O(secret_id) and O(secret_key) go together. Giving one without the other fails before any call, even when the
        environment holds complete keys (they might belong to another account). Neither goes with O(profile).
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
      - It goes with keys from the module options or the environment; with keys from any other source it fails before any call.
    type: str
  region:
    description:
      - The Tencent Cloud region, for example V(ap-guangzhou).
      - If not set, the environment variable E(TENCENTCLOUD_REGION) is used, then the region of the tccli profile
        (C(_sys_param.region) in C(~/.tccli/<profile>.configure); the profile is O(profile), else E(TENCENTCLOUD_PROFILE)
        or E(TCCLI_PROFILE), else V(default)). The module fails before any call when none of them gives a region.
    type: str
  api_version:
    description:
      - The wire protocol.
      - V(3.0) is Tencent Cloud API 3.0 (JSON, TC3-HMAC-SHA256 signatures), the live API.
      - V(2.0) is the legacy API 2.0 (form parameters, HmacSHA256 signatures), which Tencent is retiring;
        use it only for accounts that still have it.
      - Not every module speaks API 2.0; a module that does not says so in its own text of this option, and fails
        before any call with V(2.0).
    type: str
    choices: ["3.0", "2.0"]
    default: "3.0"
  api_endpoint:
    description:
      - Base URL of the API, for a regional or private endpoint or a simulator.
      - Other services (CVM, Tag) are called beside a Tencent host (V(vpc.ap-guangzhou.tencentcloudapi.com) gives
        V(cvm.ap-guangzhou.tencentcloudapi.com)); any other URL must serve every service, as a proxy or the simulator does.
      - Defaults to V(https://vpc.tencentcloudapi.com) for API 3.0 and V(https://vpc.api.qcloud.com) for API 2.0
        (the path V(/v2/index.php) is added for API 2.0).
      - An V(http://) URL works but draws a warning, as requests then travel unencrypted.
      - If not set, the environment variable E(TENCENTCLOUD_API_ENDPOINT) is used.
    type: str
  ca_bundle:
    description:
      - Path to a PEM file of CA certificates used to verify the endpoint's TLS certificate.
      - If not set, the environment variable E(TENCENTCLOUD_CA_BUNDLE) is used, else the system's CA certificates
        (or the file that E(REQUESTS_CA_BUNDLE) names).
    type: path
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate. Set V(false) only for a test endpoint.
    type: bool
    default: true
  api_timeout:
    description:
      - Seconds to wait for each HTTP answer (one attempt of one call).
    type: float
    default: 30
  api_retries:
    description:
      - How many times one API call is retried after throttling, an HTTP 5xx answer, an unreadable answer or a network
        error, with capped, jittered exponential backoff.
      - A busy resource (another task runs on the ENI or the instance) is not counted here; a module that waits waits it
        out, with the same backoff, until its own deadline (its wait option says which), after which no retry starts.
      - Quota, authentication and validation errors are never retried.
    type: int
    default: 5
  profile:
    description:
      - The tccli profile to read keys (C(~/.tccli/<profile>.credential)) and region (C(~/.tccli/<profile>.configure)) from.
      - If not set, the environment variable E(TENCENTCLOUD_PROFILE) or E(TCCLI_PROFILE) is used, else V(default).
      - A profile named here outranks keys in the environment (as C(--profile) does for tccli), so it works in AWX,
        which injects E(TENCENTCLOUD_SECRET_ID) and E(TENCENTCLOUD_SECRET_KEY); a profile named by the environment does not.
      - A profile named here or in the environment must exist; the V(default) profile is only used when its file exists.
    type: str
  role_arn:
    description:
      - Assume this CAM role through STS C(AssumeRole) with the keys found, and use its temporary keys,
        like V(qcs::cam::uin/100000000001:roleName/ansible-deployer).
      - If not set, the environment variable E(TENCENTCLOUD_ROLE_ARN) is used, as tccli does.
    type: str
  role_session_name:
    description:
      - The session name for O(role_arn), as CloudAudit shows it. Defaults to V(ansible-tencent-qcloud).
      - If not set, the environment variable E(TENCENTCLOUD_ROLE_SESSION_NAME) is used (when a role is assumed), then a
        tccli profile's C(role-session-name).
      - Fails before any call when no role is assumed.
    type: str
  role_duration:
    description:
      - Seconds the assumed role's keys are valid; they are renewed before they expire during a long wait.
    type: int
    default: 7200
  sts_endpoint:
    description:
      - Base URL of the STS API used for O(role_arn). Defaults to V(https://sts.tencentcloudapi.com).
      - If not set, the environment variable E(TENCENTCLOUD_STS_ENDPOINT) is used.
    type: str
  metadata_endpoint:
    description:
      - Base URL of the CVM metadata service, which gives the temporary keys of the instance's CAM role.
        Defaults to V(http://metadata.tencentyun.com). Set it to reach a simulator or a proxy.
      - If not set, the environment variable E(TENCENTCLOUD_METADATA_ENDPOINT) is used.
    type: str
notes:
  - "Keys are looked for in this order, the first complete source winning: the module options; the tccli profile named by
    O(profile); the environment (E(TENCENTCLOUD_SECRET_ID), E(TENCENTCLOUD_SECRET_KEY), token in E(TENCENTCLOUD_SECURITY_TOKEN)
    or E(TENCENTCLOUD_TOKEN)); the tccli profile named by E(TENCENTCLOUD_PROFILE) or E(TCCLI_PROFILE), else V(default).
    A profile may also name a CVM role (C(\"type\": \"cvm-role\")) or a role to assume (C(role-arn));
    the SDK file C(~/.tencentcloud/credentials), then C(/etc/tencentcloud/credentials) (section C([default]));
    the CAM role of the CVM instance the module runs on (O(metadata_endpoint)). The result's C(credential_source) names the source."
  - The region comes from O(region), then E(TENCENTCLOUD_REGION), then C(_sys_param.region) of the tccli profile's C(.configure) file.
  - Proxies are taken from the standard E(HTTPS_PROXY) and E(NO_PROXY) environment variables.
  - Cloud modules call the API from the machine that runs them, so run them on V(localhost)
    or delegate them to it.
  - All modules of this collection are in the action group C(group/tencent.qcloud.qcloud), so
    C(module_defaults) can set these options once for a play.
requirements:
  - requests
"""

    # The same connection options for plugins (the inventory plugin): written out, not derived.
    PLUGINS = r"""
options:
  secret_id:
    description:
      - The SecretId of a Tencent Cloud API key.
      - O(secret_id) and O(secret_key) go together. Giving one without the other fails before any call, even when the
        environment holds complete keys (they might belong to another account). Neither goes with O(profile).
    type: str
    env:
      - name: TENCENTCLOUD_SECRET_ID
  secret_key:
    description:
      - The SecretKey that belongs to O(secret_id).
      - Never shown in the inventory, warnings or logs.
    type: str
    env:
      - name: TENCENTCLOUD_SECRET_KEY
  security_token:
    description:
      - The token of temporary credentials (from STS or a CVM role).
      - The variables are read when the keys also come from the environment.
      - It goes with keys from the configuration file or the environment; with keys from any other source it fails
        before any call.
    type: str
    env:
      - name: TENCENTCLOUD_SECURITY_TOKEN
      - name: TENCENTCLOUD_TOKEN
  region:
    description:
      - The region where the plugin asks for the list of regions (C(DescribeRegions)) when its O(regions) option is empty,
        and where STS is called for O(role_arn), for example V(ap-guangzhou).
      - If not set, the environment variable E(TENCENTCLOUD_REGION) is used, then the region of the tccli profile
        (C(_sys_param.region) in C(~/.tccli/<profile>.configure)), else V(ap-guangzhou).
        The instances listed are those of the O(regions) option.
    type: str
    env:
      - name: TENCENTCLOUD_REGION
  api_endpoint:
    description:
      - Base URL of the API for the services the plugin calls (CVM, and VPC for network interfaces),
        for a regional or private endpoint or a simulator. By default each service is called at its own host,
        like V(https://cvm.tencentcloudapi.com). A Tencent host gives each service its own host beside it
        (V(cvm.ap-guangzhou.tencentcloudapi.com) gives V(vpc.ap-guangzhou.tencentcloudapi.com));
        any other URL must serve every service, as a proxy or the simulator does.
      - An V(http://) URL works, but requests then travel unencrypted.
    type: str
    env:
      - name: TENCENTCLOUD_API_ENDPOINT
  ca_bundle:
    description:
      - Path to a PEM file of CA certificates used to verify the endpoint's TLS certificate.
      - If not set, the environment variable E(TENCENTCLOUD_CA_BUNDLE) is used, else the system's CA certificates
        (or the file that E(REQUESTS_CA_BUNDLE) names).
    type: path
    env:
      - name: TENCENTCLOUD_CA_BUNDLE
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate. Set V(false) only for a test endpoint.
    type: bool
    default: true
  api_timeout:
    description:
      - Seconds to wait for each HTTP answer (one attempt of one call).
    type: float
    default: 30
  api_retries:
    description:
      - How many times one API call is retried after throttling, an HTTP 5xx answer, an unreadable answer or a network
        error, with capped, jittered exponential backoff.
      - Quota, authentication and validation errors are never retried.
    type: int
    default: 5
  profile:
    description:
      - The tccli profile to read keys (C(~/.tccli/<profile>.credential)) and region (C(~/.tccli/<profile>.configure)) from.
      - If not set, the environment variable E(TENCENTCLOUD_PROFILE) or E(TCCLI_PROFILE) is used, else V(default).
      - A profile named here outranks keys in the environment (as C(--profile) does for tccli), so it works in AWX,
        which injects E(TENCENTCLOUD_SECRET_ID) and E(TENCENTCLOUD_SECRET_KEY); a profile named by the environment does not.
      - A profile named here or in the environment must exist; the V(default) profile is only used when its file exists.
    type: str
    env:
      - name: TENCENTCLOUD_PROFILE
      - name: TCCLI_PROFILE
  role_arn:
    description:
      - Assume this CAM role through STS C(AssumeRole) with the keys found, and use its temporary keys,
        like V(qcs::cam::uin/100000000001:roleName/ansible-deployer).
    type: str
    env:
      - name: TENCENTCLOUD_ROLE_ARN
  role_session_name:
    description:
      - The session name for O(role_arn), as CloudAudit shows it. Defaults to V(ansible-tencent-qcloud).
      - The variable is read when a role is assumed; then a tccli profile's C(role-session-name) is used.
      - Fails before any call when no role is assumed.
    type: str
    env:
      - name: TENCENTCLOUD_ROLE_SESSION_NAME
  role_duration:
    description:
      - Seconds the assumed role's keys are valid.
    type: int
    default: 7200
  sts_endpoint:
    description:
      - Base URL of the STS API used for O(role_arn). Defaults to V(https://sts.tencentcloudapi.com).
    type: str
    env:
      - name: TENCENTCLOUD_STS_ENDPOINT
  metadata_endpoint:
    description:
      - Base URL of the CVM metadata service, which gives the temporary keys of the instance's CAM role.
        Defaults to V(http://metadata.tencentyun.com). Set it to reach a simulator or a proxy.
    type: str
    env:
      - name: TENCENTCLOUD_METADATA_ENDPOINT
notes:
  - "Keys are looked for in this order, the first complete source winning: the configuration file's options; the tccli
    profile named by O(profile); the environment (E(TENCENTCLOUD_SECRET_ID), E(TENCENTCLOUD_SECRET_KEY), token in
    E(TENCENTCLOUD_SECURITY_TOKEN) or E(TENCENTCLOUD_TOKEN)); the tccli profile named by E(TENCENTCLOUD_PROFILE) or
    E(TCCLI_PROFILE), else V(default). A profile may also name a CVM role (C(\"type\": \"cvm-role\")) or a role to assume
    (C(role-arn)); the SDK file C(~/.tencentcloud/credentials), then C(/etc/tencentcloud/credentials) (section C([default]));
    the CAM role of the CVM instance the plugin runs on (O(metadata_endpoint))."
  - Proxies are taken from the standard E(HTTPS_PROXY) and E(NO_PROXY) environment variables.
requirements:
  - requests
"""
