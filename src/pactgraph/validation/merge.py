"""The units executor: a scope cut into units (validation.units), validated, merged into one report."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pactgraph.validation.report import ValidationReport, ValidationResult, result_key
from pactgraph.validation.units import GraphSource, Unit, code_key, digest, ntriples, result_ntriples, run_units

_FIELDS = (
    "severity",
    "focus_node",
    "focus_label",
    "path",
    "value",
    "message",
    "source_shape",
    "constraint",
    "source_constraint",
    "location",
)


def _engine_key(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    from pactgraph.validation.engine import resolve_engine

    name = resolve_engine(engine)
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} unknown"


def _hashes(files: Sequence[Path]) -> list[str]:
    from pactgraph.stores.base import sha256_file

    return [f"{p.name}:{sha256_file(p)}" for p in files]


def _terms_n3(quads: Sequence[Any]) -> tuple[list[str], dict[str, str]]:
    """N-Triples forms of the unit's own nodes (subjects, blank objects); blank node -> holding subject."""
    import pyoxigraph as ox

    own: set[str] = set()
    parents: dict[str, str] = {}
    for q in quads:
        own.add(str(q.subject))
        if isinstance(q.object, ox.BlankNode):
            own.add(str(q.object))
            parents.setdefault(str(q.object), str(q.subject))
    return sorted(own), parents


def build_units(scope: Any, source: GraphSource, base: str) -> Iterator[Unit]:
    """Units of the scope: the new files together (joined), else each report file and the other files."""
    from pactgraph.validation import storedtext
    from pactgraph.validation.scope import is_report_file
    from pactgraph.validation.single import read_files

    if scope.joined:
        quads, prefixes = read_files(scope.new)
        own = [q.triple for q in quads]
        closure, touched = source.closure(own, set())
        # The stored-text facts are in `own`: a key over them changes when an article.txt does.
        key = digest(base, "joined", *_hashes(scope.new), *sorted(source.hashes[g] for g in touched), ntriples(own))
        owned, parents = _terms_n3(quads)
        unit = Unit(
            "joined",
            ntriples(own + closure),
            key,
            baseline=ntriples(closure),
            owned=owned,
            parents=parents,
            prefixes={**prefixes, **source.prefixes},
        )
        unit.triples = sum(1 for t in set(own) if not source.holds(t))
        yield unit
        return
    reports = [p for p in scope.data if is_report_file(p)]
    groups = [[report] for report in reports]
    others = list(scope.ontology) + [p for p in scope.data if not is_report_file(p)]
    if others:
        groups.append(others)
    for files in groups:
        own = []
        facts: list[Any] = []
        for path in files:
            found = source.own(path)
            own.extend(found)
            facts.extend(t.triple for t in storedtext.facts(path, found))
        own.extend(facts)
        skip = {source.name_of(p) for p in files}
        closure, touched = source.closure(own, skip)
        # What the stored text files hold decides results too: an edited article.txt is a new key.
        key = digest(base, "unit", *_hashes(files), *sorted(source.hashes[g] for g in touched), ntriples(facts))
        # The stored-text facts are the unit's triples that no file holds.
        yield Unit(str(files[0]), ntriples(own + closure), key, prefixes=source.prefixes, triples=len(facts))


def _source(scope: Any) -> GraphSource:
    """The on-disk store for a joined validation when it holds the graph as it is; else the files, parsed."""
    if scope.joined and scope.store is not None:
        from pactgraph.validation.units import StoreSource

        found = StoreSource.open(scope.store, list(scope.ontology) + list(scope.data))
        if found is not None:
            return found
    return GraphSource.from_files(list(scope.ontology) + list(scope.data))


