"""Every public component exports valid JSON Schemas (draft 2020-12) for its input and output,
and the seed page's schema examples hold for our types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict, get_type_hints, is_typeddict

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from lcel import Runnable, RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel.embeddings import HashingEmbeddings
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import (
    AttrsOutputParser,
    CommaSeparatedListOutputParser,
    JsonOutputParser,
    StrOutputParser,
)
from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder, PromptTemplate
from lcel.tools import tool
from lcel.vectorstores import InMemoryVectorStore

MESSAGES = ["AIMessage", "HumanMessage", "ChatMessage", "SystemMessage", "FunctionMessage",
            "ToolMessage"]


@attrs.frozen
class Movie:
    title: str
    year: int = 2000


@tool
def some_tool(x: int, y: str) -> dict[str, object]:
    """Some_tool."""
    return {"x": x, "y": y}


def components() -> dict[str, Runnable[Any, Any]]:
    store = InMemoryVectorStore.from_texts(["harrison worked at kensho"], HashingEmbeddings())
    return {
        "prompt": PromptTemplate.from_template("tell me a joke about {topic}"),
        "chat_prompt": ChatPromptTemplate.from_messages(
            [("system", "be brief"), MessagesPlaceholder("history"), ("human", "{q}")]
        ),
        "chat_model": FakeListChatModel(responses=["x"]),
        "llm": FakeListLLM(responses=["x"]),
        "str_parser": StrOutputParser(),
        "json_parser": JsonOutputParser(),
        "csv_parser": CommaSeparatedListOutputParser(),
        "attrs_parser": AttrsOutputParser(Movie),
        "retriever": store.as_retriever(),
        "tool": some_tool,
        "passthrough": RunnablePassthrough(),
        "parallel": RunnableParallel(a=RunnableLambda(len), b=RunnablePassthrough()),
    }


@pytest.mark.parametrize("name", list(components()))
def test_component_schemas_are_valid(name: str) -> None:
    runnable = components()[name]
    for schema in (runnable.input_schema, runnable.output_schema):
        Draft202012Validator.check_schema(schema)
        assert schema["title"].endswith(("Input", "Output"))


def test_seed_prompt_and_chain_input_schema() -> None:
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    chain = prompt | FakeListChatModel(responses=["x"])
    expected = {
        "title": "PromptInput",
        "type": "object",
        "properties": {"topic": {"title": "Topic", "type": "string"}},
        "required": ["topic"],
    }
    assert prompt.input_schema == expected
    assert chain.input_schema == expected


def test_seed_chat_model_schemas() -> None:
    model = FakeListChatModel(responses=["x"])
    inp = model.input_schema
    assert inp["title"] == "FakeListChatModelInput"
    assert inp["anyOf"][:3] == [
        {"type": "string"},
        {"$ref": "#/$defs/StringPromptValue"},
        {"$ref": "#/$defs/ChatPromptValue"},
    ]
    items = inp["anyOf"][3]["items"]["anyOf"]
    assert inp["anyOf"][3]["type"] == "array"
    assert [i["$ref"].rsplit("/", 1)[1] for i in items] == MESSAGES
    out = model.output_schema
    assert out["title"] == "FakeListChatModelOutput"
    assert [i["$ref"].rsplit("/", 1)[1] for i in out["anyOf"]] == MESSAGES
    chain = ChatPromptTemplate.from_template("tell me a joke about {topic}") | model
    assert chain.output_schema == out
    ai = out["$defs"]["AIMessage"]
    assert ai["properties"]["type"]["const"] == "ai"
    assert "content" in ai["required"]
    tool_message = out["$defs"]["ToolMessage"]
    assert "tool_call_id" in tool_message["required"]


def test_messages_validate_against_the_output_schema() -> None:
    from lcel.serde import to_jsonable

    model = FakeListChatModel(responses=["hello"])
    validator = Draft202012Validator(model.output_schema)
    assert validator.is_valid(to_jsonable(model.invoke("hi")))
    assert not validator.is_valid({"type": "ai"})  # no content


def test_seed_style_schema_call_still_works() -> None:
    """The seed page calls ``chain.input_schema.schema()``: our schemas are dicts that answer it."""
    chain = ChatPromptTemplate.from_template("tell me a joke about {topic}") | FakeListChatModel(
        responses=["x"]
    )
    assert isinstance(chain.input_schema, dict)
    assert chain.input_schema.schema() == chain.input_schema
    assert chain.output_schema.model_json_schema()["title"] == "FakeListChatModelOutput"


# -- keyed outputs: the schema lists every key the value carries ------------------------------


class Query(TypedDict):
    q: str
    n: NotRequired[int]


def _inc(x: int) -> int:
    return x + 1


def _show(x: int) -> str:
    return f"<{x}>"


def _score(d: Mapping[str, Any]) -> float:
    return float(len(d))


def _size(d: Mapping[str, Any]) -> int:
    return len(d)


def _query(q: str) -> Query:
    return {"q": q}


def _keyed_pipelines() -> dict[str, tuple[Runnable[Any, Any], object]]:
    """Pipelines with keyed outputs, each with an input to run it on."""
    par = RunnableParallel(a=_inc, b=_show)
    prompt = ChatPromptTemplate.from_template("answer {question}")
    answer = prompt | FakeListChatModel(responses=["42"]) | StrOutputParser()
    return {
        "parallel.assign": (par.assign(c=_score), 1),
        "parallel | passthrough.assign": (par | RunnablePassthrough.assign(c=_score), 1),
        "assign with_config": (
            par | RunnablePassthrough.assign(c=_score).with_config(tags=["x"]),
            1,
        ),
        "passthrough.assign alone": (RunnablePassthrough.assign(answer=answer), {"question": "q"}),
        "assign replaces a key": (par.assign(a=_score), 1),
        "assign twice": (par.assign(c=_score).assign(d=lambda d: 0), 1),
        "assign with fallbacks and retry": (
            par
            | RunnablePassthrough.assign(c=_score)
            .with_fallbacks([RunnablePassthrough.assign(c=_score)])
            .with_retry(),
            1,
        ),
        "pick keys": (par.pick(["b", "a"]), 1),
        "pick after assign": (par.assign(c=_score).pick(["c", "a"]), 1),
        "parallel with passthrough": (RunnableParallel(n=_inc, orig=RunnablePassthrough()), 1),
        "dict after a step": (
            RunnableLambda(_inc) | {"same": RunnablePassthrough(), "s": _show},
            1,
        ),
        "nested assign": (
            RunnableLambda(_query) | {"full": RunnablePassthrough.assign(m=_size)},
            "x",
        ),
        "typeddict pick": (RunnableLambda(_query).pick(["q"]), "x"),
    }


@pytest.mark.parametrize("name", list(_keyed_pipelines()))
def test_output_schema_keys_agree_with_what_invoke_returns(name: str) -> None:
    """The required keys of the output schema are exactly the keys ``invoke`` returns (no key
    is optional in these pipelines' outputs), and the output validates against the schema."""
    from lcel.serde import to_jsonable

    runnable, value = _keyed_pipelines()[name]
    schema = runnable.output_schema
    out = runnable.invoke(value)
    assert list(schema["properties"]) == list(out), (schema, out)
    assert sorted(schema["required"]) == sorted(out)
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(to_jsonable(out))


def test_assign_after_a_parallel_lists_the_parallels_keys_with_their_types() -> None:
    chain = RunnableParallel(a=_inc, b=_show).assign(c=_score)
    schema = chain.output_schema
    assert schema == {
        "title": "RunnableAssign<c>Output",
        "type": "object",
        "properties": {
            "a": {"title": "A", "type": "integer"},
            "b": {"title": "B", "type": "string"},
            "c": {"title": "C", "type": "number"},
        },
        "required": ["a", "b", "c"],
    }
    # a value missing a passed-through key, or with a wrong type for one, does not validate
    assert not Draft202012Validator(schema).is_valid({"c": 1.0})
    assert not Draft202012Validator(schema).is_valid({"a": "x", "b": "y", "c": 1.0})


def test_passthrough_assign_alone_lists_the_input_keys_its_steps_need() -> None:
    prompt = ChatPromptTemplate.from_template("answer {question}")
    chain = RunnablePassthrough.assign(answer=prompt | FakeListChatModel(responses=["x"]))
    props = chain.output_schema["properties"]
    assert list(props) == ["question", "answer"]
    assert props["question"]["type"] == "string"
    assert chain.output_schema["required"] == ["question", "answer"]


def test_assign_keeps_optional_input_keys_optional_and_replaces_in_place() -> None:
    chain = RunnableLambda(_query).assign(q=_size)
    schema = chain.output_schema
    assert list(schema["properties"]) == ["q", "n"]  # as {**input, **added} orders them
    assert schema["properties"]["q"]["type"] == "integer"  # the new step's type wins
    assert schema["required"] == ["q"]  # n may be absent, as in the input


def test_pick_types_the_picked_keys_from_the_input() -> None:
    par = RunnableParallel(a=_inc, b=_show)
    assert par.pick("b").output_schema == {"title": "RunnablePick<b>Output", "type": "string"}
    many = par.pick(["a", "zz"]).output_schema
    assert many["properties"] == {"a": {"title": "A", "type": "integer"}, "zz": {"title": "Zz"}}
    assert many["required"] == ["a"]  # zz is not produced: picked only if present
    optional = RunnableLambda(_query).pick("n").output_schema
    assert optional["anyOf"] == [{"type": "integer"}, {"type": "null"}]  # absent: None


def test_pick_and_assign_alone_say_what_they_know() -> None:
    from lcel._passthrough import RunnablePick

    assert RunnablePick.create(["a", "b"]).output_schema["properties"] == {
        "a": {"title": "A"},
        "b": {"title": "B"},
    }
    assert "required" not in RunnablePick.create(["a", "b"]).output_schema
    assert RunnablePick.create("a").output_schema == {"title": "RunnablePick<a>Output"}
    alone = RunnablePassthrough.assign(c=_score).output_schema
    assert alone["properties"] == {"c": {"title": "C", "type": "number"}}


def test_parallel_passthrough_branch_carries_the_input_type() -> None:
    assert RunnableParallel(n=_inc, orig=RunnablePassthrough()).output_schema["properties"] == {
        "n": {"title": "N", "type": "integer"},
        "orig": {"title": "Orig", "type": "integer"},
    }
    chain = RunnableLambda(_query) | {"full": RunnablePassthrough.assign(m=_size)}
    inner = chain.output_schema["$defs"][chain.output_schema["properties"]["full"]["$ref"][8:]]
    assert list(inner["properties"]) == ["q", "n", "m"]


def test_keyed_output_types_agree_with_the_schema() -> None:
    """``output_type`` is where the schema comes from: a TypedDict of the same keys."""
    chain = RunnableParallel(a=_inc, b=_show).assign(c=_score)
    tp = chain.output_type
    assert is_typeddict(tp)
    assert get_type_hints(tp) == {"a": int, "b": str, "c": float}


def _label(d: Mapping[str, Any]) -> str:
    return ",".join(sorted(d))


_KEYS = ["a", "b", "c", "d"]
_STEPS = [_score, _size, _label]
_OPS = st.one_of(
    st.tuples(st.just("assign"), st.sampled_from(_KEYS), st.sampled_from(_STEPS)),
    st.tuples(st.just("pick"), st.lists(st.sampled_from(_KEYS), min_size=1, unique=True)),
    st.tuples(st.just("dict"), st.sampled_from(_KEYS), st.sampled_from(_STEPS)),
    st.tuples(st.just("passthrough")),
    st.tuples(st.just("with_config")),
)


def _apply(chain: Runnable[Any, Any], op: tuple[Any, ...]) -> Runnable[Any, Any]:
    kind = op[0]
    if kind == "assign":
        return chain.assign(**{op[1]: op[2]})
    if kind == "pick":
        return chain.pick(op[1])
    if kind == "dict":
        return chain | {"orig": RunnablePassthrough(), op[1]: op[2]}
    if kind == "passthrough":
        return chain | RunnablePassthrough()
    return chain.with_config(tags=["t"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_OPS, min_size=1, max_size=5))
def test_keyed_output_schemas_describe_what_invoke_returns(ops: list[tuple[Any, ...]]) -> None:
    """Any composition of parallels, dicts of steps, assign, pick, passthrough and config:
    the schema's required keys are present, every returned key is a property, and the value
    validates (nested outputs too)."""
    from lcel.serde import to_jsonable

    chain: Runnable[Any, Any] = RunnableParallel(a=_inc, b=_show)
    for op in ops:
        chain = _apply(chain, op)
    schema = chain.output_schema
    out = chain.invoke(1)
    assert set(schema.get("required", [])) <= set(out) <= set(schema["properties"]), (schema, out)
    Draft202012Validator(schema).validate(to_jsonable(out))
