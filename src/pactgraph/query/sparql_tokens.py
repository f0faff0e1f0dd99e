"""The one SPARQL tokenizer: the policy, the guard, the shapes check and the query rewriting all read it.

Enough of SPARQL's lexical grammar to find keywords, names and brackets that
matter, never fooled by a comment, IRI or string: comments are skipped; IRIs,
strings, variables, numbers, names and every bracket and operator are tokens of
their own, each with its offsets in the text. Standard library only, so the fast
`query` path stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# IRIREF; a backslash is let in for the \\u escapes SPARQL decodes before parsing.
IRIREF = re.compile(r'<[^<>"{}|^`\x00-\x20]*>')

_WORD = r"[\w\-]*(?:\.+[\w\-]+)*"  # a name part: dots only inside (a final dot ends the triple)
_LOCAL = r"(?:[\w\-:%]|\\.)*(?:\.+(?:[\w\-:%]|\\.)+)*"
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<iri><[^<>"{}|^`\x00-\x20]*>)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
               | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
               | "(?:[^"\\]|\\.)*(?:"|\Z)
               | '(?:[^'\\]|\\.)*(?:'|\Z))
    | (?P<var>[?$]\w+)
    | (?P<number>\d+\.\d*[eE][+-]?\d+|\.?\d+[eE][+-]?\d+|\d*\.\d+|\d+)
    | (?P<name>_:"""
    + _LOCAL
    + r"""|(?:[^\W\d]"""
    + _WORD
    + r""")?:"""
    + _LOCAL
    + r"""|[^\W\d]"""
    + _WORD
    + r""")
    | (?P<op>&&|\|\||!=|<=|>=|\^\^|.)
    """,
    re.X | re.S,
)

#: Token kinds.
IRI, STRING, VAR, NUMBER, NAME, OP = "iri", "string", "var", "number", "name", "op"
BRACKETS_OPEN, BRACKETS_CLOSE = frozenset("{(["), frozenset("})]")


class Token(str):
    """A token's text (it is a str), with its offsets and its kind (IRI, STRING, VAR, NUMBER, NAME, OP)."""

    __slots__ = ("start", "end", "kind")

    start: int
    end: int
    kind: str

    def __new__(cls, text: str, start: int, end: int, kind: str) -> Token:
        token = super().__new__(cls, text)
        token.start, token.end, token.kind = start, end, kind
        return token

    @property
    def text(self) -> str:
        return str(self)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of `text` in order, comments and white space left out."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "space" or kind == "comment":
            continue
        assert kind is not None
        yield Token(match.group(), match.start(), match.end(), kind)
