"""What a validation covers: the files of the graph and, joined, the new files whose problems are reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pactgraph.errors import InputError


@dataclass
class Scope:
    """The files of the graph and, for a joined validation, the new files whose problems are reported."""

    ontology: list[Path]
    data: list[Path]
    new: list[Path] = field(default_factory=list)
    data_dir: Path | None = None
    #: An on-disk store (`pactgraph load --store`) a joined validation may read the graph from.
    store: Path | None = None

    @property
    def joined(self) -> bool:
        return bool(self.new)


def _ontology(ontology: Sequence[str | Path] | None) -> list[Path]:
    from pactgraph import resources
    from pactgraph.rdf.loading import resolve_inputs

    return resources.ontology_files() if ontology is None else resolve_inputs(ontology) if ontology else []


def whole_graph(
    paths: Sequence[str | Path] | None = None,
    *,
    data_dir: str | Path | None = None,
    ontology: Sequence[str | Path] | None = None,
) -> Scope:
    """The whole graph: `paths`, else the files of `data_dir`, else the shipped data; with the ontology."""
    from pactgraph import resources
    from pactgraph.rdf.loading import resolve_inputs, unique_paths

    ontology_files = _ontology(ontology)
    if paths:
        data = resolve_inputs(paths)
    else:
        folder = resources.data_dir() if data_dir is None else Path(data_dir)
        if data_dir is not None and not folder.is_dir():
            raise InputError(f"{folder}: --data-dir is not a directory")
        data = resources.data_files_under(folder) if folder.is_dir() else []
        if not data and data_dir is None:
            raise InputError(f"no shipped data found: no *.ttl under {folder}")
    return Scope(ontology=ontology_files, data=unique_paths(data, ontology_files), data_dir=None if data_dir is None else Path(data_dir))


def joined(
    new_paths: Sequence[str | Path],
    *,
    data_dir: str | Path | None = None,
    ontology: Sequence[str | Path] | None = None,
) -> Scope:
    """New files with the graph of `data_dir` (default: the shipped data) they join, less what they replace."""
    from pactgraph import resources
    from pactgraph.rdf.loading import unique_paths
    from pactgraph.validation.inputs import parse_inputs, replaced_folders

    folder = resources.data_dir() if data_dir is None else Path(data_dir)
    if data_dir is not None and (str(data_dir).strip() == "" or not folder.is_dir()):
        raise InputError(f"{data_dir}: --data-dir is not a directory")
    new = parse_inputs(new_paths)
    skip_folders = replaced_folders(new, folder)
    new_files = [p.path for p in new]
    ontology_files = [p for p in _ontology(ontology) if p.resolve() not in {f.resolve() for f in new_files}]
    data = [
        p
        for p in unique_paths(resources.data_files_under(folder) if folder.is_dir() else [], new_files)
        if not any(f in p.resolve().parents for f in skip_folders)
    ]
    return Scope(ontology=ontology_files, data=unique_paths(data, ontology_files), new=new_files, data_dir=folder)


def is_report_file(path: Path) -> bool:
    """A file in a report folder (`.../reports/<slug>/report.ttl`): a unit of its own."""
    return "reports" in path.parent.parts
