"""The timeline's items: events and publications in date order (publishing.timelines writes them out).

An event (pg:Event) is dated by sem:hasTimeStamp (a point), else by
sem:hasEarliestBeginTimeStamp / sem:hasLatestEndTimeStamp (an interval, open at
one end when only one is known), else by the month of its OWL-Time instant. A
publication is a pg:Report or pg:BackgroundSource with schema:datePublished.
Items sort by their earliest known day; undated events come last in the table and
are left out of the figure, where vague dates are bars from earliest to latest.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

_EVENTS = """
SELECT ?item ?label ?type ?stamp ?begin ?end ?month
       (GROUP_CONCAT(DISTINCT ?sourceLabel; separator="; ") AS ?sources) WHERE {
  ?item a pg:Event .
  OPTIONAL { ?item rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { ?item pg:eventType/skos:prefLabel ?type FILTER (LANG(?type) = "en") }
  OPTIONAL { ?item sem:hasTimeStamp ?stamp }
  OPTIONAL { ?item sem:hasEarliestBeginTimeStamp ?begin }
  OPTIONAL { ?item sem:hasLatestEndTimeStamp ?end }
  OPTIONAL { ?item time:hasTime/time:inXSDgYearMonth ?month }
  OPTIONAL {
    ?item pg:attestedBy ?source .
    OPTIONAL { ?source rdfs:label ?sourceName FILTER (LANG(?sourceName) = "en") }
    BIND (COALESCE(?sourceName, STR(?source)) AS ?sourceLabel)
  }
}
GROUP BY ?item ?label ?type ?stamp ?begin ?end ?month
"""

_PUBLICATIONS = """
SELECT ?item ?label ?kind ?date ?publisherLabel WHERE {
  { ?item a pg:Report . BIND ("report" AS ?kind) }
  UNION
  { ?item a pg:BackgroundSource . BIND ("background source" AS ?kind) }
  ?item schema:datePublished ?date .
  OPTIONAL { ?item rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL {
    ?item schema:publisher ?publisher .
    OPTIONAL { ?publisher rdfs:label ?name FILTER (LANG(?name) = "en") }
    BIND (COALESCE(?name, STR(?publisher)) AS ?publisherLabel)
  }
}
"""


@dataclass(frozen=True)
class Item:
    """One row of the timeline."""

    start: dt.date | None
    end: dt.date | None
    kind: str
    label: str
    source: str
    iri: str
    #: An exact point (a timestamp or a publication date) rather than a range.
    point: bool = False

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def when(self) -> str:
        if not self.dated:
            return "undated"
        if self.point or self.start == self.end:
            return (self.start or self.end).isoformat()  # type: ignore[union-attr]
        first = self.start.isoformat() if self.start else "…"
        last = self.end.isoformat() if self.end else "…"
        return f"{first} .. {last}"

    def sort_key(self) -> tuple[Any, ...]:
        first = self.start or self.end
        return (first is None, first or dt.date.max, self.end or first or dt.date.max, self.kind, self.label)


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month(value: str | None) -> tuple[dt.date, dt.date] | None:
    if not value:
        return None
    try:
        year, month = int(value[:4]), int(value[5:7])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, IndexError):
        return None


def items(store: Any, default_graph: list[str] | None = None) -> list[Item]:
    """The timeline of a store (optionally of some of its graphs), sorted."""
    from pactgraph.rdf.namespaces import shorten

    def text(row: dict[str, Any], name: str) -> str:
        term = row.get(name)
        return "" if term is None else term.value

    found = []
    for row in store.query(_EVENTS, default_graph=default_graph).bindings():
        stamp, begin, end = _day(text(row, "stamp")), _day(text(row, "begin")), _day(text(row, "end"))
        point = stamp is not None
        if point:
            begin = end = stamp
        elif begin is None and end is None:
            month = _month(text(row, "month"))
            if month:
                begin, end = month
        kind = "event" + (f": {text(row, 'type')}" if text(row, "type") else "")
        iri = text(row, "item")
        found.append(Item(begin, end, kind, text(row, "label") or shorten(iri), text(row, "sources"), iri, point))
    for row in store.query(_PUBLICATIONS, default_graph=default_graph).bindings():
        day = _day(text(row, "date"))
        iri = text(row, "item")
        found.append(
            Item(day, day, text(row, "kind"), text(row, "label") or shorten(iri), text(row, "publisherLabel"), iri, True)
        )
    unique = {(i.iri, i.kind): i for i in found}
    return sorted(unique.values(), key=Item.sort_key)


def of_data_dir(data_dir: str | None, as_of: str | None) -> tuple[list[Item], str, list[str]]:
    """The items of the data directory's graph (as of a date: later reports' graphs and later
    items left out), the timeline's title, and warnings for the user."""
    from pactgraph.data_dirs import data_dir_for_reading, graph_files
    from pactgraph.rdf.loading import load_store
    from pactgraph.stores.memory import MemoryStore

    store: Any = MemoryStore.wrap(load_store(graph_files(data_dir_for_reading(data_dir))))
    title = "pactgraph timeline"
    warnings: list[str] = []
    if as_of is not None:
        from pactgraph.reading.asof import view

        selection = view(store, as_of)
        warnings, store = list(selection.warnings), selection.store
        title += f" as of {as_of.strip()}"
    rows = items(store, None)
    if as_of is not None:
        cut = as_of.strip()
        rows = [r for r in rows if not r.dated or (r.start or r.end).isoformat() <= cut]  # type: ignore[union-attr]
    return rows, title, warnings
