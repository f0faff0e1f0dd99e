"""A grown graph: a copy of data/ with fictional later reports added through the commands only.

`grow(data, work)` writes each report's text, starts it with `new-report`, gives it its
claims with `claim add` and `claims import` and moves it in with `add`; no Turtle is
written by hand. The reports are drawn from a seeded generator (PACTGRAPH_TEST_GROWTH_SEED,
default 17): their outlets, dates, certainties and polarities change with the seed, but
every seed gives what the graph's questions must cope with as it grows:

- propositions shared with the shipped report (Turkey joining, the talks' progress) and a
  new proposition shared by two of the new reports;
- relays: the first report relays the shipped one, each later one the report before it,
  and credits a claim to the outlet it relays (`pg:reportedFirstIn`);
- unnamed sources: the shipped report's officials again, and a new anonymous source,
  two of them speaking to one statement in one report;
- claims that disagree with earlier ones (another certainty or the other polarity) and
  claims that agree with them (a relayed claim, a named person repeating herself).

Every article says in its first line that it is fictional; every name in it is invented
except the shipped graph's own (the officials, Alexei Portanskiy, the outlets relayed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from pactgraph.cli.main import app

SEED = int(os.environ.get("PACTGRAPH_TEST_GROWTH_SEED", "17"))

SHIPPED_REPORT = "pgr:report-reference-news-2026-01-12"
JOINS = "pgr:proposition-turkey-joins-alliance"
PROGRESS = "pgr:proposition-negotiations-advanced"
OFFICIALS = "pgr:anonymous-officials"
PORTANSKIY = "pgr:alexei-portanskiy"

#: The new proposition the first report declares and a later one reuses.
EXERCISES = "The Saudi–Pakistan alliance holds joint naval exercises with Turkey"
#: Fictional outlets, persons and an anonymous source (the graph has none named like them).
OUTLETS = ["Harbour Ledger", "Fictional Meridian", "Lantern Post", "Quarry Herald"]
PERSON = "Mara Quillfeather"
DIPLOMAT = "a fictional envoy"

CERTAINTIES = ["certain", "probable", "possible", "underspecified"]
LEADS = {
    "certain": "it is certain that",
    "probable": "it is probable that",
    "possible": "it is possible that",
    "underspecified": "no one can yet say whether",
}
CLAUSES = {
    JOINS: ("Turkey will join the alliance", "Turkey will not join the alliance"),
    PROGRESS: ("the talks have made progress", "the talks have not made progress"),
    EXERCISES: ("the alliance will hold naval exercises with Turkey", "the alliance will hold no naval exercises with Turkey"),
}
#: Words that keep every quote of one text unique.
TAILS = ["this year", "before long", "in the coming months", "by the autumn", "after the summit", "in time",
         "within weeks", "this spring"]
SPEAKERS = {
    OFFICIALS: "Officials who did not want to be named said that",
    PORTANSKIY: "Alexei Portanskiy said that",
    PERSON: f"{PERSON}, a fictional deputy minister, said that",
    DIPLOMAT: "A fictional envoy, who asked not to be named, said that",
}


@dataclass
class Claim:
    claimant: str  # a name or prefixed name of the graph, or PERSON / DIPLOMAT / an outlet name
    proposition: str  # a prefixed name, or EXERCISES
    certainty: str
    polarity: str
    time: str
    quote: str = ""


@dataclass
class Report:
    outlet: str
    date: str
    relays: str
    slug: str
    claims: list[Claim] = field(default_factory=list)
    by_sheet: bool = True

    @property
    def iri(self) -> str:
        return f"pgr:report-{self.slug}"


@dataclass
class Grown:
    """The grown data folder and what was added to it."""

    data: Path
    seed: int
    reports: list[Report]

    @property
    def report_iris(self) -> list[str]:
        return [r.iri for r in self.reports]


def _slug(outlet: str, date: str) -> str:
    return f"{outlet.lower().replace(' ', '-')}-{date}"


def plan(seed: int = SEED, count: int = 3) -> list[Report]:
    """The reports to add, drawn from `seed`: at least three, so each relays the one before."""
    rng = random.Random(seed)

    def other(certainty: str) -> str:
        return rng.choice([c for c in CERTAINTIES if c != certainty])

    count = max(count, 3)
    outlets = rng.sample(OUTLETS, count) if count <= len(OUTLETS) else [f"{OUTLETS[0]} {n}" for n in range(count)]
    day = dt.date(2026, 1, 20) + dt.timedelta(days=rng.randrange(10))
    reports: list[Report] = []
    for n in range(count):
        if n:
            day += dt.timedelta(days=rng.choice([0, 1, 3, 7]))  # 0: two reports of one day
        date = day.isoformat()
        relays = SHIPPED_REPORT if n == 0 else reports[-1].iri
        report = Report(outlets[n], date, relays, _slug(outlets[n], date), by_sheet=n != 1)
        if n == 0:
            unnamed = rng.choice(CERTAINTIES)
            report.claims += [
                # The shipped report's officials again, on its proposition, with another certainty (a revision).
                Claim(OFFICIALS, JOINS, other("probable"), "positive", "future"),
                # Two unnamed sources deny one statement that no named claimant denies: both rest only on them.
                Claim(DIPLOMAT, EXERCISES, unnamed, "negative", "future"),
                Claim(OFFICIALS, EXERCISES, rng.choice([unnamed, other(unnamed)]), "negative", "future"),
                Claim(PERSON, EXERCISES, rng.choice(CERTAINTIES[:3]), "positive", "future"),
                # A contradiction of the shipped report: the progress it reports, denied.
                Claim(report.outlet, PROGRESS, "certain", "negative", "non-future"),
            ]
        else:
            before = reports[-1]
            repeated = before.claims[0] if n == 1 else rng.choice(before.claims)
            report.claims += [
                # A relayed claim: the earlier outlet's own words, credited to it (agrees with its original).
                Claim(before.outlet, *_own(before)),
                # Portanskiy revises or repeats his assessment of the shipped report.
                Claim(PORTANSKIY, JOINS, rng.choice(CERTAINTIES), rng.choice(["positive", "negative"]), "future"),
                # The same proposition as an earlier claim, agreeing or not.
                Claim(repeated.claimant if repeated.claimant in (OFFICIALS, PERSON) else OFFICIALS,
                      repeated.proposition, rng.choice([repeated.certainty, other(repeated.certainty)]),
                      repeated.polarity, repeated.time),
            ]
            if n == 1:  # she repeats herself: agrees with her earlier claim
                earlier = next(c for c in reports[0].claims if c.claimant == PERSON)
                report.claims.append(Claim(PERSON, EXERCISES, earlier.certainty, "positive", "future"))
            report.claims.append(Claim(report.outlet, PROGRESS, rng.choice(CERTAINTIES[:3]),
                                       rng.choice(["positive", "negative"]), "non-future"))
        for number, claim in enumerate(report.claims):
            positive, negative = CLAUSES[claim.proposition]
            clause = positive if claim.polarity == "positive" else negative
            claim.quote = f"{LEADS[claim.certainty]} {clause} {TAILS[number]}"
        reports.append(report)
    return reports


def _own(report: Report) -> tuple[str, str, str, str]:
    """The proposition, certainty, polarity and time of the outlet's own claim in `report`."""
    own = next(c for c in report.claims if c.claimant == report.outlet)
    return own.proposition, own.certainty, own.polarity, own.time


