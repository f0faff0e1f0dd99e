"""A claims sheet: many claims (and the agents and propositions they need) as one CSV, in and out.

One row per thing, as ROBOT templates do. The `kind` column says what a row
declares: `claim` (the default), `person`, `outlet`, `anonymous-source` or
`proposition`. Rows are read in order, so a claim may name an agent or a
proposition declared in an earlier row. Every value is a label, a name, a
prefixed name or an IRI, resolved as `claim add` resolves it. A row that fails
names its line and column; nothing is written unless every row is good and the
report, with all of them, conforms with the graph.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

from pactgraph.contributing import read_text_file
from pactgraph.contributing.claims import (
    BEGIN,
    Chooser,
    ClaimInput,
    Context,
    empty_graph,
    pick_resource,
    block,
    build_claim,
    context,
    list_claims,
    new_iri,
    open_report,
    serialize,
    write_blocks,
)
from pactgraph.contributing.resolve import Resource, check_name, fold, rank
from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import PG, PGR, PREFIXES, shorten

#: The columns a claim row reads besides kind, id and label, each a ClaimInput field of the same name.
_CLAIM_COLUMNS = (
    "claimant",
    "role",
    "quote",
    "proposition",
    "certainty",
    "polarity",
    "time",
    "reason_for",
    "conditional_on",
    "first_reported_in",
    "stated_on",
    "cites",
)
COLUMNS = (
    "kind",
    "id",
    "label",
    *_CLAIM_COLUMNS,
    "description",
    "affiliation",
    "affiliation_role",
    "country",
    "about",
    "subject",
    "predicate",
    "object",
)
KINDS = ("claim", "person", "outlet", "anonymous-source", "proposition")
#: The ClaimInput fields a claim row sets: its own columns and the label it shares with other rows.
_CLAIM_FIELDS = (*_CLAIM_COLUMNS, "label")


#: Cells a spreadsheet runs as formulas start with one of these (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The longest cell a sheet may hold (characters), and the most rows: checked before any work.
MAX_CELL = 64 * 1024
MAX_ROWS = 100_000


def check_sizes(values: dict[str, str]) -> None:
    """Every value no longer than a sheet's cell may be (InputError naming the first that is), before any work."""
    for option, value in values.items():
        if len(value) > MAX_CELL:
            raise InputError(f"{option}: the value holds {len(value)} characters, more than the limit of {MAX_CELL}")


def escape_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe before a formula start
    (and before apostrophes that precede one, so that `unescape_cell` gives the value back)."""
    return "'" + value if value.lstrip("'")[:1] in FORMULA_STARTS and value[:1] in FORMULA_STARTS + ("'",) else value


def unescape_cell(value: str, where: str) -> str:
    """The value of a cell `escape_cell` wrote; InputError for a formula that was not escaped."""
    if value[:1] in FORMULA_STARTS:
        shown = {"\t": "a tab", "\r": "a carriage return"}.get(value[0], repr(value[0]))
        raise InputError(
            f"{where}: the cell starts with {shown}, so a spreadsheet would run it as a formula; "
            "if it is text, write it with a leading apostrophe (as `claims export` does)"
        )
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_STARTS:
        return value[1:]
    return value


def _read_sheet(sheet: Path) -> str:
    """The sheet's text, its size checked before it is read."""
    from pactgraph.rdf import limits

    try:
        size = sheet.stat().st_size
    except OSError:
        size = 0  # read_text_file says why it cannot be read
    if size > limits.max_input():
        raise InputError(
            f"{sheet}: the sheet is {limits.human_size(size)}, more than the limit of "
            f"{limits.human_size(limits.max_input())} ({limits.ENV_MAX_INPUT})"
        )
    return read_text_file(sheet)


