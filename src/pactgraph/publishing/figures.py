"""Static SVG figures drawn at build time: the relay chain of a claim, certainty over time,
the timeline and an overview of the ontology's classes and properties.

The graphs (relay chains, the ontology) are laid out by Graphviz dot (publishing.dotsvg);
the timeline is not a graph but a time scale, drawn here on a scale of its own that gives
the story's weeks the room. Every text comes from the caller and is XML-escaped, and nothing
depends on anything but the arguments, so the bytes are stable. The figures are inline SVG
drawn at their natural size, each with a <title>, role="img" and aria-label; graphs and the
timeline come in a "wide" and a "narrow" variant (data-layout), of which the page's CSS shows
one by the screen's width. The pages give the same facts as text beside them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from markupsafe import Markup

INK = "#1d232b"
MUTED = "#5b6673"
LINE = "#8a96a3"
ACCENT = "#1f5f99"
BOX = "#eef3f8"


@dataclass(frozen=True)
class Words:
    """Words drawn in a figure with their language when it is not the figure's ('' when it is):
    a name the data has only in English stays English on a Chinese page, marked lang="en"."""

    text: str
    language: str = ""


def _words(words: str | Words) -> Words:
    return words if isinstance(words, Words) else Words(words)


def lang(language: str) -> str:
    """The attributes giving SVG text its language (lang for SVG 2 and HTML, xml:lang for SVG 1.1)."""
    return f' lang="{language}" xml:lang="{language}"' if language else ""


def _width(text: str) -> int:
    """About how wide `text` is drawn at 12 px: CJK characters take a full em, others about 7 px."""
    return sum(13 if "\u2e80" <= c <= "\ufaff" else 7 for c in text)


def _wrap(text: str, width: float, first: float | None = None) -> list[str]:
    """`text` in lines about `width` px wide at 12 px (by _width), the first line `first` px when
    given: broken at spaces, and between any two CJK characters, which are written without spaces."""
    tokens = re.findall(r"[\u2e80-\ufaff][、，。；：）」]*|[^\s\u2e80-\ufaff]+\s*|\s+", text)
    lines = [""]
    for token in tokens:
        room = first if first is not None and len(lines) == 1 else width
        if lines[-1].strip() and _width((lines[-1] + token).rstrip()) > room:
            lines.append("")
        lines[-1] += token.lstrip() if not lines[-1] else token
    return [line.rstrip() for line in lines if line.strip()]


def _svg(
    width: float, height: float, title: str, body: list[str], css_class: str, language: str = "en", layout: str = ""
) -> Markup:
    data = f' data-layout="{layout}"' if layout else ""
    head = (
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        f'font-family="sans-serif" font-size="12"{data}{lang(language)}>'
    )
    return Markup("".join([head, f"<title>{escape(title)}</title>", *body, "</svg>"]))


#: The relay chain's boxes: the distance between the baselines of a box whose name is in Chinese
#: characters (13 px text), and the box's inner margin above and below its lines (dot's margin 0.06 in).
CJK_PITCH = 19.0
CHAIN_MARGIN_Y = 0.06 * 72


def _cjk(text: str) -> bool:
    """Whether `text` holds Chinese characters (or other wide CJK ones), drawn a full em wide and tall."""
    return any("\u2e80" <= c <= "\ufaff" for c in text)


def relay_chain(
    outlets: Sequence[str | Words],
    dates: Sequence[str],
    gap: bool = False,
    title: str | None = None,
    language: str = "en",
    links: Sequence[str] = (),
    gap_note: str = "",
) -> Markup:
    """The reports a claim passed through, oldest first, an arrow from each to the one that relays it
    (dashed where the chain has a gap); laid out by dot left to right, and top to bottom for narrow screens.
    `links` are the reports' pages, in the same order: each box is a link to its report, so that the
    figure is the page's only form of the chain; `gap_note` is added to the first box's tooltip where
    the chain has a gap."""
    from pactgraph.publishing import dotsvg

    drawn = [_words(o) for o in outlets]
    texts = [o.text for o in drawn]
    languages = {f"n{i}": [o.language] for i, o in enumerate(drawn)}
    if title is None:
        title = "Relay chain, oldest first: " + " → ".join(
            f"{o} ({d})" if d else o for o, d in zip(texts, dates, strict=False)
        )
    # A long name is wrapped onto lines of its box, never cut (dot sizes the box to its lines).
    names = ["\n".join(_wrap(text, 180)) for text in texts]
    titles = {f"n{i}": f"{o} ({d})" if d else o for i, (o, d) in enumerate(zip(texts, dates, strict=False))}
    if gap and gap_note:
        titles["n0"] += f" {gap_note}"
    for i in range(1, len(names)):
        titles[f"n{i - 1}->n{i}"] = f"{texts[i - 1]} → {texts[i]}"
    variants = []
    for layout, rankdir in (("wide", "LR"), ("narrow", "TB")):
        dot = dotsvg.digraph(rankdir=rankdir, nodesep="0.25", ranksep="0.35")
        dot.attr("node", shape="box", style="rounded,filled", fillcolor=BOX, color=LINE, fontcolor=INK, margin=f"0.15,{CHAIN_MARGIN_Y / 72:g}")
        dot.attr("edge", color=LINE, arrowsize="0.8")
        pitches = {}
        for i, (name, date) in enumerate(zip(names, dates, strict=False)):
            href = links[i] if i < len(links) else ""
            extra = {"href": href, "target": "_top", "tooltip": titles[f"n{i}"]} if href else {}
            label = f"{name}\n{date}" if date else name
            if _cjk(name):  # room between the lines: dot's pitch (14 px) lets the characters touch the next
                lines = label.count("\n") + 1
                pitches[f"n{i}"] = CJK_PITCH
                extra["height"] = f"{(lines * CJK_PITCH + 2 * CHAIN_MARGIN_Y) / 72:.3f}"
            dot.node(f"n{i}", dotsvg.text(label), **extra)
        for i in range(1, len(names)):
            dashed = gap and i == 1
            dot.edge(
                f"n{i - 1}",
                f"n{i}",
                style="dashed" if dashed else "solid",
                _attributes={"class": "gap" if dashed else "relay"},
            )
        figure = dotsvg.Figure(title, "chain-figure", titles, layout, language, languages or {}, pitches=pitches)
        variants.append(dotsvg.render(dot, figure))
    return Markup("").join(variants)


@dataclass(frozen=True)
class Point:
    """One claim on the certainty chart."""

    date: str  # YYYY-MM-DD, the day it was first reported
    level: str  # the certainty label
    claimant: str
    polarity: str
    claimant_language: str = ""  # of the claimant's name, when not the chart's
    negative: bool = False  # the claim denies the proposition (drawn as a square)
    tip: str = ""  # the tooltip, in the chart's language (else one in English)


def certainty_chart(
    title: str,
    levels: Sequence[str | Words],
    points: Sequence[Point],
    language: str = "en",
    empty: str = "No dated claims.",
) -> Markup:
    """Certainty by the date each claim was first reported, in two layouts the page's CSS
    chooses between by the screen's width: "wide" (a row per certainty, most certain on top,
    the claimants beside their dots) and "narrow" (phones: each certainty a heading over a row
    per claim, the claimant's name wrapped beside its dot, never cut)."""
    return Markup("").join(
        (
            _certainty_wide(title, levels, points, language, empty),
            _certainty_narrow(title, levels, points, language, empty),
        )
    )


def _marker(cx: float, cy: float, negative: bool) -> str:
    """A claim's dot: a circle, or a square when it denies the proposition."""
    if negative:
        return f'<rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" width="12" height="12" fill="#b0413e"/>'
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{ACCENT}"/>'


def _tip(p: Point) -> str:
    return p.tip or f"{p.claimant}: {p.level}, {p.polarity}, first reported {p.date}"


def _certainty_wide(
    title: str, levels: Sequence[str | Words], points: Sequence[Point], language: str, empty: str
) -> Markup:
    level_words = [_words(level) for level in levels]
    names = [level.text for level in level_words]

    left, right, top, row_h = 130, 40, 30, 34
    plot_w = 440
    width = left + plot_w + right
    height = top + row_h * max(1, len(levels)) + 36
    days = sorted({dt.date.fromisoformat(p.date) for p in points if p.date})
    body: list[str] = []
    if not days:
        return _svg(width, height, title, [f'<text x="10" y="20">{escape(empty)}</text>'], "chart", language, "wide")
    first, last = days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=1)
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    for i, level in enumerate(level_words):
        y = top + i * row_h + row_h / 2
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e7ec"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}"{lang(level.language)}>'
            f"{escape(level.text)}</text>"
        )
    axis = top + row_h * len(levels) + 4
    body.append(f'<line x1="{left}" y1="{axis}" x2="{left + plot_w}" y2="{axis}" stroke="{LINE}"/>')
    for day in days:
        body.append(
            f'<text x="{x(day):.1f}" y="{axis + 16}" text-anchor="middle" fill="{MUTED}">{day.isoformat()}</text>'
        )
    stacked: dict[tuple[str, str], int] = {}
    reach = float(width)
    for p in points:
        if not p.date or p.level not in names:
            continue
        key = (p.date, p.level)
        k = stacked.get(key, 0)
        stacked[key] = k + 1
        cx = x(dt.date.fromisoformat(p.date))
        cy = top + names.index(p.level) * row_h + row_h / 2 + (k * 11 if k else 0) - (5 if k else 0)
        # the claimant's name whole, wrapped to the room right of its dot (at least 120 px: the
        # chart widens for a name near its right edge)
        lines = _wrap(p.claimant, max(120.0, width - cx - 18)) or [p.claimant]
        reach = max(reach, cx + 18 + max(_width(line) for line in lines))
        label = "".join(
            f'<text x="{cx + 10:.1f}" y="{cy + 4 + 13 * n:.1f}" fill="{INK}"{lang(p.claimant_language)}>{escape(line)}</text>'
            for n, line in enumerate(lines)
        )
        body.append(f"<g><title>{escape(_tip(p))}</title>{_marker(cx, cy, p.negative)}{label}</g>")
    return _svg(math.ceil(reach), height, title, body, "chart", language, "wide")


