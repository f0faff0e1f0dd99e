"""`pactgraph query` and `pactgraph queries`: answers, formats, parameters, refusals, errors."""

from __future__ import annotations

import json
import re
import sys

import pyoxigraph as ox
import pytest

from pactgraph.query import querying, sparql_policy
from pactgraph.errors import QueryError, UpdateRefusedError
from pactgraph.rdf.loading import load_store

MEMBERS = "SELECT ?state ?label WHERE { ?state schema:memberOf pgr:smda ; rdfs:label ?label } ORDER BY ?label"


@pytest.fixture
def queries_dir(tmp_path, write):
    folder = tmp_path / "queries"
    write(
        folder / "01-alliance-members.rq",
        """\
        # title: Members of the alliance
        # question: Which states belong to the Saudi–Pakistan alliance?
        # answer: Pakistan and Saudi Arabia.
        SELECT ?state WHERE { ?state schema:memberOf pgr:smda } ORDER BY ?state
        """,
    )
    write(
        folder / "02-memberships.rq",
        """\
        # title: Memberships of a state
        # question: Which alliances does a state belong to?
        SELECT ?state ?alliance WHERE { ?state schema:memberOf ?alliance } ORDER BY ?alliance
        """,
    )
    write(
        folder / "03-is-member.rq",
        """\
        # title: Membership check
        # question: Is Turkey a member of NATO?
        ASK { pgr:turkey schema:memberOf pgr:nato }
        """,
    )
    write(folder / "README.txt", "not a query")
    return folder


# ---------------------------------------------------------------- SELECT