def _rows(sheet: Path) -> list[tuple[int, dict[str, str]]]:
    """The sheet's non-empty rows (line, values), every cell checked first: its size, that it
    is no formula (an escaped one unescaped) and that no row repeats another; every problem at once."""
    text = _read_sheet(sheet)
    previous = csv.field_size_limit()
    csv.field_size_limit(max(len(text) + 1, previous))
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        unknown = [name for name in header if name not in COLUMNS]
        if not header:
            raise InputError(f"{sheet}:1: the sheet is empty; its first line names the columns ({', '.join(COLUMNS)})")
        if unknown:
            raise InputError(f"{sheet}:1: unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}")
        rows: list[tuple[int, dict[str, str]]] = []
        problems: list[str] = []
        seen: dict[tuple[tuple[str, str], ...], int] = {}
        start = 2
        for row in reader:
            line, start = start, reader.line_num + 1
            if len(rows) >= MAX_ROWS:
                raise InputError(f"{sheet}:{line}: the sheet has more than {MAX_ROWS} rows; split it")
            if None in row:
                problems.append(f"{sheet}:{line}: more values than columns")
                continue
            values: dict[str, str] = {}
            for name, raw in row.items():
                if not name:
                    continue
                where = f"{sheet}:{line}: column {name}"
                cell = raw or ""
                if len(cell) > MAX_CELL:
                    problems.append(f"{where}: the cell holds {len(cell)} characters, more than the limit of {MAX_CELL}")
                    continue
                try:
                    values[name] = unescape_cell(cell, where).strip()
                except InputError as err:
                    problems.append(str(err))
            if not any(values.values()):
                continue
            key = tuple(sorted((k, v) for k, v in values.items() if v))
            if key in seen:
                problems.append(f"{sheet}:{line}: the same row as line {seen[key]}; leave one out")
                continue
            seen[key] = line
            rows.append((line, values))
    finally:
        csv.field_size_limit(previous)
    if problems:
        raise InputError(_all(problems, sheet))
    return rows


def _all(problems: list[str], sheet: Path) -> str:
    """Every problem, one line each (as the command prints errors); nothing was written."""
    if len(problems) == 1:
        return problems[0]
    return "\npactgraph: error: ".join(problems + [f"{sheet}: {len(problems)} problems; nothing was written"])


def import_sheet(
    report_dir: str | Path, sheet: str | Path, data_dir: Path, *, dry_run: bool = False
) -> tuple[list[str], list[str]]:
    """Read every row, build its block, validate the report with all of them, then write; (IRIs written, notes).

    Every bad row is named (InputError, one line each); nothing is written unless all are good."""
    sheet = Path(sheet)
    rows = _rows(sheet)
    ctx = context(report_dir, data_dir)
    written = []
    problems = []
    for line, row in rows:
        where = f"{sheet}:{line}"
        try:
            written.append(_row(ctx, row, where))
        except InputError as err:
            problems.append(str(err))
    if problems:
        raise InputError(_all(problems, sheet))
    write_blocks(ctx, dry_run=dry_run)
    return written, ctx.notes


def _row(ctx: Context, row: dict[str, str], where: str) -> str:
    kind = row.get("kind") or "claim"
    if kind not in KINDS:
        raise InputError(f"{where}: column kind: {kind!r} is not one of {', '.join(KINDS)}")
    if kind != "claim":
        return declare(ctx, kind, row, where)
    spec = ClaimInput(where={})
    for name in _CLAIM_FIELDS:
        value = row.get(name) or None
        if name == "polarity" and value is None:
            value = "positive"
        setattr(spec, name, value)
        spec.where[name] = f"{where}: column {name}"
    if row.get("id"):
        try:
            spec.number = int(row["id"])
        except ValueError:
            raise InputError(f"{where}: column id: {row['id']!r} is not a claim number") from None
        spec.where["number"] = f"{where}: column id"
    iri, _ = build_claim(ctx, spec)
    return iri


