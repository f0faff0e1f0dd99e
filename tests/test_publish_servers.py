"""The published site behind Debian's Apache httpd (with its own .htaccess, under the
`AllowOverride FileInfo Options` the README documents) and nginx (with the generated
server/nginx.conf), compared with `pactgraph serve` over a table of Accept headers.

Each server runs as a foreground process on a free 127.0.0.1 port with a configuration
written to a temporary folder, and is always stopped. The site is served under
/pactgraph/, the path of the default --base-url, so the redirects also check that the
.htaccess finds its own URL-path.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_publish_serve import BROWSER_ACCEPT, get, serving

from pactgraph.publishing import conneg

APACHE = "/usr/sbin/apache2"
NGINX = "/usr/sbin/nginx"
APACHE_MODULES = "/usr/lib/apache2/modules"
INSTALL = "install Debian's web servers: make system (as root; or apt-get install -y apache2 nginx)"
PREFIX = "/pactgraph/"

#: Accept header -> the representation, checked by hand against RFC 9110 section 12.5.1
#: and the rules in pactgraph.publishing.conneg (ties go to the earlier representation:
#: Turtle, JSON-LD, N-Triples, RDF/XML, HTML).
ACCEPT_TABLE: list[tuple[str | None, str]] = [
    (None, "html"),
    ("*/*", "html"),
    (BROWSER_ACCEPT["chromium"], "html"),
    (BROWSER_ACCEPT["firefox"], "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("TEXT/TURTLE", "ttl"),
    ("application/ld+json, text/turtle;q=0.5", "jsonld"),
    ("text/turtle;q=0.5, application/ld+json", "jsonld"),
    ("text/turtle;q=0, application/ld+json", "jsonld"),
    ("application/rdf+xml, text/html;q=0.5", "rdf"),
    ("text/html;q=0.9, text/turtle", "ttl"),
    ("text/html, text/turtle;q=0.9", "html"),
    ("application/n-triples;q=0.9, application/ld+json;q=0.8, text/turtle;q=0.7", "nt"),
    (
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted";q=0.9, text/html;q=0.8',
        "jsonld",
    ),
    ("text/turtle ; q=0.3 , application/rdf+xml ; q=0.4", "rdf"),
    ("text/turtle;q=0.0", "html"),
    ("text/turtle;q=0.05", "ttl"),
    ("text/turtle;q=1.0, application/ld+json;q=1", "ttl"),
    ("application/xhtml+xml;q=0.9, application/rdf+xml;q=0.8", "html"),
    ("application/json, text/plain", "html"),
    ("text/turtles, application/ld+jsonx", "html"),
]

PATHS = [
    "id/turkey",
    "id/claim-reference-news-2026-01-12-08",
    "vocab/certainty-probable",
    "ontology",
    "ontology/0.1.0",
    "shapes/rules",
    "void",
    "id/nope",
    "nothing",
    "id/turkey.ttl",
    "dumps/pactgraph.nq",
    ".htaccess",
    "server/../.htaccess",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text(errors='replace') if log.exists() else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("server did not start listening")


@contextmanager
def running(command: list[str], port: int, log: Path) -> Iterator[str]:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        assert proc.stderr is not None
        proc.stderr.close()


@pytest.fixture(scope="module")
def docroot(tmp_path_factory) -> Iterator[Path]:
    """A world-readable folder holding the published site at pactgraph/ (the workers of a
    server started as root run as nobody)."""
    for binary in (APACHE, NGINX):
        if not Path(binary).exists():
            pytest.fail(f"{binary} not found: {INSTALL}", pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="pactgraph-docroot-"))
    try:
        os.chmod(root, 0o755)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pactgraph",
                "publish",
                str(root / "pactgraph"),
                "--quiet",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        for dirpath, _, _ in os.walk(root):
            os.chmod(dirpath, 0o755)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _as_root() -> bool:
    return os.geteuid() == 0


@pytest.fixture(scope="module")
def apache(docroot, tmp_path_factory) -> Iterator[str]:
    conf_dir = Path(tempfile.mkdtemp(prefix="pactgraph-apache-"))
    port = free_port()
    modules = ["mpm_event", "authz_core", "mime", "rewrite", "headers", "dir"]
    user = "User nobody\nGroup nogroup\n" if _as_root() else ""
    conf = conf_dir / "httpd.conf"
    conf.write_text(
        f'ServerRoot "{conf_dir}"\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\n'
        + "".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so\n" for m in modules)
        + user
        + f'PidFile "{conf_dir}/httpd.pid"\nErrorLog "{conf_dir}/error.log"\nLogLevel warn\n'
        + f"Mutex file:{conf_dir} default\nTypesConfig /etc/mime.types\n"
        + f'DocumentRoot "{docroot}"\n'
        + "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n"
        # as the README documents it
        + f'<Directory "{docroot}">\n    Options FollowSymLinks\n    AllowOverride FileInfo Options\n'
        + "    Require all granted\n</Directory>\n"
        + '<FilesMatch "^\\.ht">\n    Require all denied\n</FilesMatch>\n',
        encoding="utf-8",
    )
    try:
        check = subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        with running([APACHE, "-f", str(conf), "-DFOREGROUND"], port, conf_dir / "error.log") as url:
            yield url
        errors = (conf_dir / "error.log").read_text(errors="replace")
        assert "not allowed here" not in errors and "Invalid command" not in errors, errors
    finally:
        shutil.rmtree(conf_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def nginx(docroot) -> Iterator[str]:
    conf_dir = Path(tempfile.mkdtemp(prefix="pactgraph-nginx-"))
    port = free_port()
    snippet = (docroot / "pactgraph/server/nginx.conf").read_text(encoding="utf-8")
    temp_paths = "".join(
        f"    {name}_temp_path {conf_dir}/{name};\n"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user nobody nogroup;\n" if _as_root() else ""
    conf = conf_dir / "nginx.conf"
    conf.write_text(
        user
        + f"daemon off;\nworker_processes 1;\npid {conf_dir}/nginx.pid;\nerror_log {conf_dir}/error.log warn;\n"
        + "events { worker_connections 64; }\nhttp {\n"
        + f"    access_log off;\n{temp_paths}"
        + f"    server {{\n        listen 127.0.0.1:{port};\n        root {docroot};\n"
        + "        absolute_redirect off;\n"
        + "\n".join("        " + line for line in snippet.splitlines())
        + "\n    }\n}\n",
        encoding="utf-8",
    )
    try:
        check = subprocess.run(
            [NGINX, "-t", "-c", str(conf), "-p", str(conf_dir)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stderr
        with running([NGINX, "-c", str(conf), "-p", str(conf_dir)], port, conf_dir / "error.log") as url:
            yield url
    finally:
        shutil.rmtree(conf_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def preview(docroot) -> Iterator[str]:
    with serving(docroot / "pactgraph") as url:
        yield url.rstrip("/")


def answer(base: str, prefix: str, path: str, accept: str | None) -> tuple[int, str, dict[str, str]]:
    status, headers, _ = get(base + prefix + path, accept=accept, raw_path=prefix + path)
    location = urlsplit(headers.get("location", "")).path
    location = location.removeprefix(prefix)
    return status, location if status in (301, 303) else "", headers


def test_the_table_of_accept_headers_is_what_the_rules_give():
    for accept, ext in ACCEPT_TABLE:
        assert conneg.choose(accept or "") == ext, accept


def test_apache_nginx_and_serve_answer_alike(apache, nginx, preview):
    for path in PATHS:
        for accept, ext in ACCEPT_TABLE:
            expected = conneg.negotiate(path, accept or "", _exists)
            served = answer(preview, "/", path, accept)
            got = {
                "apache": answer(apache, PREFIX, path, accept),
                "nginx": answer(nginx, PREFIX, path, accept),
            }
            want = (expected.status, expected.path if expected.status == 303 else "")
            assert served[:2] == want, ("serve", path, accept)
            for name, result in got.items():
                if name == "apache" and ".ht" in path and result[0] == 403:
                    result = (
                        404,
                        "",
                        result[2],
                    )  # Debian's apache2.conf denies .ht* before rewriting
                assert result[:2] == want, (name, path, accept, result[:2])
                if result[0] == 303:
                    assert "accept" in result[2].get("vary", "").lower(), (name, path)
            if path == "id/turkey":
                assert want == (303, f"id/turkey.{ext}"), accept


_SITE: dict[str, Path] = {}


def _exists(path: str) -> bool:
    parts = path.split("/")
    return (_SITE["root"] / path).is_file() and ".." not in parts and not parts[-1].startswith(".ht")


@pytest.fixture(autouse=True, scope="module")
def _remember(docroot):
    _SITE["root"] = docroot / "pactgraph"


def test_files_headers_and_cors(apache, nginx, preview):
    for base, prefix in ((apache, PREFIX), (nginx, PREFIX), (preview, "/")):
        for path, media_type in {
            "": "text/html; charset=utf-8",
            "id/turkey.ttl": "text/turtle; charset=utf-8",
            "id/turkey.jsonld": "application/ld+json",
            "id/turkey.nt": "application/n-triples",
            "id/turkey.rdf": "application/rdf+xml",
            "context.jsonld": "application/ld+json",
            "dumps/pactgraph.trig": "application/trig",
            "dumps/pactgraph.nq": "application/n-quads",
            ".well-known/void": "text/turtle; charset=utf-8",
            "style.css": "text/css; charset=utf-8",
            "site.js": "text/javascript; charset=utf-8",
            "timeline.svg": "image/svg+xml",
            "vendor/oxigraph/web_bg.wasm": "application/wasm",
            "texts/reports/reference-news-2026-01-12/article.txt": "text/plain; charset=utf-8",
        }.items():
            status, headers, _ = get(base + prefix + path, raw_path=prefix + path)
            assert status == 200, (base, path)
            assert headers["content-type"].replace(" ", "").lower() == media_type.replace(" ", "").lower(), (
                base,
                path,
                headers["content-type"],
            )
            assert headers.get("access-control-allow-origin") == "*", (base, path)
            assert headers.get("x-content-type-options") == "nosniff", (base, path)
        status, headers, _ = get(
            base + prefix + "id/turkey",
            accept="text/turtle",
            raw_path=prefix + "id/turkey",
        )
        assert status == 303 and headers.get("access-control-allow-origin") == "*", base
