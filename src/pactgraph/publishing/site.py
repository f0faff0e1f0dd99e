"""Build the whole site in memory (site path -> bytes); every part is deterministic."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
import rdflib

from pactgraph.rdf.canonical import canonical_quads, canonical_triples
from pactgraph.rdf.rdflib_bridge import to_oxigraph
from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.publishing import (
    comparisons,
    i18n,
    conneg,
    dataset,
    docs,
    inputs,
    pages,
    pictures,
    querypage,
    serialize,
    vendored,
)
from pactgraph.publishing.dataset import Distribution, human_size
from pactgraph.publishing.i18n import N_
from pactgraph.publishing.jsonld import Compactor, context_bytes, load_context
from pactgraph.publishing.layout import DEFAULT_BASE, Layout, safe_site_path
from pactgraph.publishing.model import SiteGraph
from pactgraph.publishing.plain import languages_in
from pactgraph.publishing.render import render, static_bytes
from pactgraph.publishing.views import Terms

PathLike = str | Path

#: A file or folder name in a pg:storedAt path that may be copied into the site.
_TEXT_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

#: The whole-graph dumps: file, title, writer.
_DUMP_TITLES = {
    "ttl": N_("The whole graph (ontology and data) in Turtle"),
    "nt": N_("The whole graph in N-Triples, one sorted statement per line"),
    "jsonld": N_("The whole graph in JSON-LD"),
    "rdf": N_("The whole graph in RDF/XML"),
    "trig": N_("The graph in TriG, one named graph per source file"),
    "nq": N_("The graph in N-Quads, one named graph per source file, sorted"),
}

#: The ontology's and the shapes' documents: (stem, format) -> title (pages translate them).
_DOCUMENT_TITLES = {
    ("ontology", "Turtle"): N_("The ontology and concept schemes in Turtle"),
    ("ontology", "JSON-LD"): N_("The ontology and concept schemes in JSON-LD"),
    ("ontology", "N-Triples"): N_("The ontology and concept schemes in N-Triples"),
    ("ontology", "RDF/XML"): N_("The ontology and concept schemes in RDF/XML"),
    ("shapes", "Turtle"): N_("The SHACL shapes in Turtle"),
    ("shapes", "JSON-LD"): N_("The SHACL shapes in JSON-LD"),
    ("shapes", "N-Triples"): N_("The SHACL shapes in N-Triples"),
    ("shapes", "RDF/XML"): N_("The SHACL shapes in RDF/XML"),
}


@dataclass
class Site:
    """The files of a site and a few figures about it."""

    files: dict[str, bytes]
    resources: int
    triples: int
    warnings: list[str] = field(default_factory=list)


def site_prefixes(layout: Layout) -> dict[str, str]:
    """The project prefixes under the site's base, plus those of the dataset description."""
    prefixes = {p: layout.rebase(ns) for p, ns in PREFIXES.items()}
    prefixes.update(dataset.DESCRIPTION_PREFIXES)
    return prefixes


def stored_texts(graph: SiteGraph, text_roots: Sequence[Path]) -> tuple[dict[Any, str], dict[str, bytes]]:
    """The stored report texts (pg:storedAt, relative to a data folder), copied into texts/.

    A path is used only when every part of it is a plain name and the file lies
    inside the data folder; anything else is left out.
    """
    stored_at = rdflib.Namespace(graph.layout.ontology_ns).storedAt
    mapping: dict[Any, str] = {}
    files: dict[str, bytes] = {}
    for node in sorted({s for s, p, _ in graph.triples if p == stored_at}, key=str):
        for stored in sorted(str(v) for v in graph.objects(node, stored_at)):
            if node in mapping or not all(_TEXT_PART.fullmatch(part) for part in stored.split("/")):
                continue
            for root in text_roots:
                candidate = (root / stored).resolve()
                if root.resolve() in candidate.parents and candidate.is_file():
                    mapping[node] = "texts/" + stored
                    files[mapping[node]] = candidate.read_bytes()
                    break
    return mapping, files


def _to_quads(triples: list[tuple[Any, Any, Any]]) -> list[Any]:
    default = ox.DefaultGraph()
    to = to_oxigraph
    return [ox.Quad(to(s), to(p), to(o), default) for s, p, o in triples]


