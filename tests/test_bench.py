"""`make bench` (benchmarks/bench.py): every row of the validation table, measured or skipped with its reason.

A tiny corpus is measured for real, each row checked against the violations the
generator injected (the oracle); rows that an earlier, smaller size projects past the
cap are not started, and the table says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402
import validation  # noqa: E402

#: Rows the test makes an earlier run project past the cap, so they are not started.
PROJECTED = (validation.PYSHACL, validation.DASK)


def test_tiny_size_gives_every_row_of_the_validation_table(tmp_path):
    # An earlier run at half the size took an hour for these rows: twice the triples project past the cap.
    seconds = {f"{label}|validation": 3600.0 for label in PROJECTED}
    (tmp_path / "timings.json").write_text(json.dumps({"tiny": {"triples": 1_800, "measured": seconds}}))
    env = {**os.environ, "BENCH_WORK": str(tmp_path), "BENCH_CAP": "600"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--sizes", "1k", "--parts", "validation"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((tmp_path / "corpus-1k" / "synthetic" / "corpus-summary.jsonl").read_text())
    rows = {row["label"]: row for row in json.loads((tmp_path / "results.json").read_text())["1k"]["validation"]}
    assert list(rows) == list(validation.ROWS)
    for label in PROJECTED:
        assert rows[label]["skipped"].startswith("skipped: ~") and "projected from tiny passes the cap" in rows[label][
            "skipped"], rows[label]
        assert "wall" not in rows[label]
    injected = summary["violations"]
    assert injected >= 1
    for label, row in rows.items():
        if label in PROJECTED or row.get("skipped", "").startswith("skipped: missing"):  # no Jena installed
            continue
        assert "skipped" not in row, row
        assert row["wall"] > 0 and row["peak_mb"] > 0
        assert row["results"] == row["expected"], row
    # The oracle: the injected violations, one more for the edited report, the joined report's own.
    assert rows[validation.COLD]["expected"] == rows[validation.WARM]["expected"] == injected
    assert rows[validation.EDITED]["expected"] == injected + 1
    new = next((tmp_path / "corpus-1k" / "synthetic-new").glob("*/report.ttl")).parent.name
    assert rows[validation.JOINED]["expected"] == sum(1 for _, slug in summary["expected"] if slug == new)
    # The printed table has every row, the skipped ones with their reason, and Jena beside pactgraph.
    table = (tmp_path / "table.txt").read_text()
    assert done.stdout.count("validation at 1k") == 1 and "validation at 1k" in table
    for label in validation.ROWS:
        assert label in table
    assert table.count("projected from tiny passes the cap (600 s)") == len(PROJECTED)
    # The edited report was put back as it was.
    report = sorted((tmp_path / "corpus-1k" / "synthetic" / "reports").glob("*/report.ttl"))[0]
    assert 'schema:inLanguage "en"' in report.read_text()


def test_projection_only_from_a_size_at_most_ten_times_smaller(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    (tmp_path / "timings.json").write_text(json.dumps({
        "10k": {"triples": 10_000, "measured": {"row|validation": 100.0}},
        "100k": {"triples": 100_000, "measured": {"row|validation": 50.0}},
    }))
    runs = bench.Bench(["1M", "10M"])
    runs.triples["1M"], runs.triples["10M"] = 1_000_000, 10_000_000
    assert runs.projected("row", "validation", "1M", 400) == (500.0, "100k")  # from 100k, not from 10k
    assert runs.projected("row", "validation", "1M", 600) is None  # within the cap: run
    assert runs.projected("row", "validation", "10M", 1) is None  # nothing within ten times: run, with the cap
    runs.note("row", "validation", 70.0, "1M")
    assert runs.projected("row", "validation", "10M", 600) == (700.0, "1M")


def test_a_row_projected_past_the_memory_cap_is_not_started(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    monkeypatch.setattr(bench, "CAP", 1000.0)
    monkeypatch.setattr(bench, "MEMORY_CAP", 20_000.0)
    runs = bench.Bench(["1M", "10M"])
    runs.triples["1M"], runs.triples["10M"] = 1_000_000, 10_000_000
    runs.record("joined", "1M", 50.0, 1_500.0)
    assert runs.not_started("joined", "10M") is None  # 500 s and 15,000 MB: run
    runs.record("joined", "1M", 50.0, 3_000.0)
    assert runs.not_started("joined", "10M") == "~30,000 MB projected from 1M passes the memory cap (20,000 MB)"
    runs.record("joined", "1M", 150.0, 3_000.0)
    assert runs.not_started("joined", "10M") == "~1,500 s projected from 1M passes the cap (1000 s)"
