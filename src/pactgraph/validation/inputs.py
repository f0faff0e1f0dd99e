"""The files of a joined validation: new files, the graph they join, and where their nodes stand.

New files are checked with the graph of a data directory: the ontology and every
file under it, less an older version of the report the new files replace. Each
result on a new file's node names `FILE:LINE`, the first line where the node
stands (as a subject, if it does) in a new file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.validation.storedtext import STORED_AT_PATTERN, STORED_AT

REPORTS = "reports"
RDF_VALUE = PREFIXES["rdf"] + "value"


@dataclass
class ParsedFile:
    """One input file: its quads and the prefixes it declares."""

    path: Path
    quads: list[Any]
    prefixes: dict[str, str]

    def stored_texts(self) -> list[tuple[Any, str, str | None]]:
        """(source text node, pg:storedAt, rdf:value or None) of the pg:SourceText nodes the file describes."""
        stored: dict[Any, str] = {}
        values: dict[Any, str] = {}
        for q in self.quads:
            if q.predicate.value == STORED_AT:
                stored.setdefault(q.subject, q.object.value)
            elif q.predicate.value == RDF_VALUE:
                values.setdefault(q.subject, q.object.value)
        return [(node, at, values.get(node)) for node, at in stored.items()]

    def slugs(self) -> set[str]:
        """The report folders (`reports/<slug>/`) the file's stored texts live in."""
        found = set()
        for _, at, _ in self.stored_texts():
            match = STORED_AT_PATTERN.match(at)
            if match:
                found.add(match.group(1))
        return found


def parse_inputs(paths: Sequence[str | Path]) -> list[ParsedFile]:
    """Parse new files (directories expanded); InputError `FILE:LINE:COL: message` on bad syntax."""
    from pactgraph.rdf.loading import parse_with_prefixes, resolve_inputs

    files = resolve_inputs(paths)
    if not files:
        raise InputError("no input files given")
    return [ParsedFile(path, *parse_with_prefixes(path)) for path in files]


def replaced_folders(new: Iterable[ParsedFile], data_dir: Path) -> set[Path]:
    """The report folders under `data_dir` that the new files replace (resolved paths)."""
    reports = (data_dir / REPORTS).resolve()
    folders = set()
    for parsed in new:
        for slug in parsed.slugs():
            folders.add(reports / slug)
        try:
            relative = parsed.path.resolve().relative_to(reports)
        except ValueError:
            continue
        if len(relative.parts) > 1:
            folders.add(reports / relative.parts[0])
    return folders


_TOKEN = re.compile(
    r'''(?P<comment>\#[^\n]*)
      |(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
      |(?P<short>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\s]*>)
      |(?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\.(?=[\w\-:%]))*)
      |(?P<word>@?[A-Za-z_][\w\-]*)
      |(?P<newline>\n)
      |(?P<other>[^\s])''',
    re.X | re.S,
)


def turtle_terms(text: str) -> list[tuple[str, int, bool]]:
    """(IRI token as written, line, whether it stands as a statement's subject) for each IRI token.

    A small scanner that skips comments and strings, so a name inside a literal
    or a comment is never taken for a use of it.
    """
    found = []
    line = 1
    at_start = True
    directive = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind == "newline":
            line += 1
            continue
        if kind == "comment":
            continue
        if kind in ("pname", "iri"):
            if directive:
                if kind == "iri":
                    directive = False
                    at_start = True
            else:
                found.append((token, line, at_start))
                at_start = False
        elif kind == "word" and token.lower() in ("prefix", "base", "@prefix", "@base"):
            directive = True
        elif kind == "other" and token == ".":
            at_start = True
        else:
            at_start = False
        line += token.count("\n")
    return found


class Locator:
    """`FILE:LINE` of an IRI's first occurrence in Turtle files, preferring subject positions."""

    def __init__(self, files: Sequence[tuple[Path, dict[str, str]]], display: Any = str):
        self.files = list(files)
        self.display = display
        self._terms: dict[Path, list[tuple[str, int, bool]]] = {}

    def _scan(self, path: Path) -> list[tuple[str, int, bool]]:
        if path not in self._terms:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._terms[path] = turtle_terms(text) if path.suffix.lower() in (".ttl", ".trig") else []
        return self._terms[path]

    def find(self, iri: str) -> str:
        for path, prefixes in self.files:
            forms = {f"<{iri}>"}
            for prefix, namespace in prefixes.items():
                if iri.startswith(namespace):
                    forms.add(f"{prefix}:{iri[len(namespace):]}")
            terms = self._scan(path)
            lines = [line for token, line, subject in terms if subject and token in forms]
            if not lines:
                lines = [line for token, line, _ in terms if token in forms]
            if lines:
                return f"{self.display(path)}:{lines[0]}"
        return ""


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is below it, as people typed it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
