"""Write a site atomically, or compare it with what is on disk.

The site is written to a temporary folder beside OUTDIR and renamed into place;
the previous OUTDIR is moved aside first and removed only once the new one is
in place, so a failure at any point leaves the previous OUTDIR as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
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
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{outdir.name}.new-"))
    except OSError as err:
        raise InputError(f"{outdir}: cannot write: {err.strerror or err}") from None
    folder_mode = 0o777 & ~_umask()
    file_mode = 0o666 & ~_umask()
    try:
        root = staging.resolve()
        for rel in sorted(files):
            safe_site_path(rel)
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
        _swap(staging, outdir)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"{outdir}: cannot write: {err.strerror or err}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, outdir: Path) -> None:
    if not outdir.exists():
        os.rename(staging, outdir)
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
