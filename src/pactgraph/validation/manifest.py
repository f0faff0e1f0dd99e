"""The validation manifest: what each file of a validated graph held, kept in the cache folder, so that
re-validating a graph parses only the files that changed.

For each file: the size and mtime_ns it had when hashed, and its SHA-256 (a file whose size or mtime
differ is hashed again, and so is one modified within `RACY_NS` of its hashing, which a later edit
in the same clock tick could hide); and what its content gave: its distinct triples, the named nodes
it describes (subjects) and the other names it uses, its prefixes, and the triples of the nodes that
other files describe too (the graph's triple count needs them), its typed literals as written and
its pg:storedAt values (the whole-graph shapes' Store takes the file natively with those, without a
parse in Python: validation.wholegraph). For each unit: its files, its cache
key, the files its closure touched and the stored text files (with their SHA-256) it read.

A unit's result is reused without parsing anything when its base (shapes, ontology, engine,
validation code, prefixes) is the same, its files and text files hash as before, no file its
closure touched changed or went away, and no changed or new file describes a node that its files or
the files it touched name (the only way its closure could grow). Every other unit is built again
from the files, parsed lazily: the changed files, then what the rebuilt units reach. A record that
is missing, unreadable or from other parse limits means parsing: never a reuse on a guess.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pactgraph.validation.units import GraphSource, Unit, cache_read, digest

MANIFEST_FORMAT = 2
#: A file modified this close to its hashing (nanoseconds) is hashed again: the clock tick may hide an edit.
RACY_NS = 2_000_000_000
#: What the content of a graph file gave (kept while its SHA-256 is the same).
_CONTENT = ("graph", "triples", "subjects", "names", "prefixes", "shared", "typed", "stored")
#: Parsed triples kept at most (about 100 MB): beyond, a file is let go once its record is taken and its
#: unit built, and parsed again if another unit reaches it. A cold run of a large graph then holds a
#: few files' triples at a time, not the whole graph's, at the cost of a second parse of each report.
PARSED_BUDGET = 250_000


def _limits() -> list[int]:
    """The parse limits: a file parsed under other limits may now be refused, so it is parsed again."""
    from pactgraph.rdf import limits

    return [limits.max_input(), limits.max_literal(), limits.max_depth()]


@functools.lru_cache(maxsize=1 << 16)
def _key(path: Path) -> str:
    """The resolved path, once per validation (Book clears it): a warm run names each file several times."""
    return str(path.resolve())


class Hasher:
    """SHA-256 of files through the table of what each was when last hashed."""

    def __init__(self, table: dict[str, dict[str, Any]]):
        self.table = table
        self.hashed = 0

    def sha256(self, path: Path) -> str | None:
        """The file's SHA-256; None when it is not a readable regular file."""
        from pactgraph.stores.base import sha256_file

        key = _key(path)
        try:
            found = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        entry = self.table.get(key)
        if (entry is not None and entry.get("size") == found.st_size and entry.get("mtime_ns") == found.st_mtime_ns
                and found.st_mtime_ns < int(entry.get("checked_ns", 0)) - RACY_NS):
            return str(entry["sha256"])
        checked = time.time_ns()
        try:
            sha = sha256_file(path)
        except OSError:
            return None
        self.hashed += 1
        kept = {k: v for k, v in entry.items() if k in _CONTENT} if entry and entry.get("sha256") == sha else {}
        self.table[key] = {"size": found.st_size, "mtime_ns": found.st_mtime_ns, "checked_ns": checked,
                           "sha256": sha, **kept}
        return sha


def _whole(entry: dict[str, Any]) -> bool:
    """True when a file's record has every content field, each of its kind."""
    kinds = {"graph": str, "triples": int, "subjects": list, "names": list, "prefixes": dict, "shared": dict,
             "typed": dict, "stored": list}
    return all(isinstance(entry.get(k), kind) for k, kind in kinds.items())


def _unit_record(record: Any) -> bool:
    """True when a unit's record has every field, each of its kind."""
    kinds = {"name": str, "files": list, "key": str, "touched": list, "texts": dict, "facts": int}
    return isinstance(record, dict) and all(isinstance(record.get(k), kind) for k, kind in kinds.items())


