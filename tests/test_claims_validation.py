"""The check a claims import runs (the draft joined with the graph: units on pyshacl-turbo, a graph
that raises nothing told so without an rdflib graph) gives the results pySHACL gives on the same
draft validated as one graph, clean or not.

The report is fictional (tests/fixtures/grown/example-daily.txt says so); it runs in a copy of data/.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pactgraph import resources
from pactgraph.validation.command import validate
from pactgraph.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures" / "grown"
CLAIM = "pgr:claim-example-daily-2026-02-03-01"

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pyshacl_turbo") is None, reason="pyshacl-turbo is not installed")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    """A copy of data/ and a draft with the claims of example-daily-claims.csv imported."""
    work = tmp_path_factory.mktemp("import-check")
    data = work / "data"
    shutil.copytree(resources.data_dir(), data)
    made = run(
        "new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "Example Daily", "--date", "2026-02-03",
        "--language", "en", "--data-dir", str(data), "--draft-dir", str(work / "drafts"),
    )
    assert made.exit_code == 0, made.output
    folder = work / "drafts" / "example-daily-2026-02-03"
    imported = run("claims", "import", str(folder), str(FIXTURES / "example-daily-claims.csv"), "--data-dir", str(data))
    assert imported.exit_code == 0, imported.output
    return data, folder


def _results(report):
    return sorted(
        (r.severity, r.focus_node, r.path, r.value, r.source_shape, r.constraint, r.source_constraint)
        for r in report.results
    )


def _both(data: Path, report_file: Path):
    fast = validate([report_file], data_dir=data, with_graph=True, no_cache=True)
    reference = validate(
        [report_file], data_dir=data, with_graph=True, executor="single", engine="pyshacl", no_cache=True
    )
    return fast, reference


def test_the_imported_draft_conforms_as_pyshacl_finds_it(draft):
    data, folder = draft
    fast, reference = _both(data, folder / "report.ttl")
    assert fast.run_info["executor"] == "units" and fast.run_info["engine"] == "pyshacl-turbo"
    assert _results(fast) == _results(reference) == []


def test_a_broken_draft_gives_pyshacls_results(draft, tmp_path):
    """A dangling pgr: reference (a whole-graph shape) and a claim stated in a report whose text
    does not hold its anchor (a claim rule, run per unit): each found, and nothing else."""
    data, folder = draft
    broken = tmp_path / folder.name
    shutil.copytree(folder, broken)
    report = broken / "report.ttl"
    report.write_text(
        report.read_text(encoding="utf-8")
        + f"\n{CLAIM} <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://w3id.org/pactgraph/id/nowhere-at-all> ;\n"
        "    <https://w3id.org/pactgraph/ontology#statedIn> <https://w3id.org/pactgraph/id/report-bloomberg-2026-01-09> .\n",
        encoding="utf-8",
    )
    fast, reference = _both(data, report)
    found = _results(fast)
    assert found == _results(reference)
    constraints = {(r[1], r[6]) for r in found}
    assert (CLAIM, "pgsh:Graph-danglingReference") in constraints
    assert (CLAIM, "pgsh:Claim-anchoredInItsReport") in constraints
