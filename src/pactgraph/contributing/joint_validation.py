"""Validate new files together with the graph they join, and report only their own problems.

The data graph is the graph of a data directory (the ontology and every file
under it; an older version of a report the new files replace is left out) plus
the new files. The shapes run on all of it, so a reference to an existing state,
alliance or proposition resolves; the report keeps the results whose focus node
is a subject of the new files (or one of their blank nodes), and any other
result that the graph without the new files does not have. Each result names
`FILE:LINE`, the first line where its focus node stands (as a subject, if it
does) in a new file.

Three checks need the combination and are not shapes; their results look like
shape results and count the same:

- pgsh:Graph-conflictingTypes: an IRI typed with two pactgraph classes (pg:) of
  which neither is a subclass of the other, or with a pg: class and another class
  outside its branch (pgr:ankara as a pg:SovereignState when the graph has it as a
  schema:City), where a new file gives at least one of the types;
- pgsh:Graph-danglingReference: an object IRI in the pgr: namespace that is the
  subject of no triple anywhere, likely a typo, with the three nearest IRIs;
- pgsh:Graph-storedTextFile: pg:storedAt is not `reports/<slug>/<name>`, or the
  stored text file beside a new report file (`<folder>/<name>`) differs from the
  rdf:value of its pg:SourceText.

Anchors that do not match the stored text are caught by the shapes themselves.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pactgraph.contributing import REPORTS, data_dir_for_reading, data_files, read_text_file
from pactgraph.errors import InputError
from pactgraph.namespaces import PG, PGR, PGSH, PREFIXES, Namer, with_extra

RDF_TYPE = PREFIXES["rdf"] + "type"
RDF_VALUE = PREFIXES["rdf"] + "value"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
STORED_AT = PG + "storedAt"

CONFLICTING_TYPES = PGSH + "Graph-conflictingTypes"
DANGLING_REFERENCE = PGSH + "Graph-danglingReference"
STORED_TEXT_FILE = PGSH + "Graph-storedTextFile"

#: Types every resource may carry on top of its class.
_NEUTRAL_TYPES = frozenset(
    {
        PREFIXES["owl"] + "Thing",
        PREFIXES["owl"] + "NamedIndividual",
        PREFIXES["rdfs"] + "Resource",
    }
)
_STORED_AT = re.compile(r"^reports/([a-z0-9][a-z0-9\-]*)/([^/]+)$")


# ---------------------------------------------------------------- inputs


@dataclass
class ParsedFile:
    """One input file: its quads and the prefixes it declares."""

    path: Path
    quads: list[Any]
    prefixes: dict[str, str]

    def stored_texts(self) -> list[tuple[Any, str, str | None]]:
        """(source text node, pg:storedAt, rdf:value or None) of the pg:SourceText nodes the file describes."""
        stored: dict[Any, str] = {}
        values: dict[Any, str] = {}
        for q in self.quads:
            if q.predicate.value == STORED_AT:
                stored.setdefault(q.subject, q.object.value)
            elif q.predicate.value == RDF_VALUE:
                values.setdefault(q.subject, q.object.value)
        return [(node, at, values.get(node)) for node, at in stored.items()]

    def slugs(self) -> set[str]:
        """The report folders (`reports/<slug>/`) the file's stored texts live in."""
        found = set()
        for _, at, _ in self.stored_texts():
            match = _STORED_AT.match(at)
            if match:
                found.add(match.group(1))
        return found


def parse_inputs(paths: Sequence[str | Path]) -> list[ParsedFile]:
    """Parse new files (directories expanded); InputError `FILE:LINE:COL: message` on bad syntax."""
    from pactgraph.loading import _parse, resolve_inputs

    files = resolve_inputs(paths)
    if not files:
        raise InputError("no input files given")
    return [ParsedFile(path, *_parse(path)) for path in files]


