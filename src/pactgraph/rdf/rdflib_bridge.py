"""Between pyoxigraph and rdflib: equal terms both ways, and rdflib graphs with the project prefixes.

pyoxigraph parses every input; rdflib only receives already-parsed terms (see pactgraph.rdf.loading).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import PREFIXES, with_extra

if TYPE_CHECKING:  # pragma: no cover
    import rdflib


def new_graph(graph_class: type | None = None) -> rdflib.Graph:
    """An empty rdflib graph (of `graph_class`, default rdflib.Graph) with exactly the project prefixes bound."""
    import rdflib

    graph = (graph_class or rdflib.Graph)(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, rdflib.URIRef(namespace), override=True, replace=True)
    return graph


def to_rdflib_term(term: Any) -> rdflib.term.Node:
    """Convert a pyoxigraph term into the equal rdflib term."""
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == PREFIXES["xsd"] + "string":
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))
    raise InputError(f"unsupported RDF term for this command (RDF 1.2 triple term?): {term}")


def to_oxigraph(term: Any) -> Any:
    """Convert an rdflib term into the equal pyoxigraph term."""
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != PREFIXES["xsd"] + "string":
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"unsupported RDF term for this command: {term!r}")


def bind_prefixes(graph: rdflib.Graph, prefixes: dict[str, str]) -> None:
    """Bind prefixes declared in input files, unless they clash with the project's (which win)."""
    import rdflib

    bound = {str(p) for p, _ in graph.namespaces()}
    used = {str(n) for _, n in graph.namespaces()}
    for prefix, namespace in with_extra(prefixes).items():
        if prefix not in bound and namespace not in used:
            graph.bind(prefix, rdflib.URIRef(namespace), override=False)
            bound.add(prefix)
            used.add(namespace)


def quads_to_graph(
    quads: Iterable[Any], graph: rdflib.Graph | None = None, prefixes: dict[str, str] | None = None
) -> rdflib.Graph:
    """Add pyoxigraph quads (graph names dropped) to an rdflib graph and return it.

    `prefixes` (e.g. from read_rdf) are bound too, where they do not clash with the project's.
    """
    graph = new_graph() if graph is None else graph
    conv = to_rdflib_term
    graph.addN((conv(q.subject), conv(q.predicate), conv(q.object), graph) for q in quads)
    if prefixes:
        bind_prefixes(graph, prefixes)
    return graph
