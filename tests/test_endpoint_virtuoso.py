"""Against Virtuoso Open Source: the same loads and answers as the embedded store.

Virtuoso runs on free loopback ports with a throwaway database (the `virtuoso`
fixture of conftest.py). Answers are compared with the embedded store's: SELECT
rows as multisets, graphs by isomorphism, and every output format byte for byte
where the query orders its rows completely.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from pactgraph.rdf.loading import default_graph_paths
from pactgraph.query.named_queries import list_queries
from pactgraph.query.querying import ALL_FORMATS, ASK, GRAPH, SELECT, QueryResult, format_result
from pactgraph.stores.endpoint import EndpointStore
from pactgraph.stores.memory import MemoryStore

LOADER = {"PACTGRAPH_ENDPOINT_USER": "loader", "PACTGRAPH_ENDPOINT_PASSWORD": "s3cret"}
#: Other values for the parameters the named queries declare.
OTHER_PARAMS = {
    "entity-statements": {"entity": "pgr:pakistan"},
    "assessment-over-time": {"proposition": "pgr:proposition-negotiations-advanced"},
}


@pytest.fixture(scope="module")
def loaded(virtuoso) -> Iterator[EndpointStore]:
    """Virtuoso holding the shipped graph, loaded as `loader` over the authenticated Graph Store Protocol."""
    loader = EndpointStore(
        virtuoso.base + "/sparql-auth",
        graph_store_url=virtuoso.base + "/sparql-graph-crud-auth",
        environ=LOADER,
    )
    summary = loader.load(default_graph_paths())
    assert summary.triples == len(MemoryStore.shipped().store)
    loader.close()
    store = EndpointStore(virtuoso.sparql, environ={})
    yield store
    store.close()


@pytest.fixture(scope="module")
def embedded() -> MemoryStore:
    return MemoryStore.shipped()


#: Oxigraph stores a literal of a type derived from xsd:integer as xsd:integer; Virtuoso keeps the type.
_INTEGERS = {
    f"http://www.w3.org/2001/XMLSchema#{name}"
    for name in ("positiveInteger", "nonNegativeInteger", "negativeInteger", "nonPositiveInteger", "long", "int",
                 "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")
}


def _term(t, lexical: bool = False) -> str:
    import pyoxigraph as ox

    if isinstance(t, ox.BlankNode):
        return "_:b"
    if isinstance(t, ox.Literal):
        if lexical:
            return t.value
        if t.datatype.value in _INTEGERS:
            return str(ox.Literal(t.value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    return "" if t is None else str(t)


def _rows(result: QueryResult, lexical: frozenset[str] = frozenset()) -> list[tuple[str, ...]]:
    """Rows in order; blank nodes as one label; in `lexical` columns a literal's text only."""
    return [tuple(_term(t, v in lexical) for v, t in zip(result.variables, row, strict=True)) for row in result.rows]


def _canonical_rows(result: QueryResult, lexical: frozenset[str] = frozenset()) -> Counter:
    return Counter(_rows(result, lexical))


def _group_concat_columns(text: str) -> frozenset[str]:
    """Columns made by GROUP_CONCAT: Oxigraph keeps the values' common language tag (as SPARQL 1.2 does),
    Virtuoso returns a plain string (as SPARQL 1.1 does); both are right, the text is the same."""
    import re

    return frozenset(re.findall(r"GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)", text, re.I | re.S))


def _isomorphic(a: QueryResult, b: QueryResult) -> bool:
    """The same graph up to blank-node labels (RDFC-1.0 canonical forms compared)."""
    import pyoxigraph as ox

    from pactgraph.rdf.canonical import canonical_triples

    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    forms = []
    for result in (a, b):
        triples = [
            ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value, datatype=integer))
            if isinstance(t.object, ox.Literal) and t.object.datatype.value in _INTEGERS
            else t
            for t in result.triples
        ]
        forms.append(canonical_triples(triples))
    return forms[0] == forms[1]


