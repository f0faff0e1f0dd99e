"""Where each shape runs: per unit, or once over the whole graph (a conservative locality analysis).

A unit (validation.units) holds a report file's triples and every triple of the
graph reachable forward from their terms, so every node it holds has all of its
forward neighbourhood there. A shape gives the whole graph's results on a unit
when everything it reads lies forward of its focus nodes:

- its targets pick a node by the node's own statements: `sh:targetClass`, an
  implicit class target, `sh:targetSubjectsOf`;
- its constraints follow forward paths (predicates, sequences, alternatives and
  `*`/`+`/`?` of those: a unit holds the whole forward closure) and core
  constraints on the values they reach, through `sh:property`, `sh:node`,
  `sh:and`/`sh:or`/`sh:xone`/`sh:not` and `sh:qualifiedValueShape`;
- its SPARQL constraints match only triple patterns whose subject is `$this` or
  a variable a pattern certainly joined with it reached forward from `$this`
  (through OPTIONAL, UNION, MINUS, FILTER (NOT) EXISTS and aggregates alike).

Every other shape runs once over the whole graph: inverse paths, `sh:targetObjectsOf`
and `sh:targetNode` (a focus chosen from outside the node), SPARQL targets,
SPARQL patterns not anchored at `$this` (`FILTER NOT EXISTS { ?claim pg:proposition $this }`),
constant subjects, subqueries, GRAPH, custom constraint components, rules, and
anything this analysis does not know. When unsure: whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pactgraph.rdf.namespaces import SH

_TARGETS_LOCAL = ("targetClass", "targetSubjectsOf")
_TARGETS_WHOLE = {
    "targetObjectsOf": "sh:targetObjectsOf picks a focus node by an edge into it",
    "targetNode": "sh:targetNode makes a focus node of every unit, with or without its triples",
    "target": "a SPARQL-based target",
}
#: Shape predicates that read nothing beyond the value nodes they are given (or describe the shape).
_PLAIN = {
    SH + name
    for name in (
        "message severity name description order group deactivated defaultValue datatype nodeKind minCount maxCount "
        "minExclusive minInclusive maxExclusive maxInclusive minLength maxLength pattern flags languageIn uniqueLang "
        "in hasValue class closed ignoredProperties equals disjoint lessThan lessThanOrEquals qualifiedMinCount "
        "qualifiedMaxCount qualifiedValueShapesDisjoint targetClass targetSubjectsOf targetObjectsOf targetNode "
        "target declare prefixes"
    ).split()
}
_DESCRIPTIVE = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CLASSES = ("http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class")


@dataclass(frozen=True)
class Placement:
    """One shape with targets: its node in the shapes graph, whether it runs per unit, and why."""

    shape: Any
    local: bool
    reason: str


class NotLocal(Exception):
    """Why a shape cannot run per unit."""


# ---------------------------------------------------------------- shapes


def target_shapes(shapes_graph: Any) -> list[Any]:
    """Nodes of the shapes graph that have targets (explicit, or an implicit class target), sorted."""
    import rdflib

    found = set()
    for name in (*_TARGETS_LOCAL, *_TARGETS_WHOLE):
        found.update(shapes_graph.subjects(rdflib.URIRef(SH + name), None))
    for kind in ("NodeShape", "PropertyShape"):
        for shape in shapes_graph.subjects(rdflib.RDF.type, rdflib.URIRef(SH + kind)):
            if any((shape, rdflib.RDF.type, rdflib.URIRef(c)) in shapes_graph for c in _CLASSES):
                found.add(shape)
    return sorted(found, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))


def placements(shapes_graph: Any) -> list[Placement]:
    """Each shape with targets, placed per unit or on the whole graph, with the reason."""
    out = []
    for shape in target_shapes(shapes_graph):
        try:
            _check_targets(shapes_graph, shape)
            _check_shape(shapes_graph, shape, set())
        except NotLocal as why:
            out.append(Placement(shape, False, str(why)))
        else:
            out.append(Placement(shape, True, "reads only forward of its focus nodes"))
    return out


def split(shapes_graph: Any, found: Iterable[Placement] | None = None) -> tuple[Any, Any]:
    """(per-unit shapes, whole-graph shapes): two copies of the shapes graph, each without the other's targets.

    A shape without targets still works where another shape refers to it (sh:node, sh:property, ...).
    """
    found = placements(shapes_graph) if found is None else list(found)
    parts = []
    for local in (True, False):
        graph = _copy(shapes_graph)
        for placement in found:
            if placement.local != local:
                _drop_targets(graph, placement.shape)
        parts.append(graph)
    return parts[0], parts[1]


def without_targets(shapes_graph: Any, shapes: Iterable[Any]) -> Any:
    """A copy of the shapes graph in which `shapes` have no targets (they run elsewhere)."""
    graph = _copy(shapes_graph)
    for shape in shapes:
        _drop_targets(graph, shape)
    return graph


def _copy(shapes_graph: Any) -> Any:
    from pactgraph.rdf.rdflib_bridge import new_graph

    graph = new_graph()
    for prefix, namespace in shapes_graph.namespaces():
        graph.bind(str(prefix), namespace, override=False)
    graph += shapes_graph
    return graph


def _drop_targets(graph: Any, shape: Any) -> None:
    import rdflib

    for name in (*_TARGETS_LOCAL, *_TARGETS_WHOLE):
        graph.remove((shape, rdflib.URIRef(SH + name), None))
    for cls in _CLASSES:
        graph.remove((shape, rdflib.RDF.type, rdflib.URIRef(cls)))


def _check_targets(graph: Any, shape: Any) -> None:
    import rdflib

    for name, why in _TARGETS_WHOLE.items():
        if (shape, rdflib.URIRef(SH + name), None) in graph:
            raise NotLocal(why)


def _check_shape(graph: Any, shape: Any, seen: set[Any]) -> None:
    """NotLocal unless every constraint of `shape` (and of the shapes it refers to) reads forward only."""
    from rdflib.collection import Collection

    if shape in seen:
        return
    seen.add(shape)
    for predicate, value in graph.predicate_objects(shape):
        name = str(predicate)
        if name == SH + "path":
            _check_path(graph, value)
        elif name in (SH + "property", SH + "node", SH + "not", SH + "qualifiedValueShape"):
            _check_shape(graph, value, seen)
        elif name in (SH + "and", SH + "or", SH + "xone"):
            for member in Collection(graph, value):
                _check_shape(graph, member, seen)
        elif name == SH + "sparql":
            _check_sparql(graph, shape, value)
        elif name in _PLAIN or name.startswith(_DESCRIPTIVE):
            continue
        else:
            raise NotLocal(f"{_short(graph, predicate)} is not known to read only forward")


def _short(graph: Any, term: Any) -> str:
    try:
        return str(graph.namespace_manager.normalizeUri(term))
    except Exception:  # noqa: BLE001 - a display name only
        return f"<{term}>"


def _check_path(graph: Any, path: Any) -> None:
    import rdflib
    from rdflib.collection import Collection

    if isinstance(path, rdflib.URIRef):
        return
    if not isinstance(path, rdflib.BNode):
        raise NotLocal("a path that is not an IRI or a blank node")
    if (path, rdflib.RDF.first, None) in graph:
        for step in Collection(graph, path):
            _check_path(graph, step)
        return
    pairs = list(graph.predicate_objects(path))
    if len(pairs) != 1:
        raise NotLocal("a path this analysis does not know")
    predicate, inner = pairs[0]
    if predicate == rdflib.URIRef(SH + "inversePath"):
        raise NotLocal("an inverse path (sh:inversePath) reads edges into the node")
    if predicate == rdflib.URIRef(SH + "alternativePath"):
        for step in Collection(graph, inner):
            _check_path(graph, step)
        return
    if predicate in {rdflib.URIRef(SH + n) for n in ("zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")}:
        _check_path(graph, inner)
        return
    raise NotLocal("a path this analysis does not know")


def reads_forward(graph: Any, shape: Any) -> bool:
    """True when every constraint of `shape` (and of the shapes it refers to) reads only forward of the focus node."""
    try:
        _check_shape(graph, shape, set())
    except NotLocal:
        return False
    return True


# ---------------------------------------------------------------- SPARQL constraints


def declared_prefixes(graph: Any, node: Any) -> dict[str, str]:
    """The prefixes sh:prefixes declares for a SPARQL constraint or target (public name of _prefixes)."""
    return _prefixes(graph, node)


def _prefixes(graph: Any, constraint: Any) -> dict[str, str]:
    """The prefixes sh:prefixes declares for a SPARQL constraint (sh:declare, also through owl:imports)."""
    import rdflib

    out: dict[str, str] = {}
    todo = list(graph.objects(constraint, rdflib.URIRef(SH + "prefixes")))
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for declaration in graph.objects(node, rdflib.URIRef(SH + "declare")):
            prefix = graph.value(declaration, rdflib.URIRef(SH + "prefix"))
            namespace = graph.value(declaration, rdflib.URIRef(SH + "namespace"))
            if prefix is not None and namespace is not None:
                out.setdefault(str(prefix), str(namespace))
        todo.extend(graph.objects(node, rdflib.OWL.imports))
    return out


def _check_sparql(graph: Any, shape: Any, constraint: Any) -> None:
    import rdflib

    if (constraint, rdflib.URIRef(SH + "deactivated"), rdflib.Literal(True)) in graph:
        return
    text = graph.value(constraint, rdflib.URIRef(SH + "select"))
    if text is None:
        raise NotLocal("a SPARQL constraint without sh:select")
    query = str(text)
    path = graph.value(shape, rdflib.URIRef(SH + "path"))
    if "PATH" in query:
        if path is None:
            raise NotLocal("a SPARQL constraint with $PATH on a shape without a path")
        _check_path(graph, path)
        # A forward path of any length reads what one forward edge would: a stand-in predicate.
        import re

        query = re.sub(r"([\s{}()])[$?]PATH\b", r"\1<urn:pactgraph:forward-path>", query)
    check_query(query, _prefixes(graph, constraint))


def check_query(query: str, prefixes: dict[str, str]) -> None:
    """NotLocal unless every triple pattern of the SELECT query is anchored forward at $this."""
    import rdflib
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(query), initNs={k: rdflib.URIRef(v) for k, v in prefixes.items()})
    except Exception:  # noqa: BLE001 - a query that cannot be analysed runs on the whole graph
        raise NotLocal("a SPARQL query this analysis cannot read") from None
    _pattern(algebra.algebra, frozenset({rdflib.Variable("this")}))


def _forward(path: Any) -> bool:
    import rdflib
    from rdflib import paths

    if isinstance(path, (rdflib.URIRef, rdflib.Variable)):
        return True
    if isinstance(path, (paths.SequencePath, paths.AlternativePath)):
        return all(_forward(p) for p in path.args)
    if isinstance(path, paths.MulPath):
        return _forward(path.path)
    return False


def _bgp(triples: list[Any], anchored: frozenset[Any]) -> frozenset[Any]:
    import rdflib

    reached = set(anchored)
    changed = True
    while changed:
        changed = False
        for s, p, o in triples:
            if s in reached and _forward(p):
                for term in (p, o):
                    if isinstance(term, (rdflib.Variable, rdflib.BNode)) and term not in reached:
                        reached.add(term)
                        changed = True
    for s, p, _ in triples:
        if not _forward(p):
            raise NotLocal("a SPARQL pattern with an inverse or negated path reads edges into a node")
        if s not in reached:
            raise NotLocal(f"a SPARQL pattern whose subject ({s.n3()}) is not reached forward from $this")
    return frozenset(reached)


def _pattern(node: Any, anchored: frozenset[Any]) -> frozenset[Any]:
    """The variables certainly bound to nodes forward of $this after `node`; NotLocal where one is not."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return _bgp(list(node.triples), anchored)
    if name in ("SelectQuery", "Project", "Distinct", "Reduced", "Slice", "Group", "AggregateJoin"):
        return _pattern(node.p, anchored)
    if name == "OrderBy":
        found = _pattern(node.p, anchored)
        _expressions(node.expr, found)
        return found
    if name in ("Filter", "Extend"):
        found = _pattern(node.p, anchored)
        _expressions(node.expr, found)
        return found
    if name == "Join":
        found = anchored
        while True:
            grown = _tolerant(node.p1, found) | _tolerant(node.p2, found)
            if grown <= found:
                break
            found = found | grown
        return _pattern(node.p1, found) | _pattern(node.p2, found)
    if name in ("LeftJoin", "Minus"):
        left = _pattern(node.p1, anchored)
        _pattern(node.p2, left)
        if name == "LeftJoin":
            _expressions(node.expr, left)
        return left
    if name == "Union":
        return _pattern(node.p1, anchored) & _pattern(node.p2, anchored)
    if name == "values":
        return anchored
    if name == "ToMultiSet":
        if getattr(node.p, "name", None) == "values":
            return anchored
        raise NotLocal("a SPARQL subquery")
    if name in ("Graph", "ServiceGraphPattern"):
        raise NotLocal(f"SPARQL {name}")
    raise NotLocal(f"a SPARQL construct this analysis does not know ({name})")


