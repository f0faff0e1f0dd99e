"""Which data directory a command works on, and the files that make up its graph.

Reading commands default to the shipped data; writing commands to the project's own
`data/` folder when it is a writable checkout. Import-light (no RDF library): the fast
`query` path uses it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pactgraph.errors import InputError


def _inside_installed_package(path: Path) -> bool:
    return any(part in ("site-packages", "dist-packages") for part in path.resolve().parts)


def data_dir_for_reading(option: str | Path | None) -> Path:
    """The data directory a reading command works on: `option`, else the shipped data."""
    from pactgraph import resources

    if option is None:
        return resources.data_dir()
    path = Path(option)
    if str(option).strip() == "":
        raise InputError("empty path given for --data-dir")
    if not path.is_dir():
        raise InputError(f"{path}: --data-dir is not a directory")
    return path


def data_dir_for_writing(option: str | Path | None) -> Path:
    """The data directory `new-report` and `add` write to.

    `option` when given; else the project's `data/` folder if this is a writable
    checkout (not an installed package), else InputError asking for --data-dir.
    """
    from pactgraph import resources

    if option is not None:
        path = data_dir_for_reading(option)
        if not os.access(path, os.W_OK):
            raise InputError(f"{path}: --data-dir is not writable")
        return path
    shipped = resources.data_dir()
    if shipped.is_dir() and os.access(shipped, os.W_OK) and not _inside_installed_package(shipped):
        return shipped
    raise InputError(
        "no writable data directory: pactgraph is installed as a package; "
        "give --data-dir DIR (e.g. a checkout's data/ folder)"
    )


def data_files(data_dir: Path) -> list[Path]:
    """The Turtle files under `data_dir`, recursively, sorted (hidden folders left out)."""
    from pactgraph import resources

    return resources.data_files_under(data_dir)


def graph_files(data_dir: Path | None = None) -> list[Path]:
    """The graph of a data directory: the shipped ontology files, then the data files."""
    from pactgraph import resources

    data_dir = resources.data_dir() if data_dir is None else data_dir
    files = resources.ontology_files() + data_files(data_dir)
    if not files:
        raise InputError(f"no graph found: no *.ttl under {resources.ontology_dir()} or {data_dir}")
    return files


def data_dir_inputs(data_dir: str | Path) -> list[str]:
    """The inputs standing for the graph of a data directory: the ontology files and the directory."""
    from pactgraph import resources

    return [str(p) for p in resources.ontology_files()] + [str(data_dir_for_reading(data_dir))]
