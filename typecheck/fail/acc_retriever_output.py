from lcel.embeddings import HashingEmbeddings
from lcel.vectorstores import InMemoryVectorStore

r = InMemoryVectorStore.from_texts(["a"], embedding=HashingEmbeddings()).as_retriever()
x: str = r.invoke("x")  # E: [assignment]
