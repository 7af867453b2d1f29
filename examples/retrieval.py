"""The seed's retrieval chain, offline: a vector store of one text, a prompt, a fake model.

Shows ``invoke``, the ``astream_events`` stream (filtered to the retriever and the model)
and the ``astream_log`` patches, and draws the chain's graph. From the shell::

    lcel run examples/retrieval.py:chain --input '"where did harrison work?"' --stream
    lcel graph examples/retrieval.py:chain
"""

from __future__ import annotations

import asyncio

from lcel import RunnablePassthrough
from lcel.embeddings import HashingEmbeddings
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.tracing import RunLog, RunLogPatch
from lcel.vectorstores import InMemoryVectorStore

template = """Answer the question based only on the following context:
{context}

Question: {question}
"""
prompt = ChatPromptTemplate.from_template(template)
model = FakeListChatModel(responses=["Harrison worked at Kensho."])

vectorstore = InMemoryVectorStore.from_texts(
    ["harrison worked at kensho"], embedding=HashingEmbeddings()
)
retriever = vectorstore.as_retriever()

chain = (
    {
        "context": retriever.with_config(run_name="Docs"),
        "question": RunnablePassthrough(),
    }
    | prompt
    | model.with_config(run_name="my_llm")
    | StrOutputParser()
)


async def show_events() -> None:
    async for event in chain.astream_events(
        "where did harrison work?", version="v1", include_names=["Docs", "my_llm"]
    ):
        kind = event["event"]
        if kind == "on_chat_model_stream":
            print(event["data"]["chunk"].content, end="|")
        elif kind == "on_chat_model_start":
            print()
            print("Streaming LLM:")
        elif kind == "on_chat_model_end":
            print()
            print("Done streaming LLM.")
        elif kind == "on_retriever_end":
            print("--")
            print("Retrieved the following documents:")
            print(event["data"]["output"]["documents"])


async def show_log(limit: int = 4) -> None:
    count = 0
    async for patch in chain.astream_log("where did harrison work?", include_names=["Docs"]):
        count += 1
        if count <= limit:
            print("-" * 40)
            print(patch)
    print("-" * 40)
    print(f"... and {count - limit} more patches, one per streamed chunk")


async def show_final_state() -> None:
    final: RunLogPatch | None = None
    async for patch in chain.astream_log("where did harrison work?", include_names=["Docs"]):
        final = patch if final is None else final + patch
    assert isinstance(final, RunLog)  # patch + patch is a RunLog, holding the state
    state = final.state
    print("final_output:", repr(state["final_output"]))
    print("logs:", list(state["logs"]))


def main() -> None:
    print("== invoke")
    print(chain.invoke("where did harrison work?"))
    print("\n== astream_events (v1, Docs and my_llm only)")
    asyncio.run(show_events())
    print("\n== astream_log (Docs only)")
    asyncio.run(show_log())
    print("\n== the run state, from every patch added up")
    asyncio.run(show_final_state())
    print("\n== graph")
    print(chain.get_graph().draw_ascii())


if __name__ == "__main__":
    main()
