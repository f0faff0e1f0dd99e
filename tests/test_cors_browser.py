"""Cross-origin reads in a real browser: a page of another origin fetches a resource of the
published site and asks the SPARQL endpoint, each with an RDF client's ~300-byte `Accept`
header (not CORS-safelisted, so Chromium sends a preflight first), and gets the RDF."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import start_endpoint_process, stop_process
from test_cors import LONG_ACCEPT
from test_publish_serve import serving

TURKEY = "https://w3id.org/pactgraph/id/turkey"

FETCH = """async ([url, accept, init]) => {
  const answer = await fetch(url, {...init, headers: {...(init.headers || {}), Accept: accept}});
  return [answer.status, answer.headers.get('content-type'), await answer.text()];
}"""


@pytest.fixture(scope="module")
def other_origin(tmp_path_factory):
    """A page served from another port: another origin than the site and the endpoint."""
    folder = tmp_path_factory.mktemp("client")
    (folder / "client.html").write_text("<!DOCTYPE html><title>client</title><link rel=icon href=data:,><p>client", encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/client.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def test_a_page_of_another_origin_reads_a_resource_with_a_long_accept_header(browser, shipped_site, other_origin):
    with serving(shipped_site.path) as site:
        assert browser.load(other_origin) == []
        assert browser.evaluate("location.origin") != site.rstrip("/")
        status, media_type, body = browser.page.evaluate(FETCH, [site + "id/turkey", LONG_ACCEPT, {}])
    assert status == 200, body[:300]
    assert media_type.startswith("text/turtle"), media_type
    triples = list(ox.parse(body.encode("utf-8"), ox.RdfFormat.TURTLE, base_iri=TURKEY))
    assert any(t.subject == ox.NamedNode(TURKEY) for t in triples)


def test_a_page_of_another_origin_asks_the_endpoint(browser, other_origin):
    process, url = start_endpoint_process()
    try:
        assert url.startswith("http://127.0.0.1:"), url
        assert browser.load(other_origin) == []
        query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { <%s> rdfs:label ?label FILTER(LANG(?label) = 'en') }" % TURKEY
        accept = "application/sparql-results+json, " + LONG_ACCEPT
        for init in (
            {"method": "POST", "headers": {"Content-Type": "application/sparql-query"}, "body": query},
            {"method": "GET"},
        ):
            target = url if init["method"] == "POST" else url + "?query=" + quote(query)
            status, media_type, body = browser.page.evaluate(FETCH, [target, accept, init])
            assert status == 200, (init["method"], body[:300])
            assert media_type.startswith("application/sparql-results+json"), media_type
            labels = [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]]
            assert labels == ["Turkey"], labels
    finally:
        stop_process(process)
