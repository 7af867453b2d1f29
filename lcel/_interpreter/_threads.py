"""A process-wide cache of worker threads for sync concurrency.

Starting threads costs tens of microseconds each, which dominated small ``batch`` calls
when every call made its own pool. Here an idle thread is reused when there is one and a new
one started otherwise, so nested concurrency (a parallel inside a batch inside a parallel)
can never deadlock waiting for a free thread. Each call still bounds its own concurrency by
how many jobs it submits. Idle threads exit after a while.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["submit"]

IDLE_SECONDS = 30.0

_lock = threading.Lock()
_idle: list[_Worker] = []
_Job = tuple[Callable[[], Any], "cf.Future[Any]"]


class _Worker(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="lcel-worker", daemon=True)
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()

    def run(self) -> None:
        while True:
            try:
                fn, fut = self.jobs.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with _lock:
                    if self in _idle:  # nobody picked us meanwhile: retire
                        _idle.remove(self)
                        return
                continue  # a job was handed to us just now
            if fut.set_running_or_notify_cancel():
                try:
                    fut.set_result(fn())
                except BaseException as exc:  # delivered through the future
                    fut.set_exception(exc)
            del fn, fut
            with _lock:
                _idle.append(self)


def submit(fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
    """Run ``fn(*args)`` on a cached thread, in a copy of the caller's context."""
    context = contextvars.copy_context()
    fut: cf.Future[Any] = cf.Future()
    with _lock:
        worker = _idle.pop() if _idle else None
    if worker is None:
        worker = _Worker()
        worker.start()
    worker.jobs.put((lambda: context.run(fn, *args), fut))
    return fut
