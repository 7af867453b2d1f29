"""Dispatch tables: node class → handler, resolved through the MRO for subclasses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Table", "capabilities"]


class Table(dict[type, Callable[..., Any]]):
    """A handler per node class; a subclass finds its nearest registered base (cached)."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def __missing__(self, cls: type) -> Callable[..., Any]:
        for base in cls.__mro__[1:]:
            if dict.__contains__(self, base):
                handler = dict.__getitem__(self, base)
                self[cls] = handler
                return handler
        raise TypeError(
            f"lcel cannot {self.what} a {cls.__name__}: it is not a known runnable kind "
            "(subclass lcel.Component for a new leaf)"
        )


_CAPS: dict[type, frozenset[str]] = {}


def capabilities(cls: type) -> frozenset[str]:
    """The optional leaf-protocol methods a component class overrides."""
    try:
        return _CAPS[cls]
    except KeyError:
        from lcel._leaf import component_capabilities

        caps = component_capabilities(cls)
        _CAPS[cls] = caps
        return caps
