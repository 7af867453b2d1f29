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
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, cast, overload

import attrs

from lcel._config import RunnableConfig
from lcel._leaf import Component
from lcel.caches import BaseCache, acached_invoke, acached_stream, cached_invoke, cached_stream
from lcel.errors import InputValidationError, quoted, shorten
from lcel.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    MessageLikeRepresentation,
    SystemMessage,
    ToolCallChunk,
    ToolMessage,
    convert_to_messages,
    get_buffer_string,
)
from lcel.prompts import ChatPromptValue, PromptValue, StringPromptValue

if TYPE_CHECKING:
    from lcel._runnable import Runnable
    from lcel._structured import StructuredMethod, StructuredOutputWithRaw

__all__ = [
    "LanguageModelInput",
    "BaseChatModel",
    "BaseLLM",
    "FakeListChatModel",
    "FakeMessagesListChatModel",
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
_S = TypeVar("_S")

ToolChoice = str | bool | dict[str, Any] | None
"""Which tool the model must call: a tool's name, ``"auto"``, ``"none"``, ``"required"``
(``"any"`` and ``True`` say the same), or the provider's own dict."""


def _tool_choice(choice: object, tools: Sequence[dict[str, Any]]) -> object:
    """``tool_choice`` as the chat-completions protocol spells it."""
    names = [t.get("function", {}).get("name") for t in tools]
    if choice is True or choice == "any":
        if len(names) == 1 and names[0]:
            return {"type": "function", "function": {"name": names[0]}}
        return "required"
    if isinstance(choice, str):
        if choice in ("auto", "none", "required"):
            return choice
        if choice not in names:
            raise InputValidationError(
                f"tool_choice {choice!r} names no bound tool; the tools are {names} (or use "
                "'auto', 'none', 'required')"
            )
        return {"type": "function", "function": {"name": choice}}
    if choice is False:
        return "none"
    if isinstance(choice, dict):
        return choice
    raise InputValidationError(
        f"tool_choice must be a tool's name, 'auto', 'none', 'required', True or a dict; "
        f"got {type(choice).__name__}: {shorten(choice)}"
    )


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
    """Drive a blocking iterator from async code, one ``next`` per worker-thread hop.

    Cancelled while a worker runs ``next``, it waits for that step to return before closing
    the iterator (closing a generator that is still running raises ``ValueError`` and would
    leave it, and whatever it holds, open).
    """
    done = object()
    step: asyncio.Future[object] | None = None
    try:
        while True:
            step = asyncio.ensure_future(asyncio.to_thread(next, iterator, done))
            item = await asyncio.shield(step)  # a cancellation leaves the step running
            step = None
            if item is done:
                return
            yield item  # type: ignore[misc]  # item is a _T once `done` is ruled out
    finally:
        if step is not None:
            await asyncio.wait([step])
            if not step.cancelled():
                step.exception()  # retrieved: the step's error, if any, was not asked for
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
        usage_metadata=message.usage_metadata,
    )


def _join_chunks(chunks: Iterable[AIMessageChunk]) -> AIMessage:
    total: AIMessageChunk | None = None
    for chunk in chunks:
        total = chunk if total is None else total + chunk
    return (total or AIMessageChunk("")).to_message()


# -- the leaf protocol, shared by chat models and LLMs ----------------------------------------

_P = TypeVar("_P", list[BaseMessage], str)  # what the model is given: messages or text
_O = TypeVar("_O", AIMessage, str)  # its answer
_C = TypeVar("_C", AIMessageChunk, str)  # a streamed piece of the answer


