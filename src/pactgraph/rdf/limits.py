"""Limits that keep hostile or broken input from exhausting time, memory or the stack, or reaching the network.

Every limit has a default and an environment variable to change it:

    PACTGRAPH_MAX_INPUT    512M   largest RDF input file (bytes; K, M, G suffixes)
    PACTGRAPH_MAX_LITERAL  16M    longest literal (characters), and largest XML entity expansion
    PACTGRAPH_MAX_DEPTH    128    deepest nesting: JSON-LD objects and arrays, RDF/XML elements,
                                  blank nodes inside blank nodes (and lists inside lists) for the
                                  commands that hand the graph to rdflib, and brackets in a query
    PACTGRAPH_MAX_QUERY    256K   largest SPARQL query text (bytes)
    PACTGRAPH_MAX_VALUES, PACTGRAPH_MAX_UNION, PACTGRAPH_MAX_PATTERNS, PACTGRAPH_MAX_QUERY_LITERAL
                                  rows of a VALUES block (10,000), UNION branches (256), triple
                                  patterns (1,000) and characters of a literal (65,536) in a query
                                  (pactgraph.query.sparql_limits; the depth of a query counts operator
                                  chains such as property paths too)
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
see `pactgraph.process.run_bounded`).

The checks of input files against these limits are in pactgraph.rdf.input_checks.
Nothing there fetches anything: pactgraph reads only the files it is given.
JSON-LD contexts must be inline or one of the contexts bundled with pactgraph
(BUNDLED_CONTEXTS); XML external entities are refused before parsing.

Importing this module is cheap (standard library only, nothing heavy): the
`pactgraph query` path uses it.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pactgraph.errors import InputError

# Process-level effects live in pactgraph.process; these names stay importable from here.
from pactgraph.process import NetworkRefused, checkpoint, die_with_parent  # noqa: F401
from pactgraph.process import no_network as offline  # noqa: F401

T = TypeVar("T")

#: Defaults (see the module docstring for the environment variables).
MAX_INPUT = 512 * 1024 * 1024
MAX_LITERAL = 16 * 1024 * 1024
MAX_DEPTH = 128
MAX_QUERY = 256 * 1024
QUERY_TIMEOUT = 30.0
QUERY_LIMIT = 100_000

ENV_MAX_INPUT = "PACTGRAPH_MAX_INPUT"
ENV_MAX_LITERAL = "PACTGRAPH_MAX_LITERAL"
ENV_MAX_DEPTH = "PACTGRAPH_MAX_DEPTH"
ENV_MAX_QUERY = "PACTGRAPH_MAX_QUERY"
ENV_MAX_MEMORY = "PACTGRAPH_MAX_MEMORY"

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


def env_count(name: str, default: int) -> int:
    """A whole-number limit from the environment variable `name` (at least 1); `default` when unset."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip().replace("_", "").replace(",", "")
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{name}: expected a whole number of at least 1, not {raw!r}")
    return int(text)


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


_POLICY: contextvars.ContextVar[QueryPolicy] = contextvars.ContextVar(
    "pactgraph_query_policy", default=QueryPolicy()  # noqa: B039 - a frozen dataclass
)


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


def run_bounded(work: Callable[[], T], *, timeout: float | None, what: str, option: str = "--timeout") -> T:
    """Run `work` on a thread with a large stack and return its result (or raise its exception).

    Past `timeout` seconds, or when the process grows beyond PACTGRAPH_MAX_MEMORY, the limit
    hook of `pactgraph.process` gets a one-line message saying so: LimitExceeded by default;
    the command line ends the process (the native engines cannot be interrupted).
    """
    from pactgraph import process

    memory = max_memory()
    return process.run_bounded(
        work,
        timeout=timeout,
        memory=memory,
        timeout_message=(
            f"{what} ran for more than {timeout or 0:g} s and was stopped ({option} {timeout or 0:g}); "
            f"narrow it, or give a larger {option} (0: no limit)"
        ),
        memory_message=(
            f"{what} made pactgraph use more than {human_size(memory or 0)} of memory and was stopped "
            f"(limit: {ENV_MAX_MEMORY})"
        ),
    )