def declare(
    ctx: Context, kind: str, row: dict[str, str], where: str, label_option: str | None = None, declared_by: str | None = None
) -> str:
    """Build the block of a new person, outlet, anonymous source or proposition (its label named in
    messages as `label_option`, by default the row's label column; `declared_by`: see `check_name`)."""
    import rdflib
    from rdflib import RDF, RDFS, Literal

    label = row.get("label", "")
    label_where = label_option or f"{where}: column label:"
    if not label and kind == "proposition" and any(row.get(c) for c in ("subject", "predicate", "object")):
        label = structure_label(ctx, _structure(ctx, row, where))
    if not label:
        raise InputError(f"{label_where} a {kind} needs a label")
    check_name(label, label_where, f"a new {kind}", declared_by)
    u = rdflib.URIRef
    pg = rdflib.Namespace(PG)
    schema = rdflib.Namespace(PREFIXES["schema"])
    org = rdflib.Namespace(PREFIXES["org"])
    g = empty_graph()
    folded = fold(label)
    pool = "proposition" if kind == "proposition" else "agent"
    same = [r for r in ctx.index.of_kind(pool) if folded in {fold(x) for x in r.labels}]
    if same:
        raise InputError(
            f"{where}: column label: {label!r} is already in the graph as {shorten(same[0].iri)} ({same[0].name}); "
            f"use {shorten(same[0].iri)} where you need it and leave out this row"
        )
    if kind == "outlet":
        from pactgraph.contributing.identity import outlet_likeness

        outlets = {r.iri: r.labels for r in ctx.index.of_kind("agent") if PG + "NewsOutlet" in r.types}
        _, like = outlet_likeness(label, outlets)
        if like:
            raise InputError(
                f"{where}: column label: {label!r} is named like {shorten(like[0])} ({ctx.index.resources[like[0]].name}); "
                f"use {shorten(like[0])} where you need it, or give the new outlet a name that tells them apart"
            )
    iri = new_iri(ctx, label, "proposition-" if kind == "proposition" else "")
    if row.get("id"):
        iri = PGR + row["id"].removeprefix("pgr:")
        if iri in ctx.index.resources:
            raise InputError(f"{where}: column id: {shorten(iri)} already exists")
    node = u(iri)
    g.add((node, RDFS.label, Literal(label, lang="en")))
    description = row.get("description", "")
    if description and kind != "proposition":
        g.add((node, schema.description, Literal(description, lang="en")))
    resource = Resource(iri, labels=[label], english=label)
    if kind == "person":
        resource.types = {PREFIXES["schema"] + "Person", PREFIXES["prov"] + "Person"}
        g.add((node, RDF.type, schema.Person))
        g.add((node, RDF.type, rdflib.URIRef(PREFIXES["prov"] + "Person")))
        if row.get("role"):
            role = pick_resource(ctx, row["role"], "concept", f"{where}: column role", "pgv:source-role")
            ctx.roles[iri] = Counter({role.iri: 1})
        if row.get("affiliation"):
            organisation = _pick_any(ctx, row["affiliation"], f"{where}: column affiliation")
            membership = u(PGR + f"affiliation-{iri[len(PGR):]}-{organisation.iri.rsplit('/', 1)[-1]}")
            g.add((membership, RDF.type, org.Membership))
            g.add((membership, RDFS.label, Literal(f"{label} at {organisation.name}", lang="en")))
            g.add((membership, org.member, node))
            g.add((membership, org.organization, u(organisation.iri)))
            g.add((membership, pg.attestedBy, u(ctx.report.iri)))
            if row.get("affiliation_role"):
                role = pick_resource(ctx, row["affiliation_role"], "concept", f"{where}: column affiliation_role", "pgv:affiliation-role")
                g.add((membership, org.role, u(role.iri)))
    elif kind == "outlet":
        resource.types = {PG + "NewsOutlet"}
        g.add((node, RDF.type, pg.NewsOutlet))
        g.add((node, schema.name, Literal(label, lang="en")))
        if row.get("country"):
            country = pick_resource(ctx, row["country"], "entity", f"{where}: column country")
            g.add((node, schema.location, u(country.iri)))
    elif kind == "anonymous-source":
        resource.types = {PG + "AnonymousSource"}
        g.add((node, RDF.type, pg.AnonymousSource))
    else:
        resource.types = {PG + "Proposition"}
        g.add((node, RDF.type, pg.Proposition))
        for part in filter(None, (p.strip() for p in row.get("about", "").split(";"))):
            about = _pick_any(ctx, part, f"{where}: column about")
            g.add((node, pg.about, u(about.iri)))
        for triple in _structure(ctx, row, where):
            g.add((node, *triple))
        near = [r for score, r in rank(ctx.index, label, kinds=("proposition",), minimum=0.55)[:3]]
        if near:
            ctx.notes.append(
                f"{where}: new proposition {shorten(iri)} is close to "
                + "; ".join(f"{shorten(r.iri)} ({r.name})" for r in near)
                + ": reuse one if it says the same, so the questions across reports line the claims up"
            )
    ctx.index.add(resource)
    ctx.blocks.append((iri, serialize(g)))
    return iri


