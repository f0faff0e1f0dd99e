"""Deterministic serialisations of triples and quads for the published site.

Statements arrive with canonical blank-node labels and in sorted order
(pactgraph.rdf.canonical), so every writer here returns the same bytes for the same
graph, whatever the input order, blank-node labels or PYTHONHASHSEED.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox
import rdflib

from pactgraph.errors import InputError
from pactgraph.rdf.loading import to_oxigraph
from pactgraph.rdf.namespaces import used_prefixes

Triple = tuple[Any, Any, Any]


def used_prefixes_of_quads(quads: Iterable[Any], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI (or datatype) of pyoxigraph `quads` starts with."""
    iris = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    hits = {ns for ns in set(prefixes.values()) if any(iri.startswith(ns) for iri in iris)}
    return {p: ns for p, ns in prefixes.items() if ns in hits}


def turtle(triples: list[Triple], prefixes: Mapping[str, str]) -> bytes:
    """rdflib longturtle of sorted triples with canonical blank-node labels."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in used_prefixes(triples, prefixes).items():
        graph.bind(prefix, rdflib.URIRef(namespace), override=True, replace=True)
    for triple in triples:
        graph.add(triple)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return graph.serialize(format="longturtle", encoding="utf-8")


def ntriples(triples: list[Triple]) -> bytes:
    """Sorted N-Triples, one statement per line."""
    data = ox.serialize(
        [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples], format=ox.RdfFormat.N_TRIPLES
    ) or b""
    lines = sorted(line for line in data.decode("utf-8").splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def rdfxml(triples: list[Triple], prefixes: Mapping[str, str], what: str = "graph") -> bytes:
    """RDF/XML written by pyoxigraph from sorted triples, with the prefixes in use."""
    ox_triples = [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples]
    try:
        data = ox.serialize(
            ox_triples, format=ox.RdfFormat.RDF_XML, prefixes=used_prefixes(triples, prefixes)
        ) or b""
    except (ValueError, SyntaxError, OSError) as err:
        raise InputError(f"cannot write {what} as RDF/XML: {err}") from None
    return data if data.endswith(b"\n") else data + b"\n"


def trig(quads: list[Any], prefixes: Mapping[str, str]) -> bytes:
    """TriG of canonical, sorted quads (see canonical_quads)."""
    data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=used_prefixes_of_quads(quads, prefixes)) or b""
    return data if data.endswith(b"\n") else data + b"\n"


def nquads(quads: list[Any]) -> bytes:
    """Sorted N-Quads of canonical quads."""
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    lines = sorted(line for line in data.decode("utf-8").splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
