"""The site in English, Chinese and Russian: complete catalogues, a folder per language with
hreflang links that resolve, no English interface words on a Chinese page, and every English
word of the data marked lang="en" there.

Oracles: the extracted template of interface strings (locale/messages.pot, made by
`make messages` from the templates and the Python, independent of the rendered pages), the
catalogues as shipped, and the data's own language tags.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "pactgraph" / "publishing" / "locale"
TRANSLATED = ("zh", "ru")
#: Pages a Chinese reader checks first: the story, Turkey, a claim, the timeline.
PAGES = ("index.html", "id/turkey.html", "id/claim-reference-news-2026-01-12-08.html", "timeline.html")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
#: Names that are not English words and read the same in every language.
NAMES = {"pactgraph", "SPARQL", "Oxigraph", "WebAssembly", "VoID", "DCAT", "SHA-256", "SHACL", "JSON-LD", "HTTP"}


def template_ids() -> list[str]:
    with (LOCALE / "messages.pot").open("rb") as f:
        catalog = read_po(f)
    found: list[str] = []
    for message in catalog:
        if message.id:
            found.extend(message.id if isinstance(message.id, tuple) else [message.id])
    return found


def english_words(message: str) -> list[str]:
    """The runs of an interface string that a page would show verbatim if it were not
    translated: the text between placeholders, when it holds a word that is not a name."""
    runs = []
    for run in PLACEHOLDER.split(message):
        run = run.strip(" .,:;()…“”")
        words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", run) if w not in NAMES]
        if len(run) >= 3 and words:
            runs.append(run)
    return runs


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated_and_none_is_fuzzy(language):
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=language)
    wanted = set()
    with (LOCALE / "messages.pot").open("rb") as f:
        for message in read_po(f):
            if message.id:
                wanted.add(message.id)
    have = {m.id: m for m in catalog if m.id}
    assert wanted <= set(have), sorted(map(str, wanted - set(have)))
    for msgid in wanted:
        message = have[msgid]
        assert not message.fuzzy, msgid
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert strings and all(s.strip() for s in strings), msgid
        sources = msgid if isinstance(msgid, tuple) else (msgid,)
        for s in strings:  # the same placeholders, so formatting cannot fail
            assert sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(sources[-1])), (msgid, s)
    assert not catalog.check() or all(not errors for _, errors in catalog.check())


def test_the_template_holds_the_strings_of_the_templates():
    """The .pot is current: strings marked in the templates are in it (run `make messages`)."""
    ids = set(template_ids())
    for wanted in ("Referenced by", "What changed", "Every claim", "Not found", "Timeline", "Search labels"):
        assert wanted in ids


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site.path


class Visible(HTMLParser):
    """The visible text of a page, each run with the language of its nearest lang attribute."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "area", "base", "col", "wbr"}
    # The inline figures (charts, relay chains) are left out: their SVG text is drawn by
    # publishing/figures.py, whose layout is being replaced; their words are checked there.
    HIDDEN = {"script", "style", "title", "head", "svg"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str, bool]] = []
        self.seg = False  # the last run is a piece of a path or IRI (span.seg), which the next piece continues
        self.runs: list[tuple[str, str]] = []  # (language, text)
        self.links: list[tuple[str, str]] = []  # (hreflang, href) of <link rel=alternate hreflang>
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.links.append((a["hreflang"], a.get("href") or ""))
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag in self.VOID:
            return
        parent_lang, parent_hidden = (self.stack[-1][1], self.stack[-1][2]) if self.stack else (self.lang, False)
        hidden = parent_hidden or tag in self.HIDDEN or "hidden" in a
        name = "span.seg" if tag == "span" and "seg" in (a.get("class") or "").split() else tag
        self.stack.append((name, a.get("lang", parent_lang), hidden))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            if self.stack.pop()[0].split(".")[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and not self.stack[-1][2] and data.strip():
            seg = self.stack[-1][0] == "span.seg"
            if seg and self.seg:  # the pieces of one address are one run, as they are drawn
                self.runs[-1] = (self.runs[-1][0], self.runs[-1][1] + data)
            else:
                self.runs.append((self.stack[-1][1], data))
            self.seg = seg


def parsed(path: Path) -> Visible:
    page = Visible()
    page.feed(path.read_text("utf-8"))
    return page


@pytest.mark.parametrize("page", PAGES + ("ontology.html",))
def test_a_chinese_page_holds_no_english_interface_words(site, page):
    visible = parsed(site / "zh" / page)
    assert visible.lang == "zh"
    text = " ".join(t for language, t in visible.runs if language != "en")
    text = re.sub(r"https?://\S+|\S+\.(?:html|ttl|nt|jsonld|rdf|trig|nq|txt)\b", " ", text)  # addresses
    text = re.sub(r"\s+", " ", text)
    for msgid in template_ids():
        for run in english_words(msgid):
            assert not re.search(r"(?<![A-Za-z])" + re.escape(run) + r"(?![A-Za-z])", text), (page, msgid)
    assert "参考消息" in text or page != "index.html"  # names in the page's language where the data has them


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_ontology_header_names_its_fields_in_the_page_language(site, language):
    """The ontology's own header (title, creator, licence, version, …) names its fields in the
    page's language, not by the English labels of the reused terms: one row per header field
    the ontology file states (read with rdflib), each name free of English words (IRI aside)."""
    import rdflib
    from rdflib.namespace import DCTERMS, OWL, RDFS

    from pactgraph import resources

    graph = rdflib.Graph()
    for path in resources.ontology_files():
        graph.parse(path, format="turtle")
    vann = rdflib.Namespace("http://purl.org/vocab/vann/")
    fields = (DCTERMS.title, DCTERMS.creator, DCTERMS.license, DCTERMS.created, DCTERMS.modified,
              OWL.versionInfo, OWL.versionIRI, vann.preferredNamespacePrefix, vann.preferredNamespaceUri, RDFS.seeAlso)
    ontology = rdflib.URIRef("https://w3id.org/pactgraph/ontology")
    stated = [f for f in fields if (ontology, f, None) in graph]
    assert len(stated) >= 5
    page = (site / language / "ontology.html").read_text("utf-8")
    start = page.index('<table class="props">')
    rows = re.findall(r'<th scope="row">(.*?)</th>', page[start : page.index("</table>", start)], re.S)
    assert len(rows) == len(stated)
    script = {"zh": r"[\u4e00-\u9fff]", "ru": r"[А-Яа-яЁё]"}[language]
    for row in rows:
        visible = Visible()
        visible.lang = language
        visible.feed(row)
        text = " ".join(t for _, t in visible.runs)
        assert all(lang == language for lang, _ in visible.runs), row
        assert re.search(script, text) and not re.search(r"[A-Za-z]{2,}", text.replace("IRI", "")), row


def test_the_stylesheet_adds_no_words(site):
    """Text a stylesheet generates (`content:`) is the same in every language, so it holds marks
    and arrows only; words come from the catalogue (an attribute such as data-label is one)."""
    css = (site / "style.css").read_text("utf-8")
    generated = re.findall(r"content:\s*([^;}]+)", css)
    assert generated
    for value in generated:
        marks = re.sub(r"attr\([^)]*\)|\\[0-9A-Fa-f]{1,6}\s?", "", value)  # attributes, CSS escapes
        assert not re.search(r"[A-Za-z]{2,}", marks), value


@pytest.mark.parametrize("language", ("zh", "ru"))
@pytest.mark.parametrize("page", PAGES)
def test_english_words_of_the_data_are_marked_lang_en(site, language, page):
    """Outside lang="en", no run of visible text is a sentence of English words (two or more
    words of Latin letters; format names and IRIs aside)."""
    visible = parsed(site / language / page)
    assert visible.lang == language
    english = re.compile(r"\b[A-Za-z]{2,}[a-z]\b(?:\s+[A-Za-z]+)+")
    for lang, text in visible.runs:
        if lang == "en":
            continue
        stripped = text
        for name in NAMES:
            stripped = stripped.replace(name, "")
        stripped = re.sub(r"https?://\S+|\S+\.(?:html|ttl|nt|jsonld|rdf|trig|nq|txt|conf)\b", "", stripped)
        assert not english.search(stripped), (page, lang, text)


class Prose(Visible):
    """The visible text of a page without its code (SPARQL in <pre>, commands in <code>), whose
    words are a language's keywords, not a natural language's."""

    HIDDEN = Visible.HIDDEN | {"pre", "code"}


#: Pages whose values are untagged literals of the data: the ontology's and the dataset's
#: metadata ("The pactgraph maintainers"), the shapes' names and messages, a text anchor's quote.
UNTAGGED = ("ontology.html", "void.html", "shapes.html", "id/claim-reference-news-2026-01-12-08-anchor.html")


@pytest.mark.parametrize("language", ("zh", "ru"))
@pytest.mark.parametrize("page", UNTAGGED)
def test_untagged_words_of_the_data_are_marked_lang_en(site, language, page):
    """An untagged literal is English (the project writes its untagged strings in English): on a
    Chinese or Russian page it is marked lang="en", never left to inherit the page's language.
    Outside lang="en" no run of the page's prose is two or more English words."""
    visible = Prose()
    visible.feed((site / language / page).read_text("utf-8"))
    assert visible.lang == language
    english = re.compile(r"\b[A-Za-z]{2,}[a-z]\b(?:\s+[A-Za-z]+)+")
    found = []
    for lang, text in visible.runs:
        stripped = text
        for name in NAMES:
            stripped = stripped.replace(name, "")
        stripped = re.sub(r"https?://\S+|\S+\.(?:html|ttl|nt|jsonld|rdf|trig|nq|txt|conf)\b", "", stripped)
        if lang != "en" and not lang.startswith("en-") and english.search(stripped):
            found.append((lang, text.strip()[:60]))
    assert found == []


@pytest.mark.parametrize("page", ("index.html", "id/turkey.html", "timeline.html", "search.html", "ontology.html"))
def test_hreflang_links_resolve_to_the_same_page_in_each_language(site, page):
    for language, prefix in (("en", ""), ("zh", "zh/"), ("ru", "ru/")):
        path = site / (prefix + page)
        visible = parsed(path)
        assert visible.lang == language
        links = dict(visible.links)
        assert sorted(links) == ["en", "ru", "x-default", "zh"]
        for code, href in links.items():
            target = (path.parent / unquote(urlsplit(href).path)).resolve()
            expected = site / ("" if code in ("en", "x-default") else code + "/") / page
            assert target == expected.resolve() and target.is_file(), (path, code, href)
        # the visible switch links to the same pages
        html = path.read_text("utf-8")
        switch = re.search(r'<nav class="langs"[^>]*>(.*?)</nav>', html, re.S)
        assert switch is not None
        hrefs = dict(re.findall(r'href="([^"]+)" lang="(\w+)"', switch.group(1)))
        assert sorted(hrefs.values()) == ["en", "ru", "zh"]
        assert {v: k for k, v in hrefs.items()} == {c: h for c, h in links.items() if c != "x-default"}


def test_labels_are_in_the_page_language_where_the_data_has_them(site):
    zh = (site / "zh" / "id" / "turkey.html").read_text("utf-8")
    ru = (site / "ru" / "id" / "turkey.html").read_text("utf-8")
    assert re.search(r"<h1[^>]*>土耳其</h1>", zh)
    assert re.search(r"<h1[^>]*>Турция</h1>", ru)
    # a class label from the ontology with its sourced translation
    assert ">主权国家<" in zh and ">Суверенное государство<" in ru
    # links between pages stay in the language's folder; shared files come from the site's root
    assert 'href="../index.html"' in zh and 'href="../../style.css"' in zh


def lede_runs(site: Path, language: str) -> list[tuple[str, str]]:
    """The visible runs of the front page's lede ("the story in brief" and "what changed")."""
    page = (site / language / "index.html").read_text("utf-8")
    start = page.index('<section id="lede"')
    visible = Visible()
    visible.lang = language
    visible.feed(page[start : page.index("</section>", start) + len("</section>")])
    return visible.runs


def test_the_chinese_lede_uses_chinese_punctuation(site):
    """The lede's own words and marks (all but the data's English, marked lang="en") use Chinese
    punctuation: no ASCII comma, full stop, colon, semicolon, bracket or quotation mark."""
    runs = lede_runs(site, "zh")
    own = "".join(text for language, text in runs if language != "en")
    assert not re.search(r"""[,.:;()"']""", own), own
    for mark in ("。", "，", "：", "“", "”", "（", "）", "、"):
        assert mark in own, mark
    # the English words stay English, with their own punctuation
    assert any(language == "en" and re.search(r"[,.:;()']", text) for language, text in runs)


def test_the_russian_lede_quotes_with_guillemets(site):
    own = "".join(text for language, text in lede_runs(site, "ru") if language != "en")
    assert "«" in own and "»" in own and "“" not in own and "”" not in own


def test_class_and_concept_names_come_from_the_ontology_in_the_page_language(site):
    """NATO's page names its class, and the India-Pakistan ceasefire's page its event type, by
    the ontology's sourced Chinese and Russian names."""
    for language, alliance, ceasefire in (("zh", "军事同盟", "停火"), ("ru", "Военно-политический блок", "прекращение огня")):
        nato = (site / language / "id" / "nato.html").read_text("utf-8")
        assert f">{alliance}<" in nato, language
        event = (site / language / "id" / "india-pakistan-ceasefire-2025.html").read_text("utf-8")
        assert f">{ceasefire}<" in event, language


def term_links(page: str, iri: str) -> list[tuple[str, str]]:
    """The (text, attributes) of every link to `iri` on a page."""
    return [(text, attrs) for attrs, text in re.findall(rf'<a href="{re.escape(iri)}"([^>]*)>([^<]*)</a>', page)]


#: Reused terms with the sourced names a page shows for them (ontology/reused-terms.ttl), by page.
REUSED_NAMES = {
    "zh": {
        # the text anchor of a claim: its selectors
        "id/claim-reference-news-2026-01-12-08-anchor.html": {
            "http://www.w3.org/ns/oa#hasSelector": "选择器",
            "http://www.w3.org/ns/oa#TextQuoteSelector": "文本引用选择器",
            "http://www.w3.org/ns/oa#TextPositionSelector": "文本位置选择器",
        },
        # the proposition of a claim: the parts of the statement
        "id/proposition-turkey-joins-alliance.html": {
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject": "主体",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate": "谓词",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#object": "客体",
        },
        # a concept of a scale and its scheme
        "vocab/certainty-certain.html": {"http://www.w3.org/2004/02/skos/core#Concept": "概念"},
        "vocab/certainty.html": {"http://www.w3.org/2004/02/skos/core#ConceptScheme": "概念体系"},
    },
    "ru": {
        "id/proposition-turkey-joins-alliance.html": {
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject": "Субъект",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate": "Предикат",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#object": "Объект",
        },
        "id/membership-turkey-nato.html": {"http://www.w3.org/ns/org#Membership": "Членство"},
        "ontology.html": {
            "http://www.w3.org/2002/07/owl#ObjectProperty": "Объектное свойство",
            "http://www.w3.org/2002/07/owl#DatatypeProperty": "Свойство типа данных",
        },
    },
}


@pytest.mark.parametrize(
    ("language", "page"), [(language, page) for language, pages in REUSED_NAMES.items() for page in pages]
)
def test_reused_terms_are_named_by_their_sourced_names(site, language, page):
    """A claim's text anchor and proposition, a concept and its scheme name the terms reused
    from Web Annotation, RDF, SKOS, OWL and ORG by their sourced names in the page's language,
    not by the English name marked lang="en". Oracle: the names as written here, each checked
    against its source."""
    html = (site / language / page).read_text("utf-8")
    for iri, name in REUSED_NAMES[language][page].items():
        links = term_links(html, iri)
        assert links, (page, iri)
        for text, attrs in links:
            assert text == name and 'lang="en"' not in attrs, (page, iri, text, attrs)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_ontology_page_names_each_property_by_its_sourced_name(site, language):
    """Oracle: the ontology files read with rdflib. Every property with a name in the page's
    language is linked under that name (not marked lang="en"); the properties that name a
    scheme's field (event type, relation type, capability) have one."""
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    from pactgraph import resources

    graph = rdflib.Graph()
    for path in resources.ontology_files():
        graph.parse(path, format="turtle")
    base = "https://w3id.org/pactgraph/ontology#"
    names = {
        str(prop)[len(base):]: str(label)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for prop in graph.subjects(RDF.type, kind)
        if str(prop).startswith(base)
        for label in graph.objects(prop, RDFS.label)
        if isinstance(label, rdflib.Literal) and label.language == language
    }
    expected = {"zh": {"eventType", "relationType", "capability"}, "ru": {"capability"}}[language]
    assert expected <= set(names)
    page = (site / language / "ontology.html").read_text("utf-8")
    for local, label in names.items():
        links = re.findall(rf'<a href="(?:ontology\.html)?#{local}"([^>]*)>([^<]*)</a>', page)
        assert links, local
        for attrs, text in links:
            assert text == label and 'lang="en"' not in attrs, (local, attrs, text)


def test_every_name_of_the_ontology_in_another_language_names_its_source():
    """Oracle independent of SHACL: with rdflib, every Chinese or Russian rdfs:label,
    skos:prefLabel or skos:altLabel in the ontology files (of a term or concept the ontology
    defines, and of a term it reuses from another vocabulary) has an owl:Axiom on that very
    name whose dcterms:source is a web address: one source per name."""
    import rdflib
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

    from pactgraph import resources

    graph = rdflib.Graph()
    for path in resources.ontology_files():
        graph.parse(path, format="turtle")
    ontology = rdflib.URIRef("https://w3id.org/pactgraph/ontology")
    sources: dict[tuple, set[str]] = {}
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        key = (graph.value(axiom, OWL.annotatedSource), graph.value(axiom, OWL.annotatedProperty),
               graph.value(axiom, OWL.annotatedTarget))
        sources.setdefault(key, set()).update(str(s) for s in graph.objects(axiom, DCTERMS.source))
    names = [
        (term, prop, name)
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        for term, name in graph.subject_objects(prop)
        if isinstance(name, rdflib.Literal) and (name.language or "").split("-")[0] in TRANSLATED
    ]
    defined = set(graph.subjects(RDFS.isDefinedBy, ontology))
    assert {str(n) for t, _, n in names if t in defined} >= {"主权国家", "Суверенное государство", "军事同盟", "停火"}
    # names of reused terms (ontology/reused-terms.ttl) are held to the same rule
    reused = {(t, str(n)) for t, _, n in names if t not in defined}
    assert {(SKOS.Concept, "概念"), (RDF.subject, "субъект"), (OWL.Class, "Класс")} <= reused
    for term, prop, name in names:
        found = sources.get((term, prop, name), set())
        assert len(found) == 1 and all(s.startswith(("https://", "http://")) for s in found), (term, prop, name)


class Titles(HTMLParser):
    """The tooltips (<title> elements) of an SVG drawing."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.titles: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.inside = True
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.titles[-1] += data


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_timeline_says_undated_and_event_in_the_page_language(site, language):
    from pactgraph.publishing.i18n import gettext, language as in_language

    with in_language(language):
        undated, event = gettext("undated"), gettext("event")
    assert undated != "undated" and event != "event"
    visible = parsed(site / language / "timeline.html")
    dates = [t.strip() for lang, t in visible.runs if lang != "en"]
    assert "undated" not in dates and undated in dates
    tips = Titles()
    tips.feed((site / language / "timeline.svg").read_text("utf-8"))
    items = [t for t in tips.titles if " — " in t]
    assert items and not any(re.search(r"— event\b", t) for t in items)
    assert any(f"— {event}" in t for t in items)
    # the event's type as the ontology names it in the page's language (its pg:eventType's prefLabel)
    armed = {"zh": "武装冲突", "ru": "вооружённый конфликт"}[language]
    with in_language(language):
        colon = gettext(": ")
    assert any(f"— {event}{colon}{armed}" in t for t in items), items[:3]
    assert armed in [t.strip() for lang, t in visible.runs if lang != "en"]


@pytest.mark.parametrize("language", ("en",) + TRANSLATED)
def test_the_text_page_names_its_language_as_cldr_does(site, language):
    from babel import Locale

    page = site / ("" if language == "en" else language) / "id" / "text-reference-news-2026-01-12.html"
    visible = parsed(page)
    name = Locale.parse("en").get_display_name(Locale.parse(language))
    shown = [t.strip() for _, t in visible.runs]
    assert name in shown and "en" not in shown
    (heading,) = re.findall(r"<h1[^>]*>([^<]*)</h1>", page.read_text("utf-8"))
    assert heading[:1].isupper(), heading  # a heading starts a sentence, though the label starts in lower case


@pytest.mark.parametrize("language", ("en",) + TRANSLATED)
def test_the_timeline_writes_open_ended_dates_in_words(site, language):
    """An item dated only by its latest end (the India–Pakistan conflict of 2025, "until
    2025-05-10") or its earliest begin is dated in words from the catalogue, in the table, the
    drawn labels and the tooltips of the page's figures, never as "… .. 2025-05-10". The open
    ranges are those `pactgraph timeline --format csv` gives with an empty start or end; the
    command's own table keeps its format."""
    import csv
    import io

    from conftest import _run_pactgraph

    from pactgraph.publishing.i18n import gettext, language as in_language

    done = _run_pactgraph("timeline", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    with in_language(language):
        expected = [
            gettext("until %(end)s") % {"end": r["end"]} if not r["start"] else gettext("from %(start)s") % {"start": r["start"]}
            for r in rows
            if bool(r["start"]) != bool(r["end"])
        ]
    assert expected
    assert "… .. " in _run_pactgraph("timeline").stdout
    prefix = "" if language == "en" else language + "/"
    page = (site / prefix / "timeline.html").read_text("utf-8")
    assert "…" not in page and " .. 20" not in re.sub(r"\d{4}-\d{2}-\d{2} \.\. \d{4}", "", page)
    visible = [t.strip() for _, t in parsed(site / prefix / "timeline.html").runs]
    tips = Titles()
    tips.feed(page)
    drawn = re.findall(r'<text class="label"[^>]*>([^<]*)', page)
    for words in expected:
        assert words in visible, (words, visible[:20])  # the table's date cell
        assert sum(t.startswith(words + " — ") for t in tips.titles) == 2  # the wide and the narrow figure
        assert sum(d.strip() == words for d in drawn) == 2


@pytest.mark.parametrize("language", ("en",) + TRANSLATED)
def test_the_ontology_names_the_vocabularies_it_sees_also_by_their_titles(site, language):
    """The ontology header's "see also" links name each reused vocabulary by its own title, as the
    ontology gives it (dcterms:title, with an axiom naming the specification it is taken from),
    never by a bare prefix ("sem:", "prov:"); on a Chinese or Russian page the English title is
    marked lang="en"."""
    import rdflib
    from rdflib.namespace import DCTERMS, OWL, RDFS

    ontology = rdflib.Graph().parse(Path(__file__).resolve().parents[1] / "ontology" / "pactgraph.ttl")
    header = next(ontology.subjects(rdflib.RDF.type, OWL.Ontology))
    titles = {}
    for vocabulary in ontology.objects(header, RDFS.seeAlso):
        title = ontology.value(vocabulary, DCTERMS.title)
        assert title is not None, vocabulary
        sources = [
            ontology.value(axiom, DCTERMS.source)
            for axiom in ontology.subjects(OWL.annotatedSource, vocabulary)
            if ontology.value(axiom, OWL.annotatedTarget) == title
        ]
        assert sources and all(str(s).startswith(("http://", "https://")) for s in sources), vocabulary
        titles[str(vocabulary)] = str(title)
    assert len(titles) >= 6
    prefix = "" if language == "en" else language + "/"
    page = (site / prefix / "ontology.html").read_text("utf-8")
    row = re.search(r'rdf-schema#seeAlso"[^>]*>[^<]*</a></th>\s*<td>(.*?)</td>', page, re.S)
    assert row, "no see-also row on the ontology page"
    links = re.findall(r'<a href="([^"]+)"[^>]*?(?: lang="(\w+)")?>([^<]*)</a>', row.group(1))
    assert {href: text for href, _, text in links} == titles
    assert all(lang == ("" if language == "en" else "en") for _, lang, _ in links), links
