"""The comparison of claims in the published site, with `pactgraph compare` (run through the
CLI) as the oracle: the pg:ClaimComparison nodes of the dumps are exactly compare's pairs; a
claim's page and RDF documents give the claims it is compared with; the front page's lede
names who disagrees, and "What changed" puts each comparison under the report that brought it.

Scoped to the shipped report where the graph may grow: the claims of the Reference News
report of 12 January 2026 and the disagreement of its officials and Alexei Portanskiy."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from pactgraph.publishing import comparisons
from pactgraph.reading.comparing import DISAGREEING, RELATIONS
from pactgraph.rdf.namespaces import PREFIXES

SHIPPED = "pgr:claim-reference-news-2026-01-12-"
PG, PGV = PREFIXES["pg"], PREFIXES["pgv"]


def full(short: str) -> str:
    return PREFIXES["pgr"] + short.removeprefix("pgr:")


def page_of(site: Path, short: str, ext: str = "html") -> Path:
    return site / "id" / f"{short.removeprefix('pgr:')}.{ext}"


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup))).strip()


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site.path


@pytest.fixture
def pairs(cli) -> list[dict[str, str]]:
    result = cli("compare", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def story_pair(pairs) -> dict[str, str]:
    """compare's pair for the shipped report's claim that the talks "have made progress"."""
    (pair,) = [
        p
        for p in pairs
        if p["earlier"].startswith(SHIPPED) and p["later"].startswith(SHIPPED) and "made progress" in p["earlierProposition"]
    ]
    return pair


def test_the_comparison_nodes_of_the_dump_are_compares_pairs(site, pairs):
    store = ox.Store()
    store.load(path=str(site / "dumps" / "pactgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(
        f"""PREFIX pg: <{PG}> PREFIX skos: <{PREFIXES['skos']}>
        SELECT ?earlier ?later ?relation ?reason WHERE {{
          ?c a pg:ClaimComparison ; pg:earlierClaim ?earlier ; pg:laterClaim ?later ;
             pg:claimRelation/skos:prefLabel ?relation ; pg:comparisonReason ?reason
              FILTER (LANG(?relation) = "en") }}"""
    )
    published = sorted((r["earlier"].value, r["later"].value, r["relation"].value, r["reason"].value) for r in rows)
    expected = sorted((full(p["earlier"]), full(p["later"]), p["relation"], p["reason"]) for p in pairs)
    assert published == expected
    assert all(p["relation"] != "unrelated" for p in pairs)


def test_every_relation_is_a_concept_of_the_ontology(site):
    store = ox.Store()
    store.load(path=str(site / "ontology.nt"), format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(
        f"""PREFIX skos: <{PREFIXES['skos']}> SELECT ?label WHERE {{
          ?c skos:inScheme <{PGV}claim-relation> ; skos:prefLabel ?label ; skos:definition ?d
          FILTER (LANG(?label) = "en") }}"""
    )
    assert sorted(r["label"].value for r in rows) == sorted(RELATIONS)


def test_the_claim_that_talks_made_progress_lists_portanskiys_claim(site, story_pair):
    assert story_pair["relation"] == "incompatible values"
    assert story_pair["laterClaimant"] == "Alexei Portanskiy"
    page = page_of(site, story_pair["earlier"]).read_text(encoding="utf-8")
    section = page[page.index('id="what-others-say"') :]
    section = section[: section.index("<h2", 1)]
    (item,) = [li for li in section.split("<li")[1:] if page_of(site, story_pair["later"]).name in li]
    assert f"incompatible values — {story_pair['reason']}" in text_of(item)


def test_the_claims_rdf_document_carries_the_comparison(site, story_pair):
    store = ox.Store()
    store.load(path=str(page_of(site, story_pair["earlier"], "nt")), format=ox.RdfFormat.N_TRIPLES)
    rows = list(
        store.query(
            f"""PREFIX pg: <{PG}> SELECT ?relation ?reason WHERE {{
              ?c a pg:ClaimComparison ; pg:earlierClaim <{full(story_pair['earlier'])}> ;
                 pg:laterClaim <{full(story_pair['later'])}> ; pg:claimRelation ?relation ; pg:comparisonReason ?reason }}"""
        )
    )
    assert [(r["relation"].value, r["reason"].value) for r in rows] == [
        (PGV + "claim-relation-incompatible-values", story_pair["reason"])
    ]


def lede_of(site: Path, language: str = "") -> str:
    page = (site / language / "index.html").read_text(encoding="utf-8")
    start = page.index('<section id="lede"')
    return page[start : page.index("</section>", start)]


#: How the lede words a certainty (compare names it in its reasons: "probable → underspecified").
PLAIN_SURE = {"certain": "this is certain", "probable": "this is likely", "possible": "this is possible"}
#: Words of the ontology a newcomer does not know, and the prefixes of its names.
JARGON = ("proposition", "relay", "certainty", "underspecified", "probable", "polarity", "claimant", "pg:", "pgr:", "pgv:")


def story_in_brief(site: Path, language: str = "") -> str:
    """The lede before "What changed": who wants what, who says so, who disagrees."""
    lede = lede_of(site, language)
    return lede[: lede.index('<h2 id="what-changed"')]


def test_the_lede_names_who_disagrees_with_compares_words(site, pairs):
    """Each disagreeing pair compare finds in the shipped report is in the lede: its two claimants,
    and a link to the comparison that says why; how sure each claimant is, in plain words."""
    brief = story_in_brief(site)
    lede = text_of(brief)
    disagreeing = [p for p in pairs if p["relation"] in DISAGREEING and p["earlier"].startswith(SHIPPED) and p["later"].startswith(SHIPPED)]
    assert {p["relation"] for p in disagreeing} >= {"incompatible values", "divergent certainty"}
    for p in disagreeing:
        assert p["earlierClaimant"] in lede and p["laterClaimant"] in lede
        assert f'href="id/{comparisons.node_iri(full(p["earlier"]), full(p["later"])).rsplit("/", 1)[1]}.html"' in brief, p
    assert "officials who did not want to reveal their names" in lede and "Alexei Portanskiy" in lede
    assert "Turkey hopes to join the Saudi–Pakistan defence alliance." in lede
    # who says so and how sure: the certainties compare names for the two claims that Turkey joins
    (differ,) = [p for p in disagreeing if p["relation"] == "divergent certainty"]
    first, second = differ["reason"].split(",")[0].split(" → ")
    for claimant, sure, says in ((differ["earlierClaimant"], first, differ["earlierProposition"]), (differ["laterClaimant"], second, differ["laterProposition"])):
        assert f"According to {claimant}, {PLAIN_SURE.get(sure, 'without saying how sure')}: “{says}”." in lede


def test_the_lede_is_plain_words_in_short_sentences(site):
    """The story in brief says who hopes to join what, who says so, how sure and who disagrees in
    words a newcomer knows: none of the ontology's terms or prefixed names, no sentence longer
    than 30 words (a quoted claim and a long name included); every voice says who reported it,
    oldest outlet first."""
    lede = text_of(story_in_brief(site))
    assert [word for word in JARGON if word in lede.lower()] == []
    sentences = [s for s in re.split(r"(?<=[.”])\s+(?=[A-Z“])", lede) if s]
    assert max(len(s.split()) for s in sentences) <= 30, max(sentences, key=lambda s: len(s.split()))
    assert "Reported by Bloomberg, then Nezavisimaya Gazeta, then Reference News." in lede
    for language in ("zh", "ru"):
        assert not re.search(r"\b(pg|pgr|pgv):", text_of(story_in_brief(site, language)))


def test_what_changed_puts_each_comparison_under_the_report_that_brought_it(site, pairs):
    lines = [text_of(li) for li in re.split(r"<li[^>]*>", lede_of(site).split('<ul class="changes">')[1])[1:]]
    dates = [line.split(" ", 1)[0] for line in lines]
    assert dates == sorted(dates)
    for p in pairs:
        if not (p["earlier"].startswith(SHIPPED) and p["later"].startswith(SHIPPED)):
            continue
        if p["earlierClaimant"] == p["laterClaimant"]:
            words = re.compile(re.escape(p["relation"]) + r": \d+ pairs? of claims by " + re.escape(p["earlierClaimant"]))
        else:
            words = re.compile(re.escape(f"{p['relation']}: {p['earlierClaimant']} / {p['laterClaimant']}"))
        assert any(words.search(line) and line.startswith(p["laterDate"]) for line in lines), (words, lines)


@pytest.mark.parametrize("language", ["", "zh", "ru"])
def test_what_changed_states_each_relation_between_two_claimants_once(site, pairs, language):
    """Pairs with the same relation and the same claimants make one line (with how many pairs), and a
    claimant compared with their own claims is named once, not as "X / X"."""
    for href, text in change_lines(site / language / "index.html"):
        items = [i.strip() for i in re.split(r"[,，、]", re.split(r"compared: |比较：|сопоставлено: ", text, maxsplit=1)[-1])] if any(w in text for w in ("compared: ", "比较：", "сопоставлено: ")) else []
        assert len(items) == len(set(items)), (language, href, items)
        for item in items:
            sides = re.split(r"[:：]", item, maxsplit=1)[-1].split(" / ")
            assert len(sides) == 1 or sides[0].strip() != sides[1].strip(), (language, item)
    lines = [text for _, text in change_lines(site / "index.html")]
    same = {(p["relation"], p["earlierClaimant"]) for p in pairs if p["earlierClaimant"] == p["laterClaimant"]}
    for relation, claimant in same:
        words = re.compile(re.escape(relation) + r": \d+ pairs? of claims by " + re.escape(claimant))
        assert any(words.search(line) for line in lines), (relation, claimant, lines)


def test_the_front_page_flags_a_proposition_exactly_when_compare_finds_two_of_its_claims_disagreeing(site, pairs):
    """Disagreement is defined once (pactgraph.reading.comparing): a "claims disagree" flag on the front
    page stands for a pair that `compare` relates by one of its disagreeing relations."""
    disagreeing = {frozenset((p["earlier"], p["later"])) for p in pairs if p["relation"] in DISAGREEING}
    front = (site / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="question( disagree)?">(.*?)</section>', front, re.S)
    assert sections
    flagged_shipped = 0
    for flag, body in sections:
        claims = sorted({"pgr:" + name for name in re.findall(r'href="id/(claim-[^"#]+)\.html"', body)})
        assert len(claims) >= 2, body[:200]
        disagree = any(frozenset((a, b)) in disagreeing for a in claims for b in claims if a < b)
        assert bool(flag) == disagree, claims
        flagged_shipped += bool(flag) and all(c.startswith(SHIPPED) for c in claims)
    assert flagged_shipped >= 1, "the officials and Portanskiy disagree in the shipped report"


class ChangeLines(HTMLParser):
    """The lines of "What changed": for each, the report it links to and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.lines: list[tuple[str, str]] = []  # (report href, text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "ul" and a.get("class") == "changes":
            self.inside = True
        elif self.inside and tag == "li":
            self.lines.append(("", ""))
        elif self.inside and tag == "a" and (a.get("href") or "").startswith("id/report-") and not self.lines[-1][0]:
            self.lines[-1] = (a["href"], self.lines[-1][1])

    def handle_endtag(self, tag):
        if tag == "ul":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.lines:
            self.lines[-1] = (self.lines[-1][0], self.lines[-1][1] + data)


