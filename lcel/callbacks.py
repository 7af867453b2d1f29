"""Callback handlers: user objects told about every run of a traced call.

Pass handlers in ``config["callbacks"]``. A handler implements any of ``on_start(run)``,
``on_stream(run, chunk)``, ``on_end(run)`` and ``on_error(run)``; a missing method is
skipped. Methods may be ``async def``: they are then scheduled on the running loop (or run
to completion when there is none). Runs carry ``id``, ``parent_ids``, ``name``,
``run_type``, ``tags``, ``metadata``, ``input``, ``output``, ``error`` and times.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Protocol

from lcel._interpreter._trace import Run

__all__ = ["CallbackHandler", "CallbackTracer", "Run"]


class CallbackHandler(Protocol):
    """The handler protocol (every method optional at runtime)."""

    def on_start(self, run: Run) -> Any: ...  # Any: None, or an awaitable for async handlers
    def on_stream(self, run: Run, chunk: Any) -> Any: ...  # Any: chunks of any type
    def on_end(self, run: Run) -> Any: ...  # Any: None or an awaitable
    def on_error(self, run: Run) -> Any: ...  # Any: None or an awaitable


class CallbackTracer:
    """Fans run events out to handlers."""

    stream_leaves = False

    def __init__(self, handlers: list[Any]) -> None:  # Any: objects with some handler methods
        self.handlers = handlers

    def _call(self, method: str, *args: Any) -> None:
        for handler in self.handlers:
            fn = getattr(handler, method, None)
            if fn is None:
                continue
            result = fn(*args)
            if inspect.isawaitable(result):
                _drive(result)

    def on_start(self, run: Run) -> None:
        self._call("on_start", run)

    def on_stream(self, run: Run, chunk: Any) -> None:
        self._call("on_stream", run, chunk)

    def on_end(self, run: Run) -> None:
        self._call("on_end", run)

    def on_error(self, run: Run) -> None:
        self._call("on_error", run)


_PENDING: set[asyncio.Task[Any]] = set()


def _drive(awaitable: Any) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_await(awaitable))
        return
    task = loop.create_task(_await(awaitable))
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


async def _await(awaitable: Any) -> None:
    await awaitable
