"""The named SPARQL queries shipped in queries/NN-name.rq, with their title and question headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pactgraph import resources
from pactgraph.errors import InputError, UnknownQueryError

_FILE = re.compile(r"^(\d+)-(.+)\.rq$")
_HEADER = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """One query file: `number` and `name` come from the file name, the rest from its header."""

    number: int
    name: str
    title: str
    question: str
    path: Path

    @property
    def label(self) -> str:
        """`01 parties-and-date`, as shown in listings."""
        return f"{self.number:02d} {self.name}"

    @property
    def params(self) -> dict[str, str]:
        """Default parameter values declared in `# param: NAME = VALUE` header lines."""
        from pactgraph.query.querying import declared_params

        return declared_params(self.text)

    @property
    def text(self) -> str:
        """The full query text, header comments included (they are SPARQL comments)."""
        try:
            return self.path.read_text(encoding="utf-8")
        except OSError as err:
            raise InputError(f"{self.path}: cannot read: {err.strerror or err}") from None


def read_header(path: Path) -> dict[str, str]:
    """The `# key: value` lines at the top of a query file (lower-case keys)."""
    header: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            stripped = line.strip()
            if not stripped:
                continue
            if not stripped.startswith("#"):
                break
            match = _HEADER.match(stripped)
            if match:
                header.setdefault(match.group(1).lower(), match.group(2))
    return header


def list_queries(directory: Path | str | None = None) -> list[NamedQuery]:
    """All named queries in `directory` (default: the shipped queries/), by number then name.

    A given directory must exist (InputError); a missing shipped one means no queries.
    """
    if directory is None:
        directory = resources.queries_dir()
        if not directory.is_dir():
            return []
    else:
        directory = Path(directory)
        if not directory.is_dir():
            raise InputError(f"{directory}: no such directory")
    found = []
    for path in directory.glob("*.rq"):
        match = _FILE.match(path.name)
        if not match or not path.is_file():
            continue
        try:
            header = read_header(path)
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"{path}: cannot read query header: {err}") from None
        found.append(
            NamedQuery(
                number=int(match.group(1)),
                name=match.group(2),
                title=header.get("title", ""),
                question=header.get("question", ""),
                path=path,
            )
        )
    return sorted(found, key=lambda q: (q.number, q.name))


def looks_like_name(key: str) -> bool:
    """True for a bare query name or number (as opposed to SPARQL text)."""
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", key) is not None


def find_query(key: str, directory: Path | str | None = None) -> NamedQuery:
    """The named query selected by name (`parties-and-date`), number (`1`, `01`) or file stem.

    Raises UnknownQueryError listing the available names.
    """
    queries = list_queries(directory)
    wanted = key.strip()
    for query in queries:
        if wanted.isdigit() and int(wanted) == query.number:
            return query
        if wanted.lower() in (query.name.lower(), query.path.stem.lower()):
            return query
    raise UnknownQueryError(wanted, [q.label for q in queries])


def table(directory: Path | str | None = None) -> str | None:
    """The named queries as a text table (number, name, title, question); None when there are none."""
    from pactgraph.query.querying import render_table

    found = list_queries(directory)
    if not found:
        return None
    rows = [[f"{q.number:02d}", q.name, q.title, q.question] for q in found]
    return render_table(["no", "name", "title", "question"], rows)
