"""Index a real text file: split it into chunks, embed them, and answer from the best ones.

``bears.txt`` (shipped next to this file) is cut by a ``RecursiveCharacterTextSplitter``
into chunks of at most 300 characters overlapping by 50; each chunk keeps the file name in
its metadata (``source``) and its offset (``start_index``). The chunks go into an in-memory
vector store, and a retrieval chain answers with a fake model, offline. From the shell::

    lcel run examples/indexing.py:chain --input '"what does the giant panda eat?"'
"""

from __future__ import annotations

from pathlib import Path

from lcel import RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.text_splitters import RecursiveCharacterTextSplitter
from lcel.vectorstores import InMemoryVectorStore

SOURCE = Path(__file__).with_name("bears.txt")

splitter = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=50, add_start_index=True)
chunks = splitter.split_documents(
    [Document(SOURCE.read_text(encoding="utf-8"), metadata={"source": SOURCE.name})]
)
vectorstore = InMemoryVectorStore.from_documents(chunks, embedding=HashingEmbeddings())
retriever = vectorstore.as_retriever(k=2)


def format_docs(docs: list[Document]) -> str:
    """The retrieved chunks as one context string."""
    return "\n\n".join(doc.page_content for doc in docs)


prompt = ChatPromptTemplate.from_template(
    "Answer from this context only:\n{context}\n\nQuestion: {question}"
)
model = FakeListChatModel(responses=["Almost nothing but bamboo, up to 38 kilograms a day."])
chain = (
    {"context": retriever | format_docs, "question": RunnablePassthrough()}
    | prompt
    | model
    | StrOutputParser()
)


def main() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    print(f"{SOURCE.name}: {len(text)} characters -> {len(chunks)} chunks")
    print("longest chunk:", max(len(c.page_content) for c in chunks), "characters")
    first = chunks[0]
    print("first chunk metadata:", first.metadata)
    question = "what does the giant panda eat?"
    print("\n== retrieved for:", question)
    for doc in retriever.invoke(question):
        where = f"{doc.metadata['source']} @ {doc.metadata['start_index']}"
        print(f"- [{where}]", doc.page_content[:60])
    print("\n== answer")
    print(chain.invoke(question))


if __name__ == "__main__":
    main()
