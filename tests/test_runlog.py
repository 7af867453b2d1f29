"""``astream_log``: the seed page's example, patches vs. final state, names, errors, JSON."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

import jsonpatch
import pytest

from lcel import Runnable, RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.messages import AIMessageChunk
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.tracing import RunLog, RunLogPatch, astream_log, state_to_json
from lcel.vectorstores import InMemoryVectorStore

T = TypeVar("T")

ANSWER = "Harrison worked at Kensho."
TEMPLATE = """Answer the question based only on the following context:
{context}

Question: {question}
"""
Q = "where did harrison work?"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def retrieval_chain() -> Runnable[str, str]:
    prompt = ChatPromptTemplate.from_template(TEMPLATE)
    store = InMemoryVectorStore.from_texts(
        ["harrison worked at kensho"], embedding=HashingEmbeddings()
    )
    model = FakeListChatModel(responses=[ANSWER])
    return (
        {
            "context": store.as_retriever().with_config(run_name="Docs"),
            "question": RunnablePassthrough(),
        }
        | prompt
        | model.with_config(run_name="my_llm")
        | StrOutputParser()
    )


async def patches_of(runnable: Runnable[Any, Any], input: Any, **kw: Any) -> list[RunLogPatch]:
    return [p async for p in runnable.astream_log(input, **kw)]


def final_state(patches: list[RunLogPatch]) -> Any:
    return jsonpatch.apply_patch(None, copy.deepcopy([op for p in patches for op in p.ops]))


def iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None
    return parsed


# -- the seed page's example -------------------------------------------------------------------


def test_seed_example_patches() -> None:
    patches = run(patches_of(retrieval_chain(), Q, include_names=["Docs"]))
    first = patches[0].ops
    assert len(first) == 1
    assert first[0]["op"] == "replace"
    assert first[0]["path"] == ""
    root = first[0]["value"]
    assert root == {
        "id": root["id"],
        "name": "RunnableSequence",
        "type": "chain",
        "streamed_output": [],
        "final_output": None,
        "logs": {},
    }

    (add_docs,) = patches[1].ops
    assert add_docs["op"] == "add"
    assert add_docs["path"] == "/logs/Docs"
    entry = add_docs["value"]
    assert entry == {
        "id": entry["id"],
        "name": "Docs",
        "type": "retriever",
        "tags": ["map:key:context", "InMemoryVectorStore", "HashingEmbeddings"],
        "metadata": {},
        "start_time": entry["start_time"],
        "streamed_output": [],
        "streamed_output_str": [],
        "final_output": None,
        "end_time": None,
    }
    iso(entry["start_time"])

    end_ops = patches[2].ops
    assert [(op["op"], op["path"]) for op in end_ops] == [
        ("add", "/logs/Docs/final_output"),
        ("add", "/logs/Docs/end_time"),
    ]
    docs = end_ops[0]["value"]["documents"]
    assert [d.page_content for d in docs] == ["harrison worked at kensho"]
    assert iso(end_ops[1]["value"]) >= iso(entry["start_time"])

    # Then one patch per root chunk: the chunk, and the final output so far.
    streamed = patches[3:]
    assert len(streamed) == len(ANSWER)
    so_far = ""
    for patch, char in zip(streamed, ANSWER, strict=True):
        so_far += char
        assert patch.ops == [
            {"op": "add", "path": "/streamed_output/-", "value": char},
            {"op": "replace", "path": "/final_output", "value": so_far},
        ]

    state = final_state(patches)
    assert state["final_output"] == ANSWER
    assert state["streamed_output"] == list(ANSWER)
    assert list(state["logs"]) == ["Docs"]
    assert state["logs"]["Docs"]["final_output"] == {"documents": docs}
    assert state["id"] == root["id"]


def test_seed_example_diff_false() -> None:
    async def main() -> list[RunLog]:
        return [
            s async for s in retrieval_chain().astream_log(Q, include_names=["Docs"], diff=False)
        ]

    states = run(main())
    assert all(isinstance(s, RunLog) for s in states)
    assert states[0].state["logs"] == {}
    assert states[0].state["final_output"] is None
    assert states[1].state["logs"]["Docs"]["end_time"] is None
    assert states[2].state["logs"]["Docs"]["end_time"] is not None
    assert states[3].state["final_output"] == "H"
    assert states[3].state["streamed_output"] == ["H"]
    assert states[4].state["streamed_output"] == ["H", "a"]
    last = states[-1].state
    assert last["final_output"] == ANSWER
    assert last["streamed_output"] == list(ANSWER)
    # Earlier states are not changed by later ones.
    assert states[3].state["streamed_output"] == ["H"]
    # The last RunLog holds every operation.
    patches = run(patches_of(retrieval_chain(), Q, include_names=["Docs"]))
    assert len(states[-1].ops) == sum(len(p.ops) for p in patches)


def test_all_patches_applied_with_jsonpatch_equal_the_run_log_state() -> None:
    patches = run(patches_of(retrieval_chain(), Q))
    total = patches[0]
    for patch in patches[1:]:
        total = total + patch
    assert isinstance(total, RunLog)
    state = final_state(patches)
    assert total.state == state
    assert sum(patches[1:], patches[0]) == total
    assert state["final_output"] == ANSWER
    assert set(state["logs"]) == {
        "RunnableParallel<context,question>",
        "Docs",
        "RunnablePassthrough",
        "ChatPromptTemplate",
        "my_llm",
        "StrOutputParser",
    }
    for entry in state["logs"].values():
        assert entry["end_time"] is not None
        assert iso(entry["end_time"]) >= iso(entry["start_time"])
    llm = state["logs"]["my_llm"]
    assert llm["type"] == "chat_model"
    assert llm["tags"] == ["seq:step:3"]
    assert llm["streamed_output_str"] == list(ANSWER)
    assert all(isinstance(c, AIMessageChunk) for c in llm["streamed_output"])
    assert llm["final_output"]["generations"][0][0]["text"] == ANSWER
    parser = state["logs"]["StrOutputParser"]
    assert parser["streamed_output"] == list(ANSWER)
    assert parser["streamed_output_str"] == []
    assert parser["final_output"] == ANSWER
    prompt = state["logs"]["ChatPromptTemplate"]
    assert prompt["streamed_output"] == []
    assert prompt["final_output"].to_messages()[0].content.endswith(f"Question: {Q}\n")


def test_module_function_and_filters() -> None:
    async def main(**kw: Any) -> list[RunLogPatch]:
        return [p async for p in astream_log(retrieval_chain(), Q, **kw)]

    state = final_state(run(main(include_types=["parser", "prompt"])))
    assert set(state["logs"]) == {"StrOutputParser", "ChatPromptTemplate"}
    state = final_state(run(main(exclude_types=["chain"], exclude_tags=["seq:step:4"])))
    assert set(state["logs"]) == {"Docs", "ChatPromptTemplate", "my_llm"}
    # The root is never a log entry, whatever the filters; its state is always there.
    state = final_state(run(main(include_names=["RunnableSequence"])))
    assert state["logs"] == {}
    assert state["final_output"] == ANSWER
    state = final_state(run(main(with_streamed_output_list=False, include_names=[])))
    assert state["streamed_output"] == []
    assert state["final_output"] == ANSWER


# -- names, values ----------------------------------------------------------------------------


def shout(x: str) -> str:
    return x.upper()


def test_repeated_names_are_numbered() -> None:
    chain = RunnableLambda(shout) | RunnableLambda(shout) | RunnableLambda(shout)
    state = final_state(run(patches_of(chain, "a")))
    assert list(state["logs"]) == ["shout", "shout:2", "shout:3"]
    assert [e["tags"] for e in state["logs"].values()] == [
        ["seq:step:1"],
        ["seq:step:2"],
        ["seq:step:3"],
    ]
    assert state["final_output"] == "A"


def test_names_with_slashes_are_escaped_in_paths() -> None:
    step = RunnableLambda(shout).with_config(run_name="a/b~c")
    chain = RunnablePassthrough() | step
    patches = run(patches_of(chain, "x"))
    paths = [op["path"] for p in patches for op in p.ops]
    assert "/logs/a~1b~0c" in paths
    assert "/logs/a~1b~0c/final_output" in paths
    assert list(final_state(patches)["logs"]) == ["RunnablePassthrough", "a/b~c"]


def test_root_dict_chunks_final_output_combined() -> None:
    chain = RunnableParallel(a=FakeListLLM(responses=["xy"]), b=FakeListChatModel(responses=["pq"]))
    patches = run(patches_of(chain, "q", include_types=["llm"]))
    state = final_state(patches)
    assert state["final_output"]["a"] == "xy"
    assert state["final_output"]["b"].content == "pq"
    assert len(state["streamed_output"]) == 4
    assert state["logs"]["FakeListLLM"]["streamed_output_str"] == ["x", "y"]
    assert state["logs"]["FakeListLLM"]["streamed_output"] == ["x", "y"]


def test_final_output_not_replaced_when_unchanged() -> None:
    def gen(x: str) -> Any:
        yield "a"
        yield ""

    patches = run(patches_of(RunnableLambda(gen), "q"))
    assert patches[-1].ops == [{"op": "add", "path": "/streamed_output/-", "value": ""}]


# -- errors -----------------------------------------------------------------------------------


def test_failing_sub_run_is_marked_then_the_error_propagates() -> None:
    def boom(x: str) -> str:
        raise ValueError("boom")

    chain = RunnablePassthrough() | RunnableLambda(boom)
    got: list[RunLogPatch] = []

    async def main() -> None:
        async for patch in chain.astream_log("q"):
            got.append(patch)

    with pytest.raises(ValueError, match="boom"):
        run(main())
    state = final_state(got)
    entry = state["logs"]["boom"]
    assert entry["error"] == "ValueError('boom')"
    assert entry["final_output"] is None
    assert entry["end_time"] is not None
    assert state["logs"]["RunnablePassthrough"]["final_output"] == "q"


def test_break_early_leaves_no_task() -> None:
    async def main() -> None:
        model = FakeListChatModel(responses=["x" * 50], chunk_delay=0.01)
        async for patch in model.astream_log("q", diff=False):
            if patch.state["streamed_output"]:
                break
        for _ in range(20):
            await asyncio.sleep(0)
        assert {t for t in asyncio.all_tasks() if t is not asyncio.current_task()} == set()

    run(main())


# -- RunLogPatch / RunLog values --------------------------------------------------------------


def test_patch_arithmetic_and_repr() -> None:
    a = RunLogPatch({"op": "replace", "path": "", "value": {"logs": {}, "streamed_output": []}})
    b = RunLogPatch({"op": "add", "path": "/streamed_output/-", "value": 1})
    c = RunLogPatch({"op": "add", "path": "/streamed_output/-", "value": 2})
    log = a + b
    assert isinstance(log, RunLog)
    assert log.state == {"logs": {}, "streamed_output": [1]}
    log2 = log + c
    assert log2.state == {"logs": {}, "streamed_output": [1, 2]}
    assert log.state == {"logs": {}, "streamed_output": [1]}  # unchanged
    assert a.ops[0]["value"]["streamed_output"] == []  # the patches are not changed either
    assert log2.ops == [*a.ops, *b.ops, *c.ops]
    assert log2 == RunLog(*a.ops, *b.ops, *c.ops, state={"logs": {}, "streamed_output": [1, 2]})
    assert log2 != log
    assert b == RunLogPatch({"op": "add", "path": "/streamed_output/-", "value": 1})
    assert b != c
    assert repr(b) == "RunLogPatch({'op': 'add', 'path': '/streamed_output/-', 'value': 1})"
    assert repr(log) == "RunLog({'logs': {}, 'streamed_output': [1]})"
    with pytest.raises(TypeError):
        a + 1  # type: ignore[operator]


def test_state_to_json() -> None:
    patches = run(patches_of(retrieval_chain(), Q))
    data = state_to_json(final_state(patches))
    text = json.dumps(data)
    back = json.loads(text)
    assert back["final_output"] == ANSWER
    docs = back["logs"]["Docs"]["final_output"]["documents"]
    assert docs[0]["page_content"] == "harrison worked at kensho"
    assert docs[0]["type"] == "Document"
    chunk = back["logs"]["my_llm"]["streamed_output"][0]
    assert chunk["content"] == "H"
    assert isinstance(back["logs"]["ChatPromptTemplate"]["final_output"], dict)
    assert state_to_json({"e": ValueError("x"), "d": Document("p")})["e"] == "ValueError('x')"
