"""One name per term on a page: a heading or field name that stands for an ontology term shows
the ontology's label of the term in the page's language (first letter a capital); the
catalogue's words only where the ontology has no label in that language.

Oracle: the ontology files read with rdflib."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from test_publish_story import PG

from pactgraph.publishing import i18n

SCHEMA = "https://schema.org/"
#: The claim card's fields and the infobox rows checked, by the term each stands for, with the
#: English words the catalogue has for it.
CARD = {PG + "Claim": "Claim", PG + "claimant": "Claimant", PG + "certainty": "Certainty",
        PG + "polarity": "Polarity", PG + "timeOrientation": "Time"}
INFOBOX = {PG + "capital": "Capital", str(rdflib.RDF.type): "Type"}
REPORT_INFOBOX = {SCHEMA + "datePublished": "Published", SCHEMA + "publisher": "Publisher",
                  SCHEMA + "inLanguage": "Language"}


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site.path


@pytest.fixture(scope="module")
def ontology(shipped_ontology) -> rdflib.Graph:
    return shipped_ontology


def label(ontology: rdflib.Graph, term: str, language: str) -> str | None:
    """The ontology's label of `term` in `language`, capitalised."""
    labels = [str(o) for o in ontology.objects(rdflib.URIRef(term), rdflib.RDFS.label)
              if isinstance(o, rdflib.Literal) and o.language == language]
    assert len(labels) <= 1, term
    return labels[0][:1].upper() + labels[0][1:] if labels else None


def expected(ontology: rdflib.Graph, term: str, catalogue: str, language: str) -> str:
    """The ontology's label in `language`, capitalised; else the catalogue's translation."""
    found = label(ontology, term, language)
    if found is not None:
        return found
    with i18n.language(language):
        return i18n.gettext(catalogue)


def texts(html: str, pattern: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(pattern, html, re.S)]


@pytest.mark.parametrize("language", ("zh", "ru", "en"))
def test_field_names_are_the_ontologys_labels_in_the_pages_language(site, ontology, language):
    prefix = "" if language == "en" else language + "/"
    turkey = (site / f"{prefix}id/turkey.html").read_text("utf-8")
    card_names = set(texts(turkey, r"<dt>(.*?)</dt>"))
    rows = set(texts(turkey, r'<th scope="row">(.*?)</th>'))
    for term, words in CARD.items():
        assert expected(ontology, term, words, language) in card_names, (language, term)
    for term, words in INFOBOX.items():
        assert expected(ontology, term, words, language) in rows, (language, term)
    report = (site / f"{prefix}id/report-bloomberg-2026-01-09.html").read_text("utf-8")
    report_rows = set(texts(report, r'<tr><th scope="row">(.*?)</th>'))
    for term, words in REPORT_INFOBOX.items():
        assert expected(ontology, term, words, language) in report_rows, (language, term)
    index = (site / f"{prefix}index.html").read_text("utf-8")
    columns = set(texts(index, r'<th scope="col">(.*?)</th>'))
    for term in (PG + "Claim", PG + "claimant", PG + "certainty", PG + "polarity", PG + "timeOrientation"):
        assert expected(ontology, term, CARD[term], language) in columns, (language, term)


@pytest.mark.parametrize("language", ("zh", "ru"))
def test_the_catalogue_names_a_labelled_term_as_the_ontology_does(ontology, language):
    """Where the catalogue's words stand for a term the ontology labels in the language, they
    are that label, so a page that shows both (a field and a chart) names the term one way."""
    labelled = {t: w for t, w in (CARD | INFOBOX).items() if label(ontology, t, language) is not None}
    assert PG + "certainty" in labelled
    with i18n.language(language):
        for term, words in labelled.items():
            assert i18n.gettext(words) == label(ontology, term, language), (language, term)


class ShapeRows(HTMLParser):
    """The links of the ontology page's "property shapes" rows: (the shape's address, its words)."""

    def __init__(self, heading: str) -> None:
        super().__init__()
        self.heading = heading
        self.state = ""  # "th" inside a row heading, "row" inside a matching row, "a" inside its link
        self.th_text = ""
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.state, self.th_text = "th", ""
        elif tag == "a" and self.state == "row":
            self.state = "a"
            self.links.append((dict(attrs).get("href") or "", ""))

    def handle_endtag(self, tag):
        if tag == "th" and self.state == "th":
            self.state = "row" if self.th_text.strip() == self.heading else ""
        elif tag == "a" and self.state == "a":
            self.state = "row"
        elif tag == "tr":
            self.state = ""

    def handle_data(self, data):
        if self.state == "th":
            self.th_text += data
        elif self.state == "a":
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


@pytest.mark.parametrize("language", ("", "zh", "ru"))
def test_property_shapes_are_named_by_the_ontology_s_labels(shipped_site, language):
    """The "property shapes" rows name each shape as the ontology names the property (its
    rdfs:label, through term_name), never by the shape's camelCase sh:name (citesAgent)."""
    from pactgraph.publishing.i18n import gettext
    from pactgraph.publishing.i18n import language as in_language

    with in_language(language or "en"):
        heading = gettext("property shapes")
    parser = ShapeRows(heading)
    parser.feed((shipped_site.path / language / "ontology.html").read_text("utf-8"))
    texts = {href.rsplit("#", 1)[-1]: text.strip() for href, text in parser.links}
    assert "Report-citesAgent" in texts and "Claim-hasAnchor" in texts, sorted(texts)
    for text in texts.values():
        assert not re.search(r"[a-z][A-Z]", text), text
    colon = {"": ": ", "zh": "：", "ru": ": "}[language]
    assert colon in texts["Report-citesAgent"] and texts["Report-citesAgent"].endswith("Cites agent")  # the class, then the property
    if not language:
        assert texts["Report-citesAgent"] == "Report: Cites agent"
        assert texts["Sentence-sentenceNumber"].endswith(": Sentence number")
