"""The shipped text-offset rules (`pgsh:SelectionShape`) evaluated in Python, each selection at the cost of its own length.

Its four SPARQL constraints compare a selector's offsets with the stored text by SUBSTR and
STRLEN. An engine that indexes a string by character walks the text from its start for every
selection, so a report of n selections costs n times its length: a report of 10,000 claims took
minutes. A Python str is indexed by code point, which is what SPARQL's string functions count
(a character outside the BMP is one), so here a selection costs the length it reads.

Only the shipped shape runs here, exactly: its IRI, each constraint's IRI and `sh:select` text
(the SHA-256s below), the namespaces of the prefixes those texts use, targets by class only, and
nothing on the shape or its constraints beyond what sparqlshapes writes results from (messages,
severity, descriptions). Any other shape, an edited copy included, runs on the SHACL engine.

The values are read as pySHACL reads them: rdflib terms, typed literals in rdflib's canonical form
("05"^^xsd:nonNegativeInteger is "5"). Each operator is evaluated as rdflib's SPARQL does: an
error drops the row, `A || B` holds when either side holds, SUBSTR is a slice of code points.
`tests/test_validation_textoffsets.py` checks the results against pySHACL running the real shapes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pactgraph.rdf.namespaces import PGSH, PREFIXES, RDF, RDFS, SCHEMA, SH, SKOS, XSD

NATIVE = "python"
SHAPE = PGSH + "SelectionShape"
#: SHA-256 of the sh:select text of each shipped constraint (shapes/pactgraph-rules.ttl). A changed
#: text runs on the engine until the evaluation here is checked against it and the hash updated.
CONSTRAINTS = {
    PGSH + "Selection-offsetsSelectExact": "70b9afeb816d5b9d777b196eadfc9c24c2d0eac2b62735b97724096ca7464161",
    PGSH + "Selection-prefixMatches": "e28b080dbaa0ffd338c3bcd68d660422692489d8c0ffd470f39fcdaf425fb3ad",
    PGSH + "Selection-suffixMatches": "439d334d2e5934c3eef9d249951ef26a0b95221a1182181087e0f49118759d46",
    PGSH + "Selection-offsetsInRange": "b680561b239a4f55098138b073586fa963a9924715d2a48099bd3c49b8beab2d",
}
#: The variables each text selects, in its order.
_PROJECTIONS = {
    PGSH + "Selection-offsetsSelectExact": ("this", "value", "exact", "start", "end"),
    PGSH + "Selection-prefixMatches": ("this", "value", "start"),
    PGSH + "Selection-suffixMatches": ("this", "value", "end"),
    PGSH + "Selection-offsetsInRange": ("this", "start", "end", "length"),
}
#: The prefixes the texts use, with the namespaces they were written for.
_USED = {"oa": PREFIXES["oa"], "rdf": RDF, "xsd": XSD}

_OA = PREFIXES["oa"]
_TYPE, _SUBCLASS, _VALUE = RDF + "type", RDFS + "subClassOf", RDF + "value"
_SOURCE, _SELECTOR = _OA + "hasSource", _OA + "hasSelector"
_EXACT, _PREFIX, _SUFFIX, _START, _END = (_OA + n for n in ("exact", "prefix", "suffix", "start", "end"))
_QUOTE, _POSITION = _OA + "TextQuoteSelector", _OA + "TextPositionSelector"
#: What names.label reads, for the focus node's label in a result.
_LABELS = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "name")
_READ = frozenset((_TYPE, _SUBCLASS, _VALUE, _SOURCE, _SELECTOR, _EXACT, _PREFIX, _SUFFIX, _START, _END, *_LABELS))
_NNI, _STRING = XSD + "nonNegativeInteger", XSD + "string"
_OFFSET = re.compile(r"^[+]?[0-9]+$")


@dataclass(frozen=True)
class Native:
    """A shape evaluated here: its node, its translation (messages, severity, constraints) and its target classes."""

    shape: Any
    translated: Any
    classes: tuple[str, ...]


def recognise(shapes_graph: Any, shape: Any) -> Native | None:
    """The shape as evaluated here when it is the shipped one exactly, else None (it runs on the engine)."""
    import rdflib

    from pactgraph.validation.sparqlshapes import Constraint, Refused, Translated, constraint_text, shape_severity

    sh = rdflib.Namespace(SH)
    if str(shape) != SHAPE or set(shapes_graph.objects(shape, rdflib.RDF.type)) - {sh.NodeShape}:
        return None
    if any((shape, sh[t], None) in shapes_graph for t in ("targetNode", "targetSubjectsOf", "targetObjectsOf", "target")):
        return None
    classes = list(shapes_graph.objects(shape, sh.targetClass))
    nodes = sorted(shapes_graph.objects(shape, sh.sparql), key=str)
    if not classes or any(not isinstance(c, rdflib.URIRef) for c in classes) or not nodes:
        return None
    constraints = []
    try:
        severity = shape_severity(shapes_graph, shape)
        for node in nodes:
            if str(node) not in CONSTRAINTS:
                return None
            head = constraint_text(shapes_graph, node)
            if head is None:
                continue  # deactivated
            text, messages = head
            if CONSTRAINTS[str(node)] != hashlib.sha256(text.encode("utf-8")).hexdigest():
                return None
            declared = _declarations(shapes_graph, node)
            if any(declared.get(prefix) != {namespace} for prefix, namespace in _USED.items()):
                return None
            constraints.append(Constraint(node, "", _PROJECTIONS[str(node)], messages))
    except Refused:
        return None
    return Native(shape, Translated(shape, severity, tuple(constraints)), tuple(sorted(str(c) for c in classes)))


def _declarations(shapes_graph: Any, node: Any) -> dict[str, set[str]]:
    """Every namespace sh:prefixes declares for each prefix of `node` (as locality.declared_prefixes walks them)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    out: dict[str, set[str]] = {}
    todo, seen = list(shapes_graph.objects(node, sh.prefixes)), set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for declaration in shapes_graph.objects(current, sh.declare):
            for prefix in shapes_graph.objects(declaration, sh.prefix):
                out.setdefault(str(prefix), set()).update(str(n) for n in shapes_graph.objects(declaration, sh.namespace))
        todo.extend(shapes_graph.objects(current, rdflib.OWL.imports))
    return out


