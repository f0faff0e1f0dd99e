"""One `pactgraph query` run: the request checked, the graph chosen, the answer computed within its limits.

The command line only parses options and prints; everything it decides is here. On the
fast path: pyoxigraph only, never rdflib or pyshacl.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pactgraph.query import query_results, querying
from pactgraph.query.query_source import query_text
from pactgraph.query.sparql_policy import check_query, service_urls
from pactgraph.rdf import limits


@dataclass
class QueryRequest:
    """A query that passed the SPARQL policy, with its bindings and limits."""

    text: str
    source: str
    params: dict[str, Any]
    services: tuple[str, ...] = ()
    timeout: float | None = limits.QUERY_TIMEOUT
    max_results: int | None = limits.QUERY_LIMIT


@dataclass
class Target:
    """The store to ask and the graphs forming its default graph (None: all of them)."""

    store: Any
    graphs: list[str] | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """A query's result, the format chosen and the bytes to print; `count`: a line for stderr."""

    result: query_results.QueryResult
    format: str
    data: bytes
    count: str | None = None


def prepare(
    query: str | None,
    file: str | None = None,
    queries_dir: str | None = None,
    *,
    params: Sequence[str] = (),
    timeout: str | None = None,
    limit: str | None = None,
    allow_service: Sequence[str] | None = None,
) -> QueryRequest:
    """The request the options describe; InputError/QueryError for anything pactgraph will not run."""
    seconds = limits.parse_seconds(timeout, "--timeout", limits.QUERY_TIMEOUT)
    max_results = limits.parse_count(limit, "--limit", limits.QUERY_LIMIT)
    services = service_urls(allow_service)
    text, source = query_text(query, file, queries_dir)
    check_query(text, source, services)
    return QueryRequest(text, source, querying.parse_params(params), services, seconds, max_results)


def open_target(
    *,
    data: Sequence[str] | None = None,
    data_dir: str | None = None,
    store: str | None = None,
    endpoint: str | None = None,
    config: str | None = None,
    as_of: str | None = None,
) -> Target:
    """The store chosen by --data / --data-dir / --store / --endpoint / --config, as of a date if given."""
    from pactgraph.stores.config import open_store, read_settings

    if data_dir is not None:
        from pactgraph.data_dirs import data_dir_inputs
        from pactgraph.stores.base import StoreError

        if data or store or endpoint:
            raise StoreError("give only one of --data-dir, --data, --store, --endpoint")
        data = data_dir_inputs(data_dir)
    if as_of is not None:
        from pactgraph.reading import asof

        asof.parse_as_of(as_of)
    settings = read_settings(config=config, store=store, endpoint=endpoint, data=list(data) if data else None)
    target = Target(open_store(settings))
    if as_of is not None:
        # A filtered view: a claim stays when its first report was published by then (see contributing.asof).
        selection = asof.view(target.store, as_of)
        target.store, target.warnings = selection.store, list(selection.warnings)
    return target


def answer(request: QueryRequest, target: Target, fmt: str | None = None) -> Answer:
    """Run the query and format its result; past the timeout or the memory limit the process
    ends with one error line (see `pactgraph.rdf.limits.run_bounded`)."""

    def work() -> Answer:
        with limits.query_policy(request.services, request.max_results):
            found = target.store.query(request.text, request.params, source=request.source, default_graph=target.graphs)
        kind = fmt if fmt is not None else query_results.default_format(found)
        return Answer(found, kind, query_results.format_result(found, kind))

    done = limits.run_bounded(work, timeout=request.timeout, what=f"{request.source}: the query")
    if done.format == "table" and done.result.kind != query_results.ASK:
        done.count = query_results.count_line(done.result)
    return done
