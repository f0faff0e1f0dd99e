"""All-or-nothing loads into a SPARQL server: stage every file, then switch over in one update.

1. Every file is parsed first; a file that does not parse changes nothing.
2. Each file is sent to a staging graph of its own (`urn:pactgraph:staging:...`):
   a Graph Store Protocol PUT, or SPARQL Update. Update sends triples with blank
   nodes as `INSERT { ... } WHERE {}` (blank nodes in a template are fresh nodes),
   because some servers (Virtuoso) refuse blank nodes in `INSERT DATA`.
3. The graphs to be replaced are copied to backup graphs (one update request).
4. One update request moves every staging graph onto its target graph.
5. The backups are dropped.

A failure in 1-3 leaves the target graphs as they were (the staged graphs are
dropped); a failure in 4 is undone by moving the backups back. The message says
which. Staging and backup graphs that an interrupted load left behind are dropped
by the next load, so re-running a load after the fault is fixed converges.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pactgraph.stores.base import LoadSummary, StoreError, graph_name


@dataclass
class _File:
    path: Path
    graph: str
    triples: int
    data: bytes
    blank: bool
    staging: str
    backup: str


def _prepare(files: Sequence[Path], token: str) -> list[_File]:
    import pyoxigraph as ox

    from pactgraph.rdf.loading import parse_file
    from pactgraph.stores.protocol import STAGING_PREFIX

    prepared = []
    for i, path in enumerate(files):
        path = Path(path)
        quads = parse_file(path, nesting=False)
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        blank = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
        prepared.append(
            _File(
                path=path,
                graph=graph_name(path),
                triples=len(triples),
                data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"",
                blank=blank,
                staging=f"{STAGING_PREFIX}{token}:{i}",
                backup=f"{STAGING_PREFIX}{token}:backup:{i}",
            )
        )
    return prepared


def _update(store: Any, url: str, text: bytes | str, purpose: str) -> None:
    body = text.encode("utf-8") if isinstance(text, str) else text
    store._request("POST", url, body, {"Content-Type": "application/sparql-update"}, purpose=purpose)


def _stage(store: Any, item: _File, method: str, graph_store: str | None, update: str) -> None:
    if method == "graph-store" and graph_store:
        sep = "&" if "?" in graph_store else "?"
        url = f"{graph_store}{sep}graph={quote(item.staging, safe='')}"
        store._request(
            "PUT", url, item.data, {"Content-Type": "application/n-triples"}, purpose=f"{item.path}: the graph store"
        )
        return
    if not item.triples:
        return
    verb, tail = (b"INSERT", b" WHERE {}\n") if item.blank else (b"INSERT DATA", b"\n")
    body = verb + f" {{ GRAPH <{item.staging}> {{\n".encode() + item.data + b"} }" + tail
    _update(store, update, body, f"{item.path}: the update endpoint")


def _drop(store: Any, update: str, graphs: Sequence[str]) -> str | None:
    """Drop graphs; the error text when that failed."""
    if not graphs:
        return None
    try:
        _update(store, update, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs), "cleaning up")
    except StoreError as err:
        return str(err)
    return None


def _raw_graphs(store: Any) -> list[str]:
    import pyoxigraph as ox

    from pactgraph.stores.protocol import RESULTS_ACCEPT, RESULTS_TYPES

    content_type, body = store._post_query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", RESULTS_ACCEPT, None, "the SPARQL endpoint"
    )
    if content_type not in RESULTS_TYPES:
        raise StoreError(f"{store.url} answered the graph listing with {content_type or 'no content type'}")
    try:
        parsed = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, RESULTS_TYPES[content_type]))
        return [s["g"].value for s in parsed if isinstance(s["g"], ox.NamedNode)]  # type: ignore[union-attr]
    except (SyntaxError, ValueError, TypeError) as err:
        raise StoreError(f"{store.url} sent an unreadable graph list: {err}") from None


def _hint(err: StoreError) -> str:
    """What to do when the server does not let the user write."""
    text = str(err)
    if "No permission" in text or "SECURITY" in text or "HTTP 403" in text:
        return (
            ". The server does not let this user write: on Virtuoso, load through /sparql-auth (and "
            "/sparql-graph-crud-auth) with PACTGRAPH_ENDPOINT_USER/_PASSWORD of a user granted SPARQL_UPDATE, "
            "or grant SPARQL_UPDATE to the SPARQL user (see the README, SPARQL servers)"
        )
    return ""


def load_all(store: Any, files: Sequence[Path]) -> LoadSummary:
    """Load `files` into `store` (an EndpointStore), each into its named graph, all or nothing."""
    from pactgraph.stores.protocol import STAGING_PREFIX

    method, graph_store, update = store._method()
    shown = graph_store if method == "graph-store" else update
    summary = LoadSummary(target=f"{store.url} ({method} {shown})")
    start = time.perf_counter()
    token = secrets.token_hex(8)
    items = _prepare(files, token)
    try:
        listed = _raw_graphs(store)
    except StoreError as err:
        raise StoreError(
            f"{err}; the load stopped before sending anything: nothing on {store.url} was changed"
        ) from None
    leftovers = [g for g in listed if g.startswith(STAGING_PREFIX)]
    if leftovers:
        failed = _drop(store, update, leftovers)
        if failed:
            raise StoreError(
                f"cannot remove the graphs an interrupted load left behind ({failed}); the load stopped before "
                f"sending anything: nothing on {store.url} was changed"
            )
        summary.warnings.append(f"removed {len(leftovers)} staging graph(s) an interrupted load had left behind")
    existing = set(listed)
    staged: list[str] = []
    backups_made: list[str] = []

    def undo(err: StoreError, what: str) -> StoreError:
        failed = _drop(store, update, staged + backups_made)
        kept = "" if not failed else f" (the staging graphs could not be removed: {failed}; the next load removes them)"
        return StoreError(f"{err}; the load stopped {what}: nothing on {store.url} was changed{kept}{_hint(err)}")

    for item in items:
        try:
            _stage(store, item, method, graph_store, update)
        except StoreError as err:
            raise undo(err, f"while sending {item.path}") from None
        staged.append(item.staging)
    backups = [f"COPY <{i.graph}> TO <{i.backup}>" for i in items if i.graph in existing]
    if backups:
        backups_made.extend(i.backup for i in items if i.graph in existing)
        try:
            _update(store, update, " ;\n".join(backups), "the update endpoint (backing up the graphs to replace)")
        except StoreError as err:
            raise undo(err, "while backing up the graphs to replace") from None
    switch = [
        f"MOVE <{i.staging}> TO <{i.graph}>" if i.triples else f"DROP SILENT GRAPH <{i.graph}>" for i in items
    ]
    try:
        _update(store, update, " ;\n".join(switch), "the update endpoint (switching to the new graphs)")
    except StoreError as err:
        restore = [
            f"MOVE SILENT <{i.backup}> TO <{i.graph}>" if i.graph in existing else f"DROP SILENT GRAPH <{i.graph}>"
            for i in items
        ]
        try:
            _update(store, update, " ;\n".join(restore), "the update endpoint (restoring the previous graphs)")
        except StoreError as again:
            raise StoreError(
                f"{err}; the switch to the new graphs failed and so did restoring the previous ones ({again}): "
                f"{store.url} may hold part of the load; the previous graphs are kept in "
                f"{STAGING_PREFIX}{token}:backup:N until the next load, which replaces every graph again"
            ) from None
        raise undo(err, "while switching to the new graphs; the previous graphs were restored") from None
    failed = _drop(store, update, [i.backup for i in items if i.graph in existing])
    if failed:
        summary.warnings.append(
            f"the backup graphs of this load could not be removed ({failed}); the next load removes them"
        )
    for item in items:
        summary.loaded.append(str(item.path))
        summary.triples += item.triples
    summary.seconds = time.perf_counter() - start
    return summary
