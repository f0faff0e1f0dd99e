"""pactgraph at scale, side by side with pyoxigraph called directly, plain rdflib and Apache Jena.

    python benchmarks/bench.py [--sizes 10k,100k,1M] [--parts load,queries,cold,validation]
    (make bench; BENCH_SIZES=100k,1M,10M make bench)

For each size a synthetic corpus (benchmarks/generate.py, seed 7) plus the
shipped graph is measured, every figure in a process of its own:

* load, triples/s: the default in-memory store, the on-disk store's bulk load,
  pyoxigraph's in-memory store (default graph), rdflib's Graph.parse;
* the sixteen competency queries and four shaped queries (point lookup,
  three-hop join, GROUP BY aggregate, OPTIONAL + date-range FILTER), median ms
  with all rows read: pactgraph in memory and on disk, pyoxigraph directly, rdflib;
* cold `pactgraph query NAME` wall time on the shipped graph and with --store;
* validation, one table per size (benchmarks/validation.py): `pactgraph validate` cold,
  warm and warm after one edited report, Jena's `shacl validate` as a process, pySHACL,
  pyshacl-turbo and pyrudof over the whole graph, the units in a process pool of two
  against two local Dask workers (triples per hour per core), one new report joined.

A measurement that runs past its cap is killed and shown as `>N s`; one whose
projection (linear in triples, from the largest smaller size measured in this run or
an earlier one, at most ten times smaller) passes the cap is not started and shown
as `~N s?` (validation: the reason in the row; a validation row is also not started
when its peak memory projects past BENCH_MEMORY_CAP, MB, four fifths of the RAM by
default). Caps: BENCH_CAP (600 s, for loads and validation), BENCH_QUERY_CAP (60 s per
query). Corpora and stores are kept under
.benchmarks/ (BENCH_WORK) and reused. Results also go to .benchmarks/results.json, the
tables to .benchmarks/table.txt and the times the projections use to
.benchmarks/timings.json, after each size, so a run stopped early keeps them.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = Path(os.environ.get("BENCH_WORK") or ROOT / ".benchmarks").resolve()
WORKER = HERE / "_worker.py"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import validation  # noqa: E402

CAP = float(os.environ.get("BENCH_CAP", "600"))
QUERY_CAP = float(os.environ.get("BENCH_QUERY_CAP", "60"))
#: MB a validation row may be projected to use (default: four fifths of the RAM).
MEMORY_CAP = float(os.environ.get("BENCH_MEMORY_CAP")
                   or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.8 / 2**20)
SHAPED = {
    "point lookup": "SELECT ?p ?o WHERE { pgr:report-synthetic-000003 ?p ?o }",
    "three-hop join": (
        "SELECT ?claim ?name WHERE { ?claim pg:statedIn ?report . ?report schema:publisher ?outlet . "
        "?outlet schema:name ?name }"
    ),
    "GROUP BY aggregate": (
        "SELECT ?certainty (COUNT(?claim) AS ?claims) WHERE { ?claim a pg:Claim ; pg:certainty ?certainty } "
        "GROUP BY ?certainty ORDER BY ?certainty"
    ),
    "OPTIONAL + date FILTER": (
        "SELECT ?report ?date ?text WHERE { ?report a pg:Report ; schema:datePublished ?date . "
        "OPTIONAL { ?report pg:hasSourceText ?text } "
        'FILTER (?date >= "2020-06-01"^^xsd:date && ?date < "2020-09-01"^^xsd:date) }'
    ),
}
ENGINES = ("pactgraph", "pactgraph-store", "pyoxigraph", "rdflib")
PARTS = ("load", "queries", "cold", "validation")
#: How much smaller a size may be and still project a larger one's time.
PROJECT_FROM = 10


def python() -> str:
    return sys.executable


def pactgraph_command() -> list[str]:
    script = Path(sys.executable).with_name("pactgraph")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pactgraph"]


# ---------------------------------------------------------------- processes with caps


def run_lines(args: list[str], cap: float, on_line=None) -> tuple[list[dict], bool]:
    """Run a worker; its JSON lines, and whether it was killed at the cap (per line when on_line says so)."""
    process = subprocess.Popen(
        [python(), str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    lines: list[dict] = []
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + cap
    timed_out = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        if not selector.select(timeout=min(remaining, 1.0)):
            if process.poll() is not None:
                rest = process.stdout.read()
                for line in rest.splitlines():
                    if line.strip():
                        lines.append(json.loads(line))
                break
            continue
        line = process.stdout.readline()
        if not line:
            break
        lines.append(json.loads(line))
        if on_line is not None:
            deadline = time.monotonic() + on_line(lines[-1])
    if timed_out:
        process.kill()
    process.wait()
    selector.close()
    if process.returncode not in (0, -9) and not lines:
        err = process.stderr.read().strip().splitlines()
        lines.append({"error": err[-1] if err else f"exit {process.returncode}"})
    return lines, timed_out


# ---------------------------------------------------------------- preparing corpora


def prepare(size: str) -> tuple[Path, Path, dict]:
    triples = generate.parse_size(size)
    corpus = WORK / f"corpus-{size}"
    summary_file = corpus / "synthetic" / "corpus-summary.jsonl"
    if not summary_file.is_file():
        shutil.rmtree(corpus, ignore_errors=True)
        generate.generate(corpus / "synthetic", triples, seed=7)
        for folder in ("ontology", "data"):
            shutil.copytree(ROOT / folder, corpus / "shipped" / folder)
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    return corpus, corpus / "synthetic", summary


def competency_queries() -> list[tuple[str, str]]:
    from pactgraph.query.named_queries import list_queries

    found = [(f"q{q.number:02d} {q.name}", q.text) for q in list_queries()]
    return found + [(name, text) for name, text in SHAPED.items()]


# ---------------------------------------------------------------- measurements


class Bench:
    def __init__(self, sizes: list[str], parts: tuple[str, ...] = PARTS):
        self.sizes = sizes
        self.parts = parts
        self.results: dict[str, dict[str, dict[str, object]]] = {}  # size -> measurement -> engine -> value
        self.validation: dict[str, list[validation.Row]] = {}  # size -> the validation table's rows
        self.triples: dict[str, int] = {}
        # size -> {"triples": n, "measured": {measurement|engine: seconds, or MB}}, earlier runs' too
        timings = WORK / "timings.json"
        self.timings: dict[str, dict] = json.loads(timings.read_text(encoding="utf-8")) if timings.is_file() else {}

    def put(self, size: str, what: str, engine: str, value: object) -> None:
        self.results.setdefault(size, {}).setdefault(what, {})[engine] = value

    def projected(self, what: str, engine: str, size: str, cap: float) -> tuple[float, str] | None:
        """(seconds, from which size) that the largest smaller size measured projects for this size,
        linear in triples, when that passes the cap; only from a size at most PROJECT_FROM times smaller."""
        key = f"{what}|{engine}"
        target = self.triples.get(size) or generate.parse_size(size)
        known = [(t["triples"], name, t["measured"][key]) for name, t in self.timings.items()
                 if key in t.get("measured", {}) and t["triples"] < target]
        if not known:
            return None
        triples, name, seconds = max(known)
        if triples * PROJECT_FROM < target:
            return None
        guess = seconds * target / triples
        return (guess, name) if guess > cap else None

    def note(self, what: str, engine: str, seconds: float, size: str) -> None:
        entry = self.timings.setdefault(size, {"triples": self.triples[size], "measured": {}})
        entry["triples"] = self.triples[size]
        entry.setdefault("measured", {})[f"{what}|{engine}"] = seconds

    def log(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    # -- load
    def load(self, size: str, data: Path, store: Path) -> None:
        for engine in ENGINES:
            what = "load, triples/s"
            guess = self.projected(what, engine, size, CAP)
            if guess:
                self.put(size, what, engine, f"~{guess[0]:.0f} s?")
                continue
            if engine == "pactgraph-store":
                shutil.rmtree(store, ignore_errors=True)
            self.log(f"{size}: load {engine}")
            lines, timed_out = run_lines(["load", engine, str(data), str(store)], CAP)
            if timed_out:
                self.put(size, what, engine, f">{CAP:.0f} s")
                self.note(what, engine, CAP, size)
                continue
            row = lines[-1]
            if "error" in row:
                self.put(size, what, engine, "error")
                continue
            self.put(size, what, engine, f"{row['triples'] / row['seconds']:,.0f}")
            self.put(size, "load, seconds (peak RSS MB)", engine, f"{row['seconds']:.2f} ({row['rss_mb']:.0f})")
            self.note(what, engine, row["seconds"], size)

    # -- queries
    def queries(self, size: str, data: Path, store: Path) -> None:
        spec = WORK / "queries.json"
        every = competency_queries()
        spec.write_text(json.dumps(every), encoding="utf-8")
        for engine in ENGINES:
            todo = [(n, t) for n, t in every if not self._skip_query(size, engine, n)]
            while todo:
                part = WORK / f"queries-{engine}.json"
                part.write_text(json.dumps(todo), encoding="utf-8")
                self.log(f"{size}: {len(todo)} queries on {engine}")
                load_cap = CAP if engine == "rdflib" else 300
                done: list[str] = []

                def on_line(row: dict, done: list[str] = done) -> float:
                    if "query" in row:
                        done.append(row["query"])
                    return QUERY_CAP

                lines, timed_out = run_lines(["queries", engine, str(data), str(store), str(part)], load_cap, on_line)
                for row in lines:
                    if "query" in row:
                        self.put(size, row["query"], engine, row["ms"])
                        self.note(row["query"], engine, row["ms"] / 1000, size)
                        self.put(size, row["query"], "rows", row["rows"])
                    elif "loaded" in row and engine == "rdflib":
                        pass
                loaded = any("loaded" in row for row in lines)
                if timed_out and not loaded:
                    for name, _ in todo:
                        self.put(size, name, engine, f"load >{load_cap:.0f} s")
                    break
                finished = any("rss_mb" in row for row in lines)
                if finished or len(done) >= len(todo):
                    break
                stuck = todo[len(done)][0]
                if timed_out:
                    self.put(size, stuck, engine, f">{QUERY_CAP:.0f} s")
                    self.note(stuck, engine, QUERY_CAP, size)
                else:  # the worker failed on this query
                    self.put(size, stuck, engine, "error")
                todo = todo[len(done) + 1 :]

    def _skip_query(self, size: str, engine: str, name: str) -> bool:
        guess = self.projected(name, engine, size, QUERY_CAP)
        if guess:
            self.put(size, name, engine, f"~{guess[0]:.0f} s?")
            return True
        return False

    # -- validation
    def validate(self, size: str, synthetic: Path, summary: dict) -> None:
        """The validation table of this size (benchmarks/validation.py), its rows' times kept for projections."""
        rows = validation.ValidationRows(
            size, synthetic, summary, WORK, CAP,
            projector=lambda label: self.not_started(label, size),
            record=lambda label, seconds, peak_mb: self.record(label, size, seconds, peak_mb),
            log=self.log,
        )
        self.validation[size] = rows.rows
        rows.all()

    def not_started(self, label: str, size: str) -> str | None:
        """Why a validation row is not started at this size: its time or memory projected past a cap."""
        guess = self.projected(label, "validation", size, CAP)
        if guess:
            return f"~{guess[0]:,.0f} s projected from {guess[1]} passes the cap ({CAP:.0f} s)"
        guess = self.projected(label, "validation MB", size, MEMORY_CAP)
        if guess:
            return f"~{guess[0]:,.0f} MB projected from {guess[1]} passes the memory cap ({MEMORY_CAP:,.0f} MB)"
        return None

    def record(self, label: str, size: str, seconds: float, peak_mb: float | None) -> None:
        self.note(label, "validation", seconds, size)
        if peak_mb is not None:
            self.note(label, "validation MB", peak_mb, size)

    # -- cold start
    def cold(self, size: str, store: Path, first: bool) -> None:
        def median_wall(argv: list[str], runs: int) -> str:
            timings, codes = [], set()
            for _ in range(runs):
                start = time.perf_counter()
                done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
                timings.append(time.perf_counter() - start)
                codes.add(done.returncode)
            return f"{statistics.median(timings):.3f}" + ("" if codes == {0} else f" (exit {sorted(codes)})")

        base = pactgraph_command()
        if first:
            self.log("cold start on the shipped graph")
            what = "cold `pactgraph query parties-and-date`, s (shipped graph)"
            self.put("shipped", what, "pactgraph", median_wall(base + ["query", "parties-and-date"], 7))
            files = [str(p) for p in sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "data").rglob("*.ttl"))]
            query = (ROOT / "queries" / "01-parties-and-date.rq").read_text(encoding="utf-8")
            ox_code = (
                "import sys, pyoxigraph as ox\ns = ox.Store()\n"
                f"for f in {files!r}: s.load(path=f, format=ox.RdfFormat.TURTLE)\n"
                f"print(list(s.query({query!r})))\n"
            )
            rdflib_code = (
                "import rdflib\ng = rdflib.Graph()\n"
                f"for f in {files!r}: g.parse(f, format='turtle')\n"
                f"print(list(g.query({query!r})))\n"
            )
            self.put("shipped", what, "pyoxigraph", median_wall([python(), "-c", ox_code], 7))
            self.put("shipped", what, "rdflib", median_wall([python(), "-c", rdflib_code], 3))
        self.log(f"{size}: cold start with --store")
        what = "cold `pactgraph query parties-and-date --store`, s"
        self.put(size, what, "pactgraph-store", median_wall(base + ["query", "parties-and-date", "--store", str(store)], 5))

    def run(self) -> None:
        WORK.mkdir(parents=True, exist_ok=True)
        for index, size in enumerate(self.sizes):
            self.log(f"{size}: preparing the corpus")
            corpus, synthetic, summary = prepare(size)
            store = WORK / f"store-{size}"
            self.triples[size] = int(summary["triples"]) + 2584
            self.put(size, "corpus: triples (synthetic + shipped), injected violations", "value",
                     f"{summary['triples']} + 2584, {summary['violations']}")
            steps = {
                "load": functools.partial(self.load, size, corpus, store),
                "queries": functools.partial(self.queries, size, corpus, store),
                "cold": functools.partial(self.cold, size, store, first=index == 0),
                "validation": functools.partial(self.validate, size, synthetic, summary),
            }
            for part in self.parts:
                try:
                    steps[part]()
                except Exception as err:  # one failed measurement does not lose the others
                    self.log(f"{size}: measurement failed: {type(err).__name__}: {err}")
                    self.put(size, "failed measurement", "value", f"{type(err).__name__}: {err}"[:120])
                self.save()

    def save(self) -> None:
        """What is measured so far, so that a run stopped before its end keeps the sizes it finished."""
        results = {size: {**found, **({"validation": [r.to_dict() for r in self.validation[size]]}
                                      if size in self.validation else {})}
                   for size, found in self.results.items()}
        (WORK / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        (WORK / "table.txt").write_text(table(self) + "\n", encoding="utf-8")
        (WORK / "timings.json").write_text(json.dumps(self.timings, indent=1) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- the table


def fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    return str(value)


def table(bench: Bench) -> str:
    header = ["measurement", "size", "pactgraph", "pactgraph --store", "pyoxigraph direct", "rdflib", "pg/ox", "rows"]
    rows: list[list[str]] = []
    order: list[str] = []
    for size_results in bench.results.values():
        for what in size_results:
            if what not in order:
                order.append(what)
    for what in order:
        for size in ["shipped", *bench.sizes]:
            found = bench.results.get(size, {}).get(what)
            if not found:
                continue
            if "value" in found:
                rows.append([what, size, found["value"], "", "", "", "", ""])
                continue
            pg, ox = found.get("pactgraph"), found.get("pyoxigraph")
            ratio = ""
            if isinstance(pg, float) and isinstance(ox, float) and ox > 0:
                ratio = f"{pg / ox:.2f}"
            elif what == "load, triples/s" and isinstance(pg, str) and isinstance(ox, str):
                try:
                    ratio = f"{float(ox.replace(',', '')) / float(pg.replace(',', '')):.2f}"
                except ValueError:
                    ratio = ""
            rows.append([
                what, size, fmt(pg), fmt(found.get("pactgraph-store")), fmt(ox), fmt(found.get("rdflib")), ratio,
                fmt(found.get("rows")) if "rows" in found else "",
            ])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
             for r in [header, ["-" * w for w in widths], *rows]]
    tables = ["\n".join(lines)] + [validation.table(size, bench.validation[size])
                                   for size in bench.sizes if size in bench.validation]
    return "\n\n".join(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES") or "10k,100k,1M",
                        help="corpus sizes, e.g. 10k,100k,1M,10M (default: BENCH_SIZES, else 10k,100k,1M)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"what to measure at each size (default: {','.join(PARTS)})")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    for size in sizes:
        try:
            if generate.parse_size(size) < 1:
                raise ValueError(size)
        except ValueError:
            parser.error(f"--sizes: {size!r} is not a size such as 100k, 1M or 10M")
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"--parts: {', '.join(unknown)} (one of {', '.join(PARTS)})")
    start = time.perf_counter()
    bench = Bench(sizes, parts)
    bench.run()
    elapsed = time.perf_counter() - start
    print(f"pactgraph benchmark, sizes {', '.join(sizes) or 'none'}; {os.cpu_count()} cores; caps {CAP:.0f} s, "
          f"queries {QUERY_CAP:.0f} s; ms unless stated; pg/ox = pactgraph / pyoxigraph direct "
          f"(load: pyoxigraph rate / pactgraph rate); validation: wall and peak RSS of the largest process")
    print(table(bench))
    print(f"total {elapsed / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
