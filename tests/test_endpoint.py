"""Against a real SPARQL server: the Oxigraph server from PyPI behind pactgraph's guard,
as `pactgraph endpoint` runs it, on a free loopback port.

Every server binds 127.0.0.1, has bounded time and is stopped by its fixture.
"""

from __future__ import annotations

import base64
import http.server
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import start_endpoint_process, stop_process

from pactgraph import resources
from pactgraph.query.named_queries import list_queries
from pactgraph.query.querying import format_result
from pactgraph.stores.base import GRAPH_BASE, StoreError
from pactgraph.stores.disk import DiskStore
from pactgraph.stores.endpoint import EndpointStore
from pactgraph.stores.memory import MemoryStore
from pactgraph.serving.server import Endpoint, find_oxigraph, start_endpoint


@pytest.fixture(scope="module")
def oxigraph() -> str:
    """The `oxigraph` command; the test set-up installs it (the `oxigraph` package)."""
    return find_oxigraph()


@pytest.fixture(scope="module")
def served(tmp_path_factory, oxigraph) -> Iterator[Endpoint]:
    """A read-only endpoint over an on-disk store of the shipped graph."""
    store = DiskStore(tmp_path_factory.mktemp("served") / "db")
    store.sync(None)
    store.close()
    server = start_endpoint(store.database, host="127.0.0.1", port=0)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def writable(tmp_path, oxigraph) -> Iterator[Endpoint]:
    """A read-write endpoint over an empty store."""
    server = start_endpoint(tmp_path / "empty-db", host="127.0.0.1", port=0, writable=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def stores(served, tmp_path_factory):
    disk = DiskStore(tmp_path_factory.mktemp("disk") / "db")
    disk.sync(None)
    return {"embedded": MemoryStore.shipped(), "disk": disk, "http": EndpointStore(served.query_url, timeout=30)}


def shipped_triples() -> int:
    return len(MemoryStore.shipped().store)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers as the test tells it: status, content type, body, or a delay."""

    status = 500
    content_type = "text/plain"
    body = b"internal failure"
    delay = 0.0
    seen: list[dict[str, str]] = []
    answered: list[str] = []

    challenge = ""
    password = "s3cret"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        type(self).seen.append(dict(self.headers))
        given = self.headers.get("Authorization", "")
        if self.challenge and not given.startswith("Bearer ") and not given.endswith(
            base64.b64encode(f"reader:{self.password}".encode()).decode()
        ):
            self.send_response(401)
            self.send_header("WWW-Authenticate", self.challenge)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.delay:
            time.sleep(self.delay)
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)
        type(self).answered.append(self.path)

    do_POST = do_GET = do_PUT = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_server() -> Iterator:
    """start(status=, content_type=, body=, delay=) -> URL of a tiny local HTTP server."""
    servers = []

    def start(**attributes) -> str:
        handler = type("Handler", (_Handler,), {**attributes, "seen": [], "answered": []})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, handler))
        return f"http://127.0.0.1:{server.server_address[1]}/query"

    start.handlers = lambda: [h for _, h in servers]
    yield start
    for server, _ in servers:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- the same answers everywhere


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_competency_questions_same_answers_embedded_on_disk_and_over_http(stores, name):
    query = next(q for q in list_queries() if q.name == name)
    rendered = {}
    for where, store in stores.items():
        result = store.query(query.text, source=name)
        rendered[where] = format_result(result, "table" if result.kind != "graph" else "ntriples")
    # agreeing-claims needs two reports that repeat each other: none on the shipped graph alone.
    assert rendered["embedded"].count(b"\n") > 2 or name == "agreeing-claims", f"{name}: no rows"
    assert rendered["disk"] == rendered["embedded"]
    assert rendered["http"] == rendered["embedded"]


def test_parameter_over_http(stores):
    query = next(q for q in list_queries() if q.name == "entity-statements").text
    local = stores["embedded"].query(query, {"entity": "pgr:pakistan"})
    remote = stores["http"].query(query, {"entity": "pgr:pakistan"})
    assert remote.rows == local.rows
    assert {row[0].value for row in remote.rows} == {"https://w3id.org/pactgraph/id/pakistan"}


def test_ask_construct_and_graphs_over_http(served, cli):
    url = served.query_url
    assert cli("query", "ASK { pgr:turkey a pg:SovereignState }", "--endpoint", url).exit_code == 0
    assert cli("query", "ASK { pgr:turkey a pg:Alliance }", "--endpoint", url).exit_code == 1
    construct = cli("query", "CONSTRUCT WHERE { pgr:turkey rdfs:label ?l }", "--endpoint", url, "-f", "ntriples")
    assert construct.exit_code == 0
    assert '<https://w3id.org/pactgraph/id/turkey> <http://www.w3.org/2000/01/rdf-schema#label> "Turkey"@en .' in (
        construct.output
    )
    assert EndpointStore(url).graphs()[0] == GRAPH_BASE + "entities"
    info = cli("info", "--endpoint", url)
    assert info.exit_code == 0 and f"Triples: {shipped_triples()}" in info.output


def test_chosen_graphs_are_sent_as_default_graph_uri(served):
    store = EndpointStore(served.query_url)
    ask = "ASK { ?claim pg:claimant pgr:reference-news . pgr:reference-news a pg:NewsOutlet }"
    assert store.query(ask).boolean is True
    report = [GRAPH_BASE + "reports/reference-news-2026-01-12/report"]
    assert store.query(ask, default_graph=report).boolean is False
    listing = EndpointStore(served.query_url, union_default_graph=False)
    assert listing.query(ask).boolean is True


# ---------------------------------------------------------------- load, then query


def test_load_then_query_round_trip_with_sparql_update(writable, cli, tmp_path, graph_text):
    result = cli("load", "--endpoint", writable.query_url)
    assert result.exit_code == 0, result.output
    files = len(resources.graph_files())
    assert f"Loaded {files} files ({shipped_triples()} triples)" in result.output and "update" in result.output
    rows = cli("query", "contributions", "--endpoint", writable.query_url, "-f", "csv")
    assert rows.exit_code == 0 and "Nihat Ali Özcan" in rows.output
    assert rows.output == cli("query", "contributions", "-f", "csv").output  # as the in-memory store answers
    # A file's graph is replaced whole on the next load.
    extra = tmp_path / "extra.ttl"
    extra.write_text(graph_text, encoding="utf-8")
    assert cli("load", str(extra), "--endpoint", writable.query_url).exit_code == 0
    extra.write_text(graph_text.replace('"A report on the alliance"@en', '"A new name"@en'), encoding="utf-8")
    assert cli("load", str(extra), "--endpoint", writable.query_url).exit_code == 0
    names = cli("query", "SELECT ?n WHERE { pgr:report-1 schema:name ?n }", "--endpoint", writable.query_url, "-f", "csv")
    assert names.output.splitlines()[1:] == ["A new name"]
    graphs = EndpointStore(writable.query_url).graphs()
    assert extra.resolve().as_uri() in graphs and GRAPH_BASE + "entities" in graphs


def test_load_with_the_graph_store_protocol(writable, cli):
    result = cli("load", "--endpoint", writable.query_url, "--graph-store", writable.graph_store_url)
    assert result.exit_code == 0, result.output
    assert "graph-store" in result.output
    assert cli("query", "ASK { pgr:turkey a pg:SovereignState }", "--endpoint", writable.query_url).exit_code == 0
    again = cli("load", "--endpoint", writable.query_url, "--graph-store", writable.graph_store_url)
    assert again.exit_code == 0
    count = cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--endpoint", writable.query_url, "-f", "csv")
    assert count.output.splitlines()[1] == str(shipped_triples())


# ---------------------------------------------------------------- failures: exit 2, one line


def _one_line_error(result, *fragments, warnings=0):
    """Exit 2 and one error line (after exactly `warnings` warning lines)."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    warned = [line for line in lines if line.startswith("pactgraph: warning: ")]
    assert len(warned) == warnings, result.output
    lines = [line for line in lines if line not in warned]
    assert len(lines) == 1 and lines[0].startswith("pactgraph: error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_server_that_is_down(cli, served):
    from pactgraph.serving.server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    _one_line_error(cli("query", "parties-and-date", "--endpoint", url), "cannot reach", "refused")
    _one_line_error(cli("load", "--endpoint", url), "cannot reach")


def test_server_answering_errors(cli, served, fake_server):
    _one_line_error(
        cli("query", "SELECT * WHERE { ?s ?p }", "--endpoint", served.query_url), "<query>:1:", "syntax error"
    )
    _one_line_error(cli("load", "--endpoint", served.query_url), "HTTP 403", "read-only")
    url = fake_server(status=500, body=b"the database is on fire")
    _one_line_error(cli("query", "ASK {}", "--endpoint", url), "HTTP 500", "the database is on fire")
    url = fake_server(status=200, content_type="text/html", body=b"<html>login</html>")
    _one_line_error(cli("query", "ASK {}", "--endpoint", url), "unexpected content type text/html")
    url = fake_server(status=200, content_type="application/sparql-results+json", body=b"{not json")
    _one_line_error(cli("query", "ASK {}", "--endpoint", url), "unreadable answer")


def test_server_that_does_not_answer_in_time(cli, fake_server, tmp_path):
    """The command gives up after its timeout, while the server (a minute late) has not answered yet."""
    url = fake_server(status=200, delay=60.0)
    config = tmp_path / "pg.toml"
    config.write_text(f'[endpoint]\nurl = "{url}"\ntimeout = 0.5\n', encoding="utf-8")
    _one_line_error(cli("query", "ASK {}", "--config", str(config)), "answer within 0.5 s")
    (handler,) = fake_server.handlers()
    assert handler.seen and handler.answered == []


def test_credentials_come_from_the_environment_only(cli, fake_server, monkeypatch):
    url = fake_server(
        status=200, content_type="application/sparql-results+json", body=b'{"head":{},"boolean":true}',
        challenge='Basic realm="sparql"',
    )
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_USER", "reader")
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_PASSWORD", "s3cret")
    assert cli("query", "ASK {}", "--endpoint", url).exit_code == 0
    seen = fake_server.handlers()[0].seen
    # The password is sent only after the server asked for Basic.
    assert "Authorization" not in seen[0]
    assert seen[-1]["Authorization"] == "Basic " + base64.b64encode(b"reader:s3cret").decode()
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_TOKEN", "t0ken")
    assert cli("query", "ASK {}", "--endpoint", url).exit_code == 0
    assert fake_server.handlers()[0].seen[-1]["Authorization"] == "Bearer t0ken"
    _one_line_error(
        cli("query", "ASK {}", "--endpoint", "http://user:pw@127.0.0.1:9/query"), "must not hold credentials"
    )


def test_wrong_credentials_are_one_line(cli, fake_server, monkeypatch):
    url = fake_server(status=200, challenge='Basic realm="sparql"', password="right")
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_USER", "reader")
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_PASSWORD", "wrong")
    _one_line_error(cli("query", "ASK {}", "--endpoint", url), "HTTP 401", "check the credentials")


def test_unauthorised_answer_names_the_variables(cli, fake_server):
    url = fake_server(status=401, body=b"")
    _one_line_error(cli("query", "ASK {}", "--endpoint", url), "HTTP 401", "PACTGRAPH_ENDPOINT_USER")


def test_update_is_refused_before_anything_is_sent(cli, fake_server):
    url = fake_server(status=200)
    _one_line_error(cli("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--endpoint", url), "refused")
    assert fake_server.handlers()[0].seen == []


def test_bad_endpoint_url(cli):
    _one_line_error(cli("query", "ASK {}", "--endpoint", "ftp://127.0.0.1/q"), "http:// or https://")
    with pytest.raises(StoreError):
        EndpointStore("http://127.0.0.1:9/q", timeout=0)


# ---------------------------------------------------------------- pactgraph endpoint


def test_endpoint_command_serves_the_shipped_graph_read_only(cli, oxigraph):
    process, url = start_endpoint_process()
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/query"), process.stderr.read()
        rows = cli("query", "parties-and-date", "--endpoint", url, "-f", "csv")
        assert rows.exit_code == 0 and rows.output.count("\nStrategic Mutual Defense Agreement,") == 2
        refused = cli("load", "--endpoint", url)
        assert refused.exit_code == 2 and "HTTP 403" in refused.output
    finally:
        code = stop_process(process)
    assert code == 0
    assert "read-only" in process.stderr.read()


def test_endpoint_command_over_a_store_and_writable(tmp_path, cli, oxigraph):
    location = tmp_path / "db"
    assert cli("load", "--store", str(location)).exit_code == 0
    process, url = start_endpoint_process("--store", str(location), "--writable")
    try:
        assert url.endswith("/query"), process.stderr.read()
        assert cli("query", "ASK { pgr:turkey a pg:SovereignState }", "--endpoint", url).exit_code == 0
        loaded = cli("load", "--endpoint", url)
        assert loaded.exit_code == 0, loaded.output
    finally:
        assert stop_process(process) == 0


def test_endpoint_command_errors(tmp_path, cli, served):
    not_a_store = cli("endpoint", "--store", str(tmp_path / "none"))
    assert not_a_store.exit_code == 2 and "not a pactgraph store" in not_a_store.output
    bad_port = cli("endpoint", "--port", "http")
    assert bad_port.exit_code == 2 and "--port must be a port number" in bad_port.output
    busy = cli("endpoint", "--port", str(served.port))
    assert busy.exit_code == 2 and f"cannot listen on 127.0.0.1:{served.port}" in busy.output
    assert busy.output.count("\n") == 1


def test_oxigraph_and_pyoxigraph_share_a_storage_format():
    from importlib.metadata import version

    assert version("oxigraph").split(".")[:2] == version("pyoxigraph").split(".")[:2]


def test_no_server_is_left_running(served):
    process = served.upstream.current()[0].process
    assert process.poll() is None
    assert os.path.exists(f"/proc/{process.pid}") or sys.platform != "linux"
    assert Path(find_oxigraph()).name == "oxigraph"


def test_as_of_on_a_server_that_lists_no_graphs_is_an_error(cli, fake_server):
    """An empty graph list must never be taken as "no restriction" (all graphs)."""
    url = fake_server(
        status=200, content_type="application/sparql-results+json",
        body=b'{"head":{"vars":["g","date"]},"results":{"bindings":[]}}',
    )
    # --as-of on an endpoint warns first that it selects whole report folders.
    result = cli("query", "reports", "--as-of", "2026-01-11", "--endpoint", url)
    _one_line_error(result, "no graph is left to query", warnings=1)
    sent = fake_server.handlers()[0].seen
    assert len(sent) == 2  # the graph list and the report dates; the query itself is not sent
