"""The `pactgraph` typer app, its exit codes and the one way library errors reach the terminal.

Exit status: 0 success (conforms / ASK true), 1 results at or above --fail-on
(or ASK false, or a failed check), 2 usage, parse, load or query errors. Errors
are one line on stderr. Command modules register themselves on `app`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer

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


def error(message: str) -> NoReturn:
    """`pactgraph: error: MESSAGE` on stderr, exit 2."""
    typer.echo(f"pactgraph: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def fail(message: str, details: str = "") -> NoReturn:
    """`pactgraph: MESSAGE` (and details) on stderr, exit 1: a check that did not pass."""
    typer.echo(f"pactgraph: {message}", err=True)
    if details:
        typer.echo(details, err=True)
    raise typer.Exit(EXIT_FAIL)


def warn(lines: Iterable[str]) -> None:
    """Each line as `pactgraph: warning: LINE` on stderr."""
    for line in lines:
        typer.echo(f"pactgraph: warning: {line}", err=True)


def store_warnings(store: object) -> None:
    """The store's warnings for the user (e.g. a source file changed since it was loaded)."""
    warn(getattr(store, "warnings", ()))


@contextmanager
def user_errors(offline: bool = False, passing: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Turn library errors into one stderr line and exit status 2.

    `offline`: no Python code may open a network connection in the block (pactgraph.process.no_network).
    `passing`: errors the command maps to another outcome itself.
    """
    try:
        if offline:
            from pactgraph.process import no_network

            with no_network():
                yield
        else:
            yield
    except passing:
        raise
    except PactgraphError as err:
        error(str(err))
    except RecursionError:
        error("the input is nested too deeply for this command; refused (see PACTGRAPH_MAX_DEPTH)")
    except MemoryError:
        error("out of memory: the input is too large for this command")
    except OSError as err:
        from pactgraph.process import NetworkRefused

        if not isinstance(err, NetworkRefused):
            raise
        error(
            "the input tried to make pactgraph open a network connection; refused "
            "(pactgraph reads only the files it is given)"
        )


def optional_paths(values: list[str] | None) -> list[str] | None:
    """typer gives [] for an unused repeatable option; None means "use the default"."""
    return list(values) if values else None


def checked_output(value: str | None, option: str = "--output") -> str | None:
    """The path given for an output option; InputError for an empty one."""
    return None if value is None else checked_path(value, option)


def checked_path(value: str, what: str) -> str:
    """A path argument; InputError for an empty one."""
    if value.strip() == "":
        from pactgraph.errors import InputError

        raise InputError(f"empty path given for {what}")
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
