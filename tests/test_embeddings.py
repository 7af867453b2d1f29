"""``lcel.embeddings``: the protocol and the deterministic hashing embeddings."""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcel.embeddings import Embeddings, HashingEmbeddings


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_is_an_embeddings() -> None:
    assert isinstance(HashingEmbeddings(), Embeddings)
    assert not isinstance(object(), Embeddings)


def test_shape_and_norm() -> None:
    emb = HashingEmbeddings(size=32)
    vectors = emb.embed_documents(["harrison worked at kensho", "bears like honey"])
    assert [len(v) for v in vectors] == [32, 32]
    assert all(math.isclose(_cos(v, v), 1.0, rel_tol=1e-6) for v in vectors)
    assert all(isinstance(x, float) for x in vectors[0])


def test_text_without_words_is_the_zero_vector() -> None:
    assert HashingEmbeddings(size=8).embed_query("?! ...") == [0.0] * 8
    assert HashingEmbeddings(size=8).embed_documents([]) == []


def test_query_and_document_embed_alike_case_and_punctuation_ignored() -> None:
    emb = HashingEmbeddings()
    assert emb.embed_query("Harrison, Kensho!") == emb.embed_documents(["harrison kensho"])[0]


def test_related_texts_are_closer() -> None:
    emb = HashingEmbeddings()
    query = emb.embed_query("where did harrison work?")
    related = emb.embed_query("harrison worked at kensho")
    for other in ["bears like to eat honey", "the weather is nice today", "cats sleep a lot"]:
        assert _cos(query, related) > _cos(query, emb.embed_query(other))


def test_word_prefix_links_inflections() -> None:
    emb = HashingEmbeddings()
    # "work" and "worked" share only the 4-letter prefix feature (half weight): 0.25 / 1.25
    assert _cos(emb.embed_query("work"), emb.embed_query("worked")) == pytest.approx(0.2)
    assert _cos(emb.embed_query("work"), emb.embed_query("weather")) == pytest.approx(0.0)


def test_stable_across_processes() -> None:
    # Python's hash() is salted per process; the embedding must not be.
    code = (
        "from lcel.embeddings import HashingEmbeddings;"
        "print(HashingEmbeddings(size=16).embed_query('harrison worked at kensho'))"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert out.strip() == str(HashingEmbeddings(size=16).embed_query("harrison worked at kensho"))


def test_async_matches_sync() -> None:
    emb = HashingEmbeddings(size=16)
    assert asyncio.run(emb.aembed_query("hello world")) == emb.embed_query("hello world")
    assert asyncio.run(emb.aembed_documents(["a b", "c"])) == emb.embed_documents(["a b", "c"])


def test_embed_array_matches_lists() -> None:
    emb = HashingEmbeddings(size=16)
    array = emb.embed_array(["a b", "c"])
    assert array.shape == (2, 16)
    assert array.dtype.name == "float32"
    assert array.tolist() == emb.embed_documents(["a b", "c"])


@pytest.mark.parametrize("size", [0, -3, 2.5, True, "8"])
def test_bad_size(size: object) -> None:
    with pytest.raises(ValueError, match="size must be a positive int"):
        HashingEmbeddings(size=size)  # type: ignore[arg-type]


def test_bad_texts() -> None:
    emb = HashingEmbeddings()
    with pytest.raises(TypeError, match="got one str"):
        emb.embed_documents("hello")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected strings, got int"):
        emb.embed_documents([3])  # type: ignore[list-item]


def test_equality_and_hash() -> None:
    assert HashingEmbeddings(8) == HashingEmbeddings(8)
    assert hash(HashingEmbeddings(8)) == hash(HashingEmbeddings(8))
    assert HashingEmbeddings(8) != HashingEmbeddings(9)


@given(st.text(max_size=80), st.integers(min_value=1, max_value=64))
def test_normalised_and_deterministic(text: str, size: int) -> None:
    vector = HashingEmbeddings(size=size).embed_query(text)
    assert len(vector) == size
    norm = _cos(vector, vector)
    assert math.isclose(norm, 1.0, rel_tol=1e-5) or norm == 0.0
    assert vector == HashingEmbeddings(size=size).embed_query(text)
