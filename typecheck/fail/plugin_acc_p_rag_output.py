from lcel import RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.vectorstores import InMemoryVectorStore

retriever = InMemoryVectorStore.from_texts(["a"], embedding=HashingEmbeddings()).as_retriever()


def format_docs(docs: list[Document]) -> str:
    return ""


rag = {"context": retriever | format_docs, "question": RunnablePassthrough()} | ChatPromptTemplate.from_template("{context} {question}") | FakeListChatModel(responses=["x"]) | StrOutputParser()
rag.invoke(3)  # E: [arg-type]
