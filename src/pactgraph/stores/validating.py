"""Validation of a corpus report by report: in parallel, with results cached by content hash.

The data is split into units. Files in a `reports/` folder below a given
directory (the shipped `data/reports/<slug>/report.ttl`, say) are report files;
the others (`entities.ttl`) are reference files. Each report file is validated
with the reference triples it needs (everything reachable from its own subjects
and objects through reference triples) and the whole ontology; the reference
files are validated once together with the ontology. Without report files the
data is one unit, exactly as `pactgraph validate` without --jobs.

The report is the core's: the results of all units, duplicates (a reference
node seen by several units) removed, sorted as always; the triple count is that
of the whole data graph (data and ontology, each triple once); the exit status
follows --fail-on. A report file may refer to resources of the reference files
but not to those of other report files.

A unit's results are cached under the cache folder by the SHA-256 of what
decides them: the unit's files, the reference files, the ontology and shapes
files, the engine and the pactgraph version. An unchanged report is not
validated again; a change to a reference file revalidates every report.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError

CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pactgraph"


@dataclass(frozen=True)
class Unit:
    """What one validation run covers: `kind` is report, reference or all; `files` are its own files."""

    kind: str
    files: tuple[str, ...]
    key: str = ""


def split_inputs(paths: Sequence[str | Path] | None) -> tuple[list[Path], list[Path]]:
    """(reference files, report files) of the given data paths (default: the shipped data)."""
    from pactgraph import resources
    from pactgraph.loading import resolve_inputs

    if paths is None:
        roots = [resources.data_dir()]
        files = resources.data_files()
        if not files:
            raise InputError(f"no shipped data found: no *.ttl under {resources.data_dir()}")
    else:
        roots = [Path(p) for p in paths if Path(p).is_dir()]
        files = resolve_inputs(paths)
    reference, reports = [], []
    for path in files:
        below = None
        for root in roots:
            try:
                below = path.resolve().relative_to(root.resolve())
                break
            except ValueError:
                continue
        if below is not None and "reports" in below.parts[:-1]:
            reports.append(path)
        else:
            reference.append(path)
    return reference, reports


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _file_hashes(files: Iterable[Path]) -> list[str]:
    from pactgraph.stores.base import sha256_file

    out = []
    for path in files:
        try:
            out.append(f"{path.name}:{sha256_file(path)}")
        except OSError as err:
            raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    return out


def triple_hashes(quads: Iterable[Any], token: str) -> array:
    """64-bit hashes of the distinct triples of one parsed file; `token` (the file) keeps its blank nodes apart."""
    import pyoxigraph as ox

    seen = set()
    for q in quads:
        text = f"{q.subject} {q.predicate} {q.object}"
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            text = token + " " + text
        seen.add(int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big"))
    return array("Q", seen)


def _read_files(files: Sequence[str]) -> tuple[list[Any], dict[str, str], array]:
    """Quads and prefixes of files (first declaration wins), and the hashes of their triples."""
    from pactgraph.loading import read_rdf

    quads: list[Any] = []
    prefixes: dict[str, str] = {}
    hashes = array("Q")
    for name in files:
        found, declared = read_rdf([name])
        quads.extend(found)
        for prefix, namespace in declared.items():
            prefixes.setdefault(prefix, namespace)
        hashes.extend(triple_hashes(found, name))
    return quads, prefixes, hashes


# ---------------------------------------------------------------- the worker side

_STATE: dict[str, Any] = {}


def _init_worker(shapes: list[str], ontology: list[str], reference: list[str], engine: str) -> None:
    import sys

    from pactgraph.limits import die_with_parent
    from pactgraph.loading import load_graph, read_rdf

    if sys.platform.startswith("linux"):
        die_with_parent()
    from pactgraph.validation import engine_runner

    shapes_graph = load_graph(shapes)
    ontology_quads, ontology_prefixes = read_rdf(ontology) if ontology else ([], {})
    reference_quads, reference_prefixes, reference_hashes = _read_files(reference)
    index: dict[Any, list[Any]] = {}
    for quad in reference_quads:
        index.setdefault(quad.subject, []).append(quad)
    _STATE.clear()
    _STATE.update(
        shapes=shapes_graph,
        runner=engine_runner(engine, shapes_graph),
        ontology=(ontology_quads, ontology_prefixes),
        reference=(reference_quads, reference_prefixes),
        reference_hashes=reference_hashes,
        index=index,
    )


def _closure(quads: list[Any], index: dict[Any, list[Any]]) -> list[Any]:
    """Reference triples reachable from the subjects and objects of `quads`."""
    import pyoxigraph as ox

    seen: set[Any] = set()
    frontier = []
    for quad in quads:
        for term in (quad.subject, quad.object):
            if not isinstance(term, ox.Literal) and term not in seen:
                seen.add(term)
                frontier.append(term)
    found = []
    while frontier:
        node = frontier.pop()
        for quad in index.get(node, ()):
            found.append(quad)
            term = quad.object
            if not isinstance(term, ox.Literal) and term not in seen:
                seen.add(term)
                frontier.append(term)
    return found


def _result_graph_text(report: Any, token: str) -> list[tuple[tuple[str, ...], str]]:
    """(result fields, N-Triples of its report node and blank-node details) for each result."""
    import rdflib

    graph = report.graph
    out = []
    for result in report.results:
        node = report.result_nodes[result]
        lines = []
        stack, seen = [node], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            for p, o in graph.predicate_objects(current):
                lines.append(f"{_nt(current, token)} {_nt(p, token)} {_nt(o, token)} .")
                if isinstance(o, rdflib.BNode):
                    stack.append(o)
        fields = tuple(result.to_dict().values())
        out.append((fields, "\n".join(sorted(lines)), _nt(node, token)))
    return out


def _nt(term: Any, token: str) -> str:
    import rdflib

    if isinstance(term, rdflib.BNode):
        return f"_:{token}{term}"
    return term.n3()


def validate_unit(unit: Unit) -> dict[str, Any]:
    """Validate one unit in this process (after _init_worker); plain data for the cache."""
    from pactgraph.loading import bind_prefixes, quads_to_graph, to_rdflib_term
    from pactgraph.validation import _validate, validation_graph

    own_quads, own_prefixes, hashes = _read_files(unit.files)
    reference_quads, reference_prefixes = _STATE["reference"]
    ontology_quads, ontology_prefixes = _STATE["ontology"]
    if unit.kind == "report":
        data = own_quads + _closure(own_quads, _STATE["index"])
    elif unit.kind == "reference":
        data, hashes = reference_quads, _STATE["reference_hashes"]
    else:
        data = own_quads
    if unit.kind == "report" and _finds_nothing(data):
        return {"format": CACHE_FORMAT, "results": [], "triples": hashes.tobytes().hex()}
    graph = validation_graph()
    quads_to_graph(data, graph, {**reference_prefixes, **own_prefixes} if unit.kind == "report" else own_prefixes)
    if unit.kind == "reference":
        quads_to_graph([], graph, reference_prefixes)
    if ontology_quads:
        # The ontology's rdflib terms are made once per process.
        if "ontology_terms" not in _STATE:
            conv = to_rdflib_term
            _STATE["ontology_terms"] = [(conv(q.subject), conv(q.predicate), conv(q.object)) for q in ontology_quads]
        graph.addN((s, p, o, graph) for s, p, o in _STATE["ontology_terms"])
        bind_prefixes(graph, ontology_prefixes)
    report = _validate(graph, _STATE["shapes"], None, None, "info", _STATE["runner"])
    return {
        "format": CACHE_FORMAT,
        "results": _result_graph_text(report, unit.key[:12] + "x"),
        "triples": hashes.tobytes().hex(),
    }


def _finds_nothing(data: list[Any]) -> bool:
    """pyshacl-turbo only: True when the unit (with the ontology) raises no result at all.

    The data goes to the engine as N-Triples text, without an rdflib graph. Any
    result, or any other engine, means False: the unit then takes the core's path,
    which builds the report. So this only skips work on units the core would find clean.
    """
    runner = _STATE["runner"]
    compiled = getattr(runner, "compiled", None)
    if compiled is None:
        return False
    import pyoxigraph as ox
    import pyshacl_turbo
    import rdflib

    from pactgraph.namespaces import SH

    if "ontology_nt" not in _STATE:
        ontology = [ox.Triple(q.subject, q.predicate, q.object) for q in _STATE["ontology"][0]]
        _STATE["ontology_nt"] = ox.serialize(ontology, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in data]
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8") + "\n" + _STATE["ontology_nt"]
    source = pyshacl_turbo.Input(text, "nt", None, {}, {})
    try:
        _, report_graph, _ = compiled.validate(source, inference="none", allow_warnings=True)
    except Exception:
        return False
    return (None, rdflib.URIRef(SH + "result"), None) not in report_graph


def _run_chunk(units: list[Unit]) -> list[dict[str, Any]]:
    return [validate_unit(u) for u in units]


# ---------------------------------------------------------------- the parent side


def _cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "validation" / key[:2] / f"{key}.json"


def _cache_read(cache_dir: Path | None, key: str) -> dict[str, Any] | None:
    if cache_dir is None:
        return None
    try:
        data = json.loads(_cache_path(cache_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == CACHE_FORMAT else None


def _cache_write(cache_dir: Path | None, key: str, data: dict[str, Any]) -> None:
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


@dataclass
class CorpusStats:
    """How a corpus validation went: units, cache hits, processes, engine."""

    units: int = 0
    cached: int = 0
    jobs: int = 1
    engine: str = ""


def validate_corpus(
    data: Sequence[str | Path] | None = None,
    shapes: Sequence[str | Path] | None = None,
    *,
    ontology: Sequence[str | Path] | None = None,
    fail_on: str = "violation",
    jobs: int | None = None,
    cache_dir: str | Path | None = None,
    engine: str = "pyshacl",
    batch: int = 1,
    stats: CorpusStats | None = None,
) -> Any:
    """Validate report by report (see the module docs); the same ValidationReport as `validation.validate`."""
    import rdflib

    from pactgraph import __version__, resources
    from pactgraph.loading import load_graph, read_rdf
    from pactgraph.namespaces import SH
    from pactgraph.validation import FAIL_ON, ValidationReport, ValidationResult, count_shapes, engine_runner

    if fail_on not in FAIL_ON:
        raise InputError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    if shapes is None:
        shape_files = resources.shape_files()
        if not shape_files:
            raise InputError(f"no shipped shapes found: no *.ttl under {resources.shapes_dir()}")
    else:
        from pactgraph.loading import resolve_inputs

        shape_files = resolve_inputs(shapes)
    from pactgraph.loading import resolve_inputs

    ontology_files = resources.ontology_files() if ontology is None else resolve_inputs(ontology) if ontology else []
    reference, reports = split_inputs(data)
    # The core reads the data, then the ontology: an ontology file among the data (the shipped
    # graph holds both) is read twice there, its blank nodes apart. Here it is ontology, read
    # once for validation and counted twice.
    ontology_set = {p.resolve() for p in ontology_files}
    data_files = resources.ontology_files() if data is None else [p for p in reference if p.resolve() in ontology_set]
    counted_twice = [p for p in data_files if p.resolve() in ontology_set]
    reference = [p for p in reference if p.resolve() not in ontology_set]
    shapes_graph = load_graph(shape_files)
    runner = engine_runner(engine, shapes_graph)
    engine_name = runner.engine
    engine_version = _engine_version(engine_name)

    base = _digest(
        f"pactgraph {__version__}",
        f"{engine_name} {engine_version}",
        *_file_hashes(shape_files),
        "ontology",
        *_file_hashes(ontology_files),
        "reference",
        *_file_hashes(reference),
    )
    units: list[Unit] = []
    if reports:
        units.append(Unit("reference", (), _digest(base, "reference")))
        digests = _file_hashes(reports)
        batch = max(1, batch)
        for start in range(0, len(reports), batch):
            files = tuple(str(p) for p in reports[start : start + batch])
            units.append(Unit("report", files, _digest(base, "report", *digests[start : start + batch])))
    else:
        units.append(Unit("all", tuple(str(p) for p in reference), _digest(base, "all")))

    cache = Path(cache_dir) if cache_dir is not None else None
    found: dict[str, dict[str, Any]] = {}
    for unit in units:
        hit = _cache_read(cache, unit.key)
        if hit is not None:
            found[unit.key] = hit
    missing = [u for u in units if u.key not in found]
    jobs = max(1, jobs or (os.cpu_count() or 1))
    init_args = (
        [str(p) for p in shape_files],
        [str(p) for p in ontology_files],
        [str(p) for p in reference] if reports else [],
        engine_name,
    )
    if missing and (jobs == 1 or len(missing) == 1):
        _init_worker(*init_args)
        for unit in missing:
            found[unit.key] = validate_unit(unit)
            _cache_write(cache, unit.key, found[unit.key])
    elif missing:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, min(8, len(missing) // (jobs * 4)))
        chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
        # fork on Linux: the workers start at once, without importing the caller's main module again.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=init_args) as pool:
            for chunk, results in zip(chunks, pool.map(_run_chunk, chunks)):
                for unit, result in zip(chunk, results):
                    found[unit.key] = result
                    _cache_write(cache, unit.key, result)
    if stats is not None:
        stats.units, stats.cached, stats.jobs, stats.engine = len(units), len(units) - len(missing), jobs, engine_name

    # Merge: each distinct result once, in the core's order; the triples of the whole graph once.
    merged: dict[tuple[str, ...], tuple[str, str]] = {}
    hashes: set[int] = set()
    for unit in units:
        entry = found[unit.key]
        for fields, text, node in entry["results"]:
            merged.setdefault(tuple(fields), (text, node))
        hashes.update(array("Q", bytes.fromhex(entry["triples"])))
    if ontology_files:
        hashes.update(_read_files([str(p) for p in ontology_files])[2])
    if counted_twice:
        for path in counted_twice:
            hashes.update(triple_hashes(read_rdf([path])[0], f"{path} as data"))
    names = ("severity", "focus_node", "focus_label", "path", "value", "message", "source_shape", "constraint",
             "source_constraint")
    results = [ValidationResult(**dict(zip(names, fields))) for fields in merged]
    results.sort(key=ValidationResult.sort_key)
    report = ValidationReport(results=results, shapes=count_shapes(shapes_graph), triples=len(hashes), fail_on=fail_on)

    from pactgraph.loading import new_graph

    graph = new_graph()
    for prefix, namespace in shapes_graph.namespaces():
        graph.bind(str(prefix), namespace, override=False)
    # One N-Triples document, so blank-node labels stay linked.
    lines = [
        f"_:report <{rdflib.RDF.type}> <{SH}ValidationReport> .",
        f"_:report <{SH}conforms> {rdflib.Literal(report.conforms).n3()} .",
    ]
    for text, node in merged.values():
        lines.append(f"_:report <{SH}result> {node} .")
        if text:
            lines.append(text)
    graph.parse(data="\n".join(lines) + "\n", format="nt")
    report.graph = graph
    return report


def _engine_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"