def test_select_table_shows_prefixed_names_and_plain_literals(cli, graph_file):
    result = cli("query", "--data", str(graph_file), MEMBERS)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["state", "label"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["pgr:pakistan", "Pakistan"]
    assert lines[3].split(None, 1) == ["pgr:saudi-arabia", "Saudi Arabia"]
    assert "@en" not in result.stdout
    # Columns are aligned: the label column starts at the same offset on every line.
    offsets = {line.index(word) for line, word in zip(lines[2:], ["Pakistan", "Saudi"], strict=True)}
    assert len(offsets) == 1 and lines[0].index("label") in offsets
    # The row count goes to stderr only.
    assert result.stderr.strip() == "2 rows"
    assert "rows" not in result.stdout


def test_select_csv_tsv_json_xml_are_w3c_results(cli, graph_file):
    base = ["query", "--data", str(graph_file), MEMBERS, "--format"]
    csv = cli(*base, "csv")
    assert csv.exit_code == 0
    assert csv.stdout.splitlines() == [
        "state,label",
        "https://w3id.org/pactgraph/id/pakistan,Pakistan",
        "https://w3id.org/pactgraph/id/saudi-arabia,Saudi Arabia",
    ]
    tsv = cli(*base, "tsv")
    assert tsv.stdout.splitlines()[1] == '<https://w3id.org/pactgraph/id/pakistan>\t"Pakistan"@en'
    document = json.loads(cli(*base, "json").stdout)
    assert document["head"]["vars"] == ["state", "label"]
    assert [b["label"]["value"] for b in document["results"]["bindings"]] == ["Pakistan", "Saudi Arabia"]
    assert document["results"]["bindings"][0]["label"]["xml:lang"] == "en"
    xml = cli(*base, "xml").stdout
    assert "http://www.w3.org/2005/sparql-results#" in xml
    assert "https://w3id.org/pactgraph/id/saudi-arabia" in xml


def test_project_prefixes_are_predeclared(cli, graph_file):
    result = cli(
        "query",
        "-d",
        str(graph_file),
        "-f",
        "csv",
        "SELECT (COUNT(?s) AS ?n) WHERE { ?s a pg:SovereignState ; schema:memberOf ?a . ?a rdf:type pg:Alliance }",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["n", "3"]


def test_query_from_stdin_and_file(cli, graph_file, tmp_path, write):
    from_stdin = cli("query", "-", "-d", str(graph_file), "-f", "csv", input=MEMBERS)
    assert from_stdin.exit_code == 0, from_stdin.output
    assert from_stdin.stdout.splitlines()[1].endswith(",Pakistan")
    query_file = write(tmp_path / "members.rq", MEMBERS)
    from_file = cli("query", "--file", str(query_file), "-d", str(graph_file), "-f", "csv")
    assert from_file.stdout == from_stdin.stdout
    as_argument = cli("query", str(query_file), "-d", str(graph_file), "-f", "csv")
    assert as_argument.stdout == from_stdin.stdout


def test_query_argument_and_file_together_is_exit_two(cli, graph_file, tmp_path, write):
    query_file = write(tmp_path / "q.rq", MEMBERS)
    result = cli("query", MEMBERS, "--file", str(query_file), "-d", str(graph_file))
    assert result.exit_code == 2
    assert "not both" in result.stderr


# ---------------------------------------------------------------- ASK, CONSTRUCT, DESCRIBE


def test_ask_true_exits_zero_and_false_exits_one(cli, graph_file):
    yes = cli("query", "-d", str(graph_file), "ASK { pgr:turkey schema:memberOf pgr:nato }")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    no = cli("query", "-d", str(graph_file), "ASK { pgr:turkey schema:memberOf pgr:smda }")
    assert (no.exit_code, no.stdout) == (1, "false\n")
    as_json = cli("query", "-d", str(graph_file), "-f", "json", "ASK { pgr:turkey schema:memberOf pgr:smda }")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["boolean"] is False


def test_construct_defaults_to_turtle_with_prefixes(cli, graph_file):
    result = cli(
        "query", "-d", str(graph_file), "CONSTRUCT { ?a pg:hasMember ?s } WHERE { ?s schema:memberOf ?a }"
    )
    assert result.exit_code == 0, result.output
    assert "@prefix pg: <https://w3id.org/pactgraph/ontology#> ." in result.stdout
    assert "pgr:smda pg:hasMember" in result.stdout
    triples = {str(q.triple) for q in ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE)}
    pgr = "https://w3id.org/pactgraph/id/"
    member = "https://w3id.org/pactgraph/ontology#hasMember"
    assert triples == {
        f"<{pgr}{a}> <{member}> <{pgr}{s}>"
        for a, s in [("smda", "pakistan"), ("smda", "saudi-arabia"), ("nato", "turkey")]
    }


def test_construct_ntriples_and_describe_table(cli, graph_file):
    nt = cli(
        "query",
        "-d",
        str(graph_file),
        "-f",
        "ntriples",
        "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a pg:Alliance ; rdfs:label ?l }",
    )
    assert nt.stdout.splitlines() == [
        '<https://w3id.org/pactgraph/id/nato> <http://www.w3.org/2000/01/rdf-schema#label> "NATO"@en .',
        '<https://w3id.org/pactgraph/id/smda> <http://www.w3.org/2000/01/rdf-schema#label> "Strategic Mutual Defense Agreement"@en .',
    ]
    described = cli("query", "-d", str(graph_file), "-f", "table", "DESCRIBE pgr:nato")
    assert described.exit_code == 0
    assert described.stdout.splitlines()[0].split() == ["subject", "predicate", "object"]
    assert any(
        line.split()[:3] == ["pgr:nato", "rdf:type", "pg:Alliance"] for line in described.stdout.splitlines()
    )


@pytest.mark.parametrize(
    "query, fmt",
    [(MEMBERS, "turtle"), ("ASK {}", "ntriples"), ("CONSTRUCT WHERE { ?s ?p ?o }", "csv")],
)
def test_format_that_does_not_fit_the_result_is_exit_two(cli, graph_file, query, fmt):
    result = cli("query", "-d", str(graph_file), "-f", fmt, query)
    assert result.exit_code == 2
    assert f"format '{fmt}' does not fit" in result.stderr


# ---------------------------------------------------------------- refusals and errors


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { pgr:turkey schema:memberOf pgr:smda }",
        "PREFIX ex: <http://example.org/>\n# SELECT in a comment\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "drop graph <urn:x:g>",
        "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:x:a> <urn:x:b> 'unterminated }",
    ],
)
def test_sparql_update_is_refused(cli, graph_file, update):
    before = graph_file.read_bytes()
    result = cli("query", "-d", str(graph_file), update)
    assert result.exit_code == 2
    assert "SPARQL UPDATE" in result.stderr and "refused" in result.stderr
    assert graph_file.read_bytes() == before


def test_update_keyword_detection_skips_prologue_comments_and_strings():
    assert (
        sparql_policy.update_keyword("BASE <http://x/> PREFIX a: <urn:a:> # INSERT?\n insert data {}") == "INSERT"
    )
    assert sparql_policy.update_keyword('SELECT ("DELETE" AS ?x) {}') is None
    assert sparql_policy.update_keyword("PREFIX insert: <urn:x:> SELECT * {}") is None
    assert sparql_policy.update_keyword("") is None


def test_syntax_error_gives_line_and_column(cli, graph_file):
    result = cli("query", "-d", str(graph_file), "SELECT ?s WHERE {\n  ?s ?p ?o\n  FILTER(\n}")
    assert result.exit_code == 2
    assert re.search(r"<query>:4:\d+: SPARQL syntax error: expected", result.stderr)
    assert "\n" not in result.stderr.strip()


