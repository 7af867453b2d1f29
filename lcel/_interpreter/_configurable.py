"""Configurable runnables (:mod:`lcel._configurable`): resolved from the run's config, then
the resolved runnable runs in their place, in every mode. They have no run of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._configurable import DynamicRunnable, RunnableConfigurableAlternatives
from lcel._configurable import RunnableConfigurableFields as Fields
from lcel._interpreter import _async as A
from lcel._interpreter import _sync as S
from lcel._interpreter._ctx import Ctx
from lcel._runnable import Runnable

Dynamic = DynamicRunnable[Any, Any]


def _at(node: Dynamic, x: Any, ctx: Ctx) -> tuple[Runnable[Any, Any], Any, Ctx]:
    """``(runnable, x, ctx)`` for the runnable resolved in ``node``'s place."""
    runnable, extra = node.resolve(ctx.config.get("configurable") or {})
    return runnable, x, (ctx.with_config({"configurable": extra}) if extra else ctx)


def _invoke(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return S.invoke(*_at(node, x, ctx), kw)


def _stream(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    return S.stream(*_at(node, x, ctx), kw)


def _transform(node: Dynamic, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    return S.transform(*_at(node, chunks, ctx), kw)


async def _ainvoke(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return await A.ainvoke(*_at(node, x, ctx), kw)


def _astream(node: Dynamic, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    return A.astream(*_at(node, x, ctx), kw)


def _atransform(
    node: Dynamic, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    return A.atransform(*_at(node, chunks, ctx), kw)


for _kind in (Fields, RunnableConfigurableAlternatives):
    S.INVOKE[_kind], S.STREAM[_kind], S.TRANSFORM[_kind] = _invoke, _stream, _transform
    A.AINVOKE[_kind], A.ASTREAM[_kind], A.ATRANSFORM[_kind] = _ainvoke, _astream, _atransform
    S.RUNLESS.add(_kind)
    S._RUNLESS_STREAM.add(_kind)
    S.STREAMS_AS[_kind] = lambda node: node.default
