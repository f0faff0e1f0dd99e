"""The comparison of claims in the published site: each related pair (every relation but
"unrelated") as a pg:ClaimComparison with its relation (a pgv:claim-relation concept) and
its reason, computed by `pactgraph.reading.comparing` at publish time (the label and the reason
in each site language, worded by publishing.wording); what a claim page lists
under "What other claims say"; and the front page's lede, written from the graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import rdflib

from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.publishing import involvement, wording
from pactgraph.publishing.i18n import LANGUAGES, _, current, language
from pactgraph.publishing.layout import Layout
from pactgraph.publishing.model import SCHEMA, SiteGraph, language_rank
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


def label_graph(quads: list[Any], layout: Layout, prefixes: Mapping[str, str]) -> SiteGraph:
    """The labels of the graph in these quads, to name what the reasons name in each language."""
    from pactgraph.publishing.model import LABEL_PROPERTIES
    from pactgraph.rdf.canonical import canonical_triples

    wanted = {str(p) for p in LABEL_PROPERTIES}
    return SiteGraph(canonical_triples(q for q in quads if q.predicate.value in wanted), layout, prefixes)


def by_node(pairs: list[Any], layout: Layout) -> dict[Any, Any]:
    """The pairs by their comparison's node, as the site graph names it."""
    return {rdflib.URIRef(layout.rebase(node_iri(p.earlier.iri, p.later.iri))): p for p in pairs}


def quads(pairs: list[Any], layout: Layout, names: SiteGraph) -> list[Any]:
    """The pairs as statements in their own named graph, under the site's base; the label and the
    reason in each site language (`names`: the graph's labels, to name what they name)."""
    import pyoxigraph as ox

    from pactgraph.reading import comparing

    graph = ox.NamedNode(layout.iri(GRAPH))
    pg, rdfs = layout.rebase(PREFIXES["pg"]), PREFIXES["rdfs"]

    def iri(value: str) -> Any:
        return ox.NamedNode(layout.rebase(value))

    def worded(reason: Any) -> list[Any]:
        return [ox.Literal(wording.text(names, reason, code), language=code) for code in LANGUAGES]

    found = []
    for p in pairs:
        node = iri(node_iri(p.earlier.iri, p.later.iri))
        statements = [
            (str(RDF_TYPE), ox.NamedNode(pg + "ClaimComparison")),
            *((rdfs + "label", label) for label in worded(wording.label_reason(p))),
            (pg + "earlierClaim", iri(p.earlier.iri)),
            (pg + "laterClaim", iri(p.later.iri)),
            (pg + "claimRelation", iri(comparing.relation_iri(p.relation))),
            *((pg + "comparisonReason", reason) for reason in worded(p.why)),
        ]
        for predicate, value in statements:
            found.append(ox.Quad(node, ox.NamedNode(predicate), value, graph))
    return found


def reason_of(graph: SiteGraph, node: Any, terms: Terms) -> tuple[Any, str]:
    """A comparison's reason in the page's language, and its language when not the page's: worded
    from the pair when the site computed it (the names in it marked), else its published literal."""
    pair = graph.comparisons.get(node)
    if pair is not None:
        return wording.markup(graph, pair.why), ""
    literals = [v for v in graph.objects(node, terms.comparisonReason) if isinstance(v, rdflib.Literal)]
    if not literals:
        return "", ""
    code = current()
    best = min(literals, key=lambda v: ((v.language or "en").split("-")[0] != code, language_rank(v)))
    own = (best.language or "en").split("-")[0]
    from pactgraph.publishing.render import whole_dates

    return whole_dates(str(best)), "" if own == code else own


def word_page(graph: SiteGraph, node: Any, view: Any, terms: Terms) -> None:
    """A comparison's page in its language: the heading its label, the reason row its reason, each
    worded from the pair (not its literals in every language)."""
    pair = graph.comparisons[node]
    view.title, view.language = wording.markup(graph, wording.label_reason(pair), heading=True), ""
    names = _("Names")  # its label in every language: the page gives the one in its language
    view.infobox = [(field, values) for field, values in view.infobox if field != names]
    reason, reason_language = reason_of(graph, node, terms)
    for row in view.rows:
        if row.prop.iri == str(terms.comparisonReason):
            row.values = [Value("literal", text=reason, language=reason_language)]


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
    reason_language: str = ""  # of `reason`, when not the page's


