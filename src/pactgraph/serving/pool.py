"""Oxigraph servers behind the guard: a pool, so a query past its time costs only itself.

Oxigraph 0.5 cannot stop one evaluation; only ending its process does. With one
server, that ends every other query in flight too. A read-only store can be opened
by several `oxigraph serve-read-only` processes at once, so the pool runs `size` of
them and sends each request to an idle one first: a server with a request in
flight for more than BUSY seconds (perhaps a query on its way to the timeout) gets
new requests only when every other one is as busy; among the others, the one with
the fewest requests in flight. When a query runs out of time, its server is
*retired*: it gets no new requests, and it is stopped once the requests it was
already serving have finished (the runaway one has been answered by the guard).
Its place is taken at once by a warm spare, a server started beforehand and kept
out of service, and a new spare is started in the background: replacing a server
costs the requests nothing (starting one means a process start and opening the store),
and the server that ran the runaway is stopped without waiting for that start. A
writable store has one server and no spare (Oxigraph lets one process open it);
retiring it stops it at once and starts a new one, as before.

A server that dies (a signal, an abort, the out-of-memory killer) is noticed
when a request finds it gone, or by `replace_dead` (which `pactgraph endpoint`
calls twice a second), and is replaced the same way; the request it was serving
gets a one-line 502 from the guard, and the endpoint keeps serving.

The pool hands out servers, not connections: the guard keeps its own pool of
kept-alive connections to them (pactgraph.serving.guard).

Servers are started from one long-lived thread: on Linux a server is told to stop
when the thread that started it ends (PR_SET_PDEATHSIG is per thread). They are
stopped from other threads, so stopping one never waits for a start. Nothing here
runs on the guard's event loop but try_acquire and release, which never wait.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

#: Read-only servers in the pool unless told otherwise.
POOL_SIZE = 2
#: Seconds a server that still listens is given to end, when a connection to it failed.
DYING = 0.5
#: Seconds after which a request in flight makes its server busy: new requests go to another one first.
BUSY = 0.25
#: Warm servers kept out of service to take a retired one's place at once (read-only stores only).
SPARES = 1


@dataclass(eq=False)
class Member:
    server: Any
    generation: int
    inflight: int = 0
    retired: bool = False
    #: When each request in flight on it was handed out (time.monotonic()).
    since: dict[Lease, float] = field(default_factory=dict)

    def load(self, now: float) -> tuple[bool, int]:
        """Lower is better: busy last, then by requests in flight."""
        return any(now - t > BUSY for t in self.since.values()), self.inflight


@dataclass(eq=False)
class Lease:
    """One request's use of one server."""

    member: Member
    done: bool = False

    @property
    def server(self) -> Any:
        return self.member.server

    @property
    def generation(self) -> int:
        return self.member.generation


