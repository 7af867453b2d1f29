"""The run context the interpreter threads through a tree: config, depth, tracer, parent run.

One ``Ctx`` is shared by every step until something changes (a binding's config, a traced
child run), so an untraced run allocates nothing per step.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any

from lcel._config import (
    DEFAULT_RECURSION_LIMIT,
    RunnableConfig,
    ensure_config,
    merge_configs,
)
from lcel._interpreter._trace import MultiTracer, Run, Tracer, tracer_for

__all__ = ["CURRENT", "DEFAULT_CTX", "CancelScope", "Ctx", "StepsCancelled", "make_ctx"]


class StepsCancelled(BaseException):  # a signal, like asyncio.CancelledError
    """Raised instead of starting a step once a sibling branch failed.

    A ``BaseException`` so that retries and fallbacks (which handle ``Exception``) do not
    treat it as a failure to recover from; the parallel that cancelled raises the sibling's
    real error instead.
    """


class CancelScope:
    """Set when one branch of a parallel failed: no step starts under it any more (running
    calls finish). A nested parallel's scope is a child: cancelling a scope cancels its
    children too, so checking is one attribute read (``is_set``) on the hot path."""

    __slots__ = ("children", "is_set")

    def __init__(self, parent: CancelScope | None) -> None:
        self.children: list[CancelScope] = []
        self.is_set = False
        if parent is not None:
            parent.children.append(self)
            self.is_set = parent.is_set

    def cancel(self) -> None:
        self.is_set = True
        for child in list(self.children):
            child.cancel()

    def check(self) -> None:
        """Raise :class:`StepsCancelled` if a step may not start any more."""
        if self.is_set:
            raise StepsCancelled


class Ctx:
    """Immutable by convention: every change makes a new one."""

    __slots__ = (
        "bare",
        "cancel",
        "config",
        "depth",
        "parent",
        "run_id",
        "run_name",
        "step_tag",
        "tracer",
    )

    def __init__(
        self,
        config: RunnableConfig,
        depth: int = 0,
        tracer: Tracer | None = None,
        parent: Run | None = None,
        run_name: str | None = None,
        run_id: Any = None,
        step_tag: str | None = None,
        cancel: CancelScope | None = None,
    ) -> None:
        self.config = config
        self.depth = depth
        self.tracer = tracer
        self.parent = parent
        self.run_name = run_name
        self.run_id = run_id
        self.step_tag = step_tag
        self.cancel = cancel
        # Nothing for user code to see or inherit (at most a cancel scope): functions and
        # components are then called directly, with ``{}`` for a config.
        self.bare = (
            not config
            and tracer is None
            and parent is None
            and run_name is None
            and run_id is None
            and step_tag is None
            and depth == 0
        )

    @property
    def recursion_limit(self) -> int:
        return self.config.get("recursion_limit", DEFAULT_RECURSION_LIMIT)

    @property
    def max_concurrency(self) -> int | None:
        return self.config.get("max_concurrency")

    def with_config(self, config: Mapping[str, Any]) -> Ctx:
        """This context with ``config`` merged in (a binding, or a caller's config)."""
        if not config:
            return self
        merged = merge_configs(self.config, config)
        # run_name / run_id name only the next run: they live in this Ctx's own slots, not
        # in the config its children inherit.
        merged.pop("run_name", None)
        merged.pop("run_id", None)
        tracer = self.tracer
        if config.get("callbacks"):
            tracer = tracer_for(merged.get("callbacks"), self.tracer)
        return Ctx(
            merged,
            self.depth,
            tracer,
            self.parent,
            config.get("run_name", self.run_name),
            config.get("run_id", self.run_id),
            self.step_tag,
            self.cancel,
        )

    def tagged(self, tag: str) -> Ctx:
        """For a child step: ``tag`` goes on that child's run only (``seq:step:2``)."""
        if self.tracer is None:
            return self
        return Ctx(self.config, self.depth, self.tracer, self.parent, None, None, tag, self.cancel)

    def hop(self) -> Ctx:
        """One more lambda-returns-a-runnable hop."""
        return Ctx(
            self.config, self.depth + 1, self.tracer, self.parent, None, None, self.step_tag,
            self.cancel,
        )

    def unnamed(self) -> Ctx:
        """This context without the run name and id meant for the node holding it (for the
        runnable a wrapper runs inside)."""
        if self.run_name is None and self.run_id is None:
            return self
        return Ctx(
            self.config, self.depth, self.tracer, self.parent, None, None, self.step_tag,
            self.cancel,
        )

    def child_of(self, run: Run) -> Ctx:
        """The context of the steps inside ``run`` (their parent run)."""
        return Ctx(self.config, self.depth, self.tracer, run, None, None, None, self.cancel)

    def traced_by(self, tracer: Tracer) -> Ctx:
        """This context, reporting to ``tracer`` (added to the one already listening)."""
        if self.tracer is not None:
            tracer = MultiTracer([self.tracer, tracer])
        return Ctx(
            self.config, self.depth, tracer, self.parent, self.run_name, self.run_id,
            self.step_tag, self.cancel,
        )

    def cancellable(self) -> tuple[Ctx, CancelScope]:
        """A context for a parallel's branches, and the scope that stops them."""
        scope = CancelScope(self.cancel)
        return (
            Ctx(
                self.config, self.depth, self.tracer, self.parent, self.run_name, self.run_id,
                self.step_tag, scope,
            ),
            scope,
        )

    def user_config(self) -> RunnableConfig:
        """The config handed to user functions and components (a copy they may keep)."""
        # Every key a LangChain-era function may index directly, with LangChain's defaults.
        cfg: dict[str, Any] = {
            "tags": [],
            "metadata": {},
            "callbacks": None,
            "recursion_limit": DEFAULT_RECURSION_LIMIT,
            "configurable": {},
            **self.config,
        }
        if self.step_tag is not None:
            cfg["tags"] = [*cfg["tags"], self.step_tag]
        if self.run_name is not None:
            cfg["run_name"] = self.run_name
        return cfg  # type: ignore[return-value]


DEFAULT_CTX = Ctx({})
"""The context of a top-level call without config: shared, never changed."""

CURRENT: contextvars.ContextVar[Ctx | None] = contextvars.ContextVar("lcel_ctx", default=None)
"""The context of the step running user code, so a nested ``invoke`` becomes its child."""


def make_ctx(config: Mapping[str, Any] | None) -> Ctx:
    """The context for a public call: the caller's (if inside a step) plus ``config``."""
    parent = CURRENT.get()
    if config is None:
        return DEFAULT_CTX if parent is None else parent
    checked = ensure_config(config)
    base = DEFAULT_CTX if parent is None else parent
    return base.with_config(checked)
