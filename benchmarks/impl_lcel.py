"""lcel, through its public API only (the names in ``shared/API.md``).

Each builder imports what it needs when called, so while a module is still being written
the figures that need it read ``n/a (missing: <module>)`` and the rest are measured.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from benchmarks.impl_runnables import RunnableImpl

__all__ = ["LcelImpl"]

DIMENSION = 384


class LcelImpl(RunnableImpl):
    """lcel builders (see :class:`benchmarks.impl_base.Impl`)."""

    name = "lcel"

    def core(self) -> ModuleType:
        import lcel

        return lcel

    def prompt_from_template(self, template: str) -> Any:
        from lcel.prompts import ChatPromptTemplate

        return ChatPromptTemplate.from_template(template)

    def fake_chat_model(self, answer: str, chunk_delay: float) -> Any:
        from lcel.models import FakeListChatModel

        return FakeListChatModel(responses=[answer], chunk_delay=chunk_delay)

    def str_parser(self) -> Any:
        from lcel.parsers import StrOutputParser

        return StrOutputParser()

    def embedding(self) -> Any:
        from lcel.embeddings import HashingEmbeddings

        return HashingEmbeddings(size=DIMENSION)

    def embed(self, texts: list[str]) -> object:
        embedding = self.embedding()
        # The store embeds through ``embed_array`` (one numpy array) when the embedding has it.
        embed_array = getattr(embedding, "embed_array", None)
        return embedding.embed_documents(texts) if embed_array is None else embed_array(texts)

    def store_from_texts(self, texts: list[str]) -> Any:
        from lcel.vectorstores import InMemoryVectorStore

        return InMemoryVectorStore.from_texts(texts, embedding=self.embedding())
