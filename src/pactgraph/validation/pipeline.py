"""One validation pipeline: a scope (what is checked) and an executor (how) as parameters.

Scopes: the whole graph (every result), or new files joined with the graph they
join (only the new files' own problems: results on their nodes, and results on
the graph's nodes that the graph without them does not have). Executors: one
process over one graph (`single`, the reference), or units — a file with the
triples it reaches — in one or more processes with a result cache (`units`).
Every scope gives the same results with every executor; `auto` picks the faster.
Before any engine runs, the stored text files are read (validation.storedtext),
so an edited or missing text fails on every path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.validation.report import FAIL_ON, ValidationReport, ValidationResult

EXECUTORS = ("auto", "single", "units")
#: From this many report files on, `auto` validates in units.
AUTO_UNITS_REPORTS = 2
#: Report files per worker process that make one more process worth starting.
AUTO_REPORTS_PER_PROCESS = 40


@dataclass
class Scope:
    """The files of the graph and, for a joined validation, the new files whose problems are reported."""

    ontology: list[Path]
    data: list[Path]
    new: list[Path] = field(default_factory=list)
    data_dir: Path | None = None
    #: An on-disk store (`pactgraph load --store`) a joined validation may read the graph from.
    store: Path | None = None

    @property
    def joined(self) -> bool:
        return bool(self.new)


@dataclass(frozen=True)
class Executor:
    """How a scope is validated: `single` or `units`, `jobs` processes, a result cache folder (units only)."""

    kind: str = "auto"
    jobs: int | None = None
    cache_dir: Path | None = None


def _unique(paths: Iterable[Path], leave_out: Iterable[Path] = ()) -> list[Path]:
    seen = {p.resolve() for p in leave_out}
    out = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            out.append(path)
    return out


def _ontology(ontology: Sequence[str | Path] | None) -> list[Path]:
    from pactgraph import resources
    from pactgraph.loading import resolve_inputs

    return resources.ontology_files() if ontology is None else resolve_inputs(ontology) if ontology else []


def whole_graph(
    paths: Sequence[str | Path] | None = None,
    *,
    data_dir: str | Path | None = None,
    ontology: Sequence[str | Path] | None = None,
) -> Scope:
    """The whole graph: `paths`, else the files of `data_dir`, else the shipped data; with the ontology."""
    from pactgraph import resources
    from pactgraph.loading import resolve_inputs

    ontology_files = _ontology(ontology)
    if paths:
        data = resolve_inputs(paths)
    else:
        folder = resources.data_dir() if data_dir is None else Path(data_dir)
        if data_dir is not None and not folder.is_dir():
            raise InputError(f"{folder}: --data-dir is not a directory")
        data = resources.data_files_under(folder) if folder.is_dir() else []
        if not data and data_dir is None:
            raise InputError(f"no shipped data found: no *.ttl under {folder}")
    return Scope(ontology=ontology_files, data=_unique(data, ontology_files), data_dir=None if data_dir is None else Path(data_dir))


def joined(
    new_paths: Sequence[str | Path],
    *,
    data_dir: str | Path | None = None,
    ontology: Sequence[str | Path] | None = None,
) -> Scope:
    """New files with the graph of `data_dir` (default: the shipped data) they join, less what they replace."""
    from pactgraph import resources
    from pactgraph.validation.inputs import parse_inputs, replaced_folders

    folder = resources.data_dir() if data_dir is None else Path(data_dir)
    if data_dir is not None and (str(data_dir).strip() == "" or not folder.is_dir()):
        raise InputError(f"{data_dir}: --data-dir is not a directory")
    new = parse_inputs(new_paths)
    skip_folders = replaced_folders(new, folder)
    new_files = [p.path for p in new]
    ontology_files = [p for p in _ontology(ontology) if p.resolve() not in {f.resolve() for f in new_files}]
    data = [
        p
        for p in _unique(resources.data_files_under(folder) if folder.is_dir() else [], new_files)
        if not any(f in p.resolve().parents for f in skip_folders)
    ]
    return Scope(ontology=ontology_files, data=_unique(data, ontology_files), new=new_files, data_dir=folder)


def is_report_file(path: Path) -> bool:
    """A file in a report folder (`.../reports/<slug>/report.ttl`): a unit of its own."""
    return "reports" in path.parent.parts


def choose_executor(scope: Scope, executor: Executor, narrowed: bool) -> Executor:
    """`auto` made concrete: units for joined validation and for large graphs, else one graph."""
    if executor.kind not in EXECUTORS:
        raise InputError(f"executor must be one of {', '.join(EXECUTORS)}, not {executor.kind!r}")
    jobs = executor.jobs
    if jobs is not None and jobs < 1:
        raise InputError("--jobs must be at least 1")
    kind = executor.kind
    if kind == "units" and narrowed:
        raise InputError("--focus and --shape work on one-graph validation: leave out --per-report and --jobs")
    reports = sum(1 for p in scope.data if is_report_file(p))
    if kind == "auto":
        # Measured (benchmarks/validation.py): one graph is fastest for the shipped graph (one report),
        # units from a few reports on (10k triples: 4.8 s against 9.3 s; 100k: 28 s against > 300 s).
        kind = "single" if narrowed else "units" if (scope.joined or reports >= AUTO_UNITS_REPORTS) else "single"
    if jobs is None:
        # A second process pays off only with enough units to share (a fork and the shapes compiled again).
        jobs = 1 if kind == "single" else max(1, min(os.cpu_count() or 1, reports // AUTO_REPORTS_PER_PROCESS))
    return Executor(kind, jobs, executor.cache_dir)


def validate(
    scope: Scope,
    executor: Executor | None = None,
    *,
    shapes: Sequence[str | Path] | None = None,
    focus: Iterable[str] | None = None,
    shape: Iterable[str] | None = None,
    fail_on: str = "violation",
    engine: str = "pyshacl",
) -> ValidationReport:
    """Validate `scope` with `executor` (default: auto) against `shapes` (default: the shipped shapes)."""
    from pactgraph import resources
    from pactgraph.loading import resolve_inputs

    if fail_on not in FAIL_ON:
        raise InputError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    if shapes is None:
        shape_files = resources.shape_files()
        if not shape_files:
            raise InputError(f"no shipped shapes found: no *.ttl under {resources.shapes_dir()}")
    else:
        shape_files = resolve_inputs(shapes)
    focus, shape = list(focus or ()), list(shape or ())
    chosen = choose_executor(scope, executor or Executor(), bool(focus or shape))
    if chosen.kind == "single":
        from pactgraph.validation.single import validate_single

        report = validate_single(scope, shape_files, focus, shape, fail_on, engine)
        report.run_info = {"executor": "single", "units": 1, "cached": 0, "jobs": 1}
    else:
        from pactgraph.validation.merge import validate_units

        report = validate_units(scope, shape_files, fail_on, engine, chosen)
    if scope.joined:
        info = report.run_info
        report = _located(report, scope)
        report.run_info = info
    return report


def _located(report: ValidationReport, scope: Scope) -> ValidationReport:
    """Each result with `FILE:LINE` of its focus node (a blank node: of the subject that holds it)."""
    from pactgraph.namespaces import Namer, with_extra
    from pactgraph.validation.inputs import Locator, display_path, parse_inputs

    parsed = parse_inputs(scope.new)
    declared: dict[str, str] = {}
    for p in parsed:
        for prefix, namespace in p.prefixes.items():
            declared.setdefault(prefix, namespace)
    namer = Namer(with_extra(declared))
    new_locator = Locator([(p.path, p.prefixes) for p in parsed], display_path)
    base_locator = Locator([(p, declared) for p in scope.data if p.suffix.lower() == ".ttl"], display_path)
    results = []
    for result in report.results:
        where = ""
        iri = _iri(result.focus_node, namer) or _iri(result.location_hint, namer)
        if iri:
            where = new_locator.find(iri) or base_locator.find(iri)
        results.append(replace(result, location=where, location_hint=""))
    return replace(report, results=results)


def _iri(name: str, namer: Any) -> str:
    if not name or name.startswith("_:") or name.startswith('"'):
        return ""
    try:
        return str(namer.expand(name))
    except ValueError:
        return ""


_BLANK = re.compile(r"_:\w+")


def result_key(result: ValidationResult) -> tuple[str, ...]:
    """A result's fields with blank-node labels left out: equal results of two runs compare equal."""
    return tuple(
        _BLANK.sub("_:", v)
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
