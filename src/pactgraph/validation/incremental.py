"""Which focus nodes of a whole-graph SPARQL shape a change of triples can affect, and their results again.

A translated shape (validation.sparqlshapes) gives, for a focus node x, the solutions of its target
query and of each constraint with $this pre-bound to x. Those read only triples that match one of
the queries' triple patterns (in any group, OPTIONAL, UNION branch or EXISTS). A changed triple
(lost or gained) that matches no pattern changes no solution. One that matches a pattern:

- holding $this (as subject, object, or the subject of a path whose first step it matches): can
  change only x = the term it puts at $this;
- sharing a variable ?v with a pattern `e` that holds $this with a one-step predicate and that every
  solution matches (`e` in the query's top-level group): can change only the x that `e` joins to the
  term the triple puts at ?v, found in the graph before or after the change (both are in the Store
  and the lost triples);
- anything else (a longer path, a pattern reached only through other patterns, no variable): the
  shape runs again over the whole graph.

A result also names its focus node's label (its literal triples): every subject of a changed
triple is affected as well. The affected nodes are validated again, each on its own with $this
substituted (SEP-0007, the pre-binding the translation is held to), the others keep their results.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

#: More affected focus nodes than this: the shape runs again over the whole graph.
MAX_AFFECTED = 20000


class Whole(Exception):
    """The shape runs again over the whole graph."""


@dataclass(frozen=True)
class Pattern:
    """A triple pattern: subject and object (rdflib terms; blank nodes are variables), predicate an IRI,
    a variable, or a path; `required`: matched by every solution (the query's top-level group)."""

    subject: Any
    predicate: Any
    object: Any
    required: bool
    #: False for a pattern of an EXISTS in a nested group's FILTER, BIND or OPTIONAL condition: there the
    #: outer group's variables may be unbound, so no outer pattern joins it.
    anchored: bool = True


@dataclass(frozen=True)
class Plan:
    """One constraint's pre-bound form: the target check, the constraint alone, the patterns of both."""

    target: str
    constraint: str
    patterns: tuple[Pattern, ...]


def plans(shapes_graph: Any, translated: Any) -> list[Plan]:
    """A plan per constraint of a translated shape; Whole when the target cannot be cut from a query."""
    from pactgraph.validation.sparqlshapes import target_pattern

    target = target_pattern(shapes_graph, translated.shape)
    out = []
    for constraint in translated.constraints:
        query = constraint.query
        if query.count(target) != 1:
            raise Whole()
        prologue, _ = query.split("SELECT", 1)
        check = prologue + "SELECT ?this WHERE { " + target + " }"
        alone = query.replace(target, "", 1)
        patterns = _patterns(check, False) + _patterns(alone, True)
        out.append(Plan(check, alone, tuple(patterns)))
    return out


def _patterns(text: str, scoped: bool) -> list[Pattern]:
    """Every triple pattern of the query `text`; with `scoped`, variables other than ?this are its own."""
    import rdflib
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue, Expr

    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # noqa: BLE001 - a query read otherwise than expected: the whole shape again
        raise Whole() from None
    tag = "c" if scoped else "t"
    out: list[Pattern] = []
    scopes = [0]

    def term(t: Any, scope: str) -> Any:
        if isinstance(t, rdflib.BNode):
            return rdflib.Variable(f"{scope}:_{t}")
        if isinstance(t, rdflib.Variable) and str(t) != "this":
            return rdflib.Variable(f"{scope}:{t}")
        return t

    def walk(node: Any, required: bool, scope: str, anchored: bool) -> None:
        if isinstance(node, CompValue):
            if node.name in ("Project", "SelectQuery"):
                # A (sub)query: its variables but ?this (which a target projects) are its own, and what its
                # top-level group holds every one of its solutions matches.
                scopes[0] += 1
                scope, required = f"{tag}{scopes[0]}", True
            if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS") and getattr(node.get("graph"), "name", "") not in (
                    "BGP", "Filter", "Join", "LeftJoin", "Union", "Extend", "Minus"):
                # rdflib leaves an EXISTS pattern as parsed until it evaluates it: translated here.
                from rdflib.plugins.sparql.algebra import translateGroupGraphPattern, translatePath, traverse

                walk(translateGroupGraphPattern(traverse(node["graph"], translatePath)), False, scope, anchored)
                return
            if node.name == "BGP":
                for s, p, o in node.get("triples") or ():
                    out.append(Pattern(term(s, scope), term(p, scope) if isinstance(p, rdflib.Variable) else p,
                                       term(o, scope), required, anchored))
                return
            for key, value in node.items():
                keep = required and (
                    key == "p" or (node.name == "Join" and key in ("p1", "p2"))
                    or (node.name in ("LeftJoin", "Minus") and key == "p1"))
                # An expression (a FILTER, BIND or OPTIONAL condition) of a nested group: its EXISTS
                # patterns are not anchored.
                structural = isinstance(node, Expr) or key in ("p", "p1", "p2", "triples", "graph")
                walk(value, keep, scope, anchored and (structural or required))
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item, False, scope, anchored)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item, False, scope, anchored)

    walk(algebra, True, tag, True)
    return out


