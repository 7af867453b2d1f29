"""The examples of the seed page (LangChain's "Runnable interface"), run with the offline fakes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from lcel import Runnable, RunnableParallel, RunnablePassthrough, chain
from lcel.embeddings import HashingEmbeddings
from lcel.messages import AIMessage, AIMessageChunk
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, ChatPromptValue
from lcel.tracing import StreamEvent
from lcel.vectorstores import InMemoryVectorStore

BEAR_JOKE = "Why don't bears wear shoes?\n\nBecause they have bear feet!"
CAT_JOKE = "Why don't cats play poker in the wild?\n\nToo many cheetahs!"
BEAR_POEM = "In forest's embrace,\nMajestic bears pace."


def _joke_chain(*responses: str) -> Runnable[Mapping[str, Any], AIMessage]:
    model = FakeListChatModel(responses=list(responses))
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    return prompt | model


def test_stream() -> None:
    runnable = _joke_chain(BEAR_JOKE)
    chunks = list(runnable.stream({"topic": "bears"}))
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert len(chunks) == len(BEAR_JOKE)
    assert "".join(str(c.content) for c in chunks) == BEAR_JOKE


def test_invoke() -> None:
    runnable = _joke_chain(BEAR_JOKE)
    assert runnable.invoke({"topic": "bears"}) == AIMessage(BEAR_JOKE)
    assert repr(runnable.invoke({"topic": "bears"})) == f"AIMessage(content={BEAR_JOKE!r})"


def test_batch() -> None:
    runnable = _joke_chain(BEAR_JOKE, CAT_JOKE)
    out = runnable.batch([{"topic": "bears"}, {"topic": "cats"}])
    # concurrent calls take the responses in either order
    assert sorted(m.content for m in out) == sorted([BEAR_JOKE, CAT_JOKE])
    assert all(type(m) is AIMessage for m in out)


def test_batch_max_concurrency() -> None:
    runnable = _joke_chain(BEAR_JOKE, CAT_JOKE)
    out = runnable.batch([{"topic": "bears"}, {"topic": "cats"}], config={"max_concurrency": 1})
    assert out == [AIMessage(BEAR_JOKE), AIMessage(CAT_JOKE)]
    out = runnable.batch([{"topic": "bears"}, {"topic": "cats"}], config={"max_concurrency": 5})
    assert sorted(m.content for m in out) == sorted([BEAR_JOKE, CAT_JOKE])


def test_async_stream_invoke_and_batch() -> None:
    runnable = _joke_chain(BEAR_JOKE)

    async def main() -> tuple[str, AIMessage, list[AIMessage]]:
        text = ""
        async for s in runnable.astream({"topic": "bears"}):
            text += str(s.content)
        return text, await runnable.ainvoke({"topic": "bears"}), await runnable.abatch(
            [{"topic": "bears"}]
        )

    text, message, batch = asyncio.run(main())
    assert text == BEAR_JOKE
    assert message == AIMessage(BEAR_JOKE)
    assert batch == [AIMessage(BEAR_JOKE)]


def test_prompt_output_is_a_chat_prompt_value() -> None:
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    value = prompt.invoke({"topic": "bears"})
    assert isinstance(value, ChatPromptValue)
    assert value.to_string() == "Human: tell me a joke about bears"


def test_parallel_joke_and_poem() -> None:
    model = FakeListChatModel(responses=[BEAR_JOKE], delay=0.1)
    poet = FakeListChatModel(responses=[BEAR_POEM], delay=0.1)
    chain1 = ChatPromptTemplate.from_template("tell me a joke about {topic}") | model
    chain2 = ChatPromptTemplate.from_template("write a short (2 line) poem about {topic}") | poet
    combined = RunnableParallel(joke=chain1, poem=chain2)

    start = time.perf_counter()
    assert combined.invoke({"topic": "bears"}) == {
        "joke": AIMessage(BEAR_JOKE),
        "poem": AIMessage(BEAR_POEM),
    }
    assert time.perf_counter() - start < 0.19  # both branches ran at once

    start = time.perf_counter()
    batch = combined.batch([{"topic": "bears"}, {"topic": "cats"}])
    assert time.perf_counter() - start < 0.19
    assert batch == [{"joke": AIMessage(BEAR_JOKE), "poem": AIMessage(BEAR_POEM)}] * 2

    async def main() -> dict[str, Any]:
        return await combined.ainvoke({"topic": "bears"})

    assert asyncio.run(main()) == {"joke": AIMessage(BEAR_JOKE), "poem": AIMessage(BEAR_POEM)}


def test_joke_chain_with_parser_streams_text() -> None:
    text_chain = _joke_chain(BEAR_JOKE) | StrOutputParser()
    chunks = list(text_chain.stream({"topic": "bears"}))
    assert chunks[0] == "W"
    assert "".join(chunks) == BEAR_JOKE


def _retrieval_chain(model: FakeListChatModel) -> Runnable[str, str]:
    template = """Answer the question based only on the following context:
{context}

Question: {question}
"""
    prompt = ChatPromptTemplate.from_template(template)
    vectorstore = InMemoryVectorStore.from_texts(
        ["harrison worked at kensho"], embedding=HashingEmbeddings()
    )
    retriever = vectorstore.as_retriever()
    return (
        {"context": retriever.with_config(run_name="Docs"), "question": RunnablePassthrough()}
        | prompt
        | model.with_config(run_name="my_llm")
        | StrOutputParser()
    )


def test_retrieval_chain() -> None:
    runnable = _retrieval_chain(FakeListChatModel(responses=["Harrison worked at Kensho."]))
    assert runnable.invoke("where did harrison work?") == "Harrison worked at Kensho."
    assert "".join(runnable.stream("where did harrison work?")) == "Harrison worked at Kensho."


def test_retrieval_chain_prompt_sees_the_documents() -> None:
    @chain
    def show(value: ChatPromptValue) -> str:
        return value.to_string()

    retriever = InMemoryVectorStore.from_texts(
        ["harrison worked at kensho"], embedding=HashingEmbeddings()
    ).as_retriever()
    prompt = ChatPromptTemplate.from_template("{context}\nQuestion: {question}")
    text = ({"context": retriever, "question": RunnablePassthrough()} | prompt | show).invoke(
        "where did harrison work?"
    )
    assert "harrison worked at kensho" in text
    assert text.endswith("Question: where did harrison work?")


def test_retrieval_chain_events() -> None:
    runnable = _retrieval_chain(FakeListChatModel(responses=["Harrison worked at Kensho."]))

    async def main() -> list[StreamEvent]:
        return [
            event
            async for event in runnable.astream_events(
                "where did harrison work?", version="v1", include_names=["Docs", "my_llm"]
            )
        ]

    events = asyncio.run(main())
    kinds = [e["event"] for e in events]
    assert kinds[0] == "on_retriever_start"
    assert "on_retriever_end" in kinds
    assert "on_chat_model_start" in kinds
    streamed = "".join(
        str(e["data"]["chunk"].content) for e in events if e["event"] == "on_chat_model_stream"
    )
    assert streamed == "Harrison worked at Kensho."
    assert kinds[-1] == "on_chat_model_end"
