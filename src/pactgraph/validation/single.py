"""The one-graph executor: every file of the scope in one rdflib graph, one engine run (the reference)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pactgraph.validation.report import ValidationReport


def read_files(files: Sequence[Path], with_facts: bool = True) -> tuple[list[Any], dict[str, str]]:
    """Quads of `files` (each parsed once, blank nodes per file) with their stored-text facts; prefixes."""
    from pactgraph.rdf.loading import parse_with_prefixes
    from pactgraph.validation import storedtext

    quads: list[Any] = []
    prefixes: dict[str, str] = {}
    for path in files:
        found, declared = parse_with_prefixes(path)
        quads.extend(found)
        if with_facts:
            quads.extend(storedtext.facts(path, found))
        for prefix, namespace in declared.items():
            prefixes.setdefault(prefix, namespace)
    return quads, prefixes


def owned_nodes(quads: Sequence[Any]) -> tuple[set[Any], dict[Any, Any]]:
    """rdflib terms of the subjects (and blank objects) of `quads`; blank node -> the subject holding it."""
    import pyoxigraph as ox

    from pactgraph.rdf.rdflib_bridge import to_rdflib_term

    own: set[Any] = set()
    parents: dict[Any, Any] = {}
    for q in quads:
        own.add(to_rdflib_term(q.subject))
        if isinstance(q.object, ox.BlankNode):
            blank = to_rdflib_term(q.object)
            own.add(blank)
            parents.setdefault(blank, to_rdflib_term(q.subject))
    return own, parents


def holder(term: Any, parents: dict[Any, Any]) -> Any:
    """The IRI subject a blank node hangs from (itself for an IRI; None if there is none)."""
    import rdflib

    seen = set()
    while isinstance(term, rdflib.BNode) and term in parents and term not in seen:
        seen.add(term)
        term = parents[term]
    return term if isinstance(term, rdflib.URIRef) else None


def validate_single(
    scope: Any, shapes_graph: Any, focus: list[str], shape: list[str], fail_on: str, engine: str,
    *, results_only: bool = False,
) -> ValidationReport:
    """Validate the scope as one graph against `shapes_graph`; for a joined scope keep only the new
    files' problems (results on their nodes, and results on the graph's nodes that the graph without
    them does not have).

    `results_only`: the caller reads only the results (and their nodes), not the triple count, so
    a graph that raises nothing is told so by pyshacl-turbo on N-Triples text (units.raises_nothing),
    without an rdflib graph: building one costs more than validating a large graph."""
    import rdflib

    from pactgraph.rdf.rdflib_bridge import quads_to_graph
    from pactgraph.rdf.namespaces import SH
    from pactgraph.validation.engine import engine_runner, kept_report_graph, run_engine, validation_graph
    from pactgraph.validation.names import Names, count_shapes
    from pactgraph.validation.report import result_key
    from pactgraph.validation.units import ntriples, raises_nothing

    base_quads, base_prefixes = read_files(list(scope.data) + list(scope.ontology))
    new_quads, new_prefixes = read_files(scope.new)
    runner = engine_runner(engine, shapes_graph)
    if results_only and not focus and not shape and raises_nothing(runner, ntriples(q.triple for q in new_quads + base_quads)):
        clean = ValidationReport(results=[], shapes=count_shapes(shapes_graph), triples=0, fail_on=fail_on)
        clean.graph = kept_report_graph(rdflib.Graph(), [], True)
        return clean
    graph = validation_graph()
    quads_to_graph(new_quads, graph, new_prefixes)
    quads_to_graph(base_quads, graph, base_prefixes)
    report = run_engine(graph, shapes_graph, focus, shape, fail_on, runner)
    if not scope.joined:
        return report

    own, parents = owned_nodes(new_quads)
    sh = rdflib.Namespace(SH)
    names = Names(graph)
    kept: list[tuple[Any, Any]] = []
    others: list[tuple[Any, Any]] = []
    for result in report.results:
        node = report.result_nodes[result]
        focus_node = report.graph.value(node, sh.focusNode)
        iri = holder(focus_node, parents)
        located = replace(result, location_hint=names.node(iri)) if iri is not None else result
        (kept if focus_node in own else others).append((located, node))
    if others:
        baseline_graph = validation_graph()
        quads_to_graph(base_quads, baseline_graph, base_prefixes)
        before = {result_key(r) for r in run_engine(baseline_graph, shapes_graph, None, None, fail_on, runner).results}
        kept.extend(item for item in others if result_key(item[0]) not in before)
    return _report_of(report, kept, fail_on)


def _report_of(report: ValidationReport, kept: list[tuple[Any, Any]], fail_on: str) -> ValidationReport:
    from pactgraph.validation.engine import kept_report_graph
    from pactgraph.validation.report import ValidationResult

    results = sorted((r for r, _ in kept), key=ValidationResult.sort_key)
    out = ValidationReport(results=results, shapes=report.shapes, triples=report.triples, fail_on=fail_on)
    out.graph = kept_report_graph(report.graph, [n for _, n in kept], out.conforms)
    out.result_nodes = {r: n for r, n in kept}
    return out
