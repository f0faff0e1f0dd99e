"""Claim blocks are written in the bytes rdflib's longturtle serializer writes (contributing.block_turtle).

The oracle is rdflib itself: the same triples, added in the same order to a graph
with the same prefixes, serialized as longturtle. Graphs are drawn with terms of
every kind a block may hold (bound and unbound namespaces, local names rdflib
escapes or will not shorten, blank nodes inline or referenced twice, literals with
languages, datatypes, line breaks and quotes), and a whole `claims import` is
compared with the same import written by rdflib alone. Reports are fictional.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from typer.testing import CliRunner

from pactgraph import resources
from pactgraph.cli.main import app
from pactgraph.contributing import block_turtle, claims
from pactgraph.rdf.namespaces import PREFIXES

FIXTURES = Path(__file__).parent / "fixtures" / "grown"
PG, PGR, PGV, OA, XSD = (Namespace(PREFIXES[p]) for p in ("pg", "pgr", "pgv", "oa", "xsd"))
ELSEWHERE = Namespace("http://example.org/elsewhere/")


def _prefixed() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix in ("oa", "pg", "pgr", "pgv", "prov", "rdf", "rdfs", "schema", "skos", "org", "xsd"):
        graph.bind(prefix, PREFIXES[prefix])
    return graph


NODES = [PGR["claim-x-01"], PGR["claim-x-01-anchor"], PGR["claim-x-02"], PGR["a(b)"], PGR["ends."], PGR["100%"],
         PGR["é-ü"], PGR["9-lives"], PGV["certainty-probable"], PG.Claim, ELSEWHERE.thing, URIRef("urn:x:1"),
         RDF.nil, URIRef(PREFIXES["pgr"])]
PREDICATES = [RDF.type, RDFS.label, PG.claimant, PG.hasAnchor, OA.hasSelector, OA.exact, OA.start, PG["x(y)"],
              URIRef(PREFIXES["prov"] + "qualifiedAttribution")]
LITERALS = [Literal("plain"), Literal("two\nlines"), Literal('with "quotes" and \\'), Literal("en", lang="en"),
            Literal("de", lang="de"), Literal("5", datatype=XSD.nonNegativeInteger), Literal("5", datatype=XSD.integer),
            Literal("05", datatype=XSD.integer), Literal("x", datatype=XSD.integer), Literal("true", datatype=XSD.boolean),
            Literal("1.50", datatype=XSD.decimal), Literal("2026-03-02", datatype=XSD.date),
            Literal("z", datatype=ELSEWHERE.type), Literal("1e3", datatype=XSD.double), Literal("")]
BLANKS = [BNode("attribution"), BNode("selector-1-quote"), BNode("selector-2-position"), BNode("b4")]

terms = st.sampled_from(NODES + BLANKS)
triples = st.tuples(terms, st.sampled_from(PREDICATES), st.sampled_from(NODES + BLANKS + LITERALS))


def _rdflib(added: list, graph: Graph) -> str:
    for triple in added:
        graph.add(triple)
    return graph.serialize(format="longturtle")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(triples, min_size=1, max_size=14))
def test_drawn_blocks_are_written_as_rdflib_writes_them(added):
    prefixed = _prefixed()
    written = block_turtle.BlockWriter(prefixed.namespace_manager).write(added)
    if written is not None:
        assert written == _rdflib(added, Graph(bind_namespaces="none", namespace_manager=prefixed.namespace_manager))


def test_a_claim_shaped_block_is_written_here_not_by_rdflib():
    """The claim blocks themselves are never left to rdflib (which is what makes an import fast)."""
    claim, anchor = PGR["claim-x-01"], PGR["claim-x-01-anchor"]
    quote, position, who = BNode("selector-1-quote"), BNode("selector-2-position"), BNode("attribution")
    added = [(claim, RDF.type, PG.Claim), (claim, RDFS.label, Literal("someone: something", lang="en")),
             (claim, URIRef(PREFIXES["prov"] + "qualifiedAttribution"), who), (who, PG.claimant, PGR.someone),
             (claim, PG.hasAnchor, anchor), (anchor, OA.hasSelector, quote), (anchor, OA.hasSelector, position),
             (quote, OA.exact, Literal("the words")), (quote, OA.prefix, Literal("line\nbefore ")),
             (position, OA.start, Literal("103", datatype=XSD.nonNegativeInteger))]
    prefixed = _prefixed()
    written = block_turtle.BlockWriter(prefixed.namespace_manager).write(added)
    assert written is not None
    assert written == _rdflib(added, Graph(bind_namespaces="none", namespace_manager=prefixed.namespace_manager))
    assert "oa:hasSelector \n        [\n" in written and "PREFIX xsd:" in written


def test_a_predicate_rdflib_would_invent_a_prefix_for_is_left_to_rdflib():
    prefixed = _prefixed()
    assert block_turtle.BlockWriter(prefixed.namespace_manager).write([(PGR.a, ELSEWHERE.p, PGR.b)]) is None
    assert block_turtle.BlockWriter(prefixed.namespace_manager).write([(PGR.a, RDF.first, PGR.b)]) is None


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(resources.data_dir(), target)
    return target


def test_an_import_writes_the_file_rdflib_would_write(data, tmp_path, monkeypatch):
    """The fixture sheet (people, propositions and claims) imported twice: blocks written here, then
    with every block left to rdflib; the two report.ttl files are byte-identical."""
    runner = CliRunner()
    written = []
    for name in ("here", "rdflib"):
        if name == "rdflib":
            monkeypatch.setattr(block_turtle.BlockWriter, "write", lambda self, added: None)
        made = runner.invoke(app, [
            "new-report", str(FIXTURES / "example-daily.txt"), "--publisher", "Example Daily", "--date", "2026-02-03",
            "--language", "en", "--data-dir", str(data), "--draft-dir", str(tmp_path / name),
        ])
        assert made.exit_code == 0, made.output
        folder = tmp_path / name / "example-daily-2026-02-03"
        imported = runner.invoke(app, ["claims", "import", str(folder), str(FIXTURES / "example-daily-claims.csv"),
                                       "--data-dir", str(data)])
        assert imported.exit_code == 0, imported.output
        written.append((folder / "report.ttl").read_bytes())
    assert written[0] == written[1]
    assert written[0].count(b"# >>> pgr:claim-") >= 2
    assert claims.serialize  # the module under test writes through `serialize`
