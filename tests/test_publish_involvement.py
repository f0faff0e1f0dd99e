"""Which claims involve an entity, one definition for every listing and count of the site: the
proposition is about the entity (pg:about), has it as subject or value, or its subject or value
names it as a participant (sem:hasActor, org:member, org:organization, pg:party, pg:between).

Oracle: the source files read with rdflib, the definition written as a SPARQL pattern."""

from __future__ import annotations

import pytest
import rdflib
from test_publish import ROOT
from test_publish_story import BASE, PG

from pactgraph.publishing import comparisons, dataset, involvement
from pactgraph.publishing.layout import Layout
from pactgraph.publishing.model import SiteGraph
from pactgraph.publishing.views import Terms

REPORT = BASE + "id/report-reference-news-2026-01-12"
TURKEY = BASE + "id/turkey"
#: The shipped report's claims that reach Turkey only through an actor of their proposition.
THROUGH_STRUCTURE = {BASE + f"id/claim-reference-news-2026-01-12-{n}" for n in ("06", "07", "31", "35")}

INVOLVING = f"""
PREFIX pg: <{PG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?claim ?x WHERE {{
  ?claim a pg:Claim ; pg:proposition ?p .
  {{ ?p pg:about|rdf:subject|rdf:object ?x }}
  UNION {{ ?p rdf:subject|rdf:object ?part . ?part sem:hasActor|org:member|org:organization|pg:party|pg:between ?x }}
  FILTER isIRI(?x)
}}"""


def source_graph(*folders: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.ttl")):
            graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def sources() -> rdflib.Graph:
    return source_graph("data")


@pytest.fixture(scope="module")
def oracle(sources) -> dict[str, set[str]]:
    """Each entity's claims, by the definition in SPARQL."""
    found: dict[str, set[str]] = {}
    for row in sources.query(INVOLVING):
        found.setdefault(str(row.x), set()).add(str(row.claim))
    return found


@pytest.fixture(scope="module")
def site_graph() -> SiteGraph:
    """The graph as the site reads it (ontology and data)."""
    graph = source_graph("ontology", "data")
    return SiteGraph(sorted(graph, key=lambda t: tuple(map(str, t))), Layout(), {})


@pytest.fixture(scope="module")
def report_claims(sources) -> set[str]:
    return {str(c) for c in sources.subjects(rdflib.URIRef(PG + "statedIn"), rdflib.URIRef(REPORT))}


def test_the_dataset_counts_an_entitys_claims_by_the_one_definition(site_graph, oracle, sources):
    """Turkey's count holds the claims that reach it only through their proposition's structure;
    every entity's count is the oracle's; the example resource is the most involved entity."""
    assert THROUGH_STRUCTURE <= oracle[TURKEY]
    about = rdflib.URIRef(PG + "about")
    for claim in THROUGH_STRUCTURE:  # not pg:about Turkey
        proposition = sources.value(rdflib.URIRef(claim), rdflib.URIRef(PG + "proposition"))
        assert (proposition, about, rdflib.URIRef(TURKEY)) not in sources
    counts = involvement.claim_counts(site_graph, Terms(site_graph.layout))
    assert {str(e): n for e, n in counts.items()} == {e: len(c) for e, c in oracle.items()}
    # an entity that takes part in none of them is not counted for them
    uninvolved = [e for e, c in oracle.items() if not c & THROUGH_STRUCTURE and e.startswith(BASE + "id/")]
    assert uninvolved and all(counts[rdflib.URIRef(e)] == len(oracle[e]) for e in uninvolved)
    info = dataset.facts(site_graph, site_graph, 0, "0")
    most = min(oracle, key=lambda e: (-len(oracle[e]), e))
    assert rdflib.URIRef(most) in info.examples


def test_an_entitys_page_lists_exactly_its_claims_by_the_one_definition(site_graph, oracle, report_claims):
    """For every entity the shipped report's claims involve, the claims its page lists as about,
    involving or mentioning it are the oracle's (scoped to the shipped report)."""
    terms = Terms(site_graph.layout)
    ways = {involvement.SUBJECT, involvement.VALUE, involvement.ROLE, involvement.MENTION}
    entities = {e for e, claims in oracle.items() if claims & report_claims}
    assert TURKEY in entities
    for entity in sorted(entities):
        relevance = involvement.claim_relevance(site_graph, rdflib.URIRef(entity), terms)
        listed = {str(c) for c, rank in relevance.items() if rank in ways} & report_claims
        assert listed == oracle[entity] & report_claims, entity
    turkey = involvement.claim_relevance(site_graph, rdflib.URIRef(TURKEY), terms)
    assert {turkey[rdflib.URIRef(c)] for c in THROUGH_STRUCTURE} == {involvement.ROLE}


def test_the_lede_hears_every_claim_involving_a_sought_membership(site_graph, oracle, sources):
    """Under each prospective membership the lede quotes the claims involving it, and only those."""
    terms = Terms(site_graph.layout)
    lede = comparisons.lede(site_graph, "index.html", terms, {})
    status = rdflib.URIRef(BASE + "vocab/membership-status-prospective-member")
    sought = sorted(str(m) for m in sources.subjects(rdflib.URIRef(PG + "membershipStatus"), status))
    assert sought
    for membership, (_, voices) in zip(sought, lede.wants, strict=True):
        assert {v.claim.iri for v in voices} == oracle[membership], membership

