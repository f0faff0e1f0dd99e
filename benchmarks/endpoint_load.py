"""`pactgraph endpoint` under load, next to the bare Oxigraph server on the same store, in one run.

    python benchmarks/endpoint_load.py [--clients 8 32] [--seconds 10] [--timeout 2] [--workers N] [--store DIR]
                                       [--mix small named]

Both targets serve the same on-disk store (default: the shipped graph, loaded into
a temporary store): the bare server is `oxigraph serve-read-only` on it, the
guarded one `pactgraph endpoint --store DIR --timeout SECONDS` in its own process.
For each number of clients, each target is driven for --seconds by N clients
(asyncio coroutines on one aiohttp connection pool, one kept-alive connection
each) sending queries in a loop: the `small` mix, three trivial lookups, and the
`named` mix, the named questions of `queries/` (parameters at their defaults)
that answer within a tenth of --timeout alone, each client starting at another one. Each mix is driven first alone, then beside one more client
that keeps sending a query that runs past --timeout (three copies of the graph
side by side, sorted). The guard stops it after --timeout and replaces the
server process that ran it; the bare server cannot stop it (its client gives up
after --timeout and the server keeps computing), so each row gets a fresh bare
server.

Printed per row: queries/s, p50 and p99 latency in ms, failed queries (any
answer but 200, or no answer), the CPU time the target's processes (the endpoint:
its guard processes and their Oxigraph servers) and the load generator spent per
answered query, and for the endpoint its q/s and p99 against the bare server's
in the same row pair. CPU time is read from /proc (Linux); with a runaway, it
includes the runaway's evaluation (the bare server's until the row ends). The load generator shares the machine's cores
with both servers: on a small or busy machine the numbers move from run to run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

SMALL = [
    "ASK { <https://w3id.org/pactgraph/id/turkey> a <https://w3id.org/pactgraph/ontology#SovereignState> }",
    "SELECT ?l WHERE { <https://w3id.org/pactgraph/id/turkey> <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    "SELECT ?s WHERE { ?s a <https://w3id.org/pactgraph/ontology#SovereignState> } LIMIT 10",
]
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}


async def _client(
    session, url: str, stop: float, latencies: list[float], failures: Counter, queries: list[str], first: int
) -> None:
    from urllib.parse import urlencode

    import aiohttp

    bodies = [urlencode({"query": q}).encode() for q in queries]
    i = first
    while time.monotonic() < stop:
        body = bodies[i % len(bodies)]
        i += 1
        start = time.perf_counter()
        try:
            async with session.post(url, data=body, headers=FORM) as answer:
                await answer.read()
                if answer.status == 200:
                    latencies.append(time.perf_counter() - start)
                else:
                    failures[answer.status] += 1
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as err:
            failures[type(err).__name__] += 1


async def _runaway(session, url: str, stop: float, timeout: float, sent: list[int]) -> None:
    from urllib.parse import urlencode

    import aiohttp

    body = urlencode({"query": RUNAWAY}).encode()
    while time.monotonic() < stop:
        try:
            async with session.post(url, data=body, headers=FORM, timeout=aiohttp.ClientTimeout(total=timeout + 1)) as answer:
                await answer.read()
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
            pass
        sent.append(1)


async def _drive(url: str, clients: int, seconds: float, timeout: float, with_runaway: bool, queries: list[str]) -> dict:
    import aiohttp

    latencies: list[float] = []
    failures: Counter = Counter()
    sent: list[int] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        stop = time.monotonic() + seconds
        tasks = [_client(session, url, stop, latencies, failures, queries, i) for i in range(clients)]
        if with_runaway:
            tasks.append(_runaway(session, url, stop, timeout, sent))
        started = time.perf_counter()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [float("nan")]
    return {
        "qps": len(latencies) / elapsed,
        "p50": ordered[len(ordered) // 2] * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "failures": sum(failures.values()),
        "kinds": dict(failures),
        "runaways": len(sent),
    }


def drive(url: str, clients: int, seconds: float, timeout: float, with_runaway: bool, queries: list[str]) -> dict:
    try:
        import uvloop

        return uvloop.run(_drive(url, clients, seconds, timeout, with_runaway, queries))
    except ImportError:
        return asyncio.run(_drive(url, clients, seconds, timeout, with_runaway, queries))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of `pid` and every process below it, as /proc has it now (0 elsewhere)."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        # Its own time and that of its children it has waited for (servers replaced during the row).
        times[int(entry.name)] = sum(map(int, fields[11:15])) / os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += children.get(current, [])
    return total


def named_mix(url: str, longest: float) -> list[str]:
    """The named questions of queries/ (parameters at their defaults) that answer within `longest` seconds alone.

    Each is asked once of the server at `url`; the others are named and left out, since under
    load they would run past the endpoint's --timeout and be stopped there but not on the bare server.
    """
    import urllib.request
    from urllib.parse import urlencode

    from pactgraph.query.named_queries import list_queries
    from pactgraph.query.querying import bind_params
    from pactgraph.stores.endpoint import with_values

    texts, slow = [], []
    for named in list_queries():
        bound = bind_params(named.text)
        text = with_values(named.text, bound) if bound else named.text
        start = time.perf_counter()
        request = urllib.request.Request(url, data=urlencode({"query": text}).encode(), headers=FORM)
        with urllib.request.urlopen(request, timeout=600) as answer:
            answer.read()
        seconds = time.perf_counter() - start
        if seconds <= longest:
            texts.append(text)
        else:
            slow.append(f"{named.label} ({seconds * 1000:.0f} ms)")
    print(f"named mix: {len(texts)} named questions; left out, slower than {longest * 1000:.0f} ms alone: "
          + (", ".join(slow) or "none"), flush=True)
    return texts


def measured(pid: int, *args: Any) -> dict:
    """drive(*args), with the CPU time per answered query of `pid`'s processes and of the load generator."""
    before, mine = cpu_seconds(pid), time.process_time()
    row = drive(*args)
    answered = max(1, round(row["qps"] * args[2]))
    row["cpu"] = (cpu_seconds(pid) - before) / answered * 1000
    row["client_cpu"] = (time.process_time() - mine) / answered * 1000
    return row


