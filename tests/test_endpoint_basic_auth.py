"""HTTP Basic against a real server: nginx with `auth_basic` in front of a writable `pactgraph endpoint`.

nginx runs in the foreground on a free loopback port with a configuration written
into a temporary folder, and is stopped after.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from pactgraph.stores.endpoint import EndpointStore
from pactgraph.serving.server import Endpoint, start_endpoint


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def guarded_writable(tmp_path) -> Iterator[Endpoint]:
    server = start_endpoint(tmp_path / "db", writable=True, log=None)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def nginx(tmp_path, guarded_writable) -> Iterator[str]:
    """The base URL of nginx asking for Basic credentials (loader / s3cret) before it passes a request on."""
    executable = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(executable), "nginx is not installed: run `make system` as root (Debian package nginx)"
    folder = tmp_path / "nginx"
    (folder / "logs").mkdir(parents=True)
    (folder / "htpasswd").write_text("loader:{PLAIN}s3cret\n", encoding="utf-8")
    port = _free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  client_max_body_size 64m;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      auth_basic "sparql";
      auth_basic_user_file {folder}/htpasswd;
      proxy_pass http://127.0.0.1:{guarded_writable.port};
      proxy_http_version 1.1;
    }}
  }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [executable, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            assert process.poll() is None, (folder / "logs" / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not listen in time"
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(20)


def test_load_and_query_with_basic_credentials(nginx, cli, monkeypatch, graph_file):
    refused = cli("load", str(graph_file), "--endpoint", nginx + "/query")
    assert refused.exit_code == 2 and "HTTP 401" in refused.output and "PACTGRAPH_ENDPOINT_USER" in refused.output
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_USER", "loader")
    monkeypatch.setenv("PACTGRAPH_ENDPOINT_PASSWORD", "s3cret")
    for extra in ([], ["--graph-store", nginx + "/store"]):
        loaded = cli("load", str(graph_file), "--endpoint", nginx + "/query", *extra)
        assert loaded.exit_code == 0, loaded.output
    asked = cli("query", "ASK { pgr:turkey a pg:SovereignState }", "--endpoint", nginx + "/query")
    assert asked.exit_code == 0, asked.output
    rows = EndpointStore(nginx + "/query").query("SELECT ?n WHERE { pgr:report-1 schema:name ?n }")
    assert [row[0].value for row in rows.rows] == ["A report on the alliance"]
