"""Screenshots of one page per page type of a published site, at 1280 and 390 px wide,
taken with headless Chromium (the browser tests' driver). Run from the checkout:

    .venv/bin/python docs/screenshots.py SITE_DIR docs/screenshots

The pages are opened through `pactgraph serve`, so the in-browser query page works too.
"""

from __future__ import annotations

import base64
import sys
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
    browser.evaluate("new Promise(r => setTimeout(r, 1500))")
    shot = browser.call(
        "Page.captureScreenshot",
        {"format": "png", "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 0.5}},
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
                for width in (1280, 390):
                    shoot(browser, url + path, width, target / f"{name}-{width}.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
