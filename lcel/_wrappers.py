"""Wrappers around one runnable: binding (config, kwargs, types), retry, fallbacks, map."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from lcel._config import RunnableConfig, merge_configs
from lcel._runnable import Runnable, coerce_to_runnable
from lcel._types import InT, InT_contra, OutT, OutT_co
from lcel.errors import quoted

if TYPE_CHECKING:
    from lcel._graph import GraphBuilder

__all__ = ["RunnableBinding", "RunnableEach", "RunnableRetry", "RunnableWithFallbacks"]


class _WrapsOne:
    """A wrapper around one runnable (``bound``) answers the structure questions
    (``Runnable._children`` and the rest) with it."""

    __slots__ = ()
    bound: Runnable[Any, Any]

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.bound,)

    def _consumes_stream(self) -> bool:
        return self.bound._consumes_stream()

    def _chunk_source(self) -> Runnable[Any, Any]:
        return self.bound

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.bound,)


@attrs.frozen(repr=False)
class RunnableBinding(_WrapsOne, Runnable[InT_contra, OutT_co]):
    """The same runnable with a config, call keywords or declared types attached.

    A binding runs no run of its own: its config merges into the caller's for the bound
    runnable (``run_name`` names that run), its keywords reach the bound component's call.
    """

    bound: Runnable[Any, Any]
    kwargs: dict[str, Any] = attrs.field(factory=dict, hash=False)
    config: RunnableConfig = attrs.field(factory=dict, hash=False)  # type: ignore[assignment]
    custom_input_type: Any = attrs.field(default=None, hash=False)
    custom_output_type: Any = attrs.field(default=None, hash=False)

    def _chunk_source_in(
        self, configurable: Mapping[str, object]
    ) -> tuple[Runnable[Any, Any], Mapping[str, object]]:
        own = self.config.get("configurable")
        return self.bound, ({**configurable, **own} if own else configurable)

    @classmethod
    def wrap(
        cls,
        runnable: Runnable[InT, OutT],
        *,
        config: RunnableConfig | None = None,
        kwargs: Mapping[str, Any] | None = None,
        input_type: Any = None,  # Any: a type form
        output_type: Any = None,  # Any: a type form
    ) -> RunnableBinding[InT, OutT]:
        """Bind onto ``runnable``, merging into it when it already is a binding."""
        if kwargs:
            _check_takes_kwargs(runnable, kwargs)

        if isinstance(runnable, RunnableBinding):
            base_cfg = runnable.config
            merged_cfg: dict[str, Any] = (
                dict(merge_configs(base_cfg, config)) if config else dict(base_cfg)
            )
            if config and "run_name" in config:
                merged_cfg["run_name"] = config["run_name"]
            elif "run_name" in base_cfg:
                merged_cfg["run_name"] = base_cfg["run_name"]
            return RunnableBinding(
                runnable.bound,
                {**runnable.kwargs, **(kwargs or {})},
                merged_cfg,  # type: ignore[arg-type]
                input_type if input_type is not None else runnable.custom_input_type,
                output_type if output_type is not None else runnable.custom_output_type,
            )
        return RunnableBinding(runnable, dict(kwargs or {}), config or {}, input_type, output_type)

    def get_name(self, suffix: str | None = None) -> str:
        """``run_name`` if bound, else the bound runnable's name."""
        name = self.config.get("run_name") or self.bound.get_name()
        return f"{name}{suffix}" if suffix else name

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The declared input type, else the bound runnable's."""
        return (
            self.custom_input_type if self.custom_input_type is not None else self.bound.input_type
        )

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The declared output type, else the bound runnable's."""
        if self.custom_output_type is not None:
            return self.custom_output_type
        return self.bound.output_type

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        if self.custom_output_type is not None:
            return self.custom_output_type
        return self.bound._output_type_given(input_type)

    def _schema_input_owner(self) -> Runnable[Any, Any]:
        if self.custom_input_type is not None or "run_name" in self.config:
            return self
        return self.bound._schema_input_owner()

    def _schema_output_owner(self) -> Runnable[Any, Any]:
        if self.custom_output_type is not None or "run_name" in self.config:
            return self
        return self.bound._schema_output_owner()

    _traced_run: ClassVar[bool] = False  # the bound runnable's run is the one reported
    _traced_stream_run: ClassVar[bool] = False

    def _draw(self, graph: GraphBuilder) -> tuple[str, str] | None:
        # A binding around a composite shows the composite; around a leaf, one node under
        # the binding's name.
        return graph.expand(self.bound) if graph.is_composite(self.bound) else None

    def __getattr__(self, name: str) -> Any:
        # Reach the bound runnable's own attributes (a model's name, a tool's description).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.bound, name)

    def __repr__(self) -> str:
        parts = [repr(self.bound)]
        if self.kwargs:
            parts.append(f"kwargs={self.kwargs!r}")
        if self.config:
            parts.append(f"config={dict(self.config)!r}")
        if self.custom_input_type is not None or self.custom_output_type is not None:
            parts.append(f"types=({self.custom_input_type!r}, {self.custom_output_type!r})")
        return "RunnableBinding(" + ", ".join(parts) + ")"


