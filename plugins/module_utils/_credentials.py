# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where the keys and the region come from: module options first, then the environment.

The first complete source wins and is named in the result (never the keys themselves).
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, Tuple

from ansible_collections.tencent.qcloud.plugins.module_utils._client import Credentials
from ansible_collections.tencent.qcloud.plugins.module_utils._errors import QcloudError

ENV_SECRET_ID = "TENCENTCLOUD_SECRET_ID"
ENV_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY"
ENV_TOKENS = ("TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_TOKEN")
ENV_REGION = "TENCENTCLOUD_REGION"


def _first_env(environ: Mapping[str, str], names: Tuple[str, ...]) -> Optional[str]:
    for name in names:
        if environ.get(name):
            return environ[name]
    return None


def resolve_credentials(params: Mapping[str, object], environ: Optional[Mapping[str, str]] = None) -> Credentials:
    environ = os.environ if environ is None else environ
    secret_id, secret_key = params.get("secret_id"), params.get("secret_key")
    if secret_id and secret_key:
        return Credentials(str(secret_id), str(secret_key), params.get("security_token") or None, "module options")
    if secret_id or secret_key:
        missing = "secret_key" if secret_id else "secret_id"
        raise QcloudError("Only half of a key pair was given in the module options: set %s too." % missing)
    env_id, env_key = environ.get(ENV_SECRET_ID), environ.get(ENV_SECRET_KEY)
    if env_id and env_key:
        token = params.get("security_token") or _first_env(environ, ENV_TOKENS)
        return Credentials(env_id, env_key, token or None, "environment (%s)" % ENV_SECRET_ID)
    if env_id or env_key:
        missing = ENV_SECRET_KEY if env_id else ENV_SECRET_ID
        raise QcloudError("Only half of a key pair is in the environment: set %s too." % missing)
    raise QcloudError(
        "No Tencent Cloud credentials found: set secret_id and secret_key, or the environment variables "
        "%s and %s." % (ENV_SECRET_ID, ENV_SECRET_KEY)
    )


def resolve_region(params: Mapping[str, object], environ: Optional[Mapping[str, str]] = None) -> str:
    environ = os.environ if environ is None else environ
    region = params.get("region") or environ.get(ENV_REGION)
    if not region:
        raise QcloudError("No region given: set region (for example ap-guangzhou) or the environment variable %s." % ENV_REGION)
    return str(region)
