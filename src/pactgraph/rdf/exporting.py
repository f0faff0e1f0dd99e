"""Serialise a graph so that the same input always gives the same bytes.

Blank nodes get canonical labels (RDFC-1.0, pactgraph.rdf.canonical) and every
writer is fed or emits triples in sorted order, so the output depends neither
on input order nor on PYTHONHASHSEED.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import PREFIXES, RDF, XSD, shorten, used_prefixes

FORMATS = ("turtle", "ntriples", "jsonld", "trig", "xml")

#: File extension -> export format, for `-o FILE` without --format.
EXTENSION_FORMATS = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".trig": "trig",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
}


def format_for_path(path: str | Path) -> str:
    """The export format implied by an output file name; InputError if the extension is unknown."""
    suffix = Path(path).suffix.lower()
    try:
        return EXTENSION_FORMATS[suffix]
    except KeyError:
        known = " ".join(sorted(EXTENSION_FORMATS))
        raise InputError(
            f"{path}: cannot tell the export format from extension {suffix or '(none)'}; "
            f"use --format or one of: {known}"
        ) from None


def chosen_format(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one the output file's extension implies, else Turtle."""
    if fmt is not None:
        return fmt
    if output is not None and str(output) != "-":
        return format_for_path(output)
    return "turtle"


def canonical_triples(graph: Any) -> list[tuple[Any, Any, Any]]:
    """The graph's triples with canonical (RDFC-1.0) blank-node labels, sorted by their N-Triples form."""
    from pactgraph.rdf.canonical import canonical_graph_triples

    return canonical_graph_triples(graph)


def _turtle(triples: list[Any]) -> bytes:
    from pactgraph.rdf.loading import new_graph

    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    return graph.serialize(format="longturtle", encoding="utf-8")


def _ntriples(triples: list[Any]) -> bytes:
    from pactgraph.rdf.loading import new_graph

    graph = new_graph()
    for triple in triples:
        graph.add(triple)
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _trig(triples: list[Any]) -> bytes:
    import rdflib

    dataset = rdflib.Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, rdflib.URIRef(namespace), override=True, replace=True)
    default = dataset.default_graph
    for triple in triples:
        default.add(triple)
    return dataset.serialize(format="trig", encoding="utf-8")


def _compact(iri: str) -> str:
    short = shorten(iri)
    return iri if short.startswith("<") else short


def _jsonld(triples: list[Any]) -> bytes:
    """Compact JSON-LD: a @context of the project prefixes in use and a flat @graph.

    Written directly (one node object per subject, properties and values in
    sorted order) because rdflib's JSON-LD writer orders nodes by hash and can
    drop blank nodes that only reference each other.
    """
    import rdflib

    def node_id(term: Any) -> str:
        return f"_:{term}" if isinstance(term, rdflib.BNode) else _compact(str(term))

    def value(term: Any) -> Any:
        if isinstance(term, rdflib.Literal):
            if term.language:
                return {"@value": str(term), "@language": term.language}
            if term.datatype is not None and str(term.datatype) != XSD + "string":
                return {"@value": str(term), "@type": _compact(str(term.datatype))}
            return str(term)
        return {"@id": node_id(term)}

    nodes: dict[str, dict[str, list[Any]]] = {}
    for s, p, o in triples:
        node = nodes.setdefault(node_id(s), {})
        if str(p) == RDF + "type" and not isinstance(o, rdflib.Literal):
            node.setdefault("@type", []).append(node_id(o))
        else:
            node.setdefault(_compact(str(p)), []).append(value(o))
    graph = []
    for ident in sorted(nodes):
        obj: dict[str, Any] = {"@id": ident}
        for key in sorted(nodes[ident]):
            values = sorted(nodes[ident][key], key=lambda v: json.dumps(v, sort_keys=True))
            obj[key] = values[0] if len(values) == 1 else values
        graph.append(obj)
    document = {"@context": used_prefixes(triples), "@graph": graph}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _xml(triples: list[Any]) -> bytes:
    """RDF/XML with typed node elements, one per subject, written by pyoxigraph from sorted triples.

    rdflib's pretty-xml writer orders subjects by hash, so it is not used here.
    """
    import pyoxigraph as ox

    from pactgraph.rdf.loading import to_oxigraph

    ox_triples = [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples]
    data = ox.serialize(ox_triples, format=ox.RdfFormat.RDF_XML, prefixes=used_prefixes(triples)) or b""
    return data if data.endswith(b"\n") else data + b"\n"


_WRITERS = {
    "turtle": _turtle,
    "ntriples": _ntriples,
    "jsonld": _jsonld,
    "trig": _trig,
    "xml": _xml,
}


def serialize_graph(graph: Any, fmt: str = "turtle") -> bytes:
    """The bytes of `graph` (an rdflib Graph) in one of FORMATS, identical on every run."""
    if fmt not in _WRITERS:
        raise InputError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    triples = canonical_triples(graph)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _WRITERS[fmt](triples)


def export(paths: Iterable[str | Path] | None = None, fmt: str = "turtle") -> bytes:
    """Load `paths` (default: the shipped graph) and serialise them deterministically."""
    from pactgraph.rdf.loading import load_graph

    return serialize_graph(load_graph(None if paths is None else list(paths)), fmt)
