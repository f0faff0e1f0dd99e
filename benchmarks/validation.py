"""The validation table of `make bench`: one size's corpus validated on every path, side by side.

Each row is one run in a process of its own, timed from outside (wall time, peak
resident memory of the largest process of the run, from wait4), with the number of
results it reported, checked against what the corpus holds (benchmarks/generate.py
injects a known number of violations):

* `pactgraph validate --data-dir CORPUS` as a user runs it (the default executor),
  with an empty cache; again with the corpus unchanged; again with one report edited
  (its language tag, one more result; restored afterwards);
* Apache Jena's `shacl validate` as a process, on the same data and shapes;
* pySHACL (the reference), pyshacl-turbo and pyrudof over the whole graph in one process;
* the units in a process pool of two against two local Dask workers of one thread each
  (`validate --scheduler`), in triples per hour per core;
* one new report (a report folder taken out of the corpus) joined with the corpus, from the
  files and from an on-disk store.

A row whose time or peak memory, projected linearly in triples from the largest smaller
size measured (in this run or an earlier one, at most ten times smaller), passes the cap
(BENCH_CAP) or the memory cap (BENCH_MEMORY_CAP) is not started, and the table says why;
any other row runs with the cap as its timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_worker.py"
ROOT = HERE.parent

#: The rows, in the table's order.
COLD = "pactgraph validate, default executor, cache cold"
WARM = "pactgraph validate, cache warm, unchanged"
EDITED = "pactgraph validate, cache warm, one report edited"
JENA = "Jena shacl validate, as a process"
PYSHACL = "pySHACL, whole graph, 1 process (reference)"
TURBO = "pyshacl-turbo, whole graph, 1 process"
PYRUDOF = "pyrudof, whole graph, 1 process"
POOL = "units, process pool of 2"
DASK = "units, 2 local Dask workers (--scheduler)"
JOINED = "one new report joined, from files"
JOINED_STORE = "one new report joined, on-disk store"
ROWS = (COLD, WARM, EDITED, JENA, PYSHACL, TURBO, PYRUDOF, POOL, DASK, JOINED, JOINED_STORE)


@dataclass
class Row:
    """One line of the table: a measurement, or the reason there is none."""

    label: str
    wall: float | None = None
    peak_mb: float | None = None
    results: int | None = None
    expected: int | None = None
    note: str = ""
    skipped: str = ""

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class Measured:
    wall: float
    peak_mb: float
    code: int
    timed_out: bool
    stdout: str
    stderr: str


def measure(argv: list[str], cap: float, cwd: Path) -> Measured:
    """Run `argv` in a session of its own; a run past `cap` seconds is killed with its children."""
    out, err = cwd / ".measure-stdout", cwd / ".measure-stderr"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=stdout, stderr=stderr, cwd=cwd, start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > cap:
                os.killpg(process.pid, 9)
                pid, status, usage = os.wait4(process.pid, 0)
                timed_out = True
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in (out, err)]
    out.unlink()
    err.unlink()
    return Measured(wall, usage.ru_maxrss / 1024, process.returncode, timed_out, texts[0], texts[1])


# ---------------------------------------------------------------- inputs


def jena_input(folder: Path) -> tuple[Path, Path]:
    """The corpus with the ontology as one N-Triples file, and the shapes as one, for Jena (made once)."""
    import pyoxigraph as ox

    from pactgraph import resources

    data = folder.with_name(folder.name + ".nt")
    if not data.is_file():
        partial = data.with_suffix(".part")
        with open(partial, "wb") as out:
            for path in resources.ontology_files() + sorted(folder.rglob("*.ttl")):
                quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
                out.write(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES))
        partial.rename(data)
    shapes = folder.with_name("shapes.nt")
    triples = []
    for path in resources.shape_files():
        triples.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    shapes.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return data, shapes


def jena_argv(work: Path, data: Path, shapes: Path) -> list[str] | str:
    """Jena's `shacl validate` as a command, or why it cannot run here."""
    sys.path.insert(0, str(ROOT / "tests"))
    import jena_engine  # the tests' second engine: Debian's Jena, with its class path made to work

    why = jena_engine.missing()
    if why:
        return why
    class_path = jena_engine.class_path(work) + ":/usr/share/java/jena-cmds.jar"
    return ["java", "-Xmx16g", "-cp", class_path, "shacl.shacl", "validate", "--shapes", str(shapes), "--data", str(data)]


def jena_results(turtle: str) -> int:
    """How many sh:ValidationResult Jena's report (Turtle on its stdout) holds."""
    import pyoxigraph as ox

    result = ox.NamedNode("http://www.w3.org/ns/shacl#ValidationResult")
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return sum(1 for q in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
               if q.predicate == kind and q.object == result)


