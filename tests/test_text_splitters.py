"""RecursiveCharacterTextSplitter: sizes, order, coverage, overlap; documents keep metadata."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lcel.documents import Document
from lcel.text_splitters import CharacterTextSplitter, KeepSeparator, RecursiveCharacterTextSplitter

WHITESPACE = st.sampled_from(["", "", " ", "  ", "\n", "\n\n", " \n"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Texts whose non-space characters are all different, so a chunk's place is unique."""
    letters = draw(
        st.lists(
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), unique=True, max_size=80
        )
    )
    return "".join(letter + draw(WHITESPACE) for letter in letters)


TEXTS = texts()


def positions(text: str, chunks: list[str]) -> list[int]:
    """Where each chunk starts in ``text``: found left to right, none before the last start."""
    found: list[int] = []
    start = 0
    for chunk in chunks:
        index = text.find(chunk, start)
        assert index >= 0, f"chunk {chunk!r} not found in order in {text!r}"
        found.append(index)
        start = index
    return found


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(2, 30), st.data())
def test_chunks_fit_come_in_order_and_cover_the_text(
    text: str, size: int, data: st.DataObject
) -> None:
    overlap = data.draw(st.integers(0, size))
    keep: KeepSeparator = data.draw(st.sampled_from([True, False, "start", "end"]))
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=overlap, keep_separator=keep
    )
    chunks = splitter.split_text(text)
    assert all(0 < len(c) <= size for c in chunks)
    assert all(c == c.strip() for c in chunks)
    if keep:  # separators kept: every chunk is a piece of the text as it is
        assert all(c in text for c in chunks)
    # Without separators, pieces are re-joined by the separator: compare the letters only.
    letters = squeeze(text)
    parts = [squeeze(c) for c in chunks]
    starts = positions(letters, parts)
    covered: set[int] = set()
    for start, part in zip(starts, parts, strict=True):
        covered.update(range(start, start + len(part)))
    assert covered == set(range(len(letters))), (text, chunks)
    # consecutive chunks share at most chunk_overlap characters
    for (s1, p1), s2 in zip(zip(starts, parts, strict=False), starts[1:], strict=False):
        assert s1 + len(p1) - s2 <= overlap


def squeeze(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.integers(2, 30))
def test_without_overlap_the_chunks_are_the_text_minus_whitespace(text: str, size: int) -> None:
    chunks = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=0).split_text(text)
    assert "".join(chunks).replace(" ", "").replace("\n", "") == "".join(text.split())


def test_examples() -> None:
    splitter = RecursiveCharacterTextSplitter(chunk_size=10, chunk_overlap=4)
    text = (
        "Hi.\n\nI'm Harrison.\n\nHow? Are? You?\nOkay then f f f f.\n"
        "This is a weird text to write, but gotta test the splittingggg some how.\n\nBye!\n\n-H."
    )
    first = ["Hi.", "I'm", "Harrison.", "How? Are?", "You?", "Okay then"]
    assert splitter.split_text(text)[:6] == first
    assert RecursiveCharacterTextSplitter(chunk_size=5, chunk_overlap=0).split_text("") == []
    # a paragraph that fits stays whole; the next one starts a new chunk
    two = "first para\n\nsecond one here"
    assert RecursiveCharacterTextSplitter(chunk_size=16, chunk_overlap=0).split_text(two) == [
        "first para",
        "second one here",
    ]


def test_keep_separator_end_and_regex() -> None:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=12, chunk_overlap=0, separators=[r"\.\s"], is_separator_regex=True,
        keep_separator="end",
    )
    assert splitter.split_text("One. Two. Three four.") == ["One. Two.", "Three four."]


def test_unsplittable_piece_is_kept_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    splitter = RecursiveCharacterTextSplitter(chunk_size=5, chunk_overlap=0, separators=[" "])
    with caplog.at_level(logging.WARNING, logger="lcel.text_splitters"):
        chunks = splitter.split_text("ab abcdefghij cd")
    assert chunks == ["ab", "abcdefghij", "cd"]
    assert "cannot be split further" in caplog.text


def test_custom_length_function() -> None:
    words = RecursiveCharacterTextSplitter(
        chunk_size=3, chunk_overlap=1, length_function=lambda t: len(t.split())
    )
    chunks = words.split_text("a b c d e f g")
    assert all(len(c.split()) <= 3 for c in chunks)
    assert chunks[0].startswith("a")
    assert chunks[-1].endswith("g")


def test_split_documents_keeps_metadata_and_start_index() -> None:
    splitter = RecursiveCharacterTextSplitter(chunk_size=10, chunk_overlap=3, add_start_index=True)
    source = Document("alpha beta gamma delta epsilon", metadata={"source": "greek.txt"})
    chunks = splitter.split_documents([source, Document("zeta", metadata={"source": "z"})])
    assert [c.metadata["source"] for c in chunks] == ["greek.txt"] * 4 + ["z"]
    for chunk in chunks[:4]:
        start = chunk.metadata["start_index"]
        assert source.page_content[start : start + len(chunk.page_content)] == chunk.page_content
    # the metadata is a copy per chunk
    chunks[0].metadata["source"] = "changed"
    assert chunks[1].metadata["source"] == "greek.txt"
    assert source.metadata["source"] == "greek.txt"


def test_character_splitter() -> None:
    splitter = CharacterTextSplitter(separator="\n\n", chunk_size=20, chunk_overlap=0)
    assert splitter.split_text("aaa\n\nbbb\n\n" + "c" * 25) == ["aaa\n\nbbb", "c" * 25]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"chunk_overlap \(5\) must not be larger than"):
        RecursiveCharacterTextSplitter(chunk_size=4, chunk_overlap=5)
    with pytest.raises(ValueError, match="chunk_size must be a positive int"):
        RecursiveCharacterTextSplitter(chunk_size=0, chunk_overlap=0)
    splitter = RecursiveCharacterTextSplitter(chunk_size=4, chunk_overlap=0)
    with pytest.raises(TypeError, match="takes a list of texts"):
        splitter.create_documents("one text")
    with pytest.raises(ValueError, match="2 metadatas for 1 texts"):
        splitter.create_documents(["x"], metadatas=[{}, {}])
    with pytest.raises(TypeError, match="must be a Document"):
        splitter.split_documents(["x"])  # type: ignore[list-item]
