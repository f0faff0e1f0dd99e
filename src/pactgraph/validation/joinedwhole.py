"""The whole-graph shapes of a joined validation on Oxigraph, with the one-graph executor's joined results.

A joined validation reports only the new files' problems: results on their nodes,
and results on the graph's nodes that the graph without the new files does not
have (validation.single). Here the graph and the new files are two named graphs
of one Store. Each shape's queries (or its target nodes' closure) run with both
graphs as the default graph; a shape with results on nodes the new files do not
describe runs again on the graph alone, and only its results that the graph alone
lacks are kept. Which shapes run here, the literals check and the shapes handed
back to the SHACL engine are validation.wholegraph's. tests/test_validation_wholegraph.py
holds the results to the one-graph executor's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

_GRAPH, _NEW = "urn:pactgraph:graph", "urn:pactgraph:new"
_FOCUS = "http://www.w3.org/ns/shacl#focusNode"


class GraphView:
    """Named graphs of a Store read as one default graph: the query and pattern calls validation.wholegraph makes."""

    def __init__(self, store: Any, graphs: Sequence[Any]):
        self.store = store
        self.graphs = list(graphs)

    def query(self, query: str) -> Any:
        return self.store.query(query, default_graph=self.graphs)

    def quads_for_pattern(self, subject: Any, predicate: Any, obj: Any) -> Iterator[Any]:
        """The matching triples of the graphs (each once), as quads of the default graph."""
        import pyoxigraph as ox

        seen = set()
        for graph in self.graphs:
            for quad in self.store.quads_for_pattern(subject, predicate, obj, graph):
                if quad.triple not in seen:
                    seen.add(quad.triple)
                    yield ox.Quad(quad.subject, quad.predicate, quad.object)


def run(
    scope: Any, shapes_graph: Any, placed: Sequence[Any], fail_on: str, engine: str,
    routed: list[Any] | None = None,
) -> tuple[list[list[Any]], int]:
    """validation.wholegraph.run for a joined scope: rows `[fields, result N-Triples, result node, hint]` of the
    whole-graph shapes, and how many files were parsed; `routed`: the shapes' routes when known
    (wholegraph.stored_routes)."""
    from dataclasses import replace

    from pactgraph.validation import wholegraph

    found = wholegraph.routes(shapes_graph, placed) if routed is None else routed
    fast = [r for r in found if r.kind in (wholegraph.OXIGRAPH, wholegraph.CLOSURE)]
    rows: list[list[Any]] = []
    parsed = 0
    done: set[Any] = set()
    if fast:
        rows, done = joined_rows(scope, shapes_graph, fast, placed, fail_on, engine)
        parsed = len(scope.new) + len(scope.data) + len(scope.ontology)
    # The other shapes on the SHACL engine, over the joined graph (validation.single).
    more, parsed_more = wholegraph.run(scope, shapes_graph, [replace(p, local=p.local or p.shape in done) for p in placed],
                                       fail_on, engine)
    return rows + more, parsed + parsed_more


def joined_rows(
    scope: Any, shapes_graph: Any, fast: list[Any], placed: Sequence[Any], fail_on: str, engine: str
) -> tuple[list[list[Any]], set[Any]]:
    """Rows `[fields, result N-Triples, result node, hint]` of the `fast` routes (validation.wholegraph.routes)
    answered here, and the shapes they answer; the others are the SHACL engine's."""
    import pyoxigraph as ox

    from pactgraph.validation.report import ValidationResult, result_key
    from pactgraph.validation.single import read_files
    from pactgraph.validation.wholegraph import CLOSURE, literals, typed_pairs

    # The new files' prefixes first, as the one-graph executor binds them.
    new_quads, prefixes = read_files(scope.new)
    base = list(scope.data) + list(scope.ontology)
    graph, new = ox.NamedNode(_GRAPH), ox.NamedNode(_NEW)

    def fill_graph(store: Any, stand: dict[Any, Any]) -> set[tuple[str, Any]]:
        """The graph's files into `store` (read a file at a time: the graph's quads are never all held in
        Python), literals in `stand` put as their stand-ins; and the typed literals read."""
        pairs: set[tuple[str, Any]] = set()
        for path in base:
            quads, declared = read_files([path])
            for prefix, namespace in declared.items():
                prefixes.setdefault(prefix, namespace)
            pairs |= typed_pairs(quads)
            store.extend(ox.Quad(q.subject, q.predicate, stand.get(q.object, q.object), graph) for q in quads)
        return pairs

    store = ox.Store()
    new_pairs = typed_pairs(new_quads)
    graph_pairs = fill_graph(store, {})
    held = literals(new_pairs | graph_pairs, stand_ins=True)
    fast = [r for r in fast if held.exact and (r.kind == CLOSURE or (r.translated.blind_to(held.predicates)
                                                                      and r.translated.values_blind_to(held.valued)))]
    if not fast:
        return [], set()
    # The new files go in once, with stand-ins for two written literals the Store would hold as one (rare
    # but for a large draft: its offsets); the graph is filled again only when it holds such a literal.
    stand = held.stand_ins
    store.extend(ox.Quad(q.subject, q.predicate, stand.get(q.object, q.object), new) for q in new_quads)
    if any(literal in stand for _, literal in graph_pairs):
        store.clear_graph(graph)
        fill_graph(store, stand)
    joined, alone = GraphView(store, [graph, new]), GraphView(store, [graph])
    found, handed_back = _rows(joined, shapes_graph, fast, placed, prefixes, fail_on, engine, held.back)
    kept = [(shape, row) for shape, row, focus in found if _owned(store, new, focus)]
    others = [(shape, row) for shape, row, focus in found if not _owned(store, new, focus)]
    if others:
        # As the one-graph executor: a result on a node of the graph counts when the graph alone lacks it.
        again = [r for r in fast if r.shape in {shape for shape, _ in others}]
        before_rows, handed_back_alone = _rows(alone, shapes_graph, again, placed, prefixes, fail_on, engine, held.back)
        handed_back |= handed_back_alone
        before = {result_key(ValidationResult(*row[0])) for _, row, _ in before_rows}
        kept.extend((shape, row) for shape, row in others if result_key(ValidationResult(*row[0])) not in before)
    rows = [row for shape, row in kept if shape not in handed_back]
    _hints(rows, store, new, shapes_graph, prefixes)
    return rows, {r.shape for r in fast if r.shape not in handed_back}


