"""Process-level effects, in one place: ending the process at a limit, watching its memory,
tying child processes to it, refusing network connections, and the pause points kill tests use.

Library code never exits. A run that passes its time or memory limit calls the limit hook
(`on_limit`): by default it raises LimitExceeded in the caller; the command line installs
`exit_at_limit`, which prints one line and ends the process, because the native engines
(Oxigraph's SPARQL, the SHACL engines) cannot be interrupted any other way.
"""

from __future__ import annotations

import contextvars
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from pactgraph.errors import PactgraphError

T = TypeVar("T")

#: The stack of the thread bounded work runs on: the native SPARQL engine recurses over the query.
WORK_STACK = 256 * 1024 * 1024

#: When this variable names a checkpoint (see `checkpoint`), the process pauses there.
ENV_PAUSE_AT = "PACTGRAPH_PAUSE_AT"


class LimitExceeded(PactgraphError):
    """Work ran past its time or memory limit (raised by the default limit hook)."""


def _raise(message: str) -> None:
    raise LimitExceeded(message)


_ON_LIMIT: list[Callable[[str], None]] = [_raise]


def on_limit(handler: Callable[[str], None]) -> None:
    """Call `handler(message)` when bounded work passes a limit (it runs on the caller's thread;
    the work's thread cannot be stopped and is left behind). The default raises LimitExceeded."""
    _ON_LIMIT[0] = handler


def _limit(message: str) -> NoReturn:
    _ON_LIMIT[0](message)
    raise LimitExceeded(message)  # a hook that returned: the caller still may not go on


def exit_at_limit(message: str) -> NoReturn:
    """The command line's limit hook: `pactgraph: error: MESSAGE` on stderr, and exit 2 at once."""
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 - a closed stdout
        pass
    try:
        sys.stderr.write(f"pactgraph: error: {message}\n")
        sys.stderr.flush()
    finally:
        os._exit(2)


