"""``RunnableParallel``: every branch runs on the same input; the outputs form a dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

import attrs

from lcel._runnable import Runnable, coerce_to_runnable
from lcel._types import InT_contra, KeyedOutput, OutT_co

if TYPE_CHECKING:
    from lcel._graph import GraphBuilder

__all__ = ["RunnableParallel", "keyed_typeddict", "merge_input_types"]


@attrs.frozen(init=False, repr=False)
class RunnableParallel(Runnable[InT_contra, OutT_co]):
    """Run every branch concurrently on the same input (threads for sync, tasks for async)
    and return ``{key: branch output}``. A dict in a composition becomes one of these.

    >>> from lcel import RunnableLambda
    >>> RunnableParallel(a=RunnableLambda(lambda x: x + 1), b=lambda x: x * 2).invoke(3)
    {'a': 4, 'b': 6}
    """

    branches: tuple[tuple[str, Runnable[Any, Any]], ...]

    def __init__(
        self: RunnableParallel[Any, KeyedOutput],
        steps__: Mapping[str, Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any]]
        | None = None,
        /,
        **kwargs: Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any],
    ) -> None:
        merged = {**(steps__ or {}), **kwargs}
        for key in merged:
            if not isinstance(key, str):
                raise TypeError(f"RunnableParallel keys must be strings, got {key!r}")
        self.__attrs_init__(tuple((k, coerce_to_runnable(v)) for k, v in merged.items()))

    @property
    def steps__(self) -> dict[str, Runnable[Any, Any]]:
        """The branches as a dict (LangChain's attribute name)."""
        return dict(self.branches)

    def get_name(self, suffix: str | None = None) -> str:
        """``RunnableParallel<k1,k2>``."""
        name = f"RunnableParallel<{','.join(k for k, _ in self.branches)}>"
        return f"{name}{suffix}" if suffix else name

    @property
    def input_type(self) -> Any:  # Any: a type form
        """What every branch accepts: their keyed inputs merged (two prompts' variables)."""
        return merge_input_types(
            self.get_name("Input"), [step.input_type for _, step in self.branches]
        )

    @property
    def output_type(self) -> Any:  # Any: a type form
        """A TypedDict with one key per branch, typed by the branch's output."""
        return keyed_typeddict(
            self.get_name("Output"), {k: s.output_type for k, s in self.branches}
        )

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return tuple(step for _, step in self.branches)

    def _consumes_stream(self) -> bool:
        return True

    def _starts_on_first_chunk(self) -> bool:
        return True

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        return graph.fan(self, ((None, step) for _, step in self.branches))

    def __repr__(self) -> str:
        inner = ",\n  ".join(f"{k}: {s!r}".replace("\n", "\n  ") for k, s in self.branches)
        return "{\n  " + inner + "\n}"


_TD_CACHE: dict[tuple[str, tuple[tuple[str, Any, bool], ...]], Any] = {}


def keyed_typeddict(
    name: str, fields: Mapping[str, Any], optional: frozenset[str] = frozenset()
) -> Any:  # Any: returns a class made at runtime
    """A TypedDict class made at runtime (cached, so equal calls give the same class)."""
    safe = "".join(c if c.isalnum() else "_" for c in name).strip("_") or "Keyed"
    key = (safe, tuple((k, v, k in optional) for k, v in fields.items()))
    try:
        return _TD_CACHE[key]
    except KeyError:
        pass
    except TypeError:  # unhashable type form
        key = None  # type: ignore[assignment]
    annotations = {k: (NotRequired[v] if k in optional else v) for k, v in fields.items()}
    td = TypedDict(safe, annotations)  # type: ignore[misc]  # a class made at runtime
    if key is not None:
        _TD_CACHE[key] = td
    return td


def merge_input_types(name: str, types: list[Any]) -> Any:  # Any: type forms in and out
    """The input several runnables fed the same value all accept.

    ``Any`` inputs say nothing and are skipped; when every other input is a ``TypedDict``
    their keys are merged (required where any of them requires it); otherwise the first
    type that says something wins.
    """
    import typing

    known = [tp for tp in types if tp is not Any]
    if not known:
        return Any
    if len(known) == 1 or not all(typing.is_typeddict(tp) for tp in known):
        return known[0]
    fields: dict[str, Any] = {}
    required: set[str] = set()
    for td in known:
        hints = typing.get_type_hints(td)
        for key, tp in hints.items():
            fields.setdefault(key, tp)
        required |= set(td.__required_keys__)
    return keyed_typeddict(name, fields, frozenset(fields) - required)
