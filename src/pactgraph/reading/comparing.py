"""How two claims stand to each other: the one definition behind `pactgraph compare`.

Named questions 17 (disagreeing-claims) and 26 (agreeing-claims) state the same
definition in SPARQL; tests/test_compare.py checks that they list exactly the pairs
this module finds. The README's "Comparing claims" table gives it with examples.

Two claims, A first reported no later than B (ties: by IRI), are compared in order:

1. *unrelated*: neither the same proposition nor the same subject and predicate.
2. *compatible*: they speak to different times. A proposition's time scope
   (pg:timeScope) is an interval; without one, a non-future claim speaks of its first
   report's day and a future claim of the time after it, and two claims without
   scopes speak to the same time only when their orientations agree (a present
   "not signed yet" and a future "likely" do not meet).
3. *revision*: the same claimant, first reported later, says something else.
4. Same proposition (or the same subject, predicate and object): *contradict* when
   the polarities differ, *divergent certainty* when the certainties differ, else *agree*.
5. Same subject and predicate, other values: *incompatible values* when both affirm
   values that exclude each other (values of one pg:Scale, or of an
   owl:FunctionalProperty); else *compatible* (the values can hold together, or a
   denial leaves the other value open).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from pactgraph.errors import InputError

FORMATS = ("table", "csv", "json")
RELATIONS = (
    "agree",
    "contradict",
    "incompatible values",
    "divergent certainty",
    "revision",
    "compatible",
    "unrelated",
)
#: The relations question 17 (disagreeing-claims) lists; question 26 lists "agree".
DISAGREEING = ("contradict", "incompatible values", "divergent certainty", "revision")


def relation_iri(relation: str) -> str:
    """The pgv:claim-relation concept that names `relation` (one of RELATIONS)."""
    from pactgraph.rdf.namespaces import PREFIXES

    return f"{PREFIXES['pgv']}claim-relation-{relation.replace(' ', '-')}"

_PGV = "https://w3id.org/pactgraph/vocab/"
POSITIVE = _PGV + "polarity-positive"
FUTURE = _PGV + "time-orientation-future"
#: Bounds of the string-ordered time line (ISO dates compare as strings); "~" sorts after
#: every date character, so "D~" is the first moment after day D.
_START, _END, _AFTER = "0000", "9999", "~"

_CLAIMS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX pg: <https://w3id.org/pactgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?claim ?label ?proposition ?propositionLabel ?subject ?predicate ?object ?objectLabel
       ?claimant ?claimantLabel ?certainty ?certaintyLabel ?polarity ?polarityLabel ?orientation ?orientationLabel
       ?origin ?date ?begin ?end ?scoped
       (GROUP_CONCAT(DISTINCT STR(?scale); separator=" ") AS ?scales) (BOUND(?functionalMark) AS ?functional) WHERE {
  ?claim a pg:Claim ; pg:proposition ?proposition ; pg:claimant ?claimant ;
      pg:certainty ?certainty ; pg:polarity ?polarity ; pg:timeOrientation ?orientation .
  OPTIONAL { ?claim rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { ?proposition rdfs:label ?propositionLabel FILTER (LANG(?propositionLabel) = "en") }
  OPTIONAL { ?claimant rdfs:label ?claimantLabel FILTER (LANG(?claimantLabel) = "en") }
  OPTIONAL { ?certainty skos:prefLabel ?certaintyLabel FILTER (LANG(?certaintyLabel) = "en") }
  OPTIONAL { ?polarity skos:prefLabel ?polarityLabel FILTER (LANG(?polarityLabel) = "en") }
  OPTIONAL { ?orientation skos:prefLabel ?orientationLabel FILTER (LANG(?orientationLabel) = "en") }
  OPTIONAL { ?claim pg:statedIn ?stated }
  OPTIONAL { ?claim pg:reportedFirstIn ?relayed }
  BIND (COALESCE(?relayed, ?stated) AS ?origin)
  OPTIONAL { ?origin schema:datePublished ?published }
  BIND (COALESCE(SUBSTR(STR(?published), 1, 10), "") AS ?date)
  OPTIONAL { ?proposition rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
             OPTIONAL { ?object rdfs:label|skos:prefLabel ?objectName FILTER (LANG(?objectName) = "en") }
             OPTIONAL { ?object skos:inScheme ?scale . ?scale a pg:Scale }
             OPTIONAL { ?predicate a owl:FunctionalProperty BIND (true AS ?functionalMark) } }
  BIND (COALESCE(?objectName, STR(?object)) AS ?objectLabel)
  OPTIONAL { ?proposition pg:timeScope ?scope .
             OPTIONAL { ?scope time:hasBeginning/time:inXSDDate ?begin }
             OPTIONAL { ?scope time:hasEnd/time:inXSDDate ?end } }
  BIND (BOUND(?scope) AS ?scoped)
}
GROUP BY ?claim ?label ?proposition ?propositionLabel ?subject ?predicate ?object ?objectLabel
         ?claimant ?claimantLabel ?certainty ?certaintyLabel ?polarity ?polarityLabel ?orientation ?orientationLabel
         ?origin ?date ?begin ?end ?scoped ?functionalMark
"""


