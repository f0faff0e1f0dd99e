"""Claims written from what a contributor says, not typed as Turtle: `claim add`, `claim list`, `claim remove`.

A claim is appended to its report's `report.ttl` as one block between two marker
comments (`# >>> pgr:claim-...` and `# <<< pgr:claim-...`), serialized by rdflib
(longturtle, with its own PREFIX lines, blank nodes inline). Appending keeps the
file's existing content and comments byte for byte, and `claim remove` deletes
exactly the block it wrote: a claim written by hand is never touched. Before
anything is written the whole new file is validated joined with the graph
(`check_with_graph`); on any violation nothing changes.

Agents and propositions a sheet declares (see `sheet.py`) are blocks of their own.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactgraph.contributing import REPORT_NAME, TEXT_NAME, parse_date, read_text_file, slugify
from pactgraph.data_dirs import graph_files
from pactgraph.contributing.resolve import AmbiguousError, Index, Resource, resolve
from pactgraph.errors import InputError, PactgraphError
from pactgraph.rdf.namespaces import PG, PGR, PREFIXES, shorten

PGV = PREFIXES["pgv"]
BEGIN = "# >>> "
END = "# <<< "
MARK_NOTE = "(written by pactgraph; `pactgraph claim remove` removes this block)"
ROLE_SCHEME = "pgv:source-role"

#: Picks one of several candidates (on a terminal), or None to give up.
Chooser = Callable[[str, Sequence[Resource]], "Resource | None"]


class CheckFailed(PactgraphError):
    """The new file does not conform with the graph (exit 1); `report` holds the results, `text` them printed."""

    def __init__(self, message: str, report: Any, text: str):
        super().__init__(message)
        self.report = report
        self.text = text


@dataclass
class ClaimInput:
    """One claim as a contributor gives it: names, labels, prefixed names or IRIs."""

    claimant: str | None = None
    quote: str | None = None
    proposition: str | None = None
    certainty: str | None = None
    polarity: str | None = "positive"
    time: str | None = None
    reason_for: str | None = None
    conditional_on: str | None = None
    first_reported_in: str | None = None
    role: str | None = None
    label: str | None = None
    #: The day the statement was made (YYYY-MM-DD), when not the day of publication.
    stated_on: str | None = None
    #: An agent the claim's first report cites as its source (pg:citesAgent of that report).
    cites: str | None = None
    number: int | None = None
    #: Where the values came from, for messages: option name or sheet column, by field.
    where: dict[str, str] = field(default_factory=dict)

    def origin(self, name: str) -> str:
        return self.where.get(name, "--" + name.replace("_", "-"))


REQUIRED = ("claimant", "quote", "proposition", "certainty", "polarity", "time")


@dataclass
class Report:
    """A report folder being written to."""

    folder: Path
    file: Path
    text_file: Path
    iri: str
    slug: str
    label: str
    publisher: str
    text_iri: str
    sentences: list[tuple[int, int, str]]
    text: str
    data_dir: Path
    #: The graph with the report's file, as it was opened.
    store: Any = None


def open_report(path: str | Path, data_dir: Path) -> Report:
    """The report of a folder (or its report.ttl) created by `new-report`."""
    from pactgraph.contributing.anchoring import report_sentences

    given = Path(path)
    folder = given.parent if given.name == REPORT_NAME and given.is_file() else given
    file, text_file = folder / REPORT_NAME, folder / TEXT_NAME
    if not folder.is_dir():
        raise InputError(f"{path}: no such report folder (give the folder new-report created)")
    if not file.is_file() or not text_file.is_file():
        raise InputError(f"{folder}: not a report folder: it needs {REPORT_NAME} and {TEXT_NAME} (see `pactgraph new-report`)")
    from pactgraph.validation.inputs import parse_inputs

    parsed = parse_inputs([file])[0]
    reports = sorted({q.subject.value for q in parsed.quads if q.predicate.value == PG + "hasSourceText"})
    if len(reports) != 1:
        raise InputError(f"{file}: expected one report with a stored text (pg:hasSourceText), found {len(reports)}")
    iri = reports[0]
    if not iri.startswith(PGR + "report-"):
        raise InputError(f"{file}: the report {shorten(iri)} is not named pgr:report-<slug>")
    known = report_sentences(file, text_file)
    if known is None:
        raise InputError(f"{file}: no pg:SourceText stored as {TEXT_NAME}")
    text = read_text_file(text_file)
    if known.value is not None and known.value != text:
        raise InputError(f"{text_file}: differs from the stored text in {file}; never edit the text")
    store = _graph_store(data_dir, file)
    rows = select_bindings(
        store,
        """SELECT ?label ?publisher WHERE {
             OPTIONAL { ?r rdfs:label ?label FILTER (LANG(?label) = "en") } OPTIONAL { ?r schema:publisher ?publisher } }""",
        r=iri,
    )
    label = rows[0]["label"].value if rows and "label" in rows[0] else shorten(iri)
    publisher = rows[0]["publisher"].value if rows and "publisher" in rows[0] else ""
    return Report(
        folder=folder,
        file=file,
        text_file=text_file,
        iri=iri,
        slug=iri[len(PGR + "report-") :],
        label=label,
        publisher=publisher,
        text_iri=known.text_iri,
        sentences=known.sentences,
        text=text,
        data_dir=data_dir,
        store=store,
    )


def _graph_store(data_dir: Path, *extra: Path) -> Any:
    from pactgraph.rdf.loading import load_store

    files = graph_files(data_dir)
    known = {f.resolve() for f in files}
    return load_store(files + [p for p in extra if p.resolve() not in known])


def select_bindings(store: Any, query: str, **params: str) -> list[dict[str, Any]]:
    from pactgraph.query.querying import run_query

    if params:
        values = "".join(f" VALUES ?{name} {{ <{iri}> }}" for name, iri in params.items())
        head, sep, rest = query.partition("{")
        query = head + sep + values + " " + rest
    return run_query(store, query).bindings()


# ---------------------------------------------------------------- context


@dataclass
class Context:
    """A report, the graph it joins (as an index of names) and what is pending in this run."""

    report: Report
    store: Any
    index: Index
    numbers: set[int]
    roles: dict[str, Counter[str]]
    relay_chain: list[str]
    blocks: list[tuple[str, str]] = field(default_factory=list)  # (marker IRI, Turtle)
    choose: Chooser | None = None
    notes: list[str] = field(default_factory=list)
    #: The report's claims by what they say (claimant, proposition, certainty, polarity, time, quote start).
    said: dict[tuple[str, ...], str] = field(default_factory=dict)
    #: The highest claim number taken (kept as numbers are added: a sheet of many rows never rescans them).
    top: int = 0


def context(report_dir: str | Path, data_dir: Path, choose: Chooser | None = None) -> Context:
    report = open_report(report_dir, data_dir)
    store = report.store
    index = Index.from_store(store)
    pattern = re.compile(re.escape(PGR + f"claim-{report.slug}-") + r"(\d+)$")
    numbers = {int(m.group(1)) for iri in index.resources if (m := pattern.match(iri))}
    roles: dict[str, Counter[str]] = {}
    for row in select_bindings(store, "SELECT ?agent ?role WHERE { ?c prov:qualifiedAttribution [ prov:agent ?agent ; prov:hadRole ?role ] }"):
        roles.setdefault(row["agent"].value, Counter())[row["role"].value] += 1
    chain = [
        row["r"].value
        for row in select_bindings(store, "SELECT ?r WHERE { ?report pg:relays+ ?r }", report=report.iri)
    ]
    ctx = Context(report, store, index, numbers, roles, chain, choose=choose, top=max(numbers, default=0))
    for row in select_bindings(store, _SAID, report=report.iri):
        key = tuple(row[name].value for name in ("claimant", "proposition", "certainty", "polarity", "time", "start"))
        ctx.said[key] = row["claim"].value
    return ctx


_SAID = """
SELECT ?claim ?claimant ?proposition ?certainty ?polarity ?time ?start WHERE {
  ?claim pg:statedIn ?report ; pg:claimant ?claimant ; pg:proposition ?proposition ; pg:certainty ?certainty ;
      pg:polarity ?polarity ; pg:timeOrientation ?time ; pg:hasAnchor/oa:hasSelector/oa:start ?start .
}
"""


def pick_resource(ctx: Context, text: str, kind: str, option: str, scheme: str | None = None) -> Resource:
    try:
        return resolve(ctx.index, text, kind, option, scheme)
    except AmbiguousError as err:
        if ctx.choose is not None and err.candidates:
            chosen = ctx.choose(str(err), err.candidates)
            if chosen is not None:
                return chosen
        raise


# ---------------------------------------------------------------- building a claim


@functools.cache
def _prefixes() -> Any:
    """The prefixes of every block, bound once (binding is most of the cost of a small graph)."""
    import rdflib

    graph = rdflib.Graph(bind_namespaces="none")
    for prefix in ("oa", "pg", "pgr", "pgv", "prov", "rdf", "rdfs", "schema", "skos", "org", "xsd"):
        graph.bind(prefix, PREFIXES[prefix])
    return graph.namespace_manager


def empty_graph() -> Any:
    import rdflib

    return rdflib.Graph(bind_namespaces="none", namespace_manager=_prefixes())


@functools.cache
def _writer() -> Any:
    from pactgraph.contributing.block_turtle import BlockWriter

    return BlockWriter(_prefixes())


def serialize(block: Any) -> str:
    """Turtle for a block (a graph, or its triples in the order added): rdflib's longturtle (sorted,
    blank nodes inline), in the bytes rdflib writes (block_turtle, else rdflib itself)."""
    import rdflib

    if isinstance(block, rdflib.Graph):
        # The order a Memory store gives each subject's triples in, which the serializer reads.
        triples = [t for s in dict.fromkeys(block.subjects()) for t in block.triples((s, None, None))]
    else:
        triples = list(block)
    text = _writer().write(triples)
    if text is None:
        graph = block if isinstance(block, rdflib.Graph) else empty_graph()
        if graph is not block:
            for triple in triples:
                graph.add(triple)
        text = graph.serialize(format="longturtle")
    if re.search(r"(^|\s)_:", text):
        raise PactgraphError("internal: a block would carry a labelled blank node")
    return text.strip() + "\n"


class _Triples(list[tuple[Any, Any, Any]]):
    """A block's triples in the order added (cheaper than an rdflib graph; `serialize` reads either)."""

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        self.append(triple)


