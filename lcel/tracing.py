"""The two observability streams built on the interpreter's tracer: events and the run log.

:func:`astream_events` yields one dict per run event (``on_<type>_<start|stream|end>``);
:func:`astream_log` yields :class:`RunLogPatch` values (RFC 6902 JSON Patch operations)
whose application, in order, builds the run state (a :class:`RunLog`). Both run the
runnable through the interpreter's ``astream`` with a tracer attached; the tracer turns each
run event into an event dict or a patch at once and hands it to the consumer.

How it runs. The root is driven in one background task that only feeds a queue (a
``deque`` plus a wake-up future); the consumer drains it. So events of steps that do not
stream through the root (a chain invoked inside a lambda, a model inside a parallel) arrive
as they happen, not when the root next yields. Tracer calls from worker threads (sync user
code in async mode) append to the same queue and wake the consumer thread-safely. Leaving
the ``async for`` early (``break``, ``aclose()``, cancellation) cancels that task and waits
for it: no task outlives the stream.

Choices (where LangChain leaves room):

- *Errors.* A failing run ends with its usual ``on_<type>_end`` event whose ``data`` holds
  ``"error"`` (the exception) and ``"input"`` instead of ``"output"``; the exception then
  propagates unchanged to the consumer, after every event produced before it. In the log, a
  failed sub-run gets ``end_time`` and an ``"error"`` key (the exception's ``repr``).
- *Stream events.* ``prompt``, ``retriever`` and ``tool`` runs emit no ``*_stream`` event
  (their one "chunk" is the whole output, reported by ``*_end``); every other run type emits
  one per output chunk, as the interpreter produces it.
- *Log outputs.* ``final_output`` of a log entry is the run's output, except that a
  retriever's is ``{"documents": [...]}`` and a model's is ``{"generations": [...],
  "llm_output": None}``, as in the seed page's example (the ``v1`` event shapes).
- *Model end output* (``v2``): the message the run produced; a streamed model's is the sum
  of its chunks (an ``AIMessageChunk``, itself an ``AIMessage``).
- ``parent_ids`` (``v2``) lists every ancestor run, root first, including runs outside the
  stream when ``astream_events`` is itself called inside a traced step.
- *Inputs.* ``data["input"]`` is the run's input as given, except that a chat model's is
  shown as LangChain shows it, ``{"messages": [[...the messages it was sent...]]}`` (the
  leaf's ``_trace_input``).
- Models stream under both streams even where the chain only invokes them (the tracer asks
  the interpreter for ``stream_leaves``), so their tokens are reported as they come.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pprint import pformat
from typing import Any, Literal, NotRequired, TypedDict, overload

import jsonpatch

from lcel import _interpreter
from lcel._chunks import NOTHING, add
from lcel._interpreter._trace import Run, Tracer

__all__ = [
    "EventData",
    "LogEntry",
    "RunLog",
    "RunLogPatch",
    "RunState",
    "StreamEvent",
    "astream_events",
    "astream_log",
    "run_log_stream",
    "state_to_json",
]


# -- public shapes ----------------------------------------------------------------------------


class EventData(TypedDict, total=False):
    """The ``data`` of an event: what the run received, streamed, produced or raised."""

    input: Any  # Any: whatever the run received
    chunk: Any  # Any: one output chunk of the run
    output: Any  # Any: whatever the run produced (v1 shapes for models and retrievers)
    error: BaseException


class StreamEvent(TypedDict):
    """One event of :func:`astream_events`."""

    event: str
    """``on_<type>_<start|stream|end>``; type is chain, prompt, chat_model, llm, parser,
    retriever or tool."""
    name: str
    run_id: str
    tags: list[str]
    metadata: dict[str, Any]  # Any: user metadata
    data: EventData
    parent_ids: NotRequired[list[str]]
    """``version="v2"`` only: the ancestors' run ids, root first."""


