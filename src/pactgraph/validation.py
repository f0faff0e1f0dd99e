"""SHACL validation with pySHACL, and the report as plain data sorted for people.

The whole ontology (class hierarchy, concept schemes, labels, definitions) is
merged into a private copy of the data graph, so the shapes see all of it;
pySHACL's own ont_graph option would copy only the RDFS/OWL axioms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.namespaces import RDFS, SCHEMA, SH, SKOS, XSD, Namer, with_extra

#: Severity names, most severe first; `--fail-on` takes their lower-case form.
SEVERITIES = ("Violation", "Warning", "Info")
FAIL_ON = tuple(s.lower() for s in SEVERITIES)
_LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "name")
_PLURAL = {"Violation": "violations", "Warning": "warnings", "Info": "info"}
_SINGULAR = {"Violation": "violation", "Warning": "warning", "Info": "info"}


def severity_rank(severity: str) -> int:
    """0 for Violation, 1 Warning, 2 Info, 3 for any custom severity."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        return len(SEVERITIES)


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, every node shown as a prefixed name (or <IRI>, _:id, literal)."""

    severity: str
    focus_node: str
    focus_label: str
    path: str
    value: str
    message: str
    source_shape: str
    constraint: str
    source_constraint: str = ""
    #: `FILE:LINE` of the focus node's first occurrence, when known (validation of new files with the graph).
    location: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        return (
            severity_rank(self.severity),
            self.focus_node,
            self.path,
            self.source_shape,
            self.constraint,
            self.source_constraint,
            self.value,
            self.message,
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity,
            "focusNode": self.focus_node,
            "focusNodeLabel": self.focus_label,
            "resultPath": self.path,
            "value": self.value,
            "message": self.message,
            "sourceShape": self.source_shape,
            "sourceConstraintComponent": self.constraint,
            "sourceConstraint": self.source_constraint,
            "location": self.location,
        }


@dataclass
class ValidationReport:
    """Results (sorted: severity, focus node, path), sizes, and the SHACL report graph.

    `conforms` is True when no result is at or above the `fail_on` severity, which
    is also what decides the exit status of `pactgraph validate`.
    """

    results: list[ValidationResult]
    shapes: int
    triples: int
    fail_on: str = "violation"
    graph: Any = field(default=None, repr=False, compare=False)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        threshold = FAIL_ON.index(self.fail_on)
        return not any(severity_rank(r.severity) <= threshold for r in self.results)

    def summary(self) -> str:
        """`Conforms: no — 2 violations, 1 warning, 0 info (12 shapes, 3456 triples)`."""
        parts = []
        for severity in SEVERITIES:
            n = self.count(severity)
            parts.append(f"{n} {_SINGULAR[severity] if n == 1 else _PLURAL[severity]}")
        verdict = "yes" if self.conforms else "no"
        shapes = f"{self.shapes} shape{'' if self.shapes == 1 else 's'}"
        triples = f"{self.triples} triple{'' if self.triples == 1 else 's'}"
        return f"Conforms: {verdict} — {', '.join(parts)} ({shapes}, {triples})"

    def summary_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "failOn": self.fail_on,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "infos": self.count("Info"),
            "results": len(self.results),
            "shapes": self.shapes,
            "triples": self.triples,
        }


# ---------------------------------------------------------------- display helpers


class _Names:
    """Display names for report terms: the project prefixes plus those the inputs declare."""

    def __init__(self, *graphs: Any):
        declared: dict[str, str] = {}
        for graph in graphs:
            for prefix, namespace in graph.namespaces():
                declared.setdefault(str(prefix), str(namespace))
        self.namer = Namer(with_extra(declared))

    def node(self, term: Any) -> str:
        """Prefixed name or <IRI>, _:blank, or a Turtle-style literal."""
        import rdflib

        if isinstance(term, rdflib.URIRef):
            return self.namer.shorten(str(term))
        if isinstance(term, rdflib.BNode):
            return f"_:{term}"
        if isinstance(term, rdflib.Literal):
            text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            if term.language:
                return f'"{text}"@{term.language}'
            if term.datatype is not None and str(term.datatype) != XSD + "string":
                return f'"{text}"^^{self.namer.shorten(str(term.datatype))}'
            return f'"{text}"'
        return str(term)

    def path(self, term: Any, graph: Any, depth: int = 0) -> str:
        """A SHACL property path as a SPARQL-like expression (`^schema:memberOf`, `a/b`, `(a|b)*`)."""
        import rdflib
        from rdflib.collection import Collection

        sh = rdflib.Namespace(SH)
        if term is None:
            return ""
        if not isinstance(term, rdflib.BNode) or depth > 10:
            return self.node(term)
        if graph.value(term, rdflib.RDF.first) is not None:
            return "/".join(_wrap(self.path(p, graph, depth + 1)) for p in Collection(graph, term))
        for predicate, template in (
            (sh.inversePath, "^{}"),
            (sh.zeroOrMorePath, "{}*"),
            (sh.oneOrMorePath, "{}+"),
            (sh.zeroOrOnePath, "{}?"),
        ):
            inner = graph.value(term, predicate)
            if inner is not None:
                return template.format(_wrap(self.path(inner, graph, depth + 1)))
        alternatives = graph.value(term, sh.alternativePath)
        if alternatives is not None:
            return (
                "(" + "|".join(self.path(p, graph, depth + 1) for p in Collection(graph, alternatives)) + ")"
            )
        return self.node(term)

    def shape(self, shape: Any, shapes_graph: Any) -> str:
        """A shape's name; a blank property shape is named by its parent shape and path."""
        import rdflib

        if not isinstance(shape, rdflib.BNode):
            return self.node(shape)
        sh = rdflib.Namespace(SH)
        path = shapes_graph.value(shape, sh.path)
        parents = sorted(self.node(p) for p in shapes_graph.subjects(sh.property, shape))
        if path is not None:
            described = f"[property {self.path(path, shapes_graph)}]"
            return f"{parents[0]} {described}" if parents else described
        return f"{parents[0]} [{self.node(shape)}]" if parents else self.node(shape)

    def expand_all(self, names: Iterable[str] | None, what: str) -> list[str]:
        """Full IRIs for user-given names; InputError naming the option on a bad one."""
        expanded = []
        for name in names or ():
            try:
                expanded.append(self.namer.expand(name))
            except ValueError as err:
                raise InputError(f"{what}: {err}") from None
        return expanded


