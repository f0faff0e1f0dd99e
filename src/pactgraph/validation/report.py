"""A validation report as plain data: results sorted for people, counts, the verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Severity names, most severe first; `--fail-on` takes their lower-case form.
SEVERITIES = ("Violation", "Warning", "Info")
FAIL_ON = tuple(s.lower() for s in SEVERITIES)
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
    #: For a blank focus node: the name of the subject that holds it, used to find `location`.
    location_hint: str = field(default="", compare=False)

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
    #: Each result's node in `graph` (set by the engine run; empty for merged reports).
    result_nodes: dict[ValidationResult, Any] = field(default_factory=dict, repr=False, compare=False)
    #: How the run went: executor, engine, units, cached units, processes (for people and benchmarks).
    run_info: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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
