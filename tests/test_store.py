"""Stores: the in-memory default, the on-disk Oxigraph store with its manifest, store settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.query.named_queries import list_queries
from pactgraph.rdf.graph_names import graph_name
from pactgraph.stores.config import read_settings
from pactgraph.rdf.graph_names import GRAPH_BASE
from pactgraph.stores.base import StoreError
from pactgraph.stores.disk import DiskStore
from pactgraph.stores.memory import MemoryStore

SHIPPED_FILES = resources.graph_files()


def _expected_name(path: Path) -> str:
    for folder in (resources.data_dir(), resources.ontology_dir()):
        if folder in path.parents:
            return GRAPH_BASE + path.relative_to(folder).with_suffix("").as_posix()
    raise AssertionError(path)


SHIPPED_GRAPHS = sorted(_expected_name(p) for p in SHIPPED_FILES)
SHIPPED_TRIPLES = len(MemoryStore.shipped().store)


def answers(store, name):
    """A named query's answer as comparable rows (SELECT) or a boolean / sorted triples."""
    query = next(q for q in list_queries() if q.name == name)
    result = store.query(query.text, source=name)
    if result.kind == "select":
        return [tuple(str(t) if t is not None else None for t in row) for row in result.rows]
    return result.boolean if result.kind == "ask" else sorted(map(str, result.triples))


@pytest.fixture(scope="module")
def memory():
    return MemoryStore.shipped()


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    location = tmp_path_factory.mktemp("store") / "db"
    store = DiskStore(location)
    summary = store.sync(None)
    assert len(summary.loaded) == len(SHIPPED_FILES) and summary.triples == SHIPPED_TRIPLES
    store.close()
    return DiskStore(location)


def copy_shipped(target: Path) -> Path:
    """A copy of the shipped ontology and data, to change files without touching the checkout."""
    for folder in ("ontology", "data"):
        shutil.copytree(resources.root() / folder, target / folder)
    return target


# ---------------------------------------------------------------- graph names


def test_shipped_files_get_stable_graph_names(tmp_path):
    names = sorted(graph_name(p) for p in resources.graph_files())
    assert names == SHIPPED_GRAPHS
    assert {GRAPH_BASE + "entities", GRAPH_BASE + "pactgraph", GRAPH_BASE + "vocabularies",
            GRAPH_BASE + "reports/reference-news-2026-01-12/report"} <= set(names)
    other = tmp_path / "extra.ttl"
    assert graph_name(other) == other.resolve().as_uri()


def test_memory_store_has_one_named_graph_per_file(memory):
    assert memory.graphs() == SHIPPED_GRAPHS
    count = memory.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value
    assert int(count) == SHIPPED_TRIPLES > 2000


def test_default_graph_is_the_union_unless_graphs_are_chosen(memory):
    ask = "ASK { ?claim a pg:Claim ; pg:claimant pgr:reference-news . pgr:reference-news a pg:NewsOutlet }"
    assert memory.query(ask).boolean is True
    # Only the report's graph: the outlet's type lives in entities.ttl.
    report_only = [GRAPH_BASE + "reports/reference-news-2026-01-12/report"]
    assert memory.query(ask, default_graph=report_only).boolean is False
    both = report_only + [GRAPH_BASE + "entities", GRAPH_BASE + "pactgraph"]
    assert memory.query(ask, default_graph=both).boolean is True


# ---------------------------------------------------------------- the disk store


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_competency_questions_same_answers_in_memory_and_on_disk(memory, disk, name):
    expected = answers(memory, name)
    assert answers(disk, name) == expected
    # agreeing-claims needs two reports that repeat each other: none on the shipped graph alone
    # (tests/test_claims.py answers it on a grown graph).
    assert expected or name == "agreeing-claims", f"{name} has no answer on the shipped graph"


def test_disk_store_lists_graphs_and_remembers_its_sources(disk):
    assert disk.graphs() == SHIPPED_GRAPHS
    manifest = disk.manifest()
    assert manifest["roots"] is None
    entries = manifest["files"].values()
    assert sorted(e["graph"] for e in entries) == SHIPPED_GRAPHS
    assert all(len(e["sha256"]) == 64 and e["size"] > 0 for e in entries)
    assert sum(e["triples"] for e in entries) == SHIPPED_TRIPLES


