"""The whole-graph shapes with a cache folder: after an edit, each SPARQL shape runs again only for the focus
nodes the changed triples can affect (validation.incremental), on the graph kept in the cache folder
(validation.wholestore); the other focus nodes keep their results.

The results are kept with the key of what decides them besides the graph (shapes, validation code,
engine, prefixes, the Store's literals, the routes). Whenever that key differs, a shape is not
translated (the SHACL engine's routes), a shape had a result on a blank node in the last run over
the whole graph (blank nodes are named anew in each Store), or the analysis says so, the shapes run
over the whole graph as validation.wholegraph runs them, and the Store is brought up to date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def run(
    scope: Any, shapes_graph: Any, placed: Sequence[Any], fail_on: str, engine: str, routed: Any,
    book: Any, base: str, early: Early | None = None,
) -> tuple[list[list[Any]], int]:
    """wholegraph.run's rows and parsed-file count, validated incrementally where that is sound; `early`:
    the whole pass made before the manifest was read (`early`), used when it holds for the same literals."""
    from pactgraph.validation import wholegraph
    from pactgraph.validation.wholestore import WholeStore

    found = wholegraph.routes(shapes_graph, placed) if routed is None else routed
    if any(r.kind == wholegraph.ENGINE for r in found):
        raise _Fallback()
    kept = WholeStore.open(book.cache_dir, book.path.stem)
    if kept is None:
        raise _Fallback()
    try:
        return _run_kept(kept, scope, shapes_graph, placed, fail_on, engine, found, book, base, early)
    finally:
        kept.close()


def _run_kept(
    kept: Any, scope: Any, shapes_graph: Any, placed: Sequence[Any], fail_on: str, engine: str, found: Any,
    book: Any, base: str, early: Early | None,
) -> tuple[list[list[Any]], int]:
    """`run` on the opened WholeStore `kept`."""
    import pyoxigraph as ox

    from pactgraph.process import return_free_memory
    from pactgraph.validation import wholegraph
    from pactgraph.validation.single import read_files
    from pactgraph.validation.storedtext import facts_for
    from pactgraph.validation.units import digest
    from pactgraph.validation.wholestore import graph_iri, graph_key

    files = []
    pairs: set[tuple[str, Any]] = set()
    prefixes: dict[str, str] = {}
    parsed = 0
    for path in list(scope.data) + list(scope.ontology):
        record = book.record_of(path)
        if record is not None and all(subject for subject, _ in record["stored"]):
            facts = facts_for(path, [(ox.NamedNode(s), v) for s, v in record["stored"]])
            for key, values in record["typed"].items():
                predicate, datatype = key.split(" ", 1)
                pairs.update((predicate, ox.Literal(v, datatype=ox.NamedNode(datatype))) for v in values)
            declared = dict(record["prefixes"])
        else:
            from pactgraph.validation.storedtext import facts as facts_of

            quads, declared = read_files([path], with_facts=False)
            facts = facts_of(path, quads)
            pairs |= wholegraph.typed_pairs(quads)
            parsed += 1
        for prefix, namespace in declared.items():
            prefixes.setdefault(prefix, namespace)
        name = book.source.name_of(path)
        files.append((path, graph_iri(name), graph_key(book.source.hashes[name], facts), facts))
    held = wholegraph.literals(pairs)
    if not _answerable(held, found):
        raise _Fallback()
    key = digest(base, _held_key(held), repr([wholegraph.route_row(r) for r in found]))
    old = kept.state if kept.state.get("key") == key else {}
    rows = None
    if old.get("rows") is None or not kept.state.get("graphs"):
        if early is not None and early.held == _held_key(held):
            rows, parsed = early.rows, early.parsed
        else:
            # The whole pass first: its in-memory Store is gone before the Store on disk is filled.
            rows, parsed = _whole(scope, shapes_graph, found, book, held)
            return_free_memory()  # the in-memory Store's pages, before the Store on disk is filled
    change = kept.sync(files)
    if rows is None:
        rows = _incremental(kept.store, shapes_graph, placed, found, prefixes, held, fail_on, engine, old["rows"],
                            change)
    if rows is None:
        try:
            rows, parsed = _whole(scope, shapes_graph, found, book, held)
        except _Fallback:
            kept.state["key"] = None  # the graphs as they are, no rows
            kept.write_state()
            raise
    kept.state["key"] = key
    kept.state["rows"] = rows
    kept.write_state()
    out = [row for shape in rows.values() for _, row in shape]
    closure = [r for r in found if r.kind == wholegraph.CLOSURE]
    if closure:
        out.extend(wholegraph.closure_rows(_Union(kept.store), shapes_graph, placed, closure, prefixes, fail_on,
                                           engine, held.back))
    return out, parsed


class _Union:
    """Every graph of the Store read as one, for wholegraph.closure_rows."""

    def __init__(self, store: Any):
        self.store = store

    def quads_for_pattern(self, subject: Any, predicate: Any, obj: Any) -> Any:
        import pyoxigraph as ox

        seen = set()
        for q in self.store.quads_for_pattern(subject, predicate, obj):
            if q.triple not in seen:
                seen.add(q.triple)
                yield ox.Quad(q.subject, q.predicate, q.object)


def _answerable(held: Any, found: Any) -> bool:
    """Whether the SPARQL shapes of `found` give on a Store what they give on the files, given how the
    Store holds the typed literals (`held`): none asks a retyped literal's datatype."""
    from pactgraph.validation import wholegraph

    sparql = [r for r in found if r.kind == wholegraph.OXIGRAPH]
    return bool(held.exact) and all(r.translated.blind_to(held.predicates) for r in sparql)


