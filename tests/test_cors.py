"""CORS preflights, at the HTTP level, against every server pactgraph ships or configures.

A browser sends an OPTIONS preflight before a cross-origin request with a header
outside the CORS safelist — the long `Accept` header of RDF clients, the
`Content-Type` of a SPARQL POST. `pactgraph serve`, Debian's Apache with the
generated .htaccess, nginx with the generated server/nginx.conf, and the guard of
`pactgraph endpoint` must each answer it with 2xx and the allowed methods and
headers, on negotiated paths too (a redirected preflight fails in the browser),
and then the request itself must carry Access-Control-Allow-Origin.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from test_publish_servers import PREFIX, _remember, apache, docroot, nginx, preview  # noqa: F401 - fixtures

from pactgraph.serving.server import Endpoint, start_endpoint
from pactgraph.stores.disk import DiskStore

ORIGIN = "https://client.example"
#: An RDF client's Accept header, about 300 bytes: not CORS-safelisted (over 128 bytes), so preflighted.
LONG_ACCEPT = ", ".join(
    [
        "text/turtle",
        "application/ld+json;q=0.95",
        "application/n-triples;q=0.9",
        "application/rdf+xml;q=0.85",
        "application/n-quads;q=0.8",
        "application/trig;q=0.75",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded";q=0.7',
        "text/n3;q=0.6",
        "application/xhtml+xml;q=0.3",
        "text/html;q=0.2",
        "*/*;q=0.1",
    ]
)
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "accept",
}


def check_preflight(url: str, request_headers: str = "accept", method: str = "GET") -> None:
    answer = httpx.request(
        "OPTIONS",
        url,
        headers={**PREFLIGHT, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": request_headers},
        follow_redirects=False,
    )
    assert answer.status_code == 204, (url, answer.status_code, answer.headers)
    assert answer.headers.get("access-control-allow-origin") == "*", url
    assert answer.headers.get("access-control-allow-methods") == "GET, HEAD, POST, OPTIONS", url
    assert answer.headers.get("access-control-allow-headers") == "Accept, Content-Type", url
    assert int(answer.headers.get("access-control-max-age", "0")) > 0, url


def test_the_long_accept_header_is_not_safelisted():
    """The Fetch standard safelists Accept only up to 128 bytes: this one makes the browser ask first."""
    assert 250 <= len(LONG_ACCEPT.encode()) <= 400


@pytest.mark.parametrize("server", ["preview", "apache", "nginx"])
def test_the_site_answers_preflights_and_then_the_data(server, request):
    base = request.getfixturevalue(server)
    prefix = "/" if server == "preview" else PREFIX
    for path in ("id/turkey", "id/turkey.ttl", "", "void", "id/nope"):
        check_preflight(base + prefix + path)
    negotiated = httpx.get(base + prefix + "id/turkey", headers={"Origin": ORIGIN, "Accept": LONG_ACCEPT})
    assert negotiated.status_code == 303 and negotiated.headers["access-control-allow-origin"] == "*"
    assert negotiated.headers["location"].endswith("id/turkey.ttl")
    data = httpx.get(base + prefix + "id/turkey.ttl", headers={"Origin": ORIGIN, "Accept": LONG_ACCEPT})
    assert data.status_code == 200 and data.headers["access-control-allow-origin"] == "*"
    import pyoxigraph as ox

    turkey = ox.NamedNode("https://w3id.org/pactgraph/id/turkey")
    assert any(t.subject == turkey for t in ox.parse(data.content, format=ox.RdfFormat.TURTLE))


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[Endpoint]:
    store = DiskStore(tmp_path_factory.mktemp("cors") / "db")
    store.sync(None)
    store.close()
    running = start_endpoint(store.database, log=None)
    try:
        yield running
    finally:
        running.stop()


def test_the_endpoint_answers_preflights_and_then_the_query(endpoint):
    check_preflight(endpoint.query_url, "accept, content-type", "POST")
    check_preflight(endpoint.query_url + "?query=ASK%20%7B%7D")
    answer = httpx.post(
        endpoint.query_url,
        content=b"ASK { <https://w3id.org/pactgraph/id/turkey> ?p ?o }",
        headers={"Origin": ORIGIN, "Accept": "application/sparql-results+json", "Content-Type": "application/sparql-query"},
    )
    assert answer.status_code == 200 and answer.json() == {"head": {}, "boolean": True}
    assert answer.headers["access-control-allow-origin"] == "*"
    refused = httpx.post(
        endpoint.query_url,
        content=b"SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        headers={"Origin": ORIGIN, "Content-Type": "application/sparql-query"},
    )
    assert refused.status_code == 403 and refused.headers["access-control-allow-origin"] == "*"
