"""``RunnableSequence``: steps run one after another, each fed the previous output."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from lcel._runnable import Runnable, coerce_to_runnable
from lcel._types import InT_contra, OutT_co

if TYPE_CHECKING:
    from lcel._graph import GraphBuilder

__all__ = ["RunnableSequence"]


@attrs.frozen(init=False, repr=False)
class RunnableSequence(Runnable[InT_contra, OutT_co]):
    """Steps run in order; composing sequences flattens them into one.

    ``(a | b) | c`` and ``a | (b | c)`` are the same value: one sequence of three steps.
    Each step's run is tagged ``seq:step:<n>`` (1-based) in events and logs.

    >>> from lcel import RunnableLambda
    >>> seq = RunnableLambda(lambda x: x + 1) | (lambda x: x * 2)
    >>> len(seq.steps), seq.invoke(3)
    (2, 8)
    """

    steps: tuple[Runnable[Any, Any], ...]

    def __init__(
        self,
        *steps: Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any],
        name: str | None = None,
    ) -> None:
        flat = _flatten(tuple(coerce_to_runnable(s) for s in steps))
        if len(flat) < 2:
            raise ValueError(
                f"a RunnableSequence needs at least 2 steps, got {len(flat)}; "
                "compose with `a | b` or pass several steps"
            )
        self.__attrs_init__(flat)
        if name is not None:
            raise TypeError("name the sequence with .with_config(run_name=...)")

    @classmethod
    def of(cls, *steps: Runnable[Any, Any]) -> RunnableSequence[Any, Any]:
        """Build from runnables (already coerced), flattening nested sequences."""
        seq: RunnableSequence[Any, Any] = object.__new__(cls)
        seq.__attrs_init__(_flatten(steps))
        return seq

    @property
    def first(self) -> Runnable[InT_contra, Any]:
        """The first step."""
        return self.steps[0]

    @property
    def middle(self) -> list[Runnable[Any, Any]]:
        """The steps between the first and the last."""
        return list(self.steps[1:-1])

    @property
    def last(self) -> Runnable[Any, OutT_co]:
        """The last step."""
        return self.steps[-1]

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The first step's input type."""
        return self.steps[0].input_type

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The last step's output type, given what the steps before it produce (an ``assign``
        or ``pick`` at the end carries the keys of the previous output)."""
        return self._output_type_given(self.steps[0].input_type)

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        tp = input_type
        for step in self.steps:
            tp = step._output_type_given(tp)
        return tp

    def _schema_input_owner(self) -> Runnable[Any, Any]:
        return self.steps[0]._schema_input_owner()

    def _schema_output_owner(self) -> Runnable[Any, Any]:
        return self.steps[-1]._schema_output_owner()

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return self.steps

    def _consumes_stream(self) -> bool:
        return self.steps[0]._consumes_stream()

    def _starts_on_first_chunk(self) -> bool:
        return True

    def _chunk_source(self) -> Runnable[Any, Any]:
        return self.steps[-1]

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        return graph.chain(self.steps)

    def __repr__(self) -> str:
        return "\n| ".join(repr(s) for s in self.steps)


def _flatten(steps: tuple[Runnable[Any, Any], ...]) -> tuple[Runnable[Any, Any], ...]:
    out: list[Runnable[Any, Any]] = []
    for step in steps:
        if type(step) is RunnableSequence:
            out.extend(step.steps)
        else:
            out.append(step)
    return tuple(out)
