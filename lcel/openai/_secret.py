"""``SecretStr``: a string that never shows itself (repr, str, format, pickle-safe equality)."""

from __future__ import annotations

import hmac

__all__ = ["SecretStr"]


class SecretStr:
    """An API key or other secret: ``get_secret_value()`` is the only way to read it.

    >>> key = SecretStr("sk-very-secret")
    >>> key, str(key), f"{key}"
    (SecretStr('**********'), '**********', '**********')
    >>> key.get_secret_value()
    'sk-very-secret'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a secret must be a str, got {type(value).__name__}")
        self._value = value

    def get_secret_value(self) -> str:
        """The secret itself: send it, never print it."""
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('**********')" if self._value else "SecretStr('')"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretStr):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((SecretStr, self._value))

    def __len__(self) -> int:
        return len(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __getstate__(self) -> str:
        return self._value

    def __setstate__(self, state: str) -> None:
        self._value = state
