"""An indexed, read-only view of a graph for building pages: statements by subject and
by object, preferred labels, prefixed names, the site's resources."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import rdflib

from pactgraph.rdf.namespaces import PREFIXES, Namer
from pactgraph.publishing.layout import Layout

RDF = rdflib.RDF
RDFS = rdflib.RDFS
SKOS = rdflib.Namespace(PREFIXES["skos"])
SCHEMA = rdflib.Namespace(PREFIXES["schema"])
DCTERMS = rdflib.Namespace(PREFIXES["dcterms"])
OWL = rdflib.OWL
SH = rdflib.Namespace(PREFIXES["sh"])
OA = rdflib.Namespace(PREFIXES["oa"])
PROV = rdflib.Namespace(PREFIXES["prov"])

#: Properties holding a resource's name, in order of preference.
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, SCHEMA.name, DCTERMS.title, SH.name, SCHEMA.headline)
#: Other names shown beside the preferred one.
ALT_LABEL_PROPERTIES = (SKOS.altLabel,)
#: Properties holding a description, shown under the title.
DESCRIPTION_PROPERTIES = (SKOS.definition, SCHEMA.description, DCTERMS.description, RDFS.comment)


def natural_key(text: str) -> tuple:
    """Sort key that orders 'sentence 2' before 'sentence 10', case-insensitively."""
    parts = re.split(r"(\d+)", text.lower())
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def _primary(literal: Any) -> str:
    """The primary language subtag of a literal ('zh' for zh-Hans), '' when untagged."""
    return (getattr(literal, "language", None) or "").lower().split("-")[0]


def language_rank(literal: Any) -> tuple[int, str, str]:
    """Sort key: English first, then other English variants, untagged, then other languages."""
    language = (getattr(literal, "language", None) or "").lower()
    if language == "en":
        rank = 0
    elif language.startswith("en-"):
        rank = 1
    elif language == "":
        rank = 2
    else:
        rank = 3
    return (rank, language, str(literal))


class SiteGraph:
    """Triples (rdflib terms, sorted) indexed by subject and object."""

    def __init__(self, triples: Iterable[tuple[Any, Any, Any]], layout: Layout, prefixes: Mapping[str, str]):
        self.triples = list(triples)
        self.layout = layout
        self.namer = Namer(prefixes)
        self.out: dict[Any, list[tuple[Any, Any]]] = {}
        self.inc: dict[Any, list[tuple[Any, Any]]] = {}
        for s, p, o in self.triples:
            self.out.setdefault(s, []).append((p, o))
            if not isinstance(o, rdflib.Literal):
                self.inc.setdefault(o, []).append((s, p))
        self._labels: dict[tuple[str, Any], tuple[str, str]] = {}
        #: the claim comparisons the site computed (comparison node -> pactgraph.reading.comparing.Pair),
        #: whose label and reason a page words in its language (publishing.wording)
        self.comparisons: dict[Any, Any] = {}

    # ------------------------------------------------------------ lookups

    def objects(self, s: Any, p: Any) -> list[Any]:
        return [o for pp, o in self.out.get(s, ()) if pp == p]

    def first(self, s: Any, p: Any) -> Any:
        values = self.objects(s, p)
        return values[0] if values else None

    def subjects(self, p: Any, o: Any) -> list[Any]:
        return [s for s, pp in self.inc.get(o, ()) if pp == p]

    def types(self, s: Any) -> list[Any]:
        return [o for o in self.objects(s, RDF.type) if isinstance(o, rdflib.URIRef)]

    def shown_types(self, s: Any) -> list[Any]:
        """The classes a page names for `s`, by label: where several share a name (a person is
        both a prov:Person and a schema:Person), the first by IRI stands for them."""
        by_name: dict[str, Any] = {}
        for cls in sorted(self.types(s), key=str):
            by_name.setdefault(self.label(cls).casefold(), cls)
        return sorted(by_name.values(), key=lambda c: (natural_key(self.label(c)), str(c)))

    def has_type(self, s: Any, cls: Any) -> bool:
        return cls in self.objects(s, RDF.type)

    def instances(self, cls: Any) -> list[Any]:
        return self.subjects(RDF.type, cls)

    # ------------------------------------------------------------ names

    def short(self, iri: str) -> str:
        """A prefixed name for `iri`, or the IRI itself."""
        short = self.namer.shorten(iri)
        return iri if short.startswith("<") else short

    def literal_labels(self, node: Any, properties: Iterable[Any] = LABEL_PROPERTIES) -> list[Any]:
        found: list[Any] = []
        for prop in properties:
            found.extend(o for o in self.objects(node, prop) if isinstance(o, rdflib.Literal))
        return found

    def label(self, node: Any) -> str:
        """The preferred label of a node in the language being built (i18n): its label in that
        language, else its best-ranked label, else a prefixed name or the IRI."""
        return self.label_in(node)[0]

    def label_language(self, node: Any) -> str:
        """The language of `node`'s label when it differs from the page's ('en' for an untagged
        label or a prefixed name on a page in another language), else ''."""
        return self.label_in(node)[1]

    def label_in(self, node: Any) -> tuple[str, str]:
        from pactgraph.publishing.i18n import current

        page_language = current()
        key = (page_language, node)
        cached = self._labels.get(key)
        if cached is not None:
            return cached
        text, language = "", ""
        for prop in LABEL_PROPERTIES:
            values = [o for o in self.objects(node, prop) if isinstance(o, rdflib.Literal) and str(o).strip()]
            if values:
                best = min(values, key=lambda v: (_primary(v) != page_language, language_rank(v)))
                text = str(best)
                language = "" if _primary(best) == page_language else (best.language or "en")
                break
        if not text:
            if isinstance(node, rdflib.URIRef):
                text = self.short(str(node))
            elif isinstance(node, rdflib.BNode):
                from pactgraph.publishing.i18n import gettext

                text = gettext("(unnamed node)")
            else:
                text = str(node)
            language = "" if page_language == "en" or isinstance(node, rdflib.BNode) else "en"
        if page_language == "en" and language == "en":
            language = ""
        self._labels[key] = (text, language)
        return text, language

    def descriptions(self, node: Any) -> list[Any]:
        """The node's descriptions, those in the language being built first."""
        from pactgraph.publishing.i18n import current

        values = []
        for prop in DESCRIPTION_PROPERTIES:
            values.extend(
                sorted(
                    (o for o in self.objects(node, prop) if isinstance(o, rdflib.Literal)),
                    key=lambda v: (_primary(v) != current(), language_rank(v)),
                )
            )
        return values

    # ------------------------------------------------------------ site resources

    def resources(self) -> list[rdflib.URIRef]:
        """Every IRI with a page of its own (id/ and vocab/ namespaces), sorted."""
        found = set()
        for s, _, o in self.triples:
            for term in (s, o):
                if isinstance(term, rdflib.URIRef) and self.layout.resource_stem(str(term)) is not None:
                    found.add(term)
        return sorted(found, key=str)

    def owners(self, node: Any, limit: int = 6) -> list[tuple[Any, list[Any]]]:
        """For a blank node: the IRI subjects that reach it, each with the property path
        (list of predicates, outermost first). Cycles and very long paths are cut."""
        results: list[tuple[Any, list[Any]]] = []
        frontier: list[tuple[Any, list[Any]]] = [(node, [])]
        seen = {node}
        for _ in range(limit):
            next_frontier = []
            for current, path in frontier:
                for s, p in self.inc.get(current, ()):
                    if isinstance(s, rdflib.BNode):
                        if s not in seen:
                            seen.add(s)
                            next_frontier.append((s, [p] + path))
                    else:
                        results.append((s, [p] + path))
            frontier = next_frontier
            if not frontier:
                break
        return results

    def list_items(self, node: Any) -> list[Any] | None:
        """The members of a well-formed RDF list starting at `node`, else None."""
        items, seen = [], set()
        while node != RDF.nil:
            if not isinstance(node, rdflib.BNode) or node in seen:
                return None
            seen.add(node)
            firsts, rests = self.objects(node, RDF.first), self.objects(node, RDF.rest)
            if len(firsts) != 1 or len(rests) != 1:
                return None
            items.append(firsts[0])
            node = rests[0]
        return items
