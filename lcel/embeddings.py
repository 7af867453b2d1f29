"""Embeddings: texts to vectors. ``HashingEmbeddings`` is the offline, deterministic default.

An embedding model is anything with the four methods of the :class:`Embeddings` protocol; no
base class is needed. ``HashingEmbeddings`` hashes word features into a fixed number of
buckets, so similar wordings give similar vectors without a model or a network:

>>> emb = HashingEmbeddings(size=64)
>>> q = emb.embed_query("where did harrison work?")
>>> len(q), round(sum(x * x for x in q), 6)
(64, 1.0)
>>> def cos(a: list[float], b: list[float]) -> float:
...     return sum(x * y for x, y in zip(a, b))
>>> near, far = emb.embed_query("harrison worked at kensho"), emb.embed_query("bears eat honey")
>>> cos(q, near) > cos(q, far)
True
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Protocol, runtime_checkable

import attrs
import numpy as np
import numpy.typing as npt

from lcel.errors import quoted

__all__ = ["Embeddings", "HashingEmbeddings"]


@runtime_checkable
class Embeddings(Protocol):
    """What a vector store needs from an embedding model.

    ``embed_documents`` embeds texts to store; ``embed_query`` embeds a search query (some
    models embed the two differently). The async methods let a remote model be awaited.
    """

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, all of the same length."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """The vector of a search query."""
        ...

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async :meth:`embed_documents`."""
        ...

    async def aembed_query(self, text: str) -> list[float]:
        """Async :meth:`embed_query`."""
        ...


_WORD = re.compile(r"\w+")
_PREFIX_LENGTH = 4
_PREFIX_WEIGHT = 0.5


@functools.lru_cache(maxsize=1 << 16)
def _word_features(word: str, size: int) -> tuple[tuple[int, float], tuple[int, float]]:
    """``(index, weight)`` of a word's two features: itself, and its prefix at half weight."""
    index, sign = _bucket("w:" + word, size)
    prefix_index, prefix_sign = _bucket("p:" + word[:_PREFIX_LENGTH], size)
    return (index, sign), (prefix_index, prefix_sign * _PREFIX_WEIGHT)


def _bucket(feature: str, size: int) -> tuple[int, float]:
    """``(index, sign)`` of a feature: a stable hash (blake2b), unlike the salted ``hash()``.

    The sign halves the bias of collisions: two features sharing a bucket cancel out as often
    as they add up.
    """
    digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
    return digest % size, (1.0 if (digest >> 63) & 1 else -1.0)


def _check_size(_instance: object, _attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"HashingEmbeddings size must be a positive int, got {quoted(value)}")


@attrs.frozen
class HashingEmbeddings:
    """Deterministic offline embeddings: feature hashing of lower-cased word tokens.

    Each word adds its own feature and, at half weight, the feature of its first four
    letters, so ``work`` and ``worked`` overlap. Vectors are L2-normalised, so a dot product
    is the cosine similarity; a text without words embeds to the zero vector. No stemming,
    no stop words, no semantics: good for tests, examples and keyword-like retrieval.

    >>> emb = HashingEmbeddings(size=8)
    >>> emb.embed_query("Hello, hello!") == emb.embed_query("hello")
    True
    """

    size: int = attrs.field(default=384, validator=_check_size)
    """The vector length (number of hash buckets)."""

    def embed_array(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """The vectors of ``texts`` as one ``(len(texts), size)`` float32 array.

        The fast path used by :class:`lcel.vectorstores.InMemoryVectorStore`.
        """
        if isinstance(texts, str):
            raise TypeError(
                "embed texts: expected a list of strings, got one str; wrap it in [...]"
            )
        rows: list[int] = []
        columns: list[int] = []
        weights: list[float] = []
        for row, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(
                    f"embed texts: expected strings, got {type(text).__name__}: {quoted(text)}"
                )
            for word in _WORD.findall(text.lower()):
                for column, weight in _word_features(word, self.size):
                    rows.append(row)
                    columns.append(column)
                    weights.append(weight)
        out = np.zeros((len(texts), self.size), dtype=np.float32)
        np.add.at(out, (rows, columns), weights)  # repeated features add up
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.where(norms == 0.0, 1.0, norms)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One L2-normalised vector per text."""
        return [list(map(float, row)) for row in self.embed_array(texts)]

    def embed_query(self, text: str) -> list[float]:
        """The L2-normalised vector of ``text`` (queries embed like documents)."""
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Same as :meth:`embed_documents`: quick CPU work, run inline."""
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        """Same as :meth:`embed_query`."""
        return self.embed_query(text)
