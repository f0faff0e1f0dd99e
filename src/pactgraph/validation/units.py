"""Validation in units: a file (or a few) with the triples it reaches, in one or more processes, cached.

A unit is a set of files of the graph (its *own* triples) plus every triple of
the rest of the graph, the ontology included, that its subjects, predicates and
objects reach by following triples forward (its *closure*: the classes and
superclasses of its nodes, the declarations of its properties, the concepts it
uses and their schemes). Every node a unit holds has there all it reaches going
forward, so a shape that reads only forward of its focus nodes gives on a unit
the results the whole graph gives on those nodes. Only such shapes run in units
(validation.locality decides, conservatively); every other shape -- inverse
paths, `sh:targetObjectsOf`, `sh:targetNode`, SPARQL patterns not anchored at
`$this` such as `FILTER NOT EXISTS { ?claim pg:proposition $this }` -- runs
once over the whole graph, and `pactgraph validate --explain` says which and
why. A joined validation whose new files describe a node the graph points at
runs every shape once over the whole graph (a unit would miss the graph's
nodes that lead to it). The ontology files, with the other files that are not
reports, form one unit of their own. `tests/test_validation_paths.py` and
`tests/test_validation_locality.py` check the results against one graph.

The rest of the graph is read from a pyoxigraph store: an in-memory one filled
from the files, or the on-disk store of `pactgraph load` when it holds exactly
these files. Units go to worker processes as N-Triples text; a unit's result is
cached by the SHA-256 of what decides it: its files, the files its closure
touched, the ontology and shapes files, the engine, the pactgraph version and
the validation code.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_FORMAT = 3


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pactgraph"


def digest(*parts: str) -> str:
    """SHA-256 over `parts`, each ended by a NUL so that no two lists share a digest."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def code_key() -> str:
    """SHA-256 of the validation package's source: edited validation code never reuses old results."""
    import pactgraph.validation as package

    folder = Path(package.__file__).parent
    return digest(*(f"{p.name}:{p.read_text(encoding='utf-8')}" for p in sorted(folder.glob("*.py"))))


@dataclass
class Unit:
    """One validation run: its data as N-Triples, the nodes whose results it reports, its cache key."""

    name: str
    ntriples: str
    key: str
    #: N-Triples of the unit's data without its own files' triples (joined validation's baseline).
    baseline: str | None = None
    #: Joined validation: the new files' nodes (N-Triples form), blank node -> the subject holding it.
    owned: list[str] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)
    #: Prefixes the unit's files declare, for display names.
    prefixes: dict[str, str] = field(default_factory=dict)
    #: Triples of the unit's own files that the graph does not hold (joined validation).
    triples: int = 0


# ---------------------------------------------------------------- building units


