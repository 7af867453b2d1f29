from conftest import acollect, run

from lcel import RunnableParallel
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
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
from lcel.models import BaseChatModel, BaseLLM, FakeListChatModel, FakeListLLM
from lcel.parsers import CommaSeparatedListOutputParser, JsonOutputParser, StrOutputParser
from lcel.prompts import (
    ChatPromptTemplate,
    ChatPromptValue,
    MessagesPlaceholder,
    PromptTemplate,
    PromptValue,
    StringPromptValue,
)
from lcel.tools import Tool, tool
from lcel.vectorstores import InMemoryVectorStore


def test_prompt_template():
    p = PromptTemplate.from_template("tell me a joke about {topic}")
    v = p.invoke({"topic": "bears"})
    assert isinstance(v, StringPromptValue) and isinstance(v, PromptValue)
    assert v.to_string() == "tell me a joke about bears"
    msgs = v.to_messages()
    assert isinstance(msgs[0], HumanMessage) and msgs[0].content == "tell me a joke about bears"

def test_chat_prompt_template():
    p = ChatPromptTemplate.from_messages([("system", "sys {a}"), ("human", "{q}"), MessagesPlaceholder("history")])
    v = p.invoke({"a": "A", "q": "Q", "history": [AIMessage(content="h")]})
    assert isinstance(v, ChatPromptValue)
    assert isinstance(v.messages[0], SystemMessage) and v.messages[0].content == "sys A"
    assert isinstance(v.messages[1], HumanMessage) and v.messages[1].content == "Q"
    assert isinstance(v.messages[2], AIMessage)
    assert list(v.to_messages()) == list(v.messages)
    assert "sys A" in v.to_string()
    v2 = ChatPromptTemplate.from_template("hi {x}").invoke({"x": 1})
    assert isinstance(v2.messages[0], HumanMessage) and v2.messages[0].content == "hi 1"

def test_chat_model_inputs_and_cycling():
    m = FakeListChatModel(responses=["one", "two"])
    assert m.invoke("a") == AIMessage(content="one")
    assert m.invoke([HumanMessage(content="x")]).content == "two"
    assert m.invoke(ChatPromptTemplate.from_template("{x}").invoke({"x": 1})).content == "one"
    assert m.invoke(PromptTemplate.from_template("{x}").invoke({"x": 1})).content == "two"
    assert isinstance(m.invoke("a"), AIMessage)
    assert isinstance(m, BaseChatModel)

def test_chat_model_stream_one_char():
    m = FakeListChatModel(responses=["hey"])
    chunks = list(m.stream("x"))
    assert [c.content for c in chunks] == ["h", "e", "y"]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    total = chunks[0] + chunks[1] + chunks[2]
    assert isinstance(total, AIMessageChunk) and total.content == "hey"
    achunks = run(acollect(FakeListChatModel(responses=["ab"]).astream("x")))
    assert [c.content for c in achunks] == ["a", "b"]

def test_llm():
    l = FakeListLLM(responses=["r1", "r2"])
    assert isinstance(l, BaseLLM)
    assert l.invoke("q") == "r1"
    assert l.invoke([HumanMessage(content="x")]) == "r2"
    assert l.invoke(PromptTemplate.from_template("{x}").invoke({"x": 1})) == "r1"
    chunks = list(FakeListLLM(responses=["abc"]).stream("q"))
    assert all(isinstance(c, str) for c in chunks) and "".join(chunks) == "abc"
    assert FakeListLLM(responses=["abc"]).batch(["a", "b"]) == ["abc", "abc"]

def test_str_parser():
    p = StrOutputParser()
    assert p.invoke("x") == "x"
    assert p.invoke(AIMessage(content="y")) == "y"
    assert list((FakeListChatModel(responses=["ab"]) | p).stream("q")) == ["a", "b"]

def test_json_parser():
    p = JsonOutputParser()
    assert p.invoke('{"a": [1, 2]}') == {"a": [1, 2]}
    assert p.invoke(AIMessage(content='{"a": 1}')) == {"a": 1}
    m = FakeListChatModel(responses=['{"a": "bc", "d": [1]}'])
    chunks = list((m | p).stream("q"))
    assert chunks[-1] == {"a": "bc", "d": [1]}
    assert len(chunks) > 1
    assert {"a": "b"} in chunks or {"a": ""} in chunks
    # no duplicates consecutive
    for x, y in zip(chunks, chunks[1:]):
        assert x != y

