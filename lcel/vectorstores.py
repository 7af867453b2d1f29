"""``InMemoryVectorStore``: cosine search over a NumPy matrix, and its retriever runnable.

The store is a mutable object (texts come and go); what enters a chain is its retriever, an
immutable runnable ``str → list[Document]`` that holds the store and the search options:

>>> from lcel.embeddings import HashingEmbeddings
>>> store = InMemoryVectorStore.from_texts(
...     ["harrison worked at kensho", "bears like to eat honey"],
...     embedding=HashingEmbeddings(),
...     ids=["h", "b"],
... )
>>> store.as_retriever(k=1).invoke("where did harrison work?")
[Document(page_content='harrison worked at kensho', id='h')]
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Self

import attrs
import numpy as np
import numpy.typing as npt

from lcel._config import RunnableConfig
from lcel._leaf import Component
from lcel.documents import Document
from lcel.embeddings import Embeddings
from lcel.errors import InputValidationError, quoted, shorten

__all__ = ["DocumentFilter", "InMemoryVectorStore", "VectorStoreRetriever"]

DocumentFilter = Callable[[Document], bool]
"""A predicate on documents: a search only returns the documents it accepts."""

_SEARCH_TYPES = ("similarity", "similarity_score_threshold")
_SEARCH_KWARGS = frozenset({"k", "filter", "score_threshold"})
_MIN_CAPACITY = 16


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int (the number of documents), got {quoted(k)}")
    return k


class InMemoryVectorStore:
    """Documents and their unit vectors in one contiguous float32 matrix, searched by cosine.

    Rows are stored L2-normalised, so a search is one matrix-vector product and a partial
    sort (``argpartition``) for the top ``k``. The matrix grows by doubling; a deletion moves
    the last row into the freed one. Every method is thread-safe (one lock); embedding
    happens outside the lock. Adding a document whose id is already stored replaces it.
    Scores are cosine similarities in ``[-1, 1]``; ties keep insertion order.

    The store is a plain mutable object, compared and hashed by identity.
    """

    def __init__(self, embedding: Embeddings) -> None:
        self._embedding = embedding
        self._lock = threading.RLock()
        self._vectors: npt.NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self._dim: int | None = None
        self._count = 0
        self._docs: list[Document] = []  # row -> document (its id set)
        self._ids: list[str] = []  # row -> id
        self._rows: dict[str, int] = {}  # id -> row

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        embedding: Embeddings,
        metadatas: Sequence[Mapping[str, Any]] | None = None,  # Any: user metadata
        *,
        ids: Sequence[str | None] | None = None,
    ) -> Self:
        """A new store holding ``texts`` (with their ``metadatas`` and ``ids``, if given)."""
        store = cls(embedding)
        store.add_texts(texts, metadatas, ids=ids)
        return store

    @classmethod
    def from_documents(cls, documents: Iterable[Document], embedding: Embeddings) -> Self:
        """A new store holding ``documents`` (their ids are kept; missing ones are made)."""
        store = cls(embedding)
        store.add_documents(documents)
        return store

    # -- reading ----------------------------------------------------------------------------

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model of this store."""
        return self._embedding

    embedding = embeddings

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"InMemoryVectorStore(embedding={self._embedding!r}, documents={self._count})"

    def get_by_ids(self, ids: Sequence[str]) -> list[Document]:
        """The stored documents with these ids, in that order; unknown ids are skipped."""
        with self._lock:
            return [attrs.evolve(self._docs[self._rows[i]]) for i in ids if i in self._rows]

    # -- writing ----------------------------------------------------------------------------

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: Sequence[Mapping[str, Any]] | None = None,  # Any: user metadata
        *,
        ids: Sequence[str | None] | None = None,
    ) -> list[str]:
        """Embed and store ``texts``; return their ids (new uuid4 strings where not given)."""
        new_ids, docs = _documents(texts, metadatas, ids)
        return self._upsert(new_ids, docs, self._embed([d.page_content for d in docs]))

    def add_documents(
        self, documents: Iterable[Document], *, ids: Sequence[str | None] | None = None
    ) -> list[str]:
        """Embed and store ``documents``; ``ids`` (else each document's own id) name them."""
        docs = list(documents)
        return self.add_texts(
            [d.page_content for d in docs],
            [d.metadata for d in docs],
            ids=list(ids) if ids is not None else [d.id for d in docs],
        )

    async def aadd_texts(
        self,
        texts: Iterable[str],
        metadatas: Sequence[Mapping[str, Any]] | None = None,  # Any: user metadata
        *,
        ids: Sequence[str | None] | None = None,
    ) -> list[str]:
        """Async :meth:`add_texts`: awaits the embedding model's ``aembed_documents``."""
        new_ids, docs = _documents(texts, metadatas, ids)
        texts_ = [d.page_content for d in docs]
        vectors = await self._embedding.aembed_documents(texts_) if texts_ else []
        return self._upsert(new_ids, docs, self._as_matrix(vectors, len(texts_)))

    async def aadd_documents(
        self, documents: Iterable[Document], *, ids: Sequence[str | None] | None = None
    ) -> list[str]:
        """Async :meth:`add_documents`."""
        docs = list(documents)
        return await self.aadd_texts(
            [d.page_content for d in docs],
            [d.metadata for d in docs],
            ids=list(ids) if ids is not None else [d.id for d in docs],
        )

    def delete(self, ids: Iterable[str]) -> None:
        """Remove the documents with these ids; ids not in the store are ignored."""
        if isinstance(ids, str):
            raise TypeError("delete() takes a list of ids, not one str; wrap it in [...]")
        with self._lock:
            for doc_id in ids:
                row = self._rows.pop(doc_id, None)
                if row is None:
                    continue
                last = self._count - 1
                if row != last:
                    self._vectors[row] = self._vectors[last]
                    self._docs[row] = self._docs[last]
                    self._ids[row] = self._ids[last]
                    self._rows[self._ids[row]] = row
                self._docs.pop()
                self._ids.pop()
                self._count = last

    # -- searching --------------------------------------------------------------------------

    def similarity_search(
        self, query: str, k: int = 4, *, filter: DocumentFilter | None = None
    ) -> list[Document]:
        """The ``k`` documents most similar to ``query``, best first."""
        return [doc for doc, _ in self.similarity_search_with_score(query, k, filter=filter)]

    def similarity_search_with_score(
        self, query: str, k: int = 4, *, filter: DocumentFilter | None = None
    ) -> list[tuple[Document, float]]:
        """``(document, cosine similarity)`` pairs for the ``k`` best matches, best first.

        Fewer than ``k`` when the store (or the part ``filter`` accepts) is smaller.
        """
        _check_k(k)
        _check_query(query)
        return self.similarity_search_by_vector_with_score(
            self._embedding.embed_query(query), k, filter=filter
        )

    async def asimilarity_search(
        self, query: str, k: int = 4, *, filter: DocumentFilter | None = None
    ) -> list[Document]:
        """Async :meth:`similarity_search`: awaits the model's ``aembed_query``."""
        found = await self.asimilarity_search_with_score(query, k, filter=filter)
        return [doc for doc, _ in found]

    async def asimilarity_search_with_score(
        self, query: str, k: int = 4, *, filter: DocumentFilter | None = None
    ) -> list[tuple[Document, float]]:
        """Async :meth:`similarity_search_with_score`."""
        _check_k(k)
        _check_query(query)
        vector = await self._embedding.aembed_query(query)
        return self.similarity_search_by_vector_with_score(vector, k, filter=filter)

    def similarity_search_by_vector_with_score(
        self,
        embedding: Sequence[float] | npt.NDArray[np.floating[Any]],  # Any: any float width
        k: int = 4,
        *,
        filter: DocumentFilter | None = None,
    ) -> list[tuple[Document, float]]:
        """Search by a query vector instead of a query text."""
        _check_k(k)
        query = np.array(embedding, dtype=np.float32)
        if query.ndim != 1:
            raise ValueError(f"a query vector must be one-dimensional, got shape {query.shape}")
        query = _unit_rows(query[np.newaxis, :])[0]
        with self._lock:
            n = self._count
            if n == 0:
                return []
            if query.shape != (self._dim,):
                raise ValueError(
                    f"query vector has shape {query.shape}, the store holds vectors of "
                    f"dimension {self._dim}"
                )
            scores = self._vectors[:n] @ query
            candidates = n
            if filter is not None:
                keep = np.fromiter((bool(filter(d)) for d in self._docs), dtype=bool, count=n)
                candidates = int(keep.sum())
                scores = np.where(keep, scores, -np.inf)
            top = min(k, candidates)
            if top == 0:
                return []
            rows = np.argpartition(-scores, top - 1)[:top] if top < n else np.arange(n)
            # best score first, then insertion order (row) among equal scores
            rows = rows[np.lexsort((rows, -scores[rows]))][:top]
            return [(attrs.evolve(self._docs[r]), float(scores[r])) for r in rows]

    def as_retriever(
        self,
        *,
        k: int | None = None,
        search_type: str = "similarity",
        search_kwargs: Mapping[str, Any] | None = None,  # Any: k, filter, score_threshold
        tags: Sequence[str] = (),
    ) -> VectorStoreRetriever:
        """A retriever runnable over this store (``str → list[Document]``).

        ``search_kwargs`` takes ``k`` (default 4), ``filter`` and ``score_threshold`` (keep
        only scores at least this; implied by ``search_type="similarity_score_threshold"``).
        """
        if search_type not in _SEARCH_TYPES:
            raise ValueError(
                f"search_type must be one of {_SEARCH_TYPES}, got {quoted(search_type)}"
            )
        options = dict(search_kwargs or {})
        unknown = set(options) - _SEARCH_KWARGS
        if unknown:
            raise TypeError(
                f"unknown search_kwargs {sorted(unknown)}; expected some of "
                f"{sorted(_SEARCH_KWARGS)}"
            )
        if k is not None:
            if "k" in options and options["k"] != k:
                raise ValueError(f"k={k} conflicts with search_kwargs['k']={options['k']}")
            options["k"] = k
        threshold = options.get("score_threshold")
        if search_type == "similarity_score_threshold" and threshold is None:
            raise ValueError(
                "search_type='similarity_score_threshold' needs search_kwargs['score_threshold']"
            )
        return VectorStoreRetriever(
            self,
            k=options.get("k", 4),
            filter=options.get("filter"),
            score_threshold=threshold,
            tags=tuple(tags),
        )

    # -- internals --------------------------------------------------------------------------

    def _embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        fast = getattr(self._embedding, "embed_array", None)
        vectors = fast(texts) if callable(fast) else self._embedding.embed_documents(texts)
        return self._as_matrix(vectors, len(texts))

    def _as_matrix(self, vectors: object, count: int) -> npt.NDArray[np.float32]:
        if count == 0:
            return np.zeros((0, 0), dtype=np.float32)
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != count:
            raise ValueError(
                f"{type(self._embedding).__name__} returned vectors of shape {matrix.shape} "
                f"for {count} texts; expected one vector of equal length per text"
            )
        return _unit_rows(matrix)

    def _upsert(
        self, ids: list[str], docs: list[Document], vectors: npt.NDArray[np.float32]
    ) -> list[str]:
        if not docs:
            return []
        # within one call, the last text given for an id wins
        last = {doc_id: i for i, doc_id in enumerate(ids)}
        with self._lock:
            dim = vectors.shape[1]
            if self._dim is None:
                self._dim = dim
                self._vectors = np.zeros((max(_MIN_CAPACITY, len(docs)), dim), np.float32)
            elif dim != self._dim:
                raise ValueError(
                    f"{type(self._embedding).__name__} returned vectors of dimension {dim}, "
                    f"the store holds vectors of dimension {self._dim}"
                )
            fresh: list[int] = []
            for doc_id, i in last.items():
                row = self._rows.get(doc_id)
                if row is None:
                    fresh.append(i)
                else:
                    self._vectors[row] = vectors[i]
                    self._docs[row] = docs[i]
            start, stop = self._count, self._count + len(fresh)
            self._reserve(stop)
            self._vectors[start:stop] = vectors[fresh]
            for row, i in enumerate(fresh, start):
                self._docs.append(docs[i])
                self._ids.append(ids[i])
                self._rows[ids[i]] = row
            self._count = stop
        return ids

    def _reserve(self, rows: int) -> None:
        capacity = self._vectors.shape[0]
        if rows <= capacity:
            return
        grown = np.zeros((max(rows, 2 * capacity), self._vectors.shape[1]), np.float32)
        grown[: self._count] = self._vectors[: self._count]
        self._vectors = grown


