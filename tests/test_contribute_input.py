"""Bad input to the authoring commands: one clear line, exit 2, nothing written.

`claims export` escapes cells a spreadsheet would run as formulas (OWASP's CSV
injection rule) and `claims import` undoes the escape and refuses a formula it
was not given escaped; names that are IRIs are refused as names; size limits are
checked before anything else (a broken data folder proves it: its error would come
first otherwise); a sheet's bad rows are all named at once; `add` moves the draft
and `new-report --discard` removes one. Every report here is fictional
(tests/fixtures/grown/example-daily.txt says so in its first line).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from pactgraph import resources
from pactgraph.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures" / "grown"
SLUG = "example-daily-2026-02-03"
QUOTE = "Turkey's accession is now only possible, not probable"
FORMULA = "=cmd|' /C calc'!A0"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def one_error_line(result) -> str:
    """The single stderr line of a refused command (exit 2)."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pactgraph: error: "), lines[0]
    assert "this is a bug" not in lines[0]
    return lines[0]


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


@pytest.fixture
def draft(data, tmp_path) -> Path:
    result = run(
        "new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "Example Daily", "--date", "2026-02-03",
        "--language", "en", "--data-dir", str(data), "--draft-dir", str(tmp_path / "drafts"),
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "drafts" / SLUG


def broken_data(tmp_path: Path) -> Path:
    """A data folder whose Turtle does not parse: a command that loads it fails on it."""
    broken = tmp_path / "broken-data"
    broken.mkdir()
    (broken / "broken.ttl").write_text("this is not turtle .\n", encoding="utf-8")
    return broken


def sheet(tmp_path: Path, *rows: dict[str, str], name: str = "sheet.csv") -> Path:
    columns = ["kind", "label", "claimant", "quote", "proposition", "certainty", "polarity", "time"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a lone CR quoted too
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def claim_row(**changes: str) -> dict[str, str]:
    row = {"kind": "claim", "claimant": "officials who did not want", "quote": QUOTE,
           "proposition": "proposition-turkey-joins-alliance", "certainty": "possible", "polarity": "positive",
           "time": "future"}
    row.update(changes)
    return row


# ---------------------------------------------------------------- formulas in sheets


def test_export_escapes_formula_cells_and_import_reads_them_back(data, draft, tmp_path):
    added = run("claim", "add", str(draft), "--claimant", "officials who did not want", "--quote", QUOTE,
                "--proposition", "proposition-turkey-joins-alliance", "--certainty", "possible", "--time", "future",
                "--label", FORMULA, "--data-dir", str(data))
    assert added.exit_code == 0, added.output
    exported = run("claims", "export", str(draft), "--data-dir", str(data))
    assert exported.exit_code == 0, exported.output
    cells = [cell for row in csv.reader(io.StringIO(exported.stdout)) for cell in row]
    assert "'" + FORMULA in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # Read back into a fresh draft: the label is the text given, not its escaped form.
    other = tmp_path / "other"
    shutil.copytree(draft, other)
    run("claim", "remove", str(other), "1", "--data-dir", str(data))
    path = tmp_path / "exported.csv"
    path.write_text(exported.stdout, encoding="utf-8")
    imported = run("claims", "import", str(other), str(path), "--data-dir", str(data))
    assert imported.exit_code == 0, imported.output
    listed = run("claims", "export", str(other), "--data-dir", str(data))
    assert listed.stdout == exported.stdout
    assert f'rdfs:label "{FORMULA}"@en' in (other / "report.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize("cell", [FORMULA, "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])
def test_import_refuses_an_unescaped_formula_cell(data, draft, tmp_path, cell):
    before = (draft / "report.ttl").read_bytes()
    path = sheet(tmp_path, claim_row(label=cell))
    line = one_error_line(run("claims", "import", str(draft), str(path), "--data-dir", str(data)))
    assert f"{path}:2: column label: " in line and "formula" in line
    assert (draft / "report.ttl").read_bytes() == before


# ---------------------------------------------------------------- IRIs are not names


@pytest.mark.parametrize(
    "name", ["<https://example.org/hakan fidan>", "https://example.org/hakan fidan", "<https://example.org/hakan-fidan>"]
)
def test_an_iri_is_refused_as_a_new_claimants_name(data, draft, name):
    before = (draft / "report.ttl").read_bytes()
    result = run("claim", "add", str(draft), "--claimant", name, "--new-claimant", "person", "--role",
                 "on-record-official", "--quote", QUOTE, "--proposition", "proposition-turkey-joins-alliance",
                 "--certainty", "possible", "--time", "future", "--data-dir", str(data))
    line = one_error_line(result)
    assert "--claimant" in line and "IRI" in line
    assert "leave out the option that declares it (--new-claimant)" in line
    assert "https-example-org" not in result.output
    assert (draft / "report.ttl").read_bytes() == before


def test_an_iri_with_spaces_is_refused_as_a_reference(data, draft):
    result = run("claim", "add", str(draft), "--claimant", "<https://example.org/hakan fidan>", "--quote", QUOTE,
                 "--proposition", "proposition-turkey-joins-alliance", "--certainty", "possible", "--time", "future",
                 "--data-dir", str(data))
    line = one_error_line(result)
    assert "--claimant" in line and "space" in line


def test_an_iri_is_refused_as_a_label_in_a_sheet(data, draft, tmp_path):
    path = sheet(tmp_path, {"kind": "person", "label": "<https://example.org/hakan fidan>"})
    line = one_error_line(run("claims", "import", str(draft), str(path), "--data-dir", str(data)))
    assert f"{path}:2: column label: " in line and "IRI" in line
    assert "leave out" not in line  # a row of kind person declares one: there is no option to leave out


@pytest.mark.parametrize("label", ["<https://example.org/ayla-demirtas>", "https://example.org/ayla", "pgr:ayla"])
@pytest.mark.parametrize("kind", ["person", "organisation"])
def test_entity_add_refuses_an_iri_as_a_label_with_its_own_message(data, draft, label, kind):
    """`entity add` always declares something new: no option to leave out, only the name to write."""
    before = (draft / "report.ttl").read_bytes()
    line = one_error_line(run("entity", "add", str(draft), "--kind", kind, "--label", label, "--data-dir", str(data)))
    assert line == (
        f"pactgraph: error: --label {label!r} is written as an IRI or a prefixed name, but a new {kind} is named in "
        "words: write its name, and pactgraph makes its IRI from it"
    )
    assert (draft / "report.ttl").read_bytes() == before


# ---------------------------------------------------------------- sizes, checked first


def test_a_huge_sheet_cell_is_one_clear_line_before_anything_is_loaded(draft, tmp_path):
    path = sheet(tmp_path, claim_row(quote="x" * 1_000_000))
    line = one_error_line(run("claims", "import", str(draft), str(path), "--data-dir", str(broken_data(tmp_path))))
    assert f"{path}:2: column quote: " in line and "1000000 characters" in line


def test_a_huge_option_value_is_one_clear_line_before_anything_is_loaded(draft, tmp_path):
    result = run("claim", "add", str(draft), "--claimant", "Portanskiy", "--quote", "x" * 1_000_000, "--proposition",
                 "proposition-turkey-joins-alliance", "--certainty", "possible", "--time", "future",
                 "--data-dir", str(broken_data(tmp_path)))
    line = one_error_line(result)
    assert "--quote: " in line and "1000000 characters" in line


def test_new_report_checks_the_text_limit_before_loading_the_graph(tmp_path):
    text = tmp_path / "long.txt"
    text.write_text("FICTIONAL. " + "A sentence. " * 200, encoding="utf-8")
    result = run("new-report", str(text), "--publisher", "Example Daily", "--date", "2026-02-03", "--language", "en",
                 "--data-dir", str(broken_data(tmp_path)), "--draft-dir", str(tmp_path / "drafts"),
                 env={"PACTGRAPH_MAX_LITERAL": "1K"})
    line = one_error_line(result)
    assert str(text) in line and "PACTGRAPH_MAX_LITERAL" in line
    assert not (tmp_path / "drafts").exists()


# ---------------------------------------------------------------- rows


def test_duplicate_rows_are_refused(data, draft, tmp_path):
    before = (draft / "report.ttl").read_bytes()
    path = sheet(tmp_path, claim_row(), claim_row())
    line = one_error_line(run("claims", "import", str(draft), str(path), "--data-dir", str(data)))
    assert f"{path}:3: " in line and "line 2" in line
    assert (draft / "report.ttl").read_bytes() == before


def test_the_same_claim_twice_is_refused(data, draft):
    args = ["claim", "add", str(draft), "--claimant", "officials who did not want", "--quote", QUOTE, "--proposition",
            "proposition-turkey-joins-alliance", "--certainty", "possible", "--time", "future", "--data-dir", str(data)]
    assert run(*args).exit_code == 0
    line = one_error_line(run(*args))
    assert "pgr:claim-example-daily-2026-02-03-01" in line


def test_import_names_every_bad_row_at_once(data, draft, tmp_path):
    before = (draft / "report.ttl").read_bytes()
    path = sheet(
        tmp_path,
        claim_row(certainty="sure"),
        claim_row(claimant="Hakan Fidan", quote="Turkey has not abandoned its bid"),
        claim_row(time="past", quote="it is too early to say whether Turkey will join"),
    )
    result = run("claims", "import", str(draft), str(path), "--data-dir", str(data))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert all(line.startswith("pactgraph: error: ") for line in lines)
    assert [n for n in (2, 3, 4) if any(f"{path}:{n}: " in line for line in lines)] == [2, 3, 4]
    assert (draft / "report.ttl").read_bytes() == before


@pytest.mark.parametrize(
    "option,value,allowed",
    [
        ("--certainty", "sure", "certain, possible, probable, underspecified"),
        ("--polarity", "maybe", "negative, positive"),
        ("--time", "past", "future, non-future"),
    ],
)
def test_an_unknown_value_lists_the_allowed_ones(data, draft, option, value, allowed):
    values = {"--certainty": "possible", "--polarity": "positive", "--time": "future", option: value}
    result = run("claim", "add", str(draft), "--claimant", "officials who did not want", "--quote", QUOTE,
                 "--proposition", "proposition-turkey-joins-alliance", *[x for kv in values.items() for x in kv],
                 "--data-dir", str(data))
    line = one_error_line(result)
    assert option in line and allowed in line


def test_an_unknown_claimant_suggests_new_claimant(data, draft):
    result = run("claim", "add", str(draft), "--claimant", "Hakan Fidan", "--quote", QUOTE, "--proposition",
                 "proposition-turkey-joins-alliance", "--certainty", "possible", "--time", "future",
                 "--data-dir", str(data))
    assert "--new-claimant person" in one_error_line(result)


def source_roles() -> list[str]:
    """The roles of the scheme pgv:source-role, read from the vocabulary, as a contributor types them."""
    stem = "https://w3id.org/pactgraph/vocab/source-role-"
    store = ox.Store()
    store.load(path=str(resources.ontology_dir() / "vocabularies.ttl"), format=ox.RdfFormat.TURTLE)
    found = store.query(
        "SELECT ?c WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/pactgraph/vocab/source-role> }"
    )
    roles = sorted(row["c"].value[len(stem) :] for row in found)
    assert len(roles) >= 3
    return roles


def test_a_new_person_without_a_role_is_told_to_give_one_of_the_roles(data, draft):
    """A new person has no kind or earlier claims to take a role from: the line names --role and the
    roles as they are typed; with one of them the claim is added."""
    before = (draft / "report.ttl").read_bytes()
    claim = ["claim", "add", str(draft), "--claimant", "Ayla Demirtas", "--new-claimant", "person", "--quote",
             "Turkey has not abandoned its bid", "--proposition", "proposition-turkey-seeks-to-join-alliance",
             "--certainty", "certain", "--time", "non-future", "--data-dir", str(data)]
    line = one_error_line(run(*claim))
    assert line.startswith("pactgraph: error: --role: pgr:ayla-demirtas has no source role yet")
    assert line.endswith("give one of " + ", ".join(source_roles()))
    assert (draft / "report.ttl").read_bytes() == before
    added = run(*claim, "--role", "on-record-official")
    assert added.exit_code == 0, added.output


def test_claim_add_help_says_who_needs_a_role():
    """The help promises a default only where there is one: a new person needs --role."""
    shown = " ".join(run("claim", "add", "--help", env={"COLUMNS": "300", "TERMINAL_WIDTH": "300"}).stdout.split())
    shown = " ".join(shown.replace("│", " ").split())
    assert "required for a person without any, a new one included" in shown
    for role in source_roles():
        assert role in shown


# ---------------------------------------------------------------- add moves, --discard removes


def test_add_moves_the_draft(data, draft):
    assert "move" in run("add", "--help").stdout.lower()
    added = run("add", str(draft / "report.ttl"), "--data-dir", str(data))
    assert added.exit_code == 0, added.output
    assert (data / "reports" / SLUG / "report.ttl").is_file()
    assert not draft.exists()


def test_add_keep_leaves_the_draft(data, draft):
    added = run("add", str(draft / "report.ttl"), "--keep", "--data-dir", str(data))
    assert added.exit_code == 0, added.output
    assert (data / "reports" / SLUG / "report.ttl").read_bytes() == (draft / "report.ttl").read_bytes()


def test_new_report_discard_removes_a_draft_and_nothing_else(data, draft, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert "not a report folder" in one_error_line(run("new-report", "--discard", str(plain), "--data-dir", str(data)))
    assert (plain / "notes.txt").is_file()
    shipped = data / "reports" / "reference-news-2026-01-12"
    assert "data directory" in one_error_line(run("new-report", "--discard", str(shipped), "--data-dir", str(data)))
    assert (shipped / "report.ttl").is_file()
    discarded = run("new-report", "--discard", str(draft), "--data-dir", str(data))
    assert discarded.exit_code == 0, discarded.output
    assert not draft.exists()