#: The narrow certainty chart: its width (it fits a 390 px phone beside the page's margins),
#: its margin, and the height of a line of text.
NARROW_CHART_WIDTH = 330
NARROW_PAD = 8
NARROW_LINE = 15


def _certainty_narrow(
    title: str, levels: Sequence[str | Words], points: Sequence[Point], language: str, empty: str
) -> Markup:
    width, pad, line = NARROW_CHART_WIDTH, NARROW_PAD, NARROW_LINE
    level_words = [_words(level) for level in levels]
    names = [level.text for level in level_words]
    dated = [p for p in points if p.date and p.level in names]
    days = sorted({dt.date.fromisoformat(p.date) for p in dated})
    if not days:
        return _svg(width, 40, title, [f'<text x="{pad}" y="20">{escape(empty)}</text>'], "chart", language, "narrow")
    # the dates over the plot, each on the first line where it does not overlap another
    plot_left, plot_right = pad + 40, width - pad - 40
    first, last = days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=1)
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return plot_left + (plot_right - plot_left) * (day - first).days / span

    rows: list[list[tuple[float, float]]] = []
    placed: list[tuple[dt.date, int]] = []
    for day in days:
        w = _width(day.isoformat())
        a, b = x(day) - w / 2, x(day) + w / 2
        n = next((i for i, used in enumerate(rows) if all(b + 6 < u0 or a - 6 > u1 for u0, u1 in used)), len(rows))
        if n == len(rows):
            rows.append([])
        rows[n].append((a, b))
        placed.append((day, n))
    body = [
        f'<text x="{x(day):.1f}" y="{16 + line * n}" text-anchor="middle" fill="{MUTED}">{day.isoformat()}</text>'
        for day, n in placed
    ]
    axis = 16 + line * (len(rows) - 1) + 8
    body.append(f'<line x1="{pad}" y1="{axis}" x2="{width - pad}" y2="{axis}" stroke="{LINE}"/>')
    y = axis + 4
    grid_top = axis
    for level in level_words:
        y += line + 4
        body.append(
            f'<text class="level" x="{pad}" y="{y:.1f}" font-weight="bold" fill="{INK}"{lang(level.language)}>'
            f"{escape(level.text)}</text>"
        )
        y += 6
        mine = sorted((p for p in dated if p.level == level.text), key=lambda p: p.date)
        if not mine:
            body.append(f'<line x1="{pad}" y1="{y + 6:.1f}" x2="{width - pad}" y2="{y + 6:.1f}" stroke="#e3e7ec"/>')
            y += 12
            continue
        for p in mine:
            cx = x(dt.date.fromisoformat(p.date))
            # the name beside the dot, on the side with more room, wrapped to that room
            if cx <= width / 2:
                anchor, tx, room = "start", cx + 10, width - pad - (cx + 10)
            else:
                anchor, tx, room = "end", cx - 10, cx - 10 - pad
            lines = _wrap(p.claimant, room - 10) or [p.claimant]  # _wrap's measure is approximate
            cy = y + line / 2 + 2
            body.append(f'<line x1="{pad}" y1="{cy:.1f}" x2="{width - pad}" y2="{cy:.1f}" stroke="#e3e7ec"/>')
            texts = "".join(
                f'<text x="{tx:.1f}" y="{cy + 4 + line * n:.1f}" text-anchor="{anchor}" fill="{INK}"'
                f"{lang(p.claimant_language)}>{escape(words)}</text>"
                for n, words in enumerate(lines)
            )
            body.append(f"<g><title>{escape(_tip(p))}</title>{_marker(cx, cy, p.negative)}{texts}</g>")
            y += max(line + 6, line * len(lines) + 6)
    height = y + 8
    grid = [
        f'<line x1="{x(day):.1f}" y1="{grid_top}" x2="{x(day):.1f}" y2="{height - 4:.1f}" stroke="#e3e7ec" stroke-dasharray="2 3"/>'
        for day in days
    ]
    return _svg(width, height, title, grid + body, "chart", language, "narrow")