class LogEntry(TypedDict):
    """One sub-run in :attr:`RunState.logs`."""

    id: str
    name: str
    type: str
    tags: list[str]
    metadata: dict[str, Any]  # Any: user metadata
    start_time: str
    streamed_output: list[Any]  # Any: chunks of any type
    streamed_output_str: list[str]
    final_output: Any  # Any: the run's output (see the module docstring)
    end_time: str | None


class RunState(TypedDict):
    """The state a run log describes (``RunLog.state``)."""

    id: str
    name: str
    type: str
    streamed_output: list[Any]  # Any: the root's output chunks
    final_output: Any  # Any: the root's chunks so far, combined with ``+``
    logs: dict[str, LogEntry]


Op = dict[str, Any]  # Any: a JSON Patch operation: op, path and a value of any type


class RunLogPatch:
    """A list of JSON Patch (RFC 6902) operations on a run state.

    ``patch + patch`` gives a :class:`RunLog`, the operations applied to an empty state.
    """

    __slots__ = ("ops",)

    def __init__(self, *ops: Op) -> None:
        self.ops: list[Op] = list(ops)

    def __add__(self, other: RunLogPatch) -> RunLog:
        if not isinstance(other, RunLogPatch):
            return NotImplemented
        ops = self.ops + other.ops
        return RunLog(*ops, state=jsonpatch.apply_patch(None, copy.deepcopy(ops)))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.ops == other.ops

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RunLogPatch({pformat(self.ops)[1:-1]})"


class RunLog(RunLogPatch):
    """Operations so far plus the state they build (``.state``, a :class:`RunState`)."""

    __slots__ = ("state",)

    def __init__(self, *ops: Op, state: Any) -> None:  # Any: a RunState, or None when empty
        super().__init__(*ops)
        self.state: Any = state  # Any: see __init__

    def __add__(self, other: RunLogPatch) -> RunLog:
        if not isinstance(other, RunLogPatch):
            return NotImplemented
        # apply_patch deep-copies the state first: earlier RunLogs are never changed.
        state = jsonpatch.apply_patch(self.state, other.ops)
        return RunLog(*self.ops, *other.ops, state=state)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunLog) and self.state == other.state and self.ops == other.ops

    __hash__ = None

    def __repr__(self) -> str:
        return f"RunLog({pformat(self.state)})"


def state_to_json(state: Any) -> Any:  # Any: a RunState (or any part of one) in, JSON out
    """A run state (or patch values) as JSON-ready data, through :mod:`lcel.serde`.

    Messages, documents and prompt values become tagged dicts; anything the converter does
    not know (an exception, say) becomes its ``repr``.
    """
    from lcel.serde import to_jsonable

    return _jsonify(to_jsonable(state))


def _jsonify(value: Any) -> Any:  # Any: converter output, almost JSON
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonify(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonify(v) for v in value]
    return repr(value)


# -- filters ----------------------------------------------------------------------------------


class _Filter:
    """Which runs are reported: included by name, type or tag, and not excluded."""

    __slots__ = ("exc_names", "exc_tags", "exc_types", "inc_names", "inc_tags", "inc_types")

    def __init__(
        self,
        include_names: Sequence[str] | None,
        include_types: Sequence[str] | None,
        include_tags: Sequence[str] | None,
        exclude_names: Sequence[str] | None,
        exclude_types: Sequence[str] | None,
        exclude_tags: Sequence[str] | None,
    ) -> None:
        self.inc_names = _frozen(include_names)
        self.inc_types = _frozen(include_types)
        self.inc_tags = _frozen(include_tags)
        self.exc_names = _frozen(exclude_names)
        self.exc_types = _frozen(exclude_types)
        self.exc_tags = _frozen(exclude_tags)

    def __call__(self, run: Run) -> bool:
        including = (
            self.inc_names is not None or self.inc_types is not None or self.inc_tags is not None
        )
        if including and not (
            (self.inc_names is not None and run.name in self.inc_names)
            or (self.inc_types is not None and run.run_type in self.inc_types)
            or (self.inc_tags is not None and not self.inc_tags.isdisjoint(run.tags))
        ):
            return False
        return not (
            (self.exc_names is not None and run.name in self.exc_names)
            or (self.exc_types is not None and run.run_type in self.exc_types)
            or (self.exc_tags is not None and not self.exc_tags.isdisjoint(run.tags))
        )


