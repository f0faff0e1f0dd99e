"""The guard in front of the Oxigraph server: what `pactgraph endpoint` puts on the network.

The Oxigraph server (0.5) evaluates whatever it is sent. SERVICE in a query and
LOAD in an update make it connect to any address the request names, and its
--timeout-s stops neither a query that sorts or groups before its first answer
nor one that streams gigabytes. So the server listens on a private loopback
port and the guard listens on the public address. For every request it:

- refuses, before anything reaches the server, a query or update text the
  policy of pactgraph.serving.policy does not let through (too large, too
  deep or long for the engine, SERVICE, LOAD) — wherever the text travels;
- gives a query `timeout` seconds: an answer that has not finished by then is
  stopped (503 when nothing was sent yet, a cut connection otherwise) and the
  server process that ran it is replaced, the only way to end an evaluation in
  Oxigraph 0.5; a read-only store is served by a pool of processes, so the other
  queries carry on (pactgraph.serving.pool);
- cuts an answer larger than `max_result_size` bytes;
- serves at most `max_connections` connections at once, closes a connection
  that stays silent for GuardHandler.timeout seconds, and refuses a request
  body over PACTGRAPH_MAX_INPUT.

Answers up to BUFFER bytes are checked whole before they are sent, so a
refusal, a timeout or a cut there is a clean HTTP error; larger answers are
streamed with chunked encoding, and a cut leaves the chunked body unterminated,
which every HTTP client reports as an incomplete answer rather than a short one.
"""

from __future__ import annotations

import http.client
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import IO, Any

from pactgraph.cors import ALLOW_ORIGIN
from pactgraph.http_server import BoundedThreadingServer
from pactgraph.serving.policy import MAX_RESULT_SIZE, GuardPolicy, Refused, check, sparql_texts  # noqa: F401
from pactgraph.stores.base import StoreError

#: Answers up to this size are held back until they are complete.
BUFFER = 1024 * 1024
#: Headers that belong to one hop and are never passed on (RFC 9110, 7.6.1).
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
     "transfer-encoding", "upgrade", "proxy-connection", "host", "content-length", "expect"}
)

# ---------------------------------------------------------------- the guard


class GuardServer(BoundedThreadingServer):
    """Listens on the public address and hands each request to GuardHandler."""

    def __init__(self, address: tuple[str, int], upstream: Any, policy: GuardPolicy, log: IO[str] | None):
        self.upstream = upstream
        self.policy = policy
        self.log = log
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, GuardHandler, max_connections=policy.max_connections)

    def note(self, line: str) -> None:
        if self.log is not None:
            try:
                print(f"pactgraph: {line}", file=self.log, flush=True)
            except (OSError, ValueError):
                pass


class _Cut(Exception):
    """The answer was stopped after its first bytes were sent."""


