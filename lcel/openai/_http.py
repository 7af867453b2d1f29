"""HTTP for OpenAI-protocol servers: pooled clients, typed errors, retries with back-off.

Models are immutable values that must stay picklable, so they hold no client: clients live
in a per-process cache keyed by the connection settings (base URL, timeouts, headers), one
``httpx.Client`` per settings and one ``httpx.AsyncClient`` per settings and event loop.
The API key is sent per request and is never part of a key, a message or a log line.

``sleep`` / ``asleep`` are looked up at call time, so tests can replace them to record the
back-off delays instead of waiting them out.
"""

from __future__ import annotations

import asyncio
import atexit
import email.utils
import json
import os
import random
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx

from lcel.errors import shorten
from lcel.openai._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    error_for_status,
)

__all__ = [
    "ConnectionSettings",
    "RetryPolicy",
    "sleep",
    "asleep",
    "sync_client",
    "async_client",
    "close_sync_client",
    "close_async_client",
    "post",
    "apost",
    "redact",
]

sleep: Callable[[float], None] = time.sleep
"""How a retry waits (replaced by tests)."""
asleep: Callable[[float], Any] = asyncio.sleep  # Any: an awaitable
"""How an async retry waits (replaced by tests)."""

SOCKET_OPTIONS = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
"""No Nagle delay: a request's headers and body go out as separate writes, and on a reused
connection the second would wait for the server's delayed ACK (~40 ms on Linux)."""

MAX_RETRY_AFTER = 120.0
"""A server's ``retry-after`` longer than this is ignored in favour of exponential back-off."""


@attrs.frozen
class ConnectionSettings:
    """What a pooled client depends on (never the API key)."""

    base_url: str
    timeout: float | None
    connect_timeout: float | None
    headers: tuple[tuple[str, str], ...] = ()

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def display_url(self, path: str) -> str:
        """The URL for messages: no user info, no query string."""
        url = httpx.URL(self.url(path))
        return str(url.copy_with(userinfo=b"", query=None))

    def timeouts(self) -> httpx.Timeout:
        connect = self.connect_timeout
        if connect is not None and self.timeout is not None:
            connect = min(connect, self.timeout)
        return httpx.Timeout(self.timeout, connect=connect)


@attrs.frozen
class RetryPolicy:
    """How often and how long to wait before retrying a failed request."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0


# -- the client cache -------------------------------------------------------------------------

_lock = threading.Lock()
_ssl_lock = threading.Lock()
_sync_clients: dict[tuple[int, ConnectionSettings], httpx.Client] = {}
_async_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[ConnectionSettings, httpx.AsyncClient]
] = weakref.WeakKeyDictionary()


_ssl: ssl.SSLContext | None = None


def _ssl_context() -> ssl.SSLContext:
    """One TLS context per process: loading the CA bundle costs tens of milliseconds, which
    a new event loop's client (``asyncio.run`` per call) would otherwise pay every time."""
    global _ssl
    if _ssl is None:
        with _ssl_lock:
            if _ssl is None:
                _ssl = httpx.create_ssl_context()
    return _ssl


def sync_client(settings: ConnectionSettings) -> httpx.Client:
    """This process's client for ``settings`` (created on first use)."""
    key = (os.getpid(), settings)
    client = _sync_clients.get(key)
    if client is None or client.is_closed:
        with _lock:
            client = _sync_clients.get(key)
            if client is None or client.is_closed:
                client = httpx.Client(
                    timeout=settings.timeouts(),
                    headers=dict(settings.headers),
                    transport=httpx.HTTPTransport(
                        verify=_ssl_context(), socket_options=SOCKET_OPTIONS
                    ),
                )
                _sync_clients[key] = client
    return client


def async_client(settings: ConnectionSettings) -> httpx.AsyncClient:
    """The running event loop's client for ``settings`` (an async client is tied to the loop
    that opened its connections)."""
    loop = asyncio.get_running_loop()
    with _lock:
        clients = _async_clients.setdefault(loop, {})
        client = clients.get(settings)
        if client is None or client.is_closed:
            client = httpx.AsyncClient(
                timeout=settings.timeouts(),
                headers=dict(settings.headers),
                transport=httpx.AsyncHTTPTransport(
                    verify=_ssl_context(), socket_options=SOCKET_OPTIONS
                ),
            )
            clients[settings] = client
    return client


def close_sync_client(settings: ConnectionSettings) -> None:
    """Close and forget this process's client for ``settings`` (a later call opens anew)."""
    with _lock:
        client = _sync_clients.pop((os.getpid(), settings), None)
    if client is not None:
        client.close()


async def close_async_client(settings: ConnectionSettings) -> None:
    """Close and forget the running loop's client for ``settings``."""
    loop = asyncio.get_running_loop()
    with _lock:
        client = _async_clients.get(loop, {}).pop(settings, None)
    if client is not None:
        await client.aclose()


@atexit.register
def _close_all() -> None:
    with _lock:
        clients = [c for (pid, _), c in _sync_clients.items() if pid == os.getpid()]
        _sync_clients.clear()
    for client in clients:
        client.close()


# -- retries ----------------------------------------------------------------------------------

_RETRIED = frozenset({408, 409, 429})


def should_retry(response: httpx.Response) -> bool:
    """Whether a failed response is worth another try (``x-should-retry`` decides first)."""
    hint = response.headers.get("x-should-retry")
    if hint in ("true", "false"):
        return bool(hint == "true")
    return bool(response.status_code in _RETRIED or response.status_code >= 500)