def _frozen(values: Sequence[str] | None) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        raise TypeError(f"filters take a list of strings, got the string {values!r}")
    return frozenset(values)


def _make_filter(
    include_names: Sequence[str] | None,
    include_types: Sequence[str] | None,
    include_tags: Sequence[str] | None,
    exclude_names: Sequence[str] | None,
    exclude_types: Sequence[str] | None,
    exclude_tags: Sequence[str] | None,
) -> _Filter | None:
    args = (include_names, include_types, include_tags, exclude_names, exclude_types, exclude_tags)
    if all(a is None for a in args):
        return None
    return _Filter(*args)


# -- the queue between the traced run and the consumer ------------------------------------------


class _Channel:
    """Items pushed by tracers (from the loop thread or worker threads), drained in order."""

    __slots__ = ("closed", "done", "error", "items", "loop", "loop_thread", "waiter")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.items: collections.deque[Any] = collections.deque()  # Any: events or patches
        self.loop = loop
        self.loop_thread = threading.get_ident()
        self.waiter: asyncio.Future[None] | None = None
        self.done = False
        self.closed = False
        self.error: BaseException | None = None

    def push(self, item: Any) -> None:  # Any: an event or a patch
        if self.closed:
            return
        self.items.append(item)
        if threading.get_ident() != self.loop_thread:
            # Always wake from a thread (the consumer may be about to wait); RuntimeError:
            # the loop is closed, nobody listens any more.
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.wake)
        elif self.waiter is not None:
            self.wake()

    def wake(self) -> None:
        waiter = self.waiter
        if waiter is not None:
            self.waiter = None
            if not waiter.done():
                waiter.set_result(None)


async def _produce(stream: AsyncIterator[Any], channel: _Channel) -> None:
    """Run the traced stream to the end (its chunks reach the tracer; nothing else to do
    with them here)."""
    try:
        async with contextlib.aclosing(stream) as it:  # type: ignore[type-var]
            async for _ in it:
                pass
    except Exception as exc:
        channel.error = exc
    finally:
        channel.done = True
        channel.wake()


async def _drive(
    node: Any, x: Any, config: Any, make_tracer: Callable[[_Channel], Tracer]
) -> AsyncGenerator[Any, None]:
    """Run ``node`` traced by ``make_tracer(channel)``; yield what the tracer pushes."""
    loop = asyncio.get_running_loop()
    channel = _Channel(loop)
    traced = _interpreter.astream_traced(node, x, config, make_tracer(channel))
    task = loop.create_task(_produce(traced, channel))
    items = channel.items
    try:
        while True:
            while items:
                yield items.popleft()
            if channel.done:
                if items:  # pragma: no cover - pushed by a straggling thread
                    continue
                break
            waiter = loop.create_future()
            channel.waiter = waiter
            await waiter
        if channel.error is not None:
            raise channel.error
    finally:
        channel.closed = True
        if not task.done():
            task.cancel()
            await asyncio.wait([task])
        if task.done() and not task.cancelled():
            task.exception()  # retrieved: _produce never fails, but be sure


# -- astream_events ----------------------------------------------------------------------------

_NO_STREAM_EVENTS = frozenset({"prompt", "retriever", "tool"})
"""Run types whose single output chunk is reported by ``*_end`` only."""


def _v1_output(run_type: str, output: Any) -> Any:  # Any: a run's output, any type
    """LangChain's legacy shapes: ``{"generations": ...}`` for models, ``{"documents": ...}``."""
    if run_type == "chat_model":
        content = getattr(output, "content", "")
        text = content if isinstance(content, str) else ""
        return {
            "generations": [
                [
                    {
                        "text": text,
                        "generation_info": None,
                        "type": "ChatGeneration",
                        "message": output,
                    }
                ]
            ],
            "llm_output": None,
        }
    if run_type == "llm":
        return {
            "generations": [[{"text": output, "generation_info": None, "type": "Generation"}]],
            "llm_output": None,
        }
    if run_type == "retriever":
        return {"documents": output}
    return output


