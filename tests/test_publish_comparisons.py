"""The comparison of claims in the published site, with `pactgraph compare` (run through the
CLI) as the oracle: the pg:ClaimComparison nodes of the dumps are exactly compare's pairs; a
claim's page and RDF documents give the claims it is compared with; the front page's lede
names who disagrees, and "What changed" says in the same plain words what each report brought:
whose claims, what they say, and who disagrees with whom.

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
              FILTER (LANG(?relation) = "en" && LANG(?reason) = "en") }}"""
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
                 pg:laterClaim <{full(story_pair['later'])}> ; pg:claimRelation ?relation ; pg:comparisonReason ?reason
                 FILTER (LANG(?reason) = "en") }}"""
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
    """The entries of "What changed": for each, the report it links to, its visible text (its list
    included) and the visible text of each item of its list."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # of <ul> inside the list of changes
        self.lines: list[tuple[str, str]] = []  # (report href, text)
        self.items: list[list[str]] = []  # the items of each entry's own list

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "ul" and (self.depth or a.get("class") == "changes"):
            self.depth += 1
        elif self.depth == 1 and tag == "li":
            self.lines.append(("", ""))
            self.items.append([])
        elif self.depth == 2 and tag == "li":
            self.items[-1].append("")
        elif self.depth == 1 and tag == "a" and (a.get("href") or "").startswith("id/report-") and not self.lines[-1][0]:
            self.lines[-1] = (a["href"], self.lines[-1][1])

    def handle_endtag(self, tag):
        if tag == "ul" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.lines:
            self.lines[-1] = (self.lines[-1][0], self.lines[-1][1] + data)
            if self.depth == 2 and self.items[-1]:
                self.items[-1][-1] += data


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def change_lines(path: Path) -> list[tuple[str, str]]:
    parser = ChangeLines()
    parser.feed(path.read_text("utf-8"))
    return [(href, _squeezed(text)) for href, text in parser.lines]


def change_items(path: Path) -> dict[str, list[str]]:
    """The items of each report's entry in "What changed", by the href of the report."""
    parser = ChangeLines()
    parser.feed(path.read_text("utf-8"))
    return {href: [_squeezed(i) for i in items] for (href, _), items in zip(parser.lines, parser.items, strict=True)}


def change_markup(path: Path) -> dict[str, str]:
    """The markup of each report's entry in "What changed", by the href of the report."""
    page = path.read_text("utf-8")
    body = page[page.index('<ul class="changes">') : page.index("</section>", page.index('<ul class="changes">'))]
    entries = re.split(r'\n<li><span class="date">', body)[1:]
    return {re.search(r'href="(id/report-[^"]+)"', e).group(1): e for e in entries}


