"""``with_listeners``: user functions told when a runnable's own run starts, ends or fails.

No new node kind: the listeners ride on the callbacks mechanism. ``r.with_listeners(...)``
is ``r`` bound with one more callback handler, :class:`RootListeners`, which the interpreter
tells about every run below the binding; the handler keeps only the *root* runs (runs none
of whose ancestors it has seen start), so the listeners fire once per call of ``r`` and
never for its steps. Each listener receives the run record (:class:`lcel.callbacks.Run`):
``input``/``inputs``, ``output``/``outputs``, ``error``, ``start_time``, ``end_time``,
``id``, ``name``, ``tags``, ``metadata``.

A listener may be ``async def``: as an async callback handler, it is awaited where the run
starts or ends under the async methods (so it has finished, start before end, when the call
returns), and run to completion under the sync ones. A listener's exception is logged (the
``lcel.callbacks`` logger) and does not fail the call, as in LangChain.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from lcel._interpreter._trace import Run

if TYPE_CHECKING:
    from lcel._runnable import Runnable
    from lcel._types import InT, OutT
    from lcel._wrappers import RunnableBinding

__all__ = ["Listener", "RootListeners", "with_listeners"]

Listener: TypeAlias = Callable[[Run], None] | Callable[[Run], Awaitable[None]]
"""A function of the run record, sync or async."""


def _check(name: str, fn: object) -> None:
    if fn is not None and not callable(fn):
        raise TypeError(f"with_listeners({name}=...) takes a function of the run, got {fn!r}")


class RootListeners:
    """A callback handler calling the listeners for root runs only (see the module doc)."""

    __slots__ = ("_lock", "_roots", "on_end_fn", "on_error_fn", "on_start_fn", "raise_error")

    def __init__(
        self,
        on_start: Listener | None = None,
        on_end: Listener | None = None,
        on_error: Listener | None = None,
        *,
        raise_error: bool = False,
    ) -> None:
        _check("on_start", on_start)
        _check("on_end", on_end)
        _check("on_error", on_error)
        self.on_start_fn = on_start
        self.on_end_fn = on_end
        self.on_error_fn = on_error
        self.raise_error = raise_error
        """True: a listener's exception fails the call instead of being logged (for
        listeners that are part of the runnable's own work, like saving chat history)."""
        self._lock = threading.Lock()
        self._roots: set[str] = set()

    def on_start(self, run: Run) -> Any:  # Any: None, or an awaitable for async listeners
        with self._lock:
            if any(p in self._roots for p in run.parent_ids):
                return None
            self._roots.add(str(run.id))
        return _call(self.on_start_fn, run)

    def _finish(self, run: Run) -> bool:
        with self._lock:
            key = str(run.id)
            if key not in self._roots:
                return False
            self._roots.discard(key)
        return True

    def on_end(self, run: Run) -> Any:  # Any: None, or an awaitable for async listeners
        if self._finish(run):
            return _call(self.on_end_fn, run)
        return None

    def on_error(self, run: Run) -> Any:  # Any: None, or an awaitable for async listeners
        if self._finish(run):
            return _call(self.on_error_fn, run)
        return None

    def __repr__(self) -> str:
        names = [
            f"{k}={getattr(fn, '__name__', fn)!r}"
            for k, fn in (
                ("on_start", self.on_start_fn),
                ("on_end", self.on_end_fn),
                ("on_error", self.on_error_fn),
            )
            if fn is not None
        ]
        return f"RootListeners({', '.join(names)})"


def _call(fn: Listener | None, run: Run) -> Any:  # Any: None or the listener's awaitable
    if fn is None:
        return None
    result = fn(run)
    # An awaitable goes back to the callbacks tracer, which hands it to the interpreter.
    return result if inspect.isawaitable(result) else None


def with_listeners(
    runnable: Runnable[InT, OutT],
    *,
    on_start: Listener | None = None,
    on_end: Listener | None = None,
    on_error: Listener | None = None,
) -> RunnableBinding[InT, OutT]:
    """``runnable`` bound with a :class:`RootListeners` handler."""
    from lcel._wrappers import RunnableBinding

    handler = RootListeners(on_start, on_end, on_error)
    return RunnableBinding.wrap(runnable, config={"callbacks": [handler]})
