"""Where the time of the whole-graph shapes goes: the Store filled from the files, each Oxigraph query, the closure.

    python benchmarks/wholegraph.py CORPUS [--reference]

CORPUS is a folder from benchmarks/generate.py. Prints CPU seconds (and wall seconds) of each
part of validation.wholegraph.run; `--reference` adds the SHACL engine (pyshacl-turbo) over
the whole graph with the same shapes, the path these shapes took before.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args()

    import pyoxigraph as ox

    from pactgraph import resources
    from pactgraph.rdf.loading import load_graph
    from pactgraph.validation.scope import whole_graph
    from pactgraph.validation import wholegraph as wg
    from pactgraph.validation.locality import placements, split
    from pactgraph.validation.single import read_files, validate_single
    from pactgraph.validation.sparqlshapes import evaluate

    def timed(label: str, start: tuple[float, float]) -> tuple[float, float]:
        now = (time.process_time(), time.perf_counter())
        print(f"{label:<44} {now[0] - start[0]:8.2f} s CPU {now[1] - start[1]:8.2f} s wall", flush=True)
        return now

    files = sorted(args.corpus.rglob("*.ttl"))
    scope = whole_graph(files)
    mark = (time.process_time(), time.perf_counter())
    shapes = load_graph(resources.shape_files())
    placed = placements(shapes)
    found = wg.routes(shapes, placed)
    mark = timed("shapes, placements, translation", mark)
    store = ox.Store()
    pairs: set = set()
    for path in list(scope.data) + list(scope.ontology):
        quads, _ = read_files([path])
        pairs |= wg.typed_pairs(quads)
        store.extend(quads)
    mark = timed(f"parse and fill the Store ({len(store)} triples)", mark)
    held = wg.literals(pairs)
    mark = timed(f"literals (exact: {held.exact}, retyped: {len(held.back)})", mark)
    for route in found:
        if route.kind == wg.OXIGRAPH:
            count = sum(1 for _ in evaluate(store, route.translated, held.back))
            mark = timed(f"{str(route.shape).rsplit('#', 1)[-1]} ({count} solutions)", mark)
    closure = [r for r in found if r.kind == wg.CLOSURE]
    if closure:
        rows = wg.closure_rows(store, shapes, placed, closure, {}, "info", "auto", held.back)
        mark = timed(f"closure shapes ({len(rows)} results)", mark)
    del store
    if args.reference:
        report = validate_single(scope, split(shapes, placed)[1], [], [], "info", "auto", results_only=True)
        mark = timed(f"reference: pyshacl-turbo, whole graph ({len(report.results)} results)", mark)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
