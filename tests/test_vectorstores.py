"""``lcel.vectorstores``: the in-memory store and its retriever runnable."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.errors import InputValidationError
from lcel.vectorstores import InMemoryVectorStore, VectorStoreRetriever

TEXTS = [
    "harrison worked at kensho",
    "bears like to eat honey",
    "the weather is nice today",
    "kensho is a company in cambridge",
]


class ListEmbeddings:
    """An embeddings model without the ``embed_array`` fast path, with fixed vectors."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.table[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.table[text]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        return self.embed_query(text)


@pytest.fixture
def store() -> InMemoryVectorStore:
    return InMemoryVectorStore.from_texts(TEXTS, HashingEmbeddings(), ids=["h", "b", "w", "k"])


def test_similarity_search_ranks_the_related_text_first(store: InMemoryVectorStore) -> None:
    found = store.similarity_search("where did harrison work?", k=2)
    assert [d.page_content for d in found] == ["harrison worked at kensho", found[1].page_content]
    assert found[0] == Document("harrison worked at kensho", id="h")


def test_scores_are_cosine_and_sorted(store: InMemoryVectorStore) -> None:
    pairs = store.similarity_search_with_score("kensho", k=4)
    scores = [s for _, s in pairs]
    assert scores == sorted(scores, reverse=True)
    assert all(-1.0 <= s <= 1.0 + 1e-6 for s in scores)
    assert {d.id for d, _ in pairs[:2]} == {"h", "k"}


def test_exact_cosine_values() -> None:
    emb = ListEmbeddings({"a": [1.0, 0.0], "b": [3.0, 4.0], "c": [0.0, -2.0], "q": [2.0, 0.0]})
    store = InMemoryVectorStore.from_texts(["a", "b", "c"], emb, ids=["a", "b", "c"])
    pairs = store.similarity_search_with_score("q", k=3)
    assert [(d.id, round(s, 6)) for d, s in pairs] == [("a", 1.0), ("b", 0.6), ("c", 0.0)]


def test_tiny_and_huge_vectors_normalise_without_underflow() -> None:
    emb = ListEmbeddings({"tiny": [1e-30, 0.0], "huge": [0.0, 3e38], "q": [0.0, 1e-33]})
    store = InMemoryVectorStore.from_texts(["tiny", "huge"], emb, ids=["t", "h"])
    pairs = store.similarity_search_with_score("q", k=2)
    assert [(d.id, round(s, 6)) for d, s in pairs] == [("h", 1.0), ("t", 0.0)]


def test_k_larger_than_store(store: InMemoryVectorStore) -> None:
    assert len(store.similarity_search("kensho", k=100)) == 4


def test_empty_store_returns_nothing() -> None:
    empty = InMemoryVectorStore(HashingEmbeddings())
    assert empty.similarity_search("anything") == []
    assert empty.as_retriever().invoke("anything") == []
    assert len(empty) == 0


def test_ties_keep_insertion_order() -> None:
    store = InMemoryVectorStore.from_texts(
        ["x", "y", "z"], HashingEmbeddings(), ids=["1", "2", "3"]
    )
    # no word in common with any text: every score is 0
    assert [d.id for d in store.similarity_search("qqq", k=2)] == ["1", "2"]


def test_metadata_and_generated_ids() -> None:
    store = InMemoryVectorStore(HashingEmbeddings())
    ids = store.add_texts(["a b", "c d"], [{"n": 1}, {"n": 2}])
    assert len(set(ids)) == 2
    assert store.get_by_ids(ids) == [
        Document("a b", metadata={"n": 1}, id=ids[0]),
        Document("c d", metadata={"n": 2}, id=ids[1]),
    ]


def test_results_are_copies(store: InMemoryVectorStore) -> None:
    doc = store.similarity_search("harrison", k=1)[0]
    doc.metadata["mutated"] = True
    assert store.get_by_ids(["h"])[0].metadata == {}


def test_delete_removes_and_keeps_the_rest_searchable(store: InMemoryVectorStore) -> None:
    store.delete(["h", "missing"])
    assert len(store) == 3
    assert store.get_by_ids(["h"]) == []
    found = store.similarity_search("harrison kensho", k=4)
    assert found[0].id == "k"
    assert {d.id for d in found} == {"b", "w", "k"}
    store.delete(["b", "w", "k"])
    assert store.similarity_search("kensho") == []
    store.add_texts(["kensho again"], ids=["k2"])
    assert [d.id for d in store.similarity_search("kensho")] == ["k2"]


def test_delete_rejects_a_bare_str(store: InMemoryVectorStore) -> None:
    with pytest.raises(TypeError, match="not one str"):
        store.delete("h")


