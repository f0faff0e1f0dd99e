"""The guard in front of the Oxigraph server: what `pactgraph endpoint` puts on the network.

The Oxigraph server (0.5) evaluates whatever it is sent. SERVICE in a query and
LOAD in an update make it connect to any address the request names, and its
--timeout-s stops neither a query that sorts or groups before its first answer
nor one that streams gigabytes. So the server listens on a private loopback
port and the guard listens on the public address. The guard is an ASGI
application (served by uvicorn: pactgraph.serving.listener) that passes requests
on over one aiohttp connection pool. For every request it:

- refuses, before anything reaches the server, a query or update text the
  policy of pactgraph.serving.policy does not let through (too large, too
  deep or long for the engine, SERVICE, LOAD) — wherever the text travels;
- gives a query `timeout` seconds: an answer that has not finished by then is
  stopped (503 when nothing was sent yet, a cut connection otherwise) and the
  server process that ran it is replaced, the only way to end an evaluation in
  Oxigraph 0.5; a read-only store is served by a pool of processes, so the other
  queries carry on (pactgraph.serving.pool);
- answers a request whose server process died while serving it with one 502
  line; the pool starts a replacement;
- cuts an answer larger than `max_result_size` bytes;
- refuses a request body over PACTGRAPH_MAX_INPUT.

Answers up to BUFFER bytes are checked whole before they are sent, so a
refusal, a timeout or a cut there is a clean HTTP error; larger answers are
streamed with chunked encoding, and a cut leaves the chunked body unterminated,
which every HTTP client reports as an incomplete answer rather than a short one.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import IO, Any

from pactgraph.serving.cors import ALLOW_ORIGIN, PREFLIGHT_HEADERS
from pactgraph.serving.policy import MAX_RESULT_SIZE, GuardPolicy, Refused, check_request, verdict  # noqa: F401

#: Answers up to this size are held back until they are complete.
BUFFER = 1024 * 1024
#: Seconds a client may stay silent while sending its request or reading the answer.
SILENT = 30.0
#: Headers that belong to one hop and are never passed on (RFC 9110, 7.6.1).
_HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer",
     b"transfer-encoding", b"upgrade", b"proxy-connection", b"host", b"content-length", b"expect"}
)
_ALLOW_ORIGIN = [(k.lower().encode(), v.encode()) for k, v in ALLOW_ORIGIN.items()]
_PREFLIGHT = [(b"allow", b"GET, HEAD, POST, OPTIONS")] + _ALLOW_ORIGIN + [
    (k.lower().encode(), v.encode()) for k, v in PREFLIGHT_HEADERS.items()
]


class _Cut(Exception):
    """The answer was stopped after its first bytes were sent."""


class _Gone(Exception):
    """The client went away or stayed silent: nothing more can be said to it."""


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class Guard:
    """The ASGI application: checks one request, passes it on to the pool's servers, and bounds the answer.

    `policy` may be replaced while serving; each request reads it once.
    """

    def __init__(self, upstream: Any, policy: GuardPolicy, log: IO[str] | None):
        self.upstream = upstream  # pactgraph.serving.pool.ServerPool
        self.policy = policy
        self.log = log
        self._session: Any = None  # aiohttp.ClientSession, made on the serving event loop

    def note(self, line: str) -> None:
        if self.log is not None:
            try:
                print(f"pactgraph: {line}", file=self.log, flush=True)
            except (OSError, ValueError):
                pass

    def session(self) -> Any:
        """The connection pool to the Oxigraph servers: kept-alive connections, reused across requests.

        aiohttp's client: measured on two busy cores, a small query through it costs about
        0.25 ms of CPU, through httpx's asynchronous client about 1 ms (most of it in its
        anyio layer). Nothing of a client's own (default headers, cookies, redirects,
        decompression) is added to what is passed on.
        """
        if self._session is None:
            import aiohttp

            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=30, force_close=False),
                timeout=aiohttp.ClientTimeout(total=None),  # the guard's own deadline bounds a query
                skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    def warm(self) -> None:
        """Import and build now what the first request would otherwise wait for (on a busy machine, a second)."""
        self.session()
        try:
            check_request([("query", "ASK {}")], self.policy.allow_service)
        except Refused:
            pass

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -------------------------------------------------------- request

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        try:
            body = await self._body(scope, receive)
            if scope["method"] == "OPTIONS":
                await send({"type": "http.response.start", "status": 204, "headers": _PREFLIGHT})
                await send({"type": "http.response.body", "body": b""})
                return
            target = scope.get("raw_path") or scope["path"].encode("utf-8")
            if scope["query_string"]:
                target += b"?" + scope["query_string"]
            is_query = verdict(
                target.decode("latin-1"), _header(scope, b"content-type") or "", body, self.policy.allow_service
            )
            await self._forward(scope, send, target, body, is_query)
        except Refused as refusal:
            await self._refuse(scope, send, refusal.status, refusal.message)
        except _Cut as cut:
            # Returning without the end of the body: the server closes the connection mid-answer.
            self.note(f"{self._who(scope)}: answer cut: {cut}")
        except _Gone as gone:
            self.note(f"{self._client_host(scope)} {scope['method']}: connection closed ({gone})")

    @staticmethod
    def _client_host(scope: dict) -> str:
        return (scope.get("client") or ("-",))[0]

    def _who(self, scope: dict) -> str:
        target = scope.get("raw_path") or b""
        if scope["query_string"]:
            target += b"?" + scope["query_string"]
        return f"{self._client_host(scope)} {scope['method']} {target.decode('latin-1')[:80]}"

    async def _body(self, scope: dict, receive: Any) -> bytes:
        from pactgraph.rdf import limits

        limit = limits.max_input()
        length_header = _header(scope, b"content-length")
        if length_header is not None:
            try:
                length = int(length_header)
            except ValueError:
                raise Refused(HTTPStatus.BAD_REQUEST, f"Content-Length {length_header!r} is not a number") from None
            if length < 0:
                raise Refused(HTTPStatus.BAD_REQUEST, f"Content-Length {length} is negative")
            if length > limit:
                raise Refused(
                    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                    f"the request body is {limits.human_size(length)}, more than the limit of "
                    f"{limits.human_size(limit)} ({limits.ENV_MAX_INPUT})",
                )
        parts: list[bytes] = []
        total = 0
        while True:
            try:
                async with asyncio.timeout(SILENT):
                    message = await receive()
            except TimeoutError:
                raise _Gone(f"silent for {SILENT:g} s while sending its request") from None
            if message["type"] == "http.disconnect":
                raise _Gone("the client went away while sending its request")
            chunk = message.get("body", b"")
            if chunk:
                total += len(chunk)
                if total > limit:
                    raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the request body is larger than the input limit")
                parts.append(chunk)
            if not message.get("more_body", False):
                return parts[0] if len(parts) == 1 else b"".join(parts)

    # -------------------------------------------------------- answer

    async def _refuse(self, scope: dict, send: Any, status: HTTPStatus, message: str) -> None:
        self.note(f"{self._who(scope)}: {int(status)} {message}")
        body = (message + "\n").encode("utf-8")
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        headers += _ALLOW_ORIGIN  # a page from another origin may read why
        if status >= 500 or status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": int(status), "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _forward(self, scope: dict, send: Any, target: bytes, body: bytes, is_query: bool) -> None:
        import aiohttp
        import yarl

        policy = self.policy
        timeout = policy.timeout if is_query else None
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        pool = self.upstream
        lease = pool.try_acquire()
        if lease is None:  # no server right now (one is being started): wait for it without holding the loop
            try:
                lease = await asyncio.to_thread(pool.acquire, timeout)
            except ConnectionError as err:
                raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, f"{err}; try again later") from None
        try:
            server = lease.server
            method = scope["method"]
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"] if k not in _HOP_BY_HOP]
            session = self.session()
            url = yarl.URL(f"http://{server.host}:{server.port}{target.decode('latin-1')}", encoded=True)
            content = body if body or method in ("POST", "PUT") else None
            for attempt in (1, 2):
                try:
                    async with asyncio.timeout_at(deadline):
                        answer = await session.request(
                            method, url, data=content, headers=headers, allow_redirects=False, compress=None
                        )
                    break
                except TimeoutError:
                    await self._stopped(lease, timeout)
                except (aiohttp.ClientError, OSError) as err:
                    await self._if_gone(lease)
                    # A kept-alive connection the server had closed: again on a new one, unless an update
                    # may have reached the server already.
                    if attempt == 1 and (is_query or isinstance(err, aiohttp.ClientConnectorError)):
                        continue
                    raise Refused(
                        HTTPStatus.BAD_GATEWAY, f"the SPARQL server did not answer ({err or type(err).__name__}); try again"
                    ) from None
            complete = False
            try:
                await self._relay(scope, send, answer, lease, deadline, timeout)
                complete = True
            finally:
                if complete:
                    answer.release()  # read whole: the connection carries the next request
                else:
                    answer.close()
        finally:
            pool.release(lease)

    async def _if_gone(self, lease: Any, sent: bool = False) -> None:
        """When the lease's server process has died (a signal, an abort, out of memory): say so in one line.

        The pool starts its replacement; the client may send the request again.
        """
        code = await asyncio.to_thread(self.upstream.died, lease)
        if code is None:
            return
        from pactgraph.process import describe_exit

        message = (
            f"the SPARQL server stopped while answering ({describe_exit(code)}); a new one is being started; try again"
        )
        if sent:
            raise _Cut(message)
        raise Refused(HTTPStatus.BAD_GATEWAY, message)

    async def _stopped(self, lease: Any, timeout: float | None, sent: bool = False) -> None:
        """The query ran past its timeout: end its evaluation and tell the client."""
        await asyncio.to_thread(self.upstream.retire, lease)  # ends this evaluation only (pactgraph.serving.pool)
        message = f"the query ran for more than {timeout:g} s and was stopped (--timeout {timeout:g})"
        if sent:
            raise _Cut(message)
        raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, message)

    async def _relay(
        self, scope: dict, send: Any, answer: Any, lease: Any, deadline: float | None, timeout: float | None
    ) -> None:
        import aiohttp

        limit = self.policy.max_result_size
        held: list[bytes] = []
        held_size = 0
        streaming = False
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    chunk = await answer.content.readany()
            except TimeoutError:
                await self._stopped(lease, timeout, sent=streaming)
            except (aiohttp.ClientError, OSError) as err:
                await self._if_gone(lease, streaming)
                if streaming:
                    raise _Cut(f"the SPARQL server stopped answering ({err})") from None
                raise Refused(HTTPStatus.BAD_GATEWAY, f"the SPARQL server stopped answering ({err}); try again") from None
            if not chunk:
                break
            held_size += len(chunk)
            ended = answer.content.at_eof()  # the whole answer arrived: no wait for its end
            if limit is not None and held_size > limit:
                from pactgraph.rdf.limits import human_size

                message = (
                    f"the answer is larger than {human_size(limit)} and was cut (--max-result-size); "
                    "ask for fewer results (LIMIT) or raise the limit"
                )
                if streaming:
                    raise _Cut(message)
                raise Refused(HTTPStatus.INSUFFICIENT_STORAGE, message)
            if streaming:
                await self._send_part(send, chunk)
            else:
                held.append(chunk)
                if held_size > BUFFER:
                    await send({"type": "http.response.start", "status": answer.status,
                                "headers": self._answer_headers(answer, None)})
                    streaming = True
                    for part in held:
                        await self._send_part(send, part)
                    held = []
            if ended:
                break
        if streaming:
            await send({"type": "http.response.body", "body": b""})
            return
        whole = b"".join(held)
        await send({"type": "http.response.start", "status": answer.status,
                    "headers": self._answer_headers(answer, len(whole))})
        await send({"type": "http.response.body", "body": whole})

    @staticmethod
    async def _send_part(send: Any, data: bytes) -> None:
        try:
            async with asyncio.timeout(SILENT):  # a client that stops reading holds the answer no longer
                await send({"type": "http.response.body", "body": data, "more_body": True})
        except TimeoutError:
            raise _Cut(f"the client read nothing for {SILENT:g} s") from None

    @staticmethod
    def _answer_headers(answer: Any, length: int | None) -> list[tuple[bytes, bytes]]:
        headers = [
            (key, value)
            for key, value in answer.raw_headers
            if key.lower() not in _HOP_BY_HOP and not key.lower().startswith(b"access-control-")
        ]
        headers += _ALLOW_ORIGIN  # pages from other origins may read the answer
        if length is not None:
            headers.append((b"content-length", str(length).encode()))
        return headers

