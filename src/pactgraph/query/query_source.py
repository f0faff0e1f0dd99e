"""Where the text of a query comes from: a named query, a .rq file, stdin or the argument itself.

On the fast `pactgraph query` path: standard library and pactgraph's light modules only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pactgraph.query import named_queries
from pactgraph.errors import InputError


def decoded(raw: bytes, source: str) -> str:
    """Query text from bytes; InputError naming the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{source}: not valid UTF-8 at byte {err.start}; expected a SPARQL query") from None


def read_query_file(file: str) -> str:
    """The text of a query file, refused when larger than PACTGRAPH_MAX_QUERY (read no further)."""
    from pactgraph.rdf.limits import human_size, max_query

    if file.strip() == "":
        raise InputError("empty path given for --file")
    try:
        with open(file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(max_query() + 1) if size <= max_query() else b""
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except OSError as err:
        raise InputError(f"{file}: cannot read: {err.strerror or err}") from None
    if size > max_query() or len(raw) > max_query():
        raise InputError(
            f"{file}: the query is {human_size(max(size, len(raw)))}, more than the limit of "
            f"{human_size(max_query())} (PACTGRAPH_MAX_QUERY)"
        )
    return decoded(raw, file)


def query_text(query: str | None, file: str | None, queries_dir: str | None) -> tuple[str, str]:
    """(SPARQL text, name used in messages) from the QUERY argument, --file or stdin ('-').

    QUERY is a named query (name or number), a path to a .rq/.sparql file, '-' or SPARQL text.
    """
    if file is not None and query is not None:
        raise InputError("give either a QUERY argument or --file, not both")
    if file is not None:
        return read_query_file(file), file
    if query is None:
        names = [q.label for q in named_queries.list_queries(queries_dir)]
        available = f" Named queries: {', '.join(names)}." if names else ""
        raise InputError(
            "no query given: pass a query name or number, '-' for stdin, SPARQL text, or --file." + available
        )
    if query == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:
            return sys.stdin.read(), "<stdin>"
        return decoded(buffer.read(), "<stdin>"), "<stdin>"
    candidate = Path(query)
    if candidate.suffix.lower() in (".rq", ".sparql") and candidate.is_file():
        return read_query_file(query), query
    if named_queries.looks_like_name(query):
        named = named_queries.find_query(query, queries_dir)
        return named.text, str(named.path)
    return query, "<query>"
