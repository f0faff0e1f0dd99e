"""The validation manifest: a warm re-validation parses only what changed and gives the cold answer.

Each test validates a copy of a small synthetic corpus (benchmarks/generate.py) with a cache
folder of its own, changes something, validates again from the cache, and compares with an
independent oracle: the one-graph executor over the files, without any cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pactgraph import resources
from pactgraph.validation.formats import FORMATTERS, format_json
from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import whole_graph
from pactgraph.validation.report import result_key

#: An old, fixed mtime: files that old are trusted by their size and mtime (no racy re-hash).
OLD = 1_600_000_000


@pytest.fixture(scope="module")
def warmed(tmp_path_factory) -> tuple[Path, Path, Path, Path, object]:
    """(pristine corpus, corpus, its cache, the cache as the cold run left it, the cold run's report)."""
    base = tmp_path_factory.mktemp("manifest")
    pristine = base / "pristine"
    subprocess.run(
        [sys.executable, str(Path(__file__).parents[1] / "benchmarks" / "generate.py"), str(pristine), "--triples", "3k",
         "--seed", "11", "--violations", "1"],
        check=True,
        capture_output=True,
    )
    _set_old(pristine)
    data, cache, warm = base / "data", base / "cache", base / "warm-cache"
    shutil.copytree(pristine, data)
    cold = cached(data, cache)
    shutil.copytree(cache, warm)
    return pristine, data, cache, warm, cold


def _set_old(folder: Path) -> None:
    for path in folder.rglob("*"):
        os.utime(path, (OLD, OLD))


@pytest.fixture
def corpus(warmed) -> tuple[Path, Path]:
    """The corpus (as generated) at the path the cold run saw, and its cache as the cold run left it."""
    pristine, data, cache, warm, _ = warmed
    for folder, source in ((data, pristine), (cache, warm)):
        shutil.rmtree(folder)
        shutil.copytree(source, folder)
    _set_old(data)
    return data, cache


@pytest.fixture
def parses(monkeypatch, warmed) -> list[Path]:
    """Every data or ontology file pactgraph parses from here on."""
    from pactgraph.rdf import loading

    seen: list[Path] = []
    original = loading.parse_with_prefixes
    watched = (warmed[1].resolve(), resources.ontology_dir().resolve())

    def spy(path, *args, **kwargs):
        resolved = Path(path).resolve()
        if any(resolved.is_relative_to(folder) for folder in watched):
            seen.append(resolved)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(loading, "parse_with_prefixes", spy)
    return seen


def cached(data: Path, cache: Path, shapes=None):
    return run(whole_graph(data_dir=data), Executor("units", 1, cache), shapes=shapes, engine="auto")


def oracle(data: Path, shapes=None):
    return run(whole_graph(data_dir=data), Executor("single"), shapes=shapes, engine="pyshacl-turbo")


def keys(report) -> set[tuple[str, ...]]:
    return {result_key(r) for r in report.results}


def report_node(path: Path) -> str:
    """The report node a report file describes (its prefixed name)."""
    found = re.search(r"(pgr:[\w-]+)\s+a pg:Report", path.read_text(encoding="utf-8"))
    assert found is not None, path
    return found.group(1)


def reports(data: Path) -> list[Path]:
    return sorted((data / "reports").glob("*/report.ttl"))


def test_unchanged_corpus_is_not_parsed_and_gives_the_cold_output(corpus, warmed, parses):
    corpus, cache = corpus
    cold = warmed[4]
    assert cold.results, "the corpus carries an injected violation"
    assert cold.run_info["cached"] == 0 and cold.run_info["parsed"] > 0
    warm = cached(corpus, cache)
    assert parses == []
    assert warm.run_info["parsed"] == 0 and warm.run_info["hashed"] == 0
    assert warm.run_info["cached"] == warm.run_info["units"] == len(reports(corpus)) + 1
    assert warm.run_info["whole_graph_cached"] is True
    for fmt in ("text", "table", "json", "turtle"):
        if fmt == "turtle":
            continue  # blank-node labels of a report graph differ between any two runs
        assert FORMATTERS[fmt](warm) == FORMATTERS[fmt](cold), fmt
    assert warm.triples == cold.triples == oracle(corpus).triples


def test_an_edited_report_is_parsed_again_alone(corpus, parses):
    corpus, cache = corpus
    edited = reports(corpus)[1]
    text = edited.read_text(encoding="utf-8")
    assert 'schema:inLanguage "en"' in text
    edited.write_text(text.replace('schema:inLanguage "en"', 'schema:inLanguage "EN"', 1), encoding="utf-8")
    warm = cached(corpus, cache)
    # Parsed: the edited report and what its unit reaches, never another report. The whole-graph shapes
    # run again (their inputs changed) on a Store that every file goes into without a parse in Python:
    # what they need of a file besides its triples comes from its record.
    assert warm.run_info["whole_graph_cached"] is False
    assert [p for p in parses if p.name == "report.ttl"] == [edited.resolve()]
    assert warm.run_info["cached"] == warm.run_info["units"] - 1
    reference = oracle(corpus)
    assert keys(warm) == keys(reference)
    assert warm.triples == reference.triples
    assert any(r.source_shape == "pgsh:Report-inLanguage" for r in warm.results)


def test_a_violation_a_report_reaches_in_another_file_shows_after_a_warm_run(corpus, warmed):
    """Report B states a later date of the wire that report A relays: A's unit now reaches B."""
    corpus, cache = corpus
    before = warmed[4]
    relays = {p: re.search(r"pg:relays (pgr:[\w-]+)", p.read_text(encoding="utf-8")).group(1) for p in reports(corpus)}
    a, wire = next(iter(relays.items()))
    b = next(p for p, w in relays.items() if w != wire)
    with b.open("a", encoding="utf-8") as out:
        out.write(f'\n{wire} schema:dateModified "2099-01-01"^^xsd:date ; schema:datePublished "2099-01-01"^^xsd:date .\n')
    warm = cached(corpus, cache)
    reference = oracle(corpus)
    assert keys(warm) == keys(reference) != keys(before)
    assert warm.triples == reference.triples  # the wire is now described in two files
    report_a = re.search(r"(pgr:[\w-]+)\s+a pg:Report", a.read_text(encoding="utf-8"))
    focus = {r.focus_node for r in warm.results if r.source_constraint == "pgsh:Report-relaysEarlierReport"}
    assert report_a is not None and report_a.group(1) in focus
    assert warm.run_info["cached"] <= warm.run_info["units"] - 2  # A and B ran again


def open_in(folder: Path) -> list[str]:
    """The files under `folder` this process holds open (Linux: /proc/self/fd)."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = Path(os.readlink(fd))
        except OSError:
            continue
        if target.is_relative_to(folder.resolve()):
            found.append(str(target))
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
def test_no_file_of_the_cache_stays_open_once_a_run_returns(corpus):
    """The on-disk Store is closed when validation returns, even after an incremental run whose query
    parser kept its tracebacks: the cache folder can then be copied or opened by the next run."""
    corpus, cache = corpus
    assert open_in(cache) == []
    edited = reports(corpus)[1]
    edited.write_text(edited.read_text(encoding="utf-8").replace('schema:inLanguage "en"', 'schema:inLanguage "EN"', 1),
                      encoding="utf-8")
    warm = cached(corpus, cache)
    assert warm.run_info["whole_graph_cached"] is False
    assert list((cache / "validation" / "store").iterdir()), "the run kept the whole graph in the cache"
    assert open_in(cache) == []


def _contents(cache: Path) -> dict[str, dict[str, object]]:
    """What the manifest in `cache` records of each file's content (not when it was hashed)."""
    from pactgraph.validation.manifest import _CONTENT

    (path,) = (cache / "validation" / "manifest").glob("*.json")
    files = json.loads(path.read_text(encoding="utf-8"))["files"]
    return {k: {f: v for f, v in entry.items() if f in _CONTENT} for k, entry in files.items() if "graph" in entry}


def _whole_only(folder: Path) -> Path:
    """A shapes file whose one shape runs on the whole graph (sh:targetObjectsOf): no unit is built."""
    path = folder / "whole-only.ttl"
    path.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix schema: <https://schema.org/> .\n"
        "<http://example.org/DatedOnce> a sh:NodeShape ;\n"
        "    sh:targetObjectsOf <https://w3id.org/pactgraph/ontology#relays> ;\n"
        "    sh:property [ sh:path schema:dateModified ; sh:maxCount 1 ] .\n",
        encoding="utf-8",
    )
    return path


