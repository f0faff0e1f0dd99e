"""The whole graph kept in the cache folder: an on-disk Oxigraph Store, each file (with its stored-text
facts) in a named graph of its own, so that after an edit only the changed files' graphs are loaded
again, and what changed (the triples they lost and gained) is known to validation.incremental.

A state file beside the Store names the key of each graph it holds (the file's SHA-256 and its
stored-text facts). It is removed before the Store is changed and written after, so a run that stops
in between leaves no state: the next run empties the Store and loads every file again. A Store that
cannot be opened (another validation holds it) means no Store: the graph is built in memory.

A cold run with more than one job fills the Store in a child process (`prefill_in_child`) while it
answers the whole-graph shapes in memory, on a core that would wait otherwise; `open` waits for it.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FORMAT = 1
#: Bytes of files put in one bulk load when the Store is filled from empty: a few loads are much faster
#: than one a file (each writes its own sorted files), and few bytes keep the loader's memory small.
BATCH_BYTES = 6_000_000
#: The Store folders a child process is filling (prefill_in_child), with the process.
_PREFILLS: dict[Path, Any] = {}


def graph_iri(name: str) -> str:
    """The Store's graph of the file whose graph name is `name`."""
    from pactgraph.validation.units import digest

    return "urn:pactgraph:file:" + digest(name)


def graph_key(sha256: str, facts: Sequence[Any]) -> str:
    """What the Store's graph of a file holds: the file (its SHA-256) and its stored-text facts, in any order."""
    from pactgraph.validation.units import digest, ntriples

    return digest(sha256, "".join(sorted(ntriples(facts).splitlines(keepends=True))))


@dataclass
class Change:
    """Triples the union of the graphs may have lost (`removed`) or gained (`added`) since the state."""

    removed: list[Any] = field(default_factory=list)
    added: list[Any] = field(default_factory=list)
    #: The Store was filled from empty: nothing is known of what changed.
    rebuilt: bool = False


