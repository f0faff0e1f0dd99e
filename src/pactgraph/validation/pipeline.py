"""One validation pipeline: a scope (what is checked) and an executor (how) as parameters.

Scopes: the whole graph (every result), or new files joined with the graph they
join (only the new files' own problems: results on their nodes, and results on
the graph's nodes that the graph without them does not have). Executors: one
process over one graph (`single`, the reference), or units — a file with the
triples it reaches — in one or more processes with a result cache (`units`),
or on the workers of a Dask cluster with the same cache (`dask`, validation.cluster),
for the shapes that read only forward of their focus nodes; the other shapes
run once over the whole graph (validation.locality). Every scope gives the same
results with every executor; `auto` picks the faster.
Before any engine runs, the stored text files are read (validation.storedtext),
so an edited or missing text fails on every path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.validation.report import FAIL_ON, ValidationReport
from pactgraph.validation.scope import Scope, is_report_file

EXECUTORS = ("auto", "single", "units", "dask")
#: From this many report files on, `auto` validates in units.
AUTO_UNITS_REPORTS = 1
#: Report files per worker process that make one more process worth starting.
AUTO_REPORTS_PER_PROCESS = 40


@dataclass(frozen=True)
class Executor:
    """How a scope is validated: `single`, `units` or `dask`, `jobs` processes, a result cache folder
    (units and dask), the address of a Dask scheduler (dask; with `auto`: used when units are chosen)."""

    kind: str = "auto"
    jobs: int | None = None
    cache_dir: Path | None = None
    scheduler: str | None = None


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
    if kind == "dask":
        if not executor.scheduler:
            raise InputError("the dask executor needs the address of a Dask scheduler (--scheduler ADDRESS)")
        if narrowed:
            raise InputError("--focus and --shape work on one-graph validation: leave out --scheduler")
        return Executor("dask", None, executor.cache_dir, executor.scheduler)
    reports = sum(1 for p in scope.data if is_report_file(p))
    if kind == "auto":
        # Measured (benchmarks/validation.py): units cost less from one report on (the shipped graph:
        # 0.46 s of CPU against 0.60 s; 10k triples: 4.8 s against 9.3 s; 100k: 28 s against > 300 s).
        kind = "single" if narrowed else "units" if (scope.joined or reports >= AUTO_UNITS_REPORTS) else "single"
    if kind == "units" and executor.scheduler:
        # A configured scheduler (validate.scheduler) takes the units when units are chosen.
        return Executor("dask", None, executor.cache_dir, executor.scheduler)
    if jobs is None:
        # A second process pays off only with enough units to share (a fork and the shapes compiled again),
        # or, joined, for the one unit of the new files while the whole-graph shapes run here
        # (units.run_units: a 10k-claim report joined, 24 s of wall time against 29).
        share = max(reports // AUTO_REPORTS_PER_PROCESS, 2 if scope.joined else 1)
        jobs = 1 if kind == "single" else max(1, min(os.cpu_count() or 1, share))
    return Executor(kind, jobs, executor.cache_dir, executor.scheduler)


def run(
    scope: Scope,
    executor: Executor,
    *,
    shapes: Sequence[str | Path] | None = None,
    focus: Iterable[str] | None = None,
    shape: Iterable[str] | None = None,
    fail_on: str = "violation",
    engine: str,
) -> ValidationReport:
    """Validate `scope` with `executor` against `shapes` (default: the shipped shapes), with `engine`.

    The scope and executor made explicit; `validation.validate` (the entry point) chooses them."""
    from pactgraph import resources
    from pactgraph.rdf.loading import resolve_inputs

    if fail_on not in FAIL_ON:
        raise InputError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    if shapes is None:
        shape_files = resources.shape_files()
        if not shape_files:
            raise InputError(f"no shipped shapes found: no *.ttl under {resources.shapes_dir()}")
    else:
        shape_files = resolve_inputs(shapes)
    focus, shape = list(focus or ()), list(shape or ())
    chosen = choose_executor(scope, executor, bool(focus or shape))
    if chosen.kind == "single":
        from pactgraph.rdf.loading import load_graph
        from pactgraph.validation.single import validate_single

        report = validate_single(scope, load_graph(shape_files), focus, shape, fail_on, engine)
        report.run_info = {"executor": "single", "units": 1, "cached": 0, "jobs": 1}
    else:  # units, here or on a Dask cluster
        from pactgraph.validation.merge import validate_units

        report = validate_units(scope, shape_files, fail_on, engine, chosen)
    info = report.run_info
    if scope.joined:
        report = _located(report, scope)
    from pactgraph.validation.hints import with_hints

    report = with_hints(report, scope)
    report.run_info = info
    return report


def _located(report: ValidationReport, scope: Scope) -> ValidationReport:
    """Each result with `FILE:LINE` of its focus node (a blank node: of the subject that holds it)."""
    from pactgraph.rdf.namespaces import Namer, with_extra
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
