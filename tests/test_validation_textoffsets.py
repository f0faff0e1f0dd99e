"""The shipped text-offset rules evaluated in Python (validation.textoffsets) give pySHACL's results.

The oracle is pySHACL running the real `pgsh:SelectionShape` (the shipped shapes files, only that
shape targeting) on the same triples, given to it as the pipeline gives them (an rdflib graph of
the parsed terms). Texts mix characters outside the BMP, combining marks, braces that look like
message variables and empty strings; offsets are drawn at and around the edges, in odd lexical
forms and with other datatypes; sources, selectors and values come in any number and of any kind.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pactgraph import resources
from pactgraph.rdf.loading import load_graph
from pactgraph.rdf.namespaces import PG, PREFIXES, RDF, RDFS, XSD
from pactgraph.errors import InputError
from pactgraph.rdf.rdflib_bridge import quads_to_graph, to_rdflib_term
from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import whole_graph
from pactgraph.validation.engine import engine_runner, run_engine, validation_graph
from pactgraph.validation.locality import Placement, split, target_shapes
from pactgraph.validation.names import Names
from pactgraph.validation.report import result_key
from pactgraph.validation.sparqlshapes import solution_result
from pactgraph.validation.textoffsets import SHAPE, NeedsEngine, Triples, focus_label, natives, recognise, solutions

OA = PREFIXES["oa"]
EX = "https://example.org/"
RULES = resources.shapes_dir() / "pactgraph-rules.ttl"


@functools.cache
def selection_shapes() -> rdflib.Graph:
    """The shipped shapes in which only pgsh:SelectionShape has targets."""
    graph = load_graph(resources.shape_files())
    return split(graph, [Placement(s, str(s) == SHAPE, "") for s in target_shapes(graph)])[0]


@functools.cache
def reference_runner():
    return engine_runner("pyshacl", selection_shapes())


def reference(triples: list[ox.Triple]) -> Counter:
    """pySHACL's results: each one's fields and its report triples."""
    graph = validation_graph()
    quads_to_graph(triples, graph)
    report = run_engine(graph, selection_shapes(), None, None, "info", reference_runner())
    return Counter((tuple(r.to_dict().values()), _described(report.graph, report.result_nodes[r])) for r in report.results)


def native(triples: list[ox.Triple]) -> Counter:
    """The results of validation.textoffsets, made as the units executor makes them."""
    shapes = selection_shapes()
    found = recognise(shapes, rdflib.URIRef(SHAPE))
    assert found is not None
    index = Triples()
    index.add(triples)
    names = Names(validation_graph(), shapes)
    out: Counter = Counter()
    for constraint, terms in solutions(index, found):
        result, graph, node = solution_result(found.translated, constraint, terms, names, shapes,
                                              focus_label(index, terms["this"]))
        out[(tuple(result.to_dict().values()), _described(graph, node))] += 1
    return out


def _described(graph: rdflib.Graph, node: rdflib.term.Node) -> frozenset:
    return frozenset(graph.predicate_objects(node))


# ---------------------------------------------------------------- drawing graphs

ODD = ["", "a", "é", "e\u0301", "\u0301", "\U0001d538", "\U0001f600", "\U00010348", "\u200d", "\n", '"', "\\",
       "{?start}", "{?value}", "{$this}", " ", "ab", "中文"]
TEXTS = st.lists(st.one_of(st.sampled_from(ODD), st.characters(blacklist_categories=("Cs",))), max_size=10).map("".join)
NNI = XSD + "nonNegativeInteger"


def literal(text: str, kind: str) -> ox.Literal | ox.NamedNode | ox.BlankNode:
    if kind == "lang":
        return ox.Literal(text, language="en")
    if kind == "string":
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "string"))
    if kind == "integer":
        return ox.Literal(str(len(text)).zfill(3), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "iri":
        return ox.NamedNode(f"{EX}term-{len(text)}")
    if kind == "blank":
        return ox.BlankNode(f"b{len(text)}")
    return ox.Literal(text)


KINDS = st.sampled_from(["plain"] * 8 + ["lang", "string", "integer", "iri", "blank"])


@st.composite
def offsets(draw, length: int) -> ox.Literal:
    number = draw(st.one_of(st.integers(-2, length + 3), st.sampled_from([0, length, length + 1])))
    lexical = draw(st.sampled_from(["{}"] * 6 + ["+{}", "0{}", " {}", "{}\n", "{}.0", "x{}"])).format(number)
    if draw(st.integers(0, 9)) == 0:
        lexical = draw(st.sampled_from(["\u0663", "+", "", "1e1", "-0"]))
    datatype = draw(st.sampled_from([NNI] * 8 + [XSD + "integer", XSD + "string"]))
    return ox.Literal(lexical, datatype=ox.NamedNode(datatype))


@st.composite
def graphs(draw) -> list[ox.Triple]:
    def iri(name: str) -> ox.NamedNode:
        return ox.NamedNode(EX + name)

    def triple(s, p: str, o) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(p), o)

    out = [triple(iri("SubAnchor"), RDFS + "subClassOf", ox.NamedNode(PG + "TextAnchor"))]
    texts = draw(st.lists(TEXTS, min_size=1, max_size=2))
    sources = []
    for i in range(draw(st.integers(1, 2))):
        source = iri(f"source-{i}")
        sources.append(source)
        for j in draw(st.lists(st.integers(0, len(texts) - 1), max_size=2, unique=True)):
            out.append(triple(source, RDF + "value", literal(texts[j], draw(KINDS))))
    for a in range(draw(st.integers(1, 3))):
        anchor = ox.BlankNode(f"anchor{a}") if draw(st.integers(0, 5)) == 0 else iri(f"anchor-{a}")
        cls = draw(st.sampled_from([PG + "TextAnchor", PG + "Sentence", EX + "SubAnchor", EX + "Other"]))
        out.append(triple(anchor, RDF + "type", ox.NamedNode(cls)))
        if draw(st.booleans()):
            out.append(triple(anchor, RDFS + "label", ox.Literal(f"anchor {a}", language=draw(st.sampled_from(["en", "fr"])))))
        for source in draw(st.lists(st.sampled_from(sources), min_size=1, max_size=2, unique=True)):
            out.append(triple(anchor, OA + "hasSource", source))
        text = texts[draw(st.integers(0, len(texts) - 1))]
        for s in range(draw(st.integers(0, 3))):
            selector = ox.BlankNode(f"s{a}x{s}") if draw(st.booleans()) else iri(f"selector-{a}-{s}")
            out.append(triple(anchor, OA + "hasSelector", selector))
            kinds = draw(st.sampled_from([["TextQuoteSelector"], ["TextPositionSelector"], [],
                                          ["TextQuoteSelector", "TextPositionSelector"]]))
            for kind in kinds:
                out.append(triple(selector, RDF + "type", ox.NamedNode(OA + kind)))
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, len(text)))
            # Values that fit the text where the offsets say, or anything else.
            fitting = {"exact": text[start:end], "prefix": text[max(0, start - 3):start], "suffix": text[end:end + 3]}
            for name, fit in fitting.items():
                for _ in range(draw(st.integers(0, 2))):
                    value = fit if draw(st.booleans()) else draw(TEXTS)
                    out.append(triple(selector, OA + name, literal(value, draw(KINDS))))
            for name, number in (("start", start), ("end", end)):
                for _ in range(draw(st.integers(0, 2))):
                    if draw(st.booleans()):
                        out.append(triple(selector, OA + name, ox.Literal(str(number), datatype=ox.NamedNode(NNI))))
                    else:
                        out.append(triple(selector, OA + name, draw(offsets(len(text)))))
    return out


def crashes_pyshacl(triple: ox.Triple) -> bool:
    """An offset rdflib holds as a number it cannot read ("x0"^^xsd:nonNegativeInteger): rdflib's `?start + 1`
    then raises a Python error, not a SPARQL one, and pySHACL stops. SPARQL drops the rows that bind it
    (its FILTER wants a well-formed offset), so the graph without it has the same results."""
    if triple.predicate.value not in (OA + "start", OA + "end") or not isinstance(triple.object, ox.Literal):
        return False
    if triple.object.datatype.value not in (NNI, XSD + "integer"):
        return False
    return not isinstance(to_rdflib_term(triple.object).toPython(), int)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(graphs())
def test_same_results_as_pyshacl(triples):
    readable = [t for t in triples if not crashes_pyshacl(t)]
    try:
        found = native(triples)
    except NeedsEngine:
        # A result's message would hold a backslash: the engine runs the shape (see the test below).
        assert any(isinstance(t.object, ox.Literal) and "\\" in t.object.value for t in triples)
        return
    assert found == native(readable)
    assert found == reference(readable)


def test_an_offset_rdflib_cannot_read_stops_pyshacl_and_is_left_to_sh_datatype_here():
    """Why the differential test leaves such offsets out: pySHACL fails on them, the rules here drop the rows
    (the core sh:datatype constraint reports the offset)."""
    anchor, selector = ox.NamedNode(EX + "anchor"), ox.BlankNode("s")
    triples = [
        ox.Triple(anchor, ox.NamedNode(RDF + "type"), ox.NamedNode(PG + "TextAnchor")),
        ox.Triple(anchor, ox.NamedNode(OA + "hasSource"), ox.NamedNode(EX + "source")),
        ox.Triple(ox.NamedNode(EX + "source"), ox.NamedNode(RDF + "value"), ox.Literal("some text")),
        ox.Triple(anchor, ox.NamedNode(OA + "hasSelector"), selector),
        ox.Triple(selector, ox.NamedNode(RDF + "type"), ox.NamedNode(OA + "TextPositionSelector")),
        ox.Triple(selector, ox.NamedNode(RDF + "type"), ox.NamedNode(OA + "TextQuoteSelector")),
        ox.Triple(selector, ox.NamedNode(OA + "exact"), ox.Literal("some")),
        ox.Triple(selector, ox.NamedNode(OA + "start"), ox.Literal("x0", datatype=ox.NamedNode(NNI))),
        ox.Triple(selector, ox.NamedNode(OA + "end"), ox.Literal("4", datatype=ox.NamedNode(NNI))),
    ]
    assert crashes_pyshacl(triples[7])
    with pytest.raises(InputError, match="pySHACL could not use the shapes"):
        reference(triples)
    assert native(triples) == Counter()


def test_a_drawn_graph_finds_results_of_every_rule():
    """The drawing reaches each rule's violations (a differential test that finds nothing proves little)."""
    anchor = ox.NamedNode(EX + "anchor")
    selector = ox.BlankNode("s")
    text = "x\U0001f600e\u0301 y"

    def t(s, p, o):
        return ox.Triple(s, ox.NamedNode(p), o)

    triples = [
        t(anchor, RDF + "type", ox.NamedNode(PG + "TextAnchor")),
        t(anchor, OA + "hasSource", ox.NamedNode(EX + "source")),
        t(ox.NamedNode(EX + "source"), RDF + "value", ox.Literal(text)),
        t(anchor, OA + "hasSelector", selector),
        t(selector, RDF + "type", ox.NamedNode(OA + "TextQuoteSelector")),
        t(selector, RDF + "type", ox.NamedNode(OA + "TextPositionSelector")),
        t(selector, OA + "exact", ox.Literal("\U0001f600e")),
        t(selector, OA + "prefix", ox.Literal("y")),
        t(selector, OA + "suffix", ox.Literal(" y")),
        t(selector, OA + "start", ox.Literal("1", datatype=ox.NamedNode(NNI))),
        t(selector, OA + "end", ox.Literal("7", datatype=ox.NamedNode(NNI))),
    ]
    found = native(triples)
    assert found == reference(triples)
    constraints = {fields[8] for fields, _ in found}
    assert constraints == {"pgsh:Selection-offsetsSelectExact", "pgsh:Selection-prefixMatches",
                           "pgsh:Selection-suffixMatches", "pgsh:Selection-offsetsInRange"}
    exact = next(fields for fields, _ in found if fields[8] == "pgsh:Selection-offsetsSelectExact")
    # Code points, as SPARQL counts: the emoji is one character, the combining accent another.
    assert exact[4] == '"\U0001f600e\u0301 y"'


