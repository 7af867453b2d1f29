"""langchain-core 1.5.0, the comparison: the same workloads through its Runnable classes.

Optional: the harness checks that ``langchain_core`` imports before it schedules these runs
(``pip install 'lcel[bench]'`` installs the pinned version).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from benchmarks.impl_runnables import RunnableImpl

__all__ = ["LangchainImpl"]

DIMENSION = 384


class LangchainImpl(RunnableImpl):
    """langchain-core builders (see :class:`benchmarks.impl_base.Impl`)."""

    name = "langchain"

    def core(self) -> ModuleType:
        import langchain_core.runnables

        return langchain_core.runnables

    def prompt_from_template(self, template: str) -> Any:
        from langchain_core.prompts import ChatPromptTemplate

        return ChatPromptTemplate.from_template(template)

    def fake_chat_model(self, answer: str, chunk_delay: float) -> Any:
        from langchain_core.language_models.fake_chat_models import FakeListChatModel

        return FakeListChatModel(responses=[answer], sleep=chunk_delay or None)

    def str_parser(self) -> Any:
        from langchain_core.output_parsers import StrOutputParser

        return StrOutputParser()

    def embedding(self) -> Any:
        from langchain_core.embeddings import DeterministicFakeEmbedding

        return DeterministicFakeEmbedding(size=DIMENSION)

    def store_from_texts(self, texts: list[str]) -> Any:
        from langchain_core.vectorstores import InMemoryVectorStore

        return InMemoryVectorStore.from_texts(texts, embedding=self.embedding())
