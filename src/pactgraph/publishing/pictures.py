"""The timeline page (the items of `pactgraph timeline`, drawn on the story's scale) and the
ontology overview diagram."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import rdflib
from markupsafe import Markup

from pactgraph.publishing.figures import Edge, Node, ontology_overview
from pactgraph.publishing.i18n import N_, _, page_path
from pactgraph.publishing.layout import CANONICAL_BASE
from pactgraph.publishing.model import OWL, RDFS, SiteGraph, natural_key
from pactgraph.publishing.render import render
from pactgraph.publishing.views import Linker


def timeline_items(graph: SiteGraph) -> list[Any]:
    """The timeline of the site's graph, computed by the CLI's timeline code on a store
    holding the graph under the canonical base (the code's queries use it)."""
    import pyoxigraph as ox

    from pactgraph.reading.timeline import items
    from pactgraph.rdf.loading import to_oxigraph
    from pactgraph.stores.memory import MemoryStore

    base = graph.layout.base

    def canonical(term: Any) -> Any:
        if isinstance(term, rdflib.URIRef) and str(term).startswith(base):
            term = rdflib.URIRef(CANONICAL_BASE + str(term)[len(base) :])
        return to_oxigraph(term)

    store = ox.Store()
    store.extend(
        ox.Quad(canonical(s), canonical(p), canonical(o), ox.DefaultGraph()) for s, p, o in graph.triples
    )
    return items(MemoryStore.wrap(store))


#: The timeline's colours by kind of item (events have the third), the kinds as
#: pactgraph.reading.timeline names them.
KIND_COLOURS = {N_("report"): "#1f5fa8", N_("background source"): "#6a3d9a"}
EVENT_COLOUR = "#c0392b"
TIMELINE_KINDS = (N_("event"), *KIND_COLOURS)


def timeline_figure(rows: Sequence[Any], layout: str) -> str:
    """The timeline drawn on the story's scale, in the language being built: the reports are the story."""
    from pactgraph.publishing.figures import Span, timeline_svg

    spans = [
        Span(
            item.start,
            item.end,
            f"{item.when()}  {item.label}",
            f"{item.when()} — {_(item.kind)}: {item.label}" + (f" ({item.source})" if item.source else ""),
            KIND_COLOURS.get(item.kind, EVENT_COLOUR),
            story=item.kind == "report",
        )
        for item in rows
    ]
    legend = [(_(kind), KIND_COLOURS.get(kind, EVENT_COLOUR)) for kind in TIMELINE_KINDS]
    return timeline_svg(
        spans,
        _("Events and publications"),
        legend,
        _("diamond: exact date; bar: earliest to latest possible date; // a break in the time scale"),
        _("No dated events or publications."),
        layout,
    )


def timeline_files(graph: SiteGraph, common: Mapping[str, Any]) -> dict[str, bytes]:
    """timeline.svg (the figure) and timeline.html (the figure, in a wide and a narrow variant,
    and the same items as a table)."""
    page = page_path("timeline.html")
    rows = timeline_items(graph)
    linker = Linker(graph, page)
    entries = []
    for item in rows:
        iri = graph.layout.rebase(item.iri)
        entries.append(
            {
                "when": item.when(),
                "kind": _(item.kind.split(": ", 1)[0]),
                "kind_detail": item.kind.split(": ", 1)[1] if ": " in item.kind else "",
                "item": linker.link(rdflib.URIRef(iri)),
                "source": item.source,
                "vague": item.dated and not item.point and item.start != item.end,
            }
        )
    wide = timeline_figure(rows, "wide")
    figure = Markup(wide + timeline_figure(rows, "narrow"))
    html = render("timeline.html", page, title=_("Timeline"), entries=entries, figure=figure, **common)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + wide + "\n"
    return {page_path("timeline.svg"): svg.encode("utf-8"), page: html}


def ontology_figure(ontology: SiteGraph, title: str | None = None) -> Markup:
    """The ontology's classes, the classes its subclass axioms and object properties reach, an
    edge for each rdfs:subClassOf between them and one for each object property with a named
    domain and range. Own classes are named by their local name and link to their section;
    reused ones by their prefixed name."""
    ns = ontology.layout.ontology_ns
    links = []
    for prop in sorted(ontology.instances(OWL.ObjectProperty), key=str):
        if not str(prop).startswith(ns):
            continue
        for domain in ontology.objects(prop, RDFS.domain):
            for range_ in ontology.objects(prop, RDFS.range):
                if isinstance(domain, rdflib.URIRef) and isinstance(range_, rdflib.URIRef):
                    links.append((domain, ontology.label(prop), range_))
    parents = sorted(
        {
            (sub, sup)
            for sub, prop, sup in ontology.triples
            if prop == RDFS.subClassOf and isinstance(sub, rdflib.URIRef) and isinstance(sup, rdflib.URIRef)
        }
    )
    own = {c for c in ontology.instances(OWL.Class) if isinstance(c, rdflib.URIRef) and str(c).startswith(ns)}
    nodes = own | {d for d, _, _ in links} | {r for _, _, r in links} | {c for pair in parents for c in pair}

    def name(node: Any) -> str:
        iri = str(node)
        if iri.startswith(ns):
            return iri[len(ns) :]
        short = ontology.short(iri)
        return short if short != iri else re.split(r"[#/]", iri)[-1]

    classes = sorted(nodes, key=lambda c: (c not in own, natural_key(name(c)), str(c)))
    drawn = [
        Node(str(c), name(c), href=f"#{name(c)}" if c in own else "", own=c in own) for c in classes
    ]
    edges = [Edge(str(d), str(r), label) for d, label, r in links]
    if title is None:
        title = _(
            "Overview of the ontology: %(classes)d classes, the subclass relations between them "
            "and the %(properties)d properties that link them"
        ) % {"classes": len(classes), "properties": len(edges)}
    return ontology_overview(drawn, [(str(a), str(b)) for a, b in parents], edges, title)
