"""Language models: chat models (messages in, an ``AIMessage`` out) and LLMs (text out).

A model subclass implements one method, :meth:`BaseChatModel._generate` (or
:meth:`BaseLLM._generate_text`), and optionally streaming and native async variants; the base
class coerces the input and maps them onto the leaf protocol. The fakes answer offline:

>>> model = FakeListChatModel(responses=["Hello!", "Bye."])
>>> model.invoke("hi")
AIMessage(content='Hello!')
>>> [chunk.content for chunk in model.stream("hi")]
['B', 'y', 'e', '.']
>>> model.invoke("hi", config=None)
AIMessage(content='Hello!')
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, TypeVar, cast

import attrs

from lcel._config import RunnableConfig
from lcel._leaf import Component
from lcel.caches import BaseCache, acached_invoke, acached_stream, cached_invoke, cached_stream
from lcel.errors import InputValidationError, shorten
from lcel.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    MessageLikeRepresentation,
    SystemMessage,
    ToolMessage,
    convert_to_messages,
    get_buffer_string,
)
from lcel.prompts import ChatPromptValue, PromptValue, StringPromptValue

__all__ = [
    "LanguageModelInput",
    "BaseChatModel",
    "BaseLLM",
    "FakeListChatModel",
    "FakeListLLM",
]

LanguageModelInput = str | PromptValue | Sequence[MessageLikeRepresentation]
"""What every model accepts: a text, a prompt value, or a list of messages (or of
``(role, content)`` pairs)."""

AnyMessage = AIMessage | HumanMessage | ChatMessage | SystemMessage | FunctionMessage | ToolMessage
"""The message union, in the order LangChain's schemas list it."""

_SCHEMA_INPUT = str | StringPromptValue | ChatPromptValue | list[AnyMessage]
"""A model's input as its JSON Schema describes it (the seed's contract): the ``(role,
text)`` pairs accepted at run time are a convenience, not part of the contract."""

_T = TypeVar("_T")


def _overrides(obj: object, name: str, base: type) -> bool:
    return getattr(type(obj), name) is not getattr(base, name)


def _coerce_messages(model: object, value: object) -> list[BaseMessage]:
    if isinstance(value, str):
        return convert_to_messages(value)
    if isinstance(value, PromptValue):
        return value.to_messages()
    if isinstance(value, BaseMessage):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        try:
            return convert_to_messages(value)
        except InputValidationError as exc:
            raise InputValidationError(
                f"{type(model).__name__}: {exc}", path=exc.path, rule=exc.rule
            ) from None
    raise InputValidationError(
        f"{type(model).__name__} expects a str, a PromptValue or a list of messages, got "
        f"{type(value).__name__}: {shorten(value)}"
    )


def _coerce_stop(model: object, stop: object) -> list[str] | None:
    if stop is None:
        return None
    if isinstance(stop, str):
        return [stop]
    if isinstance(stop, Sequence) and all(isinstance(s, str) for s in stop):
        return list(stop)
    raise InputValidationError(
        f"{type(model).__name__}: stop must be a str or a list of str, got "
        f"{type(stop).__name__}: {shorten(stop)}"
    )


def _enforce_stop(text: str, stop: Sequence[str] | None) -> str:
    """Cut ``text`` at the first occurrence of any stop string."""
    if not stop:
        return text
    positions = [i for i in (text.find(s) for s in stop if s) if i >= 0]
    return text[: min(positions)] if positions else text


async def _iterate_in_thread(iterator: Iterator[_T]) -> AsyncIterator[_T]:
    """Drive a blocking iterator from async code, one ``next`` per worker-thread hop."""
    done = object()
    try:
        while True:
            item = await asyncio.to_thread(next, iterator, done)
            if item is done:
                return
            yield item  # type: ignore[misc]  # item is a _T once `done` is ruled out
    finally:
        close: Callable[[], None] | None = getattr(iterator, "close", None)
        if close is not None:
            close()


