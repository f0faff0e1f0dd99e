"""How large a shape of query pactgraph lets any engine see: nesting, VALUES rows, UNION branches, patterns, literals.

The engines recurse over a query as they parse and evaluate it: brackets inside
brackets, and also chains of operators (a property path `:p/:p/...`, `1+1+...`,
`?a && ?b && ...`, a run of UNIONs or of triple patterns), each a tree one level
deeper per link. Measured on Oxigraph 0.5, ten thousand of any of these crash the
process (SIGSEGV, or an abort on stack overflow), in `pactgraph query` and in the
server behind `pactgraph endpoint` alike. So the text is measured here, token by
token, before any engine sees it, and refused with the limit's name and value.

Depth counts every open bracket plus the length of the operator chain at each
open level (a chain ends at `.`, `;`, `,` and, between patterns, at a keyword).
Inside data blocks (VALUES, INSERT/DELETE DATA, templates) operators, patterns
and literal lengths are not counted: those are flat lists of data, not trees;
VALUES rows are.
"""

from __future__ import annotations

from dataclasses import dataclass

from pactgraph.errors import QueryError
from pactgraph.query.sparql_tokens import NAME, OP, STRING, Token, tokens

#: Defaults and their environment variables (PACTGRAPH_MAX_DEPTH is pactgraph.rdf.limits').
MAX_VALUES = 10_000
MAX_UNION = 256
MAX_PATTERNS = 1_000
MAX_QUERY_LITERAL = 64 * 1024
ENV_MAX_VALUES = "PACTGRAPH_MAX_VALUES"
ENV_MAX_UNION = "PACTGRAPH_MAX_UNION"
ENV_MAX_PATTERNS = "PACTGRAPH_MAX_PATTERNS"
ENV_MAX_QUERY_LITERAL = "PACTGRAPH_MAX_QUERY_LITERAL"

_CHAIN_OPS = frozenset({"/", "|", "^", "&&", "||", "!", "!=", "=", "<", ">", "<=", ">=", "+", "-", "*", "?"})
_DATA_KEYWORDS = frozenset({"VALUES", "DATA", "INSERT", "DELETE", "CONSTRUCT"})
_NOT_KEYWORDS = frozenset({"A", "TRUE", "FALSE"})


class QueryLimitError(QueryError):
    """A query over one of the size limits of this module (the endpoint answers 400)."""


@dataclass(frozen=True)
class QueryLimits:
    depth: int
    values: int = MAX_VALUES
    union: int = MAX_UNION
    patterns: int = MAX_PATTERNS
    literal: int = MAX_QUERY_LITERAL

    @classmethod
    def from_environment(cls) -> QueryLimits:
        """The limits as set now (pactgraph.rdf.limits reads the environment variables)."""
        from pactgraph.rdf import limits

        return cls(
            depth=limits.max_depth(),
            values=limits.env_count(ENV_MAX_VALUES, MAX_VALUES),
            union=limits.env_count(ENV_MAX_UNION, MAX_UNION),
            patterns=limits.env_count(ENV_MAX_PATTERNS, MAX_PATTERNS),
            literal=limits.env_count(ENV_MAX_QUERY_LITERAL, MAX_QUERY_LITERAL),
        )


class _Level:
    __slots__ = ("kind", "data", "values", "chain", "rows")

    def __init__(self, kind: str, data: bool, values: bool):
        self.kind = kind  # "{", "[", "(" (an expression or argument list), "L" (a collection), "" (top)
        self.data = data
        self.values = values
        self.chain = 0
        self.rows = 0


def check_limits(text: str, source: str, limits: QueryLimits | None = None) -> list[Token]:
    """The tokens of `text`; QueryLimitError naming the limit when it is over one."""
    from pactgraph.rdf import limits as settings

    limits = limits or QueryLimits.from_environment()
    found: list[Token] = []
    top = _Level("", False, False)
    stack = [top]
    depth = 0  # open brackets plus the chains at every open level
    unions = patterns = 0
    pending: str | None = None  # the data keyword whose block comes next
    previous: Token | None = None

    def refuse(what: str, env: str) -> QueryLimitError:
        return QueryLimitError(f"{source}: {what}; refused ({env})")

    for token in tokens(text):
        found.append(token)
        level = stack[-1]
        if token in ("{", "(", "["):
            kind = str(token)
            if token == "(" and level.kind in ("{", "[", "L") and not level.data:
                is_call = (
                    previous is not None
                    and previous.kind == NAME
                    and ":" not in previous
                    and previous.upper() not in _NOT_KEYWORDS
                )
                kind = "(" if is_call else "L"
            if level.values and token == "(":
                level.rows += 1
            values = token == "{" and pending == "VALUES"
            data = level.data or (token == "{" and pending is not None)
            if token == "{":
                pending = None
            if not data and level.kind in ("{", "[", "L") and token == "[":
                patterns += 1
            stack.append(_Level(kind, data, values))
            depth += 1
            if depth > limits.depth:
                raise refuse(f"brackets nested more than {limits.depth} levels deep", settings.ENV_MAX_DEPTH)
        elif token in ("}", ")", "]") and len(stack) > 1:
            closed = stack.pop()
            depth -= 1 + closed.chain
        elif token in (".", ";", ","):
            depth -= level.chain
            level.chain = 0
            if not level.data and level.kind in ("{", "["):
                patterns += 1
        elif token.kind == OP and token in _CHAIN_OPS:
            if not level.data:
                level.chain += 1
                depth += 1
                if depth > limits.depth:
                    raise refuse(
                        f"brackets and chained operators (property paths, expressions) nested more than "
                        f"{limits.depth} levels deep", settings.ENV_MAX_DEPTH,
                    )
        else:
            upper = token.upper() if token.kind == NAME else ""
            if upper == "UNION":
                unions += 1
                if unions >= limits.union:
                    raise refuse(f"more than {limits.union:,} UNION branches", ENV_MAX_UNION)
            elif upper in _DATA_KEYWORDS:
                pending = upper
            elif upper == "WHERE":
                pending = None
            if (
                upper
                and ":" not in upper
                and upper not in _NOT_KEYWORDS
                and level.kind in ("{", "[", "")
                and level.chain
            ):
                depth -= level.chain  # a keyword starts a new element of the group
                level.chain = 0
            if level.values and token.kind != OP:
                level.rows += 1
            if level.kind == "L" and not level.data:
                patterns += 1
            if token.kind == STRING and not level.data:  # in data a literal is data (PACTGRAPH_MAX_LITERAL)
                length = len(token) - (6 if token[:3] in ('"""', "'''") else 2)
                if length > limits.literal:
                    raise refuse(
                        f"a literal of {length:,} characters, more than {limits.literal:,}", ENV_MAX_QUERY_LITERAL,
                    )
        if level.values and level.rows > limits.values:
            raise refuse(f"a VALUES block of more than {limits.values:,} rows", ENV_MAX_VALUES)
        if patterns > limits.patterns:
            raise refuse(f"more than {limits.patterns:,} triple patterns", ENV_MAX_PATTERNS)
        previous = token
    return found
