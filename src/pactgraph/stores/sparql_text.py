"""Query text for other SPARQL servers: parameters bound inside WHERE, the query form, DESCRIBE as CONSTRUCT.

Servers differ where the standard leaves room or where they have bugs:

- A trailing `VALUES` is ignored by Virtuoso when the pattern has a BIND, so a
  parameter is bound by a `VALUES` block placed first inside the query's WHERE
  group. That is also what the embedded store does (Oxigraph binds a substituted
  variable before evaluating the pattern). The rewritten text is parsed with
  pyoxigraph before it is sent; a query where no such place exists is refused.
- DESCRIBE is implementation-defined; pactgraph's answer is Oxigraph's: the
  concise bounded description (the resource's triples, and those of the blank
  nodes they reach). `describe_targets` turns the DESCRIBE into a SELECT of the
  described resources and `describe_construct` fetches their descriptions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pactgraph.errors import QueryError
from pactgraph.query.sparql_tokens import Token, tokens

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_PROLOGUE = {"PREFIX": 2, "BASE": 1, "VERSION": 1}
_DATASET_OR_WHERE = {"FROM", "WHERE"}


def _body(text: str) -> list[Token]:
    """The tokens after the prologue."""
    found = list(tokens(text))
    i = 0
    while i < len(found) and found[i].text.upper() in _PROLOGUE:
        i += 1 + _PROLOGUE[found[i].text.upper()]
    return found[i:]


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (what the first keyword after the prologue says)."""
    body = _body(text)
    first = body[0].text.upper() if body else ""
    return first if first in FORMS else "SELECT"


def _skip_group(body: list[Token], i: int) -> int:
    """The index after the bracketed group that starts at body[i]."""
    depth = 0
    for j in range(i, len(body)):
        if body[j].text in "{([" and len(body[j].text) == 1:
            depth += 1
        elif body[j].text in "})]" and len(body[j].text) == 1:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(body)


def where_brace(text: str) -> int | None:
    """The offset of the `{` that opens the query's WHERE group, or None (CONSTRUCT WHERE {...}, DESCRIBE <x>)."""
    body = _body(text)
    if not body:
        return None
    form = body[0].text.upper()
    i = 1
    if form == "CONSTRUCT":
        if i < len(body) and body[i].text.upper() == "WHERE":
            return None  # the short form: its group is the template too; no VALUES allowed in it
        if i < len(body) and body[i].text == "{":
            i = _skip_group(body, i)
    while i < len(body):
        token = body[i]
        if token.text == "{":
            return token.start
        if token.text == "(":
            i = _skip_group(body, i)  # (expression AS ?v) in a projection may hold EXISTS { }
            continue
        i += 1
    return None


def bind_inside(text: str, bound: Mapping[str, Any]) -> str:
    """`text` with `VALUES (?a ?b) { (x y) }` first inside its WHERE group (a trailing VALUES without one)."""
    from pactgraph.stores.protocol import sparql_term

    if not bound:
        return text
    names = list(bound)
    clause = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(sparql_term(bound[n]) for n in names)}) }}"
    brace = where_brace(text)
    if brace is None:
        return f"{text}\n{clause}\n"
    return f"{text[: brace + 1]} {clause} {text[brace + 1 :]}"


def check_parses(text: str, source: str) -> None:
    """QueryError when pyoxigraph cannot parse `text` (so a rewriting never sends a broken query)."""
    import pyoxigraph as ox

    try:
        ox.Store().query(text)
    except SyntaxError as err:
        raise QueryError(f"{source}: the query cannot be sent with its parameters bound ({err})") from None


# ---------------------------------------------------------------- DESCRIBE


@dataclass
class Describe:
    """What a DESCRIBE asks for: fixed resources, and a SELECT of the variable ones (or None)."""

    resources: list[str]
    select: str | None
    prologue: str


def describe_targets(text: str) -> Describe:
    """Split `DESCRIBE ?x <iri> WHERE {...}` into its fixed resources and `SELECT DISTINCT ?x WHERE {...}`."""
    body = _body(text)
    start = body[0]
    i = 1
    resources: list[str] = []
    variables: list[str] = []
    star = False
    while i < len(body):
        word = body[i].text
        if word.upper() in _DATASET_OR_WHERE or word == "{":
            break
        if word == "*":
            star = True
        elif word[:1] in "?$":
            variables.append("?" + word[1:])
        else:
            resources.append(word)
        i += 1
    rest = text[body[i].start :] if i < len(body) else ""
    if not (variables or star):
        return Describe(resources, None, text[: start.start])
    projection = "*" if star else " ".join(variables)
    return Describe(resources, f"{text[: start.start]}SELECT DISTINCT {projection} {rest}", text[: start.start])


def describe_construct(prologue: str, resources: Sequence[str], depth: int) -> str:
    """A CONSTRUCT of the resources' triples and of blank nodes up to `depth` steps away."""
    template = ["?r ?p0 ?o0 ."]
    pattern = "?r ?p0 ?o0 ."
    inner = ""
    for level in range(depth, 0, -1):
        inner = (
            f" OPTIONAL {{ FILTER (isBlank(?o{level - 1})) ?o{level - 1} ?p{level} ?o{level} .{inner} }}"
        )
    for level in range(1, depth + 1):
        template.append(f"?o{level - 1} ?p{level} ?o{level} .")
    return (
        f"{prologue}CONSTRUCT {{ {' '.join(template)} }} WHERE {{ VALUES ?r {{ {' '.join(resources)} }} "
        f"{pattern}{inner} }}"
    )


def bounded_description(triples: Sequence[Any], resources: Sequence[Any], depth: int) -> tuple[list[Any], bool]:
    """The concise bounded descriptions of `resources` within `triples`; False when depth ran out."""
    import pyoxigraph as ox

    by_subject: dict[Any, list[Any]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    found: dict[Any, None] = {}
    seen = set(resources)
    frontier = list(resources)
    distance = 0
    while frontier:
        if distance > depth:
            return [], False
        following = []
        for node in frontier:
            for triple in by_subject.get(node, ()):
                found[triple] = None
                if isinstance(triple.object, ox.BlankNode) and triple.object not in seen:
                    seen.add(triple.object)
                    following.append(triple.object)
        frontier = following
        distance += 1
    return list(found), True
