"""Questions across reports (named queries 17-20), `query --as-of DATE` and `pactgraph timeline`.

The graph is the shipped data plus the fictional follow-up report of 3 February
2026 (tests/fixtures/reports/fictional-followup), copied into a temporary data folder;
each test runs twice, the second time on data/ grown by other later reports first
(tests/growth.py). Answers are about the shipped report and the follow-up, never
counts of the whole graph: those grow with every report.
"""

from __future__ import annotations

import csv
import io
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.data_dirs import data_dir_inputs
from pactgraph.query.named_queries import find_query
from pactgraph.reading import asof
from pactgraph.stores.memory import MemoryStore

FOLLOWUP = Path(__file__).parent / "fixtures" / "reports" / "fictional-followup"
SLUG = "fictional-courier-2026-02-03"
SHIPPED_REPORT = "https://w3id.org/pactgraph/id/report-reference-news-2026-01-12"
FOLLOWUP_REPORT = "https://w3id.org/pactgraph/id/report-" + SLUG
JOINS = "Turkey joins the Saudi–Pakistan alliance by agreement with both states"
PROGRESS = "The negotiations on Turkey joining the alliance have made progress"


@pytest.fixture(scope="module", params=["shipped", "grown"])
def base(request) -> Path:
    """The data folder the follow-up joins: the shipped data/, or a copy grown by other reports."""
    return request.getfixturevalue("grown").data if request.param == "grown" else resources.data_dir()


