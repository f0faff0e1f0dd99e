"""Exceptions raised by the library; only the command line maps them to exit codes."""

from __future__ import annotations


class PactgraphError(Exception):
    """Base class for errors a user can cause and fix (bad input, bad query)."""


class InputError(PactgraphError):
    """An input file or argument is missing, unreadable, unparsable or of an unknown kind."""


class QueryError(PactgraphError):
    """A SPARQL query cannot be run: syntax error, wrong kind, bad parameter."""


class UpdateRefusedError(QueryError):
    """A SPARQL UPDATE was given where only read-only queries are accepted."""


class UnknownQueryError(QueryError):
    """A query name or number does not match any named query."""

    def __init__(self, key: str, available: list[str]):
        self.key = key
        self.available = available
        names = ", ".join(available) if available else "(none)"
        super().__init__(f"unknown query {key!r}; available queries: {names}")


class NotConformingError(PactgraphError):
    """A command that only works on a conforming graph (publish) was given one that does not conform."""

    def __init__(self, message: str, report: object):
        super().__init__(message)
        self.report = report
