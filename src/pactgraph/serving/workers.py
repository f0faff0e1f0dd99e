"""Guard worker processes sharing the endpoint's port (SO_REUSEPORT): the guard on more than one core.

One Python process runs its guard on one core at most, and on a busy machine one
process gets one share of the CPU however many requests wait in it. With
`pactgraph endpoint --workers N` on a read-only store, N-1 more processes each run
a whole guarded endpoint (uvicorn, the guard and their own pool of Oxigraph
servers on the same store) listening on the same port; the kernel spreads new
connections over them. Each keeps its own timeouts and replaces its own servers;
a worker that ends is started again.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


class Workers:
    """`count` processes running `target(*args)`, restarted when they end, stopped by stop()."""

    def __init__(self, target: Callable[..., None], args: tuple, count: int):
        self._context = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or loops copied
        self._target = target
        self._args = args
        self.processes: list[Any] = [self._start() for _ in range(count)]

    def _start(self) -> Any:
        process = self._context.Process(target=self._target, args=self._args, daemon=True, name="pactgraph-endpoint-worker")
        process.start()
        return process

    def replace_dead(self) -> list[int]:
        """Start a new worker for each that has ended; the exit codes of those that had."""
        codes = []
        for i, process in enumerate(self.processes):
            if not process.is_alive():
                codes.append(process.exitcode if process.exitcode is not None else -1)
                process.close()
                self.processes[i] = self._start()
        return codes

    def stop(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(15)
            if process.is_alive():
                process.kill()
                process.join(5)