def _store(location: str | None) -> str:
    """An on-disk pactgraph store: the one given, else the shipped graph loaded into a temporary one."""
    from pactgraph.stores.disk import DiskStore

    if location:
        return location
    path = str(Path(tempfile.mkdtemp(prefix="pactgraph-endpoint-load-")) / "db")
    store = DiskStore(path)
    store.sync(None)
    store.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=10.0, help="per row and target")
    parser.add_argument("--timeout", type=float, default=2.0, help="the endpoint's --timeout (the runaway runs past it)")
    parser.add_argument("--runaway", choices=["no", "yes"], nargs="+", default=["no", "yes"],
                        help="rows without (no) and with (yes) a runaway client")
    parser.add_argument("--mix", choices=["small", "named"], nargs="+", default=["small", "named"],
                        help="trivial lookups (small) and the named questions of queries/ (named)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="the endpoint's --workers")
    parser.add_argument("--store", help="an on-disk pactgraph store (default: the shipped graph in a temporary one)")
    parser.add_argument("--log", help="write what pactgraph endpoint logs (refusals, timeouts) to this file")
    args = parser.parse_args()

    from pactgraph.serving.server import start_server
    from pactgraph.stores.disk import DiskStore

    location = _store(args.store)
    database = DiskStore(location).database
    log = open(args.log, "w") if args.log else subprocess.DEVNULL
    guarded = subprocess.Popen(
        [sys.executable, "-m", "pactgraph", "endpoint", "--store", location, "--port", "0",
         "--timeout", f"{args.timeout:g}"] + (["--workers", str(args.workers)] if args.workers != 1 else []),
        stdout=subprocess.PIPE, stderr=log, text=True,
    )
    guarded_url = guarded.stdout.readline().strip() if guarded.stdout else ""
    if not guarded_url:
        sys.exit("pactgraph endpoint did not start")
    time.sleep(3)  # the other guard workers start after the first one prints its URL
    print(f"store: {location}; endpoint --timeout {args.timeout:g} --workers {args.workers}; {args.seconds:g} s per row; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    header = (f"{'target':<20} {'mix':>5} {'clients':>7} {'runaway':>7} {'q/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'failures':>8} {'CPU ms/q':>8} {'load gen':>8} {'q/s vs bare':>11} {'p99 vs bare':>11}")
    print(header)
    print("-" * len(header), flush=True)
    mixes: dict[str, list[str]] = {}
    try:
        for mix in args.mix:
            if mix == "named" and mix not in mixes:
                with start_server(database) as alone:
                    mixes[mix] = named_mix(alone.query_url, args.timeout / 10)
            queries = mixes.get(mix, SMALL)
            for clients in args.clients:
                for runaway in args.runaway:
                    with_runaway = runaway == "yes"
                    bare = start_server(database)  # a fresh one per row: a runaway keeps computing in it
                    try:
                        found = {}
                        targets = (("oxigraph (bare)", (bare.query_url, bare.process.pid)), ("pactgraph endpoint", (guarded_url, guarded.pid)))
                        for label, (url, pid) in targets:
                            found[label] = row = measured(pid, url, clients, args.seconds, args.timeout, with_runaway,
                                                          queries)
                            versus = ""
                            if label != "oxigraph (bare)":
                                base = found["oxigraph (bare)"]
                                versus = f" {row['qps'] / base['qps']:>10.2f}x {row['p99'] / base['p99']:>10.2f}x"
                            print(f"{label:<20} {mix:>5} {clients:>7} {runaway:>7} {row['qps']:>8.0f} {row['p50']:>8.1f} "
                                  f"{row['p99']:>8.1f} {row['failures']:>8} {row['cpu']:>8.2f} {row['client_cpu']:>8.2f}"
                                  f"{versus}" + (f"  {row['kinds']}" if row["kinds"] else ""), flush=True)
                    finally:
                        bare.stop()
    finally:
        guarded.terminate()
        guarded.wait(30)
        if not args.store:  # the temporary store made for this run
            import shutil

            shutil.rmtree(Path(location).parent, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)


if __name__ == "__main__":
    main()
