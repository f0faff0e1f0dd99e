"""The validation contract, checked with shapes drawn from a grammar: units give the one-graph answer.

Hypothesis draws user shapes — core constraints on forward, inverse, sequence,
alternative and `*` paths, qualified value shapes, `sh:targetClass`,
`sh:targetSubjectsOf`, `sh:targetObjectsOf`, SPARQL constraints with negation,
aggregates and multi-line text — and each must give the same results (as a
multiset, blank-node labels left out) on the units executor as on one graph, on
the shipped graph and on a small synthetic corpus (benchmarks/generate.py). A
fixed draw of the same grammar is also held to Apache Jena's SHACL validator.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pactgraph import resources
from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import whole_graph
from pactgraph.validation.report import result_key

T = TypeVar("T")
Pick = Callable[[Sequence[T]], T]

HEADER = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix pg: <https://w3id.org/pactgraph/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix ex: <https://example.org/generated#> .

ex:prefixes
    sh:declare [ sh:prefix "pg" ; sh:namespace "https://w3id.org/pactgraph/ontology#"^^xsd:anyURI ] ,
        [ sh:prefix "oa" ; sh:namespace "http://www.w3.org/ns/oa#"^^xsd:anyURI ] ,
        [ sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#"^^xsd:anyURI ] ,
        [ sh:prefix "rdf" ; sh:namespace "http://www.w3.org/1999/02/22-rdf-syntax-ns#"^^xsd:anyURI ] ,
        [ sh:prefix "org" ; sh:namespace "http://www.w3.org/ns/org#"^^xsd:anyURI ] .
"""

CLASSES = ["pg:Claim", "pg:Proposition", "pg:TextAnchor", "pg:Sentence", "pg:SovereignState", "org:Membership",
           "pg:NewsOutlet"]
PREDICATES = ["pg:proposition", "pg:claimant", "pg:hasAnchor", "pg:inSentence", "pg:statedIn", "pg:about",
              "oa:hasSelector", "rdfs:label", "pg:attestedBy", "pg:mentionedIn", "rdf:type", "pg:reportedFirstIn"]

PATHS = [
    "{p}",
    "[ sh:inversePath {p} ]",
    "( {p} {q} )",
    "( [ sh:inversePath {p} ] {q} )",
    "[ sh:alternativePath ( {p} {q} ) ]",
    "[ sh:zeroOrMorePath {p} ]",
]
CONSTRAINTS = [
    "sh:minCount {k}",
    "sh:maxCount {k}",
    "sh:class {c}",
    "sh:nodeKind sh:IRI",
    "sh:qualifiedValueShape [ sh:class {c} ] ; sh:qualifiedMinCount {k}",
    "sh:qualifiedValueShape [ sh:property [ sh:path [ sh:inversePath {q} ] ; sh:minCount 1 ] ] ; sh:qualifiedMaxCount {k}",
]
TARGETS = ["sh:targetClass {c}", "sh:targetSubjectsOf {p}", "sh:targetObjectsOf {p}"]
QUERIES = [
    "SELECT $this WHERE { FILTER NOT EXISTS { $this {p} ?x } }",
    "SELECT $this WHERE { FILTER NOT EXISTS { ?x {p} $this } }",
    "SELECT $this (COUNT(?x) AS ?n) WHERE { $this {p} ?x } GROUP BY $this HAVING (COUNT(?x) > {k})",
    "SELECT $this (COUNT(?x) AS ?n) WHERE { ?x {p} $this } GROUP BY $this HAVING (COUNT(?x) > {k})",
    "SELECT $this ?value WHERE { $this {p} ?value . FILTER NOT EXISTS { ?value {q} ?y } }",
    "SELECT $this ?value WHERE { $this {p} ?value . ?other {q} ?value . FILTER (?other != $this) }",
]
#: SHACL-SPARQL forms Oxigraph answers for the whole graph (validation.wholegraph), drawn when `sparql` is asked.
SPARQL_TARGETS = [
    'sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:prefixes ; sh:select "SELECT ?this WHERE { ?this {p} ?x }" ]',
    'sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:prefixes ; sh:select """SELECT DISTINCT ?this WHERE {\n'
    '  ?x {p} ?this . FILTER NOT EXISTS { ?this {q} ?y } }""" ]',
]
SPARQL_QUERIES = [
    "SELECT $this ?path ?value WHERE { $this ?path ?value . FILTER (?path = {p}) FILTER NOT EXISTS { ?value {q} ?y } }",
    "SELECT $this ?value WHERE { OPTIONAL { $this {p} ?value } FILTER (!BOUND(?value)) }",
    "SELECT DISTINCT $this ?value WHERE { { $this {p} ?value } UNION { ?value {q} $this } }",
    "SELECT ?value ?other WHERE { $this {p} ?value . OPTIONAL { ?value {q} ?other } BIND ({p} AS ?path) }",
    "SELECT $this WHERE { FILTER NOT EXISTS { ?x {p} $this . ?x {q} ?y } }",
]
SPARQL_MESSAGES = ['"Drawn {?value} at {$this}."', '"Drawn, {?other} {?path}."@en']


