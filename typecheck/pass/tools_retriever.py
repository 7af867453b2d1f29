"""A vector store's retriever is a `Runnable[str, list[Document]]` that composes like any other."""

from typing import reveal_type

from lcel import RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import Embeddings, HashingEmbeddings
from lcel.vectorstores import InMemoryVectorStore, VectorStoreRetriever


def format_docs(docs: list[Document]) -> str:
    return ", ".join(d.page_content for d in docs)


embedding: Embeddings = HashingEmbeddings(size=64)
store = InMemoryVectorStore.from_texts(["harrison worked at kensho"], embedding=embedding)
reveal_type(store)  # R: lcel.vectorstores.InMemoryVectorStore
reveal_type(store.similarity_search("q"))  # R: list[lcel.documents.Document]
scored = store.similarity_search_with_score("q")
reveal_type(scored)  # R: list[tuple[lcel.documents.Document, float]]
retriever = store.as_retriever(k=1)
reveal_type(retriever)  # R: lcel.vectorstores.VectorStoreRetriever
reveal_type(retriever.invoke("where did harrison work?"))  # R: list[lcel.documents.Document]
context = retriever | format_docs
reveal_type(context)  # R: lcel._runnable.Runnable[str, str]
setup = {"context": retriever, "question": RunnablePassthrough()}
named: VectorStoreRetriever = store.as_retriever(search_kwargs={"k": 2})
doc = Document("text", metadata={"source": "x"}, id="1")
reveal_type(doc.metadata)  # R: dict[str, Any]