class GraphSource:
    """The graph's files parsed once, indexed by subject (and by file), for units and their closures.

    (A pyoxigraph Store would be leaner, but it returns some typed literals under another
    datatype, xsd:nonNegativeInteger as xsd:integer, which changes what the shapes see.)
    """

    def __init__(self) -> None:
        self.by_subject: dict[Any, list[tuple[Any, str]]] = {}
        self.by_graph: dict[str, list[Any]] = {}
        self.graphs: dict[str, Path] = {}  # graph name -> file
        self.hashes: dict[str, str] = {}  # graph name -> file SHA-256
        self.prefixes: dict[str, str] = {}  # the prefixes the files declare, first declaration first
        self.loaded = 0  # files parsed
        self._targets: set[Any] | None = None

    @classmethod
    def from_files(cls, files: Sequence[Path]) -> GraphSource:
        """Parse `files` (checked as every pactgraph input)."""
        from pactgraph.rdf.loading import parse_with_prefixes
        from pactgraph.stores.base import sha256_file

        source = cls()
        for path in files:
            name = cls.name_of(path)
            if name in source.graphs:
                continue
            source.graphs[name] = path
            source.hashes[name] = sha256_file(path)
            quads, declared = parse_with_prefixes(path)
            triples = [q.triple for q in quads]
            source.loaded += 1
            source.by_graph[name] = triples
            for triple in triples:
                source.by_subject.setdefault(triple.subject, []).append((triple, name))
            for prefix, namespace in declared.items():
                source.prefixes.setdefault(prefix, namespace)
        return source

    @staticmethod
    def name_of(path: Path) -> str:
        from pactgraph.rdf.graph_names import graph_name

        return graph_name(path)

    def count_triples(self, extra: int = 0) -> int:
        """Distinct triples of all files (as one graph would hold them), plus `extra`."""
        return len({t for triples in self.by_graph.values() for t in triples}) + extra

    def holds(self, triple: Any) -> bool:
        return any(t == triple for t, _ in self.by_subject.get(triple.subject, ()))

    def release(self) -> None:
        """Let the parsed triples go (after the units and the triple count; nothing reads them again)."""
        self.by_graph.clear()
        self.by_subject.clear()
        self._targets = None

    def own(self, path: Path) -> list[Any]:
        return list(self.by_graph.get(self.name_of(path), ()))

    def stored_at(self, path: Path) -> list[Any]:
        """The file's pg:storedAt triples (what its stored-text facts come from)."""
        from pactgraph.validation.storedtext import STORED_AT

        return [t for t in self.own(path) if t.predicate.value == STORED_AT]

    def let_go_over_budget(self, paths: Sequence[Path]) -> None:
        """After the unit of `paths` is built (a source that parses lazily may let their triples go)."""

    def outgoing(self, node: Any) -> Iterable[tuple[Any, str]]:
        """(triple, graph name) of each triple with `node` as subject."""
        return self.by_subject.get(node, ())

    def pointed_at(self, node: Any) -> bool:
        """True when a triple of the graph has `node` as object or predicate (something leads to it)."""
        if self._targets is None:
            self._targets = {term for triples in self.by_graph.values() for t in triples
                             for term in (t.predicate, t.object)}
        return node in self._targets


    def closure(self, triples: Iterable[Any], skip: set[str]) -> tuple[list[Any], set[str]]:
        """Triples of graphs not in `skip` reachable forward from the terms of `triples`; and their graphs."""
        import pyoxigraph as ox

        seen: set[Any] = set()
        frontier = []
        for t in triples:
            # The predicate too: its declaration in the ontology is what some shapes check against.
            for term in (t.subject, t.predicate, t.object):
                if not isinstance(term, ox.Literal) and term not in seen:
                    seen.add(term)
                    frontier.append(term)
        found: set[Any] = set()
        touched: set[str] = set()
        while frontier:
            node = frontier.pop()
            for triple, graph in self.outgoing(node):
                if graph in skip:
                    continue
                touched.add(graph)
                found.add(triple)
                for term in (triple.predicate, triple.object):
                    if not isinstance(term, ox.Literal) and term not in seen:
                        seen.add(term)
                        frontier.append(term)
        return list(found), touched


class StoreSource(GraphSource):
    """The graph read from the on-disk store of `pactgraph load`, when it holds exactly the scope's files.

    Nothing is parsed: a joined validation reads only the triples the new files reach.
    (Oxigraph stores xsd:nonNegativeInteger as xsd:integer; a result that this changes on
    the graph's own nodes shows in the baseline too and is left out, see pipeline.)
    """

    def __init__(self, store: Any, graphs: dict[str, Path], hashes: dict[str, str], triples: int):
        super().__init__()
        self.store = store
        self.graphs = graphs
        self.hashes = hashes
        self.triples = triples

    @classmethod
    def open(cls, location: Path, files: Sequence[Path]) -> StoreSource | None:
        """The store at `location` if it holds `files` as they are now (only their graphs are read); else None."""
        from pactgraph.stores.base import StoreError
        from pactgraph.stores.disk import DiskStore

        disk = DiskStore(location, on_change="ignore")
        try:
            if not disk.exists() or disk.changes():
                return None
            recorded = disk.manifest().get("files", {})
        except (StoreError, OSError, ValueError):
            return None
        wanted = {str(p.resolve()): p for p in files}
        if not set(wanted) <= set(recorded):
            return None
        kept = {name: recorded[name] for name in wanted}
        graphs = {entry["graph"]: wanted[name] for name, entry in kept.items()}
        hashes = {entry["graph"]: entry.get("sha256", "") for entry in kept.values()}
        triples = sum(int(entry.get("triples", 0)) for entry in kept.values())
        try:
            store = disk.open_for_reading()
        except StoreError:
            return None
        return cls(store, graphs, hashes, triples)

    def outgoing(self, node: Any) -> Iterable[tuple[Any, str]]:
        for quad in self.store.quads_for_pattern(node, None, None, None):
            graph = getattr(quad.graph_name, "value", "")
            if graph in self.graphs:
                yield quad.triple, graph

    def pointed_at(self, node: Any) -> bool:
        for pattern in ((None, None, node, None), (None, node, None, None)):
            for quad in self.store.quads_for_pattern(*pattern):
                if getattr(quad.graph_name, "value", "") in self.graphs:
                    return True
        return False

    def own(self, path: Path) -> list[Any]:
        import pyoxigraph as ox

        return [q.triple for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(self.name_of(path)))]

    def stored_at(self, path: Path) -> list[Any]:
        """The file's pg:storedAt triples, read from the store alone (not every triple of the file)."""
        import pyoxigraph as ox

        from pactgraph.validation.storedtext import STORED_AT

        graph = ox.NamedNode(self.name_of(path))
        return [q.triple for q in self.store.quads_for_pattern(None, ox.NamedNode(STORED_AT), None, graph)]

    def holds(self, triple: Any) -> bool:
        return any(True for _ in self.outgoing_exact(triple))

    def outgoing_exact(self, triple: Any) -> Iterable[Any]:
        for quad in self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None):
            if getattr(quad.graph_name, "value", "") in self.graphs:
                yield quad

    def count_triples(self, extra: int = 0) -> int:
        """The triples the store's manifest records for the files (a triple in two files counts twice)."""
        return self.triples + extra