def change_lines(path: Path) -> list[tuple[str, str]]:
    parser = ChangeLines()
    parser.feed(path.read_text("utf-8"))
    return [(href, re.sub(r"\s+", " ", text).strip()) for href, text in parser.lines]


def test_what_changed_lists_the_reports_in_one_order_a_relaying_report_after_the_one_it_relays(site):
    """The order does not depend on the page's language (not on the outlets' localised names):
    by date, then along pg:relays (the dump is the oracle), then by IRI."""
    orders = {lang: [href for href, _ in change_lines(site / lang / "index.html" if lang else site / "index.html")] for lang in ("", "zh", "ru")}
    assert orders[""] and orders["zh"] == orders[""] and orders["ru"] == orders[""]
    store = ox.Store()
    store.load(path=str(site / "dumps" / "pactgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    relays = {(r["a"].value, r["b"].value) for r in store.query(f"PREFIX pg: <{PG}> SELECT ?a ?b WHERE {{ ?a pg:relays+ ?b }}")}
    position = {full(href.removeprefix("id/").removesuffix(".html")): i for i, href in enumerate(orders[""])}
    shipped_relay = (full("report-reference-news-2026-01-12"), full("report-nezavisimaya-gazeta-2026-01-12"))
    assert shipped_relay in relays
    for relaying, relayed in relays:
        if relaying in position and relayed in position:
            assert position[relayed] < position[relaying], (relaying, relayed)
