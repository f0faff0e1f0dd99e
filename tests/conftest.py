"""Shared helpers for the command-line tests: a CliRunner, a subprocess runner, small RDF files."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pactgraph.cli.main import app

PREFIXES = """\
@prefix pg: <https://w3id.org/pactgraph/ontology#> .
@prefix pgr: <https://w3id.org/pactgraph/id/> .
@prefix pgsh: <https://w3id.org/pactgraph/shapes#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""

#: Three states, one alliance, a report with publisher; labels in two languages.
GRAPH = PREFIXES + """
pgr:turkey a pg:SovereignState ; rdfs:label "Turkey"@en, "Türkiye"@tr ;
    schema:memberOf pgr:nato .
pgr:pakistan a pg:SovereignState ; rdfs:label "Pakistan"@en ;
    schema:memberOf pgr:smda .
pgr:saudi-arabia a pg:SovereignState ; rdfs:label "Saudi Arabia"@en ;
    schema:memberOf pgr:smda .
pgr:smda a pg:Alliance ; rdfs:label "Strategic Mutual Defense Agreement"@en .
pgr:nato a pg:Alliance ; rdfs:label "NATO"@en .
pgr:report-1 a pg:Report ; schema:name "A report on the alliance"@en ;
    schema:datePublished "2026-01-12"^^xsd:date ;
    schema:publisher pgr:outlet-1 ;
    pg:note [ rdfs:label "a blank-node note" ; pg:detail [ rdfs:label "nested" ] ] .
pgr:outlet-1 a pg:NewsOutlet ; schema:name "Reference News"@en .
"""


@pytest.fixture(scope="session", autouse=True)
def isolated_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test run gets its own cache and config folders: nothing is read from or left in the
    user's ~/.cache or ~/.config (validation results, for one, are cached there by default), and
    subprocesses started by the tests inherit the same folders."""
    base = tmp_path_factory.mktemp("xdg")
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME")}
    os.environ["XDG_CACHE_HOME"] = str(base / "cache")
    os.environ["XDG_CONFIG_HOME"] = str(base / "config")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def write() -> Callable[[Path, str], Path]:
    """write(path, text): write dedented text (creating folders) and return the path."""
    return _write


@pytest.fixture
def graph_text() -> str:
    """The Turtle text of the small test graph, prefixes included."""
    return GRAPH


@pytest.fixture
def prefixes() -> str:
    """Turtle @prefix lines for pg:, pgr:, pgsh:, rdf:, rdfs:, owl:, xsd:, schema:, sh:."""
    return PREFIXES


@pytest.fixture
def graph_file(tmp_path: Path) -> Path:
    """A small Turtle data file (see GRAPH)."""
    return _write(tmp_path / "graph.ttl", GRAPH)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner) -> Callable[..., Result]:
    """Invoke the typer app in-process: cli("query", "ASK {}", input=None)."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke


def _run_pactgraph(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pactgraph", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        input=input,
        timeout=300,
        check=False,
    )


@pytest.fixture
def pactgraph() -> Callable[..., subprocess.CompletedProcess[str]]:
    """pactgraph(*args, env=None, cwd=None, input=None): run `python -m pactgraph` in a new process.

    That goes through the console-script entry point (main), unlike the in-process `cli` fixture.
    """
    return _run_pactgraph


# ---------------------------------------------------------------- the grown graph (tests/growth.py)


@pytest.fixture(scope="session")
def grown(tmp_path_factory: pytest.TempPathFactory):
    """A copy of data/ grown by fictional later reports, added with the commands only; built once.

    Tests that run on it as well as on the shipped graph are the check that a valid `add`
    breaks nothing: they may speak of the shipped report, never of the whole graph's counts."""
    from growth import grow

    base = tmp_path_factory.mktemp("grown")
    return grow(base / "data", base / "work")


# ---------------------------------------------------------------- the loopback listener


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that accepts and counts every connection."""

    port: int = 0
    accepted: list[tuple[str, int]] = field(default_factory=list)
    #: The listener's own marker connections (see settled_count), left out of the count.
    markers: set[tuple[str, int]] = field(default_factory=set)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def count(self) -> int:
        """The connections accepted so far, markers left out."""
        with self.arrived:
            return sum(1 for address in self.accepted if address not in self.markers)

    def settled_count(self, seconds: float = 60) -> int:
        """The connections made to the listener up to now, once every one of them is counted.

        A marker connection is made and waited for: the kernel hands connections to accept()
        in the order they were established, so when the marker has been accepted every
        connection made before it has been too. No sleeping: the count is final, not a guess.
        """
        with socket.create_connection(("127.0.0.1", self.port), timeout=seconds) as marker:
            mine = marker.getsockname()[:2]
            with self.arrived:
                self.markers.add(mine)
                if not self.arrived.wait_for(lambda: mine in self.accepted, timeout=seconds):
                    raise AssertionError(f"the listener did not accept a connection within {seconds:g} s")
        return self.count

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """Stands in for every other address: a test asserts how many connections it received."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    found = Listener(port=server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except (TimeoutError, OSError):
                continue
            conn.close()
            with found.arrived:
                found.accepted.append(address[:2])
                found.arrived.notify_all()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(2)
    server.close()


# ---------------------------------------------------------------- `pactgraph endpoint` as a process


def start_endpoint_process(*args: str) -> tuple[subprocess.Popen, str]:
    """`pactgraph endpoint --port 0 ARGS` and the query URL it prints ("" if it printed none)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pactgraph", "endpoint", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = ""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline().strip()
        if line:
            break
    return process, line


def stop_process(process: subprocess.Popen) -> int:
    """SIGTERM, then SIGKILL after 20 s; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    return process.returncode


# ---------------------------------------------------------------- Virtuoso (see tests/virtuoso.py)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A throwaway Virtuoso with a user `loader` (password `s3cret`) allowed SPARQL Update and graph writes."""
    from virtuoso import start_virtuoso

    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        server.isql(
            "DB.DBA.USER_CREATE('loader', 's3cret')",
            'GRANT SPARQL_UPDATE TO "loader"',
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('loader', 7)",
        )
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- Chromium (see tests/browser.py)


def _chromium(width: int, height: int) -> Iterator:
    """Debian's Chromium in one tab of this size, closed after the module's tests; without
    Chromium the tests that use it fail and say how to install it."""
    from browser import CHROMIUM, INSTALL, Browser

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: {INSTALL}", pytrace=False)
    with Browser(CHROMIUM, width=width, height=height) as instance:
        yield instance


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Chromium at 1280 × 900 CSS px."""
    yield from _chromium(1280, 900)


@pytest.fixture(scope="module")
def phone() -> Iterator:
    """Chromium at 390 × 800 CSS px, with mobile and touch emulation."""
    yield from _chromium(390, 800)


# ---------------------------------------------------------------- the shipped graph, published once


@dataclass
class PublishedSite:
    """`pactgraph publish` of the shipped graph: the folder and what the command printed."""

    path: Path
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def shipped_ontology():
    """The shipped ontology files read by rdflib: the oracle for names and labels on published pages."""
    import rdflib

    from pactgraph import resources

    graph = rdflib.Graph()
    for path in resources.ontology_files():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> PublishedSite:
    """The shipped graph published once per test run (PYTHONHASHSEED=0). Tests only read it:
    one that changes a site works on a copy."""
    out = tmp_path_factory.mktemp("shipped-site") / "site"
    done = _run_pactgraph("publish", str(out), env={"PYTHONHASHSEED": "0"})
    assert done.returncode == 0, done.stderr
    return PublishedSite(out, done.stdout, done.stderr)