def ntriples(triples: Iterable[Any]) -> str:
    import pyoxigraph as ox

    return (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


# ---------------------------------------------------------------- the worker side

_STATE: dict[str, Any] = {}


def init_worker(
    shape_files: list[str], engine: str, in_child: bool = True, part: str = "all", placed: Sequence[Any] | None = None
) -> None:
    """Load the shapes (compiled once) in this process: all of them, or (`part="local"`) only the
    targets of the shapes that run per unit (validation.locality; `placed`: the placements the caller
    made, else made again here)."""
    from pactgraph.rdf.loading import load_graph

    if in_child and sys.platform.startswith("linux"):
        from pactgraph.process import die_with_parent

        die_with_parent()
    prepare(load_graph(shape_files), engine, part, placed=placed)


def prepare(shapes_graph: Any, engine: str, part: str = "all", key: str = "", placed: Sequence[Any] | None = None) -> None:
    """Make `shapes_graph` (all of it, or only the shapes that run per unit) this process's shapes,
    compiled once for `engine`; `key` names them (validation.cluster prepares again when it changes)."""
    from pactgraph.validation.engine import engine_runner
    from pactgraph.validation.locality import split, without_targets
    from pactgraph.validation.textoffsets import natives

    if part == "local":
        shapes_graph = split(shapes_graph, placed)[0]
    # The shipped text-offset rules run in Python (validation.textoffsets), the other shapes on the engine.
    native = natives(shapes_graph)
    engine_shapes = without_targets(shapes_graph, [n.shape for n in native]) if native else shapes_graph
    _STATE.clear()
    _STATE.update(shapes=engine_shapes, runner=engine_runner(engine, engine_shapes), key=key,
                  native=native, all_shapes=shapes_graph, engine=engine)


def prepared(key: str) -> bool:
    """True when this process holds the shapes named `key` (see prepare)."""
    return bool(key) and _STATE.get("key") == key


def _graph(text: str, prefixes: dict[str, str]) -> Any:
    import pyoxigraph as ox

    from pactgraph.rdf.rdflib_bridge import bind_prefixes, quads_to_graph
    from pactgraph.validation.engine import validation_graph

    graph = validation_graph()
    quads_to_graph(list(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)), graph, prefixes)
    bind_prefixes(graph, prefixes)
    return graph


def _finds_nothing(text: str) -> bool:
    """pyshacl-turbo only: True when the unit raises no result at all, neither from the rules evaluated
    in Python nor on the engine (see `raises_nothing`)."""
    from pactgraph.validation.textoffsets import NeedsEngine

    try:
        if _native_results(text, Unit("check", text, "")):
            return False
    except NeedsEngine:
        return False
    return raises_nothing(_STATE["runner"], text)


def raises_nothing(runner: Any, text: str) -> bool:
    """pyshacl-turbo only: True when the N-Triples `text` raises no result at all with `runner`.

    The data goes to the engine as N-Triples text, without an rdflib graph; any
    result (or another engine) means False and the caller takes the full path.
    """
    compiled = getattr(runner, "compiled", None)
    if compiled is None:
        return False
    import pyshacl_turbo
    import rdflib

    from pactgraph.rdf.namespaces import SH

    source = pyshacl_turbo.Input(text, "nt", None, {}, {})
    try:
        _, report_graph, _ = compiled.validate(source, inference="none", allow_warnings=True)
    except Exception:  # noqa: BLE001 - the full path reports the error properly
        return False
    return (None, rdflib.URIRef(SH + "result"), None) not in report_graph


