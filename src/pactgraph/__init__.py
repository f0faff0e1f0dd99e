"""pactgraph: news reporting on defence alliances as a validated, queryable RDF graph.

The package root stays import-light on purpose: the command line imports the
heavy RDF libraries only in the commands that need them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["__version__", "validate"]


def _version() -> str:
    # Read from the installed distribution so pyproject.toml stays the one source.
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return "0+unknown"
    try:
        return version("pactgraph")
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> Any:
    # Computed on first access, so `import pactgraph` does not touch package metadata
    # nor import the validation (and rdflib) until `pactgraph.validate` is used.
    if name == "__version__":
        return _version()
    if name == "validate":
        from pactgraph.validation.command import validate

        return validate
    raise AttributeError(f"module 'pactgraph' has no attribute {name!r}")
