"""Process-level effects: the no-network audit hook and the limit hook of bounded work."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from pactgraph import process
from pactgraph.rdf import limits


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


def test_no_network_refuses_connections_and_lookups_in_every_thread(listener):
    port = listener.getsockname()[1]
    errors: list[BaseException] = []

    def from_another_thread() -> None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except BaseException as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)

    with process.no_network():
        with pytest.raises(process.NetworkRefused):
            socket.create_connection(("127.0.0.1", port), timeout=2)
        with pytest.raises(process.NetworkRefused):
            socket.getaddrinfo("localhost", 80)
        thread = threading.Thread(target=from_another_thread)
        thread.start()
        thread.join()
    assert len(errors) == 1 and isinstance(errors[0], process.NetworkRefused)
    # The hook stays installed (audit hooks cannot be removed) but lets connections through again.
    socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_no_network_nests():
    with process.no_network():
        with process.no_network():
            pass
        with pytest.raises(process.NetworkRefused):
            socket.getaddrinfo("localhost", 80)


def test_network_to_lets_through_only_the_service_named(listener):
    """`validate --scheduler`: the scheduler's host and port pass, another port of the same host does not."""
    port = listener.getsockname()[1]
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen(1)
    try:
        with process.no_network(), process.network_to("127.0.0.1", port):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            with pytest.raises(process.NetworkRefused):
                socket.create_connection(("127.0.0.1", other.getsockname()[1]), timeout=2)
        with process.no_network(), pytest.raises(process.NetworkRefused):
            socket.create_connection(("127.0.0.1", port), timeout=2)
    finally:
        other.close()


def test_bounded_work_past_its_timeout_calls_the_limit_hook():
    with pytest.raises(process.LimitExceeded, match=r"the test ran for more than 0.2 s"):
        limits.run_bounded(lambda: time.sleep(3), timeout=0.2, what="the test")
    assert limits.run_bounded(lambda: 42, timeout=5, what="the test") == 42


def test_a_hook_that_returns_does_not_let_the_caller_go_on():
    seen: list[str] = []
    process.on_limit(seen.append)
    try:
        with pytest.raises(process.LimitExceeded):
            limits.run_bounded(lambda: time.sleep(3), timeout=0.1, what="the test")
    finally:
        process.on_limit(process._raise)
    assert len(seen) == 1 and "0.1 s" in seen[0]
