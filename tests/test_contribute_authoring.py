"""Authoring in few commands: `claim add` makes a structured proposition when the graph has
none with that structure (and reuses the one it has), records the day a statement was made
and whom a report cites, and `find` reaches propositions through their structure's words.
Every report here is fictional (tests/fixtures/grown/example-daily.txt says so).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from pactgraph import resources
from pactgraph.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures" / "grown"
PG = "https://w3id.org/pactgraph/ontology#"
PGR = "https://w3id.org/pactgraph/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


@pytest.fixture
def draft(data, tmp_path) -> Path:
    result = run("new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "Example Daily", "--date",
                 "2026-02-03", "--language", "en", "--data-dir", str(data), "--draft-dir", str(tmp_path / "drafts"))
    assert result.exit_code == 0, result.output
    return tmp_path / "drafts" / "example-daily-2026-02-03"


def quads(folder: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(folder / "report.ttl"), format=ox.RdfFormat.TURTLE))


def objects(folder: Path, subject: str, predicate: str) -> list[str]:
    return [q.object.value for q in quads(folder) if q.subject.value == subject and q.predicate.value == predicate]


def test_claim_add_makes_a_structured_proposition_then_reuses_it(data, draft):
    structure = ["--subject", "pgr:turkey", "--predicate", "pg:pursues", "--value", '"a seat on the joint command"']
    first = run("claim", "add", str(draft), "--claimant", "Portanskiy", "--quote",
                "it is too early to say whether Turkey will join", *structure, "--certainty", "underspecified",
                "--time", "future", "--data-dir", str(data))
    assert first.exit_code == 0, first.output
    made = [q.subject.value for q in quads(draft) if q.predicate.value == RDF + "predicate"]
    assert len(made) == 1
    (proposition,) = made
    assert objects(draft, proposition, RDF + "subject") == [PGR + "turkey"]
    assert objects(draft, proposition, RDF + "object") == ["a seat on the joint command"]
    assert "propositions with the same subject and predicate: pgr:proposition-turkey-seeks-other-security" in first.stderr
    second = run("claim", "add", str(draft), "--claimant", "officials who did not want", "--quote",
                 "Turkey's accession is now only possible, not probable", *structure, "--certainty", "possible",
                 "--time", "future", "--data-dir", str(data))
    assert second.exit_code == 0, second.output
    assert [q.subject.value for q in quads(draft) if q.predicate.value == RDF + "predicate"] == [proposition]
    assert objects(draft, PGR + "claim-example-daily-2026-02-03-02", PG + "proposition") == [proposition]
    assert run("validate", str(draft / "report.ttl"), "--data-dir", str(data)).exit_code == 0


def test_claim_add_records_the_day_of_the_statement_and_whom_the_report_cites(data, draft):
    added = run("claim", "add", str(draft), "--claimant", "Portanskiy", "--quote",
                "it is too early to say whether Turkey will join", "--proposition", "proposition-turkey-joins-alliance",
                "--certainty", "underspecified", "--time", "future", "--stated-on", "2026-02-02",
                "--cites", "Portanskiy", "--data-dir", str(data))
    assert added.exit_code == 0, added.output
    claim = PGR + "claim-example-daily-2026-02-03-01"
    assert objects(draft, claim, PG + "statedOn") == ["2026-02-02"]
    assert objects(draft, PGR + "report-example-daily-2026-02-03", PG + "citesAgent") == [PGR + "alexei-portanskiy"]
    bad = run("claim", "add", str(draft), "--claimant", "Portanskiy", "--quote", "Turkey has not abandoned its bid",
              "--proposition", "proposition-turkey-joins-alliance", "--certainty", "certain", "--time", "future",
              "--stated-on", "2 February", "--data-dir", str(data))
    assert bad.exit_code == 2 and "--stated-on must be a date" in bad.stderr


def test_find_reaches_a_proposition_through_its_structures_words():
    found = run("find", "talks", "--kind", "proposition")
    assert found.exit_code == 0, found.output
    assert "pgr:proposition-negotiations-advanced" in found.stdout.splitlines()[0]


def test_entity_add_declares_entities_that_claims_then_name(data, draft):
    person = run("entity", "add", str(draft), "--kind", "person", "--label", "Jane Placeholder",
                 "--description", "Deputy minister (fictional)", "--data-dir", str(data))
    assert person.exit_code == 0, person.output
    event = run("entity", "add", str(draft), "--kind", "event", "--label", "Fictional naval exercise", "--type",
                "meeting", "--data-dir", str(data))
    assert event.exit_code == 0, event.output
    assert objects(draft, PGR + "fictional-naval-exercise", PG + "eventType") == [
        "https://w3id.org/pactgraph/vocab/event-type-meeting"
    ]
    untyped = run("entity", "add", str(draft), "--kind", "event", "--label", "Another exercise", "--data-dir", str(data))
    assert untyped.exit_code == 2 and "--type" in untyped.stderr
    claim = run("claim", "add", str(draft), "--claimant", "Jane Placeholder", "--role", "on-record-official", "--quote",
                "Turkey has not abandoned its bid",
                "--proposition", "proposition-turkey-seeks-to-join-alliance", "--certainty", "certain", "--time",
                "non-future", "--data-dir", str(data))
    assert claim.exit_code == 0, claim.output
    assert objects(draft, PGR + "claim-example-daily-2026-02-03-01", PG + "claimant") == [PGR + "jane-placeholder"]
    assert run("validate", str(draft / "report.ttl"), "--data-dir", str(data)).exit_code == 0
