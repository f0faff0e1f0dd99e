"""Publishing: the graph as a static linked-data site, browsable by people and machines.

`publish()` builds every file in memory (site.build) and writes the tree
atomically (tree.write_atomic); `check()` builds and compares instead. The
modules, one job each:

- layout: IRIs under the base URL <-> files in the site, relative links
- inputs: the ontology, data and shapes files, one named graph each
- serialize: canonical blank nodes and deterministic Turtle, N-Triples, RDF/XML, TriG, N-Quads
- jsonld: compact JSON-LD against the bundled context.jsonld
- model, views: an indexed graph and the plain data shown on pages
- pages: a page per resource and the index; docs: ontology and shapes documentation
- comparisons: each related pair of claims (pactgraph.reading.comparing) as data, on claim pages and in the lede
- wording: a comparison's reason and label in a site language (the catalogues' words, the graph's labels)
- dataset: the VoID/DCAT description; conneg: the negotiation rules, .htaccess and nginx
- server: the preview server (`pactgraph serve`); site: all of it together; tree: writing
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/pactgraph/"

PathLike = str | Path


@dataclass
class Published:
    """What publish() wrote."""

    outdir: Path
    files: int
    bytes: int
    resources: int
    seconds: float
    warnings: list[str] = field(default_factory=list)  # what the site lacks, e.g. the query engine


def publish(
    outdir: PathLike,
    base: str = DEFAULT_BASE,
    data: Sequence[PathLike] | None = None,
    ontology: Sequence[PathLike] | None = None,
    shapes: Sequence[PathLike] | None = None,
    *,
    validate: bool = True,
) -> Published:
    """Build the site and put it at `outdir`, replacing a site published there before.

    The graph is validated first (`validate=False` skips it): a graph that does not
    conform is not published (NotConformingError), so a site never presents data the
    shapes refuse, such as a report whose stored text was edited.
    """
    from pactgraph.publishing import site, tree

    started = time.perf_counter()
    tree.check_target(Path(outdir).absolute())
    if validate:
        conforming(data, ontology, shapes)
    built = site.build(base, data, ontology, shapes)
    tree.write_atomic(built.files, Path(outdir))
    return Published(
        outdir=Path(outdir),
        files=len(built.files),
        bytes=sum(len(b) for b in built.files.values()),
        resources=built.resources,
        seconds=time.perf_counter() - started,
        warnings=built.warnings,
    )


def conforming(
    data: Sequence[PathLike] | None, ontology: Sequence[PathLike] | None, shapes: Sequence[PathLike] | None
) -> None:
    """NotConformingError unless the graph to publish conforms to the shapes."""
    from pactgraph.errors import NotConformingError
    from pactgraph.validation.command import validate

    report = validate(data, shapes, ontology=ontology, with_graph=False)
    if not report.conforms:
        raise NotConformingError(
            f"the graph does not conform to the shapes ({report.summary()}); nothing was published. "
            "See the results with `pactgraph validate` (same --data/--ontology/--shapes), fix them, publish again "
            "(or --no-validate to publish anyway)",
            report,
        )


def check(
    outdir: PathLike,
    base: str = DEFAULT_BASE,
    data: Sequence[PathLike] | None = None,
    ontology: Sequence[PathLike] | None = None,
    shapes: Sequence[PathLike] | None = None,
):  # -> tree.Difference
    """How `outdir` differs from what publish() would write now (nothing is written)."""
    from pactgraph.publishing import site, tree

    built = site.build(base, data, ontology, shapes)
    return tree.compare(built.files, Path(outdir))
