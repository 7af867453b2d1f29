"""A small OpenAI-protocol server for the tests: starlette + uvicorn on 127.0.0.1, port 0.

Tests script its answers (``server.reply(...)``, ``server.events(...)``, ``server.fail(...)``)
and read what it received (``server.requests``). A scripted message answers both a plain
and a streamed request (streamed: one chunk per word, a usage chunk when asked). Without a
script it echoes the last user message, and embeds texts as small deterministic vectors.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Json = Any


@attrs.define
class Reply:
    """One scripted answer."""

    status: int = 200
    body: Json = None  # a JSON body (non-streamed answer or error)
    message: Json = None  # {"content", "tool_calls", "reasoning_content"} for either mode
    events: list[Json] | None = None  # raw SSE data items (dicts or strings) for a stream
    headers: dict[str, str] = attrs.Factory(dict)
    delay: float = 0.0  # before the answer
    event_delay: float = 0.0  # between streamed events
    usage: Json = None
    only_if_stream: bool | None = None  # consumed only by a (non-)streamed request
    reject_stream_options: bool = False
    text: str | None = None  # a raw non-JSON body


def usage(prompt: int = 5, completion: int = 3) -> Json:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _tool_calls(calls: list[Json]) -> list[Json]:
    return [
        {
            "id": c.get("id", f"call_{i}"),
            "type": "function",
            "function": {
                "name": c["name"],
                "arguments": c["args"] if isinstance(c["args"], str) else json.dumps(c["args"]),
            },
        }
        for i, c in enumerate(calls)
    ]


class FakeOpenAI:
    """The server's state: the script, the log, and the running uvicorn."""

    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.model_name = "gpt-fake"
        self.base_url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # -- scripting ------------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.script.clear()
            self.requests.clear()

    def push(self, reply: Reply) -> None:
        with self.lock:
            self.script.append(reply)

    def reply(
        self,
        content: str = "",
        *,
        tool_calls: list[Json] | None = None,
        reasoning_content: str | None = None,
        usage: Json = None,
        **options: Any,
    ) -> None:
        """A message answering the next request, plain or streamed."""
        message: Json = {"role": "assistant", "content": content}
        if tool_calls:
            message["tool_calls"] = _tool_calls(tool_calls)
            message["content"] = content or None
        if reasoning_content is not None:
            message["reasoning_content"] = reasoning_content
        self.push(Reply(message=message, usage=usage, **options))

    def events(self, events: list[Json], **options: Any) -> None:
        """Raw stream events (dicts are JSON-encoded; ``[DONE]`` is not added)."""
        self.push(Reply(events=events, **options))

    def fail(self, status: int, message: str = "failed", **options: Any) -> None:
        body = {"error": {"message": message, "type": "error", "code": None}}
        self.push(Reply(status=status, body=options.pop("body", body), **options))

    def next_reply(self, stream: bool) -> Reply | None:
        with self.lock:
            for i, reply in enumerate(self.script):
                if reply.only_if_stream is None or reply.only_if_stream == stream:
                    del self.script[i]
                    return reply
        return None

    # -- the app --------------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/embeddings", self._embeddings, methods=["POST"]),
            ]
        )

    async def _chat(self, request: Request) -> Response:
        body = await request.json()
        with self.lock:
            self.requests.append(
                {"path": request.url.path, "headers": dict(request.headers), "json": body}
            )
        stream = bool(body.get("stream"))
        reply = self.next_reply(stream)
        if reply is None:
            text = _last_user_text(body)
            reply = Reply(message={"role": "assistant", "content": f"You said: {text}"})
        if reply.reject_stream_options and "stream_options" in body:
            with self.lock:
                self.script.appendleft(reply)  # the retry without stream_options gets it
            return JSONResponse(
                {"error": {"message": "Unrecognized request argument: stream_options",
                           "type": "invalid_request_error"}},
                status_code=400,
            )  # fmt: skip
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.text is not None:
            return Response(reply.text, status_code=reply.status, headers=reply.headers)
        if reply.status != 200 or reply.body is not None:
            return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        model = body.get("model", self.model_name)
        if not stream:
            return JSONResponse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "system_fingerprint": "fp_fake",
                    "choices": [
                        {"index": 0, "message": reply.message, "finish_reason": _finish(reply)}
                    ],
                    "usage": reply.usage or usage(),
                },
                headers=reply.headers,
            )
        events = reply.events
        if events is None:
            events = list(_stream_events(reply, model, include_usage))
        return StreamingResponse(
            _sse(events, reply.event_delay),
            media_type="text/event-stream",
            headers=reply.headers,
        )

    async def _embeddings(self, request: Request) -> Response:
        body = await request.json()
        with self.lock:
            self.requests.append(
                {"path": request.url.path, "headers": dict(request.headers), "json": body}
            )
        reply = self.next_reply(False)
        if reply is not None:
            return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)
        texts = body["input"]
        data = [
            {"object": "embedding", "index": i, "embedding": embed(text)}
            for i, text in enumerate(texts)
        ]
        data.reverse()  # servers may answer out of order: the index says where each goes
        return JSONResponse(
            {"object": "list", "data": data, "model": body.get("model"),
             "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)}}
        )  # fmt: skip

    # -- running --------------------------------------------------------------------------------

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self._socket = sock
        port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        config = uvicorn.Config(
            self.app(),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-openai", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()


def _finish(reply: Reply) -> str:
    return "tool_calls" if (reply.message or {}).get("tool_calls") else "stop"


def _last_user_text(body: Json) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
            return str(content)
    return ""


def _stream_events(reply: Reply, model: str, include_usage: bool) -> Iterator[Json]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model,
            "created": int(time.time())}  # fmt: skip
    message = reply.message or {}

    def event(delta: Json, finish: str | None = None) -> Json:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield event({"role": "assistant", "content": ""})
    if message.get("reasoning_content"):
        for word in _words(message["reasoning_content"]):
            yield event({"reasoning_content": word})
    for word in _words(message.get("content") or ""):
        yield event({"content": word})
    for i, call in enumerate(message.get("tool_calls") or []):
        arguments = call["function"]["arguments"]
        half = len(arguments) // 2
        yield event({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                     "function": {"name": call["function"]["name"],
                                                  "arguments": arguments[:half]}}]})  # fmt: skip
        yield event({"tool_calls": [{"index": i, "function": {"arguments": arguments[half:]}}]})
    yield event({}, _finish(reply))
    if include_usage:
        yield {**base, "choices": [], "usage": reply.usage or usage()}


def _words(text: str) -> list[str]:
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


async def _sse(events: list[Json], delay: float) -> AsyncIterator[bytes]:
    for i, item in enumerate(events):
        if i and delay:
            await asyncio.sleep(delay)
        if isinstance(item, bytes):  # sent as it is: comments, event names, CRLF, split lines
            yield item
            continue
        data = item if isinstance(item, str) else json.dumps(item)
        yield f"data: {data}\n\n".encode()
    if not any(e == "[DONE]" for e in events):
        yield b"data: [DONE]\n\n"


def embed(text: str, size: int = 8) -> list[float]:
    """A deterministic unit vector: texts sharing words get similar vectors."""
    vector = [0.0] * size
    for word in text.lower().split():
        digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
        vector[digest[0] % size] += 1.0
    norm = sum(x * x for x in vector) ** 0.5 or 1.0
    return [x / norm for x in vector]
