"""OpenAIEmbeddings against the fake server: batching, order, errors, a vector store on top."""

from __future__ import annotations

import asyncio

import pytest
from fake_openai_server import FakeOpenAI, Reply, embed

from lcel.embeddings import Embeddings
from lcel.errors import InputValidationError
from lcel.openai import APIResponseValidationError, BadRequestError, OpenAIEmbeddings
from lcel.vectorstores import InMemoryVectorStore


def embedder(server: FakeOpenAI, **options: object) -> OpenAIEmbeddings:
    return OpenAIEmbeddings(base_url=server.base_url, api_key="sk-test", **options)  # type: ignore[arg-type]


def test_embed_documents_in_batches_in_order(fake_openai: FakeOpenAI) -> None:
    texts = [f"text number {i}" for i in range(5)]
    vectors = embedder(fake_openai, chunk_size=2).embed_documents(texts)
    assert vectors == [embed(t) for t in texts]
    assert [r["json"]["input"] for r in fake_openai.requests] == [texts[:2], texts[2:4], texts[4:]]
    assert fake_openai.requests[0]["json"]["model"] == "text-embedding-3-small"
    assert embedder(fake_openai).embed_query("hello") == embed("hello")
    assert isinstance(embedder(fake_openai), Embeddings)


def test_async_embeddings(fake_openai: FakeOpenAI) -> None:
    model = embedder(fake_openai, dimensions=8)

    async def main() -> tuple[list[list[float]], list[float]]:
        try:
            return await model.aembed_documents(["a b", "c"]), await model.aembed_query("q")
        finally:
            await model.aclose()

    docs, query = asyncio.run(main())
    assert docs == [embed("a b"), embed("c")]
    assert query == embed("q")
    assert fake_openai.requests[0]["json"]["dimensions"] == 8


def test_vector_store_with_a_real_embedder(fake_openai: FakeOpenAI) -> None:
    store = InMemoryVectorStore(embedder(fake_openai))
    store.add_texts(["harrison worked at kensho", "bears like honey", "cats sleep"])
    found = store.similarity_search("where did harrison work at kensho", k=1)
    assert found[0].page_content == "harrison worked at kensho"


def test_embedding_errors(fake_openai: FakeOpenAI) -> None:
    fake_openai.fail(400, "input too long")
    with pytest.raises(BadRequestError, match="input too long"):
        embedder(fake_openai).embed_documents(["x"])
    fake_openai.push(Reply(body={"data": []}))
    with pytest.raises(APIResponseValidationError, match="expected 1 embeddings"):
        embedder(fake_openai).embed_documents(["x"])
    with pytest.raises(InputValidationError, match="list of str"):
        embedder(fake_openai).embed_documents("one string")  # type: ignore[arg-type]
