"""The published site as a place to read the story: the front page, fact-first entity
pages, the annotated text, pictures, the timeline, search, labels in the visitor's
language, SPARQL in the browser, accessibility (axe-core) and phones (390 px).

Oracles: the named queries and `pactgraph timeline` (through the CLI), the stored
article text, the source files. The browser tests drive Debian's Chromium; axe-core
comes from the npm package pinned in package.json (`make node_modules`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_publish import ROOT, source_quads
from browser import Browser
from test_publish_serve import serving

BASE = "https://w3id.org/pactgraph/"
REPORT = BASE + "id/report-reference-news-2026-01-12"
TEXT_PAGE = "id/text-reference-news-2026-01-12.html"
ARTICLE = ROOT / "data/reports/reference-news-2026-01-12/article.txt"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
OA = "http://www.w3.org/ns/oa#"
PG = BASE + "ontology#"

#: One page of each kind, as the README's screenshots show them.
PAGE_TYPES = {
    "story": "index.html",
    "entity": "id/turkey.html",
    "claim": "id/claim-reference-news-2026-01-12-08.html",
    "text": TEXT_PAGE,
    "report": "id/report-reference-news-2026-01-12.html",
    "concept": "vocab/certainty-probable.html",
    "scheme": "vocab/certainty.html",
    "ontology": "ontology.html",
    "shapes": "shapes.html",
    "timeline": "timeline.html",
    "search": "search.html",
    "query": "query.html",
    "dataset": "void.html",
}


def cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pactgraph", *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    assert "warning" not in shipped_site.stderr, shipped_site.stderr  # the query engine is bundled
    return shipped_site.path


def report_claims() -> dict[str, dict[str, str]]:
    """The claims stated in the shipped report: IRI -> exact quote, start, end (from the source files)."""
    store = ox.Store()
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("ontology", "data")
    )
    query = f"""
    PREFIX pg: <{PG}> PREFIX oa: <{OA}>
    SELECT ?claim ?exact ?start ?end WHERE {{
      ?claim pg:statedIn <{REPORT}> ; pg:hasAnchor ?anchor .
      ?anchor oa:hasSelector ?q , ?p .
      ?q a oa:TextQuoteSelector ; oa:exact ?exact .
      ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    }}"""
    return {
        r["claim"].value: {"exact": r["exact"].value, "start": r["start"].value, "end": r["end"].value}
        for r in store.query(query)
    }


# ---------------------------------------------------------------- static pages


def test_the_front_page_tells_the_story(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    story = page[: page.index('id="claims"')]
    # the disagreement named query 04 finds is the first question, with its chart and claimants
    answer = json.loads(cli("query", "assessments-of-joining", "--format", "json"))
    rows = answer["results"]["bindings"]
    assert len({r["certainty"]["value"] for r in rows}) > 1
    first = story[story.index('<section class="question disagree">') :]
    first = first[: first.index("</section>")]
    assert '<svg class="chart"' in first and "claims disagree" in first
    for row in rows:
        assert row["claimant"]["value"] in first and row["certainty"]["value"] in first
    # every claim of the shipped report is a row of the claims table, linked to its words
    table = page[
        page.index("<table class=\"claims") : page.index("</table>", page.index("<table class=\"claims"))
    ]
    for claim in report_claims():
        name = claim.rsplit("/", 1)[1]
        assert f'href="id/{name}.html"' in table, name
        assert f'href="id/text-reference-news-2026-01-12.html#span-{name}"' in table, name
    # internal classes are folded away, the legend explains the words
    assert (
        '<details class="internal">' in page
        and "Sentence" in page[page.index('<details class="internal">') :]
    )
    assert "The claimant presents the proposition as likely." in page


def test_the_entity_page_gives_facts_before_claims(site):
    page = (site / "id/turkey.html").read_text(encoding="utf-8")
    facts, _, rest = page.partition('id="claims-about"')
    box = facts[facts.index('<aside class="infobox"') :]
    for expected in ("Sovereign state", "Türkiye", "NATO", "prospective member", "Ankara", "Wikidata Q43"):
        assert expected in box, expected
    assert "org:member" not in page and "@tr" not in page  # plain words, no raw tags
    # claims are grouped by proposition and no claim is shown twice
    cards = re.findall(r'<dt>Claim</dt><dd><a href="([^"]+)"', rest)
    assert cards and len(cards) == len(set(cards))


def test_the_relay_chain_reads_oldest_first_with_a_figure(site):
    text = (site / "id/claim-reference-news-2026-01-12-08.html").read_text(encoding="utf-8")
    # the chain is shown once, as a figure whose boxes link to the reports
    hrefs = re.findall(r'xlink:href="([^"]+)"', text[text.index('<svg class="chain-figure"') :])
    chain = [link for link in hrefs if "report-" in link and link.endswith(".html")]
    order = [
        name
        for name in ("bloomberg", "nezavisimaya-gazeta", "reference-news")
        if any(name in c for c in chain)
    ]
    firsts = [next(i for i, c in enumerate(chain) if name in c) for name in order]
    assert order == ["bloomberg", "nezavisimaya-gazeta", "reference-news"] and firsts == sorted(firsts)
    assert '<svg class="chain-figure"' in text
    figure = text[text.index('<svg class="chain-figure"') :]
    assert figure.index("Bloomberg") < figure.index("Nezavisimaya Gazeta") < figure.index("Reference News")


class _Annotated(HTMLParser):
    """The text of the annotated block, the words under each link, and the span ids."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.text: list[str] = []
        self.link: str | None = None
        self.linked: list[tuple[int, str, str]] = []  # (offset, href, words)
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("class") == "annotated":
            self.inside = True
        elif self.inside and tag == "a":
            self.link = attrs["href"]
        elif self.inside and tag == "span" and attrs.get("class") == "target":
            self.ids.append(attrs["id"])

    def handle_endtag(self, tag):
        if tag == "a":
            self.link = None
        elif tag == "div":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            if self.link:
                self.linked.append((len("".join(self.text)), self.link, data))
            self.text.append(data)


