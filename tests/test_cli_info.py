"""`pactgraph info`: size, classes, reports and sources, ontology version."""

from __future__ import annotations

import json

import pytest

from pactgraph.reading.info import graph_info
from pactgraph.rdf.loading import load_store

ONTOLOGY = """
<https://w3id.org/pactgraph/ontology> a owl:Ontology ;
    owl:versionInfo "9.8.7" ;
    owl:versionIRI <https://w3id.org/pactgraph/ontology/9.8.7> .
pgr:source-1 a pg:BackgroundSource ; rdfs:label "A joint statement"@en ;
    schema:datePublished "2025-09-18"^^xsd:date ; schema:publisher pgr:agency .
pgr:agency schema:name "Saudi Press Agency"@en .
"""


@pytest.fixture
def info_graph(tmp_path, write, graph_text):
    return write(tmp_path / "info.ttl", graph_text + ONTOLOGY)


def test_info_text(cli, info_graph):
    result = cli("info", str(info_graph))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Triples: 32\n")
    lines = out.splitlines()
    classes = lines[
        lines.index("Instances by class:") + 1 : lines.index("", lines.index("Instances by class:"))
    ]
    assert [line.split() for line in classes] == [
        ["owl:Ontology", "1"],
        ["pg:Alliance", "2"],
        ["pg:BackgroundSource", "1"],
        ["pg:NewsOutlet", "1"],
        ["pg:Report", "1"],
        ["pg:SovereignState", "3"],
    ]
    assert "  pgr:report-1  A report on the alliance" in lines
    assert "    published 2026-01-12, by Reference News" in lines
    assert "Background sources (1):" in lines
    assert "    published 2025-09-18, by Saudi Press Agency" in lines
    assert "  https://w3id.org/pactgraph/ontology" in lines
    assert "    owl:versionInfo  9.8.7" in lines
    assert "    owl:versionIRI   https://w3id.org/pactgraph/ontology/9.8.7" in lines


def test_info_json(cli, info_graph):
    result = cli("info", "--format", "json", str(info_graph))
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["triples"] == 32
    assert document["classes"]["pg:SovereignState"] == 3
    assert document["reports"] == [
        {
            "iri": "pgr:report-1",
            "label": "A report on the alliance",
            "date": "2026-01-12",
            "publisher": "Reference News",
        }
    ]
    assert document["ontologies"][0]["version_info"] == "9.8.7"


def test_info_without_ontology_or_reports(cli, tmp_path, write):
    plain = write(tmp_path / "plain.nt", "<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    result = cli("info", str(plain))
    assert result.exit_code == 0
    assert "Triples: 1" in result.stdout
    assert "Ontology: (no owl:Ontology)" in result.stdout
    assert "Reports (0):" in result.stdout


def test_graph_info_library_api(info_graph):
    info = graph_info(load_store([info_graph]))
    assert info.triples == 32
    assert [s.iri for s in info.background_sources] == ["pgr:source-1"]
    assert info.ontologies[0].version_iri == "https://w3id.org/pactgraph/ontology/9.8.7"
