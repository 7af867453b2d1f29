"""Configurable runnables (:mod:`lcel._configurable`): resolved from the run's config, then
the resolved runnable runs in their place, in every mode. No run of their own
(``_traced_run`` is False): the resolved runnable's run is the one reported, as in LangChain."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._configurable import DynamicRunnable
from lcel._interpreter._core import ainvoke, astream, atransform, invoke, stream, transform
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._runnable import Runnable

Dynamic = DynamicRunnable[Any, Any]


def resolved(node: Dynamic, ctx: Ctx) -> tuple[Runnable[Any, Any], Ctx]:
    """The runnable to run in ``node``'s place, and the context it runs with."""
    runnable, extra = node.resolve(ctx.config.get("configurable") or {})
    return runnable, (ctx.with_config({"configurable": extra}) if extra else ctx)


def _invoke(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    runnable, rctx = resolved(node, ctx)
    return invoke(runnable, x, rctx, kw)


def _stream(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    runnable, rctx = resolved(node, ctx)
    return stream(runnable, x, rctx, kw)


def _transform(node: Dynamic, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    runnable, rctx = resolved(node, ctx)
    return transform(runnable, chunks, rctx, kw)


async def _ainvoke(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    runnable, rctx = resolved(node, ctx)
    return await ainvoke(runnable, x, rctx, kw)


def _astream(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    runnable, rctx = resolved(node, ctx)
    return astream(runnable, x, rctx, kw)


def _atransform(
    node: Dynamic, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    runnable, rctx = resolved(node, ctx)
    return atransform(runnable, chunks, rctx, kw)


register(DynamicRunnable, _invoke, _stream, _ainvoke, _astream, _transform, _atransform)