# ---------------------------------------------------------------- which shapes run here


def test_the_shipped_shape_runs_here_and_explain_says_so(pactgraph):
    assert [str(n.shape) for n in natives(load_graph(resources.shape_files()))] == [SHAPE]
    done = pactgraph("validate", "--explain")
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("pgsh:SelectionShape "))
    assert " units " in line and "runs on python" in line
    assert all("python" not in other for other in done.stdout.splitlines() if other != line)


EDITS = {
    "a changed query": ("FILTER (?value != STR(?exact))", "FILTER (STR(?exact) != ?value)"),
    "a copy under another name": ("pgsh:SelectionShape\n", "pgsh:MySelectionShape\n"),
    "another namespace for oa:": ('[ sh:prefix "oa" ; sh:namespace "http://www.w3.org/ns/oa#"^^xsd:anyURI ]',
                                  '[ sh:prefix "oa" ; sh:namespace "https://example.org/oa#"^^xsd:anyURI ]'),
    "another target": ("sh:targetClass pg:TextAnchor, pg:Sentence ;",
                       "sh:targetClass pg:TextAnchor, pg:Sentence ; sh:targetSubjectsOf oa:hasSelector ;"),
    "another constraint": ("pgsh:Selection-offsetsInRange .\n", "pgsh:Selection-offsetsInRange, pgsh:Anchor-withinSentence .\n"),
    "a constraint with more to it": ("rdfs:label \"offsets lie within the text\"@en ;",
                                     "rdfs:label \"offsets lie within the text\"@en ; sh:filterShape pgsh:AnchorShape ;"),
}