def test_the_annotated_text_is_the_stored_text_with_every_claim_linked(site):
    parser = _Annotated()
    parser.feed((site / TEXT_PAGE).read_text(encoding="utf-8"))
    article = ARTICLE.read_text(encoding="utf-8")
    assert "".join(parser.text) == article  # verbatim
    claims = report_claims()
    for claim, anchor in claims.items():
        name = claim.rsplit("/", 1)[1]
        assert f"span-{name}" in parser.ids, name
        start, end = int(anchor["start"]), int(anchor["end"])
        assert article[start:end] == anchor["exact"]
        # the words of the claim are all under links (to it, or to a shorter claim inside it)
        covered = "".join(words for offset, _, words in parser.linked if start <= offset < end)
        assert covered == anchor["exact"], name
    targets = {href for _, href, _ in parser.linked}
    assert targets <= {c.rsplit("/", 1)[1] + ".html" for c in claims}


def test_the_timeline_page_holds_the_items_of_the_timeline_command(site):
    rows = list(csv.DictReader(io.StringIO(cli("timeline", "--format", "csv"))))
    page = (site / "timeline.html").read_text(encoding="utf-8")
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert body.count("<tr>") == len(rows)
    for row in rows:
        assert row["iri"].rsplit("/", 1)[1] + ".html" in body, row["iri"]
    svg = (site / "timeline.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and len(re.findall(r'<g class="(?:item|story)"><title>', svg)) == sum(
        1 for r in rows if r["start"] or r["end"]
    )
    # the page holds the figure itself, wide and narrow
    assert '<svg class="timeline"' in page and svg.split("\n")[1] in page


