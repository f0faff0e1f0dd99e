"""The README tells the truth: its "Adding a report" walkthrough runs as written, its layout
table lists the tree, and its competency questions are the query files' own words.

The walkthrough's commands are read from the README's fenced `sh`/`console` blocks and run,
in order, in a copy of the checkout (the package imported from the copy, so `data/` of the
copy is the one written); `pactgraph` stands for `python -m pactgraph`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLES = ROOT / "docs" / "examples"
EXAMPLE_TEXT = EXAMPLES / "example-daily-fictional.txt"
EXAMPLE_SHEET = EXAMPLES / "example-daily-claims.csv"
SLUG = "example-daily-2026-02-05"


def section(title: str) -> str:
    """The README text under `## title`, up to the next second-level heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def fenced_blocks(text: str, *languages: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.M | re.S) if m.group(1) in languages]


def shell_commands(block: str, console: bool) -> list[list[str]]:
    """The commands of a block as argument lists: continuation lines joined, comments dropped;
    in a console block only the `$ ` lines are commands."""
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        if console:
            if not line.startswith("$ "):
                continue
            line = line[2:]
        words = shlex.split(line, comments=True)
        if words:
            commands.append(words)
    return commands


def walkthrough_commands() -> list[list[str]]:
    text = section("Adding a report")
    blocks = re.finditer(r"^```(sh|console)\n(.*?)^```$", text, re.M | re.S)
    return [words for m in blocks for words in shell_commands(m.group(2), console=m.group(1) == "console")]


class Ran(NamedTuple):
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Ran]]:
    """Every walkthrough command, run in order in a fresh copy of the checkout."""
    copy = tmp_path_factory.mktemp("checkout")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("src", "ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / name, copy / name, ignore=skip)
    shutil.copytree(EXAMPLES, copy / "docs" / "examples")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy / "src"), env.get("PYTHONPATH")]))
    env.pop("PACTGRAPH_TRACEBACK", None)
    runs = []
    for words in walkthrough_commands():
        assert words[0] == "pactgraph", f"the walkthrough runs only pactgraph commands: {shlex.join(words)}"
        done = subprocess.run(
            [sys.executable, "-m", "pactgraph", *words[1:]],
            cwd=copy, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600,
        )
        runs.append(Ran(words, done.returncode, done.stdout, done.stderr))
    return copy, runs


def ran(runs: list[Ran], *words: str) -> list[Ran]:
    """The runs whose arguments after `pactgraph` start with these words."""
    return [run for run in runs if run.args[1 : 1 + len(words)] == list(words)]


def test_every_walkthrough_command_succeeds(walkthrough):
    _, runs = walkthrough
    steps = {run.args[1] for run in runs}
    assert {"new-report", "find", "claim", "claims", "validate", "add", "query", "timeline"} <= steps
    for run in runs:
        assert run.returncode == 0, f"{shlex.join(run.args)} exited {run.returncode}:\n{run.stdout}{run.stderr}"


def test_the_walkthrough_builds_validates_and_adds_the_report(walkthrough):
    copy, runs = walkthrough
    (created,) = ran(runs, "new-report")
    assert f"Created drafts/{SLUG}/" in created.stdout
    added = ran(runs, "claim", "add")
    assert len(added) == 2 and all("added: pgr:claim-" in run.stdout for run in added)
    (listed,) = ran(runs, "claim", "list")
    assert "'Turkey will not join the alliance this year'" in listed.stdout
    assert "talks on Turkey's accession had slowed" in listed.stdout
    (imported,) = ran(runs, "claims", "import")
    assert "added: pgr:jane-placeholder" in imported.stdout
    exported = (copy / "claims.csv").read_text(encoding="utf-8")
    quotes = {row["quote"] for row in csv.DictReader(io.StringIO(exported)) if row["kind"] == "claim"}
    assert quotes == {"Turkey will not join the alliance this year", "Turkey has not abandoned its bid"}  # claim 2 removed
    (validated,) = ran(runs, "validate")
    assert "Conforms: yes" in validated.stdout
    dry_run, add = ran(runs, "add")
    assert "Dry run: nothing was changed." in dry_run.stdout
    assert f"added: data/reports/{SLUG}/" in add.stdout
    assert (copy / "data" / "reports" / SLUG / "article.txt").read_bytes() == EXAMPLE_TEXT.read_bytes()
    assert not (copy / "drafts" / SLUG).exists()  # moved, as the README says
    assert not (ROOT / "data" / "reports" / SLUG).exists()  # the checkout itself is untouched


