"""The units executor: a scope cut into units (validation.units), validated, merged into one report."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pactgraph.validation.report import ValidationReport, ValidationResult, result_key
from pactgraph.validation.units import (
    CACHE_FORMAT,
    GraphSource,
    Unit,
    cache_read,
    cache_write,
    code_key,
    digest,
    ntriples,
    run_units,
)

_FIELDS = (
    "severity",
    "focus_node",
    "focus_label",
    "path",
    "value",
    "message",
    "source_shape",
    "constraint",
    "source_constraint",
    "location",
)


def _engine_key(engine: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    from pactgraph.validation.engine import resolve_engine

    name = resolve_engine(engine)
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} unknown"


def _hashes(files: Sequence[Path]) -> list[str]:
    from pactgraph.stores.base import sha256_file

    return [f"{p.name}:{sha256_file(p)}" for p in files]


def _terms_n3(quads: Sequence[Any]) -> tuple[list[str], dict[str, str]]:
    """N-Triples forms of the unit's own nodes (subjects, blank objects); blank node -> holding subject."""
    import pyoxigraph as ox

    own: set[str] = set()
    parents: dict[str, str] = {}
    for q in quads:
        own.add(str(q.subject))
        if isinstance(q.object, ox.BlankNode):
            own.add(str(q.object))
            parents.setdefault(str(q.object), str(q.subject))
    return sorted(own), parents


def build_units(scope: Any, source: GraphSource, base: str) -> Iterator[Unit]:
    """Units of the scope: the new files together (joined), else each report file and the other files."""
    from pactgraph.validation.single import read_files

    if scope.joined:
        quads, prefixes = read_files(scope.new)
        own = [q.triple for q in quads]
        closure, touched = source.closure(own, set())
        # The stored-text facts are in `own`: a key over them changes when an article.txt does.
        key = digest(base, "joined", *_hashes(scope.new), *sorted(source.hashes[g] for g in touched), ntriples(own))
        owned, parents = _terms_n3(quads)
        unit = Unit(
            "joined",
            ntriples(own + closure),
            key,
            baseline=ntriples(closure),
            owned=owned,
            parents=parents,
            prefixes={**prefixes, **source.prefixes},
        )
        unit.triples = _new_triples(own, source)
        yield unit
        return
    for files in _groups(scope):
        yield _group_unit(files, source, base)[0]
        source.let_go_over_budget(files)


def _groups(scope: Any) -> list[list[Path]]:
    """The files of each unit of a whole-graph scope: each report file alone, and the other files together."""
    from pactgraph.validation.scope import is_report_file

    groups = [[report] for report in scope.data if is_report_file(report)]
    others = list(scope.ontology) + [p for p in scope.data if not is_report_file(p)]
    if others:
        groups.append(others)
    return groups


def _group_unit(files: list[Path], source: GraphSource, base: str) -> tuple[Unit, set[str]]:
    """The unit of `files` with its closure, and the graphs the closure touched."""
    from pactgraph.validation import storedtext

    own = []
    facts: list[Any] = []
    for path in files:
        found = source.own(path)
        own.extend(found)
        facts.extend(t.triple for t in storedtext.facts(path, found))
    own.extend(facts)
    skip = {source.name_of(p) for p in files}
    closure, touched = source.closure(own, skip)
    # What the stored text files hold decides results too: an edited article.txt is a new key.
    key = digest(base, "unit", *_hashes(files), *sorted(source.hashes[g] for g in touched), ntriples(facts))
    # The stored-text facts are the unit's triples that no file holds.
    unit = Unit(str(files[0]), ntriples(own + closure), key, prefixes=source.prefixes, triples=len(facts))
    return unit, touched


def _new_triples(own: Sequence[Any], source: GraphSource) -> int:
    """How many of the new files' triples (with their stored-text facts) the graph does not hold."""
    return sum(1 for t in set(own) if not source.holds(t))


def _new_count(scope: Any, source: GraphSource) -> int:
    """`_new_triples` of a joined scope's new files, when no unit reads them."""
    from pactgraph.validation.single import read_files

    quads, _ = read_files(scope.new)
    return _new_triples([q.triple for q in quads], source)


