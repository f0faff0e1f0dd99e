"""The `pactgraph` command line: a thin typer layer over the library.

`app` (cli.app) holds the typer app, exit codes and error handling; `options` the
options several commands share; one module per command group; `main` the entry point.
"""