def article(report: Report) -> str:
    lines = [
        "FICTIONAL TEST ARTICLE - not a real report. Written for pactgraph's tests; every name in it is invented.",
        f"{report.outlet}, {report.date}. The {report.outlet} reports on the talks about the Saudi-Pakistan alliance.",
    ]
    for claim in report.claims:
        speaker = SPEAKERS.get(claim.claimant, f"The {claim.claimant} writes that")
        lines.append(f"{speaker} {claim.quote}.")
    return "\n".join(lines) + "\n"


def _sheet(report: Report, first: bool) -> str:
    out = io.StringIO()
    columns = ["kind", "label", "claimant", "role", "quote", "proposition", "certainty", "polarity", "time",
               "description", "about", "subject", "predicate", "object"]
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    if first:
        writer.writerow({"kind": "person", "label": PERSON, "role": "on-record-official",
                         "description": "A fictional deputy minister, invented for pactgraph's tests."})
        writer.writerow({"kind": "anonymous-source", "label": DIPLOMAT,
                         "description": "An envoy the fictional report does not name."})
        writer.writerow({"kind": "proposition", "label": EXERCISES,
                         "about": "pgr:turkey; pgr:saudi-pakistan-alliance", "subject": "pgr:saudi-pakistan-alliance",
                         "predicate": "pg:pursues", "object": '"joint naval exercises with Turkey"'})
    for claim in report.claims:
        writer.writerow({"kind": "claim", "claimant": claim.claimant, "quote": claim.quote,
                         "proposition": claim.proposition, "certainty": claim.certainty,
                         "polarity": claim.polarity, "time": claim.time})
    return out.getvalue()


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, f"pactgraph {' '.join(args)}: exit {result.exit_code}\n{result.output}"
    return result.output


def grow(data: Path, work: Path, seed: int = SEED, count: int = 3) -> Grown:
    """Copy the shipped data/ to `data` and add the planned reports with the commands; `validate` conforms."""
    from pactgraph import resources

    shutil.copytree(resources.data_dir(), data)
    work.mkdir(parents=True, exist_ok=True)
    reports = plan(seed, count)
    for n, report in enumerate(reports):
        text = work / f"{report.slug}.txt"
        text.write_text(article(report), encoding="utf-8")
        _run("new-report", str(text), "--publisher", report.outlet, "--date", report.date, "--language", "en",
             "--relays", report.relays, "--data-dir", str(data), "--draft-dir", str(work / "drafts"))
        folder = work / "drafts" / report.slug
        if report.by_sheet:
            sheet = work / f"{report.slug}.csv"
            sheet.write_text(_sheet(report, first=n == 0), encoding="utf-8")
            _run("claims", "import", str(folder), str(sheet), "--data-dir", str(data))
        else:
            for claim in report.claims:
                _run("claim", "add", str(folder), "--claimant", claim.claimant, "--quote", claim.quote,
                     "--proposition", claim.proposition, "--certainty", claim.certainty,
                     "--polarity", claim.polarity, "--time", claim.time, "--data-dir", str(data))
        _run("add", str(folder / "report.ttl"), "--data-dir", str(data))
    _run("validate", "--data-dir", str(data))
    return Grown(data, seed, reports)