@dataclass(frozen=True)
class Node:
    """A class on the ontology overview: `key` identifies it (its IRI), `label` is drawn."""

    key: str
    label: str
    href: str = ""  # where a click takes the reader (the class's section), if anywhere
    own: bool = True  # defined by the ontology (drawn filled) or reused from elsewhere
    language: str = ""  # of the label, when not the figure's


@dataclass(frozen=True)
class Edge:
    """A property from its domain to its range (keys of nodes), with the property's label."""

    source: str
    target: str
    label: str
    language: str = ""  # of the label, when not the figure's


#: The ontology charts' narrow variants: class names drawn at 12 px (never under 11 on a phone,
#: drawn at their natural size), property names wrapped at this many characters.
NARROW_FONT = "12"
#: The narrow charts' text where 12 px would make a chart wider than a phone's column (390 px
#: less the page's margins): 11 px, the smallest text the site draws, in boxes set closer.
NARROW_SMALL_FONT = "11"
NARROW_MAX_WIDTH = 364
NARROW_SMALL_MARGIN = "0.06,0.04"  # a box's inner margin (inches) then
NARROW_WRAP = 12
WRAP = 14
#: A class name longer than this many characters is wrapped between its words in a narrow chart
#: that would not fit a phone otherwise ("Межгосударственные отношения" takes two lines).
NARROW_CLASS_WRAP = 14
NARROW_SMALL_CLASS_WRAP = 12  # with the smaller text


