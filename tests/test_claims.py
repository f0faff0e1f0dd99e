"""Claims without Turtle: `claim add|list|remove`, `claims import|export`, `find`, and the holes they close.

Every report here is fictional (tests/fixtures/grown/*.txt say so in their first
line); each runs in a copy of data/ under a temporary directory.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pactgraph import resources
from pactgraph.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures" / "grown"


SHIPPED_CLAIM = "https://w3id.org/pactgraph/id/claim-reference-news-2026-01-12-"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


def new_report(data: Path, tmp_path: Path, text: str, *extra: str) -> Path:
    result = run(
        "new-report", str(FIXTURES / text), "--publisher", "Example Daily", "--date", "2026-02-03",
        "--language", "en", "--data-dir", str(data), "--draft-dir", str(tmp_path / "drafts"), *extra,
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "drafts" / "example-daily-2026-02-03"


def import_sheet(folder: Path, data: Path, sheet: Path, text: str | None = None):
    """`claims import` of SHEET into the draft FOLDER; SHEET is written with TEXT first when TEXT is given."""
    if text is not None:
        sheet.write_text(text, encoding="utf-8")
    return run("claims", "import", str(folder), str(sheet), "--data-dir", str(data))


def test_claim_add_writes_a_valid_claim_and_remove_restores_the_file_byte_for_byte(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    before = (folder / "report.ttl").read_bytes()
    added = run(
        "claim", "add", str(folder), "--claimant", "officials who did not want", "--quote",
        "Turkey's accession is now only possible, not probable", "--proposition", "pgr:proposition-turkey-joins-alliance",
        "--certainty", "possible", "--time", "future", "--data-dir", str(data),
    )
    assert added.exit_code == 0, added.output
    assert "pgr:claim-example-daily-2026-02-03-01" in added.output
    after = (folder / "report.ttl").read_bytes()
    assert after.startswith(before)  # appended: existing content and comments intact
    listed = run("claim", "list", str(folder), "--data-dir", str(data))
    assert "pgr:anonymous-officials\tpossible\tpositive\tpgr:proposition-turkey-joins-alliance" in listed.output
    assert run("validate", str(folder / "report.ttl"), "--data-dir", str(data)).exit_code == 0
    removed = run("claim", "remove", str(folder), "1", "--data-dir", str(data))
    assert removed.exit_code == 0, removed.output
    assert (folder / "report.ttl").read_bytes() == before


def test_ambiguous_name_lists_candidates_and_exits_2(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    before = (folder / "report.ttl").read_bytes()
    result = run(
        "claim", "add", str(folder), "--claimant", "Bloomberg", "--quote", "Talks on Turkey joining",
        "--proposition", "Turkey", "--certainty", "certain", "--time", "non-future", "--data-dir", str(data),
    )
    assert result.exit_code == 2
    assert "--proposition 'Turkey' matches" in result.output and "give one as a prefixed name" in result.output
    assert "pgr:proposition-turkey-member-of-nato" in result.output
    assert (folder / "report.ttl").read_bytes() == before


def test_a_claim_that_does_not_conform_is_not_written(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    before = (folder / "report.ttl").read_bytes()
    # Bloomberg relays nothing this report relays: no report of it on the chain, so it cannot be credited.
    result = run(
        "claim", "add", str(folder), "--claimant", "Bloomberg", "--quote", "Talks on Turkey joining",
        "--proposition", "pgr:proposition-negotiations-advanced", "--certainty", "certain", "--time", "non-future",
        "--first-reported-in", "pgr:report-bloomberg-2026-01-09", "--data-dir", str(data),
    )
    assert result.exit_code == 1
    assert "pgsh:Claim-firstReportInChain" in result.output
    assert (folder / "report.ttl").read_bytes() == before


def test_sheet_import_export_round_trip_and_errors_name_row_and_column(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    imported = import_sheet(folder, data, FIXTURES / "example-daily-claims.csv")
    assert imported.exit_code == 0, imported.output
    exported = run("claims", "export", str(folder), "--data-dir", str(data))
    assert exported.exit_code == 0
    assert exported.output.count("\nclaim,") == 4 and "person,pgr:jane-placeholder" in exported.output
    shutil.rmtree(tmp_path / "drafts")
    again = new_report(data, tmp_path, "example-daily.txt")
    assert import_sheet(again, data, tmp_path / "exported.csv", exported.output).exit_code == 0
    assert run("claims", "export", str(again), "--data-dir", str(data)).output == exported.output
    failed = import_sheet(
        again, data, tmp_path / "bad.csv",
        "kind,claimant,quote,proposition,certainty,time\nclaim,Nobody Atall,Talks,pgr:proposition-turkey-joins-alliance,certain,future\n",
    )
    assert failed.exit_code == 2
    assert "bad.csv:2: column claimant" in failed.output


def test_sheet_proposition_needs_its_whole_structure(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    result = import_sheet(
        folder, data, tmp_path / "half.csv",
        "kind,label,subject,predicate,object\n"
        "proposition,The talks on Turkey joining have stalled,pgr:alliance-expansion-negotiations,pg:progress,\n",
    )
    assert result.exit_code == 2
    assert "half.csv:2: column object: a proposition's structure needs a subject, a predicate and an object" in result.output
    # Without any structure the proposition would not conform: nothing is written.
    before = (folder / "report.ttl").read_bytes()
    refused = import_sheet(folder, data, tmp_path / "bare.csv", "kind,label\nproposition,The talks on Turkey joining have stalled\n")
    assert refused.exit_code == 1
    assert "pgsh:PropositionStructure-subject" in refused.output
    assert (folder / "report.ttl").read_bytes() == before
    # A scale value as the object.
    whole = import_sheet(
        folder, data, tmp_path / "whole.csv",
        "kind,label,subject,predicate,object\n"
        "proposition,The talks on Turkey joining have a draft text,pgr:alliance-expansion-negotiations,pg:progress,"
        "pgv:negotiation-stage-draft-prepared\n",
    )
    assert whole.exit_code == 0
    assert "rdf:object pgv:negotiation-stage-draft-prepared" in (folder / "report.ttl").read_text(encoding="utf-8")
    # Without a label, one is read off the structure.
    unnamed = import_sheet(
        folder, data, tmp_path / "unnamed.csv",
        'kind,subject,predicate,object\nproposition,pgr:turkey,pg:pursues,"""a seat at the table"""\n',
    )
    assert unnamed.exit_code == 0
    assert 'rdfs:label "Turkey pursues a seat at the table"@en' in (folder / "report.ttl").read_text(encoding="utf-8")


def test_find_ranks_by_labels_in_every_language_accents_folded(data):
    result = run("find", "Turkiye", "--data-dir", str(data))
    assert result.output.splitlines()[0].split()[2] == "pgr:turkey"
    result = run("find", "ozcan", "--kind", "agent", "--data-dir", str(data))
    assert result.output.splitlines()[0].split()[2] == "pgr:nihat-ali-ozcan"


def test_new_report_lists_nearest_propositions_under_sentences(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    text = (folder / "report.ttl").read_text(encoding="utf-8")
    assert "# Sentence 4: nearest existing propositions" in text
    assert "#   pgr:proposition-turkey-joins-alliance" in text
    assert "PREFIX skos:" in text


def test_new_report_says_under_how_many_sentences_it_lists_propositions(data, tmp_path):
    """The hint counts what report.ttl holds: a sentence sharing too few words with every proposition lists none."""
    text = tmp_path / "far.txt"
    text.write_text(
        "FICTIONAL TEST TEXT. The harbour ferry timetable changes in spring.\n"
        "Turkey will not join the Saudi–Pakistan defence alliance.\n",
        encoding="utf-8",
    )
    result = run(
        "new-report", str(text), "--publisher", "Example Daily", "--date", "2026-02-03", "--language", "en",
        "--data-dir", str(data), "--draft-dir", str(tmp_path / "drafts"),
    )
    assert result.exit_code == 0, result.output
    written = (tmp_path / "drafts" / "example-daily-2026-02-03" / "report.ttl").read_text(encoding="utf-8")
    listed = len(re.findall(r"^# Sentence \d+: nearest existing propositions", written, flags=re.MULTILINE))
    total = len(re.findall(r"^\S+-sentence-\d+$", written, flags=re.MULTILINE))
    assert (listed, total) == (1, 3)
    assert f"close existing propositions under {listed} of the {total} sentences" in result.output


def listed_under_sentences(written: str) -> dict[int, list[str]]:
    """Sentence number -> the propositions report.ttl lists under it, in order."""
    listed: dict[int, list[str]] = {}
    current = None
    for line in written.splitlines():
        heading = re.match(r"^# Sentence (\d+): nearest existing propositions", line)
        if heading:
            current = listed.setdefault(int(heading.group(1)), [])
        elif current is not None and line.startswith("#   "):
            current.append(line.split()[1])
        else:
            current = None
    return listed


def test_new_report_lists_under_a_sentence_what_find_ranks_first_for_it(data, tmp_path):
    """One ranking: the proposition `find` ranks first for a sentence (talks -> the negotiations, by its
    structure's words) is listed under it, a sentence about nothing in the graph lists none."""
    talks = "Officials said the talks on Turkey's accession had reached an advanced stage."
    text = tmp_path / "talks.txt"
    text.write_text(f"FICTIONAL TEST TEXT, not a real report.\n{talks}\nThe weather in Ankara was mild.\n", encoding="utf-8")
    result = run(
        "new-report", str(text), "--publisher", "Example Daily", "--date", "2026-02-03", "--language", "en",
        "--data-dir", str(data), "--draft-dir", str(tmp_path / "drafts"),
    )
    assert result.exit_code == 0, result.output
    listed = listed_under_sentences((tmp_path / "drafts" / "example-daily-2026-02-03" / "report.ttl").read_text(encoding="utf-8"))
    found = run("find", talks, "--kind", "proposition", "--data-dir", str(data))
    assert found.stdout.splitlines()[0].split()[2] == "pgr:proposition-negotiations-advanced"
    assert listed.get(2, [])[:1] == ["pgr:proposition-negotiations-advanced"]
    assert 3 not in listed  # the weather
    assert "close existing propositions under 1 of the 3 sentences" in result.output


# ---------------------------------------------------------------- the holes of the issue


def test_publisher_named_like_an_existing_outlet_is_refused_with_the_choice(data, tmp_path):
    result = run(
        "new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "Bloomberg News", "--date", "2026-02-03",
        "--language", "en", "--data-dir", str(data), "--draft-dir", str(tmp_path / "d"),
    )
    assert result.exit_code == 2
    assert "pgr:bloomberg" in result.output and "--new-outlet" in result.output
    reused = run(
        "new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "BLOOMBERG", "--date", "2026-02-03",
        "--language", "en", "--data-dir", str(data), "--draft-dir", str(tmp_path / "d"),
    )
    assert reused.exit_code == 0 and "publisher: pgr:bloomberg" in reused.output


def test_same_text_with_crlf_bom_and_trailing_spaces_is_a_duplicate(data, tmp_path):
    article = (data / "reports/reference-news-2026-01-12/article.txt").read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(("\ufeff" + "\r\n".join(line + "  " for line in article.split("\n"))).encode("utf-8"))
    result = run(
        "new-report", str(copy), "--publisher", "pgr:reference-news", "--date", "2026-01-12", "--language", "zh",
        "--data-dir", str(data), "--draft-dir", str(tmp_path / "d"),
    )
    assert result.exit_code == 1
    assert "already stored as reports/reference-news-2026-01-12/article.txt" in result.output


def test_a_date_that_does_not_exist_is_named_as_such(data, tmp_path):
    result = run(
        "new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "Example Daily", "--date", "2026-02-30",
        "--language", "en", "--data-dir", str(data),
    )
    assert result.exit_code == 2
    assert "--date 2026-02-30: no such date" in result.output


def test_relays_creates_the_relayed_report_and_several_are_allowed(data, tmp_path):
    folder = new_report(
        data, tmp_path, "example-daily.txt", "--relays", "AFP, 2026-01-31, fr", "--relays", "pgr:report-bloomberg-2026-01-09",
        "--mentions", "Reference News, 2026-01-12",
    )
    text = (folder / "report.ttl").read_text(encoding="utf-8")
    assert "pg:relays pgr:report-afp-2026-01-31 ;" in text and "pg:relays pgr:report-bloomberg-2026-01-09 ;" in text
    assert "pg:mentions pgr:report-reference-news-2026-01-12 ;" in text
    assert run("validate", str(folder / "report.ttl"), "--data-dir", str(data)).exit_code == 0
    # A claim credited to a relaying outlet names its first report by itself when there is one on the chain.
    added = run(
        "claim", "add", str(folder), "--claimant", "Bloomberg", "--quote", "Talks on Turkey joining",
        "--proposition", "pgr:proposition-negotiations-advanced", "--certainty", "certain", "--time", "non-future",
        "--data-dir", str(data),
    )
    assert added.exit_code == 0, added.output
    assert "pg:reportedFirstIn pgr:report-bloomberg-2026-01-09" in (folder / "report.ttl").read_text(encoding="utf-8")


def test_on_record_official_is_a_source_role(data):
    result = run("query", "ASK { pgv:source-role-on-record-official skos:inScheme pgv:source-role ; skos:definition ?d }")
    assert result.exit_code == 0


def test_as_of_follows_the_origin_not_the_carrier():
    relayed = run("query", "unnamed-sources", "--as-of", "2026-01-10", "--format", "csv")
    assert relayed.exit_code == 0
    assert "the likelihood of reaching an agreement is high" in relayed.output
    # Reference News' own claims (12 January) are not yet known on 10 January.
    own = run("query", "SELECT ?c WHERE { ?c pg:claimant pgr:reference-news }", "--as-of", "2026-01-10", "--format", "csv")
    assert own.output.strip().splitlines() == ["c"]


def test_timeline_as_of_leaves_out_events_only_later_reports_made_known():
    before = run("timeline", "--as-of", "2026-01-10", "--format", "csv").output
    after = run("timeline", "--as-of", "2026-01-12", "--format", "csv").output
    # Attested only by the Reference News report of 12 January.
    assert "first meeting of Turkish and Saudi naval officers" not in before
    assert "first meeting of Turkish and Saudi naval officers" in after


@pytest.mark.parametrize("graph", ["shipped", "grown"])
def test_query_17_names_the_relation_and_13_shows_polarity(graph, request):
    where = ("--data-dir", str(request.getfixturevalue("grown").data)) if graph == "grown" else ()
    result = run("query", "disagreeing-claims", "--format", "csv", *where)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split(",")[:2] == ["earlierProposition", "relation"]
    rows = list(csv.DictReader(io.StringIO(result.output)))
    # Between the claims the shipped report carries: the officials' "probable" against Portanskiy's
    # "too early to say", and their "made progress" against his "consultation stage".
    shipped = [r for r in rows if r["earlierClaim"].startswith(SHIPPED_CLAIM) and r["laterClaim"].startswith(SHIPPED_CLAIM)]
    assert [r["relation"] for r in shipped] == ["divergent certainty", "incompatible values"]
    assert all(r["earlierPolarity"] != r["laterPolarity"] for r in rows if r["relation"] == "contradict")
    unnamed = run("query", "unnamed-sources", "--format", "csv", *where).output
    assert unnamed.splitlines()[0].split(",")[1] == "polarity"


# ---------------------------------------------------------------- the graph grows


def test_two_fictional_reports_added_with_the_commands_conform_and_agree(data, tmp_path):
    drafts = tmp_path / "drafts"
    first = new_report(data, tmp_path, "example-daily.txt", "--relays", "pgr:report-bloomberg-2026-01-09")
    assert import_sheet(first, data, FIXTURES / "example-daily-claims.csv").exit_code == 0
    assert run("add", str(first / "report.ttl"), "--data-dir", str(data)).exit_code == 0
    made = run(
        "new-report", str(FIXTURES / "northwind-courier.txt"), "--publisher", "Northwind Courier", "--date", "2026-02-10",
        "--language", "en", "--relays", "pgr:report-example-daily-2026-02-03", "--data-dir", str(data),
        "--draft-dir", str(drafts),
    )
    assert made.exit_code == 0, made.output
    second = drafts / "northwind-courier-2026-02-10"
    for args in (
        ("--claimant", "officials who did not want", "--quote", "an agreement with Turkey is probable within the year",
         "--proposition", "pgr:proposition-turkey-joins-alliance", "--certainty", "probable", "--time", "future"),
        ("--claimant", "Jane Placeholder", "--quote", "Turkey has not abandoned its bid",
         "--proposition", "Turkey has abandoned its bid", "--certainty", "certain", "--polarity", "negative",
         "--time", "non-future"),
    ):
        result = run("claim", "add", str(second), *args, "--data-dir", str(data))
        assert result.exit_code == 0, result.output
    assert run("add", str(second / "report.ttl"), "--data-dir", str(data)).exit_code == 0
    assert run("validate", "--data-dir", str(data)).exit_code == 0
    agreeing = run("query", "agreeing-claims", "--data-dir", str(data), "--format", "csv").output
    assert "Jane Placeholder" in agreeing and "officials who did not want to reveal their names" in agreeing
    # The competency-question and data tests run on a grown graph too (the `grown` fixture, tests/growth.py).


def test_on_a_terminal_missing_values_are_asked_and_an_ambiguous_name_is_chosen(data, tmp_path, monkeypatch):
    import re

    from pactgraph.cli import claims as cli_claims

    folder = new_report(data, tmp_path, "example-daily.txt")
    monkeypatch.setattr(cli_claims, "_interactive", lambda: True)
    result = run(
        "claim", "add", str(folder), "--claimant", "officials who did not want", "--quote",
        "Turkey's accession is now only possible, not probable", "--proposition", "Turkey",
        "--data-dir", str(data), input="possible\nfuture\n3\n",
    )
    assert result.exit_code == 0, result.output
    assert "certainty (certain | possible | probable | underspecified):" in result.output
    assert "time (future | non-future):" in result.output
    chosen = re.search(r"^  3\. (pgr:\S+) ", result.output, re.MULTILINE).group(1)
    written = (folder / "report.ttl").read_text(encoding="utf-8")
    assert f"pg:proposition {chosen} ;" in written and "pg:certainty pgv:certainty-possible" in written


def test_sheet_outlet_named_like_an_existing_one_is_refused(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    result = import_sheet(folder, data, tmp_path / "outlets.csv", "kind,label\noutlet,Bloomberg News\n")
    assert result.exit_code == 2
    assert "outlets.csv:2: column label: 'Bloomberg News' is named like pgr:bloomberg" in result.output


def test_sheet_declares_an_anonymous_source_an_outlet_with_country_and_an_affiliated_person(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    result = import_sheet(
        folder, data, tmp_path / "agents.csv",
        "kind,label,description,affiliation,affiliation_role,country,claimant,quote,proposition,certainty,time\n"
        "anonymous-source,a fictional diplomat,A diplomat the fictional report does not name.,,,,,,,,\n"
        "outlet,Fictional Ledger,,,,Turkey,,,,,\n"
        "person,Jane Placeholder,A fictional analyst.,HSE University,professor,,,,,,\n"
        "claim,,,,,,a fictional diplomat,Talks on Turkey joining the Saudi-Pakistan defence alliance have slowed,"
        "pgr:proposition-negotiations-advanced,possible,non-future\n",
    )
    assert result.exit_code == 0, result.output
    text = (folder / "report.ttl").read_text(encoding="utf-8")
    assert "a pg:AnonymousSource" in text and "schema:location pgr:turkey" in text
    assert "org:organization pgr:hse-university" in text and "org:role pgv:affiliation-role-professor" in text
    assert "prov:hadRole pgv:source-role-anonymous-official" in text


def test_claim_add_declares_a_new_claimant_with_its_role(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    result = run(
        "claim", "add", str(folder), "--claimant", "Jane Placeholder", "--new-claimant", "person",
        "--role", "on-record-official", "--description", "A fictional deputy minister.",
        "--quote", "Turkey has not abandoned its bid", "--proposition", "pgr:proposition-turkey-seeks-to-join-alliance",
        "--certainty", "certain", "--time", "non-future", "--data-dir", str(data),
    )
    assert result.exit_code == 0, result.output
    text = (folder / "report.ttl").read_text(encoding="utf-8")
    assert "# >>> pgr:jane-placeholder " in text
    assert "prov:hadRole pgv:source-role-on-record-official" in text and "pg:claimant pgr:jane-placeholder" in text


def test_as_of_gives_the_same_view_from_a_disk_store(tmp_path):
    store = tmp_path / "store"
    assert run("load", "--store", str(store)).exit_code == 0
    for query in ("unnamed-sources", "reports", "SELECT ?c WHERE { ?c a pg:Claim } ORDER BY ?c"):
        files = run("query", query, "--as-of", "2026-01-10", "--format", "csv")
        disk = run("query", query, "--as-of", "2026-01-10", "--format", "csv", "--store", str(store))
        assert files.exit_code == disk.exit_code == 0
        assert disk.output == files.output


def test_sheet_stated_on_and_cites_round_trip_to_the_same_graph(data, tmp_path):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    folder = new_report(data, tmp_path, "example-daily.txt")
    imported = import_sheet(
        folder, data, tmp_path / "dated.csv",
        "claimant,quote,proposition,certainty,time,stated_on,cites\n"
        "Portanskiy,it is too early to say whether Turkey will join,proposition-turkey-joins-alliance,"
        "underspecified,future,2026-02-02,Portanskiy\n"
        "officials who did not want,\"Turkey's accession is now only possible, not probable\","
        "proposition-turkey-joins-alliance,possible,future,,\n",
    )
    assert imported.exit_code == 0, imported.output
    exported = run("claims", "export", str(folder), "--data-dir", str(data))
    assert exported.exit_code == 0, exported.output
    rows = {row["quote"]: row for row in csv.DictReader(io.StringIO(exported.stdout)) if row["kind"] == "claim"}
    assert rows["it is too early to say whether Turkey will join"]["stated_on"] == "2026-02-02"
    assert rows["it is too early to say whether Turkey will join"]["cites"] == "pgr:alexei-portanskiy"
    assert rows["Turkey's accession is now only possible, not probable"]["stated_on"] == ""
    assert rows["Turkey's accession is now only possible, not probable"]["cites"] == ""
    first = Graph().parse(folder / "report.ttl", format="turtle")
    shutil.rmtree(tmp_path / "drafts")
    again = new_report(data, tmp_path, "example-daily.txt")
    reimported = import_sheet(again, data, tmp_path / "exported.csv", exported.stdout)
    assert reimported.exit_code == 0, reimported.output
    assert isomorphic(first, Graph().parse(again / "report.ttl", format="turtle"))


def test_sheet_bad_stated_on_and_cites_are_each_named_by_row_and_column(data, tmp_path):
    folder = new_report(data, tmp_path, "example-daily.txt")
    before = (folder / "report.ttl").read_bytes()
    result = import_sheet(
        folder, data, tmp_path / "bad.csv",
        "claimant,quote,proposition,certainty,time,stated_on,cites\n"
        "Portanskiy,it is too early to say whether Turkey will join,proposition-turkey-joins-alliance,"
        "underspecified,future,2 February,\n"
        "officials who did not want,\"Turkey's accession is now only possible, not probable\","
        "proposition-turkey-joins-alliance,possible,future,2026-02-31,Nobody Atall\n"
        "Portanskiy,Turkey has not abandoned its bid,proposition-turkey-joins-alliance,certain,future,,Nobody Atall\n",
    )
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("pactgraph: error:")]
    assert len(errors) == 4, result.stderr
    assert "bad.csv:2: column stated_on must be a date as YYYY-MM-DD, not '2 February'" in errors[0]
    assert "bad.csv:3: column" in errors[1] and "bad.csv:4: column cites" in errors[2]
    assert "3 problems; nothing was written" in errors[3]
    assert (folder / "report.ttl").read_bytes() == before


def test_an_import_writes_the_same_bytes_every_time(data, tmp_path):
    """Twelve claims on one quote (every certainty, polarity and time), imported into two drafts of the
    same text: the files are byte-identical, and each claim's quote selector precedes its position selector."""
    rows = ["claimant,quote,proposition,certainty,polarity,time"]
    for certainty in ("certain", "probable", "possible"):
        for polarity in ("positive", "negative"):
            for time in ("future", "non-future"):
                rows.append(
                    f"officials who did not want,Turkey's accession is now only possible,"
                    f"proposition-turkey-joins-alliance,{certainty},{polarity},{time}"
                )
    sheet = tmp_path / "twelve.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    written = []
    for name in ("first", "second"):
        result = run(
            "new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "Example Daily", "--date", "2026-02-03",
            "--language", "en", "--data-dir", str(data), "--draft-dir", str(tmp_path / name),
        )
        assert result.exit_code == 0, result.output
        folder = tmp_path / name / "example-daily-2026-02-03"
        imported = import_sheet(folder, data, sheet)
        assert imported.exit_code == 0, imported.output
        written.append((folder / "report.ttl").read_bytes())
    assert written[0] == written[1]
    blocks = re.split(r"(?m)^pgr:claim-\S+-anchor$", written[0].decode("utf-8"))[1:]
    assert len(blocks) == 12
    assert all(b.index("oa:TextQuoteSelector") < b.index("oa:TextPositionSelector") for b in blocks)
