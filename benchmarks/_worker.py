"""One benchmark measurement in a process of its own (run by benchmarks/bench.py and benchmarks/validation.py).

Each task prints JSON lines on stdout; the last one holds the peak RSS of this
process (and of its children) from resource.getrusage.

    python benchmarks/_worker.py load ENGINE DATA [STORE]
    python benchmarks/_worker.py queries ENGINE DATA [STORE] QUERIES.json
    python benchmarks/_worker.py validate MODE DATA

ENGINE: pactgraph, pactgraph-store, pyoxigraph, rdflib.
MODE: pool (units in two processes), dask (units on two local Dask workers), whole-pyshacl,
whole-turbo, pyrudof.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path


def emit(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def peak_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rss_mb": round(own, 1), "children_rss_mb": round(children, 1)}


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it waited for (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def files_of(data: str) -> list[Path]:
    from pactgraph.rdf.loading import resolve_inputs

    return resolve_inputs([data])


# ---------------------------------------------------------------- loading


def load(engine: str, data: str, store_dir: str | None = None):
    files = files_of(data)
    start = time.perf_counter()
    if engine == "pactgraph":
        from pactgraph.stores.memory import MemoryStore

        store = MemoryStore(files)
        seconds = time.perf_counter() - start
        triples = len(store.store)
    elif engine == "pactgraph-store":
        from pactgraph.stores.disk import DiskStore

        store = DiskStore(store_dir, on_change="ignore")
        summary = store.sync([data])
        seconds = time.perf_counter() - start
        triples = store.total_triples() if not summary.triples else summary.triples
    elif engine == "pyoxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        for path in files:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        seconds = time.perf_counter() - start
        triples = len(store)
    elif engine == "rdflib":
        import rdflib

        store = rdflib.Graph()
        for path in files:
            store.parse(str(path), format="turtle")
        seconds = time.perf_counter() - start
        triples = len(store)
    else:
        raise SystemExit(f"unknown engine {engine}")
    return store, seconds, triples


# ---------------------------------------------------------------- queries


def runner(engine: str, store: object):
    """A function text -> number of rows, running the query as each engine's users would."""
    from pactgraph.rdf.namespaces import PREFIXES

    if engine in ("pactgraph", "pactgraph-store"):
        def run(text: str) -> int:
            return len(store.query(text))  # type: ignore[attr-defined]
        return run
    from pactgraph.query.querying import bind_params

    if engine == "pyoxigraph":
        import pyoxigraph as ox

        def run_ox(text: str) -> int:
            # The query's declared parameter defaults apply here too, as Oxigraph substitutions.
            bound = {ox.Variable(k): v for k, v in bind_params(text).items()} or None
            result = store.query(text, prefixes=dict(PREFIXES), substitutions=bound)  # type: ignore[attr-defined]
            if isinstance(result, ox.QueryBoolean):
                return 1
            return len([tuple(row) for row in result]) if hasattr(result, "variables") else len(list(result))
        return run_ox
    from pactgraph.rdf.rdflib_bridge import to_rdflib_term

    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

    def run_rdflib(text: str) -> int:
        bound = {k: to_rdflib_term(v) for k, v in bind_params(text).items()} or None
        result = store.query(prologue + text, initBindings=bound)  # type: ignore[attr-defined]
        return len(list(result)) if result.type != "ASK" else 1
    return run_rdflib


def queries(engine: str, data: str, store_dir: str | None, spec: str) -> None:
    if engine == "pactgraph-store":
        from pactgraph.stores.disk import DiskStore

        start = time.perf_counter()
        store = DiskStore(store_dir, on_change="ignore")
        store.open_for_reading()
        emit(loaded=time.perf_counter() - start)
    else:
        store, seconds, _ = load(engine, data)
        emit(loaded=seconds)
    run = runner(engine, store)
    for name, text in json.loads(Path(spec).read_text(encoding="utf-8")):
        timings = []
        rows = 0
        deadline = time.perf_counter() + 5.0
        for i in range(7):
            start = time.perf_counter()
            rows = run(text)
            timings.append((time.perf_counter() - start) * 1000)
            if i >= 2 and time.perf_counter() > deadline or timings[0] > 2000:
                break
        emit(query=name, ms=statistics.median(timings), rows=rows, runs=len(timings))
    emit(**peak_mb())


# ---------------------------------------------------------------- validation


def validate(mode: str, data: str) -> None:
    start = time.perf_counter()
    try:
        if mode in ("pool", "dask"):
            report, seconds, cpu = units(mode, data)
            extra = {k: report.run_info[k] for k in ("units", "cached", "engine", "jobs")}
            emit(seconds=seconds, results=len(report.results), triples=report.triples, conforms=report.conforms,
                 cpu_seconds=cpu, **extra, **peak_mb())
            return
        if mode in ("whole-pyshacl", "whole-turbo"):
            from pactgraph.validation.command import validate

            engine = "pyshacl" if mode == "whole-pyshacl" else "pyshacl-turbo"
            report = validate([data], executor="single", engine=engine, no_cache=True)
        elif mode == "pyrudof":
            import pyrudof

            from pactgraph import resources

            rudof = pyrudof.Rudof(pyrudof.RudofConfig())
            files = files_of(data) + resources.ontology_files()
            rudof.read_data(str(files[0]))
            for path in files[1:]:
                rudof.read_data(str(path), merge=True)
            rudof.read_shacl("\n".join(p.read_text(encoding="utf-8") for p in resources.shape_files()))
            result = rudof.validate_shacl()
            emit(seconds=time.perf_counter() - start, results=len(result), conforms=bool(result.conforms), **peak_mb())
            return
        else:
            raise SystemExit(f"unknown mode {mode}")
    except Exception as err:  # the failure is the measurement
        emit(error=f"{type(err).__name__}: {' '.join(str(err).split())[:160]}", seconds=time.perf_counter() - start,
             **peak_mb())
        return
    emit(seconds=time.perf_counter() - start, results=len(report.results), triples=report.triples,
         conforms=report.conforms, **peak_mb())


def units(mode: str, data: str):
    """The units of `data`, uncached, in a process pool of two or on two local Dask workers (one thread
    each, on loopback, started before the clock runs): the report, its seconds and the CPU seconds of
    every process of the run (for Dask: the client, the scheduler and the workers, their start included)."""
    from pactgraph.validation.pipeline import Executor, run
    from pactgraph.validation.scope import whole_graph

    cpu = cpu_seconds()
    if mode == "pool":
        start = time.perf_counter()
        report = run(whole_graph([data]), Executor("units", 2, None), engine="auto")
        return report, time.perf_counter() - start, round(cpu_seconds() - cpu, 2)
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        start = time.perf_counter()
        report = run(whole_graph([data]), Executor("dask", scheduler=cluster.scheduler_address), engine="auto")
        seconds = time.perf_counter() - start
    return report, seconds, round(cpu_seconds() - cpu, 2)


def main(argv: list[str]) -> None:
    task, rest = argv[0], argv[1:]
    if task == "load":
        store, seconds, triples = load(rest[0], rest[1], rest[2] if len(rest) > 2 else None)
        emit(seconds=seconds, triples=triples, **peak_mb())
    elif task == "queries":
        queries(rest[0], rest[1], rest[2] or None, rest[3])
    elif task == "validate":
        validate(rest[0], rest[1])
    else:
        raise SystemExit(f"unknown task {task}")


if __name__ == "__main__":
    main(sys.argv[1:])
