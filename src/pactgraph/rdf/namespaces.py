"""The project's prefixes, in one place, for every prefixed name read or written.

Kept free of RDF library imports so the fast query path can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

PG = "https://w3id.org/pactgraph/ontology#"
PGV = "https://w3id.org/pactgraph/vocab/"
PGR = "https://w3id.org/pactgraph/id/"
PGSH = "https://w3id.org/pactgraph/shapes#"

#: Prefix -> namespace IRI. The order is the order used in serialisations.
PREFIXES: dict[str, str] = {
    "pg": PG,
    "pgv": PGV,
    "pgr": PGR,
    "pgsh": PGSH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "dcterms": "http://purl.org/dc/terms/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
SCHEMA = PREFIXES["schema"]
SH = PREFIXES["sh"]

# A conservative Turtle PN_LOCAL: what it accepts is always valid, never escaped.
_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_PREFIX_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")


def with_extra(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The project prefixes plus `extra` ones (e.g. declared in input files).

    A project prefix name or namespace always keeps its project meaning; an extra
    prefix that would clash with one is left out.
    """
    combined = dict(PREFIXES)
    taken = set(PREFIXES.values())
    for prefix, namespace in sorted((extra or {}).items()):
        if prefix in combined or namespace in taken or not _PREFIX_NAME.fullmatch(prefix):
            continue
        combined[prefix] = namespace
        taken.add(namespace)
    return combined


class Namer:
    """Turns IRIs into prefixed names with a fixed set of prefixes (longest namespace wins)."""

    def __init__(self, prefixes: Mapping[str, str] | None = None):
        self.prefixes = dict(PREFIXES if prefixes is None else prefixes)
        self._by_length = sorted(self.prefixes.items(), key=lambda item: (-len(item[1]), item[0]))

    def shorten(self, iri: str) -> str:
        """`iri` as a prefixed name if a prefix fits, else as `<iri>`."""
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if _LOCAL.fullmatch(local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def expand(self, name: str) -> str:
        """The full IRI for a prefixed name, `<iri>` or absolute IRI given by a user.

        Raises ValueError with a readable message when the prefix is unknown or
        the text is not an IRI at all.
        """
        text = name.strip()
        if text.startswith("<") and text.endswith(">"):
            return text[1:-1]
        prefix, sep, local = text.partition(":")
        if sep and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        if sep and (local.startswith("//") or prefix in {"urn", "mailto", "tag", "file"}):
            return text
        if sep and _IRI_SCHEME.match(text):
            known = ", ".join(f"{p}:" for p in self.prefixes)
            raise ValueError(f"unknown prefix {prefix + ':'!r} in {text!r}; known prefixes: {known}")
        raise ValueError(f"{text!r} is neither a prefixed name (e.g. pgr:turkey) nor an IRI")


_PROJECT = Namer()


def shorten(iri: str) -> str:
    """Return `iri` as a prefixed name if a project prefix fits, else as `<iri>`."""
    return _PROJECT.shorten(iri)


def expand(name: str) -> str:
    """Return the full IRI for a prefixed name (project prefixes), `<iri>` or absolute IRI."""
    return _PROJECT.expand(name)


def turtle_prefix_block() -> str:
    """@prefix declarations for all project prefixes."""
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def used_prefixes(triples: Iterable[Any], prefixes: Mapping[str, str] = PREFIXES) -> dict[str, str]:
    """The prefixes whose namespace some IRI (or literal datatype) of rdflib `triples` starts
    with, in the order of `prefixes`: what a writer declares, and no more."""
    import rdflib

    iris = set()
    for triple in triples:
        for term in triple:
            if isinstance(term, rdflib.URIRef):
                iris.add(str(term))
            elif isinstance(term, rdflib.Literal) and term.datatype is not None:
                iris.add(str(term.datatype))
    hits = {ns for ns in set(prefixes.values()) if any(iri.startswith(ns) for iri in iris)}
    return {p: ns for p, ns in prefixes.items() if ns in hits}
