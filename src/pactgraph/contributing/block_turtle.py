"""Claim blocks in the bytes rdflib's longturtle serializer writes, without its cost per term.

A block of `claim add` or `claims import` is longturtle text: PREFIX lines of the
prefixes it uses, subjects and predicates sorted, blank nodes inline. rdflib finds the
prefixed name of every term of every block again, which is most of the time of a
10k-row import. Here the layout is the serializer's own steps, and each term's text is
what rdflib writes for it (its `get_pname` and `_literal_n3`), found once per term.
A block this does not write (an RDF list, a blank node that would be written by label,
a predicate whose prefix rdflib would invent or rename) gives None, and the caller
serializes with rdflib. tests/test_claims_block_turtle.py compares the bytes with rdflib's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class _Unsupported(Exception):
    """The block holds something only rdflib's serializer writes."""


class BlockWriter:
    """Writes blocks with the prefixes of one rdflib namespace manager, remembering each term's name."""

    def __init__(self, namespace_manager: Any):
        import rdflib
        from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

        self._graph = rdflib.Graph(bind_namespaces="none", namespace_manager=namespace_manager)
        self._helper = LongTurtleSerializer(self._graph)
        self._names: dict[tuple[str, bool], tuple[str | None, tuple[tuple[str, Any], ...]]] = {}
        # rdflib's terms and namespace lookups are Python calls: taken once, compared as strings.
        self.type, self.label, self.nil, self.first = (str(rdflib.RDF.type), str(rdflib.RDFS.label), str(rdflib.RDF.nil),
                                                       str(rdflib.RDF.first))
        self.rdfs_class = str(rdflib.RDFS.Class)
        self.kinds = (rdflib.URIRef, rdflib.BNode, rdflib.Literal)

    def _pname(self, uri: Any, generate: bool) -> tuple[str | None, tuple[tuple[str, Any], ...]]:
        """rdflib's prefixed name of `uri` (None: written as <IRI>) and the prefixes that name declares."""
        key = (str(uri), generate)  # a plain string: rdflib's term equality is a Python call
        found = self._names.get(key)
        if found is not None:
            return found
        if generate:
            try:
                self._graph.compute_qname(uri, generate=False)
            except KeyError:
                raise _Unsupported("rdflib would make up a prefix") from None
            except Exception:  # noqa: BLE001 - rdflib's get_pname handles the rest as it always does
                pass
        helper = self._helper
        helper.namespaces, helper._ns_rewrite = {}, {}
        name = helper.get_pname(uri, generate)
        if helper._ns_rewrite:
            raise _Unsupported("rdflib would rename a prefix")
        found = (name, tuple(helper.namespaces.items()))
        if name is not None:  # a name not found now may be found once a prefix is bound
            self._names[key] = found
        return found

    def write(self, triples: Iterable[tuple[Any, Any, Any]]) -> str | None:
        """The block's longturtle text, as `Graph.serialize(format="longturtle")` gives it for a graph
        to which `triples` were added in this order; None when rdflib must write it."""
        try:
            return _Block(self).write(triples)
        except _Unsupported:
            return None