def _fill(template: str, pick: Pick) -> str:
    values = {"{p}": pick(PREDICATES), "{q}": pick(PREDICATES), "{c}": pick(CLASSES), "{k}": str(pick([0, 1, 2]))}
    for key, value in values.items():
        template = template.replace(key, value)
    return template


def _query(pick: Pick, sparql: bool = False) -> str:
    query = _fill(pick(QUERIES + SPARQL_QUERIES if sparql else QUERIES), pick)
    if pick([True, False]):
        # Multi-line text, with a comment line, as people write queries.
        query = "\n    # drawn\n    " + query.replace("{ ", "{\n        ").replace(" }", "\n    }") + "\n"
    return query


def draw_shape(name: str, pick: Pick, sparql: bool = False) -> str:
    """One node shape of the grammar, in Turtle; `sparql`: SPARQL targets, more SPARQL constraint forms
    and messages with {?var}, fewer property shapes (the forms validation.sparqlshapes translates)."""
    targets = TARGETS + SPARQL_TARGETS if sparql else TARGETS
    lines = [f"ex:{name} a sh:NodeShape ;", f"    {_fill(pick(targets), pick)} ;"]
    for _ in range(pick([0, 0, 1] if sparql else [0, 1, 2])):
        path = _fill(pick(PATHS), pick)
        lines.append(f"    sh:property [ sh:path {path} ; {_fill(pick(CONSTRAINTS), pick)} ] ;")
    if sparql or pick([True, False]):
        messages = ['"Drawn."', '"""Drawn,\non two lines."""'] + (SPARQL_MESSAGES if sparql else [])
        message = pick(messages)
        lines.append(f'    sh:sparql [ sh:prefixes ex:prefixes ; sh:message {message} ; sh:select """{_query(pick, sparql)}""" ] ;')
    lines[-1] = lines[-1][:-2] + " ."
    return "\n".join(lines) + "\n"


def draw_shapes(pick: Pick, count: int, sparql: bool = False) -> str:
    return HEADER + "\n" + "\n".join(draw_shape(f"Shape{i}", pick, sparql) for i in range(count))


@st.composite
def shapes_text(draw: Callable[[st.SearchStrategy[T]], T], sparql: bool = False) -> str:
    def pick(options: Sequence[T]) -> T:
        return draw(st.sampled_from(list(options)))

    return draw_shapes(pick, draw(st.integers(1, 2)), sparql)


# ---------------------------------------------------------------- the data sets


@pytest.fixture(scope="module")
def data_sets(tmp_path_factory) -> dict[str, list[Path]]:
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "generate.py"), str(out / "c"),
         "--triples", "3k", "--violations", "0"],
        check=True,
        capture_output=True,
    )
    return {"shipped": resources.data_files(), "corpus": sorted((out / "c").rglob("*.ttl"))}


def _multiset(report) -> list[tuple[str, ...]]:
    return sorted(result_key(r) for r in report.results)


def _both(files: list[Path], shapes: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    one = run(whole_graph(files), Executor("single"), shapes=[shapes], engine="pyshacl-turbo")
    units = run(whole_graph(files), Executor("units", jobs=1), shapes=[shapes], engine="pyshacl-turbo")
    return _multiset(one), _multiset(units)


@settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=shapes_text())
def test_drawn_shapes_give_the_one_graph_results_in_units(text, data_sets, tmp_path_factory):
    shapes = tmp_path_factory.mktemp("shapes") / "drawn.ttl"
    shapes.write_text(text, encoding="utf-8")
    for name, files in data_sets.items():
        one, units = _both(files, shapes)
        assert units == one, f"{name}:\n{text}"


