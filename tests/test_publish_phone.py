"""The published site on a phone: every page type at 390 CSS px in Chromium.

Nothing scrolls sideways, no visible text is smaller than 11 CSS px (HTML text by its
computed font size, SVG text by the size it is drawn at: its font size times the scale of
its screen transformation), and every region that scrolls says so and takes the keyboard
focus (axe's `scrollable-region-focusable`).
"""

from __future__ import annotations

import json
import re

import pytest
from test_publish_serve import serving
from test_publish_story import PAGE_TYPES

WIDTH = 390
SMALLEST = 11  # CSS px

#: Every element with a non-empty text node of its own, as it is drawn: [tag, text, size].
SMALL_TEXT = """
(() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(element)) continue;
    seen.add(element);
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
    if (element.closest(".visually-hidden")) continue;
    let size = parseFloat(style.fontSize);
    if (element instanceof SVGElement) {
      const m = element.getScreenCTM();
      size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    if (size < %d - 0.01) found.push([element.tagName, walker.currentNode.textContent.trim().slice(0, 40), size]);
  }
  return found;
})()
""" % SMALLEST

#: Elements that scroll sideways or down inside the page without taking the focus or saying
#: (in the page's language: the word for "scroll" below) that they scroll; a text area, a
#: form control, scrolls natively and is left out.
SCROLL_REGIONS = """
((says) => [...document.querySelectorAll("body *")].filter((e) => {
  const style = getComputedStyle(e);
  const scrolls = (/(auto|scroll)/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1) ||
    (/(auto|scroll)/.test(style.overflowY) && e.scrollHeight > e.clientHeight + 1);
  return scrolls && e.tagName !== "TEXTAREA" && !(e.tabIndex >= 0 && (e.getAttribute("aria-label") || "").includes(says));
}).map((e) => e.tagName + "." + e.className + " " + (e.id || "")))(%s)
"""
#: How a scroll region's label says that it scrolls, by the page's language (the catalogues' words).
SCROLLS = {"": "scroll", "zh/": "滚动", "ru/": "прокручива"}

#: The offsets in an element's text where a line starts: where a character's line box starts
#: below the one before it (declared inside each script's own function, so evaluating two
#: scripts in one page declares nothing twice).
LINE_STARTS = """
const lineStarts = (element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const starts = [];
  let offset = 0, top = null;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (let i = 0; i < node.length; i++, offset++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box || box.width === 0) continue;
      if (top !== null && box.top > top + box.height / 2) starts.push(offset);
      top = box.top;
    }
  }
  return starts;
};
"""

#: The labels of a page (the infobox's row headings, the names of facts and statements) whose
#: lines break inside a word: [label, the words either side of the break]. A break is where
#: one character's line box starts below the one before it; it must fall at a word boundary
#: of the label's language (Intl.Segmenter: between words, at a space; in Chinese, between the
#: words the segmenter finds).
BROKEN_WORDS = "(() => {" + LINE_STARTS + """return (() => [...document.querySelectorAll(".infobox th, dl.facts dt, table.props th")].flatMap((label) => {
  const text = label.textContent;
  const language = label.closest("[lang]").getAttribute("lang");
  const boundaries = new Set([...new Intl.Segmenter(language, {granularity: "word"}).segment(text)].map((s) => s.index));
  return lineStarts(label)
    .filter((offset) => !boundaries.has(offset) && !/\\s/.test(text[offset - 1]))
    .map((offset) => [text.trim(), text.slice(0, offset) + "|" + text.slice(offset)]);
}))();
})()
"""

@pytest.fixture(scope="module")
def server(shipped_site):
    with serving(shipped_site.path) as url:
        yield url


