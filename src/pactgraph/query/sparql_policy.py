"""What pactgraph lets a SPARQL text do, the one policy for `query`, the endpoint guard and shapes.

The tokens of pactgraph.query.sparql_tokens are enough to find the keywords that matter:
UPDATE operations, SERVICE and its endpoint, FROM, MINUS/VALUES in SHACL-SPARQL; the
size limits of pactgraph.query.sparql_limits (nesting, VALUES rows, UNION branches, triple
patterns, literals) are checked on the same tokens. All of it runs before any engine
sees the text. Uses no RDF library, so the fast `query` path stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pactgraph.errors import InputError, QueryError
from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.query.sparql_limits import QueryLimits, check_limits
from pactgraph.query.sparql_tokens import Token, tokens

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_PROLOGUE_KEYWORDS = {"PREFIX": 2, "BASE": 1, "VERSION": 1}  # keyword -> tokens that follow


#: The keywords a read-only query starts with (after its prologue).
QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def first_keyword(text: str) -> Token | None:
    """The first token of `text` after its prologue (PREFIX, BASE and VERSION declarations), if any."""
    stream = iter(tokens(text))
    for token in stream:
        upper = token.upper()
        if upper in _PROLOGUE_KEYWORDS:
            for _ in range(_PROLOGUE_KEYWORDS[upper]):
                next(stream, None)
            continue
        return token
    return None


def update_keyword(text: str) -> str | None:
    """The SPARQL UPDATE keyword that `text` starts with (after its prologue), else None."""
    token = first_keyword(text)
    upper = token.upper() if token is not None else None
    return upper if upper in UPDATE_KEYWORDS else None


WORD_BREAK = re.compile(r"[^A-Za-z0-9_:?$\-\u00b7\u00c0-\ufffd]+")
_IRI_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _iri_value(token: str, base: str | None) -> str:
    """The IRI an IRIREF token stands for: escapes decoded, resolved against BASE."""
    value = _IRI_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])
    if base is not None:
        from urllib.parse import urljoin

        value = urljoin(base, value)
    return value


def check_query(
    text: str, source: str = "<query>", allow_service: Iterable[str] = (), *, shacl: bool = False
) -> None:
    """QueryError for a query pactgraph will not run.

    Refused: a text larger than PACTGRAPH_MAX_QUERY, one over a limit of
    pactgraph.query.sparql_limits (QueryLimitError: the engine recurses over the query, and a
    deep or long enough one overflows its stack), and SERVICE, unless its endpoint is one of `allow_service`:
    the engine would otherwise send requests to any address the query names.
    `shacl`: the query comes from a shapes graph, where FROM is refused too (rdflib
    would read the graphs it names; SHACL queries run on the data graph), and so are
    MINUS and VALUES, which SHACL forbids beside the pre-bound $this.
    """
    from pactgraph.rdf import limits

    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_query():
        raise QueryError(
            f"{source}: the query is {limits.human_size(size)}, more than the limit of "
            f"{limits.human_size(limits.max_query())} ({limits.ENV_MAX_QUERY})"
        )
    allowed = set(allow_service)
    prefixes = dict(PREFIXES)
    base: str | None = None
    words = _words(check_limits(text, source, QueryLimits.from_environment()))
    for i, word in enumerate(words):
        upper = word.upper()
        if upper == "BASE" and i + 1 < len(words) and words[i + 1].startswith("<"):
            base = _iri_value(words[i + 1], base)
        elif upper == "PREFIX" and i + 2 < len(words) and words[i + 1].endswith(":"):
            if words[i + 2].startswith("<"):
                prefixes[words[i + 1][:-1]] = _iri_value(words[i + 2], base)
        elif upper == "FROM" and shacl:
            raise QueryError(f"{source}: FROM is refused in a SHACL-SPARQL query (it runs on the data graph)")
        elif upper in ("MINUS", "VALUES") and shacl:
            raise QueryError(
                f"{source}: {upper} is not allowed in a SHACL-SPARQL query (SHACL 1.0, 5.3.1: "
                "queries with the pre-bound $this may not use MINUS or VALUES); use FILTER NOT EXISTS "
                "or FILTER (?x IN (...)) instead"
            )
        elif upper == "SERVICE":
            _check_service(words[i + 1 : i + 3], prefixes, base, allowed, source, shacl)


def _words(found: Iterable[str]) -> list[str]:
    """The keywords, names, IRIs and strings among the tokens `found`."""
    words: list[str] = []
    for token in found:
        if token[:1] in "<\"'" and len(token) > 1:
            words.append(token)
        else:
            words.extend(w for w in WORD_BREAK.split(token) if w)
    return words


def _check_service(
    following: list[str], prefixes: dict[str, str], base: str | None, allowed: set[str], source: str, shacl: bool
) -> None:
    """QueryError unless the SERVICE before `following` names an allowed endpoint."""
    if following and following[0].upper() == "SILENT":
        following = following[1:]
    target = following[0] if following else ""
    iri = None
    if target.startswith("<") and target.endswith(">"):
        iri = _iri_value(target, base)
    elif ":" in target and target[:1] not in "?$":
        prefix, _, local = target.partition(":")
        if prefix in prefixes:
            iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    if iri is not None and iri in allowed:
        return
    shown = f"<{iri}>" if iri is not None else (target or "(nothing)")
    if shacl:
        raise QueryError(f"{source}: SERVICE {shown} is refused: pactgraph sends no queries to other endpoints")
    allow = f"--allow-service {iri}" if iri is not None else "--allow-service URL with the endpoint's IRI"
    raise QueryError(
        f"{source}: SERVICE {shown} is refused: pactgraph does not send queries to other "
        f"endpoints unless --allow-service names them (e.g. {allow})"
    )


def service_urls(values: Iterable[str] | None) -> tuple[str, ...]:
    """The endpoints `--allow-service` names, each checked to be an http(s) URL."""
    from urllib.parse import urlsplit

    found = tuple(values or ())
    for value in found:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"--allow-service {value!r}: expected the endpoint's http(s) URL")
    return found


# ---------------------------------------------------------------- shapes

_SHACL = "http://www.w3.org/ns/shacl#"
_SHACL_QUERIES = frozenset(_SHACL + name for name in ("select", "ask", "construct", "update"))


#: Characters that cannot occur in an IRI (RFC 3987), so cannot occur in a namespace.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def check_shapes_queries(paths: Sequence[str | Path]) -> None:
    """QueryError when a SHACL-SPARQL query in the shapes files cannot be run as it stands.

    SERVICE or FROM: the SHACL engines would send it to the endpoint, or read the graph,
    it names. MINUS or VALUES: SHACL 1.0 (5.3.1) forbids them where $this is pre-bound,
    and the engines stop the whole validation on them. Also too large or deep queries.
    """
    import pyoxigraph as ox

    from pactgraph.rdf.loading import parse_file, resolve_inputs
    from pactgraph.rdf.namespaces import shorten

    for path in resolve_inputs(paths):
        quads = list(parse_file(path))
        holders = {q.object: q.subject for q in quads if isinstance(q.object, ox.BlankNode)}
        for quad in quads:
            if quad.predicate.value == _SHACL + "namespace" and isinstance(quad.object, ox.Literal):
                # The engines paste it into the PREFIX lines of every query that uses it.
                if _NOT_IN_IRI.search(quad.object.value):
                    raise QueryError(
                        f"{path}: sh:namespace {quad.object.value[:80]!r} is not an IRI (it would be pasted "
                        "into the SPARQL queries that declare it); refused"
                    )
            if quad.predicate.value in _SHACL_QUERIES and isinstance(quad.object, ox.Literal):
                node, hops = quad.subject, 0
                while isinstance(node, ox.BlankNode) and node in holders and hops < 8:
                    node, hops = holders[node], hops + 1
                owner = shorten(node.value) if isinstance(node, ox.NamedNode) else "a blank node"
                what = "a" if node != quad.subject else "the"
                source = f"{path}: {what} {shorten(quad.predicate.value)} query of {owner}"
                check_query(quad.object.value, source, shacl=True)
