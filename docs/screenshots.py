"""Screenshots of one page per page type of a published site, at 1280 and 390 px wide,
taken with headless Chromium driven by Playwright (the browser tests' driver). Run from
the checkout:

    .venv/bin/python docs/screenshots.py SITE_DIR docs/screenshots

The pages are opened through `pactgraph serve`, so the in-browser query page works too.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import CHROMIUM, Browser  # noqa: E402
from test_publish_serve import serving  # noqa: E402

PAGES = {
    "story": "index.html",
    "entity": "id/turkey.html",
    "claim": "id/claim-reference-news-2026-01-12-08.html",
    "text": "id/text-reference-news-2026-01-12.html",
    "report": "id/report-reference-news-2026-01-12.html",
    "concept": "vocab/certainty.html",
    "ontology": "ontology.html",
    "timeline": "timeline.html",
    "search": "search.html?q=turkey",
    "query": "query.html",
    "dataset": "void.html",
}


def shoot(browser: Browser, url: str, out: Path) -> None:
    errors = browser.load(url)
    if errors:
        print(f"{url}: {errors}", file=sys.stderr)
    if url.endswith("query.html"):  # show a named question answered in the browser
        browser.evaluate(
            "const p = document.getElementById('query-example'); p.value = 'contributions';"
            "p.dispatchEvent(new Event('change')); document.querySelector('#query-form button').click(); 1"
        )
        browser.wait_for("document.querySelectorAll('#query-results tbody tr').length > 0", 20)
    browser.screenshot(out)


def main(site: str, folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with serving(Path(site)) as url, Browser(CHROMIUM) as browser:
        for width, height in ((1280, 800), (390, 760)):
            browser.viewport(width, height)
            for name, path in PAGES.items():
                shoot(browser, url + path, target / f"{name}-{width}.png")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
