"""SPARQL: what a query text may do (its tokens, limits and policy), running it, its results, the named questions.

Built on `pactgraph.rdf`; knows no store (`pactgraph.stores` builds on this
package). Importing it is cheap: the fast `pactgraph query` path uses it.
"""
