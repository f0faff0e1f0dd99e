"""One validation pipeline: every scope x executor gives the reference's results.

The reference is the one-graph executor (pySHACL over the whole graph). The units
executor (a file with the triples it reaches, in one or more processes) must give
the same result set on the shipped graph, on every fixture, and on a synthetic
corpus; a joined validation (new files with the graph they join) must give the
same new-file results either way. The stored text file is checked on every path.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import joined, whole_graph
from pactgraph.validation.report import result_key

FIXTURES = Path(__file__).parent / "fixtures"
LONE = sorted((FIXTURES / "valid").glob("*.ttl")) + sorted((FIXTURES / "invalid").glob("*.ttl"))
REPORT_FIXTURES = sorted(p for p in (FIXTURES / "reports").iterdir() if p.is_dir())
EXECUTORS = [Executor("single"), Executor("units", jobs=1), Executor("units", jobs=2)]


def keys(report) -> set[tuple[str, ...]]:
    return {result_key(r) for r in report.results}


def test_shipped_graph_same_on_every_executor():
    reports = [run(whole_graph(), e, engine="pyshacl") for e in EXECUTORS]
    assert all(r.conforms for r in reports)
    assert {r.triples for r in reports} == {reports[0].triples}


@pytest.mark.parametrize("path", LONE, ids=[p.stem for p in LONE])
def test_lone_fixture_same_on_every_executor(path):
    """pySHACL on one graph against units with the default engine (pyshacl-turbo when installed)."""
    reference = run(whole_graph([path]), Executor("single"), engine="pyshacl")
    units = run(whole_graph([path]), Executor("units", jobs=1), engine="auto")
    assert keys(units) == keys(reference)
    assert units.conforms == reference.conforms


@pytest.mark.parametrize("folder", REPORT_FIXTURES, ids=[p.name for p in REPORT_FIXTURES])
def test_joined_fixture_same_on_every_executor(folder):
    files = [folder / "report.ttl"]
    reference = run(joined(files), Executor("single"), engine="pyshacl")
    units = run(joined(files), Executor("units", jobs=1), engine="auto")
    assert keys(units) == keys(reference)
    assert [r.location for r in units.results] == [r.location for r in reference.results]


@pytest.mark.parametrize("folder", REPORT_FIXTURES, ids=[p.name for p in REPORT_FIXTURES])
def test_joined_results_are_the_whole_graph_results_on_the_new_nodes(folder, tmp_path):
    """Joined validation = the whole graph (data + new folder) restricted to what the new file brings."""
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    shutil.copytree(folder, data / "reports" / folder.name)
    whole = run(whole_graph(data_dir=data), Executor("single"), engine="pyshacl")
    part = run(joined([folder / "report.ttl"], data_dir=resources.data_dir()), Executor("units"), engine="pyshacl")
    assert keys(part) <= keys(whole)
    assert bool(part.results) == bool(whole.results)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "generate.py"), str(out / "c"), "--triples", "10k"],
        check=True,
        capture_output=True,
    )
    return out / "c"


def test_corpus_same_on_every_executor(corpus):
    data = [p for p in corpus.rglob("*.ttl")]
    reference = run(whole_graph(data), Executor("single"), engine="pyshacl-turbo")
    assert reference.results, "the corpus carries injected violations"
    for executor in EXECUTORS[1:]:
        assert keys(run(whole_graph(data), executor, engine="pyshacl-turbo")) == keys(reference)


# ---------------------------------------------------------------- the stored text file, on every path


def _report_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder holding the fictional report in reports/fictional/ with its text file."""
    source = (FIXTURES / "valid" / "fictional-report.ttl").read_text(encoding="utf-8")
    text = re.search(r'rdf:value "([^"]*)"', source).group(1)
    assert hashlib.sha256(text.encode()).hexdigest() in source
    folder = tmp_path / "data" / "reports" / "fictional"
    folder.mkdir(parents=True)
    (folder / "report.ttl").write_text(source, encoding="utf-8")
    (folder / "article.txt").write_text(text, encoding="utf-8")
    return tmp_path / "data", folder


def _fired(report) -> set[tuple[str, str]]:
    return {(r.source_constraint or r.source_shape, r.focus_node) for r in report.results}


@pytest.mark.parametrize("executor", EXECUTORS[:2], ids=["single", "units"])
def test_stored_text_intact_conforms(tmp_path, executor):
    data, _ = _report_folder(tmp_path)
    assert run(whole_graph(data_dir=data), executor, engine="pyshacl").conforms


