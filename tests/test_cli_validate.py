"""`pactgraph validate`: exit codes, report formats, narrowing, ontology mixing, bad input."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from pactgraph.validation.command import validate

DATA = """
pgr:turkey a pg:SovereignState ; rdfs:label "Turkey"@en ; schema:memberOf pgr:nato .
pgr:pakistan a pg:NuclearState ; rdfs:label "Pakistan"@en .
pgr:nameless a pg:SovereignState ; schema:memberOf pgr:nato .
pgr:nato a pg:Alliance .
"""

#: pg:NuclearState is a subclass of pg:SovereignState only through this ontology.
ONTOLOGY = """
pg:NuclearState a owl:Class ; rdfs:subClassOf pg:SovereignState .
pg:SovereignState a owl:Class .
"""

SHAPES = """
pgsh:StateShape a sh:NodeShape ;
    sh:targetClass pg:SovereignState ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "A state needs a label." ] ;
    sh:property pgsh:MembershipShape .
pgsh:MembershipShape a sh:PropertyShape ;
    sh:path schema:memberOf ; sh:minCount 1 ; sh:severity sh:Warning ;
    sh:message "A state should belong to an alliance." .
pgsh:AllianceShape a sh:NodeShape ;
    sh:targetClass pg:Alliance ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "An alliance could have a label." ] .