def replaced_folders(new: Iterable[ParsedFile], data_dir: Path) -> set[Path]:
    """The report folders under `data_dir` that the new files replace (resolved paths)."""
    reports = (data_dir / REPORTS).resolve()
    folders = set()
    for parsed in new:
        for slug in parsed.slugs():
            folders.add(reports / slug)
        try:
            relative = parsed.path.resolve().relative_to(reports)
        except ValueError:
            continue
        if len(relative.parts) > 1:
            folders.add(reports / relative.parts[0])
    return folders


def base_files(new: Sequence[ParsedFile], data_dir: Path, ontology: Sequence[Path] | None = None) -> list[Path]:
    """The graph the new files join: the ontology and the data files, minus what the new files replace."""
    from pactgraph import resources

    ontology_files = resources.ontology_files() if ontology is None else list(ontology)
    skip_folders = replaced_folders(new, data_dir)
    skip_files = {p.path.resolve() for p in new}
    kept = []
    for path in data_files(data_dir):
        resolved = path.resolve()
        if resolved in skip_files or any(folder in resolved.parents for folder in skip_folders):
            continue
        kept.append(path)
    return [p for p in ontology_files if p.resolve() not in skip_files] + kept


# ---------------------------------------------------------------- locating subjects in Turtle text


_TOKEN = re.compile(
    r'''(?P<comment>\#[^\n]*)
      |(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
      |(?P<short>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\s]*>)
      |(?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\.(?=[\w\-:%]))*)
      |(?P<word>@?[A-Za-z_][\w\-]*)
      |(?P<newline>\n)
      |(?P<other>[^\s])''',
    re.X | re.S,
)


def turtle_terms(text: str) -> list[tuple[str, int, bool]]:
    """(IRI token as written, line, whether it stands as a statement's subject) for each IRI token.

    A small scanner that skips comments and strings, so a name inside a literal
    or a comment is never taken for a use of it.
    """
    found = []
    line = 1
    at_start = True
    directive = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind == "newline":
            line += 1
            continue
        if kind == "comment":
            continue
        if kind in ("pname", "iri"):
            if directive:
                if kind == "iri":
                    directive = False
                    at_start = True
            else:
                found.append((token, line, at_start))
                at_start = False
        elif kind == "word" and token.lower() in ("prefix", "base", "@prefix", "@base"):
            directive = True
        elif kind == "other" and token == ".":
            at_start = True
        else:
            at_start = False
        line += token.count("\n")
    return found


class Locator:
    """`FILE:LINE` of an IRI's first occurrence in Turtle files, preferring subject positions."""

    def __init__(self, files: Sequence[tuple[Path, dict[str, str]]], display: Any = str):
        self.files = list(files)
        self.display = display
        self._terms: dict[Path, list[tuple[str, int, bool]]] = {}

    def _scan(self, path: Path) -> list[tuple[str, int, bool]]:
        if path not in self._terms:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._terms[path] = turtle_terms(text) if path.suffix.lower() in (".ttl", ".trig") else []
        return self._terms[path]

    def find(self, iri: str) -> str:
        for path, prefixes in self.files:
            forms = {f"<{iri}>"}
            for prefix, namespace in prefixes.items():
                if iri.startswith(namespace):
                    forms.add(f"{prefix}:{iri[len(namespace):]}")
            terms = self._scan(path)
            lines = [line for token, line, subject in terms if subject and token in forms]
            if not lines:
                lines = [line for token, line, _ in terms if token in forms]
            if lines:
                return f"{self.display(path)}:{lines[0]}"
        return ""


# ---------------------------------------------------------------- the checks across the graph


@dataclass
class Finding:
    """One result of the checks across the graph, before display."""

    severity: str
    focus: Any
    path: str
    value: str
    message: str
    constraint: str
    #: Whether `value` is an IRI (else a plain literal).
    value_is_iri: bool = True


def _subclass_closure(quads: Iterable[Any]) -> dict[str, set[str]]:
    """class -> itself and all its superclasses, from rdfs:subClassOf triples."""
    direct: dict[str, set[str]] = {}
    for q in quads:
        if q.predicate.value == SUBCLASS and hasattr(q.object, "value") and not _is_blank(q.object):
            direct.setdefault(q.subject.value, set()).add(q.object.value)
    closure: dict[str, set[str]] = {}

    def up(cls: str) -> set[str]:
        if cls in closure:
            return closure[cls]
        closure[cls] = {cls}
        for parent in direct.get(cls, ()):
            closure[cls] |= up(parent)
        return closure[cls]

    for cls in list(direct):
        up(cls)
    return closure