LANGUAGES = ("", "zh/", "ru/")  # the site's English, Chinese and Russian pages


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_every_page_type_reads_on_a_phone(phone, server, kind, language):
    path = language + PAGE_TYPES[kind]
    assert phone.load(server + path) == [], path
    assert phone.evaluate("window.innerWidth") == WIDTH
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "scrolls sideways"
    assert phone.evaluate(SMALL_TEXT) == []
    assert phone.evaluate(SCROLL_REGIONS % json.dumps(SCROLLS[language])) == []
    # dates are never broken across lines
    broken = phone.evaluate(
        "[...document.querySelectorAll('time, .date')].filter(e => e.getClientRects().length > 1)"
        ".map(e => e.textContent)"
    )
    assert broken == []


#: Each visible chart (an image, or a group when its boxes are links): [class, layout, its smallest
#: text as drawn]: the computed font size times the chart's scale (its drawn width over its viewBox
#: width, by getBoundingClientRect) times any scale inside it (the text's transformation relative
#: to the chart).
CHART_TEXT = """
(() => [...document.querySelectorAll("svg[role=img], svg[role=group]")].filter((svg) => svg.getBoundingClientRect().width > 0)
  .map((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim()).map((t) => {
      const inner = svg.getScreenCTM().inverse().multiply(t.getScreenCTM());
      return parseFloat(getComputedStyle(t).fontSize) * scale * Math.sqrt(Math.abs(inner.a * inner.d - inner.b * inner.c));
    });
    return [svg.getAttribute("class"), svg.dataset.layout || "", Math.min(...sizes)];
  }))()
"""

CHARTS = {"story": {"chart"}, "claim": {"chain-figure"}, "ontology": {"overview"}, "timeline": {"timeline"}}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_each_chart_s_smallest_text_is_readable_on_a_phone(phone, server, kind, language):
    assert phone.load(server + language + PAGE_TYPES[kind]) == []
    charts = phone.evaluate(CHART_TEXT)
    assert {c[0] for c in charts} == CHARTS[kind], charts
    for css_class, layout, smallest in charts:
        assert smallest >= SMALLEST - 0.01, (css_class, layout, smallest)
        # graphs and the timeline show their narrow layout on a phone
        assert layout in ("", "narrow"), (css_class, layout)


