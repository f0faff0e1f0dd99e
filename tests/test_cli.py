"""Command-line behaviour shared by all commands: help, version, exit codes, input errors."""

from __future__ import annotations

import json

import pytest
import typer.main

from pactgraph.cli.main import app

COMMANDS = ["validate", "query", "queries", "export", "info"]


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_exits_zero(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
    assert f"pactgraph {' '.join(command)}".strip() in " ".join(result.stdout.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_states_its_default(name):
    command = typer.main.get_command(app).commands[name]
    options = [
        p for p in command.params if p.param_type_name == "option" and not getattr(p, "is_flag", False)
    ]
    assert options
    for param in options:
        assert param.show_default, f"{name} {param.name}: no default shown in --help"


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("pactgraph ")
    assert result.stdout.split()[1][0].isdigit() or "unknown" in result.stdout


def test_no_command_prints_usage_with_exit_two(cli):
    result = cli()
    assert result.exit_code == 2
    assert "Usage" in result.output


def test_unknown_option_is_a_usage_error(cli, graph_file):
    result = cli("info", str(graph_file), "--no-such-option")
    assert result.exit_code == 2


@pytest.mark.parametrize("command", [["info"], ["export"], ["query", "ASK {}", "--data"], ["validate"]])
def test_malformed_turtle_reports_file_line_column(cli, tmp_path, write, command):
    bad = write(
        tmp_path / "bad.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b foo:c .\n"
    )
    result = cli(*command, str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3:11:" in result.stderr
    assert "foo:" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_is_exit_two(cli, tmp_path):
    result = cli("info", str(tmp_path / "absent.ttl"))
    assert result.exit_code == 2
    assert "absent.ttl: no such file or directory" in result.stderr


def test_unknown_extension_is_exit_two(cli, tmp_path, write):
    notes = write(tmp_path / "notes.txt", "hello")
    result = cli("info", str(notes))
    assert result.exit_code == 2
    assert "unknown RDF file extension .txt" in result.stderr


def test_directory_without_rdf_is_exit_two(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = cli("info", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "holds no RDF files" in result.stderr


def test_empty_path_is_exit_two(cli):
    result = cli("info", "")
    assert result.exit_code == 2
    assert "empty path" in result.stderr


def test_directory_input_is_read_recursively(cli, tmp_path, write, graph_text):
    write(tmp_path / "d" / "a.ttl", graph_text)
    write(tmp_path / "d" / "sub" / "b.nt", "<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    result = cli(
        "query",
        "--data",
        str(tmp_path / "d"),
        "-f",
        "csv",
        "ASK { <urn:x:a> <urn:x:b> <urn:x:c> . pgr:turkey a pg:SovereignState }",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "true"


def test_other_rdf_formats_load(cli, tmp_path, write):
    write(tmp_path / "a.jsonld", json.dumps({"@id": "urn:x:a", "urn:x:p": [{"@value": "1"}]}))
    write(
        tmp_path / "b.rdf",
        """\
        <?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="urn:x:">
          <rdf:Description rdf:about="urn:x:b"><x:p>2</x:p></rdf:Description>
        </rdf:RDF>
        """,
    )
    write(tmp_path / "c.trig", '<urn:x:g> { <urn:x:c> <urn:x:p> "3" . }\n')
    write(tmp_path / "d.nq", '<urn:x:d> <urn:x:p> "4" <urn:x:g2> .\n')
    args = ["query", "-f", "csv"]
    for name in ("a.jsonld", "b.rdf", "c.trig", "d.nq"):
        args += ["--data", str(tmp_path / name)]
    result = cli(*args, "SELECT ?v WHERE { ?s <urn:x:p> ?v } ORDER BY ?v")
    assert result.exit_code == 0, result.output
    # Named graphs are merged into the one default graph.
    assert result.stdout.split() == ["v", "1", "2", "3", "4"]


def test_jsonld_remote_context_is_not_fetched(cli, tmp_path, write):
    doc = write(
        tmp_path / "remote.jsonld",
        json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:x:a", "name": "x"}),
    )
    result = cli("info", str(doc))
    assert result.exit_code == 2
    assert "remote.jsonld" in result.stderr
    assert "port" not in result.stderr  # refused before any connection attempt


def test_blank_nodes_of_different_files_stay_distinct(cli, tmp_path, write):
    write(tmp_path / "a.ttl", '_:b0 <urn:x:p> "a" .\n')
    write(tmp_path / "b.ttl", '_:b0 <urn:x:p> "b" .\n')
    result = cli(
        "query",
        "-d",
        str(tmp_path / "a.ttl"),
        "-d",
        str(tmp_path / "b.ttl"),
        "-f",
        "csv",
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <urn:x:p> ?o }",
    )
    assert result.stdout.split() == ["n", "2"]


def test_console_entry_point_end_to_end(pactgraph, graph_file):
    data = graph_file
    done = pactgraph(
        "query",
        "--data",
        str(data),
        "--format",
        "csv",
        "SELECT ?s WHERE { ?s schema:memberOf pgr:smda } ORDER BY ?s",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "s",
        "https://w3id.org/pactgraph/id/pakistan",
        "https://w3id.org/pactgraph/id/saudi-arabia",
    ]
    bad_format = pactgraph("query", "--data", str(data), "--format", "yaml", "ASK {}")
    assert bad_format.returncode == 2
    assert "yaml" in bad_format.stderr


def test_error_output_is_one_line_without_traceback(pactgraph, tmp_path):
    done = pactgraph("info", str(tmp_path / "absent.ttl"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith("pactgraph: error: ")


def test_version_entry_point(pactgraph):
    done = pactgraph("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("pactgraph ")
