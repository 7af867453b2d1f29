"""Response caches for models: the same request to the same model is answered from storage.

A cache maps ``(prompt_key, llm_key)`` to a model's answer (an ``AIMessage`` for a chat
model, a ``str`` for an LLM). :func:`model_cache_key` builds the two keys as JSON with sorted
keys through lcel's converter (:mod:`lcel.serde`): ``prompt_key`` from the messages (or the
prompt text), ``llm_key`` from the model's class and parameters, ``stop`` and the bound
options (``tools``…). Fields that may hold secrets (``repr=False`` fields, names such as
``api_key`` or ``token``) are left out of the key, so they never reach a cache file.

Set a cache per model (``FakeListChatModel(responses=[...], cache=InMemoryCache())``) or for
every model with :func:`set_llm_cache`; ``cache=False`` opts a model out, ``cache=True``
requires the global one. A hit skips the model; streaming a hit yields the stored answer in
chunks; a chat model's cached answer carries ``response_metadata["cached"] = True``.

>>> cache = InMemoryCache(maxsize=2)
>>> cache.update("p", "m", "answer")
>>> cache.lookup("p", "m")
'answer'
>>> cache.lookup("p", "other model") is None
True
"""

from __future__ import annotations

import abc
import asyncio
import json
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import attrs

from lcel._sqlite import SQLiteConnection
from lcel.errors import shorten
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage

__all__ = [
    "CachedAnswer",
    "BaseCache",
    "InMemoryCache",
    "SQLiteCache",
    "get_llm_cache",
    "set_llm_cache",
    "model_cache_key",
]

CachedAnswer: TypeAlias = AIMessage | str
"""What a cache stores: a chat model's message or an LLM's text."""


class BaseCache(abc.ABC):
    """Storage of model answers by ``(prompt_key, llm_key)``.

    The async twins default to the sync methods in a worker thread.
    """

    @abc.abstractmethod
    def lookup(self, prompt_key: str, llm_key: str) -> CachedAnswer | None:
        """The stored answer, or ``None`` on a miss."""

    @abc.abstractmethod
    def update(self, prompt_key: str, llm_key: str, value: CachedAnswer) -> None:
        """Store ``value`` (replacing any previous answer for these keys)."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Forget every answer."""

    async def alookup(self, prompt_key: str, llm_key: str) -> CachedAnswer | None:
        """Async :meth:`lookup`."""
        return await asyncio.to_thread(self.lookup, prompt_key, llm_key)

    async def aupdate(self, prompt_key: str, llm_key: str, value: CachedAnswer) -> None:
        """Async :meth:`update`."""
        await asyncio.to_thread(self.update, prompt_key, llm_key, value)

    async def aclear(self) -> None:
        """Async :meth:`clear`."""
        await asyncio.to_thread(self.clear)


def _check_value(value: object) -> CachedAnswer:
    if isinstance(value, AIMessageChunk):
        return value.to_message()
    if isinstance(value, AIMessage | str):
        return value
    raise TypeError(
        f"a cache stores an AIMessage or a str, got {type(value).__name__}: {shorten(value)}"
    )