def result_ntriples(report_graph: Any, node: Any, token: str) -> tuple[str, str]:
    """A result node of `report_graph` with its details as N-Triples (written by pyoxigraph, sorted
    lines), and the node's blank-node label; blank nodes are labelled `token` + their id."""
    import pyoxigraph as ox
    import rdflib

    from pactgraph.rdf.rdflib_bridge import to_oxigraph

    def term(value: Any) -> Any:
        return ox.BlankNode(f"{token}{value}") if isinstance(value, rdflib.BNode) else to_oxigraph(value)

    triples = []
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in report_graph.predicate_objects(current):
            triples.append(ox.Triple(term(current), term(p), term(o)))
            if isinstance(o, rdflib.BNode):
                stack.append(o)
    # N-Triples holds one triple a line (newlines in literals are escaped): sorted lines, a stable text.
    return "\n".join(sorted(ntriples(triples).splitlines())), term(node).value


def _result_texts(report: Any, unit: Unit, names: Any) -> list[tuple[list[str], str, str, bool, str]]:
    """Per result: its fields, the N-Triples of its report node and details, that node's blank-node
    label, whether the focus node is the unit's own (joined validation), and the name of the subject
    holding a blank focus."""
    owned = set(unit.owned)
    return [_result_text(list(result.to_dict().values()), report.graph, report.result_nodes[result], unit, owned, names)
            for result in report.results]


def _result_text(
    fields: list[str], report_graph: Any, node: Any, unit: Unit, owned: set[str], names: Any
) -> tuple[list[str], str, str, bool, str]:
    """One result of `_result_texts`, from its fields and its node in `report_graph`."""
    import rdflib

    from pactgraph.rdf.namespaces import SH
    from pactgraph.rdf.rdflib_bridge import to_oxigraph

    token = unit.key[:12] + "x"
    focus = report_graph.value(node, rdflib.URIRef(SH + "focusNode"))
    focus_nt = str(to_oxigraph(focus)) if focus is not None else ""
    holder, seen = focus_nt, set()
    while holder.startswith("_:") and holder in unit.parents and holder not in seen:
        seen.add(holder)
        holder = unit.parents[holder]
    hint = names.node(rdflib.URIRef(holder[1:-1])) if holder.startswith("<") and holder != focus_nt else ""
    text, label = result_ntriples(report_graph, node, token)
    return fields, text, label, focus_nt in owned, hint


