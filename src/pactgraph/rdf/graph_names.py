"""The named graph each source file is kept in, the same in every store."""

from __future__ import annotations

from pathlib import Path

#: Named graphs of shipped files are called GRAPH_BASE + path below data/ or ontology/, without extension.
GRAPH_BASE = "https://w3id.org/pactgraph/graph/"

_FOLDERS: list[Path] = []


def graph_name(path: str | Path) -> str:
    """The named graph a source file is loaded into.

    A file under the shipped (or checked-out) data/ or ontology/ folder gets
    `https://w3id.org/pactgraph/graph/<path below that folder, without extension>`,
    e.g. `.../graph/reports/reference-news-2026-01-12/report`; any other file its
    `file:` URI.
    """
    resolved = Path(path).resolve()
    for folder in _shipped_folders():
        try:
            relative = resolved.relative_to(folder)
        except ValueError:
            continue
        return GRAPH_BASE + relative.with_suffix("").as_posix()
    return resolved.as_uri()


def _shipped_folders() -> list[Path]:
    if not _FOLDERS:
        from pactgraph import resources

        _FOLDERS.extend(folder.resolve() for folder in (resources.data_dir(), resources.ontology_dir()))
    return _FOLDERS