def test_the_grammar_reaches_both_placements():
    """The draws are not all of one kind: some shapes run per unit, some on the whole graph."""
    import rdflib

    from pactgraph.validation.locality import placements

    rng = random.Random(18)
    kinds = set()
    for _ in range(40):
        graph = rdflib.Graph().parse(data=draw_shapes(rng.choice, 1), format="turtle")
        kinds.update(p.local for p in placements(graph))
    assert kinds == {True, False}


# ---------------------------------------------------------------- Apache Jena, on a fixed draw


def test_a_fixed_draw_gives_jenas_results_and_the_same_in_units(tmp_path):
    from jena_engine import missing, validate_all
    from test_jena_shacl import jena_keys, result_keys

    from pactgraph.rdf.loading import load_graph, read_rdf
    from pactgraph.rdf.rdflib_bridge import new_graph, quads_to_graph
    from pactgraph.validation.engine import validate_graphs

    why = missing()
    if why:
        pytest.skip(why)
    rng = random.Random(2026)
    shapes = tmp_path / "drawn.ttl"
    shapes.write_text(draw_shapes(rng.choice, 12), encoding="utf-8")
    files = resources.ontology_files() + resources.data_files()
    jena = validate_all([shapes], {"shipped": files}, tmp_path / "jena")
    quads, prefixes = read_rdf(files)
    data = quads_to_graph(quads, new_graph(), prefixes)
    ours = validate_graphs(data, load_graph([shapes]), engine="pyshacl-turbo")
    assert sum(result_keys(ours.graph, data).values()) > 0, "the draw finds something"
    assert jena_keys(jena["shipped"]) == result_keys(ours.graph, data)
    one, units = _both(resources.data_files(), shapes)
    assert units == one


# ---------------------------------------------------------------- whole-graph shapes on Oxigraph, against pySHACL


def test_the_sparql_grammar_reaches_oxigraph_and_the_engine():
    """Some drawn SHACL-SPARQL shapes are translated for Oxigraph, others stay on the SHACL engine."""
    import rdflib

    from pactgraph.validation.locality import placements
    from pactgraph.validation.wholegraph import routes

    rng = random.Random(18)
    kinds = set()
    for _ in range(60):
        graph = rdflib.Graph().parse(data=draw_shapes(rng.choice, 1, sparql=True), format="turtle")
        kinds.update(r.kind for r in routes(graph, placements(graph)))
    assert {"oxigraph", "engine"} <= kinds


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=shapes_text(sparql=True))
def test_drawn_sparql_shapes_give_pyshacls_whole_graph_results(text, data_sets, tmp_path_factory):
    from test_validation_wholegraph import both_ways

    shapes = tmp_path_factory.mktemp("shapes") / "drawn.ttl"
    shapes.write_text(text, encoding="utf-8")
    for name, files in data_sets.items():
        fast, reference = both_ways(files, [shapes])
        assert fast == reference, f"{name}:\n{text}"


@pytest.fixture(scope="module")
def joined_sets(data_sets) -> dict[str, tuple[list[Path], Path]]:
    """A report file of each data set as the new file, joined with the rest of its data folder."""
    import os

    out = {}
    for name, files in data_sets.items():
        folder = resources.data_dir() if name == "shipped" else Path(os.path.commonpath(files))
        out[name] = ([next(p for p in files if p.name == "report.ttl")], folder)
    return out


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=shapes_text(sparql=True))
def test_drawn_sparql_shapes_give_the_joined_one_graph_results(text, joined_sets, tmp_path_factory):
    """Joined: a report as the new file, with the rest of its graph; Oxigraph's results, kept as a joined
    validation keeps them, equal the one-graph executor's."""
    from test_validation_wholegraph import joined_both_ways

    shapes = tmp_path_factory.mktemp("shapes") / "drawn.ttl"
    shapes.write_text(text, encoding="utf-8")
    for name, (new, folder) in joined_sets.items():
        fast, reference = joined_both_ways(new, folder, [shapes])
        assert fast == reference, f"{name}:\n{text}"