def _edited(tmp_path: Path, edit: tuple[str, str]) -> list[Path]:
    text = RULES.read_text(encoding="utf-8")
    assert edit[0] in text
    (tmp_path / "shapes").mkdir()
    files = []
    for path in resources.shape_files():
        copy = tmp_path / "shapes" / path.name
        copy.write_text(text.replace(edit[0], edit[1], 1) if path == RULES else path.read_text(encoding="utf-8"),
                        encoding="utf-8")
        files.append(copy)
    return files


@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_an_edited_shape_runs_on_the_engine(tmp_path, edit):
    assert natives(load_graph(_edited(tmp_path, edit))) == []


def test_an_edited_rule_gives_the_engine_results(tmp_path):
    """A rule turned around (quotes that match are reported) reports every anchor of a valid report:
    the edited text ran, on the SHACL engine, on the units path too."""
    files = _edited(tmp_path, ("FILTER (?value != STR(?exact))", "FILTER (?value = STR(?exact))"))
    report = resources.data_dir() / "reports" / "reference-news-2026-01-12" / "report.ttl"
    found = run(whole_graph([report]), Executor("units", jobs=1), shapes=files, engine="pyshacl")
    reference_report = run(whole_graph([report]), Executor("single"), shapes=files, engine="pyshacl")
    exact = [r for r in found.results if r.source_constraint == "pgsh:Selection-offsetsSelectExact"]
    assert exact
    assert {result_key(r) for r in found.results} == {result_key(r) for r in reference_report.results}