def test_same_id_replaces(store: InMemoryVectorStore) -> None:
    store.add_texts(["bears sleep in winter"], ids=["b"])
    assert len(store) == 4
    assert store.get_by_ids(["b"]) == [Document("bears sleep in winter", id="b")]
    assert store.similarity_search("winter", k=1)[0].id == "b"
    store.add_texts(["one", "two"], ids=["dup", "dup"])
    assert store.get_by_ids(["dup"])[0].page_content == "two"
    assert len(store) == 5


def test_from_documents_keeps_ids() -> None:
    docs = [Document("harrison worked at kensho", metadata={"s": 1}, id="h"), Document("bears")]
    store = InMemoryVectorStore.from_documents(docs, HashingEmbeddings())
    assert store.get_by_ids(["h"]) == [docs[0]]
    assert len(store) == 2


def test_grows_past_initial_capacity() -> None:
    store = InMemoryVectorStore(HashingEmbeddings(size=16))
    for i in range(5):
        store.add_texts([f"text {i} {j}" for j in range(20)])
    assert len(store) == 100
    assert store.similarity_search("text 3 7", k=1)[0].page_content == "text 3 7"


def test_input_errors() -> None:
    store = InMemoryVectorStore(HashingEmbeddings())
    with pytest.raises(TypeError, match="not one str"):
        store.add_texts("hello")
    with pytest.raises(ValueError, match="2 texts but 1 metadatas"):
        store.add_texts(["a", "b"], [{}])
    with pytest.raises(ValueError, match="2 texts but 3 ids"):
        store.add_texts(["a", "b"], ids=["1", "2", "3"])
    with pytest.raises(ValueError, match="k must be a positive int"):
        store.similarity_search("a", k=0)
    with pytest.raises(TypeError, match="query must be a str"):
        store.similarity_search(3)  # type: ignore[arg-type]


def test_dimension_mismatch_is_reported() -> None:
    store = InMemoryVectorStore(ListEmbeddings({"a": [1.0, 0.0], "b": [1.0, 0.0, 0.0]}))
    store.add_texts(["a"])
    with pytest.raises(ValueError, match="dimension 3, the store holds vectors of dimension 2"):
        store.add_texts(["b"])
    with pytest.raises(ValueError, match="shape"):
        store.similarity_search_by_vector_with_score([1.0, 0.0, 0.0])


def test_filter(store: InMemoryVectorStore) -> None:
    found = store.similarity_search("kensho", k=4, filter=lambda d: d.id != "h")
    assert found[0].id == "k"
    assert "h" not in {d.id for d in found}
    assert store.similarity_search("kensho", filter=lambda d: False) == []


def test_async_search_and_add() -> None:
    async def main() -> list[Document]:
        store = InMemoryVectorStore(HashingEmbeddings())
        await store.aadd_texts(TEXTS, ids=["h", "b", "w", "k"])
        await store.aadd_documents([Document("honey bees", id="hb")])
        return await store.asimilarity_search("honey", k=2)

    assert {d.id for d in asyncio.run(main())} == {"b", "hb"}


def test_concurrent_adds_and_searches() -> None:
    store = InMemoryVectorStore(HashingEmbeddings(size=32))
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(30):
                store.add_texts([f"w{n} item {i}"], ids=[f"{n}-{i}"])
                if i % 3 == 0:
                    store.delete([f"{n}-{i}"])
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(60):
                store.similarity_search("item", k=5)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store) == 4 * 20
    assert len(store.similarity_search("item", k=200)) == 80


@settings(max_examples=60, deadline=None)
@given(
    ops=st.lists(
        st.one_of(
            st.tuples(st.just("add"), st.integers(0, 15)),
            st.tuples(st.just("delete"), st.integers(0, 15)),
        ),
        max_size=40,
    ),
    query=st.lists(st.floats(-1, 1, width=32), min_size=3, max_size=3),
    k=st.integers(1, 20),
)
def test_search_matches_brute_force(ops: list[tuple[str, int]], query: list[float], k: int) -> None:
    rng = np.random.default_rng(0)
    vectors = {i: rng.normal(size=3).tolist() for i in range(16)}
    table = {str(i): v for i, v in vectors.items()}
    store = InMemoryVectorStore(ListEmbeddings(table))
    alive: dict[str, list[float]] = {}
    for op, i in ops:
        if op == "add":
            store.add_texts([str(i)], ids=[str(i)])
            alive[str(i)] = vectors[i]
        else:
            store.delete([str(i)])
            alive.pop(str(i), None)
    found = store.similarity_search_by_vector_with_score(query, k)
    q = np.asarray(query)
    qn = q / np.linalg.norm(q) if np.linalg.norm(q) > 0 else q
    expected = sorted(
        ((doc_id, float(np.dot(v, qn) / np.linalg.norm(v))) for doc_id, v in alive.items()),
        key=lambda p: -p[1],
    )[:k]
    assert len(found) == len(expected)
    # float32 storage: scores agree with the float64 brute force to about 1e-6
    assert [s for _, s in found] == pytest.approx([s for _, s in expected], abs=1e-4)
    assert {d.id for d, _ in found} <= set(alive)


