"""Serving a store over HTTP: the Oxigraph server process and the guard in front of it.

Neither is a store: `pactgraph.stores` reads and writes graphs, this package runs
the processes that answer SPARQL requests for them (`pactgraph endpoint`).
"""
