"""Reading a runnable class's ``(In, Out)`` from its generic bases."""

from __future__ import annotations

import typing
from typing import Any

__all__ = ["generic_args"]


def generic_args(cls: type) -> tuple[Any, Any]:
    """``(In, Out)`` for a runnable class (cached per class)."""
    try:
        return _CACHE[cls]
    except KeyError:
        found = _generic_args(cls)
        _CACHE[cls] = found
        return found


_CACHE: dict[type, tuple[Any, Any]] = {}


def _generic_args(cls: type) -> tuple[Any, Any]:
    """``(In, Out)`` for a class deriving from ``Runnable[In, Out]``; ``Any`` where unbound.

    Walks ``__orig_bases__`` through the MRO, substituting type variables on the way down,
    so ``class P(Component[str, int])`` gives ``(str, int)``.
    """
    from lcel._runnable import Runnable

    def walk(klass: type, subst: dict[Any, Any]) -> tuple[Any, Any] | None:
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base) or base
            if not isinstance(origin, type) or not issubclass(origin, Runnable):
                continue
            args = tuple(subst.get(a, a) for a in typing.get_args(base))
            if origin is Runnable:
                if len(args) == 2:
                    return (_concrete(args[0]), _concrete(args[1]))
                return None
            params = getattr(origin, "__parameters__", ())
            found = walk(origin, dict(zip(params, args, strict=False)))
            if found is not None:
                return found
        return None

    for klass in cls.__mro__:
        result = walk(klass, {})
        if result is not None:
            return result
    return (Any, Any)


def _concrete(tp: Any) -> Any:
    return Any if isinstance(tp, typing.TypeVar) else tp
