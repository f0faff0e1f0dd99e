"""An ill-typed date is one violation at its own node, never a consequential one elsewhere.

A contributor's report dated "03/02/2026"^^xsd:date (day first) that relays the
shipped Reference News report and makes a non-future claim about a proposition
on a shipped event: compared as strings, the relayed report would be "published
later" and the shipped event "after the report", blaming files the contributor
never touched. Compared as typed values, only the report's own date is wrong.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.validation.command import validate

FOLLOWUP = Path(__file__).parent / "fixtures" / "reports" / "fictional-followup"
REPORT = "pgr:report-fictional-courier-2026-02-03"
DATED = 'schema:datePublished "2026-02-03"^^xsd:date ;'


def _report(tmp_path: Path, date: str) -> Path:
    folder = tmp_path / "fictional-courier-2026-02-03"
    shutil.copytree(FOLLOWUP, folder)
    path = folder / "report.ttl"
    text = path.read_text(encoding="utf-8")
    assert text.count(DATED) == 1
    relaying = f'schema:datePublished "{date}"^^xsd:date ;\n    pg:relays pgr:report-reference-news-2026-01-12 ;'
    path.write_text(text.replace(DATED, relaying), encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["pyshacl", "pyshacl-turbo"])
def test_ill_typed_report_date_is_one_violation_at_the_report(tmp_path, engine):
    report = validate(resources.data_files() + [_report(tmp_path, "03/02/2026")], with_graph=False, engine=engine)
    found = [(r.source_constraint or r.source_shape, r.focus_node, r.value) for r in report.results]
    assert found == [("pgsh:Report-datePublished", REPORT, '"03/02/2026"^^xsd:date')]


def test_the_same_report_well_dated_conforms(tmp_path):
    """The oracle for the test above: with a well-formed date the report is valid, relay and all."""
    report = validate(resources.data_files() + [_report(tmp_path, "2026-02-03")], with_graph=False, engine="pyshacl-turbo")
    assert report.results == []


def test_a_well_formed_earlier_date_still_breaks_the_relay_rule(tmp_path):
    """The guard does not switch the rule off: a date before the relayed report's is caught."""
    report = validate(resources.data_files() + [_report(tmp_path, "2026-01-11")], with_graph=False, engine="pyshacl-turbo")
    found = {(r.source_constraint or r.source_shape, r.focus_node) for r in report.results}
    assert ("pgsh:Report-relaysEarlierReport", REPORT) in found


def test_joined_with_the_graph_the_contributor_sees_one_violation(cli, tmp_path):
    outcome = cli("validate", str(_report(tmp_path, "03/02/2026")), "-f", "json")
    assert outcome.exit_code == 1, outcome.output
    results = json.loads(outcome.stdout)["results"]
    assert [(r["sourceShape"], r["focusNode"]) for r in results] == [("pgsh:Report-datePublished", REPORT)]
    assert results[0]["location"].endswith("report.ttl:28")
