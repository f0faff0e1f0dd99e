"""`pactgraph export`: same bytes on every run, lossless, format from extension, atomic -o."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from pactgraph.rdf import exporting

FORMATS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "trig": "TRIG", "xml": "RDF_XML"}

#: Blank nodes everywhere: nested, in a list, in a cycle, and two indistinguishable ones.
BLANK_NODES = """
pgr:report-1 pg:sources ( pgr:a pgr:b [ rdfs:label "inline" ] ) .
_:x pg:next _:y . _:y pg:next _:x .
pgr:report-1 pg:note [ rdfs:label "twin" ] , [ rdfs:label "twin" ; pg:extra "e" ] .
pgr:report-1 rdfs:comment "line one\\nline two \\"quoted\\"" , "Ünïcödé"@de , "3.50"^^xsd:decimal .
"""


def canonical(data: bytes, fmt: str) -> list[str]:
    """The statements of a serialisation, blank nodes relabelled canonically, as sorted strings."""
    quads = ox.parse(data, format=getattr(ox.RdfFormat, fmt))
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(q) for q in dataset)


@pytest.fixture
def rich_graph(tmp_path, write, graph_text):
    return write(tmp_path / "rich.ttl", graph_text + BLANK_NODES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_byte_identical_across_hash_seeds(pactgraph, rich_graph, fmt):
    outputs = set()
    for seed in ("0", "1", "4242"):
        done = pactgraph("export", "--format", fmt, str(rich_graph), env={"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert next(iter(outputs)).strip()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_lossless(cli, rich_graph, fmt):
    result = cli("export", "--format", fmt, str(rich_graph))
    assert result.exit_code == 0, result.output
    assert canonical(result.stdout_bytes, FORMATS[fmt]) == canonical(rich_graph.read_bytes(), "TURTLE")


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_does_not_depend_on_statement_order_or_blank_node_labels(cli, tmp_path, write, prefixes, fmt):
    one = write(
        tmp_path / "one.ttl",
        prefixes + '_:a rdfs:label "x" ; pg:p _:b . _:b rdfs:label "y" .\npgr:s pg:q _:a .\n',
    )
    two = write(
        tmp_path / "two.ttl",
        prefixes + 'pgr:s pg:q _:zz .\n_:q9 rdfs:label "y" .\n_:zz pg:p _:q9 ; rdfs:label "x" .\n',
    )
    first = cli("export", "-f", fmt, str(one))
    second = cli("export", "-f", fmt, str(two))
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes


def test_ntriples_export_is_the_rdfc_canonical_form(cli, rich_graph):
    """Blank-node labels are RDFC-1.0's (W3C Dataset Canonicalization), so any RDFC-1.0
    implementation reproduces the exported N-Triples from the same graph."""
    result = cli("export", "-f", "ntriples", str(rich_graph))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("_:c14n" in line for line in lines)
    assert sorted(line.rstrip(" .") for line in lines) == canonical(rich_graph.read_bytes(), "TURTLE")


def test_turtle_uses_project_prefixes(cli, graph_file):
    result = cli("export", str(graph_file))  # stdout without --format: turtle
    assert result.exit_code == 0
    assert "PREFIX pgr: <https://w3id.org/pactgraph/id/>" in result.stdout
    assert "pgr:turkey" in result.stdout
    assert "PREFIX sh:" not in result.stdout  # only prefixes in use


def test_ntriples_lines_are_sorted(cli, graph_file):
    lines = cli("export", "-f", "ntriples", str(graph_file)).stdout.splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines)) == 24


def test_jsonld_context_is_the_project_prefixes(cli, graph_file):
    document = json.loads(cli("export", "-f", "jsonld", str(graph_file)).stdout)
    assert document["@context"]["pgr"] == "https://w3id.org/pactgraph/id/"
    assert document["@context"]["schema"] == "https://schema.org/"
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    turkey = next(node for node in document["@graph"] if node["@id"] == "pgr:turkey")
    assert turkey["@type"] == "pg:SovereignState"
    assert turkey["schema:memberOf"] == {"@id": "pgr:nato"}


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("out.ttl", "TURTLE"),
        ("out.nt", "N_TRIPLES"),
        ("out.jsonld", "JSON_LD"),
        ("out.trig", "TRIG"),
        ("out.rdf", "RDF_XML"),
    ],
)
def test_output_extension_chooses_the_format(cli, graph_file, tmp_path, name, fmt):
    out = tmp_path / name
    result = cli("export", str(graph_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert canonical(out.read_bytes(), fmt) == canonical(graph_file.read_bytes(), "TURTLE")


def test_explicit_format_wins_over_the_extension(cli, graph_file, tmp_path):
    out = tmp_path / "out.ttl"
    assert cli("export", str(graph_file), "-f", "ntriples", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("<https://w3id.org/pactgraph/id/")


def test_unknown_output_extension_is_exit_two_and_writes_nothing(cli, graph_file, tmp_path):
    out = tmp_path / "out.yaml"
    result = cli("export", str(graph_file), "-o", str(out))
    assert result.exit_code == 2
    assert "use --format" in result.stderr
    assert not out.exists()


def test_failed_export_creates_no_file_and_keeps_an_old_one(cli, tmp_path, write):
    bad = write(tmp_path / "bad.ttl", "<urn:x:a> <urn:x:b> .\n")
    out = tmp_path / "out.ttl"
    assert cli("export", str(bad), "-o", str(out)).exit_code == 2
    assert not out.exists()
    out.write_text("old\n")
    assert cli("export", str(bad), "-o", str(out)).exit_code == 2
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "out.ttl"]


def test_output_into_a_missing_directory_is_exit_two(cli, graph_file, tmp_path):
    result = cli("export", str(graph_file), "-o", str(tmp_path / "missing" / "out.ttl"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_export_library_api(graph_file):
    assert exporting.export([graph_file], "ntriples") == exporting.export(
        [graph_file, graph_file], "ntriples"
    )
    assert exporting.format_for_path("x.JSONLD") == "jsonld"
    with pytest.raises(exporting.InputError):
        exporting.format_for_path("x.csv")
