"""The shapes that run once over the whole graph, each on the engine that answers it without an rdflib copy
of the graph.

- `oxigraph`: shapes validation.sparqlshapes translates (SPARQL targets and constraints), one query per
  constraint over a pyoxigraph Store of the graph;
- `closure`: shapes whose only targets are `sh:targetNode` and whose constraints read only forward of
  the focus node (validation.locality): the SHACL engine on the target nodes' forward closure, which
  holds everything such a shape reads (the argument that makes units sound);
- the SHACL engine over the whole graph: every other shape.

A joined validation runs the same routes with its own semantics: validation.joinedwhole. With a cache
folder, validation.storedwhole keeps the graph and the SPARQL shapes' results by focus node, and after an
edit runs them again only for the focus nodes the edit can affect.

The Store is used only when it holds every literal of the graph as the files write it and as rdflib
reads it (Oxigraph keeps numbers, booleans and dates in canonical form, "01" as "1"), or only
retyped ("5"^^xsd:nonNegativeInteger as "5"^^xsd:integer) where no other literal of the graph is
the retyped one: results are given back their written type, and a query that asks DATATYPE or
sameTerm of a variable that a triple of a retyped literal's predicate could bind stays on the
SHACL engine; otherwise every shape runs on the SHACL engine. `tests/test_validation_wholegraph.py` checks the results
against pySHACL on the shipped graph, every fixture and shapes drawn from a grammar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OXIGRAPH, CLOSURE, ENGINE = "oxigraph", "closure", "engine"
_STAND_IN = "urn:pactgraph:stand-in:"
_PLAIN = ("http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")


@dataclass(frozen=True)
class Route:
    """One whole-graph shape: where it runs (OXIGRAPH, CLOSURE or ENGINE), its translation, and why."""

    shape: Any
    kind: str
    reason: str
    translated: Any = None


def routes(shapes_graph: Any, placed: Sequence[Any]) -> list[Route]:
    """The route of each shape placed on the whole graph."""
    import rdflib

    from pactgraph.rdf.namespaces import SH
    from pactgraph.validation.locality import reads_forward
    from pactgraph.validation.sparqlshapes import Refused, translate

    sh = rdflib.Namespace(SH)
    out = []
    for placement in placed:
        if placement.local:
            continue
        shape = placement.shape
        try:
            out.append(Route(shape, OXIGRAPH, "SHACL-SPARQL translated", translate(shapes_graph, shape)))
            continue
        except Refused as why:
            refused = str(why)
        others = [t for t in (sh.targetClass, sh.targetSubjectsOf, sh.targetObjectsOf, sh.target)
                  if (shape, t, None) in shapes_graph]
        implicit = any((shape, rdflib.RDF.type, rdflib.URIRef(c)) in shapes_graph
                       for c in ("http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class"))
        if (shape, sh.targetNode, None) in shapes_graph and not others and not implicit and reads_forward(shapes_graph, shape):
            out.append(Route(shape, CLOSURE, "sh:targetNode, forward constraints: its nodes' closure"))
        else:
            out.append(Route(shape, ENGINE, refused))
    return out


def stored_routes(shapes_graph: Any, placed: Sequence[Any], cache_dir: Any, key: str) -> list[Route]:
    """`routes`, kept in the cache folder under `key` (the shapes' and the validation code's hashes):
    translating parses every SPARQL text with rdflib (a second at 1M triples, on every changed graph).
    Kept only when every shape and constraint is named (a blank node has no name across runs); the key
    names the shapes placed on the whole graph, which a joined validation may widen (validation.merge)."""
    import rdflib

    from pactgraph.validation.units import CACHE_FORMAT, cache_read, cache_write, digest

    whole = sorted(str(p.shape) for p in placed if not p.local)
    key = digest(key, "routes", f"rdflib {rdflib.__version__}", *whole)
    rows = (cache_read(cache_dir, key) or {}).get("routes")
    if rows is not None:
        try:
            return [_route_from(row) for row in rows]
        except (TypeError, ValueError, KeyError):
            pass  # an entry not of this form: routed again
    found = routes(shapes_graph, placed)
    rows = [route_row(r) for r in found]
    if all(row is not None for row in rows):
        cache_write(cache_dir, key, {"format": CACHE_FORMAT, "routes": rows})
    return found


def route_row(route: Route) -> dict[str, Any] | None:
    """The route as JSON; None when a shape, constraint or severity is not an IRI."""
    import rdflib

    t = route.translated
    named = [route.shape] + ([t.severity] + [c.node for c in t.constraints] if t is not None else [])
    if not all(isinstance(n, rdflib.URIRef) for n in named):
        return None
    translated = None if t is None else {
        "severity": str(t.severity),
        "constraints": [{"node": str(c.node), "query": c.query, "projection": list(c.projection),
                         "messages": list(c.messages), "typed": [None if f is None else sorted(f) for f in c.typed],
                         "valued": None if c.valued is None else [None if f is None else sorted(f) for f in c.valued]}
                        for c in t.constraints]}
    return {"shape": str(route.shape), "kind": route.kind, "reason": route.reason, "translated": translated}


def _route_from(row: dict[str, Any]) -> Route:
    import rdflib

    from pactgraph.validation.sparqlshapes import Constraint, Translated

    if row["kind"] not in (OXIGRAPH, CLOSURE, ENGINE) or not all(isinstance(row[k], str) for k in ("shape", "reason")):
        raise ValueError("not a route")
    shape = rdflib.URIRef(row["shape"])
    t = row["translated"]
    translated = None if t is None else Translated(shape, rdflib.URIRef(t["severity"]), tuple(
        Constraint(rdflib.URIRef(c["node"]), str(c["query"]), tuple(map(str, c["projection"])),
                   tuple(map(str, c["messages"])),
                   tuple(None if f is None else frozenset(map(str, f)) for f in c["typed"]),
                   None if c["valued"] is None else tuple(None if f is None else frozenset(map(str, f)) for f in c["valued"]))
        for c in t["constraints"]))
    if (row["kind"] == OXIGRAPH) != (translated is not None):
        raise ValueError("not a route")
    return Route(shape, row["kind"], row["reason"], translated)


def describe(route: Route, engine: str) -> str:
    """The engine that runs a whole-graph shape, for `validate --explain`."""
    if route.kind == OXIGRAPH:
        return "oxigraph"
    if route.kind == CLOSURE:
        return f"{engine}, target nodes' closure"
    return engine


@dataclass
class Literals:
    """How a Store holds the graph's typed literals: `exact` when as written or only retyped; `back`: each
    literal the Store retypes ("5"^^xsd:nonNegativeInteger as "5"^^xsd:integer), from its stored form
    to its written one; `predicates`: the predicates of the triples holding those."""

    exact: bool
    back: dict[Any, Any]
    predicates: set[str]
    #: With `literals(..., stand_ins=True)`: the literals two written ones would share in a Store
    #: ("5"^^xsd:positiveInteger and "5"^^xsd:nonNegativeInteger both as "5"^^xsd:integer) are put there as
    #: a literal of their own instead (written -> stand-in, of a datatype no file uses); `valued`: the
    #: predicates of the triples holding those (a query may read their string, language, kind, no more).
    stand_ins: dict[Any, Any] = field(default_factory=dict)
    valued: set[str] = field(default_factory=set)


def typed_pairs(quads: Iterable[Any]) -> set[tuple[str, Any]]:
    """(predicate IRI, literal) of each triple of `quads` whose object is a typed literal (not a string)."""
    import pyoxigraph as ox

    return {(q.predicate.value, q.object) for q in quads
            if isinstance(q.object, ox.Literal) and q.object.datatype.value not in _PLAIN}


def literals(pairs: set[tuple[str, Any]], stand_ins: bool = False) -> Literals:
    """What a Store does to the typed literals of the graph, given by `typed_pairs` (see Literals). Not exact
    when it writes one with another lexical form ("01" as "1"), or when a retyped literal meets another
    literal of the graph (unless `stand_ins`: see Literals.stand_ins)."""
    import pyoxigraph as ox

    from pactgraph.rdf.rdflib_bridge import to_oxigraph, to_rdflib_term

    typed = {literal for _, literal in pairs}
    if not all(to_oxigraph(to_rdflib_term(literal)) == literal for literal in typed):
        return Literals(False, {}, set())
    written = {ox.BlankNode(f"l{i}"): literal for i, literal in enumerate(typed)}
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:pactgraph:literal")
    scratch.extend(ox.Quad(node, predicate, literal) for node, literal in written.items())
    if len(scratch) != len(written):
        return Literals(False, {}, set())
    stored: dict[Any, list[Any]] = {}
    for quad in scratch:
        original = written[quad.subject]
        if quad.object.value != original.value:
            return Literals(False, {}, set())
        stored.setdefault(quad.object, []).append(original)
    back: dict[Any, Any] = {}
    stand: dict[Any, Any] = {}
    for held, originals in stored.items():
        changed = [literal for literal in originals if literal != held]
        if not changed:
            continue
        if len(originals) == 1:
            back[held] = changed[0]
            continue
        if not stand_ins:
            return Literals(False, {}, set())
        for literal in changed:
            instead = ox.Literal(literal.value, datatype=ox.NamedNode(_STAND_IN + literal.datatype.value))
            if instead in typed:
                return Literals(False, {}, set())
            stand[literal] = instead
            back[instead] = literal
    retyped = set(back.values())
    predicates = {predicate for predicate, literal in pairs if literal in retyped}
    valued = {predicate for predicate, literal in pairs if literal in stand}
    return Literals(True, back, predicates, stand, valued)


def run(
    scope: Any, shapes_graph: Any, placed: Sequence[Any], fail_on: str, engine: str,
    routed: list[Route] | None = None, known: Callable[[Path], dict[str, Any] | None] | None = None,
) -> tuple[list[list[Any]], int]:
    """Rows `[fields, result N-Triples, result node, hint]` of the whole-graph shapes, and how many files were
    parsed; `routed`: the shapes' routes when known (stored_routes); `known`: a file's manifest record
    (validation.manifest) when it holds for the file as it is now: such a file goes into the Store
    without Python objects of its triples, its typed literals and stored texts taken from the record."""
    from pactgraph.validation.locality import split
    from pactgraph.validation.single import validate_single

    found = (routes(shapes_graph, placed) if routed is None else routed) if not scope.joined else []
    rows: list[list[Any]] = []
    parsed = 0
    fast = [r for r in found if r.kind in (OXIGRAPH, CLOSURE)]
    if fast:
        store, prefixes, pairs = graph_store(scope, known)
        parsed += len(scope.data) + len(scope.ontology)
        held = literals(pairs)
        # A query that asks a retyped literal's datatype (or compares terms) would see the Store's type.
        fast = [r for r in fast if held.exact and (r.kind == CLOSURE or r.translated.blind_to(held.predicates))]
        answered, handed_back = oxigraph_rows(store, shapes_graph, [r for r in fast if r.kind == OXIGRAPH], prefixes,
                                               held.back)
        rows.extend(answered)
        fast = [r for r in fast if r.shape not in handed_back]
        closure = [r for r in fast if r.kind == CLOSURE]
        if closure:
            rows.extend(closure_rows(store, shapes_graph, placed, closure, prefixes, fail_on, engine, held.back))
        del store
    done = {r.shape for r in fast}
    rest = [p for p in placed if not p.local and p.shape not in done]
    if rest:
        from dataclasses import replace

        from pactgraph.validation.units import result_ntriples

        kept = [p if not p.local and p.shape not in done else replace(p, local=True) for p in placed]
        whole = validate_single(scope, split(shapes_graph, kept)[1], [], [], fail_on, engine, results_only=True)
        parsed += len(scope.ontology) + len(scope.data) + len(scope.new)
        for result in whole.results:
            text, node = result_ntriples(whole.graph, whole.result_nodes[result], "whole")
            rows.append([list(result.to_dict().values()), text, node, result.location_hint])
    return rows, parsed


def graph_store(scope: Any, known: Callable[[Path], Any] | None) -> tuple[Any, dict[str, str], set[tuple[str, Any]]]:
    """An in-memory Store of the scope's graph (default graph), its prefixes and its typed literals
    (typed_pairs), filled file by file so that only one file's quads are held at a time; a file with
    a manifest record (`known`) is loaded natively (load_known)."""
    import pyoxigraph as ox

    from pactgraph.validation.single import read_files

    store = ox.Store()
    prefixes: dict[str, str] = {}
    pairs: set[tuple[str, Any]] = set()
    for path in list(scope.data) + list(scope.ontology):
        record = known(path) if known is not None else None
        if record is not None and all(subject for subject, _ in record["stored"]):
            load_known(store, path, record, pairs, prefixes)
            continue
        quads, declared = read_files([path])
        for prefix, namespace in declared.items():
            prefixes.setdefault(prefix, namespace)
        pairs |= typed_pairs(quads)
        store.extend(q if isinstance(q.graph_name, ox.DefaultGraph) else ox.Quad(q.subject, q.predicate, q.object)
                     for q in quads)
    return store, prefixes, pairs


def load_known(
    store: Any, path: Path, record: dict[str, Any], pairs: set[tuple[str, Any]], prefixes: dict[str, str]
) -> None:
    """A file with a manifest record into the Store's default graph, as read_files would give it: its
    triples, its stored-text facts (read now), its typed literals and prefixes (from the record)."""
    import pyoxigraph as ox

    from pactgraph.rdf.loading import load_file_into
    from pactgraph.validation.storedtext import facts_for

    load_file_into(store, path, default=True)
    store.extend(facts_for(path, [(ox.NamedNode(subject), value) for subject, value in record["stored"]]))
    for key, values in record["typed"].items():
        predicate, datatype = key.split(" ", 1)
        kind = ox.NamedNode(datatype)
        pairs.update((predicate, ox.Literal(value, datatype=kind)) for value in values)
    for prefix, namespace in record["prefixes"].items():
        prefixes.setdefault(prefix, namespace)


def _names(shapes_graph: Any, prefixes: dict[str, str]) -> Any:
    from pactgraph.rdf.rdflib_bridge import bind_prefixes
    from pactgraph.validation.engine import validation_graph
    from pactgraph.validation.names import Names

    graph = validation_graph()
    if prefixes:
        bind_prefixes(graph, prefixes)
    return Names(graph, shapes_graph)


def oxigraph_rows(
    store: Any, shapes_graph: Any, found: list[Route], prefixes: dict[str, str], back: dict[Any, Any],
    focuses: list[Any] | None = None, query: Any = None,
) -> tuple[list[list[Any]], set[Any]]:
    """The rows of the shapes answered on Oxigraph, and the shapes handed back to the SHACL engine: those
    with a solution holding a backslash, which engines write into messages differently (pySHACL reads
    it as a regular-expression escape, pyshacl-turbo does not), so that engine's results stay its own.
    `focuses`: filled with each row's focus node (as the Store names it); `query`: sparqlshapes.evaluate's."""
    import pyoxigraph as ox
    import rdflib

    from pactgraph.rdf.rdflib_bridge import new_graph, quads_to_graph, to_oxigraph, to_rdflib_term
    from pactgraph.validation.names import label
    from pactgraph.validation.sparqlshapes import evaluate, solution_result
    from pactgraph.validation.units import result_ntriples

    names = _names(shapes_graph, prefixes)
    rows = []
    handed_back = set()
    labels: dict[Any, str] = {}
    for route in found:
        answered = []
        nodes = []
        for solution in evaluate(store, route.translated, back, query):
            terms = {k: to_rdflib_term(v) for k, v in solution["row"].items()}
            if any("\\" in str(term) for term in terms.values()):
                handed_back.add(route.shape)
                break
            focus = terms["this"]
            if focus not in labels:
                holder = new_graph()
                if not isinstance(focus, rdflib.Literal):
                    quads_to_graph((q for q in store.quads_for_pattern(to_oxigraph(focus), None, None)
                                    if isinstance(q.object, ox.Literal)), holder)
                labels[focus] = label(focus, [holder])
            result, report, node = solution_result(route.translated, solution["constraint"], terms, names,
                                                   shapes_graph, labels[focus])
            text, label_node = result_ntriples(report, node, "whole")
            answered.append([list(result.to_dict().values()), text, label_node, ""])
            nodes.append(solution["row"]["this"])
        if route.shape not in handed_back:
            rows.extend(answered)
            if focuses is not None:
                focuses.extend(nodes)
    return rows, handed_back


def closure_rows(
    store: Any, shapes_graph: Any, placed: Sequence[Any], found: list[Route], prefixes: dict[str, str],
    fail_on: str, engine: str, back: dict[Any, Any],
) -> list[list[Any]]:
    """The engine's results for sh:targetNode shapes on the forward closure of their target nodes."""
    from dataclasses import replace

    import pyoxigraph as ox
    import rdflib

    from pactgraph.rdf.namespaces import SH
    from pactgraph.rdf.rdflib_bridge import bind_prefixes, quads_to_graph, to_oxigraph
    from pactgraph.validation.engine import engine_runner, run_engine, validation_graph
    from pactgraph.validation.locality import split
    from pactgraph.validation.units import result_ntriples

    chosen = {r.shape for r in found}
    kept = [replace(p, local=p.shape not in chosen) for p in placed]
    shapes = split(shapes_graph, kept)[1]
    frontier = [to_oxigraph(n) for r in found for n in shapes_graph.objects(r.shape, rdflib.URIRef(SH + "targetNode"))]
    seen = {t for t in frontier}
    triples = []
    while frontier:
        term = frontier.pop()
        if isinstance(term, ox.Literal):
            continue
        for quad in store.quads_for_pattern(term, None, None):
            if quad.object in back:
                quad = ox.Quad(quad.subject, quad.predicate, back[quad.object])
            triples.append(quad)
            for nxt in (quad.predicate, quad.object):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
    graph = validation_graph()
    quads_to_graph(triples, graph, prefixes)
    if prefixes:
        bind_prefixes(graph, prefixes)
    report = run_engine(graph, shapes, None, None, fail_on, engine_runner(engine, shapes))
    rows = []
    for result in report.results:
        text, node = result_ntriples(report.graph, report.result_nodes[result], "whole")
        rows.append([list(result.to_dict().values()), text, node, result.location_hint])
    return rows
