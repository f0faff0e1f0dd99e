"""Validation on a Dask cluster (`validate --scheduler`): the single-graph results, the same cache.

Two local worker processes on loopback stand in for a cluster. The reference is
the one-graph executor (an independent path: no units, no Dask; pySHACL against
pyshacl-turbo on that path is tests/test_validation_paths.py's); the local units
executor is compared too, report for report, cache for cache.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import pactgraph
from pactgraph import resources
from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import joined, whole_graph
from pactgraph.validation.report import result_key

distributed = pytest.importorskip("distributed")

DANGLING = Path(__file__).parent / "fixtures" / "reports" / "fictional-dangling-reference"
#: The fixture's own `# expect:` lines: a per-unit shape (on the workers) and a whole-graph one (here).
CLAIM = "pgr:claim-fictional-courier-2026-02-03-01"
EXPECTED = {("pgsh:Claim-proposition", CLAIM), ("pgsh:Graph-danglingReference", CLAIM)}


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def keys(report) -> set[tuple[str, ...]]:
    return {result_key(r) for r in report.results}


def fired(report) -> set[tuple[str, str]]:
    return {(r.source_constraint or r.source_shape, r.focus_node) for r in report.results}


def test_shipped_graph_same_as_one_graph_and_the_same_cache_as_local_units(scheduler, tmp_path):
    cache = tmp_path / "cache"
    reference = run(whole_graph(), Executor("single"), engine="pyshacl-turbo")
    on_cluster = pactgraph.validate(scheduler=scheduler, cache=cache)
    assert on_cluster.run_info["executor"] == "dask"
    assert on_cluster.run_info["jobs"] == 2
    assert on_cluster.run_info["units"] > 0 and on_cluster.run_info["cached"] == 0
    assert keys(on_cluster) == keys(reference)
    assert on_cluster.conforms and reference.conforms
    # The local units executor finds every unit in the cache the cluster filled, and reports the same.
    local = pactgraph.validate(executor="units", jobs=1, cache=cache)
    assert local.run_info["executor"] == "units"
    assert local.run_info["cached"] == local.run_info["units"] == on_cluster.run_info["units"]
    assert (local.results, local.triples, local.shapes) == (on_cluster.results, on_cluster.triples, on_cluster.shapes)


def test_grown_graph_with_a_violation_same_as_one_graph(scheduler, tmp_path):
    """The shipped data with a second report whose claim names a proposition that does not exist."""
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    shutil.copytree(DANGLING, data / "reports" / DANGLING.name)
    reference = run(whole_graph(data_dir=data), Executor("single"), engine="pyshacl-turbo")
    on_cluster = pactgraph.validate(data_dir=data, scheduler=scheduler, no_cache=True)
    assert on_cluster.run_info["executor"] == "dask" and on_cluster.run_info["units"] >= 3
    assert EXPECTED <= fired(reference)
    assert keys(on_cluster) == keys(reference)
    assert not on_cluster.conforms


def test_joined_report_through_the_command_line(scheduler, tmp_path):
    """New files joined with the graph: exit 1, the same results as one graph, FILE:LINE included.

    (`validate` opens no network connection but to the scheduler it is given: a process of its own.)"""
    new = [DANGLING / "report.ttl"]
    reference = run(joined(new), Executor("single"), engine="pyshacl-turbo")
    result = _pactgraph(
        "validate", str(new[0]), "--scheduler", scheduler, "--cache", str(tmp_path / "cache"), "--format", "json"
    )
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["results"]
    assert {(r["sourceConstraint"] or r["sourceShape"], r["focusNode"]) for r in found} == fired(reference)
    assert EXPECTED <= fired(reference)
    assert sorted(r["location"] for r in found) == sorted(r.location for r in reference.results)


def test_scheduler_from_the_config_file(scheduler, tmp_path):
    config = tmp_path / "pactgraph.toml"
    config.write_text(f'[validate]\nscheduler = "{scheduler}"\ncache = "cache"\n', encoding="utf-8")
    report = pactgraph.validate(config=config)
    assert report.run_info["executor"] == "dask"
    assert report.conforms
    assert any((tmp_path / "cache").rglob("*.json")), "the cache of the config file holds the units' results"


def _pactgraph(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m pactgraph ARGS` in a process of its own, with a Dask connect timeout of 2 s."""
    return subprocess.run(
        [sys.executable, "-m", "pactgraph", *args], capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_scheduler_out_of_reach_is_one_line_and_exit_two():
    """Nothing listens at the address: after Dask's connect timeout (2 s here), one line naming it."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    done = _pactgraph("validate", "--scheduler", address)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert address in lines[0] and "--scheduler" in lines[0] and "dask scheduler" in lines[0]
    assert done.stdout == ""


def test_without_distributed_installed_one_line_and_exit_two(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = cli("validate", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "pactgraph: error: --scheduler tcp://127.0.0.1:8786: the distributed package is not installed: "
        "pip install 'pactgraph[cluster]', or leave out --scheduler and validate.scheduler"
    ]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--scheduler", "tcp://127.0.0.1:8786", "--jobs", "2"], "--jobs counts local processes"),
        (["--scheduler", "tcp://127.0.0.1:8786", "--focus", "pgr:turkey"], "leave out --scheduler"),
        (["--scheduler", "no-port"], "not the address of a Dask scheduler"),
    ],
)
def test_scheduler_options_that_cannot_be_honoured_are_exit_two(cli, extra, message):
    result = cli("validate", *extra)
    assert result.exit_code == 2
    assert message in result.output