def _structure(ctx: Context, row: dict[str, str], where: str) -> list[tuple[Any, Any]]:
    """A new proposition's rdf:subject, rdf:predicate and rdf:object from the subject,
    predicate and object columns: all three or none. The object is an entity, a concept
    (a value of a scale, say pgv:negotiation-stage-advanced) or, in double quotes, words."""
    import rdflib
    from rdflib import RDF, Literal

    from pactgraph.rdf.namespaces import expand

    given = {name: row.get(name, "").strip() for name in ("subject", "predicate", "object")}
    if not any(given.values()):
        return []
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise InputError(f"{where}: column {missing[0]}: a proposition's structure needs a subject, a predicate and an object")
    subject = _pick_any(ctx, given["subject"], f"{where}: column subject")
    predicate = expand(given["predicate"]).strip("<>")
    if not predicate.startswith(("http://", "https://")):
        raise InputError(f"{where}: column predicate: {given['predicate']!r} is not a property (give pg:progress, org:memberOf, ...)")
    value = given["object"]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        obj: Any = Literal(value[1:-1], lang="en")
    else:
        try:
            obj = rdflib.URIRef(pick_resource(ctx, value, "concept", f"{where}: column object").iri)
        except InputError:
            obj = rdflib.URIRef(_pick_any(ctx, value, f"{where}: column object").iri)
    return [(RDF.subject, rdflib.URIRef(subject.iri)), (RDF.predicate, rdflib.URIRef(predicate)), (RDF.object, obj)]


