"""Dispatch tables: node class → handler, one table per mode, resolved through the MRO.

A node kind registers its handlers with :func:`register` (see ``kinds/``). The six tables
must have the same keys for invoke/stream and their async twins (a test checks it); the
transform tables hold only the kinds that consume a stream natively.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = [
    "AINVOKE",
    "ASTREAM",
    "ATRANSFORM",
    "INVOKE",
    "NO_KW",
    "STREAM",
    "TRANSFORM",
    "Handler",
    "Table",
    "register",
]

Handler = Callable[..., Any]  # Any: (node, input or chunks, ctx, kw) -> output, chunks or awaitable
"""A node kind's handler for one mode: ``handler(node, x_or_chunks, ctx, kw)``."""


class Table(dict[type, Handler]):
    """A handler per node class; a subclass finds its nearest registered base (cached)."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def __missing__(self, cls: type) -> Handler:
        handler = self._nearest(cls)
        module = getattr(cls, "_kind_module", None)
        if handler is None and module is not None:
            # A kind whose handlers load on first use (they import something heavy); the
            # import is idempotent and waits for one another thread may be running.
            importlib.import_module(module)
            handler = self._nearest(cls)
        if handler is not None:
            self[cls] = handler
            return handler
        raise TypeError(
            f"lcel cannot {self.what} a {cls.__name__}: it is not a known runnable kind "
            "(subclass lcel.Component for a new leaf)"
        )

    def _nearest(self, cls: type) -> Handler | None:
        for base in cls.__mro__:
            if dict.__contains__(self, base):
                return dict.__getitem__(self, base)
        return None

    def has(self, cls: type) -> bool:
        """Whether ``cls`` (or a base) has a handler here."""
        try:
            self[cls]
        except TypeError:
            return False
        return True

    def kinds(self) -> set[type]:
        """The classes registered directly (not the subclasses resolved since)."""
        return {cls for cls, h in self.items() if not _inherited(self, cls, h)}


def _inherited(table: Table, cls: type, handler: Handler) -> bool:
    return any(dict.get(table, base) is handler for base in cls.__mro__[1:])


INVOKE = Table("invoke")
STREAM = Table("stream")
TRANSFORM = Table("transform")  # only nodes that consume a stream natively
AINVOKE = Table("ainvoke")
ASTREAM = Table("astream")
ATRANSFORM = Table("atransform")

NO_KW: dict[str, Any] = {}
"""The keyword arguments of a call without ``bind`` keywords (shared, never changed)."""


def register(
    cls: type,
    invoke: Handler,
    stream: Handler,
    ainvoke: Handler,
    astream: Handler,
    transform: Handler | None = None,
    atransform: Handler | None = None,
) -> None:
    """Register node class ``cls``'s handlers, every mode at once, in this order: invoke,
    stream, ainvoke, astream, then transform and atransform for a kind that consumes a
    stream (in both modes, so they go together)."""
    if (transform is None) != (atransform is None):
        raise TypeError(f"{cls.__name__}: register transform and atransform together")
    INVOKE[cls] = invoke
    STREAM[cls] = stream
    AINVOKE[cls] = ainvoke
    ASTREAM[cls] = astream
    if transform is not None and atransform is not None:
        TRANSFORM[cls] = transform
        ATRANSFORM[cls] = atransform
