"""The report formats of `pactgraph validate`: text, table, json, turtle."""

from __future__ import annotations

import json

from pactgraph.validation.report import ValidationReport


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
    from pactgraph.query.querying import render_table

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
