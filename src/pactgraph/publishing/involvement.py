"""Which claims involve an entity, defined once for every page that lists or counts them (a
resource's claims, the front page's lede, the dataset page's example resource).

A claim involves an entity when its proposition is about it (pg:about), has it as subject or
value (rdf:subject, rdf:object), or its subject or value names it as a participant: an actor of
an event (sem:hasActor), a member or the organisation of a membership (org:member,
org:organization), a party to an agreement (pg:party), a state in a relation (pg:between)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import rdflib
from rdflib import RDF

from pactgraph.publishing.model import SiteGraph
from pactgraph.rdf.namespaces import PREFIXES

#: How a claim concerns the resource whose page lists it, most relevant first: the resource is
#: its proposition's subject (rdf:subject, or the proposition itself); it makes the claim; it is
#: the proposition's value (rdf:object); it has a role in the subject or value: it takes part in
#: it (an actor of the event, a member or the organisation of the membership, a party or a state
#: of the relation there), or the proposition is about it (pg:about) and the subject or value
#: names it otherwise; the proposition only mentions it (pg:about); the claim is stated or first
#: reported in it (a report).
SUBJECT, CLAIMANT, VALUE, ROLE, MENTION, REPORTED = range(6)

def participants(ontology_ns: str) -> frozenset[Any]:
    """The properties by which an event, membership, relation or agreement names the entities
    taking part in it."""
    return frozenset(
        (
            rdflib.URIRef(PREFIXES["sem"] + "hasActor"),
            rdflib.URIRef(PREFIXES["org"] + "member"),
            rdflib.URIRef(PREFIXES["org"] + "organization"),
            rdflib.URIRef(ontology_ns + "party"),
            rdflib.URIRef(ontology_ns + "between"),
        )
    )


def entities(graph: SiteGraph, proposition: Any, terms: Any) -> dict[Any, int]:
    """The entities a proposition involves, each with the most relevant way (SUBJECT, VALUE, ROLE
    or MENTION)."""
    found: dict[Any, int] = {}

    def add(nodes: Iterable[Any], rank: int) -> None:
        for n in nodes:
            found[n] = min(rank, found.get(n, rank))

    mentioned = set(graph.objects(proposition, terms.about))
    subject, value = graph.first(proposition, RDF.subject), graph.first(proposition, RDF.object)
    for part in (subject, value):
        if part is None:
            continue
        add((o for p, o in graph.out.get(part, ()) if o != part and (p in terms.participants or o in mentioned)), ROLE)
    add(mentioned, MENTION)
    add([subject] if subject is not None else [], SUBJECT)
    add([value] if value is not None else [], VALUE)
    return found


def propositions(graph: SiteGraph, node: Any, terms: Any) -> dict[Any, int]:
    """The propositions involving `node`, each with the way (`entities` read backwards: only
    the propositions that name `node`, or name what names it, are read)."""
    ends = (RDF.subject, RDF.object)
    parts = {s for s, _ in graph.inc.get(node, ())}
    candidates = set(graph.subjects(terms.about, node))
    candidates.update(p for end in ends for p in graph.subjects(end, node))
    candidates.update(p for part in parts for end in ends for p in graph.subjects(end, part))
    found = {}
    for proposition in candidates:
        rank = entities(graph, proposition, terms).get(node)
        if rank is not None:
            found[proposition] = rank
    return found


def claim_relevance(graph: SiteGraph, node: Any, terms: Any) -> dict[Any, int]:
    """The claims a page about `node` lists, each with the most relevant way it concerns `node`:
    those involving it (their proposition's way), those it makes, and, for a report, those
    stated or first reported in it."""
    found: dict[Any, int] = {}

    def add(claims: Iterable[Any], rank: int) -> None:
        for claim in claims:
            found[claim] = min(rank, found.get(claim, rank))

    for proposition, rank in propositions(graph, node, terms).items():
        add(graph.subjects(terms.proposition, proposition), rank)
    add(graph.subjects(terms.proposition, node), SUBJECT)  # a proposition's page: its claims
    add(graph.subjects(terms.claimant, node), CLAIMANT)
    add(graph.subjects(terms.statedIn, node), REPORTED)
    add(graph.subjects(terms.reportedFirstIn, node), REPORTED)
    return found


def claim_counts(graph: SiteGraph, terms: Any) -> dict[Any, int]:
    """How many claims involve each entity (an IRI) of the graph."""
    counts: dict[Any, int] = {}
    for claim in graph.instances(terms.Claim):
        involved: set[Any] = set()
        for proposition in graph.objects(claim, terms.proposition):
            involved.update(entities(graph, proposition, terms))
        for entity in involved:
            if isinstance(entity, rdflib.URIRef):
                counts[entity] = counts.get(entity, 0) + 1
    return counts
