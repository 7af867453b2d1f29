"""Whether a run-time value fits a type form, as far as can be told without consuming it.

Used where a value arrives untyped (``config["configurable"]``) for a typed attrs field: a
wrong value then fails with an error naming the field, not deep inside the run. The check is
shallow where a deep one would cost or consume (iterators, callables' signatures) and says
yes to what it cannot judge (strings, protocols that are not runtime-checkable).

>>> fits(0.5, float | None), fits(1, float), fits("hot", float)
(True, True, False)
>>> fits(["a", "b"], list[str]), fits(["a", 2], list[str])
(True, False)
"""

from __future__ import annotations

import collections.abc as cabc
import re
import types
import typing
from typing import Any

import typing_extensions

__all__ = ["fits", "type_label"]

_NUMERIC: dict[type, tuple[type, ...]] = {float: (int, float), complex: (int, float, complex)}
"""PEP 484's numeric tower: an ``int`` is accepted where a ``float`` is expected."""


def fits(value: Any, tp: Any) -> bool:  # Any: any value, any type form
    """Whether ``value`` is a value of type ``tp`` (see the module docstring)."""
    if tp is Any or tp is object or isinstance(tp, typing.TypeVar | str | typing.ForwardRef):
        return True
    if tp is None or tp is type(None):
        return value is None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        return any(fits(value, arg) for arg in args)
    if origin is typing.Literal:
        return any(value == arg and type(value) is type(arg) for arg in args)
    if origin is typing.Annotated:
        return fits(value, args[0])
    if origin is typing.ClassVar or origin is typing_extensions.Required:
        return fits(value, args[0]) if args else True
    supertype = getattr(tp, "__supertype__", None)  # a NewType
    if supertype is not None:
        return fits(value, supertype)
    if origin is not None:
        return _fits_generic(value, origin, args)
    if isinstance(tp, type):
        if typing_extensions.is_typeddict(tp):
            return isinstance(value, dict)
        if tp in _NUMERIC:
            return isinstance(value, _NUMERIC[tp]) and not isinstance(value, bool)
        try:
            return isinstance(value, tp)
        except TypeError:  # a Protocol that is not runtime-checkable: cannot tell
            return True
    return True


def _fits_generic(value: Any, origin: Any, args: tuple[Any, ...]) -> bool:  # Any: type forms
    if origin is cabc.Callable:
        return callable(value)
    if origin is type:
        return isinstance(value, type) and (
            not args or not isinstance(args[0], type) or issubclass(value, args[0])
        )
    if not isinstance(origin, type):
        return True
    try:
        if not isinstance(value, origin):
            return False
    except TypeError:
        return True
    if not args or isinstance(value, cabc.Iterator):  # never consume an iterator to look
        return True
    return _fits_items(value, origin, args)


def _fits_items(value: Any, origin: type, args: tuple[Any, ...]) -> bool:  # Any: see fits
    if issubclass(origin, tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return all(fits(v, args[0]) for v in value)
        return len(value) == len(args) and all(fits(v, a) for v, a in zip(value, args, strict=True))
    if issubclass(origin, cabc.Mapping):
        key, val = (*args, Any, Any)[:2]
        return all(fits(k, key) and fits(v, val) for k, v in value.items())
    if issubclass(origin, cabc.Collection) and len(args) == 1:
        return all(fits(v, args[0]) for v in value)
    return True


def type_label(tp: Any) -> str:  # Any: a type form
    """``tp`` as a reader writes it: ``float | None``, ``list[str]``."""
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__name__
    return _QUALIFIED.sub(r"\1", str(tp))


_QUALIFIED = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")
"""A dotted name (``lcel.messages.AIMessage``), to shorten to its last part."""
