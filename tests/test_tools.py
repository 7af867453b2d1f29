"""``lcel.tools``: ``@tool``, ``Tool.from_function``, schemas, validation, sync and async runs."""

from __future__ import annotations

import asyncio
import datetime
import enum
import functools
import typing
from typing import Annotated, Any, Literal

import attrs
import pytest

from lcel import RunnableConfig, RunnableLambda
from lcel.errors import InputValidationError
from lcel.tools import Tool, tool


@tool
def some_tool(x: int, y: str) -> dict[str, object]:
    """Some_tool."""
    return {"x": x, "y": y}


@tool
async def fetch(url: str, retries: Annotated[int, "how many times to retry"] = 2) -> str:
    """Fetch a page (pretend)."""
    await asyncio.sleep(0)
    return f"{url}:{retries}"


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen
class Point:
    x: int
    y: int


# -- construction -------------------------------------------------------------------------------


def test_bare_decorator_names_and_describes() -> None:
    assert isinstance(some_tool, Tool)
    assert some_tool.get_name() == "some_tool"
    assert some_tool.name == "some_tool"
    assert some_tool.description == "Some_tool."
    assert some_tool.run_type == "tool"
    assert repr(some_tool) == "Tool(name='some_tool', description='Some_tool.')"


def test_decorator_with_arguments() -> None:
    @tool("lookup")
    def f(q: str) -> str:
        """Look up."""
        return q

    @tool(name="other", description="Explicit.")
    def g(q: str) -> str:
        return q

    @tool(description="Only a description.")
    def h(q: str) -> str:
        return q

    assert (f.get_name(), f.description) == ("lookup", "Look up.")
    assert (g.get_name(), g.description) == ("other", "Explicit.")
    assert (h.get_name(), h.description) == ("h", "Only a description.")


def test_from_function() -> None:
    def add(a: int, b: int = 1) -> int:
        """Add."""
        return a + b

    t = Tool.from_function(add)
    assert t.invoke({"a": 2}) == 3
    assert Tool.from_function(add, name="plus", description="d").get_name() == "plus"


def test_missing_docstring_or_name_is_an_error() -> None:
    def nodoc(x: int) -> int:
        return x

    with pytest.raises(ValueError, match="'nodoc' needs a description"):
        tool(nodoc)
    with pytest.raises(ValueError, match="pass name="):
        Tool.from_function(lambda x: x, description="d")
    with pytest.raises(TypeError, match="tool name given twice"):
        tool("a", name="b")  # type: ignore[call-overload]


def test_var_positional_is_rejected() -> None:
    def f(*items: int) -> int:
        """Sum."""
        return sum(items)

    with pytest.raises(TypeError, match=r"\*items cannot be passed by name"):
        tool(f)


def test_unresolvable_hints_are_reported() -> None:
    def f(x: Undefined) -> int:  # type: ignore[name-defined]  # noqa: F821
        """F."""
        return 1

    with pytest.raises(TypeError, match="cannot resolve the type hints"):
        tool(f)


# -- schema and types ---------------------------------------------------------------------------


def test_args_schema_of_the_seed_tool() -> None:
    assert some_tool.args_schema == {
        "title": "some_tool",
        "description": "Some_tool.",
        "type": "object",
        "properties": {
            "x": {"title": "X", "type": "integer"},
            "y": {"title": "Y", "type": "string"},
        },
        "required": ["x", "y"],
        "additionalProperties": False,
    }
    assert some_tool.args == {
        "x": {"title": "X", "type": "integer"},
        "y": {"title": "Y", "type": "string"},
    }


def test_schema_defaults_descriptions_and_rich_types() -> None:
    def f(
        when: datetime.date,
        color: Color = Color.RED,
        mode: Literal["a", "b"] = "a",
        tags: list[str] | None = None,
        point: Point | None = None,
    ) -> None:
        """F."""

    props = tool(f).args_schema["properties"]
    assert fetch.args_schema["properties"]["retries"] == {
        "title": "Retries",
        "type": "integer",
        "description": "how many times to retry",
        "default": 2,
    }
    assert props["when"] == {"title": "When", "type": "string", "format": "date"}
    assert props["color"]["default"] == "red"
    assert props["mode"]["enum"] == ["a", "b"]
    assert props["tags"]["default"] is None
    assert tool(f).args_schema["required"] == ["when"]
    assert "Point" in tool(f).args_schema["$defs"]


