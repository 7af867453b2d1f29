"""The run context the interpreter threads through a tree: config, depth, tracer, parent run.

One ``Ctx`` is shared by every step until something changes (a binding's config, a traced
child run), so an untraced run allocates nothing per step.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lcel._config import (
    DEFAULT_RECURSION_LIMIT,
    RunnableConfig,
    ensure_config,
    merge_configs,
)

if TYPE_CHECKING:
    from lcel._interpreter._trace import Run, Tracer

__all__ = ["CURRENT", "DEFAULT_CTX", "Ctx", "make_ctx"]


class Ctx:
    """Immutable by convention: every change makes a new one."""

    __slots__ = ("config", "depth", "parent", "run_id", "run_name", "step_tag", "tracer")

    def __init__(
        self,
        config: RunnableConfig,
        depth: int = 0,
        tracer: Tracer | None = None,
        parent: Run | None = None,
        run_name: str | None = None,
        run_id: Any = None,
        step_tag: str | None = None,
    ) -> None:
        self.config = config
        self.depth = depth
        self.tracer = tracer
        self.parent = parent
        self.run_name = run_name
        self.run_id = run_id
        self.step_tag = step_tag

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
            from lcel._interpreter._trace import tracer_for

            tracer = tracer_for(merged.get("callbacks"), self.tracer)
        return Ctx(
            merged,
            self.depth,
            tracer,
            self.parent,
            config.get("run_name", self.run_name),
            config.get("run_id", self.run_id),
            self.step_tag,
        )

    def tagged(self, tag: str) -> Ctx:
        """For a child step: ``tag`` goes on that child's run only (``seq:step:2``)."""
        if self.tracer is None:
            return self
        return Ctx(self.config, self.depth, self.tracer, self.parent, None, None, tag)

    def hop(self) -> Ctx:
        """One more lambda-returns-a-runnable hop."""
        return Ctx(self.config, self.depth + 1, self.tracer, self.parent, None, None, self.step_tag)

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
