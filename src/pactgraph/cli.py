"""The `pactgraph` command line: a thin typer layer over the library modules.

Exit status: 0 success (conforms / ASK true), 1 results at or above --fail-on
(or ASK false), 2 usage, parse, load or query errors. Errors are one line on
stderr. Heavy libraries are imported inside the commands that use them, and
`query` and `info` never import rdflib or pyshacl.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, NoReturn, Optional

import typer
import typer.main

from pactgraph.errors import PactgraphError

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
HELP_OPTION_NAMES = ["-h", "--help"]

app = typer.Typer(
    name="pactgraph",
    help=(
        "News reporting on defence alliances as a validated, queryable RDF graph. "
        "Without file arguments, commands work on the shipped graph "
        "(the ontology and data that come with pactgraph)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": HELP_OPTION_NAMES},
)


class ValidateFormat(str, Enum):
    text = "text"
    table = "table"
    json = "json"
    turtle = "turtle"


class FailOn(str, Enum):
    violation = "violation"
    warning = "warning"
    info = "info"


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"
    turtle = "turtle"
    ntriples = "ntriples"


class ExportFormat(str, Enum):
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"
    trig = "trig"
    xml = "xml"


class InfoFormat(str, Enum):
    text = "text"
    json = "json"


def _error(message: str) -> NoReturn:
    typer.echo(f"pactgraph: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def _user_errors(offline: bool = False) -> Iterator[None]:
    """Turn library errors into one stderr line and exit status 2.

    `offline`: no Python code may open a network connection in the block (pactgraph.limits.offline).
    """
    try:
        if offline:
            from pactgraph.limits import offline as no_network

            with no_network():
                yield
        else:
            yield
    except PactgraphError as err:
        _error(str(err))
    except RecursionError:
        _error("the input is nested too deeply for this command; refused (see PACTGRAPH_MAX_DEPTH)")
    except MemoryError:
        _error("out of memory: the input is too large for this command")
    except OSError as err:
        from pactgraph.limits import NetworkRefused

        if not isinstance(err, NetworkRefused):
            raise
        _error("the input tried to make pactgraph open a network connection; refused (pactgraph reads only the files it is given)")


def _paths(values: Optional[list[str]]) -> Optional[list[str]]:
    # typer gives [] for an unused repeatable option; None means "use the default".
    return list(values) if values else None


def _output(value: Optional[str]) -> Optional[str]:
    if value is not None and value.strip() == "":
        from pactgraph.errors import InputError

        raise InputError("empty path given for --output")
    return value


def _version_callback(value: bool) -> None:
    if value:
        from pactgraph import __version__

        typer.echo(f"pactgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """News reporting on defence alliances as a validated, queryable RDF graph."""


OutputOption = Annotated[
    Optional[str],
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE (atomically: nothing is written on failure).",
        show_default="stdout",
    ),
]


StoreOption = Annotated[
    Optional[str],
    typer.Option(
        "--store",
        metavar="DIR",
        help="Use the persistent Oxigraph store in DIR (fill it with `pactgraph load --store DIR`).",
        show_default="the store in pactgraph.toml, else the shipped graph in memory",
    ),
]
EndpointOption = Annotated[
    Optional[str],
    typer.Option(
        "--endpoint",
        metavar="URL",
        help=(
            "Use the SPARQL 1.1 endpoint at URL. Credentials come from the environment: "
            "PACTGRAPH_ENDPOINT_TOKEN, or PACTGRAPH_ENDPOINT_USER and PACTGRAPH_ENDPOINT_PASSWORD."
        ),
        show_default="none",
    ),
]
ShapesOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--shapes",
        "-s",
        metavar="PATH",
        help="SHACL shapes file or directory; repeatable.",
        show_default="the shipped shapes",
    ),
]
OntologyOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--ontology",
        metavar="PATH",
        help="Ontology file or directory, mixed into the data graph; repeatable.",
        show_default="the shipped ontology",
    ),
]
QueriesDirOption = Annotated[
    Optional[str],
    typer.Option(
        "--queries-dir",
        metavar="DIR",
        help="Directory of named NN-name.rq queries.",
        show_default="the shipped queries",
    ),
]
AllowServiceOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--allow-service",
        metavar="URL",
        help=(
            "Let SERVICE clauses query the SPARQL endpoint at URL (exactly this IRI); repeatable. "
            "Any other SERVICE is refused."
        ),
        show_default="none",
    ),
]
ConfigOption = Annotated[
    Optional[str],
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read store settings from FILE (TOML; keys in `pactgraph.stores.config`).",
        show_default="pactgraph.toml in the working directory, if there is one",
    ),
]


def _open_store(data: Optional[list[str]], store: Optional[str], endpoint: Optional[str], config: Optional[str]):
    """The store chosen by --data / --store / --endpoint / --config; its warnings go to stderr."""
    from pactgraph.stores.config import open_store, read_settings

    settings = read_settings(config=config, store=store, endpoint=endpoint, data=_paths(data))
    return open_store(settings)


def _warnings(store: object) -> None:
    for warning in getattr(store, "warnings", ()):
        typer.echo(f"pactgraph: warning: {warning}", err=True)


# ---------------------------------------------------------------- validate


@app.command()
def validate(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="PATH", help="Data files or directories to validate.", show_default="the shipped graph"
        ),
    ] = None,
    shapes: ShapesOption = None,
    ontology: OntologyOption = None,
    fmt: Annotated[
        ValidateFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ValidateFormat.text,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 when a result has this severity or a higher one."),
    ] = FailOn.violation,
    focus: Annotated[
        Optional[list[str]],
        typer.Option(
            "--focus",
            metavar="NODE",
            help="Only results for this focus node (prefixed name or IRI); repeatable.",
            show_default="all",
        ),
    ] = None,
    shape: Annotated[
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
    ] = None,
    output: OutputOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print no report; the exit status tells the outcome.")
    ] = False,
    per_report: Annotated[
        bool,
        typer.Option(
            "--per-report",
            help=(
                "Validate report by report (files in a reports/ folder), each with the reference "
                "triples it needs, caching each report's results by content hash. Same report."
            ),
        ),
    ] = False,
    jobs: Annotated[
        Optional[str],
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Validate report by report in N processes (implies --per-report).",
            show_default="validate.jobs in the config, else the number of cores",
        ),
    ] = None,
    cache: Annotated[
        Optional[str],
        typer.Option(
            "--cache",
            metavar="DIR",
            help="Cache folder for --per-report results.",
            show_default="validate.cache in the config, else ~/.cache/pactgraph",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="With --per-report: neither read nor write cached results.")
    ] = False,
    engine: Annotated[
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
    ] = None,
    config: ConfigOption = None,
    data_dir: Annotated[
        Optional[str],
        typer.Option(
            "--data-dir",
            metavar="DIR",
            help="The data directory whose graph (with the ontology) is validated, or joined by PATH files.",
            show_default="the shipped data",
        ),
    ] = None,
    with_graph: Annotated[
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
    ] = None,
    timeout: Annotated[
        Optional[str],
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            help="Stop a validation that runs longer than SECONDS with an error (exit 2); 0: no limit.",
            show_default="no limit",
        ),
    ] = None,
) -> None:
    """Validate data against SHACL shapes (pySHACL, SHACL-AF on, no inference).

    Without PATH: the shipped graph (or the graph of --data-dir). With PATH: new
    files, checked together with the graph they join (see --with-graph).
    Exit 0 when no result is at or above --fail-on, 1 otherwise, 2 on bad input.
    """
    with _user_errors(offline=True):
        from pactgraph import validation
        from pactgraph.output import emit
        from pactgraph.stores.config import read_settings

        output = _output(output)
        if shapes:
            from pactgraph.input_checks import check_shapes_queries

            check_shapes_queries(shapes)
        settings = read_settings(config=config)
        chosen_engine = engine or settings.engine or "auto"
        from pactgraph import contributing

        joint = contributing.joint_mode(
            paths, with_graph, data_dir, standalone_options=bool(shapes or ontology or per_report or jobs is not None)
        )
        if data_dir is not None and not paths:
            paths = contributing.data_dir_inputs(data_dir)
        def run() -> validation.ValidationReport:
            if joint:
                from pactgraph.contributing.joint_validation import validate_with_graph

                return validate_with_graph(
                    paths,
                    data_dir,
                    shapes=_paths(shapes),
                    ontology=_paths(ontology),
                    focus=focus or None,
                    shape=shape or None,
                    fail_on=fail_on.value,
                    engine=chosen_engine,
                )
            elif per_report or jobs is not None:
                from pactgraph.errors import InputError
                from pactgraph.stores.validating import default_cache_dir, validate_corpus

                if focus or shape:
                    raise InputError("--focus and --shape work on whole-graph validation: leave out --per-report and --jobs")
                try:
                    processes = int(jobs) if jobs is not None else settings.jobs
                except ValueError:
                    raise InputError(f"--jobs must be a whole number, not {jobs!r}") from None
                if processes is not None and processes < 1:
                    raise InputError("--jobs must be at least 1")
                cache_dir = None if no_cache else (cache or settings.cache or default_cache_dir())
                return validate_corpus(
                    _paths(paths),
                    _paths(shapes),
                    ontology=_paths(ontology),
                    fail_on=fail_on.value,
                    jobs=processes,
                    cache_dir=cache_dir,
                    engine=chosen_engine,
                )
            else:
                return validation.validate(
                    _paths(paths),
                    _paths(shapes),
                    ontology=_paths(ontology),
                    focus=focus or None,
                    shape=shape or None,
                    fail_on=fail_on.value,
                    engine=chosen_engine,
                )

        from pactgraph import limits

        seconds = limits.parse_seconds(timeout, "--timeout", 0)
        # The engines cannot be interrupted: past --timeout the process ends (see limits.run_bounded).
        report = run() if seconds is None else limits.run_bounded(run, timeout=seconds, what="validation")
        text = validation.FORMATTERS[fmt.value](report)
        if output is not None:
            emit(text.encode("utf-8"), output)
        elif not quiet:
            emit(text.encode("utf-8"))
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_FAIL)


# ---------------------------------------------------------------- query


def _decoded(raw: bytes, source: str) -> str:
    """Query text from bytes; InputError naming the first byte that is not UTF-8."""
    from pactgraph.errors import InputError

    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{source}: not valid UTF-8 at byte {err.start}; expected a SPARQL query") from None


def _query_text(query: Optional[str], file: Optional[str], queries_dir: Optional[str]) -> tuple[str, str]:
    """(SPARQL text, name used in messages) from the argument, --file or stdin."""
    from pactgraph import named_queries
    from pactgraph.errors import InputError

    if file is not None and query is not None:
        raise InputError("give either a QUERY argument or --file, not both")
    if file is not None:
        if file.strip() == "":
            raise InputError("empty path given for --file")
        from pactgraph.limits import human_size, max_query

        try:
            with open(file, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                raw = handle.read(max_query() + 1) if size <= max_query() else b""
        except FileNotFoundError:
            raise InputError(f"{file}: no such file") from None
        except OSError as err:
            raise InputError(f"{file}: cannot read: {err.strerror or err}") from None
        if size > max_query() or len(raw) > max_query():
            raise InputError(
                f"{file}: the query is {human_size(max(size, len(raw)))}, more than the limit of "
                f"{human_size(max_query())} (PACTGRAPH_MAX_QUERY)"
            )
        return _decoded(raw, file), file
    if query is None:
        names = [q.label for q in named_queries.list_queries(queries_dir)]
        available = f" Named queries: {', '.join(names)}." if names else ""
        raise InputError(
            "no query given: pass a query name or number, '-' for stdin, SPARQL text, or --file." + available
        )
    if query == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:
            return sys.stdin.read(), "<stdin>"
        return _decoded(buffer.read(), "<stdin>"), "<stdin>"
    candidate = Path(query)
    if candidate.suffix.lower() in (".rq", ".sparql") and candidate.is_file():
        return _query_text(None, query, queries_dir)
    if named_queries.looks_like_name(query):
        named = named_queries.find_query(query, queries_dir)
        return named.text, str(named.path)
    return query, "<query>"


@app.command()
def query(
    query: Annotated[
        Optional[str],
        typer.Argument(
            metavar="QUERY",
            help=(
                "A named query (name or number, see `pactgraph queries`), "
                "'-' to read SPARQL from stdin, or SPARQL text."
            ),
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Optional[str],
        typer.Option("--file", metavar="FILE", help="Read the SPARQL query from FILE.", show_default="none"),
    ] = None,
    data: Annotated[
        Optional[list[str]],
        typer.Option(
            "--data",
            "-d",
            metavar="PATH",
            help="Data file or directory to query; repeatable.",
            show_default="the shipped graph",
        ),
    ] = None,
    fmt: Annotated[
        Optional[QueryFormat],
        typer.Option(
            "--format",
            "-f",
            help=(
                "Result format. SELECT/ASK: table, csv, tsv, json, xml (W3C SPARQL results). "
                "CONSTRUCT/DESCRIBE: turtle, ntriples, table, json (JSON-LD), xml (RDF/XML)."
            ),
            show_default="table for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE",
        ),
    ] = None,
    output: OutputOption = None,
    param: Annotated[
        Optional[list[str]],
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help=(
                'Bind a variable: NAME=VALUE, VALUE a Turtle term (pgr:turkey, <IRI>, "text"@en, 42) '
                "or else a plain string; repeatable. Overrides a default the query declares in a "
                "'# param: NAME = VALUE' header line. A SELECT query must project the variable."
            ),
            show_default="none",
        ),
    ] = None,
    queries_dir: QueriesDirOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    config: ConfigOption = None,
    data_dir: Annotated[
        Optional[str],
        typer.Option(
            "--data-dir",
            metavar="DIR",
            help="Query the graph of this data directory (with the ontology).",
            show_default="the shipped data",
        ),
    ] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help=(
                "Query the graph as of a date: the default graph leaves out the graphs of reports "
                "(reports/<slug>/) published after it; world facts stay."
            ),
            show_default="all graphs",
        ),
    ] = None,
    timeout: Annotated[
        Optional[str],
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            help="Stop the query after SECONDS with an error (exit 2); 0: no limit.",
            show_default="30",
        ),
    ] = None,
    limit: Annotated[
        Optional[str],
        typer.Option(
            "--limit",
            metavar="N",
            help="Refuse a result of more than N rows or triples (exit 2); 0: no limit.",
            show_default="100000",
        ),
    ] = None,
    allow_service: AllowServiceOption = None,
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) with Oxigraph.

    The project prefixes (pg:, pgr:, schema:, ...) are predeclared. ASK prints
    true/false and exits 0/1. SPARQL UPDATE is refused (exit 2). With the table
    format the row count goes to stderr. A query that runs longer than --timeout,
    gives more than --limit results or grows the process beyond
    PACTGRAPH_MAX_MEMORY is stopped with an error (exit 2).
    """
    with _user_errors():
        from pactgraph import limits, querying
        from pactgraph.output import emit

        output = _output(output)
        seconds = limits.parse_seconds(timeout, "--timeout", limits.QUERY_TIMEOUT)
        max_results = limits.parse_count(limit, "--limit", limits.QUERY_LIMIT)
        services = _service_urls(allow_service)
        text, source = _query_text(query, file, queries_dir)
        querying.check_query(text, source, services)
        params = querying.parse_params(param or [])
        if data_dir is not None:
            from pactgraph.contributing import data_dir_inputs
            from pactgraph.stores.base import StoreError

            if data or store or endpoint:
                raise StoreError("give only one of --data-dir, --data, --store, --endpoint")
            data = data_dir_inputs(data_dir)
        graphs = None
        if as_of is not None:
            from pactgraph.contributing import asof

            asof.parse_as_of(as_of)
        graph_store = _open_store(data, store, endpoint, config)
        if as_of is not None:
            selection = asof.view(graph_store, as_of)
            graph_store = selection.store
            for warning in selection.warnings:
                typer.echo(f"pactgraph: warning: {warning}", err=True)

        def answer() -> tuple[querying.QueryResult, str, bytes]:
            with limits.query_policy(services, max_results):
                found = graph_store.query(text, params, source=source, default_graph=graphs)
            kind = fmt.value if fmt is not None else querying.default_format(found)
            return found, kind, querying.format_result(found, kind)

        # The engine cannot be interrupted: past --timeout the process ends (see limits.run_bounded).
        result, chosen, answer_bytes = limits.run_bounded(answer, timeout=seconds, what=f"{source}: the query")
        _warnings(graph_store)
        emit(answer_bytes, output)
        if chosen == "table" and result.kind != querying.ASK:
            typer.echo(querying.count_line(result), err=True)
    if result.kind == querying.ASK and not result.boolean:
        raise typer.Exit(EXIT_FAIL)


