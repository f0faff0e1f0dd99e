"""Run read-only SPARQL over an Oxigraph store: parameters, bindings, limits (results: query_results).

This module is on the fast `pactgraph query` path: it uses pyoxigraph only and
must never import rdflib or pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pactgraph.errors import QueryError, UpdateRefusedError
from pactgraph.rdf.namespaces import PREFIXES, turtle_prefix_block
from pactgraph.query.query_results import (
    ASK,
    GRAPH,
    SELECT,
    QueryResult,
)
from pactgraph.query.sparql_policy import QUERY_FORMS, check_query, first_keyword, update_keyword

_OX_QUERY_ERROR = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.S)
# SPARQL variable-name characters (a practical subset of VARNAME); compiled on first use.
_VAR_CHARS = r"A-Za-z0-9_\u00b7\u00c0-\ufffd"


def readable_expected(message: str) -> str:
    """Oxigraph's "expected one of ..." lists every acceptable token, character ranges
    included; keep the readable ones."""
    expected = re.search(r"expected one of (.*)$", message)
    if not expected:
        return message
    items = [i.strip() for i in re.split(r",\s*(?![^\[]*\])", expected.group(1))]
    readable = [i for i in items if i and not i.startswith("[") and "..=" not in i]
    return message[: expected.start()] + "expected one of " + ", ".join(readable) if readable else message


def _form_error(text: str, source: str) -> QueryError | None:
    """The error of a query that does not start (after its prologue) with a query form, at that word:
    Oxigraph reports such a query at a later position, as expecting only its last alternative."""
    first = first_keyword(text)
    if first is not None and first.upper() in QUERY_FORMS:
        return None
    at = first.start if first is not None else len(text)
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    found = "the end of the text" if first is None else repr(first.text if len(first.text) <= 40 else first.text[:40] + "...")
    forms = ", ".join(QUERY_FORMS[:-1]) + " or " + QUERY_FORMS[-1]
    return QueryError(f"{source}:{line}:{column}: SPARQL syntax error: expected {forms}, found {found}")


def _syntax_error(err: SyntaxError, source: str) -> QueryError:
    raw = str(err.msg if getattr(err, "msg", None) else err)
    match = _OX_QUERY_ERROR.match(raw)
    if match:
        line, col, message = match.groups()
    elif getattr(err, "lineno", None):
        line, col, message = str(err.lineno), str(err.offset or 1), raw
    else:
        line = col = None
        message = raw
    message = readable_expected(" ".join(message.split()))
    if len(message) > 240:
        message = message[:240].rstrip() + " ..."
    where = f"{source}:{line}:{col}" if line else source
    return QueryError(f"{where}: SPARQL syntax error: {message}")


# ---------------------------------------------------------------- parameters


def parse_term(value: str) -> Any:
    """A pyoxigraph term from a user-written value.

    Accepts what Turtle accepts as an object: a prefixed name with a project
    prefix (`pgr:turkey`), `<IRI>`, `"text"@en`, `"5"^^xsd:integer`, `42`, `true`.
    A bare absolute IRI (`https://...`) is an IRI. Anything else is taken as a
    plain string literal.
    """
    import pyoxigraph as ox

    text = value.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*://\S+", text):
        return ox.NamedNode(text)
    document = turtle_prefix_block() + f"<urn:pactgraph:s> <urn:pactgraph:p> {text} .\n"
    try:
        quads = list(ox.parse(input=document.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError:
        quads = []
    if len(quads) == 1:
        term = quads[0].object
        if isinstance(term, ox.BlankNode):
            raise QueryError(f"cannot bind a blank node: {value!r}")
        return term
    pname = re.fullmatch(r"([A-Za-z][A-Za-z0-9_.\-]*)?:\S*", text)
    if pname and (pname.group(1) or "") not in PREFIXES:
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise QueryError(
            f"unknown prefix in {text!r}; known prefixes: {known} "
            f"(quote the value, e.g. '\"{text}\"', for a string)"
        )
    return ox.Literal(value)


_PARAM_HEADER = re.compile(r"^#\s*param\s*:\s*[?$]?([^\s=]+)\s*=\s*(.*?)\s*$")


def declared_params(text: str) -> dict[str, str]:
    """Default parameter values a query declares in its leading comments: `# param: entity = pgr:turkey`."""
    declared: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _PARAM_HEADER.match(stripped)
        if match:
            declared.setdefault(match.group(1), match.group(2))
    return declared


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """`["entity=pgr:turkey", ...]` -> {"entity": NamedNode(...)}; QueryError if malformed."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(f"[{_VAR_CHARS}]+", name):
            raise QueryError(f"bad parameter {pair!r}: expected NAME=VALUE, e.g. entity=pgr:turkey")
        params[name] = parse_term(value)
    return params


