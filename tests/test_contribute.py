"""Contributors: `pactgraph anchor` (selectors for a quote) and `pactgraph new-report` (a report folder).

Every test that writes works on a copy of data/ in a temporary directory.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from pactgraph import resources
from pactgraph.contributing import anchoring
from pactgraph.data_dirs import data_dir_for_writing
from pactgraph.contributing.adding import tree_fingerprint
from pactgraph.validation.command import validate
from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import turtle_prefix_block

ARTICLE = resources.data_dir() / "reports" / "reference-news-2026-01-12" / "article.txt"
SHIPPED_REPORT = ARTICLE.with_name("report.ttl")
OA = "http://www.w3.org/ns/oa#"
PG = "https://w3id.org/pactgraph/ontology#"

FICTIONAL = (
    "FICTIONAL TEST REPORT. Nothing in this text happened.\n\n"
    "Fictional Gazette, 20 February 2026: Officials said Turkey \u201cwill not join\u201d the alliance this year. "
    "They said the talks   would resume in March \u2014 or later. They said nothing else.\n"
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped data folder."""
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "fictional.txt"
    path.write_text(FICTIONAL, encoding="utf-8")
    return path


def selectors_of(turtle: str) -> dict[str, str]:
    """oa:exact/prefix/suffix/start/end from `anchor` output pasted into an anchor node."""
    document = turtle_prefix_block() + "<urn:x:anchor> a pg:TextAnchor ;\n" + turtle.rstrip().rstrip(";") + " .\n"
    quads = list(ox.parse(input=document.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    found = {}
    for q in quads:
        if q.predicate.value.startswith(OA) and isinstance(q.object, ox.Literal):
            found[q.predicate.value[len(OA) :]] = q.object.value
        elif q.predicate.value in (OA + "hasSource", PG + "inSentence"):
            found[q.predicate.value.rsplit("#", 1)[1]] = q.object.value
    return found


def shipped_anchors() -> list[dict[str, str]]:
    store = ox.Store()
    store.load(path=str(SHIPPED_REPORT), format=ox.RdfFormat.TURTLE)
    rows = store.query(
        """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX pg: <https://w3id.org/pactgraph/ontology#>
        SELECT ?anchor ?exact ?prefix ?suffix ?start ?end ?sentence WHERE {
          ?anchor a pg:TextAnchor ; pg:inSentence ?sentence ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
          ?p oa:start ?start ; oa:end ?end . }"""
    )
    return [{v.value: row[v].value for v in rows.variables} for row in rows]


# ---------------------------------------------------------------- anchor


def test_anchor_prints_the_selectors_of_the_shipped_data(cli):
    result = cli("anchor", str(ARTICLE), "the likelihood of reaching an agreement is high")
    assert result.exit_code == 0, result.output
    found = selectors_of(result.stdout)
    assert found == {
        "exact": "the likelihood of reaching an agreement is high",
        "prefix": "untries have made progress, and ",
        "suffix": ". If this security alliance, whi",
        "start": "702",
        "end": "749",
        "hasSource": "https://w3id.org/pactgraph/id/text-reference-news-2026-01-12",
        "inSentence": "https://w3id.org/pactgraph/id/text-reference-news-2026-01-12-sentence-05",
    }


def test_anchor_reproduces_every_shipped_anchor_that_quotes_a_unique_passage():
    text = ARTICLE.read_text(encoding="utf-8")
    checked = 0
    for row in shipped_anchors():
        if len(anchoring.occurrences(text, row["exact"])) != 1:
            continue
        outcome = anchoring.anchor(ARTICLE, row["exact"])
        assert outcome.ok, row
        found = selectors_of(outcome.turtle)
        expected = {k: row[k] for k in ("exact", "prefix", "suffix", "start", "end")}
        assert {k: found[k] for k in expected} == expected
        assert found["inSentence"] == row["sentence"]
        checked += 1
    assert checked >= 30


def test_sentences_are_split_as_in_the_shipped_report():
    text = ARTICLE.read_text(encoding="utf-8")
    store = ox.Store()
    store.load(path=str(SHIPPED_REPORT), format=ox.RdfFormat.TURTLE)
    rows = store.query(
        """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX pg: <https://w3id.org/pactgraph/ontology#>
        SELECT ?start ?end WHERE { ?s a pg:Sentence ; pg:sentenceNumber ?n ; oa:hasSelector ?p .
        ?p oa:start ?start ; oa:end ?end } ORDER BY ?n"""
    )
    shipped = [(int(r["start"].value), int(r["end"].value)) for r in rows]
    assert anchoring.sentences(text) == shipped


def test_anchor_reports_curly_quotes_and_whitespace_without_fixing_them(cli, article):
    result = cli("anchor", str(article), 'Turkey "will not join" the alliance')
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "not in" in result.stderr and "quote marks" in result.stderr
    assert "U+201C left double quotation mark" in result.stderr
    assert "U+201D right double quotation mark" in result.stderr
    start = FICTIONAL.index("Turkey \u201cwill")
    assert f"at {start}..{start + len('Turkey “will not join” the alliance')}" in result.stderr
    spaced = cli("anchor", str(article), "the talks would resume in March - or later")
    assert spaced.exit_code == 1 and spaced.stdout == ""
    assert "the text has '  ' (space)" in spaced.stderr or "the text has '   ' (space)" in spaced.stderr
    assert "U+2014 em dash" in spaced.stderr


def test_anchor_lists_every_occurrence_of_an_ambiguous_quote(cli, article):
    result = cli("anchor", str(article), "They said")
    assert result.exit_code == 1 and result.stdout == ""
    assert "occurs 2 times" in result.stderr and "lengthen" in result.stderr
    for start in anchoring.occurrences(FICTIONAL, "They said"):
        assert f"  {start}..{start + 9} (sentence " in result.stderr


def test_anchor_shows_the_longest_part_found_for_a_missing_quote(cli, article):
    result = cli("anchor", str(article), "Officials denied everything")
    assert result.exit_code == 1
    assert "not in" in result.stderr and '"Officials' in result.stderr


def test_anchor_input_errors_exit_2(cli, tmp_path, article):
    missing = cli("anchor", str(tmp_path / "absent.txt"), "words")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00abc")
    assert cli("anchor", str(binary), "abc").exit_code == 2
    empty = cli("anchor", str(article), "  ")
    assert empty.exit_code == 2 and "empty" in empty.stderr
    assert "Traceback" not in missing.output + empty.output


# ---------------------------------------------------------------- new-report


def test_new_report_creates_a_conforming_folder_in_the_data_dir(cli, data, article):
    before = {p.name for p in (data / "reports").iterdir()}
    result = cli(
        "new-report", str(article), "--publisher", "Fictional Gazette", "--date", "2026-02-20",
        "--language", "en", "--url", "https://example.org/gazette/1", "--data-dir", str(data),
    )
    assert result.exit_code == 0, result.output
    folder = data / "reports" / "fictional-gazette-2026-02-20"
    assert {p.name for p in (data / "reports").iterdir()} == before | {folder.name}
    assert (folder / "article.txt").read_bytes() == article.read_bytes()
    turtle = (folder / "report.ttl").read_text(encoding="utf-8")
    digest = hashlib.sha256(FICTIONAL.encode("utf-8")).hexdigest()
    assert f'pg:sha256 "{digest}"' in turtle
    assert 'pg:storedAt "reports/fictional-gazette-2026-02-20/article.txt"' in turtle
    assert "pgr:fictional-gazette\n    a pg:NewsOutlet ;" in turtle
    assert "# pgr:claim-fictional-gazette-2026-02-20-01\n#     a pg:Claim ;" in turtle
    assert "pgv:certainty-probable" in turtle  # the vocabulary is listed for the claims
    # The stored text in the graph is the file, character for character, and it all conforms.
    quads = list(ox.parse(path=str(folder / "report.ttl"), format=ox.RdfFormat.TURTLE))
    values = [q.object.value for q in quads if q.predicate.value.endswith("#value")]
    assert values == [FICTIONAL]
    sentences = [q for q in quads if q.predicate.value == PG + "sentenceNumber"]
    assert len(sentences) == len(anchoring.sentences(FICTIONAL)) == 5
    # It conforms with the graph as written: `add` validates it and finds it already in place.
    snapshot = tree_fingerprint(data)
    added = cli("add", str(folder / "report.ttl"), "--data-dir", str(data))
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("in place (validated): ")
    assert tree_fingerprint(data) == snapshot


def test_new_report_writes_any_text_and_label_as_the_same_literals(cli, data, tmp_path):
    """Quotes, backslashes, tabs, control characters and line breaks reach the graph unchanged;
    a line break in the label cannot end the comment it is shown in and add triples."""
    text = FICTIONAL + 'He said: "no"\\n, a back\\slash\tand a tab, \u0001 and a quote at the end"\n'
    source = tmp_path / "odd.txt"
    source.write_text(text, encoding="utf-8")
    label = 'Odd "label" \\ with\n<urn:x:s> <urn:x:p> <urn:x:o> .'
    result = cli(
        "new-report", str(source), "--publisher", "Fictional Gazette", "--date", "2026-02-21",
        "--language", "en", "--label", label, "--data-dir", str(data),
    )
    assert result.exit_code == 0, result.output
    report = data / "reports" / "fictional-gazette-2026-02-21" / "report.ttl"
    quads = list(ox.parse(path=str(report), format=ox.RdfFormat.TURTLE))
    assert [q.object.value for q in quads if q.predicate.value.endswith("#value")] == [text]
    labels = {q.object.value for q in quads if q.predicate.value.endswith("#label")}
    assert label in labels and f"stored text of the {label}" in labels
    assert not [q for q in quads if q.subject.value.startswith("urn:x:")]
    added = cli("add", str(report), "--data-dir", str(data))
    assert added.exit_code == 0, added.output


def test_new_report_writes_new_relayed_reports_as_literals_and_the_same_bytes_each_time(cli, data, tmp_path, article):
    """An outlet named in --relays/--mentions reaches the graph as the same literal (quotes, backslash and
    line break included, no triples smuggled in); the same options give byte-identical files."""
    outlet = 'Le "Monde" \\ du\n<urn:x:s> <urn:x:p> <urn:x:o> .'
    options = [
        "--publisher", "Fictional Gazette", "--date", "2026-02-21", "--language", "en", "--data-dir", str(data),
        "--relays", f"{outlet}, 2026-02-20, en", "--relays", "pgr:report-bloomberg-2026-01-09",
        "--mentions", "Reference News, 2026-01-12",
    ]
    files = []
    for run in ("one", "two"):
        result = cli("new-report", str(article), *options, "--draft-dir", str(tmp_path / run))
        assert result.exit_code == 0, result.output
        files.append(tmp_path / run / "fictional-gazette-2026-02-21" / "report.ttl")
    assert files[0].read_bytes() == files[1].read_bytes()
    quads = list(ox.parse(path=str(files[0]), format=ox.RdfFormat.TURTLE))
    assert not [q for q in quads if q.subject.value.startswith("urn:x:")]

    def objects(predicate: str, subject: str | None = None) -> set[str]:
        return {
            q.object.value for q in quads
            if q.predicate.value.endswith(predicate) and (subject is None or q.subject.value.endswith(subject))
        }

    relayed = "report-le-monde-du-urn-x-s-urn-x-p-urn-x-o-2026-02-20"
    report = "report-fictional-gazette-2026-02-21"
    assert {v.rsplit("/", 1)[1] for v in objects("relays", report)} == {relayed, "report-bloomberg-2026-01-09"}
    assert {v.rsplit("/", 1)[1] for v in objects("mentions", report)} == {"report-reference-news-2026-01-12"}
    assert objects("name") == {"Fictional Gazette", outlet}
    assert objects("#label", relayed) == {f"{outlet} report of 20 February 2026"}
    valid = cli("validate", str(files[0]), "--data-dir", str(data))
    assert valid.exit_code == 0, valid.output


def test_new_report_reuses_outlets_and_reports_and_never_overwrites(cli, data, tmp_path, article):
    # An existing outlet by prefixed name, on a day it already has a report: a suffixed slug.
    first = cli(
        "new-report", str(article), "--publisher", "pgr:reference-news", "--date", "2026-01-12",
        "--language", "zh", "--text-language", "en", "--data-dir", str(data),
    )
    assert first.exit_code == 0, first.output
    suffixed = data / "reports" / "reference-news-2026-01-12-2" / "report.ttl"
    text = suffixed.read_text(encoding="utf-8")
    assert "a pg:NewsOutlet" not in text and "schema:publisher pgr:reference-news ;" in text
    # An outlet by name, on the day of a report the graph knows only as relayed: the file gives it its text.
    other = tmp_path / "bloomberg.txt"
    other.write_text("FICTIONAL TEST REPORT standing in for the Bloomberg text.\n", encoding="utf-8")
    second = cli(
        "new-report", str(other), "--publisher", "Bloomberg", "--date", "2026-01-09", "--language", "en",
        "--data-dir", str(data), "--draft-dir", str(tmp_path / "drafts"),
    )
    assert second.exit_code == 0, second.output
    draft = tmp_path / "drafts" / "bloomberg-2026-01-09" / "report.ttl"
    text = draft.read_text(encoding="utf-8")
    assert "pgr:report-bloomberg-2026-01-09\n    pg:hasSourceText pgr:text-bloomberg-2026-01-09 ;" in text
    assert "a pg:Report" not in text
    report = validate([suffixed, draft], data_dir=data, with_graph=True)
    assert report.results == [], [r.to_dict() for r in report.results]

    snapshot = tree_fingerprint(data)
    again = cli(
        "new-report", str(article), "--publisher", "Fictional Gazette", "--date", "2026-02-20",
        "--language", "en", "--data-dir", str(data),
    )
    assert again.exit_code == 1 and "already stored" in again.stderr
    taken = cli(
        "new-report", str(other), "--publisher", "Bloomberg", "--date", "2026-01-10", "--language", "en",
        "--slug", "reference-news-2026-01-12", "--data-dir", str(data),
    )
    assert taken.exit_code == 1 and "already exists" in taken.stderr
    assert tree_fingerprint(data) == snapshot


@pytest.mark.parametrize(
    "options, message",
    [
        (["--date", "12/01/2026"], "--date must be a date as YYYY-MM-DD"),
        (["--language", "English"], "--language must be a language code"),
        (["--publisher", "pgr:reference-newz"], "nearest: pgr:reference-news"),
        (["--publisher", "Turkey"], "not a news outlet"),
        (["--url", "example.org/x"], "--url must be an absolute address"),
        (["--relays", "pgr:report-bloomberg-2026-01-19"], "nearest: pgr:report-bloomberg-2026-01-09"),
    ],
)
def test_new_report_bad_arguments_exit_2_and_write_nothing(cli, data, article, options, message):
    snapshot = tree_fingerprint(data)
    args = {"--publisher": "Fictional Gazette", "--date": "2026-02-20", "--language": "en"}
    for name, value in zip(options[::2], options[1::2], strict=True):
        args[name] = value
    flat = [item for pair in args.items() for item in pair]
    result = cli("new-report", str(article), *flat, "--data-dir", str(data))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert tree_fingerprint(data) == snapshot


def test_writing_needs_a_writable_data_dir_outside_an_installed_package(monkeypatch, tmp_path):
    installed = tmp_path / "lib" / "python3.11" / "site-packages" / "pactgraph" / "resources" / "data"
    installed.mkdir(parents=True)
    monkeypatch.setattr(resources, "data_dir", lambda: installed)
    with pytest.raises(InputError, match="give --data-dir"):
        data_dir_for_writing(None)
    assert data_dir_for_writing(tmp_path) == tmp_path
