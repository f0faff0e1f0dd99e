"""Contributors: `validate NEW_FILE...` with the graph it joins, and `pactgraph add`.

The fixtures in tests/fixtures/reports/ are fictional reports: `fictional-followup`
conforms and joins the graph (its claims are about propositions of the Reference
News report); each other one breaks it in one way and names, in `# expect:` lines,
every result it must raise. All writing happens in a copy of data/ in a temporary
directory; after every refused `add` that copy must be byte-identical to before.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.contributing import adding
from pactgraph.contributing.adding import tree_fingerprint
from pactgraph.validation.inputs import turtle_terms
from pactgraph.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
FOLLOWUP = FIXTURES / "fictional-followup"
SLUG = "fictional-courier-2026-02-03"
COMPARISONS = FIXTURES / "fictional-comparisons"  # valid: the claims tests/test_compare.py compares
INVALID = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name not in (FOLLOWUP.name, COMPARISONS.name))
EXPECT = re.compile(r"^# expect: (\S+) at (\S+)$", re.MULTILINE)


def copy_data(target: Path) -> Path:
    shutil.copytree(resources.data_dir(), target)
    return target


def subject_line(path: Path, name: str) -> int:
    """The line where `name` first stands as a subject in a Turtle file."""
    for token, line, subject in turtle_terms(path.read_text(encoding="utf-8")):
        if subject and token == name:
            return line
    raise AssertionError(f"{name} is not a subject in {path}")


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> Path:
    """A data folder that already holds the fictional follow-up report (added with `add`)."""
    data = copy_data(tmp_path_factory.mktemp("joined") / "data")
    outcome = adding.add([FOLLOWUP / "report.ttl"], data)
    assert outcome.conforms and [u.status for u in outcome.units] == ["added"]
    return data


def test_the_fixtures_are_marked_as_fictional():
    for folder in [FOLLOWUP, COMPARISONS, *INVALID]:
        assert (folder / "article.txt").read_text(encoding="utf-8").startswith("FICTIONAL TEST REPORT")
    assert len(INVALID) >= 4


def test_validate_new_file_with_the_graph_it_joins(cli, tmp_path):
    data = copy_data(tmp_path / "data")
    result = cli("validate", str(FOLLOWUP / "report.ttl"), "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conforms: yes — 0 violations")
    # On its own, the same file cannot resolve the propositions, outlets and reports it refers to.
    alone = cli("validate", str(FOLLOWUP / "report.ttl"), "--standalone", "-f", "json")
    assert alone.exit_code == 1
    assert any(r["sourceShape"] == "pgsh:Claim-proposition" for r in json.loads(alone.stdout)["results"])


@pytest.mark.parametrize("folder", INVALID, ids=[p.name for p in INVALID])
def test_a_refused_add_names_each_problem_and_changes_nothing(joined, folder):
    report_file = folder / "report.ttl"
    expected = set(EXPECT.findall(report_file.read_text(encoding="utf-8")))
    assert expected, f"{folder.name} names no expected result"
    before = tree_fingerprint(joined)
    outcome = adding.add([report_file], joined)
    assert not outcome.conforms
    assert {(r.source_constraint or r.source_shape, r.focus_node) for r in outcome.report.results} == expected
    for result in outcome.report.results:
        path, _, line = result.location.rpartition(":")
        assert Path(path).resolve() == report_file.resolve(), result
        assert int(line) == subject_line(report_file, result.focus_node), result
    assert tree_fingerprint(joined) == before


def test_checks_across_the_graph_explain_themselves(cli, joined):
    dangling = cli(
        "validate", str(FIXTURES / "fictional-dangling-reference" / "report.ttl"), "--data-dir", str(joined), "-f", "json"
    )
    assert dangling.exit_code == 1
    results = json.loads(dangling.stdout)["results"]
    found = [r for r in results if r["sourceConstraint"] == "pgsh:Graph-danglingReference"]
    assert len(found) == 1
    assert found[0]["value"] == "pgr:proposition-turkey-join-alliance"
    assert "nearest existing: pgr:proposition-turkey-joins-alliance, " in found[0]["message"]
    assert found[0]["location"].endswith("fictional-dangling-reference/report.ttl:145")

    conflicting = cli(
        "validate", str(FIXTURES / "fictional-conflicting-type" / "report.ttl"), "--data-dir", str(joined)
    )
    assert conflicting.exit_code == 1
    assert "Violation: pgr:ankara [Ankara]" in conflicting.stdout
    assert "neither class is a subclass of the other: one IRI is reused for two different things" in conflicting.stdout
    assert "  constraint: pgsh:Graph-conflictingTypes\n" in conflicting.stdout
    assert "  location:   " in conflicting.stdout


def test_add_puts_a_contributors_report_in_place_then_queries_see_it(cli, tmp_path):
    data = copy_data(tmp_path / "data")
    work = tmp_path / "contributor" / "my-report"
    shutil.copytree(FOLLOWUP, work)
    before = tree_fingerprint(data)
    dry = cli("add", str(work / "report.ttl"), "--data-dir", str(data), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would add:" in dry.stdout and tree_fingerprint(data) == before

    added = cli("add", str(work / "report.ttl"), "--keep", "--data-dir", str(data))
    assert added.exit_code == 0, added.output
    assert "added: " in added.stdout and f"reports/{SLUG}/ (article.txt, report.ttl)" in added.stdout
    target = data / "reports" / SLUG
    for name in ("article.txt", "report.ttl"):
        assert (target / name).read_bytes() == (work / name).read_bytes()
    assert not [p for p in data.parent.iterdir() if p.name.startswith(".pactgraph-add-")]

    query = cli("query", "disagreeing-claims", "--data-dir", str(data), "-f", "csv")
    assert query.exit_code == 0, query.output
    assert "Fictional Courier, 2026-02-03" in query.stdout and "possible" in query.stdout

    # The same report again changes nothing.
    snapshot = tree_fingerprint(data)
    again = cli("add", str(work / "report.ttl"), "--keep", "--data-dir", str(data))
    assert again.exit_code == 0 and "unchanged:" in again.stdout
    assert tree_fingerprint(data) == snapshot

    # A changed version replaces the folder whole: a stray file in the old one goes too.
    (target / "notes.md").write_text("left over\n", encoding="utf-8")
    text = (work / "report.ttl").read_text(encoding="utf-8")
    (work / "report.ttl").write_text(
        text.replace("pg:certainty pgv:certainty-possible ;", "pg:certainty pgv:certainty-underspecified ;"),
        encoding="utf-8",
    )
    replaced = cli("add", str(work / "report.ttl"), "--keep", "--data-dir", str(data))
    assert replaced.exit_code == 0, replaced.output
    assert "replaced:" in replaced.stdout
    assert sorted(p.name for p in target.iterdir()) == ["article.txt", "report.ttl"]
    assert (target / "report.ttl").read_bytes() == (work / "report.ttl").read_bytes()
    over_time = cli("query", "assessment-over-time", "--data-dir", str(data), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(over_time.stdout)))
    assert [r["certainty"] for r in rows if r["firstReported"] == "Fictional Courier"] == ["underspecified"]


def test_add_refreshes_a_persistent_store(cli, tmp_path):
    data = copy_data(tmp_path / "data")
    store = tmp_path / "store"
    result = cli("add", str(FOLLOWUP / "report.ttl"), "--keep", "--data-dir", str(data), "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "Loaded" in result.stdout
    count = cli(
        "query", "SELECT (COUNT(?c) AS ?n) WHERE { ?c pg:statedIn pgr:report-fictional-courier-2026-02-03 }",
        "--store", str(store), "-f", "csv",
    )
    assert count.exit_code == 0, count.output
    assert count.stdout.splitlines()[1].strip() == "2"


def test_add_input_errors_exit_2_and_change_nothing(cli, tmp_path):
    data = copy_data(tmp_path / "data")
    before = tree_fingerprint(data)
    plain = tmp_path / "facts.ttl"
    plain.write_text("@prefix pgr: <https://w3id.org/pactgraph/id/> .\npgr:x pgr:y pgr:turkey .\n", encoding="utf-8")
    not_a_report = cli("add", str(plain), "--data-dir", str(data))
    assert not_a_report.exit_code == 2 and "no pg:SourceText" in not_a_report.stderr
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    shutil.copy(FOLLOWUP / "report.ttl", lonely / "report.ttl")
    no_text = cli("add", str(lonely / "report.ttl"), "--data-dir", str(data))
    assert no_text.exit_code == 2 and "article.txt is not there" in no_text.stderr
    broken = tmp_path / "broken" / "report.ttl"
    broken.parent.mkdir()
    broken.write_text("@prefix pg: <https://w3id.org/pactgraph/ontology#> .\npg:x pg:y .\n", encoding="utf-8")
    syntax = cli("add", str(broken), "--data-dir", str(data))
    assert syntax.exit_code == 2 and re.search(r"report\.ttl:2:\d+:", syntax.stderr)
    assert "Traceback" not in not_a_report.output + no_text.output + syntax.output
    assert tree_fingerprint(data) == before


def test_a_failure_while_moving_undoes_everything(cli, tmp_path, monkeypatch):
    data = copy_data(tmp_path / "data")
    drafts = tmp_path / "drafts"
    text = tmp_path / "second.txt"
    text.write_text("FICTIONAL TEST REPORT. A second fictional report, for a failed move.\n", encoding="utf-8")
    made = cli(
        "new-report", str(text), "--publisher", "Fictional Gazette", "--date", "2026-02-21", "--language", "en",
        "--data-dir", str(data), "--draft-dir", str(drafts),
    )
    assert made.exit_code == 0, made.output
    second = drafts / "fictional-gazette-2026-02-21" / "report.ttl"
    before = tree_fingerprint(data)
    real_rename = adding.os.rename
    calls = []

    def failing_rename(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(adding.os, "rename", failing_rename)
    with pytest.raises(InputError, match="nothing was changed"):
        adding.add([FOLLOWUP / "report.ttl", second], data)
    assert len(calls) == 2
    assert tree_fingerprint(data) == before
    assert not [p for p in data.parent.iterdir() if p.name.startswith(".pactgraph-add-")]


def test_the_lock_serialises_writers(tmp_path):
    import fcntl
    import multiprocessing

    def try_lock(path, queue):
        fd = open(path, "a")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            queue.put("locked")
        except BlockingIOError:
            queue.put("busy")

    context = multiprocessing.get_context("fork")
    with adding.data_lock(tmp_path):
        queue = context.Queue()
        child = context.Process(target=try_lock, args=(tmp_path / adding.LOCK_NAME, queue))
        child.start()
        child.join(10)
        assert queue.get(timeout=10) == "busy"


def test_the_comparisons_report_adds_to_a_graph_that_holds_the_follow_up(joined, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(joined, data)
    outcome = adding.add([COMPARISONS / "report.ttl"], data)
    assert outcome.conforms, [r.to_dict() for r in outcome.report.results]
    assert [u.status for u in outcome.units] == ["added"]
