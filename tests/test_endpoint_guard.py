"""The guard of `pactgraph endpoint`: what reaches the Oxigraph server, and for how long.

A real Oxigraph server runs behind the guard on loopback ports. A loopback
listener stands in for every other address: a refused request must not make
anything connect to it, an allowed SERVICE must (counted once the answer is in,
behind a marker connection of the listener's own: see conftest.Listener).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace

import pytest

from conftest import start_endpoint_process

from pactgraph.stores.disk import DiskStore
from pactgraph.serving import guard, listener
from pactgraph.serving.guard import BUFFER
from pactgraph.serving.policy import GuardPolicy
from pactgraph.serving.server import Endpoint, start_endpoint

#: Three copies of the whole graph side by side: ~1.7e10 rows, sorted before the first one is known.
SORTED_CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
#: The same rows streamed as they are found: gigabytes of answer.
STREAMED_CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    store = DiskStore(tmp_path_factory.mktemp("guarded") / "db")
    store.sync(None)
    store.close()
    return str(store.database)


@pytest.fixture(scope="module")
def guarded(database) -> Iterator[Endpoint]:
    endpoint = start_endpoint(database, policy=GuardPolicy(timeout=2.0), log=None)
    try:
        yield endpoint
    finally:
        endpoint.stop()


@pytest.fixture
def policy(guarded) -> Iterator[callable]:
    """Change the guard's policy for one test."""
    original = guarded.guard.policy

    def set_policy(**changes):
        guarded.guard.policy = replace(original, **changes)

    yield set_policy
    guarded.guard.policy = original


@pytest.fixture(scope="module")
def writable(tmp_path_factory) -> Iterator[Endpoint]:
    endpoint = start_endpoint(tmp_path_factory.mktemp("writable") / "db", writable=True, log=None)
    try:
        yield endpoint
    finally:
        endpoint.stop()


def request(
    url: str, *, query: str | None = None, data: bytes | None = None, content_type: str | None = None,
    method: str | None = None, timeout: float = 60,
) -> tuple[int, bytes]:
    """(status, body) of one request; HTTP errors are answers too."""
    if query is not None:
        url += "?" + urllib.parse.urlencode({"query": query})
    headers = {"Content-Type": content_type} if content_type else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method), timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def still_answers(endpoint: Endpoint) -> None:
    status, body = request(endpoint.query_url, query="ASK { <https://w3id.org/pactgraph/id/turkey> ?p ?o }")
    assert (status, body) == (200, b'{"head":{},"boolean":true}')


# ---------------------------------------------------------------- SERVICE and LOAD


def _service(target: str) -> str:
    return f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize(
    "how",
    ["get", "form", "sparql-body", "root-path", "store-path", "lower-case", "prefixed-name", "chunked"],
)
def test_service_is_refused_however_the_query_is_sent(guarded, listener, how):
    before = listener.settled_count()
    query = _service(f"<{listener.url}>")
    if how == "lower-case":
        query = query.replace("SERVICE", "service")
    if how == "prefixed-name":
        query = f"PREFIX remote: <http://127.0.0.1:{listener.port}/> " + _service("remote:sparql")
    form = urllib.parse.urlencode({"query": query}).encode()
    if how in ("get", "lower-case", "prefixed-name"):
        status, body = request(guarded.query_url, query=query)
    elif how == "form":
        status, body = request(guarded.query_url, data=form, content_type="application/x-www-form-urlencoded")
    elif how == "sparql-body":
        status, body = request(guarded.query_url, data=query.encode(), content_type="application/sparql-query; charset=utf-8")
    elif how == "root-path":
        status, body = request(guarded.base_url + "/", query=query)
    elif how == "store-path":
        status, body = request(guarded.graph_store_url, query=query)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", guarded.port, timeout=30)
        connection.putrequest("POST", "/query")
        connection.putheader("Content-Type", "application/sparql-query")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        payload = query.encode()
        for i in range(0, len(payload), 10):
            part = payload[i : i + 10]
            connection.send(b"%x\r\n%s\r\n" % (len(part), part))
        connection.send(b"0\r\n\r\n")
        answer = connection.getresponse()
        status, body = answer.status, answer.read()
        connection.close()
    assert status == 403, body
    assert f"SERVICE <{listener.url}> is refused".encode() in body
    assert b"--allow-service" in body
    assert listener.settled_count() == before
    still_answers(guarded)


