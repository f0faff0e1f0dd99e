"""The story on the front page: the propositions several claims speak to (disagreements
first) with a chart of certainty by date and claimant, and every claim in one table
(claimant, certainty, polarity, time, first report and date, relay chain, the words in
the text). It is computed from the graph, so it grows with every added report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from pactgraph.publishing.figures import Point, Words, certainty_chart
from pactgraph.publishing.i18n import _, current
from pactgraph.publishing.model import SiteGraph, natural_key
from pactgraph.publishing.views import ClaimView, Linker, Terms, Value, disagreeing_pairs, group_claims

#: The certainty scale from most to least sure (GRaSP's certain > probable > possible,
#: then "underspecified", which says nothing about how sure); other values follow by name.
CERTAINTY_ORDER = (
    "certainty-certain",
    "certainty-probable",
    "certainty-possible",
    "certainty-underspecified",
)


@dataclass
class Question:
    proposition: Value | None
    claims: list[ClaimView]
    disagree: bool
    chart: Markup


@dataclass
class Story:
    questions: list[Question]
    rows: list[ClaimView]
    disagreeing: set[str]  # IRIs of claims whose proposition has claims that disagree
    reports: list[tuple[Value, str]]


def _first_date(view: ClaimView) -> str:
    if view.chain is not None and view.chain.dates:
        return view.chain.dates[0]
    return ""


def _levels(graph: SiteGraph, terms: Terms) -> list[Any]:
    used = {o for _, p, o in graph.triples if p == terms.certainty}

    def rank(node: Any) -> tuple:
        local = str(node).rsplit("/", 1)[-1]
        return (
            CERTAINTY_ORDER.index(local) if local in CERTAINTY_ORDER else len(CERTAINTY_ORDER),
            natural_key(graph.label(node)),
        )

    return sorted(used, key=rank)


def story(graph: SiteGraph, page: str, terms: Terms, texts: dict[Any, str]) -> Story:
    linker = Linker(graph, page, texts)
    claims = sorted(graph.instances(terms.Claim), key=str)
    views = [linker.claim(c, terms) for c in claims]
    rows = sorted(
        views,
        key=lambda v: (
            _first_date(v),
            natural_key(v.proposition.text if v.proposition else ""),
            natural_key(v.claimant.text if v.claimant else ""),
            v.claim.iri,
        ),
    )
    levels = [Words(*graph.label_in(n)) for n in _levels(graph, terms)]
    questions = []
    disagreeing: set[str] = set()
    for group in group_claims(views, disagreeing_pairs(graph)):
        if group.disagree:
            disagreeing.update(c.claim.iri for c in group.claims)
        if len(group.claims) < 2:
            continue
        ordered = sorted(group.claims, key=lambda v: (_first_date(v), v.claim.iri))
        points = [
            Point(
                _first_date(v),
                v.certainty.text if v.certainty else "",
                v.claimant.text if v.claimant else "",
                v.polarity.text if v.polarity else "",
                claimant_language=v.claimant.language if v.claimant else "",
                negative=v.polarity is not None and v.polarity.iri.endswith("/polarity-negative"),
                tip=_("%(claimant)s: %(certainty)s, %(polarity)s, first reported %(date)s")
                % {
                    "claimant": v.claimant.text if v.claimant else "",
                    "certainty": v.certainty.text if v.certainty else "",
                    "polarity": v.polarity.text if v.polarity else "",
                    "date": _first_date(v),
                },
            )
            for v in ordered
        ]
        title = _("Certainty by the date first reported: %(proposition)s") % {
            "proposition": group.proposition.text if group.proposition else ""
        }
        questions.append(
            Question(
                group.proposition,
                ordered,
                group.disagree,
                certainty_chart(title, levels, points, current(), _("No dated claims.")),
            )
        )
    questions.sort(
        key=lambda q: (
            not q.disagree,
            -len(q.claims),
            natural_key(q.proposition.text if q.proposition else ""),
        )
    )
    from pactgraph.publishing.model import SCHEMA

    reports = sorted(
        (
            (linker.link(r), str(graph.first(r, SCHEMA.datePublished) or ""))
            for r in graph.instances(terms.Report)
        ),
        key=lambda item: (item[1], natural_key(item[0].text)),
    )
    return Story(questions, rows, disagreeing, reports)