def _rows(
    view: GraphView, shapes_graph: Any, fast: list[Any], placed: Sequence[Any], prefixes: dict[str, str],
    fail_on: str, engine: str, back: dict[Any, Any],
) -> tuple[list[tuple[Any, list[Any], Any]], set[Any]]:
    """(shape, row, focus node) of each result on `view`; the shapes handed back to the engine."""
    from pactgraph.validation.wholegraph import OXIGRAPH, closure_rows, oxigraph_rows

    out: list[tuple[Any, list[Any], Any]] = []
    handed_back: set[Any] = set()
    for route in fast:
        if route.kind == OXIGRAPH:
            rows, handed = oxigraph_rows(view, shapes_graph, [route], prefixes, back)
            handed_back |= handed
        else:
            rows = closure_rows(view, shapes_graph, placed, [route], prefixes, fail_on, engine, back)
        out.extend((route.shape, row, _focus(row)) for row in rows)
    return out, handed_back


def _focus(row: list[Any]) -> Any:
    """A row's focus node as a pyoxigraph term (a blank node as the Store names it); None if it has none."""
    import pyoxigraph as ox

    _, text, node, _ = row
    for triple in ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        if triple.subject == ox.BlankNode(node) and triple.predicate.value == _FOCUS:
            focus = triple.object
            # validation.units.result_ntriples labels the blank nodes of these rows "whole" + their label.
            if isinstance(focus, ox.BlankNode) and focus.value.startswith("whole"):
                return ox.BlankNode(focus.value[len("whole"):])
            return focus
    return None


def _owned(store: Any, new: Any, focus: Any) -> bool:
    """True when the new files describe `focus`: a subject of theirs, or a blank node they hold."""
    import pyoxigraph as ox

    if focus is None or isinstance(focus, ox.Literal):
        return False
    if next(store.quads_for_pattern(focus, None, None, new), None) is not None:
        return True
    return isinstance(focus, ox.BlankNode) and next(store.quads_for_pattern(None, None, focus, new), None) is not None


def _hints(rows: list[list[Any]], store: Any, new: Any, shapes_graph: Any, prefixes: dict[str, str]) -> None:
    """A blank focus node of the new files is located by the IRI subject it hangs from (as in units)."""
    import pyoxigraph as ox
    import rdflib

    from pactgraph.rdf.rdflib_bridge import bind_prefixes
    from pactgraph.validation.engine import validation_graph
    from pactgraph.validation.names import Names

    names = None
    for row in rows:
        holder, seen = _focus(row), set()
        while isinstance(holder, ox.BlankNode) and holder not in seen:
            seen.add(holder)
            up = next(store.quads_for_pattern(None, None, holder, new), None)
            holder = up.subject if up is not None else None
        if seen and isinstance(holder, ox.NamedNode):
            if names is None:
                graph = validation_graph()
                bind_prefixes(graph, prefixes)
                names = Names(graph, shapes_graph)
            row[3] = names.node(rdflib.URIRef(holder.value))
