"""A page per resource of the site's namespaces (HTML, Turtle, JSON-LD, N-Triples,
RDF/XML), and the index page that lists them by class."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rdflib

from pactgraph.publishing import comparisons, serialize
from pactgraph.publishing.i18n import _, page_path
from pactgraph.publishing.annotate import Annotated, annotate, spans
from pactgraph.publishing.jsonld import Compactor
from pactgraph.publishing.layout import RDF_EXTENSIONS
from pactgraph.publishing.model import SiteGraph, natural_key
from pactgraph.publishing.render import alternates, render
from pactgraph.publishing.schemaclaim import claim_json, claim_triples
from pactgraph.publishing.views import Linker, Terms, Value, resource_view, span_id, text_language


def resource_triples(graph: SiteGraph, node: Any) -> list[tuple[Any, Any, Any]]:
    """What a resource's own RDF documents hold: its statements with the statements of the
    blank nodes they reach (its concise bounded description), and the statements of other
    IRIs that point to it."""
    found: set[tuple[Any, Any, Any]] = set()
    stack, seen = [node], {node}
    while stack:
        subject = stack.pop()
        for p, o in graph.out.get(subject, ()):
            found.add((subject, p, o))
            if isinstance(o, rdflib.BNode) and o not in seen:
                seen.add(o)
                stack.append(o)
    for s, p in graph.inc.get(node, ()):
        if isinstance(s, rdflib.URIRef):
            found.add((s, p, node))
    return sorted(found, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


def annotated_text(graph: SiteGraph, node: Any, data: bytes, terms: Terms, page: str) -> Annotated | None:
    """The stored text of `node` with its claims' words highlighted (None if it is not UTF-8)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found, missing = spans(graph, node, text, terms, page, span_id)
    return Annotated(annotate(text, found), len(found), [Linker(graph, page).link(c) for c in missing])


def document_triples(layout: Any, stem: str, node: Any, license_: str) -> list[tuple[Any, Any, Any]]:
    """What every resource document says about the documents of the resource (its page and
    RDF files): their topic, their licence and the dataset they belong to."""
    from pactgraph.publishing.dataset import DCTERMS, FOAF, VOID

    dataset = rdflib.URIRef(layout.void_iri + "#dataset")
    found = []
    for ext in ("html", *RDF_EXTENSIONS):
        doc = rdflib.URIRef(layout.iri(f"{stem}.{ext}"))
        found += [
            (doc, FOAF.primaryTopic, node),
            (doc, DCTERMS.license, rdflib.URIRef(license_)),
            (doc, VOID.inDataset, dataset),
        ]
    return found


def rdf_documents(
    triples: list[Any], stem: str, compactor: Compactor, prefixes: Mapping[str, str], first: Any = None
) -> dict[str, bytes]:
    """`<stem>.ttl`, `.jsonld`, `.nt` and `.rdf` of sorted canonical triples."""
    return {
        f"{stem}.ttl": serialize.turtle(triples, prefixes),
        f"{stem}.jsonld": compactor.document_bytes(triples, f"{stem}.jsonld", first=first),
        f"{stem}.nt": serialize.ntriples(triples),
        f"{stem}.rdf": serialize.rdfxml(triples, prefixes, what=stem),
    }


def resource_files(
    graph: SiteGraph,
    compactor: Compactor,
    prefixes: Mapping[str, str],
    texts: dict[Any, str],
    common: Mapping[str, Any],
    license_: str,
    text_files: Mapping[str, bytes] | None = None,
    documents: bool = True,
) -> dict[str, bytes]:
    """Every resource page and its RDF representations (which also state their licence and
    dataset); a claim's also give it as a schema.org Claim (see schemaclaim). Pages are in the
    language being built (i18n); `documents=False` leaves out the RDF documents (written once)."""
    terms = Terms(graph.layout)
    files: dict[str, bytes] = {}
    for node in graph.resources():
        stem = graph.layout.resource_stem(str(node))
        assert stem is not None
        page = page_path(stem + ".html")
        view = resource_view(graph, node, page, terms, texts)
        if view.this_claim is not None:
            view.related = comparisons.related(graph, node, Linker(graph, page, texts), terms)
        title = view.title
        if node in graph.comparisons:
            comparisons.word_page(graph, node, view, terms)
        if node in texts and text_files is not None and texts[node] in text_files:
            view.annotated = annotated_text(graph, node, text_files[texts[node]], terms, page)
            view.annotated_language = text_language(graph, node)
            if view.annotated is not None:  # the text is shown once: annotated, not again as a value
                shown = text_files[texts[node]].decode("utf-8")
                for row in view.rows:
                    row.values = [v for v in row.values if not (v.kind == "literal" and v.text == shown)]
                view.rows = [row for row in view.rows if row.values]
        files[page] = render(
            "resource.html",
            page,
            title=title,
            view=view,
            alternates=alternates(stem, page),
            structured_data=claim_json(graph, node),
            **common,
        )
        if not documents:
            continue
        triples = sorted(
            set(resource_triples(graph, node))
            | set(document_triples(graph.layout, stem, node, license_))
            | set(claim_triples(graph, node))
            | comparisons.claim_triples(graph, node),
            key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()),
        )
        files.update(rdf_documents(triples, stem, compactor, prefixes, first=node))
    return files