@dataclass
class Comparison:
    node: Any
    earlier: Any
    later: Any
    relation: str
    reason: str
    key: str = ""  # the relation in English, as pactgraph.reading.comparing names it
    relation_language: str = ""  # of `relation`, when not the page's
    reason_language: str = ""  # of `reason`, when not the page's


def comparisons(graph: SiteGraph) -> list[Comparison]:
    """The published comparisons, in `compare`'s order of relations, then by claim."""
    from pactgraph.reading.comparing import RELATIONS

    t = Terms(graph.layout)
    found = []
    for node in graph.instances(t.ClaimComparison):
        relation = graph.first(node, t.claimRelation)
        reason, reason_language = reason_of(graph, node, t)
        words = graph.label(relation) if relation is not None else ""
        with language("en"):
            key = graph.label(relation) if relation is not None else ""
        found.append(
            Comparison(
                node,
                graph.first(node, t.earlierClaim),
                graph.first(node, t.laterClaim),
                words,
                reason,
                key,
                graph.label_language(relation) if relation is not None else "",
                reason_language,
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
            Related(linker.link(other), linker.link(claimant) if claimant is not None else None, c.relation, c.reason, _named(linker, c.node, _("the comparison")), c.relation_language, c.reason_language)
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
    """Two claimants on one point, as the lede words their relation: a disagreeing one (DISAGREEING),
    or "agree" when two claimants say the same."""

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
class Brought:
    """A claimant's claims first reported in one report: how many, and, as voices, those of them
    the lede speaks of (a voice on the hoped-for membership, or one side of a disagreement or an
    agreement between claimants)."""

    claimant: Value | None
    claims: int
    voices: list[Voice]


@dataclass
class Change:
    """One report: its date, outlet, how many claims it first reported, by whom and saying what, and
    the disagreements and agreements those claims brought (each stated once, under the later claim's report)."""

    report: Value
    date: str
    outlet: Value | None
    new_claims: int
    brought: list[Brought] = field(default_factory=list)
    compared: list[Disagreement] = field(default_factory=list)


@dataclass
class Lede:
    wants: list[tuple[Sought, list[Voice]]]
    disagreements: list[Disagreement]
    changes: list[Change]


def _named(linker: Linker, node: Any, text: str) -> Value:
    """A link to `node` with words of the page's own instead of its (long) label."""
    return replace(linker.link(node), text=text, names={}, language="")


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


def _voice(graph: SiteGraph, linker: Linker, claim: Any, terms: Terms) -> Voice:
    """One claim as the lede words it: who, how sure (in plain words, see PLAIN_CERTAINTY), what,
    first reported when and through which outlets."""
    view = linker.claim(claim, terms)
    reports = view.chain.reports if view.chain else []
    publishers = [graph.first(rdflib.URIRef(r.iri), SCHEMA.publisher) for r in reports if r.iri]
    outlets = [_name(graph, p) for p in dict.fromkeys(publishers) if p is not None]
    certainty = replace(view.certainty, href=None, iri="") if view.certainty else None
    date = view.chain.dates[0] if view.chain and view.chain.dates else ""
    level = graph.first(claim, terms.certainty)
    sure = PLAIN_CERTAINTY.get(str(level).rsplit("/", 1)[-1], "") if level is not None else ""
    proposition = graph.first(claim, terms.proposition)
    says = linker.link(proposition) if proposition is not None else view.claim
    return Voice(view.claimant, certainty, outlets, view.claim, says, date, sure)


def lede(graph: SiteGraph, page: str, terms: Terms, texts: dict[Any, str]) -> Lede:
    """The front page's story in brief, for a newcomer: who hopes to join what (each prospective
    membership's member and organisation), who says what about it, how sure (in plain words, see
    PLAIN_CERTAINTY) and which outlets reported it; who disagrees (the disagreeing comparisons,
    each worded by its relation); and what each report changed, in the same words: whose claims
    it first reported, what they say of the story above, and whom they disagree or agree with."""
    from pactgraph.reading.comparing import DISAGREEING

    linker = Linker(graph, page, texts)
    pg = rdflib.Namespace(graph.layout.ontology_ns)
    prospective = rdflib.URIRef(graph.layout.rebase(PREFIXES["pgv"]) + "membership-status-prospective-member")
    wants = []
    spoken: set[Any] = set()  # the claims the lede speaks of
    for membership in sorted(graph.subjects(terms.membershipStatus, prospective), key=str):
        propositions = sorted(involvement.propositions(graph, membership, terms), key=str)
        sought = [p for p in propositions if graph.first(p, rdflib.RDF.predicate) == pg.seeksMembershipIn]
        member, organization = graph.first(membership, ORG.member), graph.first(membership, ORG.organization)
        headline = Sought(
            linker.link(member) if member is not None else None,
            linker.link(organization) if organization is not None else None,
            linker.link(sought[0] if sought else membership),
        )
        said = [claim for proposition in propositions for claim in graph.subjects(terms.proposition, proposition)]
        spoken.update(said)
        voices = [_voice(graph, linker, claim, terms) for claim in said]
        voices.sort(key=lambda v: (v.date, v.claim.iri))
        wants.append((headline, voices))

    def who_said(claim: Any) -> Any:
        agent = graph.first(claim, terms.claimant)
        return agent if agent is not None else claim

    def who(claim: Any) -> Value | None:
        agent = graph.first(claim, terms.claimant)
        return linker.link(agent) if agent is not None else None

    def says(claim: Any) -> Value | None:
        proposition = graph.first(claim, terms.proposition)
        return linker.link(proposition) if proposition is not None else None

    # the pairs the lede words: every disagreement, and the agreements of two claimants (not a
    # claimant's agreement with their own claim)
    worded = [c for c in comparisons(graph) if c.key in DISAGREEING or (c.key == "agree" and who_said(c.earlier) != who_said(c.later))]
    stated = {
        id(c): Disagreement(who(c.earlier), says(c.earlier), who(c.later), says(c.later), c.relation, c.reason, _named(linker, c.node, _("why")), c.relation_language, c.key)
        for c in worded
    }
    disagreements = [stated[id(c)] for c in worded if c.key in DISAGREEING]
    spoken.update(claim for c in worded for claim in (c.earlier, c.later))

    def brought(new: list[Any]) -> list[Brought]:
        groups: dict[Any, list[Any]] = {}
        for claim in new:
            groups.setdefault(who_said(claim), []).append(claim)
        found = []
        for agent, claims in groups.items():
            # two claims that read the same (one claimant, as sure, of one proposition) are one voice
            voices = list({(v.sure, v.says.iri): v for v in (_voice(graph, linker, claim, terms) for claim in claims if claim in spoken)}.values())
            found.append(Brought(linker.link(agent) if agent not in claims else None, len(claims), voices))
        return found

    def compared(new: set[Any]) -> list[Disagreement]:
        """The pairs whose later claim is new, each sentence once (pairs of the same relation, claimants
        and propositions read the same; the first pair's comparison says why)."""
        found: dict[tuple[Any, ...], Disagreement] = {}
        for c in worded:
            if c.later in new:
                read = (c.key, who_said(c.earlier), graph.first(c.earlier, terms.proposition), who_said(c.later), graph.first(c.later, terms.proposition))
                found.setdefault(read, stated[id(c)])
        return list(found.values())

    changes = []
    for report in graph.instances(terms.Report):
        publisher = graph.first(report, SCHEMA.publisher)
        new = sorted((c for c in graph.instances(terms.Claim) if _origin(graph, c, terms) == report), key=str)
        changes.append(
            Change(
                linker.link(report),
                str(graph.first(report, SCHEMA.datePublished) or ""),
                _name(graph, publisher) if publisher is not None else None,
                len(new),
                brought(new),
                compared(set(new)),
            )
        )
    depth = _relay_depths(graph, terms)
    # the same order in every language: by date, a relaying report after the one it relays, then by IRI
    changes.sort(key=lambda ch: (ch.date, depth.get(ch.report.iri, 0), ch.report.iri))
    return Lede(wants, disagreements, changes)