def test_allowed_service_reaches_exactly_that_endpoint(guarded, listener, policy):
    policy(allow_service=(listener.url,))
    before = listener.settled_count()
    request(guarded.query_url, query=_service(f"<{listener.url}>"))  # the listener hangs up at once
    assert listener.settled_count() > before
    other = f"http://127.0.0.1:{listener.port}/other"
    status, body = request(guarded.query_url, query=_service(f"<{other}>"))
    assert status == 403 and f"SERVICE <{other}> is refused".encode() in body


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <{url}>",
        "load silent <{url}> INTO GRAPH <urn:x:g>",
        "INSERT DATA { <urn:x:a> <urn:x:b> 1 } ; LOAD <{url}>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    ],
)
def test_load_and_service_in_updates_are_refused(writable, listener, update):
    before = listener.settled_count()
    text = update.replace("{url}", listener.url)
    status, body = request(writable.update_url, data=text.encode(), content_type="application/sparql-update")
    assert status == 403, body
    assert b"is refused" in body
    form = urllib.parse.urlencode({"update": text}).encode()
    status, _ = request(writable.update_url, data=form, content_type="application/x-www-form-urlencoded")
    assert status == 403
    assert listener.settled_count() == before


def test_updates_that_only_mention_load_pass(writable):
    text = 'INSERT DATA { <urn:x:load> <urn:x:says> "LOAD <http://example.org/> # not an operation" }'
    status, body = request(writable.update_url, data=text.encode(), content_type="application/sparql-update")
    assert status in (200, 204), body
    status, body = request(writable.query_url, query='ASK { <urn:x:load> ?p "LOAD <http://example.org/> # not an operation" }')
    assert (status, body) == (200, b'{"head":{},"boolean":true}')


# ---------------------------------------------------------------- time and size


def test_a_query_past_its_timeout_gets_503_and_the_server_is_restarted(guarded):
    restarts = guarded.upstream.restarts
    old_process = guarded.upstream.current()[0].process
    started = time.monotonic()
    status, body = request(guarded.query_url, query=SORTED_CROSS_PRODUCT)
    took = time.monotonic() - started
    assert status == 503
    assert body == b"the query ran for more than 2 s and was stopped (--timeout 2)\n"
    assert took >= 2  # it ran for its timeout (the body says it was stopped then), not refused at once
    assert guarded.upstream.restarts == restarts + 1
    assert old_process.poll() is not None, "the evaluation must end with the old server process"
    still_answers(guarded)


def test_a_streamed_answer_past_its_timeout_is_cut(guarded, policy):
    policy(timeout=1.0, max_result_size=None)
    url = guarded.query_url + "?" + urllib.parse.urlencode({"query": STREAMED_CROSS_PRODUCT})
    started = time.monotonic()
    with pytest.raises(http.client.IncompleteRead):
        with urllib.request.urlopen(url, timeout=60) as answer:
            assert answer.status == 200
            answer.read()
    assert time.monotonic() - started < 15
    still_answers(guarded)


def test_an_answer_over_the_size_limit_is_refused_before_it_is_sent(guarded, policy):
    policy(max_result_size=64 * 1024)
    status, body = request(guarded.query_url, query="SELECT * WHERE { ?s ?p ?o }")
    assert status == 507
    assert body.startswith(b"the answer is larger than 64 KiB and was cut (--max-result-size)")
    still_answers(guarded)


def test_a_streamed_answer_over_the_size_limit_is_cut(guarded, policy):
    policy(max_result_size=2 * BUFFER, timeout=None)
    url = guarded.query_url + "?" + urllib.parse.urlencode({"query": STREAMED_CROSS_PRODUCT})
    with pytest.raises(http.client.IncompleteRead) as cut:
        with urllib.request.urlopen(url, timeout=60) as answer:
            answer.read()
    assert BUFFER < len(cut.value.partial) <= 2 * BUFFER
    still_answers(guarded)


def test_query_reports_a_cut_answer_on_one_line(guarded, policy, cli):
    policy(max_result_size=2 * BUFFER, timeout=None)
    result = cli("query", STREAMED_CROSS_PRODUCT, "--endpoint", guarded.query_url, "--timeout", "0", "--limit", "0")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"pactgraph: error: <query>: the SPARQL endpoint {guarded.query_url}: the answer ended early, after ")
    assert "--max-result-size" in result.stderr and result.stderr.count("\n") == 1


def test_an_answer_within_the_limits_is_passed_on_whole(guarded):
    status, body = request(guarded.query_url, query="SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 20000")
    assert status == 200 and len(body) > BUFFER  # streamed, and complete
    assert len(json.loads(body)["results"]["bindings"]) == 20000


def test_an_oversized_query_is_refused(guarded, monkeypatch):
    monkeypatch.setenv("PACTGRAPH_MAX_QUERY", "1K")
    query = "ASK { ?s ?p " + '"' + "x" * 2000 + '" }'
    status, body = request(guarded.query_url, data=query.encode(), content_type="application/sparql-query")
    assert status == 413
    assert body == b"the query is 2 KiB, more than the limit of 1 KiB (PACTGRAPH_MAX_QUERY)\n"


def test_an_oversized_body_is_refused_before_it_is_read(guarded, monkeypatch):
    monkeypatch.setenv("PACTGRAPH_MAX_INPUT", "1K")
    status, body = request(guarded.graph_store_url + "?default", data=b"#" * 4096, content_type="text/turtle", method="PUT")
    assert status == 413
    assert b"the request body is 4 KiB, more than the limit of 1 KiB (PACTGRAPH_MAX_INPUT)" in body