@dataclass(frozen=True)
class Claim:
    """What the comparison needs of one claim (IRIs, and English labels for the reasons)."""

    iri: str
    label: str
    proposition: str
    proposition_label: str
    subject: str | None
    predicate: str | None
    object: str | None
    object_label: str
    claimant: str
    claimant_label: str
    certainty: str
    certainty_label: str
    polarity: str
    polarity_label: str
    orientation: str
    orientation_label: str
    origin: str | None
    date: str
    scope: tuple[str, str] | None = None
    scales: frozenset[str] = frozenset()
    functional: bool = False

    @property
    def structured(self) -> bool:
        return self.subject is not None and self.predicate is not None and self.object is not None

    def value(self) -> Named:
        """The proposition's object as a reason names it (a literal value has no IRI)."""
        is_iri = self.object is not None and not self.object.startswith(('"', "_:"))
        return Named(self.object if is_iri and self.object else "", self.object_label)

    def window(self) -> tuple[str, str]:
        """The times the claim speaks of, as (first, last) strings on the ISO date line."""
        if self.scope is not None:
            return self.scope
        if self.orientation == FUTURE:
            return (self.date + _AFTER, _END)
        return (self.date or _START, self.date or _END)

    def when(self) -> Reason:
        """The times the claim speaks of, as a reason's words: its scope, else its orientation as of its date."""
        if self.scope is not None:
            return Reason("time scope", (("start", self.scope[0].replace(_START, "…")), ("end", self.scope[1].replace(_END, "…"))))
        orientation = Named(self.orientation, self.orientation_label)
        if not self.date:
            return Reason("as of an unknown date", (("orientation", orientation),))
        return Reason("as of", (("orientation", orientation), ("date", self.date)))


def N_(message: str) -> str:
    """Marks a reason's words for the site's catalogues (`make messages`); they are translated where shown."""
    return message


#: Each kind of reason and its words in English, with a %(name)s for each parameter. The site
#: translates them (its gettext catalogues) and names each parameter in the page's language.
REASONS = {
    "different topics": N_("different propositions, with different subjects or predicates"),
    "different times": N_("they speak to different times (%(earlier)s; %(later)s)"),
    "time scope": N_("%(start)s–%(end)s"),
    "as of": N_("%(orientation)s as of %(date)s"),
    "as of an unknown date": N_("%(orientation)s as of an unknown date"),
    "said differently later": N_("%(claimant)s says it differently later (%(earlier)s → %(later)s)"),
    "affirmed and denied": N_("one affirms what the other denies (%(earlier)s → %(later)s)"),
    "other certainty": N_("%(earlier)s → %(later)s, same polarity (%(polarity)s)"),
    "same": N_("same proposition, %(certainty)s and %(polarity)s"),
    "exclusive values": N_("%(earlier)s and %(later)s exclude each other at one time"),
    "denial leaves open": N_("a denial of one value leaves the other open"),
    "values together": N_("%(earlier)s and %(later)s can hold together"),
}


@dataclass(frozen=True)
class Named:
    """A resource a reason names: its IRI ("" for a literal value) and its English label."""

    iri: str
    label: str