def block(marker: str, turtle: str) -> str:
    name = shorten(marker)
    return f"{BEGIN}{name} {MARK_NOTE}\n{turtle}{END}{name}\n"


def _role(ctx: Context, claimant: Resource, given: str | None, where: str) -> Resource:
    if given:
        return pick_resource(ctx, given, "concept", where, ROLE_SCHEME)
    if claimant.iri == ctx.report.publisher:
        local = "reporting-outlet"
    elif PG + "NewsOutlet" in claimant.types:
        local = "relaying-outlet"
    elif PG + "AnonymousSource" in claimant.types:
        local = "anonymous-official"
    elif claimant.iri in ctx.roles:
        local = ctx.roles[claimant.iri].most_common(1)[0][0][len(PGV + "source-role-") :]
    else:
        raise InputError(
            f"{where}: {shorten(claimant.iri)} has no source role yet (only an outlet's or an anonymous source's follows "
            f"from its kind, and an agent's from its earlier claims): give one of {', '.join(role_names(ctx))}"
        )
    return ctx.index.resources[PGV + "source-role-" + local]


def role_names(ctx: Context) -> list[str]:
    """The source roles as a contributor types them (`on-record-official`), sorted."""
    stem = PGV + "source-role-"
    return sorted(r.iri[len(stem) :] for r in ctx.index.of_kind("concept", ROLE_SCHEME) if r.iri.startswith(stem))