def natives(shapes_graph: Any) -> list[Native]:
    """The shapes of `shapes_graph` with targets that are evaluated here."""
    from pactgraph.validation.locality import target_shapes

    found = (recognise(shapes_graph, shape) for shape in target_shapes(shapes_graph))
    return [n for n in found if n is not None]


class Triples:
    """The triples the rules and a result's label read (pyoxigraph terms), by subject; each triple once."""

    def __init__(self) -> None:
        self.out: dict[Any, dict[str, dict[Any, None]]] = {}
        self.typed: dict[Any, dict[Any, None]] = {}
        self.subclasses: dict[Any, dict[Any, None]] = {}
        self._texts: dict[Any, list[str | None]] = {}
        self._offsets: dict[Any, int | None] = {}

    def add(self, triples: Iterable[Any]) -> None:
        """Keep what the rules read of `triples` (pyoxigraph triples or quads; graph names are ignored)."""
        for t in triples:
            predicate = t.predicate.value
            if predicate not in _READ:
                continue
            self.out.setdefault(t.subject, {}).setdefault(predicate, {})[t.object] = None
            if predicate == _TYPE:
                self.typed.setdefault(t.object, {})[t.subject] = None
            elif predicate == _SUBCLASS:
                self.subclasses.setdefault(t.object, {})[t.subject] = None

    def objects(self, subject: Any, predicate: str) -> Iterable[Any]:
        return self.out.get(subject, {}).get(predicate, ())

    def instances(self, classes: Iterable[str]) -> list[Any]:
        """SHACL instances of `classes`: nodes typed with one of them or with a subclass (rdfs:subClassOf*)."""
        import pyoxigraph as ox

        todo = [ox.NamedNode(c) for c in classes]
        seen = set(todo)
        while todo:
            for sub in self.subclasses.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        found: dict[Any, None] = {}
        for cls in seen:
            found.update(self.typed.get(cls, {}))
        return list(found)

    def texts(self, node: Any) -> list[str | None]:
        """STR of each `oa:hasSource/rdf:value` of `node` (None: an error)."""
        out: list[str | None] = []
        for source in self.objects(node, _SOURCE):
            if source not in self._texts:
                self._texts[source] = [_str(text) for text in self.objects(source, _VALUE)]
            out.extend(self._texts[source])
        return out

    def offset(self, term: Any) -> int | None:
        """_offset(term), each term read once."""
        if term not in self._offsets:
            self._offsets[term] = _offset(term)
        return self._offsets[term]

    def selectors(self, node: Any, kind: str) -> list[Any]:
        """The selectors of `node` typed `kind` (exactly: `?s a oa:TextQuoteSelector` reads no subclass)."""
        import pyoxigraph as ox

        cls = ox.NamedNode(kind)
        return [s for s in self.objects(node, _SELECTOR) if cls in self.out.get(s, {}).get(_TYPE, {})]


