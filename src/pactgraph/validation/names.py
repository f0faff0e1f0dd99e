"""Display names for the terms of a validation report: prefixed names, labels, SHACL paths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import RDFS, SCHEMA, SH, SKOS, XSD, Namer, with_extra

_LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "name")


class Names:
    """Display names for report terms: the project prefixes plus those the inputs declare."""

    def __init__(self, *graphs: Any):
        declared: dict[str, str] = {}
        for graph in graphs:
            for prefix, namespace in graph.namespaces():
                declared.setdefault(str(prefix), str(namespace))
        self.namer = Namer(with_extra(declared))

    def node(self, term: Any) -> str:
        """Prefixed name or <IRI>, _:blank, or a Turtle-style literal."""
        import rdflib

        if isinstance(term, rdflib.URIRef):
            return self.namer.shorten(str(term))
        if isinstance(term, rdflib.BNode):
            return f"_:{term}"
        if isinstance(term, rdflib.Literal):
            text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            if term.language:
                return f'"{text}"@{term.language}'
            if term.datatype is not None and str(term.datatype) != XSD + "string":
                return f'"{text}"^^{self.namer.shorten(str(term.datatype))}'
            return f'"{text}"'
        return str(term)

    def path(self, term: Any, graph: Any, depth: int = 0) -> str:
        """A SHACL property path as a SPARQL-like expression (`^schema:memberOf`, `a/b`, `(a|b)*`)."""
        import rdflib
        from rdflib.collection import Collection

        sh = rdflib.Namespace(SH)
        if term is None:
            return ""
        if not isinstance(term, rdflib.BNode) or depth > 10:
            return self.node(term)
        if graph.value(term, rdflib.RDF.first) is not None:
            return "/".join(_wrap(self.path(p, graph, depth + 1)) for p in Collection(graph, term))
        for predicate, template in (
            (sh.inversePath, "^{}"),
            (sh.zeroOrMorePath, "{}*"),
            (sh.oneOrMorePath, "{}+"),
            (sh.zeroOrOnePath, "{}?"),
        ):
            inner = graph.value(term, predicate)
            if inner is not None:
                return template.format(_wrap(self.path(inner, graph, depth + 1)))
        alternatives = graph.value(term, sh.alternativePath)
        if alternatives is not None:
            return (
                "(" + "|".join(self.path(p, graph, depth + 1) for p in Collection(graph, alternatives)) + ")"
            )
        return self.node(term)

    def shape(self, shape: Any, shapes_graph: Any) -> str:
        """A shape's name; a blank property shape is named by its parent shape and path."""
        import rdflib

        if not isinstance(shape, rdflib.BNode):
            return self.node(shape)
        sh = rdflib.Namespace(SH)
        path = shapes_graph.value(shape, sh.path)
        parents = sorted(self.node(p) for p in shapes_graph.subjects(sh.property, shape))
        if path is not None:
            described = f"[property {self.path(path, shapes_graph)}]"
            return f"{parents[0]} {described}" if parents else described
        return f"{parents[0]} [{self.node(shape)}]" if parents else self.node(shape)

    def expand_all(self, names: Iterable[str] | None, what: str) -> list[str]:
        """Full IRIs for user-given names; InputError naming the option on a bad one."""
        expanded = []
        for name in names or ():
            try:
                expanded.append(self.namer.expand(name))
            except ValueError as err:
                raise InputError(f"{what}: {err}") from None
        return expanded


def _wrap(expression: str) -> str:
    simple = expression.startswith("(") or all(c not in expression for c in "/|^*+?")
    return expression if simple else f"({expression})"


def label_rank(literal: Any) -> tuple[int, str]:
    language = literal.language or ""
    return (0 if language in ("", "en") else 1 if language.startswith("en-") else 2, str(literal))


def label(node: Any, graphs: Sequence[Any]) -> str:
    """rdfs:label, skos:prefLabel or schema:name, preferring English or untagged text."""
    import rdflib

    if not isinstance(node, (rdflib.URIRef, rdflib.BNode)):
        return ""
    for prop in _LABEL_PROPERTIES:
        found: set[Any] = set()
        for graph in graphs:
            found.update(o for o in graph.objects(node, rdflib.URIRef(prop)) if isinstance(o, rdflib.Literal))
        if found:
            return str(min(found, key=label_rank))
    return ""


def count_shapes(shapes_graph: Any) -> int:
    """Node and property shapes: typed as shapes, used via sh:property/sh:node, or declaring a target."""
    import rdflib

    sh = rdflib.Namespace(SH)
    shapes = set(shapes_graph.subjects(rdflib.RDF.type, sh.NodeShape))
    shapes |= set(shapes_graph.subjects(rdflib.RDF.type, sh.PropertyShape))
    shapes |= set(shapes_graph.objects(None, sh.property))
    shapes |= set(shapes_graph.objects(None, sh.node))
    for target in (sh.targetClass, sh.targetNode, sh.targetSubjectsOf, sh.targetObjectsOf, sh.target):
        shapes |= set(shapes_graph.subjects(target, None))
    return len(shapes)
