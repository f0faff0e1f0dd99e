"""`pactgraph serve`: content negotiation over real HTTP, a crawl of every internal link,
requests that try to leave the site, and the .htaccess read back as rules.

Every server is a subprocess bound to 127.0.0.1 on a free port (--port 0) and is
always stopped.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pyoxigraph as ox
import pytest

from pactgraph.publishing import conneg

BROWSER_ACCEPT = {
    "chromium": (
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
        "application/signed-exchange;v=b3;q=0.7"
    ),
    "firefox": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}
RDF_TYPES = {
    "text/turtle": ("ttl", ox.RdfFormat.TURTLE),
    "application/ld+json": ("jsonld", ox.RdfFormat.JSON_LD),
    "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES),
    "application/rdf+xml": ("rdf", ox.RdfFormat.RDF_XML),
}
BASE = "https://w3id.org/pactgraph/"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pactgraph", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Run `pactgraph serve folder --port 0` and yield its URL; always stop it."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pactgraph",
            "serve",
            str(folder),
            "--port",
            "0",
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else ""
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert match, f"server did not start: {line!r} {proc.poll()}"
        yield match.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def get(
    url: str,
    accept: str | None = None,
    method: str = "GET",
    raw_path: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request, no redirects followed."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        headers = {"Accept": accept} if accept is not None else {}
        connection.request(
            method,
            raw_path if raw_path is not None else (parts.path or "/"),
            headers=headers,
        )
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site.path


@pytest.fixture(scope="module")
def server(site) -> Iterator[str]:
    with serving(site) as url:
        yield url


# ---------------------------------------------------------------- negotiation

SAMPLE = [
    "id/turkey",
    "id/claim-reference-news-2026-01-12-08",
    "id/report-bloomberg-2026-01-09",
    "vocab/certainty-probable",
    "vocab/certainty",
    "ontology",
    "ontology/0.1.0",
    "shapes",
    "void",
]


@pytest.mark.parametrize("iri_path", SAMPLE)
def test_each_media_type_gets_a_303_to_a_file_that_parses(server, iri_path):
    for media_type, (ext, fmt) in RDF_TYPES.items():
        status, headers, _ = get(server + iri_path, accept=media_type)
        assert status == 303, (iri_path, media_type)
        assert "accept" in headers.get("vary", "").lower()
        location = headers["location"]
        stem = iri_path if not iri_path.startswith("ontology/") else "ontology"
        assert location == f"/{stem}.{ext}"
        status, headers, body = get(urljoin(server, location), accept=media_type)
        assert status == 200
        assert headers["content-type"].split(";")[0] == media_type
        if fmt == ox.RdfFormat.JSON_LD:  # the context is referenced: read it from the site
            document = json.loads(body)
            context = json.loads(get(urljoin(server, "/context.jsonld"))[2])
            assert document["@context"] == context["@id"]
            document["@context"] = context["@context"]
            body = json.dumps(document).encode("utf-8")
        quads = list(ox.parse(body, format=fmt, base_iri=urljoin(server, location)))
        assert quads, (iri_path, media_type)
        if iri_path.startswith(("id/", "vocab/")):
            assert any(q.subject == ox.NamedNode(BASE + iri_path) for q in quads)


@pytest.mark.parametrize("browser", sorted(BROWSER_ACCEPT))
def test_a_browser_gets_html(server, browser):
    for iri_path in SAMPLE:
        status, headers, _ = get(server + iri_path, accept=BROWSER_ACCEPT[browser])
        assert status == 303
        assert headers["location"].endswith(".html")
        status, headers, body = get(urljoin(server, headers["location"]))
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        assert body.startswith(b"<!DOCTYPE html>")


def test_other_accept_headers(server):
    cases = {
        None: "html",
        "*/*": "html",
        "text/turtle;q=0, application/ld+json": "jsonld",
        "application/rdf+xml, text/html;q=0.5": "rdf",
        "TEXT/TURTLE": "ttl",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"': "jsonld",
    }
    for accept, ext in cases.items():
        status, headers, _ = get(server + "id/turkey", accept=accept)
        assert (status, headers["location"]) == (303, f"/id/turkey.{ext}"), accept


def test_files_are_served_with_their_media_types(server):
    for path, media_type in {
        "": "text/html; charset=utf-8",
        "dumps/pactgraph.trig": "application/trig",
        "dumps/pactgraph.nq": "application/n-quads",
        ".well-known/void": "text/turtle; charset=utf-8",
        "style.css": "text/css; charset=utf-8",
        "texts/reports/reference-news-2026-01-12/article.txt": "text/plain; charset=utf-8",
    }.items():
        status, headers, body = get(server + path)
        assert status == 200, path
        assert headers["content-type"] == media_type, path
        assert headers["x-content-type-options"] == "nosniff"
    status, headers, body = get(server + ".well-known/void", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000


def test_unknown_and_escaping_requests_are_404(server, site, tmp_path):
    for raw in (
        "/id/nope",
        "/nothing",
        "/id/turkey/extra",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/id/..%2f..%2f..%2fetc%2fpasswd",
        "/id/%2e%2e/%2e%2e/index.html",
        "/.htaccess",
        "/server/../.htaccess",
        "//etc/passwd",
        "/%00",
        "/%ff",
    ):
        status, _, body = get(server, raw_path=raw)
        assert status == 404, raw
        assert b"root:" not in body
    # a symbolic link inside the site that points outside it is not followed
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    os.symlink(secret, copy / "leak.txt")
    os.symlink(tmp_path, copy / "id" / "outside")
    with serving(copy) as url:
        for raw in ("/leak.txt", "/id/outside/secret.txt"):
            status, _, body = get(url, raw_path=raw)
            assert status == 404 and b"secret" not in body, raw
        assert get(url + "id/turkey.html")[0] == 200


# ---------------------------------------------------------------- the crawl


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def test_every_internal_link_resolves_and_every_page_is_reachable_from_the_index(server, site):
    pages: dict[str, _Page] = {}
    statuses: dict[str, int] = {}
    fragments: list[tuple[str, str, str]] = []
    queue = [server]
    while queue:
        url = queue.pop()
        if url in statuses:
            continue
        status, headers, body = get(url)
        hops = 0
        while status in (301, 303) and hops < 3:
            status, headers, body = get(urljoin(url, headers["location"]))
            hops += 1
        statuses[url] = status
        if status != 200 or not headers.get("content-type", "").startswith("text/html"):
            continue
        page = _Page()
        page.feed(body.decode("utf-8"))
        pages[url] = page
        for link in page.links:
            if link.startswith(("data:", "mailto:")):
                continue
            target = urljoin(url, link)
            if not target.startswith(server):
                assert urlsplit(target).scheme in ("http", "https"), (
                    url,
                    link,
                )  # external links only to the web
                continue
            bare, fragment = urldefrag(target)
            if fragment:
                fragments.append((url, bare, fragment))
            if bare not in statuses:
                queue.append(bare)
    broken = sorted(u for u, s in statuses.items() if s != 200)
    assert broken == []
    for source, target, fragment in fragments:
        assert fragment in pages[target].ids, (source, target, fragment)
    html_files = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    reached = {urlsplit(u).path.lstrip("/") or "index.html" for u in pages}
    assert html_files <= reached
    assert len(statuses) > 1000  # pages, RDF files, dumps, texts


# ---------------------------------------------------------------- one rules table
# (Apache and nginx themselves are run in test_publish_servers.py)


def test_the_htaccess_and_nginx_snippet_use_the_rules_table(site):
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    assert htaccess.splitlines()[0] == conneg.HTACCESS_MARKER
    text = (site / "server/nginx.conf").read_text(encoding="utf-8")
    for rule in conneg.RULES:
        assert f"RewriteCond %{{HTTP_ACCEPT}} {rule.accept} [NC]" in htaccess
        assert f'if ($http_accept ~* "{rule.accept}") {{ set $pactgraph_ext {rule.extension}; }}' in text
    for route in conneg.ROUTES:
        assert f'location ~ "^/pactgraph/{route.pattern}$"' in text
        assert f"RewriteRule ^{route.pattern}$ " in htaccess
    assert "MultiViews" not in htaccess and "DirectoryIndex" not in htaccess  # need other AllowOverride


# ---------------------------------------------------------------- errors


def test_serve_reports_bad_folders_and_busy_ports_in_one_line(tmp_path, site):
    done = run("serve", str(tmp_path / "absent"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no such folder" in done.stderr
    done = run("serve", str(tmp_path))
    assert done.returncode == 2 and "not a published site" in done.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = run("serve", str(site), "--port", str(port))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "cannot listen" in done.stderr
    assert "Traceback" not in done.stderr