@pytest.fixture(scope="module")
def data(base, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("queries") / "data"
    shutil.copytree(base, target)
    shutil.copytree(FOLLOWUP, target / "reports" / SLUG)
    return target


@pytest.fixture(scope="module")
def store(data):
    return MemoryStore(data_dir_inputs(data))


@pytest.fixture(scope="module")
def shipped(base):
    """The graph before the follow-up."""
    return MemoryStore(data_dir_inputs(base))


def _report_dates(data: Path) -> dict[str, str]:
    """Each report file's URI and the date of the report whose text it stores, read with rdflib."""
    import rdflib

    pg, schema = rdflib.Namespace("https://w3id.org/pactgraph/ontology#"), rdflib.Namespace("https://schema.org/")
    whole = rdflib.Graph()
    for path in sorted(data.rglob("*.ttl")):
        whole.parse(path)
    dates = {}
    for path in sorted((data / "reports").glob("*/report.ttl")):
        (report,) = set(rdflib.Graph().parse(path).subjects(pg.hasSourceText, None))
        dates[path.resolve().as_uri()] = str(whole.value(report, schema.datePublished))
    return dates


def answer(store, name, default_graph=None, **params):
    result = store.query(find_query(name).text, params or None, source=name, default_graph=default_graph)
    return [{k: v.value for k, v in row.items()} for row in result.bindings()]


def table(rows, *columns):
    return [tuple(row.get(c) for c in columns) for row in rows]


COLUMNS = ("relation", "earlierProposition", "earlier", "earlierCertainty", "earlierPolarity", "later", "laterCertainty", "laterPolarity")
OFFICIALS = "Bloomberg, 2026-01-09 via Reference News"
PORTANSKIY = "Nezavisimaya Gazeta, 2026-01-12 via Reference News"


def between(rows, *sides):
    """The pairs whose two claims both come from `sides` (the shipped report's and the follow-up's)."""
    return [r for r in rows if r[2] in sides and r[5] in sides]


def test_disagreeing_claims_of_the_same_day_are_listed_once(base, tmp_path):
    """Two reports of one day that disagree: one row per pair, in one order (claim IRI decides)."""
    target = tmp_path / "data"
    shutil.copytree(base, target)
    shutil.copytree(FOLLOWUP, target / "reports" / SLUG)
    report = target / "reports" / SLUG / "report.ttl"
    text = report.read_text(encoding="utf-8")
    same_day = text.replace('schema:datePublished "2026-02-03"^^xsd:date', 'schema:datePublished "2026-01-12"^^xsd:date')
    assert same_day != text
    report.write_text(same_day, encoding="utf-8")
    rows = table(answer(MemoryStore(data_dir_inputs(target)), "disagreeing-claims"), *COLUMNS)
    ours = between(rows, OFFICIALS, PORTANSKIY, "Fictional Courier, 2026-01-12")
    assert len(ours) == len(set(ours)) == 5
    pairs = [r for r in rows if {r[2], r[5]} == {PORTANSKIY, "Fictional Courier, 2026-01-12"}]
    assert len(pairs) == 1


def test_disagreeing_claims_across_reports(store, shipped):
    follow_up = "Fictional Courier, 2026-02-03"
    rows = between(table(answer(store, "disagreeing-claims"), *COLUMNS), OFFICIALS, PORTANSKIY, follow_up)
    assert sorted(rows) == sorted([
        ("divergent certainty", JOINS, OFFICIALS, "probable", "positive", follow_up, "possible", "positive"),
        ("divergent certainty", JOINS, PORTANSKIY, "underspecified", "positive", follow_up, "possible", "positive"),
        ("divergent certainty", JOINS, OFFICIALS, "probable", "positive", PORTANSKIY, "underspecified", "positive"),
        ("contradict", PROGRESS, OFFICIALS, "certain", "positive", follow_up, "certain", "negative"),
        ("incompatible values", PROGRESS, OFFICIALS, "certain", "positive", PORTANSKIY, "certain", "positive"),
    ])
    # The follow-up's "stalled" (not advanced) leaves Portanskiy's consultation stage open: no row.
    assert not [r for r in rows if r[2] == PORTANSKIY and r[5] == follow_up and r[1] != JOINS]
    # Before the follow-up: the relayed officials against the expert quoted by Reference News.
    assert between(table(answer(shipped, "disagreeing-claims"), *COLUMNS), OFFICIALS, PORTANSKIY, follow_up) == [
        ("divergent certainty", JOINS, OFFICIALS, "probable", "positive", PORTANSKIY, "underspecified", "positive"),
        ("incompatible values", PROGRESS, OFFICIALS, "certain", "positive", PORTANSKIY, "certain", "positive"),
    ]


def test_an_assessment_over_time(store):
    every = answer(store, "assessment-over-time")
    assert [r["date"] for r in every] == sorted(r["date"] for r in every)
    ours = ("Reference News, 2026-01-12", "Fictional Courier, 2026-02-03")
    rows = [r for r in every if r["statedIn"] in ours]
    assert table(rows, "date", "firstReported", "certainty") == [
        ("2026-01-09", "Bloomberg", "probable"),
        ("2026-01-12", "Nezavisimaya Gazeta", "underspecified"),
        ("2026-02-03", "Fictional Courier", "possible"),
    ]
    progress = answer(store, "assessment-over-time", proposition="pgr:proposition-negotiations-advanced")
    progress = [r for r in progress if r["statedIn"] in ours]
    assert table(progress, "date", "certainty", "polarity", "quote") == [
        ("2026-01-09", "certain", "positive", "negotiations among the three countries have made progress"),
        ("2026-02-03", "certain", "negative", "the talks among the three countries have stalled"),
    ]


def test_reports_and_propositions(store, shipped):
    reports = table(answer(store, "reports"), "published", "outlet", "claims")
    assert [r for r in reports if r[1] in ("Reference News", "Fictional Courier")] == [
        ("2026-01-12", "Reference News", "38"),
        ("2026-02-03", "Fictional Courier", "2"),
    ]
    assert reports == sorted(reports)  # in date order, whatever else the graph holds

    def joins(graph):
        rows = [r for r in answer(graph, "propositions") if r["proposition"].endswith("proposition-turkey-joins-alliance")]
        return [(int(c), int(n)) for c, n in table(rows, "claims", "reports")]

    # The follow-up adds one claim on Turkey joining, in one report more; the shipped report has two.
    ((before_claims, before_reports),) = joins(shipped)
    assert joins(store) == [(before_claims + 1, before_reports + 1)]
    assert before_claims >= 2


def test_as_of_selects_graphs_by_report_date(store, data):
    graphs = store.graphs()
    report_graphs = [g for g in graphs if asof.report_folder(g)]
    # The oracle: each report folder's date, read from the files with rdflib.
    dated = _report_dates(data)
    assert sorted(dated) == sorted(report_graphs)
    assert dated[(data / "reports" / SLUG / "report.ttl").resolve().as_uri()] == "2026-02-03"
    assert "2026-01-12" in dated.values()
    for date, kept in (("2026-01-11", 0), ("2026-01-12", 1), ("2026-02-02", 1), ("2026-02-03", 2)):
        selection = asof.select_graphs(store, date)
        assert {g for g in selection.graphs if asof.report_folder(g)} == {g for g, d in dated.items() if d <= date}
        assert set(selection.graphs) | set(selection.excluded) == set(graphs)
        assert not set(selection.graphs) & set(selection.excluded)
        published = table(answer(store, "reports", default_graph=selection.graphs), "outlet")
        assert len([o for (o,) in published if o in ("Reference News", "Fictional Courier")]) == kept


@pytest.mark.parametrize(
    "date, claims, outlets",
    [
        ("2026-01-11", "0", ""),
        ("2026-01-12", "38", "Reference News"),
        ("2026-02-02", "38", "Reference News"),
        ("2026-02-03", "40", "Fictional Courier Reference News"),
    ],
)
def test_query_as_of(cli, data, date, claims, outlets):
    # The claims the shipped report and the follow-up carry: other reports have their own dates.
    count = cli(
        "query",
        "SELECT (COUNT(?c) AS ?n) (GROUP_CONCAT(DISTINCT ?o; separator=' ') AS ?outlets) WHERE { "
        "?c a pg:Claim ; pg:statedIn ?r . ?r schema:publisher/rdfs:label ?o FILTER (LANG(?o) = 'en') "
        f"FILTER (?r IN (<{SHIPPED_REPORT}>, <{FOLLOWUP_REPORT}>)) }} ",
        "--data-dir", str(data), "--as-of", date, "-f", "csv",
    )
    assert count.exit_code == 0, count.output
    row = next(csv.DictReader(io.StringIO(count.stdout)))
    assert row["n"] == claims
    assert sorted(row["outlets"].split()) == sorted(outlets.split())


def test_as_of_keeps_the_world_facts_and_hides_later_disagreements(cli, data):
    facts = cli("query", "ASK { pgr:turkey a pg:SovereignState ; pg:capital pgr:ankara }", "--data-dir", str(data), "--as-of", "2020-01-01")
    assert facts.exit_code == 0 and facts.stdout.strip() == "true"
    before = cli("query", "disagreeing-claims", "--data-dir", str(data), "--as-of", "2026-02-02", "-f", "csv")
    assert before.exit_code == 0
    assert "Fictional Courier" not in before.stdout and "Alexei Portanskiy" in before.stdout
    after = cli("query", "disagreeing-claims", "--data-dir", str(data), "--as-of", "2026-02-03", "-f", "csv")
    assert "Fictional Courier" in after.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as-of", "last week"], "--as-of must be a date as YYYY-MM-DD"),
        (["--as-of", "2026-02-30"], "--as-of must be a date"),
        (["--data-dir", "/nonexistent/data"], "is not a directory"),
        (["--data-dir", ".", "--data", "."], "give only one of"),
    ],
)
def test_query_bad_as_of_or_data_dir_exit_2(cli, args, message):
    result = cli("query", "reports", *args)
    assert result.exit_code == 2
    assert message in result.stderr


