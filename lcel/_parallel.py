"""``RunnableParallel``: every branch runs on the same input; the outputs form a dict."""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, overload

import attrs
import typing_extensions

from lcel._runnable import Runnable, coerce_to_runnable
from lcel._types import InT, InT_contra, KeyedOutput, OutT_co
from lcel.errors import quoted

if TYPE_CHECKING:
    from lcel._graph import GraphBuilder

__all__ = [
    "RunnableParallel",
    "assign_output_type",
    "keyed_typeddict",
    "merge_input_types",
    "pick_output_type",
    "typeddict_fields",
]


@attrs.frozen(init=False, repr=False)
class RunnableParallel(Runnable[InT_contra, OutT_co]):
    """Run every branch concurrently on the same input (threads for sync, tasks for async)
    and return ``{key: branch output}``. A dict in a composition becomes one of these.

    >>> from lcel import RunnableLambda
    >>> RunnableParallel(a=RunnableLambda(lambda x: x + 1), b=lambda x: x * 2).invoke(3)
    {'a': 4, 'b': 6}
    """

    branches: tuple[tuple[str, Runnable[Any, Any]], ...]

    @overload
    def __init__(
        self: RunnableParallel[InT, KeyedOutput],
        steps__: Mapping[str, Runnable[InT, Any] | Callable[[InT], Any] | Mapping[str, Any]]
        | None = None,
        /,
        **kwargs: Runnable[InT, Any] | Callable[[InT], Any] | Mapping[str, Any],
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableParallel[Any, KeyedOutput],
        steps__: Mapping[str, Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any]]
        | None = None,
        /,
        **kwargs: Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any],
    ) -> None: ...

    def __init__(
        self,
        steps__: Mapping[str, Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any]]
        | None = None,
        /,
        **kwargs: Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any],
    ) -> None:
        merged = {**(steps__ or {}), **kwargs}
        for key in merged:
            if not isinstance(key, str):
                raise TypeError(f"RunnableParallel keys must be strings, got {quoted(key)}")
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
        return self._output_type_given(self.input_type)

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        """Each branch's output fed ``input_type`` (a passthrough branch's is the input's)."""
        return keyed_typeddict(
            self.get_name("Output"),
            {k: s._output_type_given(input_type) for k, s in self.branches},
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


_REQUIRED: frozenset[Any] = frozenset({typing.Required, typing_extensions.Required})
_NOT_REQUIRED: frozenset[Any] = frozenset({typing.NotRequired, typing_extensions.NotRequired})
_KEY_QUALIFIERS: frozenset[Any] = _REQUIRED | _NOT_REQUIRED | {
    typing_extensions.ReadOnly,
    typing.Annotated,
}

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


def typeddict_fields(tp: Any) -> tuple[dict[str, Any], frozenset[str]] | None:  # Any: a type form
    """The keys of a ``TypedDict`` type with their types, and which of them are optional;
    ``None`` when ``tp`` is not a ``TypedDict`` (its keys are unknown)."""
    if not typing_extensions.is_typeddict(tp):
        return None
    hints = typing_extensions.get_type_hints(tp)
    required: set[str] = set(getattr(tp, "__required_keys__", hints))
    # string annotations hide ``NotRequired`` from ``__required_keys__`` on Python 3.11
    for key, annotation in typing_extensions.get_type_hints(tp, include_extras=True).items():
        form = annotation
        while (origin := typing.get_origin(form)) in _KEY_QUALIFIERS:
            if origin in _NOT_REQUIRED:
                required.discard(key)
            elif origin in _REQUIRED:
                required.add(key)
            form = typing.get_args(form)[0]
    return hints, frozenset(hints) - required


def assign_output_type(
    name: str, input_type: Any, added: Mapping[str, Any]
) -> Any:  # Any: type forms in and out
    """``{**input, **added}``: the input's keys (when its type names them) and the added ones,
    which replace input keys of the same name (in place, as the dict does) and are always
    present."""
    known = typeddict_fields(input_type)
    fields, optional = known if known is not None else ({}, frozenset())
    return keyed_typeddict(name, {**fields, **added}, optional - set(added))


def pick_output_type(name: str, input_type: Any, keys: tuple[str, ...]) -> Any:  # Any: type forms
    """The picked keys, typed as in the input where its type names them; a key the input may
    lack (or whose presence is unknown) is optional."""
    known = typeddict_fields(input_type)
    fields, optional = known if known is not None else ({}, frozenset())
    return keyed_typeddict(
        name,
        {k: fields.get(k, Any) for k in keys},
        frozenset(k for k in keys if k in optional or k not in fields),
    )


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
