"""A local preview server for a published site (`pactgraph serve`).

It answers with the rules of pactgraph.publishing.conneg, the same table the
generated .htaccess and nginx snippet come from: files as they are, 303 See
Other from a resource IRI to its negotiated representation, 404 otherwise. A
request can never reach a file outside the site folder: paths with `..`, `.`,
empty or `.ht*` segments are refused, and every file is resolved (symlinks
included) and checked to lie inside the folder before it is read. A connection
that stays silent for SiteHandler.timeout seconds is closed; at most
pactgraph.serving.http_server.MAX_CONNECTIONS are served at once (more wait for the listening socket).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pactgraph.errors import InputError
from pactgraph.serving.http_server import BoundedThreadingServer
from pactgraph.publishing import conneg


class SiteHandler(BaseHTTPRequestHandler):
    """Serves one site folder with the negotiation rules."""

    server_version = "pactgraph-serve"
    protocol_version = "HTTP/1.0"
    #: Seconds a connection may stay silent (while sending its request, or not reading the
    #: answer) before it is closed, so slow or stalled clients cannot hold threads forever.
    timeout = 30

    def __init__(self, *args, root: Path, quiet: bool, not_found: bytes | None = None, **kwargs):
        self.root = root
        self.quiet = quiet
        self.not_found = not_found
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------ HTTP verbs

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def do_OPTIONS(self) -> None:  # noqa: N802
        """A CORS preflight, on any path: 204 with what a cross-origin client may send (pactgraph.serving.cors)."""
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, OPTIONS")
        self._common_headers()
        self.end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    # ------------------------------------------------------------ answers

    def _site_path(self) -> str | None:
        """The request path relative to the site folder, or None when it is not acceptable."""
        raw = urlsplit(self.path).path
        if not raw.startswith("/"):
            return None
        try:
            path = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        if "\x00" in path or "\\" in path:
            return None
        path = path[1:]
        if path == "":
            return ""
        parts = path.split("/")
        body = parts[:-1] if parts[-1] == "" else parts
        for part in body:
            if part in ("", ".", "..") or part.startswith(".ht"):
                return None
        return path

    def _file(self, rel: str) -> Path | None:
        """The file for site path `rel`, if it is a regular file inside the site folder."""
        if rel == "" or rel.endswith("/"):
            return None
        candidate = (self.root / rel).resolve()
        try:
            candidate.relative_to(self.root)
        except ValueError:
            return None
        return candidate if candidate.is_file() else None

    def _answer(self, send_body: bool) -> None:
        path = self._site_path()
        if path is None:
            self._not_found(send_body)
            return
        if path == "" or path.endswith("/"):
            index = self._file(path + "index.html")
            if index is None:
                self._not_found(send_body)
            else:
                self._send_file(index, conneg.media_type("index.html"), send_body)
            return
        folder = (self.root / path).resolve()
        if folder.is_dir() and (folder == self.root or self.root in folder.parents):
            self._redirect(HTTPStatus.MOVED_PERMANENTLY, path + "/", send_body, vary=False)
            return
        answer = conneg.negotiate(path, self.headers.get("Accept", ""), lambda p: self._file(p) is not None)
        if answer.status == 200:
            self._send_file(self._file(answer.path), answer.media_type, send_body)  # type: ignore[arg-type]
        elif answer.status == 303:
            self._redirect(HTTPStatus.SEE_OTHER, answer.path, send_body, vary=answer.vary_accept)
        else:
            self._not_found(send_body, vary=answer.vary_accept)

    def _common_headers(self) -> None:
        for name, value in conneg.COMMON_HEADERS.items():
            self.send_header(name, value)

    def _send_file(self, file: Path, media_type: str, send_body: bool) -> None:
        try:
            data = file.read_bytes()
        except OSError:
            self._not_found(send_body)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self._common_headers()
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _redirect(self, status: HTTPStatus, target: str, send_body: bool, vary: bool) -> None:
        body = f"See /{target}\n".encode()
        self.send_response(status)
        self.send_header("Location", "/" + target)
        if vary:
            self.send_header("Vary", "Accept")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._common_headers()
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _not_found(self, send_body: bool, vary: bool = False) -> None:
        """404 with the site's own 404 page (plain text when the site has none)."""
        body = self.not_found if self.not_found is not None else b"Not found.\n"
        kind = conneg.media_type(conneg.NOT_FOUND_PAGE if self.not_found is not None else "x.txt")
        self.send_response(HTTPStatus.NOT_FOUND)
        if vary:
            self.send_header("Vary", "Accept")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self._common_headers()
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _not_found_page(root: Path) -> bytes | None:
    """The site's 404 page with its links re-rooted at `/`, where this server puts the site
    (the page's own links start from the URL-path of --base-url, for Apache and nginx)."""
    try:
        page = (root / conneg.NOT_FOUND_PAGE).read_bytes()
    except OSError:
        return None
    found = re.search(rb'<link rel="stylesheet" href="(/[^"]*)style\.css">', page)
    if found is None or found.group(1) == b"/":
        return page
    return page.replace(b'="' + found.group(1), b'="/')


def make_server(
    outdir: str | Path, port: int = 8000, bind: str = "127.0.0.1", quiet: bool = False
) -> ThreadingHTTPServer:
    """A server for the site at `outdir` (not started); InputError for a bad folder or address."""
    root = Path(outdir)
    if not root.is_dir():
        raise InputError(f"{outdir}: no such folder; publish a site there first (pactgraph publish {outdir})")
    if not (root / "index.html").is_file():
        raise InputError(
            f"{outdir}: not a published site (no index.html); run `pactgraph publish {outdir}` first"
        )
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port}: must be between 0 and 65535")
    handler = partial(SiteHandler, root=root.resolve(), quiet=quiet, not_found=_not_found_page(root))
    try:
        server = BoundedThreadingServer((bind, port), handler)
    except OSError as err:
        raise InputError(f"cannot listen on {bind}:{port}: {err.strerror or err}") from None
    server.daemon_threads = True
    return server


def serve(
    outdir: str | Path,
    port: int = 8000,
    bind: str = "127.0.0.1",
    quiet: bool = False,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve the site until interrupted; `announce` receives the URL once listening."""
    server = make_server(outdir, port, bind, quiet)
    host, actual_port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else str(host)
    shown = f"[{host}]" if ":" in host else host
    if announce is not None:
        announce(f"http://{shown}:{actual_port}/")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