def _held_key(held: Any) -> str:
    """What decides the rows of the SPARQL shapes besides the graph and the routes: how the Store holds
    the graph's typed literals (wholegraph.literals)."""
    return repr((held.exact, sorted((str(k), str(v)) for k, v in held.back.items()), sorted(held.predicates)))


@dataclass
class Early:
    """The SPARQL shapes' rows of a cold run (`early`), by shape, and what they hold for."""

    held: str
    rows: dict[str, list[list[Any]]]
    parsed: int


def kept_by_store(found: Any) -> bool:
    """Whether `run` keeps the whole-graph shapes of the routes `found` with the Store on disk: some are
    answered there and none only by the SHACL engine."""
    from pactgraph.validation import wholegraph

    return bool(found) and not any(r.kind == wholegraph.ENGINE for r in found)


def early(scope: Any, shapes_graph: Any, found: Any) -> Early | None:
    """The whole pass of a run with an empty cache, made before the manifest is read: its in-memory
    Store, the run's largest allocation, is then not added to what the manifest and the units hold
    (one peak of about the Store alone instead of the sum). The files are read here, not natively
    with their manifest records (there are none yet). None when `run` would not answer these shapes
    on Oxigraph (then it runs as before)."""
    from pactgraph.validation import wholegraph
    from pactgraph.validation.wholegraph import graph_store

    if not kept_by_store(found):
        return None
    store, prefixes, pairs = graph_store(scope, None)
    held = wholegraph.literals(pairs)
    if not _answerable(held, found):
        return None
    try:
        rows = _rows_by_shape(store, shapes_graph, found, prefixes, held)
    except _Fallback:
        return None
    return Early(_held_key(held), rows, len(scope.data) + len(scope.ontology))


def _whole(
    scope: Any, shapes_graph: Any, found: Any, book: Any, held: Any
) -> tuple[dict[str, list[list[Any]]], int]:
    """The SPARQL shapes' rows over the whole graph by shape, each with its focus node (N-Triples); None
    for a shape the literals or a backslash hand back (then every shape runs there, as before)."""
    store, prefixes, parsed = _memory_store(scope, book)
    return _rows_by_shape(store, shapes_graph, found, prefixes, held), parsed


def _rows_by_shape(
    store: Any, shapes_graph: Any, found: Any, prefixes: dict[str, str], held: Any
) -> dict[str, list[list[Any]]]:
    """`_whole`'s rows of the SPARQL routes of `found` on `store`; _Fallback when a backslash hands one back."""
    import pyoxigraph as ox

    from pactgraph.validation import wholegraph

    out: dict[str, list[list[Any]]] = {}
    for route in (r for r in found if r.kind == wholegraph.OXIGRAPH):
        focuses: list[Any] = []
        rows, handed_back = wholegraph.oxigraph_rows(store, shapes_graph, [route], prefixes, held.back, focuses)
        if handed_back:
            raise _Fallback()
        out[str(route.shape)] = [[None if isinstance(f, ox.BlankNode) else str(f), row]
                                 for f, row in zip(focuses, rows, strict=True)]
    return out


class _Fallback(Exception):
    """The shapes run as validation.wholegraph runs them."""


def _memory_store(scope: Any, book: Any) -> tuple[Any, dict[str, str], int]:
    """An in-memory Store of the graph (default graph), its prefixes, and how many files were parsed."""
    from pactgraph.validation.wholegraph import graph_store

    store, prefixes, _ = graph_store(scope, book.record_of)
    return store, prefixes, len(scope.data) + len(scope.ontology)


def _incremental(
    store: Any, shapes_graph: Any, placed: Sequence[Any], found: Any, prefixes: dict[str, str], held: Any,
    fail_on: str, engine: str, old: dict[str, list[list[Any]]], change: Any,
) -> dict[str, list[list[Any]]] | None:
    """The rows by shape after `change`, from `old` and the affected focus nodes; None: run over the whole graph."""
    from pactgraph.validation import incremental, wholegraph
    from pactgraph.validation.incremental import Changes, Whole

    changes = Changes(store, change.removed, change.added)
    out: dict[str, list[list[Any]]] = {}
    for route in found:
        if route.kind != wholegraph.OXIGRAPH:
            continue
        shape = str(route.shape)
        before = old.get(shape)
        if before is None or any(focus is None for focus, _ in before):
            return None
        if not changes.triples:
            out[shape] = before
            continue
        try:
            plan = incremental.plans(shapes_graph, route.translated)
            nodes = incremental.affected(plan, changes)
        except Whole:
            return None
        names = {str(n) for n in nodes}
        focuses: list[Any] = []
        query = incremental.solutions(store, plan, route.translated, nodes)
        rows, handed_back = wholegraph.oxigraph_rows(store, shapes_graph, [route], prefixes, held.back, focuses, query)
        if handed_back:
            return None
        out[shape] = [pair for pair in before if pair[0] not in names] + [
            [str(f), row] for f, row in zip(focuses, rows, strict=True)]
    return out


def run_or_fallback(
    scope: Any, shapes_graph: Any, placed: Sequence[Any], fail_on: str, engine: str, routed: Any, book: Any, base: str,
    early: Early | None = None,
) -> tuple[list[list[Any]], int]:
    """`run`, or wholegraph.run when the shapes cannot be kept by focus node."""
    from pactgraph.validation import wholegraph

    try:
        return run(scope, shapes_graph, placed, fail_on, engine, routed, book, base, early)
    except _Fallback:
        return wholegraph.run(scope, shapes_graph, placed, fail_on, engine, routed, book.record_of)