@pytest.mark.parametrize("language, colon", (("", ": "), ("zh/", "\uff1a"), ("ru/", ": ")))
def test_card_labels_end_with_the_language_s_colon(phone, server, language, colon):
    """On a phone a table becomes cards, each cell led by its column's name (CSS ::before):
    in Chinese with a full-width colon, as the catalogue writes ": " there."""
    assert phone.load(server + language + "timeline.html") == []
    labels = phone.evaluate(
        "[...document.querySelectorAll('table.cards td[data-label]')]"
        ".map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels
    for label in labels:
        assert label.endswith(colon + '"') and not label.endswith(" " + colon + '"'), label


#: Each ISO date in the page's visible text that is drawn on more than one line: [the text around it].
BROKEN_DATES = r"""
(() => {
  const found = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let count = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const match of node.textContent.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top)));
      count += tops.size > 0;
      if (tops.size > 1) found.push(node.textContent.slice(Math.max(0, match.index - 30), match.index + 12));
    }
  }
  return [count, found];
})()
"""


def as_of(language: str) -> str:
    """A pattern for a claim's time as a reason words it in a language ("future as of 2026-01-09"),
    from the site's catalogue of that language."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    from pactgraph.reading.comparing import REASONS

    words = REASONS["as of"]
    if language:
        locale = Path(__file__).resolve().parents[1] / "src/pactgraph/publishing/locale" / language / "LC_MESSAGES/messages.po"
        with locale.open("rb") as f:
            words = read_po(f, locale=language)[words].string
    pattern = re.escape(words)
    return pattern.replace(re.escape("%(date)s"), r"\d{4}-\d{2}-\d{2}").replace(re.escape("%(orientation)s"), r"\S+")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("claim", ("08", "09"))
def test_dates_in_a_comparison_s_reason_stay_on_one_line_on_a_phone(phone, server, language, claim):
    """A claim page gives the reason two claims compare as they do, in the page's words, which may hold
    dates ("future as of 2026-01-09; non-future as of 2026-01-12"): on a phone no date is broken at a
    hyphen across two lines, there or anywhere else on the page."""
    assert phone.load(f"{server}{language}id/claim-reference-news-2026-01-12-{claim}.html") == []
    reasons = phone.evaluate("[...document.querySelectorAll('li.relation')].map(li => li.textContent).join(' ')")
    assert re.search(as_of(language.rstrip("/")), reasons), reasons
    count, broken = phone.evaluate(BROKEN_DATES)
    assert count and broken == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_card_shows_no_label_without_a_value(phone, server, shipped_site, language):
    """A timeline row without a source or publisher (a background source) leaves that cell empty:
    on a phone its card leaves the cell out rather than show the column's name with nothing after
    it. The timeline's HTML has such empty cells (read from the file), so the check has cases."""
    page = (shipped_site.path / language / "timeline.html").read_text(encoding="utf-8")
    assert re.search(r'<td data-label="[^"]*"></td>', page)
    assert phone.load(server + language + "timeline.html") == []
    shown = phone.evaluate(
        "[...document.querySelectorAll('table.cards td[data-label]')].filter(td => td.getClientRects().length > 0)"
        ".map(td => [td.dataset.label, td.textContent.trim()])"
    )
    assert shown
    assert [label for label, value in shown if not value] == []


@pytest.mark.parametrize("language", ("", "ru/", "zh/"))
def test_labels_wrap_only_between_words_on_a_phone(phone, server, language):
    """The infobox's labels ("Член организации" in Russian) and the names of facts break
    between words, never inside one, and the page does not scroll sideways."""
    assert phone.load(server + language + "id/turkey.html") == []
    assert phone.evaluate("document.querySelectorAll('.infobox th').length") > 3
    assert phone.evaluate(BROKEN_WORDS) == []
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "scrolls sideways"


#: File paths (the Downloads table's links, "Stored at"), every break of their lines as
#: [path, the characters either side of it]: a break is where a character's line box starts
#: below the one before it.
PATH_BREAKS = "(() => {" + LINE_STARTS + """return (() => [...document.querySelectorAll("table.files td a, table.props span.lit")]
  .filter((e) => /^[\\w.-]+(\\/[\\w.-]+)+$/.test(e.textContent.trim()))
  .flatMap((e) => {
    const text = e.textContent;
    return lineStarts(e).map((offset) => [text, text.slice(Math.max(0, offset - 3), offset) + "|" + text.slice(offset, offset + 3)]);
  }))();
})()
"""


@pytest.mark.parametrize("page", ("index.html", "id/text-reference-news-2026-01-12.html"))
def test_file_paths_break_only_after_a_slash_on_a_phone(phone, server, page):
    """A path such as texts/reports/reference-news-2026-01-12/article.txt never breaks inside
    a segment (the date in it stays whole): only after a "/"."""
    assert phone.load(server + page) == []
    paths = phone.evaluate(
        "[...document.querySelectorAll('table.files td a, table.props span.lit')].map(e => e.textContent.trim())"
        ".filter(t => t.includes('reports/reference-news-2026-01-12/'))"
    )
    assert paths, page
    breaks = phone.evaluate(PATH_BREAKS)
    assert all(around.split("|")[0].endswith("/") for _, around in breaks), breaks


#: The narrow timeline's texts as drawn: [text, how far it reaches past the figure's right edge
#: (CSS px)], and its key (the legend's explanation) with its lines joined.
TIMELINE_TEXT = """
(() => {
  const svg = [...document.querySelectorAll("svg.timeline")].find((s) => s.getBoundingClientRect().width > 0);
  const right = svg.getBoundingClientRect().right;
  const over = [...svg.querySelectorAll("text")].map((t) => [t.textContent, t.getBoundingClientRect().right - right])
    .filter(([, past]) => past > 0.5);
  return [svg.dataset.layout, over, [...svg.querySelectorAll("text.key")].map((t) => t.textContent).join(" ")];
})()
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_timeline_legend_wraps_within_the_figure_on_a_phone(phone, server, language):
    """The legend's key ("diamond: exact date; bar: …") is shown whole, wrapped to the figure's
    width, in every language: not cut with "…" and not past the figure's edge."""
    from pactgraph.publishing.i18n import gettext
    from pactgraph.publishing.i18n import language as in_language
    from pactgraph.publishing.timelines import KEY

    with in_language(language.rstrip("/") or "en"):
        key = gettext(KEY)
    assert phone.load(server + language + "timeline.html") == []
    layout, over, shown = phone.evaluate(TIMELINE_TEXT)
    assert layout == "narrow"
    assert over == []
    assert "".join(shown.split()) == "".join(key.split())


#: Every IRI shown as text (the IRI under a page's heading, a link or value that is an IRI, a
#: query result without a label): [IRI, how many line breaks, the characters either side of each
#: break that does not follow a "/", "#", "." or "-"]. Each IRI counted once (the innermost
#: element whose text it is).
IRI_BREAKS = "(() => {" + LINE_STARTS + """return (() => {
  const isIri = (text) => /^(?:https?:\\/\\/|urn:)\\S+$/.test(text.trim());
  return [...document.querySelectorAll("main *")]
    .filter((e) => e.getBoundingClientRect().width > 0 && isIri(e.textContent)
      && ![...e.children].some((c) => c.textContent.trim() === e.textContent.trim()))
    .map((e) => {
      const text = e.textContent;
      const bad = lineStarts(e).filter((offset) => !"/#.-".includes(text[offset - 1]))
        .map((offset) => text.slice(Math.max(0, offset - 4), offset) + "|" + text.slice(offset, offset + 4));
      return [text.trim(), lineStarts(e).length, bad];
    });
})();
})()
"""

IRI_PAGES = (
    "id/claim-reference-news-2026-01-12-08.html",
    "id/report-reference-news-2026-01-12.html",
    "id/text-reference-news-2026-01-12.html",
    "vocab/certainty-probable.html",
    "ontology.html",
    "shapes.html",
    "void.html",
    "ru/id/report-reference-news-2026-01-12.html",
)


@pytest.mark.parametrize("page", IRI_PAGES)
def test_iris_break_only_after_a_slash_hash_dot_or_hyphen_on_a_phone(phone, server, page):
    """A long IRI (the one under a page's heading, a link whose words are a URL, a term's IRI
    on the ontology and shapes pages) wraps on a phone only after "/", "#", "." or "-", never
    inside a word ("claim-refere|nce-news" or "Sovere|ignState" are wrong)."""
    assert phone.load(server + page) == []
    found = phone.evaluate(IRI_BREAKS)
    assert any(breaks > 0 for _, breaks, _ in found), f"no IRI on {page} wraps: the check would see nothing"
    assert [(iri, bad) for iri, _, bad in found if bad] == []
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "scrolls sideways"


def test_query_results_break_iris_only_after_a_slash_hash_dot_or_hyphen_on_a_phone(phone, server):
    """An IRI without a label in the query page's results (here a report's URL) wraps as the
    site's pages wrap IRIs."""
    from test_publish_story import run_query

    assert phone.load(server + "query.html") == []
    run_query(phone, "SELECT ?url WHERE { pgr:report-reference-news-2026-01-12 schema:url ?url }")
    found = phone.evaluate(IRI_BREAKS)
    urls = [f for f in found if f[0].startswith("https://toutiao.com/")]
    assert urls and urls[0][1] > 0, found
    assert [(iri, bad) for iri, _, bad in found if bad] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_query_results_are_cards_on_a_phone(phone, server, language):
    """A named question of six columns, one of them long (the sources of each party), answers on
    a phone as one card per row: every cell is drawn within the screen, led by its variable's
    name, nothing in the results scrolls sideways, and the values are those `pactgraph query`
    prints (its CSV) in the same order."""
    import csv
    import io

    from conftest import _run_pactgraph
    from test_publish_story import run_query

    done = _run_pactgraph("query", "parties-and-date", "--format", "csv")
    assert done.returncode == 0, done.stderr
    expected = list(csv.reader(io.StringIO(done.stdout)))
    assert phone.load(server + language + "query.html") == []
    phone.evaluate(
        "document.getElementById('query-example').value = 'parties-and-date';"
        "document.getElementById('query-example').dispatchEvent(new Event('change')); 1"
    )
    text = phone.evaluate("document.getElementById('query-text').value")
    assert "# title: Parties to the Saudi" in text
    run_query(phone, text)
    cells = phone.evaluate(
        "[...document.querySelectorAll('#query-results tbody tr')].map(tr => [...tr.cells].map(td => {"
        " const box = td.getBoundingClientRect(); const value = td.querySelector('[lang]') || td;"
        " return [getComputedStyle(td, '::before').content, value.textContent.trim(), box.left, box.right]; }))"
    )
    assert [[value for _, value, _, _ in row] for row in cells] == expected[1:]
    for row in cells:
        for (label, _, left, right), name in zip(row, expected[0], strict=True):
            assert label.startswith('"' + name), (label, name)
            assert 0 <= left and right <= WIDTH, (name, left, right)
    assert phone.evaluate(
        "[...document.querySelectorAll('#query-results, #query-results *')]"
        ".filter(e => /(auto|scroll)/.test(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.tagName + '.' + e.className)"
    ) == []


#: Each question of the front page with its visible certainty chart: [its layout, how far the
#: chart reaches past its box and how far its texts reach past the chart (CSS px, either side),
#: whether anything in the question scrolls sideways, the claimants' names as the chart draws
#: them (a dot's lines joined), and the claimants the list under the chart names].
QUESTION_CHARTS = """
(() => [...document.querySelectorAll("section.question")].map((q) => {
  const svg = [...q.querySelectorAll("svg.chart")].find((s) => s.getBoundingClientRect().width > 0);
  const box = svg.parentElement.getBoundingClientRect(), own = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll("text")].map((t) => t.getBoundingClientRect());
  const past = Math.max(own.right - box.right, box.left - own.left,
    ...texts.map((t) => Math.max(t.right - own.right, own.left - t.left)));
  const scrolls = [q, ...q.querySelectorAll("*")].some((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
    && /(auto|scroll)/.test(getComputedStyle(e).overflowX));
  const drawn = [...svg.querySelectorAll("g")].map((g) => [...g.querySelectorAll("text")].map((t) => t.textContent).join(" "));
  const listed = [...q.querySelectorAll("ul.plain > li")].map((li) => li.querySelector("a").textContent);
  return [svg.dataset.layout, past, scrolls, drawn.sort(), listed.sort()];
}))()
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certainty_chart_reflows_on_a_phone(phone, server, language):
    """At 390 px the certainty chart is drawn in its narrow layout inside the page's width: it
    does not scroll sideways, each claimant's name is drawn whole (wrapped, not cut with "…"),
    and its text is never smaller than 11 px."""
    assert phone.load(server + language + "index.html") == []
    questions = phone.evaluate(QUESTION_CHARTS)
    assert questions
    for layout, past, scrolls, drawn, listed in questions:
        assert layout == "narrow"
        assert past <= 0.5, past
        assert not scrolls
        assert drawn == listed and not any("…" in name for name in drawn), (drawn, listed)
    assert all(smallest >= SMALLEST - 0.01 for css, _, smallest in phone.evaluate(CHART_TEXT) if css == "chart")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "scrolls sideways"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certainty_chart_is_wide_where_it_fits(browser, server, language):
    """At 1280 px the chart keeps its wide layout (a row per certainty), inside its box, each
    claimant's name drawn whole ("officials who did not want to reveal their names", not cut)."""
    assert browser.load(server + language + "index.html") == []
    for layout, past, scrolls, drawn, listed in browser.evaluate(QUESTION_CHARTS):
        assert (layout, scrolls) == ("wide", False) and past <= 0.5, past
        assert drawn == listed, (drawn, listed)


#: The visible timeline's items as drawn (each item's lines joined, spaces removed: its dates, then
#: its label), how far any of its texts reaches past the figure's right edge, and the items the
#: table under it names (spaces removed).
TIMELINE_LABELS = """
(() => {
  const svg = [...document.querySelectorAll("svg.timeline")].find((s) => s.getBoundingClientRect().width > 0);
  const right = svg.getBoundingClientRect().right;
  const squeeze = (text) => text.replace(/\\s+/g, "");
  const drawn = [...svg.querySelectorAll("g")].map((g) => squeeze([...g.querySelectorAll("text")].map((t) => t.textContent).join(" ")));
  const past = Math.max(...[...svg.querySelectorAll("text")].map((t) => t.getBoundingClientRect().right - right));
  const listed = [...document.querySelectorAll("table.cards tbody tr")].map((tr) => squeeze(tr.cells[2].textContent));
  return [svg.dataset.layout, drawn, past, listed];
})()
"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", (390, 1280))
def test_every_timeline_label_is_drawn_whole(browser, server, language, width):
    """Each event's and publication's label on the timeline is drawn whole at 390 and 1280 px,
    wrapped onto lines within the figure (never cut with "…"): as the table under the figure
    names the item. On a phone the page still does not scroll sideways."""
    browser.viewport(width)
    try:
        assert browser.load(server + language + "timeline.html") == []
        layout, drawn, past, listed = browser.evaluate(TIMELINE_LABELS)
        assert layout == ("narrow" if width == 390 else "wide")
        # each drawn item ends with an item's whole name, as the table gives it
        assert drawn and all(any(d.endswith(name) for name in listed) for d in drawn), [
            d for d in drawn if not any(d.endswith(name) for name in listed)
        ]
        assert past <= 0.5, past
        assert browser.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "scrolls sideways"
    finally:
        browser.viewport(1280)


#: The contents strip's links that end with a count ("What other claims say (2)"): [text, the
#: characters either side of each line break that falls at or after the count's "("].
COUNT_BREAKS = "(() => {" + LINE_STARTS + """return (() => [...document.querySelectorAll("nav.toc a")]
  .filter((a) => /\\(\\d+\\)\\s*$/.test(a.textContent))
  .map((a) => {
    const text = a.textContent, count = text.lastIndexOf("(");
    return [text, lineStarts(a).filter((offset) => offset >= count)
      .map((offset) => text.slice(Math.max(0, offset - 4), offset) + "|" + text.slice(offset))];
  }))();
})()
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_contents_link_keeps_its_count_with_its_words_on_a_phone(phone, server, language):
    """The claim page's contents strip names each part with a count ("What other claims say (2)"):
    on a phone a link may wrap between its words, but "(2)" never starts a line of its own."""
    assert phone.load(server + language + PAGE_TYPES["claim"]) == []
    links = phone.evaluate(COUNT_BREAKS)
    assert links, "no contents link with a count: the check would see nothing"
    assert [(text, breaks) for text, breaks in links if breaks] == []


