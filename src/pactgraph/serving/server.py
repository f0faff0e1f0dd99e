"""Run the Oxigraph SPARQL server (the `oxigraph` package's command) over an on-disk store.

`start_server` starts `oxigraph serve-read-only` (or `serve` when writable) with
`--union-default-graph` on an address, waits until it accepts connections and
returns a handle. `start_endpoint` puts that server on a private loopback port
behind the guard of pactgraph.serving.guard, which uvicorn serves on the public
address (pactgraph.serving.listener); `serve` is `pactgraph endpoint`: it prints the query URL and waits
until it is stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn

from pactgraph.process import describe_exit, die_with_parent
from pactgraph.stores.base import StoreError

START_TIMEOUT = 30.0


def find_oxigraph() -> str:
    """The `oxigraph` executable: beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreError("the Oxigraph server is not installed (pip install oxigraph): no `oxigraph` command found")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on `host` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def _check_free(host: str, port: int) -> None:
    """StoreError when nothing can listen on host:port (taken, or not an address of this machine)."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, port))
    except OSError as err:
        raise StoreError(f"cannot listen on {_host_port(host, port)}: {err.strerror or err}") from None


class _Urls:
    """The SPARQL Protocol URLs of a server listening on host:port (Oxigraph's paths)."""

    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{_host_port(self.host, self.port)}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/query"

    @property
    def update_url(self) -> str:
        return self.base_url + "/update"

    @property
    def graph_store_url(self) -> str:
        return self.base_url + "/store"


@dataclass
class Server(_Urls):
    """A running Oxigraph server."""

    process: subprocess.Popen
    host: str
    port: int
    writable: bool
    log: IO[bytes]
    #: The first error line of its output, once it has stopped.
    detail: str = ""

    def stop(self, timeout: float = 10.0) -> int:
        """Stop the server (SIGTERM, then SIGKILL after `timeout` s); its exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if not self.log.closed:
            self.detail = _log_line(self.log)  # what it said, kept for the message about its end
        try:
            self.log.close()
        except OSError:
            pass
        return self.process.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _log_line(log: IO[bytes]) -> str:
    try:
        log.flush()
        log.seek(0)
        lines = [line.strip() for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
    except (OSError, ValueError):
        return ""
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines or [""])[0]


def start_server(
    database: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    writable: bool = False,
    timeout: float = START_TIMEOUT,
    query_timeout: float | None = None,
) -> Server:
    """Start the Oxigraph server on the Oxigraph database folder `database`; return once it accepts connections.

    `query_timeout`: seconds after which the server abandons a query (its --timeout-s).
    """
    executable = find_oxigraph()
    host = host.strip("[]")
    if port == 0:
        port = free_port(host)
    else:
        _check_free(host, port)
    command = [
        executable,
        "serve" if writable else "serve-read-only",
        "--location",
        str(database),
        "--bind",
        _host_port(host, port),
        "--union-default-graph",
    ]
    if query_timeout is not None:
        import math

        command += ["--timeout-s", str(max(1, math.ceil(query_timeout)))]
    log = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
        )
    except OSError as err:
        log.close()
        raise StoreError(f"cannot start {executable}: {err.strerror or err}") from None
    server = Server(process=process, host=host, port=port, writable=writable, log=log)
    deadline = time.monotonic() + timeout
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    while True:
        if process.poll() is not None:
            detail = _log_line(log)
            server.stop()
            raise StoreError(
                f"the Oxigraph server stopped at once (exit {process.returncode})" + (f": {detail}" if detail else "")
            )
        try:
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(0.5)
                sock.connect((host, port))
            return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise StoreError(f"the Oxigraph server did not accept connections on {_host_port(host, port)} within {timeout:g} s")
        time.sleep(0.05)


@dataclass
class Endpoint(_Urls):
    """A guarded SPARQL endpoint: the guard on the public address, Oxigraph behind it."""

    guard: Any
    thread: Any
    upstream: Any
    host: str
    port: int
    writable: bool

    def stop(self) -> None:
        self.guard.shutdown()
        self.guard.server_close()
        self.thread.join(10)
        self.upstream.stop()

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_endpoint(
    database: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    writable: bool = False,
    policy: Any = None,
    log: IO[str] | None = None,
    servers: int | None = None,
    reuse_port: bool = False,
) -> Endpoint:
    """Start Oxigraph on free loopback ports and the guard on host:port; return once both listen.

    `servers`: Oxigraph processes serving a read-only store side by side (pactgraph.serving.pool).
    `reuse_port`: other guard processes may listen on the same port (pactgraph.serving.workers).
    """
    from pactgraph.serving.listener import start_guard
    from pactgraph.serving.policy import GuardPolicy
    from pactgraph.serving.pool import POOL_SIZE, ServerPool

    host = host.strip("[]")
    policy = policy or GuardPolicy()
    if not reuse_port:
        _check_free(host, port)  # a busy public address is reported before Oxigraph is started
    upstream = ServerPool(
        lambda: start_server(database, host="127.0.0.1", port=0, writable=writable),
        POOL_SIZE if servers is None else servers,
        shared=not writable,
    )
    try:
        guard = start_guard((host, port), upstream, policy, log, reuse_port=reuse_port)
    except BaseException:
        upstream.stop()
        raise
    return Endpoint(guard, guard.thread, upstream, host, guard.server_address[1], writable)


class _Stop(Exception):
    pass


def _on_signal(signum: int, frame: Any) -> None:
    raise _Stop()


def _watch(endpoint: Endpoint, workers: Any = None) -> NoReturn:
    """Replace the endpoint's Oxigraph servers (and guard workers) that die, until a signal stops it."""
    pool = endpoint.upstream
    while True:
        time.sleep(0.5)
        for code, server in pool.replace_dead():  # a server that died is replaced; the endpoint serves on
            detail = server.detail if server.log.closed else _log_line(server.log)
            detail = detail if detail.lower().startswith("error") else ""  # not "Listening for requests"
            endpoint.guard.note(
                f"the Oxigraph server stopped ({describe_exit(code)}" + (f": {detail}" if detail else "")
                + "); started a new one"
            )
        if pool.start_error is not None and not pool.members:
            raise StoreError(f"the Oxigraph server stopped and cannot be started again: {pool.start_error}")
        for code in workers.replace_dead() if workers is not None else []:
            endpoint.guard.note(f"a guard worker stopped ({describe_exit(code)}); started a new one")


def _worker(database: str, host: str, port: int, policy: Any) -> None:  # pragma: no cover - a worker process
    """One more guard process on the endpoint's port (pactgraph.serving.workers), until SIGTERM."""
    die_with_parent()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)
    endpoint = None
    try:
        endpoint = start_endpoint(database, host=host, port=port, policy=policy, log=sys.stderr, reuse_port=True)
        _watch(endpoint)
    except _Stop:
        pass
    except StoreError as err:
        print(f"pactgraph: error: guard worker: {err}", file=sys.stderr, flush=True)
        sys.exit(2)
    finally:
        if endpoint is not None:
            endpoint.stop()