def _tolerant(node: Any, anchored: frozenset[Any]) -> frozenset[Any]:
    """What `node` anchors given `anchored`, or `anchored` when it cannot tell yet (a join grows both sides)."""
    try:
        return _pattern(node, anchored)
    except NotLocal:
        return anchored


def _expressions(expr: Any, anchored: frozenset[Any]) -> None:
    """Check the graph patterns of FILTER (NOT) EXISTS inside `expr`, with the outer solution's bindings."""
    from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                graph = item.graph
                if getattr(graph, "name", None) == "GroupGraphPatternSub":
                    graph = translateGroupGraphPattern(graph)
                _pattern(graph, anchored)
                continue
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


# ---------------------------------------------------------------- for people


def explain(shapes_graph: Any, engines: dict[Any, str] | None = None) -> list[tuple[str, str, str]]:
    """(shape name, `units` or `whole graph`, reason) for each shape with targets; `engines`: what to add
    to a shape's reason (validation.wholegraph names the engine of each whole-graph shape)."""
    from pactgraph.validation.names import Names

    names = Names(shapes_graph)
    engines = engines or {}
    rows = [
        (names.shape(p.shape, shapes_graph), "units" if p.local else "whole graph", p.reason + engines.get(p.shape, ""))
        for p in placements(shapes_graph)
    ]
    return sorted(rows, key=lambda row: (row[1] != "whole graph", row[0]))


def format_explain(rows: list[tuple[str, str, str]]) -> str:
    """One line a shape: name, placement, reason; then the counts."""
    width = max((len(r[0]) for r in rows), default=0)
    lines = [f"{name:<{width}}  {where:<11}  {why}" for name, where, why in rows]
    whole = sum(1 for r in rows if r[1] == "whole graph")
    lines.append(f"{len(rows) - whole} shapes run per unit, {whole} once over the whole graph")
    return "\n".join(lines) + "\n"