def _is_blank(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.BlankNode)


def _is_iri(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)


def graph_checks(base_quads: list[Any], new: Sequence[ParsedFile], namer: Namer) -> list[Finding]:
    """Conflicting types, dangling pgr: references and stored text files (see the module docs)."""
    new_quads = [q for parsed in new for q in parsed.quads]
    all_quads = base_quads + new_quads
    findings: list[Finding] = []

    supers = _subclass_closure(all_quads)

    def above(cls: str) -> set[str]:
        return supers.get(cls, {cls})

    # Conflicting types.
    types: dict[Any, dict[str, bool]] = {}  # node -> type -> given by a new file
    for q in base_quads:
        if q.predicate.value == RDF_TYPE and _is_iri(q.object):
            types.setdefault(q.subject, {}).setdefault(q.object.value, False)
    for q in new_quads:
        if q.predicate.value == RDF_TYPE and _is_iri(q.object):
            types.setdefault(q.subject, {})[q.object.value] = True
    for node, given in types.items():
        if not any(given.values()):
            continue
        classes = sorted(c for c in given if c not in _NEUTRAL_TYPES)
        for i, a in enumerate(classes):
            for b in classes[i + 1 :]:
                if not (a.startswith(PG) or b.startswith(PG)):
                    continue
                if not (given[a] or given[b]):
                    continue
                if a in above(b) or b in above(a):
                    continue
                new_type, other = (a, b) if given[a] and not given[b] else (b, a) if given[b] and not given[a] else (b, a)
                where = "also in this file" if given[other] else "in the graph"
                findings.append(
                    Finding(
                        "Violation",
                        node,
                        RDF_TYPE,
                        new_type,
                        f"{namer.shorten(node.value) if _is_iri(node) else 'this node'} is typed "
                        f"{namer.shorten(new_type)} here and {namer.shorten(other)} {where}; neither class is a "
                        "subclass of the other: one IRI is reused for two different things (choose a new IRI)",
                        CONFLICTING_TYPES,
                    )
                )

    # Dangling references into pgr:.
    subjects = {q.subject.value for q in all_quads if _is_iri(q.subject)}
    known = sorted(s for s in subjects if s.startswith(PGR))
    locals_ = [s[len(PGR) :] for s in known]
    seen = set()
    for q in new_quads:
        target = q.object
        if not _is_iri(target) or not target.value.startswith(PGR) or target.value in subjects:
            continue
        key = (q.subject, q.predicate.value, target.value)
        if key in seen:
            continue
        seen.add(key)
        nearest = difflib.get_close_matches(target.value[len(PGR) :], locals_, n=3, cutoff=0.0)
        shown = ", ".join(namer.shorten(PGR + n) for n in nearest)
        findings.append(
            Finding(
                "Violation",
                q.subject,
                q.predicate.value,
                target.value,
                f"{namer.shorten(target.value)} is defined nowhere: no triple in the graph or the new files has it as "
                f"subject (a typo?)" + (f"; nearest existing: {shown}" if shown else ""),
                DANGLING_REFERENCE,
            )
        )

    # The stored text file beside each new report file.
    for parsed in new:
        for node, at, value in parsed.stored_texts():
            match = _STORED_AT.match(at)
            if not match:
                findings.append(
                    Finding(
                        "Violation",
                        node,
                        STORED_AT,
                        at,
                        f"pg:storedAt {at!r} is not of the form reports/<slug>/<file> (a path below data/)",
                        STORED_TEXT_FILE,
                        value_is_iri=False,
                    )
                )
                continue
            beside = parsed.path.parent / PurePosixPath(at).name
            if not beside.is_file():
                continue  # `add` refuses a report without its text; a lone file is checked as it is
            try:
                on_disk = read_text_file(beside)
            except InputError as err:
                findings.append(Finding("Violation", node, STORED_AT, at, str(err), STORED_TEXT_FILE, value_is_iri=False))
                continue
            if value is not None and on_disk != value:
                at_char = next(
                    (i for i, (x, y) in enumerate(zip(on_disk, value)) if x != y), min(len(on_disk), len(value))
                )
                findings.append(
                    Finding(
                        "Violation",
                        node,
                        RDF_VALUE,
                        at,
                        f"the text in {beside} differs from this stored text's rdf:value from character {at_char} on "
                        f"({len(on_disk)} and {len(value)} characters); the file must be the stored text verbatim",
                        STORED_TEXT_FILE,
                        value_is_iri=False,
                    )
                )
    return findings