# ---------------------------------------------------------------- timeline


def test_timeline_table_is_in_date_order(cli, data):
    result = cli("timeline", "--data-dir", str(data), "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    starts = [r["start"] or r["end"] for r in rows if r["start"] or r["end"]]
    assert starts == sorted(starts)
    assert rows[-1]["start"] == rows[-1]["end"] == ""  # the undated negotiations come last
    by_label = {r["label"]: r for r in rows}
    meeting = by_label["first meeting of Turkish and Saudi naval officers"]
    assert (meeting["start"], meeting["end"], meeting["kind"]) == ("2026-01-05", "2026-01-11", "event: meeting")
    follow_up = by_label["Fictional Courier report of 3 February 2026"]
    assert (follow_up["start"], follow_up["kind"], follow_up["source"]) == ("2026-02-03", "report", "Fictional Courier")
    text = cli("timeline", "--data-dir", str(data))
    assert "2026-01-05 .. 2026-01-11  event: meeting" in text.stdout
    earlier = cli("timeline", "--data-dir", str(data), "--as-of", "2026-01-20", "-f", "csv")
    assert "Fictional Courier" not in earlier.stdout and "Bloomberg report" in earlier.stdout


def test_timeline_figure_is_valid_svg_with_escaped_labels_and_bars_for_vague_dates(cli, data, tmp_path):
    extra = tmp_path / "data"
    shutil.copytree(data, extra)
    (extra / "odd-event.ttl").write_text(
        "@prefix pg: <https://w3id.org/pactgraph/ontology#> .\n"
        "@prefix pgr: <https://w3id.org/pactgraph/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'pgr:odd a pg:Event ; rdfs:label "Talks <A & B> \\"fictional\\""@en ;\n'
        '    sem:hasEarliestBeginTimeStamp "2025-11-01"^^xsd:date ; sem:hasLatestEndTimeStamp "2025-11-30"^^xsd:date .\n',
        encoding="utf-8",
    )
    out = tmp_path / "timeline.svg"
    result = cli("timeline", "--data-dir", str(extra), "-f", "svg", "-o", str(out))
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any('Talks <A & B> "fictional"' in t for t in texts)
    bars = {g.findtext("svg:title", namespaces=ns): g.find("svg:rect", ns) for g in root.iter("{http://www.w3.org/2000/svg}g")}
    bars = {title.split(" — ")[0]: rect for title, rect in bars.items() if rect is not None}
    # The vague dates: the naval meeting, the odd event, and the conflict known only to end on 10 May
    # 2025 (in words, as the site's drawing of the timeline writes an open-ended date).
    assert set(bars) == {"2026-01-05 .. 2026-01-11", "2025-11-01 .. 2025-11-30", "until 2025-05-10"}
    assert bars["until 2025-05-10"].get("stroke-dasharray")
    assert float(bars["2025-11-01 .. 2025-11-30"].get("width")) > 10
    diamonds = root.findall(".//svg:g/svg:path", ns)
    assert len(diamonds) >= 8  # exact dates: events with a timestamp and every publication
    html = cli("timeline", "--data-dir", str(extra), "-f", "html")
    assert html.exit_code == 0
    assert "Talks &lt;A &amp; B&gt; \"fictional\"" in html.stdout and "<svg" in html.stdout
