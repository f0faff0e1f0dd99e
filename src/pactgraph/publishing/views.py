"""Plain data for the page templates: links with labels, literals, nested blank nodes,
claims with quote, claimant, certainty and relay chain.

Nothing here produces HTML; the templates (autoescaped) do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import rdflib
from markupsafe import Markup, escape

from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.publishing import wording
from pactgraph.publishing.i18n import _, current
from pactgraph.publishing.involvement import CLAIMANT, MENTION, REPORTED, ROLE, SUBJECT, VALUE, claim_relevance, participants
from pactgraph.publishing.layout import Layout, relative, slug_of
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
from pactgraph.publishing.plain import ORG, Membership, language_labels, memberships, words
from pactgraph.publishing.termname import term_name

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"


def span_id(claim: Any) -> str:
    """The id of a claim's words in the annotated text page."""
    return "span-" + slug_of(str(claim))


#: Where a sentence ends: a full stop, question or exclamation mark (and a closing quote or
#: bracket) before a space, or the ideographic ones, which need none.
SENTENCE_END = re.compile(r"[.!?][\"'”’)]?(?=\s)|[。！？][”’」』）]?")


def context_before(prefix: str) -> tuple[str, bool]:
    """The words shown before a quote: those of its own paragraph and sentence, from a whole word on;
    and whether they start where the sentence does (no ellipsis needed)."""
    whole = "\n" in prefix
    text = prefix.rsplit("\n", 1)[-1]
    ends = list(SENTENCE_END.finditer(text))
    if ends:
        text, whole = text[ends[-1].end() :].lstrip(), True
    return (text, True) if whole else (after_first_break(text), False)


def context_after(suffix: str) -> tuple[str, bool]:
    """The words shown after a quote: up to the end of its sentence within its paragraph, else to the
    last whole word; and whether they end where the sentence does."""
    whole = "\n" in suffix
    text = suffix.split("\n", 1)[0]
    end = SENTENCE_END.search(text)
    if end:
        text, whole = text[: end.end()], True
    return (text.rstrip(), True) if whole else (before_last_break(text), False)


def after_first_break(context: str) -> str:
    """The words before a quote from the first whole word on: the stored context starts at a
    fixed count of characters, often inside a word. Text without spaces is kept whole."""
    if not context or context[0].isspace():
        return context
    cut = re.search(r"\s", context)
    return context[cut.end() :] if cut else context


def before_last_break(context: str) -> str:
    """The words after a quote up to the last whole word (see after_first_break)."""
    if not context or context[-1].isspace():
        return context
    cuts = list(re.finditer(r"\s", context))
    return context[: cuts[-1].start()] if cuts else context


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
    names: dict[str, str] = field(default_factory=dict)  # the label in other site languages
    path: bool = False  # a file path (pg:storedAt), broken only after its slashes


@dataclass
class Row:
    """One property of a resource with its values (or, for incoming links, its subjects)."""

    prop: Value
    values: list[Value]
    via: str = ""


