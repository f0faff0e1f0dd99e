"""What the guard lets through to the Oxigraph server: every SPARQL text a request carries, checked.

A request may carry queries and updates in its URL parameters, an HTML form
body or a SPARQL body, on any path; all of them are found here and checked with
pactgraph.query.sparql_policy before anything reaches the server. A refusal is a
`Refused` with its HTTP status: 413 for a text over PACTGRAPH_MAX_QUERY, 400 for
one over a limit of pactgraph.query.sparql_limits (nesting, VALUES rows, UNION
branches, triple patterns, literals) or not UTF-8, 403 for SERVICE to an
endpoint not allowed and LOAD.
"""

from __future__ import annotations

import functools
from os import environ
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from pactgraph.query.sparql_limits import ENV_MAX_PATTERNS, ENV_MAX_QUERY_LITERAL, ENV_MAX_UNION, ENV_MAX_VALUES
from pactgraph.rdf.limits import ENV_MAX_DEPTH, ENV_MAX_QUERY
from pactgraph.serving.http_server import MAX_CONNECTIONS

#: Default cap on the size of one answer (bytes).
MAX_RESULT_SIZE = 256 * 1024 * 1024
_FORM = "application/x-www-form-urlencoded"
_SPARQL_BODIES = {"application/sparql-query": "query", "application/sparql-update": "update"}


@dataclass(frozen=True)
class GuardPolicy:
    """What the guard lets through. None: no limit."""

    allow_service: tuple[str, ...] = ()
    timeout: float | None = 30.0
    max_result_size: int | None = MAX_RESULT_SIZE
    max_connections: int = MAX_CONNECTIONS


class Refused(Exception):
    """A request the guard answers itself."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def sparql_texts(method: str, target: str, content_type: str, body: bytes) -> list[tuple[str, str]]:
    """Every (operation, text) a request carries: `query` or `update`, from URL or body."""
    found: list[tuple[str, str]] = []
    try:
        fields = parse_qs(urlsplit(target).query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "the URL's query string is not UTF-8") from None
    for name, values in fields.items():
        if name in ("query", "update"):
            found += [(name, value) for value in values]
    media = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return found
    if media == _FORM:
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            raise Refused(HTTPStatus.BAD_REQUEST, "the form body is not UTF-8") from None
        for name, values in fields.items():
            if name in ("query", "update"):
                found += [(name, value) for value in values]
    elif media in _SPARQL_BODIES:
        try:
            found.append((_SPARQL_BODIES[media], body.decode("utf-8")))
        except UnicodeDecodeError:
            raise Refused(HTTPStatus.BAD_REQUEST, f"the {media} body is not UTF-8") from None
    return found


def _load_word(text: str) -> bool:
    """True when the update text uses the LOAD operation (outside strings, IRIs and comments)."""
    from pactgraph.query.sparql_policy import WORD_BREAK, tokens

    for token in tokens(text):
        if token[:1] in "<\"'" and len(token) > 1:
            continue
        if any(word.upper() == "LOAD" for word in WORD_BREAK.split(token)):
            return True
    return False


def check_request(texts: Iterable[tuple[str, str]], allow_service: Iterable[str]) -> bool:
    """Refused for a text the guard will not pass on; True when one of them is a query."""
    from pactgraph.rdf import limits
    from pactgraph.query.sparql_policy import QueryError, QueryLimitError, check_query

    allowed = tuple(allow_service)
    is_query = False
    for operation, text in texts:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > limits.max_query():
            raise Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the {operation} is {limits.human_size(size)}, more than the limit of "
                f"{limits.human_size(limits.max_query())} ({limits.ENV_MAX_QUERY})",
            )
        try:
            check_query(text, operation, allowed)
        except QueryLimitError as err:
            raise Refused(HTTPStatus.BAD_REQUEST, str(err)) from None
        except QueryError as err:
            raise Refused(HTTPStatus.FORBIDDEN, str(err)) from None
        if operation == "update" and _load_word(text):
            raise Refused(
                HTTPStatus.FORBIDDEN,
                "update: LOAD is refused: the server does not fetch documents from other addresses; "
                "send the data with the Graph Store Protocol or INSERT DATA (pactgraph load --endpoint)",
            )
        is_query = is_query or operation == "query"
    return is_query


#: Requests whose URL and body are at most this long (bytes) have their verdict remembered.
REMEMBERED = 32 * 1024
#: The settings a verdict depends on besides the request: the size limit and pactgraph.query.sparql_limits'.
_SETTINGS = (ENV_MAX_QUERY, ENV_MAX_DEPTH, ENV_MAX_VALUES, ENV_MAX_UNION, ENV_MAX_PATTERNS, ENV_MAX_QUERY_LITERAL)


def verdict(target: str, content_type: str, body: bytes, allow_service: tuple[str, ...]) -> bool:
    """Refused for a request carrying a text the guard will not pass on; True when one of them is a query.

    The verdict is a function of the request's target, content type and body, the endpoints
    allowed and the limits as set in the environment, nothing else: clients repeat their
    requests, so it is remembered for the short ones (only the verdict, never an answer).
    """
    if len(target) + len(body) > REMEMBERED:
        return check_request(sparql_texts("", target, content_type, body), allow_service)
    found = _remembered(target, content_type, body, allow_service, tuple(map(environ.get, _SETTINGS)))
    if isinstance(found, Refused):
        raise Refused(found.status, found.message)
    return found


@functools.lru_cache(maxsize=1024)
def _remembered(
    target: str, content_type: str, body: bytes, allow_service: tuple[str, ...], settings: tuple[str | None, ...]
) -> bool | Refused:
    """verdict, for the requests most recently seen; `settings` (read by check_request) is part of the key."""
    try:
        return check_request(sparql_texts("", target, content_type, body), allow_service)
    except Refused as refusal:
        return refusal
