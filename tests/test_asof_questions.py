"""Every named question `--as-of` a date, on a grown graph: dated by first publication.

The graph is the shipped data plus two fictional reports (tests/fixtures/reports:
fictional-followup of 3 February 2026, fictional-comparisons of 10 February 2026,
which relays a fictional wire report of 5 February). For each question and date:

- nothing published later appears: no date after the cut, no IRI or label of a report
  or background source published later, no IRI of a claim first reported later;
- nothing published earlier is lost: every row of the whole graph's answer that names
  nothing later is in the answer as of the date, and every claim first reported by then
  is still dated, by its first report, in the assessment over time and the claims by origin.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.data_dirs import data_dir_inputs
from pactgraph.query.named_queries import list_queries
from pactgraph.reading import asof
from pactgraph.stores.memory import MemoryStore

REPORTS = Path(__file__).parent / "fixtures" / "reports"
DATES = ("2026-01-08", "2026-01-09", "2026-01-10", "2026-01-12", "2026-02-04", "2026-02-10")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
QUESTIONS = list_queries()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    target = tmp_path_factory.mktemp("asof") / "data"
    shutil.copytree(resources.data_dir(), target)
    shutil.copytree(REPORTS / "fictional-followup", target / "reports" / "fictional-courier-2026-02-03")
    shutil.copytree(REPORTS / "fictional-comparisons", target / "reports" / "fictional-gazette-2026-02-10")
    return MemoryStore(data_dir_inputs(target))


def rows(store, query) -> list[tuple[str, ...]]:
    result = store.query(query.text, query.params or None, source=query.name)
    names = result.variables if hasattr(result, "variables") else None
    found = []
    for row in result.bindings():
        keys = names or sorted(row)
        found.append(tuple(str(row[k].value) if k in row else "" for k in keys))
    return found


def _values(store, text: str) -> list[dict[str, str]]:
    return [{k: str(v.value) for k, v in row.items()} for row in store.query(text, source="oracle").bindings()]


@pytest.fixture(scope="module")
def publications(store) -> dict[str, tuple[str, list[str]]]:
    """Every report and background source: IRI -> (date, English labels)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for row in _values(
        store,
        "SELECT ?p ?date ?label WHERE { VALUES ?type { pg:Report pg:BackgroundSource } ?p a ?type ; "
        "schema:datePublished ?date OPTIONAL { ?p rdfs:label ?label FILTER (LANG(?label) = 'en') } }",
    ):
        date, labels = found.setdefault(row["p"], (row["date"][:10], []))
        if "label" in row:
            labels.append(row["label"])
    return found


@pytest.fixture(scope="module")
def first_reported(store, publications) -> dict[str, str]:
    """Every claim -> the date of its first report (pg:reportedFirstIn, else the report that states it)."""
    found = {}
    for row in _values(
        store, "SELECT ?c ?origin WHERE { ?c a pg:Claim ; pg:statedIn ?s OPTIONAL { ?c pg:reportedFirstIn ?r } BIND (COALESCE(?r, ?s) AS ?origin) }"
    ):
        found[row["c"]] = publications[row["origin"]][0]
    return found


@pytest.fixture(scope="module")
def wording(store) -> dict[str, set[str]]:
    """Every claim -> its English label and the exact words of its anchor."""
    found: dict[str, set[str]] = {}
    for row in _values(
        store,
        "SELECT ?c ?w WHERE { ?c a pg:Claim { ?c rdfs:label ?w FILTER (LANG(?w) = 'en') } "
        "UNION { ?c pg:hasAnchor/oa:hasSelector/oa:exact ?w } }",
    ):
        found.setdefault(row["c"], set()).add(row["w"])
    return found


