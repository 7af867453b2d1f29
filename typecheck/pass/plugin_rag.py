"""Plugin: the seed's retrieval chain is a ``Runnable[str, str]``."""



from typing import reveal_type

from lcel import RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.vectorstores import InMemoryVectorStore

vectorstore = InMemoryVectorStore.from_texts(["harrison worked at kensho"], embedding=HashingEmbeddings())
retriever = vectorstore.as_retriever()


def format_docs(docs: list[Document]) -> str:
    return "\n\n".join(d.page_content for d in docs)


prompt = ChatPromptTemplate.from_template(
    "Answer the question based only on the context:\n{context}\n\nQuestion: {question}"
)
model = FakeListChatModel(responses=["Kensho"])

retrieval_chain = (
    {"context": retriever | format_docs, "question": RunnablePassthrough()}
    | prompt
    | model
    | StrOutputParser()
)
reveal_type(retrieval_chain)  # R: lcel._runnable.Runnable[str, str]
answer: str = retrieval_chain.invoke("where did harrison work?")
