"""Plain words for pages: names in the site's languages, property names without prefixes,
and the infobox of a resource (type, names, memberships with status and dates, capital,
Wikidata) shown before its claims."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import rdflib

from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.publishing.model import LABEL_PROPERTIES, SiteGraph

#: The languages a visitor can choose for labels, in this order; only those that
#: labels of the data use are offered. The pages are written in the first.
SITE_LANGUAGES = ("en", "zh", "ru")

ORG = rdflib.Namespace(PREFIXES["org"])
TIME = rdflib.Namespace(PREFIXES["time"])


def words(iri: str) -> str:
    """A property or class name in words, from its local name: 'memberOf' -> 'member of'."""
    local = re.split(r"[#/]", iri.rstrip("#/"))[-1]
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ").replace("-", " ")
    # 'min Count' -> 'min count' (as SHACL's own labels read); acronyms ('IRI') stay
    return " ".join(w if w[1:2].isupper() else w[:1].lower() + w[1:] for w in spaced.split(" ") if w)


def language_labels(graph: SiteGraph, node: Any) -> dict[str, str]:
    """The node's label in each offered language other than the first, when it has one."""
    cache: dict[Any, dict[str, str]] = graph.__dict__.setdefault("_language_labels", {})
    if node in cache:
        return dict(cache[node])
    found: dict[str, str] = {}
    for prop in LABEL_PROPERTIES:
        for value in graph.objects(node, prop):
            if not isinstance(value, rdflib.Literal):
                continue
            language = (value.language or "").lower()
            if language in SITE_LANGUAGES[1:] and language not in found and str(value).strip():
                found[language] = str(value)
        if found:
            break
    cache[node] = dict(sorted(found.items(), key=lambda item: SITE_LANGUAGES.index(item[0])))
    return dict(cache[node])


def languages_in(graph: SiteGraph) -> list[str]:
    """The offered languages that some label of the graph is in (the first always)."""
    present = {SITE_LANGUAGES[0]}
    for _, p, o in graph.triples:
        if p in LABEL_PROPERTIES and isinstance(o, rdflib.Literal) and o.language:
            present.add(o.language.lower())
    return [language for language in SITE_LANGUAGES if language in present]


@dataclass
class Membership:
    """One org:Membership seen from one side: the other party, the status or role, dates."""

    node: Any
    other: Any
    status: Any
    start: str
    end: str


@dataclass
class Infobox:
    memberships: list[Membership] = field(default_factory=list)  # this resource is the member
    members: list[Membership] = field(default_factory=list)  # this resource is the organization


def _interval_day(graph: SiteGraph, interval: Any, edge: Any) -> str:
    for instant in graph.objects(interval, edge):
        for prop in (TIME.inXSDDate, TIME.inXSDDateTimeStamp, TIME.inXSDgYearMonth, TIME.inXSDgYear):
            value = graph.first(instant, prop)
            if value is not None:
                return str(value)[:10]
    return ""


def memberships(graph: SiteGraph, node: Any, status_property: Any) -> Infobox:
    box = Infobox()
    for side, other_property, target in (
        (ORG.member, ORG.organization, box.memberships),
        (ORG.organization, ORG.member, box.members),
    ):
        for membership in sorted(graph.subjects(side, node), key=str):
            other = graph.first(membership, other_property)
            status = graph.first(membership, status_property) or graph.first(membership, ORG.role)
            start = end = ""
            for interval in graph.objects(membership, ORG.memberDuring):
                start = start or _interval_day(graph, interval, TIME.hasBeginning)
                end = end or _interval_day(graph, interval, TIME.hasEnd)
            target.append(Membership(membership, other, status, start, end))
    return box
