from lcel.embeddings import HashingEmbeddings
from lcel.parsers import StrOutputParser
from lcel.vectorstores import InMemoryVectorStore

r = InMemoryVectorStore.from_texts(["a"], embedding=HashingEmbeddings()).as_retriever()
r | StrOutputParser()  # E: [operator]
