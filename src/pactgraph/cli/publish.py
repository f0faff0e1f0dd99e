"""`pactgraph publish` and `pactgraph serve`: the static linked-data site and its preview.

`publish` writes the static linked-data site, `serve` previews it with the same
content negotiation as the generated .htaccess. The work is done in
pactgraph.publishing, imported inside the commands.
"""

from __future__ import annotations

import sys
from typing import Any, Annotated, Optional

import typer

from pactgraph.cli.app import EXIT_FAIL, app, checked_path, user_errors
from pactgraph.cli.app import optional_paths as _paths
from pactgraph.cli.options import OntologyOption, QuietOption, ShapesOption

DEFAULT_BASE = "https://w3id.org/pactgraph/"


@app.command()
def publish(
    outdir: Annotated[
        str, typer.Argument(metavar="OUTDIR", help="Folder to write the site to (replaced as a whole).")
    ],
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Where the site is published: the IRIs it declares and shows live under this URL.",
        ),
    ] = DEFAULT_BASE,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 when OUTDIR differs from what publish would write."
        ),
    ] = False,
    data: Annotated[
        Optional[list[str]],
        typer.Option(
            "--data",
            "-d",
            metavar="PATH",
            help="Data file or folder to publish; repeatable.",
            show_default="the shipped data",
        ),
    ] = None,
    ontology: OntologyOption = None,
    shapes: ShapesOption = None,
    quiet: QuietOption = False,
    no_validate: Annotated[
        bool,
        typer.Option(
            "--no-validate",
            help="Publish even when the graph does not conform to the shapes (by default it is refused, exit 1).",
        ),
    ] = False,
) -> None:
    """Publish the graph as a static linked-data site: dumps, a page per resource,
    ontology and shapes documentation, VoID/DCAT, and content-negotiation rules.

    The site is built beside OUTDIR and renamed into place, so a failed run leaves
    the previous OUTDIR untouched; the same input always gives the same bytes.
    The graph is validated first: one that does not conform is not published.
    Exit 0 on success, 1 when the graph does not conform or --check finds differences, 2 on bad input.
    """
    from pactgraph.errors import NotConformingError

    try:
        with user_errors(offline=True, passing=(NotConformingError,)):
            done = _publish(outdir, base_url, check, data, ontology, shapes, quiet, no_validate)
    except NotConformingError as err:
        typer.echo(f"pactgraph: {err}", err=True)
        raise typer.Exit(EXIT_FAIL) from None
    if done is not None:
        for warning in done.warnings:
            typer.echo(f"pactgraph: warning: {warning}", err=True)
    if done is not None and not quiet:
        size = done.bytes / (1024 * 1024)
        typer.echo(
            f"Published {done.resources} resources in {done.files} files ({size:.1f} MiB) to {outdir} "
            f"in {done.seconds:.1f} s."
        )
        typer.echo(f"Preview it with: pactgraph serve {outdir}")


def _publish(
    outdir: str,
    base_url: str,
    check: bool,
    data: Optional[list[str]],
    ontology: Optional[list[str]],
    shapes: Optional[list[str]],
    quiet: bool,
    no_validate: bool,
) -> Any:
    """`publish` after its options: exit 1 when --check finds differences; else the site written (None after a check)."""
    from pactgraph import publishing

    outdir = checked_path(outdir, "OUTDIR")
    if check:
        difference = publishing.check(outdir, base_url, _paths(data), _paths(ontology), _paths(shapes))
        if difference:
            counts = (
                f"{len(difference.changed)} changed, {len(difference.added)} missing, "
                f"{len(difference.removed)} extra"
            )
            typer.echo(
                f"pactgraph: {outdir} is out of date ({counts}); run `pactgraph publish {outdir}`",
                err=True,
            )
            for line in difference.summary():
                typer.echo(f"  {line}", err=True)
            raise typer.Exit(EXIT_FAIL)
        if not quiet:
            typer.echo(f"{outdir} is up to date.")
        return None
    return publishing.publish(
        outdir, base_url, _paths(data), _paths(ontology), _paths(shapes), validate=not no_validate
    )


@app.command()
def serve(
    outdir: Annotated[str, typer.Argument(metavar="OUTDIR", help="A folder written by `pactgraph publish`.")],
    port: Annotated[
        int, typer.Option("--port", "-p", metavar="N", help="Port to listen on (0: any free port).")
    ] = 8000,
    bind: Annotated[
        str, typer.Option("--bind", metavar="ADDRESS", help="Address to listen on.")
    ] = "127.0.0.1",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not log requests.")] = False,
) -> None:
    """Preview a published site over HTTP, with the content negotiation of its .htaccess:
    a resource IRI answers 303 See Other to its HTML, Turtle, JSON-LD, N-Triples or RDF/XML.

    Stop with Ctrl-C.
    """
    with user_errors():
        from pactgraph.publishing.server import serve as run

        def announce(url: str) -> None:
            typer.echo(f"Serving {outdir} at {url} (Ctrl-C to stop)")
            sys.stdout.flush()

        run(checked_path(outdir, "OUTDIR"), port=port, bind=bind, quiet=quiet, announce=announce)
