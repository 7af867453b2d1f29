"""``RunnableBinding``: the bound runnable, with the binding's config merged into the
caller's and its keywords added to the call. No run of its own (``_traced_run`` is False):
the bound runnable's run is the one reported."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._interpreter._core import ainvoke, astream, atransform, invoke, stream, transform
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._wrappers import RunnableBinding

Binding = RunnableBinding[Any, Any]


def bound(node: Binding, ctx: Ctx, kw: dict[str, Any]) -> tuple[Ctx, dict[str, Any]]:
    """The context and keywords the bound runnable runs with (the caller's win)."""
    bctx = ctx.with_config(node.config) if node.config else ctx
    if node.kwargs:
        kw = {**node.kwargs, **kw} if kw else node.kwargs
    return bctx, kw


def _invoke(node: Binding, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return invoke(node.bound, x, *bound(node, ctx, kw))


def _stream(node: Binding, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    return stream(node.bound, x, *bound(node, ctx, kw))


def _transform(node: Binding, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    return transform(node.bound, chunks, *bound(node, ctx, kw))


async def _ainvoke(node: Binding, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return await ainvoke(node.bound, x, *bound(node, ctx, kw))


def _astream(node: Binding, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    return astream(node.bound, x, *bound(node, ctx, kw))


def _atransform(
    node: Binding, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    return atransform(node.bound, chunks, *bound(node, ctx, kw))


register(RunnableBinding, _invoke, _stream, _ainvoke, _astream, _transform, _atransform)
