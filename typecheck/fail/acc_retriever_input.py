from lcel.embeddings import HashingEmbeddings
from lcel.vectorstores import InMemoryVectorStore

r = InMemoryVectorStore.from_texts(["a"], embedding=HashingEmbeddings()).as_retriever()
r.invoke({"q": "x"})  # E: [arg-type]
