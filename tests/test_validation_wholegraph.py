"""The whole-graph shapes on Oxigraph (and on their target nodes' closure) give pySHACL's whole-graph results.

Differential: the results of validation.wholegraph (SHACL-SPARQL shapes as Oxigraph queries,
sh:targetNode shapes on the closure of their nodes) against pySHACL over one graph with the
same whole-graph shapes, as a multiset of every field, on the shipped graph, a grown graph
(a small synthetic corpus) and every fixture. Joined (validation.joinedwhole): new files with
the graph they join, against the one-graph executor's joined results (the new files' nodes,
and the graph's nodes only where the graph alone lacks the result). Drawn shapes:
tests/test_validation_generated.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pactgraph import resources
from pactgraph.validation.report import result_key
from pactgraph.validation.scope import joined, whole_graph

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


def joined_both_ways(
    new: list[Path], data_dir: Path, shape_files: list[Path] | None = None, routed: Any = None
) -> tuple[Counter, Counter]:
    """(validation.joinedwhole's results, the one-graph executor's joined ones) for the whole-graph shapes;
    each result without its blank-node labels, and for a blank focus node the subject it is located by."""
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation import joinedwhole
    from pactgraph.validation.locality import placements, split
    from pactgraph.validation.report import ValidationResult
    from pactgraph.validation.single import validate_single

    scope = joined(new, data_dir=data_dir)
    shapes = load_graph(shape_files or resources.shape_files())
    placed = placements(shapes)
    rows, _ = joinedwhole.run(scope, shapes, placed, "info", "pyshacl", routed(shapes, placed) if routed else None)
    reference = validate_single(scope, split(shapes, placed)[1], [], [], "info", "pyshacl")

    def key(result: ValidationResult) -> tuple[str, ...]:
        return (*result_key(result), result.location_hint if result.focus_node.startswith("_:") else "")

    fast = Counter(key(ValidationResult(*fields, location_hint=hint)) for fields, _, _, hint in rows)
    slow = Counter(key(r) for r in reference.results)
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


@pytest.mark.parametrize("name", ["graph-dangling-reference", "graph-conflicting-types", "undeclared-term",
                                  "ontology-term-translation-without-source", "event-after-report",
                                  "claim-without-anchor", "report-with-two-dates"])
def test_an_invalid_fixture_joined_with_the_shipped_graph(name):
    fast, reference = joined_both_ways([FIXTURES / "invalid" / f"{name}.ttl"], resources.data_dir())
    assert fast == reference


def test_a_joined_validation_with_the_routes_from_the_cache(tmp_path, monkeypatch):
    """The joined pass takes the routes kept in the cache folder, translating nothing, with the one-graph
    executor's results."""
    from pactgraph.validation import sparqlshapes, wholegraph

    def stored(shapes: Any, placed: Any) -> Any:
        return wholegraph.stored_routes(shapes, placed, tmp_path, "k")

    new = [FIXTURES / "invalid" / "graph-dangling-reference.ttl"]
    first = joined_both_ways(new, resources.data_dir(), routed=stored)
    assert list(tmp_path.rglob("*.json")), "the routes were written"

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("translated again")

    monkeypatch.setattr(sparqlshapes, "translate", refused)
    fast, reference = joined_both_ways(new, resources.data_dir(), routed=stored)
    assert fast == reference == first[1]
    assert fast, "the fixture raises a result"


def test_a_shipped_report_joined_with_the_rest_of_the_graph():
    report = next(p for p in resources.data_files() if p.name == "report.ttl")
    fast, reference = joined_both_ways([report], resources.data_dir())
    assert fast == reference


