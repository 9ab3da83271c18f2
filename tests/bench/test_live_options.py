"""``bench/run.py --sockets``: the live-latency run needs no big seed and an owner per socket.

Pure argument and count logic, no database, processes or locust (the ``bench`` extra is not
installed in CI, and importing locust would let gevent patch this process).
"""

import argparse
import importlib.util
from pathlib import Path

import pytest

from bench.harness.config import Counts

RUN_PY = Path(__file__).resolve().parents[2] / "bench" / "run.py"


@pytest.fixture(scope="module")
def run_module():
    # bench/run.py is a script, not a package module: load it by path.
    spec = importlib.util.spec_from_file_location("bench_run_script", RUN_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sockets_select_the_live_scenario_on_a_small_seed(run_module):
    args = run_module.arguments(["--sockets", "1,100,1000"])
    assert args.sockets == [1, 100, 1000]
    assert args.scale == run_module.SOCKETS_SCALE < 0.01
    assert args.only == "websocket,memory"


def test_without_sockets_nothing_changes(run_module):
    args = run_module.arguments([])
    assert args.sockets is None and args.scale == 1.0 and args.only == ""
    # An explicit scale and --only win over the --sockets defaults.
    args = run_module.arguments(["--sockets", "5", "--scale", "0.01", "--only", "websocket"])
    assert (args.scale, args.only) == (0.01, "websocket")


@pytest.mark.parametrize("value", ["", "0,10", "ten", "1,-3"])
def test_bad_socket_counts_are_refused(run_module, value):
    with pytest.raises(argparse.ArgumentTypeError):
        run_module._socket_counts(value)


def test_counts_have_an_owner_for_every_socket():
    small = Counts.at(0.002)
    assert small.units < 1000  # the tiny seed alone could not hold 1,000 sockets
    counts = Counts.at(0.002, sockets=1000)
    # prepare() gives sockets to owners (one per unit, relation "owner"): one unit each.
    assert counts.sockets == 1000 and counts.units >= 1000 and counts.owners >= 1000
    assert counts.tickets == small.tickets  # the sockets do not grow the ticket seed
    assert Counts.at(1.0).sockets == 1000 and Counts.at(0.002, sockets=1).units == small.units
