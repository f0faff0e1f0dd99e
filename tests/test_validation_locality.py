"""User shapes on the default path (units + pyshacl-turbo) give the one-graph answer.

The reference is the one-graph executor with pySHACL. Units see a report file with
what it reaches going forward, so a shape that looks at edges into its focus node is
judged on a fragment; such shapes must run once over the whole graph instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import joined, whole_graph
from pactgraph.validation.locality import NotLocal, check_query
from pactgraph.validation.report import result_key

USER_SHAPES = Path(__file__).parent / "fixtures" / "user-shapes"


def keys(results) -> list[tuple[str, ...]]:
    return sorted(result_key(r) for r in results)


def single(shapes: list[Path]):
    return run(whole_graph(), Executor("single"), shapes=shapes, engine="pyshacl")


def cli_results(pactgraph, shapes: list[Path]):
    """`pactgraph validate --shapes ... --format json` on the shipped graph: the default path."""
    from pactgraph.validation.report import ValidationResult

    args = [a for s in shapes for a in ("--shapes", str(s))]
    done = pactgraph("validate", *args, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    fields = {
        "severity": "severity", "focusNode": "focus_node", "focusNodeLabel": "focus_label", "resultPath": "path",
        "value": "value", "message": "message", "sourceShape": "source_shape",
        "sourceConstraintComponent": "constraint", "sourceConstraint": "source_constraint", "location": "location",
    }
    document = json.loads(done.stdout)
    results = [ValidationResult(**{fields[k]: v for k, v in r.items()}) for r in document["results"]]
    return results, done.returncode


def test_multi_line_sparql_constraint_on_the_default_path(pactgraph):
    """An anonymous SPARQL constraint with multi-line text: no crash, the one-graph results."""
    shapes = [USER_SHAPES / "multiline-sparql.ttl"]
    reference = single(shapes)
    assert reference.results, "every proposition is reported"
    assert all(r.message == "A proposition,\nlisted" for r in reference.results)
    results, code = cli_results(pactgraph, shapes)
    assert code == 1
    assert keys(results) == keys(reference.results)


def default_path(shapes: list[Path], scope=None):
    """What `pactgraph validate` runs: units where sound, pyshacl-turbo when installed."""
    return run(scope or whole_graph(), Executor("auto"), shapes=shapes, engine="auto")


def test_every_proposition_claimed_conforms_on_every_path():
    """A NOT EXISTS over edges into the focus: units alone reported every proposition of the
    shipped graph, whose claims sit in another file than the propositions."""
    shapes = [USER_SHAPES / "every-proposition-claimed.ttl"]
    reference = single(shapes)
    assert reference.conforms and not reference.results
    report = default_path(shapes)
    assert keys(report.results) == keys(reference.results)
    assert report.run_info["whole_graph_shapes"] == 1


def test_inverse_path_min_count_gives_the_one_graph_results():
    """sh:minCount 2 over ^pg:proposition: the propositions stated by one claim only, no more."""
    shapes = [USER_SHAPES / "proposition-claimed-twice.ttl"]
    reference = single(shapes)
    assert reference.results, "some shipped propositions are stated by one claim"
    assert {r.constraint for r in reference.results} == {"sh:MinCountConstraintComponent"}
    report = default_path(shapes)
    assert keys(report.results) == keys(reference.results)
    assert len(report.results) == len(reference.results)


def test_explain_prints_each_placement(pactgraph):
    shapes = [USER_SHAPES / "every-proposition-claimed.ttl", USER_SHAPES / "multiline-sparql.ttl"]
    done = pactgraph("validate", "--explain", *[a for s in shapes for a in ("--shapes", str(s))])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("ex:EveryPropositionClaimed") and "whole graph" in line and "?claim" in line for line in lines)
    assert any(line.startswith("ex:PropositionListed") and " units " in line for line in lines)
    assert lines[-1] == "1 shapes run per unit, 1 once over the whole graph"


def test_explain_places_the_shipped_graph_checks_on_the_whole_graph(pactgraph):
    done = pactgraph("validate", "--explain")
    assert done.returncode == 0, done.stderr
    placed = {line.split()[0]: line.split()[1] for line in done.stdout.splitlines()[:-1]}
    assert placed["pgsh:GraphReferenceShape"] == "whole"
    assert placed["pgsh:ReportShape"] == "units"


# ---------------------------------------------------------------- the analysis, query by query

LOCAL_QUERIES = [
    "SELECT $this WHERE { $this pg:a ?x . ?x pg:b ?y . FILTER NOT EXISTS { ?y pg:c ?z } }",
    "SELECT $this WHERE { $this pg:a/pg:b* ?x . OPTIONAL { ?x pg:c ?y } }",
    "SELECT $this (COUNT(?x) AS ?n) WHERE { $this pg:a ?x } GROUP BY $this HAVING (COUNT(?x) > 1)",
    "SELECT $this WHERE { { $this pg:a ?x } UNION { $this pg:b ?x } ?x pg:c ?y }",
    "SELECT $this WHERE { $this ?p ?o . ?p pg:label ?l }",
    "SELECT $this WHERE { ?x pg:b ?y . $this pg:a ?x }",
]
WHOLE_QUERIES = [
    "SELECT $this WHERE { FILTER NOT EXISTS { ?claim pg:proposition $this } }",
    "SELECT $this WHERE { $this ^pg:a ?x }",
    "SELECT $this WHERE { $this pg:a ?x . ?x ^pg:b ?y }",
    "SELECT $this WHERE { $this !pg:a ?x }",
    "SELECT $this WHERE { pg:thing pg:a ?x }",
    "SELECT $this WHERE { OPTIONAL { $this pg:a ?x } ?x pg:b ?y }",
    "SELECT $this WHERE { { $this pg:a ?x } UNION { ?x pg:b ?y } ?x pg:c ?z }",
    "SELECT $this WHERE { { SELECT ?x WHERE { ?x pg:a ?y } } $this pg:b ?x }",
    "SELECT $this WHERE { GRAPH ?g { $this pg:a ?x } }",
    "SELECT $this WHERE { $this pg:a ?x . FILTER EXISTS { ?y pg:b ?x } }",
    "SELECT $this (COUNT(?c) AS ?n) WHERE { ?c pg:proposition $this } GROUP BY $this",
    "SELECT $this WHERE { this is not SPARQL }",
]
PG = {"pg": "https://w3id.org/pactgraph/ontology#"}


@pytest.mark.parametrize("query", LOCAL_QUERIES)
def test_queries_anchored_at_this_run_per_unit(query):
    check_query(query, PG)


@pytest.mark.parametrize("query", WHOLE_QUERIES)
def test_other_queries_run_on_the_whole_graph(query):
    with pytest.raises(NotLocal):
        check_query(query, PG)


# ---------------------------------------------------------------- joined validation

JOINED_SHAPE = """
ex:ReachShape a sh:NodeShape ;
    sh:targetSubjectsOf ex:p ;
    sh:property [ sh:path ( ex:p ex:q ) ; sh:maxCount 0 ] .