def dumped_claims(site: Path, within: str = "") -> dict[str, dict[str, str]]:
    """The claims of a published site's dump (those whose IRI starts with `within`): each one's claimant
    (English label), proposition (English label), certainty (the concept's local name) and the report
    that first reported it (pg:reportedFirstIn, else pg:statedIn), as that report's page href."""
    store = ox.Store()
    store.load(path=str(site / "dumps" / "pactgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(f"""
        PREFIX pg: <{PG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?claim ?who ?says ?certainty ?origin WHERE {{
          ?claim a pg:Claim ; pg:claimant/rdfs:label ?who ; pg:proposition/rdfs:label ?says ; pg:certainty ?certainty .
          OPTIONAL {{ ?claim pg:reportedFirstIn ?relayed }} OPTIONAL {{ ?claim pg:statedIn ?stated }}
          BIND (COALESCE(?relayed, ?stated) AS ?origin)
          FILTER (LANG(?who) = "en" && LANG(?says) = "en" && STRSTARTS(STR(?claim), "{within}")) }}""")
    return {
        "pgr:" + r["claim"].value.rsplit("/", 1)[1]: {
            "claimant": r["who"].value,
            "says": r["says"].value,
            "certainty": r["certainty"].value.rsplit("/", 1)[1].removeprefix("certainty-"),
            "origin": "id/" + r["origin"].value.rsplit("/", 1)[1] + ".html",
        }
        for r in rows
    }


@pytest.fixture(scope="module")
def shipped_claims(site) -> dict[str, dict[str, str]]:
    """The claims of the shipped report, as its dump states them."""
    return dumped_claims(site, full(SHIPPED))


#: How the lede words each disagreeing relation, as a sentence about the two claims of a pair.
PLAIN_PAIR = {
    "incompatible values": "According to {earlierClaimant}, “{earlierProposition}”. According to {laterClaimant}, “{laterProposition}”. Both cannot be true (why).",
    "divergent certainty": "Not equally sure that “{earlierProposition}”: {earlierClaimant} and {laterClaimant} (why).",
    "contradict": "One says “{earlierProposition}”, the other denies it: {earlierClaimant} and {laterClaimant} (why).",
    "revision": "Changed their words: {earlierClaimant}, first “{earlierProposition}”, later “{laterProposition}” (why).",
}


def test_what_changed_says_in_plain_words_whose_claims_each_report_brought_and_who_disagrees(site, pairs, shipped_claims):
    """Each report of the shipped chain says whose claims it first reported (how many, counted in the
    dump), what the officials and Alexei Portanskiy say and how sure, in the lede's words; and the
    disagreement between them stands, in the lede's plain sentence, under the report that first
    reported Portanskiy's claims (the one derived from Bloomberg's), nowhere else."""
    items = change_items(site / "index.html")
    origins = {c["origin"] for c in shipped_claims.values()}
    assert origins <= set(items)
    store = ox.Store()
    store.load(path=str(site / "dumps" / "pactgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    for origin in origins:
        report = full(origin.removeprefix("id/").removesuffix(".html"))
        counted = store.query(f"""
            PREFIX pg: <{PG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?who (COUNT(?claim) AS ?n) WHERE {{
              ?claim a pg:Claim ; pg:claimant/rdfs:label ?who . FILTER (LANG(?who) = "en")
              OPTIONAL {{ ?claim pg:reportedFirstIn ?relayed }} OPTIONAL {{ ?claim pg:statedIn ?stated }}
              FILTER (COALESCE(?relayed, ?stated) = <{report}>) }} GROUP BY ?who""")
        for row in counted:
            n = int(row["n"].value)
            opening = f"{row['who'].value}: {n} new claim{'s' if n != 1 else ''}."
            assert [i for i in items[origin] if i.startswith(opening)], (origin, opening, items[origin])
    story = [p for p in pairs if p["relation"] in DISAGREEING and p["earlier"].startswith(SHIPPED) and p["later"].startswith(SHIPPED)]
    assert {p["relation"] for p in story} >= {"incompatible values", "divergent certainty"}
    markup = change_markup(site / "index.html")
    for p in story:
        brought = shipped_claims[p["later"]]["origin"]
        sentence = PLAIN_PAIR[p["relation"]].format(**p)
        assert sentence in items[brought], (sentence, items[brought])
        assert [origin for origin, said in items.items() if sentence in said] == [brought]
        why = f'href="id/{comparisons.node_iri(full(p["earlier"]), full(p["later"])).rsplit("/", 1)[1]}.html"'
        assert why in markup[brought]
        for claim in (p["earlier"], p["later"]):  # each side's voice, under the report that first reported it
            c = shipped_claims[claim]
            voice = f"According to {c['claimant']}, {PLAIN_SURE.get(c['certainty'], 'without saying how sure')}: “{c['says']}”."
            (line,) = [i for i in items[c["origin"]] if i.startswith(c["claimant"] + ":")]
            assert voice in line, (voice, line)
    (derived,) = {shipped_claims[p["later"]]["origin"] for p in story}
    assert "officials who did not want to reveal their names" in " ".join(items[derived])
    assert "Alexei Portanskiy" in " ".join(items[derived])


@pytest.mark.parametrize("language", ["", "zh", "ru"])
def test_what_changed_of_the_shipped_reports_uses_no_word_of_the_relation_catalogue(site, shipped_claims, shipped_ontology, language):
    """A newcomer reads no name of a comparison relation (the pgv:claim-relation concepts' labels in
    the page's language, read from the ontology), no count of "pairs", no "X / Y" and none of the
    ontology's words in the entries of the shipped reports; every item is a whole sentence."""
    import rdflib

    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    labels = {
        str(label)
        for concept in shipped_ontology.subjects(skos.inScheme, rdflib.URIRef(PGV + "claim-relation"))
        for label in shipped_ontology.objects(concept, skos.prefLabel)
        if label.language in {"en", language or "en"}
    }
    assert "divergent certainty" in labels and len(labels) >= len(RELATIONS)
    items = change_items(site / language / "index.html")
    lines = dict(change_lines(site / language / "index.html"))
    for origin in {c["origin"] for c in shipped_claims.values()}:
        text = lines[origin].replace("Agree that “", "“")  # the plain sentence of an agreement
        found = [label for label in labels if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text, re.IGNORECASE)]
        assert found == [], (language, origin, found, text)
        assert items[origin], origin
        assert not re.search(r"\bpairs?\b|对说法|пар[аы]? утвержд| / ", text), (language, text)
        if not language:
            assert [word for word in JARGON if word in text.lower()] == [], text
        for item in items[origin]:
            assert item.endswith((".", "。")), (language, item)


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


def test_what_changed_of_a_grown_graph_states_each_agreement_and_disagreement_once(grown, cli, pactgraph, tmp_path_factory):
    """On data/ grown by later reports (tests/growth.py), where claimants agree and disagree again and
    again: every agreement of two claimants `compare` finds stands, in plain words, under the report
    that first reported its later claim; an entry never says the same sentence twice."""
    out = tmp_path_factory.mktemp("grown-site") / "site"
    done = pactgraph("publish", str(out), "--data", str(grown.data), "-q", env={"PYTHONHASHSEED": "0"})
    assert done.returncode == 0, done.stderr
    result = cli("compare", "--format", "json", "--data-dir", str(grown.data))
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.stdout)
    claims = dumped_claims(out)
    items = change_items(out / "index.html")
    for origin, said in items.items():
        assert len(said) == len(set(said)), (origin, said)
    agreeing = [p for p in pairs if p["relation"] == "agree" and p["earlierClaimant"] != p["laterClaimant"]]
    for p in agreeing:  # the default seed's reports have some (Portanskiy and the officials)
        sentence = f"Agree that “{p['earlierProposition']}”: {p['earlierClaimant']} and {p['laterClaimant']} (why)."
        assert sentence in items[claims[p["later"]]["origin"]], (sentence, items[claims[p["later"]]["origin"]])
    for p in pairs:
        if p["relation"] in DISAGREEING:
            sentence = PLAIN_PAIR[p["relation"]].format(**p)
            assert sentence in items[claims[p["later"]]["origin"]], sentence


# ---------------------------------------------------------------- the reasons in each language

#: The pair of the shipped report whose claimants are not equally sure that Turkey joins the alliance.
DIFFER = ("pgr:claim-reference-news-2026-01-12-08", "pgr:claim-reference-news-2026-01-12-36")
LOCALE = Path(__file__).resolve().parents[1] / "src" / "pactgraph" / "publishing" / "locale"


def catalogue(language: str) -> dict[str, str]:
    """The shipped catalogue of a language: msgid -> msgstr."""
    from babel.messages.pofile import read_po

    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale=language) if isinstance(m.id, str) and m.id}


