"""Hints added to results after validation: what a person needs to fix them, which SPARQL cannot compute.

A dangling pgr: reference is most often a typo; its result names the three existing
pgr: IRIs whose local names are closest to it (difflib's ratio), as a spelling
checker would.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any

from pactgraph.rdf.namespaces import PGR
from pactgraph.validation.report import ValidationReport

DANGLING = "pgsh:Graph-danglingReference"


def _local(value: str) -> str:
    if value.startswith("pgr:"):
        return value[4:]
    if value.startswith("<" + PGR) and value.endswith(">"):
        return value[len(PGR) + 1 : -1]
    return ""


def _subjects(scope: Any) -> list[str]:
    """Local names of the pgr: IRIs that are subjects in the scope's files."""
    import pyoxigraph as ox

    from pactgraph.rdf.loading import parse_with_prefixes

    found: set[str] = set()
    for path in [*scope.ontology, *scope.data, *scope.new]:
        for quad in parse_with_prefixes(path)[0]:
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(PGR):
                found.add(quad.subject.value[len(PGR) :])
    return sorted(found)


def with_hints(report: ValidationReport, scope: Any) -> ValidationReport:
    """`report` with the nearest existing IRIs added to each dangling-reference message."""
    dangling = [r for r in report.results if r.source_constraint == DANGLING and _local(r.value)]
    if not dangling:
        return report
    names = _subjects(scope)
    results = []
    for result in report.results:
        local = _local(result.value) if result.source_constraint == DANGLING else ""
        nearest = difflib.get_close_matches(local, names, n=3, cutoff=0.0) if local else []
        if nearest:
            shown = ", ".join(f"pgr:{n}" for n in nearest)
            result = replace(result, message=f"{result.message}; nearest existing: {shown}")
        results.append(result)
    return replace(report, results=results)