def _unit_rows(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Scale each row to length 1 in place (zero rows stay zero).

    Rows are first divided by their largest magnitude, so squaring tiny or huge float32
    components cannot underflow or overflow the norm.
    """
    if matrix.shape[1] == 0:
        raise ValueError("cannot store or search vectors of length 0")
    peak = np.abs(matrix).max(axis=1, keepdims=True)
    matrix /= np.where(peak == 0.0, 1.0, peak)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0.0, 1.0, norms)
    return matrix


def _check_query(query: object) -> None:
    if not isinstance(query, str):
        raise TypeError(
            f"a search query must be a str, got {type(query).__name__}: {quoted(query)}"
        )


def _documents(
    texts: Iterable[str],
    metadatas: Sequence[Mapping[str, Any]] | None,  # Any: user metadata
    ids: Sequence[str | None] | None,
) -> tuple[list[str], list[Document]]:
    """Ids and documents for ``add_texts`` (a new uuid4 id where none is given)."""
    if isinstance(texts, str):
        raise TypeError("add_texts() takes a list of texts, not one str; wrap it in [...]")
    texts = list(texts)
    if metadatas is not None and len(metadatas) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(metadatas)} metadatas")
    if ids is not None and len(ids) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(ids)} ids")
    new_ids = [
        (ids[i] if ids is not None else None) or str(uuid.uuid4()) for i in range(len(texts))
    ]
    docs = [
        Document(text, metadata=metadatas[i] if metadatas is not None else None, id=new_ids[i])
        for i, text in enumerate(texts)
    ]
    return new_ids, docs


def _check_positive_k(_instance: object, _attribute: object, value: object) -> None:
    _check_k(value)


@attrs.frozen(repr=False)
class VectorStoreRetriever(Component[str, list[Document]]):
    """A runnable ``str → list[Document]``: the best matches of the query in a store.

    Made by :meth:`InMemoryVectorStore.as_retriever`. Equal retrievers hold the same store
    (by identity) and the same options. ``bind(k=..., filter=..., score_threshold=...)``
    overrides an option for one use.
    """

    run_type: ClassVar[str] = "retriever"

    vectorstore: InMemoryVectorStore
    """The store searched (mutable: the retriever sees documents added later)."""
    k: int = attrs.field(default=4, validator=_check_positive_k)
    """How many documents to return at most."""
    filter: DocumentFilter | None = None
    """Only documents this predicate accepts are returned."""
    score_threshold: float | None = None
    """Only documents with at least this cosine similarity are returned."""
    tags: tuple[str, ...] = ()
    """Extra tags for this retriever's runs, before :attr:`default_tags`' class names."""

    @property
    def default_tags(self) -> tuple[str, ...]:
        """Tags for this retriever's runs: its own, then the store's and the model's class."""
        return (
            *self.tags,
            type(self.vectorstore).__name__,
            type(self.vectorstore.embeddings).__name__,
        )

    def _trace_input(self, input: Any) -> Any:  # Any: the query, as shown
        """Events show a retriever's input as LangChain does: ``{"query": ...}``."""
        return {"query": input}

    def __repr__(self) -> str:
        options = [f"k={self.k}"]
        if self.filter is not None:
            options.append(f"filter={self.filter!r}")
        if self.score_threshold is not None:
            options.append(f"score_threshold={self.score_threshold!r}")
        return f"VectorStoreRetriever({self.vectorstore!r}, {', '.join(options)})"

    def _invoke(
        self,
        input: str,
        config: RunnableConfig,
        **kwargs: Any,  # Any: k, filter or score_threshold given with bind()
    ) -> list[Document]:
        k, filter_, threshold = self._options(input, kwargs)
        found = self.vectorstore.similarity_search_with_score(input, k, filter=filter_)
        return _above(found, threshold)

    async def _ainvoke(
        self,
        input: str,
        config: RunnableConfig,
        **kwargs: Any,  # Any: k, filter or score_threshold given with bind()
    ) -> list[Document]:
        k, filter_, threshold = self._options(input, kwargs)
        found = await self.vectorstore.asimilarity_search_with_score(input, k, filter=filter_)
        return _above(found, threshold)

    def _options(
        self, query: object, kwargs: Mapping[str, Any]
    ) -> tuple[int, DocumentFilter | None, float | None]:
        if not isinstance(query, str):
            raise InputValidationError(
                f"{self.get_name()} expects a query str, got {type(query).__name__}: "
                f"{shorten(query)}",
                rule="type",
            )
        unknown = set(kwargs) - _SEARCH_KWARGS
        if unknown:
            raise TypeError(
                f"{self.get_name()} got unknown option(s) {sorted(unknown)}; expected some "
                f"of {sorted(_SEARCH_KWARGS)}"
            )
        return (
            _check_k(kwargs.get("k", self.k)),
            kwargs.get("filter", self.filter),
            kwargs.get("score_threshold", self.score_threshold),
        )


def _above(found: list[tuple[Document, float]], threshold: float | None) -> list[Document]:
    return [doc for doc, score in found if threshold is None or score >= threshold]
