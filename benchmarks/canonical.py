"""Canonical blank-node labelling, as `export` and `publish` use it, against rdflib's.

    python benchmarks/canonical.py [--sizes 100,1000,10000] [--cap 120]

A graph of N claims, each with an anchor and a selector blank node (2N blank
nodes, 4N triples, every selector's `exact` the same text, as repeated quotes
are), is given canonical labels by pactgraph.rdf.canonical (RDFC-1.0, pyoxigraph)
and by rdflib.compare.to_canonical_graph. Each figure is the median of three
runs in a process of its own; a run past the cap is shown as `>CAP s`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

RUN = r"""
import sys, time, rdflib
n, how = int(sys.argv[1]), sys.argv[2]
ex = rdflib.Namespace("http://example.org/")
g = rdflib.Graph()
for i in range(n):
    anchor, selector = rdflib.BNode(), rdflib.BNode()
    g.add((ex[f"claim{i}"], ex.anchor, anchor))
    g.add((anchor, ex.selector, selector))
    g.add((selector, ex.start, rdflib.Literal(i)))
    g.add((selector, ex.exact, rdflib.Literal("the likelihood of reaching an agreement is high")))
start = time.perf_counter()
if how == "pactgraph":
    from pactgraph.rdf.canonical import canonical_graph_triples
    canonical_graph_triples(g)
else:
    from rdflib.compare import to_canonical_graph
    sorted(to_canonical_graph(g))
print(time.perf_counter() - start)
"""


def measure(n: int, how: str, cap: float) -> str:
    times = []
    for _ in range(3):
        try:
            out = subprocess.run(
                [sys.executable, "-c", RUN, str(n), how], capture_output=True, text=True, timeout=cap, check=True
            )
        except subprocess.TimeoutExpired:
            return f">{cap:g} s"
        times.append(float(out.stdout))
    return f"{statistics.median(times):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="claims per graph, comma-separated")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds before a run is stopped")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'claims':>7} {'blank nodes':>11} {'pactgraph (RDFC-1.0)':>21} {'rdflib to_canonical_graph':>26}")
    skip_rdflib = False
    for n in sizes:
        ours = measure(n, "pactgraph", args.cap)
        theirs = "not run" if skip_rdflib else measure(n, "rdflib", args.cap)
        skip_rdflib = skip_rdflib or theirs.startswith(">")
        print(f"{n:>7} {2 * n:>11} {ours:>21} {theirs:>26}", flush=True)


if __name__ == "__main__":
    main()
