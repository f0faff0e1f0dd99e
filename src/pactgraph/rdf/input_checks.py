"""Checks that run before and after parsing an input file, so that hostile input is refused early.

Split from pactgraph.rdf.limits (the limits themselves) so that the fast `pactgraph
query` path on Turtle files does not load them: they are needed for JSON-LD and
RDF/XML input, for the commands that hand the graph to rdflib, and for shapes.

- JSON-LD: nesting depth (objects and arrays); context references, which are
  replaced by the bundled context or refused (nothing is ever fetched);
- RDF/XML: external and parameter entities (refused, never resolved), entity
  expansion beyond the limits, element depth, elements never closed;
- parsed quads: blank nodes nested too deeply, literals too long;
- shapes: SHACL-SPARQL queries that use SERVICE or FROM;
- and, for a file that does not parse, a message that says why where it can.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.rdf.limits import (
    BUNDLED_CONTEXTS,
    ENV_MAX_DEPTH,
    ENV_MAX_INPUT,
    ENV_MAX_LITERAL,
    human_size,
    max_depth,
    max_input,
    max_literal,
)


class _Lazy:
    """A regular expression compiled on first use, so that importing this module stays cheap."""

    def __init__(self, pattern: Any, flags: int = 0):
        self._args = (pattern, flags)
        self._compiled: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, column


def _nesting(seq: bytes, limit: int) -> tuple[int, int]:
    """(nesting depth, unclosed openers) of a string of b"(" and b")"; the depth stops at limit + 1.

    Each pass removes the innermost pairs, so the number of passes is the depth.
    """
    depth = 0
    run = b"(" * (limit + 1)
    while seq:
        if run in seq:
            return limit + 1, 0
        shorter = seq.replace(b"()", b"")
        if len(shorter) == len(seq):
            break
        depth += 1
        if depth > limit:
            return depth, 0
        seq = shorter
    unclosed = seq.count(b"(")
    return depth + unclosed, unclosed


_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"{}[]")))
_TO_PARENS = bytes.maketrans(b"{[}]", b"(())")
_JSON_STRING = _Lazy(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_CONTEXT_REF = _Lazy(rb'"@(?:context|import)"\s*:\s*[\["]')


def check_json_depth(path: Path, data: bytes) -> None:
    """InputError when JSON nests objects and arrays more than the depth limit."""
    limit = max_depth()
    if data.count(b"{") + data.count(b"[") <= limit:
        return
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS).translate(_TO_PARENS)
    depth, _ = _nesting(brackets, limit)
    if depth > limit:
        raise InputError(
            f"{path}: JSON-LD nested more than {limit} levels deep (objects and arrays); "
            f"refused: it would take unbounded time and memory to read (limit: {ENV_MAX_DEPTH})"
        )


def _bundled_context(name: str) -> Any:
    import json
    from importlib import resources as importlib_resources

    text = importlib_resources.files("pactgraph.publishing").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def inline_json_contexts(path: Path, data: bytes, base: str) -> bytes:
    """The JSON-LD document with references to bundled contexts replaced by the contexts themselves.

    Any other context reference (remote or a local file, @context or @import) is an
    InputError: pactgraph never fetches or reads a document it was not given.
    """
    if not _CONTEXT_REF.search(data):
        return data
    import json
    from urllib.parse import urljoin

    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return data  # not JSON: the parser reports where
    changed = False

    def resolve(ref: str, key: str) -> Any:
        nonlocal changed
        iri = urljoin(base, ref)
        if iri in BUNDLED_CONTEXTS:
            changed = True
            return _bundled_context(BUNDLED_CONTEXTS[iri])
        known = ", ".join(sorted(i for i in BUNDLED_CONTEXTS if i.startswith("https:")))
        raise InputError(
            f"{path}: JSON-LD {key} {ref!r} is not fetched: pactgraph reads no remote or local context "
            f"documents; put the context in the document (bundled: {known})"
        )

    def context_value(value: Any, key: str) -> Any:
        if isinstance(value, str):
            return resolve(value, key)
        if isinstance(value, list):
            return [context_value(v, key) for v in value]
        if isinstance(value, dict):
            if isinstance(value.get("@import"), str):
                imported = resolve(value["@import"], "@import")
                value = {**imported, **{k: v for k, v in value.items() if k != "@import"}}
            return {k: walk(v) for k, v in value.items()}
        return value

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: context_value(v, k) if k == "@context" else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    inlined = walk(document)
    if not changed:
        return data
    return json.dumps(inlined, ensure_ascii=False).encode("utf-8")


_XML_COMMENT = _Lazy(rb"<!--.*?-->", re.S)
_XML_CDATA = _Lazy(rb"<!\[CDATA\[.*?\]\]>", re.S)
_XML_PI = _Lazy(rb"<\?.*?\?>", re.S)
_XML_DECL = _Lazy(rb"""<!(ENTITY|ATTLIST|ELEMENT|NOTATION)\b((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.S | re.I)
_XML_ENTITY = _Lazy(
    rb"""^\s*(%\s+)?([^\s%"']+)\s+(?:(SYSTEM|PUBLIC)\b.*|"([^"]*)"|'([^']*)')\s*$""", re.S
)
_XML_REF = _Lazy(rb"&([A-Za-z_:][\w.:\-]*);")
_NOT_PARENS = bytes(sorted(set(range(256)) - set(b"()")))
_PREDEFINED = {b"lt", b"gt", b"amp", b"apos", b"quot"}


def check_xml(path: Path, data: bytes) -> None:
    """InputError for RDF/XML that could fetch, explode or exhaust: external or parameter
    entities, entity expansion beyond the limits, elements nested deeper than the depth
    limit, and elements never closed (a truncated file)."""
    if re.search(rb"<!ENTITY", data, re.I):
        _check_entities(path, data)
    limit = max_depth()
    body = data
    for pattern in (_XML_COMMENT, _XML_CDATA, _XML_PI, _XML_DECL):
        body = pattern.sub(b"", body)
    # Text and attribute values cannot hold "<", so "</" ends an element and any other "<"
    # starts one; "/>" ends an empty one ("/>" in text or an attribute value can only hide
    # a missing end tag, never invent one).
    body = body.translate(None, b"()").replace(b"<!", b"").replace(b"</", b")").replace(b"/>", b")").replace(b"<", b"(")
    depth, unclosed = _nesting(body.translate(None, _NOT_PARENS), limit)
    if depth > limit:
        raise InputError(
            f"{path}: XML elements nested more than {limit} levels deep; refused: it would take "
            f"unbounded time to read (limit: {ENV_MAX_DEPTH})"
        )
    if unclosed:
        raise InputError(
            f"{path}: unexpected end of file: XML elements are left open (a truncated file?); expected RDF/XML"
        )


def _check_entities(path: Path, data: bytes) -> None:
    """Refuse external and parameter entities, entities holding markup, recursive entities and
    entity expansion beyond the literal limit (one entity) or the input limit (the document)."""
    values = _entity_values(path, data)
    if not values:
        if re.search(rb"<!ENTITY", _XML_COMMENT.sub(b"", data), re.I):
            raise InputError(f"{path}: malformed XML entity declaration; expected <!ENTITY name \"value\">")
        return
    _check_expansion(path, data, values)


def _entity_values(path: Path, data: bytes) -> dict[bytes, bytes]:
    """Name -> value of each internal text entity the document declares; InputError for any other kind."""
    values: dict[bytes, bytes] = {}
    for decl in _XML_DECL.finditer(data):
        if decl.group(1).upper() != b"ENTITY":
            continue
        line, col = _position(data, decl.start())
        where = f"{path}:{line}:{col}"
        match = _XML_ENTITY.match(decl.group(2))
        if not match:
            raise InputError(f'{where}: malformed XML entity declaration; expected <!ENTITY name "value">')
        name = match.group(2).decode("utf-8", "replace")
        if match.group(1):
            raise InputError(f"{where}: XML parameter entity %{name}; is refused: pactgraph does not process DTDs")
        if match.group(3):
            raise InputError(
                f"{where}: external XML entity &{name}; ({match.group(3).decode()} ...) is refused: "
                "pactgraph never reads external entities; write the value into the file"
            )
        value = match.group(4) if match.group(4) is not None else match.group(5)
        if b"<" in value:
            raise InputError(f"{where}: XML entity &{name}; holds markup; refused: entities may hold text only")
        values.setdefault(match.group(2), value)
    return values


def _check_expansion(path: Path, data: bytes, values: dict[bytes, bytes]) -> None:
    """InputError when an entity expands beyond the literal limit or the document beyond the input limit."""
    limit = max_literal()
    sizes: dict[bytes, int] = {}

    def size(name: bytes, seen: tuple[bytes, ...]) -> int:
        if name in sizes:
            return sizes[name]
        if name in seen:
            chain = " -> ".join(f"&{n.decode('utf-8', 'replace')};" for n in (*seen, name))
            raise InputError(f"{path}: recursive XML entities ({chain}); refused")
        value = values[name]
        total = len(_XML_REF.sub(b"", value))
        for ref in _XML_REF.finditer(value):
            inner = ref.group(1)
            if inner in values:
                total += size(inner, (*seen, name))
                if total > limit:
                    break
            elif inner not in _PREDEFINED:
                raise InputError(
                    f"{path}: XML entity &{name.decode('utf-8', 'replace')}; refers to "
                    f"undeclared &{inner.decode('utf-8', 'replace')};"
                )
        sizes[name] = total
        return total

    for name in values:
        if size(name, ()) > limit:
            raise InputError(
                f"{path}: XML entity &{name.decode('utf-8', 'replace')}; expands to more than "
                f"{human_size(limit)}; refused (an entity-expansion bomb?) (limit: {ENV_MAX_LITERAL})"
            )
    total = len(data)
    ceiling = max_input()
    for ref in _XML_REF.finditer(data):
        total += sizes.get(ref.group(1), 0)
        if total > ceiling:
            raise InputError(
                f"{path}: XML entity references expand the document beyond {human_size(ceiling)}; "
                f"refused (an entity-expansion bomb?) (limit: {ENV_MAX_INPUT})"
            )


def check_blank_node_depth(path: Path, quads: Sequence[Any]) -> None:
    """InputError when blank nodes nest (as objects of blank nodes) deeper than the depth limit.

    List spines (rdf:rest) do not count, lists inside lists do (through rdf:first).
    Commands that hand the graph to rdflib need this: its writers recurse per level.
    """
    import pyoxigraph as ox

    limit = max_depth()
    blank = ox.BlankNode
    rest = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
    children: dict[str, list[str]] = {}
    for quad in quads:
        obj = quad.object
        if type(obj) is blank and type(quad.subject) is blank and quad.predicate.value != rest:
            children.setdefault(quad.subject.value, []).append(obj.value)
    if len(children) < limit:
        return
    depth: dict[str, int] = {}
    for root in children:
        if root in depth:
            continue
        on_path = {root}
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(children[root]))]
        while stack:
            node, pending = stack[-1]
            for child in pending:
                if child in depth or child in on_path:
                    continue
                if child not in children:
                    depth[child] = 1
                    continue
                on_path.add(child)
                stack.append((child, iter(children[child])))
                break
            else:
                stack.pop()
                on_path.discard(node)
                found = 1 + max((depth.get(c, 0) for c in children[node]), default=0)
                depth[node] = found
                if found > limit:
                    raise InputError(
                        f"{path}: blank nodes nested more than {limit} levels deep (a blank node inside "
                        f"a blank node ..., or lists inside lists); refused (limit: {ENV_MAX_DEPTH})"
                    )


