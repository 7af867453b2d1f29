"""Combining stream chunks with ``+`` (strings joined, dicts merged key by key)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["NOTHING", "add", "combine"]

NOTHING: Any = object()
"""Marks "no value yet" where ``None`` is a valid value."""


def add(left: Any, right: Any) -> Any:  # Any: chunks of any type that supports `+`
    """``left + right`` for stream chunks; dicts merge key by key (values added on clash)."""
    if left is NOTHING:
        return right
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        for key, value in right.items():
            merged[key] = add(merged[key], value) if key in merged else value
        return merged
    try:
        return left + right
    except TypeError:
        # A chunk type without `+` (e.g. a single non-streamed value): the latest wins.
        return right


def combine(chunks: Iterable[Any]) -> Any:  # Any: chunks of any type that supports `+`
    """All chunks added together, in linear time for strings; ``None`` for no chunk."""
    acc: Any = NOTHING
    parts: list[str] | None = None
    for chunk in chunks:
        if parts is not None:
            if isinstance(chunk, str):
                parts.append(chunk)
                continue
            acc = "".join(parts)
            parts = None
        if acc is NOTHING and isinstance(chunk, str):
            parts = [chunk]
            continue
        acc = add(acc, chunk)
    if parts is not None:
        return "".join(parts)
    return None if acc is NOTHING else acc
