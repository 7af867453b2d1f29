"""Text splitters: cut long texts into chunks small enough to embed and retrieve.

:class:`RecursiveCharacterTextSplitter` tries its separators in order (paragraphs, lines,
words, then characters), splits on the first one present, keeps the pieces that fit and
splits the others again with the next separators; the small pieces are then merged back into
chunks of at most ``chunk_size`` (measured by ``length_function``), each chunk starting with
up to ``chunk_overlap`` of the previous one's tail. Only a piece that no separator can cut
(possible when the separator list lacks ``""``) yields a longer chunk, with a logged warning.

>>> splitter = RecursiveCharacterTextSplitter(chunk_size=12, chunk_overlap=4)
>>> splitter.split_text("one two three four five")
['one two', 'two three', 'four five']
>>> splitter.create_documents(["bears like honey"], metadatas=[{"source": "wiki"}])
[Document(page_content='bears like', metadata={'source': 'wiki'}),
 Document(page_content='honey', metadata={'source': 'wiki'})]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

import attrs

from lcel.documents import Document

__all__ = [
    "CharacterTextSplitter",
    "RecursiveCharacterTextSplitter",
    "TextSplitter",
    "KeepSeparator",
    "DEFAULT_SEPARATORS",
]

_LOG = logging.getLogger(__name__)

KeepSeparator = bool | Literal["start", "end"]
"""Where a separator goes once split: ``"start"`` (or ``True``) opens the next piece,
``"end"`` closes the previous one, ``False`` drops it (it is put back when merging)."""

DEFAULT_SEPARATORS = ("\n\n", "\n", " ", "")
"""Paragraphs, then lines, then words, then characters."""


def _check_sizes(instance: TextSplitter, _attribute: object, _value: object) -> None:
    size, overlap = instance.chunk_size, instance.chunk_overlap
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise ValueError(f"chunk_size must be a positive int, got {size!r}")
    if not isinstance(overlap, int) or isinstance(overlap, bool) or overlap < 0:
        raise ValueError(f"chunk_overlap must be an int >= 0, got {overlap!r}")
    if overlap > size:
        raise ValueError(
            f"chunk_overlap ({overlap}) must not be larger than chunk_size ({size})"
        )


@attrs.frozen(kw_only=True)
class TextSplitter:
    """What every splitter shares: sizes, merging with overlap, documents in and out.

    Subclasses implement :meth:`split_text`.
    """

    chunk_size: int = attrs.field(default=4000, validator=_check_sizes)
    """The largest chunk, in ``length_function`` units (characters by default)."""
    chunk_overlap: int = attrs.field(default=200, validator=_check_sizes)
    """How much of a chunk's tail the next chunk repeats, at most."""
    length_function: Callable[[str], int] = attrs.field(default=len, eq=False)
    """How a text is measured (a tokenizer's count, say)."""
    keep_separator: KeepSeparator = True
    """See :data:`KeepSeparator`."""
    add_start_index: bool = False
    """Put each chunk's offset in the source text in its metadata (``start_index``)."""
    strip_whitespace: bool = True
    """Strip each chunk's leading and trailing whitespace."""

    def split_text(self, text: str) -> list[str]:
        """The chunks of ``text``, in order."""
        raise NotImplementedError

    def create_documents(
        self,
        texts: Sequence[str],
        metadatas: Sequence[dict[str, object]] | None = None,
    ) -> list[Document]:
        """One document per chunk of each text, carrying (a copy of) that text's metadata."""
        if isinstance(texts, str):
            raise TypeError("create_documents() takes a list of texts, got one str; wrap it")
        if metadatas is not None and len(metadatas) != len(texts):
            raise ValueError(
                f"create_documents() got {len(metadatas)} metadatas for {len(texts)} texts"
            )
        documents: list[Document] = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{i}] must be a str, got {type(text).__name__}")
            metadata = metadatas[i] if metadatas is not None else {}
            index, previous = 0, 0
            for chunk in self.split_text(text):
                meta = dict(metadata)
                if self.add_start_index:
                    offset = index + previous - self.chunk_overlap
                    index = text.find(chunk, max(0, offset))
                    meta["start_index"] = index
                    previous = len(chunk)
                documents.append(Document(chunk, metadata=meta))
        return documents

    def split_documents(self, documents: Iterable[Document]) -> list[Document]:
        """Split each document's text; every chunk keeps its document's metadata."""
        docs = list(documents)
        for i, doc in enumerate(docs):
            if not isinstance(doc, Document):
                raise TypeError(f"documents[{i}] must be a Document, got {type(doc).__name__}")
        return self.create_documents(
            [d.page_content for d in docs], metadatas=[d.metadata for d in docs]
        )

    # -- shared machinery ----------------------------------------------------------------

    def _join(self, pieces: Sequence[str], separator: str) -> str | None:
        text = separator.join(pieces)
        if self.strip_whitespace:
            text = text.strip()
        return text or None

    def _merge(self, pieces: Iterable[str], separator: str) -> list[str]:
        """Greedily pack ``pieces`` into chunks of at most ``chunk_size``, each new chunk
        starting with the previous chunk's last pieces (at most ``chunk_overlap`` of them)."""
        measure = self.length_function
        sep_len = measure(separator)
        chunks: list[str] = []
        current: list[str] = []
        lengths: list[int] = []
        total = 0
        for piece in pieces:
            size = measure(piece)
            if current and total + size + sep_len > self.chunk_size:
                if total > self.chunk_size:
                    _LOG.warning(
                        "Created a chunk of size %d, which is longer than the specified %d",
                        total,
                        self.chunk_size,
                    )
                joined = self._join(current, separator)
                if joined is not None:
                    chunks.append(joined)
                # Drop pieces from the front until what is left may overlap and the new
                # piece fits after it.
                while current and (
                    total > self.chunk_overlap or total + size + sep_len > self.chunk_size
                ):
                    total -= lengths[0] + (sep_len if len(current) > 1 else 0)
                    del current[0], lengths[0]
            current.append(piece)
            lengths.append(size)
            total += size + (sep_len if len(current) > 1 else 0)
        joined = self._join(current, separator)
        if joined is not None:
            chunks.append(joined)
        return chunks