class _Labels:
    """names.label's view of a focus node's labels (it reads graph.objects(node, property))."""

    def __init__(self, triples: Triples) -> None:
        self.triples = triples

    def objects(self, node: Any, prop: Any) -> Iterator[Any]:
        from pactgraph.rdf.rdflib_bridge import to_oxigraph, to_rdflib_term

        for value in self.triples.objects(to_oxigraph(node), str(prop)):
            yield to_rdflib_term(value)


def focus_label(triples: Triples, focus: Any) -> str:
    """The focus node's label as names.label gives it on the whole graph."""
    from pactgraph.validation.names import label

    return label(focus, [_Labels(triples)])


# ---------------------------------------------------------------- SPARQL's operators, as rdflib evaluates them


def _str(term: Any) -> str | None:
    """STR(term) as rdflib gives it: an IRI's text, a literal's lexical form as rdflib holds it, and a blank
    node's label (SPARQL would make that an error; rdflib does not); None (an error) for anything else."""
    import pyoxigraph as ox

    from pactgraph.rdf.rdflib_bridge import to_rdflib_term

    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return term.value
    if isinstance(term, ox.Literal):
        return term.value if term.language or term.datatype.value == _STRING else str(to_rdflib_term(term))
    return None


def _string(term: Any) -> str | None:
    """The text of a string literal (plain, xsd:string or language-tagged), which STRLEN takes; else None (an error)."""
    import pyoxigraph as ox

    if isinstance(term, ox.Literal) and (term.language or term.datatype.value == _STRING):
        return str(term.value)
    return None


def _offset(term: Any) -> int | None:
    """The number of an offset the rules' FILTER accepts (datatype xsd:nonNegativeInteger, lexical form
    `^[+]?[0-9]+$` as rdflib holds it); None otherwise."""
    import pyoxigraph as ox

    from pactgraph.rdf.rdflib_bridge import to_rdflib_term

    if not isinstance(term, ox.Literal) or term.language or term.datatype.value != _NNI:
        return None
    lexical = term.value
    if lexical.isascii() and lexical.isdigit():
        return int(lexical)  # rdflib holds it as str(int(lexical)), which the pattern takes
    literal = to_rdflib_term(term)
    if not _OFFSET.search(str(literal)):
        return None
    value = literal.toPython()  # type: ignore[attr-defined]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# ---------------------------------------------------------------- the four rules: solutions of one focus node


