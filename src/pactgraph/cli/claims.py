"""Commands for writing claims without Turtle, registered on the pactgraph app:
`claim add|list|remove`, `claims import|export` and `find`.

The work is done in `pactgraph.contributing.claims`, `.sheet` and `.resolve`;
these functions parse options, ask on a terminal for what is missing, print and
choose the exit status (0 ok, 1 the report would not conform, 2 bad input).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from pactgraph.cli.app import EXIT_ERROR, EXIT_FAIL, app
from pactgraph.cli.app import checked_output as _output
from pactgraph.cli.app import user_errors as _user_errors
from pactgraph.cli.options import DataDirOption, OutputOption

claim_app = typer.Typer(help="Add, list and remove the claims of a report, without writing Turtle.", no_args_is_help=True)
claims_app = typer.Typer(help="Many claims at once: a CSV sheet in, a CSV sheet out.", no_args_is_help=True)
app.add_typer(claim_app, name="claim")
app.add_typer(claims_app, name="claims")

ReportDir = Annotated[str, typer.Argument(metavar="REPORT_DIR", help="The report folder new-report created.")]
DryRun = Annotated[bool, typer.Option("--dry-run", "-n", help="Resolve and validate; write nothing.")]


def _opt(name: str, help_text: str) -> Any:
    return typer.Option(name, metavar="NAME", help=help_text, show_default="asked on a terminal, else required")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _choose(message: str, candidates: Sequence[Any]) -> Any:
    from pactgraph.rdf.namespaces import shorten

    if not _interactive():
        return None
    typer.echo(f"pactgraph: {message.split(': ', 1)[0]}: which one?", err=True)
    shown = list(candidates)[:9]
    for n, c in enumerate(shown, 1):
        typer.echo(f"  {n}. {shorten(c.iri)} ({c.name})", err=True)
    answer = typer.prompt("number (empty to give up)", default="", show_default=False)
    if answer.strip().isdigit() and 1 <= int(answer) <= len(shown):
        return shown[int(answer) - 1]
    return None


def _check_failed(err: Any) -> None:
    typer.echo(err.text, nl=False)
    typer.echo(f"pactgraph: {err}", err=True)
    raise typer.Exit(EXIT_FAIL)


_ALLOWED = {
    "certainty": "pgv:certainty",
    "polarity": "pgv:polarity",
    "time": "pgv:time-orientation",
}


def _ask_missing(spec: Any, report_dir: str, data_dir: Any, skip: tuple[str, ...] = ()) -> None:
    """On a terminal, ask for each missing value, showing the allowed values of the closed ones."""
    from pactgraph.data_dirs import graph_files
    from pactgraph.contributing.claims import REQUIRED
    from pactgraph.contributing.newreport import scheme_concepts
    from pactgraph.rdf.loading import load_store

    missing = [name for name in REQUIRED if not getattr(spec, name) and name not in skip]
    if not missing or not _interactive():
        return
    store = load_store(graph_files(data_dir))
    for name in missing:
        hint = ""
        if name in _ALLOWED:
            values = [c[0].split("-")[-1] if name != "time" else c[0][len("pgv:time-orientation-") :] for c in scheme_concepts(store, _ALLOWED[name])]
            hint = f" ({' | '.join(values)})"
        setattr(spec, name, typer.prompt(f"{name}{hint}"))


@claim_app.command("add")
def claim_add(
    report_dir: ReportDir,
    claimant: Annotated[str | None, _opt("--claimant", "Who makes the claim: an agent's name or IRI.")] = None,
    quote: Annotated[
        str | None,
        typer.Option("--quote", metavar="TEXT", help="The exact words of the text that express it (once in the text).", show_default="asked on a terminal, else required"),
    ] = None,
    proposition: Annotated[str | None, _opt("--proposition", "What is claimed: a proposition's label or IRI (`pactgraph find`).")] = None,
    certainty: Annotated[str | None, _opt("--certainty", "certain, probable, possible or underspecified.")] = None,
    polarity: Annotated[str, typer.Option("--polarity", metavar="NAME", help="positive or negative.")] = "positive",
    time: Annotated[str | None, _opt("--time", "future or non-future, seen from the report's date.")] = None,
    reason_for: Annotated[str | None, typer.Option("--reason-for", metavar="CLAIM", help="A claim this one gives a reason for.")] = None,
    conditional_on: Annotated[str | None, typer.Option("--conditional-on", metavar="CLAIM", help="A claim this one depends on.")] = None,
    first_reported_in: Annotated[
        str | None,
        typer.Option("--first-reported-in", metavar="REPORT", help="The earlier report that made the claim first.", show_default="the claimant's report on the relay chain, if one"),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            metavar="NAME",
            help="The claimant's source role: on-record-official, expert, anonymous-official, reporting-outlet or relaying-outlet.",
            show_default="an outlet's and an anonymous source's from its kind, else from the claimant's earlier claims; "
            "required for a person without any, a new one included",
        ),
    ] = None,
    label: Annotated[str | None, typer.Option("--label", metavar="TEXT", help="The claim's English label.", show_default="'<claimant>: <proposition>'")] = None,
    new_claimant: Annotated[
        str | None,
        typer.Option(
            "--new-claimant",
            metavar="KIND",
            help="--claimant names a new person, outlet or anonymous-source, declared with the claim.",
            show_default="the claimant is in the graph",
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", metavar="TEXT", help="The new claimant's English description.")
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", metavar="NAME", help="What the proposition is about (with --predicate and --value): the graph's proposition with this structure, else a new one labelled --proposition."),
    ] = None,
    predicate: Annotated[
        str | None, typer.Option("--predicate", metavar="PROPERTY", help="The proposition's predicate: a property of the ontology (pg:progress, org:memberOf).")
    ] = None,
    value: Annotated[
        str | None,
        typer.Option("--value", metavar="VALUE", help='The proposition\'s object: an entity, a value of a scale (pgv:negotiation-stage-advanced) or "words" in double quotes.'),
    ] = None,
    stated_on: Annotated[
        str | None, typer.Option("--stated-on", metavar="YYYY-MM-DD", help="The day the statement was made, when not the day the report was published.")
    ] = None,
    cites: Annotated[
        str | None, typer.Option("--cites", metavar="AGENT", help="An agent the claim's first report cites as its source (a relayed agency's source).")
    ] = None,
    dry_run: DryRun = False,
    data_dir: DataDirOption = None,
) -> None:
    """Add one claim to a report: resolved against the graph, anchored, numbered, validated, appended.

    Every value may be a label (any language, accents and case folded), a name,
    a prefixed name or an IRI. A name that fits several things lists them (exit 2;
    on a terminal you pick one). Nothing is written unless the report, with the
    claim, conforms with the graph (exit 1 otherwise).
    """
    with _user_errors():
        from pactgraph.data_dirs import data_dir_for_reading
        from pactgraph.contributing.claims import CheckFailed, ClaimInput
        from pactgraph.contributing.sheet import add_claim

        target = data_dir_for_reading(data_dir)
        spec = ClaimInput(
            claimant=claimant,
            quote=quote,
            proposition=proposition,
            certainty=certainty,
            polarity=polarity,
            time=time,
            reason_for=reason_for,
            conditional_on=conditional_on,
            first_reported_in=first_reported_in,
            role=role,
            label=label,
            stated_on=stated_on,
            cites=cites,
        )
        structure = {"subject": subject or "", "predicate": predicate or "", "object": value or ""}
        # A proposition given by its structure needs no --proposition: its label is made from it.
        _ask_missing(spec, report_dir, target, skip=("proposition",) if any(structure.values()) else ())
        notes: list[str] = []
        try:
            claim, block = add_claim(
                report_dir,
                target,
                spec,
                choose=_choose,
                dry_run=dry_run,
                new_claimant=new_claimant,
                description=description,
                structure=structure,
                notes=notes,
            )
        except CheckFailed as err:
            _check_failed(err)
        from pactgraph.rdf.namespaces import shorten

        for note in notes:
            typer.echo(f"pactgraph: note: {note}", err=True)
        if dry_run:
            typer.echo(block, nl=False)
        typer.echo(f"{'would add' if dry_run else 'added'}: {shorten(claim)}")


@claim_app.command("list")
def claim_list(report_dir: ReportDir, data_dir: DataDirOption = None) -> None:
    """The claims of a report: number, claimant, certainty, polarity, proposition and quote."""
    with _user_errors():
        from pactgraph.data_dirs import data_dir_for_reading
        from pactgraph.contributing.claims import list_claims

        rows = list_claims(report_dir, data_dir_for_reading(data_dir))
        for row in rows:
            extra = f" first in {row.first_reported_in}" if row.first_reported_in else ""
            typer.echo(
                f"{row.claim}\t{row.claimant}\t{row.certainty.rsplit('-', 1)[-1]}\t{row.polarity.rsplit('-', 1)[-1]}"
                f"\t{row.proposition}\t{row.quote!r}{extra}"
            )


@claim_app.command("remove")
def claim_remove(
    report_dir: ReportDir,
    claim: Annotated[str, typer.Argument(metavar="CLAIM", help="The claim: its number, prefixed name or IRI.")],
    dry_run: DryRun = False,
    data_dir: DataDirOption = None,
) -> None:
    """Remove a claim that `claim add` or `claims import` wrote: exactly its block, nothing else."""
    with _user_errors():
        from pactgraph.data_dirs import data_dir_for_reading
        from pactgraph.contributing.claims import CheckFailed, remove_claim
        from pactgraph.rdf.namespaces import shorten

        try:
            iri = remove_claim(report_dir, data_dir_for_reading(data_dir), claim, dry_run=dry_run)
        except CheckFailed as err:
            _check_failed(err)
        typer.echo(f"{'would remove' if dry_run else 'removed'}: {shorten(iri)}")


@claims_app.command("import")
def claims_import(
    report_dir: ReportDir,
    sheet: Annotated[str, typer.Argument(metavar="SHEET", help="A CSV sheet (columns: see `claims export`).")],
    dry_run: DryRun = False,
    data_dir: DataDirOption = None,
) -> None:
    """Add every row of a sheet: claims, and new persons, outlets, anonymous sources and propositions.

    The `kind` column says what a row is (claim by default). A row that fails is
    named by line and column; nothing is written unless all rows are good and the
    report conforms with the graph.
    """
    with _user_errors():
        from pactgraph.data_dirs import data_dir_for_reading
        from pactgraph.contributing.claims import CheckFailed
        from pactgraph.contributing.sheet import import_sheet
        from pactgraph.rdf.namespaces import shorten

        try:
            written, notes = import_sheet(report_dir, sheet, data_dir_for_reading(data_dir), dry_run=dry_run)
        except CheckFailed as err:
            _check_failed(err)
        for note in notes:
            typer.echo(f"pactgraph: note: {note}", err=True)
        for iri in written:
            typer.echo(f"{'would add' if dry_run else 'added'}: {shorten(iri)}")


@claims_app.command("export")
def claims_export(report_dir: ReportDir, output: OutputOption = None, data_dir: DataDirOption = None) -> None:
    """The report's claims (and the agents and propositions it declares) as a CSV sheet `claims import` reads."""
    with _user_errors():
        from pactgraph.data_dirs import data_dir_for_reading
        from pactgraph.contributing.sheet import export_sheet
        from pactgraph.cli.output import emit

        emit(export_sheet(report_dir, data_dir_for_reading(data_dir)).encode("utf-8"), _output(output))


