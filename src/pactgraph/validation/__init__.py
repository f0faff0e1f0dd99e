"""SHACL validation: one entry point (`validate`, the defaults of `pactgraph validate`) over one pipeline.

- `command.validate`: the entry point; `command.explain`: where each shape runs and why;
- `pipeline.run`: a scope (`whole_graph()` / `joined()`) and an executor (single, units, auto) made explicit;
- `single` and `merge` + `units`: the two executors; `locality`: which shapes units can run;
  `storedtext`: the file facts every path adds;
- `engine`: pySHACL and pyshacl-turbo behind one interface; `bindings`: fast focus binding for pySHACL;
- `report`, `names`, `formats`: the report as plain data, display names, the output formats;
- `inputs`: the files of a joined validation and where their nodes stand.
"""

from __future__ import annotations

from pactgraph.validation.command import explain, validate
from pactgraph.validation.engine import ENGINES, engine_runner, validate_graphs, validation_graph
from pactgraph.validation.formats import FORMATTERS, format_json, format_table, format_text, format_turtle
from pactgraph.validation.pipeline import EXECUTORS, Executor, run
from pactgraph.validation.report import FAIL_ON, SEVERITIES, ValidationReport, ValidationResult, severity_rank
from pactgraph.validation.scope import Scope, joined, whole_graph
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
    "explain",
    "format_json",
    "format_table",
    "format_text",
    "format_turtle",
    "joined",
    "run",
    "severity_rank",
    "validate",
    "validate_graphs",
    "validation_graph",
    "whole_graph",
]