def _split_keeping(text: str, separator: str, keep: KeepSeparator, regex: bool) -> list[str]:
    """Split ``text`` on ``separator``; empty pieces are dropped."""
    if not separator:
        return [c for c in text if c]
    pattern = separator if regex else re.escape(separator)
    if not keep:
        pieces = re.split(pattern, text)
    else:
        parts = re.split(f"({pattern})", text)
        # parts alternate text, separator, text, separator, ..., text
        if keep == "end":
            pieces = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
            pieces.append(parts[-1])
        else:
            pieces = [parts[0]]
            pieces.extend(parts[i] + parts[i + 1] for i in range(1, len(parts) - 1, 2))
    return [p for p in pieces if p]


@attrs.frozen(kw_only=True)
class CharacterTextSplitter(TextSplitter):
    """Split on one separator (a blank line by default), then merge up to ``chunk_size``.

    >>> CharacterTextSplitter(separator=" ", chunk_size=7, chunk_overlap=0).split_text("a b c d e")
    ['a b c d', 'e']
    """

    separator: str = "\n\n"
    is_separator_regex: bool = False
    keep_separator: KeepSeparator = False

    def split_text(self, text: str) -> list[str]:
        """The chunks of ``text``, in order."""
        pieces = _split_keeping(text, self.separator, self.keep_separator, self.is_separator_regex)
        glue = "" if self.keep_separator else self.separator
        if self.is_separator_regex and not self.keep_separator:
            glue = ""  # a pattern is not text to put back
        return self._merge(pieces, glue)


def _separators(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError(f"separators must be a list of str, got the str {value!r}")
    result = tuple(value)
    bad = [s for s in result if not isinstance(s, str)]
    if bad:
        raise TypeError(f"separators must be a list of str, got {bad[0]!r} in it")
    return result


@attrs.frozen(kw_only=True)
class RecursiveCharacterTextSplitter(TextSplitter):
    """Split on the first separator found, recursing with the next ones on pieces too long.

    The default separators end with ``""`` (single characters), so every chunk fits in
    ``chunk_size`` as measured by ``length_function``.
    """

    separators: tuple[str, ...] = attrs.field(default=DEFAULT_SEPARATORS, converter=_separators)
    """Tried in order; ``""`` splits into characters."""
    is_separator_regex: bool = False
    """Whether the separators are regular expressions rather than plain text."""

    def split_text(self, text: str) -> list[str]:
        """The chunks of ``text``, in order."""
        if not isinstance(text, str):
            raise TypeError(f"split_text() takes a str, got {type(text).__name__}")
        return self._split(text, self.separators)

    def _split(self, text: str, separators: Sequence[str]) -> list[str]:
        separator, rest = "", ()  # type: tuple[str, Sequence[str]]
        for i, candidate in enumerate(separators):
            if candidate == "":
                separator, rest = "", ()
                break
            pattern = candidate if self.is_separator_regex else re.escape(candidate)
            if re.search(pattern, text):
                separator, rest = candidate, separators[i + 1 :]
                break
        else:
            separator, rest = (separators[-1], ()) if separators else ("", ())
        pieces = _split_keeping(text, separator, self.keep_separator, self.is_separator_regex)
        glue = "" if self.keep_separator or self.is_separator_regex else separator
        chunks: list[str] = []
        fitting: list[str] = []
        for piece in pieces:
            if self.length_function(piece) < self.chunk_size:
                fitting.append(piece)
                continue
            if fitting:
                chunks.extend(self._merge(fitting, glue))
                fitting = []
            if rest:
                chunks.extend(self._split(piece, rest))
            else:
                # No separator left to cut it: the only chunk allowed to be too long.
                if self.length_function(piece) > self.chunk_size:
                    _LOG.warning(
                        "A piece of size %d cannot be split further and is longer than the "
                        "specified chunk_size %d",
                        self.length_function(piece),
                        self.chunk_size,
                    )
                joined = self._join([piece], "")
                if joined is not None:
                    chunks.append(joined)
        if fitting:
            chunks.extend(self._merge(fitting, glue))
        return chunks
