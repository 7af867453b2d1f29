"""``lcel.documents.Document``: construction, repr, equality, hashing, serialisation."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcel.documents import Document
from lcel.serde import from_jsonable, to_jsonable


def test_positional_content_and_defaults() -> None:
    doc = Document("harrison worked at kensho")
    assert doc.page_content == "harrison worked at kensho"
    assert doc.metadata == {}
    assert doc.id is None


def test_repr_shows_metadata_and_id_only_when_set() -> None:
    assert repr(Document("harrison worked at kensho")) == (
        "Document(page_content='harrison worked at kensho')"
    )
    assert repr(Document("a", metadata={"k": 1})) == "Document(page_content='a', metadata={'k': 1})"
    assert repr(Document("a", id="x")) == "Document(page_content='a', id='x')"


def test_equality_is_structural() -> None:
    assert Document("a", metadata={"k": 1}, id="x") == Document("a", metadata={"k": 1}, id="x")
    assert Document("a") != Document("b")
    assert Document("a", metadata={"k": 1}) != Document("a", metadata={"k": 2})
    assert Document("a", id="x") != Document("a", id="y")


def test_hash_does_not_crash_and_agrees_with_equality() -> None:
    docs = {Document("a", metadata={"k": [1, 2]}), Document("a", metadata={"k": [1, 2]})}
    assert len(docs) == 1
    assert hash(Document("a", metadata={"k": 1})) == hash(Document("a", metadata={"k": 2}))


def test_frozen_and_metadata_copied() -> None:
    meta = {"source": "wiki"}
    doc = Document("a", metadata=meta)
    meta["source"] = "changed"
    assert doc.metadata == {"source": "wiki"}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        doc.page_content = "b"  # type: ignore[misc]


def test_bad_fields_are_rejected_clearly() -> None:
    with pytest.raises(TypeError, match="page_content must be a str, got int"):
        Document(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="metadata must be a dict, got list"):
        Document("a", metadata=[("k", 1)])  # type: ignore[arg-type]


def test_serde_round_trip_is_tagged() -> None:
    docs = [Document("a", metadata={"k": 1}, id="x"), Document("b")]
    data = to_jsonable(docs)
    assert data[0] == {"type": "Document", "page_content": "a", "metadata": {"k": 1}, "id": "x"}
    assert from_jsonable(data, list[Document]) == docs


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(
    content=st.text(),
    metadata=st.dictionaries(st.text(), _json, max_size=4),
    doc_id=st.none() | st.text(),
)
def test_round_trip_property(content: str, metadata: dict[str, object], doc_id: str | None) -> None:
    doc = Document(content, metadata=metadata, id=doc_id)
    back = from_jsonable(to_jsonable(doc), Document)
    assert back == doc
    assert hash(back) == hash(doc)
