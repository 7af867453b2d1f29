import datetime

import jsonpatch
import pytest
from conftest import acollect, run

from lcel import RunnableLambda, RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, ChatPromptValue
from lcel.tools import tool
from lcel.tracing import RunLog, RunLogPatch
from lcel.vectorstores import InMemoryVectorStore

TEMPLATE = """Answer the question based only on the following context:
{context}

Question: {question}
"""

def retrieval_chain(resp="Harrison worked at Kensho."):
    prompt = ChatPromptTemplate.from_template(TEMPLATE)
    model = FakeListChatModel(responses=[resp])
    vs = InMemoryVectorStore.from_texts(["harrison worked at kensho"], embedding=HashingEmbeddings())
    retriever = vs.as_retriever()
    return ({"context": retriever.with_config(run_name="Docs"), "question": RunnablePassthrough()}
            | prompt | model.with_config(run_name="my_llm") | StrOutputParser())

def events(r, inp, **kw):
    return run(acollect(r.astream_events(inp, **kw)))

def logs(r, inp, **kw):
    return run(acollect(r.astream_log(inp, **kw)))

# ---------------- events -----------------
KEYS_V2 = {"event", "name", "run_id", "parent_ids", "tags", "metadata", "data"}

def test_seed_events_v1():
    evs = events(retrieval_chain(), "where did harrison work?", version="v1", include_names=["Docs", "my_llm"])
    kinds = [e["event"] for e in evs]
    assert kinds[0] == "on_retriever_start"
    assert "on_retriever_end" in kinds and "on_chat_model_start" in kinds and "on_chat_model_end" in kinds
    assert {e["name"] for e in evs} == {"Docs", "my_llm"}
    ret_end = next(e for e in evs if e["event"] == "on_retriever_end")
    docs = ret_end["data"]["output"]["documents"]
    assert docs[0].page_content == "harrison worked at kensho"
    chunks = [e["data"]["chunk"] for e in evs if e["event"] == "on_chat_model_stream"]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "".join(c.content for c in chunks) == "Harrison worked at Kensho."
    end = next(e for e in evs if e["event"] == "on_chat_model_end")
    out = end["data"]["output"]
    assert set(out) >= {"generations", "llm_output"} and out["llm_output"] is None
    assert isinstance(out["generations"], list)
    assert kinds.index("on_retriever_end") < kinds.index("on_chat_model_start")
    for e in evs:
        assert {"event", "name", "run_id", "tags", "metadata", "data"} <= set(e)
    assert "map:key:context" in ret_end["tags"]

def test_events_v2_shape_and_parents():
    evs = events(retrieval_chain(), "where did harrison work?")
    for e in evs:
        assert set(e) >= KEYS_V2
        assert isinstance(e["run_id"], str)
    root = evs[0]
    assert root["event"] == "on_chain_start" and root["name"] == "RunnableSequence" and root["parent_ids"] == []
    assert root["data"] == {"input": "where did harrison work?"}
    assert evs[-1]["event"] == "on_chain_end" and evs[-1]["data"]["output"] == "Harrison worked at Kensho."
    ids = {}
    for e in evs:
        ids.setdefault(e["run_id"], e)
    docs_ev = next(e for e in evs if e["name"] == "Docs")
    assert docs_ev["parent_ids"][0] == root["run_id"]
    assert len(docs_ev["parent_ids"]) == 2
    par = next(e for e in evs if e["name"] == "RunnableParallel<context,question>")
    assert docs_ev["parent_ids"] == [root["run_id"], par["run_id"]]
    ret_end = next(e for e in evs if e["event"] == "on_retriever_end")
    assert isinstance(ret_end["data"]["output"], list)
    assert isinstance(ret_end["data"]["output"][0], Document)
    cm_end = next(e for e in evs if e["event"] == "on_chat_model_end")
    assert isinstance(cm_end["data"]["output"], AIMessage)
    assert cm_end["data"]["output"].content == "Harrison worked at Kensho."
    types = {e["event"] for e in evs}
    assert {"on_prompt_start", "on_prompt_end", "on_parser_start", "on_parser_end",
            "on_chat_model_stream", "on_chain_stream", "on_retriever_start"} <= types
    steps = {e["name"]: e["tags"] for e in evs if e["event"].endswith("_start")}
    assert "seq:step:2" in steps["ChatPromptTemplate"]
    assert "seq:step:3" in steps["my_llm"]
    assert "seq:step:4" in steps["StrOutputParser"]
    assert "seq:step:1" in steps["RunnableParallel<context,question>"]
    # start/end pairing
    starts = [e["run_id"] for e in evs if e["event"].endswith("_start")]
    ends = [e["run_id"] for e in evs if e["event"].endswith("_end")]
    assert sorted(starts) == sorted(ends) and len(set(starts)) == len(starts)