#: The timeline table's "What" cells whose lines break inside a run of Chinese characters:
#: [text, the characters either side of the break]. A break may follow a space or punctuation
#: ("事件：" then "武装冲突"), never split a word such as 背景资料.
CJK_BREAKS = "(() => {" + LINE_STARTS + """return (() => [...document.querySelectorAll("table.cards tbody tr")]
  .map((tr) => tr.cells[1]).flatMap((cell) => {
    const text = cell.textContent;
    return lineStarts(cell).filter((offset) => /\\p{Script=Han}/u.test(text[offset - 1]) && /\\p{Script=Han}/u.test(text[offset]))
      .map((offset) => [text, text.slice(0, offset) + "|" + text.slice(offset)]);
  }))();
})()
"""


def test_the_chinese_timeline_table_keeps_its_words_whole(browser, server):
    """At 1280 px the Chinese timeline's "What" column names each row's kind (背景资料, 事件：停火):
    a name is never broken between its characters (背景资 / 料); it may wrap after its colon."""
    assert browser.load(server + "zh/timeline.html") == []
    assert browser.evaluate("document.querySelectorAll('table.cards tbody tr').length") > 5
    assert browser.evaluate(CJK_BREAKS) == []


#: The contents links whose lines break between two Chinese characters: [text, where it breaks].
TOC_CJK_BREAKS = "(() => {" + LINE_STARTS + """return [...document.querySelectorAll("nav.toc a")].flatMap((a) => {
    const text = a.textContent;
    return lineStarts(a).filter((offset) => /\\p{Script=Han}/u.test(text[offset - 1]) && /\\p{Script=Han}/u.test(text[offset]))
      .map((offset) => [text, text.slice(0, offset) + "|" + text.slice(offset)]);
  });
})()
"""


