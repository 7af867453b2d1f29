"""OpenAI-protocol models over ``httpx``: :class:`ChatOpenAI`, :class:`OpenAIEmbeddings`, and the
typed errors their servers cause (named as the ``openai`` SDK names them).

Set ``OPENAI_API_KEY`` (and ``OPENAI_BASE_URL`` for another server: vLLM, llama.cpp,
Ollama, LM Studio…) and every chain that ran on a fake model runs on a real one.
"""

from lcel.openai._chat import ChatOpenAI
from lcel.openai._embeddings import OpenAIEmbeddings
from lcel.openai._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from lcel.openai._secret import SecretStr

__all__ = [
    "ChatOpenAI",
    "OpenAIEmbeddings",
    "SecretStr",
    "APIError",
    "APIStatusError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
]
