"""Every public component exports valid JSON Schemas (draft 2020-12) for its input and output,
and the seed page's schema examples hold for our types."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
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
