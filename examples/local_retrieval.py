"""Retrieval with a real embedder, offline (needs ``lcel[local]``).

Six short texts (``examples/corpus/*.txt``) are embedded by all-MiniLM-L6-v2 on onnxruntime
(:class:`lcel.local.OnnxEmbeddings`). The questions share almost no words with the text that
answers them, so ranking it first takes a model that knows meaning: the word-hashing
embedder beside it shows the difference. The local chat model then answers from the best
match. From the shell::

    lcel run examples/local_retrieval.py:retriever --input '"Which insects turn flower nectar into food?"'
    lcel run examples/local_retrieval.py:chain --input '"Why does the sea rise twice a day?"' --stream
"""  # noqa: E501 (the shell lines are kept whole so they can be copied)

from __future__ import annotations

from pathlib import Path

from lcel import RunnableLambda, RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import Embeddings, HashingEmbeddings
from lcel.local import LlamaCppChatModel, OnnxEmbeddings
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.vectorstores import InMemoryVectorStore

CORPUS = Path(__file__).resolve().parent / "corpus"

QUESTIONS = {
    "Which insects turn flower nectar into food?": "honeybees",
    "Why does the sea rise twice a day?": "tides",
    "How can a loaf go up without packet yeast?": "sourdough",
    "What helps sailors find a harbour in the dark?": "lighthouses",
}
"""Each question and the text that answers it."""


def load_corpus() -> list[Document]:
    """The corpus texts, one document each, its id the file name."""
    return [
        Document(path.read_text().strip(), id=path.stem)
        for path in sorted(CORPUS.glob("*.txt"))
    ]


def build_store(embedding: Embeddings) -> InMemoryVectorStore:
    """The corpus in a vector store, embedded by ``embedding``."""
    return InMemoryVectorStore.from_documents(load_corpus(), embedding)


embeddings = OnnxEmbeddings()
store = build_store(embeddings)
retriever = store.as_retriever(k=1)
"""``str → list[Document]``: the corpus text closest in meaning to a question."""


def format_docs(docs: list[Document]) -> str:
    """The retrieved texts, as the prompt's context."""
    return "\n\n".join(doc.page_content for doc in docs)


prompt = ChatPromptTemplate.from_messages(
    [
        ("system", "Answer the question in one sentence, using only this text:\n{context}"),
        ("human", "{question}"),
    ]
)
chain = (
    {"context": retriever | RunnableLambda(format_docs), "question": RunnablePassthrough()}
    | prompt
    | LlamaCppChatModel(temperature=0, max_tokens=64)
    | StrOutputParser()
)
"""``str → str``: retrieve the best text, then let the local model answer from it."""


def ranking(store: InMemoryVectorStore, question: str) -> list[str]:
    """The ids of the corpus texts, best match first."""
    found = store.similarity_search_with_score(question, k=len(store))
    return [doc.id or "" for doc, _score in found]


def main() -> None:
    hashing = build_store(HashingEmbeddings())
    for question, expected in QUESTIONS.items():
        best = ranking(store, question)
        words = ranking(hashing, question)
        print(f"Q: {question}")
        print(f"   all-MiniLM-L6-v2: {best[0]:<12} (expected {expected}: "
              f"{'RIGHT' if best[0] == expected else 'WRONG'})  ranking {best}")
        print(f"   word hashing:     {words[0]:<12} (expected {expected}: "
              f"{'RIGHT' if words[0] == expected else 'WRONG'})")
    print("\n== the retrieval chain, answered by the local model")
    question = "Why does the sea rise twice a day?"
    print(f"Q: {question}")
    print(f"A: {chain.invoke(question)}")


if __name__ == "__main__":
    main()