class InMemoryCache(BaseCache):
    """Answers in a dict; with ``maxsize``, the oldest entry goes first when full.

    Safe to share between threads.
    """

    def __init__(self, *, maxsize: int | None = None) -> None:
        if maxsize is not None and (
            not isinstance(maxsize, int) or isinstance(maxsize, bool) or maxsize <= 0
        ):
            raise ValueError(f"maxsize must be a positive int or None, got {maxsize!r}")
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], CachedAnswer] = OrderedDict()

    def lookup(self, prompt_key: str, llm_key: str) -> CachedAnswer | None:
        """The stored answer, or ``None``."""
        with self._lock:
            return self._entries.get((prompt_key, llm_key))

    def update(self, prompt_key: str, llm_key: str, value: CachedAnswer) -> None:
        """Store ``value``; evict the oldest entry if ``maxsize`` is reached."""
        checked = _check_value(value)
        with self._lock:
            key = (prompt_key, llm_key)
            if key not in self._entries and self.maxsize is not None:
                while len(self._entries) >= self.maxsize:
                    self._entries.popitem(last=False)
            self._entries[key] = checked

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._entries.clear()

    async def alookup(self, prompt_key: str, llm_key: str) -> CachedAnswer | None:
        """:meth:`lookup` (no thread hop: a dict read does not block)."""
        return self.lookup(prompt_key, llm_key)

    async def aupdate(self, prompt_key: str, llm_key: str, value: CachedAnswer) -> None:
        """:meth:`update` (no thread hop)."""
        self.update(prompt_key, llm_key, value)

    async def aclear(self) -> None:
        """:meth:`clear` (no thread hop)."""
        self.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        return f"InMemoryCache(maxsize={self.maxsize!r}, {len(self)} entries)"


def _encode(value: CachedAnswer) -> str:
    from lcel.serde import to_jsonable

    if isinstance(value, str):
        return json.dumps({"text": value})
    return json.dumps({"message": to_jsonable(value)}, sort_keys=True)


def _decode(text: str) -> CachedAnswer:
    from lcel.serde import from_jsonable

    data = json.loads(text)
    if "text" in data:
        return str(data["text"])
    return from_jsonable(data["message"], AIMessage)


class SQLiteCache(SQLiteConnection, BaseCache):
    """Answers in a SQLite file (stdlib ``sqlite3``, WAL mode), stored as JSON, never pickled.

    Safe to share between threads (one connection behind a lock) and processes (WAL and a
    busy timeout). Call :meth:`close` (or use ``with``) when done.
    """

    def __init__(self, path: str | Path = ".lcel_cache.db", *, timeout: float = 30.0) -> None:
        self.path = str(path)
        super().__init__(
            self.path,
            [
                "CREATE TABLE IF NOT EXISTS llm_cache ("
                "prompt_key TEXT NOT NULL, llm_key TEXT NOT NULL, answer TEXT NOT NULL, "
                "PRIMARY KEY (prompt_key, llm_key))"
            ],
            timeout=timeout,
        )

    def lookup(self, prompt_key: str, llm_key: str) -> CachedAnswer | None:
        """The stored answer, or ``None``."""
        with self._lock:
            row = (
                self._connection()
                .execute(
                    "SELECT answer FROM llm_cache WHERE prompt_key = ? AND llm_key = ?",
                    (prompt_key, llm_key),
                )
                .fetchone()
            )
        return None if row is None else _decode(row[0])

    def update(self, prompt_key: str, llm_key: str, value: CachedAnswer) -> None:
        """Store ``value`` (an upsert)."""
        text = _encode(_check_value(value))
        with self._lock:
            self._connection().execute(
                "INSERT OR REPLACE INTO llm_cache (prompt_key, llm_key, answer) VALUES (?, ?, ?)",
                (prompt_key, llm_key, text),
            )

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._connection().execute("DELETE FROM llm_cache")

    def __repr__(self) -> str:
        return f"SQLiteCache({self.path!r})"


# -- the global cache ---------------------------------------------------------------------------

_GLOBAL: list[BaseCache | None] = [None]


def set_llm_cache(cache: BaseCache | None) -> None:
    """Use ``cache`` for every model whose ``cache`` field is ``None`` or ``True``."""
    if cache is not None and not isinstance(cache, BaseCache):
        raise TypeError(f"set_llm_cache() takes a BaseCache or None, got {cache!r}")
    _GLOBAL[0] = cache


def get_llm_cache() -> BaseCache | None:
    """The cache set with :func:`set_llm_cache`, if any."""
    return _GLOBAL[0]


# -- keys --------------------------------------------------------------------------------------

_SECRET_NAME = re.compile(r"(key|token|secret|password|credential|auth)", re.IGNORECASE)


