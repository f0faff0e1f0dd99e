"""Any SPARQL 1.1 endpoint: queries over the SPARQL Protocol, loads over the Graph Store Protocol or SPARQL Update.

Credentials come from the environment only: PACTGRAPH_ENDPOINT_TOKEN (sent as a
Bearer token) or PACTGRAPH_ENDPOINT_USER and PACTGRAPH_ENDPOINT_PASSWORD (HTTP
Basic). A URL with credentials in it is refused. Every request has a timeout;
connection failures and HTTP errors become a one-line StoreError.

The default graph of a query is the union of all graphs when the server is set
up that way (`union_default_graph = true`, the default: `oxigraph serve
--union-default-graph`, which `pactgraph endpoint` uses; Fuseki with
`tdb2:unionDefaultGraph`; GraphDB and Virtuoso by default). Otherwise, or when a
query names its graphs (`default_graph`), the graphs are sent as
`default-graph-uri` parameters. Query parameters (`--param`) are sent as a
trailing VALUES clause, so a SELECT query must project them.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from pactgraph.errors import PactgraphError
from pactgraph.stores.base import LoadSummary, StoreError, graph_name

ENV_USER = "PACTGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "PACTGRAPH_ENDPOINT_PASSWORD"
ENV_TOKEN = "PACTGRAPH_ENDPOINT_TOKEN"
LOAD_METHODS = ("auto", "graph-store", "update")

_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8, application/n-triples;q=0.9, text/turtle;q=0.8"
)
_RESULTS_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/tab-separated-values": "TSV",
}
_RDF_TYPES = {
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",
    "text/turtle": "TURTLE",
    "application/n-quads": "N_QUADS",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
}


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


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def sparql_term(term: Any) -> str:
    """A pyoxigraph term written as SPARQL (N-Triples syntax is valid SPARQL)."""
    import pyoxigraph as ox

    if isinstance(term, ox.BlankNode):
        raise StoreError("cannot send a blank node as a query parameter")
    return str(term)


def with_values(text: str, bound: Mapping[str, Any]) -> str:
    """`text` with a trailing `VALUES (?a ?b) { (x y) }` clause binding the parameters."""
    if not bound:
        return text
    names = list(bound)
    variables = " ".join(f"?{n}" for n in names)
    values = " ".join(sparql_term(bound[n]) for n in names)
    return f"{text}\nVALUES ({variables}) {{ ({values}) }}\n"


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
        if self.timeout <= 0:
            raise StoreError("endpoint timeout must be more than 0 seconds")
        self.union_default_graph = bool(union_default_graph)
        self.warnings: list[str] = []
        env = os.environ if environ is None else environ
        self._auth = _auth_header(env)

    # ------------------------------------------------------------ HTTP

    def _request(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], *, purpose: str
    ) -> tuple[str, bytes]:
        import http.client
        import socket
        import urllib.error
        import urllib.request

        headers = dict(headers)
        headers.setdefault("User-Agent", "pactgraph")
        if self._auth:
            headers["Authorization"] = self._auth
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        handlers = []
        if _is_loopback(urlsplit(url).hostname):
            handlers.append(urllib.request.ProxyHandler({}))
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                content_type = response.headers.get("Content-Type", "")
                return content_type.split(";")[0].strip().lower(), response.read()
        except urllib.error.HTTPError as err:
            detail = _error_detail(err)
            hint = ""
            if err.code == 401:
                hint = (
                    f" (credentials come from {ENV_TOKEN}, or {ENV_USER} and {ENV_PASSWORD})"
                    if not self._auth
                    else " (check the credentials in the environment)"
                )
            raise StoreError(
                f"{purpose} {url}: HTTP {err.code} {err.reason}" + (f": {detail}" if detail else "") + hint
            ) from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise StoreError(f"{purpose} {url}: no answer within {self.timeout:g} s") from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise StoreError(f"cannot reach {url}: {text}") from None
        except (TimeoutError, socket.timeout):
            raise StoreError(f"{purpose} {url}: no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as err:
            raise StoreError(f"{purpose} {url}: {getattr(err, 'strerror', None) or err}") from None
        except http.client.IncompleteRead as err:
            raise StoreError(
                f"{purpose} {url}: the answer ended early, after {len(err.partial)} bytes (the server cut it: "
                "a time or size limit, e.g. pactgraph endpoint's --timeout or --max-result-size?)"
            ) from None
        except http.client.HTTPException as err:
            raise StoreError(f"{purpose} {url}: not a valid HTTP answer ({type(err).__name__}: {err})") from None
        except ValueError as err:  # e.g. http.client.InvalidURL
            raise StoreError(f"{purpose} {url}: {err}") from None

    # ------------------------------------------------------------ query

    def query(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        source: str = "<query>",
        default_graph: Sequence[str] | None = None,
    ) -> Any:
        import pyoxigraph as ox

        from pactgraph.errors import UpdateRefusedError
        from pactgraph.limits import current_query_policy
        from pactgraph.namespaces import PREFIXES
        from pactgraph.querying import ASK, GRAPH, SELECT, QueryResult, bind_params, bounded, check_query, update_keyword

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
        full = with_values(prologue + text, bound)
        fields: list[tuple[str, str]] = [("query", full)]
        graphs = default_graph
        if graphs is None and not self.union_default_graph:
            graphs = self.graphs()
        for graph in graphs or ():
            fields.append(("default-graph-uri", graph))
        try:
            content_type, body = self._request(
                "POST",
                self.url,
                urlencode(fields).encode("utf-8"),
                {"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT},
                purpose=f"{source}: the SPARQL endpoint",
            )
        except StoreError as err:
            raise _query_error(err, source) from None
        try:
            if content_type in _RESULTS_TYPES:
                fmt = getattr(ox.QueryResultsFormat, _RESULTS_TYPES[content_type])
                parsed = ox.parse_query_results(body, fmt)
                if isinstance(parsed, ox.QueryBoolean):
                    return QueryResult(kind=ASK, boolean=bool(parsed))
                variables = [v.value for v in parsed.variables]
                encoded = parsed.serialize(format=ox.QueryResultsFormat.JSON)
                solutions = ox.parse_query_results(encoded, ox.QueryResultsFormat.JSON)
                rows = [tuple(solution[v] for v in variables) for solution in bounded(solutions, policy.max_results, source, "rows")]  # type: ignore[arg-type]
                return QueryResult(kind=SELECT, variables=variables, rows=rows, _json=encoded or b"")
            if content_type in _RDF_TYPES:
                fmt = getattr(ox.RdfFormat, _RDF_TYPES[content_type])
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(input=body, format=fmt)]
                return QueryResult(kind=GRAPH, triples=bounded(triples, policy.max_results, source, "triples"))
        except (SyntaxError, ValueError, OSError) as err:
            raise StoreError(f"{source}: the SPARQL endpoint {self.url} sent an unreadable answer: {err}") from None
        raise StoreError(
            f"{source}: the SPARQL endpoint {self.url} answered with unexpected content type "
            f"{content_type or '(none)'}"
        )

    def graphs(self) -> list[str]:
        import pyoxigraph as ox

        content_type, body = self._request(
            "POST",
            self.url,
            urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"}).encode("utf-8"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
            purpose="the SPARQL endpoint",
        )
        try:
            parsed = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, _RESULTS_TYPES.get(content_type, "JSON")))
            return sorted(s["g"].value for s in parsed if isinstance(s["g"], ox.NamedNode))  # type: ignore[union-attr]
        except (SyntaxError, ValueError, TypeError) as err:
            raise StoreError(f"the SPARQL endpoint {self.url} sent an unreadable graph list: {err}") from None

    # ------------------------------------------------------------ load

    def _method(self) -> tuple[str, str]:
        if self.load_method == "graph-store" or (self.load_method == "auto" and self.graph_store_url):
            if not self.graph_store_url:
                raise StoreError("load_method graph-store needs a graph store URL (--graph-store or graph_store_url)")
            return "graph-store", self.graph_store_url
        if self.update_url:
            return "update", self.update_url
        path = urlsplit(self.url).path
        if path.endswith("/query"):
            return "update", self.url[: self.url.rindex("/query")] + "/update"
        return "update", self.url

    def load(self, files: Sequence[Path]) -> LoadSummary:
        """Send each file to its named graph, replacing the graph whole (GSP PUT, or DROP + INSERT DATA)."""
        import pyoxigraph as ox

        from pactgraph.loading import parse_file

        method, target = self._method()
        summary = LoadSummary(target=f"{self.url} ({method} {target})")
        start = time.perf_counter()
        for path in files:
            path = Path(path)
            graph = graph_name(path)
            quads = parse_file(path, nesting=False)
            triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            if method == "graph-store":
                sep = "&" if "?" in target else "?"
                url = f"{target}{sep}graph={quote(graph, safe='')}"
                self._request(
                    "PUT", url, data, {"Content-Type": "application/n-triples"}, purpose=f"{path}: the graph store"
                )
            else:
                update = (
                    f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n".encode("utf-8")
                    + data
                    + b"} }\n"
                )
                self._request(
                    "POST",
                    target,
                    update,
                    {"Content-Type": "application/sparql-update"},
                    purpose=f"{path}: the update endpoint",
                )
            summary.loaded.append(str(path))
            summary.triples += len(triples)
        summary.seconds = time.perf_counter() - start
        return summary

    def close(self) -> None:
        pass


_SERVER_POSITION = re.compile(r"HTTP 400 [^:]*: (?:Parser error )?error at (\d+):(\d+): (.*)$", re.S)


def _query_error(err: StoreError, source: str) -> PactgraphError:
    """A 400 answer with an Oxigraph-style `error at LINE:COL` becomes `SOURCE:LINE:COL: SPARQL syntax error`."""
    from pactgraph.errors import QueryError

    match = _SERVER_POSITION.search(str(err))
    if not match:
        return err
    line, col, message = int(match.group(1)) - 1, match.group(2), match.group(3)
    if line < 1:
        return err
    return QueryError(f"{source}:{line}:{col}: SPARQL syntax error (from the endpoint): {message}")


def _auth_header(env: Mapping[str, str]) -> str | None:
    token = env.get(ENV_TOKEN)
    if token:
        return f"Bearer {token}"
    user = env.get(ENV_USER)
    if user:
        password = env.get(ENV_PASSWORD, "")
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return None


def _error_detail(err: Any) -> str:
    try:
        raw = err.read(2000)
    except Exception:
        return ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    text = " ".join(text.split())
    return text[:300] + (" ..." if len(text) > 300 else "")
