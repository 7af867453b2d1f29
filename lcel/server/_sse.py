"""A server-sent event response that runs a stream, and stops it when the client leaves.

Wire shape (LangServe's): ``event: metadata`` with ``{"run_id": ...}`` first, then one
``event: data`` per item, then ``event: end``. When the run fails midway the client gets
``event: error`` with ``{"status_code": 500, "message": "Internal Server Error"}`` (never
the exception's text: it may hold secrets) and the body then ends cleanly, as a complete
chunked response, so the connection stays usable. A client that disconnects, or a run past
its time limit, cancels the run: the stream's generator is closed, nothing keeps running.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.types import Receive, Scope, Send

__all__ = ["SseResponse", "format_event", "wait_for_disconnect"]

logger = logging.getLogger("lcel.server")

_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
]
INTERNAL_ERROR = {"status_code": 500, "message": "Internal Server Error"}
TIMEOUT_ERROR = {"status_code": 504, "message": "Gateway Timeout: the run took too long"}


def format_event(event: str, data: Any = None) -> bytes:  # Any: JSON data
    """One SSE frame; ``data`` is JSON-encoded (an ``end`` event carries none)."""
    frame = f"event: {event}\r\n"
    if data is not None:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        frame += "".join(f"data: {line}\r\n" for line in text.split("\n"))
    return (frame + "\r\n").encode("utf-8")


async def wait_for_disconnect(receive: Receive) -> None:
    """Return when the client has gone (call once the request body has been read)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


class _ClientGone(Exception):
    pass


class SseResponse:
    """An ASGI response streaming ``items`` (JSON data) as ``data`` events."""

    def __init__(
        self,
        run_id: str,
        items: AsyncIterator[Any],  # Any: JSON data, one item per data event
        *,
        timeout: float | None,
    ) -> None:
        self.run_id = run_id
        self.items = items
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        producer = asyncio.ensure_future(self._produce(send))
        watcher = asyncio.ensure_future(wait_for_disconnect(receive))
        try:
            await asyncio.wait({producer, watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (producer, watcher):
                task.cancel()
            await asyncio.gather(producer, watcher, return_exceptions=True)
            await _close(self.items)
        if producer.done() and not producer.cancelled() and producer.exception() is None:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _produce(self, send: Send) -> None:
        async def emit(event: str, data: Any = None) -> None:  # Any: JSON data
            try:
                await send({"type": "http.response.body", "body": format_event(event, data),
                            "more_body": True})
            except OSError as error:  # the client went away while we wrote
                raise _ClientGone from error

        await emit("metadata", {"run_id": self.run_id})
        try:
            async with asyncio.timeout(self.timeout):
                async for item in self.items:
                    await emit("data", item)
        except _ClientGone:
            raise
        except TimeoutError:
            logger.warning("run %s stopped: longer than run_timeout=%ss", self.run_id, self.timeout)
            await emit("error", TIMEOUT_ERROR)
            return
        except Exception as error:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # the client left: a step's cleanup failed while the run was being cancelled
                raise asyncio.CancelledError from error
            logger.exception("run %s failed while streaming", self.run_id)
            await emit("error", INTERNAL_ERROR)
            return
        await emit("end")


async def _close(items: AsyncIterator[Any]) -> None:  # Any: stream items
    aclose = getattr(items, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:
            logger.exception("closing a stream failed")
