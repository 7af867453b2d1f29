"""``RunnableWithFallbacks``: the runnable, then each fallback in order on a handled
exception, sync and async. Streaming, a fallback is tried only before the first chunk.

Which input a fallback gets, and which error is raised when all fail (the primary's, with
every fallback's kept), is decided once, for both modes; the attempt loop is the one retry
uses (``_common.first_success``).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

from lcel._interpreter._common import (
    afirst_success,
    afirst_success_stream,
    expect_mapping,
    first_success,
    first_success_stream,
)
from lcel._interpreter._core import ainvoke, astream, invoke, stream
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._wrappers import RunnableWithFallbacks
from lcel.errors import shorten

Fallbacks = RunnableWithFallbacks[Any, Any]
T = TypeVar("T")


# -- the pure parts ---------------------------------------------------------------------------


def next_input(node: Fallbacks, x: Any, error: BaseException) -> Any:
    """The next fallback's input: ``x``, plus the error under ``exception_key`` if set."""
    if node.exception_key is None:
        return x
    expect_mapping(node, x)
    return {**x, node.exception_key: error}


def all_failed(node: Fallbacks, errors: list[BaseException]) -> BaseException:
    """The error to raise when every runnable failed: the primary's, with each fallback's
    kept, chained in order through ``__context__`` (where free) and listed in a note."""
    primary = errors[0]
    names = [r.get_name() for r in node.runnables]
    for i, (err, nxt) in enumerate(itertools.pairwise(errors)):
        if err.__context__ is None and not _in_chain(nxt, err):
            err.__context__ = nxt
        primary.add_note(
            f"fallback {i + 1} of {len(errors) - 1} ({names[i + 1]}) failed too: "
            f"{type(nxt).__name__}: {shorten(str(nxt), 200)}"
        )
    return primary


def _in_chain(err: BaseException, target: BaseException) -> bool:
    seen: set[int] = set()
    e: BaseException | None = err
    while e is not None and id(e) not in seen:
        if e is target:
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


class _Tries:
    """One run through the runnables: the input the next one gets, the errors so far."""

    __slots__ = ("current", "errors", "node", "x")

    def __init__(self, node: Fallbacks, x: Any) -> None:
        self.node = node
        self.x = x
        self.current = x
        self.errors: list[BaseException] = []

    def attempts(self, run: Callable[[Any, Any], T]) -> Iterator[Callable[[], T]]:
        """One attempt per runnable, ``run(runnable, input)`` with the input current then."""
        for runnable in self.node.runnables:
            yield functools.partial(self._attempt, run, runnable)

    def _attempt(self, run: Callable[[Any, Any], T], runnable: Any) -> T:
        return run(runnable, self.current)

    def failed(self, error: BaseException) -> None:
        self.errors.append(error)
        if len(self.errors) == len(self.node.runnables):
            raise all_failed(self.node, self.errors)
        self.current = next_input(self.node, self.x, error)

    async def afailed(self, error: BaseException) -> None:
        self.failed(error)


# -- handlers ----------------------------------------------------------------------------------


def _invoke(node: Fallbacks, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    tries = _Tries(node, x)
    attempts = tries.attempts(lambda r, v: invoke(r, v, ctx, kw))
    return first_success(attempts, node.exceptions_to_handle, tries.failed)


async def _ainvoke(node: Fallbacks, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    tries = _Tries(node, x)
    attempts = tries.attempts(lambda r, v: ainvoke(r, v, ctx, kw))
    return await afirst_success(attempts, node.exceptions_to_handle, tries.afailed)


def _stream(node: Fallbacks, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    tries = _Tries(node, x)
    attempts = tries.attempts(lambda r, v: stream(r, v, ctx, kw))
    return first_success_stream(attempts, node.exceptions_to_handle, tries.failed)


def _astream(node: Fallbacks, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    tries = _Tries(node, x)
    attempts = tries.attempts(lambda r, v: astream(r, v, ctx, kw))
    return afirst_success_stream(attempts, node.exceptions_to_handle, tries.afailed)


register(RunnableWithFallbacks, _invoke, _stream, _ainvoke, _astream)
