"""``OpenAIEmbeddings``: texts to vectors through ``POST {base_url}/embeddings``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from lcel.errors import InputValidationError, shorten
from lcel.openai import _http
from lcel.openai._chat import default_api_key, default_base_url, to_secret
from lcel.openai._errors import APIResponseValidationError
from lcel.openai._secret import SecretStr

__all__ = ["OpenAIEmbeddings"]

_PATH = "/embeddings"


def _check_chunk_size(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputValidationError(f"{attribute.name} must be an int >= 1, got {shorten(value)}")


@attrs.frozen(kw_only=True)
class OpenAIEmbeddings:
    """An embedding model on an OpenAI-protocol server (the :class:`~lcel.embeddings.Embeddings`
    protocol, so :class:`~lcel.vectorstores.InMemoryVectorStore` takes it).

    Texts go in batches of ``chunk_size`` per request; the client, retry and key rules are
    :class:`~lcel.openai.ChatOpenAI`'s.

    >>> OpenAIEmbeddings(model="text-embedding-3-small", api_key="sk-hidden",
    ...                  base_url="http://127.0.0.1:8000/v1")
    OpenAIEmbeddings(model='text-embedding-3-small', base_url='http://127.0.0.1:8000/v1', ...)
    """

    model: str = "text-embedding-3-small"
    base_url: str = attrs.field(factory=default_base_url)
    api_key: SecretStr | None = attrs.field(
        factory=default_api_key, converter=to_secret, repr=False
    )
    dimensions: int | None = None
    """Ask for shorter vectors (models that support it)."""
    chunk_size: int = attrs.field(default=1000, validator=_check_chunk_size)
    """Texts per request."""
    timeout: float | None = 60.0
    connect_timeout: float | None = 5.0
    max_retries: int = 2

    def _settings(self) -> _http.ConnectionSettings:
        return _http.ConnectionSettings(self.base_url, self.timeout, self.connect_timeout)

    def _key(self) -> str | None:
        return self.api_key.get_secret_value() if self.api_key is not None else None

    def _body(self, texts: Sequence[str]) -> dict[str, Any]:  # Any: the JSON request
        body: dict[str, Any] = {"model": self.model, "input": list(texts)}  # Any: JSON
        if self.dimensions is not None:
            body["dimensions"] = self.dimensions
        body["encoding_format"] = "float"
        return body

    def _vectors(self, data: Any, count: int) -> list[list[float]]:  # Any: the decoded JSON
        items = data.get("data") if isinstance(data, Mapping) else None
        if not isinstance(items, list) or len(items) != count:
            raise APIResponseValidationError(
                f"{self._settings().display_url(_PATH)} answered {count} texts with "
                f"{shorten(data)}; expected {count} embeddings under 'data'"
            )
        ordered = sorted(items, key=lambda item: item.get("index", 0))
        return [[float(x) for x in item["embedding"]] for item in ordered]

    @staticmethod
    def _check(texts: object) -> list[str]:
        if isinstance(texts, str) or not isinstance(texts, Sequence):
            raise InputValidationError(
                f"embed_documents expects a list of str, got {type(texts).__name__}: "
                f"{shorten(texts)}"
            )
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise InputValidationError(
                    f"texts[{i}] must be a str, got {type(text).__name__}: {shorten(text)}"
                )
        return list(texts)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order (batched by ``chunk_size``)."""
        texts = self._check(texts)
        settings, policy = self._settings(), _http.RetryPolicy(self.max_retries)
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.chunk_size):
            batch = texts[start : start + self.chunk_size]
            response = _http.post(settings, policy, self._key(), _PATH, self._body(batch))
            vectors += self._vectors(_http.json_body(response, settings, _PATH), len(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """The vector of a search query."""
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Async :meth:`embed_documents`."""
        texts = self._check(texts)
        settings, policy = self._settings(), _http.RetryPolicy(self.max_retries)
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.chunk_size):
            batch = texts[start : start + self.chunk_size]
            response = await _http.apost(settings, policy, self._key(), _PATH, self._body(batch))
            vectors += self._vectors(_http.json_body(response, settings, _PATH), len(batch))
        return vectors

    async def aembed_query(self, text: str) -> list[float]:
        """Async :meth:`embed_query`."""
        return (await self.aembed_documents([text]))[0]

    def close(self) -> None:
        """Close this process's HTTP client for these connection settings."""
        _http.close_sync_client(self._settings())

    async def aclose(self) -> None:
        """Close the running event loop's HTTP client for these settings."""
        await _http.close_async_client(self._settings())
