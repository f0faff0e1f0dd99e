"""Every named question orders its rows completely, so every store kind gives the same rows in the same order.

A query's rows are in one order only if no two of them tie on its ORDER BY keys. Checked
two ways: statically, every query ends on an ORDER BY of variables that names every column
it prints (every group key, when it groups); and on data, on the shipped graph and on a grown one (tests/growth.py: later
reports that share propositions, relay each other and let two unnamed sources speak to one
statement), the keys of the rows are projected beside them and no two rows have the same
keys. Then the grown graph is asked in memory, in an on-disk store filled by
`pactgraph load --store` and over HTTP from `pactgraph endpoint`, and the row lists (not
sets) must be equal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import _run_pactgraph, start_endpoint_process, stop_process

from pactgraph import resources
from pactgraph.data_dirs import data_dir_inputs
from pactgraph.query.named_queries import find_query, list_queries
from pactgraph.stores.disk import DiskStore
from pactgraph.stores.endpoint import EndpointStore
from pactgraph.stores.memory import MemoryStore

NAMES = [q.name for q in list_queries()]
_KEY = re.compile(r"(?:(?:ASC|DESC)\(\s*)?\?(\w+)\s*\)?", re.IGNORECASE)
_ALIAS = re.compile(r"\((?:[^()]|\([^()]*\))*?\s+AS\s+\?(\w+)\s*\)", re.IGNORECASE)


def order_keys(text: str) -> list[str]:
    """The variables of the query's final ORDER BY (its last line); AssertionError if it has none."""
    last = text.rstrip().splitlines()[-1]
    assert last.startswith("ORDER BY "), f"the query does not end on ORDER BY: {last!r}"
    tokens = last[len("ORDER BY ") :].split()
    keys = []
    for token in tokens:
        match = _KEY.fullmatch(token)
        assert match, f"ORDER BY key {token!r} is not a variable"
        keys.append(match.group(1))
    return keys


def _projection(text: str) -> tuple[int, int]:
    """Where the outer SELECT's projection starts and ends (the outer SELECT starts a line)."""
    start = re.search(r"^SELECT\s", text, re.MULTILINE)
    assert start, "no SELECT at the start of a line"
    end = text.index(" WHERE {", start.end())
    return start.end(), end


def projected(text: str) -> list[str]:
    start, end = _projection(text)
    clause = text[start:end]
    names = _ALIAS.findall(clause)
    bare = re.findall(r"\?(\w+)", _ALIAS.sub(" ", clause))
    return bare + names


def with_order_keys(text: str) -> str:
    """The query with its ORDER BY keys projected after its own columns, as ?orderKey0, ?orderKey1, ..."""
    _, end = _projection(text)
    extra = " ".join(f"(?{key} AS ?orderKey{n})" for n, key in enumerate(order_keys(text)))
    return text[:end] + " " + extra + text[end:]


def rows(result) -> list[tuple[str | None, ...]]:
    return [tuple(None if t is None else str(t) for t in row) for row in result.rows]


@pytest.mark.parametrize("name", NAMES)
def test_every_query_ends_on_an_order_by_of_variables_naming_every_column(name):
    text = find_query(name).text
    keys = order_keys(text)
    assert len(keys) == len(set(keys)), f"{name}: a key is repeated"
    grouped = re.search(r"^GROUP BY (.*)$", text, re.MULTILINE)
    if grouped:  # one row a group: the group keys tell rows apart, the aggregates follow from them
        missing = [v for v in re.findall(r"\?(\w+)", grouped.group(1)) if v not in keys]
        assert not missing, f"{name}: group keys not ordered on: {missing}"
    else:
        missing = [v for v in projected(text) if v not in keys]
        assert not missing, f"{name}: columns not ordered on, so rows that differ in them may come in any order: {missing}"