def _wrap(expression: str) -> str:
    simple = expression.startswith("(") or all(c not in expression for c in "/|^*+?")
    return expression if simple else f"({expression})"


def _label_rank(literal: Any) -> tuple[int, str]:
    language = literal.language or ""
    return (0 if language in ("", "en") else 1 if language.startswith("en-") else 2, str(literal))


def _label(node: Any, graphs: Sequence[Any]) -> str:
    """rdfs:label, skos:prefLabel or schema:name, preferring English or untagged text."""
    import rdflib

    if not isinstance(node, (rdflib.URIRef, rdflib.BNode)):
        return ""
    for prop in _LABEL_PROPERTIES:
        found = set()
        for graph in graphs:
            found.update(o for o in graph.objects(node, rdflib.URIRef(prop)) if isinstance(o, rdflib.Literal))
        if found:
            return str(min(found, key=_label_rank))
    return ""


def count_shapes(shapes_graph: Any) -> int:
    """Node and property shapes: typed as shapes, used via sh:property/sh:node, or declaring a target."""
    import rdflib

    sh = rdflib.Namespace(SH)
    shapes = set(shapes_graph.subjects(rdflib.RDF.type, sh.NodeShape))
    shapes |= set(shapes_graph.subjects(rdflib.RDF.type, sh.PropertyShape))
    shapes |= set(shapes_graph.objects(None, sh.property))
    shapes |= set(shapes_graph.objects(None, sh.node))
    for target in (sh.targetClass, sh.targetNode, sh.targetSubjectsOf, sh.targetObjectsOf, sh.target):
        shapes |= set(shapes_graph.subjects(target, None))
    return len(shapes)


# ---------------------------------------------------------------- validation


def validation_graph(*graphs: Any) -> Any:
    """A fresh, private data graph holding all triples of `graphs` (data, then ontology).

    It is a ConstraintGraph, on which pySHACL's per-focus-node SPARQL constraints
    run fast. pySHACL may add triples to it (SHACL rules), never to the inputs.
    """
    from pactgraph.loading import bind_prefixes, new_graph
    from pactgraph.shacl_bindings import ConstraintGraph

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
    return _validate(
        validation_graph(data_graph, ont_graph), shapes_graph, focus, shape, fail_on, engine_runner(engine, shapes_graph)
    )


#: SHACL engines: pySHACL, the reference, and pyshacl-turbo, used only because it gives the
#: same results as pySHACL on every fixture, the shipped graph and the synthetic corpus
#: (tests/test_scale.py checks that). "auto" is pyshacl-turbo when it is installed.
ENGINES = ("pyshacl", "pyshacl-turbo", "auto")


#: Errors that pass the engine boundary unchanged: pactgraph's own, a refused network
#: connection (pactgraph.limits.offline) and running out of memory.
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
    from pactgraph.querying import readable_expected

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


def engine_runner(engine: str, shapes_graph: Any) -> Any:
    """A callable `run(graph) -> (conforms, report_graph, text)` validating in place against `shapes_graph`.

    For pyshacl-turbo the shapes are compiled once, so one runner serves many data graphs.
    """
    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "auto":
        import importlib.util

        engine = "pyshacl-turbo" if importlib.util.find_spec("pyshacl_turbo") else "pyshacl"
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


