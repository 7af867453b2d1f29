"""bind_tools, tool calls run by tools, with_structured_output: offline fakes and the server."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any, TypedDict

import attrs
import pytest
from fake_openai_server import FakeOpenAI

from lcel.errors import InputValidationError, OutputParserError
from lcel.messages import AIMessage, HumanMessage, ToolCall, ToolMessage
from lcel.models import FakeListChatModel, FakeMessagesListChatModel
from lcel.openai import ChatOpenAI
from lcel.tools import ToolException, tool


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


@attrs.frozen
class Person:
    """Someone mentioned in the text."""

    name: str
    age: int


class Movie(TypedDict):
    """A film."""

    title: str
    year: int


@dataclasses.dataclass
class Point:
    x: float
    y: float


PERSON_SCHEMA: dict[str, Any] = {
    "title": "person",
    "description": "a person",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


def model_for(server: FakeOpenAI) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-fake", base_url=server.base_url, api_key="sk-test")


# -- bind_tools ----------------------------------------------------------------------------------


def test_bind_tools_sends_every_kind_of_tool(fake_openai: FakeOpenAI) -> None:
    def add(a: int, b: int = 1) -> int:
        """Add two integers."""
        return a + b

    raw = {"type": "function", "function": {"name": "raw", "parameters": {"type": "object"}}}
    bound = model_for(fake_openai).bind_tools(
        [multiply, Person, Movie, PERSON_SCHEMA, add, raw], tool_choice="multiply"
    )
    bound.invoke("x")
    sent = fake_openai.requests[-1]["json"]
    functions = [t["function"] for t in sent["tools"]]
    assert [f["name"] for f in functions] == ["multiply", "Person", "Movie", "person", "add", "raw"]
    assert functions[0]["description"] == "Multiply two integers."
    assert functions[0]["parameters"]["required"] == ["a", "b"]
    assert functions[0]["parameters"]["properties"]["a"]["type"] == "integer"
    assert functions[1]["description"] == "Someone mentioned in the text."
    assert functions[2]["parameters"]["required"] == ["title", "year"]
    assert functions[3]["parameters"]["properties"]["age"] == {"type": "integer"}
    assert functions[4]["parameters"]["required"] == ["a"]
    assert all(t["type"] == "function" for t in sent["tools"])
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "multiply"}}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("auto", "auto"), ("none", "none"), ("required", "required"), ("any", "required"),
     (True, "required")],
)  # fmt: skip
def test_tool_choice_spellings(fake_openai: FakeOpenAI, choice: Any, expected: Any) -> None:
    model_for(fake_openai).bind_tools([multiply, Person], tool_choice=choice).invoke("x")
    assert fake_openai.requests[-1]["json"]["tool_choice"] == expected


def test_bad_tools_are_rejected_clearly() -> None:
    model = FakeListChatModel(responses=["x"])
    with pytest.raises(InputValidationError, match="tool_choice 'nope' names no bound tool"):
        model.bind_tools([multiply], tool_choice="nope")
    with pytest.raises(InputValidationError, match="needs a 'title'"):
        model.bind_tools([{"type": "object", "properties": {}}])
    with pytest.raises(InputValidationError, match="a tool must be"):
        model.bind_tools([42])


def test_model_tool_model_loop_against_the_server(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(tool_calls=[{"name": "multiply", "args": {"a": 6, "b": 7}, "id": "c1"}])
    fake_openai.reply("6 times 7 is 42.")
    model = model_for(fake_openai).bind_tools([multiply])
    messages: list[Any] = [HumanMessage("what is 6 times 7?")]
    answer = model.invoke(messages)
    assert answer.tool_calls == [
        {"name": "multiply", "args": {"a": 6, "b": 7}, "id": "c1", "type": "tool_call"}
    ]
    messages.append(answer)
    for call in answer.tool_calls:
        result = multiply.invoke(call)
        assert isinstance(result, ToolMessage)
        messages.append(result)
    final = model.invoke(messages)
    assert final.content == "6 times 7 is 42."
    sent = fake_openai.requests[-1]["json"]["messages"]
    assert sent[-1] == {"role": "tool", "content": "42", "tool_call_id": "c1", "name": "multiply"}
    assert sent[-2]["tool_calls"][0]["function"] == {"name": "multiply",
                                                     "arguments": '{"a": 6, "b": 7}'}  # fmt: skip


# -- tools run from tool calls -------------------------------------------------------------------


def test_tool_invoked_with_a_tool_call_returns_a_tool_message() -> None:
    call = ToolCall(name="multiply", args={"a": 3, "b": 4}, id="call_9", type="tool_call")
    result = multiply.invoke(call)
    assert result == ToolMessage("12", tool_call_id="call_9", name="multiply")
    untyped = multiply.invoke({"name": "multiply", "args": {"a": 2, "b": 2}, "id": "c2"})
    assert untyped.tool_call_id == "c2"
    assert asyncio.run(multiply.ainvoke(call)).content == "12"
    assert multiply.invoke({"a": 2, "b": 5}) == 10  # plain arguments: the plain result


def test_non_text_results_are_json() -> None:
    @tool
    def lookup(city: str) -> dict[str, Any]:
        """Look a city up."""
        return {"city": city, "population": 3}

    message = lookup.invoke({"name": "lookup", "args": {"city": "Oslo"}, "id": "c"})
    assert json.loads(message.content) == {"city": "Oslo", "population": 3}


def test_tool_errors_raise_clearly_or_become_error_messages() -> None:
    @tool
    def fragile(x: int) -> int:
        """Fail."""
        raise ToolException(f"cannot handle {x}")

    call = {"name": "fragile", "args": {"x": 1}, "id": "c1", "type": "tool_call"}
    with pytest.raises(ToolException, match="cannot handle 1") as info:
        fragile.invoke(call)
    assert any("'fragile'" in note and "'c1'" in note for note in info.value.__notes__)
    with pytest.raises(InputValidationError, match="tool 'fragile': missing argument"):
        fragile.invoke({"name": "fragile", "args": {}, "id": "c2", "type": "tool_call"})

    @tool(handle_tool_error=True, handle_validation_error="bad arguments, try again")
    def forgiving(x: int) -> int:
        """Fail, politely."""
        raise ToolException(f"cannot handle {x}")

    message = forgiving.invoke({"name": "forgiving", "args": {"x": 1}, "id": "c3",
                                "type": "tool_call"})  # fmt: skip
    assert message == ToolMessage(
        "cannot handle 1", tool_call_id="c3", name="forgiving", status="error"
    )
    bad = forgiving.invoke({"name": "forgiving", "args": {"x": "no"}, "id": "c4",
                            "type": "tool_call"})  # fmt: skip
    assert (bad.status, bad.content) == ("error", "bad arguments, try again")
    assert forgiving.invoke({"x": 2}) == "cannot handle 2"


def test_other_exceptions_are_not_swallowed_even_when_handling() -> None:
    @tool(handle_tool_error=True)
    def broken(x: int) -> int:
        """Break."""
        raise KeyError("bug")

    with pytest.raises(KeyError):
        broken.invoke({"name": "broken", "args": {"x": 1}, "id": "c", "type": "tool_call"})


# -- the fake model scripting tool calls -----------------------------------------------------------


def test_fake_chat_model_scripts_tool_calls_in_invoke_and_stream() -> None:
    scripted = AIMessage("", tool_calls=[{"name": "multiply", "args": {"a": 2, "b": 3},
                                          "id": "c1"}])  # fmt: skip
    model = FakeMessagesListChatModel(responses=[scripted, "done"])
    bound = model.bind_tools([multiply])
    assert bound.invoke("x").tool_calls == scripted.tool_calls
    assert bound.invoke("x").content == "done"
    chunks = list(model.stream("x"))
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    assert [(c["name"], c["args"], c["id"]) for c in total.tool_calls] == [
        ("multiply", {"a": 2, "b": 3}, "c1")
    ]
    with pytest.raises(InputValidationError, match="str or an AIMessage"):
        FakeListChatModel(responses=[42])  # type: ignore[list-item]


# -- with_structured_output ----------------------------------------------------------------------


def test_structured_output_offline_for_every_schema_kind() -> None:
    call = AIMessage("", tool_calls=[{"name": "Person", "args": {"name": "Ada", "age": 36},
                                      "id": "c"}])  # fmt: skip
    fake = FakeListChatModel(responses=[call])
    assert fake.with_structured_output(Person).invoke("x") == Person("Ada", 36)
    text = FakeListChatModel(responses=['{"title": "Alien", "year": 1979}'])
    assert text.with_structured_output(Movie, method="json_schema").invoke("x") == {
        "title": "Alien", "year": 1979,
    }  # fmt: skip
    fenced = FakeListChatModel(responses=['```json\n{"x": 1, "y": 2.5}\n```'])
    assert fenced.with_structured_output(Point, method="json_mode").invoke("x") == Point(1, 2.5)
    as_dict = FakeListChatModel(responses=['{"name": "Bo", "age": 3}'])
    assert as_dict.with_structured_output(PERSON_SCHEMA, method="json_schema").invoke("x") == {
        "name": "Bo", "age": 3,
    }  # fmt: skip


@pytest.mark.parametrize("method", ["json_schema", "json_mode", "function_calling"])
def test_structured_output_against_the_server(fake_openai: FakeOpenAI, method: Any) -> None:
    if method == "function_calling":
        fake_openai.reply(tool_calls=[{"name": "Person", "args": {"name": "Ada", "age": 36}}])
    else:
        fake_openai.reply('{"name": "Ada", "age": 36}')
    extract = model_for(fake_openai).with_structured_output(Person, method=method)
    assert extract.invoke("Ada is 36") == Person("Ada", 36)
    sent = fake_openai.requests[-1]["json"]
    if method == "json_schema":
        assert sent["response_format"]["type"] == "json_schema"
        assert sent["response_format"]["json_schema"]["name"] == "Person"
        assert sent["response_format"]["json_schema"]["schema"]["required"] == ["name", "age"]
    elif method == "json_mode":
        assert sent["response_format"] == {"type": "json_object"}
    else:
        assert sent["tools"][0]["function"]["name"] == "Person"
        assert sent["tool_choice"] == {"type": "function", "function": {"name": "Person"}}


def test_structured_output_streams_and_runs_async(fake_openai: FakeOpenAI) -> None:
    extract = model_for(fake_openai).with_structured_output(Movie)
    fake_openai.reply('{"title": "Heat", "year": 1995}')
    assert list(extract.stream("x")) == [{"title": "Heat", "year": 1995}]

    async def main() -> Any:
        fake_openai.reply('{"title": "Heat", "year": 1995}')
        try:
            return await extract.ainvoke("x")
        finally:
            await model_for(fake_openai).aclose()

    assert asyncio.run(main()) == {"title": "Heat", "year": 1995}


def test_invalid_structured_output_raises_quoting_it(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('{"name": "Ada", "age": "old"}')
    with pytest.raises(OutputParserError, match="does not fit Person") as info:
        model_for(fake_openai).with_structured_output(Person).invoke("x")
    assert '"age": "old"' in str(info.value)
    fake_openai.reply("not json at all " * 50)
    with pytest.raises(OutputParserError, match="not JSON") as bad:
        model_for(fake_openai).with_structured_output(Movie).invoke("x")
    assert "chars)" in str(bad.value)  # the quote is shortened
    assert len(str(bad.value)) < 600
    fake_openai.reply('{"title": 3}')
    with pytest.raises(OutputParserError, match="does not fit Movie"):
        model_for(fake_openai).with_structured_output(Movie).invoke("x")


def test_include_raw(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('{"name": "Ada", "age": 36}')
    extract = model_for(fake_openai).with_structured_output(Person, include_raw=True)
    good = extract.invoke("x")
    assert good["parsed"] == Person("Ada", 36)
    assert good["parsing_error"] is None
    assert isinstance(good["raw"], AIMessage)
    fake_openai.reply("nope")
    bad = extract.invoke("x")
    assert bad["parsed"] is None
    assert isinstance(bad["parsing_error"], OutputParserError)
    assert bad["raw"].content == "nope"


def test_invalid_tool_call_arguments_in_structured_output() -> None:
    broken = AIMessage("", invalid_tool_calls=[{"name": "Person", "args": "{oops", "id": "c",
                                                "error": "bad"}])  # fmt: skip
    extract = FakeListChatModel(responses=[broken]).with_structured_output(Person)
    with pytest.raises(OutputParserError, match=r"\{oops"):
        extract.invoke("x")


def test_unknown_method_is_rejected() -> None:
    with pytest.raises(InputValidationError, match="unknown method 'xml'"):
        FakeListChatModel(responses=["x"]).with_structured_output(Person, method="xml")  # type: ignore[call-overload]
