"""The comparison of claims in the published site: each related pair (every relation but
"unrelated") as a pg:ClaimComparison with its relation (a pgv:claim-relation concept) and
its reason, computed by `pactgraph.reading.comparing` at publish time; what a claim page lists
under "What other claims say"; and the front page's lede, written from the graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import rdflib
from markupsafe import Markup, escape

from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.publishing import involvement
from pactgraph.publishing.i18n import _, language, ngettext
from pactgraph.publishing.layout import Layout
from pactgraph.publishing.model import SCHEMA, SiteGraph
from pactgraph.publishing.views import Linker, Terms, Value

GRAPH = "graph/derived/claim-comparisons"
ORG = rdflib.Namespace(PREFIXES["org"])
RDF_TYPE = rdflib.RDF.type


def node_iri(earlier: str, later: str) -> str:
    """`pgr:comparison-<earlier>-vs-<later>`, from the claims' local names (without "claim-")."""

    def local(iri: str) -> str:
        name = iri.rsplit("/", 1)[-1]
        return name[len("claim-") :] if name.startswith("claim-") else name

    return f"{PREFIXES['pgr']}comparison-{local(earlier)}-vs-{local(later)}"


def compute(paths: Sequence[Path]) -> list[Any]:
    """The related pairs of the graph in these files (ontology and data), as `compare` lists them."""
    from pactgraph.reading import comparing
    from pactgraph.stores.memory import MemoryStore

    return comparing.compare_all(MemoryStore(files=list(paths)))


def quads(pairs: list[Any], layout: Layout) -> list[Any]:
    """The pairs as statements in their own named graph, under the site's base."""
    import pyoxigraph as ox

    from pactgraph.reading import comparing

    graph = ox.NamedNode(layout.iri(GRAPH))
    pg, rdfs = layout.rebase(PREFIXES["pg"]), PREFIXES["rdfs"]

    def iri(value: str) -> Any:
        return ox.NamedNode(layout.rebase(value))

    found = []
    for p in pairs:
        node = iri(node_iri(p.earlier.iri, p.later.iri))
        label = f"{p.earlier.claimant_label} and {p.later.claimant_label}: {p.relation} ({p.earlier.proposition_label}; {p.later.proposition_label})"
        for predicate, value in (
            (str(RDF_TYPE), ox.NamedNode(pg + "ClaimComparison")),
            (rdfs + "label", ox.Literal(label, language="en")),
            (pg + "earlierClaim", iri(p.earlier.iri)),
            (pg + "laterClaim", iri(p.later.iri)),
            (pg + "claimRelation", iri(comparing.relation_iri(p.relation))),
            (pg + "comparisonReason", ox.Literal(p.reason, language="en")),
        ):
            found.append(ox.Quad(node, ox.NamedNode(predicate), value, graph))
    return found


def claim_triples(graph: SiteGraph, node: Any) -> set[tuple[Any, Any, Any]]:
    """The full statements of the comparisons a claim takes part in, for its RDF documents."""
    t = Terms(graph.layout)
    found: set[tuple[Any, Any, Any]] = set()
    for comparison in set(graph.subjects(t.earlierClaim, node)) | set(graph.subjects(t.laterClaim, node)):
        if graph.has_type(comparison, t.ClaimComparison):
            found.update((comparison, p, o) for p, o in graph.out.get(comparison, ()))
    return found


@dataclass
class Related:
    """Another claim, how it stands to this one, and why."""

    other: Value
    claimant: Value | None
    relation: str
    reason: str
    comparison: Value
    relation_language: str = ""


@dataclass
class Comparison:
    node: Any
    earlier: Any
    later: Any
    relation: str
    reason: str
    key: str = ""  # the relation in English, as pactgraph.reading.comparing names it
    relation_language: str = ""  # of `relation`, when not the page's


def comparisons(graph: SiteGraph) -> list[Comparison]:
    """The published comparisons, in `compare`'s order of relations, then by claim."""
    from pactgraph.reading.comparing import RELATIONS

    t = Terms(graph.layout)
    found = []
    for node in graph.instances(t.ClaimComparison):
        relation = graph.first(node, t.claimRelation)
        words = graph.label(relation) if relation is not None else ""
        with language("en"):
            key = graph.label(relation) if relation is not None else ""
        found.append(
            Comparison(
                node,
                graph.first(node, t.earlierClaim),
                graph.first(node, t.laterClaim),
                words,
                str(graph.first(node, t.comparisonReason) or ""),
                key,
                graph.label_language(relation) if relation is not None else "",
            )
        )
    found.sort(key=lambda c: (RELATIONS.index(c.key) if c.key in RELATIONS else len(RELATIONS), str(c.earlier), str(c.later)))
    return found


