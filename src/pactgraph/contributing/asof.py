"""`--as-of DATE`: the graph as it stood when only the reports published by DATE were in.

Each source file is a named graph of the store. A *report graph* is the graph of a
file in a report folder (`reports/<slug>/` below the data directory) in which a
report's pg:hasSourceText is stated; the folder's date is that report's
schema:datePublished. The query's default graph becomes the union of every other graph (the
ontology, and the world facts and background sources of `entities.ttl`, kept
whole) and of the report graphs whose report was published on or before DATE. A
report folder with no dated report is left out, with a warning.

The world facts stay: they hold the nodes of reports known only as relayed (with
their dates) and facts attested by several sources; what a later report says —
its claims, anchors and stored text — is what disappears.

On the fast `pactgraph query` path: pyoxigraph only, no rdflib.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pactgraph.errors import InputError

_REPORT_GRAPH = re.compile(r"^(.*/reports/[^/]+)/[^/]+$")

_DATES = """
SELECT ?g ?date WHERE {
  GRAPH ?g { ?report pg:hasSourceText ?text }
  OPTIONAL { ?report schema:datePublished ?date }
}
"""


def parse_as_of(value: str) -> dt.date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}") from None


@dataclass
class Selection:
    """The graphs forming the default graph as of a date, and what was left out."""

    graphs: list[str]
    excluded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def report_folder(graph: str) -> str | None:
    """The report folder a graph IRI belongs to (`.../reports/<slug>`), or None for other graphs."""
    match = _REPORT_GRAPH.match(graph)
    return match.group(1) if match else None


def select_graphs(store: Any, as_of: str | dt.date, graphs: Sequence[str] | None = None) -> Selection:
    """The graphs of `store` to use as the default graph as of `as_of` (see the module docs)."""
    date = as_of if isinstance(as_of, dt.date) else parse_as_of(as_of)
    names = list(store.graphs()) if graphs is None else list(graphs)
    dates: dict[str, list[str]] = {}
    for row in store.query(_DATES).bindings():
        folder = report_folder(row["g"].value)
        if folder is not None:
            found = dates.setdefault(folder, [])
            if "date" in row:
                found.append(row["date"].value)
    selection = Selection(graphs=[])
    undated = set()
    for name in names:
        folder = report_folder(name)
        if folder is None or folder not in dates:
            selection.graphs.append(name)
            continue
        published = dates[folder]
        if not published:
            undated.add(folder)
            selection.excluded.append(name)
            continue
        if max(p[:10] for p in published) <= date.isoformat():
            selection.graphs.append(name)
        else:
            selection.excluded.append(name)
    for folder in sorted(undated):
        selection.warnings.append(f"--as-of: {folder.rsplit('/', 1)[-1]} has no dated report (pg:hasSourceText, schema:datePublished); left out")
    return selection
