"""Static SVG figures drawn at build time: the relay chain of a claim, certainty over time,
and an overview of the ontology's classes and properties.

Every text is XML-escaped here, numbers are rounded to one decimal, and nothing depends
on anything but the arguments, so the bytes are stable. The figures are inline SVG
(scaled to the page width through their viewBox); each has a <title> and the pages
give the same facts as text beside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

INK = "#1d232b"
MUTED = "#5b6673"
LINE = "#8a96a3"
ACCENT = "#1f5f99"
BOX = "#eef3f8"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _svg(width: float, height: float, title: str, body: list[str], css_class: str) -> Markup:
    head = (
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        'font-family="sans-serif" font-size="12">'
    )
    return Markup("".join([head, f"<title>{escape(title)}</title>", *body, "</svg>"]))


def relay_chain(outlets: Sequence[str], dates: Sequence[str], gap: bool = False) -> Markup:
    """Boxes for the reports a claim passed through, oldest on the left, arrows to the relays."""
    box_w, box_h, arrow = 150, 40, 34
    n = max(1, len(outlets))
    width = n * box_w + (n - 1) * arrow + 2
    height = box_h + 2
    body: list[str] = []
    for i, (outlet, date) in enumerate(zip(outlets, dates, strict=False)):
        x = 1 + i * (box_w + arrow)
        body.append(
            f'<rect x="{x}" y="1" width="{box_w}" height="{box_h}" rx="4" fill="{BOX}" stroke="{LINE}"/>'
            f'<text x="{x + box_w / 2:.1f}" y="18" text-anchor="middle" fill="{INK}">{escape(_clip(outlet, 22))}</text>'
            f'<text x="{x + box_w / 2:.1f}" y="33" text-anchor="middle" fill="{MUTED}">{escape(date)}</text>'
        )
        if i:
            dash = ' stroke-dasharray="4 3"' if gap and i == 1 else ""
            mid = 1 + box_h / 2
            body.append(
                f'<line x1="{x - arrow + 2}" y1="{mid:.1f}" x2="{x - 8}" y2="{mid:.1f}" '
                f'stroke="{LINE}" stroke-width="1.5"{dash}/>'
                f'<path d="M{x - 9},{mid - 5:.1f} L{x - 1},{mid:.1f} L{x - 9},{mid + 5:.1f} z" fill="{LINE}"/>'
            )
    title = "Relay chain, oldest first: " + " → ".join(
        f"{o} ({d})" if d else o for o, d in zip(outlets, dates, strict=False)
    )
    return _svg(width, height, title, body, "chain-figure")


@dataclass(frozen=True)
class Point:
    """One claim on the certainty chart."""

    date: str  # YYYY-MM-DD, the day it was first reported
    level: str  # the certainty label
    claimant: str
    polarity: str


def certainty_chart(title: str, levels: Sequence[str], points: Sequence[Point]) -> Markup:
    """Certainty (rows, most certain on top) by the date each claim was first reported."""
    import datetime as dt

    left, right, top, row_h = 130, 40, 30, 34
    plot_w = 440
    width = left + plot_w + right
    height = top + row_h * max(1, len(levels)) + 36
    days = sorted({dt.date.fromisoformat(p.date) for p in points if p.date})
    body: list[str] = []
    if not days:
        return _svg(
            width, height, title, [f'<text x="10" y="20">{escape("No dated claims.")}</text>'], "chart"
        )
    first, last = days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=1)
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    for i, level in enumerate(levels):
        y = top + i * row_h + row_h / 2
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e7ec"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{escape(level)}</text>'
        )
    axis = top + row_h * len(levels) + 4
    body.append(f'<line x1="{left}" y1="{axis}" x2="{left + plot_w}" y2="{axis}" stroke="{LINE}"/>')
    for day in days:
        body.append(
            f'<text x="{x(day):.1f}" y="{axis + 16}" text-anchor="middle" fill="{MUTED}">{day.isoformat()}</text>'
        )
    stacked: dict[tuple[str, str], int] = {}
    for p in points:
        if not p.date or p.level not in levels:
            continue
        key = (p.date, p.level)
        k = stacked.get(key, 0)
        stacked[key] = k + 1
        cx = x(dt.date.fromisoformat(p.date))
        cy = top + levels.index(p.level) * row_h + row_h / 2 + (k * 11 if k else 0) - (5 if k else 0)
        shape = (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{ACCENT}"/>'
            if p.polarity != "negative"
            else f'<rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" width="12" height="12" fill="#b0413e"/>'
        )
        label = (
            f'<text x="{cx + 10:.1f}" y="{cy + 4:.1f}" fill="{INK}">{escape(_clip(p.claimant, 28))}</text>'
        )
        tip = f"{p.claimant}: {p.level}, {p.polarity}, first reported {p.date}"
        body.append(f"<g><title>{escape(tip)}</title>{shape}{label}</g>")
    return _svg(width, height, title, body, "chart")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


def _circle_order(classes: Sequence[str], edges: Sequence[Edge]) -> list[str]:
    """Classes in an order that keeps linked ones near each other: start from the most linked,
    then always take the class with most links to those already placed (ties by name)."""
    links: dict[str, dict[str, int]] = {c: {} for c in classes}
    for e in edges:
        if e.source in links and e.target in links and e.source != e.target:
            links[e.source][e.target] = links[e.source].get(e.target, 0) + 1
            links[e.target][e.source] = links[e.target].get(e.source, 0) + 1
    order: list[str] = []
    left = sorted(classes)
    while left:
        if order:
            best = max(
                left,
                key=lambda c: (
                    sum(links[c].get(o, 0) for o in order[-3:]) * 2 + sum(links[c].get(o, 0) for o in order),
                    len(links[c]),
                    [-ord(ch) for ch in c],
                ),
            )
        else:
            best = max(left, key=lambda c: (len(links[c]), [-ord(ch) for ch in c]))
        order.append(best)
        left.remove(best)
    return order


def ontology_overview(classes: Sequence[str], edges: Sequence[Edge], title: str) -> Markup:
    """Classes on a circle, the main properties as arrows from domain to range (parallel
    properties share one arrow)."""
    merged: dict[tuple[str, str], list[str]] = {}
    for edge in edges:
        merged.setdefault((edge.source, edge.target), []).append(edge.label)
    edges = [Edge(s, t, ", ".join(sorted(set(labels)))) for (s, t), labels in sorted(merged.items())]
    classes = _circle_order(classes, edges)
    n = max(1, len(classes))
    widths = [12 + 7 * len(_clip(c, 24)) for c in classes]
    # an ellipse wider than tall: boxes are wide, so neighbours at the top and bottom need room
    rx = max(220.0, (sum(widths) + 20 * n) / (2 * math.pi) * 1.25)
    ry = rx * 0.6
    cx, cy = rx + 110, ry + 70
    position = {}
    for i, name in enumerate(classes):
        angle = 2 * math.pi * i / n - math.pi / 2
        position[name] = (cx + rx * math.cos(angle), cy + ry * math.sin(angle))
    body = [
        (
            '<defs><marker id="ontology-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" '
            f'markerHeight="6" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="{LINE}"/></marker></defs>'
        )
    ]
    for edge in edges:
        if edge.source not in position or edge.target not in position:
            continue
        (x1, y1), (x2, y2) = position[edge.source], position[edge.target]
        if edge.source == edge.target:
            # a loop above the class, drawn away from the centre
            dx, dy = x1 - cx, y1 - cy
            norm = math.hypot(dx, dy) or 1
            ux, uy = dx / norm, dy / norm
            px, py = -uy, ux
            ax, ay = x1 + ux * 11, y1 + uy * 11
            c1 = (ax + ux * 40 + px * 22, ay + uy * 40 + py * 22)
            c2 = (ax + ux * 40 - px * 22, ay + uy * 40 - py * 22)
            body.append(
                f"<g><title>{escape(f'{edge.source} — {edge.label} → {edge.target}')}</title>"
                f'<path d="M{ax + px * 8:.1f},{ay + py * 8:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} '
                f'{ax - px * 8:.1f},{ay - py * 8:.1f}" fill="none" stroke="{LINE}" stroke-width="1" '
                f'marker-end="url(#ontology-arrow)"/>'
                f'<text x="{ax + ux * 44:.1f}" y="{ay + uy * 44 + 4:.1f}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="11" paint-order="stroke" stroke="#fff" stroke-width="3">{escape(_clip(edge.label, 40))}</text></g>'
            )
            continue
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        # pull the curve towards the centre so that arrows between neighbours stay apart
        qx, qy = mx + (cx - mx) * 0.35, my + (cy - my) * 0.35
        length = math.hypot(x2 - qx, y2 - qy) or 1
        ex, ey = x2 - (x2 - qx) / length * 14, y2 - (y2 - qy) / length * 14
        body.append(
            f"<g><title>{escape(f'{edge.source} — {edge.label} → {edge.target}')}</title>"
            f'<path d="M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}" fill="none" stroke="{LINE}" '
            f'stroke-width="1" marker-end="url(#ontology-arrow)"/>'
            f'<text x="{(mx + qx) / 2:.1f}" y="{(my + qy) / 2:.1f}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11" paint-order="stroke" stroke="#fff" stroke-width="3">{escape(_clip(edge.label, 40))}</text></g>'
        )
    for name, (x, y) in position.items():
        w = 12 + 7 * len(_clip(name, 24))
        body.append(
            f'<rect x="{x - w / 2:.1f}" y="{y - 11:.1f}" width="{w:.1f}" height="22" rx="11" fill="{BOX}" '
            f'stroke="{ACCENT}"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" fill="{INK}">'
            f"{escape(_clip(name, 24))}</text>"
        )
    return _svg(2 * cx, 2 * cy, title, body, "overview")