def _fact_count(scope: Any, source: GraphSource, book: Any) -> int:
    """The stored-text facts of every file, which a unit adds to the graph's triples (`Unit.triples`),
    counted when no unit is built (every shape runs on the whole graph)."""
    import pyoxigraph as ox

    from pactgraph.validation import storedtext
    from pactgraph.validation.manifest import LazySource

    total = 0
    for path in list(scope.ontology) + list(scope.data):
        # A file's record (a LazySource keeps one of every file) gives its stored texts without a parse.
        record = (book.record_of(path) if book is not None
                  else source.record(source.name_of(path)) if isinstance(source, LazySource) else None)
        if record is not None:
            # How many facts a text gives does not depend on the node that names it.
            named = [(ox.NamedNode(s) if s else ox.BlankNode(), value) for s, value in record["stored"]]
            total += len(storedtext.facts_for(path, named))
        else:
            total += len(storedtext.facts(path, source.stored_at(path)))
    return total


def _source(scope: Any) -> GraphSource:
    """The on-disk store for a joined validation when it holds the graph as it is; else the files."""
    if scope.joined and scope.store is not None:
        from pactgraph.validation.units import StoreSource

        found = StoreSource.open(scope.store, list(scope.ontology) + list(scope.data))
        if found is not None:
            return found
    files = list(scope.ontology) + list(scope.data)
    if not scope.joined:
        return GraphSource.from_files(files)
    from pactgraph.validation.manifest import Hasher, LazySource

    # The new files' unit reaches few of the graph's files: the graph is read a file at a time, no
    # more than manifest.PARSED_BUDGET triples kept, and what the unit reaches is parsed again.
    return LazySource(files, Hasher({}))


