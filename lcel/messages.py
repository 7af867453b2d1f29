"""Chat messages: immutable values with a ``type`` tag, as chat models read and write them.

>>> HumanMessage("hi")
HumanMessage(content='hi')
>>> AIMessageChunk("Hel") + AIMessageChunk("lo")
AIMessageChunk(content='Hello')
>>> convert_to_messages([("system", "be brief"), "hi"])
[SystemMessage(content='be brief'), HumanMessage(content='hi')]

Messages compare structurally (same class, same fields) and hash, although ``content`` and
``additional_kwargs`` may hold lists and dicts: the hash is computed from a frozen copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal, TypedDict

import attrs

from lcel._partial_json import parse_partial_json
from lcel.errors import InputValidationError, quoted, shorten

__all__ = [
    "MessageContent",
    "MessageLikeRepresentation",
    "ToolCall",
    "ToolCallChunk",
    "InvalidToolCall",
    "UsageMetadata",
    "BaseMessage",
    "HumanMessage",
    "AIMessage",
    "AIMessageChunk",
    "SystemMessage",
    "ToolMessage",
    "FunctionMessage",
    "ChatMessage",
    "MESSAGE_CLASSES",
    "convert_to_messages",
    "message_from_role",
    "get_buffer_string",
    "merge_content",
]

MessageContent = str | list[str | dict[str, Any]]
"""A message's content: a string, or a list of parts (strings, or dicts such as
``{"type": "text", "text": "..."}`` or ``{"type": "image_url", ...}``)."""


# The optional ``type`` key lives in a ``total=False`` subclass rather than behind
# ``NotRequired``: under ``from __future__ import annotations`` Python 3.11 cannot see a
# ``NotRequired`` wrapper, and cattrs would then demand the key.


class _ToolCallFields(TypedDict):
    name: str
    args: dict[str, Any]
    id: str | None


class ToolCall(_ToolCallFields, total=False):
    """A tool call requested by a model: the tool's ``name``, its parsed ``args``, an ``id``."""

    type: Literal["tool_call"]


class _ToolCallChunkFields(TypedDict):
    name: str | None
    args: str | None
    id: str | None
    index: int | None


class ToolCallChunk(_ToolCallChunkFields, total=False):
    """A fragment of a tool call while a model streams; fragments with equal ``index`` merge."""

    type: Literal["tool_call_chunk"]


class _InvalidToolCallFields(TypedDict):
    name: str | None
    args: str | None
    id: str | None
    error: str | None


class InvalidToolCall(_InvalidToolCallFields, total=False):
    """A tool call whose ``args`` are not valid JSON; ``error`` says why."""

    type: Literal["invalid_tool_call"]


class _UsageFields(TypedDict):
    input_tokens: int
    output_tokens: int
    total_tokens: int


class UsageMetadata(_UsageFields, total=False):
    """Token counts of one model call; chunks' counts add up.

    ``input_token_details`` / ``output_token_details`` break the counts down (for example
    ``{"cache_read": 12}`` or ``{"reasoning": 40}``) when the server reports it.
    """

    input_token_details: dict[str, int]
    output_token_details: dict[str, int]


def add_usage(left: UsageMetadata | None, right: UsageMetadata | None) -> UsageMetadata | None:
    """The sum of two token counts (``None`` when neither is known).

    >>> add_usage({"input_tokens": 3, "output_tokens": 1, "total_tokens": 4},
    ...           {"input_tokens": 0, "output_tokens": 2, "total_tokens": 2})
    {'input_tokens': 3, 'output_tokens': 3, 'total_tokens': 6}
    """
    if left is None or right is None:
        return left if right is None else right
    total = UsageMetadata(
        input_tokens=left["input_tokens"] + right["input_tokens"],
        output_tokens=left["output_tokens"] + right["output_tokens"],
        total_tokens=left["total_tokens"] + right["total_tokens"],
    )
    for key in ("input_token_details", "output_token_details"):
        a: dict[str, int] = left.get(key) or {}  # type: ignore[assignment]
        b: dict[str, int] = right.get(key) or {}  # type: ignore[assignment]
        if a or b:
            total[key] = {k: a.get(k, 0) + b.get(k, 0) for k in {**a, **b}}
    return total


