"""A data graph on which pySHACL's SHACL-SPARQL constraints run fast.

pySHACL runs each SPARQL-based constraint once per focus node: it hands rdflib
the query *text* with the focus node in ``initBindings``. rdflib then parses
the text again for every node (tens of milliseconds each) and joins the
binding only after evaluating the whole pattern, so every per-node query scans
the entire graph (pySHACL#237). On the shipped graph that made the cross-node
rules take half a minute.

:class:`ConstraintGraph` answers the same calls with the same results: it
parses each distinct query text once, and for an IRI bound to ``this`` it
evaluates a copy of the parsed algebra in which ``?this`` is that IRI, so
rdflib can use it as a constant. Anything else takes rdflib's ordinary path.
"""

from __future__ import annotations

from types import MethodType
from typing import Any

from rdflib import Graph, URIRef, Variable
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parserutils import CompValue, Expr
from rdflib.plugins.sparql.processor import SPARQLResult, prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

_THIS = Variable("this")
# Keys whose variables name the projection or scope, not the pattern.
_KEEP = frozenset({"PV", "_vars"})


def _copy_node(node: CompValue, items: dict) -> CompValue:
    if isinstance(node, Expr):
        new: CompValue = Expr(node.name, **items)
        if node._evalfn is not None:
            new._evalfn = MethodType(node._evalfn.__func__, new)
    else:
        new = CompValue(node.name, **items)
    for key, value in node.__dict__.items():
        if key not in ("_evalfn", "name", "ctx"):
            new.__dict__[key] = value
    return new


def order_triples(triples: list) -> list:
    """Order a basic graph pattern so each triple shares the most known terms.

    rdflib evaluates a BGP as nested loops in the given order; starting from
    the focus constant and following bound variables keeps every loop short.
    """
    bound: set = set()
    rest = list(triples)
    ordered = []
    while rest:
        def score(triple: tuple) -> tuple[int, bool]:
            known = sum(1 for t in triple if not isinstance(t, Variable) or t in bound)
            subject = triple[0]
            return known, not isinstance(subject, Variable) or subject in bound

        best = max(rest, key=score)
        rest.remove(best)
        ordered.append(best)
        bound.update(t for t in best if isinstance(t, Variable))
    return ordered


def bind_constant(node: Any, var: Variable, term: URIRef) -> Any:
    """A copy of a parsed SPARQL algebra tree with ``var`` replaced by ``term``."""
    if isinstance(node, Variable):
        return term if node == var else node
    if isinstance(node, CompValue):
        items = {k: (v if k in _KEEP else bind_constant(v, var, term)) for k, v in node.items()}
        if node.name == "BGP":
            items["triples"] = order_triples(items["triples"])
        return _copy_node(node, items)
    if isinstance(node, list):
        return [bind_constant(v, var, term) for v in node]
    if isinstance(node, tuple):
        return tuple(bind_constant(v, var, term) for v in node)
    return node


class ConstraintGraph(Graph):
    """An rdflib Graph whose SELECT queries with a bound IRI ``this`` run fast."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._prepared: dict[str, Query] = {}

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Any = None, initBindings: Any = None, use_store_provided: bool = True,
              **kwargs: Any) -> Result:
        bindings = dict(initBindings or {})
        focus = bindings.get("this")
        if isinstance(query_object, str) and isinstance(focus, URIRef) and not initNs and not kwargs:
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            if prepared.algebra.name == "SelectQuery":
                bound = Query(prepared.prologue, bind_constant(prepared.algebra, _THIS, focus))
                return SPARQLResult(evalQuery(self, bound, bindings))
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)
