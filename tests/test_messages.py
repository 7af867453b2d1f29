"""Messages: construction, repr, equality and hashing, chunk merging, coercion."""

from __future__ import annotations

import doctest

import attrs
import pytest

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
    convert_to_messages,
    get_buffer_string,
    merge_content,
    message_from_role,
)

# -- construction and repr ---------------------------------------------------------------------


def test_content_is_positional_or_keyword() -> None:
    assert HumanMessage("hi") == HumanMessage(content="hi")
    assert HumanMessage("hi").content == "hi"


def test_type_tags() -> None:
    assert [cls("x", **extra).type for cls, extra in [
        (HumanMessage, {}),
        (AIMessage, {}),
        (AIMessageChunk, {}),
        (SystemMessage, {}),
        (ToolMessage, {"tool_call_id": "1"}),
        (FunctionMessage, {"name": "f"}),
        (ChatMessage, {"role": "wizard"}),
    ]] == ["human", "ai", "AIMessageChunk", "system", "tool", "function", "chat"]


def test_repr_shows_only_non_default_fields() -> None:
    assert repr(AIMessage("hi")) == "AIMessage(content='hi')"
    assert repr(HumanMessage("hi", id="7", name="bob")) == (
        "HumanMessage(content='hi', name='bob', id='7')"
    )
    assert repr(ToolMessage("42", tool_call_id="c1")) == (
        "ToolMessage(content='42', tool_call_id='c1')"
    )