def validate_units(scope: Any, shape_files: Sequence[Path], fail_on: str, engine: str, executor: Any) -> ValidationReport:
    """Validate the scope: the shapes that read only forward of their focus nodes in units (here, in
    local processes, or on a Dask cluster: validation.cluster), the others once over the whole graph
    here (validation.locality); each distinct result once, sorted as always."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        remote = None
        if executor.kind == "dask":
            from pactgraph.validation.cluster import DaskPool

            # Reached before any work, so that a scheduler out of reach stops the run at once.
            remote = stack.enter_context(DaskPool(executor.scheduler))
        return _validate_units(scope, shape_files, fail_on, engine, executor, remote)


def _early_whole(
    scope: Any, shapes_graph: Any, placed: Sequence[Any], cache_dir: Path, placements_key: str, jobs: int
) -> Any:
    """The whole-graph pass made first (validation.storedwhole.early) when the cache knows nothing of this
    graph (no manifest, no Store on disk): the pass would run over the whole graph anyway, and made
    before the manifest and the units fill the memory, its Store is not added to them. None otherwise.
    With more than one job, a child process fills the Store on disk meanwhile (wholestore.prefill_in_child)."""
    from pactgraph.process import return_free_memory
    from pactgraph.validation import storedwhole
    from pactgraph.validation.manifest import Book
    from pactgraph.validation.wholegraph import stored_routes
    from pactgraph.validation.wholestore import WholeStore, prefill_in_child

    if all(p.local for p in placed):
        return None
    manifest = Book.path_of(cache_dir, scope)
    if manifest.exists() or WholeStore.holds_graphs(cache_dir, manifest.stem):
        return None
    routes = stored_routes(shapes_graph, placed, cache_dir, placements_key)
    if jobs > 1 and storedwhole.kept_by_store(routes):
        prefill_in_child(cache_dir, manifest.stem, list(scope.data) + list(scope.ontology))
    found = storedwhole.early(scope, shapes_graph, routes)
    return_free_memory()  # the in-memory Store's pages, before the manifest is read
    return found


def _validate_units(
    scope: Any, shape_files: Sequence[Path], fail_on: str, engine: str, executor: Any, remote: Any
) -> ValidationReport:
    import rdflib

    from pactgraph import __version__
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation.names import count_shapes

    shapes_graph = load_graph(shape_files)
    code = code_key()
    placements_key = digest(code, "placements", *_hashes(shape_files))
    placed = _placements(shapes_graph, placements_key, executor.cache_dir)
    book = None
    early = None
    if not scope.joined and executor.cache_dir is not None:
        from pactgraph.validation.manifest import Book

        early = _early_whole(scope, shapes_graph, placed, executor.cache_dir, placements_key,
                             remote.size if remote else executor.jobs or 1)
        # The manifest of the files as last validated: unchanged report files are not parsed.
        book = Book(executor.cache_dir, scope)
        source: GraphSource = book.source
    else:
        source = _source(scope)
    if scope.joined and _reaches_new_files(scope, source):
        # A node of the graph that leads to what the new files describe may change with them, and a
        # unit holds only what the new files reach: the whole graph, once, is the sound way.
        placed = [replace(p, local=False) for p in placed]
    results: dict[tuple[str, ...], tuple[ValidationResult, str, str]] = {}
    info: dict[str, Any] = {"units": 0, "cached": 0, "jobs": remote.size if remote else executor.jobs or 1}
    done: list[tuple[Unit, dict[str, Any]]] = []
    # The prefixes name the nodes in results: a file declaring another one changes every key.
    base = digest(f"pactgraph {__version__}", code, "local shapes", _engine_key(engine),
                  *_hashes(shape_files), "ontology", *_hashes(scope.ontology),
                  "prefixes", *(f"{k} {v}" for k, v in source.prefixes.items()))
    whole_count = sum(1 for p in placed if not p.local)

    def whole_pass(units: list[Unit]) -> dict[str, Any]:
        """The whole-graph shapes' rows (None: there are none), given every unit, and the triple count."""
        from pactgraph.process import return_free_memory

        out: dict[str, Any] = {"parsed": source.loaded}
        # What a graph holds beyond its files' triples: the stored-text facts, and (joined) the new
        # files' triples; the units count theirs (Unit.triples), the rest is counted here.
        local = any(p.local for p in placed)
        facts = sum(unit.triples for unit in units) if local else 0
        if scope.joined:
            facts += _fact_count(scope, source, book) + (0 if local else _new_count(scope, source))
        elif not local:
            facts = _fact_count(scope, source, book)
        out["triples"] = source.count_triples(facts)
        # What the manifest keeps of the parsed files is taken now, and their triples let go: the whole-graph
        # pass builds a Store of the graph, and holding both copies doubled the peak memory.
        if book is not None:
            book.release()
        else:
            source.release()
        return_free_memory()
        if not whole_count:
            return {**out, "rows": None}
        # Every input as it was last time (the units' keys hold the stored texts): the same results.
        whole_key = book.whole_key(base, (u.key for u in units)) if book is not None and units else None
        rows = (cache_read(executor.cache_dir, whole_key) or {}).get("results") if whole_key else None
        if not (isinstance(rows, list) and all(isinstance(row, list) and len(row) == 4 for row in rows)):
            rows = None
        out["whole_graph_cached"] = rows is not None
        if rows is None:
            from pactgraph.validation import joinedwhole
            from pactgraph.validation.wholegraph import run as run_whole
            from pactgraph.validation.wholegraph import stored_routes

            # Each whole-graph shape on the engine that answers it fastest (validation.wholegraph; joined:
            # validation.joinedwhole).
            routed = None
            if executor.cache_dir is not None:
                routed = stored_routes(shapes_graph, placed, executor.cache_dir, placements_key)
            if scope.joined:
                rows, more = joinedwhole.run(scope, shapes_graph, placed, fail_on, engine, routed)
            elif book is not None:
                from pactgraph.validation import storedwhole

                # After an edit, only the focus nodes it can affect (validation.storedwhole).
                rows, more = storedwhole.run_or_fallback(scope, shapes_graph, placed, fail_on, engine, routed,
                                                         book, base, early)
            else:
                rows, more = run_whole(scope, shapes_graph, placed, fail_on, engine, routed, None)
            out["parsed"] += more
            if whole_key:
                cache_write(executor.cache_dir, whole_key, {"format": CACHE_FORMAT, "results": rows})
        return {**out, "rows": rows}

    whole: dict[str, Any] | None = None
    if any(p.local for p in placed):
        # The placements go to the workers (made again there, they cost seconds each) when every shape
        # is named: a worker reads the shapes again, with blank nodes of its own.
        named = all(isinstance(p.shape, rdflib.URIRef) for p in placed)
        init_args = ([str(p) for p in shape_files], engine, True, "local", placed if named else None)
        if remote is not None:
            remote.load(shape_files, engine, "local")
        reused: list[tuple[Unit, dict[str, Any]]] = []
        if book is not None:
            reused, units = book.plan(_groups(scope), base, lambda files: _group_unit(files, source, base))
        else:
            units = build_units(scope, source, base)
        # With whole-graph shapes, few units are validated in other processes while they run here.
        meanwhile = (lambda ran: whole_pass([u for u, _ in reused] + ran)) if whole_count else None
        done, info, whole = run_units(units, init_args, executor.jobs or 1, executor.cache_dir, remote, meanwhile)
        done = reused + done
        info["units"] += len(reused)
        info["cached"] += len(reused)
        for _, entry in done:
            before = {result_key(_result(fields)) for fields in entry.get("baseline", [])}
            for fields, text, node, own, hint in entry["results"]:
                result = _result(fields, hint)
                if scope.joined and not own and result_key(result) in before:
                    continue
                results.setdefault(tuple(fields), (result, text, node))
    if whole is None:
        whole = whole_pass([u for u, _ in done])
    parsed, triples = whole["parsed"], whole["triples"]
    if "whole_graph_cached" in whole:
        info["whole_graph_cached"] = whole["whole_graph_cached"]
    for fields, text, node, hint in whole["rows"] or ():
        results.setdefault(tuple(fields), (_result(fields, hint), text, node))
    info["parsed"] = parsed
    if book is not None:
        info["hashed"] = book.hasher.hashed
    merged = sorted((r for r, _, _ in results.values()), key=ValidationResult.sort_key)
    report = ValidationReport(
        results=merged,
        shapes=count_shapes(shapes_graph),
        triples=triples,
        fail_on=fail_on,
    )
    report.graph = _report_graph(shapes_graph, [(t, n) for _, t, n in results.values()], report.conforms)
    report.run_info = {"executor": executor.kind, "engine": _engine_key(engine).split()[0], **info,
                       "whole_graph_shapes": whole_count}
    if book is not None:
        book.save(base)
    return report