def _first_report(ctx: Context, claimant: Resource, role: Resource, given: str | None, where: str) -> str | None:
    if given:
        return pick_resource(ctx, given, "report", where).iri
    if not role.iri.endswith("relaying-outlet"):
        return None
    rows = [
        r["r"].value
        for r in select_bindings(ctx.store, "SELECT ?r WHERE { ?r schema:publisher ?outlet }", outlet=claimant.iri)
        if r["r"].value in ctx.relay_chain
    ]
    if len(rows) == 1:
        return rows[0]
    raise InputError(
        f"{where}: {shorten(claimant.iri)} is a relaying outlet: name the report of it where the claim was first "
        f"reported ({'reports on the relay chain: ' + ', '.join(shorten(r) for r in ctx.relay_chain) if ctx.relay_chain else 'this report relays none: give new-report --relays'})"
    )


def _anchor(ctx: Context, quote: str, where: str) -> tuple[int, int, str]:
    from pactgraph.contributing.anchoring import anchor, locate

    found = locate(ctx.report.text, quote)
    if not found.found:
        outcome = anchor(ctx.report.text_file, quote, ctx.report.file)
        raise InputError(f"{where}: {outcome.message.replace(chr(10), ' | ')}")
    start = found.starts[0]
    end = start + len(quote)
    sentences = ctx.report.sentences  # in text order: the last one starting at or before the quote
    at = bisect.bisect_right(sentences, start, key=lambda s: s[0]) - 1
    if at >= 0:
        s, e, sentence = sentences[at]
        if s <= start and end <= e:
            return start, end, sentence
    raise InputError(f"{where}: the quote at {start}..{end} spans a sentence boundary; an anchor lies within one sentence")


