"""`pactgraph export` and `pactgraph info`: the graph written out deterministically, and summarised."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from pactgraph.cli.app import app, checked_output, optional_paths, store_warnings, user_errors
from pactgraph.cli.options import ConfigOption, EndpointOption, OutputOption, StoreOption, graph_paths


class ExportFormat(str, Enum):
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"
    trig = "trig"
    xml = "xml"


class InfoFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def export(
    paths: Annotated[Optional[list[str]], graph_paths("RDF files or directories to export.")] = None,
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
    with user_errors(offline=True):
        from pactgraph.rdf import exporting
        from pactgraph.cli.output import emit

        output = checked_output(output)
        chosen = exporting.chosen_format(fmt.value if fmt is not None else None, output)
        emit(exporting.export(optional_paths(paths), chosen), output)


@app.command()
def info(
    paths: Annotated[Optional[list[str]], graph_paths("RDF files or directories to describe.")] = None,
    fmt: Annotated[InfoFormat, typer.Option("--format", "-f", help="Output format.")] = InfoFormat.text,
    output: OutputOption = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    config: ConfigOption = None,
) -> None:
    """Summarise the graph: triples, instances per class, reports and sources, ontology version."""
    with user_errors():
        from pactgraph.reading.info import format_info, graph_info
        from pactgraph.cli.output import emit
        from pactgraph.stores.config import open_store, read_settings

        output = checked_output(output)
        graph_store = open_store(read_settings(config=config, store=store, endpoint=endpoint, data=optional_paths(paths)))
        summary = graph_info(graph_store)
        store_warnings(graph_store)
        text = summary.to_json() if fmt is InfoFormat.json else format_info(summary)
        emit(text.encode("utf-8"), output)
