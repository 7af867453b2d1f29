"""``RunnablePassthrough`` (identity), ``RunnableAssign`` (add keys) and ``RunnablePick``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from lcel._parallel import (
    RunnableParallel,
    assign_output_type,
    pick_output_type,
    typeddict_fields,
)
from lcel._runnable import Runnable
from lcel._types import InT_contra, KeyedOutput, OutT_co
from lcel.errors import quoted

if TYPE_CHECKING:
    from lcel._graph import GraphBuilder

__all__ = ["RunnableAssign", "RunnablePassthrough", "RunnablePick"]


@attrs.frozen(repr=False)
class RunnablePassthrough(Runnable[Any, Any]):
    """Identity: the input goes through unchanged (``func``, if given, sees it on the way).

    Not generic on purpose: a bare ``RunnablePassthrough()`` must not fix a dict literal's
    input type (see TYPING.md).

    >>> RunnablePassthrough().invoke({"a": 1})
    {'a': 1}
    >>> RunnablePassthrough.assign(b=lambda d: d["a"] + 1).invoke({"a": 1})
    {'a': 1, 'b': 2}
    """

    func: Callable[..., Any] | None = None
    afunc: Callable[..., Any] | None = None

    @classmethod
    def assign(
        cls,
        **steps: Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any],
    ) -> RunnableAssign[Mapping[str, Any], KeyedOutput]:
        """A runnable that adds ``steps``' outputs as keys of its dict input."""
        return RunnableAssign.create(steps)

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        return input_type

    def _consumes_stream(self) -> bool:
        return True

    def _starts_on_first_chunk(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "RunnablePassthrough()"


@attrs.frozen(repr=False)
class RunnableAssign(Runnable[InT_contra, OutT_co]):
    """``{**input, **mapper(input)}``: the mapper's branches run in parallel on the input."""

    mapper: RunnableParallel[Any, Any]

    @classmethod
    def create(
        cls, steps: Mapping[str, Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any]]
    ) -> RunnableAssign[Mapping[str, Any], KeyedOutput]:
        """Build from a mapping of steps."""
        if not steps:
            raise ValueError("assign() needs at least one key=step")
        return RunnableAssign(RunnableParallel(steps))

    def get_name(self, suffix: str | None = None) -> str:
        """``RunnableAssign<k1,k2>``."""
        name = f"RunnableAssign<{','.join(k for k, _ in self.mapper.branches)}>"
        return f"{name}{suffix}" if suffix else name

    @property
    def input_type(self) -> Any:  # Any: a type form
        """What the mapper's steps need (their keyed inputs merged), else a dict."""
        tp = self.mapper.input_type
        return dict[str, Any] if tp is Any else tp

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The input's keys (those :attr:`input_type` names) plus the added keys."""
        return self._output_type_given(self.input_type)

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        """The keys of ``input_type`` (else of what the steps need) plus the added keys,
        typed by their steps fed that input."""
        if typeddict_fields(input_type) is None:
            input_type = self.input_type
        added = {k: s._output_type_given(input_type) for k, s in self.mapper.branches}
        return assign_output_type(self.get_name("Output"), input_type, added)

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.mapper,)

    def _consumes_stream(self) -> bool:
        return True

    def _starts_on_first_chunk(self) -> bool:
        return True

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        arms: list[tuple[str | None, Runnable[Any, Any]]] = [
            (None, step) for _, step in self.mapper.branches
        ]
        arms.append((None, RunnablePassthrough()))
        return graph.fan(self, arms)

    def __repr__(self) -> str:
        return f"RunnableAssign(mapper={self.mapper!r})"


@attrs.frozen(repr=False)
class RunnablePick(Runnable[InT_contra, OutT_co]):
    """Keep one key of a dict (its value) or several keys (a smaller dict)."""

    keys: str | tuple[str, ...]

    @classmethod
    def create(cls, keys: str | Sequence[str]) -> RunnablePick[dict[str, Any], Any]:
        """Build from a key or a list of keys."""
        if isinstance(keys, str):
            return RunnablePick(keys)
        keys = tuple(keys)
        if not keys or not all(isinstance(k, str) for k in keys):
            raise TypeError(
                f"pick() takes a key or a non-empty list of string keys, got {quoted(keys)}"
            )
        return RunnablePick(keys)

    def get_name(self, suffix: str | None = None) -> str:
        """``RunnablePick<k1,k2>``."""
        keys = self.keys if isinstance(self.keys, str) else ",".join(self.keys)
        name = f"RunnablePick<{keys}>"
        return f"{name}{suffix}" if suffix else name

    @property
    def input_type(self) -> Any:  # Any: a type form
        """A dict."""
        return dict[str, Any]

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The picked value (``Any``: the input's keys are unknown), or the picked keys."""
        return self._output_type_given(self.input_type)

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        """What the picked keys hold in ``input_type`` (a key it may lack: ``None`` for one
        key, an optional key for several)."""
        if isinstance(self.keys, tuple):
            return pick_output_type(self.get_name("Output"), input_type, self.keys)
        known = typeddict_fields(input_type)
        if known is None or self.keys not in known[0]:
            return Any
        tp = known[0][self.keys]
        return tp | None if self.keys in known[1] else tp

    def _consumes_stream(self) -> bool:
        return True

    def _starts_on_first_chunk(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"RunnablePick({self.keys!r})"
