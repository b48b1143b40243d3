# -*- coding: utf-8 -*-
# Copyright (c) tencent.qcloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fixtures of the unit tests.

Runs under ``ansible-test units`` and under plain ``pytest`` from a copy of the
collection at ``.../ansible_collections/tencent/qcloud``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.abspath(os.path.join(_HERE, "..", "..", "..", "..", "..", ".."))
try:
    import importlib

    importlib.import_module("ansible_collections.tencent.qcloud.plugins.module_utils._client")
except ImportError:  # plain pytest: make the copy's ansible_collections importable
    if os.path.isdir(os.path.join(_ROOT, "ansible_collections", "tencent", "qcloud")):
        sys.path.insert(0, _ROOT)

import pytest  # noqa: E402
import requests  # noqa: E402


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """No test may reach a real socket: every request must go through a fake session.

    The refusal is also recorded and fails the test afterwards, since code that treats any
    error as "no answer" (the CVM metadata probe) would otherwise swallow it.
    """
    refused = []

    def refuse(self, *args, **kwargs):
        refused.append((args, kwargs))
        raise AssertionError("a unit test tried to send a real HTTP request: %r %r" % (args, kwargs))

    monkeypatch.setattr(requests.Session, "request", refuse)
    yield
    assert not refused, "a unit test tried to send a real HTTP request: %r" % (refused,)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """The machine's own Tencent Cloud settings must not leak into a test."""
    for name in list(os.environ):
        if name.startswith("TENCENTCLOUD_") or name.startswith("TCCLI_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_machine_credentials(monkeypatch, tmp_path_factory):
    """Nor may the machine's own tccli profiles, SDK credentials files or metadata service: HOME
    is an empty directory, /etc/tencentcloud/credentials is looked for under it, and the CVM
    metadata service does not answer (a test passes a fake ``session`` to have one)."""
    from ansible_collections.tencent.qcloud.plugins.module_utils import _credentials

    class NoMetadataService:
        @staticmethod
        def get(url, *args, **kwargs):
            raise requests.exceptions.ConnectionError("no metadata service in unit tests (%s)" % url)

    monkeypatch.setattr(_credentials, "requests", NoMetadataService)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(_credentials, "SDK_FILES", ("~/.tencentcloud/credentials", str(home / "etc-tencentcloud-credentials")))
    return home


def _patch_module_args_legacy(args):
    """ansible-core < 2.19: feed the arguments through ``basic._ANSIBLE_ARGS``."""
    from unittest import mock

    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    return mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args})))


@pytest.fixture
def module_args():
    """``with module_args({...}):`` exposes module arguments, whatever the ansible-core version."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:
        patch_module_args = None

    @contextlib.contextmanager
    def feed(args):
        if patch_module_args is not None:
            with patch_module_args(args):
                yield
        else:
            with _patch_module_args_legacy(args):
                yield

    return feed
