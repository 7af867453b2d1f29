"""``RunnableSequence``: each step fed the previous output, sync and async.

Invoked, the steps run one after another (a tight loop when nobody listens). Streamed, the
steps form a pipeline: a step runs as a plain ``invoke`` when the next one would only
combine its output anyway, so only real streaming stages nest generators; when a tracer
listens, every step streams (each reports its chunks, in LangChain's order).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

from lcel._chunks import NOTHING, combine
from lcel._interpreter._common import acombine, closing_aiter, one
from lcel._interpreter._core import ainvoke, astream, atransform, invoke, stream, transform
from lcel._interpreter._ctx import Ctx, StepsCancelled
from lcel._interpreter._dispatch import AINVOKE, INVOKE, NO_KW, register
from lcel._passthrough import RunnablePassthrough
from lcel._sequence import RunnableSequence

Sequence = RunnableSequence[Any, Any]


def _skippable(step: Any) -> bool:
    """A bare passthrough changes nothing in an untraced pipeline."""
    return type(step) is RunnablePassthrough and step.func is None


def _invoke(node: Sequence, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if ctx.tracer is None:
        cancel = ctx.cancel
        if cancel is None:  # the common case: no check per step
            for step in node.steps:
                x = INVOKE[type(step)](step, x, ctx, NO_KW)
            return x
        for step in node.steps:
            if cancel.is_set:  # a sibling branch failed: start no further step
                raise StepsCancelled
            x = INVOKE[type(step)](step, x, ctx, NO_KW)
        return x
    for i, step in enumerate(node.steps, 1):
        x = invoke(step, x, ctx.tagged(f"seq:step:{i}"))
    return x


async def _ainvoke(node: Sequence, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if ctx.tracer is None:
        cancel = ctx.cancel
        if cancel is None:  # the common case: no check per step
            for step in node.steps:
                x = await AINVOKE[type(step)](step, x, ctx, NO_KW)
            return x
        for step in node.steps:
            if cancel.is_set:  # a sibling branch failed: start no further step
                raise StepsCancelled
            x = await AINVOKE[type(step)](step, x, ctx, NO_KW)
        return x
    for i, step in enumerate(node.steps, 1):
        x = await ainvoke(step, x, ctx.tagged(f"seq:step:{i}"))
    return x


# -- streaming: what each step does, decided once for both modes --------------------------------

_INVOKE = 0  # the next step needs the whole input anyway: invoke this one
_SKIP = 1  # a bare passthrough: nothing to do
_STREAM = 2  # stream this step (its input whole or streamed, as it comes)
_FEED = 3  # traced: feed it a stream, so its run starts on its first chunk (LangChain)
_WHOLE = 4  # traced, a step whose run starts with its whole input: combine, then stream it


def _traced_action(step: Any) -> int:
    if step._traced_run and not step._starts_on_first_chunk():
        return _WHOLE  # what feeding it would do, without a buffering layer per chunk
    return _FEED


def _plan(node: Sequence, ctx: Ctx) -> list[tuple[Any, int, Ctx]]:
    """Each step, what to do with it, and its context (tagged ``seq:step:<n>`` if traced)."""
    steps = node.steps
    if ctx.tracer is not None:
        return [
            (s, _traced_action(s), ctx.tagged(f"seq:step:{i}")) for i, s in enumerate(steps, 1)
        ]
    plan = [
        (step, _STREAM if after._consumes_stream() else _INVOKE, ctx)
        for step, after in itertools.pairwise(steps)
    ]
    plan.append((steps[-1], _STREAM, ctx))
    return [(s, _SKIP if a == _STREAM and _skippable(s) else a, c) for s, a, c in plan]


def _pipeline(node: Sequence, x: Any, chunks: Iterator[Any] | None, ctx: Ctx) -> Iterator[Any]:
    value, it = x, cast(Any, chunks)  # Any: a whole value's stream, or none
    for step, action, sctx in _plan(node, ctx):
        if action == _INVOKE:
            value, it = invoke(step, combine(it) if value is NOTHING else value, sctx), None
        elif action == _WHOLE or (action == _STREAM and value is not NOTHING):
            value, it = NOTHING, stream(step, combine(it) if value is NOTHING else value, sctx)
        else:
            if value is not NOTHING:
                value, it = NOTHING, iter((value,))
            if action != _SKIP:
                it = transform(step, it, sctx)
    if value is not NOTHING:
        yield value
    else:
        yield from it


async def _apipeline(
    node: Sequence, x: Any, chunks: AsyncIterator[Any] | None, ctx: Ctx
) -> AsyncIterator[Any]:
    value, it = x, cast(Any, chunks)  # Any: a whole value's stream, or none
    for step, action, sctx in _plan(node, ctx):
        if action == _INVOKE:
            whole = await acombine(it) if value is NOTHING else value
            value, it = await ainvoke(step, whole, sctx), None
        elif action == _WHOLE or (action == _STREAM and value is not NOTHING):
            whole = await acombine(it) if value is NOTHING else value
            value, it = NOTHING, astream(step, whole, sctx)
        else:
            if value is not NOTHING:
                value, it = NOTHING, one(value)
            if action != _SKIP:
                it = atransform(step, it, sctx)
    if value is not NOTHING:
        yield value
        return
    async with closing_aiter(it) as out:
        async for chunk in out:
            yield chunk


register(
    RunnableSequence,
    _invoke,
    lambda node, x, ctx, kw: _pipeline(node, x, None, ctx),
    _ainvoke,
    lambda node, x, ctx, kw: _apipeline(node, x, None, ctx),
    lambda node, chunks, ctx, kw: _pipeline(node, NOTHING, chunks, ctx),
    lambda node, chunks, ctx, kw: _apipeline(node, NOTHING, chunks, ctx),
)