# ---------------------------------------------------------------- validation


@dataclass
class JointInputs:
    """What a joint validation read: the new files, the files of the graph they join."""

    new: list[ParsedFile]
    base: list[Path]
    data_dir: Path
    replaced: set[Path] = field(default_factory=set)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _result_key(result: Any) -> tuple[str, ...]:
    blank = re.compile(r"_:\w+")
    return tuple(
        blank.sub("_:", v)
        for v in (
            result.severity,
            result.focus_node,
            result.path,
            result.value,
            result.message,
            result.source_shape,
            result.constraint,
            result.source_constraint,
        )
    )


def validate_with_graph(
    new_paths: Sequence[str | Path],
    data_dir: str | Path | None = None,
    *,
    shapes: Sequence[str | Path] | None = None,
    ontology: Sequence[str | Path] | None = None,
    focus: Iterable[str] | None = None,
    shape: Iterable[str] | None = None,
    fail_on: str = "violation",
    engine: str = "auto",
    inputs: JointInputs | None = None,
) -> Any:
    """Validate `new_paths` with the graph of `data_dir` (default: the shipped data); a ValidationReport.

    Only the new files' own results are kept (see the module docs), each with its
    `location`; the checks across the graph are added as results too.
    """
    import rdflib

    from pactgraph import resources, validation
    from pactgraph.loading import load_graph, quads_to_graph, read_rdf, resolve_inputs, to_rdflib_term

    data_dir = data_dir_for_reading(data_dir)
    if inputs is None:
        inputs = prepare(new_paths, data_dir, ontology=ontology)
    new = inputs.new
    if shapes is None:
        shape_files = resources.shape_files()
        if not shape_files:
            raise InputError(f"no shipped shapes found: no *.ttl under {resources.shapes_dir()}")
    else:
        shape_files = resolve_inputs(shapes)
    shapes_graph = load_graph(shape_files)
    runner = validation.engine_runner(engine, shapes_graph)

    base_quads, base_prefixes = read_rdf(inputs.base)
    graph = validation.validation_graph()
    quads_to_graph(base_quads, graph, base_prefixes)
    declared: dict[str, str] = {}
    for parsed in new:
        quads_to_graph(parsed.quads, graph, parsed.prefixes)
        for prefix, namespace in parsed.prefixes.items():
            declared.setdefault(prefix, namespace)
    namer = Namer(with_extra({**declared, **base_prefixes}))

    own: set[Any] = set()
    parents: dict[Any, Any] = {}
    for parsed in new:
        for q in parsed.quads:
            own.add(to_rdflib_term(q.subject))
            if _is_blank(q.object):
                own.add(to_rdflib_term(q.object))
                parents.setdefault(to_rdflib_term(q.object), to_rdflib_term(q.subject))

    findings = graph_checks(base_quads, new, namer)
    report = validation._validate(graph, shapes_graph, focus, shape, fail_on, runner)
    sh = rdflib.Namespace(PREFIXES["sh"])
    # shapes/graph-shapes.ttl checks the same as graph_checks; its results give way to the fuller messages here.
    in_python = {(f.constraint, str(to_rdflib_term(f.focus))) for f in findings}
    kept, others = [], []
    for result in report.results:
        node = report.result_nodes[result]
        focus_node = report.graph.value(node, sh.focusNode)
        if (str(report.graph.value(node, sh.sourceConstraint)), str(focus_node)) in in_python:
            continue
        (kept if focus_node in own else others).append((result, node, focus_node))
    if others:
        baseline_graph = validation.validation_graph()
        quads_to_graph(base_quads, baseline_graph, base_prefixes)
        baseline = validation._validate(baseline_graph, shapes_graph, None, None, fail_on, runner)
        before = {_result_key(r) for r in baseline.results}
        kept.extend(item for item in others if _result_key(item[0]) not in before)

    new_locator = Locator([(p.path, p.prefixes) for p in new], _display_path)
    base_locator = Locator([(p, base_prefixes) for p in inputs.base if p.suffix.lower() == ".ttl"], _display_path)

    def locate(term: Any) -> str:
        seen = set()
        while isinstance(term, rdflib.BNode) and term in parents and term not in seen:
            seen.add(term)
            term = parents[term]
        if isinstance(term, rdflib.URIRef):
            return new_locator.find(str(term)) or base_locator.find(str(term))
        return ""

    results = [dataclasses.replace(result, location=locate(focus_node)) for result, _, focus_node in kept]
    focus_iris = set()
    for name in focus or ():
        try:
            focus_iris.add(namer.expand(name))
        except ValueError:
            pass
    names = validation._Names(graph)
    extra_nodes = []
    for finding in findings:
        focus_term = to_rdflib_term(finding.focus)
        if focus_iris and str(focus_term) not in focus_iris:
            continue
        if shape:
            continue
        value_term = rdflib.URIRef(finding.value) if finding.value_is_iri else rdflib.Literal(finding.value)
        result = validation.ValidationResult(
            severity=finding.severity,
            focus_node=names.node(focus_term),
            focus_label=validation._label(focus_term, [graph]),
            path=names.node(rdflib.URIRef(finding.path)),
            value=names.node(value_term),
            message=finding.message,
            source_shape="",
            constraint="",
            source_constraint=names.node(rdflib.URIRef(finding.constraint)),
            location=locate(focus_term),
        )
        results.append(result)
        extra_nodes.append((result, focus_term, value_term))
    results.sort(key=validation.ValidationResult.sort_key)

    joint = validation.ValidationReport(
        results=results, shapes=report.shapes, triples=report.triples, fail_on=fail_on
    )
    joint.graph = validation._report_graph(report.graph, [node for _, node, _ in kept], joint.conforms)
    _add_findings(joint.graph, extra_nodes)
    return joint


