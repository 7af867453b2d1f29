"""``Document``: a piece of text with metadata, what retrievers return.

>>> Document("harrison worked at kensho")
Document(page_content='harrison worked at kensho')
>>> Document("bears like honey", metadata={"source": "wiki"}, id="d1")
Document(page_content='bears like honey', metadata={'source': 'wiki'}, id='d1')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from lcel.errors import quoted
from lcel.serde import register_tagged

__all__ = ["Document"]


def _copy_metadata(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """Copy the caller's mapping, so later changes to it do not reach the document."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(
            f"Document metadata must be a dict, got {type(value).__name__}: {quoted(value)}"
        )
    return dict(value)


def _check_content(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(
            f"Document page_content must be a str, got {type(value).__name__}: {quoted(value)}"
        )


@attrs.frozen(repr=False)
class Document:
    """A text (``page_content``) with its ``metadata`` and an optional ``id``.

    Equality is structural. The hash leaves out ``metadata`` (a dict), so documents can be
    set members and dict keys; documents equal in content and id but not in metadata simply
    share a hash bucket. :mod:`lcel.serde` round-trips it as a dict tagged
    ``"type": "Document"``.

    >>> Document("a") == Document("a", metadata={})
    True
    >>> len({Document("a", metadata={"k": 1}), Document("a", metadata={"k": 1})})
    1
    """

    type: ClassVar[str] = "Document"
    """The tag of a document in JSON data."""

    page_content: str = attrs.field(validator=_check_content)
    """The text."""
    metadata: dict[str, Any] = attrs.field(  # Any: user metadata, JSON-like by convention
        factory=dict, converter=_copy_metadata, hash=False
    )
    """Where the text comes from and anything else the user wants to keep with it."""
    id: str | None = None
    """The identifier, set by a vector store when the document is added to it."""

    def __repr__(self) -> str:
        parts = [f"page_content={self.page_content!r}"]
        if self.metadata:
            parts.append(f"metadata={self.metadata!r}")
        if self.id is not None:
            parts.append(f"id={self.id!r}")
        return f"Document({', '.join(parts)})"


register_tagged(Document)
