"""Callback handlers: user objects told about every run of a traced call.

Pass handlers in ``config["callbacks"]``. A handler implements any of ``on_start(run)``,
``on_stream(run, chunk)``, ``on_end(run)`` and ``on_error(run)``; a missing method is
skipped. Methods may be ``async def``: under the async methods (``ainvoke``, ``abatch``,
``astream``, ``astream_events``…) they are awaited where the run starts, streams or ends,
so they finish, in order, before the call returns; under the sync methods they are run to
completion (on a helper thread's loop when the calling thread runs one). Runs carry ``id``,
``parent_ids``, ``name``, ``run_type``, ``tags``, ``metadata``, ``input``/``inputs``,
``output``/``outputs``, ``error`` and times (``end_time`` is set before ``on_end`` and
``on_error``).

Errors. As in LangChain, an exception raised by a handler (sync or async) does not fail the
run: it is logged on the ``lcel.callbacks`` logger (a warning naming the handler and the
method, with the traceback), and the call goes on. A handler with a true ``raise_error``
attribute has its exceptions propagate instead.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable
from typing import Any, Protocol

from lcel._interpreter._trace import Run

__all__ = ["CallbackHandler", "CallbackTracer", "Run"]

logger = logging.getLogger("lcel.callbacks")


class CallbackHandler(Protocol):
    """The handler protocol (every method optional at runtime)."""

    def on_start(self, run: Run) -> Any: ...  # Any: None, or an awaitable for async handlers
    def on_stream(self, run: Run, chunk: Any) -> Any: ...  # Any: chunks of any type
    def on_end(self, run: Run) -> Any: ...  # Any: None or an awaitable
    def on_error(self, run: Run) -> Any: ...  # Any: None or an awaitable


class CallbackTracer:
    """Fans run events out to handlers.

    Each method calls the sync handlers at once and returns ``None``, or, when some handler
    is async, one awaitable running those in handler order: the interpreter awaits it under
    the async methods and runs it to completion under the sync ones (``_trace.settle``).
    """

    stream_leaves = False

    def __init__(self, handlers: list[Any]) -> None:  # Any: objects with some handler methods
        self.handlers = handlers

    def _call(self, method: str, *args: Any) -> Awaitable[None] | None:
        pending: list[tuple[Any, Awaitable[Any]]] | None = None
        for handler in self.handlers:
            fn = getattr(handler, method, None)
            if fn is None:
                continue
            try:
                result = fn(*args)
            except Exception as exc:
                _handler_failed(handler, method, exc)
                continue
            if inspect.isawaitable(result):
                if pending is None:
                    pending = []
                pending.append((handler, result))
        return None if pending is None else _await_all(method, pending)

    def on_start(self, run: Run) -> Awaitable[None] | None:
        return self._call("on_start", run)

    def on_stream(self, run: Run, chunk: Any) -> Awaitable[None] | None:
        return self._call("on_stream", run, chunk)

    def on_end(self, run: Run) -> Awaitable[None] | None:
        return self._call("on_end", run)

    def on_error(self, run: Run) -> Awaitable[None] | None:
        return self._call("on_error", run)


def _handler_failed(handler: Any, method: str, exc: Exception) -> None:  # Any: a handler
    """Log a handler's exception (LangChain's policy), or re-raise it when it asks to."""
    if getattr(handler, "raise_error", False):
        raise exc
    logger.warning(
        "Error in %s.%s callback: %r", type(handler).__name__, method, exc, exc_info=exc
    )


async def _await_all(method: str, pending: list[tuple[Any, Awaitable[Any]]]) -> None:
    for i, (handler, awaitable) in enumerate(pending):
        try:
            await awaitable
        except Exception as exc:
            try:
                _handler_failed(handler, method, exc)
            except BaseException:
                for _, rest in pending[i + 1 :]:
                    _discard(rest)
                raise


def _discard(awaitable: Awaitable[Any]) -> None:
    close = getattr(awaitable, "close", None)  # a coroutine never awaited: no warning
    if close is not None:
        close()
