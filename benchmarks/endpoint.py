"""The guard of `pactgraph endpoint`: what it costs per request, next to the Oxigraph server alone.

    python benchmarks/endpoint.py [--runs 20] [--store DIR]

Both servers serve the same on-disk store (default: the shipped graph; `--store`
for a corpus loaded with `pactgraph load --store DIR`). Every named query
(parameters at their defaults) and two large answers (all triples as JSON, and as
N-Triples from CONSTRUCT) are asked over HTTP on one keep-alive-less connection
each; the table gives the median wall time in ms and, for the large answers, MB/s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path


def timed(url: str, query: str, accept: str) -> tuple[float, int]:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as answer:
        size = len(answer.read())
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--store", help="an on-disk pactgraph store (default: the shipped graph)")
    args = parser.parse_args()

    from pactgraph.query.named_queries import list_queries
    from pactgraph.query.querying import bind_params
    from pactgraph.stores.disk import DiskStore
    from pactgraph.stores.endpoint import with_values
    from pactgraph.serving.guard import GuardPolicy
    from pactgraph.serving.server import start_endpoint, start_server

    if args.store:
        database = DiskStore(args.store).database
    else:
        store = DiskStore(Path(tempfile.mkdtemp(prefix="pactgraph-bench-")) / "db")
        store.sync(None)
        store.close()
        database = store.database
    # No time or size limit in the way of the measurement; the guard's checks still run.
    guarded = start_endpoint(database, policy=GuardPolicy(timeout=None, max_result_size=None))
    direct = start_server(database)
    cases = []
    for named in list_queries():
        bound = bind_params(named.text)
        text = with_values(named.text, bound) if bound else named.text
        cases.append((named.name, text, "application/sparql-results+json"))
    cases.append(("all triples (JSON)", "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"))
    cases.append(("all triples (CONSTRUCT)", "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"))
    print(f"{'request':<28} {'oxigraph ms':>11} {'guarded ms':>11} {'ratio':>6} {'size':>10} {'guarded MB/s':>13}")
    try:
        for name, text, accept in cases:
            samples = {"direct": [], "guarded": []}
            size = 0
            for _ in range(args.runs):
                for label, url in (("direct", direct.query_url), ("guarded", guarded.query_url)):
                    seconds, size = timed(url, text, accept)
                    samples[label].append(seconds)
            d, g = statistics.median(samples["direct"]), statistics.median(samples["guarded"])
            rate = f"{size / g / 1e6:13.1f}" if size > 1_000_000 else f"{'':>13}"
            print(f"{name[:28]:<28} {d * 1000:11.2f} {g * 1000:11.2f} {g / d:6.2f} {size:>10} {rate}", flush=True)
    finally:
        guarded.stop()
        direct.stop()


if __name__ == "__main__":
    main()