def test_events_streamed_input_rule():
    evs = events(retrieval_chain(), "q")
    ps = next(e for e in evs if e["event"] == "on_parser_start")
    assert ps["data"] == {}
    pe = next(e for e in evs if e["event"] == "on_parser_end")
    assert "input" in pe["data"] and pe["data"]["input"].content == "Harrison worked at Kensho."
    assert pe["data"]["output"] == "Harrison worked at Kensho."
    # start carries input for non-streamed steps
    pr = next(e for e in evs if e["event"] == "on_prompt_start")
    assert pr["data"]["input"]["question"] == "q"
    pre = next(e for e in evs if e["event"] == "on_prompt_end")
    assert isinstance(pre["data"]["output"], ChatPromptValue)
    assert pre["data"]["input"]["question"] == "q"

def test_events_chunk_on_stream():
    evs = events(FakeListChatModel(responses=["ab"]) | StrOutputParser(), "x")
    cs = [e for e in evs if e["event"] == "on_chain_stream"]
    assert [e["data"]["chunk"] for e in cs] == ["a", "b"]
    ps = [e for e in evs if e["event"] == "on_parser_stream"]
    assert [e["data"]["chunk"] for e in ps] == ["a", "b"]
    for e in cs:
        assert set(e["data"]) == {"chunk"}

def test_events_tags_metadata_and_run_name():
    t = ChatPromptTemplate.from_messages([("system", "You are Cat Agent 007"), ("human", "{question}")]) \
        .with_config({"run_name": "my_template", "tags": ["my_template"]})
    evs = events(t, {"question": "hello"}, config={"metadata": {"m": 1}, "tags": ["root"]})
    assert [e["event"] for e in evs] == ["on_prompt_start", "on_prompt_end"]
    assert all(e["name"] == "my_template" for e in evs)
    assert all("my_template" in e["tags"] and "root" in e["tags"] for e in evs)
    assert all(e["metadata"].get("m") == 1 for e in evs)
    assert evs[0]["data"]["input"] == {"question": "hello"}
    out = evs[1]["data"]["output"]
    assert isinstance(out.messages[0], SystemMessage) and isinstance(out.messages[1], HumanMessage)

def test_events_v2_inherit_tags_metadata():
    c = (RunnableLambda(lambda x: x) | RunnableLambda(lambda x: x)).with_config(tags=["outer"], metadata={"k": "v"})
    evs = events(c, 1)
    for e in evs:
        assert "outer" in e["tags"] and e["metadata"].get("k") == "v"

def test_events_filters():
    rc = retrieval_chain()
    evs = events(rc, "q", include_types=["retriever"])
    assert evs and all(e["event"].startswith("on_retriever") for e in evs)
    evs = events(rc, "q", include_tags=["seq:step:2"])
    assert evs and {e["name"] for e in evs} == {"ChatPromptTemplate"}
    evs = events(rc, "q", exclude_names=["my_llm"])
    assert "my_llm" not in {e["name"] for e in evs} and evs
    evs = events(rc, "q", exclude_types=["chain"])
    assert not any(e["event"].startswith("on_chain") for e in evs)
    evs = events(rc, "q", exclude_tags=["seq:step:4"])
    assert "StrOutputParser" not in {e["name"] for e in evs}
    evs = events(rc, "q", include_names=["Docs"], include_types=["chat_model"])
    assert {e["name"] for e in evs} == {"Docs", "my_llm"}