def test_second_load_reads_nothing(tmp_path):
    store = DiskStore(tmp_path / "db")
    store.sync(None)
    again = store.sync(None)
    assert again.loaded == [] and len(again.unchanged) == len(SHIPPED_FILES) and again.removed == []


def test_changed_source_is_noticed_and_only_it_is_reloaded(tmp_path, cli):
    src = copy_shipped(tmp_path / "src")
    location = tmp_path / "db"
    result = cli("load", "--store", str(location), str(src / "ontology"), str(src / "data"))
    assert result.exit_code == 0, result.output
    assert f"Loaded {len(SHIPPED_FILES)} files ({SHIPPED_TRIPLES} triples)" in result.output

    entities = src / "data" / "entities.ttl"
    text = entities.read_text(encoding="utf-8")
    entities.write_text(text.replace('"Pakistan"@en', '"Islamic Republic of Pakistan"@en', 1), encoding="utf-8")
    ask = 'ASK { pgr:pakistan rdfs:label "Islamic Republic of Pakistan"@en }'
    stale = cli("query", ask, "--store", str(location))
    assert stale.exit_code == 1  # answered from the stored data
    assert "warning: the store" in stale.output and "1 changed (entities.ttl)" in stale.output

    reload = cli("load", "--store", str(location))
    assert reload.exit_code == 0, reload.output
    assert "Loaded 1 file" in reload.output and f"{len(SHIPPED_FILES) - 1} unchanged" in reload.output
    fresh = cli("query", ask, "--store", str(location))
    assert fresh.exit_code == 0 and "warning" not in fresh.output
    # The graph was replaced whole: the old label is gone, not kept beside the new one.
    old = cli("query", 'ASK { pgr:pakistan rdfs:label "Pakistan"@en }', "--store", str(location))
    assert old.exit_code == 1


def test_touched_but_unchanged_file_is_not_reported(tmp_path):
    src = copy_shipped(tmp_path / "src")
    store = DiskStore(tmp_path / "db")
    store.sync([str(src / "ontology"), str(src / "data")])
    store.close()
    later = time.time() + 5
    os.utime(src / "data" / "entities.ttl", (later, later))
    assert not DiskStore(tmp_path / "db").changes()


def test_new_and_removed_files_add_and_drop_graphs(tmp_path, graph_text):
    src = copy_shipped(tmp_path / "src")
    store = DiskStore(tmp_path / "db")
    store.sync([str(src / "ontology"), str(src / "data")])
    store.close()
    extra = src / "data" / "reports" / "extra" / "report.ttl"
    extra.parent.mkdir(parents=True)
    extra.write_text(graph_text, encoding="utf-8")
    (src / "ontology" / "vocabularies.ttl").unlink()
    reader = DiskStore(tmp_path / "db")
    changes = reader.changes()
    assert changes.added == [str(extra.resolve())]
    assert [Path(p).name for p in changes.removed] == ["vocabularies.ttl"]
    reader.close()
    summary = DiskStore(tmp_path / "db").sync(None)
    assert summary.loaded == [str(extra.resolve())]
    assert [Path(p).name for p in summary.removed] == ["vocabularies.ttl"]
    graphs = DiskStore(tmp_path / "db").graphs()
    assert extra.resolve().as_uri() in graphs
    assert not any(g.endswith("vocabularies") for g in graphs)


def test_syntax_error_in_a_changed_file_keeps_its_old_graph(tmp_path, cli):
    src = copy_shipped(tmp_path / "src")
    location = tmp_path / "db"
    DiskStore(location).sync([str(src / "ontology"), str(src / "data")])
    entities = src / "data" / "entities.ttl"
    entities.write_text(entities.read_text(encoding="utf-8") + "\npgr:broken pg:x .\n", encoding="utf-8")
    result = cli("load", "--store", str(location))
    assert result.exit_code == 2
    assert "entities.ttl:" in result.output and "Traceback" not in result.output
    ask = cli("query", "ASK { pgr:pakistan a pg:SovereignState }", "--store", str(location))
    assert ask.exit_code == 0