def test_schema_is_a_fresh_copy() -> None:
    some_tool.args_schema["properties"].clear()
    assert "x" in some_tool.args_schema["properties"]


def test_input_type_is_a_typeddict_of_the_arguments() -> None:
    td = fetch.input_type
    assert typing.is_typeddict(td)
    assert td.__required_keys__ == frozenset({"url"})
    assert td.__optional_keys__ == frozenset({"retries"})
    assert some_tool.output_type == dict[str, object]
    assert fetch.output_type is str


def test_untyped_function_accepts_anything_returns_any() -> None:
    def echo(value):  # type: ignore[no-untyped-def]
        """Echo."""
        return value

    t = tool(echo)
    assert t.output_type is Any
    assert t.invoke({"value": [1, {"a": None}]}) == [1, {"a": None}]


# -- running ------------------------------------------------------------------------------------


def test_invoke_and_ainvoke_sync_tool() -> None:
    assert some_tool.invoke({"x": 1, "y": "2"}) == {"x": 1, "y": "2"}
    assert asyncio.run(some_tool.ainvoke({"x": 1, "y": "2"})) == {"x": 1, "y": "2"}


def test_async_tool_runs_natively_and_from_sync_code() -> None:
    assert asyncio.run(fetch.ainvoke({"url": "u", "retries": 5})) == "u:5"
    assert fetch.invoke({"url": "u"}) == "u:2"


def test_async_tool_invoke_inside_a_running_loop_is_refused() -> None:
    async def main() -> object:
        return fetch.invoke("u")

    with pytest.raises(RuntimeError, match=r"use `await tool.ainvoke\(...\)`"):
        asyncio.run(main())


def test_str_input_for_a_one_argument_tool() -> None:
    assert fetch.invoke("page") == "page:2"  # the only required argument

    @tool
    def upper(text: str) -> str:
        """Upper."""
        return text.upper()

    assert upper.invoke("hi") == "HI"


