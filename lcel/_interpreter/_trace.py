"""The one tracing mechanism: the interpreter reports run start, chunk, end and error.

A ``Tracer`` is only present when someone listens (``config["callbacks"]``,
``astream_events``, ``astream_log``); otherwise the interpreter skips all of this, so an
untraced run creates no ids and no records.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextvars
import uuid
from collections.abc import Awaitable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from lcel._chunks import NOTHING, is_cumulative

__all__ = ["Run", "Tracer", "new_run", "settle", "tracer_for"]


class Run:
    """One node's run: identity, position in the tree, and what it received and produced."""

    __slots__ = (
        "_cumulative",
        "configurable",
        "end_time",
        "error",
        "id",
        "input",
        "metadata",
        "name",
        "node",
        "output",
        "parent",
        "parent_ids",
        "run_type",
        "start_time",
        "tags",
    )

    def __init__(
        self,
        node: Any,
        run_id: uuid.UUID,
        parent: Run | None,
        name: str,
        run_type: str,
        tags: list[str],
        metadata: dict[str, Any],
        input: Any,
        configurable: Mapping[str, object] | None = None,
    ) -> None:
        self.node = node
        self.id = run_id
        self.parent = parent
        self.parent_ids: list[str] = [] if parent is None else [*parent.parent_ids, str(parent.id)]
        self.name = name
        self.run_type = run_type
        self.tags = tags
        self.metadata = metadata
        self.input = input
        self.output: Any = None
        self.error: BaseException | None = None
        self.start_time = datetime.now(UTC)
        self.end_time: datetime | None = None
        self.configurable: Mapping[str, object] = configurable or {}
        self._cumulative: bool | None = None

    @property
    def cumulative(self) -> bool:
        """Whether its output chunks are snapshots (the last one is its output) rather than
        pieces to add: decided by the runnables its config resolves ``node`` to, on first
        use (a traced stream's end, or its first chunk for a log), not at its start."""
        if self._cumulative is None:
            self._cumulative = is_cumulative(self.node, self.configurable)
        return self._cumulative

    @property
    def inputs(self) -> dict[str, Any]:  # Any: the run's input, any type
        """The input as LangChain's run records hold it: a dict input as is, another
        input as ``{"input": x}`` (a chat model's ``{"messages": [[...]]}``, a retriever's
        ``{"query": q}``); ``{}`` while a run fed a stream has not got it yet."""
        x = self.input
        if x is NOTHING:
            return {}
        show = getattr(self.node, "_trace_input", None)
        if show is not None:
            x = show(x)
        if isinstance(x, dict):
            return x
        return {"query": x} if self.run_type == "retriever" else {"input": x}

    @property
    def outputs(self) -> dict[str, Any] | None:  # Any: the run's output, any type
        """The output as LangChain's run records hold it: ``None`` until the run ends,
        ``{}`` when it failed, a dict output as is, another output as ``{"output": y}``
        (a model's ``{"generations": ..., "llm_output": None}``, a retriever's
        ``{"documents": [...]}``)."""
        if self.end_time is None:
            return None
        if self.error is not None:
            return {}
        y = self.output
        if self.run_type in ("chat_model", "llm", "retriever"):
            from lcel.tracing import _v1_output

            shaped: dict[str, Any] = _v1_output(self.run_type, y)
            return shaped
        return y if isinstance(y, dict) else {"output": y}

    def __repr__(self) -> str:
        return f"Run({self.name!r}, type={self.run_type!r}, id={self.id})"


Pending = Awaitable[None] | None
"""What a tracer call returns: ``None``, or work left to await (async callback handlers),
which the interpreter awaits in async mode and :func:`settle` s in sync mode, before the
run goes on."""


class Tracer(Protocol):
    """What the interpreter calls while a run is traced (all calls may come from threads)."""

    stream_leaves: bool
    """True when leaf models should stream even under ``invoke`` (events want tokens)."""

    def on_start(self, run: Run) -> Pending: ...
    def on_stream(self, run: Run, chunk: Any) -> Pending: ...
    def on_end(self, run: Run) -> Pending: ...
    def on_error(self, run: Run) -> Pending: ...


class MultiTracer:
    """Several tracers as one (a callbacks tracer inside an events stream, say)."""

    def __init__(self, tracers: list[Tracer]) -> None:
        self.tracers = tracers
        self.stream_leaves = any(t.stream_leaves for t in tracers)

    def on_start(self, run: Run) -> Pending:
        return _in_order([t.on_start(run) for t in self.tracers])

    def on_stream(self, run: Run, chunk: Any) -> Pending:
        return _in_order([t.on_stream(run, chunk) for t in self.tracers])

    def on_end(self, run: Run) -> Pending:
        return _in_order([t.on_end(run) for t in self.tracers])

    def on_error(self, run: Run) -> Pending:
        return _in_order([t.on_error(run) for t in self.tracers])


def _in_order(results: list[Pending]) -> Pending:
    pending = [r for r in results if r is not None]
    if not pending:
        return None
    if len(pending) == 1:
        return pending[0]
    return _await_each(pending)


async def _await_each(pending: list[Awaitable[None]]) -> None:
    try:
        for awaitable in pending:
            await awaitable
    finally:
        for awaitable in pending:  # left unawaited when one raised: closed, no warning
            close = getattr(awaitable, "close", None)
            if close is not None:
                close()


def settle(pending: Pending) -> None:
    """Run what a tracer call returned to completion from sync code.

    With no loop running in this thread, on a fresh loop here; otherwise (a sync call made
    inside async code) on a helper thread's loop, blocking this thread until it is done,
    since this thread's running loop cannot be re-entered.
    """
    if pending is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_as_coroutine(pending))
        return
    ctx = contextvars.copy_context()
    with cf.ThreadPoolExecutor(1, thread_name_prefix="lcel-callbacks") as pool:
        pool.submit(ctx.run, asyncio.run, _as_coroutine(pending)).result()


async def _as_coroutine(awaitable: Awaitable[None]) -> None:
    await awaitable


def tracer_for(callbacks: Any, existing: Tracer | None) -> Tracer | None:
    """A tracer calling ``callbacks`` (handlers), added to ``existing`` if there is one."""
    from lcel.callbacks import CallbackTracer

    handlers = list(callbacks) if isinstance(callbacks, list | tuple) else [callbacks]
    if not handlers:
        return existing
    if isinstance(existing, CallbackTracer):
        return CallbackTracer(
            [*existing.handlers, *(h for h in handlers if h not in existing.handlers)]
        )
    tracer: Tracer = CallbackTracer(handlers)
    if existing is None:
        return tracer
    if isinstance(existing, MultiTracer):
        return MultiTracer([*existing.tracers, tracer])
    return MultiTracer([existing, tracer])


def new_run(node: Any, ctx: Any, input: Any) -> Run:
    """The run record for ``node`` started under ``ctx`` (its name, type, tags, metadata)."""
    cfg = ctx.config
    tags = list(cfg.get("tags", ()))
    if ctx.step_tag is not None:
        tags.append(ctx.step_tag)
    extra = getattr(node, "default_tags", None)
    if extra:
        tags.extend(t for t in extra if t not in tags)
    run_id = ctx.run_id if ctx.run_id is not None else uuid.uuid4()
    return Run(
        node,
        run_id,
        ctx.parent,
        ctx.run_name or node.get_name(),
        getattr(node, "run_type", "chain"),
        tags,
        dict(cfg.get("metadata", {})),
        input,
        cfg.get("configurable"),
    )