def test_the_ontology_page_has_an_overview_of_its_classes(site):
    page = (site / "ontology.html").read_text(encoding="utf-8")
    # the class hierarchy and the properties, each in a wide layout (then a narrow one)
    figure = " ".join(re.findall(r'<svg class="overview"[^>]*data-layout="wide".*?</svg>', page, re.S))
    store = ox.Store()
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("ontology")
    )
    labels = [
        (r["c"].value, r["label"].value)
        for r in store.query(
            "SELECT ?c ?label WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER (isIRI(?c) && LANG(?label) = 'en') }"
        )
        if r["c"].value.startswith(PG)
    ]
    assert len(labels) > 10
    # each own class by its label, never by its local name
    for cls, label in labels:
        assert f">{escape(label)}</text>" in figure, cls
    assert ">ClaimComparison<" not in figure and ">pg:" not in figure
    assert "relays" in figure and "claimant" in figure  # properties between classes


def test_labels_carry_their_other_languages(site):
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("data"))
    found = list(
        store.query(
            f"SELECT ?s ?l WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
            f'FILTER (LANG(?l) IN ("zh", "ru") && STRSTARTS(STR(?s), "{BASE}id/")) }}'
        )
    )
    assert found
    for row in found:  # the name on the page in that language (one of its names, if several)
        name = row["s"].value.rsplit("/", 1)[1]
        language = "zh" if re.search(r"[\u4e00-\u9fff]", row["l"].value) else "ru"
        own = (site / language / f"id/{name}.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}">' in own
        assert f">{escape(row['l'].value, quote=False)}<" in own, name


# ---------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def server(site):
    with serving(site) as url:
        yield url


def wait_for(browser: Browser, expression: str, seconds: float = 60):
    return browser.wait_for(expression, seconds)


def test_a_named_question_answered_in_the_browser_equals_pactgraph_query(browser, server):
    expected = json.loads(cli("query", "contributions", "--format", "json"))
    variables = expected["head"]["vars"]
    rows = [[b.get(v, {}).get("value", "") for v in variables] for b in expected["results"]["bindings"]]
    assert browser.load(server + "query.html") == []
    browser.evaluate(
        "const p = document.getElementById('query-example'); p.value = 'contributions';"
        "p.dispatchEvent(new Event('change')); document.querySelector('#query-form button').click(); 1"
    )
    wait_for(
        browser,
        "document.querySelectorAll('#query-results tbody tr').length > 0 || "
        "document.getElementById('query-status').textContent.startsWith('Error')",
    )
    assert (
        browser.evaluate("[...document.querySelectorAll('#query-results th')].map(c => c.textContent)")
        == variables
    )
    got = browser.evaluate(
        "[...document.querySelectorAll('#query-results tbody tr')].map(r => [...r.cells].map(c => c.dataset.value))"
    )
    assert got == rows
    # a query of one's own, with a predeclared prefix
    browser.evaluate(
        "document.getElementById('query-text').value = 'ASK { pgr:turkey a pg:SovereignState }';"
        "document.querySelector('#query-form button').click(); 1"
    )
    wait_for(browser, "document.getElementById('query-results').textContent.includes('true')")


def run_query(browser: Browser, query: str) -> None:
    wait_for(browser, "!document.getElementById('query-controls').hidden")  # query.js has started
    browser.evaluate(
        "document.getElementById('query-results').replaceChildren();"
        "document.getElementById('query-status').textContent = '';"
        f"document.getElementById('query-text').value = {json.dumps(query)};"
        "document.querySelector('#query-form button').click(); 1"
    )
    wait_for(
        browser,
        "document.querySelectorAll('#query-results tbody tr').length > 0 || "
        "document.getElementById('query-status').textContent.startsWith('Error')",
    )


def test_query_results_are_labelled_links_with_language_tags(browser, server):
    assert browser.load(server + "query.html") == []
    run_query(
        browser,
        "SELECT ?place ?name WHERE { VALUES ?place { pgr:turkey } ?place rdfs:label ?name FILTER(lang(?name) = 'zh') }",
    )
    cells = browser.evaluate(
        "[...document.querySelectorAll('#query-results tbody td')].map(c => ({text: c.textContent, "
        "href: c.querySelector('a') && c.querySelector('a').getAttribute('href'), "
        "lang: c.querySelector('[lang]') && c.querySelector('[lang]').lang, value: c.dataset.value}))"
    )
    assert cells == [
        {"text": "Turkey @en", "href": "id/turkey.html", "lang": "en", "value": BASE + "id/turkey"},
        {"text": "土耳其 @zh", "href": None, "lang": "zh", "value": "土耳其"},
    ]
    # the result region scrolls sideways on a phone: it says so and takes the keyboard focus
    assert browser.evaluate("document.querySelector('#query-results .table-scroll').tabIndex") == 0
    assert "scroll" in browser.evaluate(
        "document.querySelector('#query-results .table-scroll').getAttribute('aria-label')"
    )
    # in the page's language, and an external IRI links to itself
    assert browser.load(server + "zh/query.html") == []
    run_query(browser, "SELECT ?place ?same WHERE { VALUES ?place { pgr:turkey } ?place schema:sameAs ?same }")
    cells = browser.evaluate(
        "[...document.querySelectorAll('#query-results tbody td')].map(c => [c.textContent, "
        "c.querySelector('a').getAttribute('href')])"
    )
    assert cells[0] == ["土耳其 @zh", "id/turkey.html"]
    assert cells[1][1] == "http://www.wikidata.org/entity/Q43"


def test_query_errors_name_the_visible_line_and_column(browser, server):
    query = "SELECT * WHERE { ?s ?p }"
    try:
        ox.Store().query(query)
    except SyntaxError as err:
        expected = re.match(r"error at (\d+):(\d+)", str(err))
    assert expected is not None and expected.group(1) == "1"
    assert browser.load(server + "query.html") == []
    run_query(browser, query)
    message = browser.evaluate("document.getElementById('query-status').textContent")
    assert message.startswith(f"Error: line 1, column {expected.group(2)}:"), message
    # a query that declares every prefix itself is not shifted either
    run_query(browser, "PREFIX pg: <x:>\n" + query)
    message = browser.evaluate("document.getElementById('query-status').textContent")
    assert message.startswith(f"Error: line 2, column {expected.group(2)}:"), message


def test_the_example_menu_lets_go_of_an_edited_question(browser, server):
    assert browser.load(server + "query.html") == []
    wait_for(browser, "!document.getElementById('query-controls').hidden")
    first = browser.evaluate("document.getElementById('query-example').value")
    assert first and browser.evaluate(
        f"document.getElementById('query-text').value === document.getElementById('example-{first}').textContent"
    )
    browser.evaluate(
        "const t = document.getElementById('query-text'); t.value += ' LIMIT 1';"
        "t.dispatchEvent(new Event('input')); 1"
    )
    assert browser.evaluate("document.getElementById('query-example').value") == ""
    assert browser.evaluate(
        "document.getElementById('query-example').selectedOptions[0].textContent"
    ).startswith("Your own query")


def test_search_finds_labels_with_and_without_scripts(browser, server, site):
    page = (site / "search.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li data-i="\d+" data-search="([^"]*)">', page)
    # what MiniSearch matches for a short word: a word of some name or type that starts with it
    expected = sum(1 for e in entries if any(w.startswith("nato") for w in re.split(r"[^\w]+", e)))
    assert expected >= 1 and len(entries) > 250  # without scripts: every resource is listed
    assert browser.load(server + "search.html?q=NATO") == []
    # What is searched is each entry's names in every language and its other titles (data-search),
    # not only the label shown: a relay titled "'Islamic NATO'…" is found under its own label.
    shown = browser.evaluate(
        "[...document.querySelectorAll('#search-results li')].filter(li => !li.hidden).map(li => li.dataset.search)"
    )
    assert len(shown) == expected and all("nato" in s.lower() for s in shown)
    assert browser.evaluate("document.getElementById('search-status').textContent").startswith(
        f"{expected} of"
    )


def test_search_ranks_the_entity_named_by_the_search_first_in_every_language(browser, server, site):
    entries = re.findall(r'<li data-i="\d+" data-search="([^"]*)">', (site / "search.html").read_text("utf-8"))
    assert sum(1 for e in entries if "turkey" in e) > 10  # many claims and relations name Turkey too
    for query in ("Turkey", "turkey", "土耳其", "Турция"):
        assert browser.load(server + "search.html?q=" + query) == [], query
        first = browser.evaluate(
            "[...document.querySelectorAll('#search-results li')].find(li => !li.hidden)"
            ".querySelector('a').getAttribute('href')"
        )
        assert first == "id/turkey.html", query
    # entities before claims: after the exact name, no claim precedes an entity that matches
    assert browser.load(server + "search.html?q=Turkey") == []
    kinds = browser.evaluate(
        "[...document.querySelectorAll('#search-results li')].filter(li => !li.hidden)"
        ".map(li => li.querySelector('.kind').textContent)"
    )
    claim_like = [any(k in kind for k in ("Claim", "Proposition", "Text anchor", "Sentence")) for kind in kinds]
    assert claim_like == sorted(claim_like) and claim_like[0] is False and True in claim_like


def test_the_visitor_chooses_the_language_of_the_page(browser, server):
    assert browser.load(server + "id/reference-news.html") == []
    assert browser.evaluate("document.querySelector('h1').textContent") == "Reference News"
    href = browser.evaluate("document.querySelector('.langs a[lang=zh]').href")
    assert href == server + "zh/id/reference-news.html"
    assert browser.load(href) == []
    assert browser.evaluate("document.querySelector('h1').textContent") == "参考消息"
    assert browser.evaluate("document.documentElement.lang") == "zh"
    assert browser.evaluate("document.querySelector('nav[aria-label] a').textContent") == "故事"  # the interface too
    href = browser.evaluate("document.querySelector('.langs a[lang=en]').href")
    assert href == server + "id/reference-news.html"


def test_a_claims_words_are_reached_from_the_claim_and_by_keyboard(browser, server):
    assert browser.load(server + "id/claim-reference-news-2026-01-12-08.html") == []
    href = browser.evaluate("[...document.links].find(a => a.textContent === 'in the text').href")
    browser.load(href)
    assert browser.evaluate("document.querySelector(':target') !== null")
    assert browser.evaluate(
        "document.querySelector(':target').nextElementSibling.classList.contains('claim-span')"
    )
    # every highlight is a link: Tab reaches it
    count = browser.evaluate("document.querySelectorAll('.annotated a.claim-span[href]').length")
    assert count >= len(report_claims())
    browser.evaluate("document.querySelector('.annotated a.claim-span').focus(); 1")
    assert browser.evaluate("document.activeElement.classList.contains('claim-span')")


def test_axe_finds_nothing_and_no_page_scrolls_sideways_on_a_phone(browser, server):
    if not AXE.exists():
        pytest.fail(f"{AXE} not found: run `make node_modules` (npm ci)", pytrace=False)
    axe = AXE.read_text(encoding="utf-8")
    problems = {}
    for width in (1280, 390):
        browser.viewport(width, 800)
        for kind, path in PAGE_TYPES.items():
            assert browser.load(server + path) == [], path
            overflow = browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems[(kind, width, "sideways")] = overflow
            if width == 390:
                continue
            browser.run_script(axe)
            result = browser.evaluate(
                "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
                "v => [v.id, v.impact, v.nodes.length, v.nodes.slice(0, 2).map(n => n.target.join(' '))]))",
            )
            if result:
                problems[(kind, width, "axe")] = result
    browser.viewport(1280, 900)
    assert problems == {}


def test_no_page_scrolls_sideways_at_390_px(site, phone):
    """Every page, from its file, 390 px wide."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")
    wide = {}
    for path in pages:
        assert phone.load((site / path).as_uri()) == [], path
        value = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if value > 0:
            wide[path] = value
    assert len(pages) > 250
    assert wide == {}
