"""Whole-graph SHACL-SPARQL shapes answered by Oxigraph: a shape's targets and each SPARQL constraint in one query.

pySHACL runs a SPARQL constraint once per focus node with `$this` pre-bound
(SHACL 1.0 §5.3.1); over a large rdflib graph that is slow. Here the shape's
targets become a subquery put first in the constraint's top-level group, so one
Oxigraph query gives every focus node's solutions. That equals pre-binding only
for some queries, so `translate` accepts exactly these and refuses the rest (the
existing engine runs them):

- a node shape (no `sh:path`, typed sh:NodeShape alone) whose targets are `sh:targetClass`, `sh:targetNode`,
  `sh:targetSubjectsOf`, `sh:targetObjectsOf` or `sh:SPARQLTarget` (`sh:select`
  alone), with `sh:sparql` constraints and nothing else that constrains;
- each constraint a SELECT of plain variables, with `sh:message`, no prologue of
  its own, no `$PATH`, `$shapesGraph`, `$currentShape` or `?failure`, and none of
  GROUP BY, aggregates, ORDER BY, LIMIT, OFFSET, MINUS, VALUES, subqueries, GRAPH
  or SERVICE;
- `$this` in a nested group (UNION branch, OPTIONAL, `{ }`) only in triple
  patterns, never on the right of a nested OPTIONAL nor in a nested FILTER, BIND
  or OPTIONAL condition: a top-level FILTER or BIND sees `$this` bound by the
  target, so it sees what pre-binding gives; a nested one would not.

Each solution becomes the sh:ValidationResult pySHACL makes of it: focus `$this`,
path `?path`, value `?value` (else the focus node), the shape's severity, each
message with `{?var}` and `{$var}` replaced by the solution's values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pactgraph.rdf.namespaces import SH

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DESCRIPTIVE = (
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
)
_SHAPE_KEEP = {SH + n for n in ("name", "description", "order", "group")} | {_RDF + "type"}
_TARGETS = {SH + n for n in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}
_CONSTRAINT_KEEP = {SH + n for n in ("select", "message", "prefixes", "severity", "deactivated", "name",
                                     "description", "order", "group")} | {_RDF + "type"}
_REFUSED_VARIABLES = re.compile(r"[?$](PATH|shapesGraph|currentShape|failure)\b")
_REFUSED_WORDS = re.compile(r"\b(PREFIX|BASE)\b", re.I)


class Refused(Exception):
    """Why a shape is left to the existing engine."""


@dataclass(frozen=True)
class Constraint:
    """One SPARQL constraint as one query over every focus node of its shape.

    `typed`: for each variable the query gives to DATATYPE or sameTerm, the predicates of the triple
    patterns that bind it as object (None: an expression, or a pattern whose predicate is a variable)."""

    node: Any
    query: str
    projection: tuple[str, ...]
    messages: tuple[str, ...]
    typed: tuple[frozenset[str] | None, ...] = ()
    #: For each variable whose value an expression reads beyond its string, language and kind (a
    #: comparison, arithmetic, DATATYPE, a cast...), the predicates that bind it as `typed` has them;
    #: None: not analysed.
    valued: tuple[frozenset[str] | None, ...] | None = None


@dataclass(frozen=True)
class Translated:
    """A shape whose every constraint runs as one Oxigraph query."""

    shape: Any
    severity: Any
    constraints: tuple[Constraint, ...]

    def blind_to(self, predicates: set[str]) -> bool:
        """True when no query asks the datatype (or compares the terms) of a value of `predicates`."""
        if not predicates:
            return True
        return all(found is not None and not (found & predicates) for c in self.constraints for found in c.typed)

    def values_blind_to(self, predicates: set[str]) -> bool:
        """True when no expression reads more than the string, language or kind of a value of `predicates`
        (STR, LANG, isIRI, isLiteral, isBlank, BOUND): such values may stand in the Store under another datatype."""
        if not predicates:
            return True
        return all(c.valued is not None and all(found is not None and not (found & predicates) for found in c.valued)
                   for c in self.constraints)


def _kept(predicate: Any, keep: set[str]) -> bool:
    name = str(predicate)
    return name in keep or name.startswith(_DESCRIPTIVE)


def translate(shapes_graph: Any, shape: Any) -> Translated:
    """The shape as Oxigraph queries; Refused when it is not of the forms this module knows."""
    import rdflib

    sh = rdflib.Namespace(SH)
    severity = shape_severity(shapes_graph, shape)
    targets, prefixes = _targets(shapes_graph, shape)
    if not targets:
        raise Refused("no targets")
    constraints = []
    for node in sorted(shapes_graph.objects(shape, sh.sparql), key=str):
        found = _constraint(shapes_graph, node, targets, prefixes)
        if found is not None:
            constraints.append(found)
    if not list(shapes_graph.objects(shape, sh.sparql)):
        raise Refused("no SPARQL constraint")
    return Translated(shape, severity, tuple(constraints))


def shape_severity(shapes_graph: Any, shape: Any) -> Any:
    """The severity of a node shape that holds only targets, `sh:sparql`, `sh:severity` and descriptions
    (whose results result_triples writes as pySHACL does); Refused for any other shape."""
    import rdflib

    sh = rdflib.Namespace(SH)
    if (shape, sh.path, None) in shapes_graph or (shape, rdflib.RDF.type, sh.PropertyShape) in shapes_graph:
        raise Refused("a property shape")
    for predicate, _ in shapes_graph.predicate_objects(shape):
        if not (_kept(predicate, _SHAPE_KEEP) or str(predicate) in _TARGETS or predicate in (sh.sparql, sh.severity)):
            raise Refused(f"the shape has {predicate.n3()}")
    severities = list(shapes_graph.objects(shape, sh.severity))
    if len(severities) > 1 or any(not isinstance(s, rdflib.URIRef) for s in severities):
        raise Refused("a severity that is not one IRI")
    return severities[0] if severities else sh.Violation


def constraint_text(shapes_graph: Any, node: Any) -> tuple[str, tuple[str, ...]] | None:
    """(`sh:select` text, messages) of a SPARQL constraint that holds only those, a severity, prefixes
    and descriptions; None when it is deactivated; Refused otherwise."""
    import rdflib

    sh = rdflib.Namespace(SH)
    for predicate, _ in shapes_graph.predicate_objects(node):
        if not _kept(predicate, _CONSTRAINT_KEEP):
            raise Refused(f"a SPARQL constraint with {predicate.n3()}")
    if set(shapes_graph.objects(node, rdflib.RDF.type)) - {sh.SPARQLConstraint}:
        raise Refused("a SPARQL constraint of another type")
    deactivated = list(shapes_graph.objects(node, sh.deactivated))
    if deactivated:
        if len(deactivated) != 1 or not isinstance(deactivated[0], rdflib.Literal) or not isinstance(deactivated[0].value, bool):
            raise Refused("sh:deactivated that is not one boolean")
        if deactivated[0].value:
            return None
    text = _one_string(shapes_graph, node, sh.select)
    messages = list(shapes_graph.objects(node, sh.message))
    if not messages or any(not isinstance(m, rdflib.Literal) or not isinstance(m.value, str) for m in messages):
        raise Refused("a SPARQL constraint without string messages")
    return text, tuple(str(m) for m in messages)


def _declared(shapes_graph: Any, node: Any) -> dict[str, str]:
    from pactgraph.validation.locality import declared_prefixes

    return declared_prefixes(shapes_graph, node)


def _merge(into: dict[str, str], more: dict[str, str]) -> None:
    for prefix, namespace in more.items():
        if into.setdefault(prefix, namespace) != namespace:
            raise Refused(f"the prefix {prefix}: names two namespaces")


def _targets(shapes_graph: Any, shape: Any) -> tuple[list[str], dict[str, str]]:
    """SPARQL group patterns binding ?this to each focus node of `shape`, and the prefixes they use."""
    import rdflib

    sh = rdflib.Namespace(SH)
    patterns: list[str] = []
    prefixes: dict[str, str] = {}
    classes = list(shapes_graph.objects(shape, sh.targetClass))
    if set(shapes_graph.objects(shape, rdflib.RDF.type)) - {sh.NodeShape}:
        raise Refused("a shape that is also a class (an implicit class target)")
    for cls in classes:
        if not isinstance(cls, rdflib.URIRef):
            raise Refused("a target class that is not an IRI")
        patterns.append(f"?this <{_RDF}type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {_iri(cls)} .")
    nodes = list(shapes_graph.objects(shape, sh.targetNode))
    if nodes:
        patterns.append("VALUES ?this { " + " ".join(_term(n) for n in nodes) + " }")
    for predicate, pattern in ((sh.targetSubjectsOf, "?this {} ?pactgraph_any ."),
                               (sh.targetObjectsOf, "?pactgraph_any {} ?this .")):
        for value in shapes_graph.objects(shape, predicate):
            if not isinstance(value, rdflib.URIRef):
                raise Refused("a target predicate that is not an IRI")
            patterns.append(pattern.format(_iri(value)))
    for target in shapes_graph.objects(shape, sh.target):
        if set(shapes_graph.objects(target, rdflib.RDF.type)) != {sh.SPARQLTarget}:
            raise Refused("a target that is not a plain sh:SPARQLTarget")
        for predicate, _ in shapes_graph.predicate_objects(target):
            if not (_kept(predicate, {_RDF + "type"}) or predicate in (sh.select, sh.prefixes)):
                raise Refused(f"a SPARQL target with {predicate.n3()}")
        text = _one_string(shapes_graph, target, sh.select)
        if _REFUSED_WORDS.search(text) or _REFUSED_VARIABLES.search(text) or "$this" in text:
            raise Refused("a SPARQL target with its own prologue or pre-bound variables")
        own = _declared(shapes_graph, target)
        _parse(text, own)  # with its own prefixes, as the SHACL engine reads it
        _merge(prefixes, own)
        patterns.append("{ " + text + " }")
    return ["{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in patterns) + " } }"], prefixes


def target_pattern(shapes_graph: Any, shape: Any) -> str:
    """The group pattern binding ?this to each focus node of `shape`, as `translate` puts it in each query."""
    return _targets(shapes_graph, shape)[0][0]


def _iri(term: Any) -> str:
    text = str(term)
    if any(c in text for c in '<>"{}|^`\\ '):
        raise Refused("an IRI SPARQL cannot write")
    return f"<{text}>"


def _term(term: Any) -> str:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return _iri(term)
    if isinstance(term, rdflib.Literal):
        from pactgraph.rdf.rdflib_bridge import to_oxigraph

        return str(to_oxigraph(term))
    raise Refused("a blank target node")


def _one_string(shapes_graph: Any, node: Any, predicate: Any) -> str:
    import rdflib

    values = list(shapes_graph.objects(node, predicate))
    if len(values) != 1 or not isinstance(values[0], rdflib.Literal) or not isinstance(values[0].value, str):
        raise Refused(f"{predicate.n3()} is not one string")
    return str(values[0])


def _parse(text: str, prefixes: dict[str, str]) -> Any:
    import rdflib
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return translateQuery(parseQuery(text), initNs={k: rdflib.URIRef(v) for k, v in prefixes.items()})
    except Exception:  # noqa: BLE001 - a query rdflib cannot read stays with the existing engine
        raise Refused("a query rdflib cannot read") from None


def _constraint(shapes_graph: Any, node: Any, targets: list[str], target_prefixes: dict[str, str]) -> Constraint | None:

    from pactgraph.errors import QueryError
    from pactgraph.query.sparql_policy import check_query
    from pactgraph.query.sparql_tokens import tokens

    described = constraint_text(shapes_graph, node)
    if described is None:
        return None
    text, messages = described
    if _REFUSED_WORDS.search(text) or _REFUSED_VARIABLES.search(text):
        raise Refused("a SPARQL constraint with its own prologue or $PATH, $shapesGraph, $currentShape, ?failure")
    try:
        check_query(text, shacl=True)
    except QueryError as err:
        raise Refused(str(err)) from None
    own = _declared(shapes_graph, node)
    query = _parse(text, own)  # with its own prefixes, as the SHACL engine reads it
    prefixes = dict(target_prefixes)
    _merge(prefixes, own)
    projection = _check_algebra(query.algebra, False)
    # The text up to the first "{" is "SELECT [DISTINCT|REDUCED] vars WHERE": the target goes first in the group.
    opening = next((t for t in tokens(text) if t == "{"), None)
    if opening is None:
        raise Refused("no group pattern")
    head = [t.upper() for t in tokens(text[: opening.start])]
    if not head or head[0] != "SELECT" or any(t in ("(", "*", "FROM") for t in head):
        raise Refused("a projection of expressions or *")
    names = ("this", *(v for v in projection if v != "this"))
    prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(prefixes.items()))
    joined = (prologue + "SELECT " + " ".join("?" + v for v in names) + " WHERE {\n" + targets[0] + "\n"
              + text[opening.end:])
    try:
        check_query(joined, shacl=False)
    except QueryError as err:
        raise Refused(str(err)) from None
    # Where $this may stand is decided on the query as Oxigraph runs it: rdflib writes a group that is
    # the only element of its group as that group, so only the joined text shows what is nested.
    algebra = _parse(joined, {}).algebra
    _check_algebra(algebra, True)
    return Constraint(node, joined, tuple(projection), messages, _typed(algebra), _typed(algebra, valued=True))


def _variables(item: Any) -> Iterator[str]:
    """Every variable named anywhere in an algebra expression (EXISTS patterns included)."""
    import rdflib
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [item]
    while stack:
        current = stack.pop()
        if isinstance(current, rdflib.Variable):
            yield str(current)
        elif isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, (list, tuple, set)):
            stack.extend(current)


#: Functions whose answer is the same for two literals of one lexical form and no language.
_FORM_ONLY = {"Builtin_STR", "Builtin_LANG", "Builtin_isIRI", "Builtin_isURI", "Builtin_isBLANK", "Builtin_isLITERAL",
              "Builtin_BOUND"}


def _value_read(algebra: Any) -> list[Any]:
    """The variables an expression of `algebra` reads other than through `_FORM_ONLY` functions."""
    import rdflib
    from rdflib.plugins.sparql.parserutils import CompValue

    read: list[Any] = []

    def expression(item: Any, plain: bool) -> None:
        if isinstance(item, rdflib.Variable):
            if not plain:
                read.append(item)
        elif isinstance(item, CompValue):
            if item.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                patterns.append(item)
                return
            for key, value in item.items():
                if not key.startswith("_"):  # rdflib's notes (`_vars`: every variable below) are not arguments
                    expression(value, item.name in _FORM_ONLY)
        elif isinstance(item, (list, tuple, set)):
            for value in item:
                expression(value, plain)

    patterns = [algebra]
    while patterns:
        item = patterns.pop()
        if isinstance(item, CompValue):
            for key, value in item.items():
                if key == "expr":
                    expression(value, False)
                elif key != "triples":
                    patterns.append(value)
        elif isinstance(item, dict):
            patterns.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            patterns.extend(item)
    return read


def _typed(algebra: Any, valued: bool = False) -> tuple[frozenset[str] | None, ...]:
    """See Constraint.typed: the predicates that can bind each argument of DATATYPE and sameTerm; with
    `valued`, of each variable an expression reads (Constraint.valued)."""
    import rdflib
    from rdflib import paths
    from rdflib.plugins.sparql.parserutils import CompValue

    asked: list[Any] = []
    binders: dict[str, set[str] | None] = {}

    def bind(obj: Any, predicate: Any) -> None:
        if not isinstance(obj, rdflib.Variable):
            return
        found = binders.setdefault(str(obj), set())
        if found is None:
            return
        if isinstance(predicate, rdflib.URIRef):
            found.add(str(predicate))
        elif isinstance(predicate, paths.Path):
            # Every IRI of a path: what binds its end is one of them (or, for ^p, a subject: no literal).
            found.update(str(t) for t in _path_iris(predicate))
        else:
            binders[str(obj)] = None

    unknown: set[str] = set()
    stack = [algebra]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name in ("Builtin_DATATYPE", "Builtin_sameTerm"):
                asked.extend(v for k, v in item.items() if k in ("arg", "arg1", "arg2"))
            if item.name == "BGP" or "triples" in item:
                for triple in item.get("triples") or ():
                    if isinstance(triple, (list, tuple)) and len(triple) == 3:
                        if isinstance(triple[0], rdflib.Variable):
                            binders.setdefault(str(triple[0]), set())
                        if valued and isinstance(triple[1], rdflib.Variable):
                            binders.setdefault(str(triple[1]), set())  # a predicate: an IRI
                        bind(triple[2], triple[1])
            if item.name == "Extend" and isinstance(item.get("var"), rdflib.Variable):
                unknown.add(str(item["var"]))  # BIND: any value, of any type
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    if valued:
        asked = _value_read(algebra)
    out: list[frozenset[str] | None] = []
    for arg in asked:
        if not isinstance(arg, rdflib.Variable):
            out.append(None)
            continue
        # A variable no triple pattern binds (BIND, VALUES, a target node) may hold anything.
        found = None if str(arg) in unknown else binders.get(str(arg))
        out.append(None if found is None else frozenset(found))
    return tuple(out)


def _path_iris(path: Any) -> Iterator[Any]:
    import rdflib
    from rdflib import paths

    if isinstance(path, rdflib.URIRef):
        yield path
    elif isinstance(path, (paths.SequencePath, paths.AlternativePath)):
        for part in path.args:
            yield from _path_iris(part)
    elif isinstance(path, paths.MulPath):
        yield from _path_iris(path.path)
    elif isinstance(path, paths.InvPath):
        yield from _path_iris(path.arg)
    elif isinstance(path, paths.NegatedPath):
        yield rdflib.URIRef("urn:pactgraph:any-predicate")  # matches anything but a few
        yield from (p for p in path.args if isinstance(p, rdflib.URIRef))
    else:
        yield rdflib.URIRef("urn:pactgraph:any-predicate")


def _check_algebra(node: Any, joined: bool) -> list[str]:
    """The projected variables; Refused unless the query is of the forms this module translates.
    `joined`: the query with its targets first (a subquery), where $this is checked."""
    name = getattr(node, "name", None)
    if name != "SelectQuery":
        raise Refused("not a SELECT query")
    if getattr(node, "datasetClause", None):
        raise Refused("a dataset clause")
    inner = node.p
    projection: list[str] | None = None
    while getattr(inner, "name", None) in ("Project", "Distinct", "Reduced"):
        if inner.name == "Project":
            projection = [str(v) for v in inner.PV]
        inner = inner.p
    if projection is None:
        raise Refused("no projection")
    if joined:
        _spine(inner, True)
    else:
        _forms(inner)
    return projection


def _forms(node: Any) -> None:
    """Refused when the pattern holds a form this module does not translate (wherever it stands)."""
    name = getattr(node, "name", None)
    if name == "BGP":
        return
    if name in ("Filter", "Extend"):
        _no_query_forms(node.expr)
        _forms(node.p)
    elif name in ("Join", "Union", "LeftJoin"):
        if name == "LeftJoin":
            _no_query_forms(node.expr)
        _forms(node.p1)
        _forms(node.p2)
    else:
        raise Refused(f"SPARQL {name} in the constraint")


def _spine(node: Any, leftmost: bool) -> None:
    """The top-level group of the joined query: `$this` is bound by the targets (its leftmost element)
    before anything else here, in filters and binds too."""
    name = getattr(node, "name", None)
    if name in ("Filter", "Extend"):
        _no_query_forms(node.expr)
        _spine(node.p, leftmost)
    elif name == "Join":
        _spine(node.p1, leftmost)
        _nested(node.p2, optional=False)
    elif name == "LeftJoin":
        _no_query_forms(node.expr)
        _spine(node.p1, leftmost)
        # Evaluated on its own, then joined on $this with the rows that bound it: triple patterns only.
        _nested(node.p2, optional=False)
    elif name == "ToMultiSet" and leftmost:
        return  # the targets
    else:
        raise Refused("the targets are not the first element of the query's group")


def _nested(node: Any, optional: bool) -> None:
    """A nested group: `$this` only in triple patterns, and not at all on an OPTIONAL's right side."""
    name = getattr(node, "name", None)
    if name == "BGP":
        if optional and "this" in set(_variables(list(node.triples))):
            raise Refused("$this in a nested OPTIONAL")
        return
    if name in ("Join", "Union"):
        _nested(node.p1, optional)
        _nested(node.p2, optional)
        return
    if name == "LeftJoin":
        _no_this(node.expr)
        _nested(node.p1, optional)
        _nested(node.p2, True)
        return
    if name in ("Filter", "Extend"):
        _no_this(node.expr)
        _nested(node.p, optional)
        return
    raise Refused(f"SPARQL {name} in the constraint")


