"""``as_tool`` and ``get_prompts``: a runnable seen as a tool, and the prompts inside a tree.

``as_tool`` builds a :class:`lcel.tools.Tool` whose arguments come from the runnable's input
type: a ``TypedDict``'s keys, an ``attrs`` class's or a dataclass's fields (the tool builds
the instance), ``arg_types`` for an untyped dict, or one ``input`` argument for a ``str`` (or
any other single value). Calling the tool invokes the runnable inside the tool's run, so the
runnable's own runs show under the tool's in events.

``get_prompts`` walks the tree through the ``attrs`` fields of each node (steps, branches,
bound runnables…), so every composite, present and future, is covered without a list of
node kinds.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NotRequired, is_typeddict

import attrs

if TYPE_CHECKING:
    from lcel._runnable import Runnable
    from lcel._types import OutT
    from lcel.prompts import BasePromptTemplate
    from lcel.tools import Tool

__all__ = ["as_tool", "get_prompts", "walk"]

_NO_DEFAULT = inspect.Parameter.empty


class _Absent:
    """The "default" of an optional TypedDict key: the key is simply left out (the schema
    shows no default, and the runnable receives no such key)."""

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


def _fields_of(input_type: Any) -> list[tuple[str, Any, Any]] | None:  # Any: type forms
    """``(name, type, default)`` of each key of a structured input type, else None."""
    if is_typeddict(input_type):
        hints = typing.get_type_hints(input_type, include_extras=True)
        required = getattr(input_type, "__required_keys__", frozenset(hints))
        out = []
        for name, hint in hints.items():
            # A string annotation (``from __future__ import annotations``) hides NotRequired
            # from __required_keys__; the resolved hint still has it.
            optional = typing.get_origin(hint) is NotRequired or name not in required
            tp = typing.get_args(hint)[0] if typing.get_origin(hint) is NotRequired else hint
            out.append((name, tp, _ABSENT if optional else _NO_DEFAULT))
        return out
    if isinstance(input_type, type) and attrs.has(input_type):
        hints = typing.get_type_hints(input_type)
        return [
            (
                f.alias or f.name,
                hints.get(f.name, Any),
                _NO_DEFAULT if f.default is attrs.NOTHING else _default_of(f.default),
            )
            for f in attrs.fields(input_type)
            if f.init
        ]
    if isinstance(input_type, type) and dataclasses.is_dataclass(input_type):
        hints = typing.get_type_hints(input_type)
        return [
            (
                f.name,
                hints.get(f.name, Any),
                f.default if f.default is not dataclasses.MISSING else _NO_DEFAULT,
            )
            for f in dataclasses.fields(input_type)
            if f.init
        ]
    return None


def _default_of(default: Any) -> Any:  # Any: a field default, or a Factory
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs' Factory is a class
        return None if default.takes_self else default.factory()
    return default


def _is_dict_type(tp: Any) -> bool:  # Any: a type form
    origin = typing.get_origin(tp) or tp
    return tp is Any or (isinstance(origin, type) and issubclass(origin, Mapping))


def _signature(fields: list[tuple[str, Any, Any]]) -> inspect.Signature:
    return inspect.Signature(
        [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=tp)
            for name, tp, default in fields
        ]
    )


def as_tool(
    runnable: Runnable[Any, OutT],
    *,
    args_schema: Any = None,  # Any: a type form (TypedDict, attrs class, dataclass)
    name: str | None = None,
    description: str | None = None,
    arg_types: Mapping[str, Any] | None = None,  # Any: type forms
) -> Tool[OutT]:
    """``runnable`` as a :class:`~lcel.tools.Tool` (see the module docstring)."""
    from lcel.tools import Tool

    input_type = args_schema if args_schema is not None else runnable.input_type
    tool_name = name or runnable.get_name()
    if description is None:
        schema = (
            runnable.with_types(input_type=args_schema) if args_schema is not None else runnable
        ).input_schema
        description = f"Takes {json.dumps(dict(schema), sort_keys=True)}."

    build: Callable[[dict[str, Any]], Any]  # Any: the runnable's input
    if arg_types is not None:
        if not isinstance(arg_types, Mapping) or not all(isinstance(k, str) for k in arg_types):
            raise TypeError(f"arg_types must be a dict of argument name -> type, got {arg_types!r}")
        fields: list[tuple[str, Any, Any]] = [(k, t, _NO_DEFAULT) for k, t in arg_types.items()]
        build = dict
    else:
        found = _fields_of(input_type)
        if found is not None:
            fields = found
            build = dict if is_typeddict(input_type) else (lambda kw: input_type(**kw))
        elif _is_dict_type(input_type):
            raise TypeError(
                f"{tool_name}: cannot tell the tool's arguments from the input type "
                f"{getattr(input_type, '__name__', input_type)!r}; type the input with a "
                "TypedDict, or pass arg_types={'name': type, ...}"
            )
        else:
            fields = [("input", input_type, _NO_DEFAULT)]

            def build(kw: dict[str, Any]) -> Any:  # Any: the one argument's value
                return kw["input"]

    def call(**kwargs: Any) -> OutT:  # Any: argument values, validated by the tool
        return runnable.invoke(build(kwargs))

    call.__signature__ = _signature(fields)  # type: ignore[attr-defined]
    call.__annotations__ = {n: t for n, t, _ in fields}
    call.__name__ = tool_name
    call.__doc__ = description
    return Tool.from_function(call, name=tool_name, description=description)


# -- walking a tree -----------------------------------------------------------------------------


def _runnables_in(value: object) -> Iterator[Runnable[Any, Any]]:
    from lcel._runnable import Runnable

    if isinstance(value, Runnable):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _runnables_in(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _runnables_in(item)


def children(runnable: Runnable[Any, Any]) -> list[Runnable[Any, Any]]:
    """The runnables held by ``runnable``'s fields (steps, branches, the bound one…)."""
    kind = type(runnable)
    if not attrs.has(kind):
        return []
    found: list[Runnable[Any, Any]] = []
    for field in attrs.fields(kind):
        found.extend(_runnables_in(getattr(runnable, field.name)))
    return found


def walk(runnable: Runnable[Any, Any]) -> Iterator[Runnable[Any, Any]]:
    """``runnable`` and every runnable inside it, depth first, in field order."""
    seen: set[int] = set()
    stack = [runnable]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(reversed(children(node)))


def get_prompts(runnable: Runnable[Any, Any]) -> list[BasePromptTemplate[Any, Any]]:
    """The prompt templates inside ``runnable``, in the order the tree holds them."""
    from lcel.prompts import BasePromptTemplate

    return [r for r in walk(runnable) if isinstance(r, BasePromptTemplate)]
