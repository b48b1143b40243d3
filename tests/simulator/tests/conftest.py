import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SIM_ROOT = os.path.dirname(HERE)
if SIM_ROOT not in sys.path:
    sys.path.insert(0, SIM_ROOT)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from qcloud_sim.core import Simulator  # noqa: E402
from qcloud_sim.server import start_in_thread  # noqa: E402
from simclient import SimClient  # noqa: E402

TASK_SECONDS = 0.2


@pytest.fixture(scope="session")
def sim_server():
    """A simulator on a free loopback port (plain HTTP), in a thread."""
    sim = Simulator(task_seconds=TASK_SECONDS, rate_limits=False)
    server = start_in_thread(sim)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def metadata_server(sim_server):
    """A plain-HTTP metadata listener (like --metadata-port) sharing sim_server's simulator."""
    server = start_in_thread(sim_server.sim, metadata_only=True)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory):
    """The same over HTTPS, with a CA generated in a temp dir (server.tls_dir/ca.pem)."""
    tls_dir = str(tmp_path_factory.mktemp("tls"))
    sim = Simulator(task_seconds=TASK_SECONDS, rate_limits=False)
    server = start_in_thread(sim, tls_dir=tls_dir)
    server.tls_dir = tls_dir
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sim(sim_server):
    """The simulator object, reset before each test."""
    sim_server.sim.reset()
    sim_server.sim.signatures.clear()
    return sim_server.sim


@pytest.fixture
def api(sim, sim_server):
    """A raw signed client (both protocols) against the fresh simulator."""
    return SimClient("127.0.0.1", sim_server.port)


@pytest.fixture
def tls_sim(tls_server):
    tls_server.sim.reset()
    return tls_server


def pytest_configure(config):
    # tencentcloud-sdk-python calls datetime.utcfromtimestamp (deprecated on 3.12)
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:tencentcloud.*")
    config.addinivalue_line("markers", "undocumented_ok: the test makes undocumented answers on purpose")


@pytest.fixture(autouse=True)
def no_undocumented_codes(request):
    """Every test fails that made the simulator answer an API 3.0 error code the action does not
    document (qcloud_sim.errors.DOCUMENTED; in strict mode the answer was InternalError)."""
    sims = [request.getfixturevalue(name).sim for name in ("sim_server", "tls_server") if name in request.fixturenames]
    if "sim" in request.fixturenames and not sims:
        sims = [request.getfixturevalue("sim")]
    before = [len(s.undocumented) for s in sims]
    yield
    made = [pair for s, n in zip(sims, before) for pair in s.undocumented[n:]]
    if made and not request.node.get_closest_marker("undocumented_ok"):
        pytest.fail("the simulator answered codes that these actions do not document: %s" % made)