def test_required_fields_of_special_messages() -> None:
    with pytest.raises(TypeError, match="tool_call_id"):
        ToolMessage("x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="role"):
        ChatMessage("x")  # type: ignore[call-arg]
    assert FunctionMessage("r", name="fn").name == "fn"


def test_base_message_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        BaseMessage("x")


def test_content_must_be_str_or_list() -> None:
    with pytest.raises(InputValidationError, match="HumanMessage content must be a str"):
        HumanMessage(42)  # type: ignore[arg-type]


def test_text_joins_text_parts() -> None:
    msg = HumanMessage(["a", {"type": "text", "text": "b"}, {"type": "image_url", "url": "u"}])
    assert msg.text == "ab"
    assert AIMessage("plain").text == "plain"


# -- values: frozen, equal, hashable -----------------------------------------------------------


def test_messages_are_frozen() -> None:
    msg = HumanMessage("hi")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        msg.content = "changed"  # type: ignore[misc]


def test_equality_is_structural_and_class_sensitive() -> None:
    assert AIMessage("a", additional_kwargs={"k": [1]}) == AIMessage(
        "a", additional_kwargs={"k": [1]}
    )
    assert AIMessage("a") != AIMessage("b")
    assert AIMessage("a") != HumanMessage("a")
    assert AIMessage("a") != AIMessageChunk("a")
    assert AIMessage("a") != "a"


def test_messages_hash_even_with_list_and_dict_content() -> None:
    a = HumanMessage([{"type": "text", "text": "x"}], additional_kwargs={"k": {"n": [1]}})
    b = HumanMessage([{"type": "text", "text": "x"}], additional_kwargs={"k": {"n": [1]}})
    assert hash(a) == hash(b)
    assert len({a, b, HumanMessage("y")}) == 2


# -- chunks ------------------------------------------------------------------------------------


def test_chunks_concatenate_string_content() -> None:
    total = AIMessageChunk("Hel") + AIMessageChunk("lo") + AIMessageChunk("!")
    assert total == AIMessageChunk("Hello!")
    assert total.to_message() == AIMessage("Hello!")


def test_chunks_keep_first_id_and_merge_kwargs() -> None:
    a = AIMessageChunk("a", id="run-1", additional_kwargs={"fc": {"arguments": '{"x"'}})
    b = AIMessageChunk("b", id="run-2", additional_kwargs={"fc": {"arguments": ": 1}"}})
    total = a + b
    assert total.id == "run-1"
    assert total.additional_kwargs == {"fc": {"arguments": '{"x": 1}'}}


def test_chunks_merge_list_content_by_index() -> None:
    a = AIMessageChunk([{"index": 0, "type": "text", "text": "Hel"}])
    b = AIMessageChunk([{"index": 0, "type": "text", "text": "lo"},
                        {"index": 1, "type": "text", "text": "!"}])
    assert (a + b).content == [
        {"index": 0, "type": "text", "text": "Hello"},
        {"index": 1, "type": "text", "text": "!"},
    ]


def test_merge_content_mixed() -> None:
    assert merge_content("a", ["b"]) == ["a", "b"]
    assert merge_content("", ["b"]) == ["b"]
    assert merge_content(["a"], "b") == ["ab"]
    assert merge_content([{"type": "image"}], "b") == [{"type": "image"}, "b"]
    assert merge_content(["a"], "") == ["a"]


def test_tool_call_chunks_merge_by_index() -> None:
    parts = [
        AIMessageChunk("", tool_call_chunks=[
            {"name": "add", "args": '{"a": 1', "id": "c1", "index": 0}]),
        AIMessageChunk("", tool_call_chunks=[
            {"name": "mul", "args": '{"b"', "id": "c2", "index": 1}]),
        AIMessageChunk("", tool_call_chunks=[
            {"name": None, "args": ', "b": 2}', "id": None, "index": 0}]),
        AIMessageChunk("", tool_call_chunks=[
            {"name": None, "args": ": 3}", "id": None, "index": 1}]),
    ]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    assert total.tool_call_chunks == [
        {"name": "add", "args": '{"a": 1, "b": 2}', "id": "c1", "index": 0},
        {"name": "mul", "args": '{"b": 3}', "id": "c2", "index": 1},
    ]
    assert [(c["name"], c["args"], c["id"]) for c in total.tool_calls] == [
        ("add", {"a": 1, "b": 2}, "c1"),
        ("mul", {"b": 3}, "c2"),
    ]
    message = total.to_message()
    assert type(message) is AIMessage
    assert message.tool_calls == total.tool_calls


def test_partial_tool_call_args_are_parsed_partially() -> None:
    chunk = AIMessageChunk("", tool_call_chunks=[
        {"name": "f", "args": '{"q": "bea', "id": "c", "index": 0}])
    assert chunk.tool_calls[0]["args"] == {"q": "bea"}


def test_invalid_tool_call_args() -> None:
    chunk = AIMessageChunk("", tool_call_chunks=[
        {"name": "f", "args": "[1, 2]", "id": "c", "index": 0}])
    assert chunk.tool_calls == []
    assert chunk.invalid_tool_calls[0]["args"] == "[1, 2]"


def test_chunk_plus_other_types_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        AIMessageChunk("a") + AIMessage("b")  # type: ignore[operator]
    with pytest.raises(TypeError):
        AIMessageChunk("a") + "b"  # type: ignore[operator]


# -- coercion ----------------------------------------------------------------------------------


def test_convert_to_messages_accepts_every_representation() -> None:
    assert convert_to_messages([
        HumanMessage("m"),
        "plain",
        ("system", "s"),
        ("user", "u"),
        ("assistant", "a"),
        ["ai", "l"],
        {"role": "tool", "content": "t", "tool_call_id": "c1"},
        {"type": "function", "content": "f", "name": "fn"},
    ]) == [
        HumanMessage("m"),
        HumanMessage("plain"),
        SystemMessage("s"),
        HumanMessage("u"),
        AIMessage("a"),
        AIMessage("l"),
        ToolMessage("t", tool_call_id="c1"),
        FunctionMessage("f", name="fn"),
    ]


def test_convert_a_bare_string() -> None:
    assert convert_to_messages("hi") == [HumanMessage("hi")]


def test_convert_keeps_ai_tool_calls_from_dicts() -> None:
    calls = [{"name": "f", "args": {}, "id": "1"}]
    (msg,) = convert_to_messages([{"role": "assistant", "content": "", "tool_calls": calls}])
    assert isinstance(msg, AIMessage)
    assert msg.tool_calls == calls


def test_convert_rejects_unknown_items_naming_them() -> None:
    with pytest.raises(InputValidationError, match=r"message 1: expected a message.*got int: 5"):
        convert_to_messages(["ok", 5])  # type: ignore[list-item]


def test_convert_rejects_unknown_roles() -> None:
    with pytest.raises(InputValidationError, match="unknown message role 'robot'"):
        convert_to_messages([("robot", "beep")])


def test_tool_role_needs_an_id() -> None:
    with pytest.raises(InputValidationError, match="tool_call_id"):
        convert_to_messages([("tool", "42")])


def test_convert_rejects_dicts_without_role() -> None:
    with pytest.raises(InputValidationError, match="needs 'role'"):
        convert_to_messages([{"content": "x"}])


def test_convert_rejects_non_sequences() -> None:
    with pytest.raises(InputValidationError, match="expected a list of messages"):
        convert_to_messages(42)  # type: ignore[arg-type]


def test_message_from_role_chat_needs_role() -> None:
    assert message_from_role("chat", "x", role="wizard") == ChatMessage("x", role="wizard")
    with pytest.raises(InputValidationError, match="'role'"):
        message_from_role("chat", "x")


def test_buffer_string() -> None:
    text = get_buffer_string([
        SystemMessage("s"),
        HumanMessage("h"),
        AIMessage("a"),
        ToolMessage("t", tool_call_id="1"),
        FunctionMessage("f", name="fn"),
        ChatMessage("c", role="Wizard"),
    ])
    assert text == "System: s\nHuman: h\nAI: a\nTool: t\nFunction: f\nWizard: c"


def test_chat_message_dicts() -> None:
    assert convert_to_messages([{"type": "chat", "role": "wizard", "content": "c"}]) == [
        ChatMessage("c", role="wizard")
    ]


def test_docstring_examples() -> None:
    import lcel.messages

    result = doctest.testmod(lcel.messages, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