# ---------------------------------------------------------------- running


def bind_params(text: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Variable name -> pyoxigraph term: the query's declared defaults overridden by `params`.

    String values are parsed like `--param` values. QueryError for a name the query does not use.
    """
    bound = {}
    for name, term in {**declared_params(text), **(params or {})}.items():
        if isinstance(term, str):
            term = parse_term(term)
        if not re.search(rf"[?$]{re.escape(name)}(?![{_VAR_CHARS}])", text):
            raise QueryError(f"parameter {name!r}: the query has no variable ?{name}")
        bound[name] = term
    return bound


_UNION = {"use_default_graph_as_union": True}
_QUERY_PREFIXES = dict(PREFIXES)


def run_query(
    store: Any,
    text: str,
    params: Mapping[str, Any] | None = None,
    *,
    source: str = "<query>",
    default_graph: Any = None,
) -> QueryResult:
    """Run a SELECT/ASK/CONSTRUCT/DESCRIBE query on a pyoxigraph Store.

    The project prefixes are predeclared. `params` maps variable names to
    pyoxigraph terms (or strings, parsed like `--param` values) and is applied
    with Oxigraph's substitutions, on top of the defaults the query declares in
    `# param: NAME = VALUE` header lines. The query's default graph is the union
    of all graphs of the store, or the graphs `default_graph` names (graph IRIs
    or pyoxigraph graph names). Raises UpdateRefusedError for SPARQL UPDATE and
    QueryError for syntax and evaluation errors; `source` names the query in messages.
    """
    import pyoxigraph as ox

    from pactgraph.rdf.limits import current_query_policy

    policy = current_query_policy()
    check_query(text, source, policy.allow_service)
    substitutions = {ox.Variable(name): term for name, term in bind_params(text, params).items()}
    if default_graph is None:
        graphs: dict[str, Any] = _UNION
    else:
        graphs = {
            "default_graph": [ox.NamedNode(g) if isinstance(g, str) else g for g in default_graph]
        }
    try:
        raw = store.query(text, prefixes=_QUERY_PREFIXES, substitutions=substitutions or None, **graphs)
        if isinstance(raw, ox.QueryBoolean):
            return QueryResult(kind=ASK, boolean=bool(raw))
        if isinstance(raw, ox.QueryTriples):
            return QueryResult(kind=GRAPH, triples=bounded(raw, policy.max_results, source, "triples"))
        variables = [v.value for v in raw.variables]
        # Solutions are read as they come; the W3C JSON form is made only if a format needs it.
        rows = [tuple(solution) for solution in bounded(raw, policy.max_results, source, "rows")]
    except SyntaxError as err:
        keyword = update_keyword(text)
        if keyword:
            raise UpdateRefusedError(
                f"{source}: SPARQL UPDATE ({keyword}) is refused: "
                "pactgraph query runs read-only SELECT, ASK, CONSTRUCT and DESCRIBE queries"
            ) from None
        raise _form_error(text, source) or _syntax_error(err, source) from None
    except RuntimeError as err:
        message = str(err)
        if "projection" in message and substitutions:
            message += " (a --param variable must be in the SELECT clause, or use SELECT *)"
        raise QueryError(f"{source}: {message}") from None
    except (OSError, ValueError) as err:
        raise QueryError(f"{source}: query evaluation failed: {err}") from None
    return QueryResult(kind=SELECT, variables=variables, rows=rows)


def bounded(items: Iterable[Any], limit: int | None, source: str, noun: str) -> list[Any]:
    """The items as a list; QueryError when there are more than `limit` (None: no limit)."""
    if limit is None:
        return list(items)
    from itertools import islice

    found = list(islice(items, limit + 1))
    if len(found) > limit:
        raise QueryError(
            f"{source}: more than {limit} result {noun} (--limit {limit}); "
            "narrow the query (e.g. with LIMIT) or give a larger --limit (0: no limit)"
        )
    return found


