"""Debian's Chromium, driven by Playwright for the browser tests and the screenshot script.

Playwright launches the system browser by its path (`/usr/bin/chromium`, from `make system`);
nothing is downloaded. Pages are opened one at a time in one tab per viewport; the errors a
page causes while it loads (console errors, uncaught exceptions, failed requests, HTTP
errors) are collected for it. Every browser this module starts is closed by `close()` or by
leaving its `with` block (a failing test included); the process's one Playwright driver is
stopped when the interpreter exits.
"""

from __future__ import annotations

import atexit
import shutil
from pathlib import Path
from typing import Any

CHROMIUM = (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else (shutil.which("chromium") or "/usr/bin/chromium")
)
INSTALL = "install Debian's Chromium: make system (apt-get install -y chromium)"

_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


_DRIVER: list[Any] = []


def _driver() -> Any:
    """The process's one Playwright driver (the sync API allows one per thread), stopped at exit."""
    if not _DRIVER:
        from playwright.sync_api import sync_playwright

        _DRIVER.append(sync_playwright().start())
        atexit.register(_DRIVER[0].stop)
    return _DRIVER[0]


class Browser:
    """One headless Chromium and one tab (`page`) of a given viewport."""

    def __init__(self, executable: str = CHROMIUM, width: int = 1280, height: int = 900) -> None:
        if not Path(executable).exists():
            raise FileNotFoundError(f"Chromium not found at {executable}: {INSTALL}")
        self._browser = _driver().chromium.launch(executable_path=executable, args=_ARGS, headless=True)
        self._open = True
        atexit.register(self.close)
        self.version = self._browser.version
        self._errors: list[str] = []
        self.page = self._new_page(width, height)

    # ------------------------------------------------------------------ tabs and viewports

    def _new_page(self, width: int, height: int) -> Any:
        context = self._browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=1,
            is_mobile=width < 500,
            has_touch=width < 500,
        )
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._errors.append(f"exception: {error}"))
        page.on("requestfailed", lambda r: self._errors.append(f"request failed: {r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: self._errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )
        return page

    def _on_console(self, message: Any) -> None:
        if message.type in ("error", "assert"):
            self._errors.append(f"console: {message.text}")

    def viewport(self, width: int, height: int = 900) -> None:
        """Open a fresh tab of this size (a phone below 500 px: mobile and touch emulation)."""
        old = self.page
        self.page = self._new_page(width, height)
        old.context.close()

    # ------------------------------------------------------------------ pages

    def load(self, url: str) -> list[str]:
        """Open `url`, wait for its load event, and return the errors it caused meanwhile."""
        self._errors = []
        try:
            self.page.goto(url, wait_until="load", timeout=60_000)
        except Exception as error:  # a navigation that fails is an error of the page
            self._errors.append(f"navigation failed: {str(error).splitlines()[0]}")
            return list(self._errors)
        self.page.evaluate("1")  # a round trip: events sent during the load have arrived
        return list(self._errors)

    def load_many(self, urls: list[str]) -> dict[str, list[str]]:
        """Open every URL in turn; the errors each caused."""
        return {url: self.load(url) for url in urls}

    def evaluate(self, expression: str) -> Any:
        """Evaluate a JavaScript expression in the page (a promise is awaited)."""
        return self.page.evaluate(expression)

    def run_script(self, source: str) -> None:
        """Run a script file's text in the page, past its Content-Security-Policy (as DevTools does)."""
        self.page.evaluate(f"{source}\n;0")

    def wait_for(self, expression: str, seconds: float = 60) -> Any:
        """Wait until `expression` is truthy in the page; its value."""
        return self.page.wait_for_function(expression, timeout=seconds * 1000).json_value()

    def screenshot(self, path: Path) -> None:
        path.write_bytes(self.page.screenshot())

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Close the browser and all its processes (again: nothing happens)."""
        if getattr(self, "_open", False):
            self._open = False
            self._browser.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
