"""The whole-graph shapes on Oxigraph (and on their target nodes' closure) give pySHACL's whole-graph results.

Differential: the results of validation.wholegraph (SHACL-SPARQL shapes as Oxigraph queries,
sh:targetNode shapes on the closure of their nodes) against pySHACL over one graph with the
same whole-graph shapes, as a multiset of every field, on the shipped graph, a grown graph
(a small synthetic corpus) and every fixture. Drawn shapes: tests/test_validation_generated.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.validation.scope import whole_graph

FIXTURES = Path(__file__).parent / "fixtures"
LONE = sorted((FIXTURES / "valid").glob("*.ttl")) + sorted((FIXTURES / "invalid").glob("*.ttl"))


def both_ways(files: list[Path], shape_files: list[Path] | None = None) -> tuple[Counter, Counter]:
    """(validation.wholegraph's results, pySHACL's) for the shapes placed on the whole graph."""
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation.locality import placements, split
    from pactgraph.validation.single import validate_single
    from pactgraph.validation.wholegraph import run

    scope = whole_graph(files)
    shapes = load_graph(shape_files or resources.shape_files())
    placed = placements(shapes)
    rows, _ = run(scope, shapes, placed, "info", "pyshacl")
    reference = validate_single(scope, split(shapes, placed)[1], [], [], "info", "pyshacl")
    fast = Counter(tuple(fields) for fields, *_ in rows)
    slow = Counter(tuple(r.to_dict().values()) for r in reference.results)
    # pySHACL may report one result twice (two solutions that differ only in unused variables): one each.
    return Counter(set(fast)), Counter(set(slow))


def test_the_shipped_whole_graph_shapes_leave_the_shacl_engine():
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation.locality import placements
    from pactgraph.validation.wholegraph import CLOSURE, OXIGRAPH, routes

    shapes = load_graph(resources.shape_files())
    found = {str(r.shape).rsplit("#", 1)[-1]: r.kind for r in routes(shapes, placements(shapes))}
    assert found == {
        "ClosedVocabularyShape": OXIGRAPH, "DeclaredTermsShape": OXIGRAPH, "GraphReferenceShape": OXIGRAPH,
        "GraphTypesShape": OXIGRAPH, "EventShape-rules": OXIGRAPH, "TranslatedNameShape": OXIGRAPH,
        "OntologyHeaderShape": CLOSURE,
    }



def test_routes_kept_in_the_cache_are_the_routes(tmp_path, monkeypatch):
    """A second run reads the shapes' routes from the cache folder, translating nothing, and gets what
    translating gives (the queries, messages and typed variables of each constraint)."""
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation import sparqlshapes, wholegraph
    from pactgraph.validation.locality import placements

    shapes = load_graph(resources.shape_files())
    placed = placements(shapes)
    fresh = wholegraph.routes(shapes, placed)
    assert wholegraph.stored_routes(shapes, placed, tmp_path, "k") == fresh
    assert list(tmp_path.rglob("*.json")), "the routes were written"

    def refused(*args, **kwargs):
        raise AssertionError("translated again")

    monkeypatch.setattr(sparqlshapes, "translate", refused)
    assert wholegraph.stored_routes(shapes, placed, tmp_path, "k") == fresh
    with pytest.raises(AssertionError, match="translated again"):
        wholegraph.stored_routes(shapes, placed, tmp_path, "another key")

def test_shipped_graph():
    fast, reference = both_ways(resources.data_files())
    assert fast == reference


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> list[Path]:
    out = tmp_path_factory.mktemp("grown") / "c"
    subprocess.run(
        [sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "generate.py"), str(out), "--triples", "3k"],
        check=True, capture_output=True,
    )
    return resources.data_files() + sorted(out.rglob("*.ttl"))


def test_grown_graph(grown):
    fast, reference = both_ways(grown)
    assert fast == reference


@pytest.mark.parametrize("path", LONE, ids=[p.stem for p in LONE])
def test_fixture(path):
    fast, reference = both_ways([path])
    assert fast == reference


@pytest.mark.parametrize("name", ["graph-dangling-reference", "graph-conflicting-types", "undeclared-term",
                                  "ontology-term-translation-without-source", "event-after-report"])
def test_the_invalid_whole_graph_fixtures_find_their_problem_on_oxigraph(name):
    """Not an empty comparison: each of these fixtures raises a result of a shape Oxigraph answers."""
    fast, reference = both_ways([FIXTURES / "invalid" / f"{name}.ttl"])
    assert fast == reference
    assert any(fields[6] in {"pgsh:GraphReferenceShape", "pgsh:GraphTypesShape", "pgsh:DeclaredTermsShape",
                             "pgsh:TranslatedNameShape", "pgsh:EventShape-rules", "pgsh:ClosedVocabularyShape"}
               for fields in fast), sorted(fast)


def test_a_literal_oxigraph_would_rewrite_keeps_the_graph_on_the_shacl_engine(tmp_path):
    """"01"^^xsd:integer is stored as "1": such a graph is not answered from a Store; a retyped one is,
    with its written type given back, unless another literal of the graph is the retyped one."""
    from pactgraph.rdf.loading import parse_file
    from pactgraph.validation.wholegraph import literals, typed_pairs

    def held(text: str):
        data = tmp_path / "data.ttl"
        data.write_text(text, encoding="utf-8")
        return literals(typed_pairs(parse_file(data)))

    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert not held(f'<https://example.org/a> <https://example.org/p> "01"^^<{xsd}integer> .\n').exact
    assert held(f'<https://example.org/a> <https://example.org/p> "1"^^<{xsd}integer> .\n').exact
    retyped = held(f'<https://example.org/a> <https://example.org/p> "5"^^<{xsd}nonNegativeInteger> .\n')
    assert retyped.exact and retyped.predicates == {"https://example.org/p"}
    assert [str(v.datatype.value) for v in retyped.back.values()] == [f"{xsd}nonNegativeInteger"]
    assert not held(f'<https://example.org/a> <https://example.org/p> "5"^^<{xsd}nonNegativeInteger>, '
                    f'"5"^^<{xsd}integer> .\n').exact


def test_a_query_asking_the_datatype_of_a_retyped_value_stays_on_the_shacl_engine(tmp_path):
    import rdflib

    from pactgraph.validation.sparqlshapes import translate

    shapes = rdflib.Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; sh:select \"\"\"
            SELECT $this ?value WHERE { $this <https://example.org/p> ?value . FILTER (DATATYPE(?value) != <urn:t>) }\"\"\" ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; sh:select \"\"\"
            SELECT $this ?value WHERE { $this ?any ?value . FILTER (DATATYPE(?value) != <urn:t>) }\"\"\" ] .
    """)
    ex = rdflib.Namespace("https://example.org/")
    assert translate(shapes, ex.S).blind_to({"https://example.org/q"})
    assert not translate(shapes, ex.S).blind_to({"https://example.org/p"})
    assert not translate(shapes, ex.T).blind_to({"https://example.org/q"})
    assert translate(shapes, ex.T).blind_to(set())