def _path_steps(path: Any) -> tuple[set[str], bool] | None:
    """(IRIs, inverted) of a path that is one step (an IRI, an alternative of IRIs, or their inverse)."""
    import rdflib
    from rdflib.paths import AlternativePath, InvPath

    if isinstance(path, rdflib.URIRef):
        return {str(path)}, False
    if isinstance(path, InvPath):
        inner = _path_steps(path.arg)
        return None if inner is None else (inner[0], not inner[1])
    if isinstance(path, AlternativePath):
        found: list[tuple[set[str], bool]] = []
        for arg in path.args:
            step = _path_steps(arg)
            if step is None:
                return None
            found.append(step)
        if len({inv for _, inv in found}) > 1:
            return None
        return set().union(*(iris for iris, _ in found)), found[0][1]
    return None


def _path_iris(path: Any) -> set[str] | None:
    """Every IRI a path reads; None when it reads any predicate (a negated set, or unknown)."""
    import rdflib
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(path, rdflib.URIRef):
        return {str(path)}
    if isinstance(path, (InvPath, MulPath)):
        return _path_iris(path.path if isinstance(path, MulPath) else path.arg)
    if isinstance(path, (AlternativePath, SequencePath)):
        found: set[str] = set()
        for arg in path.args:
            inner = _path_iris(arg)
            if inner is None:
                return None
            found |= inner
        return found
    return None


def _is_this(t: Any) -> bool:
    import rdflib

    return isinstance(t, rdflib.Variable) and str(t) == "this"


def _matches_term(t: Any, value: Any) -> bool:
    """Whether a pattern's subject or object can be the triple's term: a variable, or the same IRI."""
    import rdflib

    if isinstance(t, rdflib.URIRef):
        return getattr(value, "value", None) == str(t) and type(value).__name__ == "NamedNode"
    return True


class Changes:
    """The changed triples, and lookups over the graph before or after them (the Store and the lost ones)."""

    def __init__(self, store: Any, removed: list[Any], added: list[Any]):
        self.store = store
        self.triples = list(dict.fromkeys([*removed, *added]))
        self.by_subject: dict[Any, list[Any]] = {}
        self.by_object: dict[Any, list[Any]] = {}
        for t in removed:
            self.by_subject.setdefault(t.subject, []).append(t)
            self.by_object.setdefault(t.object, []).append(t)

    def match(self, subject: Any, predicate: Any, obj: Any) -> Iterator[Any]:
        """Triples (s, p, o) of the graph before or after the change; None is any term."""
        import pyoxigraph as ox

        if subject is not None and isinstance(subject, ox.Literal):
            return
        if predicate is not None and not isinstance(predicate, ox.NamedNode):
            return
        for q in self.store.quads_for_pattern(subject, predicate, obj):
            yield q.triple
        pool = self.by_subject.get(subject, ()) if subject is not None else (
            self.by_object.get(obj, ()) if obj is not None else [t for ts in self.by_subject.values() for t in ts])
        for t in pool:
            if ((subject is None or t.subject == subject) and (predicate is None or t.predicate == predicate)
                    and (obj is None or t.object == obj)):
                yield t


def affected(plan_list: list[Plan], changes: Changes) -> set[Any]:
    """The focus nodes (pyoxigraph terms) whose results the changes can alter; Whole when not known."""
    found: set[Any] = {t.subject for t in changes.triples}
    for plan in plan_list:
        for pattern in plan.patterns:
            for triple in changes.triples:
                found |= _affected_by(pattern, plan.patterns, triple, changes)
                if len(found) > MAX_AFFECTED:
                    raise Whole()
    return found


def _live(pattern: Pattern, triple: Any) -> bool:
    import rdflib

    p = pattern.predicate
    if isinstance(p, rdflib.Variable):
        return True
    if isinstance(p, rdflib.URIRef):
        return (triple.predicate.value == str(p) and _matches_term(pattern.subject, triple.subject)
                and _matches_term(pattern.object, triple.object))
    iris = _path_iris(p)
    return iris is None or triple.predicate.value in iris


