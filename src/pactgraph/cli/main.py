"""The console-script entry point: start-up kept fast (typer's pydantic coercion replaced), the last
guard that turns an unexpected exception into one line.

Importing this module registers every command on the app (each command module keeps
its heavy imports inside the command functions).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from types import SimpleNamespace
from typing import Any

import typer
import typer.main

from pactgraph.cli.app import EXIT_ERROR, EXIT_FAIL, HELP_OPTION_NAMES, app
from pactgraph.cli.diagnostics import one_line_diagnostics

# Importing a command module registers its commands; `pactgraph --help` lists them in this order.
# isort: off
from pactgraph.cli import validate, query, graph, contribute, claims, compare, publish, store  # noqa: E402,F401
# isort: on


class _PlainCoercion:
    """Value coercion for the only parameter types pactgraph uses: str, list[str], str Enum, bool.

    typer (0.2x) builds a pydantic TypeAdapter for each parameter it processes,
    which costs about 0.2 s of imports on every start, more than the whole
    `pactgraph query` run. main() gives pactgraph's parameters this equivalent
    instead; any other parameter keeps typer's own coercion.
    """

    def __init__(self, annotation: object):
        self.flag = annotation is bool
        self.enum = annotation if isinstance(annotation, type) and issubclass(annotation, Enum) else None

    @staticmethod
    def supports(annotation: object) -> bool:
        if annotation in (str, bool) or annotation == list[str]:
            return True
        return isinstance(annotation, type) and issubclass(annotation, Enum) and issubclass(annotation, str)

    def _one(self, value: object, param: Any, ctx: Any) -> object:
        if self.flag and isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
        if self.enum is None or isinstance(value, self.enum):
            return value
        try:
            return self.enum(value)
        except ValueError:
            choices = ", ".join(repr(m.value) for m in self.enum)
            raise typer.BadParameter(f"{value!r} is not one of {choices}.", ctx=ctx, param=param) from None

    def coerce(self, value: Any, param: Any, ctx: Any) -> object:
        many = getattr(param, "multiple", False) or getattr(param, "nargs", 1) == -1
        if value is None:
            return () if many else None
        if many:
            return [self._one(v, param, ctx) for v in value]
        return self._one(value, param, ctx)


def _install_plain_coercion(command: object) -> None:
    """Give the parameters of `command` and its subcommands _PlainCoercion, help options included.

    Anything unexpected leaves typer's own coercion in place: slower, same result.
    """
    for sub in getattr(command, "commands", {}).values():
        _install_plain_coercion(sub)
    params = list(getattr(command, "params", []))
    try:  # typer creates each command's help option lazily; create it now to reach it
        context = SimpleNamespace(help_option_names=HELP_OPTION_NAMES)
        help_option = command.get_help_option(context)  # type: ignore[attr-defined]
    except Exception:
        help_option = None
    if help_option is not None:
        params.append(help_option)
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
            continue
        if _PlainCoercion.supports(descriptor.annotation):
            param._runtime_param = _PlainCoercion(descriptor.annotation)


def main() -> None:
    """Console-script entry point."""
    from pactgraph import process

    # Past --timeout or PACTGRAPH_MAX_MEMORY the process ends: the native engines cannot be interrupted.
    process.on_limit(process.exit_at_limit)
    one_line_diagnostics()
    command = typer.main.get_command(app)
    _install_plain_coercion(command)
    try:
        command.main(prog_name="pactgraph")
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); leave quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_FAIL)
    except Exception as err:  # noqa: BLE001 - the last guard: one line, never a traceback
        if os.environ.get("PACTGRAPH_TRACEBACK"):
            raise
        detail = " ".join(str(err).split())[:300]
        sys.stderr.write(
            f"pactgraph: error: unexpected failure ({type(err).__name__}: {detail}); "
            "this is a bug: please report it with the input (PACTGRAPH_TRACEBACK=1 shows where)\n"
        )
        sys.exit(EXIT_ERROR)