def build_claim(ctx: Context, spec: ClaimInput) -> tuple[str, str]:
    """(claim IRI, Turtle block) for `spec`, numbered after the report's claims."""
    import rdflib
    from rdflib import RDF, RDFS, XSD, BNode, Literal

    from pactgraph.contributing.anchoring import prefix_of, suffix_of

    missing = [name for name in REQUIRED if not getattr(spec, name)]
    if missing:
        raise InputError(
            "missing " + ", ".join(spec.origin(m) for m in missing) + ": every claim needs a claimant, a quote, "
            "a proposition, a certainty, a polarity and a time orientation"
        )
    assert spec.claimant and spec.quote and spec.proposition and spec.certainty and spec.polarity and spec.time
    claimant = _claimant(ctx, spec)
    proposition = pick_resource(ctx, spec.proposition, "proposition", spec.origin("proposition"))
    certainty = pick_resource(ctx, spec.certainty, "concept", spec.origin("certainty"), "pgv:certainty")
    polarity = pick_resource(ctx, spec.polarity, "concept", spec.origin("polarity"), "pgv:polarity")
    orientation = pick_resource(ctx, spec.time, "concept", spec.origin("time"), "pgv:time-orientation")
    role = _role(ctx, claimant, spec.role, spec.origin("role"))
    first = _first_report(ctx, claimant, role, spec.first_reported_in, spec.origin("first_reported_in"))
    reason = pick_resource(ctx, spec.reason_for, "claim", spec.origin("reason_for")) if spec.reason_for else None
    condition = pick_resource(ctx, spec.conditional_on, "claim", spec.origin("conditional_on")) if spec.conditional_on else None
    cited = pick_resource(ctx, spec.cites, "agent", spec.origin("cites")) if spec.cites else None
    stated_on = parse_date(spec.stated_on, spec.origin("stated_on")) if spec.stated_on else None
    start, end, sentence = _anchor(ctx, spec.quote, spec.origin("quote"))
    said = (claimant.iri, proposition.iri, certainty.iri, polarity.iri, orientation.iri, str(start))
    if said in ctx.said:
        raise InputError(
            f"{spec.origin('quote')}: the report already has this claim, {shorten(ctx.said[said])} (the same claimant, "
            "proposition, certainty, polarity, time and quote); leave it out"
        )

    if spec.number is not None:
        if spec.number < 1 or spec.number in ctx.numbers:
            raise InputError(f"{spec.origin('number')}: claim number {spec.number} is taken or not positive")
        number = spec.number
    else:
        number = ctx.top + 1
    ctx.numbers.add(number)
    ctx.top = max(ctx.top, number)
    claim = PGR + f"claim-{ctx.report.slug}-{number:02d}"
    anchor_iri = claim + "-anchor"
    ctx.said[said] = claim

    label = (spec.label or "").strip() or _claim_label(claimant, proposition, certainty, polarity, orientation)
    u = rdflib.URIRef
    pg = rdflib.Namespace(PG)
    prov = rdflib.Namespace(PREFIXES["prov"])
    oa = rdflib.Namespace(PREFIXES["oa"])
    g = _Triples()
    c = u(claim)
    g.add((c, RDF.type, pg.Claim))
    g.add((c, RDFS.label, Literal(label, lang="en")))
    g.add((c, pg.claimant, u(claimant.iri)))
    # Named blank nodes: longturtle sorts a subject's objects by their ids, so fixed ids give the
    # same bytes on every run (the quote selector before the position selector); no id is written.
    attribution = BNode("attribution")
    g.add((c, prov.qualifiedAttribution, attribution))
    g.add((attribution, RDF.type, prov.Attribution))
    g.add((attribution, prov.agent, u(claimant.iri)))
    g.add((attribution, prov.hadRole, u(role.iri)))
    g.add((c, pg.proposition, u(proposition.iri)))
    g.add((c, pg.statedIn, u(ctx.report.iri)))
    g.add((c, pg.certainty, u(certainty.iri)))
    g.add((c, pg.polarity, u(polarity.iri)))
    g.add((c, pg.timeOrientation, u(orientation.iri)))
    g.add((c, pg.hasAnchor, u(anchor_iri)))
    if first:
        g.add((c, pg.reportedFirstIn, u(first)))
    if reason:
        g.add((c, pg.reasonFor, u(reason.iri)))
    if condition:
        g.add((c, pg.conditionalOn, u(condition.iri)))
    if stated_on:
        g.add((c, pg.statedOn, Literal(stated_on.isoformat(), datatype=XSD.date)))
    if cited:
        g.add((u(first or ctx.report.iri), pg.citesAgent, u(cited.iri)))
    a = u(anchor_iri)
    g.add((a, RDF.type, pg.TextAnchor))
    g.add((a, RDFS.label, Literal(f"anchor of claim {number} in the {ctx.report.label}", lang="en")))
    quote_selector, position = BNode("selector-1-quote"), BNode("selector-2-position")
    g.add((a, oa.hasSelector, quote_selector))
    g.add((quote_selector, RDF.type, oa.TextQuoteSelector))
    g.add((quote_selector, oa.exact, Literal(spec.quote)))
    g.add((quote_selector, oa.prefix, Literal(prefix_of(ctx.report.text, start))))
    g.add((quote_selector, oa.suffix, Literal(suffix_of(ctx.report.text, end))))
    g.add((a, oa.hasSelector, position))
    g.add((position, RDF.type, oa.TextPositionSelector))
    g.add((position, oa.start, Literal(str(start), datatype=XSD.nonNegativeInteger)))
    g.add((position, oa.end, Literal(str(end), datatype=XSD.nonNegativeInteger)))
    g.add((a, oa.hasSource, u(ctx.report.text_iri)))
    g.add((a, pg.inSentence, u(sentence)))
    turtle = serialize(g)
    ctx.index.add(Resource(claim, types={PG + "Claim"}, labels=[label], english=label))
    ctx.blocks.append((claim, turtle))
    return claim, turtle


