"""`pactgraph query` and `pactgraph queries`: read-only SPARQL over the graph, and the named queries.

Never imports rdflib or pyshacl: the work is in pactgraph.reading.query_session (pyoxigraph only).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from pactgraph.cli.app import EXIT_FAIL, app, checked_output, store_warnings, user_errors, warn
from pactgraph.cli.options import (
    AllowServiceOption,
    ConfigOption,
    EndpointOption,
    OutputOption,
    QueriesDirOption,
    StoreOption,
)


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"
    turtle = "turtle"
    ntriples = "ntriples"


QueryArgument = Annotated[
    Optional[str],
    typer.Argument(
        metavar="QUERY",
        help=(
            "A named query (name or number, see `pactgraph queries`), "
            "'-' to read SPARQL from stdin, or SPARQL text."
        ),
        show_default=False,
    ),
]

FileOption = Annotated[
    Optional[str],
    typer.Option("--file", metavar="FILE", help="Read the SPARQL query from FILE.", show_default="none"),
]

DataOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--data",
        "-d",
        metavar="PATH",
        help="Data file or directory to query; repeatable.",
        show_default="the shipped graph",
    ),
]

FormatOption = Annotated[
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
]

ParamOption = Annotated[
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
]

QueryDataDirOption = Annotated[
    Optional[str],
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="Query the graph of this data directory (with the ontology).",
        show_default="the shipped data",
    ),
]

AsOfOption = Annotated[
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
]

TimeoutOption = Annotated[
    Optional[str],
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Stop the query after SECONDS with an error (exit 2); 0: no limit.",
        show_default="30",
    ),
]

LimitOption = Annotated[
    Optional[str],
    typer.Option(
        "--limit",
        metavar="N",
        help="Refuse a result of more than N rows or triples (exit 2); 0: no limit.",
        show_default="100000",
    ),
]


@app.command()
def query(
    query: QueryArgument = None,
    file: FileOption = None,
    data: DataOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    param: ParamOption = None,
    queries_dir: QueriesDirOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    config: ConfigOption = None,
    data_dir: QueryDataDirOption = None,
    as_of: AsOfOption = None,
    timeout: TimeoutOption = None,
    limit: LimitOption = None,
    allow_service: AllowServiceOption = None,
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) with Oxigraph.

    The project prefixes (pg:, pgr:, schema:, ...) are predeclared. ASK prints
    true/false and exits 0/1. SPARQL UPDATE is refused (exit 2). With the table
    format the row count goes to stderr. A query that runs longer than --timeout,
    gives more than --limit results or grows the process beyond
    PACTGRAPH_MAX_MEMORY is stopped with an error (exit 2).
    """
    with user_errors():
        from pactgraph.reading import query_session
        from pactgraph.cli.output import emit
        from pactgraph.query.querying import ASK

        output = checked_output(output)
        request = query_session.prepare(
            query, file, queries_dir, params=param or (), timeout=timeout, limit=limit, allow_service=allow_service
        )
        target = query_session.open_target(
            data=data, data_dir=data_dir, store=store, endpoint=endpoint, config=config, as_of=as_of
        )
        warn(target.warnings)
        answer = query_session.answer(request, target, fmt.value if fmt is not None else None)
        store_warnings(target.store)
        emit(answer.data, output)
        if answer.count is not None:
            typer.echo(answer.count, err=True)
    if answer.result.kind == ASK and not answer.result.boolean:
        raise typer.Exit(EXIT_FAIL)


@app.command("queries")
def list_queries(
    queries_dir: QueriesDirOption = None,
) -> None:
    """List the named queries: number, name, title and the question each answers."""
    with user_errors():
        from pactgraph.query import named_queries
        from pactgraph.cli.output import emit

        table = named_queries.table(queries_dir)
        if table is None:
            where = queries_dir if queries_dir is not None else "the shipped queries/ directory"
            typer.echo(f"pactgraph: no named queries (NN-name.rq) in {where}", err=True)
            return
        emit(table.encode("utf-8"))
