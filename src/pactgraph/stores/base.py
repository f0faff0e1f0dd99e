"""The store interface, graph names for source files, and what a load reports."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pactgraph.errors import PactgraphError
from pactgraph.rdf.graph_names import GRAPH_BASE, graph_name  # noqa: F401 - re-exported

if TYPE_CHECKING:  # pragma: no cover
    from pactgraph.query.querying import QueryResult

class StoreError(PactgraphError):
    """A store cannot be opened, read or written, or an endpoint cannot be reached or refused a request."""


@dataclass
class LoadSummary:
    """What a load did: files per outcome, triples loaded, seconds taken."""

    target: str
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """`Loaded 3 files (2584 triples) into DIR in 0.21 s; 1 unchanged, 0 removed.`"""
        n = len(self.loaded)
        rate = f", {self.triples / self.seconds:,.0f} triples/s" if self.seconds > 0 and self.triples else ""
        text = (
            f"Loaded {n} file{'' if n == 1 else 's'} ({self.triples} triples) into {self.target} "
            f"in {self.seconds:.2f} s{rate}"
        )
        extra = []
        if self.unchanged:
            extra.append(f"{len(self.unchanged)} unchanged")
        if self.removed:
            extra.append(f"{len(self.removed)} removed")
        return text + ("; " + ", ".join(extra) if extra else "") + "."


class GraphStore(Protocol):
    """What every store offers; each source file is one named graph."""

    #: For messages: `memory`, the store directory, or the endpoint URL.
    description: str
    #: Warnings for the user (e.g. a source file changed since it was loaded).
    warnings: list[str]

    def query(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        source: str = "<query>",
        default_graph: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a read-only query. `default_graph`: graph IRIs forming the default graph (None: all graphs)."""
        ...

    def load(self, files: Sequence[Path]) -> LoadSummary:
        """Load each file into its own named graph, replacing that graph whole."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        ...

    def close(self) -> None: ...


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(path: Path, *, with_hash: bool = True) -> dict[str, Any]:
    """size, mtime_ns and (optionally) sha256 of a file."""
    stat = os.stat(path)
    found: dict[str, Any] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if with_hash:
        found["sha256"] = sha256_file(path)
    return found


def select_rows(store: Any, text: str) -> list[dict[str, Any]]:
    """Rows of a SELECT query as dicts (variable -> pyoxigraph term), on a store or a bare pyoxigraph Store."""
    if not hasattr(store, "graphs"):
        from pactgraph.query.querying import run_query

        return run_query(store, text).bindings()
    return store.query(text).bindings()
