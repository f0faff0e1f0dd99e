"""`pactgraph endpoint` under load, next to the bare Oxigraph server on the same store.

    python benchmarks/endpoint_load.py [--clients 8 32] [--seconds 10] [--timeout 2] [--store DIR]

N clients (threads, one kept-alive connection each) send small queries in a loop
for --seconds, first alone, then beside one more client that keeps sending a
query that runs past --timeout (three copies of the graph side by side, sorted).
The guarded endpoint runs as `pactgraph endpoint --timeout SECONDS` in its own
process; the bare server is `oxigraph serve-read-only` (which cannot stop that
query: its client gives up after --timeout and the server keeps computing).
Printed: queries/s, p50 and p99 in ms, and failed queries among the small ones.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

SMALL = [
    "ASK { <https://w3id.org/pactgraph/id/turkey> a <https://w3id.org/pactgraph/ontology#SovereignState> }",
    "SELECT ?l WHERE { <https://w3id.org/pactgraph/id/turkey> <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    "SELECT ?s WHERE { ?s a <https://w3id.org/pactgraph/ontology#SovereignState> } LIMIT 10",
]
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"


def client(url: str, stop: float, queries: list[str], timeout: float, out: list, failures: list) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    i = 0
    while time.monotonic() < stop:
        body = urlencode({"query": queries[i % len(queries)]})
        i += 1
        start = time.perf_counter()
        try:
            connection.request("POST", parts.path, body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
            answer = connection.getresponse()
            answer.read()
            if answer.status != 200:
                failures.append(answer.status)
            else:
                out.append(time.perf_counter() - start)
            if answer.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as err:
            failures.append(type(err).__name__)
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    connection.close()


def runaway(url: str, stop: float, timeout: float, sent: list) -> None:
    parts = urlsplit(url)
    while time.monotonic() < stop:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout + 1)
        try:
            connection.request("POST", parts.path, body=urlencode({"query": RUNAWAY}),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass
        sent.append(1)
        connection.close()


def run(url: str, clients: int, seconds: float, timeout: float, with_runaway: bool) -> dict:
    latencies: list[float] = []
    failures: list = []
    sent: list = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(url, stop, SMALL, 30.0, latencies, failures)) for _ in range(clients)
    ]
    if with_runaway:
        threads.append(threading.Thread(target=runaway, args=(url, stop, timeout, sent)))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [float("nan")]
    return {
        "qps": len(latencies) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
        "failed": len(failures),
        "kinds": dict(__import__("collections").Counter(failures)),
        "ok": len(latencies),
        "runaways": len(sent),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--runaway", type=lambda v: v == "yes", nargs="+", default=[False, True],
                        help="rows without (no) and with (yes) a runaway client")
    parser.add_argument("--store", help="an on-disk pactgraph store (default: the shipped graph)")
    parser.add_argument("--log", help="write what pactgraph endpoint logs (refusals, timeouts) to this file")
    args = parser.parse_args()

    from pactgraph.stores.disk import DiskStore
    from pactgraph.serving.server import start_server

    location = args.store or str(Path(tempfile.mkdtemp(prefix="pactgraph-bench-")) / "db")
    if not args.store:
        store = DiskStore(location)
        store.sync(None)
        store.close()
    database = DiskStore(location).database
    guarded = subprocess.Popen(
        [sys.executable, "-m", "pactgraph", "endpoint", "--store", location, "--port", "0",
         "--timeout", f"{args.timeout:g}", "--max-connections", "256"],
        stdout=subprocess.PIPE, stderr=open(args.log, "w") if args.log else subprocess.DEVNULL, text=True,
    )
    guarded_url = guarded.stdout.readline().strip() if guarded.stdout else ""
    print(f"store: {location}; --timeout {args.timeout:g} s; {args.seconds:g} s per row", flush=True)
    header = (
        f"{'server':<20} {'clients':>7} {'runaway':>7} {'queries/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'failed':>7} {'ok':>7}"
    )
    print(header)
    print("-" * len(header))
    try:
        for clients in args.clients:
            for with_runaway in args.runaway:
                bare = start_server(database)  # a fresh one per row: a runaway keeps computing in it
                try:
                    rows = [("oxigraph (bare)", bare.query_url), ("pactgraph endpoint", guarded_url)]
                    for label, url in rows:
                        found = run(url, clients, args.seconds, args.timeout, with_runaway)
                        print(f"{label:<20} {clients:>7} {'yes' if with_runaway else 'no':>7} {found['qps']:>10.0f} "
                              f"{found['p50']:>8.1f} {found['p99']:>8.1f} {found['failed']:>7} {found['ok']:>7}"
                              + (f"  {found['kinds']}" if found["kinds"] else ""),
                              flush=True)
                finally:
                    bare.stop()
    finally:
        guarded.terminate()
        guarded.wait(20)


if __name__ == "__main__":
    main()
