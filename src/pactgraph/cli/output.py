"""Write command results to stdout or to a file, never leaving a half-written file behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pactgraph.errors import InputError


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    Readers see the old file or the complete new one, and a failure leaves no file.
    """
    import tempfile

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{target}: cannot write: directory {directory} does not exist")
    if target.is_dir():
        raise InputError(f"{target}: cannot write: is a directory")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise InputError(f"{target}: cannot write: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            mode = target.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException as err:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise InputError(f"{target}: cannot write: {err.strerror or err}") from None
        raise


def emit(data: bytes, path: str | Path | None = None) -> None:
    """Send `data` to `path` (atomically) or, when `path` is None or `-`, to stdout."""
    if path is not None and str(path) != "-":
        write_atomic(path, data)
        return
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream, e.g. some test harnesses
        stream.write(data.decode("utf-8"))
        stream.flush()