class _RunInfo:
    """What every event of one selected run shares, computed once at its start."""

    __slots__ = ("base", "prefix", "stream")

    def __init__(self, prefix: str, base: dict[str, Any], stream: dict[str, Any] | None) -> None:
        self.prefix = prefix
        self.base = base  # Any: the event fields but "event" and "data"
        self.stream = stream  # Any: the ``*_stream`` event but "data", None: no such events


class _EventTracer:
    """Turns run events into :class:`StreamEvent` dicts pushed on a channel."""

    stream_leaves = True

    def __init__(self, channel: _Channel, selected: _Filter | None, v2: bool) -> None:
        self.push = channel.push
        self.selected = selected
        self.v2 = v2
        self.runs: dict[Run, _RunInfo] = {}
        self.root: Run | None = None

    def on_start(self, run: Run) -> None:
        if self.root is None:
            self.root = run
        if self.selected is not None and not self.selected(run):
            return
        prefix = "on_" + run.run_type
        base: dict[str, Any] = {  # Any: event field values
            "name": run.name,
            "run_id": str(run.id),
            "tags": list(run.tags),
            "metadata": dict(run.metadata),
        }
        if self.v2:
            base["parent_ids"] = list(run.parent_ids)  # a copy: the run's own list feeds children
        stream = None
        if run.run_type not in _NO_STREAM_EVENTS:
            stream = {"event": prefix + "_stream", **base}
        self.runs[run] = _RunInfo(prefix, base, stream)
        data: EventData = {} if run.input is NOTHING else {"input": _shown_input(run)}
        self.push({"event": prefix + "_start", **base, "data": data})

    def on_stream(self, run: Run, chunk: Any) -> None:  # Any: a chunk of any type
        info = self.runs.get(run)
        if info is None:
            return
        stream = info.stream
        if stream is not None:
            event = stream.copy()
            event["data"] = {"chunk": chunk}
            self.push(event)

    def on_end(self, run: Run) -> None:
        info = self.runs.pop(run, None)
        if info is None:
            return
        output = run.output if self.v2 else _v1_output(run.run_type, run.output)
        # A chain root was handed its input directly: its end reports the output only (as
        # langchain-core does; the seed page's table keeps a root prompt's or tool's input);
        # a step fed a stream learns its input at its end.
        data: EventData = (
            {"output": output}
            if run.input is NOTHING or (run is self.root and run.run_type == "chain")
            else {"input": _shown_input(run), "output": output}
        )
        self.push({"event": info.prefix + "_end", **info.base, "data": data})

    def on_error(self, run: Run) -> None:
        info = self.runs.pop(run, None)
        if info is None:
            return
        data: EventData = {"error": run.error} if run.error is not None else {}
        if run.input is not NOTHING:
            data["input"] = _shown_input(run)
        self.push({"event": info.prefix + "_end", **info.base, "data": data})


def _shown_input(run: Run) -> Any:  # Any: a run's input, as events show it
    """A leaf may show its input its own way (a chat model: ``{"messages": [[...]]}``)."""
    show = getattr(run.node, "_trace_input", None)
    return run.input if show is None else show(run.input)


def astream_events(
    runnable: Any,  # Any: a Runnable of any input and output
    input: Any,  # Any: the runnable's input
    config: Any = None,  # Any: a RunnableConfig (or None)
    *,
    version: Literal["v1", "v2"] = "v2",
    include_names: Sequence[str] | None = None,
    include_types: Sequence[str] | None = None,
    include_tags: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    exclude_types: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
) -> AsyncGenerator[StreamEvent, None]:
    """Run ``runnable`` and yield an event for each start, chunk and end of its runs.

    The root run is filtered like any other. The exception of a failing run propagates
    after its ``on_*_end`` event (``data["error"]``). See the module docstring.
    """
    if version not in ("v1", "v2"):
        raise ValueError(f'astream_events supports version "v1" or "v2", got {version!r}')
    selected = _make_filter(
        include_names, include_types, include_tags, exclude_names, exclude_types, exclude_tags
    )
    v2 = version == "v2"
    return _drive(runnable, input, config, lambda ch: _EventTracer(ch, selected, v2))


