"""The checks across the graph as the Python code they once were: an oracle for shapes/graph-shapes.ttl.

pgsh:Graph-conflictingTypes and pgsh:Graph-danglingReference were written in Python
before they became SHACL-SPARQL constraints. This independent implementation stays
here, in the tests only, so the shapes can be checked against it on every fixture.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pactgraph.rdf.namespaces import PG, PGR, PGSH, PREFIXES, Namer
from pactgraph.validation.inputs import ParsedFile, parse_inputs

RDF_TYPE = PREFIXES["rdf"] + "type"
SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
CONFLICTING_TYPES = PGSH + "Graph-conflictingTypes"
DANGLING_REFERENCE = PGSH + "Graph-danglingReference"
_NEUTRAL_TYPES = frozenset(
    {
        PREFIXES["owl"] + "Thing",
        PREFIXES["owl"] + "NamedIndividual",
        PREFIXES["rdfs"] + "Resource",
    }
)

__all__ = ["CONFLICTING_TYPES", "DANGLING_REFERENCE", "ParsedFile", "graph_checks", "parse_inputs"]


@dataclass
class Finding:
    """One result of the checks across the graph, before display."""

    severity: str
    focus: Any
    path: str
    value: str
    message: str
    constraint: str
    #: Whether `value` is an IRI (else a plain literal).
    value_is_iri: bool = True


def _subclass_closure(quads: Iterable[Any]) -> dict[str, set[str]]:
    """class -> itself and all its superclasses, from rdfs:subClassOf triples."""
    direct: dict[str, set[str]] = {}
    for q in quads:
        if q.predicate.value == SUBCLASS and hasattr(q.object, "value") and not _is_blank(q.object):
            direct.setdefault(q.subject.value, set()).add(q.object.value)
    closure: dict[str, set[str]] = {}

    def up(cls: str) -> set[str]:
        if cls in closure:
            return closure[cls]
        closure[cls] = {cls}
        for parent in direct.get(cls, ()):
            closure[cls] |= up(parent)
        return closure[cls]

    for cls in list(direct):
        up(cls)
    return closure


def _is_blank(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.BlankNode)


def _is_iri(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)


def graph_checks(base_quads: list[Any], new: Sequence[ParsedFile], namer: Namer) -> list[Finding]:
    """Conflicting types, dangling pgr: references and stored text files (see the module docs)."""
    new_quads = [q for parsed in new for q in parsed.quads]
    all_quads = base_quads + new_quads
    findings: list[Finding] = []

    supers = _subclass_closure(all_quads)

    def above(cls: str) -> set[str]:
        return supers.get(cls, {cls})

    # Conflicting types.
    types: dict[Any, dict[str, bool]] = {}  # node -> type -> given by a new file
    for q in base_quads:
        if q.predicate.value == RDF_TYPE and _is_iri(q.object):
            types.setdefault(q.subject, {}).setdefault(q.object.value, False)
    for q in new_quads:
        if q.predicate.value == RDF_TYPE and _is_iri(q.object):
            types.setdefault(q.subject, {})[q.object.value] = True
    for node, given in types.items():
        if not any(given.values()):
            continue
        classes = sorted(c for c in given if c not in _NEUTRAL_TYPES)
        for i, a in enumerate(classes):
            for b in classes[i + 1 :]:
                if not (a.startswith(PG) or b.startswith(PG)):
                    continue
                if not (given[a] or given[b]):
                    continue
                if a in above(b) or b in above(a):
                    continue
                new_type, other = (a, b) if given[a] and not given[b] else (b, a) if given[b] and not given[a] else (b, a)
                where = "also in this file" if given[other] else "in the graph"
                findings.append(
                    Finding(
                        "Violation",
                        node,
                        RDF_TYPE,
                        new_type,
                        f"{namer.shorten(node.value) if _is_iri(node) else 'this node'} is typed "
                        f"{namer.shorten(new_type)} here and {namer.shorten(other)} {where}; neither class is a "
                        "subclass of the other: one IRI is reused for two different things (choose a new IRI)",
                        CONFLICTING_TYPES,
                    )
                )

    # Dangling references into pgr:.
    subjects = {q.subject.value for q in all_quads if _is_iri(q.subject)}
    known = sorted(s for s in subjects if s.startswith(PGR))
    locals_ = [s[len(PGR) :] for s in known]
    seen = set()
    for q in new_quads:
        target = q.object
        if not _is_iri(target) or not target.value.startswith(PGR) or target.value in subjects:
            continue
        key = (q.subject, q.predicate.value, target.value)
        if key in seen:
            continue
        seen.add(key)
        nearest = difflib.get_close_matches(target.value[len(PGR) :], locals_, n=3, cutoff=0.0)
        shown = ", ".join(namer.shorten(PGR + n) for n in nearest)
        findings.append(
            Finding(
                "Violation",
                q.subject,
                q.predicate.value,
                target.value,
                f"{namer.shorten(target.value)} is defined nowhere: no triple in the graph or the new files has it as "
                f"subject (a typo?)" + (f"; nearest existing: {shown}" if shown else ""),
                DANGLING_REFERENCE,
            )
        )

    return findings
