"""Chunk algebra: combining stream chunks with ``+`` (strings joined, dicts merged key by
key), or keeping the last one for cumulative streams. No dependency on the interpreter: the
interpreter, tracing and validation all use it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["NOTHING", "add", "combine", "is_cumulative", "last", "stream_add"]

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
    """All chunks added together, in linear time for strings; ``None`` for no chunk.

    A chunk class may define a classmethod ``_concat_chunks(chunks)`` adding a whole list of
    its instances at once, or returning ``NotImplemented`` (``AIMessageChunk`` does: one
    message instead of one per ``+``).
    """
    if isinstance(chunks, list) and len(chunks) > 1:
        concat = getattr(type(chunks[0]), "_concat_chunks", None)
        if concat is not None:
            combined = concat(chunks)
            if combined is not NotImplemented:
                return combined
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


def last(left: Any, right: Any) -> Any:  # Any: chunks of any type
    """For cumulative streams: each chunk already holds everything so far."""
    return right


def is_cumulative(
    node: Any,  # Any: any runnable
    configurable: Mapping[str, object] | None = None,
) -> bool:
    """Whether ``node``'s output chunks are snapshots (each the whole value so far), as a
    JSON parser's partial objects are, rather than pieces to add together. A node passing
    on another's chunks (``Runnable._chunk_source_in``) answers as that one does, for a run
    whose ``config["configurable"]`` is ``configurable``: a configurable runnable answers as
    the runnable that config resolves it to (without one, as its default)."""
    conf: Mapping[str, object] = configurable or {}
    while node is not None:
        # The class's flag: a configurable runnable would answer with its default's.
        if getattr(type(node), "cumulative_stream", False):
            return True
        source_in = getattr(node, "_chunk_source_in", None)
        if source_in is not None:
            node, conf = source_in(conf)
        else:
            source = getattr(node, "_chunk_source", None)
            node = source() if source is not None else None
    return False


def stream_add(
    node: Any,  # Any: any runnable
    configurable: Mapping[str, object] | None = None,
) -> Any:  # Any: returns `add` or `last`
    """How to accumulate ``node``'s output chunks (under ``configurable``): :func:`add`, or
    :func:`last` for cumulative streams."""
    return last if is_cumulative(node, configurable) else add