def _as_chunk(message: AIMessage) -> AIMessageChunk:
    if isinstance(message, AIMessageChunk):
        return message
    return AIMessageChunk(
        message.content,
        additional_kwargs=message.additional_kwargs,
        response_metadata=message.response_metadata,
        name=message.name,
        id=message.id,
        tool_calls=message.tool_calls,
        invalid_tool_calls=message.invalid_tool_calls,
    )


def _join_chunks(chunks: Iterable[AIMessageChunk]) -> AIMessage:
    total: AIMessageChunk | None = None
    for chunk in chunks:
        total = chunk if total is None else total + chunk
    return (total or AIMessageChunk("")).to_message()


# -- chat models -----------------------------------------------------------------------------


@attrs.frozen
class BaseChatModel(Component[LanguageModelInput, AIMessage]):
    """Base of chat models: implement :meth:`_generate` (and optionally the others).

    ``bind(stop=[...])`` reaches ``_generate`` as ``stop``; other bound keywords arrive as
    ``**kwargs``.
    """

    run_type: ClassVar[str] = "chat_model"

    cache: BaseCache | bool | None = attrs.field(default=None, kw_only=True, repr=False)
    """Response cache (:mod:`lcel.caches`): a cache, ``None`` for the global one if set,
    ``True`` to require the global one, ``False`` for none."""

    @property
    def input_type(self) -> Any:  # Any: a type form
        """Text, a prompt value, or a list of messages (the schema's ``anyOf``)."""
        return _SCHEMA_INPUT

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The message union, as LangChain's chat model output schema lists it."""
        return AnyMessage

    def stream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
    ) -> Iterator[AIMessageChunk]:
        """Stream the answer as :class:`AIMessageChunk` pieces, which add up with ``+``."""
        return cast(Iterator[AIMessageChunk], super().stream(input, config))

    def astream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
    ) -> AsyncIterator[AIMessageChunk]:
        """Async :meth:`stream`."""
        return cast(AsyncIterator[AIMessageChunk], super().astream(input, config))

    def _trace_input(self, input: Any) -> Any:  # Any: the model's input
        """Events show a chat model's input as LangChain does: ``{"messages": [[...]]}``."""
        try:
            return {"messages": [_coerce_messages(self, input)]}
        except InputValidationError:
            return input

    def _finalize(self, combined: Any) -> AIMessage:  # Any: the sum of this model's chunks
        """The streamed chunks' sum as the :class:`AIMessage` ``invoke`` would return."""
        if isinstance(combined, AIMessageChunk):
            return combined.to_message()
        if combined is None:
            return AIMessage("")
        return cast(AIMessage, combined)

    # -- what a model implements ---------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AIMessage:
        """Answer ``messages``. Default: the streamed chunks joined (if ``_stream_chunks``
        is implemented)."""
        if _overrides(self, "_stream_chunks", BaseChatModel):
            return _join_chunks(self._stream_chunks(messages, stop, **kwargs))
        raise NotImplementedError(f"{type(self).__name__} must implement _generate")

    def _stream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> Iterator[AIMessageChunk]:
        """Stream the answer as chunks. Default: the whole answer as one chunk."""
        yield _as_chunk(self._generate(messages, stop, **kwargs))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AIMessage:
        """Native async answer. Default: native async chunks joined, else ``_generate`` in a
        worker thread."""
        if _overrides(self, "_astream_chunks", BaseChatModel):
            total: AIMessageChunk | None = None
            async for chunk in self._astream_chunks(messages, stop, **kwargs):
                total = chunk if total is None else total + chunk
            return (total or AIMessageChunk("")).to_message()
        return await asyncio.to_thread(self._generate, messages, stop, **kwargs)

    async def _astream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AsyncIterator[AIMessageChunk]:
        """Native async stream. Default: ``_agenerate`` as one chunk if it is native, else
        ``_stream_chunks`` driven from a worker thread."""
        if _overrides(self, "_agenerate", BaseChatModel) or not _overrides(
            self, "_stream_chunks", BaseChatModel
        ):
            yield _as_chunk(await self._agenerate(messages, stop, **kwargs))
            return
        async for chunk in _iterate_in_thread(self._stream_chunks(messages, stop, **kwargs)):
            yield chunk

    # -- the leaf protocol ---------------------------------------------------------------

    def _invoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AIMessage:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        msgs = _coerce_messages(self, input)
        return cached_invoke(self, msgs, stop, kwargs, lambda: self._generate(msgs, stop, **kwargs))

    async def _ainvoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AIMessage:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        msgs = _coerce_messages(self, input)
        return await acached_invoke(
            self, msgs, stop, kwargs, lambda: self._agenerate(msgs, stop, **kwargs)
        )

    def _stream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> Iterator[AIMessageChunk]:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        msgs = _coerce_messages(self, input)
        return cached_stream(
            self, msgs, stop, kwargs, lambda: self._stream_chunks(msgs, stop, **kwargs),
            _join_chunks,
        )

    def _astream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AsyncIterator[AIMessageChunk]:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        msgs = _coerce_messages(self, input)
        return acached_stream(
            self, msgs, stop, kwargs, lambda: self._astream_chunks(msgs, stop, **kwargs),
            _join_chunks,
        )


