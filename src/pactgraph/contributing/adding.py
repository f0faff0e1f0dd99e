"""`pactgraph add`: validate report files with the graph and move them into the data directory.

Each new Turtle file names its report folder through the pg:storedAt of its
pg:SourceText (`reports/<slug>/article.txt`); the folder's files are the Turtle
files given for it and the stored text files found beside them. Nothing is
written unless the new files conform together with the graph. Then each folder is
staged in a temporary directory and renamed into `reports/<slug>/`: a new folder
appears whole, a changed one is swapped whole (an atomic exchange on Linux, else
two renames), an identical one is left alone. A lock file in the data directory
(`.pactgraph-add.lock`, taken once the files conform and removed when released)
serialises concurrent runs; if the data changed while the new files were
validated, they are validated again under the lock. Any failure leaves the data
directory as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pactgraph.contributing import REPORTS
from pactgraph.data_dirs import data_files
from pactgraph.errors import InputError
from pactgraph.folder_writes import exchange, exclusive_lock

LOCK_NAME = ".pactgraph-add.lock"

ADDED, REPLACED, UNCHANGED, IN_PLACE = "added", "replaced", "unchanged", "in place"


@dataclass
class Unit:
    """One report folder to put in place: target name -> source file."""

    slug: str
    files: dict[str, Path] = field(default_factory=dict)
    status: str = ""

    def target(self, data_dir: Path) -> Path:
        return data_dir / REPORTS / self.slug


@dataclass
class AddOutcome:
    """What `add` did (or, with dry_run, would do)."""

    report: Any  # the ValidationReport
    units: list[Unit]
    dry_run: bool = False
    #: The draft folders whose files were moved into the data directory.
    moved_from: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return bool(self.report.conforms)


_VERBS = {
    ADDED: ("would add", "added"),
    REPLACED: ("would replace", "replaced"),
    UNCHANGED: ("unchanged", "unchanged"),
    IN_PLACE: ("in place (validated)", "in place (validated)"),
}


def describe(status: str, dry_run: bool) -> str:
    """What `add` did to a report folder with this status (or would do, in a dry run)."""
    return _VERBS[status][0 if dry_run else 1]


def plan_units(parsed: Sequence[Any]) -> list[Unit]:
    """Group the parsed new files into report folders; InputError when a file is not a report file."""
    from pactgraph.validation.storedtext import STORED_AT_PATTERN

    units: dict[str, Unit] = {}
    for item in parsed:
        if item.path.suffix.lower() != ".ttl":
            raise InputError(f"{item.path}: `add` takes Turtle report files (.ttl)")
        stored = item.stored_texts()
        if not stored:
            raise InputError(
                f"{item.path}: no pg:SourceText with pg:storedAt in it; `add` takes report files "
                "(create one with `pactgraph new-report`)"
            )
        slugs = set()
        texts = []
        for _, at, _ in stored:
            match = STORED_AT_PATTERN.match(at)
            if not match:
                raise InputError(f"{item.path}: pg:storedAt {at!r} is not of the form reports/<slug>/<file>")
            slugs.add(match.group(1))
            texts.append(match.group(2))
        if len(slugs) > 1:
            raise InputError(f"{item.path}: stored texts in several report folders ({', '.join(sorted(slugs))})")
        slug = slugs.pop()
        unit = units.setdefault(slug, Unit(slug))
        for name, source in [(item.path.name, item.path)] + [
            (t, item.path.parent / PurePosixPath(t).name) for t in texts
        ]:
            if not source.is_file():
                raise InputError(f"{item.path}: its stored text {source} is not there (it must lie beside the report file)")
            known = unit.files.get(name)
            if known is not None and known.resolve() != source.resolve():
                raise InputError(f"two files for reports/{slug}/{name}: {known} and {source}")
            unit.files[name] = source
    return list(units.values())


def _status(unit: Unit, data_dir: Path) -> str:
    target = unit.target(data_dir)
    if target.is_dir() and all(target.resolve() in source.resolve().parents for source in unit.files.values()):
        return IN_PLACE  # the files are the report folder's own: nothing to copy
    return UNCHANGED if _same_folder(unit, target) else REPLACED if target.exists() else ADDED


def _same_folder(unit: Unit, target: Path) -> bool:
    """Whether `target` holds exactly the unit's files with the same bytes."""
    if not target.is_dir():
        return False
    present = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    if present != set(unit.files):
        return False
    return all((target / name).read_bytes() == source.read_bytes() for name, source in unit.files.items())