def concept_label(ontology, local: str, language: str) -> str | None:
    """The skos:prefLabel of a pgv concept in a language, as the ontology gives it (None: it has none)."""
    import rdflib

    found = [str(v) for v in ontology.objects(rdflib.URIRef(PGV + local), rdflib.SKOS.prefLabel) if v.language == language]
    return found[0] if found else None


class Reasons(HTMLParser):
    """The items of "What other claims say": for each, the link to the other claim, the markup of its
    reason and the visible runs of that reason with the language of each (the page's: "")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict] = []
        self.langs: list[str | None] = []  # the lang of each open element inside a reason
        self.in_item = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and a.get("class") == "relation":
            self.in_item = True
            self.items.append({"other": "", "runs": [], "seen_dash": False})
        elif self.in_item and tag == "a" and not self.items[-1]["other"]:
            self.items[-1]["other"] = a.get("href", "")
        elif self.in_item and self.items[-1]["seen_dash"] and tag == "span":
            if a.get("class") == "note":
                self.in_item = False
                return
            self.langs.append(a.get("lang") or (self.langs[-1] if self.langs else ""))

    def handle_endtag(self, tag):
        if tag == "span" and self.langs:
            self.langs.pop()
        if tag == "li":
            self.in_item = False

    def handle_data(self, data):
        if not self.in_item:
            return
        if self.langs:
            self.items[-1]["runs"].append((self.langs[-1] or "", data))
        elif " — " in data:
            self.items[-1]["seen_dash"] = True


def reasons_on(site: Path, claim: str, language: str) -> dict[str, list[tuple[str, str]]]:
    """The reasons a claim's page gives, by the other claim's page name: the runs of each."""
    parser = Reasons()
    parser.feed(page_of(site / language if language else site, claim).read_text("utf-8"))
    return {item["other"]: item["runs"] for item in parser.items}


@pytest.mark.parametrize("language", ["zh", "ru"])
def test_a_claim_pages_reasons_are_in_the_pages_language(site, pairs, shipped_ontology, language):
    """On a Chinese or Russian claim page every reason under "What other claims say" is in the page's
    language: outside lang="en" no English word (only the ISO dates and marks); the divergent certainty
    of the officials and Portanskiy reads as the catalogue's words around the ontology's labels of the
    certainties and polarity in that language, a certainty without one in English, marked lang="en"."""
    earlier, later = DIFFER
    reasons = reasons_on(site, earlier, language)
    compared = [p for p in pairs if earlier in (p["earlier"], p["later"])]
    assert len(reasons) == len(compared) >= 2
    for other, runs in reasons.items():
        own = "".join(text for lang, text in runs if lang != "en")
        assert own.strip() and not re.search(r"[A-Za-z]{2,}", own), (language, other, runs)
    (pair,) = [p for p in pairs if (p["earlier"], p["later"]) == DIFFER]
    assert pair["relation"] == "divergent certainty" and pair["reason"] == "probable → underspecified, same polarity (positive)"
    probable, positive = concept_label(shipped_ontology, "certainty-probable", language), concept_label(shipped_ontology, "polarity-positive", language)
    assert probable and positive and concept_label(shipped_ontology, "certainty-underspecified", language) is None
    words = catalogue(language)["%(earlier)s → %(later)s, same polarity (%(polarity)s)"]
    marker = "\x00"
    expected = words % {"earlier": probable, "later": marker, "polarity": positive}
    runs = reasons[page_of(site, later).name]
    assert "".join(text if lang != "en" else marker for lang, text in runs) == expected
    assert [text for lang, text in runs if lang == "en"] == ["underspecified"]
    assert {"zh": "极性相同", "ru": "полярность та же"}[language] in expected


def test_an_english_claim_pages_reasons_are_compares(site, pairs):
    """On the English page each reason is `compare`'s, word for word, with no language marked."""
    earlier = DIFFER[0]
    reasons = reasons_on(site, earlier, "")
    compared = [p for p in pairs if earlier in (p["earlier"], p["later"])]
    assert len(reasons) == len(compared) >= 2
    for p in compared:
        other = p["later"] if p["earlier"] == earlier else p["earlier"]
        runs = reasons[page_of(site, other).name]
        assert "".join(text for _, text in runs) == p["reason"]
        assert {lang for lang, _ in runs} == {""}