def _add_findings(graph: Any, extra: list[tuple[Any, Any, Any]]) -> None:
    """Add the checks across the graph to a SHACL report graph as sh:ValidationResult nodes."""
    import rdflib

    sh = rdflib.Namespace(PREFIXES["sh"])
    report = next(graph.subjects(rdflib.RDF.type, sh.ValidationReport))
    namer = Namer()
    for result, focus, value in extra:
        node = rdflib.BNode()
        graph.add((report, sh.result, node))
        graph.add((node, rdflib.RDF.type, sh.ValidationResult))
        graph.add((node, sh.focusNode, focus))
        graph.add((node, sh.resultPath, rdflib.URIRef(namer.expand(result.path))))
        graph.add((node, sh.value, value))
        graph.add((node, sh.resultMessage, rdflib.Literal(result.message)))
        graph.add((node, sh.resultSeverity, sh[result.severity]))
        graph.add((node, sh.sourceConstraint, rdflib.URIRef(namer.expand(result.source_constraint))))


def prepare(
    new_paths: Sequence[str | Path], data_dir: Path, *, ontology: Sequence[str | Path] | None = None
) -> JointInputs:
    """Parse the new files and choose the files of the graph they join."""
    from pactgraph.loading import resolve_inputs

    new = parse_inputs(new_paths)
    ontology_files = None if ontology is None else resolve_inputs(ontology)
    return JointInputs(
        new=new,
        base=base_files(new, data_dir, ontology_files),
        data_dir=data_dir,
        replaced=replaced_folders(new, data_dir),
    )
