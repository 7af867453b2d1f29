from typing import reveal_type

from lcel import Runnable, RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.vectorstores import InMemoryVectorStore

vectorstore = InMemoryVectorStore.from_texts(["harrison worked at kensho"], embedding=HashingEmbeddings())
retriever = vectorstore.as_retriever()
template = """Answer the question based only on the following context:
{context}

Question: {question}
"""
prompt = ChatPromptTemplate.from_template(template)
model = FakeListChatModel(responses=["kensho"])


def format_docs(docs: list[Document]) -> str:
    return "\n\n".join(doc.page_content for doc in docs)


rag = (
    {"context": retriever | format_docs, "question": RunnablePassthrough()}
    | prompt
    | model
    | StrOutputParser()
)
reveal_type(rag)  # R: lcel._runnable.Runnable[str, str]
typed: Runnable[str, str] = rag
reveal_type(rag.invoke("where did harrison work?"))  # R: str

