"""A retriever takes a query str and gives documents; an embedding needs all four methods."""

from lcel import RunnableLambda
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.vectorstores import InMemoryVectorStore


class SyncOnly:
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[1.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0]


def shout(text: str) -> str:
    return text.upper()


store = InMemoryVectorStore(HashingEmbeddings())
retriever = store.as_retriever()
retriever.invoke(["a query"])  # E: [arg-type]
bad = retriever | RunnableLambda(shout)  # E: [arg-type]
InMemoryVectorStore(SyncOnly())  # E: [arg-type]
Document(b"bytes")  # E: [arg-type]
store.add_texts("one text", ids=[1])  # E: [list-item]
