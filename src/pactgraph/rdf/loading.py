"""Read RDF files: syntax-check with pyoxigraph, then hand out an Oxigraph store or an rdflib graph.

pyoxigraph is the single parser, so every syntax error reads `FILE:LINE:COL: message`,
and no remote document (e.g. a JSON-LD @context) is ever fetched. rdflib only
receives already-parsed terms. Named graphs in TriG/N-Quads input are merged: an
Oxigraph store keeps each file in one named graph, an rdflib graph holds one graph.

Input is held to the limits of `pactgraph.rdf.limits` (size, literal length, nesting,
XML entities; see `pactgraph.rdf.input_checks`), and a file that does not parse gets a
message saying why where it can: not UTF-8, binary, another format than its
extension says, empty, truncated.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pactgraph import resources
from pactgraph.rdf import limits
from pactgraph.errors import InputError
from pactgraph.rdf.rdflib_bridge import (
    quads_to_graph,
)
from pactgraph.rdf.rdf_formats import (
    EXTENSIONS,
    TRIPLE_FORMATS,
    TURTLE_FAMILY,
    PathLike,
    rdf_format_name,
)
from pactgraph.rdf.rdf_formats import label as _label

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph
    import rdflib

_BOM = b"\xef\xbb\xbf"

_OX_PREFIX = re.compile(
    r"^Parser error (?:at line \d+ between columns \d+ and \d+"
    r"|at line \d+ column \d+"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)


def resolve_inputs(paths: Iterable[PathLike]) -> list[Path]:
    """Expand directories (recursively) into RDF files; check files exist and have a known extension.

    The result keeps the given order, directories expanded in sorted order,
    without duplicates.
    """
    result: list[Path] = []
    for raw in paths:
        if str(raw).strip() == "":
            raise InputError("empty path given as input")
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
            if not found:
                known = " ".join(sorted(EXTENSIONS))
                raise InputError(f"{path}: directory holds no RDF files ({known})")
            candidates = found
        elif path.exists():
            rdf_format_name(path)
            candidates = [path]
        else:
            raise InputError(f"{path}: no such file or directory")
        result.extend(candidates)
    return unique_paths(result)


def unique_paths(paths: Iterable[Path], leave_out: Iterable[Path] = ()) -> list[Path]:
    """`paths` in their order, each file once (compared by resolved path), none of `leave_out`."""
    seen = {p.resolve() for p in leave_out}
    out = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            out.append(path)
    return out


def default_graph_paths() -> list[Path]:
    """The shipped graph files (ontology and data); InputError if none are there."""
    files = resources.graph_files()
    if not files:
        raise InputError(f"no shipped graph found: no *.ttl under {resources.root()}/ontology or /data")
    return files


def _syntax_message(path: Path, err: SyntaxError, name: str | None = None, data: bytes | None = None) -> str:
    msg = " ".join(_OX_PREFIX.sub("", str(err.msg if err.msg else err)).split())
    if len(msg) > 300:  # a message can quote a whole chunk of the input
        msg = msg[:300].rstrip() + " ..."
    if msg in ("Unexpected end", "Unexpected end of file") and name is not None:
        msg = f"unexpected end of file (truncated, or a bracket or quote left open?); expected {_label(name)}"
    if err.lineno:
        column = err.offset or 1
        found = f"{path}:{err.lineno}:{column}: {msg}"
    else:
        found = f"{path}: {msg}"
    if name is None:
        return found
    if data is None:
        try:
            data = _read(path)
        except InputError:
            return found
    from pactgraph.rdf.input_checks import diagnose

    return diagnose(path, name, data, found)


def _read(path: Path) -> bytes:
    """The bytes of an input file; InputError when it is missing, empty or larger than the input limit."""
    import stat

    limit = limits.max_input()
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise InputError(f"{path}: not a regular file (a device, pipe or socket)")
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:  # refused before reading a byte
                limits.check_file_size(path, size, _label(EXTENSIONS.get(path.suffix.lower(), "RDF")))
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or directory") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    limits.check_file_size(path, len(data), _label(EXTENSIONS.get(path.suffix.lower(), "RDF")))
    return data


def _prepared(path: Path, name: str) -> bytes:
    """The bytes to parse: read, a UTF-8 byte-order mark dropped where the parser would stumble
    on it, checked against the limits, bundled JSON-LD contexts put in place."""
    from pactgraph.rdf import input_checks

    data = _read(path)
    if name in TURTLE_FAMILY and data.startswith(_BOM):
        data = data[len(_BOM) :]
    elif name == "JSON_LD":
        input_checks.check_json_depth(path, data)
        data = input_checks.inline_json_contexts(path, data, path.resolve().as_uri())
    elif name == "RDF_XML":
        input_checks.check_xml(path, data)
    return data


def _literals_checked(path: Path, name: str, data: bytes, quads: Any) -> Any:
    """`quads`, each literal checked against the literal limit when the file could hold a longer one."""
    if len(data) <= limits.max_literal() and name != "RDF_XML":
        return quads
    limit = limits.max_literal()

    def checked() -> Iterator[Any]:
        import pyoxigraph as ox

        from pactgraph.rdf import input_checks

        for quad in quads:
            if type(quad.object) is ox.Literal and len(quad.object.value) > limit:
                input_checks.check_literals(path, [quad])
            yield quad

    return checked()


@contextmanager
def _syntax_errors(path: Path, name: str | None = None, data: bytes | None = None) -> Iterator[None]:
    """Report pyoxigraph parse failures as InputError `FILE:LINE:COL: message`."""
    try:
        yield
    except SyntaxError as err:
        raise InputError(_syntax_message(path, err, name, data)) from None
    except (ValueError, OSError) as err:
        raise InputError(f"{path}: {err}") from None


def parse_with_prefixes(path: Path, *, nesting: bool = True) -> tuple[list[Any], dict[str, str]]:
    """Quads and declared prefixes of one file (blank nodes made unique to this file).

    `nesting`: refuse blank nodes nested deeper than the depth limit (rdflib's writers
    recurse over them).
    """
    import hashlib

    import pyoxigraph as ox

    name = rdf_format_name(path)
    fmt = getattr(ox.RdfFormat, name)
    data = _prepared(path, name)
    key = None
    if len(data) >= _REMEMBER_FROM:
        key = (str(path.resolve()), nesting, hashlib.sha256(data).hexdigest(), limits.max_literal(), limits.max_depth())
        if key in _PARSED:
            quads, prefixes = _PARSED[key]
            return list(quads), dict(prefixes)
    with _syntax_errors(path, name, data):
        parser = ox.parse(input=data, format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
        quads = list(_literals_checked(path, name, data, parser))
        prefixes = dict(parser.prefixes)
    if nesting:
        from pactgraph.rdf import input_checks

        input_checks.check_blank_node_depth(path, quads)
    if key is not None:
        _PARSED.clear()  # the last large file only: a command reads one report file several times
        _PARSED[key] = (quads, prefixes)
        return list(quads), dict(prefixes)
    return quads, prefixes


#: Files from this size on are parsed once per process for the same bytes, path and limits
#: (`claims import` of a large draft reads it at each step of its check).
_REMEMBER_FROM = 1024 * 1024
_PARSED: dict[tuple[Any, ...], tuple[list[Any], dict[str, str]]] = {}


def parse_file(path: PathLike, *, nesting: bool = True) -> list[pyoxigraph.Quad]:
    """Parse one RDF file with pyoxigraph into quads (blank nodes made unique to this file).

    InputError for a syntax error or input beyond the limits (`pactgraph.rdf.limits`); `nesting`:
    also for blank nodes nested deeper than the depth limit.
    """
    return parse_with_prefixes(Path(path), nesting=nesting)[0]


def _files(paths: Sequence[PathLike] | None) -> list[Path]:
    files = default_graph_paths() if paths is None else resolve_inputs(paths)
    if not files:
        raise InputError("no input files given")
    return files


def read_rdf(paths: Sequence[PathLike] | None = None) -> tuple[list[pyoxigraph.Quad], dict[str, str]]:
    """Quads of the given files and directories (default: the shipped graph), and the
    prefixes they declare (the first declaration of a prefix name wins)."""
    quads: list[Any] = []
    prefixes: dict[str, str] = {}
    for path in _files(paths):
        found, declared = parse_with_prefixes(path)
        quads.extend(found)
        for prefix, namespace in declared.items():
            prefixes.setdefault(prefix, namespace)
    return quads, prefixes


def load_store(paths: Sequence[PathLike] | None = None) -> pyoxigraph.Store:
    """An in-memory Oxigraph store holding all triples of `paths` (default: the shipped graph).

    Each file lands in a named graph of its own (`pactgraph.rdf.graph_names.graph_name`;
    the graphs of a TriG/N-Quads file are merged into it); query with the union
    of all graphs as the default graph (`querying.run_query` does). Blank nodes
    stay distinct per file.
    """
    import pyoxigraph as ox

    store = ox.Store()
    for path in _files(paths):
        load_file_into(store, path)
    return store


def load_file_into(
    store: Any, path: Path, graph: str | None = None, *, bulk: bool = False, default: bool = False
) -> None:
    """Parse one file into `store`, in the named graph `graph` (default: the file's graph name), or in
    the default graph (`default`).

    The graph is not cleared first. `bulk` uses Oxigraph's bulk loader (on-disk stores).
    InputError `FILE:LINE:COL: message` on a syntax error.
    """
    import pyoxigraph as ox

    from pactgraph.rdf.graph_names import graph_name

    target = ox.DefaultGraph() if default else ox.NamedNode(graph if graph is not None else graph_name(path))
    name = rdf_format_name(path)
    fmt = getattr(ox.RdfFormat, name)
    base = path.resolve().as_uri()
    load = store.bulk_load if bulk else store.load
    if name in TRIPLE_FORMATS and name != "RDF_XML" and _native_ok(path, name):
        # Store.load reads the file natively (faster than handing it bytes) and renames blank nodes.
        try:
            with _syntax_errors(path, name):
                load(path=str(path), format=fmt, base_iri=base, to_graph=target)
        except InputError:
            if not os.access(path, os.R_OK):
                _read(path)
            raise
        if path.stat().st_size > limits.max_literal():
            _check_graph_literals(store, path, target)
        return
    data = _prepared(path, name)
    with _syntax_errors(path, name, data):
        if name in TRIPLE_FORMATS:
            load(input=data, format=fmt, base_iri=base, to_graph=target)
            if len(data) > limits.max_literal() or name == "RDF_XML":
                _check_graph_literals(store, path, target)
            return
        quads = ox.parse(input=data, format=fmt, base_iri=base, rename_blank_nodes=True)
        store.extend(
            [ox.Quad(q.subject, q.predicate, q.object, target) for q in _literals_checked(path, name, data, quads)]
        )


def _native_ok(path: Path, name: str) -> bool:
    """Whether pyoxigraph may read the file itself: it is there, within the limits, without a byte-order mark."""
    try:
        size = path.stat().st_size
    except OSError:
        _read(path)  # the same messages as every other reader
        raise
    if not path.is_file():
        _read(path)
        return False
    limits.check_file_size(path, size, _label(name))
    with path.open("rb") as handle:
        return handle.read(len(_BOM)) != _BOM


def _check_graph_literals(store: Any, path: Path, graph: Any) -> None:
    """InputError when the graph just loaded from `path` holds a literal longer than the literal limit."""
    limit = limits.max_literal()
    found = store.query(
        f"SELECT (STRLEN(?o) AS ?n) WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && STRLEN(?o) > {limit}) }} LIMIT 1",
        default_graph=graph,
    )
    for row in found:
        store.remove_graph(graph)
        raise InputError(
            f"{path}: a literal of {int(row['n'].value):,} characters, more than the limit of "
            f"{limits.human_size(limit)} (set {limits.ENV_MAX_LITERAL} to raise it)"
        )


def iter_quads_into_graph(path: Path, graph: str) -> Iterator[Any]:
    """The quads of one file, each put in the named graph `graph` (for bulk loading)."""
    import pyoxigraph as ox

    target = ox.NamedNode(graph)
    name = rdf_format_name(path)
    fmt = getattr(ox.RdfFormat, name)
    data = _prepared(path, name)
    with _syntax_errors(path, name, data):
        quads = ox.parse(input=data, format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
        for q in _literals_checked(path, name, data, quads):
            yield ox.Quad(q.subject, q.predicate, q.object, target)


def load_graph(paths: Sequence[PathLike] | None = None) -> rdflib.Graph:
    """An rdflib graph of `paths` (default: the shipped graph), parsed by pyoxigraph,
    with the project prefixes and those the files declare bound."""
    quads, prefixes = read_rdf(paths)
    return quads_to_graph(quads, prefixes=prefixes)