def _service_urls(values: Optional[list[str]]) -> tuple[str, ...]:
    from urllib.parse import urlsplit

    from pactgraph.errors import InputError

    for value in values or ():
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"--allow-service {value!r}: expected the endpoint's http(s) URL")
    return tuple(values or ())


@app.command("queries")
def list_queries(
    queries_dir: QueriesDirOption = None,
) -> None:
    """List the named queries: number, name, title and the question each answers."""
    with _user_errors():
        from pactgraph import named_queries
        from pactgraph.output import emit
        from pactgraph.querying import render_table

        found = named_queries.list_queries(queries_dir)
        if not found:
            where = queries_dir if queries_dir is not None else "the shipped queries/ directory"
            typer.echo(f"pactgraph: no named queries (NN-name.rq) in {where}", err=True)
            return
        rows = [[f"{q.number:02d}", q.name, q.title, q.question] for q in found]
        emit(render_table(["no", "name", "title", "question"], rows).encode("utf-8"))


# ---------------------------------------------------------------- export


@app.command()
def export(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="PATH", help="RDF files or directories to export.", show_default="the shipped graph"
        ),
    ] = None,
    fmt: Annotated[
        Optional[ExportFormat],
        typer.Option(
            "--format", "-f", help="Output format.", show_default="from the -o extension, else turtle"
        ),
    ] = None,
    output: OutputOption = None,
) -> None:
    """Write the graph in a deterministic serialisation: the same bytes on every run.

    Blank nodes get canonical labels and statements are sorted; turtle is rdflib's
    longturtle, jsonld uses the project prefixes as its @context.
    """
    with _user_errors(offline=True):
        from pactgraph import exporting
        from pactgraph.output import emit

        output = _output(output)
        if fmt is not None:
            chosen = fmt.value
        elif output is not None and str(output) != "-":
            chosen = exporting.format_for_path(output)
        else:
            chosen = "turtle"
        emit(exporting.export(_paths(paths), chosen), output)


