"""Hostile and broken input never crashes, leaks, fetches or loses anything.

The cases live in tests/fixtures/hostile/manifest.toml: each names its input, the
commands that read it, and the exit status and message each command must give.
A loopback listener counts connections: no case may make pactgraph open one.
Property-based tests (hypothesis) feed the loaders, the query checks and the
command line arbitrary bytes and mutated valid files; the kill tests stop
`publish` and `add` with SIGKILL in the middle of a write.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Listener

from pactgraph import resources
from pactgraph.cli.main import app
from pactgraph.contributing.adding import tree_fingerprint

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
MANIFEST = tomllib.loads((HOSTILE / "manifest.toml").read_text(encoding="utf-8"))
CASES: list[dict] = MANIFEST.get("case", [])
FOLLOWUP = ROOT / "tests" / "fixtures" / "reports" / "fictional-followup" / "report.ttl"

SMALL_DATA = """\
@prefix ex: <http://example.org/> .
ex:a ex:b ex:c .
"""


# ---------------------------------------------------------------- generated inputs


def _jsonld_nesting(n: int) -> bytes:
    return ('{"@id": "http://example.org/a", "http://example.org/p": ' + '{"http://example.org/p": ' * n + '"x"' + "}" * n + "}").encode()


def _jsonld_lists(n: int) -> bytes:
    return ('{"@id": "http://example.org/a", "http://example.org/p": ' + '{"@list": [' * n + '"x"' + "]}" * n + "}").encode()


def _rdfxml_nesting(n: int) -> bytes:
    return (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
        + "<ex:p><rdf:Description>" * n
        + "<ex:q>x</ex:q>"
        + "</rdf:Description></ex:p>" * n
        + "</rdf:Description></rdf:RDF>\n"
    ).encode()


def _turtle_blank_nodes(n: int) -> bytes:
    return ("@prefix ex: <http://example.org/> .\nex:a ex:p " + "[ ex:p " * n + '"x"' + " ]" * n + " .\n").encode()


def _turtle_lists(n: int) -> bytes:
    return ("@prefix ex: <http://example.org/> .\nex:a ex:p " + "( " * n + '"x"' + " )" * n + " .\n").encode()


def _ntriples_chain(n: int) -> bytes:
    return "".join(f"_:b{i} <http://example.org/p> _:b{i + 1} .\n" for i in range(n)).encode()


def _long_literal(n: int) -> bytes:
    return ('@prefix ex: <http://example.org/> .\nex:a ex:p "' + "x" * n + '" .\n').encode()


def _long_literal_jsonld(n: int) -> bytes:
    return ('{"@id": "http://example.org/a", "http://example.org/p": "' + "x" * n + '"}').encode()


def _many_triples(n: int) -> bytes:
    return "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(n)).encode()


def _query_nesting(n: int) -> bytes:
    return ("SELECT * WHERE { " + "{ " * n + "?s ?p ?o" + " }" * n + " }\n").encode()


def _query_chain(n: int) -> bytes:
    return ("SELECT (" + "+".join(["1"] * n) + " AS ?x) WHERE { }\n").encode()


GENERATORS: dict[str, Callable[[int], bytes]] = {
    "jsonld_nesting": _jsonld_nesting,
    "jsonld_lists": _jsonld_lists,
    "rdfxml_nesting": _rdfxml_nesting,
    "turtle_blank_nodes": _turtle_blank_nodes,
    "turtle_lists": _turtle_lists,
    "ntriples_chain": _ntriples_chain,
    "long_literal": _long_literal,
    "long_literal_jsonld": _long_literal_jsonld,
    "many_triples": _many_triples,
    "query_nesting": _query_nesting,
    "query_chain": _query_chain,
}


def _size(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([KMG]?)", text).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}[unit]


def materialise(spec: str | None, name: str, folder: Path, port: int) -> Path:
    """Write the input `name` into `folder`: from its .in fixture, or built by a generator."""
    path = folder / name
    if spec is None:
        data = (HOSTILE / f"{name}.in").read_bytes().replace(b"{port}", str(port).encode())
        path.write_bytes(data)
        return path
    kind, _, argument = spec.partition(":")
    if kind == "sparse":
        with path.open("wb") as handle:
            handle.truncate(_size(argument))
        return path
    path.write_bytes(GENERATORS[kind](int(argument)))
    return path


# ---------------------------------------------------------------- running a case


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    crashed: str = ""


@dataclass
class Context:
    file: Path
    tmp: Path
    port: int
    data: Path | None = None
    out: Path | None = None
    data_dir: Path | None = None


def _args(command: str, ctx: Context) -> tuple[list[str], str | None]:
    """The pactgraph arguments (and stdin) that give `ctx.file` to `command`."""
    f = str(ctx.file)
    data = ["--data", str(ctx.data)] if ctx.data is not None else []
    table: dict[str, tuple[list[str], str | None]] = {
        "validate": (["validate", "--standalone", f], None),
        "query": (["query", "--data", f, "ASK { ?s ?p ?o }"], None),
        "query-data": (
            ["query", "--data", f, "ASK { pgr:bundled-context-test a pg:SovereignState ; rdfs:label 'Bundled'@en }"],
            None,
        ),
        "export": (["export", f], None),
        "info": (["info", f], None),
        "load": (["load", f], None),
        "load-store": (["load", "--store", str(ctx.tmp / "store"), f], None),
        # Hostile data is published unvalidated: what is tested here is that the pages stay safe.
        "publish": (["publish", str(ctx.out), "--data", f, "--no-validate"], None),
        "add": (["add", f, "--data-dir", str(ctx.data_dir)], None),
        "query-file": (["query", "--file", f, *data], None),
        "query-file-limit": (["query", "--file", f, "--limit", "100", *data], None),
        "query-file-timeout": (["query", "--file", f, "--timeout", "1", *data], None),
        "query-stdin": (["query", "-", *data], None),
        "validate-shapes": (["validate", "--standalone", "--shapes", f, str(ctx.data)], None),
    }
    args, stdin = table[command]
    if command == "query-stdin":
        stdin = ctx.file.read_bytes().decode("latin-1")
    return args, stdin


def run_cli(args: list[str], *, stdin: str | None = None, env: dict[str, str] | None = None, process: bool = False, cwd: Path | None = None) -> Run:
    """Run pactgraph in-process (CliRunner) or, with `process`, as `python -m pactgraph`."""
    if process:
        full_env = {**os.environ, **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "pactgraph", *args],
            input=stdin.encode("latin-1") if stdin is not None else None,
            capture_output=True,
            env=full_env,
            cwd=cwd,
            timeout=120,
            check=False,
        )
        return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
    runner = CliRunner()
    result = runner.invoke(app, args, input=stdin.encode("latin-1") if stdin is not None else None, env=env)
    crashed = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        crashed = "".join(traceback.format_exception(result.exception))
    return Run(result.exit_code, result.stdout, result.stderr, crashed)


def _expect(case: dict, command: str) -> dict:
    expected = {"exit": case["exit"], "message": case.get("message", ""), "stdout": case.get("stdout", "")}
    expected.update(case.get("override", {}).get(command, {}))
    return expected


PAIRS = [(case, command) for case in CASES for command in case["commands"]]


def test_the_hostile_fixture_folder_is_complete():
    assert CASES, "tests/fixtures/hostile/manifest.toml holds no cases"
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert {c["class"] for c in CASES} >= {1, 2, 3, 4, 5}
    named = {c["file"] for c in CASES if "generate" not in c}
    on_disk = {p.name[: -len(".in")] for p in HOSTILE.glob("*.in")}
    assert named <= on_disk, f"fixtures missing: {sorted(named - on_disk)}"
    assert on_disk <= named | {"hostile-deep-query.rq"}, f"fixtures no case uses: {sorted(on_disk - named)}"
    for name in on_disk:
        # Intentionally broken RDF is named so that nothing mistakes it for data.
        assert name.startswith(("malformed-", "hostile-")), name


@pytest.mark.parametrize("case,command", PAIRS, ids=[f"{c['id']}-{cmd}" for c, cmd in PAIRS])
def test_hostile_input(case: dict, command: str, tmp_path: Path, listener: Listener):
    expected = _expect(case, command)
    ctx = Context(
        file=materialise(case.get("generate"), case["file"], tmp_path, listener.port),
        tmp=tmp_path,
        port=listener.port,
        out=tmp_path / "site",
    )
    if "data" in case or command == "validate-shapes":
        ctx.data = tmp_path / "data.nt"
        if "data" in case:
            kind, _, argument = case["data"].partition(":")
            ctx.data.write_bytes(GENERATORS[kind](int(argument)))
        else:
            ctx.data = tmp_path / "data.ttl"
            ctx.data.write_text(SMALL_DATA, encoding="utf-8")
    before_data = None
    if command == "add":
        ctx.data_dir = tmp_path / "datadir"
        shutil.copytree(resources.data_dir(), ctx.data_dir)
        before_data = tree_fingerprint(ctx.data_dir)
    args, stdin = _args(command, ctx)
    connections = listener.settled_count()
    started = time.monotonic()
    run = run_cli(args, stdin=stdin, env=case.get("env"), process=case.get("process", False), cwd=tmp_path)
    elapsed = time.monotonic() - started

    assert not run.crashed, run.crashed
    assert "Traceback" not in run.stderr + run.stdout
    assert listener.settled_count() == connections, f"{case['id']} {command}: pactgraph opened a connection"
    assert run.exit_code == expected["exit"], (run.exit_code, run.stderr[-2000:])
    message = expected["message"].replace("{file}", str(ctx.file)).replace("{port}", str(listener.port))
    assert message in run.stderr, run.stderr[-2000:]
    if expected["stdout"]:
        assert expected["stdout"] in run.stdout
    if run.exit_code == 2:
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("pactgraph: error: "), run.stderr[-2000:]
    assert elapsed < 60, f"took {elapsed:.0f} s"
    if command == "add" and run.exit_code != 0:
        assert tree_fingerprint(ctx.data_dir) == before_data, "a refused add changed the data directory"
    if command == "publish":
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")]
        assert leftovers == []
        if run.exit_code == 0:
            assert_safe_site(ctx.out, tmp_path)
        else:
            assert not ctx.out.exists()


# ---------------------------------------------------------------- 3. SERVICE only where allowed


class _FixedAnswerEndpoint(BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers every query with one row, and keeps the queries it was sent."""

    ANSWER = b'{"head": {"vars": ["o"]}, "results": {"bindings": [{"o": {"type": "literal", "value": "from the allowed endpoint"}}]}}'
    received: list[str] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.received.append(self.path + " " + self.rfile.read(length).decode("utf-8", "replace"))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.ANSWER)))
        self.end_headers()
        self.wfile.write(self.ANSWER)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def test_service_reaches_only_the_endpoint_allow_service_names(tmp_path):
    """The endpoint --allow-service names is asked, and its answer is the query's answer; any other is refused."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FixedAnswerEndpoint)
    _FixedAnswerEndpoint.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        query = tmp_path / "service.rq"
        query.write_text(f"SELECT ?o WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
        other = run_cli(["query", "--file", str(query), "--allow-service", "http://127.0.0.1:9/sparql"])
        assert other.exit_code == 2 and f"SERVICE <{endpoint}> is refused" in other.stderr
        assert _FixedAnswerEndpoint.received == []
        allowed = run_cli(["query", "--file", str(query), "--allow-service", endpoint, "--format", "csv"])
        assert allowed.exit_code == 0, allowed.stderr
        assert allowed.stdout.splitlines() == ["o", "from the allowed endpoint"]
        assert len(_FixedAnswerEndpoint.received) == 1
        bad = run_cli(["query", "--file", str(query), "--allow-service", "not a url"])
        assert bad.exit_code == 2 and "--allow-service 'not a url': expected the endpoint's http(s) URL" in bad.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_service_is_refused_for_a_remote_endpoint_store_too(tmp_path, listener):
    """The query goes nowhere: it is refused before the endpoint (the listener) is asked."""
    query = materialise(None, "hostile-service.rq", tmp_path, listener.port)
    before = listener.settled_count()
    run = run_cli(["query", "--file", str(query), "--endpoint", f"http://127.0.0.1:{listener.port}/query"])
    assert run.exit_code == 2 and "is refused" in run.stderr
    assert listener.settled_count() == before


# ---------------------------------------------------------------- 4. timeouts for `serve` and `validate`


RUNAWAY_SHAPES = """\
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX pg: <https://w3id.org/pactgraph/ontology#>
PREFIX ex: <https://example.org/s#>
# Every sovereign state against three copies of the whole graph: it would run for hours.
ex:S a sh:NodeShape ; sh:targetClass pg:SovereignState ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p1 ?o1 . ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }" ] .
"""


def _processes_naming(text: str) -> list[int]:
    """Live processes whose command line holds `text` (zombies have none)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("mode", [[], ["--per-report", "--no-cache", "--jobs", "2"]], ids=["whole-graph", "per-report"])