def test_events_llm_tool_lambda():
    @tool
    def some_tool(x: int, y: str) -> dict:
        """Some_tool."""
        return {"x": x, "y": y}
    evs = events(some_tool, {"x": 1, "y": "2"})
    assert [e["event"] for e in evs][0] == "on_tool_start"
    assert evs[0]["name"] == "some_tool" and evs[0]["data"]["input"] == {"x": 1, "y": "2"}
    assert evs[-1]["event"] == "on_tool_end" and evs[-1]["data"]["output"] == {"x": 1, "y": "2"}
    evs = events(FakeListLLM(responses=["Hello human!"]), "hello")
    kinds = [e["event"] for e in evs]
    assert kinds[0] == "on_llm_start" and kinds[-1] == "on_llm_end" and "on_llm_stream" in kinds
    def format_docs(docs):
        return ", ".join(d.page_content for d in docs)
    evs = events(RunnableLambda(format_docs), [Document(page_content="hello world!"), Document(page_content="goodbye world!")])
    assert [e["event"] for e in evs] == ["on_chain_start", "on_chain_stream", "on_chain_end"]
    assert evs[0]["name"] == "format_docs"
    assert evs[1]["data"]["chunk"] == "hello world!, goodbye world!"
    assert evs[2]["data"]["output"] == "hello world!, goodbye world!"

def test_events_v1_vs_v2_model_standalone():
    m = FakeListChatModel(responses=["hi"])
    v1 = events(m, "x", version="v1")
    end = v1[-1]
    assert end["event"] == "on_chat_model_end"
    assert end["data"]["output"]["llm_output"] is None
    assert "generations" in end["data"]["output"]
    v2 = events(m, "x")
    assert isinstance(v2[-1]["data"]["output"], AIMessage)

def test_events_error_marked():
    class Boom(Exception):
        pass
    def bad(x):
        raise Boom("x")
    c = RunnableLambda(lambda x: x) | RunnableLambda(bad)
    got = []
    async def go():
        async for e in c.astream_events(1):
            got.append(e)
    with pytest.raises(Boom):
        run(go())
    # an end/error marker for the failing run
    names = [(e["event"], e["name"]) for e in got]
    assert ("on_chain_start", "bad") in names

def test_events_unknown_version():
    with pytest.raises(Exception):
        events(RunnableLambda(lambda x: x), 1, version="v3")

# ---------------- run log -----------------
LOG_KEYS = {"id", "name", "type", "tags", "metadata", "start_time", "streamed_output",
            "streamed_output_str", "final_output", "end_time"}

def _iso(s):
    datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))

def test_seed_astream_log_patches():
    patches = logs(retrieval_chain(), "where did harrison work?", include_names=["Docs"])
    assert all(isinstance(p, RunLogPatch) for p in patches)
    first = patches[0].ops
    assert len(first) == 1 and first[0]["op"] == "replace" and first[0]["path"] == ""
    v = first[0]["value"]
    assert set(v) == {"id", "name", "type", "streamed_output", "final_output", "logs"}
    assert v["name"] == "RunnableSequence" and v["type"] == "chain"
    assert v["streamed_output"] == [] and v["final_output"] is None and v["logs"] == {}
    add_docs = patches[1].ops[0]
    assert add_docs["op"] == "add" and add_docs["path"] == "/logs/Docs"
    entry = add_docs["value"]
    assert set(entry) == LOG_KEYS
    assert entry["type"] == "retriever" and entry["name"] == "Docs"
    assert entry["end_time"] is None and entry["final_output"] is None
    assert entry["streamed_output"] == [] and entry["streamed_output_str"] == []
    assert "map:key:context" in entry["tags"]
    _iso(entry["start_time"])
    total = patches[0]
    for p in patches[1:]:
        total = total + p
    assert isinstance(total, RunLog)
    st = total.state
    assert st["final_output"] == "Harrison worked at Kensho."
    assert "".join(st["streamed_output"]) == "Harrison worked at Kensho."
    assert set(st["logs"]) == {"Docs"}
    d = st["logs"]["Docs"]
    assert d["final_output"]["documents"][0].page_content == "harrison worked at kensho"
    _iso(d["end_time"])
    # every streamed chunk: add /streamed_output/- + replace /final_output
    ops = [op for p in patches for op in p.ops]
    assert any(op["path"] == "/streamed_output/-" and op["op"] == "add" for op in ops)
    assert any(op["path"] == "/final_output" and op["op"] == "replace" for op in ops)

