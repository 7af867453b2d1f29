"""serde: messages and prompt values round-trip through JSON-ready data, tagged by ``type``."""

from __future__ import annotations

import datetime
import doctest
import json
import uuid
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lcel.errors import InputValidationError
from lcel.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from lcel.prompts import ChatPromptValue, PromptValue, StringPromptValue
from lcel.serde import (
    converter,
    from_jsonable,
    register_tagged,
    tag_of,
    tagged_bases,
    tagged_classes,
    to_jsonable,
)

_text = st.text(max_size=12)
_json_scalar = st.none() | st.booleans() | st.integers() | _text
_json = st.recursive(
    _json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)
_content = _text | st.lists(
    _text | st.fixed_dictionaries({"type": st.just("text"), "text": _text}), max_size=3
)
_common: dict[str, Any] = {
    "additional_kwargs": st.dictionaries(_text, _json, max_size=2),
    "id": st.none() | _text,
}
_tool_call = st.fixed_dictionaries(
    {"name": _text, "args": st.dictionaries(_text, _json, max_size=2), "id": st.none() | _text}
)

messages = st.one_of(
    st.builds(HumanMessage, _content, **_common, name=st.none() | _text),
    st.builds(AIMessage, _content, **_common, tool_calls=st.lists(_tool_call, max_size=2)),
    st.builds(SystemMessage, _content, **_common),
    st.builds(ToolMessage, _content, **_common, tool_call_id=_text),
    st.builds(FunctionMessage, _content, **_common, name=_text),
    st.builds(ChatMessage, _content, **_common, role=_text),
    st.builds(AIMessageChunk, _content, **_common),
)


@given(messages)
def test_message_round_trip(message: BaseMessage) -> None:
    data = to_jsonable(message)
    assert data["type"] == message.type
    assert json.loads(json.dumps(data)) == data  # JSON-ready
    assert from_jsonable(data, BaseMessage) == message
    assert from_jsonable(data, type(message)) == message


@settings(max_examples=40)
@given(st.lists(messages, max_size=4))
def test_message_list_round_trip(items: list[BaseMessage]) -> None:
    data = json.loads(json.dumps(to_jsonable(items)))
    assert from_jsonable(data, list[BaseMessage]) == items


@settings(max_examples=40)
@given(st.lists(messages, max_size=4))
def test_chat_prompt_value_round_trip(items: list[BaseMessage]) -> None:
    value = ChatPromptValue(items)
    data = json.loads(json.dumps(to_jsonable(value)))
    assert data["type"] == "ChatPromptValue"
    assert from_jsonable(data, PromptValue) == value
    assert from_jsonable(data, ChatPromptValue) == value


def test_string_prompt_value_round_trip() -> None:
    data = to_jsonable(StringPromptValue("hi"))
    assert data == {"type": "StringPromptValue", "text": "hi"}
    assert from_jsonable(data, PromptValue) == StringPromptValue("hi")


def test_dict_of_messages() -> None:
    value = {"joke": AIMessage("ha"), "poem": AIMessage("la")}
    data = to_jsonable(value)
    assert data["joke"]["type"] == "ai"
    assert from_jsonable(data, dict[str, AIMessage]) == value


def test_union_of_message_classes_uses_the_tag() -> None:
    data = to_jsonable(AIMessage("x"))
    assert from_jsonable(data, HumanMessage | AIMessage) == AIMessage("x")


def test_tag_must_fit_the_requested_class() -> None:
    with pytest.raises(InputValidationError, match=r"unknown 'type' tag 'human' for AIMessage"):
        from_jsonable(to_jsonable(HumanMessage("x")), AIMessage)


def test_missing_tag_is_fine_for_a_concrete_class_only() -> None:
    assert from_jsonable({"content": "x"}, HumanMessage) == HumanMessage("x")
    with pytest.raises(InputValidationError, match="no 'type' tag"):
        from_jsonable({"content": "x"}, BaseMessage)


def test_bad_content_is_reported() -> None:
    with pytest.raises(InputValidationError, match=r"content must be a str or a list.*\$\.content"):
        from_jsonable({"type": "human", "content": 5}, BaseMessage)


def test_uuid_and_datetime_are_json_ready() -> None:
    run_id = uuid.UUID(int=1)
    when = datetime.datetime(2024, 1, 19, 22, 33, tzinfo=datetime.UTC)
    data = to_jsonable({"id": run_id, "at": when, "ids": (1, 2)})
    assert data == {"id": str(run_id), "at": when.isoformat(), "ids": [1, 2]}
    assert from_jsonable(str(run_id), uuid.UUID) == run_id
    assert from_jsonable(when.isoformat(), datetime.datetime) == when


def test_registry_is_readable() -> None:
    assert tagged_classes()["human"] is HumanMessage
    assert tagged_classes()["ChatPromptValue"] is ChatPromptValue
    assert {BaseMessage, PromptValue} <= tagged_bases()
    assert tag_of(AIMessageChunk) == "AIMessageChunk"
    assert tag_of(int) is None


def test_other_modules_register_their_classes() -> None:
    @attrs.frozen
    class Note:
        text: str
        tags: tuple[str, ...] = ()

    register_tagged(Note, "test-note")
    data = to_jsonable([Note("a", ("x",))])
    assert data == [{"type": "test-note", "text": "a", "tags": ["x"]}]
    assert converter.structure(data, list[Note]) == [Note("a", ("x",))]
    with pytest.raises(InputValidationError, match=r"required field missing @ \$\[0\]\.text"):
        from_jsonable([{"type": "test-note"}], list[Note])
    with pytest.raises(ValueError, match="already registered"):
        register_tagged(HumanMessage, "test-note")


def test_docstring_examples() -> None:
    import lcel.serde

    result = doctest.testmod(lcel.serde, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
