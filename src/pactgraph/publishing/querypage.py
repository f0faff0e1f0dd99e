"""The query page: SPARQL over the published dump, run in the browser by Oxigraph's
WebAssembly build (npm package `oxigraph`, shipped in this package and copied into the
site under vendor/oxigraph/, never loaded from elsewhere), with the named questions as examples.

The named questions are given as the text `pactgraph query NAME` runs: rebased to the
site's base, with their declared parameter defaults bound (as a VALUES clause after the
query, which the browser engine applies like the command's pre-binding). Should an
install lack the engine's files, the page says so and publish warns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactgraph.publishing.i18n import _, page_path
from pactgraph.publishing.layout import Layout
from pactgraph.publishing.model import SiteGraph
from pactgraph.publishing.render import render
from pactgraph.publishing.vendored import OXIGRAPH, site_files

@dataclass
class Example:
    name: str
    title: str
    question: str
    text: str


def _with_params(text: str) -> str:
    from pactgraph.query.querying import declared_params

    params = declared_params(text)
    if not params:
        return text
    names = sorted(params)
    values = " ".join(_sparql_term(params[n]) for n in names)
    return text.rstrip() + "\nVALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + values + ") }\n"


def _sparql_term(value: str) -> str:
    from pactgraph.query.querying import parse_term

    term = parse_term(value)
    return str(term)


def examples(layout: Layout, queries_dir: Path | None = None) -> list[Example]:
    from pactgraph.query.named_queries import list_queries

    found = []
    for query in list_queries(queries_dir):
        text = layout.rebase_text(_with_params(query.text))
        found.append(Example(query.name, query.title, query.question, text))
    return found


def prefix_lines(layout: Layout) -> str:
    """The project prefixes `pactgraph query` predeclares, as the page adds them to a query."""
    from pactgraph.rdf.namespaces import PREFIXES

    return "\n".join(f"PREFIX {p}: <{layout.rebase(ns)}>" for p, ns in sorted(PREFIXES.items()))


def result_links(graph: SiteGraph, page: str) -> dict[str, Any]:
    """What the page's script needs to show results as labelled links: the label properties
    in order of preference, each resource's page, and the documents of hash namespaces."""
    from pactgraph.publishing.model import LABEL_PROPERTIES

    layout = graph.layout
    pages = {}
    for node in graph.resources():
        href = layout.href(str(node), page)
        if href is not None:
            pages[str(node)] = href
    documents = [
        [layout.ontology_ns, layout.href(layout.ontology_iri, page)],
        [layout.shapes_ns, layout.href(layout.shapes_iri, page)],
        [layout.void_iri + "#", layout.href(layout.void_iri, page)],
    ]
    return {"labels": [str(p) for p in LABEL_PROPERTIES], "pages": pages, "documents": documents}


def query_files(graph: SiteGraph, common: Mapping[str, Any]) -> tuple[dict[str, bytes], list[str]]:
    """query.html, query.js and the bundled engine; the warnings to show when it is missing."""
    from pactgraph.publishing.render import static_bytes

    files: dict[str, bytes] = {}
    warnings: list[str] = []
    engine = site_files(OXIGRAPH)
    if engine is None:
        warnings.append(
            f"this install of pactgraph lacks the in-browser query engine (Oxigraph {OXIGRAPH.version}, "
            "pactgraph/publishing/vendor/oxigraph/), so query.html cannot run queries; reinstall pactgraph "
            "and publish again"
        )
    else:
        files.update(engine)
        files["query.js"] = static_bytes("query.js")
    page = page_path("query.html")
    layout = graph.layout
    files[page] = render(
        "query.html",
        page,
        title=_("Query"),
        examples=examples(layout),
        prefixes=prefix_lines(layout),
        pages=result_links(graph, page),
        engine=engine is not None,
        engine_version=OXIGRAPH.version,
        extra_script_src=" 'wasm-unsafe-eval'",
        extra_csp=" connect-src 'self';",
        **common,
    )
    return files, warnings
