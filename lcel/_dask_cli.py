"""``lcel batch --dask ADDRESS``: the lines of ``lcel batch`` run on a Dask cluster.

Only *where* the lines run is here. The batch itself is the one of a local run (lcel.cli):
OUTPUT is never silently replaced, each result is written as one flushed JSON line as soon as
it comes back, and OUTPUT is the journal: a driver killed at any point leaves whole lines,
``--resume`` runs only the lines not done (and the failed ones), so every input line ends up
in OUTPUT exactly once. This module connects to the cluster (``local``: a LocalCluster on this
machine), ships a target given as a file by value (the workers cannot import it), and runs
the lines with :meth:`lcel.distributed.DaskExecutor.batch_as_completed`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from lcel.cli import BatchRunner, BatchWork, CliError, Outcome, RunLines
from lcel.errors import quoted, shorten

if TYPE_CHECKING:
    from distributed import Client

    from lcel.distributed import DaskExecutor

__all__ = ["DaskRunner", "on_dask"]


def on_dask(address: str) -> BatchRunner:
    """The runner of ``--dask ADDRESS``; a usage error naming the extra when it is missing."""
    try:
        import lcel.distributed  # noqa: F401 (its ImportError says what to install)
    except ImportError as error:
        raise CliError(str(error)) from None
    return DaskRunner(address)


@attrs.frozen
class DaskRunner:
    """Runs the lines of a batch on the Dask scheduler at ``address`` (or ``local``)."""

    address: str
    where = " on Dask"

    @contextlib.contextmanager
    def start(self, work: BatchWork) -> Iterator[RunLines]:
        from lcel.distributed import DaskExecutor

        _ship_by_value(work.target)
        with _connect(self.address) as client:
            executor = DaskExecutor(client)
            yield lambda items: _run(executor, work, items)


def _run(
    executor: DaskExecutor, work: BatchWork, items: Iterator[tuple[int, Any]]
) -> Generator[Outcome, None, None]:
    """Hand every line to the executor (it keeps its own window of chunks in flight) and
    yield each outcome as its chunk comes back; once ``work.stop`` is set (a failure under
    --fail-fast) nothing more is taken, and the chunks still out are cancelled."""
    lines: list[int] = []
    values: list[Any] = []
    for n, value in items:
        lines.append(n)
        values.append(value)
    if work.stop.is_set():  # a bad line under --fail-fast, found before anything started
        return
    config: Any = dict(work.config)  # Any: JSON from --config, checked by the run itself
    if work.max_concurrency is not None:
        config["max_concurrency"] = work.max_concurrency
    outcomes = executor.batch_as_completed(work.runnable, values, config, return_exceptions=True)
    try:
        for k, outcome in outcomes:
            yield lines[k], outcome
            if work.stop.is_set():
                return
    finally:
        close = getattr(outcomes, "close", None)  # a generator: closing cancels what is out
        if close is not None:
            close()


def _ship_by_value(target: str) -> None:
    """A file target and its neighbours exist only here: cloudpickle sends them by value."""
    import cloudpickle

    module_part = target.rpartition(":")[0]
    if not (module_part.endswith(".py") or "/" in module_part or os.sep in module_part):
        return  # an importable module: the workers import it too
    folder = Path(module_part).resolve().parent
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and not file.endswith("__init__.py") and Path(file).resolve().parent == folder:
            cloudpickle.register_pickle_by_value(module)


@contextlib.contextmanager
def _connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a LocalCluster for ``local``."""
    from distributed import Client, LocalCluster

    if address == "local":
        with (
            LocalCluster(dashboard_address=":0", silence_logs=logging.ERROR) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout=10)
    except Exception as error:
        message = shorten(" ".join(str(error).split()), 500)
        raise CliError(
            f"cannot reach the Dask scheduler at {quoted(address)} "
            f"({type(error).__name__}: {message}); give its address (tcp://host:8786) or 'local'"
        ) from None
    with client:
        yield client