@dataclass
class ClassGroup:
    anchor: str
    cls: Value
    resources: list[Value]


def class_anchor(graph: SiteGraph, cls: Any) -> str:
    """The id of a class's section on the index page ('class-pg-Claim')."""
    return "class-" + re.sub(r"[^A-Za-z0-9_-]+", "-", graph.short(str(cls))).strip("-")


def class_groups(graph: SiteGraph, page: str) -> list[ClassGroup]:
    """The site's resources grouped by class (a resource with several classes is in each)."""
    linker = Linker(graph, page)
    by_class: dict[Any, list[Any]] = {}
    untyped = []
    for node in graph.resources():
        types = graph.shown_types(node)
        if not types:
            untyped.append(node)
        for cls in types:
            by_class.setdefault(cls, []).append(node)
    groups = []
    for cls in sorted(by_class, key=lambda c: (natural_key(graph.label(c)), str(c))):
        members = sorted(by_class[cls], key=lambda n: (natural_key(graph.label(n)), str(n)))
        groups.append(
            ClassGroup(class_anchor(graph, cls), linker.link(cls), [linker.link(n) for n in members])
        )
    if untyped:
        members = sorted(untyped, key=lambda n: (natural_key(graph.label(n)), str(n)))
        groups.append(
            ClassGroup("class-none", Value("link", text=_("Without a class")), [linker.link(n) for n in members])
        )
    return groups


def index_page(
    graph: SiteGraph,
    stats: Mapping[str, Any],
    downloads: Sequence[Mapping[str, Any]],
    common: Mapping[str, Any],
    texts: dict[Any, str] | None = None,
) -> bytes:
    """The front page: the story, then every resource by class (internal classes folded away)."""
    from pactgraph.publishing.story import story
    from pactgraph.publishing.views import field_names, legend_entries

    page = page_path("index.html")
    terms = Terms(graph.layout)
    groups = class_groups(graph, page)
    internal = {class_anchor(graph, c) for c in (terms.Sentence, terms.TextAnchor, terms.Concept)}
    return render(
        "index.html",
        page,
        title=_("The story"),
        story=story(graph, page, terms, texts or {}),
        lede=comparisons.lede(graph, page, terms, texts or {}),
        legend=legend_entries(graph, Linker(graph, page, texts), terms),
        fields=field_names(graph, terms),
        groups=[
            g for g in groups if g.anchor not in internal and g.anchor != class_anchor(graph, terms.Report)
        ],
        internal_groups=[g for g in groups if g.anchor in internal],
        report_anchor=class_anchor(graph, terms.Report),
        stats=stats,
        downloads=downloads,
        **common,
    )


def search_page(graph: SiteGraph, common: Mapping[str, Any]) -> tuple[bytes, list[str]]:
    """Every resource with its labels in all languages: the list a visitor without scripts
    reads, and the index the page's script ranks with MiniSearch (bundled with the site):
    exact label before other name before word, entities before claims. Also the warnings
    to show when this install lacks MiniSearch."""
    from pactgraph.publishing.model import ALT_LABEL_PROPERTIES, LABEL_PROPERTIES
    from pactgraph.publishing.vendored import MINISEARCH, site_files

    page = page_path("search.html")
    linker = Linker(graph, page)
    terms = Terms(graph.layout)
    comparison = rdflib.Namespace(graph.layout.ontology_ns).ClaimComparison
    claim_like = (terms.Claim, terms.Proposition, terms.TextAnchor, terms.Sentence, comparison)
    entries: list[dict[str, Any]] = []
    for node in graph.resources():
        labels = [str(v) for v in graph.literal_labels(node, LABEL_PROPERTIES)]
        aliases = [str(v) for v in graph.literal_labels(node, ALT_LABEL_PROPERTIES)]
        types = sorted(
            linker.prop(t).text if not graph.literal_labels(t) else graph.label(t) for t in graph.shown_types(node)
        )
        foreign = [linker.prop(t).language for t in graph.shown_types(node)]
        entries.append(
            {
                "link": linker.link(node),
                "kind": ", ".join(types),
                "kind_language": "en" if any(foreign) else "",
                "search": " ".join(dict.fromkeys([graph.label(node), *labels, *aliases, *types])).lower(),
                "index": {
                    "labels": sorted(dict.fromkeys([graph.label(node), *labels])),
                    "aliases": sorted(set(aliases) - set(labels)),
                    "words": " ".join(types),
                    "claim": any(graph.has_type(node, cls) for cls in claim_like),
                },
            }
        )
    entries.sort(key=lambda e: (natural_key(e["link"].text), e["link"].iri))
    index = [dict(e["index"], id=i) for i, e in enumerate(entries)]
    warnings: list[str] = []
    engine = MINISEARCH.site_folder + MINISEARCH.files[0]
    if site_files(MINISEARCH) is None:
        engine = ""
        warnings.append(
            f"this install of pactgraph lacks MiniSearch {MINISEARCH.version} "
            "(pactgraph/publishing/vendor/minisearch/), so search.html filters without ranking; "
            "reinstall pactgraph and publish again"
        )
    body = render("search.html", page, title=_("Search"), entries=entries, index=index, engine=engine, **common)
    return body, warnings