def _claimant(ctx: Context, spec: ClaimInput) -> Resource:
    """The claimant; one that is not in the graph is told how to declare it."""
    assert spec.claimant
    try:
        return pick_resource(ctx, spec.claimant, "agent", spec.origin("claimant"))
    except AmbiguousError as err:
        if not err.unknown:
            raise
        how = (
            "declare it in an earlier row (kind person, outlet or anonymous-source)"
            if "claimant" in spec.where
            else "add --new-claimant person (or outlet, anonymous-source)"
        )
        raise InputError(f"{err}; if the claimant is new, {how}") from None


def _claim_label(
    claimant: Resource, proposition: Resource, certainty: Resource, polarity: Resource, orientation: Resource
) -> str:
    """'<claimant>: <proposition> (qualifiers)'; a denial says which time it speaks of, so that a
    present "not yet" does not read like a future "never"."""
    label = f"{claimant.name}: {proposition.name}"
    qualifiers = []
    if not certainty.iri.endswith("-certain"):
        qualifiers.append(certainty.name)
    if polarity.iri.endswith("-negative"):
        qualifiers.append("denied for the future" if orientation.iri.endswith("-future") and not orientation.iri.endswith("non-future") else "not so as of the report")
    return label + (f" ({', '.join(qualifiers)})" if qualifiers else "")


