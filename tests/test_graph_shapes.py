"""The checks across the graph as shapes (shapes/graph-shapes.ttl): standard results, the Python checks' findings.

pgsh:Graph-danglingReference and pgsh:Graph-conflictingTypes were Python code
that only `validate PATH` ran; as SHACL-SPARQL constraints every engine and every
path runs them, and each result carries sh:sourceShape and
sh:sourceConstraintComponent. On every report fixture and graph-* fixture, the
shapes find exactly what the Python checks (the oracle) find for the new file.
pgsh:Graph-closedVocabulary is new: a data file may not extend the project's
concept schemes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import graph_checks_oracle as joint_validation
import rdflib

from pactgraph import resources
from pactgraph.rdf.loading import read_rdf
from pactgraph.rdf.rdflib_bridge import to_rdflib_term
from pactgraph.rdf.namespaces import Namer
from pactgraph.validation.command import validate

FIXTURES = Path(__file__).parent / "fixtures"
NEW_FILES = sorted((FIXTURES / "reports").glob("*/report.ttl")) + sorted((FIXTURES / "invalid").glob("graph-*.ttl"))
CHECKS = {joint_validation.DANGLING_REFERENCE, joint_validation.CONFLICTING_TYPES}
PGSH = "https://w3id.org/pactgraph/shapes#"


def _python_findings(path: Path) -> set[tuple[str, ...]]:
    new = joint_validation.parse_inputs([path])
    data = [] if path.parent.name == "invalid" else resources.data_files()
    base_quads, _ = read_rdf(resources.ontology_files() + data)
    found: set[tuple[str, ...]] = set()
    for f in joint_validation.graph_checks(base_quads, new, Namer()):
        if f.constraint in CHECKS:
            value = f.value if f.constraint == joint_validation.DANGLING_REFERENCE else ""
            found.add((f.constraint, str(to_rdflib_term(f.focus)), f.path, str(value)))
    return found


def _shape_findings(path: Path, engine: str) -> set[tuple[str, ...]]:
    data = [path] if path.parent.name == "invalid" else resources.data_files() + [path]
    report = validate(data, with_graph=False, engine=engine)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    subjects = {str(s) for s in rdflib.Graph().parse(path, format="turtle").subjects()}
    found: set[tuple[str, ...]] = set()
    for node in report.graph.objects(None, sh.result):
        constraint = str(report.graph.value(node, sh.sourceConstraint))
        focus = str(report.graph.value(node, sh.focusNode))
        if constraint not in CHECKS or focus not in subjects:
            continue
        assert report.graph.value(node, sh.sourceShape) is not None
        assert report.graph.value(node, sh.sourceConstraintComponent) == sh.SPARQLConstraintComponent
        value = str(report.graph.value(node, sh.value)) if constraint == joint_validation.DANGLING_REFERENCE else ""
        found.add((constraint, focus, str(report.graph.value(node, sh.resultPath)), value))
    return found


def test_the_python_checks_find_something_in_the_fixtures():
    found = set().union(*(_python_findings(p) for p in NEW_FILES))
    assert {f[0] for f in found} == CHECKS


@pytest.mark.parametrize("path", NEW_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in NEW_FILES])
def test_shapes_find_what_the_python_checks_find(path):
    """With pyshacl-turbo (pySHACL gives its results: tests/test_scale.py, tests/test_shapes.py)."""
    assert _shape_findings(path, "pyshacl-turbo") == _python_findings(path)


def _self_declared(tmp_path: Path) -> Path:
    """The follow-up report, which declares its own certainty in pgv:certainty and uses it for claim 1."""
    folder = tmp_path / "fictional-courier-2026-02-03"
    shutil.copytree(FIXTURES / "reports" / "fictional-followup", folder)
    path = folder / "report.ttl"
    text = path.read_text(encoding="utf-8")
    used = "pg:certainty pgv:certainty-possible ;"
    assert used in text
    text = text.replace(used, "pg:certainty pgv:certainty-almost-certain ;", 1)
    text += """
pgv:certainty-almost-certain
    a skos:Concept ;
    skos:prefLabel "almost certain"@en ;
    skos:definition "The claimant presents the proposition as all but sure."@en ;
    skos:inScheme pgv:certainty .
"""
    if "PREFIX skos:" not in text:
        text = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + text
    path.write_text(text, encoding="utf-8")
    return path


def test_a_report_declaring_its_own_vocabulary_concept_does_not_conform(cli, tmp_path):
    outcome = cli("validate", str(_self_declared(tmp_path)), "-f", "json")
    assert outcome.exit_code == 1, outcome.output
    found = {(r["sourceConstraint"] or r["sourceShape"], r["focusNode"]) for r in json.loads(outcome.stdout)["results"]}
    assert ("pgsh:Graph-closedVocabulary", "pgv:certainty-almost-certain") in found
    assert ("pgsh:Claim-certainty", "pgr:claim-fictional-courier-2026-02-03-01") in found


@pytest.mark.parametrize("engine", ["pyshacl", "pyshacl-turbo"])
def test_the_whole_graph_with_a_self_declared_concept_does_not_conform(tmp_path, engine):
    report = validate(resources.data_files() + [_self_declared(tmp_path)], with_graph=False, engine=engine)
    found = {(r.source_constraint or r.source_shape, r.focus_node) for r in report.results}
    assert found == {
        ("pgsh:Graph-closedVocabulary", "pgv:certainty-almost-certain"),
        ("pgsh:Claim-certainty", "pgr:claim-fictional-courier-2026-02-03-01"),
    }


def test_every_concept_of_the_ontology_carries_the_mark():
    """The convention the closed vocabulary rests on, checked on ontology/ alone."""
    graph = rdflib.Graph()
    for path in resources.ontology_files():
        graph.parse(path, format="turtle")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    concepts = set(graph.subjects(rdflib.RDF.type, skos.Concept)) | set(graph.subjects(skos.inScheme, None))
    assert len(concepts) >= 40
    ontology = rdflib.URIRef("https://w3id.org/pactgraph/ontology")
    assert {c for c in concepts if (c, rdflib.RDFS.isDefinedBy, ontology) not in graph} == set()
