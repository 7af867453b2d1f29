from lcel.embeddings import HashingEmbeddings
from lcel.vectorstores import InMemoryVectorStore
from lcel.models import FakeListLLM

r = InMemoryVectorStore.from_texts(["a"], embedding=HashingEmbeddings()).as_retriever()
x = r | FakeListLLM(responses=["x"])  # E: [operator]
