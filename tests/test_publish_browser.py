"""The published pages in headless Chromium (Debian's `chromium`), driven over the
DevTools protocol: every page loads without console errors, pages work from
files too, and hostile labels are shown as text and never run.

Chromium is required: without it these tests fail and say how to install it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from test_publish import publish_hostile
from test_publish_serve import serving

CHROMIUM = (
    "/usr/bin/chromium"
    if Path("/usr/bin/chromium").exists()
    else (shutil.which("chromium") or "/usr/bin/chromium")
)
INSTALL = "install Debian's Chromium: apt-get update && apt-get install -y chromium"


class Browser:
    """Headless Chromium driven over the DevTools protocol (websocket-client), with a few
    tabs so that many pages can load at once."""

    def __init__(self, executable: str, tabs: int = 4):
        import websocket

        self.profile = tempfile.mkdtemp(prefix="pactgraph-chromium-")
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        endpoint = None
        deadline = time.monotonic() + 30
        while endpoint is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line and self.proc.poll() is not None:
                break
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                endpoint = match.group(1)
        if endpoint is None:
            self.close()
            raise RuntimeError("Chromium did not start its DevTools endpoint")
        self.ws = websocket.create_connection(endpoint, timeout=30)
        self.counter = 0
        self.events: dict[str | None, list[dict]] = {}
        self.sessions = []
        for _ in range(tabs):
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for method in ("Page.enable", "Runtime.enable", "Log.enable"):
                self.call(method, session=session)
            self.sessions.append(session)
        self.session = self.sessions[0]

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.counter += 1
        message = {"id": self.counter, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        return self.counter

    def _receive(self) -> dict:
        message = json.loads(self.ws.recv())
        if "method" in message:
            self.events.setdefault(message.get("sessionId"), []).append(message)
        return message

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        ident = self._send(method, params, session)
        while True:
            reply = self._receive()
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def load_many(self, urls: list[str]) -> dict[str, list[str]]:
        """Open every URL (one per free tab) and return the console errors each caused.

        A page is done when its load event has fired and a later evaluation has come
        back, so messages sent during the load have arrived."""
        pending = list(urls)
        results: dict[str, list[str]] = {}
        busy: dict[str, str] = {}  # session -> url
        settling: dict[int, str] = {}  # request id -> session
        navigations: dict[int, str] = {}

        def start(session: str) -> None:
            url = pending.pop(0)
            busy[session] = url
            self.events[session] = []
            navigations[self._send("Page.navigate", {"url": url}, session)] = session

        for session in self.sessions:
            if pending:
                start(session)
        while busy:
            message = self._receive()
            ident = message.get("id")
            if ident in navigations:
                session = navigations.pop(ident)
                error = message.get("result", {}).get("errorText") or message.get("error")
                if error:
                    results[busy.pop(session)] = [f"navigation failed: {error}"]
                    if pending:
                        start(session)
            elif ident in settling:
                session = settling.pop(ident)
                results[busy.pop(session)] = self._errors(self.events.get(session, []))
                if pending:
                    start(session)
            elif message.get("method") == "Page.loadEventFired" and message.get("sessionId") in busy:
                session = message["sessionId"]
                settling[self._send("Runtime.evaluate", {"expression": "1"}, session)] = session
        return results

    def load(self, url: str) -> list[str]:
        """Open `url` in the first tab and return the console errors it caused."""
        saved, self.sessions = self.sessions, [self.session]
        try:
            return self.load_many([url])[url]
        finally:
            self.sessions = saved

    @staticmethod
    def _errors(events: list[dict]) -> list[str]:
        found = []
        for event in events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(
                    "console: "
                    + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                )
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                found.append(
                    "exception: " + str(details.get("exception", {}).get("description", details.get("text")))
                )
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                found.append(
                    f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip()
                )
        return found

    def evaluate(self, expression: str):
        """Evaluate in the first tab (the page last opened with load())."""
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=self.session
        )
        return result.get("result", {}).get("value")

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self.proc.stderr.close()
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: {INSTALL}", pytrace=False)
    try:
        import websocket  # noqa: F401
    except ImportError:
        pytest.fail("the websocket-client package is missing: pip install websocket-client", pytrace=False)
    instance = Browser(CHROMIUM)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pactgraph", "publish", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_error_detector_sees_injected_errors(browser, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>x</title><link rel=stylesheet href=missing.css></head>"
        "<body><script>console.error('injected error')</script>"
        "<script>throw new Error('injected exception')</script></body></html>",
        encoding="utf-8",
    )
    errors = browser.load(page.as_uri())
    assert any("injected error" in e for e in errors), errors
    assert any("injected exception" in e for e in errors), errors
    assert any("missing.css" in e for e in errors), errors
    clean = tmp_path / "clean.html"
    clean.write_text(
        "<!DOCTYPE html><html><head><title>ok</title></head><body>ok</body></html>", encoding="utf-8"
    )
    assert browser.load(clean.as_uri()) == []


def test_every_page_loads_without_console_errors(browser, site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 250
    # every page from its file (the site works offline), four tabs at a time
    results = browser.load_many([(site / path).as_uri() for path in pages])
    assert len(results) == len(pages)
    assert {u: e for u, e in results.items() if e} == {}
    # and a sample through the preview server
    sample = [
        "index.html",
        "id/turkey.html",
        "ontology.html",
        "shapes.html",
        "void.html",
        "id/claim-reference-news-2026-01-12-08.html",
        "vocab/certainty.html",
    ]
    with serving(site) as url:
        assert {u: e for u, e in browser.load_many([url + p for p in sample]).items() if e} == {}
        for path in ("index.html", "id/turkey.html", "ontology.html"):
            assert browser.load(url + path) == []
            # the local stylesheet is applied and the page links back to the index
            assert (
                browser.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
                == "rgb(23, 50, 77)"
            )
            assert browser.evaluate("[...document.links].some(a => a.href.endsWith('/index.html'))")


def test_pages_work_from_files_without_a_server(browser, site):
    for path in ("index.html", "id/turkey.html", "void.html"):
        assert browser.load((site / path).as_uri()) == [], path
        assert (
            browser.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
            == "rgb(23, 50, 77)"
        )
    assert browser.evaluate("document.title") == "Dataset description · pactgraph"


def test_hostile_labels_are_shown_as_text_and_never_run(browser, tmp_path, prefixes):
    out = publish_hostile(tmp_path, prefixes)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    results = browser.load_many([(out / path).as_uri() for path in pages])
    assert {u: e for u, e in results.items() if e} == {}
    with serving(out) as url:
        for path in (
            "id/evil-state.html",
            "id/evil-claim.html",
            "id/evil-proposition.html",
            "index.html",
            "void.html",
        ):
            assert browser.load(url + path) == [], path
            assert browser.evaluate("typeof window.pwned") == "undefined", path
            # only the site's own script, no image, frame or figure from the data
            assert browser.evaluate(
                "[...document.scripts].every(s => s.src.endsWith('/site.js') && s.text === '')"
            ), path
            assert browser.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0, path
            assert browser.evaluate(
                "[...document.querySelectorAll('svg')].every(s => ['chain-figure', 'chart'].includes("
                "s.getAttribute('class')) && ![...s.querySelectorAll('*')].some(e => e.tagName === 'script' "
                "|| e.tagName === 'foreignObject' || [...e.attributes].some(a => a.name.startsWith('on'))))"
            ), path
            assert browser.evaluate("[...document.links].every(a => /^https?:/.test(a.href))"), path
        browser.load(url + "id/evil-state.html")
        text = browser.evaluate("document.body.innerText")
        assert "<script>console.error('xss-script');window.pwned=1</script>" in text
        assert '"><img src=x onerror="console.error(\'xss-img\');window.pwned=2">' in text
        assert "<script>console.error('xss-quote')</script>" in text  # the claim's quote
        assert browser.evaluate("document.title").startswith("<script>")