def test_batch_and_stream() -> None:
    assert some_tool.batch([{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]) == [
        {"x": 1, "y": "a"},
        {"x": 2, "y": "b"},
    ]
    assert list(some_tool.stream({"x": 1, "y": "a"})) == [{"x": 1, "y": "a"}]


def test_in_a_sequence() -> None:
    def arguments(n: int) -> dict[str, Any]:
        return {"x": n, "y": str(n)}

    chain = RunnableLambda(arguments) | some_tool
    assert chain.invoke(3) == {"x": 3, "y": "3"}


def test_bind_supplies_arguments() -> None:
    bound = some_tool.bind(y="bound")
    assert bound.invoke({"x": 1}) == {"x": 1, "y": "bound"}
    assert bound.invoke({"x": 1, "y": "mine"}) == {"x": 1, "y": "mine"}


def test_config_parameter_receives_the_config() -> None:
    @tool
    def tagged(x: int, config: RunnableConfig) -> list[str]:
        """Tags of the run."""
        return list(config.get("tags", []))

    assert "config" not in tagged.args_schema["properties"]
    assert "t1" in tagged.invoke({"x": 1}, {"tags": ["t1"]})


def test_kwargs_function_accepts_extra_arguments() -> None:
    @tool
    def loose(a: int, **rest: Any) -> dict[str, Any]:
        """Loose."""
        return {"a": a, **rest}

    assert "additionalProperties" not in loose.args_schema
    assert loose.invoke({"a": 1, "b": 2}) == {"a": 1, "b": 2}


def test_positional_only_parameters() -> None:
    def f(a: int, b: int = 10, /, c: int = 100) -> int:
        """F."""
        return a + b + c

    t = tool(f)
    assert t.invoke({"a": 1}) == 111
    assert t.invoke({"a": 1, "b": 2, "c": 3}) == 6


def test_partial_and_callable_object() -> None:
    def power(base: int, exp: int) -> int:
        return int(base**exp)

    square = Tool.from_function(functools.partial(power, exp=2), name="sq", description="Sq.")
    assert square.invoke({"base": 3}) == 9

    class Greeter:
        async def __call__(self, who: str) -> str:
            return f"hi {who}"

    greet = Tool.from_function(Greeter(), name="greet", description="Greet.")
    assert asyncio.run(greet.ainvoke("bob")) == "hi bob"


def test_json_arguments_are_structured_into_declared_types() -> None:
    @tool
    def place(p: Point, when: datetime.datetime, color: Color, pair: tuple[int, str]) -> str:
        """Place."""
        return f"{p!r} {when!r} {color!r} {pair!r}"

    from_json = place.invoke(
        {"p": {"x": 1, "y": 2}, "when": "2024-01-31T08:00:00", "color": "blue", "pair": [1, "a"]}
    )
    assert from_json == (
        "Point(x=1, y=2) datetime.datetime(2024, 1, 31, 8, 0) <Color.BLUE: 'blue'> (1, 'a')"
    )
    when = datetime.datetime(2024, 1, 31, 8)
    from_python = place.invoke(
        {"p": Point(1, 2), "when": when, "color": Color.BLUE, "pair": (1, "a")}
    )
    assert from_python == from_json


def test_equality_and_hash() -> None:
    again = Tool.from_function(some_tool.func)
    assert again == some_tool
    assert hash(again) == hash(some_tool)
    assert Tool.from_function(some_tool.func, name="other") != some_tool


# -- bad input ----------------------------------------------------------------------------------


def _error(t: Tool[Any], value: object) -> InputValidationError:
    with pytest.raises(InputValidationError) as info:
        t.invoke(value)  # type: ignore[arg-type]
    return info.value


def test_wrong_type_names_the_argument() -> None:
    err = _error(some_tool, {"x": "a", "y": "2"})
    assert str(err) == "tool 'some_tool': invalid argument 'x': 'a' is not of type 'integer'"
    assert (err.path, err.rule) == ("$.x", "type")
    assert "True is not of type 'integer'" in str(_error(some_tool, {"x": True, "y": "2"}))


def test_missing_argument() -> None:
    err = _error(some_tool, {"x": 1})
    assert str(err) == (
        "tool 'some_tool': missing argument(s) 'y' (expected x: integer, y: string; got 'x')"
    )
    assert (err.path, err.rule) == ("$.y", "required")


def test_unexpected_argument() -> None:
    err = _error(some_tool, {"x": 1, "y": "2", "z": 3})
    assert "unexpected argument(s) 'z'" in str(err)
    assert err.path == "$.z"


def test_nested_error_path() -> None:
    @tool
    def tagger(tags: list[str], p: Point | None = None) -> int:
        """Tag."""
        return len(tags)

    err = _error(tagger, {"tags": ["a", 2]})
    assert str(err) == "tool 'tagger': invalid argument 'tags[1]': 2 is not of type 'string'"
    assert err.path == "$.tags[1]"
    assert "'p.y'" in str(_error(tagger, {"tags": [], "p": {"x": 1, "y": "no"}}))


def test_str_for_a_multi_argument_tool() -> None:
    err = _error(some_tool, "hello")
    assert str(err) == (
        "tool 'some_tool' takes 2 arguments (x: integer, y: string); "
        "pass them as a dict, not the str 'hello'"
    )


def test_neither_dict_nor_str() -> None:
    assert "expects a dict of arguments (x: integer, y: string), got list: [1, 2]" in str(
        _error(some_tool, [1, 2])
    )
    assert "argument names must be str" in str(_error(some_tool, {1: "a"}))


def test_bad_input_is_also_refused_by_ainvoke() -> None:
    with pytest.raises(InputValidationError, match="invalid argument 'retries'"):
        asyncio.run(fetch.ainvoke({"url": "u", "retries": "many"}))


def test_function_errors_propagate_unchanged() -> None:
    @tool
    def boom(x: int) -> int:
        """Boom."""
        raise KeyError(x)

    with pytest.raises(KeyError):
        boom.invoke({"x": 1})
