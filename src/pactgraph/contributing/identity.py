"""Telling whether a new report or outlet is one the graph already has.

The same article saved with other line endings, a byte-order mark, trailing
spaces or another Unicode normal form is the same text: `text_key` folds those
(the stored text itself stays verbatim). An outlet typed as "bloomberg" or
"Bloomberg News" is the graph's Bloomberg: `outlet_likeness` compares labels and
alternative labels with case, accents and punctuation folded, and flags a name
that only adds words to an existing one.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from pactgraph.contributing.resolve import fold

#: Words an outlet's name often carries or drops without naming another outlet.
_OUTLET_WORDS = frozenset({"news", "the", "agency", "network", "online", "daily", "media", "com", "net", "press", "wire"})


def normalised_text(text: str) -> str:
    """`text` with CRLF/CR as LF, no BOM, no trailing whitespace on any line or at the end, in NFC."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def text_key(text: str) -> str:
    """SHA-256 of the normalised text: equal for two copies of one article."""
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()


def same_text(store: Any, text: str) -> str | None:
    """Where the graph already stores `text` up to normalisation (pg:storedAt or the text's IRI), else None."""
    from pactgraph.rdf.namespaces import shorten
    from pactgraph.query.querying import run_query

    key = text_key(text)
    rows = run_query(store, "SELECT ?t ?value ?at WHERE { ?t a pg:SourceText ; rdf:value ?value OPTIONAL { ?t pg:storedAt ?at } }")
    for row in rows.bindings():
        if text_key(row["value"].value) == key:
            return row["at"].value if "at" in row else shorten(row["t"].value)
    return None


def outlet_likeness(name: str, labels: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(outlets named the same once folded, outlets whose name differs only by words such as "News").

    `labels`: outlet IRI -> its labels, names and alternative labels.
    """
    folded = fold(name)
    core = [w for w in folded.split() if w not in _OUTLET_WORDS]
    same, like = [], []
    for iri, names in sorted(labels.items()):
        folded_names = {fold(n) for n in names}
        if folded in folded_names:
            same.append(iri)
            continue
        for other in folded_names:
            other_core = [w for w in other.split() if w not in _OUTLET_WORDS]
            if core and core == other_core:
                like.append(iri)
                break
    return same, like
