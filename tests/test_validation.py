"""Boundary validation: ``with_validation`` checks input (and output) against the schemas,
structures JSON input into the declared types and names the bad path and rule."""

from __future__ import annotations

import asyncio
import enum
from typing import Any, TypedDict

import attrs
import pytest

from lcel import RunnableLambda
from lcel._jsonschema import UnsupportedTypeError, runnable_input_schema
from lcel._validation import (
    OutputValidationError,
    RunnableValidated,
    structure,
    with_validation,
)
from lcel.errors import InputValidationError, LcelError
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from lcel.models import FakeListChatModel
from lcel.prompts import ChatPromptTemplate, PromptTemplate


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen
class Item:
    name: str
    qty: int = 1


@attrs.frozen
class Order:
    """An order of items."""

    items: list[Item]
    color: Color = Color.RED
    note: str | None = None


@attrs.frozen
class Positive:
    n: int = attrs.field(validator=attrs.validators.gt(0))


class Query(TypedDict):
    question: str
    order: Order


def total(order: Order) -> int:
    assert isinstance(order, Order)  # structured before the function sees it
    assert all(isinstance(i, Item) for i in order.items)
    return sum(i.qty for i in order.items)


def ask(query: Query) -> str:
    return f"{query['question']} {type(query['order']).__name__}"


def liar(x: int) -> int:
    return "not an int"  # type: ignore[return-value]


def echo_messages(messages: str | list[BaseMessage]) -> str:
    if isinstance(messages, str):
        return "str:" + messages
    return ",".join(type(m).__name__ for m in messages)


def weird_keys(data: dict[str, int]) -> int:
    return len(data)


# -- input ---------------------------------------------------------------------------------------


def test_valid_json_input_is_structured_into_the_input_type() -> None:
    checked = with_validation(RunnableLambda(total))
    data = {"items": [{"name": "a", "qty": 2}, {"name": "b"}], "color": "blue"}
    assert checked.invoke(data) == 3


def test_typeddict_values_are_structured() -> None:
    checked = with_validation(RunnableLambda(ask))
    assert checked.invoke({"question": "q", "order": {"items": []}}) == "q Order"


def test_python_values_pass_through_unchanged() -> None:
    seen: list[Any] = []

    def keep(order: Order) -> int:
        seen.append(order)
        return 0

    order = Order([Item("a")])
    with_validation(RunnableLambda(keep)).invoke(order)
    assert seen[0] is order


def test_missing_key_names_the_path_and_rule() -> None:
    prompt = PromptTemplate.from_template("tell me a joke about {topic}")
    checked = with_validation(prompt)
    with pytest.raises(InputValidationError) as info:
        checked.invoke({"subject": "bears"})
    error = info.value
    assert (error.path, error.rule) == ("$.topic", "required")
    assert isinstance(error, ValueError)
    assert isinstance(error, LcelError)
    assert "PromptInput" in str(error)
    assert "'subject'" in str(error)  # the keys received


@pytest.mark.parametrize(
    ("data", "path", "rule"),
    [
        ({"items": [{"name": "a"}, {"name": 3}]}, "$.items[1].name", "type"),
        ({"items": [{"qty": 1}]}, "$.items[0].name", "required"),
        ({"items": [], "color": "green"}, "$.color", "enum"),
        ({"items": "none"}, "$.items", "type"),
        ([], "$", "type"),
    ],
)
def test_wrong_shapes(data: Any, path: str, rule: str) -> None:
    with pytest.raises(InputValidationError) as info:
        with_validation(RunnableLambda(total)).invoke(data)
    assert (info.value.path, info.value.rule) == (path, rule)
    assert f"at {path}:" in str(info.value)


def test_keys_that_are_not_identifiers_are_quoted() -> None:
    with pytest.raises(InputValidationError) as info:
        with_validation(RunnableLambda(weird_keys)).invoke({"a b": "x"})
    assert info.value.path == "$['a b']"


def test_a_refusal_of_the_converter_is_a_structure_error() -> None:
    def double(p: Positive) -> int:
        return p.n * 2

    checked = with_validation(RunnableLambda(double))
    assert checked.invoke({"n": 2}) == 4
    with pytest.raises(InputValidationError) as info:
        checked.invoke({"n": -1})  # the schema has no bound; the class's validator refuses
    assert (info.value.path, info.value.rule) == ("$", "structure")


def test_union_input_picks_the_branch_that_matches() -> None:
    checked = with_validation(RunnableLambda(echo_messages))
    assert checked.invoke("hi") == "str:hi"
    messages = [{"type": "human", "content": "hi"}, {"type": "ai", "content": "yo"}]
    assert checked.invoke(messages) == "HumanMessage,AIMessage"
    assert checked.invoke([HumanMessage("x")]) == "HumanMessage"
    with pytest.raises(InputValidationError) as info:
        checked.invoke(3)
    assert info.value.rule == "anyOf"


