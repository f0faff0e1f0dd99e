"""`pactgraph validate`: data against SHACL shapes, for the whole graph, report by report, or new files
joined with the graph they join."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from pactgraph.cli.app import EXIT_FAIL, EXIT_OK, app
from pactgraph.cli.app import checked_output as _output
from pactgraph.cli.app import optional_paths as _paths
from pactgraph.cli.app import user_errors as _user_errors
from pactgraph.cli.options import ConfigOption, OntologyOption, OutputOption, ShapesOption, graph_paths


class ValidateFormat(str, Enum):
    text = "text"
    table = "table"
    json = "json"
    turtle = "turtle"


class FailOn(str, Enum):
    violation = "violation"
    warning = "warning"
    info = "info"


PathsArg = Annotated[Optional[list[str]], graph_paths("Data files or directories to validate.")]

FmtArg = Annotated[ValidateFormat, typer.Option("--format", "-f", help="Report format.")]

FailOnArg = Annotated[
    FailOn,
    typer.Option("--fail-on", help="Exit 1 when a result has this severity or a higher one."),
]

FocusArg = Annotated[
    Optional[list[str]],
    typer.Option(
        "--focus",
        metavar="NODE",
        help="Only results for this focus node (prefixed name or IRI); repeatable.",
        show_default="all",
    ),
]

ShapeArg = Annotated[
    Optional[list[str]],
    typer.Option(
        "--shape",
        metavar="SHAPE",
        help=(
            "Only results from this shape (with its property shapes) or this SPARQL "
            "constraint (prefixed name or IRI); repeatable."
        ),
        show_default="all",
    ),
]

QuietArg = Annotated[bool, typer.Option("--quiet", "-q", help="Print no report; the exit status tells the outcome.")]

PerReportArg = Annotated[
    bool,
    typer.Option(
        "--per-report",
        help=(
            "Validate in units: each report file (in a reports/ folder) with every triple of the graph it "
            "reaches, results cached by content hash, for the shapes that read only forward of their focus "
            "nodes (the others run once over the whole graph, see --explain). The default "
            "(auto) already does so for a graph with report files and for files joined with the graph."
        ),
    ),
]

JobsArg = Annotated[
    Optional[str],
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        help="Validate in units in N processes (implies --per-report).",
        show_default="validate.jobs in the config, else one process per 40 report files, at most one per core",
    ),
]

CacheArg = Annotated[
    Optional[str],
    typer.Option(
        "--cache",
        metavar="DIR",
        help="Cache folder for --per-report results.",
        show_default="validate.cache in the config, else ~/.cache/pactgraph",
    ),
]

NoCacheArg = Annotated[bool, typer.Option("--no-cache", help="With --per-report: neither read nor write cached results.")]

EngineArg = Annotated[
    Optional[str],
    typer.Option(
        "--engine",
        metavar="NAME",
        help=(
            "SHACL engine: pyshacl (the reference), pyshacl-turbo (same results on every "
            "fixture, faster), or auto (pyshacl-turbo when installed)."
        ),
        show_default="validate.engine in the config, else auto",
    ),
]

DataDirArg = Annotated[
    Optional[str],
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="The data directory whose graph (with the ontology) is validated, or joined by PATH files.",
        show_default="the shipped data",
    ),
]

WithGraphArg = Annotated[
    Optional[bool],
    typer.Option(
        "--with-graph/--standalone",
        help=(
            "Check PATH files together with the graph they join (the ontology and --data-dir, an older "
            "version of the same report left out), reporting only their own problems with FILE:LINE and "
            "what only the combination shows (conflicting types, references to nothing), or on their own."
        ),
        show_default="with the graph, unless --shapes, --ontology, --per-report or --jobs is given",
    ),
]

SchedulerArg = Annotated[
    Optional[str],
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help=(
            "Validate the units on the workers of this Dask scheduler (e.g. tcp://10.0.0.5:8786; needs "
            "pactgraph[cluster]): same results and cache; the other shapes run here, once."
        ),
        show_default="validate.scheduler in the config when units are chosen, else here",
    ),
]

ExplainArg = Annotated[
    bool,
    typer.Option(
        "--explain",
        help=(
            "Print where each shape runs and why, then exit: per unit (it reads only forward of its focus "
            "nodes) or once over the whole graph (anything else, and whenever unsure)."
        ),
    ),
]

TimeoutArg = Annotated[
    Optional[str],
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Stop a validation that runs longer than SECONDS with an error (exit 2); 0: no limit.",
        show_default="no limit",
    ),
]


def _jobs(value: str | None) -> int | None:
    from pactgraph.errors import InputError

    try:
        return None if value is None else int(value)
    except ValueError:
        raise InputError(f"--jobs must be a whole number, not {value!r}") from None


@app.command()
def validate(
    paths: PathsArg = None,
    shapes: ShapesOption = None,
    ontology: OntologyOption = None,
    fmt: FmtArg = ValidateFormat.text,
    fail_on: FailOnArg = FailOn.violation,
    focus: FocusArg = None,
    shape: ShapeArg = None,
    output: OutputOption = None,
    quiet: QuietArg = False,
    per_report: PerReportArg = False,
    jobs: JobsArg = None,
    cache: CacheArg = None,
    no_cache: NoCacheArg = False,
    engine: EngineArg = None,
    config: ConfigOption = None,
    data_dir: DataDirArg = None,
    with_graph: WithGraphArg = None,
    timeout: TimeoutArg = None,
    explain: ExplainArg = False,
    scheduler: SchedulerArg = None,
) -> None:
    """Validate data against SHACL shapes (pyshacl-turbo or pySHACL, SHACL-AF on, no inference).

    Without PATH: the shipped graph (or the graph of --data-dir). With PATH: new
    files, checked together with the graph they join (see --with-graph). Every
    stored text file is checked against the graph's copy of the text.
    Exit 0 when no result is at or above --fail-on, 1 otherwise, 2 on bad input.
    """
    with _user_errors(offline=True):
        from pactgraph.validation import command
        from pactgraph.validation.formats import FORMATTERS
        from pactgraph.validation.report import ValidationReport
        from pactgraph.cli.output import emit

        output = _output(output)
        if explain:
            emit(command.explain(_paths(shapes)).encode("utf-8"), output)
            raise typer.Exit(EXIT_OK)

        def run() -> ValidationReport:
            return command.validate(
                paths or None, _paths(shapes), ontology=_paths(ontology), data_dir=data_dir, with_graph=with_graph,
                focus=focus or (), shape=shape or (), fail_on=fail_on.value,
                executor="units" if (per_report or jobs is not None) else "auto", jobs=_jobs(jobs), cache=cache,
                no_cache=no_cache, engine=engine, config=config, scheduler=scheduler,
            )

        from pactgraph.rdf import limits

        seconds = limits.parse_seconds(timeout, "--timeout", 0)
        # The engines cannot be interrupted: past --timeout the process ends (see limits.run_bounded).
        report = run() if seconds is None else limits.run_bounded(run, timeout=seconds, what="validation")
        text = FORMATTERS[fmt.value](report)
        if output is not None:
            emit(text.encode("utf-8"), output)
        elif not quiet:
            emit(text.encode("utf-8"))
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_FAIL)
