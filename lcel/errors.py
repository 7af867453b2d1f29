"""The one small hierarchy of lcel errors, rooted in :class:`LcelError`.

Every error carries the context a user needs: what went wrong, on which input, and what was
expected. An exception raised *inside* a user's step is never wrapped: it propagates unchanged.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "LcelError",
    "InputValidationError",
    "MissingVariablesError",
    "OutputParserError",
    "RecursionLimitError",
    "shorten",
    "quoted",
]


def shorten(value: Any, limit: int = 200) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters, for error messages."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return text
    return text[: limit - 15] + f"… ({len(text)} chars)"


def quoted(value: Any, limit: int = 200) -> str:
    """``repr(value)`` (a string in quotes) cut to ``limit`` characters, for error messages
    that quote input or model text: a 5 MB value makes a short message.

    >>> quoted("hi")
    "'hi'"
    >>> quoted("x" * 500)[-14:]
    'x… (502 chars)'
    """
    return shorten(repr(value), limit)


class LcelError(Exception):
    """Root of every error lcel raises itself."""


class InputValidationError(LcelError, ValueError):
    """The input of a runnable does not have the expected shape.

    ``path`` is the JSON path of the bad value (``"$"`` for the whole input) and ``rule``
    the failing rule, when a schema validation produced the error.
    """

    def __init__(self, message: str, *, path: str = "$", rule: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.rule = rule


class MissingVariablesError(InputValidationError, KeyError):
    """A prompt was given a dict without some of its variables.

    Also a :class:`KeyError`, so handlers written for LangChain still catch it.
    """

    def __init__(self, message: str, *, missing: list[str], received: list[str]) -> None:
        super().__init__(message)
        self.missing = missing
        self.received = received

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message; keep it readable.
        return str(self.args[0])


class OutputParserError(LcelError, ValueError):
    """A parser could not parse a model's text; ``text`` holds that text."""

    def __init__(self, message: str, *, text: str = "") -> None:
        super().__init__(message)
        self.text = text


class RecursionLimitError(LcelError, RecursionError):
    """A chain of runnables returning runnables went deeper than ``recursion_limit``."""