def _bound(pattern: Pattern, triple: Any) -> dict[Any, Any] | None:
    """The pattern's variables as the triple binds them (one-step patterns); None for other paths."""
    import rdflib

    p = pattern.predicate
    s, o = pattern.subject, pattern.object
    if isinstance(p, rdflib.Variable):
        pairs = [(s, triple.subject), (p, triple.predicate), (o, triple.object)]
    elif isinstance(p, rdflib.URIRef):
        pairs = [(s, triple.subject), (o, triple.object)]
    else:
        step = _path_steps(p)
        if step is None:
            return None
        iris, inverted = step
        if triple.predicate.value not in iris:
            return {}
        pairs = [(o, triple.subject), (s, triple.object)] if inverted else [(s, triple.subject), (o, triple.object)]
    out: dict[Any, Any] = {}
    for var, value in pairs:
        if isinstance(var, rdflib.Variable):
            if var in out and out[var] != value:
                return {}  # the same variable twice, two terms: no match
            out[var] = value
    return out


def _affected_by(pattern: Pattern, patterns: Iterable[Pattern], triple: Any, changes: Changes) -> set[Any]:
    import rdflib
    from rdflib.paths import SequencePath

    if not _live(pattern, triple):
        return set()
    bound = _bound(pattern, triple)
    if bound is None:
        p = pattern.predicate
        if isinstance(p, SequencePath) and _is_this(pattern.subject):
            first, later = _path_steps(p.args[0]), [_path_iris(a) for a in p.args[1:]]
            if (first is not None and not first[1] and all(i is not None for i in later)
                    and not any(triple.predicate.value in i for i in later if i is not None)):
                return {triple.subject} if triple.predicate.value in first[0] else set()
        raise Whole()
    this = rdflib.Variable("this")
    if not pattern.anchored:
        raise Whole()
    if this in bound:
        return {bound[this]}
    for var, value in bound.items():
        for e in patterns:
            if e.required and e is not pattern:
                found = _joined(e, var, value, changes)
                if found is not None:
                    return found
    raise Whole()


def _joined(e: Pattern, var: Any, value: Any, changes: Changes) -> set[Any] | None:
    """The $this of `e`'s matches with `var` at `value`; None when `e` is not one step between the two."""
    import pyoxigraph as ox
    import rdflib

    from pactgraph.rdf.rdflib_bridge import to_oxigraph

    p = e.predicate
    if isinstance(p, rdflib.Variable):
        iris: list[Any] = [None]
        s, o = e.subject, e.object
        if _is_this(s) and o == var:
            return {t.subject for t in changes.match(None, None, value)}
        if _is_this(o) and s == var:
            return {t.object for t in changes.match(value, None, None)}
        if _is_this(s) and p == var:
            fixed = None if isinstance(o, rdflib.Variable) else to_oxigraph(o)
            return {t.subject for t in changes.match(None, value, fixed)} if isinstance(value, ox.NamedNode) else set()
        return None
    step = _path_steps(p)
    if step is None:
        return None
    names, inverted = step
    s, o = (e.object, e.subject) if inverted else (e.subject, e.object)
    iris = [ox.NamedNode(i) for i in sorted(names)]
    if _is_this(s) and o == var:
        return {t.subject for i in iris for t in changes.match(None, i, value)}
    if _is_this(o) and s == var:
        return {t.object for i in iris for t in changes.match(value, i, None)}
    return None


def solutions(store: Any, plan_list: list[Plan], translated: Any, focus: Iterable[Any]) -> Any:
    """A query function for sparqlshapes.evaluate: each constraint's solutions for the `focus` nodes
    that are targets, $this substituted."""
    import pyoxigraph as ox

    nodes = [n for n in focus if not isinstance(n, ox.Literal)]
    by_constraint = {c.node: plan for c, plan in zip(translated.constraints, plan_list, strict=True)}
    this = ox.Variable("this")

    def query(constraint: Any) -> Iterator[Any]:
        plan = by_constraint[constraint.node]
        for node in nodes:
            bound = {this: node}
            if next(iter(store.query(plan.target, use_default_graph_as_union=True, substitutions=bound)), None) is None:
                continue
            for solution in store.query(plan.constraint, use_default_graph_as_union=True, substitutions=bound):
                yield _Bound(solution, node)

    return query


class _Bound:
    """A solution with $this as substituted (a substituted variable may be left out of the solution)."""

    def __init__(self, solution: Any, node: Any):
        self.solution = solution
        self.node = node

    def __getitem__(self, name: str) -> Any:
        if name == "this":
            return self.node
        return self.solution[name]
