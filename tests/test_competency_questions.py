"""The competency questions, answered on the shipped graph and on a grown one.

Each test runs the named query exactly as `pactgraph query NAME` does and
checks the answer against the article and the sources the data cites.
"""

from __future__ import annotations

import pytest
import rdflib

from pactgraph import resources
from pactgraph.rdf.loading import load_store
from pactgraph.query.named_queries import find_query, list_queries
from pactgraph.query.querying import run_query

SHIPPED = "reports/reference-news-2026-01-12/"


@pytest.fixture(scope="module", params=["shipped", "grown"])
def store(request):
    """The shipped graph, and the shipped graph grown by later reports (tests/growth.py): the answers
    about the shipped report must be the same on both."""
    if request.param == "grown":
        from pactgraph.data_dirs import graph_files

        return load_store(graph_files(request.getfixturevalue("grown").data))
    return load_store()


def _shipped_quotes() -> set[str]:
    """The quotes of the shipped report's claims, from its own file: answers are scoped to them."""
    graph = rdflib.Graph().parse(resources.data_dir() / SHIPPED / "report.ttl")
    oa = rdflib.Namespace("http://www.w3.org/ns/oa#")
    anchors = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/pactgraph/ontology#TextAnchor")))
    return {str(o) for a in anchors for s in graph.objects(a, oa.hasSelector) for o in graph.objects(s, oa.exact)}


SHIPPED_QUOTES = _shipped_quotes()


def shipped(rows):
    """The rows about claims of the shipped report (the graph grows; these answers must not)."""
    return [r for r in rows if r.get("quote") in SHIPPED_QUOTES]


def answer(store, name, **params):
    result = run_query(store, find_query(name).text, params or None, source=name)
    return [{k: (v.value if hasattr(v, "value") else v) for k, v in row.items()} for row in result.bindings()]


def column(rows, name):
    return [row.get(name) for row in rows]


def test_there_are_sixteen_named_queries_each_with_a_question():
    queries = list_queries()
    # 1-16: the competency questions of the first report; 17 on: questions across reports.
    assert [q.number for q in queries] == list(range(1, len(queries) + 1))
    assert len(queries) >= 16
    assert all(q.question.endswith("?") or q.question.endswith(".") for q in queries)


def test_q01_parties_and_date(store):
    rows = answer(store, "parties-and-date")
    assert column(rows, "party") == ["Pakistan", "Saudi Arabia"]
    assert set(column(rows, "signed")) == {"2025-09-17"}
    assert set(column(rows, "asReported")) == {"last September"}
    assert set(column(rows, "place")) == {"Riyadh"}
    assert all("Joint statement" in s for s in column(rows, "source"))


def test_q02_prospective_member(store):
    rows = answer(store, "prospective-member")
    assert set(column(rows, "state")) == {"Turkey"}
    assert set(column(rows, "alliance")) == {"Saudi–Pakistan defence alliance"}
    assert set(column(rows, "status")) == {"prospective member"}


def test_q03_likelihood_and_chain(store):
    rows = shipped(answer(store, "likelihood-and-chain"))
    assert set(column(rows, "claimant")) == {"officials who did not want to reveal their names"}
    assert set(column(rows, "quote")) == {"the likelihood of reaching an agreement is high"}
    chain = [(int(r["step"]), r["outlet"], r["published"]) for r in rows]
    assert chain == [
        (1, "Bloomberg", "2026-01-09"),
        (2, "Nezavisimaya Gazeta", "2026-01-12"),
        (3, "Reference News", "2026-01-12"),
    ]
    # The first report, Bloomberg, is the one that cites the officials.
    assert rows[0]["citesAgent"] == "officials who did not want to reveal their names"


def test_q04_conflicting_assessments_of_joining(store):
    rows = shipped(answer(store, "assessments-of-joining"))
    assert sorted((r["claimant"], r["certainty"]) for r in rows) == [
        ("Alexei Portanskiy", "underspecified"),
        ("officials who did not want to reveal their names", "probable"),
    ]


def test_q05_initiator(store):
    rows = shipped(answer(store, "initiator"))
    assert [(r["initiator"], r["accordingTo"]) for r in rows] == [("Pakistan", "Bloomberg")]
    assert rows[0]["firstReportedIn"].startswith("Bloomberg report of 9 January 2026")
    assert rows[0]["quote"] == "the initiative to expand the alliance comes from Pakistan"


def test_q06_contributions(store):
    rows = shipped(answer(store, "contributions"))
    assert [(r["state"], r["capability"]) for r in rows] == [
        ("Pakistan", "ballistic missiles"),
        ("Pakistan", "manpower"),
        ("Pakistan", "nuclear weapons capability"),
        ("Saudi Arabia", "financial resources"),
        ("Turkey", "combat-experienced armed forces"),
        ("Turkey", "defence industry"),
    ]
    assert set(column(rows, "accordingTo")) == {"Nihat Ali Özcan"}


