"""Graphs laid out by Graphviz `dot` (through the `graphviz` package), returned as inline SVG
that is the same bytes on every run and fits the site's pages.

dot's own SVG is cleaned: the comments that carry its version go, and so do its element ids
(a page holds many figures, ids would repeat), its generic titles (replaced by the caller's
words) and its page background. Sizes become CSS pixels (one unit of the viewBox is one
pixel at the figure's natural size), so a font size of 12 is drawn at 12 px.

When `dot` is missing the site cannot be drawn: an InputError says what to install; there
is no drawing made another way.
"""

from __future__ import annotations

import functools
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from markupsafe import Markup

from pactgraph.errors import InputError

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
FONT = "sans-serif"
MISSING = (
    "Graphviz's `dot` program was not found on PATH: it lays out the site's figures. "
    "Install Graphviz (Debian/Ubuntu: apt-get install graphviz, or `make system`; others: https://graphviz.org/download/)"
)


def digraph(**graph_attr: str) -> Any:
    """A Digraph with the site's fonts; nodes and edges are added by the caller in a fixed order."""
    import graphviz

    attrs = {"fontname": FONT, "fontsize": "12", "bgcolor": "transparent", "pad": "0.05"}
    attrs.update(graph_attr)
    dot = graphviz.Digraph(graph_attr=attrs)
    dot.attr("node", fontname=FONT, fontsize="13")
    dot.attr("edge", fontname=FONT, fontsize="12")
    return dot


def text(words: str) -> Any:
    """Words for a dot label: never an HTML-like label, never an escape sequence such as \\N."""
    import graphviz

    return graphviz.nohtml(words.replace("\\", "\\\\"))


def require_dot() -> None:
    """InputError (one line: what is missing, how to install it) unless `dot` can be run."""
    from graphviz.backend import dot_command

    if shutil.which(str(dot_command.DOT_BINARY)) is None:
        raise InputError(MISSING)


@dataclass(frozen=True)
class Figure:
    """What a drawing says of itself: `title` (also its aria-label, with role="img", or role="group"
    when its boxes are links) and its CSS
    class; `titles` maps dot's node names and `a->b` edge names to the tooltips shown instead;
    `layout` (wide, narrow) and `data` (data-* attributes) mark the <svg>; it is in `language`
    (lang and xml:lang), and `languages` maps node and edge names to the language of each line of
    their label ('' for the figure's own), so that words left in another language are marked;
    `pitches` maps node names to the distance between their lines' baselines (CSS px) where dot's
    own (the font size and a little) is too tight, for Chinese characters, which fill the em: the
    caller makes such a node tall enough (its height) for the lines to be spread apart."""

    title: str
    css_class: str
    titles: Mapping[str, str]
    layout: str = ""
    language: str = "en"
    languages: Mapping[str, Sequence[str]] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)
    pitches: Mapping[str, float] = field(default_factory=dict)


def render(dot: Any, figure: Figure) -> Markup:
    """`dot` laid out as an inline <svg> that says what `figure` says."""
    require_dot()  # checked on every figure: a layout cached earlier does not hide that dot went
    return Markup(clean(_laid_out(dot.source), figure))


@functools.lru_cache(maxsize=512)
def _laid_out(source: str) -> str:
    """dot's SVG for a graph's source; a site draws the same relay chain on many pages."""
    import graphviz

    try:
        return graphviz.pipe_string("dot", "svg", source, encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise InputError(MISSING) from None


def clean(raw: str, figure: Figure) -> str:
    """dot's SVG `raw` made the same bytes on every run, in CSS pixels, saying what `figure` says."""
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    root = ET.fromstring(raw)  # comments and the DOCTYPE are dropped by the parser
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    for element in root.iter():
        element.attrib.pop("id", None)
        for name in ("font-size", "stroke-width"):
            if name in element.attrib:
                element.attrib[name] = _number(element.attrib[name])
    top = root.find(f"{{{SVG}}}g")
    assert top is not None
    for group in list(top):
        if group.tag == f"{{{SVG}}}title":  # the graph's name
            top.remove(group)
        elif group.tag == f"{{{SVG}}}polygon" and group.get("fill") in ("white", "transparent"):
            top.remove(group)  # the page background
    for group in top.iter(f"{{{SVG}}}g"):
        found = group.find(f"{{{SVG}}}title")
        if found is None:
            continue
        key = (found.text or "").replace("&#45;", "-")
        lines = figure.languages.get(key, ())
        if key in figure.pitches:
            _spread(list(group.iter(f"{{{SVG}}}text")), figure.pitches[key])
        for drawn, words_language in zip(group.iter(f"{{{SVG}}}text"), lines, strict=False):
            if words_language:
                mark(drawn, words_language)
        if key in figure.titles:
            found.text = figure.titles[key]
        else:
            group.remove(found)
    attrs = {
        "class": figure.css_class,
        "viewBox": f"0 0 {width:g} {height:g}",
        "width": f"{width:g}",
        "height": f"{height:g}",
        # an image's parts are hidden from assistive technology: a figure with links is a group of them
        "role": "group" if any(f"{{{XLINK}}}href" in e.attrib for e in root.iter()) else "img",
        "aria-label": figure.title,
        "font-family": FONT,
    }
    if figure.layout:
        attrs["data-layout"] = figure.layout
    attrs.update(figure.data)
    attrs["lang"] = attrs["xml:lang"] = figure.language
    heading = ET.Element(f"{{{SVG}}}title")
    heading.text = figure.title
    body = "".join(ET.tostring(child, encoding="unicode") for child in [heading, *root])
    # the children are serialised one by one: each names the SVG namespace again, which is the default already
    body = body.replace(f' xmlns="{SVG}"', "").replace(f' xmlns:xlink="{XLINK}"', "")
    head = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
    links = f' xmlns:xlink="{XLINK}"' if "xlink:" in body else ""
    return f'<svg{head} xmlns="{SVG}"{links}>{_tidy(body).strip()}</svg>'


def _spread(texts: list[Any], pitch: float) -> None:
    """Lines of a label moved apart to `pitch` between baselines, about their middle (where dot
    centred them in their box)."""
    if len(texts) < 2:
        return
    ys = [float(t.get("y")) for t in texts]
    middle = (ys[0] + ys[-1]) / 2
    for k, drawn in enumerate(texts):
        drawn.set("y", f"{middle + (k - (len(texts) - 1) / 2) * pitch:.1f}")


def mark(element: Any, language: str) -> None:
    """Give an SVG element a language: lang (SVG 2, HTML) and xml:lang (SVG 1.1), the same value."""
    element.set("lang", language)
    element.set(f"{{{XML}}}lang", language)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _number(value: str) -> str:
    try:
        return f"{float(value):g}"
    except ValueError:
        return value


def _tidy(body: str) -> str:
    """Whitespace between tags dropped: dot indents with newlines, the page does not need them."""
    return re.sub(r">\s+<", "><", body)