def test_the_new_claims_show_in_the_questions_and_the_timeline(walkthrough):
    copy, runs = walkthrough
    (disagreeing,) = ran(runs, "query", "disagreeing-claims")
    assert any("contradict" in line and "Example Daily" in line for line in disagreeing.stdout.splitlines())
    (over_time,) = ran(runs, "query", "assessment-over-time")
    assert "Turkey will not join the alliance this year" in over_time.stdout
    (as_of,) = ran(runs, "query", "reports")
    assert "Reference News" in as_of.stdout and "Example Daily" not in as_of.stdout  # published 2026-02-05
    (timeline, svg) = ran(runs, "timeline")
    assert "Example Daily report of 5 February 2026" in timeline.stdout
    assert "<svg" in (copy / "timeline.svg").read_text(encoding="utf-8")
    assert svg.args[-1] == "timeline.svg"


def test_the_example_text_holds_every_quote_and_the_sheet_is_the_one_shown():
    text = EXAMPLE_TEXT.read_text(encoding="utf-8")
    assert text.startswith("FICTIONAL")
    quotes = [words[i + 1] for words in walkthrough_commands() for i, w in enumerate(words) if w == "--quote"]
    (sheet,) = fenced_blocks(section("Adding a report"), "csv")
    quotes += [row["quote"] for row in csv.DictReader(io.StringIO(sheet)) if row["quote"]]
    assert len(quotes) == 3
    for quote in quotes:
        assert quote in text
    assert sheet == EXAMPLE_SHEET.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the layout table


def layout_rows() -> list[tuple[list[str], list[str]]]:
    """(paths of the first column, backquoted words of the second) for each row."""
    rows = []
    for line in section("Layout").splitlines():
        if line.startswith("| `"):
            first, contents = line.strip().strip("|").split(" | ", 1)
            rows.append((re.findall(r"`([^`]+)`", first), re.findall(r"`([^`]+)`", contents)))
    return rows


def looks_like_a_path(word: str) -> bool:
    return bool(re.fullmatch(r"[\w.-]+(/[\w.-]+)*/?", word)) and ("/" in word or bool(re.search(r"\.[a-z]+$", word)))


def layout_paths() -> set[Path]:
    """Every path the table names, each checked to exist: the first column from the top of the
    repository, a name in the contents from its row's folder or a folder named before it."""
    named: set[Path] = set()
    for paths, words in layout_rows():
        bases = [ROOT]
        for path in paths:
            assert (ROOT / path).exists(), f"the layout table names {path}, which does not exist"
            named.add(ROOT / path)
            if (ROOT / path).is_dir():
                bases.append(ROOT / path)
        for word in filter(looks_like_a_path, words):
            found = [base / word for base in bases if (base / word).exists()]
            assert found, f"the layout table names {word} under {paths}, which does not exist"
            named.add(found[-1])
            if found[-1].is_dir():
                bases.append(found[-1])
    return {path.resolve() for path in named}


def test_every_path_of_the_layout_table_exists_and_the_tree_is_listed():
    named = layout_paths()
    first_column = {Path(path).parts[0] for paths, _ in layout_rows() for path in paths}
    listed = subprocess.run(
        ["git", "ls-files", "--cached"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    top = {Path(name).parts[0] for name in listed if (ROOT / name).exists()}
    assert top - first_column == set(), "top-level files and folders missing from the README's layout table"
    for shape_file in (ROOT / "shapes").iterdir():
        assert shape_file.resolve() in named, f"the layout table does not list shapes/{shape_file.name}"
    for folder in (ROOT / "tests" / "fixtures").iterdir():
        if folder.is_dir():
            assert folder.resolve() in named, f"the layout table does not list tests/fixtures/{folder.name}/"


def test_the_readme_questions_are_the_query_files_questions():
    in_readme = {}
    for line in section("The competency questions").splitlines():
        row = re.fullmatch(r"\| (\d+) \| ([\w-]+) \| (.*) \|", line)
        if row:
            in_readme[f"{int(row.group(1)):02d}-{row.group(2)}"] = row.group(3)
    in_queries = {}
    for query in sorted((ROOT / "queries").glob("*.rq")):
        (question,) = [line for line in query.read_text(encoding="utf-8").splitlines() if line.startswith("# question: ")]
        in_queries[query.stem] = question.removeprefix("# question: ")
    assert in_readme == in_queries