def _native_results(text: str, unit: Unit) -> list[tuple[list[str], str, str, bool, str]]:
    """The results of the shapes evaluated in Python (validation.textoffsets) on the N-Triples `text`;
    textoffsets.NeedsEngine when the engine must run them."""
    if not _STATE.get("native"):
        return []
    import pyoxigraph as ox

    from pactgraph.rdf.rdflib_bridge import bind_prefixes
    from pactgraph.validation.engine import validation_graph
    from pactgraph.validation.names import Names
    from pactgraph.validation.sparqlshapes import solution_result
    from pactgraph.validation.textoffsets import Triples, focus_label, solutions

    triples = Triples()
    triples.add(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    named = validation_graph()
    bind_prefixes(named, unit.prefixes)
    names = Names(named, _STATE["shapes"])
    out = []
    labels: dict[Any, str] = {}
    owned = set(unit.owned)
    for native in _STATE["native"]:
        for constraint, terms in solutions(triples, native):
            focus = terms["this"]
            if focus not in labels:
                labels[focus] = focus_label(triples, focus)
            result, report_graph, node = solution_result(native.translated, constraint, terms, names,
                                                         _STATE["all_shapes"], labels[focus])
            out.append(_result_text(list(result.to_dict().values()), report_graph, node, unit, owned, names))
    return out


def _results(text: str, unit: Unit) -> list[tuple[list[str], str, str, bool, str]]:
    """The results of the unit's shapes on the N-Triples `text`: the text-offset rules in Python and the
    others on the engine, or all on the engine when the rules in Python cannot give its results."""
    from pactgraph.validation.engine import engine_runner, run_engine
    from pactgraph.validation.names import Names
    from pactgraph.validation.textoffsets import NeedsEngine

    shapes, runner = _STATE["shapes"], _STATE["runner"]
    try:
        found = _native_results(text, unit)
    except NeedsEngine:
        found = []
        if "all_runner" not in _STATE:
            _STATE["all_runner"] = engine_runner(_STATE["engine"], _STATE["all_shapes"])
        shapes, runner = _STATE["all_shapes"], _STATE["all_runner"]
    if raises_nothing(runner, text):
        return found
    graph = _graph(text, unit.prefixes)
    report = run_engine(graph, shapes, None, None, "info", runner)
    return _result_texts(report, unit, Names(graph, shapes)) + found


def run_unit(unit: Unit) -> dict[str, Any]:
    """Validate one unit in this process (after init_worker); plain data for the cache."""
    found = _results(unit.ntriples, unit)
    if unit.baseline is not None and any(not own for *_, own, _ in found):
        # Results on nodes of the graph the unit joins that the graph has without the unit's files too.
        before = [fields for fields, *_ in _results(unit.baseline, unit)]
        return {"format": CACHE_FORMAT, "results": found, "baseline": before}
    return {"format": CACHE_FORMAT, "results": found}


# ---------------------------------------------------------------- cache and dispatch


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "validation" / key[:2] / f"{key}.json"


def cache_read(cache_dir: Path | None, key: str) -> dict[str, Any] | None:
    if cache_dir is None:
        return None
    try:
        data = json.loads(_cache_path(cache_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == CACHE_FORMAT else None


def cache_write(cache_dir: Path | None, key: str, data: dict[str, Any]) -> None:
    if cache_dir is None:
        return
    path = _cache_path(cache_dir, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def run_units(
    units: Iterable[Unit],
    init_args: tuple[Any, ...],
    jobs: int,
    cache_dir: Path | None,
    pool: Any = None,
    meanwhile: Callable[[list[Unit]], Any] | None = None,
) -> tuple[list[tuple[Unit, dict[str, Any]]], dict[str, int], Any]:
    """Each unit with its plain result (from the cache, else validated here, in `jobs` processes or
    by `pool`), how the run went, and what `meanwhile` gave (None when it was not called). Units are
    taken one at a time and let go of their text once validated, so at most a few units' data are held
    at once.

    `pool`: workers elsewhere, already reached (validation.cluster.DaskPool): `submit(unit)` gives
    a future of `run_unit(unit)`, `size` is how many units it validates at once. The cache is
    read and written here either way.

    `meanwhile(units)`: the caller's other work (the whole-graph shapes), given every unit. With
    `jobs` > 1 and no more units to validate than `jobs` (one report edited, one report joined), the
    units go to other processes and `meanwhile` runs here at the same time, so the two take the time
    of the longer; otherwise it is not called."""
    done: list[tuple[Unit, dict[str, Any]]] = []
    info = {"units": 0, "cached": 0, "jobs": jobs if pool is None else pool.size}

    def finish(unit: Unit, result: dict[str, Any], cached: bool) -> None:
        if not cached:
            cache_write(cache_dir, unit.key, result)
        unit.ntriples, unit.baseline = "", None
        done.append((unit, result))

    def uncached(units: Iterable[Unit]) -> Iterator[Unit]:
        """The units whose results the cache does not hold (the others are finished at once)."""
        for unit in units:
            info["units"] += 1
            hit = cache_read(cache_dir, unit.key)
            if hit is None:
                yield unit
            else:
                info["cached"] += 1
                finish(unit, hit, True)

    def stream(submit: Any, size: int, todo: Iterable[Unit] | None = None) -> None:
        """Submit the uncached units, at most `size` * 4 at a time; finish them in order."""
        from collections import deque

        pending: deque[tuple[Unit, Any]] = deque()
        for unit in uncached(units) if todo is None else todo:
            pending.append((unit, submit(unit)))
            while len(pending) >= size * 4:
                waiting, future = pending.popleft()
                finish(waiting, future.result(), False)
        while pending:
            waiting, future = pending.popleft()
            finish(waiting, future.result(), False)

    if pool is not None:
        stream(pool.submit, pool.size)
        return done, info, None
    todo: Iterable[Unit] = uncached(units)
    beside = False
    if jobs > 1:
        import itertools

        first = list(itertools.islice(todo, jobs + 1))
        todo = itertools.chain(first, todo)
        if meanwhile is not None and 0 < len(first) <= jobs:
            # Few units and other work to do: the units in other processes, that work here meanwhile.
            beside, jobs = True, len(first)
        elif len(first) < jobs:
            # Fewer units to validate than processes (a warm cache, one report edited): here, without
            # starting processes that each compile the shapes again.
            jobs = 1
    if jobs == 1 and not beside:
        ready = False
        for unit in todo:
            if not ready:
                init_worker(init_args[0], init_args[1], False, *init_args[3:])
                ready = True
            finish(unit, run_unit(unit), False)
        return done, info, None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork on Linux: the workers start at once, without importing the caller's main module again.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=init_worker, initargs=init_args) as processes:
        if beside:
            futures = [(unit, processes.submit(run_unit, unit)) for unit in todo]
            value = meanwhile([unit for unit, _ in done] + [unit for unit, _ in futures])  # type: ignore[misc]
            for unit, future in futures:
                finish(unit, future.result(), False)
            return done, info, value
        stream(lambda unit: processes.submit(run_unit, unit), jobs, todo)
    return done, info, None