def assert_same(remote: QueryResult, local: QueryResult, text: str, *, may_be_empty: bool = False) -> None:
    assert remote.kind == local.kind
    if local.kind == SELECT:
        assert remote.variables == local.variables
        lexical = _group_concat_columns(text)
        assert _canonical_rows(remote, lexical) == _canonical_rows(local, lexical)
        assert len(local.rows) > 0 or may_be_empty
        if "ORDER BY" in text.upper() and _rows(remote, lexical) == _rows(local, lexical):
            # What people read is the same; the W3C formats too where the terms are the same.
            exact = [tuple(map(str, r)) for r in remote.rows] == [tuple(map(str, r)) for r in local.rows]
            for fmt in ("table", "csv", "tsv", "json", "xml") if exact else ("table", "csv"):
                assert format_result(remote, fmt) == format_result(local, fmt), fmt
    elif local.kind == ASK:
        assert remote.boolean == local.boolean
    else:
        assert len(local.triples) > 0
        assert _isomorphic(remote, local)


# ---------------------------------------------------------------- named queries


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_named_query_answers_as_the_embedded_store(loaded, embedded, name):
    query = next(q for q in list_queries() if q.name == name)
    # agreeing-claims needs two reports that repeat each other: none on the shipped graph alone.
    assert_same(
        loaded.query(query.text, source=name),
        embedded.query(query.text, source=name),
        query.text,
        may_be_empty=name == "agreeing-claims",
    )


@pytest.mark.parametrize("name", sorted(OTHER_PARAMS))
def test_named_queries_with_params(loaded, embedded, name):
    query = next(q for q in list_queries() if q.name == name)
    params = OTHER_PARAMS[name]
    local = embedded.query(query.text, params)
    assert_same(loaded.query(query.text, params), local, query.text)
    assert _canonical_rows(local) != _canonical_rows(embedded.query(query.text))


def test_assessment_over_time_is_not_the_whole_graph(loaded, embedded, cli, virtuoso):
    """Virtuoso ignores a trailing VALUES when the pattern has a BIND: 37 rows instead of 2 on the shipped graph."""
    local = cli("query", "assessment-over-time", "-f", "csv")
    remote = cli("query", "assessment-over-time", "--endpoint", virtuoso.sparql, "-f", "csv")
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert remote.output == local.output
    rows = [line for line in local.output.splitlines()[1:] if line]
    assert rows and all(line.endswith("proposition-turkey-joins-alliance") for line in rows)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_output_format_over_the_cli(loaded, cli, virtuoso, fmt):
    # contributions: no GROUP_CONCAT, whose language tag Virtuoso drops (see the README).
    for query in ("contributions", "CONSTRUCT { pgr:turkey rdfs:label ?l } WHERE { pgr:turkey rdfs:label ?l }"):
        local = cli("query", query, "-f", fmt)
        remote = cli("query", query, "--endpoint", virtuoso.sparql, "-f", fmt)
        assert remote.exit_code == local.exit_code, remote.output
        assert remote.stdout == local.stdout


# ---------------------------------------------------------------- --as-of


@pytest.mark.parametrize("date", ["2026-01-11", "2026-01-12"])
def test_as_of(loaded, cli, virtuoso, date):
    """Virtuoso answers `GRAPH ?g { }` with no rows; an empty list must not mean "every graph"."""
    local = cli("query", "reports", "--as-of", date, "-f", "csv")
    remote = cli("query", "reports", "--as-of", date, "--endpoint", virtuoso.sparql, "-f", "csv")
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    if date == "2026-01-11":
        assert "2026-01-12" not in remote.stdout


# ---------------------------------------------------------------- ASK, CONSTRUCT, DESCRIBE


def test_ask(loaded, cli, virtuoso):
    assert cli("query", "ASK { pgr:turkey a pg:SovereignState }", "--endpoint", virtuoso.sparql).exit_code == 0
    assert cli("query", "ASK { pgr:turkey a pg:Alliance }", "--endpoint", virtuoso.sparql).exit_code == 1


@pytest.mark.parametrize(
    "text",
    [
        "CONSTRUCT { ?s pg:membershipStatus ?o } WHERE { ?s pg:membershipStatus ?o }",
        "CONSTRUCT WHERE { ?s rdfs:label ?l }",
        "CONSTRUCT { ?c pg:hasAnchor ?a . ?a ?p ?o } WHERE { ?c pg:hasAnchor ?a . ?a ?p ?o }",
        "DESCRIBE pgr:turkey",
        "DESCRIBE ?c WHERE { ?c pg:proposition pgr:proposition-turkey-joins-alliance }",
        "DESCRIBE ?r pgr:pakistan WHERE { ?r a pg:Report }",
    ],
)
def test_construct_and_describe(loaded, embedded, text):
    local = embedded.query(text)
    assert local.kind == GRAPH
    assert_same(loaded.query(text), local, text)