class LazySource(GraphSource):
    """The graph's files as GraphSource gives them, each parsed only when a unit needs its triples.

    A file whose manifest record holds (same SHA-256) is known by its record: the nodes it
    describes say when it must be parsed (a closure reaching one of them). Every other file is
    parsed at once; those are `changed`.
    """

    def __init__(self, files: Sequence[Path], hasher: Hasher):
        super().__init__()
        self.loaded = 0
        self.changed: set[str] = set()
        self.records: dict[str, dict[str, Any]] = {}
        self.declared: dict[str, dict[str, str]] = {}
        self.index: dict[str, list[str]] = {}
        #: Triples of the parsed files held now (see PARSED_BUDGET).
        self.held = 0
        self._mentioned: set[str] | None = None
        unshared: list[str] = []  # files let go before every file's subjects were known
        for path in files:
            name = self.name_of(path)
            if name in self.graphs:
                continue
            self.graphs[name] = path
            sha = hasher.sha256(path)
            entry = hasher.table.get(_key(path), {})
            if sha is not None and entry.get("sha256") == sha and entry.get("graph") == name and _whole(entry):
                self.hashes[name] = sha
                self.records[name] = entry
            else:
                self._load(name)  # a file that cannot be read fails here, as it does without a manifest
                self.hashes[name] = sha or ""
                self.changed.add(name)
                if self.held > PARSED_BUDGET:
                    self.records[name] = self._content(name, {})
                    self._let_go(name)
                    unshared.append(name)
        for name in self.graphs:
            for prefix, namespace in self._prefixes_of(name).items():
                self.prefixes.setdefault(prefix, namespace)
            for subject in self.subjects(name):
                self.index.setdefault(subject, []).append(name)
        for name in unshared:
            # The lines of the nodes other files describe too (for the triple count): parsed again for them.
            if any(len(self.index[subject]) > 1 for subject in self.records[name]["subjects"]):
                self._load(name)
                self.records[name]["shared"] = self.record(name)["shared"]
                self._let_go(name)

    def _load(self, name: str) -> None:
        from pactgraph.rdf.loading import parse_with_prefixes

        quads, declared = parse_with_prefixes(self.graphs[name])
        triples = [q.triple for q in quads]
        self.by_graph[name] = triples
        for triple in triples:
            self.by_subject.setdefault(triple.subject, []).append((triple, name))
        self.declared[name] = declared
        self.loaded += 1
        self.held += len(triples)
        self._targets = None
        self._mentioned = None

    def _let_go(self, name: str) -> None:
        """Drop the parsed triples of the file `name`, whose record is in `records`."""
        triples = self.by_graph.pop(name, [])
        self.held -= len(triples)
        for subject in {t.subject for t in triples}:
            kept = [(t, g) for t, g in self.by_subject.get(subject, ()) if g != name]
            if kept:
                self.by_subject[subject] = kept
            else:
                self.by_subject.pop(subject, None)
        self._targets = None
        self._mentioned = None

    def let_go_over_budget(self, paths: Sequence[Path]) -> None:
        """After the unit of `paths` is built: let their parsed triples go when more than PARSED_BUDGET
        are held (their records taken first)."""
        for path in paths:
            name = self.name_of(path)
            if self.held <= PARSED_BUDGET or name not in self.by_graph:
                continue
            self.records[name] = self.record(name)
            self._let_go(name)

    def _prefixes_of(self, name: str) -> dict[str, str]:
        if name in self.by_graph:
            return self.declared[name]
        return dict(self.records[name]["prefixes"])

    def subjects(self, name: str) -> list[str]:
        """The named nodes the file describes."""
        import pyoxigraph as ox

        if name in self.by_graph:
            return sorted({t.subject.value for t in self.by_graph[name] if isinstance(t.subject, ox.NamedNode)})
        return list(self.records[name]["subjects"])

    def names(self, name: str) -> set[str]:
        """Every named node the file mentions, in any position."""
        import pyoxigraph as ox

        if name in self.by_graph:
            return {term.value for t in self.by_graph[name] for term in (t.subject, t.predicate, t.object)
                    if isinstance(term, ox.NamedNode)}
        return set(self.records[name]["subjects"]) | set(self.records[name]["names"])

    def own(self, path: Path) -> list[Any]:
        name = self.name_of(path)
        if name not in self.by_graph:
            self._load(name)
        return list(self.by_graph[name])

    def outgoing(self, node: Any) -> Iterable[tuple[Any, str]]:
        value = getattr(node, "value", None)
        if value is not None and not str(node).startswith("_:"):
            for name in self.index.get(value, ()):
                if name not in self.by_graph:
                    self._load(name)
        return self.by_subject.get(node, ())

    def holds(self, triple: Any) -> bool:
        return any(t == triple for t, _ in self.outgoing(triple.subject))

    def pointed_at(self, node: Any) -> bool:
        """True when a triple of the graph may have `node` as object or predicate: for a file not parsed
        now, when its record names the node at all (as a subject too: more than the answer, never less)."""
        import pyoxigraph as ox

        if super().pointed_at(node):
            return True
        if not isinstance(node, ox.NamedNode):
            return False  # a blank node is its file's own
        if self._mentioned is None:
            self._mentioned = {value for name, record in self.records.items() if name not in self.by_graph
                               for key in ("names", "subjects") for value in record[key]}
        return node.value in self._mentioned

    def _shared_lines(self, name: str, subject: str) -> set[str]:
        """N-Triples lines of the file's triples about `subject` that another file could hold too."""
        import pyoxigraph as ox

        record = self.records.get(name)
        if name not in self.by_graph and record is not None and subject in record["shared"]:
            return set(record["shared"][subject])
        if name not in self.by_graph:
            self._load(name)
        return {str(t) for t, g in self.by_subject.get(ox.NamedNode(subject), ())
                if g == name and not isinstance(t.object, ox.BlankNode)}

    def count_triples(self, extra: int = 0) -> int:
        """Distinct triples of all files: each file's own count, less what files describing the same
        node state twice (blank nodes are the file's own: only named nodes can repeat a triple)."""
        total = sum(self.file_triples(name) for name in self.graphs)
        for subject, names in self.index.items():
            if len(names) > 1:
                lines = [self._shared_lines(name, subject) for name in names]
                total -= sum(len(found) for found in lines) - len(set().union(*lines))
        return total + extra

    def file_triples(self, name: str) -> int:
        if name in self.by_graph:
            return len(set(self.by_graph[name]))
        return int(self.records[name]["triples"])

    def record(self, name: str) -> dict[str, Any]:
        """The content part of the file's manifest entry."""
        if name not in self.by_graph:
            return {k: self.records[name][k] for k in _CONTENT}
        subjects = self.subjects(name)
        return self._content(name, {s: sorted(self._shared_lines(name, s)) for s in subjects
                                    if len(self.index.get(s, ())) > 1})

    def _content(self, name: str, shared: dict[str, list[str]]) -> dict[str, Any]:
        """The content part of the manifest entry of the parsed file `name`, with `shared` lines."""
        subjects = self.subjects(name)
        return {"graph": name, "triples": self.file_triples(name), "subjects": subjects,
                "names": sorted(self.names(name) - set(subjects)), "prefixes": self.declared[name],
                "shared": shared, **_literals_of(self.by_graph[name])}