@dataclass(frozen=True)
class Reason:
    """Why two claims stand in their relation: a kind of REASONS and its parameters, each a Named
    resource, a date (ISO text, "…" for an open end) or another Reason (a claim's time)."""

    kind: str
    parameters: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return worded(self)


def _english(value: Any) -> Any:
    return value.label if isinstance(value, Named) else value


def worded(reason: Reason, words: Any = None, show: Any = _english) -> Any:
    """The reason in words: `words` gives a kind's template (default: the English of REASONS; the site
    passes its translation, as markup), `show` a parameter (default: a resource's English label, a date
    as it is). Templates use %-formatting, so markup templates escape what they are given."""
    template = words(REASONS[reason.kind]) if words is not None else REASONS[reason.kind]
    values = {name: worded(v, words, show) if isinstance(v, Reason) else show(v) for name, v in reason.parameters}
    return template % values


@dataclass(frozen=True)
class Pair:
    """Two claims, the earlier first, with their relation and why (`why`; `reason` in English words)."""

    earlier: Claim
    later: Claim
    relation: str
    why: Reason

    @property
    def reason(self) -> str:
        return worded(self.why)


def _term(value: Any) -> str:
    """A term as a comparable key: IRIs as themselves, literals in N-Triples form."""
    if value is None:
        return ""
    if type(value).__name__ == "Literal":
        return str(value)
    return str(getattr(value, "value", value))


def claims(store: Any, default_graph: Any = None) -> dict[str, Claim]:
    """Every claim of the graph with a proposition, claimant, certainty, polarity and time orientation."""
    found: dict[str, Claim] = {}
    for row in store.query(_CLAIMS, source="compare", default_graph=default_graph).bindings():
        def text(name: str, fallback: str = "", row: Any = row) -> str:
            value = row.get(name)
            return str(value.value) if value is not None else fallback

        iri = text("claim")
        scoped = text("scoped") == "true"
        scope = (text("begin", _START)[:10], text("end", _END)[:10]) if scoped else None
        found[iri] = Claim(
            iri=iri,
            label=text("label", iri),
            proposition=text("proposition"),
            proposition_label=text("propositionLabel", text("proposition")),
            subject=text("subject") or None,
            predicate=text("predicate") or None,
            object=_term(row.get("object")) or None,
            object_label=text("objectLabel"),
            claimant=text("claimant"),
            claimant_label=text("claimantLabel", text("claimant")),
            certainty=text("certainty"),
            certainty_label=text("certaintyLabel", text("certainty")),
            polarity=text("polarity"),
            polarity_label=text("polarityLabel", text("polarity")),
            orientation=text("orientation"),
            orientation_label=text("orientationLabel", text("orientation")),
            origin=text("origin") or None,
            date=text("date"),
            scope=scope,
            scales=frozenset(text("scales").split()),
            functional=text("functional") == "true",
        )
    return found


def ordered(a: Claim, b: Claim) -> tuple[Claim, Claim]:
    """The pair with the claim first reported earlier first (same day: by IRI)."""
    return (a, b) if (a.date, a.iri) <= (b.date, b.iri) else (b, a)


def _overlap(a: Claim, b: Claim) -> bool:
    if a.scope is None and b.scope is None:
        return a.orientation == b.orientation
    (a_first, a_last), (b_first, b_last) = a.window(), b.window()
    return a_first <= b_last and b_first <= a_last