@pytest.mark.parametrize("executor", EXECUTORS[:2], ids=["single", "units"])
@pytest.mark.parametrize("change", ["edited", "deleted"])
def test_stored_text_edited_or_deleted_fails_on_every_path(tmp_path, executor, change):
    data, folder = _report_folder(tmp_path)
    article = folder / "article.txt"
    if change == "edited":
        article.write_text(article.read_text(encoding="utf-8").replace("advanced", "stalled"), encoding="utf-8")
        expected = {("pgsh:SourceText-storedFileMatches", "ex:text")}
    else:
        article.unlink()
        expected = {("pgsh:SourceText-storedFileReadable", "ex:text")}
    assert _fired(run(whole_graph(data_dir=data), executor, engine="pyshacl")) == expected
    assert _fired(run(joined([folder / "report.ttl"], data_dir=data), executor, engine="pyshacl")) == expected


def test_validate_command_fails_on_an_edited_shipped_text(tmp_path):
    """The finding: edit data/reports/<slug>/article.txt after `add`, `validate` said "Conforms: yes"."""
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    article = next(data.glob("reports/*/article.txt"))
    article.write_bytes(article.read_bytes().replace(b"Turkey", b"Greece", 1))
    done = subprocess.run(
        [sys.executable, "-m", "pactgraph", "validate", "--data-dir", str(data)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "pgsh:SourceText-storedFileMatches" in done.stdout


def test_publish_refuses_a_graph_that_does_not_conform(tmp_path):
    """`publish` validates first: an edited stored text is not put online (exit 1, nothing written)."""
    data, folder = _report_folder(tmp_path)
    (folder / "article.txt").write_text("Fictional test report: something else entirely.", encoding="utf-8")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pactgraph", "publish", str(site), "--data", str(data)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert "does not conform" in done.stderr and "nothing was published" in done.stderr
    assert not site.exists()
    forced = subprocess.run(
        [sys.executable, "-m", "pactgraph", "publish", str(site), "--data", str(data), "--no-validate", "-q"],
        capture_output=True,
        text=True,
    )
    assert forced.returncode == 0, forced.stderr
    assert (site / "index.html").is_file()


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory) -> Path:
    """The shipped graph in an on-disk store, and a pactgraph.toml naming it."""
    folder = tmp_path_factory.mktemp("store")
    done = subprocess.run(
        [sys.executable, "-m", "pactgraph", "load", "--store", str(folder / "store")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    (folder / "pactgraph.toml").write_text('[store]\nkind = "disk"\npath = "store"\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("folder", REPORT_FIXTURES, ids=[p.name for p in REPORT_FIXTURES])
def test_joined_from_the_disk_store_same_as_from_files(folder, disk_store):
    """With a store in sync, a joined validation reads only what the new report reaches from it: same results."""
    from pactgraph.validation.units import StoreSource

    scope = joined([folder / "report.ttl"])
    assert StoreSource.open(disk_store / "store", scope.ontology + scope.data) is not None
    from_files = run(scope, Executor("units", jobs=1), engine="pyshacl")
    scope.store = disk_store / "store"
    from_store = run(scope, Executor("units", jobs=1), engine="pyshacl")
    assert keys(from_store) == keys(from_files)
    assert [r.location for r in from_store.results] == [r.location for r in from_files.results]


# ---------------------------------------------------------------- what a joined validation blames on new files


def test_joined_units_leave_the_graphs_old_problems_out(tmp_path):
    """pgr:turkey already breaks a shape in the graph; a new report that reaches it (through its
    proposition) must not be blamed for it: only the baseline comparison leaves the result out."""
    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    with (data / "entities.ttl").open("a", encoding="utf-8") as entities:
        entities.write('\npgr:turkey rdfs:label "Türkiye"@en .\n')
    old = run(whole_graph(data_dir=data), Executor("single"), engine="auto")
    assert {r.focus_node for r in old.results} == {"pgr:turkey"}
    new = FIXTURES / "reports" / "fictional-followup" / "report.ttl"
    report = run(joined([new], data_dir=data), Executor("units", jobs=1), engine="auto")
    assert report.run_info["units"] == 1, "the new report is validated as a unit"
    assert report.results == []
    assert run(joined([new], data_dir=data), Executor("single"), engine="auto").results == []


def test_a_draft_folder_named_after_its_slug_needs_its_text_file(tmp_path):
    """A report being drafted in a folder named after its slug (not yet under reports/) must have
    its article.txt beside it: its absence is a result, as in reports/<slug>/."""
    draft = tmp_path / "drafts" / "fictional"
    draft.mkdir(parents=True)
    shutil.copy(FIXTURES / "valid" / "fictional-report.ttl", draft / "report.ttl")
    report = run(whole_graph([draft / "report.ttl"]), Executor("single"), engine="auto")
    assert _fired(report) == {("pgsh:SourceText-storedFileReadable", "ex:text")}
