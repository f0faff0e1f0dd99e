"""`validate()`: the library's one validation entry point, with the defaults of `pactgraph validate`.

What is asked for (`ValidateRequest`) becomes a scope and an executor (pipeline.run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pactgraph.errors import InputError
from pactgraph.stores.config import StoreSettings
from pactgraph.validation.pipeline import Executor, run
from pactgraph.validation.scope import Scope, joined, whole_graph
from pactgraph.validation.report import ValidationReport


@dataclass
class ValidateRequest:
    """The options of `pactgraph validate`, as given (None: not given)."""

    paths: list[str] = field(default_factory=list)
    shapes: list[str] | None = None
    ontology: list[str] | None = None
    focus: list[str] = field(default_factory=list)
    shape: list[str] = field(default_factory=list)
    fail_on: str = "violation"
    per_report: bool = False
    jobs: str | None = None
    cache: str | None = None
    no_cache: bool = False
    engine: str | None = None
    config: str | None = None
    data_dir: str | None = None
    with_graph: bool | None = None
    scheduler: str | None = None


def is_joined(request: ValidateRequest) -> bool:
    """Files are checked with the graph they join unless told otherwise (see `validate --help`)."""
    if request.with_graph is not None:
        if request.with_graph and not request.paths:
            raise InputError("--with-graph needs the files to check (validate NEW_FILE... --with-graph)")
        if not request.with_graph and request.data_dir is not None and request.paths:
            raise InputError("--standalone checks the files on their own: leave out --data-dir")
        return request.with_graph
    standalone = bool(request.shapes or request.ontology or request.per_report or request.jobs is not None)
    return bool(request.paths) and (request.data_dir is not None or not standalone)


def scope_of(request: ValidateRequest, settings: StoreSettings | None = None) -> Scope:
    """The whole graph, or the files joined with it (reading the on-disk store when one is configured)."""
    if is_joined(request):
        scope = joined(request.paths, data_dir=request.data_dir, ontology=request.ontology)
        if settings is not None and settings.kind == "disk" and settings.path:
            scope.store = Path(settings.path)
        return scope
    if request.data_dir is not None and str(request.data_dir).strip() == "":
        raise InputError("empty path given for --data-dir")
    return whole_graph(request.paths or None, data_dir=request.data_dir, ontology=request.ontology)


def executor_of(request: ValidateRequest, settings: StoreSettings) -> Executor:
    """--per-report / --jobs ask for units, --scheduler for units on a Dask cluster; otherwise `auto`
    picks (see pipeline.choose_executor), on the cluster of validate.scheduler when it picks units."""
    from pactgraph.validation.units import default_cache_dir

    try:
        jobs = int(request.jobs) if request.jobs is not None else settings.jobs
    except ValueError:
        raise InputError(f"--jobs must be a whole number, not {request.jobs!r}") from None
    kind = "units" if (request.per_report or request.jobs is not None) else "auto"
    configured = request.cache or settings.cache
    cache = None if request.no_cache else Path(configured) if configured else default_cache_dir()
    if request.scheduler is not None:
        if not request.scheduler.strip():
            raise InputError("empty address given for --scheduler")
        if request.jobs is not None:
            raise InputError("--jobs counts local processes: leave it out with --scheduler (the workers do the work)")
        return Executor("dask", None, cache, request.scheduler.strip())
    # validate.scheduler: used when units are chosen, unless --jobs asks for local processes.
    scheduler = None if request.jobs is not None else settings.scheduler
    return Executor(kind, jobs, cache, scheduler)


def validate(
    paths: Sequence[str | Path] | None = None,
    shapes: Sequence[str | Path] | None = None,
    *,
    ontology: Sequence[str | Path] | None = None,
    data_dir: str | Path | None = None,
    with_graph: bool | None = None,
    focus: Sequence[str] = (),
    shape: Sequence[str] = (),
    fail_on: str = "violation",
    executor: str = "auto",
    jobs: int | None = None,
    cache: str | Path | None = None,
    no_cache: bool = False,
    engine: str | None = None,
    config: str | Path | None = None,
    scheduler: str | None = None,
) -> ValidationReport:
    """Validate as `pactgraph validate` does, with its defaults: the library's one entry point.

    `paths` (default: the shipped graph, or the graph of `data_dir`) against `shapes` (default:
    the shipped shapes). Files given are checked joined with the graph they join unless
    `with_graph=False` or `shapes`, `ontology`, an `executor` other than auto or `jobs` is given
    (see `validate --help`). `executor`: auto, single (one graph, the reference), units or dask;
    `jobs`, `cache`, `engine`: else `pactgraph.toml` (or `config`), else one process per 40
    report files, `~/.cache/pactgraph`, auto (pyshacl-turbo when installed). `scheduler`: the
    address of a Dask scheduler whose workers validate the units (validation.cluster), else
    validate.scheduler when units are chosen; the scope is the same as without it.
    """
    from pactgraph.stores.config import read_settings

    request = ValidateRequest(
        paths=[str(p) for p in paths or ()], shapes=[str(s) for s in shapes] if shapes else None,
        ontology=None if ontology is None else [str(o) for o in ontology], focus=list(focus), shape=list(shape),
        fail_on=fail_on, per_report=executor in ("single", "units"), jobs=None if jobs is None else str(jobs),
        cache=None if cache is None else str(cache), no_cache=no_cache, engine=engine,
        config=None if config is None else str(config), data_dir=None if data_dir is None else str(data_dir),
        with_graph=with_graph, scheduler=scheduler,
    )
    if request.shapes:
        from pactgraph.query.sparql_policy import check_shapes_queries

        check_shapes_queries(request.shapes)
    settings = read_settings(config=request.config)
    chosen = executor_of(request, settings)
    if scheduler is not None and executor == "single":
        raise InputError("the single executor validates here: leave out the scheduler, or use executor dask")
    if executor != "auto":
        chosen = Executor(executor, chosen.jobs, chosen.cache_dir, chosen.scheduler)
    return run(
        scope_of(request, settings),
        chosen,
        shapes=request.shapes,
        focus=request.focus,
        shape=request.shape,
        fail_on=request.fail_on,
        engine=request.engine or settings.engine or "auto",
    )


def explain(shapes: Sequence[str | Path] | None = None) -> str:
    """Where each shape runs (per unit or once over the whole graph) and why: `validate --explain`."""
    from pactgraph import resources
    from pactgraph.rdf.loading import load_graph, resolve_inputs
    from pactgraph.validation import locality

    if shapes:
        from pactgraph.query.sparql_policy import check_shapes_queries

        check_shapes_queries(shapes)
    from pactgraph.validation.engine import resolve_engine
    from pactgraph.validation.textoffsets import natives
    from pactgraph.validation.wholegraph import describe, routes

    files = resolve_inputs(shapes) if shapes else resources.shape_files()
    graph = load_graph(files)
    engine = resolve_engine("auto")
    engines = {r.shape: f"; runs on {describe(r, engine)}" for r in routes(graph, locality.placements(graph))}
    # In units, the shipped text-offset rules run in Python (validation.textoffsets).
    local = locality.split(graph)[0]
    engines.update({n.shape: "; runs on python, the shipped text-offset rules" for n in natives(local)
                    if n.shape not in engines})
    return locality.format_explain(locality.explain(graph, engines))
