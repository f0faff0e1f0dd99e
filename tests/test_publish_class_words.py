"""One name per class in a page's own words: the Russian pages call a report by the ontology's
Russian name of pg:Report (in its case forms) and by no other noun, the front page's text about
its charts names the proposition class by the ontology's name in the page's language, and the
property table of an entity page names a property as its infobox does.

Oracles: the ontology files read with rdflib; Russian word forms from pymorphy3 (the OpenCorpora
dictionary), not from the catalogue; the data's own words from the published N-Triples dump."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from test_publish import ROOT
from test_publish_story import PG

from pactgraph.publishing import i18n

SCHEMA = "https://schema.org/"
#: Nouns a Russian text may use for a news report besides the ontology's name; «сообщение» is
#: the word the catalogue used before. Lemmas, as pymorphy3 gives them.
OTHER_REPORT_NOUNS = {"сообщение", "репортаж", "заметка", "отчёт", "доклад"}
#: The catalogue's former word for the proposition class.
OTHER_PROPOSITION_NOUNS = {"высказывание"}
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site.path


@pytest.fixture(scope="module")
def ontology(shipped_ontology) -> rdflib.Graph:
    return shipped_ontology


def ontology_label(ontology: rdflib.Graph, term: str, language: str) -> str:
    labels = [str(o) for o in ontology.objects(rdflib.URIRef(term), rdflib.RDFS.label)
              if isinstance(o, rdflib.Literal) and o.language == language]
    assert len(labels) == 1, (term, language, labels)
    return labels[0]


@lru_cache(maxsize=1)
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=None)
def parses(word: str) -> tuple:
    return tuple(morph().parse(word.lower()))


def lemmas(word: str) -> set[str]:
    return {p.normal_form for p in parses(word)}


def forms(word: str, lemma: str, pos: str) -> set[tuple]:
    """The (number, case) a word can have as a form of `lemma` with part of speech `pos`."""
    return {(p.tag.number, p.tag.case) for p in parses(word) if p.normal_form == lemma and p.tag.POS == pos}


class Text(HTMLParser):
    """The words a page shows or reads out: text outside scripts and styles (the <title>, SVG
    text and titles included) and aria-label attributes, each run apart."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.runs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.runs.extend(v for k, v in attrs if k == "aria-label" and v)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.runs.append(data)


