"""`pactgraph timeline` written out: a table, CSV, or the figure as SVG or HTML.

The figure is the site's timeline drawing (publishing.figures.timeline_svg), so the command and
the published timeline.svg are one drawing; the items come from reading.timeline.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from xml.sax.saxutils import escape

from pactgraph.publishing.i18n import N_
from pactgraph.reading.timeline import Item, of_data_dir

FORMATS = ("table", "csv", "svg", "html")


def render_table(rows: list[Item]) -> str:
    from pactgraph.query.query_results import render_table as table

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


#: The figure's colours by kind of item (events have the third). The kinds and the figure's
#: words are marked for the site's catalogues (N_): the site draws this figure in each language.
KIND_COLOURS = {N_("report"): "#1f5fa8", N_("background source"): "#6a3d9a"}
EVENT_COLOUR = "#c0392b"
KINDS = (N_("event"), *KIND_COLOURS)
KEY = N_("diamond: exact date; bar: earliest to latest possible date; // a break in the time scale")
EMPTY = N_("No dated events or publications.")
UNDATED = N_("undated")
#: A range open at one end, in words: the site's reader would take "… .. 2025-05-10" for a typo.
FROM = N_("from %(start)s")
UNTIL = N_("until %(end)s")


def when(item: Item, translate: Callable[[str], str] = str, in_words: bool = False) -> str:
    """The item's date or dates, or "undated" in the words of `translate`; `in_words`, a range
    open at one end as "until 2025-05-10" or "from 2025-05-10" (the site), else as the
    `timeline` command writes it ("… .. 2025-05-10")."""
    if not item.dated:
        return translate(UNDATED)
    if in_words and not item.point and (item.start is None or item.end is None):
        if item.start is None and item.end is not None:
            return translate(UNTIL) % {"end": item.end.isoformat()}
        if item.start is not None:
            return translate(FROM) % {"start": item.start.isoformat()}
    return item.when()


def kind_words(item: Item, translate: Callable[[str], str] = str, event_type: Callable[[Item], str] | None = None) -> str:
    """The item's kind: the interface word ("event", "report") translated, then the event's type
    (by `event_type`, else as the timeline names it in English)."""
    head, _sep, detail = item.kind.partition(": ")
    if detail and event_type is not None:
        detail = event_type(item) or detail
    return translate(head) + (translate(": ") + detail if detail else "")


def figure(
    rows: list[Item],
    title: str,
    layout: str = "wide",
    language: str = "en",
    translate: Callable[[str], str] = str,
    name: Callable[[Item], tuple[str, str]] | None = None,
    event_type: Callable[[Item], str] | None = None,
    in_words: bool = False,
) -> str:
    """The timeline as an inline SVG on the story's scale (publishing.figures.timeline_svg): the one
    drawing of `timeline --format svg` and of the site. `translate` gives the words in `language`,
    `name` an item's label and that label's language when it is not the figure's, `event_type`
    an event's type in `language` where the ontology names it so; `in_words`, open-ended dates
    in words (`when`)."""
    from pactgraph.publishing.figures import Span, timeline_svg

    def named(item: Item) -> tuple[str, str]:
        return name(item) if name is not None else (item.label, "" if language == "en" else "en")

    spans = []
    for item in rows:
        label, label_language = named(item)
        spans.append(
            Span(
                item.start,
                item.end,
                label,
                f"{when(item, translate, in_words)} — {kind_words(item, translate, event_type)}: {label}" + (f" ({item.source})" if item.source else ""),
                KIND_COLOURS.get(item.kind, EVENT_COLOUR),
                story=item.kind == "report",
                when=when(item, translate, in_words),
                language=label_language,
            )
        )
    legend = [(translate(kind), KIND_COLOURS.get(kind, EVENT_COLOUR)) for kind in KINDS]
    return timeline_svg(spans, title, legend, translate(KEY), translate(EMPTY), layout, language)


def render_svg(rows: list[Item], title: str = "pactgraph timeline") -> str:
    """The timeline figure as an SVG file (the site's timeline.svg is the same drawing, open-ended
    dates in words as the site writes them)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + figure(rows, title, in_words=True) + "\n"


def render_html(rows: list[Item], title: str = "pactgraph timeline") -> str:
    svg = figure(rows, title)
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


def timeline(data_dir: str | None, as_of: str | None, fmt: str) -> tuple[str, list[str]]:
    """The timeline of the data directory's graph (as of a date: later reports' graphs and
    later items left out) in `fmt`, and warnings for the user."""
    rows, title, warnings = of_data_dir(data_dir, as_of)
    return render(rows, fmt, title), warnings