def test_json_parser_fenced():
    assert JsonOutputParser().invoke('```json\n{"a": 1}\n```') == {"a": 1}

def test_csv_parser():
    p = CommaSeparatedListOutputParser()
    assert p.invoke("a, b, c") == ["a", "b", "c"]
    assert p.invoke('"x, y", z') == ["x, y", "z"]
    assert p.invoke(AIMessage(content="a,b")) == ["a", "b"]
    m = FakeListChatModel(responses=["red, green, blue"])
    chunks = list((m | p).stream("q"))
    assert chunks == [["red"], ["green"], ["blue"]]
    m2 = FakeListChatModel(responses=['"a, b", c'])
    assert list((m2 | p).stream("q")) == [["a, b"], ["c"]]

def test_retriever():
    vs = InMemoryVectorStore.from_texts(["harrison worked at kensho", "bears like honey"], embedding=HashingEmbeddings())
    r = vs.as_retriever(k=1)
    docs = r.invoke("where did harrison work?")
    assert isinstance(docs, list) and len(docs) == 1
    assert isinstance(docs[0], Document)
    assert docs[0].page_content == "harrison worked at kensho"
    assert len(vs.as_retriever().invoke("x")) == 2
    assert run(r.ainvoke("honey bears"))[0].page_content == "bears like honey"

def test_embeddings_deterministic():
    e = HashingEmbeddings()
    assert e.embed_query("abc") == HashingEmbeddings().embed_query("abc")

def test_tool_dict_and_str():
    @tool
    def some_tool(x: int, y: str) -> dict:
        """Some_tool."""
        return {"x": x, "y": y}
    assert some_tool.invoke({"x": 1, "y": "2"}) == {"x": 1, "y": "2"}
    assert isinstance(some_tool, Tool)
    assert some_tool.get_name() == "some_tool"
    @tool
    def shout(text: str) -> str:
        """Shout."""
        return text.upper()
    assert shout.invoke("hi") == "HI"
    assert shout.invoke({"text": "hi"}) == "HI"
    assert run(shout.ainvoke("a")) == "A"

def test_messages():
    a = AIMessageChunk(content="a") + AIMessageChunk(content="b")
    assert a.content == "ab"
    assert isinstance(HumanMessage(content="x"), BaseMessage)
    ToolMessage(content="x", tool_call_id="1")
    FunctionMessage(content="x", name="f")
    ChatMessage(content="x", role="r")
    assert HumanMessage(content="x") == HumanMessage(content="x")

def test_seed_joke_chain():
    model = FakeListChatModel(responses=["Why don't bears wear shoes?\n\nBecause they have bear feet!",
                                         "Why don't cats play poker in the wild?\n\nToo many cheetahs!"])
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    c = prompt | model
    assert c.invoke({"topic": "bears"}).content.startswith("Why don't bears")
    s = "".join(x.content for x in c.stream({"topic": "bears"}))
    assert s.startswith("Why don't cats")
    out = c.batch([{"topic": "bears"}, {"topic": "cats"}])
    assert all(isinstance(o, AIMessage) for o in out) and len(out) == 2
    out = c.batch([{"topic": "bears"}, {"topic": "cats"}], config={"max_concurrency": 5})
    assert len(out) == 2
    async def main():
        s = ""
        async for x in c.astream({"topic": "bears"}):
            s += x.content
        r = await c.ainvoke({"topic": "bears"})
        b = await c.abatch([{"topic": "bears"}])
        return s, r, b
    s, r, b = run(main())
    assert s and isinstance(r, AIMessage) and len(b) == 1

def test_seed_parallel():
    model = FakeListChatModel(responses=["joke", "poem"])
    chain1 = ChatPromptTemplate.from_template("tell me a joke about {topic}") | model
    chain2 = ChatPromptTemplate.from_template("write a short (2 line) poem about {topic}") | model
    combined = RunnableParallel(joke=chain1, poem=chain2)
    out = combined.invoke({"topic": "bears"})
    assert set(out) == {"joke", "poem"}
    assert all(isinstance(v, AIMessage) for v in out.values())
    outs = combined.batch([{"topic": "bears"}, {"topic": "cats"}])
    assert len(outs) == 2 and all(set(o) == {"joke", "poem"} for o in outs)
    assert len(chain1.batch([{"topic": "bears"}, {"topic": "cats"}])) == 2
