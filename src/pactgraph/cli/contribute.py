"""Commands for contributors: `new-report`, `anchor`, `add`, `timeline`.

The work is done in `pactgraph.contributing`; these functions parse options,
print and choose the exit status (0 ok, 1 a failed check, 2 bad input).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Optional

import typer

from pactgraph.cli.app import app, checked_output, fail, user_errors, warn
from pactgraph.cli.options import ConfigOption, DataDirOption, EndpointOption, OutputOption


class TimelineFormat(str, Enum):
    table = "table"
    csv = "csv"
    svg = "svg"
    html = "html"


def _shown(path: object) -> str:
    from pathlib import Path

    try:
        return str(Path(str(path)).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- new-report


@app.command("new-report")
def new_report(
    text_file: Annotated[str, typer.Argument(metavar="TEXT_FILE", help="The article's text (UTF-8), stored verbatim.")],
    publisher: Annotated[
        Optional[str],
        typer.Option(
            "--publisher",
            metavar="OUTLET",
            help="An existing outlet (pgr:reference-news) or, in words, a new outlet defined in the file.",
            show_default="required",
        ),
    ] = None,
    date: Annotated[
        Optional[str], typer.Option("--date", metavar="YYYY-MM-DD", help="The date the report was published.", show_default="required")
    ] = None,
    language: Annotated[
        Optional[str],
        typer.Option("--language", metavar="LANG", help="The language the report was published in (en, zh, ru).", show_default="required"),
    ] = None,
    url: Annotated[
        Optional[str], typer.Option("--url", metavar="URL", help="Where the report was published.", show_default="none")
    ] = None,
    text_language: Annotated[
        Optional[str],
        typer.Option("--text-language", metavar="LANG", help="The language of the stored text (a translation's).", show_default="--language"),
    ] = None,
    label: Annotated[
        Optional[str],
        typer.Option("--label", metavar="TEXT", help="The report's English label.", show_default="'<outlet> report of <date>'"),
    ] = None,
    relays: Annotated[
        Optional[list[str]],
        typer.Option(
            "--relays",
            metavar="REPORT",
            help="An earlier report this one retells: pgr:report-... or 'OUTLET, YYYY-MM-DD[, LANG]' (created when new). Repeatable.",
            show_default="none",
        ),
    ] = None,
    mentions: Annotated[
        Optional[list[str]],
        typer.Option("--mentions", metavar="REPORT", help="A report this one names without retelling it (as --relays). Repeatable.", show_default="none"),
    ] = None,
    new_outlet: Annotated[
        bool, typer.Option("--new-outlet", help="--publisher is a new outlet even though one of the graph is named like it.")
    ] = False,
    slug: Annotated[
        Optional[str],
        typer.Option("--slug", metavar="SLUG", help="The folder name reports/SLUG/.", show_default="<outlet>-<date>"),
    ] = None,
    draft_dir: Annotated[
        Optional[str],
        typer.Option(
            "--draft-dir",
            metavar="DIR",
            help="Create DIR/<slug>/ (a draft to `pactgraph add` later) instead of a folder in the data directory.",
            show_default="the data directory's reports/",
        ),
    ] = None,
    discard: Annotated[
        bool,
        typer.Option("--discard", help="TEXT_FILE is a draft folder new-report made: remove it (its report.ttl and article.txt)."),
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Create a report folder (article.txt, report.ttl) from an article's text.

    report.ttl holds the report node, the stored text with its SHA-256, the
    sentences with their selectors and a commented skeleton for the claims; it
    conforms as written. An existing report is never overwritten (exit 1).
    `new-report --discard DRAFT_DIR` removes a draft instead.
    """
    with user_errors():
        from pactgraph.data_dirs import data_dir_for_reading, data_dir_for_writing
        from pactgraph.contributing.newreport import ReportExistsError, create
        from pactgraph.contributing.newreport import discard as discard_draft
        from pactgraph.errors import InputError

        if discard:
            removed = discard_draft(text_file, data_dir_for_reading(data_dir))
            typer.echo(f"removed: {_shown(removed)}/")
            return
        missing = [name for name, value in (("--publisher", publisher), ("--date", date), ("--language", language)) if value is None]
        if missing:
            raise InputError(f"new-report needs {', '.join(missing)} (or --discard to remove a draft)")
        assert publisher is not None and date is not None and language is not None

        target = data_dir_for_writing(data_dir) if draft_dir is None else data_dir_for_reading(data_dir)
        try:
            made = create(
                text_file,
                data_dir=target,
                publisher=publisher,
                date=date,
                language=language,
                url=url,
                text_language=text_language,
                label=label,
                relays=relays,
                slug=slug,
                draft_dir=draft_dir,
                mentions=mentions,
                new_outlet=new_outlet,
            )
        except ReportExistsError as err:
            fail(f"new-report: {err}")
        _created(made, data_dir)


