"""``ChatOpenAI``: a chat model over any server speaking OpenAI's chat-completions protocol
(OpenAI itself, vLLM, llama.cpp's ``llama-server``, Ollama, LM Studio…)."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

import attrs
import httpx

from lcel.errors import InputValidationError, shorten
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage
from lcel.models import BaseChatModel
from lcel.openai import _http
from lcel.openai._convert import StreamState, message_from_response, message_to_dict
from lcel.openai._errors import (
    APIError,
    APIResponseValidationError,
    BadRequestError,
    UnprocessableEntityError,
)
from lcel.openai._secret import SecretStr
from lcel.openai._sse import EventReader, SSELineDecoder

__all__ = ["ChatOpenAI", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
"""Where requests go when neither ``base_url`` nor ``OPENAI_BASE_URL`` says otherwise."""

_CHAT_PATH = "/chat/completions"
_loads = json.JSONDecoder().decode

_NO_STREAM_OPTIONS: set[str] = set()
"""Base URLs of servers that rejected ``stream_options`` in this process."""


def default_base_url() -> str:
    """``OPENAI_BASE_URL`` when set, else the public endpoint."""
    return os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL


def default_api_key() -> SecretStr | None:
    """``OPENAI_API_KEY`` when set (local servers often need no key)."""
    value = os.environ.get("OPENAI_API_KEY")
    return SecretStr(value) if value else None


def to_secret(value: object) -> SecretStr | None:
    """Accept a str or a :class:`SecretStr` (or ``None``) for ``api_key``."""
    if value is None or isinstance(value, SecretStr):
        return value
    if isinstance(value, str):
        return SecretStr(value) if value else None
    raise InputValidationError(f"api_key must be a str or SecretStr, got {type(value).__name__}")


def _stop_tuple(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(s, str) for s in value):
        return tuple(value)
    raise InputValidationError(f"stop must be a str or a list of str, got {shorten(value)}")


def _check_seconds(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or value <= 0
    ):
        raise InputValidationError(
            f"{attribute.name} must be a number of seconds > 0 or None, got {shorten(value)}"
        )


def _check_retries(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputValidationError(f"{attribute.name} must be an int >= 0, got {shorten(value)}")


def _check_optional_number(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise InputValidationError(
            f"{attribute.name} must be a number or None, got {shorten(value)}"
        )


def _check_model(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise InputValidationError(f"model must be a non-empty str, got {shorten(value)}")


def _masked_headers(headers: Mapping[str, str]) -> str:
    return repr(dict.fromkeys(headers, "***"))


def _frozen_mapping(value: Mapping[str, Any] | None) -> dict[str, Any]:  # Any: JSON values
    return dict(value or {})


class _StreamEvents:
    """A streamed completion's body, interpreted piece by piece into chunks: one parser for
    the sync and async streams, which differ only in how they read."""

    __slots__ = ("_decode", "_done", "_lines", "_reader", "_state")

    def __init__(self, decode: Callable[[str], Any]) -> None:  # Any: one decoded event
        self._decode = decode
        self._state = StreamState()
        self._lines = SSELineDecoder()
        self._reader = EventReader()
        self._done = False

    def feed(self, text: str) -> Iterator[AIMessageChunk]:
        """The chunks completed by ``text``, as they are interpreted."""
        for event, data in self._reader.feed(self._lines.decode(text)):
            # after [DONE], read on to the body's end: the connection stays pooled
            if self._done or data == "[DONE]":
                self._done = True
                continue
            chunk = self._chunk(event, data)
            if chunk is not None:
                yield chunk

    def finish(self) -> Iterator[AIMessageChunk]:
        """The chunks left once the body has ended (none after ``[DONE]``)."""
        for event, data in self._reader.feed(self._lines.flush()) + self._reader.finish():
            if self._done or data == "[DONE]":
                return
            chunk = self._chunk(event, data)
            if chunk is not None:
                yield chunk

    def _chunk(self, event: str, data: str) -> AIMessageChunk | None:
        if event == "error":
            raise APIError(f"the server reported an error: {shorten(data)}")
        return self._state.chunk(self._decode(data))


@attrs.frozen(kw_only=True, repr=False)
class ChatOpenAI(BaseChatModel):
    """A chat model answering through ``POST {base_url}/chat/completions``.

    ``api_key`` (default ``OPENAI_API_KEY``) is held as a :class:`SecretStr` and never shown
    in a repr, an error, an event or a log. ``bind(...)`` adds request fields to a call
    (``seed``, ``logprobs``, ``reasoning_effort``…); ``bind_tools`` and
    ``with_structured_output`` work as for every chat model.

    >>> model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-not-shown",
    ...                    base_url="http://127.0.0.1:8000/v1")
    >>> model
    ChatOpenAI(model='gpt-4o-mini', base_url='http://127.0.0.1:8000/v1')
    >>> model.api_key
    SecretStr('**********')
    """

    default_structured_output_method: ClassVar[str] = "json_schema"

    model: str = attrs.field(default="gpt-4o-mini", validator=_check_model)
    """The model's name, as the server knows it."""
    base_url: str = attrs.field(factory=default_base_url)
    """The API root, e.g. ``http://localhost:11434/v1`` (default ``OPENAI_BASE_URL``)."""
    api_key: SecretStr | None = attrs.field(
        factory=default_api_key, converter=to_secret, repr=False
    )
    """The bearer token (default ``OPENAI_API_KEY``); ``None`` sends no ``Authorization``."""
    temperature: float | None = attrs.field(default=None, validator=_check_optional_number)
    max_completion_tokens: int | None = None
    """The answer's length limit in tokens."""
    max_tokens: int | None = None
    """The older name of ``max_completion_tokens`` (sent as that when it is not set)."""
    top_p: float | None = attrs.field(default=None, validator=_check_optional_number)
    seed: int | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    stop: tuple[str, ...] | None = attrs.field(default=None, converter=_stop_tuple)
    """Stop sequences sent with every call (a call's own ``stop`` replaces them)."""
    reasoning_effort: str | None = None
    timeout: float | None = attrs.field(default=60.0, validator=_check_seconds)
    """Seconds to wait for the server (``None``: forever)."""
    connect_timeout: float | None = attrs.field(default=5.0, validator=_check_seconds)
    """Seconds to wait for a connection."""
    max_retries: int = attrs.field(default=2, validator=_check_retries)
    """Retries of a failed request (408/409/429/5xx and connection errors)."""
    stream_usage: bool = False
    """Ask for token usage at the end of a stream (``stream_options.include_usage``)."""
    streaming: bool = False
    """Make ``invoke`` stream under the hood (the answer is the same)."""
    model_kwargs: dict[str, Any] = attrs.field(  # Any: JSON request fields
        factory=dict, converter=_frozen_mapping, hash=False
    )
    """More request fields, sent with every call."""
    default_headers: dict[str, str] = attrs.field(
        factory=dict, converter=_frozen_mapping, hash=False, repr=_masked_headers
    )
    """More HTTP headers, sent with every call (shown masked: one may hold a key)."""

    # -- presentation -------------------------------------------------------------------------

    def __repr__(self) -> str:
        shown = []
        for field in attrs.fields(type(self)):
            if not field.repr:
                continue
            value = getattr(self, field.name)
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # a class at runtime
                default = None if field.name == "base_url" else default.factory()
            if field.name == "model" or value != default:
                shown_value = field.repr(value) if callable(field.repr) else repr(value)
                shown.append(f"{field.name}={shown_value}")
        return f"{type(self).__name__}({', '.join(shown)})"

    @property
    def model_name(self) -> str:
        """Same as :attr:`model` (LangChain's name for it)."""
        return self.model

    @property
    def openai_api_key(self) -> SecretStr | None:
        """Same as :attr:`api_key` (LangChain's name for it)."""
        return self.api_key

    @property
    def openai_api_base(self) -> str:
        """Same as :attr:`base_url` (LangChain's name for it)."""
        return self.base_url

    @property
    def request_timeout(self) -> float | None:
        """Same as :attr:`timeout` (LangChain's name for it)."""
        return self.timeout

    # -- connection ---------------------------------------------------------------------------

    def _settings(self) -> _http.ConnectionSettings:
        return _http.ConnectionSettings(
            base_url=self.base_url,
            timeout=self.timeout,
            connect_timeout=self.connect_timeout,
            headers=tuple(sorted(self.default_headers.items())),
        )

    def _policy(self) -> _http.RetryPolicy:
        return _http.RetryPolicy(max_retries=self.max_retries)

    def _key(self) -> str | None:
        return self.api_key.get_secret_value() if self.api_key is not None else None

    def close(self) -> None:
        """Close this process's HTTP client for this model's connection settings."""
        _http.close_sync_client(self._settings())

    async def aclose(self) -> None:
        """Close the running event loop's HTTP client for this model's settings."""
        await _http.close_async_client(self._settings())

    # -- the request ----------------------------------------------------------------------------

    def _payload(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        kwargs: dict[str, Any],  # Any: call options given with bind()
        *,
        stream: bool,
    ) -> dict[str, Any]:  # Any: the JSON request
        payload: dict[str, Any] = {  # Any: JSON data
            "model": self.model,
            "messages": [message_to_dict(m) for m in messages],
        }
        for key in (
            "temperature", "max_completion_tokens", "top_p", "seed",
            "frequency_penalty", "presence_penalty", "reasoning_effort",
        ):  # fmt: skip
            value = getattr(self, key)
            if value is not None:
                payload[key] = value
        if "max_completion_tokens" not in payload and self.max_tokens is not None:
            payload["max_completion_tokens"] = self.max_tokens
        chosen_stop = stop if stop is not None else self.stop
        if chosen_stop:
            payload["stop"] = list(chosen_stop)
        payload.update(self.model_kwargs)
        stream_usage = kwargs.pop("stream_usage", self.stream_usage)
        kwargs.pop("stream", None)
        payload.update({k: v for k, v in kwargs.items() if v is not None})
        if stream:
            payload["stream"] = True
            if stream_usage and self.base_url not in _NO_STREAM_OPTIONS:
                payload["stream_options"] = {"include_usage": True}
        return payload

    def _display_url(self) -> str:
        return self._settings().display_url(_CHAT_PATH)

    def _is_stream_options_rejection(self, error: APIError, payload: Mapping[str, Any]) -> bool:
        return (
            "stream_options" in payload
            and isinstance(error, BadRequestError | UnprocessableEntityError)
            and "stream_options" in str(error)
        )

    def _open_stream(self, payload: dict[str, Any]) -> httpx.Response:  # Any: JSON request
        try:
            return _http.post(
                self._settings(), self._policy(), self._key(), _CHAT_PATH, payload, stream=True
            )
        except APIError as error:
            payload = self._without_stream_options(error, payload)
        return _http.post(
            self._settings(), self._policy(), self._key(), _CHAT_PATH, payload, stream=True
        )

    async def _aopen_stream(self, payload: dict[str, Any]) -> httpx.Response:  # Any: JSON
        try:
            return await _http.apost(
                self._settings(), self._policy(), self._key(), _CHAT_PATH, payload, stream=True
            )
        except APIError as error:
            payload = self._without_stream_options(error, payload)
        return await _http.apost(
            self._settings(), self._policy(), self._key(), _CHAT_PATH, payload, stream=True
        )

    def _without_stream_options(
        self, error: APIError, payload: dict[str, Any]  # Any: the JSON request
    ) -> dict[str, Any]:
        """The request to send again when the server rejected ``stream_options`` (it is not
        sent to that base URL again); any other ``error`` is raised."""
        if not self._is_stream_options_rejection(error, payload):
            raise error
        _NO_STREAM_OPTIONS.add(self.base_url)
        return {k: v for k, v in payload.items() if k != "stream_options"}

    def _event_data(self, data: str) -> Any:  # Any: one decoded stream event
        try:
            return _loads(data)
        except json.JSONDecodeError:
            raise APIResponseValidationError(
                f"{self._display_url()} streamed an event that is not JSON: {shorten(data)!r}"
            ) from None

    def _not_sse(self, response: httpx.Response, body: bytes) -> AIMessageChunk:
        """A server that ignored ``stream: true`` and answered with one JSON body."""
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise APIResponseValidationError(
                f"{self._display_url()} answered a stream request with "
                f"{response.headers.get('content-type')!r}: {shorten(body)}"
            ) from None
        message = message_from_response(data, self._display_url())
        return AIMessageChunk(
            message.content,
            additional_kwargs=message.additional_kwargs,
            response_metadata=message.response_metadata,
            id=message.id,
            tool_call_chunks=[
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c.get("id"),
                 "index": i, "type": "tool_call_chunk"}
                for i, c in enumerate(message.tool_calls)
            ],
            usage_metadata=message.usage_metadata,
        )

    def _answer(self, response: httpx.Response, settings: _http.ConnectionSettings) -> AIMessage:
        return message_from_response(
            _http.json_body(response, settings, _CHAT_PATH), self._display_url()
        )

    def _transport_error(self, exc: httpx.TransportError) -> APIError:
        return _http.transport_error(exc, self._settings(), _CHAT_PATH, self._key())

    # -- the model protocol -------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: request fields given with bind()
    ) -> AIMessage:
        if self.streaming or kwargs.get("stream"):
            return super()._generate(messages, stop, **kwargs)
        payload = self._payload(messages, stop, kwargs, stream=False)
        settings = self._settings()
        response = _http.post(settings, self._policy(), self._key(), _CHAT_PATH, payload)
        return self._answer(response, settings)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: request fields given with bind()
    ) -> AIMessage:
        if self.streaming or kwargs.get("stream"):
            return await super()._agenerate(messages, stop, **kwargs)
        payload = self._payload(messages, stop, kwargs, stream=False)
        settings = self._settings()
        response = await _http.apost(settings, self._policy(), self._key(), _CHAT_PATH, payload)
        return self._answer(response, settings)

    def _stream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: request fields given with bind()
    ) -> Iterator[AIMessageChunk]:
        payload = self._payload(messages, stop, kwargs, stream=True)
        response = self._open_stream(payload)
        try:
            content_type = response.headers.get("content-type", "")
            if "text/event-stream" not in content_type:
                yield self._not_sse(response, response.read())
                return
            events = _StreamEvents(self._event_data)
            for text in response.iter_text():
                yield from events.feed(text)
            yield from events.finish()
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from None
        finally:
            response.close()

    async def _astream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: request fields given with bind()
    ) -> AsyncIterator[AIMessageChunk]:
        payload = self._payload(messages, stop, kwargs, stream=True)
        response = await self._aopen_stream(payload)
        try:
            content_type = response.headers.get("content-type", "")
            if "text/event-stream" not in content_type:
                yield self._not_sse(response, await response.aread())
                return
            events = _StreamEvents(self._event_data)
            async for text in response.aiter_text():  # no async generator layer per event
                for chunk in events.feed(text):
                    yield chunk
            for chunk in events.finish():
                yield chunk
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from None
        finally:
            await response.aclose()