@pytest.mark.parametrize(
    ("text", "where", "found"),
    [
        ("SELEC ?s WHERE { ?s ?p ?o }", "1:1", "found 'SELEC'"),
        ("PREFIX a: <urn:a:>\n  selec ?s { ?s a:p ?o }", "2:3", "found 'selec'"),
        ("{ ?s ?p ?o }", "1:1", "found '{'"),
        ("# only a comment\n", "2:1", "found the end of the text"),
    ],
)
def test_a_query_without_a_query_form_is_reported_at_its_first_word(cli, graph_file, text, where, found):
    """The engine reports a misspelt or missing SELECT at a later column, as expecting CONSTRUCT only."""
    result = cli("query", "-d", str(graph_file), text)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"pactgraph: error: <query>:{where}: SPARQL syntax error: expected SELECT, CONSTRUCT, ASK or DESCRIBE, {found}"
    )


def test_syntax_error_in_named_query_names_the_file(cli, graph_file, tmp_path, write):
    folder = tmp_path / "q"
    path = write(folder / "01-broken.rq", "# title: Broken\n# question: ?\nSELECT ?s WHERE { ?s ?p }\n")
    result = cli("query", "broken", "--queries-dir", str(folder), "-d", str(graph_file))
    assert result.exit_code == 2
    assert re.search(re.escape(str(path)) + r":\d+:\d+: SPARQL syntax error", result.stderr)


def test_no_query_is_exit_two(cli, graph_file):
    result = cli("query", "-d", str(graph_file))
    assert result.exit_code == 2
    assert "no query given" in result.stderr


# ---------------------------------------------------------------- named queries


@pytest.mark.parametrize("key", ["alliance-members", "1", "01", "01-alliance-members"])
def test_named_query_by_name_or_number(cli, graph_file, queries_dir, key):
    result = cli("query", key, "--queries-dir", str(queries_dir), "-d", str(graph_file), "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        "state",
        "https://w3id.org/pactgraph/id/pakistan",
        "https://w3id.org/pactgraph/id/saudi-arabia",
    ]


def test_named_ask_query_exit_code(cli, graph_file, queries_dir):
    result = cli("query", "is-member", "--queries-dir", str(queries_dir), "-d", str(graph_file))
    assert (result.exit_code, result.stdout) == (0, "true\n")


def test_unknown_query_name_lists_available_names(cli, graph_file, queries_dir):
    result = cli("query", "alliance-member", "--queries-dir", str(queries_dir), "-d", str(graph_file))
    assert result.exit_code == 2
    assert "unknown query 'alliance-member'" in result.stderr
    for label in ("01 alliance-members", "02 memberships", "03 is-member"):
        assert label in result.stderr


def test_queries_lists_number_name_title_question(cli, queries_dir):
    result = cli("queries", "--queries-dir", str(queries_dir))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["no", "name", "title", "question"]
    assert lines[2].startswith("01  alliance-members")
    assert "Members of the alliance" in lines[2]
    assert "Which states belong to the Saudi–Pakistan alliance?" in lines[2]
    assert [line.split()[0] for line in lines[2:]] == ["01", "02", "03"]


