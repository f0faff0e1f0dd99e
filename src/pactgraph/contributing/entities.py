"""`pactgraph entity add`: a new agreement, organisation, person, event or place, declared in a report.

The entity is a block of the report's file, as a claim is (see `claims`), named in words
(never an IRI) and refused when the graph already has something called that; its
references (an affiliation, an event's type, an agreement's parties) are resolved as a
claimant is. It is mentioned in the report and attested by it, the report being its
only source; nothing is written unless the report, with it, conforms with the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pactgraph.contributing.claims import Chooser, Context, empty_graph, pick_resource, context, new_iri, serialize, write_blocks
from pactgraph.contributing.resolve import Resource, check_name, fold
from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import PG, PREFIXES, shorten

#: The kinds `entity add` declares, with their classes.
CLASSES = {
    "agreement": [PG + "Agreement"],
    "organisation": [PREFIXES["org"] + "FormalOrganization"],
    "event": [PG + "Event"],
    "place": [PREFIXES["schema"] + "Place"],
}
KINDS = ("agreement", "organisation", "person", "event", "place")


@dataclass
class EntityInput:
    """A new entity as a contributor gives it."""

    kind: str
    label: str
    description: str = ""
    role: str = ""  # a person's source role, for the claims of this run only (a sheet's)
    affiliation: str = ""  # a person's organisation
    affiliation_role: str = ""
    event_type: str = ""
    parties: list[str] = field(default_factory=list)


def add_entity(
    report_dir: str | Path, data_dir: Path, spec: EntityInput, *, choose: Chooser | None = None, dry_run: bool = False
) -> tuple[str, list[str]]:
    """Declare the entity in the report's file after validating it with the graph; (its IRI, notes)."""
    if spec.kind not in KINDS:
        raise InputError(f"--kind must be one of {', '.join(KINDS)}, not {spec.kind!r}")
    from pactgraph.contributing.sheet import check_sizes

    check_sizes({"--label": spec.label, "--description": spec.description, "--affiliation": spec.affiliation})
    check_name(spec.label, "--label", f"a new {spec.kind}")
    ctx = context(report_dir, data_dir, choose)
    if spec.kind == "person":
        from pactgraph.contributing.sheet import declare

        row = {"label": spec.label, "description": spec.description, "role": spec.role,
               "affiliation": spec.affiliation, "affiliation_role": spec.affiliation_role}
        iri = declare(ctx, "person", row, "entity add", label_option="--label")
    else:
        iri = _declare(ctx, spec)
    write_blocks(ctx, dry_run=dry_run)
    return iri, ctx.notes


def _declare(ctx: Context, spec: EntityInput) -> str:
    import rdflib
    from rdflib import RDF, RDFS, Literal

    same = [r for r in ctx.index.resources.values() if fold(spec.label) in {fold(x) for x in r.labels}]
    if same:
        raise InputError(
            f"--label {spec.label!r} is already in the graph as {shorten(same[0].iri)} ({same[0].name}); use it instead"
        )
    iri = new_iri(ctx, spec.label)
    u, pg = rdflib.URIRef, rdflib.Namespace(PG)
    node = u(iri)
    g = empty_graph()
    for cls in CLASSES[spec.kind]:
        g.add((node, RDF.type, u(cls)))
    g.add((node, RDFS.label, Literal(spec.label, lang="en")))
    if spec.description:
        g.add((node, u(PREFIXES["schema"] + "description"), Literal(spec.description, lang="en")))
    g.add((node, pg.mentionedIn, u(ctx.report.iri)))
    if spec.kind in ("agreement", "event"):
        g.add((node, pg.attestedBy, u(ctx.report.iri)))
    if spec.kind == "event":
        if not spec.event_type:
            raise InputError("--type: an event needs its type (pactgraph find, or the values report.ttl lists)")
        kind = pick_resource(ctx, spec.event_type, "concept", "--type", "pgv:event-type")
        g.add((node, pg.eventType, u(kind.iri)))
    elif spec.event_type:
        raise InputError(f"--type is for events, not a {spec.kind}")
    for party in spec.parties:
        if spec.kind != "agreement":
            raise InputError(f"--party is for agreements, not a {spec.kind}")
        g.add((node, pg.party, u(pick_resource(ctx, party, "entity", "--party").iri)))
    ctx.index.add(Resource(iri, types=set(CLASSES[spec.kind]), labels=[spec.label], english=spec.label))
    ctx.blocks.append((iri, serialize(g)))
    return iri