def _name_lines(label: str, width: int | None) -> list[str]:
    """A class name on lines of at most `width` characters (None: one line), broken between words;
    a word longer than a line kept whole."""
    return (textwrap.wrap(label, width, break_long_words=False) or [label]) if width else [label]


def _class_node(dot: Any, name: str, node: Node, width: int | None = None) -> list[str]:
    """Draw `node` as box `name`; its name's lines (wrapped at `width` characters)."""
    from pactgraph.publishing import dotsvg

    lines = _name_lines(node.label, width)
    extra = {"href": node.href, "target": "_top"} if node.href else {}
    dot.node(
        name,
        dotsvg.text("\n".join(lines)),
        fillcolor=BOX if node.own else "#ffffff",
        style="rounded,filled" if node.own else "rounded,filled,dashed",
        **extra,
    )
    return lines


def _narrow_spacing(font: str) -> dict[str, str]:
    """The narrow charts' gaps between boxes and columns: tighter with the smaller text."""
    return {"nodesep": "0.08", "ranksep": "0.12" if font == NARROW_SMALL_FONT else "0.2"}


#: The ways a narrow chart is tried, the first that fits a phone's column kept: [node font size,
#: the width (characters) its class names are wrapped at, None for one line].
NARROW_WAYS = ((NARROW_FONT, None), (NARROW_FONT, NARROW_CLASS_WRAP), (NARROW_SMALL_FONT, NARROW_SMALL_CLASS_WRAP))
#: The wide charts, drawn at their natural size in the page's column on a desktop screen: a
#: 1280 px window less the page's margins (main's 70rem less its padding). Tried like the
#: narrow ones: at dot's sizes (class names 13 px, property names 12 px) on one line, with long
#: class names wrapped, then at 12 and at 11 px, the smallest text the site draws.
WIDE_MAX_WIDTH = 1072
WIDE_FONT = "13"
WIDE_WAYS = (
    (WIDE_FONT, None),
    (WIDE_FONT, NARROW_CLASS_WRAP),
    (NARROW_FONT, NARROW_CLASS_WRAP),
    (NARROW_SMALL_FONT, NARROW_SMALL_CLASS_WRAP),
)


def _fitting(draw: Any, ways: Sequence[tuple[str, int | None]] = NARROW_WAYS, most: float = NARROW_MAX_WIDTH) -> Markup:
    """A chart drawn by `draw` (given a font size and the width its class names are wrapped at,
    None for one line) the first of `ways` that is no wider than `most` px, so that it is drawn at
    its natural size in the page's column, neither scrolled nor scaled down: names on one line,
    then long names wrapped (long Russian names), then smaller text, never under 11 px. The
    last way is kept when none fits."""
    for font, wrap in ways:
        drawn = draw(font, wrap)
        found = re.search(r'viewBox="0 0 ([\d.]+) ', drawn)
        if found is not None and float(found.group(1)) <= most:
            break
    return drawn


def _class_graph(**graph_attr: str) -> Any:
    from pactgraph.publishing import dotsvg

    dot = dotsvg.digraph(rankdir="LR", **graph_attr)
    dot.attr("node", shape="box", style="rounded,filled", color=ACCENT, fontcolor=INK, margin="0.1,0.04", height="0.3")
    dot.attr("edge", color=LINE, fontcolor=MUTED, arrowsize="0.7")
    return dot