def build(
    base: str = DEFAULT_BASE,
    data: Sequence[PathLike] | None = None,
    ontology: Sequence[PathLike] | None = None,
    shapes: Sequence[PathLike] | None = None,
) -> Site:
    """Every file of the site for these inputs (default: the shipped ones)."""
    from pactgraph import __version__

    layout = Layout(base)
    sources, text_roots = inputs.gather(data, ontology, shapes)
    read = inputs.read(sources, layout, text_roots)
    # each related pair of claims, as `pactgraph compare` finds it, in its own named graph
    pairs = comparisons.compute([s.path for s in sources if s.role in ("ontology", "data")])
    prefixes = site_prefixes(layout)
    names = comparisons.label_graph(read.role_quads("ontology", "data"), layout, prefixes)
    read.quads.setdefault("data", []).extend(comparisons.quads(pairs, layout, names))
    context = load_context(layout.rebase)
    compactor = Compactor(context)

    def site_graph(quads: list[Any]) -> SiteGraph:
        return SiteGraph(canonical_triples(quads), layout, prefixes)

    graph = site_graph(read.role_quads("ontology", "data"))
    graph.comparisons = comparisons.by_node(pairs, layout)
    ontology_graph = site_graph(read.role_quads("ontology"))
    shapes_graph = site_graph(read.role_quads("shapes"))
    shape_files = {
        source.name: site_graph(
            [q for q in read.role_quads("shapes") if q.graph_name.value == layout.iri("graph/" + source.name)]
        )
        for source in sources
        if source.role == "shapes"
    }
    info = dataset.facts(graph, ontology_graph, len(shapes_graph.triples), __version__)
    common = {
        "version": __version__,
        "base": layout.base,
        "license": info.license,
        "languages": languages_in(graph),
    }
    files: dict[str, bytes] = {}
    texts, text_files = stored_texts(graph, text_roots)
    files.update(text_files)

    # dumps of the whole graph, of its named graphs, of the ontology and of the shapes
    distributions: list[Distribution] = []
    whole = graph.triples
    quads = canonical_quads(read.role_quads("ontology", "data"))
    dumps = {
        "ttl": serialize.turtle(whole, prefixes),
        "nt": serialize.ntriples(whole),
        "jsonld": compactor.document_bytes(whole, "dumps/pactgraph.jsonld", embed=True),
        "rdf": serialize.rdfxml(whole, prefixes, "the whole graph"),
        "trig": serialize.trig(quads, prefixes),
        "nq": serialize.nquads(quads),
    }
    for ext, data_bytes in dumps.items():
        distributions.append(Distribution(f"dumps/pactgraph.{ext}", "dataset", _DUMP_TITLES[ext], data_bytes))
    for stem, triples in (("ontology", ontology_graph.triples), ("shapes", shapes_graph.triples)):
        for path, data_bytes in pages.rdf_documents(triples, stem, compactor, prefixes).items():
            name = dataset.FORMAT_INFO[path.rsplit(".", 1)[-1]][0]
            distributions.append(Distribution(path, stem, _DOCUMENT_TITLES[stem, name], data_bytes))
    files.update({d.path: d.data for d in distributions})
    files["context.jsonld"] = context_bytes(context)

    # the dataset description (VoID and DCAT), also at /.well-known/void
    description = canonical_triples(_to_quads(dataset.description_triples(layout, info, distributions)))
    files.update(pages.rdf_documents(description, "void", compactor, prefixes))
    files[".well-known/void"] = files["void.ttl"]
    others = [
        ("context.jsonld", "JSON-LD", N_("The JSON-LD context of every JSON-LD file here")),
        (".well-known/void", "Turtle", N_("This dataset description, at its well-known place")),
    ] + [(path, N_("text"), N_("Stored text of a report, verbatim")) for path in sorted(text_files)]
    extra = [
        {
            "path": path,
            "href": path,
            "format": kind,
            "title": title,
            "size": len(files[path]),
            "size_text": human_size(len(files[path])),
            "sha256": hashlib.sha256(files[path]).hexdigest(),
        }
        for path, kind, title in others
    ]
    terms = Terms(graph.layout)
    resources = graph.resources()
    stats = {
        "description": info.description,
        "triples": info.triples,
        "resources": len(resources),
        "claims": len(graph.instances(terms.Claim)),
        "reports": len(graph.instances(terms.Report)),
    }
    downloads = [
        {
            "path": d.path,
            "href": d.path,
            "title": d.title,
            "format": d.format_name,
            "size_text": human_size(d.size),
        }
        for d in distributions
    ] + extra

    # content negotiation for servers, and the shared files
    base_path = urlsplit(layout.base).path or "/"
    files[".htaccess"] = conneg.htaccess(base_path).encode("utf-8")
    files["server/htaccess.txt"] = files[".htaccess"]
    files["server/nginx.conf"] = conneg.nginx(base_path).encode("utf-8")
    files["style.css"] = static_bytes("style.css")
    files["site.js"] = static_bytes("site.js")
    files.update(vendored.site_files(vendored.MINISEARCH) or {})
    files["search.js"] = static_bytes("search.js")

    # served for any missing address (in English), so its links start from the URL-path of the base
    files[conneg.NOT_FOUND_PAGE] = render("404.html", conneg.NOT_FOUND_PAGE, root=base_path, title="Not found", **common)

    # the pages, in each language: English at the root, the others in their folders
    warnings: list[str] = []
    for code in i18n.LANGUAGES:
        with i18n.language(code):
            first = code == i18n.LANGUAGES[0]
            files.update(
                pages.resource_files(
                    graph, compactor, prefixes, texts, common, info.license, text_files, documents=first
                )
            )
            files[i18n.page_path("ontology.html")] = docs.ontology_page(ontology_graph, graph, shapes_graph, common)
            files[i18n.page_path("shapes.html")] = docs.shapes_page(shape_files, common)
            files.update(pictures.timeline_files(graph, common))
            files[i18n.page_path("void.html")] = dataset.dataset_page(graph, info, distributions, extra, common)
            files[i18n.page_path("index.html")] = pages.index_page(graph, stats, downloads, common, texts)
            files[i18n.page_path("search.html")], search_warnings = pages.search_page(graph, common)
            query_files, query_warnings = querypage.query_files(graph, common)
            files.update(query_files)
            if first:
                warnings += search_warnings + query_warnings

    for path in files:
        safe_site_path(path)
    return Site(
        files=dict(sorted(files.items())),
        resources=len(resources),
        triples=len(graph.triples),
        warnings=warnings,
    )
