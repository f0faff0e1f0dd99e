"""Choosing a store: command-line options first, then a `pactgraph.toml` file, then the in-memory default.

The config file is `--config FILE`, else `pactgraph.toml` in the working
directory when there is one. Relative paths in it are relative to the file.

    [store]
    kind = "disk"                  # memory | disk | endpoint (default: endpoint if
                                   # [endpoint] url is set, disk if path is set, else memory)
    path = "var/store"             # the on-disk Oxigraph store (like --store DIR)
    on_change = "warn"             # when a source changed since `pactgraph load`:
                                   # warn | reload | ignore

    [endpoint]
    url = "http://127.0.0.1:7878/query"     # SPARQL query endpoint (like --endpoint URL)
    update_url = "http://127.0.0.1:7878/update"
    graph_store_url = "http://127.0.0.1:7878/store"
    load_method = "auto"           # auto | graph-store | update
    timeout = 60                   # seconds per request
    union_default_graph = true     # false: send the graphs as default-graph-uri

    [validate]
    cache = "~/.cache/pactgraph"   # validation results by content hash
    jobs = 2                       # processes for validation report by report
    engine = "auto"                # pyshacl | pyshacl-turbo | auto
    scheduler = "tcp://10.0.0.5:8786"  # a Dask scheduler whose workers validate the units

Credentials are never read from the file or the command line: see
`pactgraph.stores.endpoint` for the environment variables.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pactgraph.stores.base import StoreError

CONFIG_NAME = "pactgraph.toml"
KINDS = ("memory", "disk", "endpoint")
_KEYS = {
    "store": {"kind", "path", "on_change"},
    "endpoint": {"url", "update_url", "graph_store_url", "load_method", "timeout", "union_default_graph"},
    "validate": {"cache", "jobs", "engine", "scheduler"},
}


@dataclass
class StoreSettings:
    """Everything needed to open a store (and the validation settings of the same file)."""

    kind: str = "memory"
    data: list[str] | None = None
    path: str | None = None
    on_change: str = "warn"
    url: str | None = None
    update_url: str | None = None
    graph_store_url: str | None = None
    load_method: str = "auto"
    timeout: float = 60.0
    union_default_graph: bool = True
    cache: str | None = None
    jobs: int | None = None
    engine: str | None = None
    scheduler: str | None = None
    config_file: str | None = None
    explicit: set[str] = field(default_factory=set)

    def disk_path(self) -> str:
        """The disk store's folder (read_settings makes sure a disk store has one)."""
        if not self.path:
            raise StoreError("store.kind is disk but store.path is not set")
        return self.path

    def endpoint_url(self) -> str:
        """The endpoint's URL (read_settings makes sure an endpoint store has one)."""
        if not self.url:
            raise StoreError("store.kind is endpoint but endpoint.url is not set")
        return self.url

    def describe(self) -> str:
        if self.kind == "disk":
            return str(self.path)
        if self.kind == "endpoint":
            return str(self.url)
        return "memory"