# ---------------------------------------------------------------- writing


def check_with_graph(report_file: Path, data_dir: Path) -> Any:
    """Validate a report file joined with the graph of `data_dir`: the one place that calls the validation."""
    from pactgraph.validation.command import validate

    return validate([report_file], data_dir=data_dir, with_graph=True)


def _validated(report: Report, content: str) -> None:
    """Validate `content` as the report's file (in a scratch copy of its folder); CheckFailed if it does not conform."""
    from pactgraph.validation.formats import format_text

    scratch = Path(tempfile.mkdtemp(prefix=".pactgraph-claims-"))
    try:
        folder = scratch / report.folder.name
        folder.mkdir()
        shutil.copyfile(report.text_file, folder / TEXT_NAME)
        (folder / REPORT_NAME).write_text(content, encoding="utf-8")
        result = check_with_graph(folder / REPORT_NAME, report.data_dir)
        if not result.conforms:
            text = format_text(result).replace(str(folder / REPORT_NAME), str(report.file))
            n = result.count("Violation")
            raise CheckFailed(
                f"refused: {report.file} would not conform with the graph ({n} violation{'' if n == 1 else 's'}); "
                "nothing was written",
                result,
                text,
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _replace_file(path: Path, content: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_blocks(ctx: Context, *, dry_run: bool = False) -> str:
    """Append the pending blocks to the report file after validating the result; the new content."""
    current = ctx.report.file.read_text(encoding="utf-8")
    content = "".join(
        [current if current.endswith("\n") else current + "\n"] + ["\n" + block(marker, turtle) for marker, turtle in ctx.blocks]
    )
    _validated(ctx.report, content)
    if not dry_run:
        _replace_file(ctx.report.file, content)
    return content


def block_span(content: str, name: str) -> tuple[int, int] | None:
    begin = re.search(r"(?m)^\n?" + re.escape(BEGIN + name) + r"(?= |\n)", content)
    if begin is None:
        return None
    end = re.compile(r"(?m)^" + re.escape(END + name) + r"\n?").search(content, begin.end())
    if end is None:
        return None
    return begin.start(), end.end()


def remove_claim(report_dir: str | Path, data_dir: Path, claim: str, *, dry_run: bool = False) -> str:
    """Remove the block of `claim` (IRI, prefixed name, or its number) from the report file; the claim's IRI."""
    report = open_report(report_dir, data_dir)
    wanted = claim.strip()
    if re.fullmatch(r"\d+", wanted):
        iri = PGR + f"claim-{report.slug}-{int(wanted):02d}"
    else:
        from pactgraph.rdf.namespaces import expand

        try:
            iri = expand(wanted)
        except ValueError as err:
            raise InputError(f"claim {wanted}: {err}") from None
    content = report.file.read_text(encoding="utf-8")
    span = block_span(content, shorten(iri))
    if span is None:
        if shorten(iri) in content:
            raise InputError(
                f"{report.file}: {shorten(iri)} was not written by `claim add` (no block marks it); edit the file to remove it"
            )
        raise InputError(f"{report.file}: no claim {shorten(iri)}")
    updated = content[: span[0]] + content[span[1] :]
    _validated(report, updated)
    if not dry_run:
        _replace_file(report.file, updated)
    return iri


# ---------------------------------------------------------------- listing


@dataclass
class ClaimRow:
    claim: str
    claimant: str
    role: str
    quote: str
    proposition: str
    certainty: str
    polarity: str
    time: str
    reason_for: str = ""
    conditional_on: str = ""
    first_reported_in: str = ""
    label: str = ""
    stated_on: str = ""


_LIST = """
SELECT ?claim ?claimant ?role ?quote ?proposition ?certainty ?polarity ?time ?reason ?condition ?first ?label ?statedOn WHERE {
  ?claim pg:statedIn ?report ; pg:claimant ?claimant ; pg:proposition ?proposition ;
      pg:certainty ?certainty ; pg:polarity ?polarity ; pg:timeOrientation ?time ;
      pg:hasAnchor/oa:hasSelector/oa:exact ?quote .
  OPTIONAL { ?claim prov:qualifiedAttribution [ prov:agent ?claimant ; prov:hadRole ?role ] }
  OPTIONAL { ?claim pg:reasonFor ?reason } OPTIONAL { ?claim pg:conditionalOn ?condition }
  OPTIONAL { ?claim pg:reportedFirstIn ?first } OPTIONAL { ?claim pg:statedOn ?statedOn }
  OPTIONAL { ?claim rdfs:label ?label FILTER (LANG(?label) = "en") }
}
"""


def list_claims(report_dir: str | Path, data_dir: Path) -> list[ClaimRow]:
    """The claims stated in a report, in claim order, with prefixed names."""
    report = open_report(report_dir, data_dir)
    store = _graph_store(data_dir, report.file)
    rows = []
    for r in select_bindings(store, _LIST, report=report.iri):

        def get(name: str, row: dict[str, Any] = r) -> str:
            return shorten(row[name].value) if name in row else ""

        rows.append(
            ClaimRow(
                claim=get("claim"),
                claimant=get("claimant"),
                role=get("role"),
                quote=r["quote"].value,
                proposition=get("proposition"),
                certainty=get("certainty"),
                polarity=get("polarity"),
                time=get("time"),
                reason_for=get("reason"),
                conditional_on=get("condition"),
                first_reported_in=get("first"),
                label=r["label"].value if "label" in r else "",
                stated_on=r["statedOn"].value if "statedOn" in r else "",
            )
        )
    return sorted(rows, key=lambda row: _claim_key(row.claim))


def _claim_key(name: str) -> tuple[int, str]:
    match = re.search(r"-(\d+)$", name)
    return (int(match.group(1)) if match else 0, name)


def new_iri(ctx: Context, label: str, prefix: str = "") -> str:
    """A fresh pgr: IRI for a new agent or proposition named `label`; InputError when it is taken."""
    words = slugify(re.sub(r"[^\w]+", " ", label)).split("-")
    slug = "-".join(words)
    while len(slug) > 60 and len(words) > 1:
        words.pop()
        slug = "-".join(words)
    if not slug:
        raise InputError(f"cannot make an identifier from {label!r}; use letters or digits")
    iri = PGR + prefix + slug
    if iri in ctx.index.resources:
        raise InputError(f"{shorten(iri)} already exists ({ctx.index.resources[iri].name}): use it instead of declaring it")
    return iri