def test_chat_model_behind_validation() -> None:
    model = FakeListChatModel(responses=["ha"])
    checked = with_validation(model, validate_output=True)
    assert checked.invoke("tell me a joke") == AIMessage("ha")
    assert checked.invoke([{"type": "human", "content": "hi"}]) == AIMessage("ha")
    chunks = list(checked.stream("x"))
    assert all(isinstance(c, AIMessageChunk) for c in chunks)  # their sum is an AIMessage
    with pytest.raises(InputValidationError):
        checked.invoke(42)


def test_chain_behind_validation_and_titles() -> None:
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    chain = prompt | FakeListChatModel(responses=["ha"])
    checked = with_validation(chain)
    assert checked.invoke({"topic": "bears"}) == AIMessage("ha")
    assert runnable_input_schema(checked)["title"] == "PromptInput"
    assert checked.input_type is chain.input_type
    assert checked.output_type is chain.output_type


# -- output --------------------------------------------------------------------------------------


def test_output_is_checked_only_when_asked() -> None:
    assert with_validation(RunnableLambda(liar)).invoke(1) == "not an int"
    with pytest.raises(OutputValidationError) as info:
        with_validation(RunnableLambda(liar), validate_output=True).invoke(1)
    assert (info.value.path, info.value.rule) == ("$", "type")
    assert isinstance(info.value, LcelError)


def test_streamed_output_is_checked_at_the_end() -> None:
    def letters(text: str) -> int:
        return text  # type: ignore[return-value]

    checked = with_validation(RunnableLambda(letters), validate_output=True)
    with pytest.raises(OutputValidationError):
        list(checked.stream("ab"))


# -- modes and composition -----------------------------------------------------------------------


def test_async_batch_and_stream() -> None:
    checked = with_validation(RunnableLambda(total))
    good = {"items": [{"name": "a", "qty": 2}]}
    assert checked.batch([good, good]) == [2, 2]
    results = checked.batch([good, {"items": 1}], return_exceptions=True)
    assert results[0] == 2
    assert isinstance(results[1], InputValidationError)
    assert list(checked.stream(good)) == [2]

    async def run() -> None:
        assert await checked.ainvoke(good) == 2
        assert [c async for c in checked.astream(good)] == [2]
        with pytest.raises(InputValidationError):
            await checked.ainvoke({"items": [{"qty": "x"}]})

    asyncio.run(run())


def test_composes_and_compares() -> None:
    inner = RunnableLambda(total)
    checked = with_validation(inner)
    assert isinstance(checked, RunnableValidated)
    assert checked == with_validation(inner)
    assert checked != with_validation(inner, validate_output=True)
    pipeline = checked | (lambda n: n * 10)
    assert pipeline.invoke({"items": [{"name": "a"}]}) == 10
    assert "RunnableValidated" in repr(checked)


class Opaque:
    pass


def use_opaque(x: Opaque) -> int:
    return 0


def test_types_without_a_json_form_fail_when_wrapping() -> None:
    with pytest.raises(UnsupportedTypeError):
        with_validation(RunnableLambda(use_opaque))
    with pytest.raises(TypeError, match="needs a Runnable"):
        with_validation(total)  # type: ignore[arg-type]


def test_structure_function() -> None:
    assert structure({"1": "a"}, dict[int, str]) == {1: "a"}
    assert structure([1, "x"], tuple[int, str]) == (1, "x")
    assert structure(["a", "b"], frozenset[str]) == frozenset({"a", "b"})
    assert structure("blue", Color) is Color.BLUE
    assert structure({"name": "n"}, Item | None) == Item("n")
    assert structure(None, Item | None) is None


class _Huge(TypedDict):
    x: int


def _huge_input(p: _Huge) -> int:
    return p["x"]


def test_a_huge_wrong_input_gives_a_short_error() -> None:
    big = "a" * 5_000_000
    checked = RunnableLambda(_huge_input).with_validation()
    for bad in ({"x": big}, big, [big], {big: 1}, {"x": [big, big]}):
        with pytest.raises(InputValidationError) as info:
            checked.invoke(bad)  # type: ignore[arg-type]
        message = str(info.value)
        assert len(message) < 1000, message[:300]
        assert "chars)" in message  # says the value was cut, and how long it was
        assert "invalid input for _huge_input" in message


def test_validation_is_a_wrapper_node_the_interpreter_runs() -> None:
    """Not a component calling the public ``invoke`` of its inner runnable: a node kind of
    its own, whose inner run is a child run and whose stream checks before any chunk."""
    from lcel import Component
    from lcel.tracing import astream_events

    def double(x: int) -> int:
        return x * 2

    checked = with_validation(RunnableLambda(double))
    assert not isinstance(checked, Component)
    assert checked.invoke(2) == 4
    assert list(checked.stream(3)) == [6]
    stream = checked.stream("x")  # type: ignore[arg-type]
    with pytest.raises(InputValidationError):
        next(stream)

    async def events() -> list[Any]:
        return [e async for e in astream_events(checked, 2)]

    evs = asyncio.run(events())
    starts = [e for e in evs if e["event"] == "on_chain_start"]
    assert [e["name"] for e in starts] == ["RunnableValidated", "double"]
    assert starts[1]["parent_ids"] == [starts[0]["run_id"]]
    assert evs[-1]["data"]["output"] == 4
