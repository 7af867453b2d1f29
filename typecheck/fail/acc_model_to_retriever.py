from lcel.embeddings import HashingEmbeddings
from lcel.vectorstores import InMemoryVectorStore
from lcel.models import FakeListChatModel

r = InMemoryVectorStore.from_texts(["a"], embedding=HashingEmbeddings()).as_retriever()
x = FakeListChatModel(responses=["x"]) | r  # E: [operator]
