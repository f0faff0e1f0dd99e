"""Cold-start timings of the pactgraph command line on the shipped graph.

Each command runs N times as a fresh process (so every run pays interpreter
start-up and imports), and the table shows median, min and max wall time.

    python benchmarks/cold_start.py [--runs 7] [--query NAME] [--only query,help]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

FALLBACK_QUERY = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"


def pactgraph_command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m pactgraph`."""
    script = Path(sys.executable).with_name("pactgraph")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("pactgraph")
    if found:
        return [found]
    return [sys.executable, "-m", "pactgraph"]


def first_query_name() -> str | None:
    from pactgraph.query.named_queries import list_queries

    queries = list_queries()
    return queries[0].name if queries else None


def time_runs(argv: list[str], runs: int) -> tuple[list[float], set[int]]:
    timings, codes = [], set()
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        timings.append(time.perf_counter() - start)
        codes.add(done.returncode)
    return timings, codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (default: 7)")
    parser.add_argument("--query", help="named query to time (default: the first one found)")
    parser.add_argument(
        "--only",
        help="comma-separated subset of: query,help,info,validate (default: all)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    base = pactgraph_command()
    name = args.query or first_query_name()
    query_args = ["query", name] if name else ["query", FALLBACK_QUERY]
    query_label = f"query {name}" if name else "query <count triples>"
    commands = {
        "query": (query_label, query_args),
        "help": ("--help", ["--help"]),
        "info": ("info", ["info"]),
        "validate": ("validate", ["validate"]),
    }
    selected = list(commands) if not args.only else [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in selected if c not in commands]
    if unknown:
        parser.error(f"unknown command(s) for --only: {', '.join(unknown)}")

    print(f"pactgraph cold start, {args.runs} runs each: {' '.join(base)}")
    rows = []
    failed = False
    for key in selected:
        label, extra = commands[key]
        timings, codes = time_runs(base + extra, args.runs)
        failed = failed or 2 in codes
        rows.append(
            (
                label,
                f"{statistics.median(timings):.3f}",
                f"{min(timings):.3f}",
                f"{max(timings):.3f}",
                ",".join(str(c) for c in sorted(codes)),
            )
        )
    header = ("command", "median s", "min s", "max s", "exit")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
