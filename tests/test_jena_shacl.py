"""Apache Jena's SHACL validator, an independent engine, gives pactgraph's result set.

On the shipped graph and on every fixture (valid, invalid, and each report of
tests/fixtures/reports joined with the shipped graph), Jena's results equal
pactgraph's, compared as a multiset of (focus node, constraint
component, source shape, severity, value, path). Messages differ between engines
and are not compared. Blank nodes are named by where they hang in the data
(`[subject predicate a type]`), the same way for both engines.

pactgraph runs with pyshacl-turbo on every data set and with pySHACL on the
shipped graph: tests/test_scale.py holds pyshacl-turbo to pySHACL's report on every
fixture, and pySHACL takes seconds per data set.

Jena comes from Debian's libapache-jena-java (`make system`, a step of `make test`, installs it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import rdflib
from jena_engine import missing, validate_all
from rdflib.namespace import RDF, SH

from pactgraph import resources
from pactgraph.validation.engine import validate_graphs
from pactgraph.rdf.loading import load_graph, read_rdf
from pactgraph.rdf.rdflib_bridge import new_graph, quads_to_graph

FIXTURES = Path(__file__).parent / "fixtures"
Key = tuple[str, ...]


def data_sets() -> dict[str, list[Path]]:
    """name -> the files of the data graph: the ontology plus data (as `pactgraph validate` merges them)."""
    ontology = resources.ontology_files()
    shipped = resources.data_files()
    sets = {"shipped": ontology + shipped}
    for folder in ("valid", "invalid"):
        for path in sorted((FIXTURES / folder).glob("*.ttl")):
            sets[f"{folder}-{path.stem}"] = ontology + [path]
    for path in sorted((FIXTURES / "reports").glob("*/report.ttl")):
        sets[f"report-{path.parent.name}"] = ontology + shipped + [path]
    return sets


SETS = data_sets()


def _term(node: Any, graph: rdflib.Graph, depth: int = 0) -> str:
    """A name for a term that does not depend on blank-node labels."""
    if isinstance(node, rdflib.BNode):
        types = " ".join(sorted(str(t) for t in graph.objects(node, RDF.type)))
        parents = sorted(
            (_term(s, graph, depth + 1) if depth < 4 else "[...]", str(p))
            for s, p in graph.subject_predicates(node)
            if p not in (SH.focusNode, SH.value)
        )
        parent = f"{parents[0][0]} <{parents[0][1]}>" if parents else ""
        return f"[{parent} a {types}]"
    return node.n3()


def _path(node: Any, graph: rdflib.Graph) -> str:
    """sh:resultPath as SHACL property path syntax (a blank node for ^p, (p q), ...)."""
    if node is None:
        return ""
    if not isinstance(node, rdflib.BNode):
        return node.n3()
    for key, shown in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                       (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(node, key)
        if inner is not None:
            return shown.format(_path(inner, graph))
    alternative = graph.value(node, SH.alternativePath)
    if alternative is not None:
        return "(" + "|".join(_path(p, graph) for p in rdflib.collection.Collection(graph, alternative)) + ")"
    return "(" + "/".join(_path(p, graph) for p in rdflib.collection.Collection(graph, node)) + ")"


def result_keys(report: rdflib.Graph, data: rdflib.Graph) -> Counter[Key]:
    """The top-level results of a SHACL report graph as normalised keys; `data` holds their blank nodes."""
    both = data + report
    keys: Counter[Key] = Counter()
    for top in report.subjects(RDF.type, SH.ValidationReport):
        for result in report.objects(top, SH.result):
            shape = report.value(result, SH.sourceShape)
            keys[
                (
                    _term(report.value(result, SH.focusNode), both),
                    str(report.value(result, SH.sourceConstraintComponent)),
                    str(shape) if isinstance(shape, rdflib.URIRef) else "[shape]",
                    str(report.value(result, SH.resultSeverity)),
                    "" if report.value(result, SH.value) is None else _term(report.value(result, SH.value), both),
                    _path(report.value(result, SH.resultPath), report),
                )
            ] += 1
    return keys


def pactgraph_keys(files: list[Path], engine: str) -> Counter[Key]:
    quads, prefixes = read_rdf(files)
    data = quads_to_graph(quads, new_graph(), prefixes)
    shapes = load_graph(resources.shape_files())
    report = validate_graphs(data, shapes, engine=engine)
    return result_keys(report.graph, data)


def jena_keys(path: Path) -> Counter[Key]:
    both = rdflib.Graph().parse(path, format="nt")
    report = rdflib.Graph()
    for top in both.subjects(RDF.type, SH.ValidationReport):
        stack = [top]
        while stack:
            node = stack.pop()
            for p, o in both.predicate_objects(node):
                report.add((node, p, o))
                if isinstance(o, rdflib.BNode) and (o, None, None) not in report and p != SH.focusNode and p != SH.value:
                    stack.append(o)
    data = both - report
    return result_keys(report, data)


@pytest.fixture(scope="module")
def jena(tmp_path_factory) -> dict[str, Path]:
    why = missing()
    assert not why, why
    return validate_all(resources.shape_files(), SETS, tmp_path_factory.mktemp("jena"))


def test_fixtures_are_found():
    assert {"shipped", "valid-fictional-report", "report-fictional-followup"} <= set(SETS)
    assert sum(name.startswith("invalid-") for name in SETS) >= 20


def test_jena_finds_the_shipped_graph_conforming(jena):
    assert jena_keys(jena["shipped"]) == Counter()


def test_jena_finds_the_named_violation_in_an_invalid_fixture(jena):
    """The comparison is not empty on both sides: Jena does report what the fixtures break."""
    keys = jena_keys(jena["invalid-membership-start-after-end"])
    assert [k[0] for k in keys] == ["<https://example.org/fixture/membership>"]
    assert [k[1] for k in keys] == [str(SH.SPARQLConstraintComponent)]


@pytest.mark.parametrize("name", list(SETS))
def test_jena_gives_pactgraphs_results(jena, name):
    assert jena_keys(jena[name]) == pactgraph_keys(SETS[name], "pyshacl-turbo")


def test_jena_gives_pyshacls_results_on_the_shipped_graph(jena):
    assert jena_keys(jena["shipped"]) == pactgraph_keys(SETS["shipped"], "pyshacl")