def related(graph: SiteGraph, node: Any, linker: Linker, terms: Terms) -> list[Related]:
    """The claims compared with `node`, for its page's "What other claims say"."""
    found = []
    for c in comparisons(graph):
        if node not in (c.earlier, c.later):
            continue
        other = c.later if c.earlier == node else c.earlier
        claimant = graph.first(other, terms.claimant)
        found.append(
            Related(linker.link(other), linker.link(claimant) if claimant is not None else None, c.relation, c.reason, _named(linker, c.node, _("the comparison")), c.relation_language)
        )
    return found


@dataclass
class Voice:
    """One claimant's claim in the lede: who, how sure, through which outlets."""

    claimant: Value | None
    certainty: Value | None
    outlets: list[Value]
    claim: Value
    says: Value
    date: str = ""
    sure: str = ""  # how sure, as the lede words it: "certain", "probable", "possible" or "" (not said)


@dataclass
class Sought:
    """A prospective membership as the lede states it: who hopes to join what; `proposition`
    (the pg:seeksMembershipIn proposition, else the membership) is the fallback headline."""

    member: Value | None
    organization: Value | None
    proposition: Value


#: The certainties the lede puts in plain words (by the concept's local name); any other
#: (underspecified, or a value the scale does not have) reads "without saying how sure".
PLAIN_CERTAINTY = {"certainty-certain": "certain", "certainty-probable": "probable", "certainty-possible": "possible"}


@dataclass
class Disagreement:
    first: Value | None
    first_says: Value | None
    second: Value | None
    second_says: Value | None
    relation: str
    reason: str
    comparison: Value
    relation_language: str = ""
    key: str = ""  # the relation in English, as pactgraph.reading.comparing names it (the lede words it)


@dataclass
class Change:
    """One report: its date, outlet, how many claims it first reported, and the comparisons they brought."""

    report: Value
    date: str
    outlet: Value | None
    new_claims: int
    comparisons: list[Value] = field(default_factory=list)


@dataclass
class Lede:
    wants: list[tuple[Sought, list[Voice]]]
    disagreements: list[Disagreement]
    changes: list[Change]


def _named(linker: Linker, node: Any, text: str) -> Value:
    """A link to `node` with words of the page's own instead of its (long) label."""
    return replace(linker.link(node), text=text, names={}, language="")


def _marked(words: str, language: str) -> Markup:
    """Words as markup, in a span with their language when it is not the page's."""
    return Markup('<span lang="%s">%s</span>') % (language, words) if language else Markup(escape(words))


def _name(graph: SiteGraph, node: Any) -> Value:
    """A name shown as words (not a link), with its language when it is not the page's."""
    return Value("link", text=graph.label(node), language=graph.label_language(node))


def _origin(graph: SiteGraph, claim: Any, terms: Terms) -> Any:
    return graph.first(claim, terms.reportedFirstIn) or graph.first(claim, terms.statedIn)


def _relay_depths(graph: SiteGraph, terms: Terms) -> dict[str, int]:
    """For each report (by IRI), how many pg:relays steps lead back to the first report of its chain."""
    depths: dict[str, int] = {}

    def depth(report: Any, seen: frozenset[Any]) -> int:
        relayed = [r for r in graph.objects(report, terms.relays) if r not in seen]
        return 1 + max(depth(r, seen | {r}) for r in relayed) if relayed else 0

    for report in graph.instances(terms.Report):
        depths[str(report)] = depth(report, frozenset({report}))
    return depths


