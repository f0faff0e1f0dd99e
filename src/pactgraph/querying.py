"""Run read-only SPARQL over an Oxigraph store and render the results.

This module is on the fast `pactgraph query` path: it uses pyoxigraph only and
must never import rdflib or pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pactgraph.errors import QueryError, UpdateRefusedError
from pactgraph.namespaces import PREFIXES, shorten, turtle_prefix_block
from pactgraph.sparql_policy import UPDATE_KEYWORDS, check_query, update_keyword  # noqa: F401 - re-exported

#: Result kinds.
SELECT, ASK, GRAPH = "select", "ask", "graph"

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
ASK_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "ntriples", "table", "json", "xml")
ALL_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples")

_OX_QUERY_ERROR = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.S)
# SPARQL variable-name characters (a practical subset of VARNAME); compiled on first use.
_VAR_CHARS = r"A-Za-z0-9_\u00b7\u00c0-\ufffd"


@dataclass
class QueryResult:
    """The outcome of one query.

    kind is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE). For SELECT,
    `variables` and `rows` (one tuple of pyoxigraph terms or None per
    solution, in variable order); for ASK, `boolean`; for graph results, `triples`.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    _json: bytes = b""

    def bindings(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of variable name -> term, unbound variables left out."""
        return [{v: t for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]

    def values(self, variable: str) -> list[str]:
        """The display form (prefixed name / plain literal text) of one column, in row order."""
        index = self.variables.index(variable)
        return [display_term(row[index]) for row in self.rows]

    def __len__(self) -> int:
        if self.kind == SELECT:
            return len(self.rows)
        if self.kind == GRAPH:
            return len(self.triples)
        return 1


def readable_expected(message: str) -> str:
    """Oxigraph's "expected one of ..." lists every acceptable token, character ranges
    included; keep the readable ones."""
    expected = re.search(r"expected one of (.*)$", message)
    if not expected:
        return message
    items = [i.strip() for i in re.split(r",\s*(?![^\[]*\])", expected.group(1))]
    readable = [i for i in items if i and not i.startswith("[") and "..=" not in i]
    return message[: expected.start()] + "expected one of " + ", ".join(readable) if readable else message


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

    from pactgraph.limits import current_query_policy

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
        raise _syntax_error(err, source) from None
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


def _json_term(term: Any) -> dict[str, Any]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        found: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            found["xml:lang"] = term.language
        elif term.datatype.value != PREFIXES["xsd"] + "string":
            found["datatype"] = term.datatype.value
        return found
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise QueryError(f"cannot write this term as a SPARQL result: {term!r}")


def results_json(result: QueryResult) -> bytes:
    """The W3C SPARQL 1.1 JSON results of a SELECT result (as the query engine would write them)."""
    import json

    if result._json:
        return result._json
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None} for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    result._json = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return result._json


# ---------------------------------------------------------------- rendering


def display_term(term: Any) -> str:
    """A term for people: prefixed name or <IRI>, _:blank, literal text without tag/datatype."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        text = " ".join(term.value.split()) if "\n" in term.value or "\t" in term.value else term.value
        if _CONTROL.search(text):  # never send terminal control sequences from the data
            text = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        return text
    if isinstance(term, ox.Triple):
        parts = (display_term(term.subject), display_term(term.predicate), display_term(term.object))
        return "<< " + " ".join(parts) + " >>"
    return str(term)


#: Control characters shown escaped (\u001b) in tables.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Columns are padded to at most this width; a longer cell runs over, so one huge
#: literal cannot pad every other row to its size.
TABLE_MAX_WIDTH = 1000


def render_table(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    """Left-aligned columns separated by two spaces, a dashed rule under the header."""
    rows = [list(r) for r in rows]
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], min(len(cell), TABLE_MAX_WIDTH))

    def line(cells: Iterable[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    return "\n".join(out) + "\n"


def default_format(result: QueryResult) -> str:
    """table for SELECT and ASK, turtle for CONSTRUCT/DESCRIBE."""
    return "turtle" if result.kind == GRAPH else "table"


def _used_prefixes(triples: list[Any]) -> dict[str, str]:
    import pyoxigraph as ox

    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and not term.language:
                if term.datatype.value != PREFIXES["xsd"] + "string":
                    iris.add(term.datatype.value)
    used = {}
    for prefix, namespace in PREFIXES.items():
        if any(iri.startswith(namespace) for iri in iris):
            used[prefix] = namespace
    return used


def format_result(result: QueryResult, fmt: str | None = None) -> bytes:
    """Serialise a result: W3C SPARQL results formats via pyoxigraph, RDF via pyoxigraph, or a table.

    Raises QueryError when the format does not fit the result kind.
    """
    import pyoxigraph as ox

    fmt = fmt or default_format(result)
    allowed = {SELECT: SELECT_FORMATS, ASK: ASK_FORMATS, GRAPH: GRAPH_FORMATS}[result.kind]
    if fmt not in allowed:
        kind = {SELECT: "SELECT", ASK: "ASK", GRAPH: "CONSTRUCT/DESCRIBE"}[result.kind]
        raise QueryError(f"format {fmt!r} does not fit {kind} results; use one of: {', '.join(allowed)}")
    results_formats = {
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
    }
    if result.kind == ASK:
        if fmt == "table":
            return b"true\n" if result.boolean else b"false\n"
        data = ox.parse_query_results(
            b'{"head":{},"boolean":%s}' % (b"true" if result.boolean else b"false"),
            ox.QueryResultsFormat.JSON,
        ).serialize(format=results_formats[fmt]) or b""
        return data if data.endswith(b"\n") else data + b"\n"
    if result.kind == SELECT:
        if fmt == "table":
            rows = ([display_term(t) for t in row] for row in result.rows)
            return render_table(result.variables, rows).encode("utf-8")
        solutions = ox.parse_query_results(results_json(result), ox.QueryResultsFormat.JSON)
        data = solutions.serialize(format=results_formats[fmt]) or b""
        return data if data.endswith(b"\n") else data + b"\n"
    # CONSTRUCT / DESCRIBE: sorted for a stable output.
    triples = sorted(result.triples, key=str)
    if fmt == "table":
        rows = ([display_term(t.subject), display_term(t.predicate), display_term(t.object)] for t in triples)
        return render_table(["subject", "predicate", "object"], rows).encode("utf-8")
    rdf_formats = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "json": ox.RdfFormat.JSON_LD,
        "xml": ox.RdfFormat.RDF_XML,
    }
    prefixes = _used_prefixes(triples) if fmt in ("turtle", "xml", "json") else None
    data = ox.serialize(triples, format=rdf_formats[fmt], prefixes=prefixes) or b""
    return data if data.endswith(b"\n") or not data else data + b"\n"


def count_line(result: QueryResult) -> str:
    """`N rows` (or triples) for stderr; empty for ASK."""
    if result.kind == ASK:
        return ""
    noun = "row" if result.kind == SELECT else "triple"
    n = len(result)
    return f"{n} {noun}{'' if n == 1 else 's'}"