def test_reload_on_change_from_the_config_file(tmp_path, cli, monkeypatch):
    src = copy_shipped(tmp_path / "src")
    DiskStore(tmp_path / "db").sync([str(src / "ontology"), str(src / "data")])
    (tmp_path / "pactgraph.toml").write_text('[store]\npath = "db"\non_change = "reload"\n', encoding="utf-8")
    entities = src / "data" / "entities.ttl"
    entities.write_text(entities.read_text(encoding="utf-8").replace('"Pakistan"@en', '"Pakistan (new)"@en', 1))
    monkeypatch.chdir(tmp_path)
    result = cli("query", 'ASK { pgr:pakistan rdfs:label "Pakistan (new)"@en }')
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_directory_that_is_not_a_store(tmp_path, cli):
    result = cli("query", "ASK {}", "--store", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "not a pactgraph store" in result.output and "pactgraph load --store" in result.output
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "file.txt").write_text("x")
    load = cli("load", "--store", str(tmp_path / "full"))
    assert load.exit_code == 2 and "is not a pactgraph store" in load.output


def test_info_and_query_on_the_disk_store(disk, cli):
    info = cli("info", "--store", str(disk.location))
    assert info.exit_code == 0 and f"Triples: {SHIPPED_TRIPLES}" in info.output
    rows = cli("query", "parties-and-date", "--store", str(disk.location), "--format", "csv")
    assert rows.exit_code == 0
    assert rows.output.count("\nStrategic Mutual Defense Agreement,") == 2


def test_load_without_a_store_checks_the_files(cli, graph_file):
    result = cli("load", str(graph_file))
    assert result.exit_code == 0
    assert "into memory" in result.output and "(24 triples)" in result.output


# ---------------------------------------------------------------- settings


def test_config_file_in_the_working_directory_chooses_the_store(tmp_path, disk, cli, monkeypatch):
    (tmp_path / "pactgraph.toml").write_text(f'[store]\npath = "{disk.location}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = read_settings()
    assert settings.kind == "disk" and settings.path == str(disk.location)
    # --data on the command line wins over the file.
    assert read_settings(data=["x.ttl"]).kind == "memory"


def test_relative_paths_in_the_config_file_are_relative_to_it(tmp_path):
    config = tmp_path / "conf" / "pg.toml"
    config.parent.mkdir()
    config.write_text('[store]\npath = "db"\n[validate]\ncache = "cache"\njobs = 3\n', encoding="utf-8")
    settings = read_settings(config=str(config))
    assert settings.path == str(tmp_path / "conf" / "db")
    assert settings.cache == str(tmp_path / "conf" / "cache") and settings.jobs == 3


@pytest.mark.parametrize(
    "text, message",
    [
        ("[store]\npth = 'x'\n", "unknown key store.pth"),
        ("[stores]\n", "unknown section [stores]"),
        ("[store\n", "not valid TOML"),
        ("[store]\nkind = 'cloud'\n", "store.kind must be one of"),
        ("[store]\nkind = 'endpoint'\n", "endpoint.url is not set"),
        ("[endpoint]\nurl = 'http://127.0.0.1:1/q'\n[store]\npath = 'x'\n", "choose with store.kind"),
        ("[validate]\njobs = 0\n", "validate.jobs must be"),
        ("[validate]\nscheduler = 8786\n", "validate.scheduler must be the address of a Dask scheduler"),
    ],
)
def test_bad_config_is_exit_two_with_one_line(tmp_path, cli, text, message):
    config = tmp_path / "pg.toml"
    config.write_text(text, encoding="utf-8")
    result = cli("query", "ASK {}", "--config", str(config))
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1


def test_store_and_endpoint_together_is_exit_two(cli, tmp_path):
    result = cli("query", "ASK {}", "--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9/query")
    assert result.exit_code == 2 and "give only one of --store, --endpoint" in result.output


def test_missing_config_file_is_exit_two(cli, tmp_path):
    result = cli("info", "--config", str(tmp_path / "none.toml"))
    assert result.exit_code == 2 and "no such config file" in result.output


def test_store_error_is_a_user_error():
    with pytest.raises(StoreError):
        DiskStore("x", on_change="sometimes")


def test_query_on_the_disk_store_imports_neither_rdflib_nor_pyshacl(disk, tmp_path):
    script = (
        "import sys\n"
        "from pactgraph.cli.main import main\n"
        f"sys.argv = ['pactgraph', 'query', 'parties-and-date', '--store', {str(disk.location)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'rdflib' not in sys.modules and 'pyshacl' not in sys.modules, 'heavy import'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Pakistan" in done.stdout
