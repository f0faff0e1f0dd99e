"""Property-based fuzzing of the loaders, the query checks and the command line.

Arbitrary bytes and mutated valid files, in every supported format: a loader
either returns quads or raises InputError with a one-line message naming the
file; a query either runs or raises QueryError; the command line never prints a
traceback and exits 0 only for input the loader accepts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pactgraph.query import querying, sparql_policy  # noqa: E402
from pactgraph.rdf import loading  # noqa: E402
from pactgraph.errors import InputError, QueryError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

SEEDS = {
    ".ttl": (ROOT / "tests" / "fixtures" / "valid" / "fictional-report.ttl").read_bytes(),
    ".trig": (
        b"@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b [ ex:c ( 1 2 \"three\"@en ) ] . }\n"
        b"ex:h { ex:d ex:e \"\"\"long\nstring\"\"\" ; ex:f ex:a , ex:d . }\n"
    ),
    ".nt": b'<http://example.org/a> <http://example.org/b> "c"@en .\n_:x <http://example.org/d> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    ".nq": b'<http://example.org/a> <http://example.org/b> "c" <http://example.org/g> .\n_:x <http://example.org/d> _:y .\n',
    ".jsonld": json.dumps(
        {
            "@context": {"ex": "http://example.org/", "name": {"@id": "ex:name", "@language": "en"}},
            "@graph": [
                {"@id": "ex:a", "name": "A", "ex:b": {"@id": "ex:c"}, "ex:list": {"@list": [1, "two", {"@id": "ex:d"}]}},
                {"@id": "_:n", "ex:nested": {"ex:deeper": {"@value": "x", "@type": "ex:T"}}},
            ],
        }
    ).encode(),
    ".rdf": (
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        b'  <rdf:Description rdf:about="&ex;a">\n    <ex:b xml:lang="en">c</ex:b>\n'
        b'    <ex:d><rdf:Description><ex:e rdf:resource="&ex;f"/></rdf:Description></ex:d>\n'
        b'    <ex:g rdf:parseType="Collection"><rdf:Description rdf:about="&ex;h"/></ex:g>\n'
        b"  </rdf:Description>\n</rdf:RDF>\n"
    ),
}
EXTENSIONS = sorted(SEEDS)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _check_file(path: Path) -> list | None:
    """parse_file and load_file_into on `path`: quads, or None after a proper InputError."""
    import pyoxigraph as ox

    try:
        quads = loading.parse_file(path)
    except InputError as err:
        message = str(err)
        assert "\n" not in message and len(message) < 2000, message
        assert message.startswith(str(path)), message
        assert "Traceback" not in message
        quads = None
    store = ox.Store()
    try:
        loading.load_file_into(store, path)
    except InputError as err:
        assert "\n" not in str(err) and str(err).startswith(str(path)), str(err)
    return quads


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid seed file with a few random edits: flips, deletions, insertions, duplications, a cut."""
    extension = draw(st.sampled_from(EXTENSIONS))
    data = bytearray(SEEDS[extension])
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        kind = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate", "bracket"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 30))
        elif kind == "truncate":
            del data[at:]
        else:
            data[at:at] = draw(st.sampled_from([b"[", b"{", b"(", b"<", b'"', b"<<", b"&ex;", b"<!ENTITY x 'y'>"])) * draw(
                st.integers(1, 300)
            )
    return extension, bytes(data)


@FUZZ
@given(extension=st.sampled_from(EXTENSIONS), data=st.binary(max_size=3000))
def test_loaders_on_arbitrary_bytes(extension, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{extension}"
        path.write_bytes(data)
        _check_file(path)


@FUZZ
@given(case=mutated())
def test_loaders_on_mutated_valid_files(case):
    extension, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"mutated{extension}"
        path.write_bytes(data)
        _check_file(path)


@FUZZ
@given(data=st.binary(max_size=2000), extension=st.sampled_from(EXTENSIONS))
def test_loaders_on_text_that_starts_like_the_format(data, extension):
    """Arbitrary bytes after a valid beginning reach deeper into each parser."""
    seed = SEEDS[extension]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"tail{extension}"
        path.write_bytes(seed[: len(seed) // 2] + data)
        _check_file(path)


@pytest.fixture(scope="module")
def small_store():
    import pyoxigraph as ox

    store = ox.Store()
    folder = Path(tempfile.mkdtemp())
    path = folder / "small.ttl"
    path.write_bytes(SEEDS[".ttl"])
    loading.load_file_into(store, path)
    return store


QUERY_PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "$x",
    ".", ";", ",", "SERVICE", "SILENT", "<http://127.0.0.1:9/>", "FILTER", "OPTIONAL", "UNION", "MINUS",
    "BIND", "AS", "VALUES", "GRAPH", "LOAD", "INSERT", "DATA", "DELETE", "PREFIX", "ex:", "BASE", "<x>",
    '"a"', "'b'", "1", "+", "<", ">", "#", "\n", "pg:Claim", "a", "*", "COUNT", "GROUP BY", "LIMIT", "10",
    "\\u0053", "<<", ">>",
]


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(QUERY_PIECES), max_size=40).map(" ".join),
    )
)
def test_queries_either_run_or_give_a_query_error(small_store, text):
    from pactgraph.rdf.limits import query_policy

    try:
        with query_policy(max_results=1000):
            querying.run_query(small_store, text, source="<fuzz>")
    except QueryError as err:
        assert "\n" not in str(err), str(err)


@FUZZ
@given(text=st.lists(st.sampled_from(QUERY_PIECES), max_size=40).map(" ".join))
def test_no_query_that_mentions_service_reaches_the_engine_with_it(text):
    """check_query refuses every query in which SERVICE is a keyword the engine could act on."""
    try:
        querying.check_query(text)
    except QueryError:
        return
    # Accepted: then no SERVICE keyword survives outside strings, IRIs and comments.
    words = [t for t in sparql_policy.tokens(text) if t[:1] not in "<\"'"]
    assert not any(w.upper().strip(".;,") == "SERVICE" for w in words), text


# ---------------------------------------------------------------- the command line


CLI_SETTINGS = settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@CLI_SETTINGS
@given(case=st.one_of(mutated(), st.tuples(st.sampled_from(EXTENSIONS), st.binary(min_size=1, max_size=500))))
def test_cli_on_garbage_never_crashes_and_fails_on_what_does_not_parse(case):
    extension, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"garbage{extension}"
        path.write_bytes(data)
        try:
            loading.parse_file(path)
            parses = True
        except InputError:
            parses = False
        for args in (["query", "--data", str(path), "ASK { ?s ?p ?o }"], ["export", str(path)]):
            done = subprocess.run(
                [sys.executable, "-m", "pactgraph", *args],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "PYTHONHASHSEED": "0"},
                check=False,
            )
            assert "Traceback" not in done.stderr, done.stderr
            if parses:
                assert done.returncode in (0, 1), done.stderr
            else:
                assert done.returncode == 2, (done.returncode, done.stderr)
                assert done.stderr.count("\n") == 1 and done.stderr.startswith("pactgraph: error: ")
