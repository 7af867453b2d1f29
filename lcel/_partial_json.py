"""Parsing JSON that may be cut short (a model's streamed answer so far), completing what is
open. A small utility with no lcel dependency: messages (tool-call arguments) and parsers
(partial JSON objects) both use it."""

from __future__ import annotations

import json
from typing import Any

from lcel.errors import shorten

__all__ = ["parse_partial_json"]


def _close_partial(text: str) -> str | None:
    """Close the open string, arrays and objects of a JSON prefix; None if it is malformed."""
    closers: list[str] = []
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            closers.append("}")
        elif char == "[":
            closers.append("]")
        elif char in "}]" and (not closers or closers.pop() != char):
            return None
    if in_string:
        if escaped:
            text = text[:-1]
        text += '"'
    return text + "".join(reversed(closers))


def parse_partial_json(text: str) -> Any:  # Any: whatever JSON value the text holds
    """Parse a JSON value that may be cut short, completing what is open.

    Raises ``ValueError`` when no prefix of ``text`` is JSON.

    >>> parse_partial_json('{"name": "Ali')
    {'name': 'Ali'}
    >>> parse_partial_json('[1, 2, {"a": tr')
    [1, 2, {}]
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    stripped = text.strip()
    # A partial token (number, literal, key without value, trailing comma) cannot be
    # completed safely: cut characters from the end until the rest closes into JSON.
    for end in range(len(stripped), 0, -1):
        candidate = _close_partial(stripped[:end])
        if candidate is None:
            continue
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    raise ValueError(f"no JSON value in {shorten(text)!r}")