def structure_label(ctx: Context, structure: list[tuple[Any, Any]]) -> str:
    """An English label read off a proposition's structure ('Turkey seeks membership in
    Saudi–Pakistan defence alliance'), for a sheet row that gives none; edit it at will."""
    from rdflib import Literal

    from pactgraph.contributing.claims import select_bindings

    parts = dict(structure)
    words = []
    for term in parts.values():
        if isinstance(term, Literal):
            words.append(str(term))
            continue
        found = ctx.index.resources.get(str(term))
        if found is not None and found.name:
            words.append(found.name)
            continue
        rows = select_bindings(ctx.store, "SELECT ?l WHERE { ?t rdfs:label|skos:prefLabel ?l FILTER (LANG(?l) = 'en') }", t=str(term))
        words.append(str(rows[0]["l"].value) if rows else str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _pick_any(ctx: Context, text: str, where: str) -> Resource:
    errors = []
    for kind in ("entity", "agent", "proposition"):
        try:
            return pick_resource(ctx, text, kind, where)
        except InputError as err:
            errors.append(str(err))
    raise InputError(errors[0])


def _short(iri: str, scheme: str = "") -> str:
    name = iri if not iri or iri.startswith("pgv:") else shorten(iri)
    if scheme and name.startswith(f"pgv:{scheme}-"):
        return name[len(f"pgv:{scheme}-") :]
    return name


_DECLARED = """
SELECT ?s ?type ?label ?description ?organisation ?orole ?country ?about ?subject ?predicate ?object WHERE {
  ?s a ?type ; rdfs:label ?label FILTER (LANG(?label) = "en")
  VALUES ?type { pg:NewsOutlet pg:AnonymousSource schema:Person pg:Proposition }
  OPTIONAL { ?s schema:description ?description FILTER (LANG(?description) = "en") }
  OPTIONAL { ?m org:member ?s ; org:organization ?organisation OPTIONAL { ?m org:role ?orole } }
  OPTIONAL { ?s schema:location ?country }
  OPTIONAL { ?s pg:about ?about }
  OPTIONAL { ?s rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object }
}
"""


def export_sheet(report_dir: str | Path, data_dir: Path) -> str:
    """The report's declared agents and propositions, then its claims, as a sheet `import` reads back."""
    from pactgraph.rdf.loading import load_store

    report = open_report(report_dir, data_dir)
    claims = list_claims(report_dir, data_dir)
    store = load_store([report.file])
    from pactgraph.contributing.claims import select_bindings

    declared: dict[str, dict[str, Any]] = {}
    kinds = {
        PG + "NewsOutlet": "outlet",
        PG + "AnonymousSource": "anonymous-source",
        PREFIXES["schema"] + "Person": "person",
        PG + "Proposition": "proposition",
    }
    for r in select_bindings(store, _DECLARED):
        entry = declared.setdefault(
            r["s"].value, {"kind": kinds[r["type"].value], "id": shorten(r["s"].value), "label": r["label"].value, "about": set()}
        )
        if "description" in r:
            entry["description"] = r["description"].value
        if "organisation" in r:
            entry["affiliation"] = shorten(r["organisation"].value)
        if "orole" in r:
            entry["affiliation_role"] = _short(r["orole"].value, "affiliation-role")
        if "country" in r:
            entry["country"] = shorten(r["country"].value)
        if "about" in r:
            entry["about"].add(shorten(r["about"].value))
        if "subject" in r:
            entry["subject"], entry["predicate"] = shorten(r["subject"].value), shorten(r["predicate"].value)
            value = r["object"]
            entry["object"] = f'"{value.value}"' if type(value).__name__ == "Literal" else shorten(value.value)
    roles = {c.claimant: c.role for c in claims}
    written = report.file.read_text(encoding="utf-8")
    cited = _cited(written, [c.claim for c in claims])
    declared = {iri: entry for iri, entry in declared.items() if f"{BEGIN}{shorten(iri)} " in written}
    out = io.StringIO()
    plain = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    # The csv module quotes only the line terminator's characters: a row holding a lone CR is quoted whole.
    quoted = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)


    def write(row: dict[str, str]) -> None:
        cells = {k: escape_cell(v) for k, v in row.items()}
        (quoted if any("\r" in v for v in cells.values()) else plain).writerow(cells)

    plain.writeheader()
    order = {kind: n for n, kind in enumerate(KINDS)}
    for iri, entry in sorted(declared.items(), key=lambda item: (order[item[1]["kind"]], item[0])):
        entry["about"] = "; ".join(sorted(entry["about"]))
        if entry["kind"] == "person" and shorten(iri) in roles:
            entry["role"] = _short(roles[shorten(iri)], "source-role")
        write({k: v for k, v in entry.items() if v})
    for c in claims:
        claim_row = {
                "kind": "claim",
                "id": c.claim.rsplit("-", 1)[-1].lstrip("0"),
                "label": c.label,
                "claimant": c.claimant,
                "role": _short(c.role, "source-role"),
                "quote": c.quote,
                "proposition": c.proposition,
                "certainty": _short(c.certainty, "certainty"),
                "polarity": _short(c.polarity, "polarity"),
                "time": _short(c.time, "time-orientation"),
                "reason_for": c.reason_for,
                "conditional_on": c.conditional_on,
                "first_reported_in": c.first_reported_in,
                "stated_on": c.stated_on,
                "cites": cited.get(c.claim, ""),
            }
        write(claim_row)
    return out.getvalue()


