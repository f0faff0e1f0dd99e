"""Plain data for the page templates: links with labels, literals, nested blank nodes,
claims with quote, claimant, certainty and relay chain.

Nothing here produces HTML; the templates (autoescaped) do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rdflib

from pactgraph.publishing.layout import Layout, relative
from pactgraph.publishing.model import (
    ALT_LABEL_PROPERTIES,
    DESCRIPTION_PROPERTIES,
    LABEL_PROPERTIES,
    OA,
    RDF,
    SCHEMA,
    SiteGraph,
    language_rank,
    natural_key,
)

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
LONG_TEXT = 160
MAX_DEPTH = 4


@dataclass
class Value:
    """A value shown on a page: kind 'link', 'literal', 'node' (blank node) or 'list'."""

    kind: str
    text: str = ""
    href: str | None = None
    iri: str = ""
    external: bool = False
    language: str = ""
    datatype: str = ""
    long: bool = False
    rows: list[Row] = field(default_factory=list)
    items: list[Value] = field(default_factory=list)


@dataclass
class Row:
    """One property of a resource with its values (or, for incoming links, its subjects)."""

    prop: Value
    values: list[Value]
    via: str = ""


@dataclass
class Chain:
    reports: list[Value]
    dates: list[str]
    gap: bool = False  # the first report is not reached by following pg:relays


@dataclass
class ClaimView:
    claim: Value
    proposition: Value | None
    exact: str
    prefix: str
    suffix: str
    claimant: Value | None
    certainty: Value | None
    polarity: Value | None
    time_orientation: Value | None
    stated_in: Value | None
    reported_first_in: Value | None
    chain: Chain | None
    sentence: Value | None
    source_text: Value | None
    conditional_on: list[Value]
    reason_for: list[Value]


class Terms:
    """The project's terms under a site's (possibly rebased) namespaces."""

    def __init__(self, layout: Layout):
        pg = rdflib.Namespace(layout.ontology_ns)
        self.Claim = pg.Claim
        self.Report = pg.Report
        self.SourceText = pg.SourceText
        self.proposition = pg.proposition
        self.about = pg.about
        self.claimant = pg.claimant
        self.certainty = pg.certainty
        self.polarity = pg.polarity
        self.timeOrientation = pg.timeOrientation
        self.statedIn = pg.statedIn
        self.reportedFirstIn = pg.reportedFirstIn
        self.hasAnchor = pg.hasAnchor
        self.inSentence = pg.inSentence
        self.relays = pg.relays
        self.storedAt = pg.storedAt
        self.conditionalOn = pg.conditionalOn
        self.reasonFor = pg.reasonFor


class Linker:
    """Turns RDF terms into Values with links relative to one page."""

    def __init__(self, graph: SiteGraph, page: str, texts: dict[Any, str] | None = None):
        self.graph = graph
        self.page = page
        self.layout = graph.layout
        self.texts = texts or {}

    def link(self, node: Any) -> Value:
        if isinstance(node, rdflib.URIRef):
            iri = str(node)
            href = self.layout.href(iri, self.page)
            external = href is not None and self.layout.target(iri) is None
            return Value("link", text=self.graph.label(node), href=href, iri=iri, external=external)
        if isinstance(node, rdflib.BNode):
            return Value("link", text=self.graph.label(node))
        return self.literal(node)

    def literal(self, node: Any) -> Value:
        text = str(node)
        datatype = ""
        if node.datatype is not None and not node.language:
            datatype = self.graph.short(str(node.datatype))
        return Value(
            "literal",
            text=text,
            language=node.language or "",
            datatype=datatype,
            long=len(text) > LONG_TEXT or "\n" in text,
        )

    def value(self, node: Any, depth: int = 0, seen: frozenset = frozenset()) -> Value:
        if isinstance(node, rdflib.Literal):
            return self.literal(node)
        if isinstance(node, rdflib.BNode):
            if depth >= MAX_DEPTH or node in seen:
                return Value("link", text=self.graph.label(node))
            items = self.graph.list_items(node)
            if items is not None:
                return Value("list", items=[self.value(i, depth + 1, seen | {node}) for i in items])
            return Value("node", rows=self.rows(node, depth + 1, seen | {node}))
        return self.link(node)

    def rows(
        self, node: Any, depth: int = 0, seen: frozenset = frozenset(), skip: frozenset = frozenset()
    ) -> list[Row]:
        """The outgoing statements of `node`, one row per property, sorted by property label."""
        by_prop: dict[Any, list[Any]] = {}
        for p, o in self.graph.out.get(node, ()):
            if p in skip:
                continue
            by_prop.setdefault(p, []).append(o)
        rows = []
        for p in sorted(by_prop, key=lambda p: (natural_key(self.graph.label(p)), str(p))):
            values = sorted(by_prop[p], key=self._value_key)
            rows.append(Row(self.link(p), [self.value(v, depth, seen) for v in values]))
        return rows

    def _value_key(self, node: Any) -> tuple:
        if isinstance(node, rdflib.Literal):
            return (1,) + language_rank(node)
        return (0, natural_key(self.graph.label(node)), str(node))

    def incoming(self, node: Any) -> list[Row]:
        """Links to `node`: (property, subjects); links from blank nodes are shown from the
        IRI that owns the blank node, with the path in between."""
        groups: dict[tuple[Any, tuple[Any, ...]], set[Any]] = {}
        for s, p in self.graph.inc.get(node, ()):
            if s == node:
                continue
            if isinstance(s, rdflib.BNode):
                for owner, path in self.graph.owners(s):
                    if owner != node:
                        groups.setdefault((p, tuple(path)), set()).add(owner)
            else:
                groups.setdefault((p, ()), set()).add(s)
        rows = []
        for (p, steps), subjects in groups.items():
            via = " › ".join(self.graph.label(step) for step in steps)
            values = [
                self.link(s)
                for s in sorted(subjects, key=lambda s: (natural_key(self.graph.label(s)), str(s)))
            ]
            rows.append(Row(self.link(p), values, via=via))
        rows.sort(key=lambda r: (r.prop.text.lower(), r.via, r.prop.iri))
        return rows

    # ------------------------------------------------------------ claims

    def claim(self, claim: Any, terms: Terms) -> ClaimView:
        g = self.graph
        anchor = g.first(claim, terms.hasAnchor)
        exact = prefix = suffix = ""
        sentence = source = None
        if anchor is not None:
            for selector in g.objects(anchor, OA.hasSelector):
                if g.has_type(selector, OA.TextQuoteSelector):
                    exact = str(g.first(selector, OA.exact) or "")
                    prefix = str(g.first(selector, OA.prefix) or "")
                    suffix = str(g.first(selector, OA.suffix) or "")
                    break
            sentence = g.first(anchor, terms.inSentence)
            source = g.first(anchor, OA.hasSource)
        stated_in = g.first(claim, terms.statedIn)
        first_in = g.first(claim, terms.reportedFirstIn)

        def opt(node: Any) -> Value | None:
            return None if node is None else self.link(node)

        source_text = None
        if source is not None and source in self.texts:
            source_text = Value("link", text="stored text", href=relative(self.texts[source], self.page))
        return ClaimView(
            claim=self.link(claim),
            proposition=opt(g.first(claim, terms.proposition)),
            exact=exact,
            prefix=prefix,
            suffix=suffix,
            claimant=opt(g.first(claim, terms.claimant)),
            certainty=opt(g.first(claim, terms.certainty)),
            polarity=opt(g.first(claim, terms.polarity)),
            time_orientation=opt(g.first(claim, terms.timeOrientation)),
            stated_in=opt(stated_in),
            reported_first_in=opt(first_in),
            chain=self.chain(stated_in, first_in, terms) if stated_in is not None else None,
            sentence=opt(sentence),
            source_text=source_text,
            conditional_on=[self.link(n) for n in g.objects(claim, terms.conditionalOn)],
            reason_for=[self.link(n) for n in g.objects(claim, terms.reasonFor)],
        )

    def chain(self, stated_in: Any, first_in: Any, terms: Terms) -> Chain:
        """The relay chain from the report a claim is stated in to the report it first appeared in."""
        g = self.graph
        reports = [stated_in]
        current = stated_in
        # Without pg:reportedFirstIn the claim starts in the report that states it.
        while first_in is not None and current != first_in:
            following = sorted(g.objects(current, terms.relays), key=str)
            if not following or following[0] in reports:
                break
            current = following[0]
            reports.append(current)
        gap = first_in is not None and first_in not in reports
        if gap:
            reports.append(first_in)
        dates = [str(g.first(r, SCHEMA.datePublished) or "") for r in reports]
        return Chain([self.link(r) for r in reports], dates, gap)


@dataclass
class ResourceView:
    """Everything the resource page template shows."""

    iri: str
    title: str
    labels: list[Value]
    alt_labels: list[Value]
    types: list[Value]
    descriptions: list[Value]
    wikidata: list[Value]
    same_as: list[Value]
    this_claim: ClaimView | None
    claim_sections: list[tuple[str, str, list[ClaimView]]]
    rows: list[Row]
    incoming: list[Row]
    stored_text: Value | None


def resource_view(
    graph: SiteGraph, node: Any, page: str, terms: Terms, texts: dict[Any, str]
) -> ResourceView:
    linker = Linker(graph, page, texts)
    labels = sorted(graph.literal_labels(node), key=language_rank)
    alt = sorted(graph.literal_labels(node, ALT_LABEL_PROPERTIES), key=language_rank)
    same_as = graph.objects(node, SCHEMA.sameAs)
    wikidata, other_same = [], []
    for target in sorted(same_as, key=str):
        iri = str(target)
        if (
            isinstance(target, rdflib.URIRef)
            and iri.startswith(WIKIDATA_ENTITY)
            and iri[len(WIKIDATA_ENTITY) :].isalnum()
        ):
            qid = iri[len(WIKIDATA_ENTITY) :]
            wikidata.append(
                Value(
                    "link",
                    text=f"Wikidata {qid}",
                    href=f"https://www.wikidata.org/wiki/{qid}",
                    iri=iri,
                    external=True,
                )
            )
        else:
            other_same.append(linker.value(target))
    skip = frozenset(
        (RDF.type, SCHEMA.sameAs) + LABEL_PROPERTIES + ALT_LABEL_PROPERTIES + DESCRIPTION_PROPERTIES
    )

    this_claim = linker.claim(node, terms) if graph.has_type(node, terms.Claim) else None
    sections: list[tuple[str, str, list[ClaimView]]] = []
    title = graph.label(node)

    def claims(found: set[Any]) -> list[ClaimView]:
        return [linker.claim(c, terms) for c in sorted(found - {node}, key=str)]

    about = set()
    for proposition in set(graph.subjects(terms.about, node)) | (
        {node} if graph.subjects(terms.proposition, node) else set()
    ):
        about.update(graph.subjects(terms.proposition, proposition))
    made = set(graph.subjects(terms.claimant, node))
    stated = set(graph.subjects(terms.statedIn, node)) | set(graph.subjects(terms.reportedFirstIn, node))
    for anchor, heading, found in (
        ("claims-about", f"Claims about {title}", about),
        ("claims-by", f"Claims made by {title}", made),
        ("claims-in", "Claims stated or first reported in this report", stated),
    ):
        views = claims(found)
        if views:
            sections.append((anchor, heading, views))

    stored_text = None
    if node in texts:
        stored_text = Value("link", text="Download the stored text", href=relative(texts[node], page))
    return ResourceView(
        iri=str(node),
        title=title,
        labels=[linker.literal(v) for v in labels],
        alt_labels=[linker.literal(v) for v in alt],
        types=[
            linker.link(t)
            for t in sorted(graph.types(node), key=lambda t: (natural_key(graph.label(t)), str(t)))
        ],
        descriptions=[linker.literal(v) for v in graph.descriptions(node)],
        wikidata=wikidata,
        same_as=other_same,
        this_claim=this_claim,
        claim_sections=sections,
        rows=linker.rows(node, 0, frozenset({node}), skip=skip),
        incoming=linker.incoming(node),
        stored_text=stored_text,
    )