# -- LLMs ------------------------------------------------------------------------------------


def _coerce_text(model: object, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, PromptValue):
        return value.to_string()
    return get_buffer_string(_coerce_messages(model, value))


@attrs.frozen
class BaseLLM(Component[LanguageModelInput, str]):
    """Base of text-completion models: implement :meth:`_generate_text`.

    Messages and chat prompt values are rendered as a ``Role: text`` transcript.
    """

    run_type: ClassVar[str] = "llm"

    cache: BaseCache | bool | None = attrs.field(default=None, kw_only=True, repr=False)
    """Response cache (:mod:`lcel.caches`), as for chat models."""

    @property
    def input_type(self) -> Any:  # Any: a type form
        """Text, a prompt value, or a list of messages (the schema's ``anyOf``)."""
        return _SCHEMA_INPUT

    def _generate_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> str:
        """Complete ``prompt``. Default: the streamed pieces joined (if ``_stream_text`` is
        implemented)."""
        if _overrides(self, "_stream_text", BaseLLM):
            return "".join(self._stream_text(prompt, stop, **kwargs))
        raise NotImplementedError(f"{type(self).__name__} must implement _generate_text")

    def _stream_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> Iterator[str]:
        """Stream the completion. Default: the whole completion as one piece."""
        yield self._generate_text(prompt, stop, **kwargs)

    async def _agenerate_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> str:
        """Native async completion. Default: native async pieces joined, else
        ``_generate_text`` in a worker thread."""
        if _overrides(self, "_astream_text", BaseLLM):
            return "".join([p async for p in self._astream_text(prompt, stop, **kwargs)])
        return await asyncio.to_thread(self._generate_text, prompt, stop, **kwargs)

    async def _astream_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AsyncIterator[str]:
        """Native async stream. Default: ``_agenerate_text`` if native, else ``_stream_text``
        driven from a worker thread."""
        if _overrides(self, "_agenerate_text", BaseLLM) or not _overrides(
            self, "_stream_text", BaseLLM
        ):
            yield await self._agenerate_text(prompt, stop, **kwargs)
            return
        async for piece in _iterate_in_thread(self._stream_text(prompt, stop, **kwargs)):
            yield piece

    def _invoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> str:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        text = _coerce_text(self, input)
        return cached_invoke(
            self, text, stop, kwargs, lambda: self._generate_text(text, stop, **kwargs)
        )

    async def _ainvoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> str:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        text = _coerce_text(self, input)
        return await acached_invoke(
            self, text, stop, kwargs, lambda: self._agenerate_text(text, stop, **kwargs)
        )

    def _stream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> Iterator[str]:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        text = _coerce_text(self, input)
        return cached_stream(
            self, text, stop, kwargs, lambda: self._stream_text(text, stop, **kwargs), "".join
        )

    def _astream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AsyncIterator[str]:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        text = _coerce_text(self, input)
        return acached_stream(
            self, text, stop, kwargs, lambda: self._astream_text(text, stop, **kwargs), "".join
        )


# -- fakes -----------------------------------------------------------------------------------


