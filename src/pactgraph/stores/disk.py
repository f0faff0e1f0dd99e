"""A persistent on-disk Oxigraph store that remembers the files it was loaded from.

Layout of a store directory DIR:

    DIR/oxigraph/               the Oxigraph (RocksDB) database; `oxigraph serve --location` opens it
    DIR/pactgraph-store.json    the manifest: the sources (the paths given to `pactgraph load`,
                                or the shipped graph) and, per loaded file, its named graph,
                                SHA-256, size, modification time and triple count
    DIR/store                   -> generation-TOKEN: the one pointer to the current generation
    DIR/previous                -> the generation before it, kept until the next load
    DIR/generation-TOKEN/       that generation's oxigraph/ and pactgraph-store.json; the two
                                names above are links through DIR/store

A load is all or nothing: it builds a new generation beside the current one (a
hard-linked copy of its database, Store.backup, then the changes, or a bulk load
for a new store), writes the manifest into it, and switches DIR/store to it with
one rename. A load killed at any point leaves the previous generation in place
(or, for a first load, a folder that `load` recognises and starts again); its
leftovers are removed by the next load. Loads take turns (DIR/.load.lock). Stores written before generations (a
real DIR/oxigraph folder) are moved to them by their next load.

`pactgraph load --store DIR` fills the store once (Oxigraph's bulk loader) and,
run again, reloads only files whose content changed, adds new files found under
the sources and drops the graphs of files that are gone, each graph replaced whole.
Queries open the database read-only and compare the sources with the manifest
first (size and modification time; the SHA-256 only when those differ), so a
changed source is noticed without reading the data again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactgraph.stores.base import LoadSummary, StoreError, fingerprint, graph_name, sha256_file

MANIFEST = "pactgraph-store.json"
DATABASE = "oxigraph"
CURRENT = "store"
PREVIOUS = "previous"
_LOCK = ".load.lock"
GENERATION = "generation-"
#: Removing a graph from an Oxigraph store costs about this many times loading it (measured on 0.5).
REMOVE_COST = 3
_NEW_POINTER = ".store-new-"
FORMAT = 1
ON_CHANGE = ("warn", "reload", "ignore")


@dataclass
class Changes:
    """How the sources differ from what the store holds (absolute file paths)."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Files whose size or mtime moved but whose content is the same: new fingerprints.
    touched: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    def describe(self) -> str:
        parts = []
        for label, items in (("changed", self.changed), ("new", self.added), ("gone", self.removed)):
            if items:
                shown = ", ".join(Path(i).name for i in items[:3]) + (", ..." if len(items) > 3 else "")
                parts.append(f"{len(items)} {label} ({shown})")
        return "; ".join(parts)


