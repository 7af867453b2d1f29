"""What a route accepts: body size, batch size, run time; and the HTTP errors it answers.

Bodies are read here, counted as they arrive, so a client that lies in (or omits)
``Content-Length`` still cannot make the server hold more than ``max_body_bytes``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import attrs
from starlette.requests import Request

from lcel.errors import shorten

__all__ = [
    "DEFAULT_MAX_BATCH",
    "DEFAULT_MAX_BODY_BYTES",
    "HttpError",
    "Limits",
    "read_json_body",
    "too_deep",
]

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
"""10 MiB."""
DEFAULT_MAX_BATCH = 256
"""Inputs in one ``batch`` request."""


class HttpError(Exception):
    """An error answered to the client as is: ``status`` and a message safe to show."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        detail: Sequence[dict[str, Any]] | str | None = None,  # Any: JSON data
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail if detail is not None else message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:  # Any: JSON data
        """The JSON body of the response."""
        return {"status_code": self.status, "message": self.message, "detail": self.detail}


def _check_positive(name: str, value: float | None, *, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


@attrs.frozen
class Limits:
    """A route's limits; ``run_timeout`` of ``None`` lets a run take as long as it needs."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_batch: int = DEFAULT_MAX_BATCH
    run_timeout: float | None = None

    def __attrs_post_init__(self) -> None:
        _check_positive("max_body_bytes", self.max_body_bytes, allow_none=False)
        _check_positive("max_batch", self.max_batch, allow_none=False)
        _check_positive("run_timeout", self.run_timeout, allow_none=True)


def too_deep(where: str) -> HttpError:
    """A 422 for JSON nested deeper than Python can walk."""
    return HttpError(
        422,
        f"the request {where} is nested too deeply",
        detail=[{"loc": ["body"], "msg": "nested too deeply", "type": "too_deep"}],
    )


def _too_large(limit: int) -> HttpError:
    # the unread rest of the body makes the connection unusable: ask the client to close it
    return HttpError(
        413,
        f"request body too large: the limit is {limit} bytes",
        headers={"connection": "close"},
    )


async def read_json_body(request: Request, limit: int) -> Any:  # Any: JSON data
    """The request's JSON body; 413 past ``limit`` bytes, 422 when it is not JSON."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise HttpError(400, f"invalid Content-Length header: {shorten(declared)}") from None
        if size > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        return json.loads(raw)
    except RecursionError:
        raise too_deep("body") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HttpError(
            422,
            f"the request body is not valid JSON: {error}",
            detail=[{"loc": ["body"], "msg": f"invalid JSON: {error}", "type": "json_invalid"}],
        ) from None
