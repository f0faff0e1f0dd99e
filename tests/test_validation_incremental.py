"""After a drawn sequence of edits, a warm-cache validation (the whole-graph shapes run again only for the
focus nodes the edits can affect: validation.incremental) gives the JSON of a cold one with a fresh cache."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import os
import re
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[1]
REPORT = "pgr:report-reference-news-2026-01-12"
#: Lines an edit appends to a file: each touches a whole-graph shape (dangling references, undeclared
#: terms, conflicting types, closed vocabulary) or defines what another one refers to.
LINES = [
    f"{REPORT} pg:mentions pgr:e18-missing .",
    "pgr:e18-missing a pg:Report .",
    "pgr:e18-node a pg:Report, <http://example.org/Other> .",
    "pgr:e18-node pg:bogusTerm \"x\" .",
    "pgr:e18-node pg:mentions [ pg:mentions pgr:e18-missing ] .",
    "pgv:e18-concept <http://www.w3.org/2004/02/skos/core#inScheme> pgv:certainty .",
    f"{REPORT} pg:mentions pgr:e18-node .",
]


def _json(data: Path, cache: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "pactgraph", "validate", "-f", "json", "--data-dir", str(data),
                           "--cache", str(cache)], capture_output=True, text=True, env=env, check=False)
    assert done.returncode in (0, 1), done.stderr
    # A blank node is named anew by every parse, cold or warm: its label is not compared.
    return re.sub(r'"_:[A-Za-z0-9]+"', '"_:b"', done.stdout)


edits = st.lists(st.tuples(st.sampled_from(["report", "entities", "new", "delete"]),
                           st.sampled_from(range(len(LINES))), st.booleans()), min_size=1, max_size=3)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=edits)
# A reference made dangling, then resolved in another file: the node that refers is found by the join.
@example(steps=[("report", 0, True), ("entities", 1, True), ("entities", 1, False)])
# A report file added with a blank node, then deleted; a conflicting type added, then taken out.
@example(steps=[("new", 4, True), ("report", 2, True), ("delete", 0, True), ("report", 2, False)])
def test_warm_equals_cold_after_edits(tmp_path_factory, steps):
    work = tmp_path_factory.mktemp("inc")
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    cache = work / "cache"
    _json(data, cache)
    report = next(data.glob("reports/*/report.ttl"))
    extra = data / "reports" / "e18-extra" / "report.ttl"
    for n, (where, index, add) in enumerate(steps):
        line = LINES[index]
        target = {"report": report, "entities": data / "entities.ttl", "new": extra, "delete": extra}[where]
        if where == "delete":
            if extra.exists():
                extra.unlink()
        elif add or not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            prologue = "" if target.exists() else _prologue(report)
            with target.open("a", encoding="utf-8") as out:
                out.write(prologue + "\n" + line + "\n")
        else:
            target.write_text(target.read_text(encoding="utf-8").replace("\n" + line + "\n", "\n"), encoding="utf-8")
        warm = _json(data, cache)
        cold = _json(data, work / f"fresh{n}")
        assert warm == cold, (steps, n)


def _prologue(report: Path) -> str:
    return "".join(line + "\n" for line in report.read_text(encoding="utf-8").splitlines() if line.startswith(("@prefix", "PREFIX")))