@attrs.frozen
class _LanguageModel(Component[LanguageModelInput, _O], Generic[_P, _O, _C]):
    """The leaf protocol of a model, written once: coerce the input, take ``stop`` from the
    bound options, and answer through the response cache. A subclass supplies the ``_lm_*``
    hooks: the input coerced, the answer (sync, async), its pieces (sync, async), their join."""

    @property
    def input_type(self) -> Any:  # Any: a type form
        """Text, a prompt value, or a list of messages (the schema's ``anyOf``)."""
        return _SCHEMA_INPUT

    def _lm_prompt(self, input: LanguageModelInput) -> _P:
        raise NotImplementedError

    def _lm_answer(self, prompt: _P, stop: list[str] | None, kwargs: dict[str, Any]) -> _O:
        raise NotImplementedError

    def _lm_aanswer(
        self, prompt: _P, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Awaitable[_O]:
        raise NotImplementedError

    def _lm_stream(
        self, prompt: _P, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Iterator[_C]:
        raise NotImplementedError

    def _lm_astream(
        self, prompt: _P, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> AsyncIterator[_C]:
        raise NotImplementedError

    def _lm_join(self, pieces: list[_C]) -> _O:
        raise NotImplementedError

    def _invoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> _O:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        prompt = self._lm_prompt(input)
        return cached_invoke(
            self, prompt, stop, kwargs, lambda: self._lm_answer(prompt, stop, kwargs)
        )

    async def _ainvoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> _O:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        prompt = self._lm_prompt(input)
        return await acached_invoke(
            self, prompt, stop, kwargs, lambda: self._lm_aanswer(prompt, stop, kwargs)
        )

    def _stream(  # type: ignore[override]  # a piece is a chunk of the answer's type
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> Iterator[_C]:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        prompt = self._lm_prompt(input)
        return cached_stream(
            self, prompt, stop, kwargs, lambda: self._lm_stream(prompt, stop, kwargs),
            self._lm_join,
        )

    def _astream(  # type: ignore[override]  # a piece is a chunk of the answer's type
        self,
        input: LanguageModelInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: model options given with bind()
    ) -> AsyncIterator[_C]:
        stop = _coerce_stop(self, kwargs.pop("stop", None))
        prompt = self._lm_prompt(input)
        return acached_stream(
            self, prompt, stop, kwargs, lambda: self._lm_astream(prompt, stop, kwargs),
            self._lm_join,
        )


# -- chat models -----------------------------------------------------------------------------


@attrs.frozen
class BaseChatModel(_LanguageModel[list[BaseMessage], AIMessage, AIMessageChunk]):
    """Base of chat models: implement :meth:`_generate` (and optionally the others).

    ``bind(stop=[...])`` reaches ``_generate`` as ``stop``; other bound keywords arrive as
    ``**kwargs``.
    """

    run_type: ClassVar[str] = "chat_model"

    cache: BaseCache | bool | None = attrs.field(default=None, kw_only=True, repr=False)
    """Response cache (:mod:`lcel.caches`): a cache, ``None`` for the global one if set,
    ``True`` to require the global one, ``False`` for none."""

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

    # -- tools and structured output ------------------------------------------------------

    default_structured_output_method: ClassVar[str] = "function_calling"
    """What ``with_structured_output`` uses when no ``method`` is given."""

    def _format_tool(self, tool: Any, strict: bool | None) -> dict[str, Any]:  # Any: tool-like
        """A tool as this model's API takes it (the hook ``bind_tools`` uses). Default: the
        OpenAI function format, which most servers speak."""
        from lcel.function_calling import convert_to_openai_tool

        return convert_to_openai_tool(tool, strict=strict)

    def bind_tools(
        self,
        tools: Sequence[Any],  # Any: @tool tools, attrs classes, TypedDicts, dicts, functions
        *,
        tool_choice: ToolChoice = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        **kwargs: Any,  # Any: further call options, bound as they are
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """This model with ``tools`` offered on every call; its answers' ``tool_calls`` say
        which to run with which arguments.

        >>> model = FakeListChatModel(responses=[AIMessage("", tool_calls=[
        ...     {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1"}])])
        >>> def add(a: int, b: int) -> int:
        ...     '''Add two integers.'''
        ...     return a + b
        >>> model.bind_tools([add]).invoke("1 + 2?").tool_calls
        [{'name': 'add', 'args': {'a': 1, 'b': 2}, 'id': 'call_1'}]
        """
        if isinstance(tools, str | bytes) or not isinstance(tools, Sequence):
            raise InputValidationError(
                f"bind_tools expects a list of tools, got {type(tools).__name__}: "
                f"{shorten(tools)}"
            )
        formatted = [self._format_tool(t, strict) for t in tools]
        if tool_choice is not None:
            kwargs["tool_choice"] = _tool_choice(tool_choice, formatted)
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return self.bind(tools=formatted, **kwargs)

    @overload
    def with_structured_output(
        self,
        schema: type[_S],
        *,
        method: StructuredMethod | None = None,
        include_raw: Literal[False] = False,
        strict: bool | None = None,
    ) -> Runnable[LanguageModelInput, _S]: ...

    @overload
    def with_structured_output(
        self,
        schema: dict[str, Any],
        *,
        method: StructuredMethod | None = None,
        include_raw: Literal[False] = False,
        strict: bool | None = None,
    ) -> Runnable[LanguageModelInput, dict[str, Any]]: ...

    @overload
    def with_structured_output(
        self,
        schema: type[_S],
        *,
        method: StructuredMethod | None = None,
        include_raw: Literal[True],
        strict: bool | None = None,
    ) -> Runnable[LanguageModelInput, StructuredOutputWithRaw[_S]]: ...

    @overload
    def with_structured_output(
        self,
        schema: dict[str, Any],
        *,
        method: StructuredMethod | None = None,
        include_raw: Literal[True],
        strict: bool | None = None,
    ) -> Runnable[LanguageModelInput, StructuredOutputWithRaw[dict[str, Any]]]: ...

    def with_structured_output(
        self,
        schema: type[Any] | dict[str, Any],
        *,
        method: StructuredMethod | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
    ) -> Runnable[LanguageModelInput, Any]:
        """This model answering with an instance of ``schema`` (an attrs class, a dataclass,
        a TypedDict, or a JSON-Schema dict with a ``title``) instead of a message.

        ``method``: ``"function_calling"`` (the model must call a tool shaped like the
        schema), ``"json_schema"`` (the server constrains the answer to the schema) or
        ``"json_mode"`` (the answer is a JSON object; say which in the prompt). Invalid
        answers raise :class:`~lcel.errors.OutputParserError`, or with ``include_raw=True``
        come back as ``{"raw": message, "parsed": None, "parsing_error": error}``.

        >>> import attrs
        >>> @attrs.frozen
        ... class Person:
        ...     '''Someone mentioned in the text.'''
        ...     name: str
        ...     age: int
        >>> model = FakeListChatModel(responses=['{"name": "Ada", "age": 36}'])
        >>> model.with_structured_output(Person, method="json_schema").invoke("Ada is 36")
        Person(name='Ada', age=36)
        """
        from lcel._structured import StructuredOutputParser
        from lcel.function_calling import convert_to_openai_function

        chosen = method or self.default_structured_output_method
        parser = StructuredOutputParser(schema, chosen, include_raw)
        if chosen == "function_calling":
            bound = self.bind_tools([schema], tool_choice=parser.tool_name, strict=strict)
        elif chosen == "json_schema":
            function = convert_to_openai_function(schema, strict=strict)
            spec: dict[str, Any] = {  # Any: JSON data
                "name": function["name"],
                "schema": function.get("parameters") or {"type": "object"},
            }
            if function.get("description"):
                spec["description"] = function["description"]
            if strict is not None:
                spec["strict"] = strict
            bound = self.bind(response_format={"type": "json_schema", "json_schema": spec})
        else:
            bound = self.bind(response_format={"type": "json_object"})
        return bound | parser

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

    # -- the hooks of the shared leaf protocol --------------------------------------------

    def _lm_prompt(self, input: LanguageModelInput) -> list[BaseMessage]:
        return _coerce_messages(self, input)

    def _lm_answer(
        self, prompt: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> AIMessage:
        return self._generate(prompt, stop, **kwargs)

    def _lm_aanswer(
        self, prompt: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Awaitable[AIMessage]:
        return self._agenerate(prompt, stop, **kwargs)

    def _lm_stream(
        self, prompt: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Iterator[AIMessageChunk]:
        return self._stream_chunks(prompt, stop, **kwargs)

    def _lm_astream(
        self, prompt: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> AsyncIterator[AIMessageChunk]:
        return self._astream_chunks(prompt, stop, **kwargs)

    def _lm_join(self, pieces: list[AIMessageChunk]) -> AIMessage:
        return _join_chunks(pieces)


# -- LLMs ------------------------------------------------------------------------------------


def _coerce_text(model: object, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, PromptValue):
        return value.to_string()
    return get_buffer_string(_coerce_messages(model, value))


@attrs.frozen
class BaseLLM(_LanguageModel[str, str, str]):
    """Base of text-completion models: implement :meth:`_generate_text`.

    Messages and chat prompt values are rendered as a ``Role: text`` transcript.
    """

    run_type: ClassVar[str] = "llm"

    cache: BaseCache | bool | None = attrs.field(default=None, kw_only=True, repr=False)
    """Response cache (:mod:`lcel.caches`), as for chat models."""

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

    # -- the hooks of the shared leaf protocol --------------------------------------------

    def _lm_prompt(self, input: LanguageModelInput) -> str:
        return _coerce_text(self, input)

    def _lm_answer(self, prompt: str, stop: list[str] | None, kwargs: dict[str, Any]) -> str:
        return self._generate_text(prompt, stop, **kwargs)

    def _lm_aanswer(
        self, prompt: str, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Awaitable[str]:
        return self._agenerate_text(prompt, stop, **kwargs)

    def _lm_stream(
        self, prompt: str, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Iterator[str]:
        return self._stream_text(prompt, stop, **kwargs)

    def _lm_astream(
        self, prompt: str, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> AsyncIterator[str]:
        return self._astream_text(prompt, stop, **kwargs)

    def _lm_join(self, pieces: list[str]) -> str:
        return "".join(pieces)


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


def _responses(value: Iterable[str | AIMessage]) -> tuple[str | AIMessage, ...]:
    if isinstance(value, str | BaseMessage):
        raise InputValidationError(
            f"responses must be a list, got a single {type(value).__name__} "
            f"{shorten(value)!r}; wrap it in a list"
        )
    result = tuple(value)
    if not result:
        raise InputValidationError("a fake model needs at least one response")
    for i, item in enumerate(result):
        if not isinstance(item, str | AIMessage):
            raise InputValidationError(
                f"responses[{i}] must be a str or an AIMessage, got {type(item).__name__}: "
                f"{shorten(item)}"
            )
    return result


def _check_delay(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, int | float) or value < 0):
        raise InputValidationError(
            f"{attribute.name} must be a number of seconds >= 0 or None, got {quoted(value)}"
        )


@attrs.frozen(slots=False)  # a mixin: the model base class holds the slots (cache)
class _FakeResponses:
    """What both fakes share: the responses, the delays and the cursor."""

    responses: tuple[str | AIMessage, ...] = attrs.field(converter=_responses)
    """The answers, used in turn (cycling). A chat model's may be :class:`AIMessage` values,
    to script tool calls."""
    chunk_delay: float | None = attrs.field(default=None, validator=_check_delay)
    """Seconds to wait between streamed chunks."""
    delay: float | None = attrs.field(default=None, kw_only=True, validator=_check_delay)
    """Seconds to wait before each answer (to simulate latency)."""
    _cursor: _Cursor = attrs.field(factory=_Cursor, init=False, eq=False, hash=False, repr=False)

    def _next_response(self, stop: Sequence[str] | None) -> str | AIMessage:
        response = self.responses[self._cursor.advance(len(self.responses))]
        if isinstance(response, str):
            return _enforce_stop(response, stop)
        return response

    def _next_text(self, stop: Sequence[str] | None) -> str:
        return cast(str, self._next_response(stop))

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


def _scripted_chunks(message: AIMessage) -> Iterator[AIMessageChunk]:
    """A scripted message as a stream: its text one character per chunk, then its tool calls
    as fragments, its usage on the last chunk."""
    pieces: list[AIMessageChunk] = [
        AIMessageChunk(char, id=message.id) for char in message.text
    ] or [AIMessageChunk("", id=message.id)]
    fragments: list[ToolCallChunk] = [
        ToolCallChunk(name=c["name"], args=json.dumps(c["args"]), id=c.get("id"), index=i,
                      type="tool_call_chunk")
        for i, c in enumerate(message.tool_calls)
    ]
    if fragments or message.usage_metadata or message.additional_kwargs:
        pieces.append(
            AIMessageChunk(
                "",
                id=message.id,
                additional_kwargs=message.additional_kwargs,
                response_metadata=message.response_metadata,
                tool_call_chunks=fragments,
                usage_metadata=message.usage_metadata,
            )
        )
    yield from pieces


@attrs.frozen
class FakeListChatModel(_FakeResponses, BaseChatModel):
    """A chat model answering each call with the next of ``responses`` (cycling), streamed one
    character per chunk; ``stop`` strings cut the answer. A response may be an
    :class:`AIMessage`, to script tool calls: it is returned as it is.

    >>> FakeListChatModel(responses=["a-b"]).bind(stop=["-"]).invoke("x")
    AIMessage(content='a')
    """

    def _message(self, stop: Sequence[str] | None) -> AIMessage:
        response = self._next_response(stop)
        return AIMessage(response) if isinstance(response, str) else response

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AIMessage:
        self._wait()
        return self._message(stop)

    def _stream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> Iterator[AIMessageChunk]:
        self._wait()
        response = self._next_response(stop)
        if not isinstance(response, str):
            yield from _scripted_chunks(response)
            return
        for piece in self._pieces(response):
            yield AIMessageChunk(piece)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AIMessage:
        await self._await()
        return self._message(stop)

    async def _astream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AsyncIterator[AIMessageChunk]:
        await self._await()
        response = self._next_response(stop)
        if not isinstance(response, str):
            for chunk in _scripted_chunks(response):
                yield chunk
            return
        async for piece in self._apieces(response):
            yield AIMessageChunk(piece)


@attrs.frozen
class FakeMessagesListChatModel(FakeListChatModel):
    """:class:`FakeListChatModel` under LangChain's name for a fake answering with messages.

    >>> FakeMessagesListChatModel(responses=[AIMessage("hi", id="m1")]).invoke("x")
    AIMessage(content='hi', id='m1')
    """


@attrs.frozen
class FakeListLLM(_FakeResponses, BaseLLM):
    """An LLM answering each call with the next of ``responses`` (cycling), streamed one
    character per chunk; ``stop`` strings cut the answer.

    >>> FakeListLLM(responses=["1", "2"]).batch(["a", "b"], {"max_concurrency": 1})
    ['1', '2']
    """

    def __attrs_post_init__(self) -> None:
        for i, item in enumerate(self.responses):
            if not isinstance(item, str):
                raise InputValidationError(
                    f"responses[{i}] of an LLM must be a str, got {type(item).__name__}: "
                    f"{shorten(item)}"
                )

    def _generate_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> str:
        self._wait()
        return self._next_text(stop)

    def _stream_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> Iterator[str]:
        self._wait()
        yield from self._pieces(self._next_text(stop))

    async def _agenerate_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> str:
        await self._await()
        return self._next_text(stop)

    async def _astream_text(
        self,
        prompt: str,
        stop: list[str] | None,
        **kwargs: Any,  # Any: options given with bind(), ignored by the fake
    ) -> AsyncIterator[str]:
        await self._await()
        async for piece in self._apieces(self._next_text(stop)):
            yield piece
