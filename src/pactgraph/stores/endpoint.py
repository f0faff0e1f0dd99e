"""Any SPARQL 1.1 endpoint: queries over the SPARQL Protocol, loads over the Graph Store Protocol or SPARQL Update.

Credentials come from the environment only (see pactgraph.stores.http):
PACTGRAPH_ENDPOINT_TOKEN (a Bearer token) or PACTGRAPH_ENDPOINT_USER and
PACTGRAPH_ENDPOINT_PASSWORD (HTTP Basic or Digest, as the server asks). A URL with
credentials in it is refused. Every request has a total deadline and every answer
a size cap (PACTGRAPH_MAX_INPUT); failures become a one-line StoreError.

The default graph of a query is the union of all graphs when the server is set
up that way (`union_default_graph = true`, the default: `oxigraph serve
--union-default-graph`, which `pactgraph endpoint` uses; Fuseki with
`tdb2:unionDefaultGraph`; GraphDB and Virtuoso by default). Otherwise, or when a
query names its graphs (`default_graph`), the graphs are sent as
`default-graph-uri` parameters. Parameters (`--param`) are bound by a VALUES block
first inside the query's WHERE group, the query's `Accept` header follows its form,
and DESCRIBE is answered as the embedded store answers it (pactgraph.stores.sparql_text).
Loads are all-or-nothing (pactgraph.stores.remote_load).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from pactgraph.stores.base import LoadSummary, StoreError
from pactgraph.stores.http import ENV_PASSWORD, ENV_TOKEN, ENV_USER
from pactgraph.stores.protocol import (
    RDF_ACCEPT,
    RDF_TYPES,
    RESULTS_ACCEPT,
    RESULTS_TYPES,
    STAGING_PREFIX,
    sparql_term,
)

LOAD_METHODS = ("auto", "graph-store", "update")
#: DESCRIBE follows blank nodes this many steps at first, doubling up to _DESCRIBE_MAX_DEPTH.
_DESCRIBE_DEPTH = 4
_DESCRIBE_MAX_DEPTH = 64

__all__ = ["ENV_PASSWORD", "ENV_TOKEN", "ENV_USER", "EndpointStore", "check_url", "sparql_term", "with_values"]


def check_url(url: str, what: str = "endpoint") -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{what} URL must be an http:// or https:// URL, not {url!r}")
    if parts.username or parts.password:
        raise StoreError(
            f"{what} URL must not hold credentials; set {ENV_USER} and {ENV_PASSWORD} "
            f"(or {ENV_TOKEN}) in the environment instead"
        )
    return url


def with_values(text: str, bound: Mapping[str, Any]) -> str:
    """`text` with its parameters bound by a VALUES block first inside its WHERE group."""
    from pactgraph.stores.sparql_text import bind_inside

    return bind_inside(text, bound)


class EndpointStore:
    """A remote SPARQL 1.1 service."""

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        timeout: float = 60.0,
        union_default_graph: bool = True,
        load_method: str = "auto",
        environ: Mapping[str, str] | None = None,
        max_answer: int | None = None,
    ):
        self.url = check_url(url)
        self.description = url
        self.update_url = check_url(update_url, "update endpoint") if update_url else None
        self.graph_store_url = check_url(graph_store_url, "graph store") if graph_store_url else None
        if load_method not in LOAD_METHODS:
            raise StoreError(f"endpoint load_method must be one of {', '.join(LOAD_METHODS)}, not {load_method!r}")
        self.load_method = load_method
        try:
            self.timeout = float(timeout)
        except (TypeError, ValueError):
            raise StoreError(f"endpoint timeout must be a number of seconds, not {timeout!r}") from None
        if not self.timeout > 0:
            raise StoreError("endpoint timeout must be more than 0 seconds")
        self.union_default_graph = bool(union_default_graph)
        self.warnings: list[str] = []
        self._environ = os.environ if environ is None else environ
        if max_answer is None:
            from pactgraph.rdf import limits

            max_answer = limits.max_input()
        self.max_answer = max_answer
        self._http: Any = None

    # ------------------------------------------------------------ HTTP

    def _request(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], *, purpose: str
    ) -> tuple[str, bytes]:
        if self._http is None:
            from pactgraph.stores.http import HttpClient

            self._http = HttpClient(self.url, timeout=self.timeout, max_size=self.max_answer, environ=self._environ)
        answer = self._http.request(method, url, body=body, headers=headers, purpose=purpose)
        return answer.content_type, answer.body

    def _post_query(self, full: str, accept: str, graphs: Sequence[str] | None, purpose: str) -> tuple[str, bytes]:
        fields: list[tuple[str, str]] = [("query", full)]
        for graph in graphs or ():
            fields.append(("default-graph-uri", graph))
        return self._request(
            "POST",
            self.url,
            urlencode(fields).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            purpose=purpose,
        )

    # ------------------------------------------------------------ query

    def query(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        source: str = "<query>",
        default_graph: Sequence[str] | None = None,
    ) -> Any:
        from pactgraph.errors import UpdateRefusedError
        from pactgraph.rdf.limits import current_query_policy
        from pactgraph.rdf.namespaces import PREFIXES
        from pactgraph.query.querying import bind_params, check_query, update_keyword
        from pactgraph.stores import sparql_text

        keyword = update_keyword(text)
        if keyword:
            raise UpdateRefusedError(
                f"{source}: SPARQL UPDATE ({keyword}) is refused: "
                "pactgraph query runs read-only SELECT, ASK, CONSTRUCT and DESCRIBE queries"
            )
        policy = current_query_policy()
        check_query(text, source, policy.allow_service)  # the server would follow a SERVICE too
        bound = bind_params(text, params)
        # The project prefixes on one line of their own, so server messages are off by one line only.
        prologue = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"
        full = prologue + text
        if bound:
            full = sparql_text.bind_inside(full, bound)
            sparql_text.check_parses(full, source)
        graphs = default_graph
        if graphs is not None and not list(graphs):
            raise StoreError(
                f"{source}: no graph is left to query (the graph selection is empty), so there is nothing to "
                f"ask {self.url}"
            )
        if graphs is None and not self.union_default_graph:
            graphs = self.graphs()
            if not graphs:
                raise StoreError(
                    f"{source}: {self.url} lists no named graphs, and endpoint.union_default_graph is false: "
                    "the graphs to query cannot be named"
                )
        form = sparql_text.query_form(full)
        if form == "DESCRIBE":
            return self._describe(full, prologue, graphs, source)
        accept = RDF_ACCEPT if form == "CONSTRUCT" else RESULTS_ACCEPT
        return self._answer(full, accept, graphs, source, policy.max_results)

    def _answer(self, full: str, accept: str, graphs: Sequence[str] | None, source: str, limit: int | None) -> Any:
        import pyoxigraph as ox

        from pactgraph.query.querying import ASK, GRAPH, SELECT, QueryResult, bounded

        try:
            content_type, body = self._post_query(full, accept, graphs, f"{source}: the SPARQL endpoint")
        except StoreError as err:
            raise _query_error(err, source) from None
        expected = "RDF" if accept == RDF_ACCEPT else "SPARQL results"
        try:
            if content_type in RESULTS_TYPES and expected != "RDF":
                fmt = getattr(ox.QueryResultsFormat, RESULTS_TYPES[content_type])
                parsed = ox.parse_query_results(body, fmt)
                if isinstance(parsed, ox.QueryBoolean):
                    return QueryResult(kind=ASK, boolean=bool(parsed))
                variables = [v.value for v in parsed.variables]
                encoded = parsed.serialize(format=ox.QueryResultsFormat.JSON)
                encoded = encoded or b""
                solutions = ox.parse_query_results(encoded, ox.QueryResultsFormat.JSON)
                assert isinstance(solutions, ox.QuerySolutions)
                rows = [tuple(solution[v] for v in variables) for solution in bounded(solutions, limit, source, "rows")]
                return QueryResult(kind=SELECT, variables=variables, rows=rows, _json=encoded)
            if content_type in RDF_TYPES and expected == "RDF":
                fmt = getattr(ox.RdfFormat, RDF_TYPES[content_type])
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(input=body, format=fmt)]
                return QueryResult(kind=GRAPH, triples=bounded(triples, limit, source, "triples"))
        except (SyntaxError, ValueError, OSError) as err:
            raise StoreError(f"{source}: the SPARQL endpoint {self.url} sent an unreadable answer: {err}") from None
        raise StoreError(
            f"{source}: the SPARQL endpoint {self.url} answered with unexpected content type "
            f"{content_type or '(none)'} (expected {expected})"
        )

    def _describe(self, full: str, prologue: str, graphs: Sequence[str] | None, source: str) -> Any:
        """DESCRIBE as the embedded store answers it: the concise bounded description of each resource."""
        import pyoxigraph as ox

        from pactgraph.rdf.limits import current_query_policy
        from pactgraph.query.querying import GRAPH, QueryResult, bounded
        from pactgraph.stores import sparql_text

        limit = current_query_policy().max_results
        asked = sparql_text.describe_targets(full)
        resources: dict[Any, None] = {}
        if asked.resources:
            listed = " ".join(asked.resources)
            local = ox.Store().query(f"{asked.prologue}SELECT ?r WHERE {{ VALUES ?r {{ {listed} }} }}")
            assert isinstance(local, ox.QuerySolutions)
            resources.update((solution["r"], None) for solution in local)
        if asked.select is not None:
            found = self._answer(asked.select, RESULTS_ACCEPT, graphs, source, None)
            for row in found.rows:
                for term in row:
                    if isinstance(term, ox.BlankNode):
                        raise StoreError(
                            f"{source}: DESCRIBE of a blank node cannot be asked of {self.url} "
                            "(a blank node has no name to ask for); describe the IRIs instead"
                        )
                    if term is not None:
                        resources[term] = None
        if not resources:
            return QueryResult(kind=GRAPH, triples=[])
        targets = list(resources)
        depth = _DESCRIBE_DEPTH
        while True:
            construct = sparql_text.describe_construct(prologue, [sparql_term(t) for t in targets], depth)
            answer = self._answer(construct, RDF_ACCEPT, graphs, source, None)
            triples, complete = sparql_text.bounded_description(answer.triples, targets, depth)
            if complete:
                return QueryResult(kind=GRAPH, triples=bounded(triples, limit, source, "triples"))
            if depth >= _DESCRIBE_MAX_DEPTH:
                raise StoreError(
                    f"{source}: DESCRIBE reaches blank nodes more than {_DESCRIBE_MAX_DEPTH} steps away; "
                    "the description cannot be fetched whole from the endpoint (use a CONSTRUCT query)"
                )
            depth *= 2

    def graphs(self) -> list[str]:
        """The named graphs that hold triples (`GRAPH ?g { ?s ?p ?o }`: Virtuoso lists none for `GRAPH ?g { }`)."""
        import pyoxigraph as ox

        content_type, body = self._post_query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            RESULTS_ACCEPT,
            None,
            "the SPARQL endpoint (listing its graphs)",
        )
        if content_type not in RESULTS_TYPES:
            raise StoreError(
                f"the SPARQL endpoint {self.url} answered the graph listing with content type "
                f"{content_type or '(none)'}; the graphs cannot be listed"
            )
        try:
            parsed = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, RESULTS_TYPES[content_type]))
            if isinstance(parsed, ox.QueryBoolean):
                raise ValueError("a boolean instead of solutions")
            return sorted(
                s["g"].value
                for s in parsed
                if isinstance(s["g"], ox.NamedNode) and not s["g"].value.startswith(STAGING_PREFIX)
            )
        except (SyntaxError, ValueError, TypeError, OSError) as err:
            raise StoreError(f"the SPARQL endpoint {self.url} sent an unreadable graph list: {err}") from None

    # ------------------------------------------------------------ load

    def _method(self) -> tuple[str, str | None, str]:
        """(method, graph store URL or None, update URL)."""
        update = self.update_url
        if update is None:
            path = urlsplit(self.url).path
            update = self.url[: self.url.rindex("/query")] + "/update" if path.endswith("/query") else self.url
        if self.load_method == "graph-store" or (self.load_method == "auto" and self.graph_store_url):
            if not self.graph_store_url:
                raise StoreError("load_method graph-store needs a graph store URL (--graph-store or graph_store_url)")
            return "graph-store", self.graph_store_url, update
        return "update", None, update

    def load(self, files: Sequence[Path]) -> LoadSummary:
        """Send the files, each to its named graph, all or nothing (see pactgraph.stores.remote_load)."""
        from pactgraph.stores.remote_load import load_all

        return load_all(self, files)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


_SERVER_POSITION = re.compile(r"HTTP 400 [^:]*: (?:Parser error )?error at (\d+):(\d+): (.*)$", re.S)


def _query_error(err: StoreError, source: str) -> Exception:
    """A 400 answer with an Oxigraph-style `error at LINE:COL` becomes `SOURCE:LINE:COL: SPARQL syntax error`."""
    from pactgraph.errors import QueryError

    match = _SERVER_POSITION.search(str(err))
    if not match:
        return err
    line, col, message = int(match.group(1)) - 1, match.group(2), match.group(3)
    if line < 1:
        return err
    return QueryError(f"{source}:{line}:{col}: SPARQL syntax error (from the endpoint): {message}")


