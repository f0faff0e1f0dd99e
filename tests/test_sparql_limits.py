"""Queries shaped to crash the engine are refused before any engine sees them, by `query` and by the endpoint.

Oxigraph 0.5 recurses over a query: 50,000 nested blank nodes abort the server
behind `pactgraph endpoint` and crash `pactgraph query` in-process (SIGSEGV).
Every limit is refused with its name and value; queries just under the limits,
and the shipped named questions, still run.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pactgraph.serving.server import Endpoint, start_endpoint
from pactgraph.query.sparql_limits import QueryLimitError, check_limits
from pactgraph.query.sparql_policy import check_query
from pactgraph.query.sparql_tokens import tokens
from pactgraph.stores.disk import DiskStore

ROOT = Path(__file__).resolve().parents[1]
TURKEY = "<https://w3id.org/pactgraph/id/turkey>"
SIMPLE = f"ASK {{ {TURKEY} ?p ?o }}"


def nesting_bomb(depth: int = 50_000) -> str:
    """`SELECT * WHERE { ?s ?p [?q [?q … ?o]] }`, `depth` blank nodes deep (about 250 KB at 50,000)."""
    return "SELECT * WHERE { ?s ?p " + "[?q " * depth + "?o" + "]" * depth + " }"


#: 133 sibling blank nodes: flat, two levels deep.
FLAT_SIBLINGS = "SELECT * WHERE { ?s ?p " + ", ".join(["[ ?q ?o ]"] * 133) + " }"
#: The same shape, 20 siblings and a predicate no triple has: the engine plans it in well under a second
#: (its planner's time grows steeply with the siblings: 133 take minutes to plan, refused or not).
FLAT_SIBLINGS_EMPTY = "SELECT * WHERE { ?s <https://example.org/none> " + ", ".join(["[ ?q ?o ]"] * 20) + " }"

#: (query, words of the one-line refusal)
OVER_THE_LIMITS = {
    "bracket nesting": (nesting_bomb(), "nested more than 128 levels deep; refused (PACTGRAPH_MAX_DEPTH)"),
    "parentheses": ("SELECT * WHERE { FILTER (" + "(" * 200 + "true" + ")" * 200 + ") }", "PACTGRAPH_MAX_DEPTH"),
    "property path": (
        "SELECT * WHERE { ?s " + "/".join(["<http://example.org/p>"] * 10_000) + " ?o }",
        "nested more than 128 levels deep; refused (PACTGRAPH_MAX_DEPTH)",
    ),
    "operator chain": ("SELECT * WHERE { FILTER (" + " + ".join(["1"] * 10_000) + " > 0) }", "PACTGRAPH_MAX_DEPTH"),
    "and chain": ("SELECT * WHERE { FILTER (" + " && ".join(["true"] * 5_000) + ") }", "PACTGRAPH_MAX_DEPTH"),
    "values rows": (
        "SELECT * WHERE { VALUES ?x { " + " ".join(str(i) for i in range(10_001)) + " } }",
        "a VALUES block of more than 10,000 rows; refused (PACTGRAPH_MAX_VALUES)",
    ),
    "values tuples": (
        "SELECT * WHERE { VALUES (?x ?y) { " + " ".join(f"({i} -{i})" for i in range(10_001)) + " } }",
        "PACTGRAPH_MAX_VALUES",
    ),
    "union branches": (
        "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
        "more than 256 UNION branches; refused (PACTGRAPH_MAX_UNION)",
    ),
    "triple patterns": (
        "SELECT * WHERE { " + " ".join(f"?s{i} ?p ?o ." for i in range(10_000)) + " }",
        "more than 1,000 triple patterns; refused (PACTGRAPH_MAX_PATTERNS)",
    ),
    "glued triple patterns": (
        "SELECT * WHERE { " + "".join(f"?s{i} ?p ?o." for i in range(10_000)) + " }",
        "PACTGRAPH_MAX_PATTERNS",
    ),
    "collection": ("SELECT * WHERE { ?s ?p (" + " 1" * 10_000 + ") }", "PACTGRAPH_MAX_PATTERNS"),
    "literal": (
        f'SELECT * WHERE {{ ?s ?p "{"x" * 70_000}" }}',
        "a literal of 70,000 characters, more than 65,536; refused (PACTGRAPH_MAX_QUERY_LITERAL)",
    ),
}


# ---------------------------------------------------------------- the tokenizer


def test_one_tokenizer_splits_brackets_and_keeps_offsets():
    text = 'SELECT * WHERE { ?s ?p [?q [?q "a [b"]], <x> . # [ not a bracket\n ?o.?x a :c }'
    found = list(tokens(text))
    assert [t for t in found if t in "[]" and len(t) == 1] == ["[", "[", "]", "]"]
    assert all(text[t.start : t.end] == t for t in found)
    assert '"a [b"' in found and "<x>" in found
    assert [t for t in found if t == "."] == [".", "."]  # `?o.?x`: the dot ends the triple


def test_the_flat_query_with_133_siblings_is_accepted():
    from pactgraph.serving.policy import check_request

    check_query(FLAT_SIBLINGS)
    assert check_request([("query", FLAT_SIBLINGS)], ()) is True  # the guard lets it through


@pytest.mark.parametrize("name", OVER_THE_LIMITS)
def test_each_limit_is_refused_with_its_name_and_value(name):
    query, words = OVER_THE_LIMITS[name]
    with pytest.raises(QueryLimitError) as refused:
        check_query(query, "<q>")
    assert words in str(refused.value) and "\n" not in str(refused.value)


def test_limits_follow_the_environment(monkeypatch):
    query = "SELECT * WHERE { VALUES ?x { 1 2 3 4 } }"
    check_limits(query, "<q>")
    monkeypatch.setenv("PACTGRAPH_MAX_VALUES", "3")
    with pytest.raises(QueryLimitError, match="more than 3 rows; refused \\(PACTGRAPH_MAX_VALUES\\)"):
        check_limits(query, "<q>")


def test_the_guards_remembered_verdict_follows_the_environment(monkeypatch):
    """The guard remembers verdicts per request; a limit changed later still decides the same request."""
    from pactgraph.serving.policy import Refused, verdict

    form = urllib.parse.urlencode({"query": "SELECT * WHERE { VALUES ?x { 1 2 3 4 } }"}).encode()
    arguments = ("/query", "application/x-www-form-urlencoded", form, ())
    assert verdict(*arguments) is True
    monkeypatch.setenv("PACTGRAPH_MAX_VALUES", "3")
    for _ in range(2):  # refused, and refused again from memory
        with pytest.raises(Refused, match="more than 3 rows") as refused:
            verdict(*arguments)
        assert refused.value.status == 400
    monkeypatch.delenv("PACTGRAPH_MAX_VALUES")
    assert verdict(*arguments) is True


def test_data_blocks_are_rows_not_trees():
    """Negative numbers in VALUES and long INSERT DATA blocks are flat lists: no depth, no patterns."""
    check_query("SELECT * WHERE { VALUES (?a ?b) { " + " ".join(f"(-{i} -{i})" for i in range(2000)) + " } }")
    check_query("INSERT DATA { " + " ".join(f"<s{i}> <p> -{i} ." for i in range(3000)) + " }")
    check_query('INSERT DATA { <s> <p> "' + "x" * 70_000 + '" }')  # a long literal in data is data


def test_the_named_questions_and_shapes_pass():
    for path in sorted((ROOT / "queries").glob("*.rq")):
        check_query(path.read_text(encoding="utf-8"), str(path))
    from pactgraph.query.sparql_policy import check_shapes_queries

    check_shapes_queries([ROOT / "shapes"])


# ---------------------------------------------------------------- pactgraph query


@pytest.mark.parametrize("name", ["bracket nesting", "property path", "union branches", "triple patterns"])
def test_query_refuses_them_before_evaluating(pactgraph, tmp_path, name):
    query, words = OVER_THE_LIMITS[name]
    path = tmp_path / "hostile.rq"
    path.write_text(query, encoding="utf-8")
    run = pactgraph("query", "--file", str(path), "--timeout", "0")
    assert run.returncode == 2, run.stderr[-500:]
    assert words in run.stderr and run.stderr.count("\n") == 1, run.stderr


def test_query_runs_the_flat_siblings(pactgraph, tmp_path):
    path = tmp_path / "flat.rq"
    path.write_text(FLAT_SIBLINGS_EMPTY, encoding="utf-8")
    run = pactgraph("query", "--file", str(path), "-f", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["o,q,s"]  # the header; no triple has the property


# ---------------------------------------------------------------- the endpoint


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[Endpoint]:
    store = DiskStore(tmp_path_factory.mktemp("limits") / "db")
    store.sync(None)
    store.close()
    running = start_endpoint(store.database, log=None)
    try:
        yield running
    finally:
        running.stop()


def post(endpoint: Endpoint, query: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        endpoint.query_url, data=query.encode("utf-8"), headers={"Content-Type": "application/sparql-query"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_the_endpoint_refuses_the_nesting_bomb_and_keeps_serving(endpoint):
    status, body = post(endpoint, nesting_bomb())
    assert status == 400
    assert body == b"query: brackets nested more than 128 levels deep; refused (PACTGRAPH_MAX_DEPTH)\n"
    assert post(endpoint, SIMPLE) == (200, b'{"head":{},"boolean":true}')


@pytest.mark.parametrize("name", sorted(set(OVER_THE_LIMITS) - {"bracket nesting"}))
def test_the_endpoint_refuses_every_limit_with_400(endpoint, name):
    query, words = OVER_THE_LIMITS[name]
    if len(query.encode()) > 256 * 1024:
        pytest.skip("over the query size limit: refused with 413 before the limits are counted")
    status, body = post(endpoint, query)
    assert status == 400 and words.encode() in body and body.count(b"\n") == 1


def test_the_endpoint_answers_the_flat_siblings(endpoint):
    status, body = post(endpoint, FLAT_SIBLINGS_EMPTY)
    assert status == 200 and body.startswith(b'{"head":{"vars":[') and body.endswith(b'"bindings":[]}}')


def test_url_parameters_that_are_not_utf8_are_refused(endpoint):
    url = endpoint.query_url + "?query=" + urllib.parse.quote(SIMPLE) + "%FF"
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            status = answer.status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status == 400