def _check_takes_kwargs(runnable: Runnable[Any, Any], kwargs: Mapping[str, Any]) -> None:
    """``bind`` keywords reach a component's or a function's call; a composite has no call
    to pass them to, so binding them there is a mistake we report instead of ignoring."""
    targets = runnable._bind_targets()
    if targets is None:
        raise TypeError(
            f"bind({', '.join(f'{k}=...' for k in kwargs)}) on {runnable.get_name()}: bound "
            "keywords reach a component's or a function's call, and a "
            f"{type(runnable).__name__} has none; bind them on the step that takes them"
        )
    for target in targets:
        _check_takes_kwargs(target, kwargs)


@attrs.frozen(repr=False)
class RunnableRetry(_WrapsOne, Runnable[InT_contra, OutT_co]):
    """Run ``bound``; on a listed exception, wait and try again, ``max_attempts`` in all."""

    bound: Runnable[Any, Any]
    retry_exception_types: tuple[type[BaseException], ...] = (Exception,)
    wait_exponential_jitter: bool = True
    max_attempts: int = 3
    jitter_params: tuple[tuple[str, float], ...] = ()
    sleep: Callable[[float], None] | None = attrs.field(default=None, eq=False)
    asleep: Callable[[float], Awaitable[None]] | None = attrs.field(default=None, eq=False)

    @classmethod
    def create(
        cls,
        bound: Runnable[InT, OutT],
        *,
        retry_if_exception_type: tuple[type[BaseException], ...],
        wait_exponential_jitter: bool,
        stop_after_attempt: int,
        exponential_jitter_params: Mapping[str, float] | None,
        sleep: Callable[[float], None] | None,
        asleep: Callable[[float], Awaitable[None]] | None,
    ) -> RunnableRetry[InT, OutT]:
        """Validate the options and build."""
        if not isinstance(stop_after_attempt, int) or stop_after_attempt < 1:
            raise ValueError(
                f"stop_after_attempt must be an int >= 1, got {quoted(stop_after_attempt)}"
            )
        params = dict(exponential_jitter_params or {})
        unknown = set(params) - {"initial", "max", "exp_base", "jitter"}
        if unknown:
            raise ValueError(
                f"unknown exponential_jitter_params {sorted(unknown)}; "
                "expected some of initial, max, exp_base, jitter"
            )
        return RunnableRetry(
            bound,
            tuple(retry_if_exception_type),
            wait_exponential_jitter,
            stop_after_attempt,
            tuple(sorted(params.items())),
            sleep,
            asleep,
        )

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if not self.wait_exponential_jitter:
            return 0.0
        import random

        p = dict(self.jitter_params)
        initial, top = p.get("initial", 1.0), p.get("max", 60.0)
        base, jitter = p.get("exp_base", 2.0), p.get("jitter", 1.0)
        return min(top, initial * base ** (attempt - 1) + random.uniform(0, jitter))

    def get_name(self, suffix: str | None = None) -> str:
        """The retried runnable's name."""
        return self.bound.get_name(suffix)

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The retried runnable's input type."""
        return self.bound.input_type

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The retried runnable's output type."""
        return self.bound.output_type

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        return self.bound._output_type_given(input_type)

    def _schema_input_owner(self) -> Runnable[Any, Any]:
        return self.bound._schema_input_owner()

    def _schema_output_owner(self) -> Runnable[Any, Any]:
        return self.bound._schema_output_owner()

    _traced_stream_run: ClassVar[bool] = False  # streaming, each attempt's run reports

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        return graph.expand(self.bound)

    def __repr__(self) -> str:
        return f"RunnableRetry({self.bound!r}, max_attempts={self.max_attempts})"


