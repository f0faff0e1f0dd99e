"""Shapes the SHACL engines cannot use: one line and exit 2, never a crash, a traceback or
stray output.

Each file in tests/fixtures/unusable-shapes holds one defect that made pySHACL or
pyshacl-turbo raise (an assertion, a KeyError, a regex error, ...), print to stdout,
or log a traceback. Its `# exit:` line gives the exit status each engine must end
with: 2 with `pactgraph: error: SHACL validation failed: ...` where the engine cannot
use the shapes, 0 or 1 where it validates.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from pactgraph.cli import diagnostics

HERE = Path(__file__).parent
FOLDER = HERE / "fixtures" / "unusable-shapes"
FILES = sorted(FOLDER.glob("*.ttl"))
DATA = HERE / "fixtures" / "valid" / "fictional-report.ttl"
ENGINES = ("pyshacl", "pyshacl-turbo")


def expected_exits(path: Path) -> dict[str, int]:
    match = re.search(r"^# exit: pyshacl=(\d) pyshacl-turbo=(\d)$", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.name}: no `# exit:` line"
    return dict(zip(ENGINES, map(int, match.groups()), strict=True))


def test_the_folder_holds_the_cases():
    assert len(FILES) >= 30, f"{FOLDER}: expected the unusable-shapes fixtures"
    for path in FILES:
        expected_exits(path)


@pytest.fixture(scope="module", autouse=True)
def terminal_diagnostics():
    """Warnings and library logs as the command line shows them (main() sets this up)."""
    import logging

    shown = warnings.showwarning
    handlers = list(logging.getLogger().handlers)
    diagnostics.one_line_diagnostics()
    yield
    warnings.showwarning = shown
    for handler in logging.getLogger().handlers:
        if handler not in handlers:
            logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_unusable_shapes(cli, path, engine):
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = diagnostics.show_warning
        result = cli("validate", str(DATA), "--shapes", str(path), "--engine", engine, "-q")
    lines = result.stderr.splitlines()
    assert result.exit_code == expected_exits(path)[engine], result.stderr
    assert result.stdout == "", "nothing but the report may reach stdout"
    assert all(line.startswith("pactgraph: ") for line in lines), result.stderr
    assert "unexpected failure" not in result.stderr and "Traceback" not in result.stderr
    errors = [line for line in lines if line.startswith("pactgraph: error: ")]
    if result.exit_code == 2:
        assert len(errors) == 1 and errors[0].startswith("pactgraph: error: SHACL validation failed: "), result.stderr
        assert len(errors[0]) < 400
    else:
        assert errors == []


@pytest.mark.parametrize(
    "name, engine, stderr",
    [
        ("expression-filter-shape-blank", "pyshacl", r"pactgraph: error: SHACL validation failed: pySHACL could not use the shapes: KeyError: .* at pyshacl/shapes_graph\.py:\d+\n"),
        ("ill-typed-literal", "pyshacl", r""),
        ("recursive-shape", "pyshacl-turbo", r"(pactgraph: warning: ShapeRecursionWarning: Warning, A Recursive Shape was detected [^\n]*\n)+"),
    ],
)
def test_a_real_process_shows_one_line_each(pactgraph, name, engine, stderr):
    """Through the console entry point: pySHACL's print(), rdflib's logged traceback and
    Python warnings all reach the terminal as pactgraph lines, or not at all."""
    done = pactgraph("validate", str(DATA), "--shapes", str(FOLDER / f"{name}.ttl"), "--engine", engine, "-q")
    assert done.returncode == expected_exits(FOLDER / f"{name}.ttl")[engine]
    assert done.stdout == ""
    assert re.fullmatch(stderr, done.stderr), done.stderr
