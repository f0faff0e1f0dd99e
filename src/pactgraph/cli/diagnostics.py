"""Library warnings and log records reach the terminal as one `pactgraph: warning:` line each."""

from __future__ import annotations

import sys


class _OneLineLog:
    """A filter for the terminal's log handler: a library's warning becomes one line, its errors
    are left out (the exception that follows is reported), and nothing brings a traceback."""

    def filter(self, record: object) -> bool:
        import logging

        if record.levelno >= logging.ERROR or getattr(record, "pactgraph_shown", False):  # type: ignore[attr-defined]
            return False
        text = record.getMessage()  # type: ignore[attr-defined]
        first = " ".join(text.splitlines()[0].split()) if text.strip() else ""
        record.msg, record.args = f"{record.name}: {first[:300]}", None  # type: ignore[attr-defined]
        record.exc_info = record.exc_text = record.stack_info = None  # type: ignore[attr-defined]
        return True


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    text = str(message)
    first = " ".join(text.splitlines()[0].split()) if text.strip() else ""
    (file or sys.stderr).write(f"pactgraph: warning: {category.__name__}: {first[:300]}\n")


def one_line_diagnostics() -> None:
    """Warnings and log records of the libraries reach the terminal as one
    `pactgraph: warning:` line each, never with a traceback. rdflib's notes about
    literals it cannot convert are left out: validation reports ill-typed values."""
    import logging
    import warnings

    class StderrHandler(logging.StreamHandler):
        """Writes to whatever sys.stderr is at the time (a test runner may swap it)."""

        @property
        def stream(self):  # noqa: ANN202
            return sys.stderr

        @stream.setter
        def stream(self, value) -> None:  # noqa: ANN001
            pass

    warnings.showwarning = show_warning
    root = logging.getLogger()
    if not any(getattr(h, "pactgraph_one_line", False) for h in root.handlers):
        handler = StderrHandler()
        handler.pactgraph_one_line = True  # type: ignore[attr-defined]
        handler.setLevel(logging.WARNING)
        handler.addFilter(_OneLineLog())
        handler.setFormatter(logging.Formatter("pactgraph: warning: %(message)s"))
        root.addHandler(handler)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
