"""The earlier reports a new report relays or mentions: found in the graph, or created from "OUTLET, DATE[, LANG]".

A story grows by reports that retell others ("AFP reported on 31 January...").
`new-report --relays` and `--mentions` take an existing report (`pgr:report-...`)
or the outlet and date of one; a report the graph does not have yet is created
in the new report's file (with its outlet, if that is new too), known only by
its outlet, date and language, as the shipped Bloomberg report is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import PGR, expand, shorten

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def _rows(store: Any, query: str) -> list[dict[str, Any]]:
    from pactgraph.query.querying import run_query

    return run_query(store, query).bindings()


@dataclass(frozen=True)
class NewOutlet:
    """An outlet of an earlier report that the graph does not have yet."""

    iri: str
    name: str


@dataclass(frozen=True)
class EarlierReport:
    """A report the graph does not have yet, known only by its outlet, date and language."""

    iri: str
    label: str
    published: dt.date
    language: str
    publisher: str


@dataclass
class EarlierReports:
    """What --relays and --mentions name: report IRIs, and the reports and outlets the new file must define."""

    relays: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    new_outlets: list[NewOutlet] = field(default_factory=list)
    new_reports: list[EarlierReport] = field(default_factory=list)


def earlier_reports(
    store: Any, relays: str | Sequence[str] | None, mentions: Sequence[str] | None, published: dt.date
) -> EarlierReports:
    """The relayed and mentioned reports for the options given, with the ones to create in the new file."""
    relays = [relays] if isinstance(relays, str) else list(relays or [])
    found = EarlierReports()
    reports = {r["r"].value for r in _rows(store, "SELECT ?r WHERE { ?r a pg:Report }")}
    outlets = _outlets(store)
    for option, specs, chosen in (("--relays", relays, found.relays), ("--mentions", list(mentions or []), found.mentions)):
        for spec in specs:
            iri = _report(store, found, spec.strip(), option, reports, outlets, published)
            if iri not in chosen:
                chosen.append(iri)
    return found


def _outlets(store: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in _rows(
        store, "SELECT ?o ?name WHERE { ?o a pg:NewsOutlet OPTIONAL { ?o rdfs:label|schema:name|skos:altLabel ?name } }"
    ):
        found.setdefault(row["o"].value, [])
        if "name" in row:
            found[row["o"].value].append(row["name"].value)
    return found


def _english(names: list[str], iri: str) -> str:
    return names[0] if names else shorten(iri)


def _report(
    store: Any,
    found: EarlierReports,
    spec: str,
    option: str,
    reports: set[str],
    outlets: dict[str, list[str]],
    published: dt.date,
) -> str:
    from pactgraph.contributing import slugify
    from pactgraph.contributing.identity import outlet_likeness

    if "," not in spec:
        try:
            iri = expand(spec)
        except ValueError as err:
            raise InputError(f"{option} {spec}: {err}; give a report (pgr:report-...) or 'OUTLET, YYYY-MM-DD[, LANG]'") from None
        if iri not in reports:
            import difflib

            close = difflib.get_close_matches(shorten(iri), sorted(shorten(r) for r in reports), n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(close)}" if close else ""
            raise InputError(
                f"{option} {spec}: no pg:Report with that IRI in the graph{hint}; to add one known only by outlet "
                f"and date give {option} 'OUTLET, YYYY-MM-DD, LANG'"
            )
        return iri
    parts = [p.strip() for p in spec.split(",")]
    if len(parts) not in (2, 3) or not all(parts):
        raise InputError(f"{option} {spec!r}: expected 'OUTLET, YYYY-MM-DD' or 'OUTLET, YYYY-MM-DD, LANG'")
    name, date_text = parts[0], parts[1]
    from pactgraph.contributing import parse_date

    date = parse_date(date_text, f"{option} {spec!r}:")
    if date > published:
        raise InputError(f"{option} {spec!r}: that report is dated after the new one ({published.isoformat()})")
    outlet = None
    if re.match(r"^[A-Za-z][\w.\-]*:\S+$", name) or name.startswith("<"):
        try:
            outlet = expand(name)
        except ValueError as err:
            raise InputError(f"{option} {spec!r}: {err}") from None
        if outlet not in outlets:
            raise InputError(f"{option} {spec!r}: {name} is not a news outlet of the graph")
    else:
        same, like = outlet_likeness(name, outlets)
        if len(same) == 1:
            outlet = same[0]
        elif like or len(same) > 1:
            shown = ", ".join(f"{shorten(i)} ({_english(outlets[i], i)})" for i in same + like)
            raise InputError(f"{option} {spec!r}: {name!r} is named like {shown}; give the outlet as a prefixed name")
    for row in _rows(
        store,
        f'SELECT ?r WHERE {{ ?r a pg:Report ; schema:publisher ?o ; schema:datePublished ?d '
        f'FILTER (STR(?d) = "{date.isoformat()}") }}',
    ):
        if outlet is not None and _publisher_of(store, row["r"].value) == outlet:
            return row["r"].value
    if len(parts) < 3:
        raise InputError(
            f"{option} {spec!r}: the graph has no such report; to create it, give its language too: "
            f"{option} '{name}, {date.isoformat()}, LANG' (e.g. en, fr)"
        )
    language = parts[2]
    if not _LANGUAGE.match(language):
        raise InputError(f"{option} {spec!r}: {language!r} is not a language code such as en or fr")
    if outlet is None:
        slug = slugify(name)
        if not slug:
            raise InputError(f"{option} {spec!r}: cannot make an identifier from {name!r}")
        outlet = PGR + slug
        found.new_outlets.append(NewOutlet(outlet, name))
        outlets[outlet] = [name]
    outlet_name = _english(outlets[outlet], outlet)
    report = PGR + f"report-{outlet[len(PGR):] if outlet.startswith(PGR) else slugify(outlet_name)}-{date.isoformat()}"
    if report in reports:
        raise InputError(f"{option} {spec!r}: {shorten(report)} exists but is not that outlet's report of that date")
    label = f"{outlet_name} report of {date.day} {_MONTHS[date.month - 1]} {date.year}"
    found.new_reports.append(EarlierReport(report, label, date, language, outlet))
    reports.add(report)
    return report


def _publisher_of(store: Any, report: str) -> str:
    rows = _rows(store, f"SELECT ?o WHERE {{ <{report}> schema:publisher ?o }}")
    return rows[0]["o"].value if rows else ""