def _cited(written: str, claims: list[str]) -> dict[str, str]:
    """The agent each claim's block records as cited (`--cites`, the `cites` column), by claim name:
    the pg:citesAgent a claim's block holds, read from that block alone."""
    import pyoxigraph as ox

    from pactgraph.contributing.claims import block_span

    found = {}
    for name in claims:
        span = block_span(written, name)
        text = written[span[0] : span[1]] if span is not None else ""
        if "citesAgent" not in text:
            continue
        parsed = ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        agents = sorted(t.object.value for t in parsed if t.predicate.value == PG + "citesAgent")
        if agents:
            found[name] = shorten(agents[0])
    return found


def add_claim(
    report_dir: str | Path,
    data_dir: Path,
    spec: ClaimInput,
    *,
    choose: Chooser | None = None,
    dry_run: bool = False,
    new_claimant: str | None = None,
    description: str | None = None,
    structure: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> tuple[str, str]:
    """Resolve, build, validate with the graph and append one claim; (claim IRI, its block).

    `new_claimant` (person, outlet or anonymous-source): the claimant is new, named by
    `spec.claimant`, and declared in a block of its own as a sheet row would declare it.
    `structure` (subject, predicate, object): the proposition with that structure, made
    when the graph has none (see `structured_proposition`). Notes are added to `notes`.
    """
    check_sizes({**{spec.origin(k): v for k, v in vars(spec).items() if isinstance(v, str)},
                 "--description": description or "", **{f"--{k}": v for k, v in (structure or {}).items()}})
    ctx = context(report_dir, data_dir, choose)
    if structure and any(structure.values()):
        spec.proposition = shorten(structured_proposition(ctx, spec.proposition, structure))
    if new_claimant is not None:
        if new_claimant not in ("person", "outlet", "anonymous-source"):
            raise InputError(f"--new-claimant must be person, outlet or anonymous-source, not {new_claimant!r}")
        row = {"label": spec.claimant or "", "description": description or "", "role": spec.role or ""}
        spec.claimant = shorten(declare(ctx, new_claimant, row, "--new-claimant", label_option="--claimant",
                                           declared_by="--new-claimant"))
    claim, turtle = build_claim(ctx, spec)
    write_blocks(ctx, dry_run=dry_run)
    if notes is not None:
        notes.extend(ctx.notes)
    return claim, block(claim, turtle)


_SAME_STRUCTURE = """
SELECT ?proposition ?object WHERE {
  ?proposition a pg:Proposition ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
}
"""


def structured_proposition(ctx: Context, label: str | None, structure: dict[str, str]) -> str:
    """The proposition whose subject, predicate and object are `structure`'s: the graph's own when
    it has one, else a new one (labelled `label`, or from its parts) declared in the report, with
    the propositions nearest to it named in a note, those sharing its subject and predicate first."""
    from pactgraph.contributing.claims import select_bindings

    where = "--subject/--predicate/--value"
    row = {"subject": structure.get("subject", ""), "predicate": structure.get("predicate", ""),
           "object": structure.get("object", "")}
    triples = _structure(ctx, row, where)
    (_, subject), (_, predicate), (_, obj) = triples
    rows = select_bindings(ctx.store, _SAME_STRUCTURE, subject=str(subject), predicate=str(predicate))
    shared = [r["proposition"].value for r in rows]
    same = [r["proposition"].value for r in rows if r["object"].value == str(obj)
            and (type(r["object"]).__name__ == "Literal") == (type(obj).__name__ == "Literal")]
    if same:
        ctx.notes.append(f"{where}: the graph states this as {shorten(same[0])} ({ctx.index.resources[same[0]].name}): used")
        return same[0]
    label = (label or "").strip() or structure_label(ctx, triples)
    about = [shorten(str(t)) for t in (subject, obj) if str(t) in ctx.index.resources
             and ctx.index.resources[str(t)].kinds & {"entity", "agent"}]
    if shared:
        ctx.notes.append(
            f"{where}: propositions with the same subject and predicate: "
            + "; ".join(f"{shorten(p)} ({ctx.index.resources[p].name})" for p in shared[:5] if p in ctx.index.resources)
        )
    row.update(label=label, about="; ".join(about))
    return declare(ctx, "proposition", row, where, label_option="--proposition", declared_by=where)