def test_queries_in_an_empty_directory(cli, tmp_path):
    result = cli("queries", "--queries-dir", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no named queries" in result.stderr


# ---------------------------------------------------------------- parameters


def test_param_binds_a_prefixed_name(cli, graph_file, queries_dir):
    result = cli(
        "query",
        "memberships",
        "--queries-dir",
        str(queries_dir),
        "-d",
        str(graph_file),
        "--param",
        "state=pgr:turkey",
        "-f",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "state,alliance",
        "https://w3id.org/pactgraph/id/turkey,https://w3id.org/pactgraph/id/nato",
    ]


def test_declared_param_default_and_override(cli, graph_file, tmp_path, write):
    folder = tmp_path / "q"
    write(
        folder / "01-state-alliances.rq",
        """\
        # title: Alliances of a state
        # question: Which alliances does a state belong to?
        # param: state = pgr:turkey
        SELECT ?state ?alliance WHERE { ?state schema:memberOf ?alliance }
        """,
    )
    base = ["query", "state-alliances", "--queries-dir", str(folder), "-d", str(graph_file), "-f", "csv"]
    default = cli(*base)
    assert default.exit_code == 0, default.output
    pgr = "https://w3id.org/pactgraph/id/"
    assert default.stdout.splitlines()[1:] == [f"{pgr}turkey,{pgr}nato"]
    override = cli(*base, "--param", "state=pgr:pakistan")
    assert override.stdout.splitlines()[1:] == [f"{pgr}pakistan,{pgr}smda"]
    assert querying.declared_params((folder / "01-state-alliances.rq").read_text()) == {"state": "pgr:turkey"}


@pytest.mark.parametrize(
    "value",
    ['"Pakistan"@en', "<https://w3id.org/pactgraph/id/pakistan>", "https://w3id.org/pactgraph/id/pakistan"],
)
def test_param_binds_literals_and_iris(cli, graph_file, value):
    variable = "label" if value.startswith('"') else "state"
    result = cli("query", "-d", str(graph_file), "-f", "csv", "-p", f"{variable}={value}", MEMBERS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["https://w3id.org/pactgraph/id/pakistan,Pakistan"]


def test_param_plain_word_is_a_string_literal():
    term = querying.parse_term("Pakistan")
    assert isinstance(term, ox.Literal) and term.value == "Pakistan" and term.language is None
    assert querying.parse_term("42") == ox.Literal(
        "42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    )
    assert querying.parse_term("pgv:high") == ox.NamedNode("https://w3id.org/pactgraph/vocab/high")


@pytest.mark.parametrize(
    "param, message",
    [
        ("state=nope:turkey", "unknown prefix"),
        ("nobody=pgr:turkey", "no variable ?nobody"),
        ("no-equals-sign", "expected NAME=VALUE"),
        ("state=[]", "blank node"),
    ],
)
def test_bad_param_is_exit_two(cli, graph_file, param, message):
    result = cli("query", "-d", str(graph_file), "-p", param, MEMBERS)
    assert result.exit_code == 2
    assert message in result.stderr


def test_param_on_a_variable_the_select_does_not_project(cli, graph_file):
    result = cli(
        "query",
        "-d",
        str(graph_file),
        "-p",
        "alliance=pgr:smda",
        "SELECT ?state WHERE { ?state schema:memberOf ?alliance }",
    )
    assert result.exit_code == 2
    assert "SELECT" in result.stderr


# ---------------------------------------------------------------- output files


def test_output_file_is_written(cli, graph_file, tmp_path):
    out = tmp_path / "members.csv"
    result = cli("query", "-d", str(graph_file), "-f", "csv", "-o", str(out), MEMBERS)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text().splitlines()[0] == "state,label"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_output_file_not_created_or_touched_on_failure(cli, graph_file, tmp_path):
    out = tmp_path / "result.csv"
    failed = cli("query", "-d", str(graph_file), "-f", "csv", "-o", str(out), "SELECT ?s WHERE {")
    assert failed.exit_code == 2
    assert not out.exists()
    out.write_text("previous\n")
    failed = cli(
        "query", "-d", str(graph_file), "-f", "csv", "-o", str(out), "INSERT DATA { <a:b> <a:c> <a:d> }"
    )
    assert failed.exit_code == 2
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "result.csv"]


# ---------------------------------------------------------------- library and process level


def test_run_query_library_api(graph_file):
    store = load_store([graph_file])
    result = querying.run_query(store, MEMBERS)
    assert result.kind == "select"
    assert result.variables == ["state", "label"]
    assert result.values("state") == ["pgr:pakistan", "pgr:saudi-arabia"]
    assert [b["label"].value for b in result.bindings()] == ["Pakistan", "Saudi Arabia"]
    assert querying.run_query(store, "ASK { pgr:nato a pg:Alliance }").boolean is True
    with pytest.raises(UpdateRefusedError):
        querying.run_query(store, "CLEAR DEFAULT")
    with pytest.raises(QueryError):
        querying.run_query(store, "SELECT ?s WHERE { ?s ")
    bound = querying.run_query(store, MEMBERS, {"state": "pgr:saudi-arabia"})
    assert bound.values("label") == ["Saudi Arabia"]


def test_query_path_imports_neither_rdflib_nor_pyshacl(graph_file, tmp_path):
    import subprocess

    script = (
        "import sys\n"
        f"sys.argv = ['pactgraph', 'query', '--data', {str(graph_file)!r}, {MEMBERS!r}]\n"
        "from pactgraph.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    code = stop.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl'))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert "pgr:pakistan" in done.stdout, done.stderr
    assert "HEAVY []" in done.stderr


def test_query_through_the_entry_point(pactgraph, graph_file, queries_dir):
    done = pactgraph(
        "query",
        "2",
        "--queries-dir",
        str(queries_dir),
        "--data",
        str(graph_file),
        "--param",
        "state=pgr:pakistan",
        "--format",
        "tsv",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        "<https://w3id.org/pactgraph/id/pakistan>\t<https://w3id.org/pactgraph/id/smda>"
    ]
    ask = pactgraph("query", "--data", str(graph_file), "ASK { pgr:pakistan schema:memberOf pgr:nato }")
    assert (ask.returncode, ask.stdout) == (1, "false\n")
    refused = pactgraph("query", "--data", str(graph_file), "DROP ALL")
    assert refused.returncode == 2 and "refused" in refused.stderr