def _stable(value: Any) -> Any:  # Any: JSON-ready data in and out
    """JSON data with anything else named by its type (stable across processes)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _stable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    kind = type(value)
    return f"<{kind.__module__}.{kind.__qualname__}>"


def _model_params(model: object) -> dict[str, Any]:  # Any: parameter values
    from lcel.serde import to_jsonable

    kind = type(model)
    if not attrs.has(kind):
        return {}
    params: dict[str, Any] = {}
    for field in attrs.fields(kind):
        if field.name == "cache" or not field.repr or not field.init:
            continue
        if field.name.startswith("_") or _SECRET_NAME.search(field.name):
            continue
        params[field.name] = _stable(to_jsonable(getattr(model, field.name)))
    return params


def model_cache_key(
    model: object,
    prompt: Sequence[BaseMessage] | str,
    stop: Sequence[str] | None,
    options: Mapping[str, Any],  # Any: bound options (tools, temperature…)
) -> tuple[str, str]:
    """``(prompt_key, llm_key)``: JSON of the prompt, and of the model, ``stop`` and options.

    >>> from lcel.messages import HumanMessage
    >>> from lcel.models import FakeListChatModel
    >>> prompt_key, llm_key = model_cache_key(
    ...     FakeListChatModel(responses=["a"]), [HumanMessage("hi")], None, {}
    ... )
    >>> prompt_key
    '[{"additional_kwargs": {}, "content": "hi", ... "type": "human"}]'
    >>> llm_key
    '{"_type": "lcel.models.FakeListChatModel", "options": {}, "params": {...}, "stop": null}'
    """
    from lcel.serde import to_jsonable

    kind = type(model)
    prompt_data = prompt if isinstance(prompt, str) else _stable(to_jsonable(list(prompt)))
    llm_data = {
        "_type": f"{kind.__module__}.{kind.__qualname__}",
        "params": _model_params(model),
        "stop": list(stop) if stop is not None else None,
        "options": _stable(to_jsonable(dict(options))),
    }
    return (
        json.dumps(prompt_data, sort_keys=True, ensure_ascii=False),
        json.dumps(llm_data, sort_keys=True, ensure_ascii=False),
    )


# -- what models call ---------------------------------------------------------------------------


def resolve_cache(model: object) -> BaseCache | None:
    """The cache ``model`` uses: its own, the global one, or none (``cache=False``)."""
    own = getattr(model, "cache", None)
    if own is False:
        return None
    if isinstance(own, BaseCache):
        return own
    found = get_llm_cache()
    if own is True and found is None:
        raise ValueError(
            f"{type(model).__name__}(cache=True) needs a global cache: call "
            "lcel.caches.set_llm_cache(InMemoryCache()) first, or pass cache=<a BaseCache>"
        )
    if own is not None and own is not True:
        raise TypeError(
            f"{type(model).__name__}.cache must be a BaseCache, True, False or None, got {own!r}"
        )
    return found


def mark_cached(value: CachedAnswer) -> CachedAnswer:
    """A hit as returned: a message carries ``response_metadata["cached"] = True``."""
    if isinstance(value, AIMessage):
        return attrs.evolve(value, response_metadata={**value.response_metadata, "cached": True})
    return value


_PIECES = re.compile(r"\s*\S+\s*|\s+")


def text_pieces(text: str) -> list[str]:
    """A cached text cut into word-sized chunks to stream (joined, they give ``text``)."""
    return _PIECES.findall(text) or [""]


def message_chunks(message: AIMessage) -> Iterator[AIMessageChunk]:
    """A cached message as chunks that add up to it (metadata on the first one)."""
    if not isinstance(message.content, str):
        yield AIMessageChunk(
            message.content,
            response_metadata=message.response_metadata,
            additional_kwargs=message.additional_kwargs,
            tool_calls=message.tool_calls,
            id=message.id,
            name=message.name,
        )
        return
    for i, piece in enumerate(text_pieces(message.content)):
        if i == 0:
            yield AIMessageChunk(
                piece,
                response_metadata=message.response_metadata,
                additional_kwargs=message.additional_kwargs,
                tool_calls=message.tool_calls,
                id=message.id,
                name=message.name,
            )
        else:
            yield AIMessageChunk(piece, id=message.id)


_A = TypeVar("_A", AIMessage, str)
_C = TypeVar("_C", AIMessageChunk, str)


def cached_invoke(
    model: object,
    prompt: Sequence[BaseMessage] | str,
    stop: Sequence[str] | None,
    options: Mapping[str, Any],  # Any: bound options
    generate: Callable[[], _A],
) -> _A:
    """``generate()``, unless the model's cache holds the answer; store a fresh answer."""
    cache = resolve_cache(model)
    if cache is None:
        return generate()
    keys = model_cache_key(model, prompt, stop, options)
    hit = cache.lookup(*keys)
    if hit is not None:
        return mark_cached(hit)  # type: ignore[return-value]  # same kind as stored
    answer = generate()
    cache.update(*keys, answer)
    return answer


