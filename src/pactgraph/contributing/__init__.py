"""Contributing reports: create one from an article, anchor quotes, validate it with the graph, add it.

A report lives in `<data dir>/reports/<slug>/` as `article.txt` (the stored text)
and `report.ttl` (the report node, its source text, sentences and claims). The
graph a command works on is the ontology plus every Turtle file under the data
directory; commands that write take `--data-dir` and default to the project's
own `data/` folder when it is a writable checkout.

This module stays import-light (no RDF library): `query --as-of` uses it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

from pactgraph.errors import InputError

#: Prefix and suffix length of the quote selectors written by `new-report` and `anchor`.
CONTEXT = 32

REPORTS = "reports"
TEXT_NAME = "article.txt"
REPORT_NAME = "report.ttl"


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


def slugify(text: str) -> str:
    """`Nezavisimaya Gazeta` -> `nezavisimaya-gazeta` (ASCII letters, digits and hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug


def turtle_string(value: str) -> str:
    """A Turtle string literal (double quotes), escaped by pyoxigraph's serializer."""
    import pyoxigraph as ox

    return str(ox.Literal(value))


def turtle_long_string(value: str) -> str:
    """A Turtle string literal, in triple quotes when it spans lines (rdflib's serializer keeps it readable)."""
    from rdflib import Literal

    return Literal(value).n3()


def read_text_file(path: str | Path) -> str:
    """A UTF-8 text file as a str (a leading byte-order mark dropped); InputError if unreadable."""
    path = Path(path)
    if str(path).strip() == "":
        raise InputError("empty path given for the text file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a text file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start}: {err.reason})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise InputError(f"{path}: not a text file (it holds NUL bytes)")
    return text


def data_dir_inputs(data_dir: str | Path) -> list[str]:
    """The inputs standing for the graph of a data directory: the ontology files and the directory."""
    from pactgraph import resources

    return [str(p) for p in resources.ontology_files()] + [str(data_dir_for_reading(data_dir))]


def parse_date(value: str, option: str = "--date") -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise InputError(f"{option} must be a date as YYYY-MM-DD, not {value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as err:
        raise InputError(f"{option} {value.strip()}: no such date ({err})") from None
