"""The guard on the network: uvicorn serving it on the public address, in a background thread.

uvicorn (httptools, uvloop where installed) does the HTTP; pactgraph.serving.guard
is the application. Two things are added to uvicorn's connection handling:

- at most `max_connections` connections are served at once; further ones are
  accepted but not read until a slot is free (they wait, as in a listen queue,
  rather than being refused);
- a connection that stays silent for SILENT seconds, before its first request
  or between requests, is closed, so silent clients cannot hold every slot.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import deque
from typing import Any

from pactgraph.serving.guard import SILENT, Guard
from pactgraph.serving.policy import GuardPolicy
from pactgraph.stores.base import StoreError

#: Connections waiting to be accepted by the kernel.
BACKLOG = 1024
#: Seconds the guard is given to start listening.
START_TIMEOUT = 30.0


class Admission:
    """Connections in service, at most `limit`; the others wait, unread, in arrival order."""

    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self.serving = 0
        self.waiting: deque[Any] = deque()

    def enter(self, protocol: Any) -> bool:
        """True when `protocol`'s connection may be served now; else it waits for leave() of another."""
        if self.serving < self.limit:
            self.serving += 1
            return True
        self.waiting.append(protocol)
        return False

    def leave(self, protocol: Any, admitted: bool) -> Any | None:
        """The connection of `protocol` closed; the waiting protocol admitted in its place, if any."""
        if not admitted:
            try:
                self.waiting.remove(protocol)
            except ValueError:
                pass
            return None
        self.serving -= 1
        while self.waiting:
            waiting = self.waiting.popleft()
            if not waiting.transport.is_closing():
                self.serving += 1
                return waiting
        return None


def _protocol_class(admission: Admission) -> type:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardProtocol(HttpToolsProtocol):
        """uvicorn's HTTP/1.1 protocol with the admission and the silence timeout above."""

        admitted = False
        #: What a waiting connection sent before its admission, kept from the HTTP parser until then.
        held = b""

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if admission.enter(self):
                self._admit()
            else:
                transport.pause_reading()

        def data_received(self, data: bytes) -> None:
            if not self.admitted:
                # Not every event loop honours a pause made in connection_made: a waiting
                # connection's bytes are held, never served, until it is admitted.
                self.held += data
                self.transport.pause_reading()
                return
            super().data_received(data)

        def _admit(self) -> None:
            self.admitted = True
            self.transport.resume_reading()
            self._unset_keepalive_if_required()
            # Silent before its first request: closed as a kept-alive connection silent between requests is.
            self.timeout_keep_alive_task = self.loop.call_later(SILENT, self.timeout_keep_alive_handler)
            held, self.held = self.held, b""
            if held:
                super().data_received(held)

        def connection_lost(self, exc: Exception | None) -> None:
            following = admission.leave(self, self.admitted)
            self.admitted = False
            super().connection_lost(exc)
            if following is not None:
                following._admit()

    return GuardProtocol


class Listener:
    """The guard application served by uvicorn on `address`, in a background thread, until shutdown()."""

    def __init__(self, address: tuple[str, int], app: Any, *, max_connections: int, reuse_port: bool = False):
        import uvicorn

        host, port = address
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if reuse_port:  # guard worker processes share the port (pactgraph.serving.workers)
                self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            self.socket.bind((host, port))
            self.socket.listen(BACKLOG)
        except OSError as err:
            self.socket.close()
            raise StoreError(f"cannot listen on {shown}: {err.strerror or err}") from None
        self.server_address = self.socket.getsockname()[:2]
        self.app = app
        self.admission = Admission(max_connections)
        config = uvicorn.Config(
            app,
            http=_protocol_class(self.admission),
            lifespan="off",
            log_config=None,
            log_level="critical",  # the guard logs what it refuses itself (Guard.note)
            access_log=False,
            proxy_headers=False,  # the guard is what faces the network: a client's X-Forwarded-For is not believed
            timeout_keep_alive=int(SILENT),
            timeout_graceful_shutdown=2,
            server_header=False,
            headers=[("Server", "pactgraph-endpoint")],
        )
        self.server = uvicorn.Server(config)
        self._error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="pactgraph-endpoint-guard", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.shutdown()
                raise StoreError(f"the guard did not start listening on {shown}" + (f": {self._error}" if self._error else ""))
            time.sleep(0.01)

    # What the rest of pactgraph reads of the guard.
    @property
    def policy(self) -> Any:
        return self.app.policy

    @policy.setter
    def policy(self, value: Any) -> None:
        self.app.policy = value

    def note(self, line: str) -> None:
        self.app.note(line)

    def _run(self) -> None:
        async def serve() -> None:
            try:
                self.app.warm()
                await self.server.serve(sockets=[self.socket])
            finally:
                await self.app.aclose()

        try:
            with asyncio.Runner(loop_factory=self.server.config.get_loop_factory()) as runner:
                runner.run(serve())
        except BaseException as err:  # noqa: BLE001 - reported by the thread that started the guard
            self._error = err

    def shutdown(self) -> None:
        """Stop serving: requests in flight get a moment to finish, then their connections are closed."""
        self.server.should_exit = True
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(10)

    def server_close(self) -> None:
        self.socket.close()


def start_guard(
    address: tuple[str, int], upstream: Any, policy: GuardPolicy, log: Any, *, reuse_port: bool = False
) -> Listener:
    """Listen on `address` and serve the guard in front of `upstream` (a ServerPool); StoreError when taken."""
    return Listener(address, Guard(upstream, policy, log), max_connections=policy.max_connections, reuse_port=reuse_port)
