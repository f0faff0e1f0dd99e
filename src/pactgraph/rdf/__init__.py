"""RDF in and out: the prefixes, the input formats and their limits, parsing and loading, canonical blank nodes, export.

The bottom layer of the graph code: it imports nothing of pactgraph's but `errors`,
`process` and `resources`. Importing the package is cheap; pyoxigraph and rdflib
are imported inside the functions that need them.
"""
