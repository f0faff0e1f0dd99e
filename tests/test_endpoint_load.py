"""All-or-nothing loads into a SPARQL server, and a client that gives up on time and size.

A proxy in front of a writable `pactgraph endpoint` fails the Nth request of a
load; whatever N, the server ends as it was before (or fully loaded), the error
is one line, and loading again after the fault converges.
"""

from __future__ import annotations

import http.client
import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from pactgraph.stores.base import graph_name
from pactgraph.stores.endpoint import STAGING_PREFIX, EndpointStore
from pactgraph.serving.server import Endpoint, start_endpoint


@pytest.fixture
def writable(tmp_path) -> Iterator[Endpoint]:
    server = start_endpoint(tmp_path / "db", writable=True, log=None)
    try:
        yield server
    finally:
        server.stop()


class FailingProxy:
    """Forwards every request to `port`, except those whose number is in `fail` (answered 500)."""

    def __init__(self, port: int):
        self.fail: set[int] = set()
        self.count = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.count += 1
                if proxy.count in proxy.fail:
                    message = b"injected failure"
                    self.send_response(500)
                    self.send_header("Content-Length", str(len(message)))
                    self.end_headers()
                    self.wfile.write(message)
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_PUT = do_GET = do_POST

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/query"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(writable) -> Iterator[FailingProxy]:
    found = FailingProxy(writable.port)
    yield found
    found.close()


def _state(url: str) -> dict[str, list[str]]:
    """Every graph (staging graphs included) and its triples, blank nodes labelled canonically."""
    from pactgraph.rdf.canonical import canonical_triples

    store = EndpointStore(url)
    listed = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    state = {}
    for (graph,) in listed.rows:
        triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}").triples
        state[graph.value] = [" ".join(t.n3() for t in triple) for triple in canonical_triples(triples)]
    return state


def _files(tmp_path, graph_text, version: str):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text(graph_text.replace('"A report on the alliance"@en', f'"{version}"@en'), encoding="utf-8")
    b.write_text(graph_text.replace("pgr:report-1", "pgr:report-2").replace("nested", version), encoding="utf-8")
    return a, b


@pytest.mark.parametrize("method", ["update", "graph-store"])
def test_a_load_that_fails_midway_changes_nothing(writable, proxy, cli, tmp_path, graph_text, method):
    extra = ["--graph-store", proxy.url.replace("/query", "/store")] if method == "graph-store" else []
    files = [str(p) for p in _files(tmp_path, graph_text, "first")]
    assert cli("load", *files, "--endpoint", writable.query_url, *extra[:1],
               *([writable.graph_store_url] if extra else [])).exit_code == 0
    before = _state(writable.query_url)
    assert set(before) == {graph_name(f) for f in files}
    _files(tmp_path, graph_text, "second")
    # list, stage a, stage b, back up, switch, drop the backups: fail each of the first five.
    for n in range(1, 6):
        proxy.count, proxy.fail = 0, {n}
        result = cli("load", *files, "--endpoint", proxy.url, *extra)
        assert result.exit_code == 2, (n, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and "injected failure" in lines[0], (n, result.output)
        assert "nothing on" in lines[0] and "was changed" in lines[0], lines[0]
        assert _state(writable.query_url) == before, n
    # Both the switch and the restore fail: the message says the server may be half-loaded ...
    proxy.count, proxy.fail = 0, {5, 6}
    broken = cli("load", *files, "--endpoint", proxy.url, *extra)
    assert broken.exit_code == 2 and "may hold part of the load" in broken.output, broken.output
    # ... and loading again after the fault converges, leaving no staging graph behind.
    proxy.fail = set()
    fixed = cli("load", *files, "--endpoint", proxy.url, *extra)
    assert fixed.exit_code == 0, fixed.output
    after = _state(writable.query_url)
    assert set(after) == {graph_name(f) for f in files}
    assert not any(g.startswith(STAGING_PREFIX) for g in after)
    assert after != before and any('"second"@en' in t for t in after[graph_name(files[0])])


# ---------------------------------------------------------------- the client gives up


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Answers 200 at once, then one byte of body every 0.2 s, for a long time."""

    protocol_version = "HTTP/1.1"
    size = 0
    #: Set when a slow answer has been trickled to its end (the client waited for all of it).
    trickled_to_the_end: threading.Event

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        if self.size:
            self.send_header("Content-Length", str(self.size))
            self.end_headers()
            try:
                for _ in range(self.size // 65536):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
            return
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(300):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)  # the slow server itself, not a wait of the test
        except OSError:
            return
        self.trickled_to_the_end.set()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def trickle() -> Iterator:
    servers = []

    def start(**attributes) -> str:
        attributes.setdefault("trickled_to_the_end", threading.Event())
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Trickle,), attributes))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/query"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_trickling_server_times_out(trickle):
    """The deadline covers the whole answer: the client gives up while the server is still
    trickling (it would take a minute to finish), not when the server is done."""
    finished = threading.Event()
    store = EndpointStore(trickle(trickled_to_the_end=finished), timeout=1.0)
    with pytest.raises(Exception, match=r"no complete answer within 1 s"):
        store.query("ASK {}")
    assert not finished.is_set()


def test_an_answer_past_the_size_cap_is_not_read(trickle, monkeypatch):
    monkeypatch.setenv("PACTGRAPH_MAX_INPUT", "1M")
    store = EndpointStore(trickle(size=64 * 1024 * 1024), timeout=30)
    with pytest.raises(Exception, match=r"larger than 1\.0 MiB|larger than 1 MiB"):
        store.query("ASK {}")
