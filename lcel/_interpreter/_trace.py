"""The one tracing mechanism: the interpreter reports run start, chunk, end and error.

A ``Tracer`` is only present when someone listens (``config["callbacks"]``,
``astream_events``, ``astream_log``); otherwise the interpreter skips all of this, so an
untraced run creates no ids and no records.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from lcel._chunks import is_cumulative

__all__ = ["Run", "Tracer", "new_run", "tracer_for"]


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

    def __repr__(self) -> str:
        return f"Run({self.name!r}, type={self.run_type!r}, id={self.id})"


class Tracer(Protocol):
    """What the interpreter calls while a run is traced (all calls may come from threads)."""

    stream_leaves: bool
    """True when leaf models should stream even under ``invoke`` (events want tokens)."""

    def on_start(self, run: Run) -> None: ...
    def on_stream(self, run: Run, chunk: Any) -> None: ...
    def on_end(self, run: Run) -> None: ...
    def on_error(self, run: Run) -> None: ...


class MultiTracer:
    """Several tracers as one (a callbacks tracer inside an events stream, say)."""

    def __init__(self, tracers: list[Tracer]) -> None:
        self.tracers = tracers
        self.stream_leaves = any(t.stream_leaves for t in tracers)

    def on_start(self, run: Run) -> None:
        for t in self.tracers:
            t.on_start(run)

    def on_stream(self, run: Run, chunk: Any) -> None:
        for t in self.tracers:
            t.on_stream(run, chunk)

    def on_end(self, run: Run) -> None:
        for t in self.tracers:
            t.on_end(run)

    def on_error(self, run: Run) -> None:
        for t in self.tracers:
            t.on_error(run)


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
