"""``RunnableValidated`` (``with_validation()``): the inner runnable behind a JSON Schema
check of its input, and optionally of its output (a stream's chunks once combined, at its
end), sync and async. The checks live on the node (:mod:`lcel._validation`); here they are
put around the inner run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._interpreter._common import closing_aiter
from lcel._interpreter._core import ainvoke, astream, invoke, stream
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._validation import RunnableValidated

Validated = RunnableValidated[Any, Any]


def _invoke(node: Validated, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return node.check_output(invoke(node.inner, node.check_input(x), ctx.unnamed(), kw))


async def _ainvoke(node: Validated, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return node.check_output(await ainvoke(node.inner, node.check_input(x), ctx.unnamed(), kw))


def _stream(node: Validated, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    inner = stream(node.inner, node.check_input(x), ctx.unnamed(), kw)
    if not node.validate_output:
        yield from inner
        return
    chunks: list[Any] = []
    for chunk in inner:
        chunks.append(chunk)
        yield chunk
    node.check_output(node.combined_output(chunks))


async def _astream(node: Validated, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    chunks: list[Any] = []
    async with closing_aiter(astream(node.inner, node.check_input(x), ctx.unnamed(), kw)) as it:
        async for chunk in it:
            if node.validate_output:
                chunks.append(chunk)
            yield chunk
    if node.validate_output:
        node.check_output(node.combined_output(chunks))


register(RunnableValidated, _invoke, _stream, _ainvoke, _astream)
