"""Contributing reports: create one from an article, anchor quotes, validate it with the graph, add it.

A report lives in `<data dir>/reports/<slug>/` as `article.txt` (the stored text)
and `report.ttl` (the report node, its source text, sentences and claims). The
graph a command works on is the ontology plus every Turtle file under the data
directory; commands that write take `--data-dir` and default to the project's
own `data/` folder when it is a writable checkout.

The data directory a command works on is chosen in pactgraph.data_dirs.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from pactgraph.errors import InputError

#: Prefix and suffix length of the quote selectors written by `new-report` and `anchor`.
CONTEXT = 32

REPORTS = "reports"
TEXT_NAME = "article.txt"
REPORT_NAME = "report.ttl"


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


def parse_date(value: str, option: str = "--date") -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise InputError(f"{option} must be a date as YYYY-MM-DD, not {value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as err:
        raise InputError(f"{option} {value.strip()}: no such date ({err})") from None
