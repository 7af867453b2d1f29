"""Messages to the chat-completions JSON and back, including streamed deltas and their quirks."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from lcel.errors import InputValidationError, shorten
from lcel.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolCall,
    ToolCallChunk,
    ToolMessage,
    UsageMetadata,
)
from lcel.openai._errors import APIError, APIResponseValidationError, server_message

__all__ = ["message_to_dict", "message_from_response", "usage_from", "StreamState"]

_KEPT_DELTA_KEYS = ("reasoning_content", "reasoning", "refusal")
"""Delta fields other than content and tool calls that servers send and users want."""


def _content(content: Any) -> Any:  # Any: message content in, JSON content out
    if isinstance(content, str):
        return content
    return [{"type": "text", "text": part} if isinstance(part, str) else part for part in content]


def _text(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    return message.text or json.dumps(message.content)


def message_to_dict(message: BaseMessage) -> dict[str, Any]:  # Any: JSON data
    """One message as the chat-completions ``messages`` list spells it."""
    out: dict[str, Any]  # Any: JSON data
    if isinstance(message, HumanMessage):
        out = {"role": "user", "content": _content(message.content)}
    elif isinstance(message, SystemMessage):
        out = {"role": "system", "content": _content(message.content)}
    elif isinstance(message, AIMessage):
        out = {"role": "assistant", "content": _content(message.content)}
        calls = [
            {
                "id": call.get("id"),
                "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["args"])},
            }
            for call in message.tool_calls
        ] + [
            {
                "id": call.get("id"),
                "type": "function",
                "function": {"name": call.get("name"), "arguments": call.get("args") or ""},
            }
            for call in message.invalid_tool_calls
        ]
        if calls:
            out["tool_calls"] = calls
            if not message.content:
                out["content"] = None
        elif "function_call" in message.additional_kwargs:
            out["function_call"] = message.additional_kwargs["function_call"]
    elif isinstance(message, ToolMessage):
        out = {"role": "tool", "content": _text(message), "tool_call_id": message.tool_call_id}
    elif isinstance(message, FunctionMessage):
        return {"role": "function", "name": message.name, "content": _text(message)}
    elif isinstance(message, ChatMessage):
        out = {"role": message.role, "content": _content(message.content)}
    else:
        raise InputValidationError(
            f"ChatOpenAI cannot send a {type(message).__name__}: {shorten(message)}"
        )
    if message.name is not None:
        out["name"] = message.name
    return out


def usage_from(usage: Any) -> UsageMetadata | None:  # Any: the server's usage object
    """The server's ``usage`` as :class:`UsageMetadata` (``None`` when absent or malformed)."""
    if not isinstance(usage, Mapping):
        return None
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    total = usage.get("total_tokens")
    result = UsageMetadata(
        input_tokens=prompt,
        output_tokens=completion,
        total_tokens=total if isinstance(total, int) else prompt + completion,
    )
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens")
    if isinstance(cached, int):
        result["input_token_details"] = {"cache_read": cached}
    reasoning = (usage.get("completion_tokens_details") or {}).get("reasoning_tokens")
    if isinstance(reasoning, int):
        result["output_token_details"] = {"reasoning": reasoning}
    return result


def parse_tool_call(raw: Any) -> ToolCall | InvalidToolCall:  # Any: one tool_calls item
    """A complete tool call; arguments that are not a JSON object make it invalid."""
    function = raw.get("function") or {} if isinstance(raw, Mapping) else {}
    name = function.get("name")
    call_id = raw.get("id") if isinstance(raw, Mapping) else None
    arguments = function.get("arguments")
    if isinstance(arguments, Mapping):  # some servers send the object itself
        return ToolCall(name=name or "", args=dict(arguments), id=call_id, type="tool_call")
    text = arguments if isinstance(arguments, str) else ""
    try:
        args = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        return InvalidToolCall(
            name=name, args=text, id=call_id, type="invalid_tool_call",
            error=f"arguments are not valid JSON: {exc}",
        )  # fmt: skip
    if not isinstance(args, dict):
        return InvalidToolCall(
            name=name, args=text, id=call_id, type="invalid_tool_call",
            error=f"arguments must be a JSON object, got {type(args).__name__}",
        )  # fmt: skip
    return ToolCall(name=name or "", args=args, id=call_id, type="tool_call")


def _metadata(data: Mapping[str, Any], choice: Mapping[str, Any] | None) -> dict[str, Any]:
    meta: dict[str, Any] = {}  # Any: JSON data
    if data.get("model") is not None:
        meta["model_name"] = data["model"]
    for key in ("system_fingerprint", "service_tier"):
        if data.get(key) is not None:
            meta[key] = data[key]
    if choice is not None:
        if choice.get("finish_reason") is not None:
            meta["finish_reason"] = choice["finish_reason"]
        if choice.get("logprobs") is not None:
            meta["logprobs"] = choice["logprobs"]
    return meta


def check_error(data: Any) -> None:  # Any: a decoded JSON body or stream event
    """Raise :class:`APIError` when a 2xx body or stream event is an ``{"error": ...}``."""
    if isinstance(data, Mapping) and data.get("error") is not None:
        raise APIError(
            f"the server reported an error: {server_message(dict(data), '')}", body=dict(data)
        )


