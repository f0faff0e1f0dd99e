"""`pactgraph new-report`: a report folder from an article's text, in the project's vocabulary.

The folder `reports/<slug>/` gets the text verbatim as `article.txt` and a
`report.ttl` that conforms as written: the report node (unless the graph already
has it, e.g. a report so far known only as relayed), its publisher (an existing
outlet, or a new one defined in the file), the stored text with its SHA-256, the
sentences with their selectors, and a commented skeleton for the claims.
The Turtle itself comes from report_turtle (a Jinja2 template); this module
checks the options and asks the graph what the file needs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactgraph.contributing import REPORT_NAME, REPORTS, TEXT_NAME, parse_date, read_text_file, slugify
from pactgraph.data_dirs import graph_files
from pactgraph.contributing.anchoring import sentences
from pactgraph.contributing.identity import outlet_likeness, same_text
from pactgraph.errors import InputError, PactgraphError
from pactgraph.rdf.namespaces import PGR, expand, shorten

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"{}|\\^`]+$")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


class ReportExistsError(PactgraphError):
    """The report is already there: new-report does not overwrite (exit status 1)."""


@dataclass
class NewReport:
    """What new-report created."""

    folder: Path
    slug: str
    report: str
    text: str
    publisher: str
    sentences: int
    notes: list[str] = field(default_factory=list)
    # Sentences under which report.ttl lists close propositions: a long sentence may share too few words with any.
    sentences_with_nearest: int = 0

    @property
    def report_file(self) -> Path:
        return self.folder / REPORT_NAME

    @property
    def text_file(self) -> Path:
        return self.folder / TEXT_NAME


def _rows(store: Any, query: str, **params: Any) -> list[dict[str, Any]]:
    """SELECT rows as dicts; `params` are pyoxigraph terms bound with VALUES (internal lookups only)."""
    from pactgraph.query.querying import run_query

    if params:
        values = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in params.items())
        head, sep, rest = query.partition("{")
        query = head + sep + values + " " + rest
    return run_query(store, query).bindings()


def _value(row: dict[str, Any], name: str) -> str:
    term = row.get(name)
    return "" if term is None else term.value


def human_date(date: dt.date) -> str:
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def _nearest(wanted: str, candidates: list[str], n: int = 3) -> str:
    close = difflib.get_close_matches(wanted, candidates, n=n, cutoff=0.5)
    return f"; nearest: {', '.join(close)}" if close else ""


def _outlet_labels(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = {}
    for row in rows:
        labels.setdefault(_value(row, "outlet"), []).append(_value(row, "name"))
    return labels


def _resolve_publisher(store: Any, publisher: str, new_outlet: bool = False) -> tuple[str, str, bool]:
    """(outlet IRI, its English name, whether the file must define it) for --publisher."""
    outlets = _rows(
        store,
        """SELECT ?outlet ?name WHERE {
             ?outlet a pg:NewsOutlet .
             OPTIONAL { ?outlet rdfs:label|schema:name|skos:altLabel ?name }
           }""",
    )
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    for row in outlets:
        iri = _value(row, "outlet")
        names.setdefault(iri, "")
        name = _value(row, "name")
        if name:
            labels.setdefault(name.casefold(), iri)
    english = _rows(
        store,
        'SELECT ?outlet ?name WHERE { ?outlet a pg:NewsOutlet ; rdfs:label ?name FILTER (LANG(?name) = "en") }',
    )
    for row in english:
        names[_value(row, "outlet")] = _value(row, "name")
    text = publisher.strip()
    if not text.startswith("<") and not re.match(r"^[A-Za-z][\w.\-]*:\S", text):
        same, like = outlet_likeness(text, _outlet_labels(outlets))
        if len(same) == 1:
            return same[0], names.get(same[0]) or text, False
        if like and not new_outlet:
            choices = ", ".join(f"{shorten(i)} ({names.get(i) or shorten(i)})" for i in like)
            raise InputError(
                f"--publisher {text!r} is named like {choices}: give --publisher {shorten(like[0])} to use it, "
                "or add --new-outlet if it is another outlet"
            )
    if not text:
        raise InputError("--publisher is empty: give an outlet (pgr:reference-news) or a new outlet's name")
    looks_like_iri = text.startswith("<") or re.match(r"^[A-Za-z][\w.\-]*:\S", text) is not None
    if looks_like_iri and " " not in text:
        try:
            iri = expand(text)
        except ValueError as err:
            raise InputError(f"--publisher: {err}") from None
        if iri not in names:
            shown = [shorten(i) for i in names]
            raise InputError(
                f"--publisher {text}: no news outlet with that IRI in the graph{_nearest(shorten(iri), shown)}; "
                "give an existing outlet, or the name of a new outlet in words"
            )
        return iri, names[iri] or shorten(iri), False
    if text.casefold() in labels:
        iri = labels[text.casefold()]
        return iri, names.get(iri) or text, False
    slug = slugify(text)
    if not slug:
        raise InputError(f"--publisher {text!r}: cannot make an identifier from it; use letters or digits")
    iri = PGR + slug
    taken = _rows(store, "SELECT ?type WHERE { ?s ?p ?o OPTIONAL { ?s a ?type } }", s=_node(iri))
    if taken:
        types = sorted({shorten(_value(r, "type")) for r in taken if _value(r, "type")})
        raise InputError(
            f"--publisher {text!r}: {shorten(iri)} already names something that is not a news outlet "
            f"({', '.join(types) or 'untyped'}); give the outlet as a prefixed name"
        )
    return iri, text, True


def _node(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _taken_slugs(store: Any, data_dir: Path) -> set[str]:
    taken: set[str] = set()
    folder = data_dir / REPORTS
    if folder.is_dir():
        taken.update(p.name for p in folder.iterdir())
    for row in _rows(store, "SELECT ?report WHERE { ?report pg:hasSourceText ?text }"):
        iri = _value(row, "report")
        if iri.startswith(PGR + "report-"):
            taken.add(iri[len(PGR + "report-") :])
    return taken


def _existing_report(store: Any, iri: str) -> dict[str, Any] | None:
    rows = _rows(
        store,
        """SELECT ?type ?text ?url WHERE {
             ?r ?p ?o .
             OPTIONAL { ?r a ?type } OPTIONAL { ?r pg:hasSourceText ?text } OPTIONAL { ?r schema:url ?url }
           }""",
        r=_node(iri),
    )
    if not rows:
        return None
    return {
        "types": {_value(r, "type") for r in rows if _value(r, "type")},
        "text": any(_value(r, "text") for r in rows),
        "url": any(_value(r, "url") for r in rows),
    }


def scheme_concepts(store: Any, scheme: str) -> list[tuple[str, str, str]]:
    rows = _rows(
        store,
        """SELECT ?c ?label ?definition WHERE {
             ?c skos:inScheme ?scheme .
             OPTIONAL { ?c skos:prefLabel ?label FILTER (LANG(?label) = "en") }
             OPTIONAL { ?c skos:definition ?definition FILTER (LANG(?definition) = "en") }
           } ORDER BY ?c""",
        scheme=_node(expand(scheme)),
    )
    return [(shorten(_value(r, "c")), _value(r, "label"), _value(r, "definition")) for r in rows]


def create(
    text_file: str | Path,
    *,
    data_dir: Path,
    publisher: str,
    date: str,
    language: str,
    url: str | None = None,
    text_language: str | None = None,
    label: str | None = None,
    relays: str | list[str] | None = None,
    slug: str | None = None,
    draft_dir: str | Path | None = None,
    mentions: list[str] | None = None,
    new_outlet: bool = False,
) -> NewReport:
    """Create `reports/<slug>/` (under `data_dir`, or under `draft_dir` for a draft) from `text_file`.

    InputError for bad arguments; ReportExistsError when the text or the folder is already there.
    """
    from pactgraph.rdf.loading import load_store

    text = _read_limited(Path(text_file))
    if not text.strip():
        raise InputError(f"{text_file}: the text is empty")
    published = parse_date(date)
    language = language.strip()
    if not _LANGUAGE.match(language):
        raise InputError(f"--language must be a language code such as en, zh or ru (BCP 47), not {language!r}")
    text_language = (text_language or language).strip()
    if not _LANGUAGE.match(text_language):
        raise InputError(f"--text-language must be a language code such as en (BCP 47), not {text_language!r}")
    if url is not None and not _URL.match(url.strip()):
        raise InputError(f"--url must be an absolute address such as https://example.org/news/1, not {url!r}")

    store = load_store(graph_files(data_dir))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    where = same_text(store, text)
    if where is not None:
        raise ReportExistsError(
            f"{text_file}: this text is already stored as {where} (compared after normalising line endings, "
            "byte-order mark, trailing whitespace and Unicode form); new-report does not overwrite reports"
        )

    outlet, outlet_name, define_outlet = _resolve_publisher(store, publisher, new_outlet)
    from pactgraph.contributing.report_turtle import SCHEMES, report_turtle
    from pactgraph.contributing.storyline import earlier_reports

    earlier = earlier_reports(store, relays, mentions, published)

    taken = _taken_slugs(store, data_dir)
    if slug is not None:
        slug = slug.strip()
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            raise InputError(f"--slug must be lower-case letters, digits and single hyphens, not {slug!r}")
        if slug in taken:
            raise ReportExistsError(f"report {slug} already exists in {data_dir / REPORTS}; new-report does not overwrite reports")
    else:
        outlet_slug = outlet[len(PGR) :] if outlet.startswith(PGR) else slugify(outlet_name)
        base = f"{outlet_slug}-{published.isoformat()}"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
    report = PGR + "report-" + slug
    existing = _existing_report(store, report)
    if existing is not None and expand("pg:Report") not in existing["types"]:
        raise ReportExistsError(f"{shorten(report)} already names something that is not a report; choose --slug")

    parent = Path(draft_dir) if draft_dir is not None else data_dir / REPORTS
    if draft_dir is not None and str(draft_dir).strip() == "":
        raise InputError("empty path given for --draft-dir")
    folder = parent / slug
    if folder.exists():
        raise ReportExistsError(f"{folder} already exists; new-report does not overwrite reports")

    notes = []
    if define_outlet:
        notes.append(f"new outlet {shorten(outlet)} ({outlet_name}) defined in {REPORT_NAME}")
    else:
        notes.append(f"publisher: {shorten(outlet)} ({outlet_name})")
    if existing is not None:
        notes.append(f"{shorten(report)} is already in the graph (without stored text); {REPORT_NAME} gives it its text")

    spans = sentences(text)
    nearest = _nearest_propositions(store, text, spans)
    report_label = label.strip() if label and label.strip() else f"{outlet_name} report of {human_date(published)}"
    turtle = report_turtle(
        text=text,
        digest=digest,
        slug=slug,
        report=report,
        existing=existing,
        outlet=outlet,
        outlet_name=outlet_name,
        define_outlet=define_outlet,
        published=published,
        language=language,
        text_language=text_language,
        url=url.strip() if url else None,
        report_label=report_label,
        earlier=earlier,
        spans=spans,
        nearest=nearest,
        concepts={scheme: scheme_concepts(store, scheme) for scheme in SCHEMES},
    )
    _write_folder(folder, {TEXT_NAME: text.encode("utf-8"), REPORT_NAME: turtle.encode("utf-8")})
    return NewReport(
        folder=folder,
        slug=slug,
        report=report,
        text=PGR + "text-" + slug,
        publisher=outlet,
        sentences=len(spans),
        notes=notes,
        sentences_with_nearest=sum(1 for close in nearest if close),
    )


def _read_limited(path: Path) -> str:
    """The text, refused before any work when it is longer than a stored text may be
    (PACTGRAPH_MAX_LITERAL characters: it is stored as one literal)."""
    from pactgraph.rdf import limits

    limit = limits.max_literal()
    message = f"{path}: the text is longer than the limit of {limit} characters ({limits.ENV_MAX_LITERAL})"
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_text_file says why it cannot be read
    if size > 4 * limit:  # more bytes than the longest UTF-8 of `limit` characters
        raise InputError(message)
    text = read_text_file(path)
    if len(text) > limit:
        raise InputError(message)
    return text


def discard(path: str | Path, data_dir: Path) -> Path:
    """Remove a draft report folder that new-report made: its report.ttl and article.txt, and the
    folder when nothing else is in it. A folder of the data directory is part of the graph: refused."""
    from pactgraph.contributing.claims import open_report

    given = Path(path)
    folder = given.parent if given.name == REPORT_NAME else given
    if not (folder / REPORT_NAME).is_file() or not (folder / TEXT_NAME).is_file():
        raise InputError(f"{path}: not a report folder (it needs {REPORT_NAME} and {TEXT_NAME}); nothing was removed")
    try:
        folder.resolve().relative_to(data_dir.resolve())
    except ValueError:
        pass
    else:
        raise InputError(
            f"{folder}: is in the data directory {data_dir}, so it is part of the graph, not a draft; nothing was removed"
        )
    open_report(folder, data_dir)  # a report new-report made, or InputError
    for name in (REPORT_NAME, TEXT_NAME):
        (folder / name).unlink()
    if not any(folder.iterdir()):
        folder.rmdir()
    return folder


def _write_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Write the files into a temporary sibling folder, then rename it to `folder`."""
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{folder.name}.", suffix=".tmp"))
    except OSError as err:
        raise InputError(f"{parent}: cannot write: {err.strerror or err}") from None
    try:
        for name, data in files.items():
            with open(staging / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(staging, 0o777 & ~_umask())
        if folder.exists():
            raise ReportExistsError(f"{folder} already exists; new-report does not overwrite reports")
        os.rename(staging, folder)
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(err, OSError):
            raise InputError(f"{folder}: cannot write: {err.strerror or err}") from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- from the graph, for report.ttl


#: The score (`pactgraph find`'s, see `resolve.score`) a proposition needs to be listed under a
#: sentence: above find's own 0.3, since these lists come unasked under every sentence.
SENTENCE_MINIMUM = 0.35


def _nearest_propositions(store: Any, text: str, spans: list[tuple[int, int]], n: int = 3) -> list[list[tuple[str, str]]]:
    """For each sentence, (IRI, name) of the propositions `pactgraph find` ranks first for it, above the bar."""
    from pactgraph.contributing.resolve import Index, Ranker

    ranker = Ranker(Index.from_store(store), kinds=("proposition",), with_quotes=True)
    return [[(res.iri, res.name) for _, res in ranker.rank(text[s:e], minimum=SENTENCE_MINIMUM)[:n]] for s, e in spans]