def runs_of(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    parser.close()
    return parser.runs


@pytest.fixture(scope="module")
def data_words(site) -> list[str]:
    """The text of every literal of the published graph that holds Cyrillic letters, longest
    first: the data's Russian words, not the site's."""
    graph = rdflib.Graph()
    graph.parse(site / "dumps" / "pactgraph.nt", format="nt")
    found = {str(o).strip() for o in graph.objects() if isinstance(o, rdflib.Literal) and CYRILLIC_WORD.search(str(o))}
    return sorted(found, key=len, reverse=True)


def message_words(language: str) -> list[str]:
    """The catalogue's words for SHACL's messages (sh:message): there «сообщение» means a message."""
    from babel.messages.pofile import read_po

    path = ROOT / "src" / "pactgraph" / "publishing" / "locale" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    found = []
    for message in catalog:
        if message.id and re.search(r"\bmessages?\b", str(message.id), re.I):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found.extend(run.strip() for s in strings for run in PLACEHOLDER.split(s) if run.strip())
    return sorted(found, key=len, reverse=True)


def own_text(html: str, data: list[str], messages: list[str]) -> str:
    """A page's own words: its text less the data's Russian words (whole, or cut short with
    "…" as a chart cuts a long label) and less the catalogue's words for a SHACL message."""
    runs = []
    for run in runs_of(html):
        cut = run.strip()
        if cut.endswith("…") and any(words.startswith(cut[:-1].rstrip()) for words in data):
            continue
        runs.append(run)
    text = " \n ".join(runs)
    # whole words only: a name such as «член» leaves «членство» of the site's words alone
    words = "|".join(re.escape(w) for w in data + messages)
    return re.sub(r"(?<![А-Яа-яЁё])(?:" + words + r")(?![А-Яа-яЁё])", " ", text)


def test_russian_pages_call_a_report_by_the_ontologys_name_only(site, ontology, data_words):
    """Every Russian page: no noun for a report other than the ontology's name of pg:Report
    («Новостная статья»), and that name whole: each form of its noun follows a form of its
    adjective in the same number and case. The proposition class likewise has no other name."""
    adjective, noun = ontology_label(ontology, PG + "Report", "ru").lower().split()
    adjective_lemma = next(p.normal_form for p in parses(adjective) if p.tag.POS == "ADJF")
    noun_lemma = next(p.normal_form for p in parses(noun) if p.tag.POS == "NOUN")
    messages = message_words("ru")
    pages = sorted((site / "ru").rglob("*.html")) + sorted((site / "ru").rglob("*.svg"))
    assert len(pages) > 50
    named = 0
    for page in pages:
        words = CYRILLIC_WORD.findall(own_text(page.read_text("utf-8"), data_words, messages))
        for i, word in enumerate(words):
            found = lemmas(word)
            assert not found & OTHER_REPORT_NOUNS, (page.relative_to(site), word)
            assert not found & OTHER_PROPOSITION_NOUNS, (page.relative_to(site), word)
            noun_forms = forms(word, noun_lemma, "NOUN")
            if noun_forms:
                before = forms(words[i - 1], adjective_lemma, "ADJF") if i else set()
                assert noun_forms & before, (page.relative_to(site), " ".join(words[max(0, i - 3) : i + 1]))
                named += 1
    assert named >= 3  # the front page's heading, its count of reports, a report page's heading


def section_text(html: str, heading_id: str) -> str:
    """The first paragraph after the <h2> with `heading_id`, as text."""
    start = html.index(f'<h2 id="{heading_id}"')
    paragraph = html.index("<p>", start)
    return " ".join(runs_of(html[paragraph : html.index("</p>", paragraph) + 4]))


def names_the_class(text: str, label: str, language: str) -> bool:
    """Whether `text` holds `label` (a one-word class name) in a form of the language."""
    if language == "zh":
        return label in text
    if language == "ru":
        return any(label.lower() in lemmas(w) for w in CYRILLIC_WORD.findall(text))
    return bool(re.search(r"\b" + re.escape(label.lower()) + r"s?\b", text.lower()))


@pytest.mark.parametrize("language", ("en", "zh", "ru"))
def test_the_charts_text_names_the_proposition_class_as_the_ontology_does(site, ontology, language):
    """The front page says what its charts and its table of claims are about (propositions) by the
    ontology's name of pg:Proposition in the page's language; the chart's text says it once more
    in the page's words, not another word for it."""
    label = ontology_label(ontology, PG + "Proposition", language)
    prefix = "" if language == "en" else language + "/"
    html = (site / prefix / "index.html").read_text("utf-8")
    for heading in ("questions", "claims"):
        text = section_text(html, heading)
        assert names_the_class(text, label, language), (language, heading, text)
        if language == "ru":
            assert not {lemma for w in CYRILLIC_WORD.findall(text) for lemma in lemmas(w)} & OTHER_PROPOSITION_NOUNS
    # the same words as the catalogue gives, so the check above reads the catalogue's text
    with i18n.language(language):
        assert i18n.gettext("Propositions that several claims speak to, those whose claims disagree first. "
                            "Each dot is a claim, placed at the day it was first reported and at its "
                            "claimant's certainty.") in html.replace("&#39;", "'")


def rows(html: str, start: str, end: str) -> dict[str, tuple[str, str]]:
    """The rows of one table of a page: values (their text) -> (row name, the IRI the name links to)."""
    begin = html.index(start)
    table = html[begin : html.index(end, begin)]
    found = {}
    for name, values in re.findall(r'<tr>\s*<th scope="row">(.*?)</th>\s*<td>(.*?)</td>\s*</tr>', table, re.S):
        iri = re.search(r'title="([^"]+)"', name)
        key = " | ".join(r.strip() for r in runs_of(values))
        found[key] = (" ".join(r.strip() for r in runs_of(name)), iri.group(1) if iri else "")
    return found


@pytest.mark.parametrize("language", ("en", "zh", "ru"))
@pytest.mark.parametrize(
    "page, properties",
    (("id/turkey.html", (PG + "capital",)),
     ("id/report-bloomberg-2026-01-09.html", (SCHEMA + "datePublished", SCHEMA + "publisher", SCHEMA + "inLanguage"))),
)
def test_the_property_table_names_a_property_as_the_infobox_does(site, ontology, language, page, properties):
    """A property shown both in the infobox and in the table of statements below it (the same
    values) has the same name in both, its first letter a capital; where the ontology has a
    label in the page's language, that label."""
    prefix = "" if language == "en" else language + "/"
    html = (site / prefix / page).read_text("utf-8")
    infobox = rows(html, '<aside class="infobox"', "</aside>")
    table = rows(html, '<h2 id="statements"', "</table>")
    by_iri = {iri: (name, values) for values, (name, iri) in table.items() if iri}
    for term in properties:
        name, values = by_iri[term]
        assert infobox[values][0] == name, (language, page, term)
        assert name[:1] == name[:1].upper(), name
        labels = [str(o) for o in ontology.objects(rdflib.URIRef(term), rdflib.RDFS.label)
                  if isinstance(o, rdflib.Literal) and o.language == language]
        if labels:
            assert name == labels[0][:1].upper() + labels[0][1:], (language, term, name)