def test_the_order_key_checks_can_fail():
    assert projected("SELECT ?a (COUNT(DISTINCT ?b) AS ?n) ?c WHERE { }") == ["a", "c", "n"]
    with pytest.raises(AssertionError):
        order_keys("SELECT ?a WHERE { ?a ?b ?c }\nORDER BY STR(?a)")
    with pytest.raises(AssertionError):
        order_keys("SELECT ?a WHERE { ?a ?b ?c }")
    # Two rows that tie on the key are found.
    text = "SELECT ?x WHERE { VALUES (?x ?y) { (1 2) (1 3) } }\nORDER BY ?x"
    keyed = rows(MemoryStore().query(with_order_keys(text)))
    assert Counter(r[1:] for r in keyed).most_common(1)[0][1] == 2


# ---------------------------------------------------------------- no two rows tie


@pytest.fixture(scope="module")
def memory_stores(grown) -> dict[str, MemoryStore]:
    return {"shipped": MemoryStore.shipped(), "grown": MemoryStore(data_dir_inputs(grown.data))}


@pytest.mark.parametrize("graph", ["shipped", "grown"])
@pytest.mark.parametrize("name", NAMES)
def test_no_two_rows_tie_on_the_order_by_keys(memory_stores, graph, name):
    store = memory_stores[graph]
    text = find_query(name).text
    plain = rows(store.query(text, source=name))
    keyed = rows(store.query(with_order_keys(text), source=name))
    width = len(plain[0]) if plain else 0
    assert [r[:width] for r in keyed] == plain  # the same rows in the same order, keys beside them
    ties = [key for key, n in Counter(r[width:] for r in keyed).items() if n > 1]
    assert not ties, f"{name} on the {graph} graph: rows tie on the ORDER BY keys {ties[:3]}"


# ---------------------------------------------------------------- the same order from every store kind


@pytest.fixture(scope="module")
def grown_stores(grown, tmp_path_factory) -> Iterator[dict[str, object]]:
    """The grown graph in memory, in an on-disk store, and behind `pactgraph endpoint` (its own store)."""
    folder = tmp_path_factory.mktemp("grown-stores")
    paths = [str(resources.ontology_dir()), str(grown.data)]
    for name in ("disk", "served"):
        done = _run_pactgraph("load", "--store", str(folder / name), *paths)
        assert done.returncode == 0, done.stderr
    process, url = start_endpoint_process("--store", str(folder / "served"))
    try:
        assert url.startswith("http://127.0.0.1:"), process.stderr.read() if process.poll() is not None else url
        disk = DiskStore(folder / "disk")
        yield {
            "memory": MemoryStore(data_dir_inputs(grown.data)),
            "disk": disk,
            "endpoint": EndpointStore(url, timeout=60),
        }
        disk.close()
    finally:
        stop_process(process)


@pytest.mark.parametrize("name", NAMES)
def test_every_store_kind_gives_the_same_rows_in_the_same_order_on_a_grown_graph(grown_stores, name):
    text = find_query(name).text
    answers = {kind: rows(store.query(text, source=name)) for kind, store in grown_stores.items()}
    assert answers["memory"], f"{name} has no answer on the grown graph"
    assert answers["disk"] == answers["memory"]
    assert answers["endpoint"] == answers["memory"]


def test_the_grown_graph_has_what_the_order_must_cope_with(memory_stores, grown):
    """Two unnamed sources on one statement, agreeing and disagreeing claims: the cases a partial order misses."""
    store = memory_stores["grown"]
    unnamed = store.query(find_query("unnamed-sources").text).bindings()
    per_statement = Counter(r["statement"].value for r in unnamed)
    assert max(per_statement.values()) >= 2
    assert store.query(find_query("agreeing-claims").text).rows
    kinds = {r["relation"].value for r in store.query(find_query("disagreeing-claims").text).bindings()}
    assert {"contradict", "revision"} <= kinds
    assert Path(grown.data, "reports", grown.reports[-1].slug, "report.ttl").is_file()
