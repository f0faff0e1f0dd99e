"""Query results and how they are written: W3C SPARQL results formats, RDF, or a table for people.

On the fast `pactgraph query` path: pyoxigraph only, imported where used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pactgraph.errors import QueryError
from pactgraph.rdf.namespaces import PREFIXES, shorten

#: Result kinds.
SELECT, ASK, GRAPH = "select", "ask", "graph"

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
ASK_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "ntriples", "table", "json", "xml")
ALL_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples")


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