def check_literals(path: Path, quads: Sequence[Any]) -> None:
    """InputError for a literal longer than the literal limit."""
    import pyoxigraph as ox

    limit = max_literal()
    literal = ox.Literal
    for quad in quads:
        obj = quad.object
        if type(obj) is literal and len(obj.value) > limit:
            raise InputError(
                f"{path}: a literal of {len(obj.value):,} characters, more than the limit of "
                f"{human_size(limit)} (set {ENV_MAX_LITERAL} to raise it)"
            )


# ---------------------------------------------------------------- messages

_BOM = b"\xef\xbb\xbf"


def _looks_like(data: bytes) -> str | None:
    """The format the start of `data` suggests (a guess for messages only), or None."""
    head = data[:4096].lstrip(_BOM + b" \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "HTML"
    if head.startswith((b"<?xml", b"<rdf:rdf", b"<!doctype")):
        return "RDF_XML"
    if head.startswith(b"{") or (head.startswith(b"[") and head[1:].lstrip().startswith((b"{", b"]"))):
        return "JSON_LD"
    if head.startswith((b"@prefix", b"@base", b"prefix ", b"base ")):
        return "TURTLE"
    return None


def diagnose(path: Path, name: str, data: bytes, message: str) -> str:
    """A better message for `path` (format `name`, a pyoxigraph format name), which does not
    parse: bad encoding, binary data, a format that does not match the extension."""
    from pactgraph.rdf.rdf_formats import FORMAT_LABELS, TURTLE_FAMILY

    label = FORMAT_LABELS.get
    expected = f"expected {label(name, name)}"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            why = "; it is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8"
        elif b"\0" in data[:8192]:
            why = "; it looks like a binary file"
        else:
            why = "; save it as UTF-8"
        return f"{path}: not valid UTF-8 at byte {err.start} (line {line}, column {column}){why}; {expected}"
    if b"\0" in data[:8192]:
        return f"{message} (the file holds NUL bytes: a binary file?; {expected})"
    guess = _looks_like(data)
    suffix = path.suffix.lower()
    if guess == "HTML":
        return f"{message} (the file looks like an HTML page, a failed download?; {expected})"
    if guess is not None and not (guess == name or (guess == "TURTLE" and name in TURTLE_FAMILY)):
        extension = {"JSON_LD": ".jsonld", "RDF_XML": ".rdf", "TURTLE": ".ttl"}[guess]
        return (
            f"{message} (read as {label(name, name)} because of the {suffix} extension, but it looks like "
            f"{label(guess, guess)}: name it *{extension})"
        )
    return message
