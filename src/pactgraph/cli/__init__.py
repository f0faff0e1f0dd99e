"""The `pactgraph` command line: a thin typer layer over the library.

`app` (cli.app) holds the typer app, exit codes and error handling; `options` the
options several commands share; one module per command group; `main` the entry point.
"""

from pactgraph.cli.app import app  # after main: the command modules have registered on it
from pactgraph.cli.main import main

__all__ = ["app", "main"]