def test_q07_article_5_comparison(store):
    rows = shipped(answer(store, "article-5-comparison"))
    assert len(rows) == 1
    row = rows[0]
    assert row["clause"] == "collective-defence clause of the Strategic Mutual Defense Agreement"
    assert row["comparedWith"] == "Article 5 of the North Atlantic Treaty"
    assert row["by"] == "Nezavisimaya Gazeta"
    assert "all members" in row["reportWording"]
    # The statement's own words, verbatim, from the clause the wording difference points to.
    assert row["sourceWording"] == "any aggression against either country shall be considered an aggression against both"


def test_q08_turkey_memberships(store):
    rows = answer(store, "turkey-memberships")
    assert sorted((r["organisation"], r["status"]) for r in rows) == [
        ("NATO", "member"),
        ("Saudi–Pakistan defence alliance", "prospective member"),
    ]


def test_q09_why_joining_serves_turkey(store):
    rows = shipped(answer(store, "why-joining-serves-turkey"))
    reasons = {(r["conclusion"], r["reason"], r["accordingTo"]) for r in rows}
    assert reasons == {
        ("The new agreement serves Turkey's interests",
         "Turkey broadly agrees with Saudi Arabia and Pakistan in foreign policy", "Nezavisimaya Gazeta"),
        ("The new agreement serves Turkey's interests",
         "Donald Trump's statements have raised doubts among US allies about the United States fulfilling its NATO obligations",
         "Bloomberg"),
        ("Joining the Saudi–Pakistan alliance makes sense for Turkey",
         "Turkey's interests align with those of Pakistan and Saudi Arabia in South Asia, the Middle East and Africa",
         "Bloomberg"),
    }


def test_q10_ozcan(store):
    rows = shipped(answer(store, "ozcan"))
    assert len(rows) == 9
    assert set(column(rows, "expertise")) == {"strategic issues"}
    assert set(column(rows, "expertiseAccordingTo")) == {"Nezavisimaya Gazeta"}
    assert set(column(rows, "expertiseQuote")) == {"a Turkish expert on strategic issues"}
    assert rows[0]["quote"].startswith("the participating parties of the agreement will contribute")
    assert rows[-1]["quote"].endswith("to distinguish friends from enemies")


def test_q11_portanskiy(store):
    rows = shipped(answer(store, "portanskiy"))
    assert {r["quote"] for r in rows} == {
        "discussions about the tripartite agreement are still in the consultation stage",
        "it is too early to say whether Turkey will finally decide to join",
    }
    assert {(r["affiliation"], r["role"]) for r in rows} == {("HSE University", "professor"), ("IMEMO RAS", "researcher")}


def test_q12_events_in_ankara(store):
    rows = [r for r in answer(store, "events-in-ankara") if r["event"] == "first meeting of Turkish and Saudi naval officers"]
    assert [(r["event"], r["earliest"], r["latest"], r["asReported"]) for r in rows] == [
        ("first meeting of Turkish and Saudi naval officers", "2026-01-05", "2026-01-11", "last week")
    ]
    assert "exact" not in rows[0]  # the day is not confirmed, so none is stated


def test_q13_unnamed_sources(store):
    rows = shipped(answer(store, "unnamed-sources"))
    assert {r["polarity"] for r in rows} == {"positive"}
    assert {r["quote"] for r in rows} == {
        "negotiations among the three countries have made progress",
        "the likelihood of reaching an agreement is high",
    }
    assert set(column(rows, "source")) == {"officials who did not want to reveal their names"}


def test_q14_background_events(store):
    rows = answer(store, "background-events")
    assert column(rows, "event") == [
        "India–Pakistan ceasefire of May 2025",
        "India–Pakistan conflict of 2025",
        "signing of the Strategic Mutual Defense Agreement",
        "first meeting of Turkish and Saudi naval officers",
    ]
    dates = {r["event"]: r.get("date") for r in rows}
    assert dates["India–Pakistan ceasefire of May 2025"] == "2025-05-10T17:00:00+05:30"
    assert dates["signing of the Strategic Mutual Defense Agreement"] == "2025-09-17"


def test_q15_future_claims(store):
    rows = shipped(answer(store, "future-claims"))
    quotes = column(rows, "quote")
    assert "the likelihood of reaching an agreement is high" in quotes
    assert "it is too early to say whether Turkey will finally decide to join" in quotes
    assert "it could change the balance of power in the Middle East and beyond" in quotes
    assert "negotiations among the three countries have made progress" not in quotes
    assert len(rows) == 11


def test_q16_entity_statements_default_turkey(store):
    rows = shipped(answer(store, "entity-statements"))
    assert len(rows) == 22
    # the claims whose proposition names Turkey only as an actor of its subject (the alliance's
    # expansion talks), not by pg:about: listed as the published site lists them on Turkey's page
    statements = set(column(rows, "statement"))
    assert {
        "Pakistan initiated the expansion of the alliance",
        "The negotiations on Turkey joining the alliance have made progress",
        "The alliance negotiations took place against the backdrop of the India–Pakistan ceasefire",
        "The discussions about the tripartite agreement are at the consultation stage",
    } <= statements
    first = rows[0]
    assert first["quote"] == "Turkey hopes to join the defense alliance between Pakistan and Saudi Arabia"
    assert first["sentence"].startswith("Reference News Network, January 12 report:")
    assert all(r["quote"] in r["sentence"] for r in rows)


