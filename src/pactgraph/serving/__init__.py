"""Serving over HTTP: the Oxigraph server process and the guard in front of it, and the
bounded HTTP server and CORS headers they share with the site preview (`pactgraph serve`).

Neither is a store: `pactgraph.stores` reads and writes graphs, this package runs
the processes that answer SPARQL requests for them (`pactgraph endpoint`).
"""