class _Block:
    """One serialization: the steps of rdflib's LongTurtleSerializer (no base, not spacious)."""

    def __init__(self, writer: BlockWriter):
        self.writer = writer
        self.namespaces: dict[str, Any] = {}
        self.references: dict[Any, int] = {}
        self.done: set[Any] = set()
        self.depth = 0
        self.out: list[str] = []

    def declare(self, found: tuple[tuple[str, Any], ...]) -> None:
        for prefix, namespace in found:
            if self.namespaces.setdefault(prefix, namespace) != namespace:
                raise _Unsupported("one prefix for two namespaces")

    def name(self, uri: Any, generate: bool) -> str | None:
        name, found = self.writer._pname(uri, generate)
        self.declare(found)
        return name

    def write(self, triples: Iterable[tuple[Any, Any, Any]]) -> str:
        writer = self.writer
        uri, blank, literal = writer.kinds
        # What a Memory store holds: each triple once, objects per subject and predicate in the order added.
        self.subjects: dict[Any, dict[Any, list[Any]]] = {}
        seen: set[tuple[Any, Any, Any]] = set()
        classes = False
        for triple in triples:
            if triple in seen:
                continue
            seen.add(triple)
            s, p, o = triple
            if type(p) is not uri or str.__eq__(p, writer.first):
                raise _Unsupported("a list or an unusual predicate")
            if type(s) not in (uri, blank) or type(o) not in (uri, blank, literal):
                raise _Unsupported("a term of another kind")
            self.subjects.setdefault(s, {}).setdefault(p, []).append(o)
            # preprocessTriple: references, and the prefix of every term (a datatype's too).
            self.references[o] = self.references.get(o, 0) + 1
            if type(s) is uri:
                self.name(s, False)
            if not str.__eq__(p, writer.type):
                self.name(p, True)
            elif type(o) is uri and str.__eq__(o, writer.rdfs_class):
                classes = True
            if type(o) is uri:
                self.name(o, False)
            elif type(o) is literal and o.datatype:
                self.name(o.datatype, False)
        if classes:
            raise _Unsupported("a class, which rdflib writes first")
        order = sorted((type(s) is blank, self.references.get(s, 0), s) for s in self.subjects)
        for _, _, subject in order:
            if subject in self.done:
                continue
            self.statement(subject)
            self.out.append("\n")
        head = [f"PREFIX {prefix}: <{uri}>\n" for prefix, uri in sorted(self.namespaces.items())]
        return "".join(head + self.out).encode("utf-8", "replace").decode("utf-8")

    def indent(self, modifier: int = 0) -> str:
        return (self.depth + modifier) * "    "

    def statement(self, subject: Any) -> None:
        self.done.add(subject)
        if self.references.get(subject, 0) == 0 and type(subject) is self.writer.kinds[1]:
            self.out.append("\n" + self.indent() + "[]")
            self.predicate_list(subject)
        else:
            self.out.append("\n" + self.indent())
            self.out.append(self.label(subject, 0))
            self.out.append("\n" + self.indent())
            self.predicate_list(subject)
        self.out.append("\n.")

    def predicate_list(self, subject: Any) -> None:
        properties = {p: sorted(objects) if len(objects) > 1 else objects
                      for p, objects in self.subjects.get(subject, {}).items()}
        if not properties:
            return
        first = [p for name in (self.writer.type, self.writer.label) for p in properties if str.__eq__(p, name)]
        order = first + [p for p in sorted(properties) if p not in first]
        self.out.append(self.indent(1))
        for n, predicate in enumerate(order):
            if n:
                self.out.append(" ;\n" + self.indent(1))
            self.out.append(self.label(predicate, 1))
            self.object_list(properties[predicate])
        self.out.append(" ;")

    def object_list(self, objects: list[Any]) -> None:
        blank = self.writer.kinds[1]
        # rdflib's `depthmod = (count == 1) and 0 or 1` is 1 for any count: one level deeper always.
        self.depth += 1
        several = len(objects) > 1
        if several:
            self.out.append(" " if type(objects[0]) is blank else "\n" + self.indent(1))
        self.path(objects[0], newline=several)
        for node in objects[1:]:
            self.out.append(" ,")
            if type(node) is not blank:
                self.out.append("\n" + self.indent(1))
            self.path(node, newline=True)
        self.depth -= 1

    def path(self, node: Any, newline: bool) -> None:
        """An object: a blank node referenced once inline, else its label."""
        if type(node) is self.writer.kinds[1] and node not in self.done and self.references.get(node, 0) <= 1:
            self.done.add(node)
            self.out.append("\n" + self.indent(1) + "[\n")
            self.depth += 1
            self.predicate_list(node)
            self.depth -= 1
            self.out.append("\n" + self.indent(1) + "]")
            return
        if not newline:
            self.out.append(" ")
        self.out.append(self.label(node, 2))

    def label(self, node: Any, position: int) -> str:
        writer = self.writer
        kind = type(node)
        if kind is writer.kinds[2]:
            return node._literal_n3(use_plain=True, qname_callback=lambda datatype: self.name(datatype, False))
        if kind is not writer.kinds[0]:
            raise _Unsupported("a blank node written by label")
        if str.__eq__(node, writer.nil):
            return "()"
        if position == 1 and str.__eq__(node, writer.type):
            return "a"
        return self.name(node, position == 1) or node.n3()