def _created(made: Any, data_dir: str | None) -> None:
    """What new-report made, and the next steps."""
    from pactgraph.rdf.namespaces import shorten

    folder = _shown(made.folder)
    typer.echo(f"Created {folder}/")
    typer.echo(f"  {made.text_file.name:<12} the stored text")
    typer.echo(
        f"  {made.report_file.name:<12} {shorten(made.report)}, its stored text, {made.sentences} sentences "
        "and a commented claim skeleton"
    )
    for note in made.notes:
        typer.echo(f"  {note}")
    extra = f" --data-dir {data_dir}" if data_dir else ""
    typer.echo(
        f"Next: add the claims (report.ttl lists close existing propositions under {made.sentences_with_nearest} "
        f"of the {made.sentences} sentences; `pactgraph find WORDS` ranks them all):"
    )
    typer.echo(f'  pactgraph claim add {folder} --claimant NAME --quote "the exact words" --proposition NAME ...{extra}')
    typer.echo(f"  or: pactgraph claims import {folder} sheet.csv{extra}")
    typer.echo(f"then: pactgraph validate {folder}/{made.report_file.name}{extra}")
    typer.echo(f"and:  pactgraph add {folder}/{made.report_file.name}{extra}")


# ---------------------------------------------------------------- anchor


@app.command()
def anchor(
    text_file: Annotated[str, typer.Argument(metavar="TEXT_FILE", help="The stored text (e.g. reports/<slug>/article.txt).")],
    quote: Annotated[str, typer.Argument(metavar="QUOTE", help="The exact words, as they stand in the text.")],
    report: Annotated[
        Optional[str],
        typer.Option(
            "--report",
            metavar="FILE",
            help="The report file naming the text's sentences.",
            show_default="report.ttl beside TEXT_FILE, if there is one",
        ),
    ] = None,
) -> None:
    """Print the Web Annotation selectors of a quote, as Turtle ready to paste into a text anchor.

    Offsets count Unicode code points; prefix and suffix are 32 characters. Exit 1
    when the quote is absent (differences in whitespace, quote marks, dashes or
    case are shown, not fixed) or occurs more than once (each place is shown).
    """
    with user_errors():
        from pactgraph.contributing.anchoring import anchor as find

        outcome = find(text_file, quote, report)
        for note in outcome.notes:
            typer.echo(f"pactgraph: note: {note}", err=True)
        if not outcome.ok:
            first, _, rest = outcome.message.partition("\n")
            fail(f"anchor: {first}", rest)
        typer.echo(outcome.turtle, nl=False)


# ---------------------------------------------------------------- add


@app.command()
def add(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="NEW_FILE", help="Report files (report.ttl, with their stored text beside them)."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Validate and say what would change; change nothing.")
    ] = False,
    data_dir: DataDirOption = None,
    store: Annotated[
        Optional[str],
        typer.Option(
            "--store",
            metavar="DIR",
            help="Bring the persistent Oxigraph store in DIR up to date (created from the ontology and the data directory if new).",
            show_default="the store in pactgraph.toml, if any",
        ),
    ] = None,
    endpoint: EndpointOption = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Copy the report files and leave the draft where it is.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Validate report files with the graph and, only if they conform, move them into the data directory.

    Each report goes to reports/<slug>/ (from its pg:storedAt) whole and atomically,
    and its files leave the draft folder (the folder too, once empty; --keep copies);
    the same report again is left unchanged, a changed one replaces the old one.
    A store (--store, --endpoint or pactgraph.toml) is brought up to date. On any
    violation or error nothing changes and the exit status is 1 (violations) or 2.
    """
    with user_errors():
        from pactgraph.validation.formats import format_text
        from pactgraph.data_dirs import data_dir_for_writing
        from pactgraph.contributing.adding import describe, refresh_store
        from pactgraph.contributing.adding import add as add_reports
        from pactgraph.stores.config import read_settings

        target = data_dir_for_writing(data_dir)
        settings = read_settings(config=config, store=store, endpoint=endpoint)
        outcome = add_reports(paths, target, dry_run=dry_run, move=not keep)
        report = outcome.report
        if not outcome.conforms:
            typer.echo(format_text(report), nl=False)
            violations = report.count("Violation")
            fail(
                f"add: refused: the new files do not conform with the graph "
                f"({violations} violation{'' if violations == 1 else 's'}); nothing was changed"
            )
        warnings = report.count("Warning") + report.count("Info")
        if warnings:
            typer.echo(format_text(report), nl=False)
        for unit in outcome.units:
            files = ", ".join(sorted(unit.files))
            typer.echo(f"{describe(unit.status, dry_run)}: {_shown(unit.target(target))}/ ({files})")
        if dry_run:
            typer.echo("Dry run: nothing was changed.")
            return
        for folder in outcome.moved_from:
            typer.echo(f"moved from: {_shown(folder)}/")
        warn(outcome.notes)
        explicit = bool(store or endpoint)
        for line in refresh_store(settings, target, outcome.units, explicit=explicit):
            typer.echo(line)


# ---------------------------------------------------------------- timeline


@app.command()
def timeline(
    fmt: Annotated[
        TimelineFormat, typer.Option("--format", "-f", help="table or csv (text), svg or html (a figure).")
    ] = TimelineFormat.table,
    output: OutputOption = None,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help=(
                "The timeline as of a date: the graphs of reports published later are left out "
                "(see `pactgraph query --as-of`), and so is every item dated after it."
            ),
            show_default="all reports",
        ),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Events and publications in date order: vague dates are intervals (bars in the figure)."""
    with user_errors():
        from pactgraph.publishing.timelines import timeline as build
        from pactgraph.cli.output import emit

        output = checked_output(output)
        text, warnings = build(data_dir, as_of, fmt.value)
        warn(warnings)
        emit(text.encode("utf-8"), output)