"""


def test_joined_new_file_describing_a_node_the_graph_points_at(tmp_path, write, prefixes):
    """A new report adds ex:q to ex:t, which an older report points at: ex:z's two-step path now
    finds a value. The units hold only what the new file reaches, so this runs on one graph."""
    header = prefixes + "@prefix ex: <https://example.org/> .\n"
    data = tmp_path / "data"
    write(data / "reports" / "old" / "report.ttl", header + "ex:z ex:p ex:t .\n")
    new = write(tmp_path / "new" / "report.ttl", header + 'ex:t ex:q "a value" .\n')
    shapes = write(tmp_path / "shapes.ttl", header + JOINED_SHAPE)
    scope = joined([new], data_dir=data, ontology=[])
    reference = run(scope, Executor("single"), shapes=[shapes], engine="pyshacl")
    assert [r.focus_node for r in reference.results] == ["ex:z"]
    report = run(joined([new], data_dir=data, ontology=[]), Executor("units", jobs=1), shapes=[shapes], engine="auto")
    assert keys(report.results) == keys(reference.results)


def test_the_public_entry_point_has_the_command_line_defaults():
    """`pactgraph.validate()` is `pactgraph validate`: units where sound, the default engine, the cache."""
    import pactgraph
    from pactgraph.validation.command import validate

    assert pactgraph.validate is validate
    report = pactgraph.validate()
    assert report.conforms
    assert report.run_info["executor"] == "units"
    again = pactgraph.validate()
    assert again.run_info["cached"] == again.run_info["units"] > 0


def test_the_cache_key_covers_the_validation_code(tmp_path, monkeypatch):
    """Results cached by one version of the validation code are not reused by another."""
    from pactgraph.validation import merge

    executor = Executor("units", jobs=1, cache_dir=tmp_path / "cache")
    first = run(whole_graph(), executor, engine="auto")
    assert first.run_info["cached"] == 0 and first.run_info["units"] > 0
    assert run(whole_graph(), executor, engine="auto").run_info["cached"] == first.run_info["units"]
    monkeypatch.setattr(merge, "code_key", lambda: "other code")
    assert run(whole_graph(), executor, engine="auto").run_info["cached"] == 0