def test_deeply_nested_queries_are_refused(guarded):
    query = "ASK " + "{ " * 500 + "}" * 500
    status, body = request(guarded.query_url, query=query)
    assert status == 400 and b"nested more than 128 levels deep" in body


# ---------------------------------------------------------------- connections


def test_connections_are_capped_and_silent_ones_closed(database, monkeypatch):
    """With one connection allowed, a silent one holds it: the next request is answered only
    after the guard has given up on the silent one, which it closes after guard.SILENT seconds.

    Events are told apart by the client's port: on a busy machine another program's readiness
    probe may reach this free port too, and is not one of the two connections under test."""
    # Long enough for the second connection to arrive while the silent one holds the slot, on a
    # loaded machine too.
    monkeypatch.setattr(guard, "SILENT", 10.0)
    monkeypatch.setattr(listener, "SILENT", 10.0)
    changed = threading.Condition()
    events: list[tuple[str, int]] = []  # ("enter" | "wait" | "leave", the client's port)
    enter, leave = listener.Admission.enter, listener.Admission.leave

    def client_port(protocol) -> int:
        return protocol.transport.get_extra_info("peername")[1]

    def noting_enter(self, protocol):
        admitted = enter(self, protocol)
        with changed:
            events.append(("enter" if admitted else "wait", client_port(protocol)))
            changed.notify_all()
        return admitted

    def noting_leave(self, protocol, admitted):
        # Noted before the slot is handed on: leave() may admit the waiting connection, whose
        # answer must find "leave" already in the log.
        with changed:
            events.append(("leave", client_port(protocol)))
            changed.notify_all()
        return leave(self, protocol, admitted)

    monkeypatch.setattr(listener.Admission, "enter", noting_enter)
    monkeypatch.setattr(listener.Admission, "leave", noting_leave)
    endpoint = start_endpoint(database, policy=GuardPolicy(max_connections=1), log=None)
    try:
        silent = socket.create_connection(("127.0.0.1", endpoint.port))
        silent_port = silent.getsockname()[1]
        with changed:
            assert changed.wait_for(lambda: ("enter", silent_port) in events, timeout=60), f"the guard never took the connection: {events}"
        asker = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=60)
        asker.connect()
        asker_port = asker.sock.getsockname()[1]
        asker.request("GET", "/query?" + urllib.parse.urlencode({"query": "ASK {}"}))
        silent.settimeout(60)
        assert silent.recv(1024) == b"", "a silent connection is closed after guard.SILENT seconds"
        silent.close()
        answer = asker.getresponse()
        with changed:
            then = [event for event in events if event[1] in (silent_port, asker_port)]
        assert answer.status == 200
        assert then[:3] == [("enter", silent_port), ("wait", asker_port), ("leave", silent_port)], (
            "the second connection was served while the first held the only slot"
        )
        asker.close()
    finally:
        endpoint.stop()


def test_the_server_behind_the_guard_listens_on_loopback_only(guarded):
    server, _ = guarded.upstream.current()
    assert server.host == "127.0.0.1" and server.port != guarded.port


# ---------------------------------------------------------------- the command


def test_endpoint_command_enforces_its_timeout(cli):
    process, url = start_endpoint_process("--timeout", "1")
    try:
        assert url.endswith("/query"), process.stderr.read()
        result = cli("query", SORTED_CROSS_PRODUCT, "--endpoint", url, "--timeout", "0")
        assert result.exit_code == 2
        assert "HTTP 503" in result.output and "was stopped (--timeout 1)" in result.output
        assert result.output.count("\n") == 1
        again = cli("query", "parties-and-date", "--endpoint", url, "-f", "csv")
        assert again.exit_code == 0 and again.output.count("\nStrategic Mutual Defense Agreement,") == 2
        refused = cli("query", _service("<http://127.0.0.1:9/sparql>"), "--endpoint", url, "--allow-service", "http://127.0.0.1:9/sparql")
        assert refused.exit_code == 2 and "HTTP 403" in refused.output
    finally:
        process.terminate()
        assert process.wait(20) == 0
    log = process.stderr.read()
    assert "503 the query ran for more than 1 s and was stopped" in log
    assert "403 query: SERVICE <http://127.0.0.1:9/sparql> is refused" in log


@pytest.mark.parametrize(
    "args, message",
    [
        (["--allow-service", "ftp://example.org/"], "--allow-service 'ftp://example.org/': expected the endpoint's http(s) URL"),
        (["--max-result-size", "lots"], "--max-result-size: expected a size such as 512M or 1G, not 'lots'"),
        (["--timeout", "soon"], "--timeout"),
    ],
)
def test_endpoint_command_rejects_bad_limits(cli, args, message):
    result = cli("endpoint", "--port", "0", *args)
    assert result.exit_code == 2
    assert message in result.output
