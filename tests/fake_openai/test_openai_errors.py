"""Typed errors, retries with back-off, timeouts, and the API key kept out of everything."""

from __future__ import annotations

import asyncio
import logging
import pickle
from typing import Any

import pytest
from fake_openai_server import FakeOpenAI

from lcel.errors import LcelError
from lcel.openai import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ChatOpenAI,
    InternalServerError,
    NotFoundError,
    OpenAIEmbeddings,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

KEY = "sk-SECRET-do-not-print-4f7b2c9e1d"


def model_for(server: FakeOpenAI, **options: Any) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-fake", base_url=server.base_url, api_key=KEY, **options)


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
    ],
)
def test_client_errors_are_typed_and_not_retried(
    fake_openai: FakeOpenAI, sleeps: list[float], status: int, error_type: type[APIError]
) -> None:
    fake_openai.fail(status, f"the server says no ({status})")
    with pytest.raises(error_type) as info:
        model_for(fake_openai).invoke("x")
    error = info.value
    assert isinstance(error, APIError)
    assert isinstance(error, LcelError)
    assert error.status_code == status
    assert f"the server says no ({status})" in str(error)
    assert f"Error code: {status}" in str(error)
    assert "/chat/completions" in str(error)
    assert len(fake_openai.requests) == 1
    assert sleeps == []


def test_long_server_messages_are_shortened(fake_openai: FakeOpenAI) -> None:
    fake_openai.fail(400, "x" * 5000)
    with pytest.raises(BadRequestError) as info:
        model_for(fake_openai).invoke("x")
    assert len(str(info.value)) < 400
    assert "(5000 chars)" in str(info.value)


def test_429_is_retried_after_the_servers_retry_after(
    fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.fail(429, "slow down", headers={"retry-after": "7"})
    fake_openai.fail(429, "slow down", headers={"retry-after-ms": "250"})
    fake_openai.reply("finally")
    assert model_for(fake_openai).invoke("x").content == "finally"
    assert sleeps == [7.0, 0.25]
    assert len(fake_openai.requests) == 3


def test_a_too_long_retry_after_falls_back_to_backoff(
    fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.fail(429, "slow down", headers={"retry-after": "3600"})
    fake_openai.reply("ok")
    assert model_for(fake_openai).invoke("x").content == "ok"
    assert len(sleeps) == 1
    assert 0.375 <= sleeps[0] <= 0.5  # the first back-off step, with jitter


def test_5xx_then_success_with_exponential_backoff(
    fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.fail(500, "boom")
    fake_openai.fail(503, "busy")
    fake_openai.reply("recovered")
    assert model_for(fake_openai).invoke("x").content == "recovered"
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5
    assert 0.75 <= sleeps[1] <= 1.0


@pytest.mark.parametrize("status", [408, 409, 502])
def test_retried_statuses_give_up_after_max_retries(
    fake_openai: FakeOpenAI, sleeps: list[float], status: int
) -> None:
    for _ in range(3):
        fake_openai.fail(status, "still failing")
    with pytest.raises(APIError) as info:
        model_for(fake_openai, max_retries=2).invoke("x")
    assert info.value.status_code == status
    assert len(fake_openai.requests) == 3
    assert len(sleeps) == 2
    if status >= 500:
        assert isinstance(info.value, InternalServerError)


def test_rate_limit_error_after_retries(fake_openai: FakeOpenAI, sleeps: list[float]) -> None:
    for _ in range(2):
        fake_openai.fail(429, "quota", headers={"retry-after": "1"})
    with pytest.raises(RateLimitError, match="quota"):
        model_for(fake_openai, max_retries=1).invoke("x")
    assert sleeps == [1.0]


def test_stream_is_retried_before_the_first_chunk(
    fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.fail(500, "boom")
    fake_openai.reply("streamed after retry")
    chunks = list(model_for(fake_openai).stream("x"))
    assert "".join(str(c.content) for c in chunks) == "streamed after retry"
    assert len(sleeps) == 1


def test_async_retries(fake_openai: FakeOpenAI, sleeps: list[float]) -> None:
    model = model_for(fake_openai)

    async def main() -> str:
        try:
            fake_openai.fail(429, "wait", headers={"retry-after": "2"})
            fake_openai.reply("async ok")
            return str((await model.ainvoke("x")).content)
        finally:
            await model.aclose()

    assert asyncio.run(main()) == "async ok"
    assert sleeps == [2.0]


def test_timeout_raises_api_timeout_error(fake_openai: FakeOpenAI, sleeps: list[float]) -> None:
    fake_openai.reply("too late", delay=1.0)
    with pytest.raises(APITimeoutError, match="timed out"):
        model_for(fake_openai, timeout=0.1, max_retries=0).invoke("x")


def test_read_timeout_mid_stream_is_not_retried(
    fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.reply("a b c", event_delay=1.0)
    with pytest.raises(APITimeoutError):
        list(model_for(fake_openai, timeout=0.2).stream("x"))
    assert len(fake_openai.requests) == 1
    assert sleeps == []


def test_connection_refused_is_retried_then_raised(sleeps: list[float]) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    model = ChatOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY, max_retries=2)
    with pytest.raises(APIConnectionError, match="Connection error"):
        model.invoke("x")
    assert len(sleeps) == 2


def test_errors_pickle(fake_openai: FakeOpenAI) -> None:
    fake_openai.fail(404, "no such model")
    with pytest.raises(NotFoundError) as info:
        model_for(fake_openai).invoke("x")
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is NotFoundError
    assert str(clone) == str(info.value)
    assert clone.status_code == 404


# -- the key never shows ------------------------------------------------------------------------


def test_the_api_key_never_appears(
    fake_openai: FakeOpenAI,
    sleeps: list[float],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    model = model_for(fake_openai, stream_usage=True)
    seen: list[str] = [repr(model), str(model), repr(model.api_key), str(model.api_key)]
    with_header = model_for(fake_openai, default_headers={"api-key": KEY})
    seen.append(repr(with_header))
    assert "'api-key': '***'" in repr(with_header)
    seen.append(repr(OpenAIEmbeddings(base_url=fake_openai.base_url, api_key=KEY)))
    seen.append(repr(model.invoke("x")))
    seen.append(repr(list(model.stream("x"))))
    # a server echoing the key back in its error message
    fake_openai.fail(401, f"Incorrect API key provided: {KEY}")
    with pytest.raises(AuthenticationError) as info:
        model.invoke("x")
    seen += [str(info.value), repr(info.value), repr(info.value.body), repr(info.value.args)]
    fake_openai.reply("a b", delay=1.0)
    with pytest.raises(APITimeoutError) as timeout:
        ChatOpenAI(base_url=fake_openai.base_url, api_key=KEY, timeout=0.1,
                   max_retries=0).invoke("x")  # fmt: skip
    seen += [str(timeout.value), repr(timeout.value), repr(timeout.value.__cause__)]

    async def events() -> list[Any]:
        try:
            return [e async for e in model.astream_events("x", version="v2")]
        finally:
            await model.aclose()

    seen.append(repr(asyncio.run(events())))

    async def failing_events() -> str:
        fake_openai.fail(403, f"key {KEY} may not")
        try:
            return repr([e async for e in model.astream_events("x", version="v2")])
        except PermissionDeniedError as exc:
            return repr(exc) + str(exc)
        finally:
            await model.aclose()

    seen.append(asyncio.run(failing_events()))
    out = capsys.readouterr()
    seen += [out.out, out.err, caplog.text]
    for text in seen:
        assert KEY not in text
    assert "***" in str(info.value)  # the echoed key was masked
