"""`pactgraph load` and `pactgraph endpoint`: fill a store, and serve one behind the guard."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from pactgraph.cli.app import EXIT_ERROR, app, optional_paths, store_warnings, user_errors, warn
from pactgraph.cli.options import AllowServiceOption, ConfigOption, EndpointOption, QuietOption, StoreOption


@app.command()
def load(
    paths: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="PATH",
            help="RDF files or directories; each file becomes one named graph.",
            show_default="the paths of the last load into --store, else the shipped graph",
        ),
    ] = None,
    store: StoreOption = None,
    endpoint: EndpointOption = None,
    config: ConfigOption = None,
    graph_store: Annotated[
        Optional[str],
        typer.Option(
            "--graph-store",
            metavar="URL",
            help="With --endpoint: push each graph with a Graph Store Protocol PUT to URL.",
            show_default="endpoint.graph_store_url, else SPARQL Update",
        ),
    ] = None,
    update_endpoint: Annotated[
        Optional[str],
        typer.Option(
            "--update-endpoint",
            metavar="URL",
            help="With --endpoint: send DROP GRAPH + INSERT DATA to this SPARQL Update URL.",
            show_default="endpoint.update_url, else the endpoint URL with /query replaced by /update",
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Load RDF files into a store, one named graph per file, each graph replaced whole.

    With --store DIR: the first load fills the store with Oxigraph's bulk loader;
    later loads read only files whose content changed, load new ones and drop
    the graphs of files that are gone. With --endpoint URL: every file is sent
    (Graph Store Protocol PUT or SPARQL Update). Without either: the files are
    parsed into memory and counted, a check of their syntax.
    """
    with user_errors():
        from pactgraph.stores.config import load_into, read_settings

        settings = read_settings(config=config, store=store, endpoint=endpoint)
        summary, target = load_into(
            settings, optional_paths(paths), graph_store=graph_store, update_endpoint=update_endpoint
        )
        store_warnings(target)
        warn(summary.warnings)
        if not quiet:
            typer.echo(summary.line())


@app.command("endpoint")
def endpoint_command(
    store: Annotated[
        Optional[str],
        typer.Option(
            "--store",
            metavar="DIR",
            help="Serve the persistent store in DIR (see `pactgraph load --store`).",
            show_default="a temporary store built from the shipped graph",
        ),
    ] = None,
    bind: Annotated[
        str, typer.Option("--bind", metavar="HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        str, typer.Option("--port", metavar="N", help="Port to listen on; 0 picks a free one.")
    ] = "7878",
    writable: Annotated[
        bool,
        typer.Option(
            "--writable",
            help="Accept SPARQL Update and Graph Store Protocol writes (default: read-only).",
        ),
    ] = False,
    config: ConfigOption = None,
    timeout: Annotated[
        Optional[str],
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            help=(
                "Stop a query that has not answered in SECONDS: HTTP 503, and the Oxigraph process that ran it "
                "is replaced to end its evaluation (other queries carry on); 0: no limit."
            ),
            show_default="30",
        ),
    ] = None,
    max_result_size: Annotated[
        Optional[str],
        typer.Option(
            "--max-result-size",
            metavar="SIZE",
            help="Cut an answer larger than SIZE (bytes; K, M, G suffixes): HTTP 507, or a cut stream; 0: no limit.",
            show_default="256M",
        ),
    ] = None,
    allow_service: AllowServiceOption = None,
    max_connections: Annotated[
        int,
        typer.Option(
            "--max-connections", metavar="N", help="Connections served at once (per worker); more wait.", min=1
        ),
    ] = 64,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            metavar="N",
            help=(
                "Guard processes sharing the port (SO_REUSEPORT), each with its own Oxigraph servers: "
                "the guard on N cores. A read-only store only."
            ),
            min=1,
        ),
    ] = 1,
) -> None:
    """Run a guarded SPARQL endpoint over a store (the Oxigraph server behind pactgraph's guard) and print its URL.

    Queries see the union of all graphs as the default graph. The guard refuses
    SERVICE (unless --allow-service), LOAD and oversized queries before they reach
    the server, stops queries past --timeout and cuts answers past
    --max-result-size. Stops on Ctrl-C or SIGTERM; a temporary store is removed then.
    """
    with user_errors():
        from pactgraph.rdf import limits
        from pactgraph.serving.policy import MAX_RESULT_SIZE, GuardPolicy
        from pactgraph.serving.server import serve
        from pactgraph.query.sparql_policy import service_urls

        seconds = limits.parse_seconds(timeout, "--timeout", limits.QUERY_TIMEOUT)
        size = MAX_RESULT_SIZE if max_result_size is None else limits.parse_size(max_result_size, "--max-result-size")
        policy = GuardPolicy(
            allow_service=service_urls(allow_service),
            timeout=seconds,
            max_result_size=size or None,
            max_connections=max_connections,
        )
        code = serve(
            store=store, bind=bind, port=port, writable=writable, config=config, policy=policy, workers=workers
        )
    raise typer.Exit(code if code in (0, 1) else EXIT_ERROR)
