"""Read RDF files: syntax-check with pyoxigraph, then hand out an Oxigraph store or an rdflib graph.

pyoxigraph is the single parser, so every syntax error reads `FILE:LINE:COL: message`,
and no remote document (e.g. a JSON-LD @context) is ever fetched. rdflib only
receives already-parsed terms. Named graphs in TriG/N-Quads input are merged: an
Oxigraph store keeps each file in one named graph, an rdflib graph holds one graph.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pactgraph import resources
from pactgraph.errors import InputError
from pactgraph.namespaces import PREFIXES, with_extra

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph
    import rdflib

#: File extension -> pyoxigraph RdfFormat attribute name.
EXTENSIONS: dict[str, str] = {
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
}

PathLike = str | Path

#: Formats that can only hold triples, loaded straight into the store's default graph.
_TRIPLE_FORMATS = frozenset({"TURTLE", "N_TRIPLES", "RDF_XML"})

_OX_PREFIX = re.compile(
    r"^Parser error (?:at line \d+ between columns \d+ and \d+"
    r"|at line \d+ column \d+"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)


def rdf_format_name(path: PathLike) -> str:
    """The pyoxigraph format name for a file, from its extension; InputError if unknown."""
    suffix = Path(path).suffix.lower()
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        known = " ".join(sorted(EXTENSIONS))
        shown = suffix or "(none)"
        raise InputError(f"{path}: unknown RDF file extension {shown}; expected one of: {known}") from None


def resolve_inputs(paths: Iterable[PathLike]) -> list[Path]:
    """Expand directories (recursively) into RDF files; check files exist and have a known extension.

    The result keeps the given order, directories expanded in sorted order,
    without duplicates.
    """
    result: list[Path] = []
    seen: set[Path] = set()
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
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                result.append(candidate)
    return result


def default_graph_paths() -> list[Path]:
    """The shipped graph files (ontology and data); InputError if none are there."""
    files = resources.graph_files()
    if not files:
        raise InputError(f"no shipped graph found: no *.ttl under {resources.root()}/ontology or /data")
    return files


def _syntax_message(path: Path, err: SyntaxError) -> str:
    msg = _OX_PREFIX.sub("", str(err.msg if err.msg else err)).strip()
    if err.lineno:
        column = err.offset or 1
        return f"{path}:{err.lineno}:{column}: {msg}"
    return f"{path}: {msg}"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or directory") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None


@contextmanager
def _syntax_errors(path: Path) -> Iterator[None]:
    """Report pyoxigraph parse failures as InputError `FILE:LINE:COL: message`."""
    try:
        yield
    except SyntaxError as err:
        raise InputError(_syntax_message(path, err)) from None
    except (ValueError, OSError) as err:
        raise InputError(f"{path}: {err}") from None


def _parse(path: Path) -> tuple[list[Any], dict[str, str]]:
    """Quads and declared prefixes of one file (blank nodes made unique to this file)."""
    import pyoxigraph as ox

    fmt = getattr(ox.RdfFormat, rdf_format_name(path))
    data = _read(path)
    with _syntax_errors(path):
        parser = ox.parse(input=data, format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
        quads = list(parser)
        return quads, dict(parser.prefixes)


def parse_file(path: PathLike) -> list[pyoxigraph.Quad]:
    """Parse one RDF file with pyoxigraph into quads (blank nodes made unique to this file)."""
    return _parse(Path(path))[0]


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
        found, declared = _parse(path)
        quads.extend(found)
        for prefix, namespace in declared.items():
            prefixes.setdefault(prefix, namespace)
    return quads, prefixes


def parse_files(paths: Sequence[PathLike] | None = None) -> list[pyoxigraph.Quad]:
    """Parse the given files and directories, or the shipped graph when `paths` is None."""
    return read_rdf(paths)[0]


def load_store(paths: Sequence[PathLike] | None = None) -> pyoxigraph.Store:
    """An in-memory Oxigraph store holding all triples of `paths` (default: the shipped graph).

    Each file lands in a named graph of its own (`pactgraph.stores.graph_name`;
    the graphs of a TriG/N-Quads file are merged into it); query with the union
    of all graphs as the default graph (`querying.run_query` does). Blank nodes
    stay distinct per file.
    """
    import pyoxigraph as ox

    store = ox.Store()
    for path in _files(paths):
        load_file_into(store, path)
    return store


def load_file_into(store: Any, path: Path, graph: str | None = None, *, bulk: bool = False) -> None:
    """Parse one file into `store`, in the named graph `graph` (default: the file's graph name).

    The graph is not cleared first. `bulk` uses Oxigraph's bulk loader (on-disk stores).
    InputError `FILE:LINE:COL: message` on a syntax error.
    """
    import pyoxigraph as ox

    from pactgraph.stores.base import graph_name

    target = ox.NamedNode(graph if graph is not None else graph_name(path))
    name = rdf_format_name(path)
    fmt = getattr(ox.RdfFormat, name)
    base = path.resolve().as_uri()
    if name in _TRIPLE_FORMATS:
        # Store.load reads the file natively (faster than handing it bytes) and renames blank nodes.
        if not path.is_file():
            _read(path)  # the same messages as every other reader
        try:
            with _syntax_errors(path):
                (store.bulk_load if bulk else store.load)(path=str(path), format=fmt, base_iri=base, to_graph=target)
        except InputError:
            if not os.access(path, os.R_OK):
                _read(path)
            raise
        return
    data = _read(path)
    with _syntax_errors(path):
        quads = ox.parse(input=data, format=fmt, base_iri=base, rename_blank_nodes=True)
        store.extend([ox.Quad(q.subject, q.predicate, q.object, target) for q in quads])


def iter_quads_into_graph(path: Path, graph: str) -> Iterator[Any]:
    """The quads of one file, each put in the named graph `graph` (for bulk loading)."""
    import pyoxigraph as ox

    target = ox.NamedNode(graph)
    fmt = getattr(ox.RdfFormat, rdf_format_name(path))
    data = _read(path)
    with _syntax_errors(path):
        for q in ox.parse(input=data, format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True):
            yield ox.Quad(q.subject, q.predicate, q.object, target)


def new_graph(graph_class: type | None = None) -> rdflib.Graph:
    """An empty rdflib graph (of `graph_class`, default rdflib.Graph) with exactly the project prefixes bound."""
    import rdflib

    graph = (graph_class or rdflib.Graph)(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, rdflib.URIRef(namespace), override=True, replace=True)
    return graph


def to_rdflib_term(term: Any) -> rdflib.term.Node:
    """Convert a pyoxigraph term into the equal rdflib term."""
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == PREFIXES["xsd"] + "string":
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))
    raise InputError(f"unsupported RDF term for this command (RDF 1.2 triple term?): {term}")


def bind_prefixes(graph: rdflib.Graph, prefixes: dict[str, str]) -> None:
    """Bind prefixes declared in input files, unless they clash with the project's (which win)."""
    import rdflib

    bound = {str(p) for p, _ in graph.namespaces()}
    used = {str(n) for _, n in graph.namespaces()}
    for prefix, namespace in with_extra(prefixes).items():
        if prefix not in bound and namespace not in used:
            graph.bind(prefix, rdflib.URIRef(namespace), override=False)
            bound.add(prefix)
            used.add(namespace)


def quads_to_graph(
    quads: Iterable[Any], graph: rdflib.Graph | None = None, prefixes: dict[str, str] | None = None
) -> rdflib.Graph:
    """Add pyoxigraph quads (graph names dropped) to an rdflib graph and return it.

    `prefixes` (e.g. from read_rdf) are bound too, where they do not clash with the project's.
    """
    graph = new_graph() if graph is None else graph
    conv = to_rdflib_term
    graph.addN((conv(q.subject), conv(q.predicate), conv(q.object), graph) for q in quads)
    if prefixes:
        bind_prefixes(graph, prefixes)
    return graph


def load_graph(paths: Sequence[PathLike] | None = None) -> rdflib.Graph:
    """An rdflib graph of `paths` (default: the shipped graph), parsed by pyoxigraph,
    with the project prefixes and those the files declare bound."""
    quads, prefixes = read_rdf(paths)
    return quads_to_graph(quads, prefixes=prefixes)
