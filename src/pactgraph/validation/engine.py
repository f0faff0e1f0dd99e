"""The SHACL engines behind one interface, and a validation graph's results as a ValidationReport.

The whole ontology (class hierarchy, concept schemes, labels, definitions) is
merged into a private copy of the data graph, so the shapes see all of it;
pySHACL's own ont_graph option would copy only the RDFS/OWL axioms. Any
exception from inside an engine becomes one InputError line (the engine boundary).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import SH
from pactgraph.validation.names import Names, count_shapes, label
from pactgraph.validation.report import FAIL_ON, ValidationReport, ValidationResult


def validation_graph(*graphs: Any) -> Any:
    """A fresh, private data graph holding all triples of `graphs` (data, then ontology).

    It is a ConstraintGraph, on which pySHACL's per-focus-node SPARQL constraints
    run fast. pySHACL may add triples to it (SHACL rules), never to the inputs.
    """
    from pactgraph.rdf.loading import bind_prefixes, new_graph
    from pactgraph.validation.bindings import ConstraintGraph

    graph = new_graph(ConstraintGraph)
    for source in graphs:
        if source is not None:
            graph.addN((s, p, o, graph) for s, p, o in source)
            bind_prefixes(graph, {str(p): str(n) for p, n in source.namespaces()})
    return graph


def validate_graphs(
    data_graph: Any,
    shapes_graph: Any,
    ont_graph: Any = None,
    *,
    focus: Iterable[str] | None = None,
    shape: Iterable[str] | None = None,
    fail_on: str = "violation",
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate rdflib graphs with pySHACL (SHACL-AF on, no inference) and build a ValidationReport.

    The whole ontology graph is merged into (a copy of) the data graph: pySHACL's
    own ont_graph mixing copies only RDFS/OWL axioms, which would leave out
    concept labels and term definitions. `focus` and `shape` (prefixed names or
    IRIs) keep only results about those focus nodes or from those shapes (a node
    shape includes its property shapes). The input graphs are not modified.
    """
    return run_engine(
        validation_graph(data_graph, ont_graph), shapes_graph, focus, shape, fail_on, engine_runner(engine, shapes_graph)
    )


#: SHACL engines: pySHACL, the reference, and pyshacl-turbo, used only because it gives the
#: same results as pySHACL on every fixture, the shipped graph and the synthetic corpus
#: (tests/test_scale.py checks that). "auto" is pyshacl-turbo when it is installed.
ENGINES = ("pyshacl", "pyshacl-turbo", "auto")


#: Errors that pass the engine boundary unchanged: pactgraph's own, a refused network
#: connection (pactgraph.rdf.limits.offline) and running out of memory.
_PASS_THROUGH = (InputError, OSError, MemoryError)
#: Errors whose message says what is wrong with the shapes: pySHACL's ReportableRuntimeError
#: (a RuntimeError), pyshacl-turbo's native errors (ValueError) and rdflib's SPARQL parse
#: errors (pyparsing's ParseBaseException, see _is_parse_error).
_TOLD_ERRORS = (RuntimeError, ValueError)


def _is_parse_error(err: BaseException) -> bool:
    return any(cls.__name__ == "ParseBaseException" for cls in type(err).__mro__)


