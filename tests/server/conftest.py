"""A real uvicorn server on 127.0.0.1, port 0, in a thread: ``serve(app)`` yields its URL."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="lcel.server needs the server extra")

import uvicorn


class Served:
    """A running server: its base ``url`` and a way to look into its event loop."""

    def __init__(self, url: str, loop: asyncio.AbstractEventLoop) -> None:
        self.url = url
        self.loop = loop

    def task_count(self) -> int:
        """Tasks alive in the server's loop (the server's own ones included)."""

        async def count() -> int:
            return len(asyncio.all_tasks())

        return asyncio.run_coroutine_threadsafe(count(), self.loop).result(5)

    def wait_tasks(self, expected: int, timeout: float = 10.0) -> int:
        """Wait until the loop has ``expected`` tasks (or the timeout); return the count."""
        deadline = time.monotonic() + timeout
        count = self.task_count()
        while count != expected and time.monotonic() < deadline:
            time.sleep(0.02)
            count = self.task_count()
        return count


@contextmanager
def serve(app: Any) -> Iterator[Served]:  # Any: an ASGI app
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.serve(sockets=[sock]))
        except BaseException as error:  # reported by the fixture, not lost in the thread
            failure.append(error)
        finally:  # whatever a failed test left running is cancelled, not destroyed pending
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if failure or not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start: {failure}")
        time.sleep(0.01)
    try:
        yield Served(f"http://127.0.0.1:{port}", loop)
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"
        assert not failure, failure


@pytest.fixture
def served() -> Callable[[Any], Any]:
    """``with served(app) as s: ...`` (a fixture so tests need no import of this module)."""
    return serve
