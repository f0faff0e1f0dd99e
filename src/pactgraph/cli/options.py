"""Options shared by several commands, declared once so their help and defaults agree."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

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
DataDirOption = Annotated[
    Optional[str],
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="The data directory (entities.ttl, reports/<slug>/) to work on.",
        show_default="the project's data/ folder",
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")]


def graph_paths(help_text: str) -> Any:
    """The PATH arguments of a command that works on the shipped graph when none are given."""
    return typer.Argument(metavar="PATH", help=help_text, show_default="the shipped graph")