def message_from_response(data: Any, url: str) -> AIMessage:  # Any: the decoded JSON
    """The answer of a non-streamed chat completion."""
    check_error(data)
    choices = data.get("choices") if isinstance(data, Mapping) else None
    if not choices or not isinstance(choices[0], Mapping):
        raise APIResponseValidationError(
            f"{url} answered without a choice: {shorten(data)}", body=data
        )
    choice = choices[0]
    raw = choice.get("message") or {}
    extra = {k: raw[k] for k in _KEPT_DELTA_KEYS if raw.get(k) is not None}
    if raw.get("function_call") is not None:
        extra["function_call"] = raw["function_call"]
    calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for item in raw.get("tool_calls") or []:
        parsed = parse_tool_call(item)
        if parsed.get("type") == "invalid_tool_call":
            invalid.append(parsed)  # type: ignore[arg-type]
        else:
            calls.append(parsed)  # type: ignore[arg-type]
    if raw.get("tool_calls"):
        extra["tool_calls"] = raw["tool_calls"]
    content = raw.get("content")
    return AIMessage(
        content if isinstance(content, str | list) else "",
        additional_kwargs=extra,
        response_metadata={**_metadata(data, choice), "token_usage": data.get("usage")},
        id=data.get("id"),
        tool_calls=calls,
        invalid_tool_calls=invalid,
        usage_metadata=usage_from(data.get("usage")),
    )


class StreamState:
    """Turns one stream's events into chunks, repairing the tool-call fragments real servers
    send: without ``index``, or with one ``index`` shared by several calls (a new ``id``
    starts a new call), or repeating the name and id on every fragment."""

    __slots__ = ("_current", "_ids", "_names", "_next", "_raw_to_index")

    def __init__(self) -> None:
        self._raw_to_index: dict[int, int] = {}
        self._ids: dict[int, str] = {}
        self._names: dict[int, str] = {}
        self._next = 0
        self._current: int | None = None

    def chunk(self, data: Any) -> AIMessageChunk | None:  # Any: one decoded event
        """The chunk for one event (``None`` for an event carrying nothing)."""
        if type(data) is not dict:
            raise APIResponseValidationError(f"stream event is not a JSON object: {shorten(data)}")
        if data.get("error") is not None:
            check_error(data)
        choices = data.get("choices")
        choice = choices[0] if choices and type(choices[0]) is dict else None
        delta = (choice.get("delta") if choice is not None else None) or {}
        content = delta.get("content")
        finish = choice is not None and choice.get("finish_reason") is not None
        raw_usage = data.get("usage")
        if (
            type(content) is str
            and not finish
            and raw_usage is None
            and (len(delta) == 1 or (len(delta) == 2 and "role" in delta))
        ):  # the common case: a piece of text
            return AIMessageChunk.text_chunk(content, data.get("id"))
        usage = usage_from(raw_usage)
        extra = {k: delta[k] for k in _KEPT_DELTA_KEYS if delta.get(k) is not None}
        fragments = [self._fragment(f) for f in delta.get("tool_calls") or []]
        meta = _metadata(data, choice) if finish else {}
        if not (content or extra or fragments or meta or usage is not None):
            return None  # an empty delta, or an event without choices nor usage
        return AIMessageChunk(
            content if isinstance(content, str | list) else "",
            additional_kwargs=extra,
            response_metadata=meta,
            id=data.get("id"),
            tool_call_chunks=fragments,
            usage_metadata=usage,
        )

    def _fragment(self, raw: Any) -> ToolCallChunk:  # Any: one delta.tool_calls item
        raw = raw if isinstance(raw, Mapping) else {}
        function = raw.get("function") or {}
        call_id = raw.get("id")
        raw_index = raw.get("index")
        index: int
        if isinstance(raw_index, int):
            known = self._raw_to_index.get(raw_index)
            if known is None or (call_id and self._ids.get(known, call_id) != call_id):
                known = self._new_index()
                self._raw_to_index[raw_index] = known
            index = known
        elif call_id and (self._current is None or self._ids.get(self._current) != call_id):
            index = self._new_index()
        else:
            index = self._current if self._current is not None else self._new_index()
        self._current = index
        name = function.get("name")
        if name and self._names.get(index) == name:
            name = None  # repeated on every fragment by some servers
        elif name:
            self._names[index] = name
        if call_id and self._ids.get(index) == call_id:
            call_id = None
        elif call_id:
            self._ids[index] = call_id
        arguments = function.get("arguments")
        if isinstance(arguments, Mapping):
            arguments = json.dumps(arguments)
        return ToolCallChunk(
            name=name or None,
            args=arguments if isinstance(arguments, str) else None,
            id=call_id or None,
            index=index,
            type="tool_call_chunk",
        )

    def _new_index(self) -> int:
        index = self._next
        self._next += 1
        return index


def tool_call_dicts(chunks: Sequence[ToolCallChunk]) -> list[dict[str, Any]]:
    """Streamed fragments as the raw ``tool_calls`` a non-streamed answer would carry."""
    return [
        {
            "id": c.get("id"),
            "type": "function",
            "function": {"name": c.get("name"), "arguments": c.get("args") or ""},
        }
        for c in chunks
    ]
