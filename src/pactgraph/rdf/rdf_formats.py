"""RDF file formats by extension, and the names people know them by.

A leaf module (no pactgraph imports but errors) so that reading files (`loading`) and
explaining why a file does not parse (`input_checks`) can share it.
"""

from __future__ import annotations

from pathlib import Path

from pactgraph.errors import InputError

PathLike = str | Path

#: File extension -> pyoxigraph RdfFormat attribute name.
EXTENSIONS: dict[str, str] = {
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
}

#: Formats that can only hold triples, loaded straight into the store's default graph.
TRIPLE_FORMATS = frozenset({"TURTLE", "N_TRIPLES", "RDF_XML"})

#: pyoxigraph format name -> the name people know.
FORMAT_LABELS = {
    "TURTLE": "Turtle",
    "N_TRIPLES": "N-Triples",
    "N_QUADS": "N-Quads",
    "TRIG": "TriG",
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF/XML",
}

#: Formats a Turtle parser reads (so a file starting like Turtle may be any of them).
TURTLE_FAMILY = frozenset({"TURTLE", "N_TRIPLES", "N_QUADS", "TRIG"})


def label(name: str) -> str:
    """`Turtle` for `TURTLE`; an unknown name as it is."""
    return FORMAT_LABELS.get(name, name)


def rdf_format_name(path: PathLike) -> str:
    """The pyoxigraph format name for a file, from its extension; InputError if unknown."""
    suffix = Path(path).suffix.lower()
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        known = " ".join(sorted(EXTENSIONS))
        shown = suffix or "(none)"
        raise InputError(f"{path}: unknown RDF file extension {shown}; expected one of: {known}") from None