def _where(err: BaseException) -> str:
    """The innermost frame of `err` as `package/module.py:LINE`, for reports of engine failures."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return ""
    path = Path(frames[-1].filename)
    parts = path.parts
    tail = parts[parts.index("site-packages") + 1 :] if "site-packages" in parts else parts[-2:]
    return f" at {'/'.join(tail)}:{frames[-1].lineno}"


def _engine_error(err: BaseException, engine: str = "") -> str:
    """One line (at most 300 characters) for shapes the SHACL engine could not use.

    Any exception from inside the engine is one: with user-supplied shapes it is a
    problem of the input (or of the engine), not of pactgraph, and it must not end
    as a traceback.
    """
    from pactgraph.query.querying import readable_expected

    message = readable_expected(" ".join(str(getattr(err, "message", None) or err).split()))
    if isinstance(err, RecursionError):
        message = "the shapes (or the data) nest too deeply for the engine (RecursionError)"
    elif not (isinstance(err, _TOLD_ERRORS) or _is_parse_error(err)) or not message:
        name = type(err).__name__
        message = (
            f"{engine or 'the engine'} could not use the shapes: {name}"
            + (f": {message}" if message else "")
            + _where(err)
        )
    if len(message) > 300:
        message = message[:297] + "..."
    return f"SHACL validation failed: {message}"


class _OneLineEngineLog:
    """A filter on pySHACL's logger: errors are dropped (the exception that follows says the
    same), warnings are kept on one line with the pactgraph prefix."""

    def filter(self, record: Any) -> bool:
        import logging

        if record.levelno >= logging.ERROR:
            return False
        message = " ".join(record.getMessage().splitlines()[0].split()) if record.getMessage() else ""
        record.msg, record.args = f"pactgraph: warning: pySHACL: {message[:300]}", None
        record.exc_info = record.exc_text = None
        record.pactgraph_shown = True  # pySHACL's own handler prints it; others need not
        return True


def resolve_engine(engine: str) -> str:
    """The engine's package name; "auto" is pyshacl-turbo when it is installed, else pyshacl."""
    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "auto":
        import importlib.util

        return "pyshacl-turbo" if importlib.util.find_spec("pyshacl_turbo") else "pyshacl"
    return engine


def engine_runner(engine: str, shapes_graph: Any) -> Any:
    """A callable `run(graph) -> (conforms, report_graph, text)` validating in place against `shapes_graph`.

    For pyshacl-turbo the shapes are compiled once, so one runner serves many data graphs.
    """
    engine = resolve_engine(engine)
    if engine == "pyshacl-turbo":
        try:
            import pyshacl_turbo
        except ImportError:
            raise InputError("--engine pyshacl-turbo: the pyshacl-turbo package is not installed") from None
        try:
            compiled = pyshacl_turbo.CompiledShapes(shapes_graph, advanced=True)
        except _PASS_THROUGH:
            raise
        except Exception as err:  # noqa: BLE001 - the engine boundary, see _engine_error
            raise InputError(_engine_error(err, "pyshacl-turbo")) from None

        def run_turbo(graph: Any) -> Any:
            try:
                return compiled.validate(graph, inplace=True, inference="none", allow_warnings=True)
            except _PASS_THROUGH:
                raise
            except Exception as err:  # noqa: BLE001 - the engine boundary, see _engine_error
                raise InputError(_engine_error(err, "pyshacl-turbo")) from None

        run_turbo.engine = "pyshacl-turbo"  # type: ignore[attr-defined]
        run_turbo.compiled = compiled  # type: ignore[attr-defined]
        return run_turbo

    def run_pyshacl(graph: Any) -> Any:
        import contextlib
        import io
        import logging

        import pyshacl

        engine_log = logging.getLogger("pyshacl-validate")  # the logger pyshacl.validate writes to
        one_line = _OneLineEngineLog()
        engine_log.addFilter(one_line)
        try:
            # pySHACL print()s some exceptions before raising them; that must not reach stdout,
            # where the report goes. The exception itself is reported (see _engine_error).
            with contextlib.redirect_stdout(io.StringIO()):
                result = pyshacl.validate(
                    graph,
                    shacl_graph=shapes_graph,
                    advanced=True,
                    inference="none",
                    inplace=True,
                    allow_warnings=True,
                    abort_on_first=False,
                    meta_shacl=False,
                    debug=False,
                )
        except _PASS_THROUGH:
            raise
        except Exception as err:  # noqa: BLE001 - the engine boundary, see _engine_error
            raise InputError(_engine_error(err, "pySHACL")) from None
        finally:
            engine_log.removeFilter(one_line)
        if isinstance(result[1], BaseException):  # pySHACL returns some failures instead of raising them
            raise InputError(_engine_error(result[1], "pySHACL"))
        return result

    run_pyshacl.engine = "pyshacl"  # type: ignore[attr-defined]
    return run_pyshacl