class _Cursor:
    """The position in a fake's responses: the one mutable part of a frozen fake."""

    __slots__ = ("_lock", "_next")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0

    def advance(self, size: int) -> int:
        with self._lock:
            index = self._next % size
            self._next = index + 1
            return index

    def __getstate__(self) -> int:
        # A lock cannot be copied or pickled: copies get their own, at the same position.
        return self._next

    def __setstate__(self, state: int) -> None:
        self._lock = threading.Lock()
        self._next = state


def _responses(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InputValidationError(
            f"responses must be a list of str, got a single str {shorten(value)!r}; "
            "wrap it in a list"
        )
    result = tuple(value)
    if not result:
        raise InputValidationError("a fake model needs at least one response")
    for i, item in enumerate(result):
        if not isinstance(item, str):
            raise InputValidationError(
                f"responses[{i}] must be a str, got {type(item).__name__}: {shorten(item)}"
            )
    return result


def _check_delay(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, int | float) or value < 0):
        raise InputValidationError(
            f"{attribute.name} must be a number of seconds >= 0 or None, got {value!r}"
        )


@attrs.frozen(slots=False)  # a mixin: the model base class holds the slots (cache)
class _FakeResponses:
    """What both fakes share: the responses, the delays and the cursor."""

    responses: tuple[str, ...] = attrs.field(converter=_responses)
    """The answers, used in turn (cycling)."""
    chunk_delay: float | None = attrs.field(default=None, validator=_check_delay)
    """Seconds to wait between streamed chunks."""
    delay: float | None = attrs.field(default=None, kw_only=True, validator=_check_delay)
    """Seconds to wait before each answer (to simulate latency)."""
    _cursor: _Cursor = attrs.field(factory=_Cursor, init=False, eq=False, hash=False, repr=False)

    def _next_response(self, stop: Sequence[str] | None) -> str:
        return _enforce_stop(self.responses[self._cursor.advance(len(self.responses))], stop)

    def _wait(self) -> None:
        if self.delay:
            time.sleep(self.delay)

    async def _await(self) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)

    def _pieces(self, text: str) -> Iterator[str]:
        for i, char in enumerate(text or [""]):
            if i and self.chunk_delay:
                time.sleep(self.chunk_delay)
            yield char

    async def _apieces(self, text: str) -> AsyncIterator[str]:
        for i, char in enumerate(text or [""]):
            if i and self.chunk_delay:
                await asyncio.sleep(self.chunk_delay)
            yield char


@attrs.frozen
class FakeListChatModel(_FakeResponses, BaseChatModel):
    """A chat model answering each call with the next of ``responses`` (cycling), streamed one
    character per chunk; ``stop`` strings cut the answer.

    >>> FakeListChatModel(responses=["a-b"]).bind(stop=["-"]).invoke("x")
    AIMessage(content='a')
    """

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AIMessage:
        self._wait()
        return AIMessage(self._next_response(stop))

    def _stream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> Iterator[AIMessageChunk]:
        self._wait()
        for piece in self._pieces(self._next_response(stop)):
            yield AIMessageChunk(piece)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AIMessage:
        await self._await()
        return AIMessage(self._next_response(stop))

    async def _astream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AsyncIterator[AIMessageChunk]:
        await self._await()
        async for piece in self._apieces(self._next_response(stop)):
            yield AIMessageChunk(piece)


@attrs.frozen
class FakeListLLM(_FakeResponses, BaseLLM):
    """An LLM answering each call with the next of ``responses`` (cycling), streamed one
    character per chunk; ``stop`` strings cut the answer.

    >>> FakeListLLM(responses=["1", "2"]).batch(["a", "b"], {"max_concurrency": 1})
    ['1', '2']
    """

    def _generate_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> str:
        self._wait()
        return self._next_response(stop)

    def _stream_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> Iterator[str]:
        self._wait()
        yield from self._pieces(self._next_response(stop))

    async def _agenerate_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> str:
        await self._await()
        return self._next_response(stop)

    async def _astream_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AsyncIterator[str]:
        await self._await()
        async for piece in self._apieces(self._next_response(stop)):
            yield piece