def test_joined_keeps_the_new_files_problems_and_leaves_the_graphs_own(tmp_path):
    """A graph with a dangling reference of its own, joined with a file that adds another: only the new
    file's result is reported, by both executors."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data)
    shutil.copyfile(FIXTURES / "invalid" / "graph-dangling-reference.ttl", data / "dangling.ttl")
    new = tmp_path / "new.ttl"
    new.write_text("@prefix pg: <https://w3id.org/pactgraph/ontology#> .\n"
                   "@prefix pgr: <https://w3id.org/pactgraph/id/> .\n"
                   "pgr:turkey pg:mentionedIn pgr:report-that-does-not-exist .\n", encoding="utf-8")
    fast, reference = joined_both_ways([new], data)
    assert fast == reference
    alone, _ = both_ways([data / "dangling.ttl"])
    assert alone, "the graph has a problem of its own"
    assert not {result_key_of(fields) for fields in alone} & {key[:8] for key in fast}
    assert any("report-that-does-not-exist" in " ".join(key) for key in fast), sorted(fast)


def test_joined_keeps_a_result_the_new_files_raise_on_a_node_of_the_graph(tmp_path):
    """A shape on the graph's propositions that reads the claims stating them: the shipped report, joined
    with the rest of the graph, raises results on propositions it does not describe, which the graph
    alone lacks; both executors keep them."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix ex: <https://example.org/> .
    ex:Stated a sh:NodeShape ; sh:targetClass <https://w3id.org/pactgraph/ontology#Proposition> ;
        sh:sparql [ sh:message "stated by {?value}" ; sh:select \"\"\"SELECT $this ?value WHERE {
            ?value <https://w3id.org/pactgraph/ontology#proposition> $this }\"\"\" ] .
    """, encoding="utf-8")
    report = next(p for p in resources.data_files() if p.name == "report.ttl")
    fast, reference = joined_both_ways([report], resources.data_dir(), [shapes])
    assert fast == reference
    assert any(key[1].startswith("pgr:proposition-") for key in fast), sorted(fast)


def test_literals_a_store_would_merge_stand_in_for_themselves_in_a_joined_validation(tmp_path):
    """"5"^^xsd:positiveInteger and "5"^^xsd:nonNegativeInteger are one literal in a Store: a joined
    validation holds them there as literals of their own. A shape joining on such values or reading
    their strings runs on Oxigraph; one comparing their values stays on the SHACL engine; the results
    equal the one-graph executor's."""
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation import joinedwhole
    from pactgraph.validation.locality import placements
    from pactgraph.validation.wholegraph import OXIGRAPH, routes

    xsd = "http://www.w3.org/2001/XMLSchema#"
    data = tmp_path / "data"
    data.mkdir()
    (data / "graph.ttl").write_text(
        f'<https://example.org/a> a <https://example.org/C> ; <https://example.org/n> "5"^^<{xsd}positiveInteger> .\n'
        f'<https://example.org/b> a <https://example.org/C> ; <https://example.org/m> "5"^^<{xsd}nonNegativeInteger> .\n',
        encoding="utf-8")
    new = tmp_path / "new.ttl"
    new.write_text(f'<https://example.org/c> a <https://example.org/C> ; <https://example.org/n> "7"^^<{xsd}positiveInteger> ;'
                   f' <https://example.org/m> "7"^^<{xsd}nonNegativeInteger> .\n', encoding="utf-8")
    shapes_file = tmp_path / "shapes.ttl"
    queries = {
        "Joins": "SELECT $this ?value WHERE { $this <https://example.org/n> ?value . ?other <https://example.org/m> ?value }",
        "Compares": "SELECT $this ?value WHERE { $this <https://example.org/n> ?value . ?other <https://example.org/m> ?v ."
                    " FILTER (?value = ?v) }",
        "Strings": "SELECT $this ?value WHERE { $this <https://example.org/n> ?value . ?other <https://example.org/m> ?v ."
                   " FILTER (STR(?value) = STR(?v)) }",
    }
    shapes_file.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n" + "".join(
        f'<https://example.org/{name}> a sh:NodeShape ; sh:targetClass <https://example.org/C> ;'
        f' sh:sparql [ sh:message "{name} {{?value}}" ; sh:select """{query}""" ] .\n' for name, query in queries.items()),
        encoding="utf-8")
    fast, reference = joined_both_ways([new], data, [shapes_file])
    assert fast == reference
    assert sorted(key[1] for key in fast) == ["<https://example.org/c>", "<https://example.org/c>"], sorted(fast)
    shapes = load_graph([shapes_file])
    placed = placements(shapes)
    found = [r for r in routes(shapes, placed) if r.kind == OXIGRAPH]
    assert len(found) == 3
    _, done = joinedwhole.joined_rows(joined([new], data_dir=data), shapes, found, placed, "info", "pyshacl")
    assert sorted(str(s).rsplit("/", 1)[-1] for s in done) == ["Joins", "Strings"]


def result_key_of(fields: tuple[str, ...]) -> tuple[str, ...]:
    from pactgraph.validation.report import ValidationResult

    return result_key(ValidationResult(*fields))


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