def _freeze(value: Any) -> Any:  # Any: content and kwargs hold arbitrary JSON-like values
    """A hashable stand-in for JSON-like data (lists → tuples, dicts → sorted pairs)."""
    if isinstance(value, Mapping):
        return tuple(sorted(((str(k), _freeze(v)) for k, v in value.items()), key=repr))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


_NO_DEFAULT = object()


def _field_default(field: attrs.Attribute[Any]) -> Any:  # Any: any field's default
    default: Any = field.default  # Any: a value, attrs.NOTHING or an attrs.Factory
    if default is attrs.NOTHING:
        return _NO_DEFAULT
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # a class at runtime
        return default.factory()
    return default


@attrs.frozen(repr=False, eq=False)
class BaseMessage:
    """The fields every message has. Use a subclass (``HumanMessage``, ``AIMessage``…).

    ``content`` is the only positional argument: ``HumanMessage("hi")``.
    """

    content: MessageContent
    """The text, or a list of content parts."""
    additional_kwargs: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Provider-specific extra data."""
    response_metadata: dict[str, Any] = attrs.field(factory=dict, kw_only=True)
    """Metadata about the response (model name, token counts…)."""
    name: str | None = attrs.field(default=None, kw_only=True)
    """An optional name for the speaker."""
    id: str | None = attrs.field(default=None, kw_only=True)
    """An optional unique identifier."""

    type: ClassVar[str] = "base"
    """The tag that names the kind of message (``"human"``, ``"ai"``…), used by serde."""

    def __attrs_post_init__(self) -> None:
        if type(self) is BaseMessage:
            raise TypeError(
                "BaseMessage is abstract: use HumanMessage, AIMessage, SystemMessage, "
                "ToolMessage, FunctionMessage or ChatMessage"
            )
        if not isinstance(self.content, str | list):
            raise InputValidationError(
                f"{type(self).__name__} content must be a str or a list of str/dict parts, "
                f"got {type(self.content).__name__}: {shorten(self.content)}"
            )

    @property
    def text(self) -> str:
        """The text of the content: the string itself, or its text parts joined.

        >>> HumanMessage(["a", {"type": "text", "text": "b"}, {"type": "image_url"}]).text
        'ab'
        """
        if isinstance(self.content, str):
            return self.content
        parts: list[str] = []
        for part in self.content:
            if isinstance(part, str):
                parts.append(part)
            elif part.get("type") == "text" and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "".join(parts)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            getattr(self, f.name) == getattr(other, f.name) for f in attrs.fields(type(self))
        )

    def __hash__(self) -> int:
        return hash((type(self), _freeze(self.content), self.name, self.id))

    def __repr__(self) -> str:
        shown: list[str] = []
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            default = _field_default(field)
            if default is _NO_DEFAULT or value != default:
                shown.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


@attrs.frozen(repr=False, eq=False)
class HumanMessage(BaseMessage):
    """A message from the user."""

    type: ClassVar[str] = "human"


@attrs.frozen(repr=False, eq=False)
class SystemMessage(BaseMessage):
    """Instructions that prime the model, usually first in a conversation."""

    type: ClassVar[str] = "system"


@attrs.frozen(repr=False, eq=False)
class AIMessage(BaseMessage):
    """A message from the model, possibly requesting tool calls.

    >>> AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}]).tool_calls
    [{'name': 'add', 'args': {'a': 1}, 'id': 'c1'}]
    """

    tool_calls: list[ToolCall] = attrs.field(factory=list, kw_only=True)
    """Tool calls with parsed arguments."""
    invalid_tool_calls: list[InvalidToolCall] = attrs.field(factory=list, kw_only=True)
    """Tool calls whose arguments could not be parsed."""
    usage_metadata: UsageMetadata | None = attrs.field(default=None, kw_only=True)
    """Token counts of the call that produced the message, when the server reports them."""

    type: ClassVar[str] = "ai"


@attrs.frozen(repr=False, eq=False)
class AIMessageChunk(AIMessage):
    """A piece of an :class:`AIMessage` while a model streams; pieces combine with ``+``.

    Tool-call fragments with the same ``index`` merge (their ``args`` strings concatenate),
    and ``tool_calls`` is derived from the merged fragments.

    >>> a = AIMessageChunk("", tool_call_chunks=[
    ...     {"name": "add", "args": '{"a": ', "id": "c1", "index": 0}])
    >>> b = AIMessageChunk("", tool_call_chunks=[
    ...     {"name": None, "args": "1}", "id": None, "index": 0}])
    >>> (a + b).tool_calls
    [{'name': 'add', 'args': {'a': 1}, 'id': 'c1', 'type': 'tool_call'}]
    """

    tool_call_chunks: list[ToolCallChunk] = attrs.field(factory=list, kw_only=True)
    """Raw tool-call fragments, as streamed."""

    type: ClassVar[str] = "AIMessageChunk"

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.tool_call_chunks and not self.tool_calls and not self.invalid_tool_calls:
            calls, invalid = _tool_calls_from_chunks(self.tool_call_chunks)
            object.__setattr__(self, "tool_calls", calls)
            object.__setattr__(self, "invalid_tool_calls", invalid)

    @classmethod
    def text_chunk(cls, content: str, id: str | None = None) -> AIMessageChunk:
        """``AIMessageChunk(content, id=id)`` for a streamed piece of text, built without
        re-validating (a streaming model's hot path; ``content`` must be a str).

        >>> AIMessageChunk.text_chunk("Hi", "m1") == AIMessageChunk("Hi", id="m1")
        True
        """
        chunk = object.__new__(cls)
        setter = object.__setattr__
        setter(chunk, "content", content)
        setter(chunk, "additional_kwargs", {})
        setter(chunk, "response_metadata", {})
        setter(chunk, "name", None)
        setter(chunk, "id", id)
        setter(chunk, "tool_calls", [])
        setter(chunk, "invalid_tool_calls", [])
        setter(chunk, "usage_metadata", None)
        setter(chunk, "tool_call_chunks", [])
        return chunk

    def __add__(self, other: AIMessageChunk) -> AIMessageChunk:
        if not isinstance(other, AIMessageChunk):
            return NotImplemented
        if self.tool_call_chunks or other.tool_call_chunks:
            chunks = _merge_tool_call_chunks(self.tool_call_chunks, other.tool_call_chunks)
            calls: list[ToolCall] = []
            invalid: list[InvalidToolCall] = []
        else:
            chunks = []
            calls = [*self.tool_calls, *other.tool_calls]
            invalid = [*self.invalid_tool_calls, *other.invalid_tool_calls]
        return AIMessageChunk(
            merge_content(self.content, other.content),
            additional_kwargs=_merge_dicts(self.additional_kwargs, other.additional_kwargs),
            response_metadata=_merge_dicts(self.response_metadata, other.response_metadata),
            name=self.name if self.name is not None else other.name,
            id=self.id if self.id is not None else other.id,
            tool_calls=calls,
            invalid_tool_calls=invalid,
            usage_metadata=add_usage(self.usage_metadata, other.usage_metadata),
            tool_call_chunks=chunks,
        )

    @classmethod
    def _concat_chunks(cls, chunks: list[Any]) -> Any:  # Any: a list of stream chunks
        """``chunks[0] + chunks[1] + ...`` in one step when all are plain text chunks (the
        common case while a model streams), else ``NotImplemented`` (the interpreter then
        adds them pairwise)."""
        if all(
            type(c) is AIMessageChunk
            and isinstance(c.content, str)
            and not c.tool_call_chunks
            and not c.tool_calls
            and not c.invalid_tool_calls
            and not c.additional_kwargs
            and not c.response_metadata
            and c.usage_metadata is None
            for c in chunks
        ):
            return AIMessageChunk(
                "".join([c.content for c in chunks]),
                name=next((c.name for c in chunks if c.name is not None), None),
                id=next((c.id for c in chunks if c.id is not None), None),
            )
        return NotImplemented

    def to_message(self) -> AIMessage:
        """The complete :class:`AIMessage` these chunks add up to.

        >>> (AIMessageChunk("a") + AIMessageChunk("b")).to_message()
        AIMessage(content='ab')
        """
        return AIMessage(
            self.content,
            additional_kwargs=self.additional_kwargs,
            response_metadata=self.response_metadata,
            name=self.name,
            id=self.id,
            tool_calls=self.tool_calls,
            invalid_tool_calls=self.invalid_tool_calls,
            usage_metadata=self.usage_metadata,
        )


@attrs.frozen(repr=False, eq=False)
class ToolMessage(BaseMessage):
    """The result of a tool call, sent back to the model; ``tool_call_id`` links the two."""

    tool_call_id: str = attrs.field(kw_only=True)
    """The ``id`` of the :class:`ToolCall` this answers."""
    status: Literal["success", "error"] = attrs.field(default="success", kw_only=True)
    """``"error"`` when the tool failed and said so in ``content`` instead of raising."""
    artifact: Any = attrs.field(default=None, kw_only=True)  # Any: whatever the tool keeps
    """Data kept with the result but not sent to the model."""

    type: ClassVar[str] = "tool"


@attrs.frozen(repr=False, eq=False)
class FunctionMessage(BaseMessage):
    """The result of a function call (the older form of :class:`ToolMessage`)."""

    name: str = attrs.field(kw_only=True)  # required here: the function's name
    """The function's name."""

    type: ClassVar[str] = "function"


@attrs.frozen(repr=False, eq=False)
class ChatMessage(BaseMessage):
    """A message from a speaker with an arbitrary ``role``."""

    role: str = attrs.field(kw_only=True)
    """The speaker's role."""

    type: ClassVar[str] = "chat"


MESSAGE_CLASSES: tuple[type[BaseMessage], ...] = (
    AIMessage,
    HumanMessage,
    ChatMessage,
    SystemMessage,
    FunctionMessage,
    ToolMessage,
    AIMessageChunk,
)
"""Every concrete message class, in the order schemas list them."""

MessageLikeRepresentation = (
    BaseMessage | str | tuple[str, MessageContent] | list[str] | dict[str, Any]
)
"""What :func:`convert_to_messages` accepts for one message: a message, a string (a human
message), a ``(role, content)`` pair, or a dict with ``role`` (or ``type``) and ``content``."""


# -- merging (for AIMessageChunk.__add__) ----------------------------------------------------


def merge_content(left: MessageContent, right: MessageContent) -> MessageContent:
    """Concatenate two contents: strings join; lists merge parts (dicts with equal
    ``index`` merge, like streamed parts of one block).

    >>> merge_content("Hel", "lo")
    'Hello'
    >>> merge_content([{"index": 0, "type": "text", "text": "a"}],
    ...               [{"index": 0, "type": "text", "text": "b"}])
    [{'index': 0, 'type': 'text', 'text': 'ab'}]
    """
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, str):
        return [left, *right] if left else list(right)
    if isinstance(right, str):
        if not right:
            return list(left)
        if left and isinstance(left[-1], str):
            return [*left[:-1], left[-1] + right]
        return [*left, right]
    return _merge_lists(left, right)