def test_q16_entity_statements_for_another_entity(store):
    rows = shipped(answer(store, "entity-statements", entity="pgr:afghanistan"))
    assert [r["quote"] for r in rows] == ["Tensions between Pakistan and its neighbor Afghanistan are also high."]


# ------------------------------------------------ questions of issue 12, scoped to the shipped report

NG_REPORT = "Nezavisimaya Gazeta"


def test_q21_claims_by_origin(store):
    rows = answer(store, "claims-by-origin")
    # Only the claims carried by the report of 12 January 2026.
    shipped = [r for r in rows if r["statedIn"].startswith("Reference News report of 12 January 2026")]
    per_outlet = {}
    for r in shipped:
        per_outlet.setdefault(r["outlet"], []).append(r["quote"])
    assert {k: len(v) for k, v in per_outlet.items() if k in ("Bloomberg", NG_REPORT, "Reference News")} == {
        "Bloomberg": 18, NG_REPORT: 19, "Reference News": 1,
    }
    # Özcan's nine claims and four others reached Reference News from Bloomberg, as the relays of
    # 10 and 14 January that the data cites (pg:firstReportAttestedBy) credit them.
    assert per_outlet["Bloomberg"] == [
        "it makes sense for Turkey to join the alliance",
        "its interests align with those of Pakistan and Saudi Arabia in South Asia, the Middle East, and even Africa",
        "the initiative to expand the alliance comes from Pakistan",
        "negotiations among the three countries have made progress",
        "the likelihood of reaching an agreement is high",
        "it could change the balance of power in the Middle East and beyond",
        "statements by former US President Trump have raised doubts among allies about the reliability of the US fulfilling its NATO obligations",
        "the participating parties of the agreement will contribute their respective strengths to a common cause",
        "Saudi Arabia provides financial resources",
        "Pakistan offers nuclear weapons capabilities",
        "ballistic missiles",
        "a large number of human resources",
        "Turkey has armed forces with combat experience",
        "a developed military industry",
        "The United States prioritizes protecting its own and Israel's interests",
        "the consequences of several regional conflicts are prompting countries to establish new mechanisms to distinguish friends from enemies",
        "If Turkey signs the agreement to join the alliance, it will open a new phase in its relations with Saudi Arabia",
        "the two countries were once rivals in the struggle for influence over global Sunni Muslims",
    ]
    assert per_outlet["Reference News"] == ["This article represents the views of the author himself."]
    via = {r["quote"]: r.get("via") for r in shipped}
    assert via["the likelihood of reaching an agreement is high"] == "Reference News > Nezavisimaya Gazeta"
    assert via["it is too early to say whether Turkey will finally decide to join"] == "Reference News"
    assert via["This article represents the views of the author himself."] is None


def test_q22_nuclear_armed_states(store):
    rows = answer(store, "nuclear-armed-states")
    assert [(r["state"], r["asOf"]) for r in rows if r.get("reportSays") == "these two nuclear-armed neighbors"] == [
        ("India", "2025-01"), ("Pakistan", "2025-01"),
    ]
    assert all("SIPRI Yearbook 2025" in r["attestedBy"] for r in rows if r["state"] in ("India", "Pakistan"))
    assert {r["accordingTo"] for r in rows if r.get("reportSays") in SHIPPED_QUOTES} == {NG_REPORT}


def test_q23_state_relations(store):
    rows = answer(store, "state-relations")
    table = {(r["type"], r["states"]): r for r in rows}
    assert ("neighbours", "Afghanistan, Pakistan") in table and ("neighbours", "India, Pakistan") in table
    assert "CIA World Factbook" in table[("neighbours", "Afghanistan, Pakistan")]["attestedBy"]
    rivalry = table[("rivalry", "Saudi Arabia, Turkey")]
    assert rivalry["endedBefore"] == "2026-01-12" and rivalry["asReported"] == "were once rivals"
    assert table[("tension", "Afghanistan, Pakistan")].get("endedBefore") is None


def test_q24_located_in_russia(store):
    rows = answer(store, "located-in")
    assert {r["countryName"] for r in rows} == {"Russia"}
    # The outlet and the institution the shipped report names (later reports may name others).
    rows = [r for r in rows if r["name"] in ("HSE University", NG_REPORT) and r.get("affiliated") in (None, "Alexei Portanskiy")]
    assert sorted((r["name"], r["kind"], r.get("affiliated"), r.get("role")) for r in rows) == [
        ("HSE University", "university", "Alexei Portanskiy", "professor"),
        (NG_REPORT, "news outlet", None, None),
    ]


def test_q25_what_events_prompt(store):
    rows = shipped(answer(store, "what-events-prompt"))
    assert [(r["event"], r["prompts"], r["accordingTo"], r["firstReportedIn"]) for r in rows] == [
        ("several regional conflicts", "countries setting up new mechanisms to tell friends from enemies",
         "Nihat Ali Özcan", "Bloomberg"),
    ]
    assert rows[0]["quote"].endswith("new mechanisms to distinguish friends from enemies")