def _wide_graph(font: str, **graph_attr: str) -> Any:
    """An empty graph of a wide ontology chart: at dot's sizes (WIDE_FONT), else all its text at `font` px."""
    dot = _class_graph(**graph_attr)
    if font != WIDE_FONT:
        dot.attr("node", fontsize=font)
        dot.attr("edge", fontsize=font)
    return dot


def _narrow_graph(font: str) -> Any:
    """An empty graph of a narrow ontology chart, its text at `font` px (boxes closer at the smaller size)."""
    dot = _class_graph(**_narrow_spacing(font))
    dot.attr("node", fontsize=font, **({"margin": NARROW_SMALL_MARGIN} if font == NARROW_SMALL_FONT else {}))
    dot.attr("edge", fontsize=font)
    return dot


def class_hierarchy(
    nodes: Sequence[Node], subclasses: Sequence[tuple[str, str]], title: str, language: str = "en"
) -> Markup:
    """The classes in a subclass relation, superclasses on the left, an open-headed arrow from each
    subclass to its superclass. Drawn left to right, the wide chart is as wide as the hierarchy is
    deep (its long names wrapped where it would be wider than a desktop column); the narrow one
    (phones) is two columns wide."""
    from pactgraph.publishing import dotsvg

    index = {node.key: f"c{i}" for i, node in enumerate(sorted(nodes, key=lambda n: (n.label, n.key)))}
    parents = sorted(
        {(s, t) for s, t in subclasses if s in index and t in index and s != t},
        key=lambda p: (index[p[1]], index[p[0]]),
    )
    shown = {key for pair in parents for key in pair}
    drawn = sorted((n for n in nodes if n.key in shown), key=lambda n: index[n.key])
    labels = {node.key: node.label for node in nodes}
    data = {"data-figure": "hierarchy"}

    def wide(font: str, wrap: int | None) -> Markup:
        titles = {f"{index[sup]}->{index[sub]}": f"{labels[sub]} ⊂ {labels[sup]}" for sub, sup in parents}
        languages: dict[str, list[str]] = {}
        dot = _wide_graph(font, nodesep="0.12", ranksep="0.6")
        for node in drawn:
            drawn_lines = _class_node(dot, index[node.key], node, wrap)
            titles[index[node.key]], languages[index[node.key]] = node.label, [node.language] * len(drawn_lines)
        for sub, sup in parents:
            # drawn from the superclass with the arrow reversed, so that superclasses come first
            dot.edge(index[sup], index[sub], dir="back", arrowtail="empty", color=ACCENT, _attributes={"class": "subclass"})
        return dotsvg.render(dot, dotsvg.Figure(title, "overview", titles, "wide", language, languages, data))

    variants = [_fitting(wide, WIDE_WAYS, WIDE_MAX_WIDTH)]
    # narrow: two columns, each superclass with its subclasses beside it (a class drawn again
    # wherever it is a subclass), so that the deepest chain does not widen the chart

    def narrow(font: str, wrap: int | None) -> Markup:
        titles: dict[str, str] = {}
        languages: dict[str, list[str]] = {}
        dot = _narrow_graph(font)
        # dot stacks disconnected parts of a left-to-right graph bottom up: given last first, they read in order
        supers = sorted({sup for _, sup in parents}, key=lambda k: index[k], reverse=True)
        by_key = {node.key: node for node in nodes}
        for i, sup in enumerate(supers):
            head = f"s{i}"
            drawn_lines = _class_node(dot, head, by_key[sup], wrap)
            titles[head], languages[head] = by_key[sup].label, [by_key[sup].language] * len(drawn_lines)
            for j, sub in enumerate(sorted((s for s, t in parents if t == sup), key=lambda k: index[k])):
                tail = f"s{i}c{j}"
                drawn_lines = _class_node(dot, tail, by_key[sub], wrap)
                titles[tail], languages[tail] = by_key[sub].label, [by_key[sub].language] * len(drawn_lines)
                titles[f"{head}->{tail}"] = f"{labels[sub]} ⊂ {labels[sup]}"
                dot.edge(head, tail, dir="back", arrowtail="empty", color=ACCENT, _attributes={"class": "subclass"})
        return dotsvg.render(dot, dotsvg.Figure(title, "overview", titles, "narrow", language, languages, data))

    variants.append(_fitting(narrow))
    return Markup("").join(variants)