def _offsets_select_exact(t: Triples, node: Any) -> Iterator[dict[str, Any]]:
    texts = t.texts(node)
    positions = t.selectors(node, _POSITION)
    for quote in t.selectors(node, _QUOTE):
        for exact in t.objects(quote, _EXACT):
            quoted = _str(exact)
            for position in positions:
                for start in t.objects(position, _START):
                    for end in t.objects(position, _END):
                        s, e = t.offset(start), t.offset(end)
                        if s is None or e is None or s > e or quoted is None:
                            continue
                        for text in texts:
                            if text is not None and text[s:e] != quoted:
                                yield {"value": _plain(text[s:e]), "exact": exact, "start": start, "end": end}


def _prefix_matches(t: Triples, node: Any) -> Iterator[dict[str, Any]]:
    texts = t.texts(node)
    positions = t.selectors(node, _POSITION)
    for quote in t.selectors(node, _QUOTE):
        for value in t.objects(quote, _PREFIX):
            wanted = _string(value)
            for position in positions:
                for start in t.objects(position, _START):
                    s = t.offset(start)
                    if s is None or wanted is None:
                        continue
                    begin = s - len(wanted)
                    for text in texts:
                        if begin < 0 or (text is not None and text[begin : begin + len(wanted)] != wanted):
                            yield {"value": value, "start": start}


def _suffix_matches(t: Triples, node: Any) -> Iterator[dict[str, Any]]:
    texts = t.texts(node)
    positions = t.selectors(node, _POSITION)
    for quote in t.selectors(node, _QUOTE):
        for value in t.objects(quote, _SUFFIX):
            wanted = _string(value)
            for position in positions:
                for end in t.objects(position, _END):
                    e = t.offset(end)
                    if e is None or wanted is None:
                        continue
                    for text in texts:
                        if text is not None and text[e : e + len(wanted)] != wanted:
                            yield {"value": value, "end": end}


def _offsets_in_range(t: Triples, node: Any) -> Iterator[dict[str, Any]]:
    texts = t.texts(node)
    for position in t.selectors(node, _POSITION):
        for start in t.objects(position, _START):
            for end in t.objects(position, _END):
                s, e = t.offset(start), t.offset(end)
                if s is None or e is None:
                    continue
                for text in texts:
                    # Where STR is an error, ?length stays unbound and only `?start > ?end` can make
                    # the FILTER hold.
                    length = None if text is None else len(text)
                    if s > e or (length is not None and e > length):
                        yield {"start": start, "end": end, **({} if length is None else {"length": _integer(length)})}


_RULES = {
    PGSH + "Selection-offsetsSelectExact": _offsets_select_exact,
    PGSH + "Selection-prefixMatches": _prefix_matches,
    PGSH + "Selection-suffixMatches": _suffix_matches,
    PGSH + "Selection-offsetsInRange": _offsets_in_range,
}


def _plain(text: str) -> Any:
    import pyoxigraph as ox

    return ox.Literal(text)


def _integer(number: int) -> Any:
    import pyoxigraph as ox

    return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))


class NeedsEngine(Exception):
    """A result's message would hold a backslash: pySHACL reads it as a regular-expression escape (and
    stops on some), pyshacl-turbo does not. The engine in use runs the shape instead, so its results stay
    those of that engine."""


def solutions(triples: Triples, native: Native) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(constraint, row of rdflib terms with `this`) for each solution, each focus node's equal solutions
    once (as pySHACL reports them); NeedsEngine for a value with a backslash."""
    from pactgraph.rdf.rdflib_bridge import to_rdflib_term

    focus = triples.instances(native.classes)
    for constraint in native.translated.constraints:
        rule = _RULES[str(constraint.node)]
        for node in focus:
            seen = set()
            this = to_rdflib_term(node)
            for row in rule(triples, node):
                terms = {"this": this, **{k: to_rdflib_term(v) for k, v in row.items()}}
                if any("\\" in str(term) for term in terms.values()):
                    raise NeedsEngine(str(constraint.node))
                key = tuple(sorted(terms.items(), key=lambda item: item[0]))
                if key not in seen:
                    seen.add(key)
                    yield constraint, terms