@attrs.frozen(repr=False)
class RunnableWithFallbacks(Runnable[InT_contra, OutT_co]):
    """Try ``runnable``, then each fallback in order, on ``exceptions_to_handle``.

    While streaming, a fallback is tried only if the failure comes before the first chunk.
    """

    runnable: Runnable[Any, Any]
    fallbacks: tuple[Runnable[Any, Any], ...]
    exceptions_to_handle: tuple[type[BaseException], ...] = (Exception,)
    exception_key: str | None = None

    @classmethod
    def create(
        cls,
        runnable: Runnable[InT, OutT],
        fallbacks: Sequence[Runnable[InT, OutT]],
        *,
        exceptions_to_handle: tuple[type[BaseException], ...],
        exception_key: str | None,
    ) -> RunnableWithFallbacks[InT, OutT]:
        """Validate and build."""
        if isinstance(fallbacks, Runnable) or not fallbacks:
            raise TypeError("with_fallbacks() takes a non-empty list of runnables")
        return RunnableWithFallbacks(
            runnable,
            tuple(coerce_to_runnable(f) for f in fallbacks),
            tuple(exceptions_to_handle),
            exception_key,
        )

    @property
    def runnables(self) -> tuple[Runnable[Any, Any], ...]:
        """The runnable then its fallbacks, in the order they are tried."""
        return (self.runnable, *self.fallbacks)

    def get_name(self, suffix: str | None = None) -> str:
        """``RunnableWithFallbacks``."""
        return super().get_name(suffix)

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The primary runnable's input type."""
        return self.runnable.input_type

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The primary runnable's output type."""
        return self.runnable.output_type

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        return self.runnable._output_type_given(input_type)

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return self.runnables

    def _chunk_source(self) -> Runnable[Any, Any]:
        return self.runnable

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...]:
        return self.runnables

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        tries: list[tuple[str | None, Runnable[Any, Any]]] = [("try", self.runnable)]
        tries.extend((f"fallback {i}", fb) for i, fb in enumerate(self.fallbacks, 1))
        return graph.fan(self, tries)

    def __repr__(self) -> str:
        return f"RunnableWithFallbacks({self.runnable!r}, fallbacks={list(self.fallbacks)!r})"


@attrs.frozen(repr=False)
class RunnableEach(Runnable[InT_contra, OutT_co]):
    """Run ``bound`` on every element of a list input (as a batch); see ``Runnable.map``."""

    bound: Runnable[Any, Any]

    def get_name(self, suffix: str | None = None) -> str:
        """``RunnableEach<bound name>``."""
        name = f"RunnableEach<{self.bound.get_name()}>"
        return f"{name}{suffix}" if suffix else name

    @property
    def input_type(self) -> Any:  # Any: a type form
        """A list of the bound runnable's input type."""
        return list[self.bound.input_type]  # type: ignore[name-defined]

    @property
    def output_type(self) -> Any:  # Any: a type form
        """A list of the bound runnable's output type."""
        return list[self.bound.output_type]  # type: ignore[name-defined]

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.bound,)

    def __repr__(self) -> str:
        return f"RunnableEach({self.bound!r})"
