"""A claim comparison's reason and label in a site language. The reasons are defined once, in
English, by `pactgraph.reading.comparing` (REASONS); here their words come from the site's
catalogues and each resource a reason names (a certainty, a polarity, a claimant, a value)
from the graph's label in that language, else its English label, which a page marks lang="en".
Dates stay ISO dates, as everywhere on the site."""

from __future__ import annotations

from typing import Any

import rdflib
from markupsafe import Markup, escape

from pactgraph.publishing.i18n import LANGUAGES, N_, current, gettext, language
from pactgraph.publishing.model import SiteGraph
from pactgraph.reading.comparing import Named, Pair, Reason, relation_iri, worded

#: A comparison's label: its claimants, its relation and the propositions of its claims.
LABEL = N_("%(earlier)s and %(later)s: %(relation)s (%(earlier_says)s; %(later_says)s)")


def label_reason(pair: Pair) -> Reason:
    """The label of a comparison as a reason of its own kind (worded with LABEL)."""
    e, later = pair.earlier, pair.later
    parameters = (
        ("earlier", Named(e.claimant, e.claimant_label)),
        ("later", Named(later.claimant, later.claimant_label)),
        ("relation", Named(relation_iri(pair.relation), pair.relation)),
        ("earlier_says", Named(e.proposition, e.proposition_label)),
        ("later_says", Named(later.proposition, later.proposition_label)),
    )
    return Reason("label", parameters)


def name_in(graph: SiteGraph, named: Named, code: str) -> tuple[str, str]:
    """A named resource in language `code`: (its label there, ''), else (its English label, 'en').
    English is the reading's own label, so an English reason reads as `compare` words it."""
    if code == LANGUAGES[0]:
        return named.label, ""
    if named.iri:
        with language(code):
            text, other = graph.label_in(rdflib.URIRef(graph.layout.rebase(named.iri)))
        if not other:
            return text, ""
    return named.label, "en"


def _worded(reason: Reason, words: Any, show: Any) -> Any:
    if reason.kind != "label":
        return worded(reason, words, show)
    return words(LABEL) % {name: show(value) for name, value in reason.parameters}


def text(graph: SiteGraph, reason: Reason, code: str) -> str:
    """The reason (or label) as plain text in language `code`, for the published literals."""
    with language(code):
        return str(_worded(reason, gettext, lambda v: name_in(graph, v, code)[0] if isinstance(v, Named) else v))


def markup(graph: SiteGraph, reason: Reason, heading: bool = False) -> Markup:
    """The reason (or label) in the page's language, as markup: each name not in that language in
    a lang="en" span, each date in a span.date (kept on one line); a `heading` starts with a capital,
    as a page's title does."""
    code = current()
    first = True

    def words(template: str) -> Markup:
        return Markup(escape(gettext(template)))

    def show(value: Any) -> Any:
        nonlocal first
        capital, first = heading and first, False
        if isinstance(value, Named):
            name, other = name_in(graph, value, code)
            name = name[:1].upper() + name[1:] if capital and name[:1].islower() else name
            return Markup('<span lang="%s">%s</span>') % (other, name) if other else name
        from pactgraph.publishing.render import whole_dates

        return whole_dates(value)

    return Markup(_worded(reason, words, show))
