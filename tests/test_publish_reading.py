"""The published pages read once and whole: a relay chain shown in one form, excerpts that end
where their sentence ends, a layout without blank columns, a header whose items do not break.

Oracles: the data's pg:relays and report pages (through the published links), the stored
article text; the layout checks measure the pages in Chromium.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from test_publish import ROOT
from test_publish_serve import serving

LANGUAGES = ("", "zh/", "ru/")
TURKEY = "id/turkey.html"
CLAIM = "id/claim-reference-news-2026-01-12-08.html"


class _Chains(HTMLParser):
    """For every <dd> holding a relay chain (a chain figure or an ol.chain): the report links
    of each chain figure (its SVG <a> elements) and of each ol.chain list."""

    def __init__(self) -> None:
        super().__init__()
        self.dd: list[dict[str, list[list[str]]]] = []  # open <dd>s, innermost last
        self.chains: list[dict[str, list[list[str]]]] = []
        self.svg = 0
        self.ol = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "dd":
            self.dd.append({"figures": [], "lists": []})
        elif not self.dd:
            return
        elif tag == "svg" and "chain-figure" in classes:
            self.svg += 1
            self.dd[-1]["figures"].append([])
        elif tag == "ol" and "chain" in classes:
            self.ol += 1
            self.dd[-1]["lists"].append([])
        elif tag == "a" and self.svg:
            self.dd[-1]["figures"][-1].append(found.get("xlink:href") or found.get("href") or "")
        elif tag == "a" and self.ol:
            self.dd[-1]["lists"][-1].append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "dd" and self.dd:
            done = self.dd.pop()
            if done["figures"] or done["lists"]:
                self.chains.append(done)
        elif tag == "svg" and self.svg:
            self.svg -= 1
        elif tag == "ol" and self.ol:
            self.ol -= 1


def chains(text: str) -> list[dict[str, list[list[str]]]]:
    parser = _Chains()
    parser.feed(text)
    return parser.chains


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", (TURKEY, CLAIM))
def test_each_relay_chain_is_shown_once_and_its_figure_links_the_reports(shipped_site, page, language):
    path = shipped_site.path / language / page
    found = chains(path.read_text(encoding="utf-8"))
    assert found, page
    drawn = 0
    for chain in found:
        if chain["figures"]:
            # one figure in two layouts (wide, narrow), no list beside it
            assert chain["lists"] == [], (page, language)
            assert len(chain["figures"]) == 2
            wide, narrow = chain["figures"]
            assert wide == narrow and len(wide) >= 2, (page, language)
            for href in wide:  # each box links to its report's page, which exists
                assert "report-" in href and (path.parent / href).resolve().is_file(), href
            drawn += 1
        else:  # a claim first reported where it is stated: one report, as a list
            assert len(chain["lists"]) == 1 and len(chain["lists"][0]) == 1, (page, language)
    assert drawn, (page, language)


class _Quotes(HTMLParser):
    """Every blockquote.quote: [words before, the quote, words after], as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.quotes: list[list[str]] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote" and "quote" in (dict(attrs).get("class") or "").split():
            self.inside = True
            self.quotes.append([])
        elif self.inside and tag in ("span", "mark"):
            self.quotes[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.quotes[-1]:
            self.quotes[-1][-1] += data


ARTICLES = sorted(ROOT.glob("data/reports/*/article.txt"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", (TURKEY, CLAIM))
def test_an_excerpt_ends_with_its_paragraph_and_at_whole_words(shipped_site, page, language):
    parser = _Quotes()
    parser.feed((shipped_site.path / language / page).read_text(encoding="utf-8"))
    assert parser.quotes, page
    paragraphs = [p for article in ARTICLES for p in article.read_text(encoding="utf-8").split("\n") if p.strip()]
    for before, quote, after in parser.quotes:
        before, after = before.removeprefix("…"), after.removesuffix("…")
        shown = before + quote + after
        # the excerpt lies within one paragraph of an article: it never runs into the next
        holding = [p for p in paragraphs if shown in p]
        assert holding, shown
        paragraph = holding[0]
        start = paragraph.index(shown)
        end = start + len(shown)
        # it starts and ends at whole words: a space, a sentence's end or the paragraph's edge either side
        assert start == 0 or not (paragraph[start - 1].isalnum() and paragraph[start].isalnum()), shown
        assert end == len(paragraph) or not (paragraph[end - 1].isalnum() and paragraph[end].isalnum()), shown


@pytest.fixture(scope="module")
def server(shipped_site):
    with serving(shipped_site.path) as url:
        yield url


#: Where the infobox, the page's first words after the heading, and the first section heading are
#: drawn: [infobox top, infobox bottom, infobox left, first words' top, first h2's top, page width].
BOX = """
(() => {
  const box = document.querySelector("aside.infobox").getBoundingClientRect();
  const first = document.querySelector("main h1").nextElementSibling;
  const words = (first.contains(document.querySelector("aside.infobox")) ? document.querySelector("p.iri") : first);
  const h2 = document.querySelector("main h2").getBoundingClientRect();
  return [box.top, box.bottom, box.left, words.getBoundingClientRect().top, h2.top, document.documentElement.scrollWidth];
})()
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_infobox_stands_at_the_top_beside_the_page_s_words(browser, server, language):
    """At 1280 px the facts start level with the page's first words under its heading, and the
    page goes on beside them: the first section starts before the infobox ends, so no blank
    column is left beside it."""
    assert browser.load(server + language + TURKEY) == []
    top, bottom, left, words, h2, width = browser.evaluate(BOX)
    assert abs(top - words) < 24, (top, words)
    assert h2 < bottom, (h2, bottom)
    assert left > width / 2 and width <= 1280


#: The header's parts ([class or tag, top, bottom]) and the site menu's items drawn on more than one line.
HEADER = """
(() => {
  const header = document.querySelector("header.site");
  const parts = [...header.children].map((e) => [e.className || e.tagName, e.getBoundingClientRect().top, e.getBoundingClientRect().bottom]);
  const broken = [...header.querySelectorAll("nav a")].filter((a) => a.getClientRects().length > 1 ||
    a.getBoundingClientRect().height > 1.9 * parseFloat(getComputedStyle(a).fontSize)).map((a) => a.textContent);
  return [parts, broken];
})()
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_is_one_row_at_1280_px(browser, server, language):
    assert browser.load(server + language + TURKEY) == []
    parts, broken = browser.evaluate(HEADER)
    assert broken == []
    langs = next(p for p in parts if p[0] == "langs")
    brand = next(p for p in parts if p[0] == "brand")
    assert langs[1] < brand[2], parts  # the language switch on the brand's row, not below it


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_menu_item_breaks_across_lines_on_a_phone(phone, server, language):
    assert phone.load(server + language + TURKEY) == []
    _, broken = phone.evaluate(HEADER)
    assert broken == []


@pytest.mark.parametrize("layout", ("narrow", "wide"))
@pytest.mark.parametrize(
    "title",
    ("Events and publications", "Events and publications of the Saudi–Pakistan defence alliance and Turkey", "事件与发表" * 12),
)
def test_the_timeline_caption_wraps_instead_of_being_cut(layout, title):
    import datetime as dt
    from xml.etree import ElementTree as ET

    from pactgraph.publishing.figures import Span, timeline_svg

    day = dt.date(2026, 1, 12)
    svg = ET.fromstring(timeline_svg([Span(day, day, "a report", "tip", "#000")], title, [], "key", "none", layout))
    ns = "{http://www.w3.org/2000/svg}"
    lines = [t for t in svg.iter(f"{ns}text") if t.get("class") == "caption"]
    shown = [t.text or "" for t in lines]
    assert "".join("".join(shown).split()) == "".join(title.split()) and "…" not in "".join(shown)
    # one line under the other, above everything else drawn
    ys = [float(t.get("y", 0)) for t in lines]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    others = [float(t.get("y", 0)) for t in svg.iter(f"{ns}text") if t.get("class") != "caption"]
    assert min(others) > max(ys) + 10
    assert float(svg.get("height", 0)) > max(others)


#: The search box's placeholder: [its words, how wide they are drawn in the box's font (a canvas
#: measures them), how wide the box's text area is (its drawn width less its borders and padding)].
PLACEHOLDER = """
(() => {
  const input = document.getElementById("site-search");
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = input.getBoundingClientRect().width - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth)
    - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [input.placeholder, context.measureText(input.placeholder).width, room];
})()
"""


@pytest.mark.parametrize("width", (390, 1280))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_search_box_shows_its_whole_placeholder(browser, server, language, width):
    """"Поиск по названиям" (the catalogue's Russian for "Search labels") is not cut off by the
    box's edge, nor are the English and Chinese words, at 390 and 1280 px; the page does not
    scroll sideways."""
    from pactgraph.publishing.i18n import gettext
    from pactgraph.publishing.i18n import language as in_language

    browser.viewport(width)
    try:
        assert browser.load(server + language + TURKEY) == []
        words, drawn, room = browser.evaluate(PLACEHOLDER)
        with in_language(language.rstrip("/") or "en"):
            assert words == gettext("Search labels")
        assert drawn <= room + 0.1, (words, drawn, room)  # within layout's rounding (1/64 px)
        assert browser.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        browser.viewport(1280)