"""


@pytest.fixture
def files(tmp_path, write, prefixes):
    return {
        "data": write(tmp_path / "data.ttl", prefixes + DATA),
        "ontology": write(tmp_path / "ontology.ttl", prefixes + ONTOLOGY),
        "empty_ontology": write(tmp_path / "no-ontology.ttl", prefixes),
        "shapes": write(tmp_path / "shapes.ttl", prefixes + SHAPES),
    }


def run(cli, files, *extra, ontology="ontology", data=None, shapes=None):
    """`validate` of the fixture data (or DATA) against the fixture shapes (or SHAPES) and ontology."""
    return cli(
        "validate",
        str(data or files["data"]),
        "--shapes",
        str(shapes or files["shapes"]),
        "--ontology",
        str(files[ontology]),
        *extra,
    )


def test_text_report_names_focus_node_path_message_and_shape(cli, files):
    result = run(cli, files)
    assert result.exit_code == 1, result.output
    blocks = result.stdout.strip().split("\n\n")
    assert blocks[0].splitlines() == [
        "Violation: pgr:nameless",
        "  path:       rdfs:label",
        "  message:    A state needs a label.",
        "  shape:      pgsh:StateShape [property rdfs:label] (sh:MinCountConstraintComponent)",
    ]
    # Sorted by severity, then focus node: the violation, two warnings, then the info.
    heads = [block.splitlines()[0] for block in blocks[:-1]]
    assert heads == [
        "Violation: pgr:nameless",
        "Warning: pgr:pakistan [Pakistan]",
        "Info: pgr:nato",
    ]
    assert "  shape:      pgsh:MembershipShape (sh:MinCountConstraintComponent)" in blocks[1]
    assert blocks[-1].startswith("Conforms: no — 1 violation, 1 warning, 1 info (")
    assert blocks[-1].endswith("(5 shapes, 11 triples)")


def test_json_report(cli, files):
    result = run(cli, files, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    first = document["results"][0]
    assert first["severity"] == "Violation"
    assert first["focusNode"] == "pgr:nameless"
    assert first["resultPath"] == "rdfs:label"
    assert first["sourceShape"] == "pgsh:StateShape [property rdfs:label]"
    assert first["message"] == "A state needs a label."
    warning = document["results"][1]
    assert (warning["focusNode"], warning["focusNodeLabel"], warning["sourceShape"]) == (
        "pgr:pakistan",
        "Pakistan",
        "pgsh:MembershipShape",
    )
    summary = document["summary"]
    assert (summary["conforms"], summary["violations"], summary["warnings"], summary["infos"]) == (
        False,
        1,
        1,
        1,
    )
    # data (8 triples) + ontology (3 triples)
    assert (summary["triples"], summary["shapes"]) == (11, 5)


def test_table_and_turtle_reports(cli, files):
    table = run(cli, files, "--format", "table")
    assert table.exit_code == 1
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["severity", "focus", "path", "value", "message", "shape"]
    assert lines[2].startswith("Violation  pgr:nameless")
    assert lines[-1].startswith("Conforms: no")
    turtle = run(cli, files, "--format", "turtle")
    assert turtle.exit_code == 1
    quads = list(ox.parse(turtle.stdout.encode(), format=ox.RdfFormat.TURTLE))
    sh = "http://www.w3.org/ns/shacl#"
    results = [q for q in quads if q.predicate.value == sh + "result"]
    assert len(results) == 3
    conforms = [q.object.value for q in quads if q.predicate.value == sh + "conforms"]
    assert conforms == ["false"]


def test_conforming_data_exits_zero(cli, files, tmp_path, write, prefixes):
    good = write(
        tmp_path / "good.ttl",
        prefixes + 'pgr:turkey a pg:SovereignState ; rdfs:label "Turkey" ; schema:memberOf pgr:nato .\n',
    )
    result = run(cli, files, data=good)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conforms: yes — 0 violations, 0 warnings, 0 info")


def test_fail_on_changes_the_exit_code(cli, files):
    only_warnings = ["--focus", "pgr:pakistan"]
    assert run(cli, files, *only_warnings).exit_code == 0
    assert run(cli, files, *only_warnings, "--fail-on", "warning").exit_code == 1
    only_info = ["--focus", "pgr:nato"]
    assert run(cli, files, *only_info, "--fail-on", "warning").exit_code == 0
    assert run(cli, files, *only_info, "--fail-on", "info").exit_code == 1
    warned = run(cli, files, *only_warnings, "--fail-on", "warning")
    assert "Conforms: no — 0 violations, 1 warning, 0 info" in warned.stdout


def test_focus_and_shape_narrow_the_results(cli, files):
    focus = run(cli, files, "--focus", "pgr:nameless", "--format", "json")
    assert [r["focusNode"] for r in json.loads(focus.stdout)["results"]] == ["pgr:nameless"]
    full_iri = run(cli, files, "--focus", "<https://w3id.org/pactgraph/id/nameless>", "--format", "json")
    assert json.loads(full_iri.stdout)["results"] == json.loads(focus.stdout)["results"]
    shape = run(cli, files, "--shape", "pgsh:MembershipShape", "--format", "json")
    assert shape.exit_code == 0  # only a warning is left
    assert [r["sourceShape"] for r in json.loads(shape.stdout)["results"]] == ["pgsh:MembershipShape"]
    # A node shape includes its property shapes.
    node_shape = run(cli, files, "--shape", "pgsh:StateShape", "--format", "json")
    assert sorted(r["severity"] for r in json.loads(node_shape.stdout)["results"]) == ["Violation", "Warning"]


def test_ontology_is_mixed_into_the_data_graph(cli, files):
    # With the ontology, pg:NuclearState instances are pg:SovereignState targets.
    with_ontology = run(cli, files, "--format", "json")
    assert "pgr:pakistan" in {r["focusNode"] for r in json.loads(with_ontology.stdout)["results"]}
    without = run(cli, files, "--format", "json", ontology="empty_ontology")
    assert "pgr:pakistan" not in {r["focusNode"] for r in json.loads(without.stdout)["results"]}


def test_quiet_prints_nothing_but_keeps_the_exit_code(cli, files):
    result = run(cli, files, "--quiet")
    assert result.exit_code == 1
    assert result.stdout == ""


def test_output_file(cli, files, tmp_path):
    out = tmp_path / "report.json"
    result = run(cli, files, "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(out.read_text())["summary"]["violations"] == 1


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--focus", "nope:thing"], "unknown prefix 'nope:'"),
        (["--focus", "pgr:nobody-here"], "does not occur in the data graph"),
        (["--shape", "pgsh:NoSuchShape"], "is not a shape"),
        (["--fail-on", "error"], "error"),
    ],
)
def test_bad_narrowing_arguments_are_exit_two(cli, files, extra, message):
    result = run(cli, files, *extra)
    assert result.exit_code == 2
    assert message in result.stderr


def test_malformed_shapes_file_is_exit_two(cli, files, tmp_path, write):
    bad = write(
        tmp_path / "bad-shapes.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n[] a sh:NodeShape ;\n  sh:targetClass .\n",
    )
    result = cli("validate", str(files["data"]), "--shapes", str(bad), "--ontology", str(files["ontology"]))
    assert result.exit_code == 2
    assert f"{bad}:4:" in result.stderr


_UNUSABLE_SHAPES = {
    "sparql-syntax": (
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n  sh:sparql [ sh:message "m" ; sh:select "SELECT $this WHERE { $this ?p }" ] .',
        {"pyshacl-turbo": "SHACL validation failed: SPARQL parse error: error at", "pyshacl": "SHACL validation failed: Expected SelectQuery"},
    ),
    "min-count-not-a-number": (
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount "x" ] .',
        {
            "pyshacl-turbo": 'SHACL validation failed: Invalid integer parameter sh:minCount: "x"',
            "pyshacl": "SHACL validation failed: MinCountConstraintComponent sh:minCount must be a literal with datatype xsd:integer.",
        },
    ),
}


@pytest.mark.parametrize("engine", ["pyshacl-turbo", "pyshacl"])
@pytest.mark.parametrize("case", sorted(_UNUSABLE_SHAPES))
def test_shapes_the_engine_cannot_use_give_one_line_and_exit_two(cli, files, tmp_path, write, engine, case):
    body, messages = _UNUSABLE_SHAPES[case]
    shapes = write(
        tmp_path / "shapes.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n" + body + "\n",
    )
    result = cli("validate", str(files["data"]), "--shapes", str(shapes), "--engine", engine)
    assert result.exit_code == 2
    assert result.stderr.startswith("pactgraph: error: " + messages[engine]), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_pyshacl_log_lines_do_not_reach_the_terminal(pactgraph, files, tmp_path, write):
    body, messages = _UNUSABLE_SHAPES["min-count-not-a-number"]
    shapes = write(
        tmp_path / "shapes.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n" + body + "\n",
    )
    result = pactgraph("validate", str(files["data"]), "--shapes", str(shapes), "--engine", "pyshacl")
    assert result.returncode == 2
    assert result.stderr == "pactgraph: error: " + messages["pyshacl"] + "\n"


def test_pyshacl_failures_it_returns_instead_of_raising_are_input_errors(monkeypatch):
    import pyshacl
    import rdflib
    from pyshacl.errors import ValidationFailure

    from pactgraph.errors import InputError
    from pactgraph.validation.engine import engine_runner

    failure = ValidationFailure("SPARQL constraints cannot use MINUS")
    monkeypatch.setattr(pyshacl, "validate", lambda *a, **k: (False, failure, str(failure)))
    with pytest.raises(InputError, match="^SHACL validation failed: SPARQL constraints cannot use MINUS$"):
        engine_runner("pyshacl", rdflib.Graph())(rdflib.Graph())


def test_missing_shapes_file_is_exit_two(cli, files, tmp_path):
    result = cli("validate", str(files["data"]), "--shapes", str(tmp_path / "absent.ttl"))
    assert result.exit_code == 2
    assert "absent.ttl: no such file or directory" in result.stderr


def test_shacl_sparql_constraints_run_and_are_named(cli, files, tmp_path, write, prefixes):
    shapes = write(
        tmp_path / "sparql-shapes.ttl",
        prefixes + '''
        pgsh:AllianceRules a sh:NodeShape ;
            sh:targetClass pg:Alliance ;
            sh:sparql pgsh:Alliance-labelled, pgsh:Alliance-hasMembers .
        pgsh:Alliance-labelled a sh:SPARQLConstraint ;
            sh:message "Alliance {$this} has no label." ;
            sh:select """
                SELECT $this WHERE {
                    FILTER NOT EXISTS { $this <http://www.w3.org/2000/01/rdf-schema#label> ?l }
                }""" .
        pgsh:Alliance-hasMembers a sh:SPARQLConstraint ;
            sh:severity sh:Warning ;
            sh:message "Alliance {$this} has no members." ;
            sh:select """
                SELECT $this WHERE {
                    FILTER NOT EXISTS { ?member <https://schema.org/memberOf> $this }
                }""" .
        pgr:extra a pg:Alliance .
        ''',
    )
    args = ["validate", str(files["data"]), "--shapes", str(shapes), "--ontology", str(files["ontology"])]
    result = cli(*args, "-f", "json")
    assert result.exit_code == 1, result.output
    found = {(r["focusNode"], r["sourceConstraint"]) for r in json.loads(result.stdout)["results"]}
    # pgr:extra sits in the shapes file, so it is no focus node of the data graph.
    assert found == {("pgr:nato", "pgsh:Alliance-labelled")}
    text = cli(*args).stdout
    assert "  shape:      pgsh:AllianceRules (sh:SPARQLConstraintComponent)" in text
    assert "  constraint: pgsh:Alliance-labelled" in text
    assert "  message:    Alliance https://w3id.org/pactgraph/id/nato has no label." in text
    assert text.endswith("(1 shape, 11 triples)\n")
    narrowed = cli(*args, "--shape", "pgsh:Alliance-hasMembers")
    assert narrowed.exit_code == 0
    assert narrowed.stdout.startswith("Conforms: yes")


def test_validate_library_api(files):
    report = validate([files["data"]], [files["shapes"]], ontology=[files["ontology"]])
    assert not report.conforms
    assert [(r.severity, r.focus_node) for r in report.results] == [
        ("Violation", "pgr:nameless"),
        ("Warning", "pgr:pakistan"),
        ("Info", "pgr:nato"),
    ]
    assert report.count("Warning") == 1
    assert report.shapes == 5  # three named shapes, two blank property shapes
    lenient = validate(
        [files["data"]], [files["shapes"]], ontology=[files["ontology"]], focus=["pgr:pakistan"]
    )
    assert lenient.conforms and len(lenient.results) == 1


def test_validate_through_the_entry_point(pactgraph, files):
    done = pactgraph(
        "validate",
        str(files["data"]),
        "--shapes",
        str(files["shapes"]),
        "--ontology",
        str(files["ontology"]),
        "--focus",
        "pgr:pakistan",
        "--fail-on",
        "warning",
        "--format",
        "json",
    )
    assert done.returncode == 1, done.stderr
    assert [r["focusNode"] for r in json.loads(done.stdout)["results"]] == ["pgr:pakistan"]


def test_nested_node_shape_results_are_not_reported_twice(cli, files, tmp_path, write, prefixes):
    shapes = write(
        tmp_path / "node-shapes.ttl",
        prefixes + """
        pgsh:MembershipTarget a sh:NodeShape ;
            sh:targetClass pg:SovereignState ;
            sh:property pgsh:MemberOfAlliance .
        pgsh:MemberOfAlliance a sh:PropertyShape ;
            sh:path schema:memberOf ;
            sh:node [ sh:property [ sh:path rdfs:label ; sh:minCount 1 ] ] ;
            sh:message "A state's alliance needs a label." .
        """,
    )
    result = run(cli, files, "-f", "json", shapes=shapes)
    assert result.exit_code == 1, result.output
    results = json.loads(result.stdout)["results"]
    # pgr:nato has no label: one result per state that belongs to it, none for the nested shape.
    assert [(r["focusNode"], r["value"], r["sourceShape"]) for r in results] == [
        ("pgr:nameless", "pgr:nato", "pgsh:MemberOfAlliance"),
        ("pgr:turkey", "pgr:nato", "pgsh:MemberOfAlliance"),
    ]
    assert {r["sourceConstraintComponent"] for r in results} == {"sh:NodeConstraintComponent"}


def test_prefixes_declared_in_the_inputs_name_the_nodes(cli, files, tmp_path, write, prefixes):
    data = write(
        tmp_path / "example.ttl",
        prefixes + """
        @prefix ex: <https://example.org/fixture/> .
        ex:borduria a pg:SovereignState ; schema:memberOf pgr:nato ; rdfs:label "Borduria"@en .
        ex:syldavia a pg:SovereignState ; schema:memberOf pgr:nato .
        """,
    )
    result = run(cli, files, "--focus", "ex:syldavia", data=data)
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("Violation: ex:syldavia\n")
    json_report = run(cli, files, "-f", "json", data=data)
    assert {r["focusNode"] for r in json.loads(json_report.stdout)["results"]} == {"ex:syldavia"}