# ---------------------------------------------------------------- info


@app.command()
def info(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="PATH", help="RDF files or directories to describe.", show_default="the shipped graph"
        ),
    ] = None,
    fmt: Annotated[InfoFormat, typer.Option("--format", "-f", help="Output format.")] = InfoFormat.text,
    output: OutputOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    config: ConfigOption = None,
) -> None:
    """Summarise the graph: triples, instances per class, reports and sources, ontology version."""
    with _user_errors():
        from pactgraph.info import format_info, graph_info
        from pactgraph.output import emit

        output = _output(output)
        graph_store = _open_store(paths, store, endpoint, config)
        summary = graph_info(graph_store)
        _warnings(graph_store)
        text = summary.to_json() if fmt is InfoFormat.json else format_info(summary)
        emit(text.encode("utf-8"), output)


class _PlainCoercion:
    """Value coercion for the only parameter types pactgraph uses: str, list[str], str Enum, bool.

    typer (0.2x) builds a pydantic TypeAdapter for each parameter it processes,
    which costs about 0.2 s of imports on every start, more than the whole
    `pactgraph query` run. main() gives pactgraph's parameters this equivalent
    instead; any other parameter keeps typer's own coercion.
    """

    def __init__(self, annotation: object):
        self.flag = annotation is bool
        self.enum = annotation if isinstance(annotation, type) and issubclass(annotation, Enum) else None

    @staticmethod
    def supports(annotation: object) -> bool:
        if annotation in (str, bool) or annotation == list[str]:
            return True
        return isinstance(annotation, type) and issubclass(annotation, Enum) and issubclass(annotation, str)

    def _one(self, value: object, param: object, ctx: object) -> object:
        if self.flag and isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
        if self.enum is None or isinstance(value, self.enum):
            return value
        try:
            return self.enum(value)
        except ValueError:
            choices = ", ".join(repr(m.value) for m in self.enum)
            raise typer.BadParameter(f"{value!r} is not one of {choices}.", ctx=ctx, param=param) from None

    def coerce(self, value: object, param: object, ctx: object) -> object:
        many = getattr(param, "multiple", False) or getattr(param, "nargs", 1) == -1
        if value is None:
            return () if many else None
        if many:
            return [self._one(v, param, ctx) for v in value]  # type: ignore[union-attr]
        return self._one(value, param, ctx)


