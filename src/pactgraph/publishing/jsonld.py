"""Compact JSON-LD against the project's bundled context (context.jsonld), written directly.

The writer covers the compaction a linked-data site needs and no more: terms of
the context are used where a value fits their definition (`@type: @id`, a
datatype, a language map), anything else is written under a compact IRI with
explicit value objects, so the document always expands to exactly the input
triples. Blank nodes referenced once are embedded, well-formed RDF lists become
`@list`, literals are never turned into JSON numbers or booleans, and keys and
values are sorted, so the output depends on nothing but the triples.

Documents reference the context by a relative IRI (`context.jsonld`,
`../context.jsonld`: the site's own file, served with CORS) instead of repeating
its 5 KB, so a document expands wherever the site is served or copied, with no
network and before any redirect to the site exists; the whole-graph dump embeds
it, so that one download can be read on its own by any JSON-LD 1.1 processor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources as importlib_resources
from typing import Any

from rdflib import BNode, Literal

from pactgraph.rdf.namespaces import RDF, XSD

_RDF_TYPE = RDF + "type"
_RDF_FIRST = RDF + "first"
_RDF_REST = RDF + "rest"
_RDF_NIL = RDF + "nil"
_XSD_STRING = XSD + "string"
_GEN_DELIMS = tuple(":/?#[]@")
#: Where the context is in a site.
CONTEXT_PATH = "context.jsonld"


def bundled_context_text() -> str:
    """The text of the bundled context.jsonld."""
    return (
        importlib_resources.files("pactgraph.publishing")
        .joinpath("context.jsonld")
        .read_text(encoding="utf-8")
    )


def load_context(rebase: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The bundled context document, with its IRIs passed through `rebase`.

    The file is itself a small JSON-LD document: besides `@context` it states its
    own IRI and version (owl:versionInfo), which processors using it as a context ignore.
    """
    document = json.loads(bundled_context_text())
    if rebase is None:
        return document
    context = document["@context"]
    for key, value in list(context.items()):
        if isinstance(value, str) and not key.startswith("@"):
            context[key] = rebase(value)
    if isinstance(document.get("@id"), str):
        document["@id"] = rebase(document["@id"])
    return document


def context_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class _Term:
    name: str
    kind: str  # "id" (@type @id), "lang" (@container @language), "datatype", "plain"
    datatype: str = ""


