"""Values on the wire: LangServe's JSON forms of messages, documents and prompt values.

Out: lcel values become JSON data; tagged classes keep their ``"type"`` tag and LangChain's
field names, so LangChain's own client reads them as its classes (the chat prompt value goes
out as ``ChatPromptValueConcrete``, LangChain's name for it).

In: a dict whose ``"type"`` names one of the closed set in :data:`WIRE_CLASSES` becomes that
lcel class; nothing else is ever looked up from a payload. A dict that does not read as its
tag's class stays a dict (the input schema check then says what is wrong, and where).

>>> from lcel.messages import HumanMessage
>>> encode([HumanMessage("hi")])[0]["type"]
'human'
>>> decode({"type": "HumanMessageChunk", "content": "hi", "example": False})
HumanMessage(content='hi')
>>> decode({"type": "os.system", "content": "hi"})
{'type': 'os.system', 'content': 'hi'}
"""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from lcel.documents import Document
from lcel.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from lcel.prompts import ChatPromptValue, StringPromptValue
from lcel.serde import from_jsonable, tag_of, to_jsonable

__all__ = ["WIRE_CLASSES", "decode", "encode", "is_wire_object"]

WIRE_CLASSES: Mapping[str, type] = MappingProxyType(
    {
        "human": HumanMessage,
        "ai": AIMessage,
        "system": SystemMessage,
        "chat": ChatMessage,
        "function": FunctionMessage,
        "tool": ToolMessage,
        "AIMessageChunk": AIMessageChunk,
        # LangChain's other chunk classes have no lcel twin: they arrive whole
        "HumanMessageChunk": HumanMessage,
        "SystemMessageChunk": SystemMessage,
        "ChatMessageChunk": ChatMessage,
        "FunctionMessageChunk": FunctionMessage,
        "ToolMessageChunk": ToolMessage,
        "Document": Document,
        "StringPromptValue": StringPromptValue,
        "ChatPromptValueConcrete": ChatPromptValue,
        "ChatPromptValue": ChatPromptValue,
    }
)
"""The only classes a payload can name: wire tag → lcel class."""

_OUT_TAGS = {"ChatPromptValue": "ChatPromptValueConcrete"}


def encode(value: Any, *, lenient: bool = False) -> Any:  # Any: a value in, JSON data out
    """``value`` as JSON data. A value with no JSON form raises ``TypeError``, or with
    ``lenient`` (events and logs, where a step's odd input must not end the stream) becomes
    its ``repr``."""
    if value is None or isinstance(value, str | bool | int | float):
        if isinstance(value, enum.Enum):
            return encode(value.value, lenient=lenient)
        return value
    if isinstance(value, Mapping):
        return {str(k): encode(v, lenient=lenient) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(v, lenient=lenient) for v in value]
    if tag_of(type(value)) is not None:
        data = to_jsonable(value)
        if isinstance(data, dict):
            data = {k: encode(v, lenient=lenient) for k, v in data.items()}
            data["type"] = _OUT_TAGS.get(data.get("type", ""), data.get("type"))
        return data
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, BaseException):
        # never the text: it may hold secrets or internals
        return {"status_code": 500, "message": "Internal Server Error"}
    if attrs.has(type(value)):
        return encode(to_jsonable(value), lenient=lenient)
    if lenient:
        return repr(value)
    raise TypeError(f"cannot send a {type(value).__name__} over the wire: it has no JSON form")


def is_wire_object(data: Any) -> bool:  # Any: JSON data
    """Whether ``data`` is a dict tagged as one of :data:`WIRE_CLASSES`."""
    tag = data.get("type") if isinstance(data, dict) else None
    return isinstance(tag, str) and tag in WIRE_CLASSES


def decode(data: Any) -> Any:  # Any: JSON data in, values out
    """JSON data with the closed set of tagged dicts read as lcel values (see module doc).

    Data holding no such dict is returned as is (the same object)."""
    return _decode(data)[0]


def _decode(data: Any) -> tuple[Any, bool]:  # Any: JSON data in, values out
    """``(value, changed)``: ``changed`` when some tagged dict became a value."""
    if isinstance(data, list):
        pairs = [_decode(v) for v in data]
        if not any(changed for _, changed in pairs):
            return data, False
        return [v for v, _ in pairs], True
    if not isinstance(data, dict):
        return data, False
    pairs_by_key = {k: _decode(v) for k, v in data.items()}
    changed = any(c for _, c in pairs_by_key.values())
    items = {k: v for k, (v, _) in pairs_by_key.items()} if changed else data
    tag = items.get("type")
    cls = WIRE_CLASSES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        return items, changed
    try:
        return from_jsonable({**items, "type": tag_of(cls)}, cls), True
    except Exception:  # not this class after all: stays a dict, the schema check explains
        return items, changed