def validate_units(scope: Any, shape_files: Sequence[Path], fail_on: str, engine: str, executor: Any) -> ValidationReport:
    """Validate the scope: the shapes that read only forward of their focus nodes in units (here, in
    local processes, or on a Dask cluster: validation.cluster), the others once over the whole graph
    here (validation.locality); each distinct result once, sorted as always."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        remote = None
        if executor.kind == "dask":
            from pactgraph.validation.cluster import DaskPool

            # Reached before any work, so that a scheduler out of reach stops the run at once.
            remote = stack.enter_context(DaskPool(executor.scheduler))
        return _validate_units(scope, shape_files, fail_on, engine, executor, remote)


def _validate_units(
    scope: Any, shape_files: Sequence[Path], fail_on: str, engine: str, executor: Any, remote: Any
) -> ValidationReport:
    from pactgraph import __version__
    from pactgraph.loading import load_graph
    from pactgraph.validation.locality import placements, split
    from pactgraph.validation.names import count_shapes
    from pactgraph.validation.single import validate_single

    shapes_graph = load_graph(shape_files)
    placed = placements(shapes_graph)
    source = _source(scope)
    if scope.joined and _reaches_new_files(scope, source):
        # A node of the graph that leads to what the new files describe may change with them, and a
        # unit holds only what the new files reach: the whole graph, once, is the sound way.
        placed = [replace(p, local=False) for p in placed]
    _, whole_shapes = split(shapes_graph, placed)
    results: dict[tuple[str, ...], tuple[ValidationResult, str, str]] = {}
    info: dict[str, Any] = {"units": 0, "cached": 0, "jobs": remote.size if remote else executor.jobs or 1}
    done: list[tuple[Unit, dict[str, Any]]] = []
    if any(p.local for p in placed):
        base = digest(f"pactgraph {__version__}", code_key(), "local shapes", _engine_key(engine),
                      *_hashes(shape_files), "ontology", *_hashes(scope.ontology))
        init_args = ([str(p) for p in shape_files], engine, True, "local")
        if remote is not None:
            remote.load(shape_files, engine, "local")
        done, info = run_units(
            build_units(scope, source, base), init_args, executor.jobs or 1, executor.cache_dir, remote
        )
        for _, entry in done:
            before = {result_key(_result(fields)) for fields in entry.get("baseline", [])}
            for fields, text, node, own, hint in entry["results"]:
                result = _result(fields, hint)
                if scope.joined and not own and result_key(result) in before:
                    continue
                results.setdefault(tuple(fields), (result, text, node))
    whole_count = sum(1 for p in placed if not p.local)
    if whole_count:
        whole = validate_single(scope, whole_shapes, [], [], fail_on, engine)
        for result in whole.results:
            text, node = result_ntriples(whole.graph, whole.result_nodes[result], "whole")
            results.setdefault(tuple(result.to_dict().values()), (result, text, node))
    merged = sorted((r for r, _, _ in results.values()), key=ValidationResult.sort_key)
    report = ValidationReport(
        results=merged,
        shapes=count_shapes(shapes_graph),
        triples=source.count_triples(sum(unit.triples for unit, _ in done)),
        fail_on=fail_on,
    )
    report.graph = _report_graph(shapes_graph, [(t, n) for _, t, n in results.values()], report.conforms)
    report.run_info = {"executor": executor.kind, "engine": _engine_key(engine).split()[0], **info,
                       "whole_graph_shapes": whole_count}
    return report


def _result(fields: Sequence[str], hint: str = "") -> ValidationResult:
    return ValidationResult(**dict(zip(_FIELDS, fields, strict=True)), location_hint=hint)


def _reaches_new_files(scope: Any, source: GraphSource) -> bool:
    """True when a triple of the graph points at (or uses as predicate) a node the new files describe."""
    import pyoxigraph as ox

    from pactgraph.validation.single import read_files

    quads, _ = read_files(scope.new, with_facts=False)
    subjects = {q.subject for q in quads if isinstance(q.subject, ox.NamedNode)}
    return any(source.pointed_at(node) for node in subjects)


def _report_graph(shapes_graph: Any, results: list[tuple[str, str]], conforms: bool) -> Any:
    """The merged sh:ValidationReport graph: each result's N-Triples (parsed by pyoxigraph, which keeps
    the blank-node labels) under one report node."""
    import pyoxigraph as ox
    import rdflib

    from pactgraph.loading import new_graph
    from pactgraph.namespaces import SH
    from pactgraph.rdflib_bridge import quads_to_graph

    graph = new_graph()
    for prefix, namespace in shapes_graph.namespaces():
        graph.bind(str(prefix), namespace, override=False)
    text = "\n".join(t for t, _ in results if t)
    quads_to_graph(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES), graph)
    sh = rdflib.Namespace(SH)
    report = rdflib.BNode()
    graph.add((report, rdflib.RDF.type, sh.ValidationReport))
    graph.add((report, sh.conforms, rdflib.Literal(conforms)))
    for _, node in results:
        graph.add((report, sh.result, rdflib.BNode(node)))
    return graph
