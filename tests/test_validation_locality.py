"""User shapes on the default path (units + pyshacl-turbo) give the one-graph answer.

The reference is the one-graph executor with pySHACL. Units see a report file with
what it reaches going forward, so a shape that looks at edges into its focus node is
judged on a fragment; such shapes must run once over the whole graph instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from pactgraph.validation import Executor, run, whole_graph
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
