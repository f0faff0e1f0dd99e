"""Screenshots of one page per page type of a published site, at 1280 and 390 px wide,
taken with headless Chromium (the browser tests' driver). Run from the checkout:

    .venv/bin/python docs/screenshots.py SITE_DIR docs/screenshots

The pages are opened through `pactgraph serve`, so the in-browser query page works too.
"""

from __future__ import annotations

import base64
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_publish_browser import CHROMIUM, Browser  # noqa: E402
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


def shoot(browser: Browser, url: str, width: int, out: Path, height: int = 900) -> None:
    session = browser.session
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
        session=session,
    )
    browser.load(url)
    if url.endswith("query.html"):  # show a named question answered in the browser
        browser.evaluate(
            "const p = document.getElementById('query-example'); p.value = 'contributions';"
            "p.dispatchEvent(new Event('change')); document.querySelector('#query-form button').click(); 1"
        )
        for _ in range(100):
            if browser.evaluate("document.querySelectorAll('#query-results tbody tr').length"):
                break
            time.sleep(0.2)
    time.sleep(0.5)
    scale = 0.6 if width > 500 else 0.8
    shot = browser.call(
        "Page.captureScreenshot",
        {"format": "png", "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": scale}},
        session=session,
    )
    out.write_bytes(base64.b64decode(shot["data"]))


def main(site: str, folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    browser = Browser(CHROMIUM, tabs=1)
    try:
        with serving(Path(site)) as url:
            for name, path in PAGES.items():
                for width, height in ((1280, 800), (390, 760)):
                    shoot(browser, url + path, width, target / f"{name}-{width}.png", height)
    finally:
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
