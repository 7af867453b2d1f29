"""as_tool (arguments from the input type) and get_prompts (prompts found in the tree)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, NotRequired, TypedDict

import attrs
import pytest

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough, RunnableWithMessageHistory
from lcel.chat_history import InMemoryChatMessageHistory
from lcel.errors import InputValidationError
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, PromptTemplate
from lcel.tools import Tool


class Args(TypedDict):
    a: int
    b: NotRequired[list[int]]


def mul(x: Args) -> int:
    return x["a"] * max(x.get("b", [1]))


def test_typed_dict_input_becomes_arguments() -> None:
    as_tool = RunnableLambda(mul).as_tool(name="mul", description="Multiply a by the largest b")
    assert isinstance(as_tool, Tool)
    assert as_tool.name == "mul"
    schema = as_tool.args_schema
    assert schema["required"] == ["a"]
    assert schema["properties"]["a"] == {"title": "A", "type": "integer"}
    assert schema["properties"]["b"] == {
        "title": "B",
        "type": "array",
        "items": {"type": "integer"},
    }
    assert schema["additionalProperties"] is False
    assert as_tool.invoke({"a": 2, "b": [1, 5]}) == 10
    assert as_tool.invoke({"a": 3}) == 3  # an optional key left out stays out
    assert as_tool.batch([{"a": 1}, {"a": 2, "b": [3]}]) == [1, 6]
    with pytest.raises(InputValidationError, match="invalid argument 'a'"):
        as_tool.invoke({"a": "two"})
    with pytest.raises(InputValidationError, match="missing argument"):
        as_tool.invoke({"b": [1]})

    async def main() -> None:
        assert await as_tool.ainvoke({"a": 4}) == 4
        assert [c async for c in as_tool.astream({"a": 5})] == [5]

    asyncio.run(main())


def test_str_input_is_one_input_argument_and_default_description() -> None:
    def shout(text: str) -> str:
        return text.upper()

    as_tool = RunnableLambda(shout).as_tool()
    assert as_tool.name == "shout"
    assert as_tool.description == 'Takes {"title": "shoutInput", "type": "string"}.'
    assert list(as_tool.args) == ["input"]
    assert as_tool.invoke("hi") == "HI"
    assert as_tool.invoke({"input": "yo"}) == "YO"
    assert list(as_tool.stream("a")) == ["A"]


@attrs.frozen
class Person:
    name: str
    age: int = 30


@dataclasses.dataclass
class Point:
    x: float
    y: float = 0.0


def test_attrs_and_dataclass_inputs_are_built_from_the_arguments() -> None:
    def greet(p: Person) -> str:
        return f"{p.name} ({p.age})"

    def norm(p: Point) -> float:
        return abs(p.x) + abs(p.y)

    greeter = RunnableLambda(greet).as_tool(description="Greets")
    assert greeter.args_schema["required"] == ["name"]
    assert greeter.args["age"]["default"] == 30
    assert greeter.invoke({"name": "Ann"}) == "Ann (30)"
    measure = RunnableLambda(norm).as_tool(name="norm", description="L1 norm")
    assert measure.invoke({"x": -1.5, "y": 2}) == 3.5


def test_arg_types_and_args_schema_for_untyped_dicts() -> None:
    add = RunnableLambda(lambda d: d["x"] + d["y"])
    with pytest.raises(TypeError, match="pass arg_types"):
        add.as_tool(name="add", description="adds")
    as_tool = add.as_tool(name="add", description="adds", arg_types={"x": int, "y": int})
    assert as_tool.args_schema["required"] == ["x", "y"]
    assert as_tool.invoke({"x": 1, "y": 2}) == 3

    class XY(TypedDict):
        x: int
        y: int

    typed = add.as_tool(XY, name="add2")
    assert typed.args_schema["required"] == ["x", "y"]
    assert typed.description.startswith('Takes {"properties"')
    assert typed.invoke({"x": 2, "y": 2}) == 4


def test_a_chain_as_tool_shows_its_runs_under_the_tool() -> None:
    prompt = ChatPromptTemplate.from_template("tell me about {topic}")
    chain = prompt | FakeListChatModel(responses=["bears are big"]) | StrOutputParser()
    as_tool = chain.as_tool(name="about", description="Tells about a topic")
    assert list(as_tool.args) == ["topic"]

    async def main() -> list[Any]:
        return [e async for e in as_tool.astream_events({"topic": "bears"})]

    events = asyncio.run(main())
    assert events[0]["event"] == "on_tool_start"
    assert events[0]["name"] == "about"
    assert events[-1]["event"] == "on_tool_end"
    assert events[-1]["data"]["output"] == "bears are big"
    tool_id = events[0]["run_id"]
    inner = [e for e in events if e["event"] == "on_chat_model_end"]
    assert inner
    assert tool_id in inner[0]["parent_ids"]


def test_get_prompts_walks_the_whole_tree() -> None:
    first = ChatPromptTemplate.from_template("a {x}")
    second = PromptTemplate.from_template("b {y}")
    third = PromptTemplate.from_template("c {z}")
    model = FakeListChatModel(responses=["a"])
    def as_y(message: Any) -> Any:
        return {"y": message.text}

    def as_z(message: Any) -> Any:
        return {"z": message.text}

    chain = (
        {"x": RunnablePassthrough()}
        | first
        | model.with_retry()
        | RunnableParallel(p=RunnableLambda(as_y) | second, q=RunnableLambda(as_z) | third)
    )
    assert chain.get_prompts() == [first, second, third]
    wrapped = RunnableWithMessageHistory(
        first.with_config(run_name="p") | model, lambda session_id: InMemoryChatMessageHistory()
    )
    assert wrapped.get_prompts() == [first]
    assert model.get_prompts() == []
    assert first.get_prompts() == [first]
    fallback = model.with_fallbacks([RunnableLambda(as_y) | second | model])
    assert fallback.get_prompts() == [second]