@dataclass
class Chain:
    """The reports a claim passed through, oldest (where it was first reported) first."""

    reports: list[Value]
    dates: list[str]
    gap: bool = False  # the first report is not reached by following pg:relays
    outlets: list[str] = field(default_factory=list)  # the publisher of each report, for the figure
    figure: Any = None  # the chain drawn as SVG (markup)
    outlet_languages: list[str] = field(default_factory=list)  # of each outlet's name, when not the page's


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
    text_anchor: Value | None = None  # the claim's words in the annotated text
    node: Any = None
    certainty_meaning: str = ""  # the definition of its certainty, in words
    certainty_meaning_language: str = ""  # its language, when not the page's
    quote_language: str = ""  # the language of the quoted text, when not the page's
    prefix_whole: bool = False  # the words before start where their sentence does (no ellipsis)
    suffix_whole: bool = False  # the words after end where their sentence does


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
        self.membershipStatus = pg.membershipStatus
        self.capital = pg.capital
        #: The properties by which an event, membership, relation or agreement names the
        #: entities taking part in it (`involvement.participants`).
        self.participants = participants(layout.ontology_ns)
        self.ClaimComparison = pg.ClaimComparison
        self.earlierClaim = pg.earlierClaim
        self.laterClaim = pg.laterClaim
        self.claimRelation = pg.claimRelation
        self.comparisonReason = pg.comparisonReason
        self.Proposition = pg.Proposition
        self.Sentence = pg.Sentence
        self.TextAnchor = pg.TextAnchor
        self.Concept = rdflib.URIRef(PREFIXES["skos"] + "Concept")


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
            text, language = self.graph.label_in(node)
            pair = self.graph.comparisons.get(node)
            if pair is not None:  # a comparison's label, worded in the page's language
                text, language = wording.markup(self.graph, wording.label_reason(pair)), ""
            return Value(
                "link",
                text=text,
                href=href,
                iri=iri,
                external=external,
                names=language_labels(self.graph, node),
                language=language,
            )
        if isinstance(node, rdflib.BNode):
            return Value("link", text=self.graph.label(node))
        return self.literal(node)

    def prop(self, node: Any) -> Value:
        """A property, named in words when the graph gives it no label."""
        found = self.link(node)
        if isinstance(node, rdflib.URIRef) and not self.graph.literal_labels(node):
            found.text = words(str(node))
            found.language = "" if current() == "en" else "en"
        return found

    def field(self, node: Any) -> Value:
        """A property where it heads a row: named as the infobox and the claim card name it (term_name)."""
        found = self.link(node)
        found.text, found.language = term_name(self.graph, node)
        return found

    def literal(self, node: Any) -> Value:
        """A literal's value, with its language; an untagged string is English, as the project
        writes its untagged strings (names, quotes, messages): on a page in another language it
        says so (lang="en") rather than take the page's language."""
        text = str(node)
        datatype = ""
        if node.datatype is not None and not node.language:
            datatype = self.graph.short(str(node.datatype))
        language = node.language or ""
        if not language and node.datatype in (None, rdflib.XSD.string) and current() != "en":
            language = "en"
        return Value(
            "literal",
            text=text,
            language=language,
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

    def property_value(self, prop: Any, node: Any, depth: int = 0, seen: frozenset = frozenset()) -> Value:
        """A value of `prop`; a language code (schema:inLanguage) as the language's name in the page's language."""
        if prop == SCHEMA.inLanguage and isinstance(node, rdflib.Literal) and not node.language:
            name = language_name(str(node))
            if name:
                return Value("literal", text=name)
        if str(prop) == self.layout.ontology_ns + "storedAt" and isinstance(node, rdflib.Literal):
            return Value("literal", text=str(node), path=True)
        return self.value(node, depth, seen)

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
        for p in sorted(by_prop, key=lambda p: (natural_key(term_name(self.graph, p)[0]), str(p))):
            values = sorted(by_prop[p], key=self._value_key)
            rows.append(Row(self.field(p), [self.property_value(p, v, depth, seen) for v in values]))
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
            via = " › ".join(self.prop(step).text for step in steps)
            values = [
                self.link(s)
                for s in sorted(subjects, key=lambda s: (natural_key(self.graph.label(s)), str(s)))
            ]
            rows.append(Row(self.prop(p), values, via=via))
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

        source_text = text_anchor = None
        if source is not None and source in self.texts:
            source_text = Value("link", text=_("stored text"), href=relative(self.texts[source], self.page))
            source_page = self.layout.page(str(source))
            if source_page is not None and exact:
                text_anchor = Value(
                    "link", text=_("in the text"), href=relative(source_page, self.page) + "#" + span_id(claim)
                )
        certainty = g.first(claim, terms.certainty)
        meaning = g.descriptions(certainty) if certainty is not None else []
        shown_before, prefix_whole = context_before(prefix)
        shown_after, suffix_whole = context_after(suffix)
        return ClaimView(
            claim=self.link(claim),
            proposition=opt(g.first(claim, terms.proposition)),
            exact=exact,
            prefix=shown_before,
            suffix=shown_after,
            prefix_whole=prefix_whole,
            suffix_whole=suffix_whole,
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
            text_anchor=text_anchor,
            node=claim,
            certainty_meaning=str(meaning[0]) if meaning else "",
            certainty_meaning_language=_other_language(meaning[0]) if meaning else "",
            quote_language=text_language(g, source) if source is not None and exact else "",
        )

    def chain(self, stated_in: Any, first_in: Any, terms: Terms) -> Chain:
        """The relay chain from the report a claim is stated in to the report it first appeared in."""
        g = self.graph
        reports = [stated_in]
        at = stated_in
        # Without pg:reportedFirstIn the claim starts in the report that states it.
        while first_in is not None and at != first_in:
            following = sorted(g.objects(at, terms.relays), key=str)
            if not following or following[0] in reports:
                break
            at = following[0]
            reports.append(at)
        gap = first_in is not None and first_in not in reports
        if gap:
            reports.append(first_in)
        reports.reverse()  # oldest first
        dates = [str(g.first(r, SCHEMA.datePublished) or "") for r in reports]
        outlets = [
            g.label(g.first(r, SCHEMA.publisher)) if g.first(r, SCHEMA.publisher) else "" for r in reports
        ]
        from pactgraph.publishing.figures import Words, relay_chain

        names = [outlet or g.label(r) for outlet, r in zip(outlets, reports, strict=True)]
        title = _("Relay chain, oldest first: %(chain)s") % {
            "chain": " → ".join(f"{o} ({d})" if d else o for o, d in zip(names, dates, strict=True))
        }
        languages = [
            g.label_language(g.first(r, SCHEMA.publisher)) if g.first(r, SCHEMA.publisher) else "" for r in reports
        ]
        drawn = [
            Words(name, languages[i] if outlets[i] else g.label_language(r))
            for i, (name, r) in enumerate(zip(names, reports, strict=True))
        ]
        linked = [self.link(r) for r in reports]
        figure = (
            relay_chain(
                drawn,
                dates,
                gap,
                title,
                language=current(),
                links=[v.href or "" for v in linked],
                gap_note=_("(first reported here)"),
            )
            if len(reports) > 1
            else None
        )
        return Chain(linked, dates, gap, outlets, figure, languages)


@dataclass
class ClaimGroup:
    """The claims about one proposition (or one claim without a proposition)."""

    proposition: Value | None
    claims: list[ClaimView]
    disagree: bool = False  # two of its claims disagree (see disagreeing_pairs)


@dataclass
class ResourceView:
    """Everything the resource page template shows."""

    iri: str
    title: str
    language: str  # of the title, when not the page's
    names: dict[str, str]
    labels: list[Value]
    alt_labels: list[Value]
    types: list[Value]
    descriptions: list[Value]
    wikidata: list[Value]
    same_as: list[Value]
    infobox: list[tuple[str, list[Value]]]
    this_claim: ClaimView | None
    claim_sections: list[tuple[str, Any, list[ClaimGroup]]]
    rows: list[Row]
    incoming: list[Row]
    stored_text: Value | None
    legend: list[tuple[Value, list[tuple[Value, Value]]]] = field(default_factory=list)
    annotated: Any = None  # the annotated text, for a stored source text
    annotated_language: str = ""  # its language, when not the page's
    related: list[Any] = field(default_factory=list)  # comparisons.Related: what other claims say
    fields: dict[str, str] = field(default_factory=dict)  # the claim card's field names (field_names)


def _legend_nodes(graph: SiteGraph, terms: Terms) -> list[tuple[Any, list[tuple[Any, Any]]]]:
    cached = getattr(graph, "_legend_nodes", None)
    if cached is not None:
        return cached
    skos = rdflib.Namespace(PREFIXES["skos"])
    found = []
    for prop in (terms.certainty, terms.polarity, terms.timeOrientation):
        used = {o for _, p, o in graph.triples if p == prop}
        for scheme in sorted({s for c in used for s in graph.objects(c, skos.inScheme)}, key=str):
            concepts = sorted(
                graph.subjects(skos.inScheme, scheme), key=lambda c: (natural_key(graph.label(c)), str(c))
            )
            rows = []
            for concept in concepts:
                rows.append((concept, None))
            found.append((scheme, rows))
    graph._legend_nodes = found  # type: ignore[attr-defined]
    return found


def text_language(graph: SiteGraph, source: Any) -> str:
    """The language of a stored source text (its rdf:value's tag; an untagged one is English,
    as the project stores English texts) when it is not the page's, else ''."""
    value = graph.first(source, RDF.value)
    return _other_language(value if isinstance(value, rdflib.Literal) else rdflib.Literal(""))


def _other_language(literal: Any) -> str:
    """The language of a literal when it is not the page's ('en' for an untagged one), else ''."""
    language = (getattr(literal, "language", None) or "en").lower()
    return "" if language.split("-")[0] == current() else language


def _definition(graph: SiteGraph, linker: Linker, concept: Any) -> Value:
    found = graph.descriptions(concept)
    return linker.literal(found[0]) if found else Value("literal")


def legend_entries(
    graph: SiteGraph, linker: Linker, terms: Terms
) -> list[tuple[Value, list[tuple[Value, Value]]]]:
    """The schemes of certainty, polarity and time orientation, each concept with its definition."""
    return [
        (linker.link(scheme), [(linker.link(c), _definition(graph, linker, c)) for c, _unused in rows])
        for scheme, rows in _legend_nodes(graph, terms)
    ]


def disagreeing_pairs(graph: SiteGraph) -> set[frozenset[str]]:
    """The pairs of claims whose published comparison is a disagreement: one of
    `pactgraph.reading.comparing.DISAGREEING`, the one definition the site flags everywhere."""
    from pactgraph.reading.comparing import DISAGREEING, relation_iri

    layout = graph.layout
    pg = rdflib.Namespace(layout.ontology_ns)
    wanted = {rdflib.URIRef(layout.rebase(relation_iri(r))) for r in DISAGREEING}
    return {
        frozenset((str(graph.first(node, pg.earlierClaim)), str(graph.first(node, pg.laterClaim))))
        for node in graph.instances(pg.ClaimComparison)
        if graph.first(node, pg.claimRelation) in wanted
    }


def group_claims(
    views: list[ClaimView],
    disagreeing: Collection[frozenset[str]] = (),
    key: Callable[[ClaimView], tuple] | None = None,
) -> list[ClaimGroup]:
    """Claims grouped by proposition, groups and claims in a stable order; a group disagrees when
    two of its claims are one of the `disagreeing` pairs. With `key`, the claims of a group follow
    it and each group comes where its first claim would (see claim_order)."""
    groups: dict[str, ClaimGroup] = {}
    for view in views:
        group_key = view.proposition.iri if view.proposition is not None else view.claim.iri
        group = groups.setdefault(group_key, ClaimGroup(view.proposition, []))
        group.claims.append(view)
    for group in groups.values():
        iris = [c.claim.iri for c in group.claims]
        group.disagree = any(frozenset((a, b)) in disagreeing for i, a in enumerate(iris) for b in iris[i + 1 :])
    if key is not None:
        for group in groups.values():
            group.claims.sort(key=key)
        return sorted(groups.values(), key=lambda g: key(g.claims[0]))
    return sorted(
        groups.values(),
        key=lambda g: (natural_key(g.proposition.text if g.proposition else ""), g.claims[0].claim.iri),
    )


def language_name(code: str) -> str:
    """The name of the language with this BCP 47 code in the page's language (Babel's CLDR display
    names), or "" when CLDR has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(Locale.parse(current())) or ""
    except (ValueError, UnknownLocaleError):
        return ""


def first_published(graph: SiteGraph, claim: Any, terms: Terms) -> str:
    """The publication date of the report a claim was first reported in (else the one stating it)."""
    origin = graph.first(claim, terms.reportedFirstIn) or graph.first(claim, terms.statedIn)
    return str(graph.first(origin, SCHEMA.datePublished) or "") if origin is not None else ""


def claim_order(graph: SiteGraph, relevance: dict[Any, int], terms: Terms) -> Callable[[ClaimView], tuple]:
    """The order of the claims on a resource's page: by relevance (claim_relevance), then the day
    first published (undated last), then IRI."""

    def key(view: ClaimView) -> tuple:
        date = first_published(graph, view.node, terms)
        return (relevance[view.node], date == "", date, view.claim.iri)

    return key


def _named(message: str, name: str, language: str) -> Markup:
    """A translated phrase around a name, the name marked with its language when it is not the page's."""
    shown = Markup('<span lang="%s">%s</span>') % (language, name) if language else name
    return Markup(escape(message)) % {"name": shown}


def _phrase(*parts: Value | str) -> Value:
    return Value("phrase", items=[Value("literal", text=p) if isinstance(p, str) else p for p in parts])


def _dates(start: str, end: str) -> str:
    if start and end:
        return " " + _("(%(start)s to %(end)s)") % {"start": start, "end": end}
    if start:
        return " " + _("(since %(start)s)") % {"start": start}
    if end:
        return " " + _("(until %(end)s)") % {"end": end}
    return ""


def field_names(graph: SiteGraph, terms: Terms) -> dict[str, str]:
    """The names of a claim's fields on its card and in the front page's table (term_name)."""
    return {
        "claim": term_name(graph, terms.Claim)[0],
        "claimant": term_name(graph, terms.claimant)[0],
        "certainty": term_name(graph, terms.certainty)[0],
        "polarity": term_name(graph, terms.polarity)[0],
        "time": term_name(graph, terms.timeOrientation)[0],
        "conditional_on": term_name(graph, terms.conditionalOn)[0],
        "reason_for": term_name(graph, terms.reasonFor)[0],
    }


def infobox(
    graph: SiteGraph, node: Any, linker: Linker, terms: Terms, types: list[Value]
) -> list[tuple[str, list[Value]]]:
    """The facts shown first on a page: type, names, memberships with status and dates, capital."""
    rows: list[tuple[str, list[Value]]] = []
    if types:
        rows.append((term_name(graph, RDF.type)[0], types))
    names = sorted(graph.literal_labels(node), key=language_rank)
    names += sorted(graph.literal_labels(node, ALT_LABEL_PROPERTIES), key=language_rank)
    unique: dict[str, Any] = {}
    for n in names:
        unique.setdefault(str(n), n)  # each spelling once, in rank order
    names = list(unique.values())
    if len(names) > 1:
        rows.append((_("Names"), [linker.literal(n) for n in names]))
    box = memberships(graph, node, terms.membershipStatus)

    def phrases(found: list[Membership]) -> list[Value]:
        """Each membership as "other — status (dates)"."""
        return [
            _phrase(
                linker.link(m.other) if m.other is not None else "?",
                " — ",
                *([linker.link(m.status)] if m.status is not None else []),
                _dates(m.start, m.end),
            )
            for m in found
        ]

    if box.memberships:
        rows.append((term_name(graph, ORG.memberOf)[0], phrases(box.memberships)))
    if box.members:
        rows.append((_("Members"), phrases(box.members)))
    for prop in (terms.capital, SCHEMA.datePublished, SCHEMA.publisher, SCHEMA.url, SCHEMA.inLanguage, terms.relays):
        values = graph.objects(node, prop)
        if values:
            rows.append((term_name(graph, prop)[0], [linker.property_value(prop, v) for v in sorted(values, key=str)]))
    return rows


def claim_card_properties(terms: Terms) -> frozenset:
    """The properties of a claim that its card shows, so its page does not list them again."""
    return frozenset(
        (
            terms.proposition,
            terms.claimant,
            terms.certainty,
            terms.polarity,
            terms.timeOrientation,
            terms.statedIn,
            terms.reportedFirstIn,
            terms.hasAnchor,
            terms.conditionalOn,
            terms.reasonFor,
            rdflib.URIRef(PREFIXES["prov"] + "qualifiedAttribution"),
        )
    )


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
                    text=_("Wikidata %(id)s") % {"id": qid},
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
    sections: list[tuple[str, Any, list[ClaimGroup]]] = []
    title = graph.label(node)
    title = title[:1].upper() + title[1:] if title[:1].islower() else title  # a heading starts a sentence
    shown: set[Any] = {node}

    relevance = claim_relevance(graph, node, terms)
    order = claim_order(graph, relevance, terms)
    disagreeing = disagreeing_pairs(graph) if relevance else set()
    name_language = graph.label_language(node)
    for anchor, heading, ranks in (
        ("claims-about", _named(_("Claims about %(name)s"), title, name_language), (SUBJECT,)),
        ("claims-by", _named(_("Claims made by %(name)s"), title, name_language), (CLAIMANT,)),
        ("claims-involving", _named(_("Claims involving %(name)s"), title, name_language), (VALUE, ROLE)),
        ("claims-mentioning", _named(_("Claims mentioning %(name)s"), title, name_language), (MENTION,)),
        ("claims-in", _("Claims stated or first reported in this report"), (REPORTED,)),
    ):
        found = {c for c, rank in relevance.items() if rank in ranks} - shown
        views = [linker.claim(c, terms) for c in sorted(found, key=str)]
        shown |= found
        if views:
            sections.append((anchor, heading, group_claims(views, disagreeing, key=order)))

    stored_text = None
    if node in texts:
        stored_text = Value("link", text=_("Download the stored text"), href=relative(texts[node], page))
    types = [linker.link(t) for t in graph.shown_types(node)]
    for t in types:
        if t.text.startswith(tuple(f"{prefix}:" for prefix in PREFIXES)):
            t.text = words(t.iri)
            t.language = "" if current() == "en" else "en"
    # Referenced by: not the claims listed above, nor the text anchors and sentences that
    # the annotated text and the claims show
    hidden = {terms.TextAnchor, terms.Sentence}
    incoming = []
    for row in linker.incoming(node):
        kept = [
            v
            for v in row.values
            if not (v.iri and rdflib.URIRef(v.iri) in shown - {node})
            and not any(graph.has_type(rdflib.URIRef(v.iri), cls) for cls in hidden)
        ]
        if kept:
            incoming.append(Row(row.prop, kept, via=row.via))
    skip_here = skip | (claim_card_properties(terms) if this_claim is not None else frozenset())
    return ResourceView(
        iri=str(node),
        title=title,
        language=graph.label_language(node),
        names=language_labels(graph, node),
        labels=[linker.literal(v) for v in labels],
        alt_labels=[linker.literal(v) for v in alt],
        types=types,
        descriptions=[linker.literal(v) for v in graph.descriptions(node)],
        wikidata=wikidata,
        same_as=other_same,
        infobox=infobox(graph, node, linker, terms, types),
        this_claim=this_claim,
        claim_sections=sections,
        rows=linker.rows(node, 0, frozenset({node}), skip=skip_here),
        incoming=incoming,
        stored_text=stored_text,
        legend=legend_entries(graph, linker, terms) if (this_claim or sections) else [],
        fields=field_names(graph, terms) if (this_claim or sections) else {},
    )
