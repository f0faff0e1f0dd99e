"""Where the graph lives: in memory, in an on-disk Oxigraph store, or behind a SPARQL endpoint.

Every store offers the same small interface (:class:`~pactgraph.stores.base.GraphStore`):
``query(text, params, default_graph=None)``, ``load(files)``, ``graphs()``. Each
source file is kept in a named graph of its own (:func:`graph_name`), and queries see
the union of all graphs as their default graph unless ``default_graph`` names the
graphs to use instead.

This package is on the fast `pactgraph query` path: importing it pulls in neither
pyoxigraph nor rdflib; the store modules import what they need when used.
"""
