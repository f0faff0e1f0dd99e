"""What a site is built from: the ontology, data and shapes files, read into quads.

Each input file becomes a named graph `{base}graph/<name>`, its path below the
shipped data/ or ontology/ folder without extension (`graph/entities`,
`graph/reports/reference-news-2026-01-12/report`), so the TriG and N-Quads
dumps tell which file every statement comes from. IRIs under
the canonical base (and literals naming them) are rebased onto the site's base URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pactgraph import resources
from pactgraph.errors import InputError
from pactgraph.rdf.loading import parse_file, resolve_inputs
from pactgraph.publishing.layout import CANONICAL_BASE, SLUG, Layout


@dataclass
class SourceFile:
    """One input file, its role ('ontology', 'data' or 'shapes') and its graph name."""

    path: Path
    role: str
    name: str


@dataclass
class Inputs:
    """The parsed inputs of a site (quads carry their file's graph name)."""

    files: list[SourceFile]
    quads: dict[str, list[Any]] = field(default_factory=dict)  # role -> quads
    text_roots: list[Path] = field(default_factory=list)  # where pg:storedAt paths are looked up

    def role_quads(self, *roles: str) -> list[Any]:
        return [q for role in roles for q in self.quads.get(role, [])]


def _graph_name(path: Path, role: str, taken: set[str], folders: Sequence[Path] = ()) -> str:
    """The graph name of an input file: its path without extension below a folder given as
    input, else below the shipped data/, ontology/ or shapes/ folder
    (`reports/reference-news-2026-01-12/report`), else its file name without extension;
    made unique among the inputs. A data folder given whole names its graphs as the shipped
    one does, so the names do not depend on which other reports it holds."""
    resolved = path.resolve()
    parts = [path.stem]
    for folder in (*folders, resources.data_dir(), resources.ontology_dir(), resources.shapes_dir()):
        try:
            parts = list(resolved.relative_to(folder.resolve()).with_suffix("").parts)
            break
        except ValueError:
            continue
    cleaned = [p if SLUG.fullmatch(p) else "file" for p in parts] or ["file"]
    name = ("shapes/" if role == "shapes" else "") + "/".join(cleaned)
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def gather(
    data: Sequence[str | Path] | None = None,
    ontology: Sequence[str | Path] | None = None,
    shapes: Sequence[str | Path] | None = None,
) -> tuple[list[SourceFile], list[Path]]:
    """The input files (default: the shipped ones) and the folders where stored texts are looked up."""
    chosen = {
        "ontology": resources.ontology_files() if ontology is None else resolve_inputs(ontology),
        "data": resources.data_files() if data is None else resolve_inputs(data),
        "shapes": resources.shape_files() if shapes is None else resolve_inputs(shapes),
    }
    if not chosen["ontology"] and not chosen["data"]:
        raise InputError("nothing to publish: no ontology or data files")
    given = {"ontology": ontology, "data": data, "shapes": shapes}
    files: list[SourceFile] = []
    taken: set[str] = set()
    seen: set[Path] = set()
    for role in ("ontology", "data", "shapes"):
        folders = [Path(p).resolve() for p in given[role] or () if Path(p).is_dir()]
        for path in chosen[role]:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            files.append(SourceFile(path, role, _graph_name(path, role, taken, folders)))
    if data is None:
        text_roots = [resources.data_dir()]
    else:
        text_roots = []
        for raw in data:
            folder = Path(raw) if Path(raw).is_dir() else Path(raw).parent
            if folder not in text_roots:
                text_roots.append(folder)
    return files, text_roots


def _rebase_term(term: Any, layout: Layout) -> Any:
    """`term` with the canonical base replaced by the site's: in IRIs, and in literals (namespace
    declarations, SPARQL constraints and messages that name project IRIs)."""
    if isinstance(term, ox.NamedNode):
        value = layout.rebase(term.value)
        return term if value == term.value else ox.NamedNode(value)
    if isinstance(term, ox.Literal) and CANONICAL_BASE in term.value:
        value = layout.rebase_text(term.value)
        if term.language:
            return ox.Literal(value, language=term.language)
        return ox.Literal(value, datatype=term.datatype)
    return term


def read(files: list[SourceFile], layout: Layout, text_roots: list[Path]) -> Inputs:
    """Parse every file (pyoxigraph), rebase its IRIs and name its graph."""
    inputs = Inputs(files=files, text_roots=text_roots)
    rebasing = layout.base != CANONICAL_BASE
    for source in files:
        graph = ox.NamedNode(layout.iri("graph/" + source.name))
        out = inputs.quads.setdefault(source.role, [])
        for quad in parse_file(source.path):
            s, p, o = quad.subject, quad.predicate, quad.object
            if rebasing:
                s, p, o = _rebase_term(s, layout), _rebase_term(p, layout), _rebase_term(o, layout)
            out.append(ox.Quad(s, p, o, graph))
    return inputs
