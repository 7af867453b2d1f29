"""``RunnableConfig`` and its merge rules.

Rules: ``tags`` accumulate (parent first, no duplicates), ``metadata`` merges (child wins),
``callbacks`` accumulate, ``configurable`` merges, ``max_concurrency`` and
``recursion_limit`` inherit unless the child sets them, and ``run_name`` / ``run_id`` name
only the node they are set on.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from lcel.errors import quoted

__all__ = [
    "DEFAULT_RECURSION_LIMIT",
    "RunnableConfig",
    "ensure_config",
    "merge_configs",
]

DEFAULT_RECURSION_LIMIT = 25

_KNOWN_KEYS = frozenset(
    {
        "tags",
        "metadata",
        "run_name",
        "run_id",
        "max_concurrency",
        "recursion_limit",
        "callbacks",
        "configurable",
    }
)


class RunnableConfig(TypedDict, total=False):
    """Options for one run; every key is optional.

    No item is typed ``Any``: a TypedDict holding ``Any`` makes mypy give up on overloads
    taking ``(input, config)`` functions (an async one would lose its types). ``metadata``
    and ``configurable`` are read-only mappings, so a user's ``dict[str, str]`` fits.
    """

    tags: list[str]
    metadata: Mapping[str, object]
    run_name: str
    run_id: uuid.UUID
    max_concurrency: int | None
    recursion_limit: int
    callbacks: object  # handlers (a list); their protocol is lcel.callbacks.CallbackHandler
    configurable: Mapping[str, object]


def ensure_config(config: Mapping[str, Any] | None) -> RunnableConfig:
    """Check ``config``'s keys and types and return it as a plain dict.

    Raises ``TypeError`` naming an unknown key, so a misspelt option is not silently ignored.
    """
    if config is None:
        return {}
    if not isinstance(config, Mapping):
        raise TypeError(
            f"config must be a dict (RunnableConfig), got {type(config).__name__}: {quoted(config)}"
        )
    unknown = set(config) - _KNOWN_KEYS
    if unknown:
        raise TypeError(
            f"unknown RunnableConfig key(s) {sorted(unknown)}; "
            f"expected some of {sorted(_KNOWN_KEYS)}"
        )
    out: dict[str, Any] = dict(config)
    tags = out.get("tags")
    if tags is not None:
        if isinstance(tags, str) or not isinstance(tags, Sequence):
            raise TypeError(f"config['tags'] must be a list of strings, got {quoted(tags)}")
        out["tags"] = list(tags)
    limit = out.get("recursion_limit")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"config['recursion_limit'] must be a positive int, got {quoted(limit)}")
    mc = out.get("max_concurrency")
    if mc is not None and (not isinstance(mc, int) or mc < 1):
        raise ValueError(
            f"config['max_concurrency'] must be a positive int or None, got {quoted(mc)}"
        )
    return out  # type: ignore[return-value]


def merge_configs(parent: Mapping[str, Any], child: Mapping[str, Any]) -> RunnableConfig:
    """Merge ``child`` over ``parent`` with the module's rules (``run_name`` is not inherited)."""
    out: dict[str, Any] = {k: v for k, v in parent.items() if k not in ("run_name", "run_id")}
    for key, value in child.items():
        if key == "tags":
            old = out.get("tags") or []
            out["tags"] = old + [t for t in value if t not in old]
        elif key in ("metadata", "configurable"):
            out[key] = {**(out.get(key) or {}), **value}
        elif key == "callbacks":
            old_cb = out.get("callbacks")
            if old_cb and value:
                out["callbacks"] = list(_as_list(old_cb)) + [
                    h for h in _as_list(value) if h not in _as_list(old_cb)
                ]
            elif value:
                out["callbacks"] = value
        else:
            out[key] = value
    return out  # type: ignore[return-value]


def _as_list(callbacks: Any) -> list[Any]:
    if isinstance(callbacks, list | tuple):
        return list(callbacks)
    return [callbacks]