class DiskStore:
    """An Oxigraph store in a directory, with a manifest of its source files."""

    def __init__(self, location: str | Path, *, on_change: str = "warn"):
        if on_change not in ON_CHANGE:
            raise StoreError(f"store on_change must be one of {', '.join(ON_CHANGE)}, not {on_change!r}")
        self.location = Path(location)
        self.description = str(self.location)
        self.on_change = on_change
        self.warnings: list[str] = []
        self._store: Any = None
        self._writable = False

    # ------------------------------------------------------------ paths and manifest

    @property
    def database(self) -> Path:
        return self.location / DATABASE

    @property
    def manifest_path(self) -> Path:
        return self.location / MANIFEST

    def exists(self) -> bool:
        generation = self._generation()
        return (generation / MANIFEST).is_file() and (generation / DATABASE).is_dir()

    def _generation(self) -> Path:
        """The folder of the current generation, resolved once (so a reader sees one generation whole)."""
        pointer = self.location / CURRENT
        if pointer.is_symlink():
            return self.location / os.readlink(pointer)
        return self.location  # a store written before generations

    def manifest(self, generation: Path | None = None) -> dict[str, Any]:
        path = (generation or self._generation()) / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError(
                f"{self.location}: not a pactgraph store (no {MANIFEST}); "
                f"create it with `pactgraph load --store {self.location}`"
            ) from None
        except (OSError, ValueError) as err:
            raise StoreError(f"{path}: cannot read the store manifest: {err}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StoreError(f"{self.manifest_path}: unknown store manifest format")
        return data

    @staticmethod
    def _write_manifest(folder: Path, data: dict[str, Any]) -> None:
        tmp = folder / (MANIFEST + ".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=1, sort_keys=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / MANIFEST)

    # ------------------------------------------------------------ sources

    @staticmethod
    def source_files(roots: Sequence[str] | None) -> list[Path]:
        """The files the sources stand for now (None: the shipped graph), absolute."""
        from pactgraph.rdf.loading import default_graph_paths, resolve_inputs

        files = default_graph_paths() if roots is None else resolve_inputs(roots)
        return [f.resolve() for f in files]

    def changes(self, manifest: dict[str, Any] | None = None) -> Changes:
        """Compare the sources with the manifest; hashes only files whose size or mtime moved."""
        manifest = self.manifest() if manifest is None else manifest
        recorded: dict[str, dict[str, Any]] = manifest.get("files", {})
        found = Changes()
        roots = manifest.get("roots")
        if roots is None:
            try:
                current = {str(p) for p in self.source_files(None)}
            except Exception:  # the shipped graph is gone: every file is checked on its own
                current = set()
        else:
            current = _scan(roots)
        for name, entry in recorded.items():
            try:
                stat = os.stat(name)
            except OSError:
                found.removed.append(name)
                continue
            now = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
            if now["size"] == entry.get("size") and now["mtime_ns"] == entry.get("mtime_ns"):
                continue
            digest = sha256_file(Path(name))
            if digest == entry.get("sha256"):
                found.touched[name] = {**entry, **now}
            else:
                found.changed.append(name)
        found.added = sorted(current - set(recorded))
        return found

    # ------------------------------------------------------------ opening

    def _open(self, generation: Path | None = None) -> Any:
        """The current generation's database, read-only."""
        import pyoxigraph as ox

        if self._store is not None:
            return self._store
        try:
            self._store = ox.Store.read_only(str((generation or self._generation()) / DATABASE))
        except OSError as err:
            raise StoreError(f"{self.location}: cannot open the store: {err}") from None
        return self._store

    def open_for_reading(self) -> Any:
        """Open read-only after checking the sources: warn, reload or ignore a change (`on_change`)."""
        if self._store is not None:
            return self._store
        generation = self._generation()
        manifest = self.manifest(generation)
        if not (generation / DATABASE).is_dir():
            raise StoreError(f"{self.location}: the store has no database folder {DATABASE}/")
        if self.on_change != "ignore":
            changes = self.changes(manifest)
            if changes and self.on_change == "reload":
                self.sync(manifest.get("roots"), keep_roots=True)
                self.close()
                generation = self._generation()
            elif changes:
                self.warnings.append(
                    f"the store {self.location} is out of date: {changes.describe()}; answering from the "
                    f"stored data (update it with `pactgraph load --store {self.location}`)"
                )
        return self._open(generation)

    # ------------------------------------------------------------ the interface

    def query(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        source: str = "<query>",
        default_graph: Sequence[str] | None = None,
    ) -> Any:
        from pactgraph.query.querying import run_query

        store = self.open_for_reading()
        return run_query(store, text, params, source=source, default_graph=default_graph)

    def graphs(self) -> list[str]:
        store = self.open_for_reading()
        return sorted(g.value for g in store.named_graphs() if hasattr(g, "value"))

    def load(self, files: Sequence[Path]) -> LoadSummary:
        """Load these files (each replacing its graph whole) and record them; other graphs stay."""
        with self._exclusive():
            return self._load(files)

    def _load(self, files: Sequence[Path]) -> LoadSummary:
        manifest = self._manifest_or_new(None)
        recorded = manifest["files"]
        targets = [Path(f).resolve() for f in files]
        return self._apply(manifest, targets, [], {}, [str(t) for t in targets if str(t) in recorded])

    def sync(self, roots: Sequence[str] | None = None, *, keep_roots: bool = False) -> LoadSummary:
        """Make the store hold exactly the files of `roots` (None: the recorded sources, else the shipped graph).

        Changed files are reloaded, new ones loaded, missing ones' graphs dropped;
        unchanged files are not read again.
        """
        with self._exclusive():
            return self._sync(roots, keep_roots=keep_roots)

    def _sync(self, roots: Sequence[str] | None, *, keep_roots: bool) -> LoadSummary:
        exists = self.exists()
        manifest = self._manifest_or_new(None)
        if roots is None and exists and not keep_roots:
            roots = manifest.get("roots")
        elif roots is not None:
            roots = [str(Path(r).resolve()) for r in roots]
        manifest["roots"] = roots
        files = self.source_files(roots)
        recorded = manifest["files"]
        wanted = {str(f) for f in files}
        changes = self.changes(manifest) if recorded else Changes()
        changed = set(changes.changed)
        to_load = [f for f in files if str(f) not in recorded or str(f) in changed]
        removed = sorted(set(recorded) - wanted)
        unchanged = [str(f) for f in files if str(f) in recorded and str(f) not in changed]
        touched = {k: v for k, v in changes.touched.items() if k in wanted}
        return self._apply(manifest, to_load, removed, touched, unchanged, replacing=sorted(changed & wanted))

    def _manifest_or_new(self, roots: Sequence[str] | None) -> dict[str, Any]:
        self._links()  # a load killed right after its switch: the links may be missing
        if self.exists():
            return self.manifest()
        if self.location.exists() and not self.manifest_path.is_file():
            entries = list(self.location.iterdir())
            if entries and not all(_ours(entry) for entry in entries):
                (self.location / _LOCK).unlink(missing_ok=True)  # leave the folder as it was
                raise StoreError(
                    f"{self.location}: exists and is not a pactgraph store; give an empty or new directory"
                )
            for entry in entries:  # a first load that was interrupted: start again
                _remove(entry)
        return {"format": FORMAT, "roots": roots, "files": {}}

    def _links(self) -> None:
        """Make DIR/oxigraph and DIR/pactgraph-store.json lead through DIR/store (when it exists)."""
        if not (self.location / CURRENT).is_symlink():
            return
        for name in (DATABASE, MANIFEST):
            link = self.location / name
            if link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}":
                continue
            if link.is_dir() and not link.is_symlink():  # a store written before generations
                _remove(link)
            tmp = self.location / f".{name}.link"
            _remove(tmp)
            tmp.symlink_to(f"{CURRENT}/{name}")
            os.replace(tmp, link)

    def _leftovers(self) -> None:
        """Remove what killed loads left, and generations older than the previous one.

        The previous generation is kept until the next load: a read-only endpoint that opened it
        before the switch keeps serving it.
        """
        keep = {os.readlink(p) for p in (self.location / CURRENT, self.location / PREVIOUS) if p.is_symlink()}
        for entry in self.location.iterdir():
            if entry.name.startswith(_NEW_POINTER) or (entry.name.startswith(GENERATION) and entry.name not in keep):
                _remove(entry)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One load of the store at a time: a second one waits for the first (a lock file, DIR/.load.lock)."""
        import fcntl

        self.location.mkdir(parents=True, exist_ok=True)
        with open(self.location / _LOCK, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _apply(
        self,
        manifest: dict[str, Any],
        to_load: Sequence[Path],
        removed: Sequence[str],
        touched: dict[str, dict[str, Any]],
        unchanged: Sequence[str],
        replacing: Sequence[str] = (),
    ) -> LoadSummary:
        """Build the next generation with these changes and switch to it; the current one is untouched."""
        import secrets

        import pyoxigraph as ox

        from pactgraph import __version__
        from pactgraph.process import checkpoint

        summary = LoadSummary(target=str(self.location))
        start = time.perf_counter()
        self.close()
        self.location.mkdir(parents=True, exist_ok=True)
        self._leftovers()
        recorded: dict[str, dict[str, Any]] = manifest["files"]
        fresh = not recorded
        if not fresh and not to_load and not removed and self.exists():
            # Nothing to load: at most new fingerprints of touched files, one atomic manifest write.
            if touched:
                recorded.update(touched)
                self._write_manifest(self._generation(), manifest)
            summary.unchanged = list(unchanged)
            summary.seconds = time.perf_counter() - start
            return summary
        replacing_set = set(replacing) | {str(Path(p).resolve()) for p in to_load if str(Path(p).resolve()) in recorded}
        manifest["pactgraph"] = __version__
        manifest["pyoxigraph"] = _pyoxigraph_version()
        staging = self.location / f"{GENERATION}{secrets.token_hex(6)}"
        staging.mkdir()
        store: Any = None
        try:
            dropped = set(removed) | (replacing_set & set(recorded))
            dropped_triples = sum(int(recorded[k].get("triples", 0)) for k in dropped if k in recorded)
            kept_triples = sum(int(e.get("triples", 0)) for k, e in recorded.items() if k not in dropped)
            if fresh or REMOVE_COST * dropped_triples > kept_triples:
                # Removing a graph costs about REMOVE_COST times loading it: copy what stays instead.
                store = ox.Store(str(staging / DATABASE))
                current = None if fresh else _open_current(self._generation() / DATABASE)
                drop = {recorded[k]["graph"] for k in dropped}
                for name in removed:
                    recorded.pop(name)
                    summary.removed.append(name)
                for name, entry in touched.items():
                    recorded[name] = entry
                self._bulk_fill(store, [Path(p).resolve() for p in to_load], recorded, summary, current, drop)
                current = None
                to_load, removed, touched = [], [], {}
            else:
                # A copy of the current database: hard links to its immutable files, so it costs little.
                _open_current(self._generation() / DATABASE).backup(str(staging / DATABASE))
                store = ox.Store(str(staging / DATABASE))
            checkpoint("load-copied")
            for name in removed:
                entry = recorded.pop(name)
                store.remove_graph(ox.NamedNode(entry["graph"]))
                summary.removed.append(name)
            for name, entry in touched.items():
                recorded[name] = entry
            for path in to_load:
                self._load_one(store, Path(path).resolve(), recorded, replacing_set, summary)
            store.flush()
            store = None  # closed: the switch hands the folder to readers
            self._write_manifest(staging, manifest)
            checkpoint("load-staged")
        except OSError as err:
            store = None
            _remove(staging)
            raise StoreError(f"{self.location}: cannot write the store: {err}") from None
        except BaseException:
            store = None
            _remove(staging)  # the current generation is untouched
            raise
        self._switch(staging)
        checkpoint("load-switched")
        self._leftovers()
        summary.unchanged = [u for u in unchanged if u not in summary.loaded]
        summary.seconds = time.perf_counter() - start
        return summary

    def _load_one(
        self, store: Any, path: Path, recorded: dict[str, dict[str, Any]], replacing: set[str], summary: LoadSummary
    ) -> None:
        """Load one file into the staged database, replacing its graph whole."""
        import pyoxigraph as ox

        from pactgraph.rdf.loading import load_file_into, parse_file
        from pactgraph.process import checkpoint

        key = str(path)
        graph = graph_name(path)
        found = fingerprint(path)
        if key in replacing:
            parse_file(path, nesting=False)  # a syntax error stops the load before anything changes
            store.remove_graph(ox.NamedNode(graph))
            checkpoint("load-graph-removed")
        recorded.pop(key, None)
        load_file_into(store, path, graph, bulk=True)
        count = _graph_size(store, graph)
        recorded[key] = {**found, "graph": graph, "triples": count}
        summary.loaded.append(key)
        summary.triples += count

    def _switch(self, staging: Path) -> None:
        """Make `staging` the current generation: one rename of the pointer DIR/store."""
        current = self.location / CURRENT
        if current.is_symlink():  # remembered, so the next load, not this one, removes it
            previous = self.location / f"{_NEW_POINTER}previous"
            _remove(previous)
            previous.symlink_to(os.readlink(current))
            os.replace(previous, self.location / PREVIOUS)
        pointer = self.location / f"{_NEW_POINTER}{staging.name}"
        pointer.symlink_to(staging.name)
        _fsync_folder(self.location)
        os.replace(pointer, current)
        _fsync_folder(self.location)
        self._links()

    def _bulk_fill(
        self,
        store: Any,
        files: list[Path],
        recorded: dict[str, dict[str, Any]],
        summary: LoadSummary,
        current: Any = None,
        drop: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """Fill an empty store with one bulk load: what `current` holds outside the graphs `drop`, and the files."""
        import pyoxigraph as ox

        from pactgraph.rdf.loading import iter_quads_into_graph

        graphs = {str(path): graph_name(path) for path in files}
        found = {str(path): fingerprint(path) for path in files}
        replaced = drop | set(graphs.values())

        def quads() -> Any:
            if current is not None:
                yield from current.quads_for_pattern(None, None, None, ox.DefaultGraph())
                for graph in current.named_graphs():
                    if graph.value not in replaced:
                        yield from current.quads_for_pattern(None, None, None, graph)
            for path in files:
                yield from iter_quads_into_graph(path, graphs[str(path)])

        store.bulk_extend(quads())
        store.flush()
        # Parsed quads can repeat a triple; count what the store holds.
        sizes = {
            row["g"].value: int(row["n"].value)
            for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        }
        for path in files:
            key = str(path)
            count = sizes.get(graphs[key], 0)
            recorded[key] = {**found[key], "graph": graphs[key], "triples": count}
            summary.loaded.append(key)
            summary.triples += count

    def total_triples(self) -> int:
        return sum(int(e.get("triples", 0)) for e in self.manifest().get("files", {}).values())

    def close(self) -> None:
        self._store = None
        self._writable = False


def _ours(entry: Path) -> bool:
    """Whether a folder entry is one a load writes (so a folder holding only these is a store being made)."""
    name = entry.name
    return name in (CURRENT, PREVIOUS, _LOCK, DATABASE, MANIFEST, MANIFEST + ".tmp") or name.startswith(
        (GENERATION, _NEW_POINTER, ".oxigraph.link", ".pactgraph-store.json.link")
    )


def _open_current(database: Path) -> Any:
    """The current database, opened for writing only to be sure no one else writes to it (a writable endpoint)."""
    import pyoxigraph as ox

    try:
        return ox.Store(str(database))
    except OSError as err:
        raise StoreError(
            f"{database.parent}: cannot open the store to load into it (is a writable endpoint serving it?): {err}"
        ) from None


def _remove(path: Path) -> None:
    import shutil

    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _scan(roots: Sequence[str]) -> set[str]:
    """The RDF files under absolute `roots` (files or directories), quickly: no sorting, no resolving."""
    from pactgraph.rdf.rdf_formats import EXTENSIONS

    found: set[str] = set()
    for root in roots:
        if os.path.isfile(root):
            found.add(root)
            continue
        for folder, _, names in os.walk(root):
            for name in names:
                if os.path.splitext(name)[1].lower() in EXTENSIONS:
                    found.add(os.path.join(folder, name))
    return found


def _graph_size(store: Any, graph: str) -> int:
    import pyoxigraph as ox

    rows = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.NamedNode(graph)
    )
    return int(next(iter(rows))["n"].value)


def _pyoxigraph_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pyoxigraph")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"