class WholeStore:
    """The Store of one graph (a manifest's root) in one cache folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.state_path = folder.with_suffix(".json")
        self.store: Any = None
        self.state: dict[str, Any] = {}

    @classmethod
    def _of(cls, cache_dir: Path, root_key: str) -> WholeStore:
        return cls(cache_dir / "validation" / "store" / root_key)

    @classmethod
    def open(cls, cache_dir: Path, root_key: str) -> WholeStore | None:
        import pyoxigraph as ox

        found = cls._of(cache_dir, root_key)
        filling = _PREFILLS.pop(found.folder, None)
        if filling is not None:
            filling.wait()
        state = found._read_state()
        try:
            if not state and found.folder.exists():
                shutil.rmtree(found.folder)
            found.folder.mkdir(parents=True, exist_ok=True)
            found.store = ox.Store(str(found.folder))
        except OSError:
            return None
        found.state = state
        return found

    @classmethod
    def holds_graphs(cls, cache_dir: Path, root_key: str) -> bool:
        """Whether the Store of `root_key` has a state naming graphs (without opening the Store)."""
        return bool(cls._of(cache_dir, root_key)._read_state().get("graphs"))

    def _read_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT or not isinstance(data.get("graphs"), dict):
            return {}
        return data

    def write_state(self) -> None:
        self.state["format"] = STATE_FORMAT
        try:
            self.store.flush()
            tmp = self.state_path.with_name(self.state_path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.state, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.state_path)
        except OSError:
            pass  # no state: the next run loads every file again

    def _forget_state(self) -> None:
        try:
            self.state_path.unlink()
        except FileNotFoundError:
            pass

    def sync(self, files: Sequence[tuple[Path, str, str, list[Any]]]) -> Change:
        """Make the Store hold `files` — (path, graph IRI, key, stored-text facts) — and say what changed.
        The state's other entries (`rows`...) are dropped when a graph changes; the caller keeps what holds."""
        import pyoxigraph as ox

        from pactgraph.rdf.loading import load_file_into

        graphs: dict[str, str] = self.state.get("graphs", {})
        wanted = {graph: key for _, graph, key, _ in files}
        stale = [g for g in graphs if g not in wanted]
        fresh = [(p, g, k, f) for p, g, k, f in files if graphs.get(g) != k]
        change = Change()
        if not stale and not fresh:
            return change
        self._forget_state()
        empty = not graphs
        change.rebuilt = empty
        if empty:
            self._fill(fresh)
            self.state = {"graphs": wanted}
            return change
        for graph in stale:
            name = ox.NamedNode(graph)
            change.removed.extend(q.triple for q in self.store.quads_for_pattern(None, None, None, name))
            self.store.remove_graph(name)
        for path, graph, _, facts in fresh:
            name = ox.NamedNode(graph)
            before = set() if empty else {q.triple for q in self.store.quads_for_pattern(None, None, None, name)}
            if before:
                self.store.remove_graph(name)
            load_file_into(self.store, path, graph)
            self.store.extend(ox.Quad(q.subject, q.predicate, q.object, name) for q in facts)
            if empty:
                continue
            after = {q.triple for q in self.store.quads_for_pattern(None, None, None, name)}
            change.removed.extend(before - after)
            change.added.extend(after - before)
        self.state = {"graphs": wanted}
        return change

    def prefill(self, files: Sequence[tuple[Path, str, str]]) -> None:
        """Fill the empty Store with `files` -- (path, graph IRI, file SHA-256) -- and make its state, as
        `sync` would with these files and their stored-text facts; the facts are read from the
        pg:storedAt triples as loaded (a blank subject gets another name than in the caller's parse,
        so that file's key differs there and `sync` loads it again)."""
        import pyoxigraph as ox

        from pactgraph.validation.storedtext import STORED_AT, facts_for

        wanted: dict[str, str] = {}

        def facts_of(batch: Any, path: Path, graph: str, sha256: str) -> list[Any]:
            stored = [(q.subject, q.object.value)
                      for q in batch.quads_for_pattern(None, ox.NamedNode(STORED_AT), None, ox.NamedNode(graph))
                      if isinstance(q.object, ox.Literal)]
            facts = facts_for(path, stored)
            wanted[graph] = graph_key(sha256, facts)
            return facts

        self._forget_state()
        self._fill([(path, graph, sha256, facts_of) for path, graph, sha256 in files])
        self.state = {"graphs": wanted}

    def _fill(self, files: Sequence[tuple[Path, str, str, Any]]) -> None:
        """The empty Store filled with `files` (path, graph IRI, key, stored-text facts or a function
        `facts(batch, path, graph, key)` of the file as loaded): each parsed natively into a small
        in-memory Store, whose N-Quads go to the bulk loader a few megabytes at a time."""
        import pyoxigraph as ox

        from pactgraph.rdf.loading import load_file_into

        batch = ox.Store()
        size = 0
        for number, (path, graph, key, facts) in enumerate(files, 1):
            name = ox.NamedNode(graph)
            load_file_into(batch, path, graph)
            if callable(facts):
                facts = facts(batch, path, graph, key)
            batch.extend(ox.Quad(q.subject, q.predicate, q.object, name) for q in facts)
            size += path.stat().st_size
            if size >= BATCH_BYTES or number == len(files):
                self.store.bulk_load(input=batch.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
                batch = ox.Store()
                size = 0

    def close(self) -> None:
        """Close the Store now, not at some later garbage collection: until it is closed its files stay
        open and its compactions go on, so the folder could be neither copied nor opened again. A parser's
        exception caught on the way (pyparsing keeps a traceback whose frames reach the Store) can
        hold the last reference in a cycle that only a collection frees."""
        store, self.store = self.store, None
        if store is not None and sys.getrefcount(store) > 2:  # `store` and getrefcount's argument
            del store
            gc.collect()


def prefill_in_child(cache_dir: Path, root_key: str, paths: Sequence[Path]) -> None:
    """Start filling the empty Store of `root_key` with the files `paths` in a child process; the next
    `WholeStore.open` of it waits for the child. A child that fails or is stopped leaves no state,
    and the Store is then filled again as before."""
    import subprocess

    folder = WholeStore._of(cache_dir, root_key).folder
    if folder in _PREFILLS:
        return
    # A fresh interpreter that imports only this module: a forked one could inherit a lock that a Store
    # this process had opened held at that moment (RocksDB's threads) and wait on it for ever, and
    # multiprocessing's spawn would run the caller's main script again.
    child = subprocess.Popen(
        [sys.executable, "-c", "import json, sys; arguments = json.load(sys.stdin); "  # read first: the caller waits
         "from pactgraph.validation.wholestore import _prefill_main; _prefill_main(*arguments)"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert child.stdin is not None
    try:
        child.stdin.write(json.dumps([str(cache_dir), root_key, [str(p) for p in paths]]).encode("utf-8"))
        child.stdin.close()
    except OSError:  # the child is gone: nothing was filled
        child.wait()
        return
    _PREFILLS[folder] = child


def _prefill_main(cache_dir: str, root_key: str, paths: list[str]) -> None:  # pragma: no cover - a child
    """The child of prefill_in_child (its arguments come as JSON on stdin). It says nothing: a file it
    cannot read is reported by the run that started it, which reads the same file."""
    from pactgraph.process import die_with_parent
    from pactgraph.rdf.graph_names import graph_name
    from pactgraph.stores.base import sha256_file

    die_with_parent()
    kept = WholeStore.open(Path(cache_dir), root_key)
    if kept is None:
        sys.exit(1)
    try:
        if not kept.state.get("graphs"):
            files = [Path(p) for p in paths]
            kept.prefill([(path, graph_iri(graph_name(path)), sha256_file(path)) for path in files])
            kept.write_state()
    finally:
        kept.close()
