"""Canonical blank-node labels and the one statement order every writer uses.

Blank nodes are labelled by RDFC-1.0 (W3C RDF Dataset Canonicalization), as
pyoxigraph implements it, and statements are sorted by their N-Triples form, so
the same graph gives the same bytes whatever its input order, blank-node labels
or PYTHONHASHSEED. (rdflib.compare.to_canonical_graph gives stable labels too,
but takes minutes on a thousand blank nodes; RDFC-1.0 here takes a fraction of
a second.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Triple = tuple[Any, Any, Any]


def sort_key(triple: Triple) -> tuple[str, str, str]:
    """rdflib triples in N-Triples order."""
    return (triple[0].n3(), triple[1].n3(), triple[2].n3())


def canonical_triples(quads: Iterable[Any]) -> list[Triple]:
    """The triples of pyoxigraph quads (graph names dropped), blank nodes labelled by
    RDFC-1.0, as rdflib terms sorted by their N-Triples form."""
    import pyoxigraph as ox

    from pactgraph.rdf.loading import to_rdflib_term

    default = ox.DefaultGraph()
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, default) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    triples = {
        (to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)) for q in dataset
    }
    return sorted(triples, key=sort_key)


def canonical_graph_triples(graph: Any) -> list[Triple]:
    """canonical_triples of an rdflib graph."""
    import pyoxigraph as ox

    from pactgraph.rdf.loading import to_oxigraph

    return canonical_triples(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)


def canonical_quads(quads: Iterable[Any]) -> list[Any]:
    """pyoxigraph quads with RDFC-1.0 blank-node labels, sorted by graph, then N-Quads form."""
    import pyoxigraph as ox

    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
