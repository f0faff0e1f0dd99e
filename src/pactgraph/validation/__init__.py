"""SHACL validation: one pipeline (scope and executor as parameters), its report and formats.

- `pipeline`: `whole_graph()` / `joined()` scopes, `Executor` (single, units, auto), `validate()`;
- `single` and `merge` + `units`: the two executors; `storedtext`: the file facts every path adds;
- `engine`: pySHACL and pyshacl-turbo behind one interface; `bindings`: fast focus binding for pySHACL;
- `report`, `names`, `formats`: the report as plain data, display names, the output formats;
- `inputs`: the files of a joined validation and where their nodes stand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pactgraph.validation.engine import ENGINES, engine_runner, validate_graphs, validation_graph
from pactgraph.validation.formats import FORMATTERS, format_json, format_table, format_text, format_turtle
from pactgraph.validation.pipeline import EXECUTORS, Executor
from pactgraph.validation.scope import Scope, joined, whole_graph
from pactgraph.validation.pipeline import validate as run
from pactgraph.validation.report import FAIL_ON, SEVERITIES, ValidationReport, ValidationResult, severity_rank
from pactgraph.validation.units import default_cache_dir

__all__ = [
    "ENGINES",
    "EXECUTORS",
    "FAIL_ON",
    "FORMATTERS",
    "SEVERITIES",
    "Executor",
    "Scope",
    "ValidationReport",
    "ValidationResult",
    "default_cache_dir",
    "engine_runner",
    "format_json",
    "format_table",
    "format_text",
    "format_turtle",
    "joined",
    "run",
    "severity_rank",
    "validate",
    "validate_graphs",
    "validate_with_graph",
    "validation_graph",
    "whole_graph",
]


def validate(
    data: Sequence[str | Path] | None = None,
    shapes: Sequence[str | Path] | None = None,
    *,
    ontology: Sequence[str | Path] | None = None,
    focus: Iterable[str] | None = None,
    shape: Iterable[str] | None = None,
    fail_on: str = "violation",
    engine: str = "pyshacl",
    executor: Executor | None = None,
) -> ValidationReport:
    """The whole graph of `data` (default: the shipped data) with the ontology, against `shapes`."""
    scope = whole_graph(data, ontology=ontology)
    return run(scope, executor or Executor("single"), shapes=shapes, focus=focus, shape=shape, fail_on=fail_on,
               engine=engine)


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
    executor: Executor | None = None,
) -> ValidationReport:
    """New files with the graph of `data_dir` they join: only their own problems, each with FILE:LINE."""
    scope = joined(new_paths, data_dir=data_dir, ontology=ontology)
    return run(scope, executor, shapes=shapes, focus=focus, shape=shape, fail_on=fail_on, engine=engine)
