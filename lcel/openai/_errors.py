"""Typed errors for an OpenAI-protocol server's answers, named as the ``openai`` SDK names them.

Each error carries the server's message (shortened) and never a request's headers, so the
API key cannot leak through ``str(error)``, ``repr(error)``, a log or a traceback.
"""

from __future__ import annotations

from typing import Any

from lcel.errors import LcelError, shorten

__all__ = [
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "error_for_status",
]


class APIError(LcelError):
    """Root of the errors a model server causes: ``message`` is the server's own text.

    ``status_code`` is the HTTP status (``None`` when no response arrived), ``body`` the
    decoded error object, ``code`` / ``type`` / ``param`` its fields when it has them.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        body: Any = None,  # Any: the server's decoded JSON error (any shape)
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        detail = body.get("error", body) if isinstance(body, dict) else None
        detail = detail if isinstance(detail, dict) else {}
        self.code: str | None = _text_or_none(detail.get("code"))
        self.type: str | None = _text_or_none(detail.get("type"))
        self.param: str | None = _text_or_none(detail.get("param"))

    def __reduce__(self) -> tuple[Any, ...]:  # Any: pickle's protocol
        return (_rebuild, (type(self), self.message, self.status_code, self.body, self.request_id))


def _rebuild(
    cls: type[APIError],
    message: str,
    status_code: int | None,
    body: Any,  # Any: the decoded JSON error
    request_id: str | None,
) -> APIError:
    return cls(message, status_code=status_code, body=body, request_id=request_id)


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


class APIStatusError(APIError):
    """The server answered with an error status (4xx or 5xx)."""


class BadRequestError(APIStatusError):
    """400: the request is malformed (an unknown parameter, a bad message list…)."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this model or endpoint."""


class NotFoundError(APIStatusError):
    """404: no such model or endpoint (check ``model`` and ``base_url``)."""


class ConflictError(APIStatusError):
    """409: the server reports a conflicting request (retried)."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed JSON that the server cannot process."""


class RateLimitError(APIStatusError):
    """429: too many requests or tokens (retried, honouring ``retry-after``)."""


class InternalServerError(APIStatusError):
    """5xx: the server failed (retried)."""


class APIConnectionError(APIError):
    """No answer: the connection failed or broke."""


class APITimeoutError(APIConnectionError):
    """No answer within ``timeout`` seconds."""


class APIResponseValidationError(APIError):
    """The server answered 2xx with something that is not the protocol's JSON."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def server_message(body: Any, fallback: str) -> str:  # Any: the decoded JSON error
    """The human message inside an error body (``{"error": {"message": ...}}`` and kin)."""
    detail = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(detail, dict):
        detail = detail.get("message") or detail.get("detail") or detail
    if isinstance(detail, str) and detail:
        return shorten(detail)
    if detail is None or detail == {}:
        return shorten(fallback) if fallback else "(no message)"
    return shorten(detail)


def error_for_status(
    status_code: int,
    body: Any,  # Any: the decoded JSON error, or the raw text when it is not JSON
    *,
    url: str,
    request_id: str | None = None,
) -> APIStatusError:
    """The typed error for an HTTP error status, its message naming the status and URL."""
    cls = _BY_STATUS.get(status_code)
    if cls is None:
        cls = InternalServerError if status_code >= 500 else APIStatusError
    text = server_message(body, body if isinstance(body, str) else "")
    message = f"Error code: {status_code} from {url} - {text}"
    return cls(message, status_code=status_code, body=body, request_id=request_id)
