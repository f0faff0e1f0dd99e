"""Limits that keep hostile or broken input from exhausting time, memory or the stack, or reaching the network.

Every limit has a default and an environment variable to change it:

    PACTGRAPH_MAX_INPUT    512M   largest RDF input file (bytes; K, M, G suffixes)
    PACTGRAPH_MAX_LITERAL  16M    longest literal (characters), and largest XML entity expansion
    PACTGRAPH_MAX_DEPTH    128    deepest nesting: JSON-LD objects and arrays, RDF/XML elements,
                                  blank nodes inside blank nodes (and lists inside lists) for the
                                  commands that hand the graph to rdflib, and brackets in a query
    PACTGRAPH_MAX_QUERY    256K   largest SPARQL query text (bytes)
    PACTGRAPH_MAX_MEMORY   half the physical memory: a query that makes the process larger is stopped

`pactgraph query` also takes `--timeout SECONDS` (default QUERY_TIMEOUT) and
`--limit N` (default QUERY_LIMIT rows or triples).

What these numbers guard against, measured on pyoxigraph 0.5: JSON-LD parsing
time grows with bytes x nesting depth (3,000 nested objects take 8 s and 1.7 GB,
10,000 crash the process); RDF/XML parsing time grows with the square of the
element depth; XML internal entities are expanded without bound (the "billion
laughs" document asks for 3 GB); rdflib's Turtle writer recurses once per nested
blank node and stops with RecursionError near 250 levels; the SPARQL engine
recurses over the query, so a few thousand nested groups or chained operators
overflow the native stack (queries therefore run on a thread with a large stack,
see `run_bounded`).

The checks of input files against these limits are in pactgraph.input_checks.
Nothing there fetches anything: pactgraph reads only the files it is given.
JSON-LD contexts must be inline or one of the contexts bundled with pactgraph
(BUNDLED_CONTEXTS); XML external entities are refused before parsing.

Importing this module is cheap (standard library only, nothing heavy): the
`pactgraph query` path uses it.
"""

from __future__ import annotations

import contextvars
import os
import signal
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pactgraph.errors import InputError

T = TypeVar("T")

#: Defaults (see the module docstring for the environment variables).
MAX_INPUT = 512 * 1024 * 1024
MAX_LITERAL = 16 * 1024 * 1024
MAX_DEPTH = 128
MAX_QUERY = 256 * 1024
QUERY_TIMEOUT = 30.0
QUERY_LIMIT = 100_000

#: The stack of the thread a query runs on: the native SPARQL engine recurses over the query.
QUERY_STACK = 256 * 1024 * 1024

ENV_MAX_INPUT = "PACTGRAPH_MAX_INPUT"
ENV_MAX_LITERAL = "PACTGRAPH_MAX_LITERAL"
ENV_MAX_DEPTH = "PACTGRAPH_MAX_DEPTH"
ENV_MAX_QUERY = "PACTGRAPH_MAX_QUERY"
ENV_MAX_MEMORY = "PACTGRAPH_MAX_MEMORY"

#: A no-op in normal runs. When the variable names a checkpoint (see `checkpoint`), the
#: process stops there for a while, so that tests can kill it at a known point of a write.
ENV_PAUSE_AT = "PACTGRAPH_PAUSE_AT"

#: JSON-LD context IRIs whose documents ship with pactgraph: resource name in pactgraph.publishing.
BUNDLED_CONTEXTS = {
    "https://w3id.org/pactgraph/context.jsonld": "context.jsonld",
    "http://w3id.org/pactgraph/context.jsonld": "context.jsonld",
}

_SIZE = r"^\s*(\d+)\s*([KMGT]?)(i?B)?\s*$"
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


# ---------------------------------------------------------------- settings


def parse_size(value: str, what: str) -> int:
    """`512M` -> bytes (K, M, G, T are powers of 1024); InputError naming `what` otherwise."""
    match = re.match(_SIZE, str(value), re.I)
    if not match:
        raise InputError(f"{what}: expected a size such as 512M or 1G, not {value!r}")
    return int(match.group(1)) * _UNITS[match.group(2).upper()]