def test_log_patches_apply_in_order():
    patches = logs(retrieval_chain(), "q")
    state = None
    doc = {}
    for p in patches:
        doc = jsonpatch.apply_patch(doc, p.ops) if doc != {} or p.ops[0]["path"] != "" else jsonpatch.apply_patch(doc, p.ops)
    total = sum(patches[1:], patches[0])
    assert doc["final_output"] == total.state["final_output"] == "Harrison worked at Kensho."
    assert set(doc["logs"]) == set(total.state["logs"])
    for name, e in total.state["logs"].items():
        assert set(e) == LOG_KEYS, name
        _iso(e["start_time"]); _iso(e["end_time"])

def test_log_diff_false():
    states = logs(retrieval_chain(), "where did harrison work?", include_names=["Docs"], diff=False)
    assert all(isinstance(s, RunLog) for s in states)
    assert states[0].state["logs"] == {} and states[0].state["final_output"] is None
    assert states[-1].state["final_output"] == "Harrison worked at Kensho."
    assert states[-1].state["logs"]["Docs"]["final_output"]["documents"][0].page_content == "harrison worked at kensho"
    patches = logs(retrieval_chain(), "where did harrison work?", include_names=["Docs"])
    assert len(states) == len(patches)
    total = sum(patches[1:], patches[0])
    assert total.state["final_output"] == states[-1].state["final_output"]

def test_log_dedup_names():
    # anonymous lambdas are named "RunnableLambda" (LangChain behaviour)
    patches = logs(RunnableLambda(lambda x: x + 1) | RunnableLambda(lambda x: x * 2) | RunnableLambda(lambda x: x), 1)
    st = sum(patches[1:], patches[0]).state
    assert set(st["logs"]) == {"RunnableLambda", "RunnableLambda:2", "RunnableLambda:3"}
    assert st["final_output"] == 4
    assert st["logs"]["RunnableLambda:2"]["final_output"] == 4
    assert "seq:step:2" in st["logs"]["RunnableLambda:2"]["tags"]

def test_log_filters_and_types():
    patches = logs(retrieval_chain(), "q", include_types=["prompt", "parser"])
    st = sum(patches[1:], patches[0]).state
    assert set(st["logs"]) == {"ChatPromptTemplate", "StrOutputParser"}
    patches = logs(retrieval_chain(), "q", exclude_names=["Docs"], include_tags=["map:key:context", "map:key:question"])
    st = sum(patches[1:], patches[0]).state
    assert set(st["logs"]) == {"RunnablePassthrough"}

def test_log_streamed_output_str():
    patches = logs(retrieval_chain("ab"), "q", include_names=["my_llm"])
    st = sum(patches[1:], patches[0]).state
    e = st["logs"]["my_llm"]
    assert e["type"] == "llm" or e["type"] == "chat_model"
    assert e["streamed_output_str"] == ["a", "b"]

def test_log_error_marked():
    def bad(x):
        raise KeyError("z")
    got = []
    async def go():
        async for p in (RunnableLambda(lambda x: x) | RunnableLambda(bad)).astream_log(1):
            got.append(p)
    with pytest.raises(KeyError):
        run(go())
    st = sum(got[1:], got[0]).state
    assert "bad" in st["logs"]
    # the errored run is finished and has no final output
    assert st["logs"]["bad"]["final_output"] is None

def test_runlogpatch_add():
    p1 = RunLogPatch({"op": "replace", "path": "", "value": {"id": "1", "name": "x", "type": "chain", "streamed_output": [], "final_output": None, "logs": {}}})
    p2 = RunLogPatch({"op": "add", "path": "/streamed_output/-", "value": "a"}, {"op": "replace", "path": "/final_output", "value": "a"})
    t = p1 + p2
    assert isinstance(t, RunLog)
    assert t.state["streamed_output"] == ["a"] and t.state["final_output"] == "a"
    t2 = t + RunLogPatch({"op": "add", "path": "/streamed_output/-", "value": "b"})
    assert t2.state["streamed_output"] == ["a", "b"]
    assert t.state["streamed_output"] == ["a"]