def test_shapes_that_all_run_on_the_whole_graph_count_the_stored_text_facts(corpus, tmp_path):
    """No unit is built, yet the triple count holds the stored-text facts, as on one graph."""
    corpus, _ = corpus
    whole_only = _whole_only(tmp_path)
    single = oracle(corpus, shapes=[whole_only])
    for cache in (tmp_path / "cache", tmp_path / "cache", None):
        report = run(whole_graph(data_dir=corpus), Executor("units", 1, cache), shapes=[whole_only], engine="auto")
        assert report.run_info["units"] == 0
        assert keys(report) == keys(single) and report.triples == single.triples
    # Joined: the new report's triples and the graph's stored-text facts are counted too.
    from pactgraph.validation.scope import joined

    taken = reports(corpus)[-1]
    shutil.move(taken.parent, tmp_path / taken.parent.name)
    scope = joined([tmp_path / taken.parent.name / "report.ttl"], data_dir=corpus)
    report = run(scope, Executor("units", 1, None), shapes=[whole_only], engine="auto")
    single = run(scope, Executor("single"), shapes=[whole_only], engine="pyshacl-turbo")
    assert report.run_info["units"] == 0
    assert keys(report) == keys(single) and report.triples == single.triples


def test_files_let_go_past_the_parse_budget_give_the_same_results_and_records(corpus, warmed, monkeypatch, tmp_path):
    """With no parsed triples kept beyond a unit (a graph larger than manifest.PARSED_BUDGET), every
    file is parsed again when a unit needs it: the results, the triple count and the manifest's records
    are those of a run that keeps everything, and a node two files describe is counted once."""
    from pactgraph.validation import manifest

    corpus, _ = corpus
    relays = {p: re.search(r"pg:relays (pgr:[\w-]+)", p.read_text(encoding="utf-8")).group(1) for p in reports(corpus)}
    wire = next(iter(relays.values()))
    b = next(p for p, w in relays.items() if w != wire)
    with b.open("a", encoding="utf-8") as out:
        out.write(f'\n{wire} schema:dateModified "2099-01-01"^^xsd:date .\n')
    kept = cached(corpus, tmp_path / "kept")
    monkeypatch.setattr(manifest, "PARSED_BUDGET", 0)
    cold = cached(corpus, tmp_path / "let-go")
    assert cold.run_info["parsed"] > kept.run_info["parsed"], "reports were parsed again for their units"
    assert format_json(cold) == format_json(kept)
    reference = oracle(corpus)
    assert keys(cold) == keys(reference) and cold.triples == reference.triples
    records = _contents(tmp_path / "let-go")
    assert records == _contents(tmp_path / "kept")
    assert any(entry["shared"] for entry in records.values()), "a node described in two files"
    whole_only = _whole_only(tmp_path)
    alone = cached(corpus, tmp_path / "whole-only", shapes=[whole_only])
    assert alone.run_info["units"] == 0
    assert _contents(tmp_path / "whole-only") == records, "records taken from the first parse alone"
    edited = reports(corpus)[2]
    edited.write_text(edited.read_text(encoding="utf-8").replace('schema:inLanguage "en"', 'schema:inLanguage "EN"', 1),
                      encoding="utf-8")
    warm = cached(corpus, tmp_path / "let-go")
    reference = oracle(corpus)
    assert keys(warm) == keys(reference) and warm.triples == reference.triples
    assert warm.run_info["cached"] == warm.run_info["units"] - 1