# -- astream_log -------------------------------------------------------------------------------


def _now_iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).isoformat(timespec="milliseconds")


def _pointer(key: str) -> str:
    """``key`` as one JSON Pointer token (RFC 6901 escapes)."""
    if "~" in key or "/" in key:
        return key.replace("~", "~0").replace("/", "~1")
    return key


class _LogTracer:
    """Turns run events into :class:`RunLogPatch` values pushed on a channel."""

    stream_leaves = True

    def __init__(
        self, channel: _Channel, selected: _Filter | None, with_streamed_output_list: bool
    ) -> None:
        self.push = channel.push
        self.selected = selected
        self.with_list = with_streamed_output_list
        self.root: Run | None = None
        self.final: Any = NOTHING  # Any: the root's chunks so far, combined
        # run → (its entry's path, where its chunks go or None, where its tokens go or None)
        self.paths: dict[Run, tuple[str, str | None, str | None]] = {}
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def on_start(self, run: Run) -> None:
        if self.root is None:
            self.root = run
            state: RunState = {
                "id": str(run.id),
                "name": run.name,
                "type": run.run_type,
                "streamed_output": [],
                "final_output": None,
                "logs": {},
            }
            self.push(RunLogPatch({"op": "replace", "path": "", "value": state}))
            return
        if self.selected is not None and not self.selected(run):
            return
        name = run.name
        with self.lock:  # sibling runs may start in threads at once
            count = self.counts.get(name, 0) + 1
            self.counts[name] = count
        key = name if count == 1 else f"{name}:{count}"
        path = "/logs/" + _pointer(key)
        streams = run.run_type not in _NO_STREAM_EVENTS
        tokens = run.run_type in ("chat_model", "llm")
        self.paths[run] = (
            path,
            path + "/streamed_output/-" if streams else None,
            path + "/streamed_output_str/-" if tokens else None,
        )
        entry: LogEntry = {
            "id": str(run.id),
            "name": name,
            "type": run.run_type,
            "tags": list(run.tags),
            "metadata": dict(run.metadata),
            "start_time": _now_iso(run.start_time),
            "streamed_output": [],
            "streamed_output_str": [],
            "final_output": None,
            "end_time": None,
        }
        self.push(RunLogPatch({"op": "add", "path": path, "value": entry}))

    def on_stream(self, run: Run, chunk: Any) -> None:  # Any: a chunk of any type
        if run is self.root:
            prev = self.final
            if type(chunk) is str and type(prev) is str:
                new: Any = prev + chunk  # Any: the combined chunks
                changed = chunk != ""
            else:
                new = chunk if run.cumulative else add(prev, chunk)
                changed = prev is NOTHING or (new is not prev and new != prev)
            self.final = new
            replace = {"op": "replace", "path": "/final_output", "value": new}
            if self.with_list:
                added = {"op": "add", "path": "/streamed_output/-", "value": chunk}
                self.push(RunLogPatch(added, replace) if changed else RunLogPatch(added))
            elif changed:
                self.push(RunLogPatch(replace))
            return
        paths = self.paths.get(run)
        if paths is None or paths[1] is None:
            return
        added = {"op": "add", "path": paths[1], "value": chunk}
        if paths[2] is None:
            self.push(RunLogPatch(added))
            return
        token = chunk if isinstance(chunk, str) else getattr(chunk, "content", "")
        text = {"op": "add", "path": paths[2], "value": token if isinstance(token, str) else ""}
        self.push(RunLogPatch(added, text))

    def on_end(self, run: Run) -> None:
        paths = self.paths.pop(run, None)
        if paths is None:
            return
        self.push(
            RunLogPatch(
                {
                    "op": "add",
                    "path": paths[0] + "/final_output",
                    "value": _v1_output(run.run_type, run.output),
                },
                {"op": "add", "path": paths[0] + "/end_time", "value": _now_iso(run.end_time)},
            )
        )

    def on_error(self, run: Run) -> None:
        paths = self.paths.pop(run, None)
        if paths is None:
            return
        self.push(
            RunLogPatch(
                {"op": "add", "path": paths[0] + "/error", "value": repr(run.error)},
                {"op": "add", "path": paths[0] + "/end_time", "value": _now_iso(run.end_time)},
            )
        )


