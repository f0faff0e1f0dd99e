"""Where the shipped ontology, data, shapes and queries live, installed or in a checkout.

A wheel carries them in `pactgraph/resources/<dir>`; an editable install reads
them straight from the repository root.
"""

from __future__ import annotations

from pathlib import Path


def root() -> Path:
    """The directory holding ontology/, data/, shapes/ and queries/."""
    packaged = Path(__file__).parent / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


def _ttl_under(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*.ttl") if p.is_file())


def data_files_under(data_dir: Path) -> list[Path]:
    """The Turtle files under a data directory, recursively, sorted (hidden folders left out)."""
    found = []
    for path in data_dir.rglob("*.ttl"):
        relative = path.relative_to(data_dir)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            found.append(path)
    return sorted(found)


def ontology_dir() -> Path:
    return root() / "ontology"


def data_dir() -> Path:
    return root() / "data"


def shapes_dir() -> Path:
    return root() / "shapes"


def queries_dir() -> Path:
    return root() / "queries"


def ontology_files() -> list[Path]:
    """All Turtle files of the ontology and concept schemes, sorted."""
    return _ttl_under(ontology_dir())


def data_files() -> list[Path]:
    """All Turtle instance-data files, recursively, sorted."""
    return _ttl_under(data_dir())


def graph_files() -> list[Path]:
    """The shipped graph: ontology files then data files."""
    return ontology_files() + data_files()


def shape_files() -> list[Path]:
    """The shipped SHACL shapes files, sorted."""
    return _ttl_under(shapes_dir())
