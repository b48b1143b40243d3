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
import requests.adapters  # noqa: E402

# Imported (and its simulator built) here, once per process: ansible-test runs each test in a
# process forked from this one, so what a test builds itself is built again for every test.
from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures import sim as sim_fixtures  # noqa: E402


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """No test may reach a real socket: every request goes to the in-process simulator (or a fake).

    The refusal is also recorded and fails the test afterwards, since code that treats any
    error as "no answer" (the CVM metadata probe) would otherwise swallow it.
    """
    refused = []

    def refuse(self, *args, **kwargs):
        refused.append((args, kwargs))
        raise AssertionError("a unit test tried to send a real HTTP request: %r %r" % (args, kwargs))

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
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


# ---------------------------------------------------------------- the simulator and the module runner


@pytest.fixture
def clock(monkeypatch):
    """The test's one clock: the clients' sleep and clocks and the simulator's time."""
    from ansible_collections.tencent.qcloud.tests.unit.plugins.fixtures.sim import Clock, use_clock

    the_clock = Clock()
    use_clock(monkeypatch, the_clock)
    return the_clock


@pytest.fixture
def use_session(monkeypatch, clock):
    """``use_session(session)``: every client a module makes (``QcloudModule.client_factory``)
    is the real client, sending through ``session`` on the test's clock (its deadlines too)."""
    from ansible_collections.tencent.qcloud.plugins.module_utils._module import QcloudModule

    real = QcloudModule.client_factory

    def use(session):
        def factory(params, service, region, deadline=None, **kw):
            kw = dict(dict(session=session, sleep=clock.sleep, clock=clock.time, monotonic=clock.monotonic,
                           rng=lambda: 0.5), **kw)
            return real(params, service, region, deadline=deadline, **kw)

        factory.monotonic = clock.monotonic  # the run's deadline is on the test's clock
        factory.session = session  # the metadata service's calls go there too
        monkeypatch.setattr(QcloudModule, "client_factory", staticmethod(factory))

    return use


@pytest.fixture
def bare_sim(clock):
    """The simulator, fresh (default world, tasks of 2 s on the test's clock, no rate limits, no
    metadata service), and ``bare_sim.session``, a requests session to it in-process; the test
    fails if it answered an undocumented error code."""
    simulator = sim_fixtures.SIMULATOR
    simulator.reset()
    simulator.signatures.clear()
    undocumented = len(simulator.undocumented)
    simulator.session = sim_fixtures.SimSession(simulator)
    yield simulator
    assert not simulator.undocumented[undocumented:], "undocumented codes answered: %r" % simulator.undocumented[undocumented:]


@pytest.fixture
def sim(bare_sim, use_session):
    """bare_sim behind every client a module makes."""
    use_session(bare_sim.session)
    return bare_sim


@pytest.fixture
def sim_client(bare_sim, clock):
    """``sim_client(api_version="3.0", region="ap-guangzhou", **kw)``: a QcloudClient with the
    simulator's keys, sending to it in-process, on the test's clock."""
    from ansible_collections.tencent.qcloud.plugins.module_utils._client import Credentials, QcloudClient

    def make(api_version="3.0", region="ap-guangzhou", **kw):
        return QcloudClient(Credentials(bare_sim.secret_id, bare_sim.secret_key, None, "module options"), region,
                            api_version=api_version, session=bare_sim.session, sleep=clock.sleep, clock=clock.time, monotonic=clock.monotonic,
                            rng=lambda: 0.5, **kw)

    return make


class ModuleRun:
    """What one run of a module returned: ``result`` (its JSON), ``raw`` (exit/fail_json's arguments)."""

    def __init__(self, result, raw):
        self.result = result
        self.raw = raw

    @property
    def failed(self):
        return bool(self.result.get("failed"))

    @property
    def msg(self):
        return self.result.get("msg", "")

    @property
    def warnings(self):
        texts = []
        for item in self.result.get("warnings", []):
            if isinstance(item, str):
                texts.append(item)
            else:
                texts.append(item.get("msg") or (item.get("event") or {}).get("msg") or json.dumps(item))
        return texts


@pytest.fixture
def run_module(module_args, monkeypatch, capsys):
    """``run_module(main, defaults, check_mode=False, diff=False, **args)`` runs a module's main()
    with ``defaults`` updated by ``args`` (None: left out) and returns a ModuleRun; the module must
    end exactly once (exit_json or fail_json)."""
    from ansible.module_utils.basic import AnsibleModule
    from ansible.module_utils.common import warnings as ansible_warnings

    monkeypatch.setattr(ansible_warnings, "_global_warnings", type(ansible_warnings._global_warnings)())
    monkeypatch.setattr(ansible_warnings, "_global_deprecations", type(ansible_warnings._global_deprecations)())
    raw = []
    for name in ("exit_json", "fail_json"):
        original = getattr(AnsibleModule, name)

        def spy(self, *args, _original=original, **kwargs):
            raw.append(dict(kwargs, _args=args))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(AnsibleModule, name, spy)

    def run(main, defaults, check_mode=False, diff=False, **params):
        args = dict(defaults)
        args.update(params)
        args = {k: v for k, v in args.items() if v is not None}
        if check_mode:
            args["_ansible_check_mode"] = True
        if diff:
            args["_ansible_diff"] = True
        capsys.readouterr()
        with module_args(args):
            with pytest.raises(SystemExit):
                main()
        assert len(raw) == 1, "the module must end exactly once"
        return ModuleRun(json.loads(capsys.readouterr().out), raw.pop())

    return run