class GuardHandler(BaseHTTPRequestHandler):
    """Checks one request, passes it on, and bounds the answer."""

    server: GuardServer
    server_version = "pactgraph-endpoint"
    protocol_version = "HTTP/1.1"
    #: Seconds a connection may stay silent while sending its request or reading the answer.
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Requests that pass are not logged; refusals, timeouts and cuts are (GuardServer.note)."""

    def setup(self) -> None:
        super().setup()
        # Headers and body are written apart: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms per answer.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET  # noqa: N815

    def do_OPTIONS(self) -> None:  # noqa: N802
        """A CORS preflight, on any path: answered here with what a cross-origin client may send."""
        from pactgraph.cors import PREFLIGHT_HEADERS

        try:
            self._body()  # read and dropped, so the connection can carry the next request
        except Refused as refusal:
            self._refuse(refusal.status, refusal.message)
            return
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        for name, value in {**ALLOW_ORIGIN, **PREFLIGHT_HEADERS}.items():
            self.send_header(name, value)
        self.end_headers()

    # -------------------------------------------------------- request

    def _body(self) -> bytes:
        from pactgraph import limits

        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked_body(limits.max_input())
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            raise Refused(HTTPStatus.BAD_REQUEST, f"Content-Length {length_header!r} is not a number") from None
        if length < 0:
            raise Refused(HTTPStatus.BAD_REQUEST, f"Content-Length {length} is negative")
        if length > limits.max_input():
            raise Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the request body is {limits.human_size(length)}, more than the limit of "
                f"{limits.human_size(limits.max_input())} ({limits.ENV_MAX_INPUT})",
            )
        body = self.rfile.read(length)
        if len(body) != length:
            raise Refused(HTTPStatus.BAD_REQUEST, "the request body ended early")
        return body

    def _chunked_body(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise Refused(HTTPStatus.BAD_REQUEST, "malformed chunked request body") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            total += size
            if total > limit:
                raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the request body is larger than the input limit")
            chunk = self.rfile.read(size)
            if len(chunk) != size:
                raise Refused(HTTPStatus.BAD_REQUEST, "the request body ended early")
            parts.append(chunk)
            self.rfile.readline(1024)

    # -------------------------------------------------------- answer

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        self.server.note(f"{self.client_address[0]} {self.command} {self.path[:80]}: {int(status)} {message}")
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in ALLOW_ORIGIN.items():  # a page from another origin may read why
            self.send_header(name, value)
        if status >= 500 or status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        try:
            body = self._body()
            texts = sparql_texts(self.command, self.path, self.headers.get("Content-Type", ""), body)
            is_query = check(texts, self.server.policy.allow_service)
            self._forward(body, is_query)
        except Refused as refusal:
            self._refuse(refusal.status, refusal.message)
        except _Cut as cut:
            self.server.note(f"{self.client_address[0]} {self.command} {self.path[:80]}: answer cut: {cut}")
            self.close_connection = True
        except (ConnectionError, TimeoutError, OSError) as err:
            # The client went away or stalled: nothing more can be said to it.
            self.server.note(f"{self.client_address[0]} {self.command}: connection closed ({err})")
            self.close_connection = True

    def _forward(self, body: bytes, is_query: bool) -> None:
        policy = self.server.policy
        timeout = policy.timeout if is_query else None
        deadline = None if timeout is None else time.monotonic() + timeout
        pool = self.server.upstream  # pactgraph.serving.pool.ServerPool: kept-alive connections, least busy server
        try:
            lease = self._lease = pool.acquire(timeout)
        except ConnectionError as err:
            raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, f"{err}; try again later") from None
        reusable = False
        try:
            server, generation = lease.server, lease.generation
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            headers["Host"] = f"{server.host}:{server.port}"
            headers["Content-Length"] = str(len(body))
            for attempt in (1, 2):
                connection = lease.connection
                sent = False
                try:
                    if connection.sock is not None:
                        connection.sock.settimeout(timeout or 3600)
                    send = body if body or self.command in ("POST", "PUT") else None
                    connection.request(self.command, self.path, body=send, headers=headers)
                    sent = True
                    answer = connection.getresponse()
                    break
                except (TimeoutError, socket.timeout):
                    self._stopped(generation, timeout)
                    return
                except (ConnectionError, http.client.HTTPException, OSError) as err:
                    self._if_gone()
                    # A kept-alive connection the server had closed: again on a new one, unless an update
                    # may have reached the server already.
                    if lease.reused and attempt == 1 and (not sent or is_query):
                        connection.close()
                        lease.connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout or 3600)
                        lease.reused = False
                        continue
                    raise Refused(
                        HTTPStatus.BAD_GATEWAY, f"the SPARQL server did not answer ({err}); try again"
                    ) from None
            self._relay(answer, lease.connection, deadline, generation, timeout)
            reusable = not answer.will_close
            answer.close()  # read whole: the connection can carry the next request
        finally:
            pool.release(lease, reusable=reusable)

    def _if_gone(self, sent: bool = False) -> None:
        """When the lease's server process has died (a signal, an abort, out of memory): say so in one line.

        The pool starts its replacement; the client may send the request again.
        """
        code = self.server.upstream.died(self._lease)
        if code is None:
            return
        from pactgraph.process import describe_exit

        message = (
            f"the SPARQL server stopped while answering ({describe_exit(code)}); a new one is being started; try again"
        )
        if sent:
            raise _Cut(message)
        raise Refused(HTTPStatus.BAD_GATEWAY, message)

    def _stopped(self, generation: int, timeout: float | None, sent: bool = False) -> None:
        """The query ran past its timeout: end its evaluation and tell the client."""
        self.server.upstream.retire(self._lease)  # ends this evaluation only (pactgraph.serving.pool)
        message = f"the query ran for more than {timeout:g} s and was stopped (--timeout {timeout:g})"
        if sent:
            raise _Cut(message)
        raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, message)

    def _relay(
        self,
        answer: http.client.HTTPResponse,
        connection: http.client.HTTPConnection,
        deadline: float | None,
        generation: int,
        timeout: float | None,
    ) -> None:
        limit = self.server.policy.max_result_size
        held: list[bytes] = []
        held_size = 0
        streaming = False

        def read() -> bytes:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
            return answer.read1(65536)

        while True:
            try:
                chunk = read()
            except (TimeoutError, socket.timeout):
                self._stopped(generation, timeout, sent=streaming)
                return
            except (ConnectionError, http.client.HTTPException, OSError) as err:
                self._if_gone(streaming)
                if streaming:
                    raise _Cut(f"the SPARQL server stopped answering ({err})") from None
                raise Refused(HTTPStatus.BAD_GATEWAY, f"the SPARQL server stopped answering ({err}); try again") from None
            if not chunk:
                break
            held_size += len(chunk)
            if limit is not None and held_size > limit:
                from pactgraph.limits import human_size

                message = (
                    f"the answer is larger than {human_size(limit)} and was cut (--max-result-size); "
                    "ask for fewer results (LIMIT) or raise the limit"
                )
                if streaming:
                    raise _Cut(message)
                raise Refused(HTTPStatus.INSUFFICIENT_STORAGE, message)
            if streaming:
                self._send_chunk(chunk)
            else:
                held.append(chunk)
                if held_size > BUFFER:
                    self._start_answer(answer, None)
                    streaming = True
                    for part in held:
                        self._send_chunk(part)
                    held = []
        if streaming:
            self.wfile.write(b"0\r\n\r\n")
        else:
            whole = b"".join(held)
            self._start_answer(answer, len(whole), flush=False)
            # Headers and body in one write: one TCP segment for a small answer.
            buffered: list[bytes] = getattr(self, "_headers_buffer", [])
            head = b"".join(buffered) + b"\r\n"
            buffered.clear()
            self.wfile.write(head + whole if self.command != "HEAD" else head)

    def _start_answer(self, answer: http.client.HTTPResponse, length: int | None, flush: bool = True) -> None:
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in _HOP_BY_HOP and not key.lower().startswith("access-control-"):
                self.send_header(key, value)
        for key, value in ALLOW_ORIGIN.items():  # pages from other origins may read the answer
            self.send_header(key, value)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        if flush:
            self.end_headers()

    def _send_chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


def start_guard(
    address: tuple[str, int], upstream: Any, policy: GuardPolicy, log: IO[str] | None = sys.stderr
) -> tuple[GuardServer, threading.Thread]:
    """Listen on `address` and serve in a background thread; StoreError when the address is taken."""
    try:
        guard = GuardServer(address, upstream, policy, log)
    except OSError as err:
        host, port = address
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        raise StoreError(f"cannot listen on {shown}: {err.strerror or err}") from None
    thread = threading.Thread(target=guard.serve_forever, name="pactgraph-endpoint-guard", daemon=True)
    thread.start()
    return guard, thread