def resident_bytes() -> int | None:
    """The process's resident memory (Linux /proc), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def return_free_memory() -> None:
    """Free what only a collection frees, and hand the heap's free pages back to the system (glibc's
    malloc_trim; elsewhere nothing).

    Memory freed in many small blocks -- the parsed triples of a large graph, a released in-memory
    Store -- stays with the process otherwise, and the next large step of the same run is added on
    top of it: the run's peak is then the sum of its steps rather than the largest of them. (A parser's
    caught exception keeps frames, and what they hold, until a collection.)
    """
    import gc

    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # another C library (musl): nothing to trim
        return
    if trim is not None:
        trim(0)


def run_bounded(
    work: Callable[[], T],
    *,
    timeout: float | None,
    memory: int | None,
    timeout_message: str,
    memory_message: str,
) -> T:
    """Run `work` on a thread with a large stack and return its result (or raise its exception).

    Past `timeout` seconds, or when the process grows beyond `memory` bytes, the limit hook is
    called with the matching message (see `on_limit`).
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()
    context = contextvars.copy_context()

    def target() -> None:
        try:
            outcome["value"] = context.run(work)
        except BaseException as err:  # handed to the caller's thread
            import traceback

            # Native objects (query solutions) in the failed frames must be freed on this thread.
            traceback.clear_frames(err.__traceback__)
            outcome["error"] = err
        finally:
            done.set()

    thread = start_thread(target)
    if resident_bytes() is None:
        memory = None
    deadline = None if timeout is None else time.monotonic() + timeout
    step = 0.02
    while not done.wait(step if deadline is None else max(0.0, min(step, deadline - time.monotonic()))):
        if deadline is not None and time.monotonic() >= deadline:
            _limit(timeout_message)
        if memory is not None:
            used = resident_bytes()
            if used is not None and used > memory:
                _limit(memory_message)
        step = min(step * 1.5, 0.1)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def start_thread(target: Callable[[], None]) -> threading.Thread:
    """Start `target` on a daemon thread with a WORK_STACK stack (the default stack if there is no room)."""
    previous = None
    try:
        previous = threading.stack_size(WORK_STACK)
    except (ValueError, RuntimeError):  # pragma: no cover - a platform without settable stacks
        previous = None
    try:
        thread = threading.Thread(target=target, name="pactgraph-query", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # pragma: no cover - no memory for the large stack: the default one
            if previous is not None:
                threading.stack_size(previous)
                previous = None
            thread = threading.Thread(target=target, name="pactgraph-query", daemon=True)
            thread.start()
    finally:
        if previous is not None:
            threading.stack_size(previous)
    return thread


def die_with_parent() -> None:  # pragma: no cover - runs in a child process
    """Linux: this process gets SIGTERM when the thread that started it ends, so a server or
    worker cannot outlive a pactgraph process that was stopped (exit_at_limit ends it at once)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - not Linux, or no libc: nothing to tie
        pass


# ---------------------------------------------------------------- the network


class NetworkRefused(OSError):
    """A connection attempt while the network is switched off (see `no_network`)."""


#: Audit events of a connection or a name lookup (https://docs.python.org/3/library/audit_events.html).
NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
    }
)

_OFFLINE = [0]  # blocks in no_network() now running; the audit hook refuses while it is above 0
_HOOKED = threading.Lock()
_HOOK_INSTALLED = [False]
_ALLOWED: list[tuple[str, int]] = []  # (host, port) that network_to() lets through, resolved addresses too


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _OFFLINE[0] and event in NETWORK_EVENTS and not _allowed(event, args):
        raise NetworkRefused("pactgraph opens no network connection here")


def _allowed(event: str, args: tuple[Any, ...]) -> bool:
    if not _ALLOWED:
        return False
    if event == "socket.connect":
        address = args[1] if len(args) > 1 else None
        return isinstance(address, tuple) and len(address) >= 2 and (address[0], address[1]) in _ALLOWED
    if event == "socket.getaddrinfo":
        host = args[0].decode("ascii", "replace") if isinstance(args[0], bytes) else args[0]
        return any(host == allowed for allowed, _ in _ALLOWED)
    return False


@contextmanager
def network_to(host: str, port: int) -> Iterator[None]:
    """Connections to `host`:`port` (and name lookups of `host`) pass inside no_network(): the one
    service a command was told to use (a Dask scheduler), nothing else the input might name."""
    import socket

    entries = [(host.strip("[]"), port)]
    with _HOOKED:
        _ALLOWED.extend(entries)
    try:
        try:
            found = {(str(info[4][0]), port) for info in socket.getaddrinfo(host.strip("[]"), port)}
        except OSError:
            found = set()  # a name that does not resolve: the connection fails and says so
        with _HOOKED:
            _ALLOWED.extend(found)
        entries.extend(found)
        yield
    finally:
        with _HOOKED:
            for entry in entries:
                _ALLOWED.remove(entry)


@contextmanager
def no_network() -> Iterator[None]:
    """No Python-level network connection or name lookup in the block, in any thread (rdflib,
    pySHACL, urllib): the attempt raises NetworkRefused. An audit hook (PEP 578) sees every
    socket call; hooks cannot be removed, so it is installed once and consults a process-wide
    flag. Native code that bypasses Python's socket module is not covered; it is checked before it runs."""
    with _HOOKED:
        if not _HOOK_INSTALLED[0]:
            sys.addaudithook(_audit)
            _HOOK_INSTALLED[0] = True
        _OFFLINE[0] += 1
    try:
        yield
    finally:
        with _HOOKED:
            _OFFLINE[0] -= 1


# ---------------------------------------------------------------- tests


def checkpoint(name: str) -> None:
    """A no-op unless PACTGRAPH_PAUSE_AT equals `name`: then the process writes its pid to the
    file PACTGRAPH_PAUSE_FILE (if set) and sleeps for a minute, so a test can kill it right here."""
    if os.environ.get(ENV_PAUSE_AT) != name:
        return
    marker = os.environ.get("PACTGRAPH_PAUSE_FILE")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(60)


def describe_exit(code: int) -> str:
    """`killed by SIGSEGV` for a process ended by a signal (a negative status), else `exit N`."""
    import signal

    if code >= 0:
        return f"exit {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"