def property_map(
    nodes: Sequence[Node], edges: Sequence[Edge], title: str, language: str = "en", separator: str = ","
) -> Markup:
    """The properties as labelled arrows from domain to range (parallel properties share one arrow,
    their names stacked on its label, each but the last ending with the language's list
    `separator`, so that two names do not read as one).
    The wide variant is one graph, each class drawn once; the narrow one (phones) draws each
    domain with its ranges beside it, a class drawn again wherever it is a range, so the chart
    is two columns wide however many classes the properties link. Either is drawn the first way
    (_fitting) that fits its column: the Russian class names are long enough to need two lines."""
    from pactgraph.publishing import dotsvg

    index = {node.key: f"c{i}" for i, node in enumerate(sorted(nodes, key=lambda n: (n.label, n.key)))}
    by_key = {node.key: node for node in nodes}
    merged: dict[tuple[str, str], dict[str, str]] = {}  # label -> its language
    for edge in edges:
        if edge.source in index and edge.target in index:
            merged.setdefault((edge.source, edge.target), {})[edge.label] = edge.language
    properties = sorted(merged.items(), key=lambda item: (index[item[0][0]], index[item[0][1]]))
    shown = {key for (source, target), _ in properties for key in (source, target)}

    def tip(source: str, target: str, names: dict[str, str]) -> str:
        return f"{by_key[source].label} — {', '.join(sorted(names))} → {by_key[target].label}"

    def lines(names: dict[str, str], width: int) -> list[tuple[str, str]]:
        """Each property's name wrapped at `width` characters, each line with its language: broken
        between words, a word longer than a line kept whole on its own line."""
        ordered = sorted(names)
        return [
            (line, names[n])
            for i, n in enumerate(ordered)
            for shown in [n + separator if i < len(ordered) - 1 else n]
            for line in textwrap.wrap(shown, width, break_long_words=False) or [shown]
        ]

    def words(names: dict[str, str], width: int) -> Any:
        return dotsvg.text("\n".join(line for line, _ in lines(names, width)))

    variants = []
    # wide: each class once

    def wide(font: str, wrap: int | None) -> Markup:
        titles: dict[str, str] = {}
        languages: dict[str, list[str]] = {}
        dot = _wide_graph(font, nodesep="0.2", ranksep="0.3", newrank="true")
        for node in sorted((by_key[k] for k in shown), key=lambda n: index[n.key]):
            drawn_lines = _class_node(dot, index[node.key], node, wrap)
            titles[index[node.key]], languages[index[node.key]] = node.label, [node.language] * len(drawn_lines)
        for (source, target), names in properties:
            name = f"{index[source]}->{index[target]}"
            titles[name] = tip(source, target, names)
            languages[name] = [language for _, language in lines(names, WRAP)]
            dot.edge(
                index[source],
                index[target],
                label=words(names, WRAP),
                constraint="false" if source == target else "true",
                _attributes={"class": "property"},
            )
        return dotsvg.render(dot, dotsvg.Figure(title, "overview", titles, "wide", language, languages, {"data-figure": "properties"}))

    variants.append(_fitting(wide, WIDE_WAYS, WIDE_MAX_WIDTH))
    # narrow: a domain, then its ranges, each range drawn anew

    def narrow(font: str, wrap: int | None) -> Markup:
        titles: dict[str, str] = {}
        languages: dict[str, list[str]] = {}
        dot = _narrow_graph(font)
        domains = sorted({source for (source, _), _ in properties}, key=lambda k: index[k], reverse=True)  # see above
        for d, source in enumerate(domains):
            head = f"d{d}"
            drawn_lines = _class_node(dot, head, by_key[source], wrap)
            titles[head], languages[head] = by_key[source].label, [by_key[source].language] * len(drawn_lines)
            for r, ((_, target), names) in enumerate(p for p in properties if p[0][0] == source):
                tail = f"d{d}r{r}"
                node = by_key[target]
                drawn_lines = _class_node(dot, tail, Node(node.key, node.label, node.href, node.own, node.language), wrap)
                titles[tail], languages[tail] = node.label, [node.language] * len(drawn_lines)
                titles[f"{head}->{tail}"] = tip(source, target, names)
                languages[f"{head}->{tail}"] = [language for _, language in lines(names, NARROW_WRAP)]
                dot.edge(head, tail, label=words(names, NARROW_WRAP), _attributes={"class": "property"})
        return dotsvg.render(dot, dotsvg.Figure(title, "overview", titles, "narrow", language, languages, {"data-figure": "properties"}))

    variants.append(_fitting(narrow))
    return Markup("").join(variants)


@dataclass(frozen=True)
class Span:
    """One item on the timeline: a day (`start` == `end`), or a range open at either end."""

    start: dt.date | None
    end: dt.date | None
    label: str  # drawn beside its row
    tip: str  # its tooltip
    colour: str
    story: bool = False  # one of the reports the story is about: its weeks get the room
    when: str = ""  # its dates in words, drawn before the label
    language: str = ""  # of the label, when not the figure's


#: Days closer than this belong to one segment of the timeline's scale.
SEGMENT_GAP = 14
STORY_SHARE = 0.6  # of the scale's width, for the segments that hold the story
BREAK = 12  # px between two segments, where the axis shows a break