def lede(graph: SiteGraph, page: str, terms: Terms, texts: dict[Any, str]) -> Lede:
    """The front page's story in brief, for a newcomer: who hopes to join what (each prospective
    membership's member and organisation), who says what about it, how sure (in plain words, see
    PLAIN_CERTAINTY) and which outlets reported it; who disagrees (the disagreeing comparisons,
    each worded by its relation); and what each report changed."""
    from pactgraph.reading.comparing import DISAGREEING

    linker = Linker(graph, page, texts)
    pg = rdflib.Namespace(graph.layout.ontology_ns)
    prospective = rdflib.URIRef(graph.layout.rebase(PREFIXES["pgv"]) + "membership-status-prospective-member")
    wants = []
    for membership in sorted(graph.subjects(terms.membershipStatus, prospective), key=str):
        propositions = sorted(involvement.propositions(graph, membership, terms), key=str)
        sought = [p for p in propositions if graph.first(p, rdflib.RDF.predicate) == pg.seeksMembershipIn]
        member, organization = graph.first(membership, ORG.member), graph.first(membership, ORG.organization)
        headline = Sought(
            linker.link(member) if member is not None else None,
            linker.link(organization) if organization is not None else None,
            linker.link(sought[0] if sought else membership),
        )
        voices = []
        for proposition in propositions:
            for claim in graph.subjects(terms.proposition, proposition):
                view = linker.claim(claim, terms)
                reports = view.chain.reports if view.chain else []
                publishers = [graph.first(rdflib.URIRef(r.iri), SCHEMA.publisher) for r in reports if r.iri]
                outlets = [_name(graph, p) for p in dict.fromkeys(publishers) if p is not None]
                certainty = replace(view.certainty, href=None, iri="") if view.certainty else None
                date = view.chain.dates[0] if view.chain and view.chain.dates else ""
                level = graph.first(claim, terms.certainty)
                sure = PLAIN_CERTAINTY.get(str(level).rsplit("/", 1)[-1], "") if level is not None else ""
                voices.append(Voice(view.claimant, certainty, outlets, view.claim, linker.link(proposition), date, sure))
        voices.sort(key=lambda v: (v.date, v.claim.iri))
        wants.append((headline, voices))
    found = comparisons(graph)
    disagreements = []
    for c in found:
        if c.key not in DISAGREEING:
            continue

        def who(claim: Any) -> Value | None:
            agent = graph.first(claim, terms.claimant)
            return linker.link(agent) if agent is not None else None

        def says(claim: Any) -> Value | None:
            proposition = graph.first(claim, terms.proposition)
            return linker.link(proposition) if proposition is not None else None

        disagreements.append(
            Disagreement(who(c.earlier), says(c.earlier), who(c.later), says(c.later), c.relation, c.reason, _named(linker, c.node, _("why")), c.relation_language, c.key)
        )
    def who_said(claim: Any) -> Any:
        agent = graph.first(claim, terms.claimant)
        return agent if agent is not None else claim

    def brought_name(group: list[Comparison]) -> Value:
        """One line for the pairs of claims with the same relation and claimants, in the catalogue's words,
        each name marked with its language: "relation: claimant / claimant", or, when one claimant is on
        both sides, "relation: N pairs of claims by claimant"; it links to the first pair's comparison."""
        c = group[0]
        first, second = who_said(c.earlier), who_said(c.later)
        relation = _marked(c.relation, c.relation_language)
        if first == second:
            words = Markup(escape(ngettext("%(relation)s: %(num)d pair of claims by %(claimant)s", "%(relation)s: %(num)d pairs of claims by %(claimant)s", len(group)))) % {
                "relation": relation,
                "num": len(group),
                "claimant": _marked(graph.label(first), graph.label_language(first)),
            }
        else:
            words = Markup(escape(_("%(relation)s: %(first)s / %(second)s"))) % {
                "relation": relation,
                "first": _marked(graph.label(first), graph.label_language(first)),
                "second": _marked(graph.label(second), graph.label_language(second)),
            }
            if len(group) > 1:
                words = Markup(escape(ngettext("%(words)s (%(num)d pair)", "%(words)s (%(num)d pairs)", len(group)))) % {"words": words, "num": len(group)}
        return _named(linker, c.node, words)

    def brought(new: set[Any]) -> list[Value]:
        groups: dict[tuple[str, Any, Any], list[Comparison]] = {}
        for c in found:
            if c.later in new:
                groups.setdefault((c.key, who_said(c.earlier), who_said(c.later)), []).append(c)
        return [brought_name(group) for group in groups.values()]

    changes = []
    for report in graph.instances(terms.Report):
        publisher = graph.first(report, SCHEMA.publisher)
        new = {c for c in graph.instances(terms.Claim) if _origin(graph, c, terms) == report}
        changes.append(
            Change(linker.link(report), str(graph.first(report, SCHEMA.datePublished) or ""), _name(graph, publisher) if publisher is not None else None, len(new), brought(new))
        )
    depth = _relay_depths(graph, terms)
    # the same order in every language: by date, a relaying report after the one it relays, then by IRI
    changes.sort(key=lambda ch: (ch.date, depth.get(ch.report.iri, 0), ch.report.iri))
    return Lede(wants, disagreements, changes)
