"""The built wheel carries the ontology, data, shapes and queries, and works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    wheels = list(out.glob("pactgraph-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_contains_every_shipped_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("ontology", "shapes", "data", "queries"):
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert shipped, folder
        assert {f"pactgraph/resources/{name}" for name in shipped} <= names


def test_installed_wheel_answers_and_validates_from_another_directory(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    program = "from pactgraph.cli.main import main; main()"

    def run(*args):
        return subprocess.run([sys.executable, "-c", program, *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=300)

    located = subprocess.run([sys.executable, "-c", "import pactgraph.resources as r; print(r.root())"],
                             cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert Path(located.stdout.strip()).is_relative_to(site)

    answer = run("query", "parties-and-date", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert "Pakistan" in answer.stdout and "2025-09-17" in answer.stdout

    checked = run("validate")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("Conforms: yes")


# ---------------------------------------------------------------- browser files from npm

VENDOR = ROOT / "src/pactgraph/publishing/vendor"


def test_vendored_browser_files_are_the_pinned_npm_versions():
    from pactgraph.publishing.vendored import PACKAGES

    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for package in PACKAGES:
        assert manifest["dependencies"][package.name] == package.version, package.name
        assert lock["packages"][f"node_modules/{package.name}"]["version"] == package.version, package.name
        shipped = json.loads((VENDOR / package.name / "package.json").read_text(encoding="utf-8"))
        assert (shipped["name"], shipped["version"]) == (package.name, package.version)
        folder = VENDOR / package.name
        assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(
            package.files
        )


def test_vendored_browser_files_are_byte_identical_to_the_installed_npm_package():
    from pactgraph.publishing.vendored import PACKAGES

    for package in PACKAGES:
        installed = ROOT / "node_modules" / package.name
        if not (installed / "package.json").is_file():
            pytest.skip(f"node_modules/{package.name} is not installed (make node_modules)")
        for name in package.files:
            assert (installed / name).read_bytes() == (VENDOR / package.name / name).read_bytes(), (
                f"{package.name}/{name} differs from node_modules: run `make vendor`"
            )


def test_wheel_carries_the_browser_files(wheel):
    from pactgraph.publishing.vendored import PACKAGES

    archive = zipfile.ZipFile(wheel)
    for package in PACKAGES:
        for name in package.files:
            inside = f"pactgraph/publishing/vendor/{package.name}/{name}"
            assert archive.read(inside) == (VENDOR / package.name / name).read_bytes(), inside


def test_a_site_published_from_the_wheel_has_a_query_engine(wheel, tmp_path, browser):
    """`pip install pactgraph && pactgraph publish`: the wheel alone (no npm, no checkout) gives
    a query page that answers in the browser and a search that ranks."""
    from test_publish_serve import serving
    from test_publish_story import run_query

    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    out = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-c", "from pactgraph.cli.main import main; main()", "publish", str(out), "--no-validate"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(installed)), capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr, done.stderr
    assert (out / "vendor/oxigraph/web_bg.wasm").read_bytes() == (VENDOR / "oxigraph/web_bg.wasm").read_bytes()
    assert (out / "query.js").is_file()
    assert 'id="query-form"' in (out / "query.html").read_text(encoding="utf-8")
    with serving(out) as url:
        assert browser.load(url + "query.html") == []
        run_query(browser, "SELECT ?state WHERE { ?state a pg:SovereignState } ORDER BY ?state LIMIT 1")
        assert browser.evaluate("document.getElementById('query-status').textContent").startswith("1 row")
        assert browser.load(url + "search.html?q=Turkey") == []
        first = browser.evaluate(
            "[...document.querySelectorAll('#search-results li')].find(li => !li.hidden)"
            ".querySelector('a').getAttribute('href')"
        )
        assert first == "id/turkey.html"