def _segments(spans: Sequence[Span]) -> list[tuple[dt.date, dt.date, int, bool]]:
    """(first day, last day, items touching it, holds the story) for each stretch of time with
    items no more than SEGMENT_GAP days apart."""
    days = sorted({d for s in spans for d in (s.start, s.end) if d is not None})
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days <= SEGMENT_GAP:
            runs[-1].append(day)
        else:
            runs.append([day])
    found = []
    for run in runs:
        first, last = run[0], run[-1]
        touching = [s for s in spans if any(d is not None and first <= d <= last for d in (s.start, s.end))]
        found.append((first, last, len(touching), any(s.story for s in touching)))
    return found


class _Scale:
    """x for a day: the segments side by side with a break between them; the segments that hold
    the story share STORY_SHARE of the width, the others the rest, each by its number of items."""

    def __init__(self, spans: Sequence[Span], left: float, width: float) -> None:
        self.segments = _segments(spans)
        self.left, self.right = left, left + width
        room = width - BREAK * (len(self.segments) - 1)
        minimum = 18.0  # a diamond and some air
        story = [s for s in self.segments if s[3]]
        if story and len(story) < len(self.segments):
            rooms = {True: room * STORY_SHARE, False: room * (1 - STORY_SHARE)}
        else:
            rooms = {True: room, False: room}
        widths = []
        for seg in self.segments:
            group = [s for s in self.segments if s[3] == seg[3]]
            spare = max(0.0, rooms[seg[3]] - minimum * len(group))
            widths.append(minimum + spare * seg[2] / sum(s[2] for s in group))
        fit = min(1.0, room / sum(widths))  # many short segments: narrower than the minimum, not wider than the plot
        widths = [w * fit for w in widths]
        self.bounds: list[tuple[float, float]] = []
        x = left
        for w in widths:
            self.bounds.append((x, x + w))
            x += w + BREAK

    def x(self, day: dt.date) -> float:
        for (first, last, _, _), (x0, x1) in zip(self.segments, self.bounds, strict=True):
            if first <= day <= last:
                pad = min(10.0, (x1 - x0) / 2)
                if first == last:
                    return (x0 + x1) / 2
                return x0 + pad + (x1 - x0 - 2 * pad) * (day - first).days / (last - first).days
        return self.left if day < self.segments[0][0] else self.right


