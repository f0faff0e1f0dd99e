"""The read side: a query answered from its target, the graph as of a date, the timeline, compared claims, a summary.

Each view reads a store or the files of a data directory and writes nothing
back; it sits above `pactgraph.stores` and `pactgraph.contributing` (whose
package root says where a data directory's files are) and below the site
(`pactgraph.publishing`) and the command line.
"""
