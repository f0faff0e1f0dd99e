"""A report's stored text with the words of every claim highlighted and linked.

Each claim's span comes from its anchor's oa:TextPositionSelector, checked against the
oa:TextQuoteSelector's exact words; where they disagree the quote (with its prefix and
suffix) is looked up instead, and a claim whose words cannot be found is listed apart.
Overlapping spans are cut into segments; a segment links to the shortest claim covering
it and names all of them in its title. Every highlight is a link, so the keyboard reaches
each one in reading order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from pactgraph.publishing.layout import relative
from pactgraph.publishing.model import OA, SiteGraph


@dataclass
class Span:
    claim: Any
    start: int
    end: int
    label: str
    href: str
    anchor_id: str


@dataclass
class Annotated:
    html: Markup
    located: int
    missing: list[Any]


def _locate(
    text: str, exact: str, prefix: str, suffix: str, start: int | None, end: int | None
) -> int | None:
    if start is not None and end is not None and text[start:end] == exact:
        return start
    if not exact:
        return None
    found = text.find(prefix + exact + suffix)
    if found >= 0:
        return found + len(prefix)
    found = text.find(exact)
    return found if found >= 0 and text.find(exact, found + 1) < 0 else None


def spans(
    graph: SiteGraph, source: Any, text: str, terms: Any, page: str, span_id: Any
) -> tuple[list[Span], list[Any]]:
    """The located spans of the claims anchored in `source`, and the claims not located."""
    found: list[Span] = []
    missing: list[Any] = []
    for anchor in sorted(graph.subjects(OA.hasSource, source), key=str):
        claims = graph.subjects(terms.hasAnchor, anchor)
        if not claims:
            continue  # a sentence, not a claim's anchor
        exact = prefix = suffix = ""
        start = end = None
        for selector in graph.objects(anchor, OA.hasSelector):
            if graph.has_type(selector, OA.TextQuoteSelector):
                exact = str(graph.first(selector, OA.exact) or "")
                prefix = str(graph.first(selector, OA.prefix) or "")
                suffix = str(graph.first(selector, OA.suffix) or "")
            elif graph.has_type(selector, OA.TextPositionSelector):
                try:
                    start = int(str(graph.first(selector, OA.start)))
                    end = int(str(graph.first(selector, OA.end)))
                except ValueError:
                    start = end = None
        at = _locate(text, exact, prefix, suffix, start, end)
        for claim in sorted(claims, key=str):
            target = graph.layout.page(str(claim))
            if at is None or target is None:
                missing.append(claim)
                continue
            found.append(
                Span(claim, at, at + len(exact), graph.label(claim), relative(target, page), span_id(claim))
            )
    found.sort(key=lambda s: (s.start, -s.end, str(s.claim)))
    return found, missing


def annotate(text: str, found: list[Span]) -> Markup:
    """The text as HTML: highlighted, linked segments where claims are."""
    cuts = sorted({0, len(text)} | {s.start for s in found} | {s.end for s in found})
    starts: dict[int, list[Span]] = {}
    for span in found:
        starts.setdefault(span.start, []).append(span)
    out: list[str] = []
    for left, right in itertools.pairwise(cuts):
        for span in starts.get(left, []):
            out.append(f'<span class="target" id="{escape(span.anchor_id)}"></span>')
        segment = text[left:right]
        covering = [s for s in found if s.start <= left and s.end >= right and s.start < s.end]
        if not covering:
            out.append(str(escape(segment)))
            continue
        inner = min(covering, key=lambda s: (s.end - s.start, str(s.claim)))
        names = "; ".join(s.label for s in covering)
        css = "claim-span many" if len(covering) > 1 else "claim-span"
        out.append(
            f'<a class="{css}" href="{escape(inner.href)}" title="{escape(names)}">{escape(segment)}</a>'
        )
    return Markup("".join(out))