def _install_plain_coercion(command: object) -> None:
    """Give the parameters of `command` and its subcommands _PlainCoercion, help options included.

    Anything unexpected leaves typer's own coercion in place: slower, same result.
    """
    for sub in getattr(command, "commands", {}).values():
        _install_plain_coercion(sub)
    params = list(getattr(command, "params", []))
    try:  # typer creates each command's help option lazily; create it now to reach it
        context = SimpleNamespace(help_option_names=HELP_OPTION_NAMES)
        help_option = command.get_help_option(context)  # type: ignore[attr-defined]
    except Exception:
        help_option = None
    if help_option is not None:
        params.append(help_option)
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
            continue
        if _PlainCoercion.supports(descriptor.annotation):
            param._runtime_param = _PlainCoercion(descriptor.annotation)


class _OneLineLog:
    """A filter for the terminal's log handler: a library's warning becomes one line, its errors
    are left out (the exception that follows is reported), and nothing brings a traceback."""

    def filter(self, record: object) -> bool:
        import logging

        if record.levelno >= logging.ERROR or getattr(record, "pactgraph_shown", False):  # type: ignore[attr-defined]
            return False
        text = record.getMessage()  # type: ignore[attr-defined]
        first = " ".join(text.splitlines()[0].split()) if text.strip() else ""
        record.msg, record.args = f"{record.name}: {first[:300]}", None  # type: ignore[attr-defined]
        record.exc_info = record.exc_text = record.stack_info = None  # type: ignore[attr-defined]
        return True


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    text = str(message)
    first = " ".join(text.splitlines()[0].split()) if text.strip() else ""
    (file or sys.stderr).write(f"pactgraph: warning: {category.__name__}: {first[:300]}\n")


