"""Builders shared by lcel and langchain-core, which offer the same Runnable interface.

Subclasses say where the classes come from and how the components that differ (the fake
chat model's chunk delay, the embedding, the vector store) are made. Every import happens
inside a builder, so a module that does not exist yet only costs the figures that need it.
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

from benchmarks.harness import ConcurrencyTracker
from benchmarks.impl_base import (
    TEMPLATE,
    Store,
    Subject,
    add_one,
    async_sleeper_fn,
    sleeper_fn,
    tokens,
)

__all__ = ["DocumentStore", "RunnableImpl"]


class DocumentStore:
    """Adapts a vector store whose ``similarity_search`` returns documents."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def search(self, query: str, k: int) -> list[str]:
        return [doc.page_content for doc in self.store.similarity_search(query, k=k)]


class RunnableImpl:
    """Builds the workloads from ``RunnableLambda``, ``RunnableParallel``, prompts..."""

    name = "runnables"

    # -- what subclasses provide ----------------------------------------------------------

    def core(self) -> ModuleType:
        """The module holding ``RunnableLambda``, ``RunnableSequence``, ``RunnableParallel``..."""
        raise NotImplementedError

    def prompt_from_template(self, template: str) -> Any:
        raise NotImplementedError

    def fake_chat_model(self, answer: str, chunk_delay: float) -> Any:
        raise NotImplementedError

    def str_parser(self) -> Any:
        raise NotImplementedError

    def embedding(self) -> Any:
        raise NotImplementedError

    def store_from_texts(self, texts: list[str]) -> Any:
        raise NotImplementedError

    # -- the builders -----------------------------------------------------------------------

    def add_one(self) -> Subject:
        return self.core().RunnableLambda(add_one)

    def lambda_chain(self, steps: int) -> Subject:
        core = self.core()
        if steps == 1:
            return core.RunnableLambda(add_one)
        # ``RunnableSequence(*steps)`` is the same value as ``a | b | ...`` (sequences
        # flatten), built in one go: folding ``|`` over 1,000 steps is quadratic in langchain.
        return core.RunnableSequence(*(core.RunnableLambda(add_one) for _ in range(steps)))

    def joke_chain(self, answer: str, chunk_delay: float = 0.0) -> Subject:
        prompt = self.prompt_from_template(TEMPLATE)
        return prompt | self.fake_chat_model(answer, chunk_delay) | self.str_parser()

    def joke_model(self, answer: str, chunk_delay: float = 0.0) -> tuple[Subject, object]:
        prompt_value = self.prompt_from_template(TEMPLATE).invoke({"topic": "bears"})
        return self.fake_chat_model(answer, chunk_delay), prompt_value

    def sleeper(self, delay: float, tracker: ConcurrencyTracker) -> Subject:
        return self.core().RunnableLambda(sleeper_fn(delay, tracker))

    def async_sleeper(self, delay: float, tracker: ConcurrencyTracker) -> Subject:
        return self.core().RunnableLambda(async_sleeper_fn(delay, tracker))

    def parallel_sleepers(self, branches: int, delay: float, *, use_async: bool) -> Subject:
        core = self.core()
        if use_async:
            import asyncio

            async def anap(x: int) -> int:
                await asyncio.sleep(delay)
                return x

            step: Any = anap
        else:

            def nap(x: int) -> int:
                time.sleep(delay)
                return x

            step = nap
        return core.RunnableParallel(
            **{f"b{i}": core.RunnableLambda(step) for i in range(branches)}
        )

    def token_stream(self) -> Subject:
        core = self.core()
        return core.RunnablePassthrough() | core.RunnableLambda(tokens)

    def embed(self, texts: list[str]) -> object:
        return self.embedding().embed_documents(texts)

    def vector_store(self, texts: list[str]) -> Store:
        return DocumentStore(self.store_from_texts(texts))
