"""``RunnableBranch``: the first branch whose condition holds runs (else the default), sync
and async. Choosing is the same walk in both modes; only the condition calls differ."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._branch import RunnableBranch
from lcel._interpreter._common import closing_aiter
from lcel._interpreter._core import ainvoke, astream, invoke, stream
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register

Branch = RunnableBranch[Any, Any]


def _conditions(node: Branch, ctx: Ctx) -> list[tuple[Any, Ctx, Any, Ctx]]:
    """Each (condition, its context, body, its context), tagged when traced."""
    if ctx.tracer is None:
        return [(cond, ctx, body, ctx) for cond, body in node.branches]
    return [
        (cond, ctx.tagged(f"condition:{i}"), body, ctx.tagged(f"branch:{i}"))
        for i, (cond, body) in enumerate(node.branches, 1)
    ]


def _default(node: Branch, ctx: Ctx) -> tuple[Any, Ctx]:
    return node.default, (ctx if ctx.tracer is None else ctx.tagged("branch:default"))


def choose(node: Branch, x: Any, ctx: Ctx) -> tuple[Any, Ctx]:
    for cond, cctx, body, bctx in _conditions(node, ctx):
        if invoke(cond, x, cctx):
            return body, bctx
    return _default(node, ctx)


async def achoose(node: Branch, x: Any, ctx: Ctx) -> tuple[Any, Ctx]:
    for cond, cctx, body, bctx in _conditions(node, ctx):
        if await ainvoke(cond, x, cctx):
            return body, bctx
    return _default(node, ctx)


def _invoke(node: Branch, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    body, bctx = choose(node, x, ctx)
    return invoke(body, x, bctx)


def _stream(node: Branch, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    body, bctx = choose(node, x, ctx)
    yield from stream(body, x, bctx)


async def _ainvoke(node: Branch, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    body, bctx = await achoose(node, x, ctx)
    return await ainvoke(body, x, bctx)


async def _astream(node: Branch, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    body, bctx = await achoose(node, x, ctx)
    async with closing_aiter(astream(body, x, bctx)) as it:
        async for chunk in it:
            yield chunk


register(RunnableBranch, _invoke, _stream, _ainvoke, _astream)