def _placements(shapes_graph: Any, key: str, cache_dir: Path | None) -> list[Any]:
    """Where each shape runs (validation.locality parses every SPARQL constraint: seconds), cached by
    the shapes' and the validation code's hashes when every shape with targets is named."""
    import rdflib

    from pactgraph.validation.locality import Placement, placements

    key = digest(key, f"rdflib {rdflib.__version__}")
    rows = (cache_read(cache_dir, key) or {}).get("placements")
    try:
        if rows is not None:
            return [Placement(rdflib.URIRef(iri), bool(local), str(reason)) for iri, local, reason in rows]
    except (TypeError, ValueError):
        pass  # an entry not of this shape: placed again
    placed = placements(shapes_graph)
    if all(isinstance(p.shape, rdflib.URIRef) for p in placed):
        rows = [[str(p.shape), p.local, p.reason] for p in placed]
        cache_write(cache_dir, key, {"format": CACHE_FORMAT, "placements": rows})
    return placed


def _result(fields: Sequence[str], hint: str = "") -> ValidationResult:
    return ValidationResult(**dict(zip(_FIELDS, fields, strict=True)), location_hint=hint)


def _reaches_new_files(scope: Any, source: GraphSource) -> bool:
    """True when a triple of the graph points at (or uses as predicate) a node the new files describe."""
    import pyoxigraph as ox

    from pactgraph.validation.single import read_files

    quads, _ = read_files(scope.new, with_facts=False)
    subjects = {q.subject for q in quads if isinstance(q.subject, ox.NamedNode)}
    return any(source.pointed_at(node) for node in subjects)


def _report_graph(shapes_graph: Any, results: list[tuple[str, str]], conforms: bool) -> Any:
    """The merged sh:ValidationReport graph: each result's N-Triples (parsed by pyoxigraph, which keeps
    the blank-node labels) under one report node."""
    import pyoxigraph as ox
    import rdflib

    from pactgraph.rdf.rdflib_bridge import new_graph
    from pactgraph.rdf.namespaces import SH
    from pactgraph.rdf.rdflib_bridge import quads_to_graph

    graph = new_graph()
    for prefix, namespace in shapes_graph.namespaces():
        graph.bind(str(prefix), namespace, override=False)
    text = "\n".join(t for t, _ in results if t)
    quads_to_graph(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES), graph)
    sh = rdflib.Namespace(SH)
    report = rdflib.BNode()
    graph.add((report, rdflib.RDF.type, sh.ValidationReport))
    graph.add((report, sh.conforms, rdflib.Literal(conforms)))
    for _, node in results:
        graph.add((report, sh.result, rdflib.BNode(node)))
    return graph
