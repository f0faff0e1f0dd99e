"""The default store: an in-memory Oxigraph store built from the source files on every run."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pactgraph.query.querying import run_query
from pactgraph.stores.base import LoadSummary


class MemoryStore:
    """An in-memory pyoxigraph Store, one named graph per loaded file."""

    description = "memory"

    def __init__(self, files: Sequence[str | Path] | None = None, *, store: Any = None):
        import pyoxigraph as ox

        self.store = store if store is not None else ox.Store()
        self._empty = store is None
        self.warnings: list[str] = []
        if files is not None:
            from pactgraph.rdf.loading import resolve_inputs

            self.load(resolve_inputs(files))

    @classmethod
    def wrap(cls, store: Any) -> MemoryStore:
        """A MemoryStore over an existing pyoxigraph Store (e.g. from `loading.load_store`)."""
        return cls(store=store)

    @classmethod
    def shipped(cls) -> MemoryStore:
        """The shipped ontology and data."""
        from pactgraph.rdf.loading import load_store

        return cls(store=load_store())

    def query(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        source: str = "<query>",
        default_graph: Sequence[str] | None = None,
    ) -> Any:
        return run_query(self.store, text, params, source=source, default_graph=default_graph)

    def load(self, files: Sequence[Path]) -> LoadSummary:
        import pyoxigraph as ox

        from pactgraph.rdf.loading import load_file_into
        from pactgraph.stores.base import graph_name

        summary = LoadSummary(target=self.description)
        start = time.perf_counter()
        empty = self._empty
        before = 0 if empty else len(self.store)
        for path in files:
            graph = graph_name(path)
            if not empty:
                self.store.remove_graph(ox.NamedNode(graph))
            load_file_into(self.store, Path(path), graph)
            summary.loaded.append(str(path))
        self._empty = False
        summary.seconds = time.perf_counter() - start
        summary.triples = len(self.store) - before
        return summary

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if hasattr(g, "value"))

    def close(self) -> None:
        self.store = None