entity_app = typer.Typer(help="Declare a new agreement, organisation, person, event or place in a report.", no_args_is_help=True)
app.add_typer(entity_app, name="entity")


@entity_app.command("add")
def entity_add(
    report_dir: ReportDir,
    kind: Annotated[str, typer.Option("--kind", metavar="KIND", help="agreement, organisation, person, event or place.")],
    label: Annotated[str, typer.Option("--label", metavar="TEXT", help="Its English name, in words.")],
    description: Annotated[str, typer.Option("--description", metavar="TEXT", help="An English description.")] = "",
    affiliation: Annotated[str, typer.Option("--affiliation", metavar="NAME", help="A person's organisation, as a claimant is named.")] = "",
    affiliation_role: Annotated[str, typer.Option("--affiliation-role", metavar="NAME", help="The person's role there.")] = "",
    event_type: Annotated[str, typer.Option("--type", metavar="NAME", help="An event's type (negotiation, signing, meeting, ...).")] = "",
    party: Annotated[list[str] | None, typer.Option("--party", metavar="NAME", help="A party to an agreement. Repeatable.")] = None,
    dry_run: DryRun = False,
    data_dir: DataDirOption = None,
) -> None:
    """Declare a new entity in a report, mentioned in and attested by it; validated with the graph before it is written."""
    with _user_errors():
        from pactgraph.data_dirs import data_dir_for_reading
        from pactgraph.contributing.claims import CheckFailed
        from pactgraph.contributing.entities import EntityInput, add_entity
        from pactgraph.rdf.namespaces import shorten

        spec = EntityInput(kind, label, description, "", affiliation, affiliation_role, event_type, list(party or []))
        try:
            iri, notes = add_entity(report_dir, data_dir_for_reading(data_dir), spec, choose=_choose, dry_run=dry_run)
        except CheckFailed as err:
            _check_failed(err)
        for note in notes:
            typer.echo(f"pactgraph: note: {note}", err=True)
        typer.echo(f"{'would add' if dry_run else 'added'}: {shorten(iri)}")


