"""Validation on every path, side by side with pySHACL over the whole graph and Apache Jena SHACL as a process.

    python benchmarks/validation.py [--sizes 10k,100k,1M] [--cap SECONDS]

For each size a synthetic corpus (benchmarks/generate.py, seed 7, kept under
.benchmarks/) is validated, each run in a process of its own, wall time and peak
resident memory (of the process and the workers it waited for):

* `pactgraph validate --data-dir CORPUS` as a user runs it (the `auto` executor);
* the same with a cache: cold, again with the corpus unchanged, again with one report edited
  (the manifest in the cache folder: only what changed is parsed);
* each executor: one graph (pyshacl-turbo), units in 1 and 2 processes, units again from the cache;
* the references: pySHACL over the whole graph in one process, Jena's `shacl validate`;
* joined validation of one new report (a report folder taken out of the corpus) with the corpus
  it joins, from the files: `pactgraph validate NEW/report.ttl --data-dir CORPUS`.

A run past the cap (BENCH_CAP, 600 s) is killed and shown as `>N s`; one whose
projection from the previous size (ten times the triples, ten times the time) passes
the cap is not started and shown as `~N s?`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = ROOT / ".benchmarks"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PY = sys.executable
#: Wall seconds of each run at the previous size, for the projection.
PREVIOUS: dict[str, float] = {}


def measure(argv: list[str], cap: float, env: dict[str, str] | None = None) -> tuple[str, str, int]:
    """(wall, peak MB, exit status) of one command; a run past `cap` is killed."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
    deadline = start + cap
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(process.pid, 9)
            os.wait4(process.pid, 0)
            return f">{cap:.0f} s", "-", -1
        time.sleep(0.02)
    wall = time.perf_counter() - start
    return f"{wall:.2f} s", f"{usage.ru_maxrss / 1024:.0f}", os.waitstatus_to_exitcode(status)


def corpus(size: str) -> Path:
    out = WORK / f"validation-corpus-{size}"
    if not (out / "entities.ttl").is_file():
        shutil.rmtree(out, ignore_errors=True)
        generate.generate(out, generate.parse_size(size), seed=7)
    return out


def jena_input(folder: Path) -> tuple[Path, Path]:
    """The corpus with the ontology as one N-Triples file, and the shapes as one Turtle file, for Jena."""
    import pyoxigraph as ox

    from pactgraph import resources

    data = folder.with_name(folder.name + ".nt")
    if not data.is_file():
        with open(data, "wb") as out:
            for path in resources.ontology_files() + sorted(folder.rglob("*.ttl")):
                quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
                out.write(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES))
    shapes = folder.with_name("shapes.nt")
    triples = []
    for path in resources.shape_files():
        triples.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    shapes.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return data, shapes