def tree_fingerprint(directory: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file and folder under `directory`."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_dir():
            digest.update(b"d " + relative.encode() + b"\0")
        elif path.is_file():
            digest.update(b"f " + relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _graph_fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@contextmanager
def data_lock(data_dir: Path) -> Iterator[None]:
    """An exclusive lock on the data directory, held for the block: `LOCK_NAME` in it,
    removed on release so the data directory is left as it was."""
    with exclusive_lock(data_dir / LOCK_NAME):
        yield


def _staging_root(reports: Path) -> Path:
    """A temporary folder on the same file system as `reports`, outside the data directory if possible
    (so nothing reading the data sees half-staged files)."""
    data_dir = reports.parent
    for parent in (data_dir.parent, reports):
        try:
            root = Path(tempfile.mkdtemp(dir=parent, prefix=".pactgraph-add-"))
        except OSError:
            continue
        if os.stat(root).st_dev == os.stat(reports).st_dev:
            return root
        shutil.rmtree(root, ignore_errors=True)
    raise InputError(f"{reports}: cannot create a temporary folder beside it")


def _put_in_place(units: Sequence[Unit], data_dir: Path) -> None:
    """Stage every changed unit, then rename each into place; undo what was done on failure."""
    reports = data_dir / REPORTS
    reports.mkdir(exist_ok=True)
    root = _staging_root(reports)
    done: list[tuple[Unit, Path | None]] = []  # unit, where its old folder went (None: it had none)
    try:
        staged = {}
        umask = os.umask(0)
        os.umask(umask)
        for unit in units:
            folder = root / unit.slug
            folder.mkdir(mode=0o777 & ~umask)
            for name, source in unit.files.items():
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(source, "rb") as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                    dst.flush()
                    os.fsync(dst.fileno())
                os.chmod(target, 0o666 & ~umask)
            staged[unit.slug] = folder
        from pactgraph.process import checkpoint

        checkpoint("add-staged")
        for unit in units:
            target = unit.target(data_dir)
            folder = staged[unit.slug]
            if not target.exists():
                os.rename(folder, target)
                done.append((unit, None))
            elif exchange(folder, target):
                done.append((unit, folder))  # the old folder is now where the staged one was
            else:
                old = root / f"{unit.slug}.old"
                os.rename(target, old)
                try:
                    os.rename(folder, target)
                except OSError:
                    os.rename(old, target)
                    raise
                done.append((unit, old))
    except BaseException as err:
        for unit, moved in reversed(done):
            target = unit.target(data_dir)
            try:
                if moved is None:
                    shutil.rmtree(target)
                elif not exchange(moved, target):
                    shutil.rmtree(target)
                    os.rename(moved, target)
            except OSError:
                pass
        shutil.rmtree(root, ignore_errors=True)
        if isinstance(err, OSError):
            raise InputError(f"{reports}: cannot write: {err.strerror or err}; nothing was changed") from None
        raise
    shutil.rmtree(root, ignore_errors=True)


def add(
    paths: Sequence[str | Path],
    data_dir: Path,
    *,
    dry_run: bool = False,
    engine: str = "auto",
    fail_on: str = "violation",
    move: bool = False,
) -> AddOutcome:
    """Validate `paths` with the graph of `data_dir` and, if they conform, put their report folders in place;
    with `move`, the files then leave the folders they came from (see `_remove_sources`)."""
    from pactgraph.validation.command import validate
    from pactgraph.validation.inputs import parse_inputs

    units = plan_units(parse_inputs(paths))
    before = _graph_fingerprint(data_dir)
    report = validate(paths, data_dir=data_dir, with_graph=True, engine=engine, fail_on=fail_on)
    outcome = AddOutcome(report=report, units=units, dry_run=dry_run)
    if not report.conforms:
        return outcome
    for unit in units:
        unit.status = _status(unit, data_dir)
    changed = [u for u in units if u.status not in (UNCHANGED, IN_PLACE)]
    if dry_run:
        return outcome
    if changed:
        _lock_and_put(outcome, units, changed, paths, data_dir, before, engine, fail_on)
    if move and outcome.conforms:
        _remove_sources(outcome, data_dir)
    return outcome


def _remove_sources(outcome: AddOutcome, data_dir: Path) -> None:
    """Delete each added unit's source files, now in the data directory byte for byte, and
    their folder once it is empty; a file that cannot be deleted is left with a note."""
    for unit in outcome.units:
        if unit.status not in (ADDED, REPLACED, UNCHANGED):
            continue
        target = unit.target(data_dir)
        folders = set()
        for name, source in unit.files.items():
            if not _same_file_bytes(source, target / name):
                outcome.notes.append(f"{source}: left in place: it differs from {target / name}")
                continue
            try:
                source.unlink()
                folders.add(source.parent)
            except OSError as err:
                outcome.notes.append(f"{source}: left in place: {err.strerror or err}")
        for folder in sorted(folders):
            outcome.moved_from.append(folder)
            try:
                folder.rmdir()
            except OSError:
                pass  # other files remain in it


def _same_file_bytes(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _lock_and_put(
    outcome: AddOutcome, units: list[Unit], changed: list[Unit], paths: Sequence[str | Path], data_dir: Path,
    before: str, engine: str, fail_on: str,
) -> None:
    """Under the data directory's lock: validate again if the data changed meanwhile, then put the units in place."""
    from pactgraph.validation.command import validate

    with data_lock(data_dir):
        if _graph_fingerprint(data_dir) != before:
            # Another run changed the data meanwhile: validate again against what is there now.
            report = validate(paths, data_dir=data_dir, with_graph=True, engine=engine, fail_on=fail_on)
            outcome.report = report
            if not report.conforms:
                for unit in units:
                    unit.status = ""
                return
            for unit in units:
                unit.status = _status(unit, data_dir)
            changed = [u for u in units if u.status not in (UNCHANGED, IN_PLACE)]
        if changed:
            _put_in_place(changed, data_dir)


def refresh_store(settings: Any, data_dir: Path, units: Sequence[Unit], *, explicit: bool) -> list[str]:
    """Bring the store the settings name up to date with the data directory; lines to print.

    An on-disk store is synchronised with its sources (and gets the added files if
    they lie outside them); one that does not exist yet is created from the
    ontology and the data directory when it was named on the command line. An
    endpoint gets each added file as its graph. The in-memory default needs nothing.
    """
    from pactgraph import resources

    files = [unit.target(data_dir) / name for unit in units for name in unit.files if name.endswith(".ttl")]
    if settings.kind == "disk":
        from pactgraph.stores.disk import DiskStore

        store = DiskStore(settings.path, on_change="ignore")
        if not store.exists():
            if not explicit:
                return [f"store {settings.path}: not created yet; left alone"]
            summary = store.sync([str(resources.ontology_dir()), str(data_dir)])
        else:
            summary = store.sync(None)
            recorded = set(store.manifest().get("files", {}))
            missing = [f for f in files if str(f.resolve()) not in recorded]
            if missing:
                extra = store.load(missing)
                summary.loaded.extend(extra.loaded)
                summary.triples += extra.triples
        store.close()
        return [summary.line()]
    if settings.kind == "endpoint":
        from pactgraph.stores.config import open_store

        store = open_store(settings)
        summary = store.load(files)
        return [summary.line()]
    return []