def one_new_report(folder: Path) -> tuple[Path, Path]:
    """The corpus without one report folder (hard links, made once), and that folder's report as the new one.

    The folder keeps its slug as its name, so its stored text is found as under reports/."""
    base = folder.with_name(folder.name + "-joined")
    new = folder.with_name(folder.name + "-new")
    if not base.is_dir():
        partial = base.with_name(base.name + ".part")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(folder, partial, copy_function=os.link)
        reports = sorted((partial / "reports").iterdir())
        victim = reports[len(reports) // 2]
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir()
        shutil.move(str(victim), new / victim.name)  # in a folder named by its slug, as under reports/
        partial.rename(base)
    return base, next(new.glob("*/report.ttl"))


# ---------------------------------------------------------------- the rows


#: row label -> why the row is not started (its time or memory projected past a cap), or None.
Projector = Callable[[str], str | None]


class ValidationRows:
    """The rows for one size; `projector(label)` says when a row is not worth starting,
    `record(label, seconds, peak MB)` keeps each row's time and memory for the next size's projection."""

    def __init__(self, size: str, corpus: Path, summary: dict, work: Path, cap: float,
                 projector: Projector, record: Callable[[str, float, float | None], None], log: Callable[[str], None]):
        self.size, self.corpus, self.summary, self.work, self.cap = size, corpus, summary, work, cap
        self.projector, self.record, self.log = projector, record, log
        self.python = sys.executable
        self.rows: list[Row] = []

    def pactgraph(self, *args: str) -> list[str]:
        return [self.python, "-m", "pactgraph", "validate", "--format", "json", *args]

    def worker(self, mode: str) -> list[str]:
        return [self.python, str(WORKER), "validate", mode, str(self.corpus)]

    def run(self, label: str, argv: list[str], expected: int | None, count: Callable[[Measured], dict]) -> Row:
        """One row: projected and skipped, or run with the cap as its timeout."""
        why = self.projector(label)
        if why is not None:
            row = Row(label, expected=expected, skipped=f"skipped: {why}")
            self.rows.append(row)
            return row
        self.log(f"{self.size}: {label}")
        done = measure(argv, self.cap, self.work)
        row = Row(label, wall=done.wall, peak_mb=done.peak_mb, expected=expected)
        if done.timed_out:
            row.skipped = f"killed at the cap ({self.cap:.0f} s)"
            self.record(label, self.cap, done.peak_mb)
        else:
            try:
                found = count(done)
            except Exception as err:  # the failure is the measurement
                tail = (done.stderr.strip().splitlines() or [f"exit {done.code}"])[-1]
                row.skipped = f"failed (exit {done.code}): {' '.join(tail.split())[:90]}"
                self.log(f"{self.size}: {label}: {type(err).__name__}: {err}")
            else:
                row.results = found.pop("results")
                row.note = found.pop("note", "")
                self.record(label, done.wall, done.peak_mb)
        self.rows.append(row)
        return row

    def skip(self, label: str, why: str, expected: int | None = None) -> None:
        self.rows.append(Row(label, expected=expected, skipped=f"skipped: {why}"))

    def all(self) -> list[Row]:
        expected = int(self.summary["violations"])
        self.cli_rows(expected)
        self.jena_row(expected)
        for label, mode in ((PYSHACL, "whole-pyshacl"), (TURBO, "whole-turbo")):
            self.run(label, self.worker(mode), expected, from_worker)
        import importlib.util

        if importlib.util.find_spec("pyrudof") is None:
            self.skip(PYRUDOF, "missing pyrudof (pip install 'pactgraph[bench]', as make bench does)", expected)
        else:
            self.run(PYRUDOF, self.worker("pyrudof"), expected, from_worker)
        self.cluster_rows(expected)
        self.joined_rows()
        return self.rows

    def cli_rows(self, expected: int) -> None:
        cache = self.work / f"cache-{self.size}"
        shutil.rmtree(cache, ignore_errors=True)
        argv = self.pactgraph("--cache", str(cache), "--data-dir", str(self.corpus))
        cold = self.run(COLD, argv, expected, from_cli)
        if cold.results is None:
            self.skip(WARM, "the cold run gave no cache", expected)
            self.skip(EDITED, "the cold run gave no cache", expected + 1)
            return
        self.run(WARM, argv, expected, from_cli)
        report = sorted((self.corpus / "reports").glob("*/report.ttl"))[0]
        original = report.read_bytes()
        try:
            replace(report, original.replace(b'schema:inLanguage "en"', b'schema:inLanguage "EN"', 1))
            self.run(EDITED, argv, expected + 1, from_cli)
        finally:
            replace(report, original)
            shutil.rmtree(cache, ignore_errors=True)

    def jena_row(self, expected: int) -> None:
        if self.projector(JENA) is not None:
            self.run(JENA, [], expected, jena_count)  # shows the projection
            return
        data, shapes = jena_input(self.corpus)
        argv = jena_argv(self.work, data, shapes)
        if isinstance(argv, str):
            self.skip(JENA, argv, expected)
            return
        self.run(JENA, argv, expected, jena_count)

    def cluster_rows(self, expected: int) -> None:
        self.run(POOL, self.worker("pool"), expected, from_worker)
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            self.skip(DASK, "missing Dask (pip install 'pactgraph[cluster]')", expected)
            return
        self.run(DASK, self.worker("dask"), expected, from_worker)

    def joined_rows(self) -> None:
        base, new = one_new_report(self.corpus)
        slug = new.parent.name
        expected = sum(1 for _, where in self.summary["expected"] if where == slug)
        argv = self.pactgraph("--no-cache", str(new), "--data-dir", str(base))
        self.run(JOINED, argv, expected, from_cli)
        # The same with the graph in an on-disk store that pactgraph.toml names (filled once, not timed).
        if self.projector(JOINED_STORE) is not None:
            self.run(JOINED_STORE, [], expected, from_cli)
            return
        from pactgraph import resources

        store = base.with_name(base.name + "-store")
        # Brought up to date on every run (only changed files are read again): a store filled before
        # the ontology or the corpus changed would send validation back to the files.
        self.log(f"{self.size}: {'updating' if store.is_dir() else 'filling'} the on-disk store (not timed)")
        subprocess.run([self.python, "-m", "pactgraph", "load", "--store", str(store),
                       str(resources.ontology_dir()), str(base)], check=True, capture_output=True)
        config = base.with_name(base.name + "-pactgraph.toml")
        config.write_text(f'[store]\nkind = "disk"\npath = "{store}"\n', encoding="utf-8")
        self.run(JOINED_STORE, [*argv, "--config", str(config)], expected, from_cli)


def replace(path: Path, content: bytes) -> None:
    """Write a new file in the place of `path` (a hard-linked copy of the corpus keeps the old one)."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(content)
    os.replace(partial, path)


def from_cli(done: Measured) -> dict:
    """`pactgraph validate --format json`: exit 0 or 1, and its results."""
    if done.code not in (0, 1):
        raise RuntimeError(f"exit {done.code}")
    return {"results": len(json.loads(done.stdout)["results"])}


def jena_count(done: Measured) -> dict:
    if done.code != 0:
        raise RuntimeError(f"exit {done.code}")
    return {"results": jena_results(done.stdout)}


def from_worker(done: Measured) -> dict:
    """The last JSON line of benchmarks/_worker.py; for the executor rows, their rate on two cores."""
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if not lines or "error" in lines[-1]:
        raise RuntimeError(lines[-1]["error"] if lines else f"exit {done.code}")
    row = lines[-1]
    note = ""
    if "cpu_seconds" in row:
        # Two cores: two processes, or two workers of one thread each; and per CPU-hour spent
        # (every process of the run), which a busy machine does not distort.
        rate = row["triples"] / row["seconds"] * 3600 / 2
        per_cpu = row["triples"] / row["cpu_seconds"] * 3600
        note = (f"{rate:,.0f} triples/h/core ({row['seconds']:.1f} s in the run); {row['cpu_seconds']:.0f} CPU s, "
                f"{per_cpu:,.0f} triples/CPU-hour; {row['units']} units")
    return {"results": row["results"], "note": note}


# ---------------------------------------------------------------- the table


def table(size: str, rows: list[Row]) -> str:
    """The rows of one size, with each wall time as a multiple of Jena's."""
    jena = next((r.wall for r in rows if r.label == JENA and r.results is not None), None)
    header = ["validation at " + size, "wall s", "peak MB", "x Jena", "results", "notes"]
    lines = []
    for r in rows:
        measured = r.results is not None
        results = "" if r.results is None else str(r.results)
        if measured and r.expected is not None and r.results != r.expected:
            results += f" (expected {r.expected})"
        lines.append([
            r.label,
            "" if r.wall is None else (f">{r.wall:.0f}" if not measured and r.skipped.startswith("killed") else f"{r.wall:.1f}"),
            "" if r.peak_mb is None or not measured else f"{r.peak_mb:,.0f}",
            f"{r.wall / jena:.2f}" if measured and jena and r.wall is not None else "",
            results,
            r.skipped or r.note,
        ])
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header))]
    out = []
    for cells in [header, ["-" * w for w in widths], *lines]:
        out.append("  ".join(c.ljust(w) if i in (0, 5) else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip())
    return "\n".join(out)