def _literals_of(triples: Sequence[Any]) -> dict[str, Any]:
    """What the whole-graph pass needs of a file without parsing it (validation.wholegraph): its typed
    literals as written (`typed`: "PREDICATE DATATYPE" -> lexical forms) and its pg:storedAt pairs
    (`stored`: [subject IRI, stored path]; "" for a blank subject, which only the file's parse can name)."""
    import pyoxigraph as ox

    from pactgraph.validation.storedtext import stored_at
    from pactgraph.validation.wholegraph import typed_pairs

    typed: dict[str, set[str]] = {}
    for predicate, literal in typed_pairs(triples):
        typed.setdefault(f"{predicate} {literal.datatype.value}", set()).add(literal.value)
    stored = [[s.value if isinstance(s, ox.NamedNode) else "", value] for s, value in stored_at(triples)]
    return {"typed": {k: sorted(v) for k, v in sorted(typed.items())}, "stored": stored}


class Book:
    """The manifest of one graph in one cache folder: read when a validation starts, written when it ends."""

    def __init__(self, cache_dir: Path, scope: Any):
        files = list(scope.ontology) + list(scope.data)
        self.cache_dir = cache_dir
        self.path = self.path_of(cache_dir, scope)
        data = self._read()
        self.table: dict[str, dict[str, Any]] = data.get("files", {})
        self.old_units: dict[str, dict[str, Any]] = data.get("units", {})
        self.old_base = data.get("base")
        self.units: dict[str, dict[str, Any]] = {}
        #: The files' records, taken by `release` before their triples are let go.
        self.taken: dict[str, dict[str, Any]] | None = None
        self.hasher = Hasher(self.table)
        self.source = LazySource(files, self.hasher)
        known = {_key(p) for p in files}
        self.removed = {str(e["graph"]) for k, e in self.table.items() if k not in known and "graph" in e}

    @staticmethod
    def path_of(cache_dir: Path, scope: Any) -> Path:
        """The manifest file of the scope's graph: one per folder of data files."""
        _key.cache_clear()  # paths are resolved once per validation, never across two
        files = list(scope.ontology) + list(scope.data)
        root = os.path.commonpath([_key(p) for p in (scope.data or files)]) if files else ""
        return cache_dir / "validation" / "manifest" / f"{digest('manifest', root)}.json"

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or data.get("limits") != _limits():
            return {}
        return data

    def plan(
        self, groups: Sequence[list[Path]], base: str, build: Callable[[list[Path]], tuple[Unit, set[str]]]
    ) -> tuple[list[tuple[Unit, dict[str, Any]]], Iterator[Unit]]:
        """(unit, cached result) of each group whose record still holds, and the other groups' units, built
        (lazily) by `build`, which gives a unit and the graphs its closure touched."""
        from pactgraph.validation.storedtext import FILE_PROBLEM, FILE_SHA256

        source = self.source
        described = {s for name in source.changed for s in source.subjects(name)}
        stale = source.changed | self.removed
        if described & {FILE_SHA256, FILE_PROBLEM}:
            stale = set(source.graphs)  # the stored-text facts' predicates, described anew
        named: dict[str, bool] = {}

        def names_changed(name: str) -> bool:
            if name not in named:
                named[name] = bool(source.names(name) & described) if name in source.graphs else True
            return named[name]

        reused: list[tuple[Unit, dict[str, Any]]] = []
        rebuild: list[list[Path]] = []
        for files in groups:
            key = _key(files[0])
            record = self.old_units.get(key) if self.old_base == base else None
            entry = None
            # The files as named (a stored text's problem names its path as the scope gave it) and as found.
            if (_unit_record(record) and record is not None and record["name"] == str(files[0])
                    and record["files"] == [_key(p) for p in files]):
                graphs = [source.name_of(p) for p in files]
                if (not any(g in stale or names_changed(g) for g in graphs + list(record["touched"]))
                        and all(self.hasher.sha256(Path(t)) == sha for t, sha in record["texts"].items())):
                    entry = cache_read(self.cache_dir, record["key"])
            if record is None or entry is None:
                rebuild.append(files)
                continue
            self.units[key] = record
            reused.append((Unit(record["name"], "", record["key"], prefixes=source.prefixes,
                                triples=int(record["facts"])), entry))

        def built() -> Iterator[Unit]:
            from pactgraph.validation.storedtext import text_paths

            for files in rebuild:
                # The texts are hashed before the unit reads them: an edit in between shows next time.
                texts = {_key(t): self.hasher.sha256(t) for p in files for t in text_paths(p, source.own(p))}
                unit, touched = build(files)
                self.units[_key(files[0])] = {"name": unit.name, "files": [_key(p) for p in files], "key": unit.key,
                                              "touched": sorted(touched), "texts": texts, "facts": unit.triples}
                source.let_go_over_budget(files)
                yield unit

        return reused, built()

    def whole_key(self, base: str, unit_keys: Iterable[str]) -> str:
        """What decides the whole-graph shapes' results: every file, and every unit's key (which holds
        the stored-text facts)."""
        files = [f"{name}:{self.source.hashes[name]}" for name in self.source.graphs]
        return digest(base, "whole graph", *files, *sorted(unit_keys))

    def release(self) -> None:
        """Take the records `save` writes from the parsed files, then let their triples go."""
        source = self.source
        if source.loaded and self.taken is None:
            self.taken = {name: source.record(name) for name in source.graphs}
        source.release()

    def record_of(self, path: Path) -> dict[str, Any] | None:
        """The record of the file at `path` as it is now (parsed in this run or unchanged), if known."""
        source = self.source
        name = source.name_of(path)
        if source.graphs.get(name) != path:
            return None
        if self.taken is not None:
            return self.taken.get(name)
        return source.records.get(name) if name not in source.by_graph else source.record(name)

    def save(self, base: str) -> None:
        """Write the manifest (atomically) when anything in it is new."""
        source = self.source
        if (not source.loaded and not self.hasher.hashed and base == self.old_base and not self.removed
                and self.units == self.old_units):
            return
        files: dict[str, dict[str, Any]] = {}
        for name, path in source.graphs.items():
            key = _key(path)
            files[key] = {**{k: v for k, v in self.table.get(key, {}).items() if k not in _CONTENT},
                          **(self.taken[name] if self.taken is not None else source.record(name))}
        for record in self.units.values():
            for text in record["texts"]:
                if text in self.table:
                    files[text] = {k: v for k, v in self.table[text].items() if k not in _CONTENT}
        data = {"format": MANIFEST_FORMAT, "limits": _limits(), "base": base, "files": files, "units": self.units}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a manifest that cannot be written only costs time
