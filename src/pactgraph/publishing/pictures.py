"""The timeline page (drawn by pactgraph.contributing.timeline, the same figure as
`pactgraph timeline --format svg`) and the ontology overview diagram."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import rdflib
from markupsafe import Markup

from pactgraph.publishing.i18n import N_, _, page_path
from pactgraph.publishing.figures import Edge, ontology_overview
from pactgraph.publishing.layout import CANONICAL_BASE
from pactgraph.publishing.model import OWL, RDFS, SiteGraph, natural_key
from pactgraph.publishing.render import render
from pactgraph.publishing.views import Linker


def timeline_items(graph: SiteGraph) -> list[Any]:
    """The timeline of the site's graph, computed by the CLI's timeline code on a store
    holding the graph under the canonical base (the code's queries use it)."""
    import pyoxigraph as ox

    from pactgraph.contributing.timeline import items
    from pactgraph.loading import to_oxigraph
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


#: The timeline's kinds of item, as pactgraph.contributing.timeline names them.
TIMELINE_KINDS = (N_("event"), N_("report"), N_("background source"))


def timeline_words() -> dict[str, str]:
    """The timeline figure's words in the language being built."""
    words = {kind: _(kind) for kind in TIMELINE_KINDS}
    words["key"] = _("diamond: exact date; bar: from earliest to latest possible date")
    return words


def timeline_files(graph: SiteGraph, common: Mapping[str, Any]) -> dict[str, bytes]:
    """timeline.svg (the figure) and timeline.html (the figure and the same items as a table)."""
    from pactgraph.contributing.timeline import render_svg

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
    svg = render_svg(rows, title=_("Events and publications"), words=timeline_words())
    html = render("timeline.html", page, title=_("Timeline"), entries=entries, **common)
    return {page_path("timeline.svg"): svg.encode("utf-8"), page: html}


def ontology_figure(ontology: SiteGraph) -> Markup:
    """The ontology's classes, and the classes its object properties link them to, on a
    circle; each object property with a named domain and range is an arrow between them."""
    ns = ontology.layout.ontology_ns
    links = []
    for prop in sorted(ontology.instances(OWL.ObjectProperty), key=str):
        if not str(prop).startswith(ns):
            continue
        for domain in ontology.objects(prop, RDFS.domain):
            for range_ in ontology.objects(prop, RDFS.range):
                if isinstance(domain, rdflib.URIRef) and isinstance(range_, rdflib.URIRef):
                    links.append((domain, ontology.label(prop), range_))
    own = {c for c in ontology.instances(OWL.Class) if isinstance(c, rdflib.URIRef) and str(c).startswith(ns)}
    nodes = own | {d for d, _, _ in links} | {r for _, _, r in links}

    def name(node: Any) -> str:
        iri = str(node)
        return iri[len(ns) :] if iri.startswith(ns) else re.split(r"[#/]", iri)[-1]

    classes = sorted(nodes, key=lambda c: (str(c) not in {str(o) for o in own}, natural_key(name(c)), str(c)))
    names = {c: name(c) for c in classes}
    edges = [Edge(names[d], names[r], label) for d, label, r in links]
    return ontology_overview(
        [names[c] for c in classes],
        edges,
        f"Overview of the ontology: {len(classes)} classes and the {len(edges)} properties between them",
    )
