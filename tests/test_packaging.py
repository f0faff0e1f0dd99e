"""The built wheel carries the ontology, data, shapes and queries, and works from any directory."""

from __future__ import annotations

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
    program = "from pactgraph.cli import main; main()"

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