@overload
def astream_log(
    runnable: Any,
    input: Any,
    config: Any = None,
    *,
    diff: Literal[True] = True,
    with_streamed_output_list: bool = True,
    include_names: Sequence[str] | None = None,
    include_types: Sequence[str] | None = None,
    include_tags: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    exclude_types: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
) -> AsyncGenerator[RunLogPatch, None]: ...
@overload
def astream_log(
    runnable: Any,
    input: Any,
    config: Any = None,
    *,
    diff: Literal[False],
    with_streamed_output_list: bool = True,
    include_names: Sequence[str] | None = None,
    include_types: Sequence[str] | None = None,
    include_tags: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    exclude_types: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
) -> AsyncGenerator[RunLog, None]: ...
@overload
def astream_log(
    runnable: Any,
    input: Any,
    config: Any = None,
    *,
    diff: bool = True,
    with_streamed_output_list: bool = True,
    include_names: Sequence[str] | None = None,
    include_types: Sequence[str] | None = None,
    include_tags: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    exclude_types: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
) -> AsyncGenerator[RunLogPatch, None]: ...
def astream_log(
    runnable: Any,  # Any: a Runnable of any input and output
    input: Any,  # Any: the runnable's input
    config: Any = None,  # Any: a RunnableConfig (or None)
    *,
    diff: bool = True,
    with_streamed_output_list: bool = True,
    include_names: Sequence[str] | None = None,
    include_types: Sequence[str] | None = None,
    include_tags: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    exclude_types: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
) -> AsyncGenerator[RunLogPatch, None] | AsyncGenerator[RunLog, None]:
    """Run ``runnable`` and yield JSON Patches building its :class:`RunState`.

    The first patch replaces the whole state; then sub-runs the filters select appear under
    ``/logs/<name>`` (``<name>:2``… when repeated), and the root's chunks are appended to
    ``/streamed_output`` with ``/final_output`` kept current. ``diff=False`` yields the
    accumulated :class:`RunLog` after each patch instead.
    """
    return run_log_stream(
        runnable,
        input,
        config,
        diff=diff,
        with_streamed_output_list=with_streamed_output_list,
        include_names=include_names,
        include_types=include_types,
        include_tags=include_tags,
        exclude_names=exclude_names,
        exclude_types=exclude_types,
        exclude_tags=exclude_tags,
    )


def run_log_stream(
    runnable: Any,  # Any: a Runnable of any input and output
    input: Any,  # Any: the runnable's input
    config: Any = None,  # Any: a RunnableConfig (or None)
    *,
    diff: bool = True,
    with_streamed_output_list: bool = True,
    include_names: Sequence[str] | None = None,
    include_types: Sequence[str] | None = None,
    include_tags: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    exclude_types: Sequence[str] | None = None,
    exclude_tags: Sequence[str] | None = None,
) -> AsyncGenerator[RunLogPatch, None] | AsyncGenerator[RunLog, None]:
    """:func:`astream_log` with ``diff`` a plain ``bool`` (no overloads)."""
    selected = _make_filter(
        include_names, include_types, include_tags, exclude_names, exclude_types, exclude_tags
    )
    patches: AsyncGenerator[RunLogPatch, None] = _drive(
        runnable, input, config, lambda ch: _LogTracer(ch, selected, with_streamed_output_list)
    )
    if diff:
        return patches
    return _accumulate(patches)


async def _accumulate(patches: AsyncGenerator[RunLogPatch, None]) -> AsyncGenerator[RunLog, None]:
    log = RunLog(state=None)
    try:
        async for patch in patches:
            log = log + patch
            yield log
    finally:
        aclose = getattr(patches, "aclose", None)
        if aclose is not None:
            await aclose()