# -- the retriever ----------------------------------------------------------------------------


def test_retriever_invoke_and_ainvoke(store: InMemoryVectorStore) -> None:
    retriever = store.as_retriever(k=1)
    expected = [Document("harrison worked at kensho", id="h")]
    assert retriever.invoke("where did harrison work?") == expected
    assert asyncio.run(retriever.ainvoke("where did harrison work?")) == expected


def test_retriever_sees_later_additions(store: InMemoryVectorStore) -> None:
    retriever = store.as_retriever(k=1)
    store.add_texts(["penguins swim fast"], ids=["p"])
    assert retriever.invoke("penguins")[0].id == "p"


def test_retriever_batch_and_stream(store: InMemoryVectorStore) -> None:
    retriever = store.as_retriever(k=1)
    assert [r[0].id for r in retriever.batch(["honey", "weather"])] == ["b", "w"]
    assert list(retriever.stream("honey")) == [[Document("bears like to eat honey", id="b")]]


def test_retriever_rejects_non_str_input(store: InMemoryVectorStore) -> None:
    with pytest.raises(InputValidationError, match="expects a query str, got dict"):
        store.as_retriever().invoke({"question": "x"})  # type: ignore[arg-type]


def test_retriever_identity_types_and_tags(store: InMemoryVectorStore) -> None:
    retriever = store.as_retriever()
    assert isinstance(retriever, VectorStoreRetriever)
    assert retriever.get_name() == "VectorStoreRetriever"
    assert retriever.run_type == "retriever"
    assert retriever.k == 4
    assert retriever.input_type is str
    assert retriever.output_type == list[Document]
    assert retriever.default_tags == ("InMemoryVectorStore", "HashingEmbeddings")
    assert store.as_retriever(tags=["mine"]).default_tags[0] == "mine"


def test_retriever_equality_and_hash(store: InMemoryVectorStore) -> None:
    other = InMemoryVectorStore.from_texts(TEXTS, HashingEmbeddings())
    assert store.as_retriever(k=2) == store.as_retriever(search_kwargs={"k": 2})
    assert hash(store.as_retriever(k=2)) == hash(store.as_retriever(k=2))
    assert store.as_retriever(k=2) != store.as_retriever(k=3)
    assert store.as_retriever() != other.as_retriever()  # stores compare by identity
    assert repr(store.as_retriever(k=2)) == (
        "VectorStoreRetriever(InMemoryVectorStore(embedding=HashingEmbeddings(size=384), "
        "documents=4), k=2)"
    )


def test_retriever_options(store: InMemoryVectorStore) -> None:
    assert len(store.as_retriever(search_kwargs={"k": 2}).invoke("kensho")) == 2
    only_k = store.as_retriever(search_kwargs={"filter": lambda d: d.id == "k"})
    assert [d.id for d in only_k.invoke("kensho")] == ["k"]
    strict = store.as_retriever(
        search_type="similarity_score_threshold", search_kwargs={"score_threshold": 0.2}
    )
    assert {d.id for d in strict.invoke("kensho")} == {"h", "k"}
    assert [d.id for d in store.as_retriever(k=4).bind(k=1).invoke("honey")] == ["b"]


def test_as_retriever_errors(store: InMemoryVectorStore) -> None:
    with pytest.raises(TypeError, match=r"unknown search_kwargs \['fetch_k'\]"):
        store.as_retriever(search_kwargs={"fetch_k": 3})
    with pytest.raises(ValueError, match="search_type must be one of"):
        store.as_retriever(search_type="mmr")
    with pytest.raises(ValueError, match="needs search_kwargs\\['score_threshold'\\]"):
        store.as_retriever(search_type="similarity_score_threshold")
    with pytest.raises(ValueError, match="conflicts"):
        store.as_retriever(k=2, search_kwargs={"k": 3})
    with pytest.raises(ValueError, match="k must be a positive int"):
        store.as_retriever(k=0)


def test_store_repr_and_embedding(store: InMemoryVectorStore) -> None:
    assert repr(store) == "InMemoryVectorStore(embedding=HashingEmbeddings(size=384), documents=4)"
    assert store.embeddings == HashingEmbeddings()
    assert store.embedding is store.embeddings
