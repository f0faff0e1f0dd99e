"""A local load is all or nothing: `pactgraph load --store` killed at any of its steps leaves the old or the new store.

The store holds the shipped entities file and two larger N-Triples files; the new
content changes all three. The load is killed with SIGKILL at each checkpoint of
pactgraph.stores.disk (after copying the database, between removing a graph and
loading it again, with the next generation written but not switched to, and just
after the switch); `pactgraph query --store` must then answer exactly as the old
files or exactly as the new files say — counted per graph from the files
themselves — and the next load must finish the job. A first load killed midway
leaves a folder that `load` recognises and starts again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PER_GRAPH = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
)


def _big(path: Path, triples: int, version: str) -> None:
    lines = [
        f'<https://example.org/{path.stem}/{i}> <https://example.org/value> "{version}-{i}" .'
        for i in range(triples)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _old(folder: Path) -> None:
    shutil.copy(ROOT / "data" / "entities.ttl", folder / "entities.ttl")
    _big(folder / "a-big.nt", 3000, "old")
    _big(folder / "z-big.nt", 3000, "old")


def _new(folder: Path, everything: bool = True) -> None:
    """Change entities.ttl, and with `everything` both big files too."""
    with open(folder / "entities.ttl", "a", encoding="utf-8") as out:
        out.write('\n<https://example.org/new> <https://example.org/value> "new" .\n')
    if everything:
        _big(folder / "a-big.nt", 2500, "new")
        _big(folder / "z-big.nt", 3500, "new")


def expected_counts(folder: Path) -> dict[str, int]:
    """Triples per file, from the files (pyoxigraph's parser, no store), keyed by the file name."""
    import pyoxigraph as ox

    counts = {}
    for path in sorted(folder.iterdir()):
        fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
        counts[path.name] = len(set(ox.parse(path=str(path), format=fmt)))
    return counts


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pactgraph", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=300, check=False,
    )


def stored_counts(store: Path) -> dict[str, int]:
    """Triples per graph in the store, keyed by the file name the graph came from."""
    answer = run("query", PER_GRAPH, "--store", str(store), "-f", "csv")
    assert answer.returncode == 0, answer.stderr
    counts = {}
    for line in answer.stdout.splitlines()[1:]:
        graph, count = line.rsplit(",", 1)
        counts[graph.rstrip("/").rsplit("/", 1)[-1]] = int(count)
    return counts


def graph_files(counts: dict[str, int]) -> dict[str, int]:
    """Graph names end with the file's stem; key the counts by `a-big`, `entities`, `z-big`."""
    return {name.split(".")[0]: n for name, n in counts.items()}


def kill_at(point: str, args: list[str], tmp_path: Path) -> None:
    pause = tmp_path / f"paused-{point}"
    process = subprocess.Popen(
        [sys.executable, "-m", "pactgraph", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PACTGRAPH_PAUSE_AT": point, "PACTGRAPH_PAUSE_FILE": str(pause)},
    )
    deadline = time.monotonic() + 120
    while not pause.exists():
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode} before {point}: {process.stderr.read().decode()}")
        assert time.monotonic() < deadline, f"the load never reached {point}"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert process.stderr is not None
    process.stderr.close()


@pytest.mark.parametrize(
    "everything, point, outcome",
    [
        # Most of the store changes: the next generation is bulk-loaded from what stays and the files.
        (True, "load-copied", "old"),
        (True, "load-staged", "old"),
        (True, "load-switched", "new"),
        # One small file changes: the next generation is a copy of the database, its graph replaced.
        (False, "load-copied", "old"),
        (False, "load-graph-removed", "old"),
        (False, "load-staged", "old"),
        (False, "load-switched", "new"),
    ],
)
def test_a_reload_killed_at_any_step_leaves_the_old_or_the_new_store(tmp_path, everything, point, outcome):
    source = tmp_path / "source"
    source.mkdir()
    _old(source)
    old = graph_files(expected_counts(source))
    store = tmp_path / "store"
    first = run("load", str(source), "--store", str(store))
    assert first.returncode == 0, first.stderr
    assert graph_files(stored_counts(store)) == old
    _new(source, everything)
    new = graph_files(expected_counts(source))
    changed = {name for name in new if new[name] != old[name]}
    assert changed == ({"a-big", "entities", "z-big"} if everything else {"entities"})
    kill_at(point, ["load", "--store", str(store)], tmp_path)
    assert graph_files(stored_counts(store)) == (old if outcome == "old" else new)
    again = run("load", "--store", str(store))
    assert again.returncode == 0, again.stderr
    assert graph_files(stored_counts(store)) == new
    generations = {p.name for p in store.iterdir() if p.name.startswith("generation-")}
    # The current generation and the one before it (kept for endpoints that opened it); the killed run's are gone.
    assert generations == {os.readlink(store / "store"), os.readlink(store / "previous")}


def test_a_first_load_killed_midway_is_recognised_and_started_again(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    _old(source)
    store = tmp_path / "store"
    kill_at("load-staged", ["load", str(source), "--store", str(store)], tmp_path)
    query = run("query", "ASK { ?s ?p ?o }", "--store", str(store))
    assert query.returncode == 2 and f"create it with `pactgraph load --store {store}`" in query.stderr
    again = run("load", str(source), "--store", str(store))
    assert again.returncode == 0, again.stderr
    assert graph_files(stored_counts(store)) == graph_files(expected_counts(source))


def test_a_folder_that_is_not_a_store_is_still_refused(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "notes.txt").write_text("mine\n", encoding="utf-8")
    refused = run("load", str(ROOT / "data" / "entities.ttl"), "--store", str(store))
    assert refused.returncode == 2 and "exists and is not a pactgraph store" in refused.stderr
    assert [p.name for p in store.iterdir()] == ["notes.txt"]  # untouched, nothing added


def test_a_syntax_error_changes_nothing(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    _old(source)
    store = tmp_path / "store"
    assert run("load", str(source), "--store", str(store)).returncode == 0
    old = stored_counts(store)
    _new(source)
    with open(source / "z-big.nt", "a", encoding="utf-8") as out:
        out.write("<https://example.org/broken> <https://example.org/value> .\n")
    failed = run("load", "--store", str(store))
    assert failed.returncode == 2 and "z-big.nt" in failed.stderr
    assert stored_counts(store) == old  # a-big.nt and entities.ttl, loaded before, are not half in
    assert [p.name for p in store.iterdir() if p.name.startswith("generation-")] == [os.readlink(store / "store")]


def test_a_store_a_writable_endpoint_serves_is_not_loaded_under_it(tmp_path):
    """The endpoint writes into the current generation: a load would switch away from its writes."""
    from pactgraph.serving.server import start_endpoint
    from pactgraph.stores.disk import DiskStore

    source = tmp_path / "source"
    source.mkdir()
    _old(source)
    store = tmp_path / "store"
    assert run("load", str(source), "--store", str(store)).returncode == 0
    _new(source)
    endpoint = start_endpoint(DiskStore(store).database, writable=True, log=None)
    try:
        refused = run("load", "--store", str(store))
    finally:
        endpoint.stop()
    assert refused.returncode == 2 and "is a writable endpoint serving it?" in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert graph_files(stored_counts(store)) != graph_files(expected_counts(source))
    again = run("load", "--store", str(store))  # once the endpoint has stopped
    assert again.returncode == 0, again.stderr
    assert graph_files(stored_counts(store)) == graph_files(expected_counts(source))