@pytest.mark.parametrize("ext, fmt", [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)])
def test_a_comparison_carries_its_reason_and_label_in_each_language(site, pairs, shipped_ontology, ext, fmt):
    """The published comparison of the officials and Portanskiy (its own document and the dump) states
    its reason and its label in English (compare's words), Chinese and Russian (the catalogue's words
    around the ontology's labels in that language, else the English ones)."""
    (pair,) = [p for p in pairs if (p["earlier"], p["later"]) == DIFFER]
    node = comparisons.node_iri(full(DIFFER[0]), full(DIFFER[1]))
    expected = {"en": pair["reason"]}
    for language in ("zh", "ru"):
        words = catalogue(language)["%(earlier)s → %(later)s, same polarity (%(polarity)s)"]
        expected[language] = words % {
            "earlier": concept_label(shipped_ontology, "certainty-probable", language),
            "later": "underspecified",
            "polarity": concept_label(shipped_ontology, "polarity-positive", language),
        }
    for path in (site / "id" / f"{node.rsplit('/', 1)[1]}.{ext}", site / "dumps" / f"pactgraph.{ext}"):
        store = ox.Store()
        store.load(path=str(path), format=fmt)
        reasons = {r["r"].language: r["r"].value for r in store.query(f"SELECT ?r WHERE {{ <{node}> <{PG}comparisonReason> ?r }}")}
        assert reasons == expected, path
        labels = {r["l"].language: r["l"].value for r in store.query(f"SELECT ?l WHERE {{ <{node}> <{PREFIXES['rdfs']}label> ?l }}")}
        assert sorted(labels) == ["en", "ru", "zh"], path
        assert labels["en"] == f"{pair['earlierClaimant']} and {pair['laterClaimant']}: divergent certainty ({pair['earlierProposition']}; {pair['laterProposition']})"
        assert "Алексей Портанский" in labels["ru"] and " и " in labels["ru"] and "与" in labels["zh"]