# ---------------------------------------------------------------- on the units path


def test_units_give_the_one_graph_results_on_a_text_outside_the_bmp(tmp_path):
    """A lone file with text outside the BMP and wrong offsets: the units executor (the rules in
    Python) gives pySHACL's one-graph results."""
    text = "\U0001f600 Ankara said: \U0001d538 talks e\u0301 go on."
    path = tmp_path / "anchors.ttl"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f"""PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX pg: <https://w3id.org/pactgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX ex: <https://example.org/>
ex:text rdf:value "{escaped}" .
ex:anchor a pg:TextAnchor ; oa:hasSource ex:text ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "\U0001d538 talks" ; oa:prefix "said: " ; oa:suffix " e" ] ,
                   [ a oa:TextPositionSelector ; oa:start "15"^^xsd:nonNegativeInteger ; oa:end "22"^^xsd:nonNegativeInteger ] .
ex:wrong a pg:TextAnchor ; oa:hasSource ex:text ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "talks" ; oa:prefix "\U0001d538" ; oa:suffix "x" ] ,
                   [ a oa:TextPositionSelector ; oa:start "17"^^xsd:nonNegativeInteger ; oa:end "40"^^xsd:nonNegativeInteger ] .
""", encoding="utf-8")
    assert text[15:22] == "\U0001d538 talks"
    units = run(whole_graph([path]), Executor("units", jobs=1), engine="auto", shapes=None)
    single = run(whole_graph([path]), Executor("single"), engine="pyshacl")
    selection = {result_key(r) for r in single.results if r.source_shape == "pgsh:SelectionShape"}
    assert {r.focus_node for r in single.results if r.source_shape == "pgsh:SelectionShape"} == {"ex:wrong"}
    assert len(selection) == 4
    assert {result_key(r) for r in units.results} == {result_key(r) for r in single.results}


@pytest.mark.parametrize("engine", ["pyshacl", "auto"])
def test_a_backslash_in_a_message_leaves_the_rules_to_the_engine(tmp_path, engine):
    """pySHACL reads a backslash in a message value as a regular-expression escape ("a\\n" reads as a line
    break, a final backslash stops it), pyshacl-turbo does not: the units path gives the engine's results."""
    path = tmp_path / "anchors.ttl"
    path.write_text("""PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX pg: <https://w3id.org/pactgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX ex: <https://example.org/>
ex:text rdf:value "some text" .
ex:anchor a pg:TextAnchor ; oa:hasSource ex:text ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "some" ; oa:suffix "a\\\\n" ] ,
                   [ a oa:TextPositionSelector ; oa:start "0"^^xsd:nonNegativeInteger ; oa:end "4"^^xsd:nonNegativeInteger ] .
""", encoding="utf-8")
    units = run(whole_graph([path]), Executor("units", jobs=1), engine=engine)
    single = run(whole_graph([path]), Executor("single"), engine=engine)
    assert any(r.source_constraint == "pgsh:Selection-suffixMatches" for r in single.results)
    assert {result_key(r) for r in units.results} == {result_key(r) for r in single.results}