@pytest.mark.parametrize("pointed_at", [False, True], ids=["new-nodes", "graph-points-at-the-new-report"])
def test_a_joined_report_past_the_parse_budget_gives_the_one_graph_results(corpus, monkeypatch, tmp_path, pointed_at):
    """A report taken out of the corpus and joined with it again, the graph's files let go as they are
    read (no parsed triple kept) and parsed again when the report's unit reaches them: the one-graph
    executor's joined results and triple count, as with every file kept."""
    from pactgraph.validation import manifest
    from pactgraph.validation.scope import joined

    corpus, _ = corpus
    taken = reports(corpus)[-1]
    shutil.move(taken.parent, tmp_path / taken.parent.name)  # with its stored text
    new = tmp_path / taken.parent.name / "report.ttl"
    node = report_node(new)
    if pointed_at:  # a node of the graph leads to the new report: every shape runs on the whole graph
        other = reports(corpus)[0]
        relaying = report_node(other)
        with other.open("a", encoding="utf-8") as out:
            out.write(f"\n{relaying} pg:relays {node} .\n")
    scope = joined([new], data_dir=corpus)
    kept = run(scope, Executor("units", 1, None), engine="auto")
    monkeypatch.setattr(manifest, "PARSED_BUDGET", 0)
    let_go = run(scope, Executor("units", 1, None), engine="auto")
    single = run(scope, Executor("single"), engine="pyshacl-turbo")
    assert keys(let_go) == keys(kept) == keys(single)
    assert let_go.triples == kept.triples == single.triples
    assert let_go.run_info["parsed"] > kept.run_info["parsed"], "the reached files were parsed again"