def run_engine(
    graph: Any,
    shapes_graph: Any,
    focus: Iterable[str] | None,
    shape: Iterable[str] | None,
    fail_on: str,
    runner: Any = None,
) -> ValidationReport:
    """Run pySHACL (or `runner`, see engine_runner) in place on `graph`, a private graph from validation_graph()."""
    import rdflib

    if fail_on not in FAIL_ON:
        raise InputError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    names = Names(graph, shapes_graph)
    focus_iris = {rdflib.URIRef(i) for i in names.expand_all(focus, "--focus")}
    shape_iris = {rdflib.URIRef(i) for i in names.expand_all(shape, "--shape")}
    sh = rdflib.Namespace(SH)
    for iri in sorted(shape_iris):
        if (iri, None, None) not in shapes_graph:
            raise InputError(f"--shape: {names.node(iri)} is not a shape in the shapes graph")
    for iri in sorted(focus_iris):
        if (iri, None, None) not in graph and (None, None, iri) not in graph:
            raise InputError(f"--focus: {names.node(iri)} does not occur in the data graph")
    triples = len(graph)
    _, report_graph, _ = (runner or engine_runner("pyshacl", shapes_graph))(graph)

    graphs = [graph]
    kept_nodes = []
    results = []
    # Only the report's own sh:result nodes: results nested as sh:detail explain those.
    top_level = (
        result
        for report in report_graph.subjects(rdflib.RDF.type, sh.ValidationReport)
        for result in report_graph.objects(report, sh.result)
    )
    for node in top_level:
        focus_node = report_graph.value(node, sh.focusNode)
        source_shape = report_graph.value(node, sh.sourceShape)
        source_constraint = report_graph.value(node, sh.sourceConstraint)
        if focus_iris and focus_node not in focus_iris:
            continue
        if shape_iris and not (
            source_shape in shape_iris
            or source_constraint in shape_iris
            or any((s, sh.property, source_shape) in shapes_graph for s in shape_iris)
        ):
            continue
        severity = report_graph.value(node, sh.resultSeverity)
        severity_name = str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
        messages = sorted(str(m) for m in report_graph.objects(node, sh.resultMessage))
        value = report_graph.value(node, sh.value)
        results.append(
            ValidationResult(
                severity=severity_name,
                focus_node=names.node(focus_node),
                focus_label=label(focus_node, graphs),
                path=names.path(report_graph.value(node, sh.resultPath), report_graph),
                value="" if value is None else names.node(value),
                message="; ".join(messages),
                source_shape=names.shape(source_shape, shapes_graph) if source_shape is not None else "",
                constraint=names.node(report_graph.value(node, sh.sourceConstraintComponent)),
                source_constraint="" if source_constraint is None else names.node(source_constraint),
            )
        )
        kept_nodes.append(node)
    nodes = dict(zip(results, kept_nodes, strict=True))
    results.sort(key=ValidationResult.sort_key)

    report = ValidationReport(
        results=results,
        shapes=count_shapes(shapes_graph),
        triples=triples,
        fail_on=fail_on,
    )
    report.graph = kept_report_graph(report_graph, kept_nodes, report.conforms)
    report.result_nodes = nodes
    return report


def kept_report_graph(source: Any, result_nodes: list[Any], conforms: bool) -> Any:
    """A fresh sh:ValidationReport holding only the kept results (with their blank-node details)."""
    import rdflib

    from pactgraph.rdf.loading import new_graph

    sh = rdflib.Namespace(SH)
    graph = new_graph()
    report = rdflib.BNode()
    graph.add((report, rdflib.RDF.type, sh.ValidationReport))
    graph.add((report, sh.conforms, rdflib.Literal(conforms)))
    seen: set[Any] = set()
    stack = list(result_nodes)
    for node in result_nodes:
        graph.add((report, sh.result, node))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in source.predicate_objects(node):
            graph.add((node, p, o))
            if isinstance(o, rdflib.BNode):
                stack.append(o)
    return graph
