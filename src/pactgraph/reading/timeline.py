"""`pactgraph timeline`: events and publications in date order, as a table, CSV, SVG or HTML.

An event (pg:Event) is dated by sem:hasTimeStamp (a point), else by
sem:hasEarliestBeginTimeStamp / sem:hasLatestEndTimeStamp (an interval, open at
one end when only one is known), else by the month of its OWL-Time instant. A
publication is a pg:Report or pg:BackgroundSource with schema:datePublished.
Items sort by their earliest known day; undated events come last in the table and
are left out of the figure, where vague dates are bars from earliest to latest.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

FORMATS = ("table", "csv", "svg", "html")

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


def render_table(rows: list[Item]) -> str:
    from pactgraph.query.querying import render_table as table

    return table(["date", "kind", "label", "source"], [[i.when(), i.kind, i.label, i.source] for i in rows])


def render_csv(rows: list[Item]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["start", "end", "kind", "label", "source", "iri"])
    for i in rows:
        writer.writerow(
            [i.start.isoformat() if i.start else "", i.end.isoformat() if i.end else "", i.kind, i.label, i.source, i.iri]
        )
    return out.getvalue()


_COLOURS = {"report": "#1f5fa8", "background source": "#6a3d9a"}
_EVENT_COLOUR = "#c0392b"


def render_svg(rows: list[Item], title: str = "pactgraph timeline", words: dict[str, str] | None = None) -> str:
    """An SVG figure: a time axis, one row per dated item; points as diamonds, vague dates as bars.
    `words` gives the legend's words in another language (keys: the kinds, and "key")."""
    words = words or {}
    dated = [i for i in rows if i.dated]
    row_height, top, left, right, label_width = 22, 56, 20, 20, 430
    plot_width = 560
    width = left + plot_width + 16 + label_width + right
    height = top + row_height * max(1, len(dated)) + 40
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    if not dated:
        out.append(f'<text x="{left}" y="{top}">No dated events or publications.</text>')
        out.append("</svg>")
        return "\n".join(out) + "\n"
    days = [d for i in dated for d in (i.start, i.end) if d is not None]
    first, last = min(days), max(days)
    first = first - dt.timedelta(days=3)
    last = last + dt.timedelta(days=3)
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return left + plot_width * (day - first).days / span

    axis_y = top - 14
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_width}" y2="{axis_y}" stroke="#444"/>')
    for tick in _ticks(first, last):
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{axis_y - 4}" x2="{tx:.1f}" y2="{height - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{tx:.1f}" y="{axis_y - 7}" text-anchor="middle" fill="#444">{escape(_tick_label(tick, span))}</text>')
    for n, item in enumerate(dated):
        y = top + n * row_height + row_height / 2
        colour = _COLOURS.get(item.kind, _EVENT_COLOUR)
        tooltip = f"{item.when()} — {item.kind}: {item.label}" + (f" ({item.source})" if item.source else "")
        out.append(f"<g><title>{escape(tooltip)}</title>")
        if item.point or item.start == item.end:
            cx = x(item.start or item.end)  # type: ignore[arg-type]
            out.append(
                f'<path d="M {cx:.1f} {y - 6:.1f} L {cx + 6:.1f} {y:.1f} L {cx:.1f} {y + 6:.1f} L {cx - 6:.1f} {y:.1f} Z" '
                f'fill="{colour}"/>'
            )
        else:
            x0 = x(item.start) if item.start else left
            x1 = x(item.end) if item.end else left + plot_width
            dash = ' stroke-dasharray="3 2"' if item.start is None or item.end is None else ""
            out.append(
                f'<rect x="{x0:.1f}" y="{y - 5:.1f}" width="{max(2.0, x1 - x0):.1f}" height="10" rx="2" '
                f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"{dash}/>'
            )
        label = f"{item.when()}  {item.label}"
        out.append(
            f'<text x="{left + plot_width + 16}" y="{y + 4:.1f}" fill="#222">{escape(_clip(label, 68))}</text></g>'
        )
    legend_y = height - 12
    legend = [("event", _EVENT_COLOUR), ("report", _COLOURS["report"]), ("background source", _COLOURS["background source"])]
    lx = left
    for name, colour in legend:
        out.append(f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        shown = words.get(name, name)
        out.append(f'<text x="{lx + 14}" y="{legend_y}">{escape(shown)}</text>')
        lx += 24 + 8 * len(shown) if shown.isascii() else 24 + 13 * len(shown)
    key = words.get("key", "diamond: exact date; bar: from earliest to latest possible date")
    out.append(f'<text x="{lx}" y="{legend_y}" fill="#555">{escape(key)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Month starts (or year starts for long spans) between first and last, at most about 12."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, -(-months // 12))
    ticks = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = dt.date(year, month, 1)
        if first <= day <= last:
            ticks.append(day)
        month += step
        while month > 12:
            month -= 12
            year += 1
    return ticks


def _tick_label(day: dt.date, span: int) -> str:
    return day.strftime("%b %Y")


def render_html(rows: list[Item], title: str = "pactgraph timeline") -> str:
    svg = render_svg(rows, title).split("\n", 1)[1]  # without the XML declaration
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(cell)}</td>" for cell in (i.when(), i.kind, i.label, i.source))
        + "</tr>\n"
        for i in rows
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}</style>\n"
        "</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n"
        f"<figure>{svg}</figure>\n"
        "<table>\n<thead><tr><th>date</th><th>kind</th><th>label</th><th>source</th></tr></thead>\n<tbody>\n"
        f"{body}</tbody>\n</table>\n</body>\n</html>\n"
    )


def render(rows: list[Item], fmt: str, title: str = "pactgraph timeline") -> str:
    if fmt == "table":
        return render_table(rows)
    if fmt == "csv":
        return render_csv(rows)
    if fmt == "svg":
        return render_svg(rows, title)
    if fmt == "html":
        return render_html(rows, title)
    raise ValueError(fmt)


__all__ = ["FORMATS", "Item", "items", "render"]


def timeline(data_dir: str | None, as_of: str | None, fmt: str) -> tuple[str, list[str]]:
    """The timeline of the data directory's graph (as of a date: later reports' graphs and
    later items left out) in `fmt`, and warnings for the user."""
    from pactgraph.contributing import data_dir_for_reading, graph_files
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
    return render(rows, fmt, title), warnings