def test_an_entities_edit_reaches_every_unit_that_touched_it(corpus):
    corpus, cache = corpus
    entities = corpus / "entities.ttl"
    entities.write_text(entities.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    warm = cached(corpus, cache)
    assert warm.run_info["cached"] == 0
    assert keys(warm) == keys(oracle(corpus))


def test_a_touched_file_is_hashed_again_and_its_results_reused(corpus, warmed, parses):
    corpus, cache = corpus
    cold = warmed[4]
    os.utime(reports(corpus)[0], (OLD + 60, OLD + 60))
    warm = cached(corpus, cache)
    assert warm.run_info["hashed"] == 1
    assert parses == [] and warm.run_info["parsed"] == 0
    assert warm.run_info["cached"] == warm.run_info["units"]
    assert format_json(warm) == format_json(cold)
    # The new mtime is recorded: the next run hashes nothing.
    assert cached(corpus, cache).run_info["hashed"] == 0


def test_a_removed_report_is_left_out(corpus):
    corpus, cache = corpus
    shutil.rmtree(reports(corpus)[0].parent)
    warm = cached(corpus, cache)
    reference = oracle(corpus)
    assert keys(warm) == keys(reference) and warm.triples == reference.triples
    assert warm.run_info["units"] == len(reports(corpus)) + 1


def test_a_changed_shapes_file_invalidates(corpus, tmp_path):
    corpus, cache = corpus
    shapes = tmp_path / "shapes"
    shutil.copytree(resources.shapes_dir(), shapes)
    first = cached(corpus, cache, shapes=[shapes])
    assert not any("ReportNeedsAnAuthor" in r.source_shape for r in first.results)
    (shapes / "extra.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "@prefix pg: <https://w3id.org/pactgraph/ontology#> .\n@prefix schema: <https://schema.org/> .\n"
        "ex:ReportNeedsAnAuthor a sh:NodeShape ; sh:targetClass pg:Report ;\n"
        "    sh:property [ sh:path schema:author ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    warm = cached(corpus, cache, shapes=[shapes])
    assert warm.run_info["cached"] == 0
    assert keys(warm) == keys(oracle(corpus, shapes=[shapes]))
    assert {r.path for r in warm.results if "ReportNeedsAnAuthor" in r.source_shape} == {"schema:author"}


def test_an_edited_text_file_runs_its_unit_again(corpus):
    corpus, cache = corpus
    article = reports(corpus)[0].parent / "article.txt"
    article.write_text(article.read_text(encoding="utf-8") + " (edited)", encoding="utf-8")
    warm = cached(corpus, cache)
    assert warm.run_info["cached"] == warm.run_info["units"] - 1 and warm.run_info["parsed"] > 0
    assert keys(warm) == keys(oracle(corpus))
    assert any(r.source_constraint == "pgsh:SourceText-storedFileMatches" for r in warm.results)


def test_an_unreadable_manifest_means_parsing(corpus, warmed, parses):
    corpus, cache = corpus
    for manifest in (cache / "validation" / "manifest").glob("*.json"):
        manifest.write_text('{"format": 1, "files": {', encoding="utf-8")
    warm = cached(corpus, cache)
    assert len(parses) >= len(reports(corpus)) and warm.run_info["parsed"] > 0
    assert format_json(warm) == format_json(warmed[4])


def test_one_edited_report_with_two_jobs_is_validated_in_one_process_beside_the_whole_graph_shapes(corpus, monkeypatch):
    """Fewer units to validate than processes: one other process validates the edited report while the
    whole-graph shapes run here (not a pool of two, each compiling the shapes), with the same results."""
    import concurrent.futures

    corpus, cache = corpus
    edited = reports(corpus)[2]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace('schema:inLanguage "en"', 'schema:inLanguage "EN"', 1), encoding="utf-8")
    started: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def counted(workers, *args, **kwargs):
        started.append(workers)
        return real(workers, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    warm = run(whole_graph(data_dir=corpus), Executor("units", 2, cache), engine="auto")
    assert started == [1]
    assert warm.run_info["cached"] == warm.run_info["units"] - 1
    assert keys(warm) == keys(oracle(corpus))
    assert any(r.source_shape == "pgsh:Report-inLanguage" for r in warm.results)


def test_a_cold_run_answers_the_whole_graph_shapes_before_it_reads_the_manifest(warmed, monkeypatch, tmp_path):
    """With an empty cache the whole-graph shapes run first, and their in-memory Store is let go before the
    manifest is read (so the two are never held at once); the rows are not computed a second time after
    the units, and the answer is the one graph's. A warm run does not make that pass."""
    from pactgraph.validation import manifest, storedwhole, wholegraph

    pristine = warmed[0]
    data, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(pristine, data)
    events: list[str] = []
    stores: list[object] = []
    real_store, real_book = wholegraph.graph_store, manifest.Book.__init__

    def graph_store(*args, **kwargs):
        found = real_store(*args, **kwargs)
        stores.append(found[0])
        events.append("store")
        return found

    def book(self, *args, **kwargs):
        # Held only by `stores` and getrefcount's own argument: nothing of the run keeps the Store.
        events.append("manifest" + ("" if all(sys.getrefcount(s) == 3 for s in stores) else ": a Store is held"))
        real_book(self, *args, **kwargs)

    def whole_again(*args, **kwargs):
        raise AssertionError("the whole-graph shapes ran a second time")

    monkeypatch.setattr(wholegraph, "graph_store", graph_store)
    monkeypatch.setattr(manifest.Book, "__init__", book)
    monkeypatch.setattr(storedwhole, "_whole", whole_again)
    cold = cached(data, cache)
    assert events == ["store", "manifest"]
    assert keys(cold) == keys(oracle(data)) and cold.triples == oracle(data).triples

    def early_again(*args, **kwargs):
        raise AssertionError("a warm run made the early pass")

    monkeypatch.setattr(storedwhole, "early", early_again)
    assert keys(cached(data, cache)) == keys(cold)


def _store_events(monkeypatch) -> list[tuple[str, object]]:
    """What the Store on disk went through in this process: ("fill", files) and ("sync", Change)."""
    from pactgraph.validation import wholestore

    events: list[tuple[str, object]] = []
    real_fill, real_sync = wholestore.WholeStore._fill, wholestore.WholeStore.sync

    def fill(self, files):
        events.append(("fill", len(files)))
        return real_fill(self, files)

    def sync(self, files):
        change = real_sync(self, files)
        events.append(("sync", change))
        return change

    monkeypatch.setattr(wholestore.WholeStore, "_fill", fill)
    monkeypatch.setattr(wholestore.WholeStore, "sync", sync)
    return events


def test_a_cold_run_with_two_jobs_fills_the_store_on_disk_in_a_child(warmed, monkeypatch, tmp_path):
    """With two jobs, a child process fills the Store on disk while the whole-graph shapes run in memory:
    this process then finds every file's graph there under the key it computes itself (nothing loaded
    again), and an edit after it is validated incrementally on that Store to the one graph's answer."""
    from pactgraph.validation import wholestore

    data, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(warmed[0], data)
    started: list[Path] = []
    real_start = wholestore.prefill_in_child

    def start(cache_dir, root_key, paths):
        started.extend(paths)
        return real_start(cache_dir, root_key, paths)

    monkeypatch.setattr(wholestore, "prefill_in_child", start)
    events = _store_events(monkeypatch)
    cold = run(whole_graph(data_dir=data), Executor("units", 2, cache), engine="auto")
    assert sorted(started) == sorted(list(whole_graph(data_dir=data).data) + list(resources.ontology_files()))
    assert [kind for kind, _ in events] == ["sync"]  # this process filled nothing
    change = events[0][1]
    assert not (change.rebuilt or change.added or change.removed)
    assert keys(cold) == keys(oracle(data)) and cold.triples == oracle(data).triples

    events.clear()
    report = reports(data)[0]
    report.write_text(report.read_text(encoding="utf-8").replace('schema:inLanguage "en"', 'schema:inLanguage "EN"', 1),
                      encoding="utf-8")
    edited = run(whole_graph(data_dir=data), Executor("units", 2, cache), engine="auto")
    assert [kind for kind, _ in events] == ["sync"] and events[0][1].added  # one graph loaded again
    assert keys(edited) == keys(oracle(data)) != keys(cold)


def test_a_store_fill_that_stops_halfway_is_filled_again(warmed, monkeypatch, tmp_path):
    """A child that dies while it fills the Store leaves part of the graphs and no state: this process
    empties the Store, fills it from the files and gives the one graph's answer."""
    from pactgraph.validation import wholestore

    data, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(warmed[0], data)

    def died_halfway(cache_dir, root_key, paths):
        kept = wholestore.WholeStore.open(cache_dir, root_key)
        kept._fill([(p, wholestore.graph_iri(p.name), "", []) for p in paths[:3]])
        kept.close()

    monkeypatch.setattr(wholestore, "prefill_in_child", died_halfway)
    events = _store_events(monkeypatch)
    cold = run(whole_graph(data_dir=data), Executor("units", 2, cache), engine="auto")
    assert [kind for kind, _ in events] == ["fill", "fill", "sync"] and events[2][1].rebuilt
    assert keys(cold) == keys(oracle(data)) and cold.triples == oracle(data).triples


def test_a_script_without_a_main_guard_runs_once_when_the_store_is_filled_beside_it(warmed, tmp_path):
    """The child that fills the Store is a fresh interpreter that imports only pactgraph: a caller's
    script without `if __name__ == "__main__"` is not run a second time in it (as multiprocessing's
    spawn would), and its cold run leaves a Store whose state names every file."""
    from pactgraph.validation.wholestore import WholeStore

    data, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(warmed[0], data)
    script = tmp_path / "check.py"
    script.write_text(
        "import pactgraph\n"
        f"report = pactgraph.validate(data_dir={str(data)!r}, cache={str(cache)!r}, jobs=2)\n"
        "print('ran', len(report.results))\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"ran {len(oracle(data).results)}"]
    state = [p for p in (cache / "validation" / "store").glob("*.json")]
    assert len(state) == 1
    held = WholeStore(state[0].with_suffix(""))._read_state()["graphs"]
    assert len(held) == len(list(whole_graph(data_dir=data).data)) + len(resources.ontology_files())