@app.command("find")
def find(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="Words to look for in labels (any language).")],
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="KIND", help="Only proposition, agent, entity or report.", show_default="all four"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="At most N results.")] = 10,
    data_dir: DataDirOption = None,
) -> None:
    """Propositions, agents, entities and reports ranked by how well their labels match TEXT.

    Labels in every language and alternative labels count, accents and case
    folded; propositions also match by the quotes anchored to them. Exit 1 when
    nothing matches.
    """
    with _user_errors():
        from pactgraph.data_dirs import data_dir_for_reading, graph_files
        from pactgraph.contributing.resolve import Index, kind_of, rank
        from pactgraph.rdf.loading import load_store
        from pactgraph.rdf.namespaces import shorten

        kinds = ("proposition", "agent", "entity", "report")
        if kind is not None and kind not in kinds:
            typer.echo(f"pactgraph: error: --kind must be one of {', '.join(kinds)}, not {kind!r}", err=True)
            raise typer.Exit(EXIT_ERROR)
        index = Index.from_store(load_store(graph_files(data_dir_for_reading(data_dir))))
        ranked = rank(index, text, kinds=(kind,) if kind else kinds, with_quotes=True)[: max(limit, 0)]
        if not ranked:
            typer.echo(f"pactgraph: nothing matches {text!r}", err=True)
            raise typer.Exit(EXIT_FAIL)
        for score, res in ranked:
            typer.echo(f"{score:.2f}  {kind_of(res):<11} {shorten(res.iri)}  {res.name}")