async def acached_invoke(
    model: object,
    prompt: Sequence[BaseMessage] | str,
    stop: Sequence[str] | None,
    options: Mapping[str, Any],  # Any: bound options
    agenerate: Callable[[], Awaitable[_A]],
) -> _A:
    """Async :func:`cached_invoke`."""
    cache = resolve_cache(model)
    if cache is None:
        return await agenerate()
    keys = model_cache_key(model, prompt, stop, options)
    hit = await cache.alookup(*keys)
    if hit is not None:
        return mark_cached(hit)  # type: ignore[return-value]  # same kind as stored
    answer = await agenerate()
    await cache.aupdate(*keys, answer)
    return answer


def _chunks_of(hit: CachedAnswer) -> Iterator[Any]:  # Any: AIMessageChunk or str pieces
    marked = mark_cached(hit)
    if isinstance(marked, AIMessage):
        return message_chunks(marked)
    return iter(text_pieces(marked))


def cached_stream(
    model: object,
    prompt: Sequence[BaseMessage] | str,
    stop: Sequence[str] | None,
    options: Mapping[str, Any],  # Any: bound options
    stream: Callable[[], Iterator[_C]],
    join: Callable[[list[_C]], CachedAnswer],
) -> Iterator[_C]:
    """``stream()``, unless the cache holds the answer (then streamed from it in pieces); a
    fresh stream is stored once it ends (an abandoned one is not)."""
    cache = resolve_cache(model)
    if cache is None:
        yield from stream()
        return
    keys = model_cache_key(model, prompt, stop, options)
    hit = cache.lookup(*keys)
    if hit is not None:
        yield from _chunks_of(hit)
        return
    seen: list[_C] = []
    it = stream()
    try:
        for chunk in it:
            seen.append(chunk)
            yield chunk
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()
    cache.update(*keys, join(seen))


async def acached_stream(
    model: object,
    prompt: Sequence[BaseMessage] | str,
    stop: Sequence[str] | None,
    options: Mapping[str, Any],  # Any: bound options
    astream: Callable[[], AsyncIterator[_C]],
    join: Callable[[list[_C]], CachedAnswer],
) -> AsyncIterator[_C]:
    """Async :func:`cached_stream`."""
    cache = resolve_cache(model)
    if cache is None:
        async for chunk in astream():
            yield chunk
        return
    keys = model_cache_key(model, prompt, stop, options)
    hit = await cache.alookup(*keys)
    if hit is not None:
        for piece in _chunks_of(hit):
            yield piece
        return
    seen: list[_C] = []
    ait = astream()
    try:
        async for chunk in ait:
            seen.append(chunk)
            yield chunk
    finally:
        aclose = getattr(ait, "aclose", None)
        if aclose is not None:
            await aclose()
    await cache.aupdate(*keys, join(seen))