def test_a_chinese_contents_link_is_not_split_inside_a_word_on_a_phone(phone, server):
    """Turkey's page lists its parts in a contents strip ("涉及土耳其的说法 (22)"): on a phone a
    link that does not fit the rest of a line starts the next one, rather than breaking between two
    characters of a word ("说" | "法")."""
    assert phone.load(server + "zh/" + PAGE_TYPES["entity"]) == []
    texts = phone.evaluate("[...document.querySelectorAll('nav.toc a')].map(a => a.textContent)")
    assert any(re.search("[\u4e00-\u9fff]{2}", t) for t in texts), texts
    assert phone.evaluate(TOC_CJK_BREAKS) == []



#: The ontology page's visible charts: [how far each reaches past the box it is shown in (CSS px),
#: whether that box scrolls sideways, its smallest text as drawn, and each class box as
#: [its tooltip (the class's name), its lines joined (a line ending in a hyphen joined without a space)],
#: its layout (wide, narrow)].
ONTOLOGY_CHARTS = """
(() => [...document.querySelectorAll("svg.overview")].filter((svg) => svg.getBoundingClientRect().width > 0).map((svg) => {
  const box = svg.parentElement, own = svg.getBoundingClientRect();
  const scale = own.width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  const boxes = [...svg.querySelectorAll("g.node")].map((g) => [g.querySelector("title").textContent,
    [...g.querySelectorAll("text")].map((t) => t.textContent).reduce((a, b) => a.endsWith("-") ? a + b : a + " " + b)]);
  return [own.right - box.getBoundingClientRect().right, box.scrollWidth > box.clientWidth + 1, Math.min(...sizes), boxes,
    svg.dataset.layout];
}))()
"""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", (390, 1280))
def test_the_ontology_charts_fit_the_column(request, server, language, width):
    """On a phone (390 px) and on a desktop screen (1280 px) both ontology charts (the class
    hierarchy and the property chart) fit the page's column without scrolling, their text at
    least 11 px: long Russian class names ("Межгосударственные отношения") are wrapped onto
    lines of their box, and each box still names its class whole (its lines joined are the
    name its tooltip gives)."""
    screen = request.getfixturevalue("phone" if width == WIDTH else "browser")
    assert screen.load(server + language + "ontology.html") == []
    assert screen.evaluate("window.innerWidth") == width
    charts = screen.evaluate(ONTOLOGY_CHARTS)
    assert len(charts) == 2
    for past, scrolls, smallest, boxes, layout in charts:
        assert layout == ("narrow" if width == WIDTH else "wide")
        assert past <= 0.5 and not scrolls, (layout, past, scrolls)
        assert smallest >= SMALLEST - 0.01, (layout, smallest)
        assert boxes and [(tip, lines) for tip, lines in boxes if tip != lines] == []
    assert screen.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "scrolls sideways"
