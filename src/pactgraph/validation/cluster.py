"""Validation units on a Dask distributed cluster: `pactgraph validate --scheduler ADDRESS`.

The units executor (validation.units) with its units validated by the workers of
a running Dask scheduler instead of local processes; nothing else moves. This
process parses the graph, cuts it into units, reads and writes the result cache,
merges the results, and runs the shapes that do not run per unit once over the
whole graph, as the local executors do: the report is theirs.

What the workers need: Python with pactgraph installed, the same version and
validation code as here (a worker with other code refuses the task, so cached
results never mix), and the engine chosen here (pyshacl-turbo for `auto` when
installed here). Nothing from a filesystem: the shapes go to the workers once,
as N-Triples with the prefixes their files declare (a scattered bundle); each
unit goes with its task as N-Triples text, as it goes to a local worker process;
its result comes back as plain data. Like the process pool's `init_worker`, each
worker process compiles the shapes once and then validates one unit at a time,
so give workers one thread each and as many processes as cores
(`dask worker ADDRESS --nworkers N --nthreads 1`).

The scheduler must answer, and have a worker, within Dask's connect timeout
(`distributed.comm.timeouts.connect`, 30 s unless configured; e.g. the
environment variable DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=10s).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pactgraph.errors import InputError
from pactgraph.validation.units import Unit, code_key, digest, ntriples, prepare, prepared, run_unit

#: One unit at a time per worker process: the compiled shapes and the engine are shared state.
_LOCK = threading.Lock()
_CODE: list[str] = []


def _fix(address: str) -> str:
    return (
        f"start a scheduler and workers there (dask scheduler; dask worker {address}), "
        "or leave out --scheduler and validate.scheduler to validate here"
    )


class DaskPool:
    """A connection to a Dask scheduler that validates units (see `run_units(pool=...)`)."""

    def __init__(self, address: str):
        self.address = address
        self.client: Any = None
        self.stack = ExitStack()
        self.bundle: Any = None
        self.size = 1

    def __enter__(self) -> DaskPool:
        """Reach the scheduler and at least one worker, or stop with one line saying how to fix it."""
        try:
            import dask.config
            from distributed import Client
        except ImportError:
            raise InputError(
                f"--scheduler {self.address}: the distributed package is not installed: "
                "pip install 'pactgraph[cluster]', or leave out --scheduler and validate.scheduler"
            ) from None
        from distributed.comm import get_address_host_port

        from pactgraph.process import network_to

        try:
            host, port = get_address_host_port(self.address)
        except ValueError as err:
            # Checked before a Client exists: a Client that failed on its address hangs when collected.
            raise InputError(
                f"--scheduler {self.address}: not the address of a Dask scheduler ({err}); "
                "give one such as tcp://HOST:8786"
            ) from None
        timeout = dask.config.get("distributed.comm.timeouts.connect")
        # `validate` opens no connection (pactgraph.process.no_network) but to the scheduler named.
        self.stack.enter_context(network_to(str(host), int(port)))
        try:
            self.client = Client(self.address, timeout=timeout, set_as_default=False)
        except (OSError, ValueError, TypeError):
            self.close()
            raise InputError(
                f"cannot reach the Dask scheduler at {self.address} within {timeout}: {_fix(self.address)}"
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            self.close()
            raise InputError(
                f"the Dask scheduler at {self.address} has no worker within {timeout}: {_fix(self.address)}"
            ) from None
        self.size = max(1, sum(self.client.nthreads().values()))
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self.client is not None:
                self.client.close()
                self.client = None
        finally:
            self.stack.close()

    def load(self, shape_files: Sequence[Path], engine: str, part: str) -> None:
        """Send the shapes (N-Triples and prefixes) and the engine to every worker, once."""
        from pactgraph import __version__
        from pactgraph.rdf.loading import read_rdf
        from pactgraph.validation.engine import resolve_engine

        quads, prefixes = read_rdf(shape_files)
        text = ntriples(q.triple for q in quads)
        engine = resolve_engine(engine)
        bundle = {"shapes": text, "prefixes": prefixes, "engine": engine, "part": part,
                  "version": __version__, "code": code_key()}
        bundle["key"] = digest(text, repr(sorted(prefixes.items())), engine, part, bundle["code"])
        self.bundle = self.client.scatter(bundle, broadcast=True, hash=False)

    def submit(self, unit: Unit) -> Any:
        """A Dask future of `run_unit(unit)` on a worker."""
        return self.client.submit(run_remote, unit, self.bundle, pure=False)


def run_remote(unit: Unit, bundle: dict[str, Any]) -> dict[str, Any]:
    """On a worker: the shapes of `bundle` made this process's (once), then `run_unit(unit)`."""
    with _LOCK:
        if not prepared(bundle["key"]):
            from pactgraph import __version__

            if not _CODE:
                _CODE.append(code_key())
            if (bundle["version"], bundle["code"]) != (__version__, _CODE[0]):
                raise InputError(
                    f"a Dask worker runs pactgraph {__version__} with other validation code than the "
                    f"client's {bundle['version']}: install the same pactgraph on the workers"
                )
            prepare(_shapes_graph(bundle["shapes"], bundle["prefixes"]), bundle["engine"], bundle["part"],
                    bundle["key"])
        return run_unit(unit)


def _shapes_graph(text: str, prefixes: dict[str, str]) -> Any:
    """The shapes graph as `loading.load_graph` builds it from the files (the same triples and prefixes)."""
    import pyoxigraph as ox

    from pactgraph.rdf.loading import quads_to_graph

    return quads_to_graph(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES), prefixes=prefixes)