def relate(a: Claim, b: Claim) -> Pair:
    """The relation of two claims (see the module docs), with a one-line reason."""
    a, b = ordered(a, b)
    same_statement = a.proposition == b.proposition or (
        a.structured and b.structured and (a.subject, a.predicate, a.object) == (b.subject, b.predicate, b.object)
    )
    same_topic = same_statement or (a.structured and b.structured and (a.subject, a.predicate) == (b.subject, b.predicate))

    def pair(relation: str, kind: str, **parameters: Any) -> Pair:
        return Pair(a, b, relation, Reason(kind, tuple(parameters.items())))

    if not same_topic:
        return pair("unrelated", "different topics")
    if not _overlap(a, b):
        return pair("compatible", "different times", earlier=a.when(), later=b.when())
    repeats = same_statement and a.polarity == b.polarity and a.certainty == b.certainty
    if a.claimant == b.claimant and a.date < b.date and not repeats:
        return pair("revision", "said differently later", claimant=Named(a.claimant, a.claimant_label), earlier=a.date, later=b.date)
    if same_statement:
        if a.polarity != b.polarity:
            return pair("contradict", "affirmed and denied", earlier=Named(a.polarity, a.polarity_label), later=Named(b.polarity, b.polarity_label))
        if a.certainty != b.certainty:
            return pair(
                "divergent certainty",
                "other certainty",
                earlier=Named(a.certainty, a.certainty_label),
                later=Named(b.certainty, b.certainty_label),
                polarity=Named(a.polarity, a.polarity_label),
            )
        return pair("agree", "same", certainty=Named(a.certainty, a.certainty_label), polarity=Named(a.polarity, a.polarity_label))
    exclusive = bool(a.scales & b.scales) or a.functional
    if a.polarity == b.polarity == POSITIVE and exclusive:
        return pair("incompatible values", "exclusive values", earlier=a.value(), later=b.value())
    if a.polarity != POSITIVE or b.polarity != POSITIVE:
        return pair("compatible", "denial leaves open")
    return pair("compatible", "values together", earlier=a.value(), later=b.value())


def compare_all(store: Any, *, include_unrelated: bool = False, default_graph: Any = None) -> list[Pair]:
    """Every pair of claims of the graph (unrelated pairs only if asked), in a total order."""
    found = sorted(claims(store, default_graph).values(), key=lambda c: (c.date, c.iri))
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            p = relate(a, b)
            if include_unrelated or p.relation != "unrelated":
                pairs.append(p)
    pairs.sort(key=lambda p: (RELATIONS.index(p.relation), p.earlier.date, p.earlier.iri, p.later.date, p.later.iri))
    return pairs


def compare_two(store: Any, first: str, second: str, default_graph: Any = None) -> Pair:
    """The relation of two named claims (pgr:… or full IRIs); InputError for an unknown or repeated one."""
    from pactgraph.rdf.namespaces import expand

    found = claims(store, default_graph)
    picked = []
    for name in (first, second):
        iri = expand(name.strip()).strip("<>")
        if iri not in found:
            raise InputError(f"{name}: no such claim (with a proposition, claimant, certainty, polarity and time orientation)")
        picked.append(found[iri])
    if picked[0].iri == picked[1].iri:
        raise InputError(f"{first}: give two different claims")
    return relate(picked[0], picked[1])


COLUMNS = (
    "relation",
    "reason",
    "earlier",
    "earlierClaimant",
    "earlierDate",
    "earlierProposition",
    "later",
    "laterClaimant",
    "laterDate",
    "laterProposition",
)


def _row(p: Pair) -> dict[str, str]:
    from pactgraph.rdf.namespaces import shorten

    return {
        "relation": p.relation,
        "reason": p.reason,
        "earlier": shorten(p.earlier.iri),
        "earlierClaimant": p.earlier.claimant_label,
        "earlierDate": p.earlier.date,
        "earlierProposition": p.earlier.proposition_label,
        "later": shorten(p.later.iri),
        "laterClaimant": p.later.claimant_label,
        "laterDate": p.later.date,
        "laterProposition": p.later.proposition_label,
    }


def choose_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one `-o FILE`'s extension names (.csv, .json), else a table."""
    if fmt is not None:
        return fmt
    suffix = (output or "").rsplit(".", 1)[-1].lower() if output and "." in output else ""
    return suffix if suffix in ("csv", "json") else "table"


def render(pairs: list[Pair], fmt: str) -> str:
    """The pairs as a text table, CSV or JSON (a list of objects with the COLUMNS as keys)."""
    rows = [_row(p) for p in pairs]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if fmt == "table":
        from pactgraph.query.query_results import render_table

        shown = ("relation", "earlier", "earlierClaimant", "later", "laterClaimant", "reason")
        return render_table(list(shown), [[r[c] for c in shown] for r in rows])
    raise InputError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
