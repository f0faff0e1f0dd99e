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


# ---------------------------------------------------------------- the finer view

_PG = "https://w3id.org/pactgraph/ontology#"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DATE = "https://schema.org/datePublished"
#: What is published on a date: left out of the view, with every link to it, when that date is later.
_PUBLICATIONS = (_PG + "Report", _PG + "BackgroundSource")


@dataclass
class View:
    """The graph as of a date: a store to query (union default graph) and what was said about it."""

    store: Any
    warnings: list[str] = field(default_factory=list)
    kept_claims: int = 0
    dropped_facts: int = 0


def _quads(store: Any) -> list[Any] | None:
    inner = getattr(store, "store", None)
    if inner is None and hasattr(store, "open_for_reading"):
        inner = store.open_for_reading()  # checks the sources first, as a query would
    if inner is None or not hasattr(inner, "quads_for_pattern"):
        return None
    return list(inner.quads_for_pattern(None, None, None, None))


def view(store: Any, as_of: str | dt.date) -> View:
    """The graph as it stood on `as_of`, claim by claim and fact by fact.

    Reports and their folders are kept as `select_graphs` keeps them; in addition
    a claim of a later report is kept (with its attribution, anchor, sentence and
    what its report file defines for it) when its first report (pg:reportedFirstIn,
    along the relay chain) was published by then; and a node of any kept graph is
    left out when it is a report or background source published later, or when every source that
    attests it (pg:attestedBy) is dated and was published later, or when it is a
    proposition that only claims first reported later assert, and so is every link
    to such a node: a kept claim keeps its first report and loses its carrying report
    when that was published later, so questions date it by its first report.
    """
    import pyoxigraph as ox

    date = as_of if isinstance(as_of, dt.date) else parse_as_of(as_of)
    cut = date.isoformat()
    quads = _quads(store)
    if quads is None:
        selection = select_graphs(store, date)
        note = (
            "--as-of on a SPARQL endpoint selects whole report folders; claims relayed from earlier reports "
            "and facts made known only later are not told apart (use --store or the files)"
        )
        warnings = [*selection.warnings, note]
        return View(_Selected(store, selection.graphs), warnings)
    selection = select_graphs(store, date)
    kept_graphs = set(selection.graphs)
    by_subject: dict[tuple[Any, Any], list[Any]] = {}
    dates: dict[Any, str] = {}
    for q in quads:
        by_subject.setdefault((q.graph_name, q.subject), []).append(q)
        if q.predicate.value == _DATE:
            dates[q.subject] = q.object.value[:10]

    def closure(graph: Any, node: Any, into: list[Any], seen: set[Any]) -> None:
        if (graph, node) in seen:
            return
        seen.add((graph, node))
        for q in by_subject.get((graph, node), []):
            into.append(q)
            if isinstance(q.object, ox.BlankNode):
                closure(graph, q.object, into, seen)

    def first(values: list[Any], predicate: str) -> Any:
        return next((q.object for q in values if q.predicate.value == predicate), None)

    result: list[Any] = []
    claims = 0
    kept_claims: set[Any] = set()
    asserted: dict[Any, set[Any]] = {}  # proposition -> the claims that assert it, anywhere
    for (graph, subject), values in by_subject.items():
        name = graph.value if hasattr(graph, "value") else ""
        is_claim = any(q.predicate.value == _TYPE and q.object.value == _PG + "Claim" for q in values)
        if is_claim:
            proposition = first(values, _PG + "proposition")
            if proposition is not None:
                asserted.setdefault(proposition, set()).add(subject)
        if not is_claim:
            continue
        if name in kept_graphs:
            kept_claims.add(subject)
            continue
        origin = first(values, _PG + "reportedFirstIn") or first(values, _PG + "statedIn")
        if origin is None or dates.get(origin, "9999") > cut:
            continue
        claims += 1
        kept_claims.add(subject)
        seen: set[Any] = set()
        closure(graph, subject, result, seen)
        anchor = first(values, _PG + "hasAnchor")
        if anchor is not None:
            closure(graph, anchor, result, seen)
            sentence = first(by_subject.get((graph, anchor), []), _PG + "inSentence")
            if sentence is not None:
                closure(graph, sentence, result, seen)
        for predicate in (_PG + "proposition", _PG + "claimant", _PG + "reportedFirstIn"):
            node = first(values, predicate)
            if node is not None:
                closure(graph, node, result, seen)
    dropped: set[Any] = set()
    for (graph, subject), values in by_subject.items():
        name = graph.value if hasattr(graph, "value") else ""
        if name not in kept_graphs:
            continue
        attested = [q.object for q in values if q.predicate.value == _PG + "attestedBy"]
        publication = any(q.predicate.value == _TYPE and q.object.value in _PUBLICATIONS for q in values)
        later_report = publication and dates.get(subject, "") > cut
        # A publication is dated by itself, not by the later relays that attest it.
        only_later = not publication and bool(attested) and all(dates.get(a, "") > cut for a in attested)
        # A proposition that only claims first reported later assert was not yet put forward.
        unasserted = bool(asserted.get(subject)) and not asserted[subject] & kept_claims
        if later_report or only_later or unasserted:
            dropped.add(subject)
            continue
        result.extend(values)
    gone: list[Any] = []
    for (graph, subject) in list(by_subject):
        if subject in dropped:
            closure(graph, subject, gone, set())
    gone_nodes = dropped | {q.object for q in gone if isinstance(q.object, ox.BlankNode)}
    view_store = ox.Store()
    # A link to a node left out goes too (a kept claim's carrying report, an event's later source):
    # nothing published after the date is named in the view.
    view_store.extend(q for q in result if q.subject not in gone_nodes and q.object not in dropped)
    from pactgraph.stores.memory import MemoryStore

    wrapped = MemoryStore.wrap(view_store)
    wrapped.warnings = list(getattr(store, "warnings", []))  # e.g. a disk store out of date
    return View(wrapped, selection.warnings, kept_claims=claims, dropped_facts=len(dropped))


class _Selected:
    """A store queried with some of its graphs as the default graph (the per-folder selection)."""

    def __init__(self, store: Any, graphs: list[str]):
        self._store = store
        self._graphs = graphs

    def query(self, text: str, params: Any = None, *, source: str = "<query>", default_graph: Any = None) -> Any:
        return self._store.query(text, params, source=source, default_graph=self._graphs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