def _env_size(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return parse_size(raw, name)


def max_input() -> int:
    return _env_size(ENV_MAX_INPUT, MAX_INPUT)


def max_literal() -> int:
    return _env_size(ENV_MAX_LITERAL, MAX_LITERAL)


def max_query() -> int:
    return _env_size(ENV_MAX_QUERY, MAX_QUERY)


def max_depth() -> int:
    raw = os.environ.get(ENV_MAX_DEPTH)
    if raw is None or raw.strip() == "":
        return MAX_DEPTH
    if not raw.strip().isdigit() or int(raw) < 1:
        raise InputError(f"{ENV_MAX_DEPTH}: expected a whole number of at least 1, not {raw!r}")
    return int(raw)


def max_memory() -> int | None:
    """The memory a query may make the process use (bytes); None when it cannot be measured here."""
    raw = os.environ.get(ENV_MAX_MEMORY)
    if raw is not None and raw.strip() != "":
        return parse_size(raw, ENV_MAX_MEMORY)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    return total // 2 if total > 0 else None


def parse_seconds(value: str | None, option: str, default: float | None) -> float | None:
    """A --timeout value: seconds > 0, or 0 for none (None returned); `default` when not given."""
    if value is None:
        return default or None
    try:
        seconds = float(str(value).strip())
    except ValueError:
        raise InputError(f"{option} must be a number of seconds, not {value!r}") from None
    if seconds != seconds or seconds < 0 or seconds == float("inf"):
        raise InputError(f"{option} must be 0 (no limit) or a positive number of seconds, not {value!r}")
    return None if seconds == 0 else seconds


def parse_count(value: str | None, option: str, default: int) -> int | None:
    """A --limit value: a whole number > 0, or 0 for none (None returned)."""
    if value is None:
        return default
    text = str(value).strip()
    if not text.isdigit():
        raise InputError(f"{option} must be a whole number (0: no limit), not {value!r}")
    count = int(text)
    return None if count == 0 else count


def human_size(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


# ---------------------------------------------------------------- input files


def check_file_size(path: Path, size: int, fmt: str) -> None:
    """InputError for an empty file or one larger than the input limit."""
    if size == 0:
        raise InputError(f"{path}: empty file (0 bytes); expected {fmt}")
    limit = max_input()
    if size > limit:
        raise InputError(
            f"{path}: {human_size(size)}, more than the input limit of {human_size(limit)} "
            f"(set {ENV_MAX_INPUT} to raise it)"
        )


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class QueryPolicy:
    """What a user query may do: SERVICE endpoints it may call and how many results it may give."""

    allow_service: tuple[str, ...] = ()
    max_results: int | None = None


_POLICY: contextvars.ContextVar[QueryPolicy] = contextvars.ContextVar("pactgraph_query_policy", default=QueryPolicy())


def current_query_policy() -> QueryPolicy:
    return _POLICY.get()


@contextmanager
def query_policy(allow_service: Sequence[str] = (), max_results: int | None = None) -> Iterator[QueryPolicy]:
    """Run the block's queries under this policy (the default: no SERVICE, no result limit)."""
    policy = QueryPolicy(tuple(allow_service), max_results)
    token = _POLICY.set(policy)
    try:
        yield policy
    finally:
        _POLICY.reset(token)


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _stop(message: str) -> None:
    try:
        sys.stdout.flush()
    except Exception:  # pragma: no cover - a closed stdout
        pass
    try:
        sys.stderr.write(f"pactgraph: error: {message}\n")
        sys.stderr.flush()
    finally:
        os._exit(2)


def run_bounded(work: Callable[[], T], *, timeout: float | None, what: str, option: str = "--timeout") -> T:
    """Run `work` on a thread with a large stack and return its result (or raise its exception).

    When it takes longer than `timeout` seconds, or the process grows beyond
    PACTGRAPH_MAX_MEMORY, a one-line error is printed and the process exits
    with status 2 at once: the native query engine cannot be interrupted, so
    ending the process is the only way to stop it. For the command line only.
    """
    import time

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

    thread = _start_thread(target)
    memory = max_memory() if _resident_bytes() is not None else None
    deadline = None if timeout is None else time.monotonic() + timeout
    step = 0.02
    while not done.wait(step if deadline is None else max(0.0, min(step, deadline - time.monotonic()))):
        if deadline is not None and time.monotonic() >= deadline:
            _stop(
                f"{what} ran for more than {timeout:g} s and was stopped ({option} {timeout:g}); "
                f"narrow it, or give a larger {option} (0: no limit)"
            )
        if memory is not None:
            used = _resident_bytes()
            if used is not None and used > memory:
                _stop(
                    f"{what} made pactgraph use more than {human_size(memory)} of memory and was stopped "
                    f"(limit: {ENV_MAX_MEMORY})"
                )
        step = min(step * 1.5, 0.1)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def die_with_parent() -> None:  # pragma: no cover - runs in a child process
    """Linux: this process gets SIGTERM when the thread that started it ends, so a server or
    worker cannot outlive a pactgraph process that was stopped (run_bounded ends it at once)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _start_thread(target: Callable[[], None]) -> threading.Thread:
    previous = None
    try:
        previous = threading.stack_size(QUERY_STACK)
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


# ---------------------------------------------------------------- the network


class NetworkRefused(OSError):
    """A connection attempt while the network is switched off (see `offline`)."""


@contextmanager
def offline() -> Iterator[None]:
    """No Python-level network connection can be opened in the block (rdflib, pySHACL, urllib):
    an attempt raises NetworkRefused. Native code is not covered; it is checked before it runs."""
    import socket

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkRefused("pactgraph opens no network connection here")

    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo) = saved  # type: ignore[method-assign]


# ---------------------------------------------------------------- tests


def checkpoint(name: str) -> None:
    """A no-op unless PACTGRAPH_PAUSE_AT equals `name`: then the process writes its pid to the
    file PACTGRAPH_PAUSE_FILE (if set) and sleeps for a minute, so a test can kill it right here."""
    if os.environ.get(ENV_PAUSE_AT) != name:
        return
    import time

    marker = os.environ.get("PACTGRAPH_PAUSE_FILE")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(60)
