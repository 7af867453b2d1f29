"""Retrieval with a real embedder, offline (needs ``lcel[local]``).

Six short texts (``examples/corpus/*.txt``) are embedded by all-MiniLM-L6-v2 on onnxruntime
(:class:`lcel.local.OnnxEmbeddings`). The questions share almost no words with the text that
answers them, so ranking it first takes a model that knows meaning: the word-hashing
embedder beside it shows the difference. The local chat model then answers from the best
match. From the shell::

    lcel run examples/local_retrieval.py:retriever --input '"Which insects turn flower nectar into food?"'
    lcel run examples/local_retrieval.py:chain --input '"Why are there two high tides a day?"' --stream
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
    "Why is the ocean higher in the afternoon than in the morning?": "tides",
    "Why does my bread taste tangy?": "sourdough",
    "How do ships avoid rocks at night?": "lighthouses",
    "What makes a mountain explode?": "volcanoes",
    "What first moves should a beginner learn on the board?": "chess",
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
    right = {"all-MiniLM-L6-v2": 0, "word hashing": 0}
    for question, expected in QUESTIONS.items():
        print(f"Q: {question}")
        for name, searched in (("all-MiniLM-L6-v2", store), ("word hashing", hashing)):
            ranked = ranking(searched, question)
            verdict = "RIGHT" if ranked[0] == expected else "WRONG"
            right[name] += verdict == "RIGHT"
            print(f"   {name + ':':<18} {ranked[0]:<12} (expected {expected}: {verdict})")
    total = len(QUESTIONS)
    print("relevant text ranked first: " + ", ".join(f"{k} {v}/{total}" for k, v in right.items()))
    print("\n== the retrieval chain, answered by the local model")
    question = "Why are there two high tides a day?"
    print(f"Q: {question}")
    print(f"A: {chain.invoke(question)}")


if __name__ == "__main__":
    main()
