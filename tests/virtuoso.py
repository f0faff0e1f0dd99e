"""Virtuoso Open Source (Debian's virtuoso-opensource) for the tests: a throwaway database on free loopback ports.

`start_virtuoso(folder)` writes a virtuoso.ini into `folder`, runs `virtuoso-t
+foreground` on it and returns once the HTTP port answers SPARQL; `Virtuoso.isql`
runs SQL as dba (grants, users); `Virtuoso.stop` ends it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VAD = "/usr/share/virtuoso-opensource-7/vad/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def executables() -> tuple[str, str] | None:
    """(virtuoso-t, isql) when installed."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    return (server, isql) if server and isql else None


@dataclass
class Virtuoso:
    process: subprocess.Popen
    folder: Path
    sql_port: int
    http_port: int
    isql_command: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba; the output (AssertionError on an SQL error)."""
        script = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements)
        done = subprocess.run(
            [self.isql_command, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF",
             "ERRORS=STDOUT"],
            input=script, capture_output=True, text=True, timeout=60, check=False,
        )
        out = done.stdout + done.stderr
        assert done.returncode == 0 and "*** Error" not in out, out
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_virtuoso(folder: Path, timeout: float = 120) -> Virtuoso:
    found = executables()
    assert found, "Virtuoso is not installed: run `make system` as root (Debian package virtuoso-opensource)"
    server, isql = found
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(
        f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 8
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
VADInstallDir = {VAD}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 8
ServerThreads = 4
MaxKeepAlives = 4
KeepAliveTimeout = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
""",
        encoding="utf-8",
    )
    log = (folder / "console.log").open("wb")
    process = subprocess.Popen(
        [server, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
        cwd=folder, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )
    found_server = Virtuoso(process, folder, sql_port, http_port, isql)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise AssertionError(f"Virtuoso stopped at once: {(folder / 'console.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{found_server.sparql}?query=ASK%7B%7D", timeout=5) as answer:
                if answer.status == 200:
                    return found_server
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            found_server.stop()
            raise AssertionError(f"Virtuoso did not answer within {timeout} s")
        time.sleep(0.3)