def _one_line_diagnostics() -> None:
    """Warnings and log records of the libraries reach the terminal as one
    `pactgraph: warning:` line each, never with a traceback. rdflib's notes about
    literals it cannot convert are left out: validation reports ill-typed values."""
    import logging
    import warnings

    class StderrHandler(logging.StreamHandler):
        """Writes to whatever sys.stderr is at the time (a test runner may swap it)."""

        @property
        def stream(self):  # noqa: ANN202
            return sys.stderr

        @stream.setter
        def stream(self, value) -> None:  # noqa: ANN001
            pass

    warnings.showwarning = _show_warning
    root = logging.getLogger()
    if not any(getattr(h, "pactgraph_one_line", False) for h in root.handlers):
        handler = StderrHandler()
        handler.pactgraph_one_line = True  # type: ignore[attr-defined]
        handler.setLevel(logging.WARNING)
        handler.addFilter(_OneLineLog())
        handler.setFormatter(logging.Formatter("pactgraph: warning: %(message)s"))
        root.addHandler(handler)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)


def main() -> None:
    """Console-script entry point."""
    _one_line_diagnostics()
    command = typer.main.get_command(app)
    _install_plain_coercion(command)
    try:
        command.main(prog_name="pactgraph")
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); leave quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_FAIL)
    except Exception as err:  # noqa: BLE001 - the last guard: one line, never a traceback
        if os.environ.get("PACTGRAPH_TRACEBACK"):
            raise
        detail = " ".join(str(err).split())[:300]
        sys.stderr.write(
            f"pactgraph: error: unexpected failure ({type(err).__name__}: {detail}); "
            "this is a bug: please report it with the input (PACTGRAPH_TRACEBACK=1 shows where)\n"
        )
        sys.exit(EXIT_ERROR)


# Commands of larger features live in modules of their own; importing them
# registers their commands on `app` (each keeps its heavy imports inside the
# command functions).
from pactgraph import cli_contribute, cli_publish, cli_store  # noqa: E402,F401
from pactgraph import cli_claims  # noqa: E402,F401
