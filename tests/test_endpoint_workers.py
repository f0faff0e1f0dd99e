"""`pactgraph endpoint --workers N`: guard processes sharing the port, each with its own Oxigraph servers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from conftest import start_endpoint_process, stop_process

SIMPLE = "ASK { <https://w3id.org/pactgraph/id/turkey> ?p ?o }"
TRUE = b'{"head":{},"boolean":true}'


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _workers(pid: int) -> list[int]:
    """The guard worker processes of endpoint process `pid` (not its Oxigraph servers or multiprocessing's tracker)."""
    found = []
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in command:
            found.append(child)
    return found


def wait_for(condition, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find the worker processes")
def test_workers_serve_the_port_and_one_that_dies_is_replaced():
    process, url = start_endpoint_process("--workers", "2", "--timeout", "60")
    try:
        assert url.endswith("/query"), process.stderr.read()
        wait_for(lambda: len(_workers(process.pid)) == 1, "a second guard process")
        (worker,) = _workers(process.pid)
        wait_for(lambda: len(_children(worker)) == 3, "the worker's own two Oxigraph servers and its spare")
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: _workers(process.pid) not in ([], [worker]), "a new guard process")
        for _ in range(20):  # new connections, spread by the kernel over both processes: every one is answered
            reply = httpx.post(url, content=SIMPLE.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=120)
            assert (reply.status_code, reply.content) == (200, TRUE)
        assert process.poll() is None
    finally:
        assert stop_process(process) == 0
    log = process.stderr.read()
    assert "with 2 guard processes" in log
    assert "a guard worker stopped (killed by SIGKILL); started a new one" in log, log


def test_a_writable_store_has_one_worker(cli):
    result = cli("endpoint", "--writable", "--workers", "2", "--port", "0")
    assert result.exit_code == 2
    assert "--workers: a writable store is served by one process" in result.output
    assert result.output.count("\n") == 1