def timeline_svg(
    spans: Sequence[Span],
    title: str,
    legend: Sequence[tuple[str, str]],
    note: str,
    empty: str,
    layout: str = "wide",
    language: str = "en",
) -> str:
    """A timeline on a scale made for the story: a row per item (a diamond for a day, a bar for a
    range, dashed where it is open), the label beside it ("wide") or above it ("narrow", for
    phones). Background periods are compressed segments separated by break marks on the axis."""
    wide = layout == "wide"
    left, plot = (16, 520) if wide else (10, 340)
    label_x = left + plot + 16 if wide else left
    width = label_x + 410 if wide else left + plot + 10
    row = 22 if wide else 36
    line = 15  # px between the lines of a wrapped label
    # the caption wraps to the figure's width (never clipped); it is drawn at 15 px, _wrap measures at 12
    caption = _wrap(title, (width - 2 * left) * 12 / 15) or [title]
    top = 70 + 20 * (len(caption) - 1)
    dated = [s for s in spans if s.start is not None or s.end is not None]
    # each label whole, wrapped to the room beside its row ("wide") or across the figure
    # ("narrow"), its dates before it on the first line; _wrap measures roughly, so with some air
    room = width - label_x - 8 if wide else width - 2 * left - 8
    labels = [_wrap(s.label, room, room - _width(f"{s.when}  ") if s.when else room) or [s.label] for s in dated]
    heights = [row + line * (len(lines) - 1) for lines in labels]
    tops = [sum(heights[:n]) for n in range(len(heights))]
    # on a phone the legend's key wraps to the figure's width (never clipped, in any language)
    key_lines = [note] if wide else _wrap(note, width - 2 * left)
    legend_rows = 1 if wide else _legend_rows(legend, left, width)
    height = top + (sum(heights) or row) + (34 if wide else 42 + 18 * (legend_rows - 1) + 18 * len(key_lines))
    out = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        f'font-family="sans-serif" font-size="12" data-layout="{layout}"{lang(language)}>',
        f"<title>{escape(title)}</title>",
        *(
            f'<text class="caption" x="{left}" y="{20 + 20 * n}" font-size="15" font-weight="bold" fill="{INK}">'
            f"{escape(line)}</text>"
            for n, line in enumerate(caption)
        ),
    ]
    if not dated:
        out.append(f'<text x="{left}" y="{top}" fill="{INK}">{escape(empty)}</text></svg>')
        return "".join(out)
    scale = _Scale(dated, left, plot)
    axis = top - 16
    bottom = top + sum(heights)
    for (first, last, _, story), (x0, x1) in zip(scale.segments, scale.bounds, strict=True):
        when = first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"
        out.append(
            f'<rect class="segment{" story" if story else ""}" x="{x0:.1f}" y="{axis:.1f}" width="{x1 - x0:.1f}" '
            f'height="{bottom - axis:.1f}" fill="{"#e6eef7" if story else "#f4f6f8"}"><title>{when}</title></rect>'
            f'<line x1="{x0:.1f}" y1="{axis}" x2="{x1:.1f}" y2="{axis}" stroke="{MUTED}"/>'
        )
    for x0, _ in scale.bounds[1:]:
        gap = x0 - BREAK / 2
        out.append(
            f'<path class="break" d="M{gap - 5:.1f},{axis + 6} L{gap - 1:.1f},{axis - 6} M{gap + 1:.1f},{axis + 6} '
            f'L{gap + 5:.1f},{axis - 6}" stroke="{MUTED}" stroke-width="1.5" fill="none"/>'
        )
    out.extend(_axis_labels(scale, axis))
    for n, span in enumerate(dated):
        # wide: the mark level with the label's first line; narrow: below the label's last line
        y = top + tops[n] + (row / 2 if wide else 26 + line * (len(labels[n]) - 1))
        out.append(f'<g class="{"story" if span.story else "item"}"><title>{escape(span.tip)}</title>')
        if span.start == span.end:
            cx = scale.x(span.start)  # type: ignore[arg-type]
            out.append(
                f'<path d="M{cx:.1f},{y - 6:.1f} L{cx + 6:.1f},{y:.1f} L{cx:.1f},{y + 6:.1f} L{cx - 6:.1f},{y:.1f} Z" '
                f'fill="{span.colour}"/>'
            )
        else:
            x0 = scale.x(span.start) if span.start else left
            x1 = scale.x(span.end) if span.end else left + plot
            dash = ' stroke-dasharray="3 2"' if span.start is None or span.end is None else ""
            out.append(
                f'<rect x="{x0:.1f}" y="{y - 5:.1f}" width="{max(3.0, x1 - x0):.1f}" height="10" rx="2" '
                f'fill="{span.colour}" fill-opacity="0.35" stroke="{span.colour}"{dash}/>'
            )
        ty = y + 4 if wide else y - 12 - line * (len(labels[n]) - 1)
        lead = f"{span.when}  " if span.when else ""
        for k, part in enumerate(labels[n]):
            words = f'<tspan class="words"{lang(span.language)}>{escape(part)}</tspan>'
            out.append(
                f'<text class="label" x="{label_x}" y="{ty + line * k:.1f}" fill="{INK}">{escape(lead) if k == 0 else ""}{words}</text>'
            )
        out.append("</g>")
    ly = bottom + 22
    lx = left
    for name, colour in legend:
        if not wide and lx + 24 + _width(name) > width:
            lx, ly = left, ly + 18
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14}" y="{ly}" fill="{INK}">{escape(name)}</text>')
        lx += 24 + _width(name)
    if wide:
        out.append(f'<text class="key" x="{lx}" y="{ly}" fill="{MUTED}">{escape(note)}</text>')
    else:
        for n, words in enumerate(key_lines, start=1):
            out.append(f'<text class="key" x="{left}" y="{ly + 18 * n}" fill="{MUTED}">{escape(words)}</text>')
    out.append("</svg>")
    return "".join(out)


def _legend_rows(legend: Sequence[tuple[str, str]], left: float, width: float) -> int:
    """How many rows the narrow legend's swatches take (as timeline_svg places them)."""
    rows, lx = 1, left
    for name, _colour in legend:
        if lx + 24 + _width(name) > width:
            rows, lx = rows + 1, left
        lx += 24 + _width(name)
    return rows


def _axis_labels(scale: _Scale, axis: float) -> list[str]:
    """Dates over the axis, where they fit: the story's first and last days first, then each
    other segment's month; a label that would overlap one already placed is left out."""
    wanted: list[tuple[int, float, str, str]] = []
    for (first, last, _, story), (x0, x1) in zip(scale.segments, scale.bounds, strict=True):
        if story:
            wanted.append((0, x0, first.isoformat(), "start"))
            if last != first:
                wanted.append((0, x1, last.isoformat(), "end"))
        else:
            wanted.append((1, (x0 + x1) / 2, first.isoformat()[:7], "middle"))
    placed: list[tuple[float, float]] = []
    out = []
    for _, x, words, anchor in sorted(wanted, key=lambda w: (w[0], w[1])):
        w = 7.0 * len(words)
        a = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        a = max(a, scale.left)
        if any(a < b1 + 6 and a + w > b0 - 6 for b0, b1 in placed):
            continue
        placed.append((a, a + w))
        out.append(f'<text x="{a:.1f}" y="{axis - 7}" font-size="12" fill="{MUTED}">{words}</text>')
    return out