SHAPE = """
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix ex: <https://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; sh:select \"\"\"{query}\"\"\" ] .
"""
P = "<https://example.org/p>"
TRANSLATED = [
    f"SELECT $this ?value WHERE {{ $this {P} ?value . FILTER NOT EXISTS {{ ?value {P} $this }} }}",
    f"SELECT $this WHERE {{ OPTIONAL {{ $this {P} ?v }} FILTER (!BOUND(?v)) }}",
    f"SELECT $this WHERE {{ {{ $this {P} ?v }} UNION {{ ?v {P} $this }} }}",
    f"SELECT ?value WHERE {{ $this {P} ?value . BIND (STR($this) AS ?name) FILTER (?name != '') }}",
]
REFUSED = [
    f"SELECT $this WHERE {{ $this {P} ?v . MINUS {{ ?v {P} ?w }} }}",
    f"SELECT $this (COUNT(?v) AS ?n) WHERE {{ $this {P} ?v }} GROUP BY $this",
    f"SELECT $this WHERE {{ $this {P} ?v }} LIMIT 1",
    f"SELECT $this WHERE {{ $this {P} ?v }} ORDER BY ?v",
    f"SELECT $this WHERE {{ {{ SELECT ?v WHERE {{ ?v {P} ?w }} }} $this {P} ?v }}",
    f"SELECT $this WHERE {{ {{ ?v {P} ?w FILTER (?w = $this) }} UNION {{ $this {P} ?v }} }}",
    f"SELECT $this WHERE {{ ?v {P} ?w . {{ ?w {P} ?x OPTIONAL {{ $this {P} ?x }} }} }}",
    f"SELECT $this WHERE {{ {{ ?v {P} ?w BIND ($this AS ?x) }} }}",
    f"SELECT * WHERE {{ $this {P} ?v }}",
    f"SELECT $this WHERE {{ $this {P} $PATH }}",
    f"SELECT $this ?failure WHERE {{ $this {P} ?v BIND (true AS ?failure) }}",
    f"SELECT $this WHERE {{ GRAPH ?g {{ $this {P} ?v }} }}",
]


