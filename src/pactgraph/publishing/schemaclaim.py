"""Each claim as a schema.org `Claim`, the form fact-checking tools read (ClaimReview
readers, ClaimsKG-style harvesters): in the claim's RDF documents, and embedded in its
HTML page as a JSON-LD data block.

The `Claim` is the claim's own IRI typed schema:Claim, with schema:author (the
claimant), schema:appearance (the report that carries it), schema:firstAppearance (the
report that made it first: pg:reportedFirstIn, else the carrying report),
schema:datePublished (that first report's date) and schema:text (its exact words).
"""

from __future__ import annotations

import json
from typing import Any

import rdflib

from pactgraph.rdf.namespaces import PG

SCHEMA = rdflib.Namespace("https://schema.org/")
_OA_EXACT = rdflib.URIRef("http://www.w3.org/ns/oa#exact")
_OA_SELECTOR = rdflib.URIRef("http://www.w3.org/ns/oa#hasSelector")


def _pg(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(PG + name)


def _quote(graph: Any, claim: Any) -> Any:
    anchor = graph.first(claim, _pg("hasAnchor"))
    if anchor is None:
        return None
    exact = sorted(
        (e for selector in graph.objects(anchor, _OA_SELECTOR) for e in graph.objects(selector, _OA_EXACT)),
        key=str,
    )
    return exact[0] if exact else None


def claim_triples(graph: Any, claim: Any) -> list[tuple[Any, Any, Any]]:
    """The schema.org view of a pg:Claim of the site graph (nothing for anything else)."""
    if not graph.has_type(claim, _pg("Claim")):
        return []
    found: list[tuple[Any, Any, Any]] = [(claim, rdflib.RDF.type, SCHEMA.Claim)]
    stated = graph.first(claim, _pg("statedIn"))
    first = graph.first(claim, _pg("reportedFirstIn")) or stated
    claimant = graph.first(claim, _pg("claimant"))
    if claimant is not None:
        found.append((claim, SCHEMA.author, claimant))
    if stated is not None:
        found.append((claim, SCHEMA.appearance, stated))
    if first is not None:
        found.append((claim, SCHEMA.firstAppearance, first))
        date = graph.first(first, SCHEMA.datePublished)
        if isinstance(date, rdflib.Literal):
            found.append((claim, SCHEMA.datePublished, date))
    quote = _quote(graph, claim)
    if isinstance(quote, rdflib.Literal):
        found.append((claim, SCHEMA.text, rdflib.Literal(str(quote))))
    return found


def claim_json(graph: Any, claim: Any) -> str | None:
    """The schema.org Claim of a pg:Claim as a JSON-LD document (schema.org context), for a
    `<script type="application/ld+json">` data block; None for anything else.

    `<`, `>` and `&` are written as JSON escapes, so the text cannot end the data block."""
    triples = claim_triples(graph, claim)
    if not triples:
        return None

    def node(term: Any, kind: str | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {"@id": str(term)}
        if kind:
            found["@type"] = kind
        name = graph.label(term)
        if name:
            found["name"] = name
        return found

    document: dict[str, Any] = {"@context": "https://schema.org", **node(claim, "Claim")}
    for _, p, o in triples:
        if p == SCHEMA.author:
            document["author"] = node(o)
        elif p in (SCHEMA.appearance, SCHEMA.firstAppearance):
            article = node(o, "NewsArticle")
            date = graph.first(o, SCHEMA.datePublished)
            if date is not None:
                article["datePublished"] = str(date)
            document["appearance" if p == SCHEMA.appearance else "firstAppearance"] = article
        elif p == SCHEMA.datePublished:
            document["datePublished"] = str(o)
        elif p == SCHEMA.text:
            document["text"] = str(o)
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
