"""What a page calls a term where the term stands as a name (an infobox row, a field of a claim
card, a row of the property table): one function, so that a page names each term one way."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import rdflib

from pactgraph.publishing.i18n import N_, current, gettext
from pactgraph.publishing.model import RDF, SCHEMA, SiteGraph
from pactgraph.publishing.plain import ORG, words

#: The catalogue's words for terms a page names often, by local name in the ontology's
#: namespace (str) or by IRI: shown where the ontology has no label in the page's language.
CATALOGUE_WORDS: dict[str | rdflib.URIRef, str] = {
    RDF.type: N_("Type"),
    ORG.memberOf: N_("Member of"),
    SCHEMA.datePublished: N_("Published"),
    SCHEMA.publisher: N_("Publisher"),
    SCHEMA.url: N_("Address"),
    SCHEMA.inLanguage: N_("Language"),
    "capital": N_("Capital"),
    "relays": N_("Relays"),
    "Claim": N_("Claim"),
    "claimant": N_("Claimant"),
    "certainty": N_("Certainty"),
    "polarity": N_("Polarity"),
    "timeOrientation": N_("Time"),
    "conditionalOn": N_("Conditional on"),
    "reasonFor": N_("Reason for"),
}


@lru_cache(maxsize=None)
def _catalogue_words(ontology_ns: str) -> dict[rdflib.URIRef, str]:
    return {
        key if isinstance(key, rdflib.URIRef) else rdflib.URIRef(ontology_ns + key): message
        for key, message in CATALOGUE_WORDS.items()
    }


def capitalised(text: str) -> str:
    """A name as it heads a row or field: its first letter a capital, the rest as written."""
    return text[:1].upper() + text[1:]


def term_name(graph: SiteGraph, term: Any) -> tuple[str, str]:
    """The name of `term` and its language ('' for the page's): the ontology's label of the term
    in the page's language; else the catalogue's words for it (CATALOGUE_WORDS); else its label
    in another language, or its local name in words. First letter a capital."""
    labelled = bool(graph.literal_labels(term))
    if labelled and not graph.label_language(term):
        return capitalised(graph.label(term)), ""
    message = _catalogue_words(graph.layout.ontology_ns).get(term)
    if message is not None:
        return gettext(message), ""
    if isinstance(term, rdflib.URIRef) and not labelled:
        return capitalised(words(str(term))), "" if current() == "en" else "en"
    text, language = graph.label_in(term)
    return capitalised(text), language