@pytest.mark.parametrize("query", TRANSLATED)
def test_forms_the_translator_takes(query):
    import rdflib

    from pactgraph.validation.sparqlshapes import translate

    shapes = rdflib.Graph().parse(format="turtle", data=SHAPE.replace("{query}", query))
    assert len(translate(shapes, rdflib.URIRef("https://example.org/S")).constraints) == 1


@pytest.mark.parametrize("query", REFUSED)
def test_forms_the_translator_leaves_to_the_shacl_engine(query):
    """Pre-binding and a join differ here (or the translator does not know the form): refused."""
    import rdflib

    from pactgraph.validation.sparqlshapes import Refused, translate

    shapes = rdflib.Graph().parse(format="turtle", data=SHAPE.replace("{query}", query))
    with pytest.raises(Refused):
        translate(shapes, rdflib.URIRef("https://example.org/S"))


def test_a_value_with_a_backslash_is_left_to_the_shacl_engine(tmp_path):
    """Engines fill `{?value}` differently when the value holds a backslash (pySHACL reads it as a
    regular-expression escape and stops on a final one): such a shape is answered by the engine in use."""
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation.locality import placements, split
    from pactgraph.validation.single import validate_single
    from pactgraph.validation.wholegraph import OXIGRAPH, routes, run

    shapes_file = tmp_path / "shapes.ttl"
    # Reads an edge into $this: the shape runs once over the whole graph.
    query = f"SELECT $this ?value WHERE {{ ?other {P} $this . $this {P} ?value . FILTER (isLiteral(?value)) }}"
    shapes_file.write_text(SHAPE.format(query=query).replace('"m"', '"{?value} is not answered"'), encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text('<https://example.org/b> <https://example.org/p> <https://example.org/a> .\n'
                    '<https://example.org/a> a <https://example.org/C> ;\n'
                    '    <https://example.org/p> "C:\\\\path\\\\", "plain" .\n', encoding="utf-8")
    shapes = load_graph([shapes_file])
    placed = placements(shapes)
    assert [r.kind for r in routes(shapes, placed)] == [OXIGRAPH]
    scope = whole_graph([data])
    rows, _ = run(scope, shapes, placed, "info", "pyshacl-turbo")
    reference = validate_single(scope, split(shapes, placed)[1], [], [], "info", "pyshacl-turbo")
    messages = sorted(fields[list(reference.results[0].to_dict()).index("message")] for fields, *_ in rows)
    assert messages == ["C:\\path\\ is not answered", "plain is not answered"]
    assert Counter(tuple(fields) for fields, *_ in rows) == Counter(tuple(r.to_dict().values()) for r in reference.results)