def one_new_report(folder: Path) -> tuple[Path, Path]:
    """A copy of the corpus without one report folder, and that folder as the new report."""
    base = folder.with_name(folder.name + "-joined")
    new = folder.with_name(folder.name + "-new")
    if not base.is_dir():
        shutil.copytree(folder, base)
        victim = sorted((base / "reports").iterdir())[len(list((base / "reports").iterdir())) // 2]
        shutil.rmtree(new, ignore_errors=True)
        shutil.move(str(victim), new)
    return base, new / "report.ttl"


def rows_for(size: str, cap: float) -> list[tuple[str, str, str, str]]:
    folder = corpus(size)
    cache = Path(tempfile.mkdtemp(prefix="pactgraph-bench-cache-"))
    lib = [PY, "-c", (
        "import sys; from pathlib import Path; from pactgraph.validation.pipeline import Executor, run; from pactgraph.validation.scope import whole_graph; "
        "kind, jobs, engine, cache = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] or None; "
        "r = run(whole_graph(data_dir=sys.argv[5]), Executor(kind, jobs, Path(cache) if cache else None), "
        "engine=engine); print(r.summary(), file=sys.stderr)"
    )]
    runs = [
        ("pactgraph validate (auto)", [PY, "-m", "pactgraph", "validate", "-q", "--no-cache", "--data-dir", str(folder)]),
        ("one graph, pyshacl-turbo", lib + ["single", "1", "pyshacl-turbo", "", str(folder)]),
        ("units, 1 process", lib + ["units", "1", "pyshacl-turbo", "", str(folder)]),
        ("units, 2 processes", lib + ["units", "2", "pyshacl-turbo", str(cache), str(folder)]),
        ("units, 2 processes, cached", lib + ["units", "2", "pyshacl-turbo", str(cache), str(folder)]),
        ("pySHACL, whole graph (reference)", lib + ["single", "1", "pyshacl", "", str(folder)]),
    ]
    out = []
    for name, argv in runs:
        before = PREVIOUS.get(name)
        if before is not None and before * 10 > cap:
            # Linear in triples from the previous size (x10), past the cap: not started.
            out.append((size, name, f"~{before * 10:.0f} s?", "-"))
            continue
        wall, peak, code = measure(argv, cap)
        PREVIOUS[name] = float(wall.split()[0].lstrip(">")) if code != -1 else cap * 10
        out.append((size, name, wall, peak))
        print(f"  {size:>5}  {name:<36} {wall:>10} {peak:>8} MB  exit {code}", file=sys.stderr)
    out.extend(warm_rows(size, folder, cap))
    sys.path.insert(0, str(ROOT / "tests"))
    import jena_engine  # the tests' second engine: Debian's Jena, with its class path made to work

    if not jena_engine.missing():
        data, shapes = jena_input(folder)
        argv = ["java", "-Xmx16g", "-cp", jena_engine.class_path(WORK) + ":/usr/share/java/jena-cmds.jar", "shacl.shacl", "validate", "--shapes",
                str(shapes), "--data", str(data)]
        wall, peak, code = measure(argv, cap)
        out.append((size, "Jena shacl validate (process)", wall, peak))
        print(f"  {size:>5}  {'Jena':<36} {wall:>10} {peak:>8} MB  exit {code}", file=sys.stderr)
    base, new = one_new_report(folder)
    argv = [PY, "-m", "pactgraph", "validate", "-q", "--no-cache", str(new), "--data-dir", str(base)]
    wall, peak, code = measure(argv, cap)
    out.append((size, "one new report joined, from files", wall, peak))
    print(f"  {size:>5}  {'joined, files':<36} {wall:>10} {peak:>8} MB  exit {code}", file=sys.stderr)
    # The same with the graph in an on-disk store that pactgraph.toml names (filled once, not timed).
    from pactgraph import resources

    store = base.with_name(base.name + "-store")
    if not store.is_dir():
        subprocess.run(
            [PY, "-m", "pactgraph", "load", "--store", str(store), str(resources.ontology_dir()), str(base)],
            check=True, capture_output=True,
        )
    config = base.with_name(base.name + "-pactgraph.toml")
    config.write_text(f'[store]\nkind = "disk"\npath = "{store}"\n', encoding="utf-8")
    argv += ["--config", str(config)]
    wall, peak, code = measure(argv, cap)
    out.append((size, "one new report joined, on-disk store", wall, peak))
    print(f"  {size:>5}  {'joined, store':<36} {wall:>10} {peak:>8} MB  exit {code}", file=sys.stderr)
    shutil.rmtree(cache, ignore_errors=True)
    return out


def warm_rows(size: str, folder: Path, cap: float) -> list[tuple[str, str, str, str]]:
    """`pactgraph validate --data-dir CORPUS` with a cache: cold, again unchanged, again with one report
    edited (its language tag; restored afterwards)."""
    cache = Path(tempfile.mkdtemp(prefix="pactgraph-bench-warm-"))
    argv = [PY, "-m", "pactgraph", "validate", "-q", "--cache", str(cache), "--data-dir", str(folder)]
    report = sorted((folder / "reports").glob("*/report.ttl"))[0]
    original = report.read_bytes()
    out = []
    try:
        for name in ("validate, cache cold", "validate, cache warm, unchanged", "validate, cache warm, one report edited"):
            if name.endswith("edited"):
                report.write_bytes(original.replace(b'schema:inLanguage "en"', b'schema:inLanguage "EN"', 1))
            wall, peak, code = measure(argv, cap)
            out.append((size, name, wall, peak))
            print(f"  {size:>5}  {name:<36} {wall:>10} {peak:>8} MB  exit {code}", file=sys.stderr)
    finally:
        report.write_bytes(original)
        shutil.rmtree(cache, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10k,100k,1M"))
    parser.add_argument("--cap", type=float, default=float(os.environ.get("BENCH_CAP", "600")))
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    rows = []
    for size in args.sizes.split(","):
        rows.extend(rows_for(size.strip(), args.cap))
    width = max(len(r[1]) for r in rows)
    print(f"{'size':>5}  {'run':<{width}}  {'wall':>10}  {'peak MB':>8}")
    for size, name, wall, peak in rows:
        print(f"{size:>5}  {name:<{width}}  {wall:>10}  {peak:>8}")


if __name__ == "__main__":
    main()