def _no_this(expr: Any) -> None:
    _no_query_forms(expr)
    if "this" in set(_variables(expr)):
        raise Refused("$this in a nested FILTER or BIND")


def _no_query_forms(expr: Any) -> None:
    """Refused when an EXISTS pattern in `expr` holds a form the translation does not know."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name in ("MinusGraphPattern", "InlineData", "GraphGraphPattern", "ServiceGraphPattern",
                             "SubSelect", "Aggregate_Count", "Aggregate_Sum"):
                raise Refused(f"SPARQL {item.name} in an expression")
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


# ---------------------------------------------------------------- evaluation


def evaluate(
    store: Any, translated: Translated, back: dict[Any, Any] | None = None, query: Any = None
) -> Iterator[dict[str, Any]]:
    """Per solution: the pyoxigraph terms of `this` and the constraint's projected variables that are bound,
    with the constraint (each focus node's duplicate solutions once, as pySHACL keeps them). `back`:
    literals the Store retyped, given back their written form; `query`: a constraint's solutions, when
    not its query over `store` (validation.incremental: some focus nodes only)."""
    back = back or {}
    for constraint in translated.constraints:
        seen = set()
        for solution in (store.query(constraint.query) if query is None else query(constraint)):
            row = {"this": back.get(solution["this"], solution["this"])}
            for variable in constraint.projection:
                value = solution[variable]
                if value is not None:
                    row[variable] = back.get(value, value)
            key = tuple(sorted((k, str(v)) for k, v in row.items()))
            if key in seen:
                continue
            seen.add(key)
            yield {"constraint": constraint, "row": row}


def result_triples(translated: Translated, constraint: Constraint, row: dict[str, Any]) -> tuple[Any, list[Any]]:
    """The result node and its triples as pySHACL writes them (rdflib terms), for a row of pyoxigraph terms."""
    from pactgraph.rdf.rdflib_bridge import to_rdflib_term

    return rdflib_result_triples(translated, constraint, {k: to_rdflib_term(v) for k, v in row.items()})


def rdflib_result_triples(translated: Translated, constraint: Constraint, terms: dict[str, Any]) -> tuple[Any, list[Any]]:
    """As result_triples, for a row of rdflib terms."""
    import rdflib

    sh = rdflib.Namespace(SH)
    focus = terms["this"]
    value = terms.get("value", focus)
    path = terms.get("path")
    # pySHACL's bound variables: the other projected ones, then this (only when projected), path, value.
    bound = {k: v for k, v in terms.items() if k not in ("this", "path", "value")}
    if "this" in constraint.projection:
        bound["this"] = focus
    if path is not None:
        bound["path"] = path
    bound["value"] = value
    node = rdflib.BNode()
    triples = [
        (node, rdflib.RDF.type, sh.ValidationResult),
        (node, sh.sourceConstraintComponent, sh.SPARQLConstraintComponent),
        (node, sh.sourceShape, translated.shape),
        (node, sh.resultSeverity, translated.severity),
        (node, sh.focusNode, focus),
        (node, sh.value, value),
        (node, sh.sourceConstraint, constraint.node),
    ]
    if path is not None:
        triples.append((node, sh.resultPath, path))
    for message in constraint.messages:
        for variable, term in bound.items():
            message = re.sub("{{[?$]{}}}".format(variable), str(term), message)
        triples.append((node, sh.resultMessage, rdflib.Literal(message)))
    return node, triples


def solution_result(
    translated: Translated, constraint: Constraint, terms: dict[str, Any], names: Any, shapes_graph: Any,
    focus_label: str,
) -> tuple[Any, Any, Any]:
    """One solution (rdflib terms) as the engine reports it: (ValidationResult, a report graph of its triples,
    its result node); `names` names its terms, `focus_label` is the focus node's label."""
    from pactgraph.rdf.rdflib_bridge import new_graph
    from pactgraph.validation.report import ValidationResult

    import rdflib

    sh = rdflib.Namespace(SH)
    node, triples = rdflib_result_triples(translated, constraint, terms)
    report = new_graph()
    for triple in triples:
        report.add(triple)
    value = report.value(node, sh.value)
    result = ValidationResult(
        severity=str(translated.severity).rsplit("#", 1)[-1],
        focus_node=names.node(report.value(node, sh.focusNode)),
        focus_label=focus_label,
        path=names.path(report.value(node, sh.resultPath), report),
        value="" if value is None else names.node(value),
        message="; ".join(sorted(str(m) for m in report.objects(node, sh.resultMessage))),
        source_shape=names.shape(translated.shape, shapes_graph),
        constraint=names.node(sh.SPARQLConstraintComponent),
        source_constraint=names.node(constraint.node),
    )
    return result, report, node
