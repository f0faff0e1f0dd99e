"""The query page: SPARQL over the published dump, run in the browser by Oxigraph's
WebAssembly build (npm package `oxigraph`, bundled into the site under vendor/oxigraph/,
never loaded from elsewhere), with the named questions as examples.

The named questions are given as the text `pactgraph query NAME` runs: rebased to the
site's base, with their declared parameter defaults bound (as a VALUES clause after the
query, which the browser engine applies like the command's pre-binding). Without the
bundled engine (npm package not installed), the page says so and publish warns.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactgraph.publishing.layout import Layout
from pactgraph.publishing.render import render

#: The pinned version of the npm package (package.json at the checkout root).
OXIGRAPH_VERSION = "0.5.11"
#: Its files that a browser needs, copied into the site.
OXIGRAPH_FILES = ("web.js", "web_bg.wasm", "package.json")
VENDOR = "vendor/oxigraph/"
#: Where to find the package: $PACTGRAPH_OXIGRAPH_DIR, else node_modules/oxigraph in the checkout.
ENV_DIR = "PACTGRAPH_OXIGRAPH_DIR"


@dataclass
class Example:
    name: str
    title: str
    question: str
    text: str


def oxigraph_dir() -> Path | None:
    """The folder of the pinned oxigraph npm package, or None when it is not installed."""
    from pactgraph import resources

    configured = os.environ.get(ENV_DIR)
    folder = Path(configured) if configured else resources.root() / "node_modules" / "oxigraph"
    try:
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("version") != OXIGRAPH_VERSION or not all((folder / f).is_file() for f in OXIGRAPH_FILES):
        return None
    return folder


def _with_params(text: str) -> str:
    from pactgraph.querying import declared_params

    params = declared_params(text)
    if not params:
        return text
    names = sorted(params)
    values = " ".join(_sparql_term(params[n]) for n in names)
    return text.rstrip() + "\nVALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + values + ") }\n"


def _sparql_term(value: str) -> str:
    from pactgraph.querying import parse_term

    term = parse_term(value)
    return str(term)


def examples(layout: Layout, queries_dir: Path | None = None) -> list[Example]:
    from pactgraph.named_queries import list_queries

    found = []
    for query in list_queries(queries_dir):
        text = layout.rebase_text(_with_params(query.text))
        found.append(Example(query.name, query.title, query.question, text))
    return found


def prefix_lines(layout: Layout) -> str:
    """The project prefixes `pactgraph query` predeclares, as the page adds them to a query."""
    from pactgraph.namespaces import PREFIXES

    return "\n".join(f"PREFIX {p}: <{layout.rebase(ns)}>" for p, ns in sorted(PREFIXES.items()))


def query_files(layout: Layout, common: Mapping[str, Any]) -> tuple[dict[str, bytes], list[str]]:
    """query.html, query.js and the bundled engine; the warnings to show when it is missing."""
    from pactgraph.publishing.render import static_bytes

    files: dict[str, bytes] = {}
    warnings: list[str] = []
    folder = oxigraph_dir()
    if folder is None:
        warnings.append(
            f"the in-browser query engine (npm package oxigraph {OXIGRAPH_VERSION}) is not installed, so "
            "query.html cannot run queries; run `make node_modules` (or set "
            f"{ENV_DIR}) and publish again"
        )
    else:
        for name in OXIGRAPH_FILES:
            files[VENDOR + name] = (folder / name).read_bytes()
        files["query.js"] = static_bytes("query.js")
    page = "query.html"
    files[page] = render(
        "query.html",
        page,
        title="Query",
        examples=examples(layout),
        prefixes=prefix_lines(layout),
        engine=folder is not None,
        engine_version=OXIGRAPH_VERSION,
        extra_script_src=" 'wasm-unsafe-eval'",
        extra_csp=" connect-src 'self';",
        **common,
    )
    return files, warnings
