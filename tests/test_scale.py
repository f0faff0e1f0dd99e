"""Validation at scale: report by report, in parallel, cached; the engines agree; the synthetic corpus."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from pactgraph.validation.command import validate
from pactgraph.validation.formats import FORMATTERS, format_json, format_text
from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import whole_graph
from pactgraph.validation.scope import is_report_file

ROOT = Path(__file__).resolve().parents[1]
#: The data fixtures, each validated as the shape tests do: the valid/invalid pairs on their own,
#: the report folders with the shipped graph they extend.
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "valid").glob("*.ttl")) + sorted(
    (ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl")
)
REPORT_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "reports").glob("*/report.ttl"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402

TURBO = importlib.util.find_spec("pyshacl_turbo") is not None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    """A small synthetic corpus: entities and five reports, six injected violations."""
    out = tmp_path_factory.mktemp("corpus") / "data"
    summary = generate.generate(out, 5_000, seed=11, violations=6)
    return out, summary


@pytest.fixture(scope="module")
def whole(corpus):
    """The reference: pySHACL over the whole corpus as one graph."""
    return validate([corpus[0]], executor="single", engine="pyshacl")


# ---------------------------------------------------------------- the synthetic corpus


def test_generator_is_deterministic(tmp_path):
    a = generate.generate(tmp_path / "a", 3_000, seed=3, violations=2)
    b = generate.generate(tmp_path / "b", 3_000, seed=3, violations=2)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)
    assert a["triples"] == b["triples"] >= 3_000
    c = generate.generate(tmp_path / "c", 3_000, seed=4, violations=2)
    assert (tmp_path / "c" / "entities.ttl").read_bytes() != (tmp_path / "a" / "entities.ttl").read_bytes()
    assert c["violations"] == 2


def test_corpus_passes_the_shapes_except_the_injected_violations(corpus, whole):
    out, summary = corpus
    assert summary["violations"] == 6 and len(summary["by_kind"]) == 6
    fired = sorted((r.source_constraint or r.source_shape) for r in whole.results)
    assert fired == sorted(c for c, _ in summary["expected"])
    assert all(r.severity == "Violation" for r in whole.results)
    assert whole.triples > 5_000
    files = whole_graph([out]).data
    reports = [p for p in files if is_report_file(p)]
    assert [p.name for p in files if p not in reports] == ["entities.ttl"] and len(reports) == summary["reports"]


def test_corpus_text_matches_its_checksums(corpus):
    out, _ = corpus
    import hashlib
    import re

    for report in sorted((out / "reports").glob("*/report.ttl")):
        text = (report.parent / "article.txt").read_text(encoding="utf-8")
        declared = re.search(r'pg:sha256 "([0-9a-f]{64})"', report.read_text(encoding="utf-8")).group(1)
        if hashlib.sha256(text.encode()).hexdigest() != declared:
            assert "checksum" in json.dumps(generate.VIOLATION_KINDS)


# ---------------------------------------------------------------- report by report == whole graph


def validate_corpus(data, *, engine, jobs, cache_dir=None):
    return run(whole_graph(data), Executor("units", jobs, cache_dir), engine=engine)


def test_report_by_report_gives_the_whole_graph_report(corpus, whole, tmp_path):
    """Split, in two processes, with pyshacl-turbo: the whole-graph pySHACL report, byte for byte."""
    engine = "pyshacl-turbo"
    report = validate_corpus([corpus[0]], engine=engine, jobs=2, cache_dir=None)
    stats = report.run_info
    assert stats["units"] == corpus[1]["reports"] + 1 and stats["cached"] == 0 and stats["engine"] == engine
    for fmt in ("text", "table", "json"):
        assert FORMATTERS[fmt](report) == FORMATTERS[fmt](whole), fmt
    assert len(report.graph) == len(whole.graph)


def test_parallel_run_gives_the_single_process_output(corpus, tmp_path):
    one = validate_corpus([corpus[0]], engine="auto", jobs=1)
    two = validate_corpus([corpus[0]], engine="auto", jobs=2)
    assert two.run_info["jobs"] == 2
    for fmt in ("text", "json", "table"):
        assert FORMATTERS[fmt](two) == FORMATTERS[fmt](one)
    import rdflib.compare

    assert rdflib.compare.isomorphic(one.graph, two.graph)


def test_unchanged_reports_are_not_validated_again(corpus, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(corpus[0], data)
    cache = tmp_path / "cache"
    first = validate_corpus([data], engine="auto", jobs=1, cache_dir=cache)
    second = validate_corpus([data], engine="auto", jobs=1, cache_dir=cache)
    first_stats, second_stats = first.run_info, second.run_info
    assert first_stats["cached"] == 0 and second_stats["cached"] == second_stats["units"]
    assert format_json(second) == format_json(first)
    # One report changes: only its unit runs again, and its new violation shows.
    report = sorted((data / "reports").glob("*/report.ttl"))[0]
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace('schema:inLanguage "en"', 'schema:inLanguage "EN"', 1), encoding="utf-8")
    third = validate_corpus([data], engine="auto", jobs=1, cache_dir=cache)
    third_stats = third.run_info
    assert third_stats["cached"] == third_stats["units"] - 1
    assert len(third.results) == len(first.results) + 1
    assert any(r.source_shape == "pgsh:Report-inLanguage" for r in third.results)
    # A reference file changes: every unit whose closure reaches it runs again.
    entities = data / "entities.ttl"
    entities.write_text(entities.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    fourth = validate_corpus([data], engine="auto", jobs=1, cache_dir=cache)
    assert fourth.run_info["cached"] == 0


# ---------------------------------------------------------------- the engines agree


def _both_engines(case: tuple[str | None, bool | None]) -> tuple[str, str, str]:
    path, with_graph = case
    paths = None if path is None else [path]
    reference = validate(paths, executor="single", engine="pyshacl", with_graph=with_graph)
    other = validate(paths, executor="single", engine="pyshacl-turbo", with_graph=with_graph)
    return str(path), format_json(reference), format_json(other)


@pytest.mark.skipif(not TURBO, reason="pyshacl-turbo is not installed")
def test_pyshacl_turbo_gives_pyshacl_results_on_every_fixture():
    """The condition for using pyshacl-turbo at all: the same report as pySHACL on every fixture."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    inputs: list[tuple[str | None, bool | None]] = [(str(p), False) for p in FIXTURES]
    inputs += [(str(p), None) for p in REPORT_FIXTURES] + [(None, None)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        compared = list(pool.map(_both_engines, inputs))
    assert len(compared) == len(FIXTURES) + len(REPORT_FIXTURES) + 1
    differing = [name for name, reference, other in compared if reference != other]
    assert differing == []
    assert sum('"results": []' not in reference for _, reference, _ in compared) >= 25


def test_engine_is_required_for_the_parity_check():
    assert TURBO, "pyshacl-turbo should be installed by the test set-up (it is measured against pySHACL here)"


# ---------------------------------------------------------------- the command line


def test_cli_per_report_on_the_shipped_graph(cli, tmp_path):
    plain = cli("validate", "--format", "json")
    split = cli("validate", "--jobs", "2", "--cache", str(tmp_path / "cache"), "--format", "json")
    assert plain.exit_code == split.exit_code == 0
    assert split.output == plain.output
    again = cli("validate", "--per-report", "--cache", str(tmp_path / "cache"), "--format", "json")
    assert again.output == plain.output


def test_cli_per_report_exit_code_and_output_on_violations(cli, corpus, whole, tmp_path):
    result = cli("validate", str(corpus[0]), "--jobs", "2", "--no-cache")
    assert result.exit_code == 1
    assert result.output == format_text(whole)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--jobs", "two"], "--jobs must be a whole number"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--jobs", "2", "--focus", "pgr:turkey"], "--focus and --shape work on one-graph validation"),
        (["--engine", "fast"], "--engine must be one of"),
    ],
)
def test_cli_per_report_usage_errors(cli, args, message):
    result = cli("validate", *args, "--no-cache")
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.skipif(not TURBO, reason="pyshacl-turbo is not installed")
def test_fast_clean_check_agrees_with_the_core_on_every_fixture():
    """Report units the fast check calls clean skip the core's path: it must see every fixture's results."""
    from pactgraph import resources
    from pactgraph.rdf.loading import read_rdf
    from pactgraph.validation import units

    units.init_worker([str(p) for p in resources.shape_files()], "pyshacl-turbo", in_child=False)
    ontology = [q.triple for q in read_rdf(resources.ontology_files())[0]]
    verdicts = {
        path.parent.name + "/" + path.stem: units._finds_nothing(
            units.ntriples([q.triple for q in read_rdf([path])[0]] + ontology)
        )
        for path in FIXTURES
    }
    assert verdicts["valid/fictional-report"] is True
    assert [name for name, clean in verdicts.items() if name.startswith("invalid/") and clean] == []