@pytest.fixture(scope="module")
def asserted(store) -> dict[str, tuple[set[str], set[str]]]:
    """Every proposition a claim asserts -> (those claims, its English labels)."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for row in _values(
        store, "SELECT ?p ?c ?label WHERE { ?c pg:proposition ?p OPTIONAL { ?p rdfs:label ?label FILTER (LANG(?label) = 'en') } }"
    ):
        claims, labels = found.setdefault(row["p"], (set(), set()))
        claims.add(row["c"])
        if "label" in row:
            labels.add(row["label"])
    return found


def later_markers(cut: str, publications, first_reported, wording, asserted) -> set[str]:
    """Cells that name something published after `cut`: a publication, a claim, its label or its words."""
    marks = {iri for iri, (date, _) in publications.items() if date > cut}
    marks |= {label for iri, (date, labels) in publications.items() if date > cut for label in labels}
    later = {claim for claim, date in first_reported.items() if date > cut}
    earlier_words = {w for claim in first_reported.keys() - later for w in wording.get(claim, ())}
    marks |= later | {w for claim in later for w in wording.get(claim, ()) if w not in earlier_words}
    # A proposition that only later claims assert, by IRI and label.
    for proposition, (claims, labels) in asserted.items():
        if claims <= later:
            marks |= {proposition, *labels}
    return marks


def names_later(row: tuple[str, ...], cut: str, marks: set[str], titles: set[str]) -> bool:
    """A date after the cut, a mark as the whole cell, or a later publication's title anywhere in it
    (sources are listed joined by '; '). A kept claim's sentence may hold a later claim's words."""
    if any(d > cut for cell in row for d in DATE.findall(cell)):
        return True
    return any(cell in marks or any(title in cell for title in titles) for cell in row)


def comparable(query, row: tuple[str, ...]) -> tuple[str, ...]:
    """A row as the lost-check compares it: counts of a question that counts grow with later reports."""
    return tuple(c for c in row if not c.isdigit()) if "COUNT(" in query.text else row


def test_the_dates_cut_through_the_grown_graph(publications, first_reported):
    # Before any report, between the relayed wire (5 Feb) and the report relaying it, after all.
    assert sorted({d for d in first_reported.values()}) == ["2026-01-09", "2026-01-12", "2026-02-03", "2026-02-05", "2026-02-10"]


@pytest.mark.parametrize("cut", DATES)
@pytest.mark.parametrize("query", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_a_question_as_of_a_date(store, publications, first_reported, wording, asserted, query, cut):
    marks = later_markers(cut, publications, first_reported, wording, asserted)
    titles = {label for date, labels in publications.values() if date > cut for label in labels}
    view = asof.view(store, cut).store
    answer = rows(view, query)
    about = [iri for iri, (date, _) in publications.items() if date > cut and "pgr:" + iri.rsplit("/", 1)[-1] in query.text]
    if about:
        # A question about one report (such as the events it mentions) has no answer before the report.
        assert answer == [], f"{query.name} as of {cut} answers about {about}, published later"
        return
    later = [row for row in answer if names_later(row, cut, marks, titles)]
    assert later == [], f"{query.name} as of {cut} names what was published later"
    whole = rows(store, query)
    kept = {comparable(query, row) for row in answer}
    lost = [row for row in whole if not names_later(row, cut, marks, titles) and comparable(query, row) not in kept]
    if query.name == "assessments-of-joining":
        # Its rows are claims that some other claim disagrees with: one whose partner came later is rightly gone.
        lost = [row for row in lost if any(r[0] == row[0] and r[2] != row[2] for r in answer)]
    assert lost == [], f"{query.name} as of {cut} loses what was published by then"


@pytest.mark.parametrize("cut", DATES)
def test_every_claim_first_reported_by_then_is_dated_by_its_first_report(store, first_reported, cut):
    view = asof.view(store, cut).store
    expected = {claim: date for claim, date in first_reported.items() if date <= cut}
    found = {
        row["c"]: row["date"][:10]
        for row in _values(
            view,
            "SELECT ?c ?date WHERE { ?c a pg:Claim OPTIONAL { ?c pg:statedIn ?s } OPTIONAL { ?c pg:reportedFirstIn ?r } "
            "BIND (COALESCE(?r, ?s) AS ?origin) ?origin schema:datePublished ?date }",
        )
    }
    assert found == expected
    # The claims-by-origin question lists each of them once, under its first report's date.
    by_origin = [r for r in rows(view, next(q for q in QUESTIONS if q.name == "claims-by-origin"))]
    assert sorted(r[1] for r in by_origin) == sorted(expected.values())


def test_assessment_over_time_on_10_january_lists_bloomberg(store):
    query = next(q for q in QUESTIONS if q.name == "assessment-over-time")
    answer = rows(asof.view(store, "2026-01-10").store, query)
    assert [(r[0], r[1], r[2], r[4]) for r in answer] == [("2026-01-09", "Bloomberg", "", "probable")]