def test_validate_timeout_stops_a_runaway_constraint_and_its_workers(tmp_path, mode):
    shapes = tmp_path / "runaway-shapes.ttl"
    shapes.write_text(RUNAWAY_SHAPES, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pactgraph", "validate", *mode, "--shapes", str(shapes), "--timeout", "2"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "pactgraph: error: validation ran for more than 2 s and was stopped (--timeout 2); "
        "narrow it, or give a larger --timeout (0: no limit)\n"
    )
    deadline = time.monotonic() + 10
    while _processes_naming(str(shapes)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(str(shapes)) == [], "no worker may outlive the stopped validation"


def test_validate_has_no_timeout_unless_asked(cli):
    assert cli("validate", "-q").exit_code == 0
    bad = cli("validate", "-q", "--timeout", "soon")
    assert bad.exit_code == 2 and "--timeout must be a number of seconds, not 'soon'" in bad.stderr


def test_serve_closes_a_connection_that_stays_silent(tmp_path, monkeypatch):
    from pactgraph.publishing import server

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>hello</p>\n", encoding="utf-8")
    monkeypatch.setattr(server.SiteHandler, "timeout", 0.5)
    httpd = server.make_server(site, port=0, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with socket.create_connection(httpd.server_address[:2], timeout=60) as silent:
            silent.sendall(b"GET / HTTP/1.0\r\n")  # never finishes its request
            assert silent.recv(1024) == b""  # closed by the server (without its timeout: socket.timeout here)
        with socket.create_connection(httpd.server_address[:2], timeout=10) as polite:
            polite.sendall(b"GET / HTTP/1.0\r\n\r\n")
            assert polite.recv(1024).startswith(b"HTTP/1.0 200")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_endpoint_passes_the_query_timeout_to_the_server(monkeypatch, tmp_path):
    from pactgraph.serving import server

    started: list[list[str]] = []

    class Stop(Exception):
        pass

    def fake_popen(command, **kwargs):
        started.append(command)
        raise Stop

    monkeypatch.setattr(server, "find_oxigraph", lambda: "oxigraph")
    monkeypatch.setattr(server.subprocess, "Popen", fake_popen)
    with pytest.raises(Stop):
        server.start_server(tmp_path, query_timeout=2.5)
    assert started[0][-2:] == ["--timeout-s", "3"]


# ---------------------------------------------------------------- 5. output stays where it belongs


class _PageCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        src = given.get("src") or ""
        # The site's own script files (the 404 page names them from the base path), and inert data
        # blocks (a claim's schema.org JSON-LD, the query and search pages' JSON), never a script from the data.
        own_script = tag == "script" and (
            re.fullmatch(r"(\.\./)*(site|query|search)\.js|(\.\./)*vendor/[\w./-]+\.js|/[\w-]+/site\.js", src)
            or (not src and given.get("type") in ("application/ld+json", "application/json"))
        )
        if tag in ("script", "iframe", "object", "embed") and not own_script:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction") and value is not None:
                if re.match(r"\s*(javascript|vbscript):", value, re.I) or (
                    re.match(r"\s*data:", value, re.I) and value.strip() != "data:,"  # the empty favicon
                ):
                    self.problems.append(f"{tag} {name}={value[:40]}")


def assert_safe_site(site: Path, parent: Path) -> None:
    """Every file of the site lies inside it, and no HTML page carries script from the data."""
    root = site.resolve()
    for path in site.rglob("*"):
        assert root in path.resolve().parents
        assert not path.is_symlink()
    outside = sorted(p.name for p in parent.iterdir() if p.name not in {"site", "datadir"} and not p.name.startswith(("hostile-", "malformed-", "data.")))
    assert outside == [], f"files written beside the site: {outside}"
    for page in site.rglob("*.html"):
        checker = _PageCheck()
        checker.feed(page.read_text(encoding="utf-8"))
        assert checker.problems == [], f"{page.relative_to(site)}: {checker.problems}"


def test_hostile_labels_are_escaped_on_every_page(tmp_path, listener):
    data = materialise(None, "hostile-labels.ttl", tmp_path, listener.port)
    run = run_cli(["publish", str(tmp_path / "site"), "--data", str(data), "--no-validate"])
    assert run.exit_code == 0, run.stderr
    site = tmp_path / "site"
    assert_safe_site(site, tmp_path)
    page = (site / "id" / "hostile-state.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
    # IRIs that look like paths out of the site get hashed file names inside id/.
    names = {p.name for p in (site / "id").iterdir()}
    assert not any(".." in n or n.startswith(".ht") for n in names)
    assert not (tmp_path / "tmp").exists() and not (site.parent / "escape.html").exists()
    assert (site / ".htaccess").read_text(encoding="utf-8").count(f"127.0.0.1:{listener.port}") == 0


@pytest.mark.parametrize("fmt", ["html", "svg"])
def test_hostile_labels_are_escaped_in_the_timeline(tmp_path, listener, fmt):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    materialise(None, "hostile-labels.ttl", data_dir, listener.port)
    out = tmp_path / f"timeline.{fmt}"
    run = run_cli(["timeline", "--data-dir", str(data_dir), "-f", fmt, "-o", str(out)])
    assert run.exit_code == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('event')&lt;/script&gt;" in text
    assert "<script>alert" not in text
    checker = _PageCheck()
    checker.feed(text)
    assert checker.problems == []


def test_query_tables_do_not_pass_terminal_control_sequences(tmp_path, listener):
    data = materialise(None, "hostile-labels.ttl", tmp_path, listener.port)
    run = run_cli(["query", "--data", str(data), "SELECT ?c WHERE { pgr:hostile-state rdfs:comment ?c }"])
    assert run.exit_code == 0
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    assert "\\u001b]8;;" in run.stdout


def test_one_huge_literal_does_not_pad_every_row(tmp_path):
    data = tmp_path / "wide.nt"
    rows = "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(200))
    data.write_text(rows + '<http://example.org/big> <http://example.org/p> "' + "x" * 200_000 + '" .\n', encoding="utf-8")
    run = run_cli(["query", "--data", str(data), "SELECT ?s ?o WHERE { ?s ?p ?o }"])
    assert run.exit_code == 0
    assert len(run.stdout) < 200_000 + 201 * 1100


# ---------------------------------------------------------------- 6. nothing is lost


def _spawn(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pactgraph", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode} before the pause: {process.stderr.read().decode()}")
        assert time.monotonic() < deadline, "the process did not reach its pause point"
        time.sleep(0.02)


def _queued_for_lock(lock: Path, process: subprocess.Popen, seconds: float = 90) -> None:
    """Wait until `process` is blocked on the flock of `lock`: Linux lists a waiting request
    in /proc/locks as a `->` line with the waiter's pid and the file's inode."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            inode = lock.stat().st_ino
        except FileNotFoundError:
            inode = None
        if inode is not None:
            for line in Path("/proc/locks").read_text(encoding="ascii").splitlines():
                fields = line.split()
                if fields[1:3] == ["->", "FLOCK"] and fields[5] == str(process.pid) and fields[6].endswith(f":{inode}"):
                    return
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode} without waiting for {lock.name}: {process.stderr.read().decode()}")
        assert time.monotonic() < deadline, f"the process never waited for {lock.name}"
        time.sleep(0.02)


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@pytest.fixture
def two_sites(tmp_path) -> tuple[Path, Path]:
    """Two small data files that give different sites."""
    first = tmp_path / "first.ttl"
    first.write_text('@prefix pgr: <https://w3id.org/pactgraph/id/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\npgr:first rdfs:label "First"@en .\n', encoding="utf-8")
    second = tmp_path / "second.ttl"
    second.write_text('@prefix pgr: <https://w3id.org/pactgraph/id/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\npgr:second rdfs:label "Second"@en .\n', encoding="utf-8")
    return first, second


@pytest.mark.parametrize("point", ["publish-staged", "publish-swapped"])
def test_publish_killed_mid_write_leaves_a_whole_site(tmp_path, two_sites, point):
    first, second = two_sites
    out = tmp_path / "out" / "site"
    assert run_cli(["publish", str(out), "--data", str(first)]).exit_code == 0
    previous = tree_fingerprint(out)
    pause = tmp_path / "paused"
    process = _spawn(
        ["publish", str(out), "--data", str(second)],
        env={"PACTGRAPH_PAUSE_AT": point, "PACTGRAPH_PAUSE_FILE": str(pause)},
    )
    _wait_for(pause, process)
    _kill(process)
    assert out.is_dir()
    if point == "publish-staged":
        assert tree_fingerprint(out) == previous  # the previous site, byte for byte
    else:
        assert tree_fingerprint(out) != previous and (out / "id" / "second.html").is_file()
    assert any(p.name.startswith(".site.") for p in out.parent.iterdir())  # what the killed run left
    # The next run clears the leftovers and publishes.
    again = run_cli(["publish", str(out), "--data", str(second)])
    assert again.exit_code == 0, again.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]
    assert (out / "id" / "second.html").is_file() and not (out / "id" / "first.html").exists()


def test_publish_killed_at_any_moment_leaves_the_previous_site(tmp_path, two_sites):
    first, second = two_sites
    out = tmp_path / "out" / "site"
    assert run_cli(["publish", str(out), "--data", str(first)]).exit_code == 0
    previous = tree_fingerprint(out)
    process = _spawn(["publish", str(out), "--data", str(second)])
    deadline = time.monotonic() + 90
    while not any(p.name.startswith(".site.new-") for p in out.parent.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "publish finished before it could be killed"
        time.sleep(0.001)
    _kill(process)
    assert tree_fingerprint(out) in (previous, _fresh_site_fingerprint(tmp_path, second))


def _fresh_site_fingerprint(tmp_path: Path, data: Path) -> str:
    fresh = tmp_path / "fresh" / "site"
    assert run_cli(["publish", str(fresh), "--data", str(data)]).exit_code == 0
    return tree_fingerprint(fresh)


def test_two_publishes_to_one_folder_take_turns(tmp_path, two_sites):
    first, second = two_sites
    out = tmp_path / "out" / "site"
    pause = tmp_path / "paused"
    holder = _spawn(
        ["publish", str(out), "--data", str(first)],
        env={"PACTGRAPH_PAUSE_AT": "publish-staged", "PACTGRAPH_PAUSE_FILE": str(pause)},
    )
    _wait_for(pause, holder)
    waiter = _spawn(["publish", str(out), "--data", str(second)])
    _queued_for_lock(out.parent / ".site.lock", waiter)  # the second publish waits for the first
    _kill(holder)
    out_text, err_text = waiter.communicate(timeout=90)
    assert waiter.returncode == 0, err_text
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]
    assert tree_fingerprint(out) == _fresh_site_fingerprint(tmp_path, second)


def test_add_killed_mid_write_leaves_the_data_directory_as_it_was(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data_dir)
    before = tree_fingerprint(data_dir)
    pause = tmp_path / "paused"
    process = _spawn(
        ["add", str(FOLLOWUP), "--keep", "--data-dir", str(data_dir)],
        env={"PACTGRAPH_PAUSE_AT": "add-staged", "PACTGRAPH_PAUSE_FILE": str(pause)},
    )
    _wait_for(pause, process)
    _kill(process)
    after_kill = {p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*")}
    # The killed run can leave only its (empty, hidden) lock file, which no reader of the data sees.
    leftover_lock = data_dir / ".pactgraph-add.lock"
    if leftover_lock.exists():
        assert leftover_lock.stat().st_size == 0
        leftover_lock.unlink()
    assert tree_fingerprint(data_dir) == before, sorted(after_kill)
    # The next run ignores what the killed one left and adds the report.
    again = run_cli(["add", str(FOLLOWUP), "--keep", "--data-dir", str(data_dir)])
    assert again.exit_code == 0, again.stderr
    assert (data_dir / "reports" / "fictional-courier-2026-02-03" / "report.ttl").is_file()


def test_two_adds_take_turns(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(resources.data_dir(), data_dir)
    pause = tmp_path / "paused"
    holder = _spawn(
        ["add", str(FOLLOWUP), "--keep", "--data-dir", str(data_dir)],
        env={"PACTGRAPH_PAUSE_AT": "add-staged", "PACTGRAPH_PAUSE_FILE": str(pause)},
    )
    _wait_for(pause, holder)
    waiter = _spawn(["add", str(FOLLOWUP), "--keep", "--data-dir", str(data_dir)])
    _queued_for_lock(data_dir / ".pactgraph-add.lock", waiter)  # the second add waits for the first
    _kill(holder)
    _, err_text = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err_text
    report = data_dir / "reports" / "fictional-courier-2026-02-03" / "report.ttl"
    assert report.read_bytes() == FOLLOWUP.read_bytes()


# ---------------------------------------------------------------- the limits themselves


@pytest.mark.parametrize(
    "args,env,message",
    [
        (["query", "--timeout", "soon", "ASK {}"], None, "--timeout must be a number of seconds, not 'soon'"),
        (["query", "--timeout", "-1", "ASK {}"], None, "--timeout must be 0 (no limit) or a positive number of seconds"),
        (["query", "--limit", "-5", "ASK {}"], None, "--limit must be a whole number (0: no limit), not '-5'"),
        (["query", "--data", "{file}", "ASK {}"], {"PACTGRAPH_MAX_INPUT": "lots"}, "PACTGRAPH_MAX_INPUT: expected a size such as 512M or 1G, not 'lots'"),
        (["validate", "--standalone", "{file}"], {"PACTGRAPH_MAX_DEPTH": "0"}, "PACTGRAPH_MAX_DEPTH: expected a whole number of at least 1, not '0'"),
    ],
)
def test_bad_limit_settings_are_usage_errors(tmp_path, args, env, message):
    data = tmp_path / "data.ttl"
    data.write_text(SMALL_DATA, encoding="utf-8")
    run = run_cli([a.replace("{file}", str(data)) for a in args], env=env)
    assert run.exit_code == 2 and message in run.stderr, run.stderr


def test_limits_can_be_raised_and_switched_off(tmp_path):
    literal = tmp_path / "literal.ttl"
    literal.write_bytes(_long_literal(3_000_000))
    assert run_cli(["query", "--data", str(literal), "ASK { ?s ?p ?o }"], env={"PACTGRAPH_MAX_LITERAL": "4M"}).exit_code == 0
    deep = tmp_path / "deep.jsonld"
    deep.write_bytes(_jsonld_nesting(200))
    assert run_cli(["query", "--data", str(deep), "ASK { ?s ?p ?o }"], env={"PACTGRAPH_MAX_DEPTH": "300"}).exit_code == 0
    rows = run_cli(["query", "--limit", "0", "-f", "csv", "SELECT * WHERE { ?s ?p ?o }"])
    assert rows.exit_code == 0 and rows.stdout.count("\n") > 100
    assert run_cli(["query", "--timeout", "0", "parties-and-date"]).exit_code == 0


def test_the_pause_points_are_no_ops_in_normal_runs(monkeypatch, tmp_path):
    """A pause point that pauses writes the pause file first: none is written unless asked for by name."""
    from pactgraph import process

    pause = tmp_path / "paused"
    monkeypatch.setenv("PACTGRAPH_PAUSE_FILE", str(pause))
    monkeypatch.delenv("PACTGRAPH_PAUSE_AT", raising=False)
    process.checkpoint("publish-staged")
    monkeypatch.setenv("PACTGRAPH_PAUSE_AT", "add-staged")
    process.checkpoint("publish-staged")
    assert not pause.exists()
