"""A threading HTTP server that serves a bounded number of connections at once.

Shared by `pactgraph serve` (the site preview) and the guard in front of
`pactgraph endpoint`: a thread per connection, at most `max_connections` at a
time; further connections wait in the listen queue instead of each taking a
thread, so a flood of clients cannot exhaust the process.
"""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Any

#: Connections served at once unless the caller says otherwise.
MAX_CONNECTIONS = 64


class BoundedThreadingServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with at most `max_connections` connections in service."""

    daemon_threads = True
    #: Connections waiting to be accepted (socketserver's default of 5 drops clients arriving together).
    request_queue_size = 128

    def __init__(self, *args: Any, max_connections: int = MAX_CONNECTIONS, **kwargs: Any):
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # noqa: ANN001
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
