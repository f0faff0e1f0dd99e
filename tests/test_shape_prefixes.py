"""Every prefix a SHACL-SPARQL query uses is declared for it (SHACL 1.0 §5.2.1).

rdflib and pyshacl-turbo resolve `xsd:`, `rdf:` and a few others even when the
shapes do not declare them; Apache Jena refuses such shapes. Each sh:select /
sh:ask is parsed with rdflib's SPARQL parser (so names in strings or comments
do not count), and every prefixed name in it must be declared by the query's own
PREFIX lines or by an sh:declare of a node its sh:prefixes names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
from pyparsing import ParseResults
from rdflib.namespace import SH
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from pactgraph import resources

XSD_DECLARATION = 'sh:prefix "xsd" ; sh:namespace "http://www.w3.org/2001/XMLSchema#"^^xsd:anyURI'


def _shapes(text_by_file: dict[str, str] | None = None) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in resources.shape_files():
        text = (text_by_file or {}).get(path.name, path.read_text(encoding="utf-8"))
        graph.parse(data=text, format="turtle")
    return graph


def _pnames(tree: Any) -> Iterator[str]:
    """The prefixes of all prefixed names in an rdflib SPARQL syntax tree."""
    if isinstance(tree, CompValue):
        if tree.name == "pname":
            yield str(tree.get("prefix") or "")
            return
        for value in tree.values():
            yield from _pnames(value)
    elif isinstance(tree, (ParseResults, list, tuple)):
        for item in tree:
            yield from _pnames(item)


def _declared(shapes: rdflib.Graph, node: Any) -> set[str]:
    return {
        str(prefix)
        for owner in shapes.objects(node, SH.prefixes)
        for declaration in shapes.objects(owner, SH.declare)
        for prefix in shapes.objects(declaration, SH.prefix)
    }


def undeclared_prefixes(shapes: rdflib.Graph) -> list[tuple[str, str]]:
    """(query owner, prefix) for each prefix a SPARQL query uses without a declaration."""
    missing = []
    for predicate in (SH.select, SH.ask):
        for node, query in shapes.subject_objects(predicate):
            parsed = parseQuery(str(query))
            prologue = {str(d.get("prefix") or "") for d in parsed[0] if d.name == "PrefixDecl"}
            for prefix in sorted(set(_pnames(parsed[1])) - prologue - _declared(shapes, node)):
                missing.append((str(node) if isinstance(node, rdflib.URIRef) else "a SPARQL target", prefix))
    return missing


def test_the_shapes_hold_sparql_queries():
    shapes = _shapes()
    queries = list(shapes.objects(None, SH.select)) + list(shapes.objects(None, SH.ask))
    assert len(queries) >= 15


def test_every_prefix_a_sparql_query_uses_is_declared():
    assert undeclared_prefixes(_shapes()) == []


def test_a_removed_declaration_is_found():
    """The check itself: without the xsd declaration, the rules that cast with xsd: are named."""
    rules = (resources.shapes_dir() / "pactgraph-rules.ttl").read_text(encoding="utf-8")
    assert XSD_DECLARATION in rules
    edited = rules.replace(f"[ {XSD_DECLARATION} ],", "").replace(f",\n        [ {XSD_DECLARATION} ] .", " .")
    assert edited != rules
    missing = undeclared_prefixes(_shapes({"pactgraph-rules.ttl": edited}))
    assert ("https://w3id.org/pactgraph/shapes#Selection-offsetsInRange", "xsd") in missing


@pytest.mark.parametrize("query", ["SELECT $this WHERE { $this a ex:Thing }", "ASK { $this ex:p ?o }"])
def test_an_undeclared_prefix_in_a_new_constraint_is_found(query):
    shapes = _shapes()
    node = rdflib.URIRef("https://example.org/fixture/constraint")
    shapes.add((node, SH.select if query.startswith("SELECT") else SH.ask, rdflib.Literal(query)))
    shapes.add((node, SH.prefixes, rdflib.URIRef("https://w3id.org/pactgraph/shapes/rules")))
    assert (str(node), "ex") in undeclared_prefixes(shapes)