def _read_config(path: Path, required: bool) -> dict[str, Any]:
    if not path.is_file():
        if required:
            raise StoreError(f"{path}: no such config file")
        return {}
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise StoreError(f"{path}: cannot read: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise StoreError(f"{path}: not valid TOML: {err}") from None
    for section, values in data.items():
        if section not in _KEYS or not isinstance(values, dict):
            raise StoreError(f"{path}: unknown section [{section}]; known: {', '.join(f'[{s}]' for s in _KEYS)}")
        unknown = set(values) - _KEYS[section]
        if unknown:
            raise StoreError(
                f"{path}: unknown key {section}.{sorted(unknown)[0]}; known: "
                + ", ".join(f"{section}.{k}" for k in sorted(_KEYS[section]))
            )
    return data


def _apply_file(settings: StoreSettings, raw: dict[str, Any], config_path: Path) -> None:
    """Copy the config file's [store], [endpoint] and [validate] keys into `settings` and choose the
    kind of store; paths in the file are relative to the file's folder."""
    here = config_path.parent

    def relative(value: Any) -> str:
        text = os.path.expanduser(str(value))
        return text if os.path.isabs(text) else str(here / text)

    section = raw.get("store", {})
    if "path" in section:
        settings.path = relative(section["path"])
    if "on_change" in section:
        settings.on_change = str(section["on_change"])
    endpoint_section = raw.get("endpoint", {})
    for key in ("url", "update_url", "graph_store_url", "load_method"):
        if key in endpoint_section:
            setattr(settings, key, str(endpoint_section[key]))
    if "timeout" in endpoint_section:
        settings.timeout = endpoint_section["timeout"]
    if "union_default_graph" in endpoint_section:
        value = endpoint_section["union_default_graph"]
        if not isinstance(value, bool):
            raise StoreError(f"{config_path}: endpoint.union_default_graph must be true or false")
        settings.union_default_graph = value
    validate_section = raw.get("validate", {})
    if "cache" in validate_section:
        settings.cache = relative(validate_section["cache"])
    if "engine" in validate_section:
        settings.engine = str(validate_section["engine"])
    if "scheduler" in validate_section:
        scheduler = validate_section["scheduler"]
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise StoreError(f"{config_path}: validate.scheduler must be the address of a Dask scheduler")
        settings.scheduler = scheduler.strip()
    if "jobs" in validate_section:
        jobs = validate_section["jobs"]
        if not isinstance(jobs, int) or jobs < 1:
            raise StoreError(f"{config_path}: validate.jobs must be a whole number of at least 1")
        settings.jobs = jobs

    kind = section.get("kind")
    if kind is not None and kind not in KINDS:
        raise StoreError(f"{config_path}: store.kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind is None:
        if settings.url and settings.path:
            raise StoreError(f"{config_path}: both store.path and endpoint.url are set; choose with store.kind")
        kind = "endpoint" if settings.url else "disk" if settings.path else "memory"
    settings.kind = kind


def read_settings(
    *,
    config: str | None = None,
    store: str | None = None,
    endpoint: str | None = None,
    data: Sequence[str] | None = None,
    cwd: str | Path | None = None,
) -> StoreSettings:
    """Settings from the options (`--data`, `--store`, `--endpoint`, `--config`) and the config file."""
    chosen = [name for name, value in (("--data", data), ("--store", store), ("--endpoint", endpoint)) if value]
    if len(chosen) > 1:
        raise StoreError(f"give only one of {', '.join(chosen)}")
    for name, value in (("--store", store), ("--endpoint", endpoint), ("--config", config)):
        if value is not None and not str(value).strip():
            raise StoreError(f"empty value given for {name}")
    base = Path(cwd) if cwd is not None else Path.cwd()
    config_path = Path(config) if config else base / CONFIG_NAME
    if not config_path.is_absolute():
        config_path = base / config_path
    raw = _read_config(config_path, required=bool(config))
    settings = StoreSettings(config_file=str(config_path) if raw or config else None)
    _apply_file(settings, raw, config_path)

    # Command-line options win over the file.
    if data:
        settings.kind, settings.data = "memory", list(data)
    elif store:
        settings.kind, settings.path = "disk", store
    elif endpoint:
        settings.kind, settings.url = "endpoint", endpoint
    if settings.kind == "disk" and not settings.path:
        raise StoreError(f"{config_path}: store.kind is disk but store.path is not set")
    if settings.kind == "endpoint" and not settings.url:
        raise StoreError(f"{config_path}: store.kind is endpoint but endpoint.url is not set")
    settings.explicit = {name for name, value in (("data", data), ("store", store), ("endpoint", endpoint)) if value}
    return settings


def open_store(settings: StoreSettings) -> Any:
    """The store the settings describe (for the memory store: loaded from `data` or the shipped graph)."""
    if settings.kind == "disk":
        from pactgraph.stores.disk import DiskStore

        return DiskStore(settings.disk_path(), on_change=settings.on_change)
    if settings.kind == "endpoint":
        from pactgraph.stores.endpoint import EndpointStore

        return EndpointStore(
            settings.endpoint_url(),
            update_url=settings.update_url,
            graph_store_url=settings.graph_store_url,
            timeout=settings.timeout,
            union_default_graph=settings.union_default_graph,
            load_method=settings.load_method,
        )
    from pactgraph.rdf.loading import load_store
    from pactgraph.stores.memory import MemoryStore

    return MemoryStore.wrap(load_store(settings.data))


def load_into(
    settings: StoreSettings,
    paths: Sequence[str] | None,
    *,
    graph_store: str | None = None,
    update_endpoint: str | None = None,
) -> tuple[Any, Any]:
    """Load files (default: the last load's paths for a disk store, else the shipped graph) into the
    store the settings describe, one named graph per file; (its LoadSummary, the store).

    A disk store is synchronised (changed files reloaded, removed ones dropped); a memory store
    only parses, a syntax check. `graph_store`/`update_endpoint`: how to write to an endpoint.
    """
    if (graph_store or update_endpoint) and settings.kind != "endpoint":
        raise StoreError("--graph-store and --update-endpoint need --endpoint (or endpoint.url in the config)")
    if graph_store:
        settings.graph_store_url, settings.load_method = graph_store, "graph-store"
    if update_endpoint:
        settings.update_url = update_endpoint
        if not graph_store:
            settings.load_method = "update"
    if settings.kind == "disk":
        from pactgraph.stores.disk import DiskStore

        disk = DiskStore(settings.disk_path(), on_change="ignore")
        return disk.sync(paths), disk
    from pactgraph.rdf.loading import default_graph_paths, resolve_inputs

    if settings.kind == "memory":
        from pactgraph.stores.memory import MemoryStore

        target: Any = MemoryStore()
    else:
        target = open_store(settings)
    files = default_graph_paths() if paths is None else resolve_inputs(paths)
    return target.load(files), target


__all__ = ["CONFIG_NAME", "StoreSettings", "load_into", "open_store", "read_settings"]
