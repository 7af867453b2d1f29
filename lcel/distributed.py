"""Batches past one machine: :class:`DaskExecutor` runs ``Runnable.batch`` on a Dask cluster.

Install with ``pip install lcel[dask]`` (the workers need lcel and Dask too). The unit of work
is a *chunk* of inputs, never one task per item (a Dask task costs a millisecond or two): each
chunk runs lcel's own local batch on a worker, with threads for sync runnables and
``asyncio.run(abatch(...))`` in the task's thread for async ones. The runnable is pickled
once on the driver (failing fast, naming any leaf that cannot be pickled) and scattered once;
at most ``max_in_flight`` chunks are submitted at a time, and results are pulled and released
as they finish, put back in input order by index.

Concurrency: a chunk runs at most ``max_concurrency // max_in_flight`` items at once, so the
whole cluster never runs more than the config's ``max_concurrency`` (in-flight chunks times items
per chunk). Guarantees: every item is answered exactly once in the output, even when a
worker dies mid-batch (Dask runs its chunks again elsewhere; results are deduplicated by
index); execution is at-least-once. With ``journal=path`` a driver that dies can be restarted
with the same inputs and journal and loses nothing.

Example (a real cluster: ``Client("tcp://scheduler:8786")``)::

    from distributed import Client, LocalCluster
    from lcel.distributed import DaskExecutor

    with LocalCluster(processes=False) as cluster, Client(cluster) as client:
        outputs = DaskExecutor(client, chunk_size=256).batch(chain, inputs)
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

import attrs

try:
    import cloudpickle  # noqa: F401 (checked here so the error names the extra)
    from distributed import Client, as_completed
except ImportError as _missing:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        f"lcel.distributed needs Dask's distributed scheduler and cloudpickle "
        f"({_missing}); install them with: pip install lcel[dask]"
    ) from _missing

from lcel._config import RunnableConfig
from lcel._journal import Journal, JournalMismatchError
from lcel._runnable import Runnable
from lcel._shipping import ItemFailed, ShippingError, pack, run_chunk, wants_async
from lcel._types import InT, OutT

__all__ = ["DaskExecutor", "ItemFailed", "JournalMismatchError", "ShippingError"]

_MAX_AUTO_CHUNK = 1024
_as_completed: Any = as_completed  # Any: untyped in distributed


def _positive(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValueError(f"DaskExecutor {attribute.name} must be a positive int, got {value!r}")


def _client(_: object, __: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Client):
        raise TypeError(
            f"DaskExecutor needs a distributed.Client, got {type(value).__name__}: "
            "connect with Client('tcp://scheduler:8786') or Client(LocalCluster())"
        )


@attrs.frozen
class DaskExecutor:
    """Runs batches of a runnable on the Dask cluster ``client`` is connected to.

    ``chunk_size``: inputs per task (default: enough for about four chunks per in-flight
    slot, at most 1024). ``max_in_flight``: chunks submitted at once (default: twice the
    cluster's worker threads; just the thread count when the config sets
    ``max_concurrency``, so that the limit is not spent on chunks waiting in a queue).
    ``journal``: a JSONL file recording each finished output, to resume a batch after the
    driver died. ``use_async``: run chunks with ``abatch`` (default: when some step is an
    async-only function).
    """

    client: Client = attrs.field(validator=_client)
    chunk_size: int | None = attrs.field(default=None, kw_only=True, validator=_positive)
    max_in_flight: int | None = attrs.field(default=None, kw_only=True, validator=_positive)
    journal: str | os.PathLike[str] | None = attrs.field(default=None, kw_only=True)
    use_async: bool | None = attrs.field(default=None, kw_only=True)

    # -- public API: Runnable.batch's signatures, with the runnable first ----------------------

    @overload
    def batch(
        self,
        runnable: Runnable[InT, OutT],
        inputs: Sequence[InT],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> list[OutT]: ...

    @overload
    def batch(
        self,
        runnable: Runnable[InT, OutT],
        inputs: Sequence[InT],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> list[OutT | Exception]: ...

    def batch(
        self,
        runnable: Runnable[InT, OutT],
        inputs: Sequence[InT],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> list[OutT] | list[OutT | Exception]:
        """``runnable.batch(inputs, config)`` on the cluster: outputs in input order."""
        items = self._items(runnable, inputs, config, return_exceptions)
        outputs: list[Any] = [None] * len(inputs)
        for index, output in items:
            outputs[index] = output
        return outputs

    @overload
    def batch_as_completed(
        self,
        runnable: Runnable[InT, OutT],
        inputs: Sequence[InT],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> Iterator[tuple[int, OutT]]: ...

    @overload
    def batch_as_completed(
        self,
        runnable: Runnable[InT, OutT],
        inputs: Sequence[InT],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> Iterator[tuple[int, OutT | Exception]]: ...

    def batch_as_completed(
        self,
        runnable: Runnable[InT, OutT],
        inputs: Sequence[InT],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> Iterator[tuple[int, OutT]] | Iterator[tuple[int, OutT | Exception]]:
        """Yield ``(index, output)`` as each item's chunk finishes (journaled items first).

        Closing the iterator early cancels the chunks still queued or running.
        """
        return self._items(runnable, inputs, config, return_exceptions)

    # -- the driver loop -----------------------------------------------------------------------

    def _items(
        self,
        runnable: Runnable[Any, Any],
        inputs: Sequence[Any],
        config: Any,  # Any: one RunnableConfig, one per input, or None
        return_exceptions: bool,
    ) -> Iterator[tuple[int, Any]]:
        """Check the arguments now (not at the first ``next``), then drive the batch."""
        if not isinstance(runnable, Runnable):
            raise TypeError(
                f"DaskExecutor.batch takes a Runnable first, got {type(runnable).__name__}"
            )
        if not isinstance(inputs, Sequence) or isinstance(inputs, str | bytes):
            raise TypeError(f"batch() takes a list of inputs, got {type(inputs).__name__}")
        configs = _check_configs(config, len(inputs))
        return self._drive(runnable, inputs, configs, return_exceptions)

    def _window(self, limit: int | None) -> tuple[int, int | None]:
        """(chunks in flight, items at once per chunk): their product stays within ``limit``."""
        client: Any = self.client  # Any: Client.nthreads is untyped
        threads = max(sum(client.nthreads().values()), 1)
        flight = self.max_in_flight or (threads if limit else 2 * threads)
        if limit is None:
            return flight, None
        flight = min(flight, limit)
        return flight, limit // flight

    def _drive(
        self,
        runnable: Runnable[Any, Any],
        inputs: Sequence[Any],
        config: dict[str, Any] | list[dict[str, Any]] | None,
        return_exceptions: bool,
    ) -> Iterator[tuple[int, Any]]:
        journal = Journal(self.journal, inputs) if self.journal is not None else None
        done: set[int] = set()
        try:
            if journal is not None:
                for index, output in journal.replay():
                    done.add(index)
                    yield index, output
            todo = [i for i in range(len(inputs)) if i not in done]
            if not todo:
                return
            first = config[0] if isinstance(config, list) else config
            flight, per_chunk = self._window((first or {}).get("max_concurrency"))
            size = self.chunk_size or _auto_chunk(len(todo), flight)
            use_async = wants_async(runnable) if self.use_async is None else self.use_async
            blob = pack(runnable, config)
            run = self._run(todo, inputs, blob, size, flight, per_chunk, use_async)
            with contextlib.closing(run):  # closing it cancels the chunks still out
                for index, output in run:
                    if index in done:  # a chunk Dask ran twice answers once
                        continue
                    done.add(index)
                    if isinstance(output, Exception):
                        if not return_exceptions:
                            raise output
                    elif journal is not None:
                        journal.record(index, output)
                    yield index, output
        finally:
            if journal is not None:
                journal.close()

    def _run(
        self,
        todo: list[int],
        inputs: Sequence[Any],
        blob: bytes,
        size: int,
        flight: int,
        per_chunk: int | None,
        use_async: bool,
    ) -> Generator[tuple[int, Any], None, None]:
        """Submit chunks through a window of ``flight``; yield each item as its chunk ends."""
        client: Any = self.client  # Any: distributed leaves scatter/submit/cancel untyped
        token = uuid.uuid4().hex
        # On every worker: one that dies must not take the only copy with it.
        shipped = client.scatter(blob, hash=False, broadcast=True)
        chunks = (todo[k : k + size] for k in range(0, len(todo), size))
        running: dict[Any, list[int]] = {}  # Any: a Future, whose methods are untyped
        finished: Any = _as_completed(loop=client.loop)

        def submit() -> None:
            indices = next(chunks, None)
            if indices is None:
                return
            fut = client.submit(
                run_chunk,
                token,
                shipped,
                indices,
                [inputs[i] for i in indices],
                per_chunk,
                use_async,
                pure=False,  # equal inputs to a sampling model must run again
            )
            running[fut] = indices
            finished.add(fut)

        try:
            for _ in range(flight):
                submit()
            for ready in finished.batches():
                for _ in ready:
                    submit()  # keep the window full while these results come over
                for fut, result in _collect(client, ready):
                    indices = running.pop(fut)
                    fut.release()
                    if isinstance(result, Exception):  # the chunk failed as a whole
                        for index in indices:
                            yield index, result
                    else:
                        yield from zip(*result, strict=True)
        finally:
            if running:
                client.cancel(list(running))
            shipped.release()

    def __repr__(self) -> str:
        options = [
            f"{name}={value!r}"
            for name, value in (
                ("chunk_size", self.chunk_size),
                ("max_in_flight", self.max_in_flight),
                ("journal", None if self.journal is None else os.fspath(self.journal)),
                ("use_async", self.use_async),
            )
            if value is not None
        ]
        scheduler = getattr(self.client, "scheduler", None)
        where = getattr(scheduler, "address", None) or "?"
        return f"DaskExecutor({', '.join([where, *options])})"


def _check_configs(config: Any, n: int) -> dict[str, Any] | list[dict[str, Any]] | None:
    """The config as it ships: None, one dict, or one dict per input (checked like batch)."""
    if config is None:
        return None
    if isinstance(config, Mapping):
        return dict(config)
    if isinstance(config, Sequence) and not isinstance(config, str | bytes):
        if len(config) != n:
            raise ValueError(
                f"batch() got {len(config)} configs for {n} inputs; pass one config, "
                "or exactly one per input"
            )
        return [dict(c or {}) for c in config]
    raise TypeError(f"batch() config must be a RunnableConfig dict, got {type(config).__name__}")


def _collect(client: Any, ready: list[Any]) -> list[tuple[Any, Any]]:
    """Each finished chunk's result (one round trip for all), or the exception that stands
    for it: the one its task raised (original type), or why its result could not be had."""
    # Any: the client and its futures, untyped in distributed; a result is (indices, outputs)
    done = [f for f in ready if f.status == "finished"]
    results: dict[Any, Any] = {}
    try:
        results.update(zip(done, client.gather(done), strict=True))
    except Exception:  # e.g. a result the driver cannot unpickle: find out which, one by one
        for fut in done:
            try:
                results[fut] = fut.result()
            except Exception as error:
                results[fut] = error
    for fut in ready:
        if fut not in results:
            raised = fut.exception() if fut.status == "error" else None
            results[fut] = (
                raised
                if isinstance(raised, Exception)
                else RuntimeError(
                    f"the Dask scheduler gave up on chunk {fut.key!r} ({fut.status}); "
                    "were its workers lost?"
                )
            )
    return [(fut, results[fut]) for fut in ready]


def _auto_chunk(n: int, flight: int) -> int:
    return max(1, min(_MAX_AUTO_CHUNK, math.ceil(n / (4 * flight))))