def _merge_lists(left: list[Any], right: list[Any]) -> list[Any]:
    merged = list(left)
    for item in right:
        if isinstance(item, dict) and "index" in item:
            for i, existing in enumerate(merged):
                if isinstance(existing, dict) and existing.get("index") == item["index"]:
                    merged[i] = _merge_dicts(existing, item)
                    break
            else:
                merged.append(item)
        else:
            merged.append(item)
    return merged


def _merge_dicts(left: Mapping[str, Any], right: Mapping[str, Any]) -> dict[str, Any]:
    """Merge streamed dicts: strings concatenate, dicts and lists merge, ``None`` yields."""
    merged = dict(left)
    for key, value in right.items():
        old = merged.get(key)
        if old is None:
            merged[key] = value
        elif value is None or (old == value and key in _KEPT_KEYS):
            continue
        elif isinstance(old, str) and isinstance(value, str):
            merged[key] = old + value
        elif isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge_dicts(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = _merge_lists(old, value)
        elif old != value:
            merged[key] = value
    return merged


_KEPT_KEYS = frozenset({"type", "id", "index"})
"""Keys whose equal values are identifiers, kept once rather than concatenated."""


def _merge_tool_call_chunks(
    left: Sequence[ToolCallChunk], right: Sequence[ToolCallChunk]
) -> list[ToolCallChunk]:
    merged: list[ToolCallChunk] = [ToolCallChunk(**c) for c in left]
    for chunk in right:
        index = chunk.get("index")
        target = next(
            (m for m in merged if index is not None and m.get("index") == index), None
        )
        if target is None:
            merged.append(ToolCallChunk(**chunk))
            continue
        if chunk.get("name"):
            target["name"] = (target.get("name") or "") + (chunk["name"] or "")
        if chunk.get("args"):
            target["args"] = (target.get("args") or "") + (chunk["args"] or "")
        if target.get("id") is None:
            target["id"] = chunk.get("id")
    return merged


def _tool_calls_from_chunks(
    chunks: Sequence[ToolCallChunk],
) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for chunk in chunks:
        raw = chunk.get("args") or ""
        try:
            args = parse_partial_json(raw) if raw.strip() else {}
        except ValueError:
            args = None
        if isinstance(args, dict):
            calls.append(
                ToolCall(name=chunk.get("name") or "", args=args, id=chunk.get("id"),
                         type="tool_call")
            )
        else:
            invalid.append(
                InvalidToolCall(name=chunk.get("name"), args=raw, id=chunk.get("id"),
                                error="tool call arguments are not a JSON object",
                                type="invalid_tool_call")
            )
    return calls, invalid


# -- coercion --------------------------------------------------------------------------------

_ROLES: dict[str, type[BaseMessage]] = {
    "human": HumanMessage,
    "user": HumanMessage,
    "ai": AIMessage,
    "assistant": AIMessage,
    "system": SystemMessage,
    "developer": SystemMessage,
    "tool": ToolMessage,
    "function": FunctionMessage,
}


def message_from_role(
    role: str,
    content: MessageContent,
    /,
    **extra: Any,  # Any: message fields (name, id, tool_call_id…)
) -> BaseMessage:
    """Build the message class that ``role`` names (``human``/``user``, ``ai``/``assistant``,
    ``system``/``developer``, ``tool``, ``function``, ``chat`` with ``role=``).

    >>> message_from_role("assistant", "hello")
    AIMessage(content='hello')
    """
    if role == "chat":
        if "role" not in extra:
            raise InputValidationError("a 'chat' message needs a 'role' key")
        return ChatMessage(content, **extra)
    cls = _ROLES.get(role)
    if cls is None:
        raise InputValidationError(
            f"unknown message role {quoted(role)}; expected one of {sorted({*_ROLES, 'chat'})}"
        )
    if cls is ToolMessage and "tool_call_id" not in extra:
        raise InputValidationError(
            "a 'tool' message needs a tool_call_id: pass a ToolMessage or a dict "
            "with 'role': 'tool', 'content' and 'tool_call_id'"
        )
    if cls is FunctionMessage and not extra.get("name"):
        raise InputValidationError(
            "a 'function' message needs a name: pass a FunctionMessage or a dict "
            "with 'role': 'function', 'content' and 'name'"
        )
    try:
        return cls(content, **extra)
    except TypeError as exc:
        raise InputValidationError(f"cannot build a {cls.__name__}: {exc}") from None


_MESSAGE_KEYS = frozenset(
    {"additional_kwargs", "response_metadata", "name", "id", "tool_calls",
     "invalid_tool_calls", "tool_call_id", "role", "usage_metadata", "status", "artifact"}
)


def _coerce_one(item: object, position: int) -> BaseMessage:
    if isinstance(item, BaseMessage):
        return item
    if isinstance(item, str):
        return HumanMessage(item)
    if isinstance(item, tuple | list) and len(item) == 2 and isinstance(item[0], str):
        role, content = item
        if not isinstance(content, str | list):
            raise InputValidationError(
                f"message {position}: the content of a ({quoted(role)}, content)"
                " pair must be a str "
                f"or a list of parts, got {type(content).__name__}: {shorten(content)}",
                path=f"$[{position}]",
            )
        return message_from_role(role, content)
    if isinstance(item, Mapping):
        data = dict(item)
        kind = data.pop("type", None)
        # {"type": "chat", "role": "wizard"}: the role is the ChatMessage's own field
        role = "chat" if kind == "chat" else data.pop("role", None) or kind
        if not isinstance(role, str) or "content" not in data:
            raise InputValidationError(
                f"message {position}: a message dict needs 'role' (or 'type') and 'content' "
                f"keys, got keys {shorten(sorted(map(str, item)))}",
                path=f"$[{position}]",
            )
        content = data.pop("content")
        extra = {k: v for k, v in data.items() if k in _MESSAGE_KEYS}
        if role not in ("ai", "assistant"):
            extra.pop("tool_calls", None)
            extra.pop("invalid_tool_calls", None)
            extra.pop("usage_metadata", None)
        if role != "tool":
            extra.pop("status", None)
            extra.pop("artifact", None)
        return message_from_role(role, content, **extra)
    raise InputValidationError(
        f"message {position}: expected a message, a str, a (role, content) tuple or a dict "
        f"with 'role' and 'content'; got {type(item).__name__}: {shorten(item)}",
        path=f"$[{position}]",
    )


def convert_to_messages(
    messages: Iterable[MessageLikeRepresentation] | str,
) -> list[BaseMessage]:
    """Coerce message-like values to messages; a bare string is one human message.

    >>> convert_to_messages([("human", "hi"), ("ai", "hello"), {"role": "user", "content": "?"}])
    [HumanMessage(content='hi'), AIMessage(content='hello'), HumanMessage(content='?')]
    """
    if isinstance(messages, str):
        return [HumanMessage(messages)]
    if isinstance(messages, BaseMessage):
        return [messages]
    if not isinstance(messages, Iterable) or isinstance(messages, Mapping | bytes):
        raise InputValidationError(
            "expected a list of messages (or (role, content) tuples), got "
            f"{type(messages).__name__}: {shorten(messages)}"
        )
    return [_coerce_one(item, i) for i, item in enumerate(messages)]


def get_buffer_string(
    messages: Iterable[BaseMessage], human_prefix: str = "Human", ai_prefix: str = "AI"
) -> str:
    """Render messages as a transcript, one ``Role: text`` line per message.

    >>> print(get_buffer_string([SystemMessage("be nice"), HumanMessage("hi"), AIMessage("yo")]))
    System: be nice
    Human: hi
    AI: yo
    """
    lines: list[str] = []
    for message in messages:
        if isinstance(message, HumanMessage):
            role = human_prefix
        elif isinstance(message, AIMessage):
            role = ai_prefix
        elif isinstance(message, SystemMessage):
            role = "System"
        elif isinstance(message, FunctionMessage):
            role = "Function"
        elif isinstance(message, ToolMessage):
            role = "Tool"
        elif isinstance(message, ChatMessage):
            role = message.role
        else:
            raise InputValidationError(
                f"expected a message, got {type(message).__name__}: {shorten(message)}"
            )
        text = message.content if isinstance(message.content, str) else message.text
        if isinstance(message, AIMessage) and "function_call" in message.additional_kwargs:
            text += json.dumps(message.additional_kwargs["function_call"])
        lines.append(f"{role}: {text}")
    return "\n".join(lines)
