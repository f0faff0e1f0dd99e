"""`pactgraph compare` and the relation behind it, against a hand-checked table.

The graph is the shipped data plus two fictional reports (tests/fixtures/reports:
fictional-followup of 3 February 2026 and fictional-comparisons of 10 February 2026).
Each row of TABLE was worked out by hand from the claims' propositions, claimants,
certainty, polarity, time orientation and first-report dates, following the README's
"Comparing claims" table; every relation appears at least once. Questions 17
(disagreeing-claims) and 26 (agreeing-claims) must list exactly the pairs compare finds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.reading import comparing
from pactgraph.data_dirs import data_dir_inputs
from pactgraph.query.named_queries import find_query
from pactgraph.stores.memory import MemoryStore

REPORTS = Path(__file__).parent / "fixtures" / "reports"
FOLLOWUP = ("fictional-followup", "fictional-courier-2026-02-03")
COMPARISONS = ("fictional-comparisons", "fictional-gazette-2026-02-10")
PGR = "https://w3id.org/pactgraph/id/"


def rn(n: int) -> str:
    return f"pgr:claim-reference-news-2026-01-12-{n:02d}"


def courier(n: int) -> str:
    return f"pgr:claim-fictional-courier-2026-02-03-{n:02d}"


def gazette(n: int) -> str:
    return f"pgr:claim-fictional-gazette-2026-02-10-{n:02d}"


#: (earlier claim, later claim, relation, why), checked by hand.
TABLE = [
    # the officials' "made progress" (advanced, 9 Jan) and Portanskiy's "consultation stage" (12 Jan): one scale, same time
    (rn(7), rn(35), "incompatible values", "the story's disagreement"),
    (rn(7), gazette(5), "incompatible values", "advanced against consultation, both today's state"),
    (rn(35), gazette(4), "incompatible values", "consultation against advanced"),
    # "an agreement is likely" (future, probable) and "no agreement has been signed yet" (present, negative)
    (rn(8), gazette(1), "compatible", "not signed yet vs likely: different times"),
    (gazette(1), gazette(2), "compatible", "not signed yet (present) vs will not join (future)"),
    (rn(20), rn(21), "compatible", "nuclear weapons and ballistic missiles can both be contributed"),
    (rn(7), gazette(6), "compatible", "advanced on 9 Jan vs consultation in December 2025 (time scope)"),
    (gazette(5), gazette(6), "compatible", "the same stage today and in December 2025"),
    (courier(2), gazette(5), "compatible", "not advanced leaves consultation open"),
    (rn(8), rn(36), "divergent certainty", "probable vs too early to say"),
    (rn(8), courier(1), "divergent certainty", "probable vs possible"),
    (rn(7), courier(2), "contradict", "made progress vs stalled (denied)"),
    (rn(8), gazette(2), "contradict", "likely to join vs will not join"),
    (gazette(4), gazette(5), "revision", "the same analyst, advanced on 5 Feb, consultation on 10 Feb"),
    (rn(6), gazette(3), "agree", "Pakistan initiated the expansion, Bloomberg and the Gazette"),
    (rn(35), gazette(5), "agree", "consultation stage, Portanskiy and the analyst"),
    (rn(19), rn(25), "unrelated", "Saudi finance and US priorities"),
]


def _data(tmp_path_factory, *fixtures: tuple[str, str]) -> Path:
    target = tmp_path_factory.mktemp("compare") / "data"
    shutil.copytree(resources.data_dir(), target)
    for folder, slug in fixtures:
        shutil.copytree(REPORTS / folder, target / "reports" / slug)
    return target


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    return _data(tmp_path_factory, FOLLOWUP, COMPARISONS)


@pytest.fixture(scope="module")
def store(grown):
    return MemoryStore(data_dir_inputs(grown))


def test_the_table_covers_every_relation():
    assert {row[2] for row in TABLE} == set(comparing.RELATIONS)


@pytest.mark.parametrize("first, second, relation, why", TABLE, ids=[f"{r[2]}: {r[3]}" for r in TABLE])
def test_compare_two_claims(store, first, second, relation, why):
    pair = comparing.compare_two(store, first, second)
    assert (pair.relation, pair.earlier.iri, pair.later.iri) == (relation, PGR + first[4:], PGR + second[4:]), pair.reason
    # The order of the arguments does not matter: the claim first reported earlier comes first.
    again = comparing.compare_two(store, second, first)
    assert (again.relation, again.earlier.iri) == (relation, pair.earlier.iri)


def test_the_story_disagreement_on_the_shipped_graph_alone(cli):
    result = cli("compare", rn(35), rn(7), "--format", "csv")
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.output)))
    assert (row["relation"], row["earlier"], row["later"]) == ("incompatible values", rn(7), rn(35))
    assert row["reason"] == "advanced and consultation exclude each other at one time"
    assert (row["earlierDate"], row["laterDate"]) == ("2026-01-09", "2026-01-12")


def test_compare_lists_the_related_pairs_of_a_graph(cli, grown):
    result = cli("compare", "--data-dir", str(grown), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    listed = {(r["earlier"], r["later"]): r["relation"] for r in rows}
    for first, second, relation, _ in TABLE:
        if relation == "unrelated":
            assert (first, second) not in listed
        else:
            assert listed[(first, second)] == relation
    assert len(listed) == len(rows)
    every = json.loads(cli("compare", "--all", "--data-dir", str(grown), "--format", "json").output)
    assert {(r["earlier"], r["later"]): r["relation"] for r in every}[(rn(19), rn(25))] == "unrelated"
    assert len(every) > len(rows)


def test_compare_table_is_the_default_format(cli):
    result = cli("compare", rn(8), rn(36))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split()[:2] == ["relation", "earlier"]
    assert "divergent certainty" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        ((rn(7),), "compare takes two claims or none, not 1"),
        ((rn(7), "pgr:claim-no-such-claim"), "pgr:claim-no-such-claim: no such claim"),
        ((rn(7), rn(7)), "give two different claims"),
    ],
)
def test_compare_bad_input_exit_2(cli, args, message):
    result = cli("compare", *args)
    assert result.exit_code == 2
    assert message in result.output


def _pairs(store, name: str) -> set[tuple[str, str, str]]:
    rows = store.query(find_query(name).text, source=name).bindings()
    found = set()
    for row in rows:
        relation = row["relation"].value if "relation" in row else "agree"
        found.add((row["earlierClaim"].value, row["laterClaim"].value, relation))
    return found


@pytest.mark.parametrize("fixtures", [(), (FOLLOWUP,), (COMPARISONS,), (FOLLOWUP, COMPARISONS)], ids=["shipped", "followup", "comparisons", "both"])
def test_questions_17_and_26_list_what_compare_finds(tmp_path_factory, fixtures):
    graph = MemoryStore(data_dir_inputs(_data(tmp_path_factory, *fixtures)))
    pairs = comparing.compare_all(graph)
    expected = {(p.earlier.iri, p.later.iri, p.relation) for p in pairs}
    assert _pairs(graph, "disagreeing-claims") == {e for e in expected if e[2] in comparing.DISAGREEING}
    assert _pairs(graph, "agreeing-claims") == {e for e in expected if e[2] == "agree"}


def test_the_readme_table_names_every_relation():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Comparing claims", 1)[1].split("\n## ", 1)[0]
    named = {m for m in re.findall(r"^\| \*([a-z ]+)\* \|", section, re.MULTILINE)}
    assert named == set(comparing.RELATIONS)


def test_compare_writes_the_format_its_output_file_names(cli, tmp_path):
    target = tmp_path / "pairs.json"
    result = cli("compare", "-o", str(target))
    assert result.exit_code == 0, result.output
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert {(r["earlier"], r["later"], r["relation"]) for r in rows} >= {(rn(7), rn(35), "incompatible values")}