def serve(
    *,
    store: str | None = None,
    bind: str = "127.0.0.1",
    port: str | int = 7878,
    writable: bool = False,
    config: str | None = None,
    out: Any = None,
    err: Any = None,
    policy: Any = None,
    workers: int = 1,
) -> int:
    """`pactgraph endpoint`: serve a store behind the guard until stopped; 0 when stopped by a signal.

    `policy`: a pactgraph.serving.policy.GuardPolicy (the default allows no SERVICE,
    30 s per query, 256 MiB per answer). `workers`: guard processes on the port, each
    with its own Oxigraph servers (pactgraph.serving.workers); a writable store has one.
    """
    from pactgraph.stores.config import read_settings
    from pactgraph.stores.disk import DiskStore

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        port_number = int(str(port))
    except ValueError:
        raise StoreError(f"--port must be a port number, not {port!r}") from None
    if not 0 <= port_number <= 65535:
        raise StoreError(f"--port must be between 0 and 65535, not {port_number}")
    if not bind.strip():
        raise StoreError("empty value given for --bind")
    if workers < 1:
        raise StoreError(f"--workers must be at least 1, not {workers}")
    if writable and workers > 1:
        raise StoreError("--workers: a writable store is served by one process (its Oxigraph server has it alone)")
    settings = read_settings(config=config, store=store)
    temporary: str | None = None
    if settings.kind == "disk":
        disk = DiskStore(settings.disk_path(), on_change=settings.on_change)
        disk.open_for_reading()
        for warning in disk.warnings:
            print(f"pactgraph: warning: {warning}", file=err, flush=True)
        disk.close()
        what = str(settings.path)
    else:
        temporary = tempfile.mkdtemp(prefix="pactgraph-endpoint-")
        disk = DiskStore(temporary, on_change="ignore")
        disk.sync(None)
        disk.close()
        what = "the shipped graph"
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    endpoint = None
    others = None
    try:
        endpoint = start_endpoint(
            disk.database, host=bind, port=port_number, writable=writable, policy=policy, log=err,
            reuse_port=workers > 1,
        )
        if workers > 1:
            from pactgraph.serving.workers import Workers

            others = Workers(_worker, (str(disk.database), endpoint.host, endpoint.port, endpoint.guard.policy), workers - 1)
        print(endpoint.query_url, file=out, flush=True)
        mode = "read-write" if writable else "read-only"
        extra = f"; updates at {endpoint.update_url}, graph store at {endpoint.graph_store_url}" if writable else ""
        print(
            f"pactgraph: serving {what} ({mode}, default graph = union of all graphs) at "
            f"{endpoint.query_url}{extra}" + (f" with {workers} guard processes" if workers > 1 else "")
            + "; Ctrl-C stops",
            file=err,
            flush=True,
        )
        _watch(endpoint, others)
    except _Stop:
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if others is not None:
            others.stop()
        if endpoint is not None:
            endpoint.stop()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
