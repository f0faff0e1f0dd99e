"""report.ttl as `pactgraph new-report` writes it, from the Jinja2 template templates/report.ttl.j2.

Every literal goes through a serializer (pyoxigraph, rdflib for the multi-line stored text);
text shown in comments has its line breaks removed so it cannot leave the comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pactgraph.contributing import CONTEXT, REPORTS, TEXT_NAME, turtle_long_string, turtle_string
from pactgraph.contributing.anchoring import prefix_of, suffix_of
from pactgraph.contributing.storyline import EarlierReports
from pactgraph.rdf.namespaces import PGR, shorten
from pactgraph.rdf.namespaces import PREFIXES as PROJECT_PREFIXES

#: The prefixes report.ttl declares, in this order.
_PREFIX_NAMES = ("oa", "org", "pg", "pgr", "pgv", "prov", "rdf", "rdfs", "schema", "sem", "skos", "xsd")
SCHEMES = ("pgv:source-role", "pgv:certainty", "pgv:polarity", "pgv:time-orientation")


def _comment(value: object) -> str:
    """Text for inside a `#` comment line: line breaks become spaces, so nothing escapes the comment."""
    return " ".join(str(value).splitlines())


def _template() -> Any:
    """report.ttl.j2 with the filters that write Turtle terms (pyoxigraph and rdflib serialise literals)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pactgraph.contributing", "templates"),
        autoescape=False,  # Turtle, not HTML: every literal goes through a serializer filter
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["literal"] = turtle_string
    env.filters["long_literal"] = turtle_long_string
    env.filters["en"] = lambda value: _language_literal(str(value), "en")
    env.filters["comment"] = _comment
    env.filters["iri"] = shorten
    return env.get_template("report.ttl.j2")


def _language_literal(value: str, language: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(value, language=language))


def report_turtle(
    *,
    text: str,
    digest: str,
    slug: str,
    report: str,
    existing: dict[str, Any] | None,
    outlet: str,
    outlet_name: str,
    define_outlet: bool,
    published: dt.date,
    language: str,
    text_language: str,
    url: str | None,
    report_label: str,
    earlier: EarlierReports,
    spans: list[tuple[int, int]],
    nearest: Sequence[Sequence[tuple[str, str]]],
    concepts: dict[str, list[tuple[str, str, str]]],
) -> str:
    """report.ttl: the report, its publisher if new, the earlier reports it relays or mentions that are new,
    the stored text, the sentences (each with the nearest existing propositions), the claim skeleton.

    `nearest`: for each sentence, (IRI, name) of the closest existing propositions;
    `concepts`: for each of SCHEMES, its concepts as (prefixed name, label, definition).
    """
    width = max(2, len(str(len(spans))))
    sentence_rows = [
        {
            "n": n,
            "number": f"{n:0{width}d}",
            "start": start,
            "end": end,
            "exact": text[start:end],
            "prefix": prefix_of(text, start),
            "suffix": suffix_of(text, end),
            "nearest": [(shorten(iri), name) for iri, name in close],
        }
        for n, ((start, end), close) in enumerate(zip(spans, nearest, strict=True), 1)
    ]
    return _template().render(
        prefixes=[(p, PROJECT_PREFIXES[p]) for p in _PREFIX_NAMES],
        r=shorten(report),
        t=shorten(PGR + "text-" + slug),
        o=shorten(outlet),
        claim=f"pgr:claim-{slug}-01",
        report_label=report_label,
        stored_at=f"{REPORTS}/{slug}/{TEXT_NAME}",
        define_outlet=define_outlet,
        outlet_name=outlet_name,
        existing=existing,
        published=published,
        language=language,
        text_language=text_language,
        url=url,
        relays=[shorten(iri) for iri in earlier.relays],
        mentions=[shorten(iri) for iri in earlier.mentions],
        new_outlets=earlier.new_outlets,
        new_reports=earlier.new_reports,
        text=text,
        digest=digest,
        sentences=sentence_rows,
        context=CONTEXT,
        concepts={scheme: _concept_lines(concepts.get(scheme, [])) for scheme in SCHEMES},
    )


def _concept_lines(concepts: list[tuple[str, str, str]]) -> str:
    lines = []
    for name, label, definition in concepts:
        lines.append(_comment(f"#     {name:<38} {definition or label}"))
    return "\n".join(lines)
