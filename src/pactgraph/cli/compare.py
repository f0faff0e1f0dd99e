"""`pactgraph compare`: how two claims, or every pair of claims of a graph, stand to each other.

The relation is defined once, in `pactgraph.reading.comparing`; this module parses options and prints.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from pactgraph.cli.app import app, checked_output, store_warnings, user_errors, warn
from pactgraph.cli.options import OutputOption
from pactgraph.cli.query import AsOfOption, DataOption, QueryDataDirOption


class CompareFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def compare(
    claims: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[CLAIM CLAIM]",
            help="Two claims (pgr:claim-… or full IRIs). Without them, every related pair of the graph.",
            show_default=False,
        ),
    ] = None,
    include_unrelated: Annotated[
        bool, typer.Option("--all", help="List unrelated pairs too (every pair of claims).")
    ] = False,
    fmt: Annotated[
        Optional[CompareFormat],
        typer.Option("--format", "-f", help="table, csv or json.", show_default="from -o's extension, else table"),
    ] = None,
    output: OutputOption = None,
    data: DataOption = None,
    data_dir: QueryDataDirOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Compare claims: agree, contradict, incompatible values, divergent certainty, revision, compatible or unrelated, each with its reason."""
    with user_errors():
        from pactgraph.reading import comparing, query_session
        from pactgraph.errors import InputError
        from pactgraph.cli.output import emit

        output = checked_output(output)
        if claims and len(claims) != 2:
            raise InputError(f"compare takes two claims or none, not {len(claims)}")
        target = query_session.open_target(data=data, data_dir=data_dir, as_of=as_of)
        warn(target.warnings)
        if claims:
            pairs = [comparing.compare_two(target.store, claims[0], claims[1], target.graphs)]
        else:
            pairs = comparing.compare_all(target.store, include_unrelated=include_unrelated, default_graph=target.graphs)
        store_warnings(target.store)
        chosen = comparing.choose_format(fmt.value if fmt is not None else None, output)
        emit(comparing.render(pairs, chosen).encode("utf-8"), output)