def test_construct_of_iris_prints_triples_not_a_table(loaded, cli, virtuoso):
    text = "CONSTRUCT { ?s pg:membershipStatus ?o } WHERE { ?s pg:membershipStatus ?o }"
    remote = cli("query", text, "--endpoint", virtuoso.sparql)
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == cli("query", text).stdout
    assert "pg:membershipStatus" in remote.stdout and "subject" not in remote.stdout


# ---------------------------------------------------------------- loads


def _graph_of(store: EndpointStore, graph: str) -> QueryResult:
    return store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def test_anonymous_load_needs_grants(virtuoso, cli, graph_file):
    from pactgraph.stores.base import graph_name

    before = cli("load", str(graph_file), "--endpoint", virtuoso.sparql)
    assert before.exit_code == 2 and "HTTP 500" in before.output and "permission" in before.output, before.output
    assert "nothing on" in before.output
    try:
        virtuoso.isql('GRANT SPARQL_UPDATE TO "SPARQL"', "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7)")
        # SPARQL Update, blank nodes included (Virtuoso refuses them in INSERT DATA).
        loaded = cli("load", str(graph_file), "--endpoint", virtuoso.sparql)
        assert loaded.exit_code == 0, loaded.output
        graph = graph_name(graph_file)
        store = EndpointStore(virtuoso.sparql, environ={})
        assert _isomorphic(_graph_of(store, graph), MemoryStore.wrap(_file_store(graph_file)).query(
            "CONSTRUCT WHERE { ?s ?p ?o }"))
        # The Graph Store Protocol, anonymous.
        again = cli("load", str(graph_file), "--endpoint", virtuoso.sparql,
                    "--graph-store", virtuoso.base + "/sparql-graph-crud")
        assert again.exit_code == 0, again.output
        assert len(_graph_of(store, graph)) == len(_file_store(graph_file))
    finally:
        virtuoso.isql('REVOKE SPARQL_UPDATE FROM "SPARQL"', "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1)")


def _file_store(path):
    from pactgraph.rdf.loading import load_store

    return load_store([str(path)])


@pytest.mark.parametrize("method", ["update", "graph-store"])
def test_authenticated_load_with_digest(virtuoso, cli, tmp_path, graph_text, monkeypatch, method):
    from pactgraph.stores.base import graph_name

    path = tmp_path / f"{method}.ttl"
    path.write_text(graph_text, encoding="utf-8")
    args = ["load", str(path), "--endpoint", virtuoso.base + "/sparql-auth"]
    if method == "graph-store":
        args += ["--graph-store", virtuoso.base + "/sparql-graph-crud-auth"]
    refused = cli(*args)
    assert refused.exit_code == 2 and "HTTP 401" in refused.output and "PACTGRAPH_ENDPOINT_USER" in refused.output
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_USER", "loader")
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_PASSWORD", "wrong")
    wrong = cli(*args)
    assert wrong.exit_code == 2 and "HTTP 401" in wrong.output and "check the credentials" in wrong.output
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_PASSWORD", "s3cret")
    done = cli(*args)
    assert done.exit_code == 0, done.output
    assert method in done.output
    path.write_text(graph_text.replace('"A report on the alliance"@en', '"A new name"@en'), encoding="utf-8")
    assert cli(*args).exit_code == 0
    store = EndpointStore(virtuoso.sparql, environ={})
    names = store.query(f"SELECT ?n WHERE {{ GRAPH <{graph_name(path)}> {{ pgr:report-1 schema:name ?n }} }}")
    assert [row[0].value for row in names.rows] == ["A new name"]
    assert _isomorphic(_graph_of(store, graph_name(path)), MemoryStore.wrap(_file_store(path)).query(
        "CONSTRUCT WHERE { ?s ?p ?o }"))
    assert not any(g.startswith("urn:pactgraph:staging:") for g in _all_graphs(store))


def _all_graphs(store: EndpointStore) -> list[str]:
    result = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return [row[0].value for row in result.rows]
