"""Write a site atomically, or compare it with what is on disk.

The site is written to a temporary folder beside OUTDIR and swapped into place
in one step (renameat2 RENAME_EXCHANGE on Linux; elsewhere the previous OUTDIR is
moved aside first and removed only once the new one is in place), so a failure at
any point, even the process being killed, leaves the previous OUTDIR as it was.
Writers to the same OUTDIR take turns: each holds an exclusive lock on
`.OUTDIR.lock` beside it while it writes, and clears what a killed writer left.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pactgraph.errors import InputError
from pactgraph.publishing.conneg import HTACCESS_MARKER
from pactgraph.publishing.layout import safe_site_path


@dataclass
class Difference:
    """How the files on disk differ from the files a publish would write."""

    added: list[str] = field(default_factory=list)  # would be written, not on disk
    removed: list[str] = field(default_factory=list)  # on disk, would not be written
    changed: list[str] = field(default_factory=list)  # on disk with other bytes

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def summary(self, limit: int = 10) -> list[str]:
        lines = []
        for label, paths in (("changed", self.changed), ("missing", self.added), ("extra", self.removed)):
            for path in paths[:limit]:
                lines.append(f"{label}: {path}")
            if len(paths) > limit:
                lines.append(f"{label}: ... and {len(paths) - limit} more")
        return lines


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_site(folder: Path) -> bool:
    """True when `folder` holds a site written by publish (its .htaccess carries the marker)."""
    marker = folder / ".htaccess"
    try:
        with marker.open("r", encoding="utf-8", errors="replace") as handle:
            return handle.readline().rstrip("\n") == HTACCESS_MARKER
    except OSError:
        return False


def check_target(outdir: Path) -> None:
    """InputError unless publish may write to `outdir` (absent, empty, or a site it wrote)."""
    if outdir.is_symlink():
        raise InputError(f"{outdir}: is a symbolic link; give the real folder")
    if outdir.exists():
        if not outdir.is_dir():
            raise InputError(f"{outdir}: exists and is not a folder")
        if any(outdir.iterdir()) and not is_site(outdir):
            raise InputError(
                f"{outdir}: folder exists and is not a pactgraph site (no .htaccess written by "
                "`pactgraph publish`); remove it or choose another folder"
            )


def read_tree(outdir: Path) -> dict[str, bytes]:
    """Every regular file under `outdir`, by relative POSIX path."""
    found: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(outdir):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(outdir).as_posix()
            found[rel] = (
                path.read_bytes() if path.is_file() and not path.is_symlink() else b"\0<not a regular file>"
            )
    return found


def compare(files: Mapping[str, bytes], outdir: Path) -> Difference:
    """How `outdir` differs from `files` (all of it, when `outdir` does not exist)."""
    difference = Difference()
    if not outdir.is_dir():
        difference.added = sorted(files)
        return difference
    on_disk = read_tree(outdir)
    difference.added = sorted(set(files) - set(on_disk))
    difference.removed = sorted(set(on_disk) - set(files))
    difference.changed = sorted(p for p in set(files) & set(on_disk) if files[p] != on_disk[p])
    return difference


def write_atomic(files: Mapping[str, bytes], outdir: Path) -> None:
    """Replace `outdir` by exactly `files`, atomically with respect to failures."""
    outdir = Path(outdir)
    if str(outdir).strip() in ("", "."):
        outdir = Path.cwd()
    outdir = Path(os.path.abspath(outdir))
    check_target(outdir)
    parent = outdir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{outdir}: cannot write: {err.strerror or err}") from None
    with _writer_lock(outdir):
        _clear_leftovers(outdir)
        check_target(outdir)
        _write_and_swap(files, outdir)


def _write_and_swap(files: Mapping[str, bytes], outdir: Path) -> None:
    from pactgraph.process import checkpoint

    try:
        staging = Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}.new-"))
    except OSError as err:
        raise InputError(f"{outdir}: cannot write: {err.strerror or err}") from None
    folder_mode = 0o777 & ~_umask()
    file_mode = 0o666 & ~_umask()
    try:
        root = staging.resolve()
        for rel in sorted(files):
            safe_site_path(rel)
            longest = max(len(part.encode("utf-8")) for part in rel.split("/"))
            if longest > 255:
                raise InputError(
                    f"refusing to write {rel[:60]}...: a file name of {longest} bytes, longer than file "
                    "systems allow (from an IRI with a very long local name)"
                )
            target = staging / rel
            if root not in target.resolve().parents:
                raise InputError(f"refusing to write {rel!r}: outside the site")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(files[rel])
            os.chmod(target, file_mode)
        for dirpath, dirnames, _ in os.walk(staging):
            for name in dirnames:
                os.chmod(Path(dirpath) / name, folder_mode)
        os.chmod(staging, folder_mode)
        checkpoint("publish-staged")
        _swap(staging, outdir)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"{outdir}: cannot write: {err.strerror or err}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def _writer_lock(outdir: Path) -> Iterator[None]:
    """An exclusive lock on `.NAME.lock` beside `outdir`; a second writer waits."""
    from pactgraph.folder_writes import exclusive_lock

    with exclusive_lock(outdir.parent / f".{outdir.name}.lock"):
        yield


def _clear_leftovers(outdir: Path) -> None:
    """Remove the staging folders of writers that were killed (only called under the lock).

    Where the non-atomic fallback of `_swap` was interrupted between its two renames,
    OUTDIR is missing and the previous site is the `.old-` folder: it is put back first.
    """
    parent = outdir.parent
    new = sorted(parent.glob(f".{outdir.name}.new-*"))
    old = sorted(parent.glob(f".{outdir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if not outdir.exists() and old and is_site(old[-1]):
        os.rename(old.pop(), outdir)
    for folder in new + old:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _swap(staging: Path, outdir: Path) -> None:
    from pactgraph.folder_writes import exchange
    from pactgraph.process import checkpoint

    if not outdir.exists():
        os.rename(staging, outdir)
        return
    if exchange(staging, outdir):
        checkpoint("publish-swapped")
        shutil.rmtree(staging, ignore_errors=True)  # the previous site, now at the staging path
        return
    aside = Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}.old-"))
    os.rmdir(aside)
    os.rename(outdir, aside)
    try:
        os.rename(staging, outdir)
    except BaseException:
        os.rename(aside, outdir)
        raise
    shutil.rmtree(aside, ignore_errors=True)
