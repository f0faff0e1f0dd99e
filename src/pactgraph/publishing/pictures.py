"""The timeline page (the items of `pactgraph timeline`, drawn on the story's scale) and the
ontology's charts (class hierarchy, properties)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import rdflib
from markupsafe import Markup

from pactgraph.publishing.figures import Edge, Node, class_hierarchy, property_map
from pactgraph.publishing.i18n import _, current, page_path
from pactgraph.publishing.layout import CANONICAL_BASE
from pactgraph.publishing.model import OWL, RDFS, SiteGraph, natural_key
from pactgraph.publishing.render import render
from pactgraph.publishing.views import Linker


def timeline_items(graph: SiteGraph) -> list[Any]:
    """The timeline of the site's graph, computed by the CLI's timeline code on a store
    holding the graph under the canonical base (the code's queries use it)."""
    import pyoxigraph as ox

    from pactgraph.reading.timeline import items
    from pactgraph.rdf.rdflib_bridge import to_oxigraph
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


def timeline_figure(rows: Sequence[Any], layout: str, graph: SiteGraph | None = None) -> str:
    """The timeline drawn as `pactgraph timeline --format svg` draws it, in the language being
    built. With the site's `graph`, items are named in the page's language where it has them."""
    from pactgraph.publishing.timelines import figure

    def name(item: Any) -> tuple[str, str]:
        if graph is None:
            return item.label, "" if current() == "en" else "en"
        node = rdflib.URIRef(graph.layout.rebase(item.iri))
        return graph.label_in(node) if graph.literal_labels(node) else (item.label, graph.label_language(node))

    def event_type(item: Any) -> str:
        return event_type_name(graph, item)[0] if graph is not None else ""

    return figure(list(rows), _("Events and publications"), layout, current(), _, name, event_type, in_words=True)


def event_type_name(graph: SiteGraph, item: Any) -> tuple[str, str]:
    """An event's type (pg:eventType) as the ontology names it in the page's language, with that
    name's language when it is not the page's; ("", "") for an item without one."""
    node = rdflib.URIRef(graph.layout.rebase(item.iri))
    kind = graph.first(node, rdflib.URIRef(graph.layout.ontology_ns + "eventType"))
    return graph.label_in(kind) if kind is not None else ("", "")


def timeline_files(graph: SiteGraph, common: Mapping[str, Any]) -> dict[str, bytes]:
    """timeline.svg (the figure) and timeline.html (the figure, in a wide and a narrow variant,
    and the same items as a table)."""
    from pactgraph.publishing.timelines import when

    page = page_path("timeline.html")
    rows = timeline_items(graph)
    linker = Linker(graph, page)
    entries = []
    for item in rows:
        iri = graph.layout.rebase(item.iri)
        detail, detail_language = event_type_name(graph, item) if ": " in item.kind else ("", "")
        if ": " in item.kind and not detail:
            detail, detail_language = item.kind.split(": ", 1)[1], "" if current() == "en" else "en"
        entries.append(
            {
                "when": when(item, _, in_words=True),
                "kind": _(item.kind.split(": ", 1)[0]),
                "kind_detail": detail,
                "kind_language": detail_language,
                "item": linker.link(rdflib.URIRef(iri)),
                "source": item.source,
                "vague": item.dated and not item.point and item.start != item.end,
            }
        )
    wide = timeline_figure(rows, "wide", graph)
    figure = Markup(wide + timeline_figure(rows, "narrow", graph))
    html = render("timeline.html", page, title=_("Timeline"), entries=entries, figure=figure, **common)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + wide + "\n"
    return {page_path("timeline.svg"): svg.encode("utf-8"), page: html}


def ontology_figures(ontology: SiteGraph) -> tuple[Markup, Markup]:
    """Two charts of the ontology: its class hierarchy (an edge for each rdfs:subClassOf between
    named classes) and its properties (an edge for each object property with a named domain and
    range). Classes are named by their labels in the page's language (a reused class whose label
    another shares, by its label and vocabulary); own classes link to their section."""
    ns = ontology.layout.ontology_ns
    links = []
    for prop in sorted(ontology.instances(OWL.ObjectProperty), key=str):
        if not str(prop).startswith(ns):
            continue
        for domain in ontology.objects(prop, RDFS.domain):
            for range_ in ontology.objects(prop, RDFS.range):
                if isinstance(domain, rdflib.URIRef) and isinstance(range_, rdflib.URIRef):
                    links.append((domain, ontology.label_in(prop), range_))
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

    labels = {c: ontology.label_in(c) for c in nodes}
    taken = Counter(label for label, _language in labels.values())
    for c in nodes:
        label, language = labels[c]
        if taken[label] > 1 and c not in own:
            # reused classes that share a label (sem:Event, schema:Event) say whose they are
            labels[c] = (f"{label} ({ontology.short(str(c)).split(':')[0]})", language)
    classes = sorted(nodes, key=lambda c: (c not in own, natural_key(labels[c][0]), str(c)))
    drawn = [
        Node(str(c), labels[c][0], href=f"#{name(c)}" if c in own else "", own=c in own, language=labels[c][1])
        for c in classes
    ]
    edges = [Edge(str(d), str(r), label, language) for d, (label, language), r in links]
    pairs = [(str(a), str(b)) for a, b in parents]
    in_hierarchy = {c for pair in pairs for c in pair}
    hierarchy = _(
        "The ontology's class hierarchy: %(classes)d classes and the %(subclasses)d subclass relations between them"
    ) % {"classes": len(in_hierarchy), "subclasses": len(pairs)}
    linked = _("The ontology's properties: %(properties)d properties, each from its domain class to its range class") % {
        "properties": len(edges)
    }
    return (
        class_hierarchy(drawn, pairs, hierarchy, current()),
        property_map(drawn, edges, linked, current(), _(", ").rstrip()),
    )
