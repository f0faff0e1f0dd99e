"""Facts about stored text files, added to the data graph before any SHACL engine runs.

A report's text is kept verbatim in a file beside its report file
(`pg:storedAt "reports/<slug>/article.txt"`). Shapes cannot read files, so
validation reads each one and states what it found as a triple on the
pg:SourceText node: `pgsh:storedFileSha256` (the file's SHA-256) or
`pgsh:storedFileProblem` (why it could not be read). The shapes in
`shapes/stored-text.ttl` compare those with the graph's checksum, so an edited
or deleted text fails on every validation path, as a standard SHACL result.

Only a plain file name in the folder of the file that describes the text is
read: the data never makes pactgraph read anywhere else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from pactgraph.rdf.namespaces import PG, PGSH

STORED_AT = PG + "storedAt"
FILE_SHA256 = PGSH + "storedFileSha256"
FILE_PROBLEM = PGSH + "storedFileProblem"
STORED_AT_PATTERN = re.compile(r"^reports/([a-z0-9][a-z0-9\-]*)/([^/]+)$")
#: Larger text files are not read (a report's text is a few kilobytes).
MAX_TEXT_BYTES = 16 * 1024 * 1024


def _file_fact(folder: Path, stored_at: str) -> tuple[str, str] | None:
    """(predicate, value) for one pg:storedAt, or None when there is nothing to check.

    The text is `<folder>/<name>`. It must be there when the describing file stands in a
    report folder (`reports/<slug>/`, or a draft folder named after the slug); a lone file
    elsewhere (a test fixture, say) is checked only against a text file beside it.
    """
    match = STORED_AT_PATTERN.match(stored_at)
    if not match:
        return None
    path = folder / PurePosixPath(stored_at).name
    in_report_folder = folder.name == match.group(1) or folder.parent.name == "reports"
    try:
        if not path.is_file():
            return (FILE_PROBLEM, f"no file {path}") if in_report_folder else None
        if path.stat().st_size > MAX_TEXT_BYTES:
            return FILE_PROBLEM, f"{path} is larger than {MAX_TEXT_BYTES} bytes"
        data = path.read_bytes()
    except OSError as err:
        return FILE_PROBLEM, f"{path}: cannot read: {err.strerror or err}"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return FILE_PROBLEM, f"{path}: not valid UTF-8 at byte {err.start}"
    return FILE_SHA256, hashlib.sha256(data).hexdigest()


def facts(path: Path, quads: Iterable[Any]) -> list[Any]:
    """The stored-file triples (pyoxigraph Quads, default graph) for the texts that file `path` describes."""
    return facts_for(path, stored_at(quads))


def stored_at(quads: Iterable[Any]) -> list[tuple[Any, str]]:
    """(subject, stored path) of each pg:storedAt of `quads` with a literal value, in their order."""
    import pyoxigraph as ox

    return [(q.subject, q.object.value) for q in quads
            if q.predicate.value == STORED_AT and isinstance(q.object, ox.Literal)]


def facts_for(path: Path, stored: Iterable[tuple[Any, str]]) -> list[Any]:
    """`facts` from the (subject, stored path) pairs `stored_at` gives (a file's manifest record keeps them)."""
    import pyoxigraph as ox

    out = []
    seen = set()
    for subject, value in stored:
        key = (subject, value)
        if key in seen:
            continue
        seen.add(key)
        fact = _file_fact(path.parent, value)
        if fact is not None:
            out.append(ox.Quad(subject, ox.NamedNode(fact[0]), ox.Literal(fact[1])))
    return out


def text_paths(path: Path, quads: Iterable[Any]) -> list[Path]:
    """The text files `facts` reads for the file `path` (there or not): what a cached result depends on."""
    import pyoxigraph as ox

    return sorted({
        path.parent / PurePosixPath(quad.object.value).name
        for quad in quads
        if quad.predicate.value == STORED_AT and isinstance(quad.object, ox.Literal) and STORED_AT_PATTERN.match(quad.object.value)
    })