def _validate(
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
    names = _Names(graph, shapes_graph)
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
                focus_label=_label(focus_node, graphs),
                path=names.path(report_graph.value(node, sh.resultPath), report_graph),
                value="" if value is None else names.node(value),
                message="; ".join(messages),
                source_shape=names.shape(source_shape, shapes_graph) if source_shape is not None else "",
                constraint=names.node(report_graph.value(node, sh.sourceConstraintComponent)),
                source_constraint="" if source_constraint is None else names.node(source_constraint),
            )
        )
        kept_nodes.append(node)
    nodes = dict(zip(results, kept_nodes))
    results.sort(key=ValidationResult.sort_key)

    report = ValidationReport(
        results=results,
        shapes=count_shapes(shapes_graph),
        triples=triples,
        fail_on=fail_on,
    )
    report.graph = _report_graph(report_graph, kept_nodes, report.conforms)
    report.result_nodes = nodes  # type: ignore[attr-defined]  # result -> its node in report.graph
    return report


def _report_graph(source: Any, result_nodes: list[Any], conforms: bool) -> Any:
    """A fresh sh:ValidationReport holding only the kept results (with their blank-node details)."""
    import rdflib

    from pactgraph.loading import new_graph

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


def validate(
    data: Sequence[str | Path] | None = None,
    shapes: Sequence[str | Path] | None = None,
    *,
    ontology: Sequence[str | Path] | None = None,
    focus: Iterable[str] | None = None,
    shape: Iterable[str] | None = None,
    fail_on: str = "violation",
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate files (default: the shipped graph) against shapes (default: the shipped shapes).

    The ontology files (default: the shipped ontology; [] for none) are merged
    into the data graph, so class hierarchies, concept labels and term
    definitions are visible to the shapes.
    """
    from pactgraph import resources
    from pactgraph.loading import load_graph, quads_to_graph, read_rdf

    if shapes is None:
        shape_files = resources.shape_files()
        if not shape_files:
            raise InputError(f"no shipped shapes found: no *.ttl under {resources.shapes_dir()}")
        shapes = shape_files
    ontology = resources.ontology_files() if ontology is None else list(ontology)
    graph = validation_graph()
    quads, prefixes = read_rdf(data)
    quads_to_graph(quads, graph, prefixes)
    if ontology:
        quads, prefixes = read_rdf(ontology)
        quads_to_graph(quads, graph, prefixes)
    shapes_graph = load_graph(shapes)
    return _validate(graph, shapes_graph, focus, shape, fail_on, engine_runner(engine, shapes_graph))


# ---------------------------------------------------------------- formatting


def _clip(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def format_text(report: ValidationReport) -> str:
    """One block per result, then the summary line."""
    blocks = []
    for r in report.results:
        focus = r.focus_node + (f" [{r.focus_label}]" if r.focus_label else "")
        fields = [
            ("path", r.path),
            ("value", _clip(r.value)),
            ("message", r.message),
            ("shape", r.source_shape + (f" ({r.constraint})" if r.constraint else "")),
            ("constraint", r.source_constraint),
            ("location", r.location),
        ]
        lines = [f"{r.severity}: {focus}"]
        lines.extend(f"  {name + ':':<12}{text}" for name, text in fields if text)
        blocks.append("\n".join(lines))
    blocks.append(report.summary())
    return "\n\n".join(blocks) + "\n"


def format_table(report: ValidationReport) -> str:
    """Aligned columns (severity, focus node, path, value, message, shape), then the summary line.

    The shape column names the SPARQL constraint where one fired, as it says more
    than the node shape that holds it.
    """
    from pactgraph.querying import render_table

    header = ["severity", "focus", "path", "value", "message", "shape"]
    rows = [
        [
            r.severity,
            r.focus_node + (f" [{r.focus_label}]" if r.focus_label else "") + (f" ({r.location})" if r.location else ""),
            r.path,
            _clip(r.value, 40),
            _clip(r.message, 80),
            r.source_constraint or r.source_shape,
        ]
        for r in report.results
    ]
    return render_table(header, rows) + "\n" + report.summary() + "\n"


def format_json(report: ValidationReport) -> str:
    """{"results": [...], "summary": {...}}."""
    document = {
        "results": [r.to_dict() for r in report.results],
        "summary": report.summary_dict(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def format_turtle(report: ValidationReport) -> str:
    """The SHACL validation report graph in Turtle."""
    return report.graph.serialize(format="longturtle")


FORMATTERS = {
    "text": format_text,
    "table": format_table,
    "json": format_json,
    "turtle": format_turtle,
}
