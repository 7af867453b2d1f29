import json
from typing import TypedDict

import jsonschema
import pytest

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import CommaSeparatedListOutputParser, StrOutputParser
from lcel.prompts import ChatPromptTemplate, PromptTemplate


def test_prompt_schema_exact():
    p = PromptTemplate.from_template("tell me a joke about {topic}")
    assert p.input_schema == {"type": "object", "properties": {"topic": {"title": "Topic", "type": "string"}},
                              "required": ["topic"], "title": "PromptInput"}
    cp = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    assert cp.input_schema == p.input_schema

def test_chain_schemas_seed():
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    model = FakeListChatModel(responses=["x"])
    chain = prompt | model
    assert chain.input_schema == prompt.input_schema
    assert chain.input_schema["title"] == "PromptInput"
    out = chain.output_schema
    assert out["title"] == "FakeListChatModelOutput"
    refs = [x["$ref"] for x in out["anyOf"]]
    assert refs == ["#/$defs/AIMessage", "#/$defs/HumanMessage", "#/$defs/ChatMessage",
                    "#/$defs/SystemMessage", "#/$defs/FunctionMessage", "#/$defs/ToolMessage"]
    for n in ["AIMessage", "HumanMessage", "ChatMessage", "SystemMessage", "FunctionMessage", "ToolMessage"]:
        assert n in out["$defs"]
        d = out["$defs"][n]
        assert d["title"] == n and d["type"] == "object"
        assert "content" in d["required"]
    assert "role" in out["$defs"]["ChatMessage"]["required"]
    assert "tool_call_id" in out["$defs"]["ToolMessage"]["required"]
    assert "name" in out["$defs"]["FunctionMessage"]["required"]
    assert out["$defs"]["AIMessage"]["properties"]["type"]["default"] == "ai"
    assert "definitions" not in out

def test_chat_model_input_schema():
    s = FakeListChatModel(responses=["x"]).input_schema
    assert s["title"] == "FakeListChatModelInput"
    a = s["anyOf"]
    assert a[0] == {"type": "string"}
    assert a[1] == {"$ref": "#/$defs/StringPromptValue"}
    assert a[2]["$ref"].startswith("#/$defs/ChatPromptValue")
    assert a[3]["type"] == "array"
    assert len(a[3]["items"]["anyOf"]) == 6
    spv = s["$defs"]["StringPromptValue"]
    assert spv["properties"]["text"]["type"] == "string"
    assert "text" in spv["required"]
    cpv = s["$defs"][a[2]["$ref"].split("/")[-1]]
    assert "messages" in cpv["required"]

def test_all_schemas_valid_2020_12():
    rs = [PromptTemplate.from_template("{a}"), FakeListChatModel(responses=["x"]), FakeListLLM(responses=["x"]),
          StrOutputParser(), CommaSeparatedListOutputParser(),
          ChatPromptTemplate.from_template("{a}") | FakeListChatModel(responses=["x"]) | StrOutputParser()]
    for r in rs:
        for s in (r.input_schema, r.output_schema):
            jsonschema.Draft202012Validator.check_schema(s)
            json.dumps(s)

def test_schema_validates_instances():
    s = PromptTemplate.from_template("{a}").input_schema
    jsonschema.validate({"a": "x"}, s, cls=jsonschema.Draft202012Validator)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({}, s, cls=jsonschema.Draft202012Validator)

def test_lambda_types_and_titles():
    def foo(x: int) -> str:
        return str(x)
    r = RunnableLambda(foo)
    assert r.input_type is int and r.output_type is str
    assert r.input_schema == {"title": "fooInput", "type": "integer"}
    assert r.output_schema == {"title": "fooOutput", "type": "string"}

def test_typeddict_defs():
    class Q(TypedDict):
        q: str
        n: int
    def f(x: Q) -> list[str]:
        return []
    s = RunnableLambda(f).input_schema
    assert s["title"] == "fInput"
    jsonschema.Draft202012Validator.check_schema(s)
    jsonschema.validate({"q": "a", "n": 1}, s, cls=jsonschema.Draft202012Validator)
    assert RunnableLambda(f).output_schema["type"] == "array"

def test_component_types():
    assert StrOutputParser().output_type is str
    assert FakeListLLM(responses=["x"]).output_type is str
    assert CommaSeparatedListOutputParser().output_type == list[str]

def test_parallel_schemas():
    p = RunnableParallel(a=PromptTemplate.from_template("{x}"), b=RunnableLambda(lambda d: 1))
    s = p.output_schema
    assert s["title"] == "RunnableParallel<a,b>Output"
    assert set(s["properties"]) == {"a", "b"}

def test_graph():
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    model = FakeListChatModel(responses=["x"])
    g = (prompt | model).get_graph()
    names = [n.name for n in g.nodes] if not isinstance(g.nodes, dict) else [n.name for n in g.nodes.values()]
    assert names[0] == "PromptInput" if isinstance(g.nodes, (list, tuple)) else "PromptInput" in names
    assert "PromptInput" in names and "FakeListChatModelOutput" in names
    assert "ChatPromptTemplate" in names and "FakeListChatModel" in names
    assert len(g.edges) == 3
    a = g.draw_ascii()
    assert "PromptInput" in a and "FakeListChatModelOutput" in a and "ChatPromptTemplate" in a
    m = g.draw_mermaid()
    assert "PromptInput" in m and "-->" in m

def test_graph_parallel():
    p = RunnableLambda(lambda x: x) | {"a": RunnableLambda(lambda x: 1), "b": RunnablePassthrough()}
    g = p.get_graph()
    assert len(g.nodes) >= 5
    g.draw_ascii(); g.draw_mermaid()

def test_graph_single():
    def foo(x: int) -> int:
        return x
    g = RunnableLambda(foo).get_graph()
    nodes = list(g.nodes.values()) if isinstance(g.nodes, dict) else list(g.nodes)
    names = [n.name for n in nodes]
    assert set(names) == {"fooInput", "foo", "fooOutput"}