class ServerPool:
    """`size` Oxigraph servers made by `start()`; `shared`: whether they may run side by side (read-only)."""

    def __init__(self, start: Callable[[], Any], size: int = POOL_SIZE, *, shared: bool = True):
        self._start = start
        self.size = max(1, size if shared else 1)
        self.shared = shared
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pactgraph-endpoint-keeper")
        self._stopper = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pactgraph-endpoint-stopper")
        #: Started servers out of service, each taking a retired server's place at once.
        self.spares: list[Any] = []
        self._spares = SPARES if shared else 0
        self._lock = threading.Condition()
        self._generations = 0
        self.restarts = 0
        self.members: list[Member] = []
        self._retired: list[Member] = []
        self._stopped = False
        #: Why the last replacement could not be started (None: it was).
        self.start_error: str | None = None
        try:
            for _ in range(self.size):
                self.members.append(self._new_member(self._keeper.submit(start).result()))
        except BaseException:
            for member in self.members:
                member.server.stop()
            self._keeper.shutdown(wait=False)
            self._stopper.shutdown(wait=False)
            raise
        if self._spares:
            self._keeper.submit(self._refill)  # in the background: serving starts without waiting for it

    def _new_member(self, server: Any) -> Member:
        self._generations += 1
        return Member(server=server, generation=self._generations)

    # ------------------------------------------------------------ what the guard uses

    def current(self) -> tuple[Any, int]:
        """The first server in service and its generation (for watching that it keeps running)."""
        with self._lock:
            while not self.members and not self._stopped:
                self._lock.wait(1)
            member = self.members[0]
            return member.server, member.generation

    def try_acquire(self) -> Lease | None:
        """An idle server first, else the least busy, or None when none is running now (never waits)."""
        with self._lock:
            if not self.members or self._stopped:
                return None
            member = self._pick()
            if member.server.process.poll() is not None:  # died: replaced by acquire
                return None
            return self._lease(member)

    def _pick(self) -> Member:
        now = time.monotonic()
        return min(self.members, key=lambda m: m.load(now))

    @staticmethod
    def _lease(member: Member) -> Lease:
        lease = Lease(member)
        member.inflight += 1
        member.since[lease] = time.monotonic()
        return lease

    @staticmethod
    def _end(lease: Lease) -> None:
        lease.done = True
        lease.member.inflight -= 1
        lease.member.since.pop(lease, None)

    def acquire(self, timeout: float | None = None) -> Lease:
        """An idle server first, as try_acquire (dead servers are replaced first); waits for one."""
        self.replace_dead()
        with self._lock:
            if not self._lock.wait_for(lambda: self.members or self._stopped, timeout=timeout or 60):
                raise ConnectionError("no SPARQL server is running; a new one could not be started")
            if self._stopped:
                raise ConnectionError("the endpoint is stopping")
            return self._lease(self._pick())

    def release(self, lease: Lease) -> None:
        """The request is done; a retired server is stopped after its last one."""
        with self._lock:
            if lease.done:
                return
            self._end(lease)
            member = lease.member
            stop = member.retired and member.inflight == 0 and member in self._retired
            if stop:
                self._retired.remove(member)
        if stop:
            self._stop_member(member)

    def retire(self, lease: Lease) -> None:
        """The lease's query ran out of time: end its evaluation without ending the other requests.

        Its server takes no new requests and is replaced; it is stopped now when the lease was its
        last request (or the store is writable), else when its last request ends.
        """
        with self._lock:
            if lease.done:
                return
            self._end(lease)
        self._retire(lease.member, wait=True)

    def replace_dead(self) -> list[tuple[int, Any]]:
        """Retire every server whose process has ended and start its replacement; (exit status, server) of each."""
        with self._lock:
            dead = [m for m in self.members if m.server.process.poll() is not None]
            dead_spares = [s for s in self.spares if s.process.poll() is not None]
            for server in dead_spares:  # never served: stopped and started again without a word
                self.spares.remove(server)
                self._stop_server(server)
        if dead_spares and not dead:
            self._keeper.submit(self._refill)
        for member in dead:
            self._retire(member, wait=False)
        return [(m.server.process.returncode, m.server) for m in dead]

    def died(self, lease: Lease, wait: float = 2.0) -> int | None:
        """The exit status of the lease's server when its process has ended (it is then replaced), else None.

        Called when its connection failed: a dying process closes its sockets a moment before
        it can be reaped, so its end is awaited up to `wait` seconds.
        """
        server = lease.member.server
        code = server.process.poll()
        if code is None:
            try:
                socket.create_connection((server.host, server.port), timeout=wait).close()
                # It still listens: alive, or closing its sockets one by one as it ends.
                wait = min(wait, DYING)
            except OSError:
                pass
            try:
                code = server.process.wait(wait)
            except subprocess.TimeoutExpired:
                return None
        with self._lock:
            if not lease.done:
                self._end(lease)
        self._retire(lease.member, wait=False)
        return code

    def _retire(self, member: Member, *, wait: bool) -> None:
        with self._lock:
            fresh = member in self.members and not self._stopped
            if fresh:
                member.retired = True
                self.members.remove(member)
                self.restarts += 1
                stop_now = member.inflight == 0 or not self.shared
                if not stop_now:
                    self._retired.append(member)
                self._promote_spare()
            else:  # retired already: stopped when its last request ends
                stop_now = member.inflight == 0 and member in self._retired
                if stop_now:
                    self._retired.remove(member)
        if stop_now:
            if self.shared:
                # On the stopper, not behind a start: the runaway evaluation has ended when the client hears so.
                self._stopper.submit(member.server.stop, 2).result()
            else:
                # A writable store can be opened by one server only: the old one goes first.
                self._keeper.submit(member.server.stop, 2).result()
        if not fresh:
            return
        self._keeper.submit(self._refill if self._spares else self._replace)
        if not self.shared and wait:
            with self._lock:
                self._lock.wait_for(lambda: bool(self.members) or self._stopped, timeout=60)

    def _promote_spare(self) -> None:
        """Put a running spare in service, if there is one (with the lock held)."""
        while self.spares and len(self.members) < self.size:
            server = self.spares.pop(0)
            if server.process.poll() is not None:  # died while waiting: stopped, replaced by _refill
                self._stop_server(server)
                continue
            self.members.append(self._new_member(server))
            self._lock.notify_all()

    def _refill(self) -> None:
        """Start servers until the pool has its members and its spares (on the keeper thread)."""
        while True:
            with self._lock:
                if self._stopped:
                    return
                self._promote_spare()
                missing = len(self.members) < self.size
                if not missing and len(self.spares) >= self._spares:
                    return
            if self._started(self.spares.append) is None:
                return

    def _replace(self) -> None:
        """Start a server straight into service (a writable store's, which has no spare; on the keeper thread)."""
        self._started(lambda server: self.members.append(self._new_member(server)))

    def _started(self, keep: Callable[[Any], None]) -> Any | None:
        """Start a server and `keep` it (with the lock held); None when it could not start or the pool stopped meanwhile.

        Why a start failed is kept in start_error; it is tried again on the next retirement
        or failed request, and the pool keeps serving with its other servers.
        """
        try:
            server = self._start()
        except Exception as err:  # noqa: BLE001 - reported through start_error
            with self._lock:
                self.start_error = str(err)
                self._lock.notify_all()
            return None
        with self._lock:
            self.start_error = None
            if self._stopped:
                server.stop()
                return None
            keep(server)
            self._lock.notify_all()
        return server

    def _stop_member(self, member: Member) -> None:
        self._stop_server(member.server)

    def _stop_server(self, server: Any) -> None:
        try:
            self._stopper.submit(server.stop, 2)
        except RuntimeError:  # the stopper is shut down: the pool is stopping
            server.stop(2)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            servers = [m.server for m in self.members + self._retired] + self.spares
            self.members, self._retired, self.spares = [], [], []
            self._lock.notify_all()
        for server in servers:
            server.stop()
        self._keeper.shutdown(wait=False)
        self._stopper.shutdown(wait=False)

    @property
    def server(self) -> Any:
        return self.current()[0]