class Compactor:
    """Turns sorted rdflib triples into a compact JSON-LD document for one context."""

    def __init__(self, context_document: dict[str, Any]):
        self.document = context_document
        context = context_document["@context"]
        self.prefixes: dict[str, str] = {}
        for key, value in context.items():
            if isinstance(value, str) and not key.startswith("@") and value.endswith(_GEN_DELIMS):
                self.prefixes[key] = value
        self._by_length = sorted(self.prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self.class_terms: dict[str, str] = {}
        self.terms: dict[str, list[_Term]] = {}
        for key, value in context.items():
            if key.startswith("@") or key in self.prefixes:
                continue
            if isinstance(value, str):
                iri = self._expand(value)
                self.class_terms.setdefault(iri, key)
                self.terms.setdefault(iri, []).append(_Term(key, "plain"))
                continue
            iri = self._expand(value["@id"])
            if value.get("@container") == "@language":
                term = _Term(key, "lang")
            elif value.get("@type") == "@id":
                term = _Term(key, "id")
            elif "@type" in value:
                term = _Term(key, "datatype", self._expand(value["@type"]))
            else:
                term = _Term(key, "plain")
            self.terms.setdefault(iri, []).append(term)
        self.term_names = {t.name for ts in self.terms.values() for t in ts}

    def _expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def compact_iri(self, iri: str, vocab: bool = False) -> str:
        """`iri` as a class term (vocab positions only), a compact IRI, or as it is."""
        if vocab and iri in self.class_terms:
            return self.class_terms[iri]
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if local and not local.startswith("//") and f"{prefix}:{local}" not in self.term_names:
                    return f"{prefix}:{local}"
        return iri

    # ------------------------------------------------------------ document

    def document_bytes(
        self,
        triples: Iterable[tuple[Any, Any, Any]],
        page: str,
        first: Any = None,
        embed: bool = False,
    ) -> bytes:
        """A JSON-LD document of `triples` for site file `page`, node `first` first; its
        context is the site's context.jsonld by a relative IRI, or embedded when `embed`."""
        from pactgraph.publishing.layout import relative

        graph = self.node_objects(triples, first)
        context = self.document["@context"] if embed else relative(CONTEXT_PATH, page)
        document = {"@context": context, "@graph": graph}
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    def node_objects(
        self, triples: Iterable[tuple[Any, Any, Any]], first: Any = None
    ) -> list[dict[str, Any]]:
        """The node objects of the @graph: roots sorted by id (`first` first), blank nodes
        referenced once embedded where they are used."""
        outgoing: dict[Any, dict[str, list[Any]]] = {}
        references: dict[Any, int] = {}
        for s, p, o in triples:
            outgoing.setdefault(s, {}).setdefault(str(p), []).append(o)
            if isinstance(o, BNode):
                references[o] = references.get(o, 0) + 1

        lists = self._lists(outgoing, references)
        list_members = {member for chain in lists.values() for member in chain}
        embedded: set[Any] = set()

        def node_id(term: Any) -> str:
            return f"_:{term}" if isinstance(term, BNode) else self.compact_iri(str(term))

        def embeddable(term: Any) -> bool:
            return (
                isinstance(term, BNode)
                and references.get(term, 0) == 1
                and term not in embedded
                and term not in list_members
            )

        def value_object(term: Any, stack: tuple[Any, ...]) -> Any:
            if isinstance(term, Literal):
                return self._literal_object(term)
            if isinstance(term, BNode) and term in lists and term not in stack:
                return {
                    "@list": [
                        value_object(item, stack + (term,))
                        for item in self._list_items(lists[term], outgoing)
                    ]
                }
            if embeddable(term) and term not in stack and term in outgoing:
                embedded.add(term)
                return node(term, stack + (term,), with_id=False)
            return {"@id": node_id(term)}

        def node(subject: Any, stack: tuple[Any, ...], with_id: bool = True) -> dict[str, Any]:
            obj: dict[str, Any] = {"@id": node_id(subject)} if with_id else {}
            properties = outgoing.get(subject, {})
            types = []
            placed: dict[str, list[Any]] = {}
            lang_maps: dict[str, dict[str, list[str]]] = {}
            for predicate in sorted(properties):
                for value in properties[predicate]:
                    if predicate == _RDF_TYPE and not isinstance(value, (BNode, Literal)):
                        types.append(self.compact_iri(str(value), vocab=True))
                        continue
                    key, kind, payload = self._place(predicate, value)
                    if kind == "lang":
                        language, text = payload
                        lang_maps.setdefault(key, {}).setdefault(language, []).append(text)
                    elif kind == "string":
                        placed.setdefault(key, []).append(payload)
                    else:
                        placed.setdefault(key, []).append(value_object(value, stack))
            if types:
                types = sorted(set(types))
                obj["@type"] = types[0] if len(types) == 1 else types
            for key, by_language in lang_maps.items():
                placed[key] = [
                    {
                        lang: (sorted(texts)[0] if len(texts) == 1 else sorted(texts))
                        for lang, texts in sorted(by_language.items())
                    }
                ]
            for key in sorted(placed):
                values = sorted(placed[key], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
                obj[key] = values[0] if len(values) == 1 else values
            return obj

        roots = [s for s in outgoing if not (isinstance(s, BNode) and references.get(s, 0) == 1)]
        roots = [s for s in roots if s not in list_members]
        ordered = sorted(roots, key=lambda s: (s != first, isinstance(s, BNode), node_id(s)))
        result = [node(s, (s,)) for s in ordered]
        # blank nodes referenced once but never reached (cycles of such nodes): top level
        leftovers = [s for s in outgoing if s not in embedded and s not in roots and s not in list_members]
        for s in sorted(leftovers, key=node_id):
            if s not in embedded:
                result.append(node(s, (s,)))
        return result

    # ------------------------------------------------------------ helpers

    def _place(self, predicate: str, value: Any) -> tuple[str, str, Any]:
        """(key, kind, payload): kind 'lang' (payload (language, text)), 'string' (payload a
        JSON string) or 'object' (the value is written as a value or node object)."""
        is_literal = isinstance(value, Literal)
        datatype = str(value.datatype) if is_literal and value.datatype is not None else ""
        plain = is_literal and not value.language and datatype in ("", _XSD_STRING)
        for term in self.terms.get(predicate, ()):
            if term.kind == "id" and not is_literal:
                if isinstance(value, BNode):
                    return term.name, "object", None
                return term.name, "string", self.compact_iri(str(value))
            if term.kind == "lang" and is_literal and (value.language or plain):
                return term.name, "lang", (value.language or "@none", str(value))
            if term.kind == "datatype" and is_literal and datatype == term.datatype:
                return term.name, "string", str(value)
            if term.kind == "plain":
                if plain:
                    return term.name, "string", str(value)
                return term.name, "object", None
        key = self.compact_iri(predicate)
        if plain:
            return key, "string", str(value)
        return key, "object", None

    def _literal_object(self, term: Any) -> Any:
        datatype = str(term.datatype) if term.datatype is not None else ""
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if datatype and datatype != _XSD_STRING:
            return {"@value": str(term), "@type": self.compact_iri(datatype, vocab=True)}
        return {"@value": str(term)}

    @staticmethod
    def _lists(outgoing: dict[Any, dict[str, list[Any]]], references: dict[Any, int]) -> dict[Any, list[Any]]:
        """Heads of well-formed RDF lists (blank-node cells, each referenced once) -> their cells."""

        def is_cell(node: Any) -> bool:
            props = outgoing.get(node, {})
            return (
                isinstance(node, BNode)
                and references.get(node, 0) == 1
                and set(props) == {_RDF_FIRST, _RDF_REST}
                and len(props[_RDF_FIRST]) == 1
                and len(props[_RDF_REST]) == 1
            )

        rest_of = {}
        for node in outgoing:
            if is_cell(node):
                rest_of[node] = outgoing[node][_RDF_REST][0]
        tails = set(rest_of.values())
        lists: dict[Any, list[Any]] = {}
        for head in rest_of:
            if head in tails:
                continue  # not a head: another cell's rest
            chain, node, seen = [], head, set()
            while node in rest_of and node not in seen:
                seen.add(node)
                chain.append(node)
                node = rest_of[node]
            if str(node) == _RDF_NIL and not isinstance(node, BNode):
                lists[head] = chain
        return lists

    @staticmethod
    def _list_items(chain: list[Any], outgoing: dict[Any, dict[str, list[Any]]]) -> list[Any]:
        return [outgoing[cell][_RDF_FIRST][0] for cell in chain]