def retry_delay(attempt: int, policy: RetryPolicy, headers: Mapping[str, str] | None) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): the server's
    ``retry-after-ms`` / ``retry-after`` when given and at most 120 s, else exponential
    back-off with up to 25 % jitter.

    >>> retry_delay(0, RetryPolicy(), {"retry-after-ms": "250"})
    0.25
    >>> retry_delay(0, RetryPolicy(), {"retry-after": "3"})
    3.0
    >>> 0.375 <= retry_delay(0, RetryPolicy(), {"retry-after": "600"}) <= 0.5
    True
    """
    if headers is not None:
        wait = _retry_after(headers)
        if wait is not None and 0 <= wait <= MAX_RETRY_AFTER:
            return wait
    delay = min(policy.initial_delay * 2.0**attempt, policy.max_delay)
    return delay * (1 - 0.25 * random.random())


def _retry_after(headers: Mapping[str, str]) -> float | None:
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        if parsed is None:
            return None
        return parsed.timestamp() - time.time()


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` masked."""
    if secret and secret in text:
        return text.replace(secret, "***")
    return text


def _decode_error_body(response: httpx.Response) -> Any:  # Any: the decoded JSON, or text
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return response.text


def _redacted_body(body: Any, secret: str | None) -> Any:  # Any: JSON data in and out
    if not secret:
        return body
    text = json.dumps(body) if not isinstance(body, str) else body
    if secret not in text:
        return body
    cleaned = redact(text, secret)
    return cleaned if isinstance(body, str) else json.loads(cleaned)


def status_error(
    response: httpx.Response, settings: ConnectionSettings, path: str, secret: str | None
) -> APIError:
    body = _redacted_body(_decode_error_body(response), secret)
    return error_for_status(
        response.status_code,
        body,
        url=settings.display_url(path),
        request_id=response.headers.get("x-request-id"),
    )


def transport_error(
    exc: httpx.TransportError, settings: ConnectionSettings, path: str, secret: str | None
) -> APIError:
    url = settings.display_url(path)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"Request to {url} timed out ({type(exc).__name__}; timeout={settings.timeout} s, "
            f"connect={settings.timeouts().connect} s)"
        )
    detail = redact(shorten(str(exc) or type(exc).__name__), secret)
    return APIConnectionError(f"Connection error on {url}: {type(exc).__name__}: {detail}")


def _headers(api_key: str | None, stream: bool) -> dict[str, str]:
    headers = {"Accept": "text/event-stream" if stream else "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


def post(
    settings: ConnectionSettings,
    policy: RetryPolicy,
    api_key: str | None,
    path: str,
    body: Mapping[str, Any],  # Any: the JSON request
    *,
    stream: bool = False,
) -> httpx.Response:
    """POST ``body`` with retries; the successful response (still open when ``stream``)."""
    client = sync_client(settings)
    attempt = 0
    while True:
        request = _request(client, settings, api_key, path, body, stream)
        try:
            response = client.send(request, stream=stream)
        except httpx.TransportError as exc:
            sleep(_after_transport_error(exc, attempt, settings, policy, api_key, path))
            attempt += 1
            continue
        if response.status_code < 400:
            return response
        try:
            response.read()
        except httpx.TransportError:
            pass
        finally:
            response.close()
        sleep(_after_status_error(response, attempt, settings, policy, api_key, path))
        attempt += 1


async def apost(
    settings: ConnectionSettings,
    policy: RetryPolicy,
    api_key: str | None,
    path: str,
    body: Mapping[str, Any],  # Any: the JSON request
    *,
    stream: bool = False,
) -> httpx.Response:
    """Async :func:`post`."""
    client = async_client(settings)
    attempt = 0
    while True:
        request = _request(client, settings, api_key, path, body, stream)
        try:
            response = await client.send(request, stream=stream)
        except httpx.TransportError as exc:
            await asleep(_after_transport_error(exc, attempt, settings, policy, api_key, path))
            attempt += 1
            continue
        if response.status_code < 400:
            return response
        try:
            await response.aread()
        except httpx.TransportError:
            pass
        finally:
            await response.aclose()
        await asleep(_after_status_error(response, attempt, settings, policy, api_key, path))
        attempt += 1


# What post and apost share: only their I/O differs.


def _request(
    client: httpx.Client | httpx.AsyncClient,
    settings: ConnectionSettings,
    api_key: str | None,
    path: str,
    body: Mapping[str, Any],  # Any: the JSON request
    stream: bool,
) -> httpx.Request:
    return client.build_request(
        "POST", settings.url(path), json=body, headers=_headers(api_key, stream)
    )


def _after_transport_error(
    exc: httpx.TransportError,
    attempt: int,
    settings: ConnectionSettings,
    policy: RetryPolicy,
    api_key: str | None,
    path: str,
) -> float:
    """The wait before retrying a request that failed in transport; the error, raised, once
    the retries are spent."""
    error = transport_error(exc, settings, path, api_key)
    if attempt >= policy.max_retries:
        raise error from None
    return retry_delay(attempt, policy, None)


def _after_status_error(
    response: httpx.Response,
    attempt: int,
    settings: ConnectionSettings,
    policy: RetryPolicy,
    api_key: str | None,
    path: str,
) -> float:
    """The wait before retrying a request the server refused (read and closed); the error,
    raised, when it is not retryable or the retries are spent."""
    error = status_error(response, settings, path, api_key)
    if attempt >= policy.max_retries or not should_retry(response):
        raise error from None
    return retry_delay(attempt, policy, response.headers)


def json_body(response: httpx.Response, settings: ConnectionSettings, path: str) -> Any:
    """The decoded JSON of a successful response (Any: the protocol's JSON)."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        raise APIResponseValidationError(
            f"{settings.display_url(path)} answered {response.status_code} with a body that "
            f"is not JSON: {shorten(response.text)!r}",
            status_code=response.status_code,
        ) from None
