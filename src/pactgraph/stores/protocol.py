"""What pactgraph's SPARQL client and its loads agree on: media types, staging graph names, terms as SPARQL."""

from __future__ import annotations

from typing import Any

from pactgraph.stores.base import StoreError

#: Graph names of loads under way; never listed as graphs of the store.
STAGING_PREFIX = "urn:pactgraph:staging:"

RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.8"
)
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
RESULTS_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/tab-separated-values": "TSV",
}
RDF_TYPES = {
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "text/turtle": "TURTLE",
    "application/n-quads": "N_QUADS",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
}


def sparql_term(term: Any) -> str:
    """A pyoxigraph term written as SPARQL (N-Triples syntax is valid SPARQL)."""
    import pyoxigraph as ox

    if isinstance(term, ox.BlankNode):
        raise StoreError("cannot send a blank node as a query parameter")
    return str(term)
