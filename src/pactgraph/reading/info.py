"""A summary of a graph: size, instances per class, reports and sources, ontology version.

Computed with pyoxigraph SPARQL so it stays as fast as `query`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from pactgraph.rdf.namespaces import PG, shorten
from pactgraph.stores.base import select_rows

_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

_CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class
"""

_SOURCES = """
SELECT ?type ?doc ?label ?date ?publisherName ?publisher WHERE {
  VALUES ?type { pg:Report pg:BackgroundSource }
  ?doc a ?type .
  OPTIONAL { ?doc schema:name|schema:headline|rdfs:label|dcterms:title ?label }
  OPTIONAL { ?doc schema:datePublished ?date }
  OPTIONAL {
    ?doc schema:publisher ?publisher .
    OPTIONAL { ?publisher schema:name|rdfs:label|skos:prefLabel ?publisherName }
  }
}
"""

_ONTOLOGIES = """
SELECT ?ontology ?versionInfo ?versionIRI WHERE {
  ?ontology a owl:Ontology .
  OPTIONAL { ?ontology owl:versionInfo ?versionInfo }
  OPTIONAL { ?ontology owl:versionIRI ?versionIRI }
}
"""


@dataclass
class Source:
    """A report or background source: its IRI (prefixed), label, date and publisher name."""

    iri: str
    label: str = ""
    date: str = ""
    publisher: str = ""


@dataclass
class Ontology:
    """An owl:Ontology with its owl:versionInfo and owl:versionIRI (empty when absent)."""

    iri: str
    version_info: str = ""
    version_iri: str = ""


@dataclass
class GraphInfo:
    """What `pactgraph info` prints; `classes` maps prefixed class name -> instance count."""

    triples: int
    classes: dict[str, int] = field(default_factory=dict)
    reports: list[Source] = field(default_factory=list)
    background_sources: list[Source] = field(default_factory=list)
    ontologies: list[Ontology] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def _pick(values: set[tuple[int, str]]) -> str:
    # Several labels or names are possible: English or untagged first, then alphabetical.
    return min(values)[1] if values else ""


def _ranked(term: Any) -> tuple[int, str]:
    language = getattr(term, "language", None) or ""
    return (0 if language in ("", "en") or language.startswith("en-") else 1, term.value)


def _sources(store: Any) -> dict[str, list[Source]]:
    """pg:Report and pg:BackgroundSource instances, keyed by class IRI."""
    import pyoxigraph as ox

    found: dict[tuple[str, str], dict[str, set[tuple[int, str]]]] = {}
    for row in select_rows(store, _SOURCES):
        doc = row["doc"]
        key = (row["type"].value, shorten(doc.value) if isinstance(doc, ox.NamedNode) else f"_:{doc.value}")
        entry = found.setdefault(key, {"label": set(), "date": set(), "publisher": set()})
        for var, slot in (("label", "label"), ("date", "date"), ("publisherName", "publisher")):
            term = row.get(var)
            if term is not None:
                entry[slot].add(_ranked(term))
        publisher = row.get("publisher")
        if row.get("publisherName") is None and isinstance(publisher, ox.NamedNode):
            entry["publisher"].add((2, shorten(publisher.value)))
    by_class: dict[str, list[Source]] = {}
    for (cls, iri), values in sorted(found.items()):
        by_class.setdefault(cls, []).append(
            Source(
                iri=iri,
                label=_pick(values["label"]),
                date=_pick(values["date"]),
                publisher=_pick(values["publisher"]),
            )
        )
    return by_class


def graph_info(store: Any) -> GraphInfo:
    """Summarise a store (`pactgraph.stores`) or a pyoxigraph Store (see `pactgraph.rdf.loading.load_store`).

    The counts are over the union of the store's graphs.
    """
    import pyoxigraph as ox

    (count,) = select_rows(store, _TRIPLES)
    info = GraphInfo(triples=int(count["n"].value))
    counts = {}
    for row in select_rows(store, _CLASS_COUNTS):
        cls = row["class"]
        name = shorten(cls.value) if isinstance(cls, ox.NamedNode) else str(cls)
        counts[name] = int(row["n"].value)
    info.classes = dict(sorted(counts.items()))
    sources = _sources(store)
    info.reports = sources.get(PG + "Report", [])
    info.background_sources = sources.get(PG + "BackgroundSource", [])
    ontologies: dict[str, Ontology] = {}
    for row in select_rows(store, _ONTOLOGIES):
        iri = row["ontology"].value
        entry = ontologies.setdefault(iri, Ontology(iri=iri))
        if row.get("versionInfo") is not None:
            entry.version_info = entry.version_info or row["versionInfo"].value
        if row.get("versionIRI") is not None:
            entry.version_iri = entry.version_iri or row["versionIRI"].value
    info.ontologies = [ontologies[k] for k in sorted(ontologies)]
    return info


def format_info(info: GraphInfo) -> str:
    """The plain-text layout of `pactgraph info`."""
    lines = [f"Triples: {info.triples}", ""]
    if info.ontologies:
        lines.append("Ontology:")
        for onto in info.ontologies:
            lines.append(f"  {onto.iri}")
            lines.append(f"    owl:versionInfo  {onto.version_info or '-'}")
            lines.append(f"    owl:versionIRI   {onto.version_iri or '-'}")
    else:
        lines.append("Ontology: (no owl:Ontology)")
    lines.append("")
    lines.append("Instances by class:")
    if info.classes:
        width = max(len(c) for c in info.classes)
        for cls, n in info.classes.items():
            lines.append(f"  {cls.ljust(width)}  {n:>6}")
    else:
        lines.append("  (none)")
    for title, sources in (("Reports", info.reports), ("Background sources", info.background_sources)):
        lines.append("")
        lines.append(f"{title} ({len(sources)}):")
        if not sources:
            lines.append("  (none)")
        for src in sources:
            lines.append(f"  {src.iri}" + (f"  {src.label}" if src.label else ""))
            details = []
            if src.date:
                details.append(f"published {src.date}")
            if src.publisher:
                details.append(f"by {src.publisher}")
            if details:
                lines.append("    " + ", ".join(details))
    return "\n".join(lines) + "\n"
