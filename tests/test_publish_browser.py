"""The published pages in headless Chromium (Debian's `chromium`, driven by Playwright):
every page loads without console errors, pages work from files too, and hostile labels
are shown as text and never run.

Chromium is required: without it these tests fail and say how to install it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import CHROMIUM, Browser
from test_publish import publish_hostile
from test_publish_serve import serving



@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site.path


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
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")
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
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "404.html")
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
            # only the site's own script (and inert JSON-LD data blocks that parse), no image, frame or figure from the data
            assert browser.evaluate(
                "[...document.scripts].every(s => (s.src.endsWith('/site.js') && s.text === '') || "
                "(s.type === 'application/ld+json' && !s.src && JSON.parse(s.text)))"
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


def _browser_processes() -> set[int]:
    """Process ids of the Chromium processes this test process started (its descendants), so
    that a browser of another test run on the same machine is neither counted nor blamed."""
    parents: dict[int, int] = {}
    commands: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # The fields after the command name, which is in parentheses and may hold spaces.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        commands[int(entry.name)] = [w.decode(errors="replace") for w in command if w]

    def ours(pid: int) -> bool:
        seen = set()
        while pid not in seen and pid > 1:
            seen.add(pid)
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    return {
        pid for pid, words in commands.items()
        if words and Path(words[0]).name in ("chromium", "chrome", "chrome_crashpad_handler") and ours(pid)
    }


def test_no_browser_outlives_a_failing_test(tmp_path):
    before = _browser_processes()
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><title>t</title><p>t", encoding="utf-8")
    with pytest.raises(AssertionError, match="a failing check"):
        with Browser(CHROMIUM) as browser:
            assert browser.load(page.as_uri()) == []
            started = _browser_processes() - before
            assert started, "the browser's processes are visible while it runs"
            raise AssertionError("a failing check")
    assert _browser_processes() - before == set()
