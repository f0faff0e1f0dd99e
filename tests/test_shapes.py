"""SHACL shapes against the shipped graph and the valid/invalid fixture pairs.

Each invalid fixture names, in `# expect: SHAPE at FOCUS` header lines, every
result it must raise, one line a result; the test asserts exactly those
(constraint, focus node) pairs and as many results as lines, so a rule that
stops firing or fires too widely both fail. Fixtures run through the default
path (`pactgraph.validate`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from pactgraph import resources
from pactgraph.validation.command import validate

FIXTURES = Path(__file__).parent / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (\S+) at (\S+)$", re.MULTILINE)


def test_fixture_folders_are_not_empty():
    assert len(VALID) >= 1
    assert len(INVALID) >= 20


def expectations(path: Path) -> set[tuple[str, str]]:
    found = set(EXPECT.findall(path.read_text(encoding="utf-8")))
    assert found, f"{path.name} names no expected result"
    return found


def expected_count(path: Path) -> int:
    return len(EXPECT.findall(path.read_text(encoding="utf-8")))


def fired(report) -> set[tuple[str, str]]:
    return {(r.source_constraint or r.source_shape, r.focus_node) for r in report.results}


@pytest.fixture(scope="module")
def shipped_report():
    return validate()


def test_shipped_graph_conforms(shipped_report):
    assert shipped_report.results == []
    assert shipped_report.conforms


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture_conforms(path):
    report = validate([path], with_graph=False)
    assert report.results == [], [r.to_dict() for r in report.results]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_raises_exactly_the_named_violations(path):
    report = validate([path], with_graph=False)
    assert not report.conforms
    assert fired(report) == expectations(path)
    assert len(report.results) == expected_count(path), [r.to_dict() for r in report.results]
    assert {r.severity for r in report.results} == {"Violation"}


def _shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in resources.shape_files():
        graph.parse(path, format="turtle")
    return graph


def _name(iri) -> str:
    return "pgsh:" + str(iri).split("#", 1)[1]


def test_every_sparql_constraint_is_exercised_by_an_invalid_fixture():
    shapes = _shapes_graph()
    constraints = {_name(c) for c in shapes.objects(None, SH.sparql) if isinstance(c, rdflib.URIRef)}
    named = {shape for path in INVALID for shape, _ in expectations(path)}
    # These need a report folder on disk (an edited or a missing text file):
    # tests/test_validation_paths.py raises each on every validation path.
    named |= {"pgsh:SourceText-storedFileMatches", "pgsh:SourceText-storedFileReadable"}
    assert constraints, "no SHACL-SPARQL constraints found"
    assert constraints - named == set()


def test_every_node_shape_targets_something_in_the_shipped_graph_or_fixtures():
    """A misspelt target class would make a shape silently check nothing."""
    shapes = _shapes_graph()
    data = rdflib.Graph()
    for path in resources.graph_files() + VALID:
        data.parse(path, format="turtle")
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        classes = list(shapes.objects(shape, SH.targetClass))
        nodes = list(shapes.objects(shape, SH.targetNode))
        if not classes and not nodes:
            continue  # referenced with sh:node, or a SPARQL-based target
        targeted = any((None, RDF.type, c) in data for c in classes) or any((n, None, None) in data for n in nodes)
        assert targeted, f"{_name(shape)} targets nothing"


def test_every_property_shape_is_named_and_has_a_message():
    shapes = _shapes_graph()
    for owner, prop in shapes.subject_objects(SH.property):
        assert isinstance(prop, rdflib.URIRef), f"anonymous property shape on {owner}"
        assert shapes.value(prop, SH.message) is not None, prop
        assert shapes.value(prop, SH.severity) is not None, prop
    for constraint in shapes.objects(None, SH.sparql):
        assert shapes.value(constraint, SH.message) is not None, constraint


def test_shapes_use_only_shacl_terms_that_exist():
    """pySHACL ignores a misspelt sh: term (sh:minlength) and then reports conformance."""
    shacl = rdflib.Graph().parse(data=_SHACL_TERMS, format="turtle")
    known = set(shacl.subjects())
    shapes = _shapes_graph()
    used = {t for triple in shapes for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(str(SH))}
    assert used - known == set()


_SHACL_TERMS = "\n".join(
    f"<{SH}{name}> a <urn:term> ." for name in """
    NodeShape PropertyShape SPARQLConstraint SPARQLTarget ValidationReport ValidationResult
    Violation Warning Info IRI Literal BlankNode BlankNodeOrIRI IRIOrLiteral BlankNodeOrLiteral
    targetClass targetNode targetSubjectsOf targetObjectsOf target property path node class datatype
    nodeKind minCount maxCount minLength maxLength pattern flags languageIn uniqueLang in hasValue
    qualifiedValueShape qualifiedMinCount qualifiedMaxCount or and not xone equals disjoint lessThan
    minInclusive maxInclusive minExclusive maxExclusive closed ignoredProperties message severity
    deactivated name description order group sparql select ask prefixes declare prefix namespace
    """.split()
)
