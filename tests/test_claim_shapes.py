"""The shapes that make claims comparable (shapes/claims-shapes.ttl), on the shipped data.

- every shipped proposition is structured: a subject, a predicate of the ontology (or of
  a vocabulary it reuses) and an object or a scale value;
- a claim's first report agrees with who cites whom along its chain: with the first
  reports the data held before they were checked against Bloomberg's relays (Özcan's
  nine claims credited to Nezavisimaya Gazeta, though Bloomberg cites him), the shape
  refuses exactly those nine claims.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
import rdflib
from rdflib.namespace import RDF

from pactgraph import resources
from pactgraph.rdf.namespaces import PG

REPORT = "reports/reference-news-2026-01-12/report.ttl"
OZCAN = [f"pgr:claim-reference-news-2026-01-12-{n}" for n in range(18, 27)]


def test_every_shipped_proposition_is_structured():
    graph = rdflib.Graph().parse(resources.data_dir() / "propositions.ttl")
    ontology = rdflib.Graph()
    for path in sorted(resources.ontology_dir().glob("*.ttl")):
        ontology.parse(path)
    propositions = set(graph.subjects(RDF.type, rdflib.URIRef(PG + "Proposition")))
    assert len(propositions) >= 37
    reused = ("http://www.w3.org/ns/org#", "http://semanticweb.cs.vu.nl/2009/11/sem/", "https://schema.org/")
    for p in propositions:
        subject, predicate, value = (graph.value(p, term) for term in (RDF.subject, RDF.predicate, RDF.object))
        assert subject is not None and predicate is not None and value is not None, p
        assert (predicate, None, None) in ontology or str(predicate).startswith(reused), (p, predicate)


def test_the_story_stages_are_values_of_one_scale():
    ontology = rdflib.Graph().parse(resources.ontology_dir() / "vocabularies.ttl")
    scheme = rdflib.URIRef("https://w3id.org/pactgraph/vocab/negotiation-stage")
    assert (scheme, RDF.type, rdflib.URIRef(PG + "Scale")) in ontology
    stages = {str(o).rsplit("-", 1)[-1] for o in ontology.objects(scheme, rdflib.SKOS.hasTopConcept)}
    assert stages == {"consultation", "prepared", "advanced", "concluded"}


@pytest.fixture(scope="module")
def before_the_check(tmp_path_factory):
    """The shipped data with Özcan's claims first reported in Nezavisimaya Gazeta again."""
    target = tmp_path_factory.mktemp("first-report") / "data"
    shutil.copytree(resources.data_dir(), target)
    report = target / REPORT
    text = report.read_text(encoding="utf-8")
    for claim in OZCAN:
        block = re.search(re.escape(claim) + r"\n    a pg:Claim ;.*?\n\.\n", text, re.DOTALL)
        assert block, claim
        old = block.group(0)
        new = old.replace("pg:reportedFirstIn pgr:report-bloomberg-2026-01-09", "pg:reportedFirstIn pgr:report-nezavisimaya-gazeta-2026-01-12")
        assert new != old
        text = text.replace(old, new)
    report.write_text(text, encoding="utf-8")
    return target


def test_the_first_report_shape_refuses_ozcans_claims_credited_to_the_relay(cli, before_the_check):
    result = cli("validate", "--data-dir", str(before_the_check), "--format", "json")
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)
    results = found["results"] if isinstance(found, dict) else found
    fired = sorted(r["focusNode"] for r in results if r.get("sourceConstraint") == "pgsh:Claim-firstReportAgreesWithCitations")
    assert fired == OZCAN
    assert {r["sourceConstraint"] for r in results} == {"pgsh:Claim-firstReportAgreesWithCitations"}


def test_the_shipped_first_reports_name_their_public_sources():
    graph = rdflib.Graph().parse(resources.data_dir() / REPORT)
    credited = rdflib.URIRef(PG + "firstReportAttestedBy")
    claims = {str(s).rsplit("-", 1)[-1] for s in graph.subjects(credited, None)}
    assert claims == {"10", "16", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28"}
    bloomberg = rdflib.URIRef("https://w3id.org/pactgraph/id/report-bloomberg-2026-01-09")
    for claim in graph.subjects(credited, None):
        assert graph.value(claim, rdflib.URIRef(PG + "reportedFirstIn")) == bloomberg
