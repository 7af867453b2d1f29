"""Shipping a runnable to Dask workers, and the task that runs a chunk of inputs there.

The driver cloudpickles the runnable (and the batch's config) once, before anything is
submitted, so a live resource captured somewhere in the tree (a lock, an open client in a
lambda's closure) fails at once with the path of that leaf instead of deep inside Dask. The
bytes are unpickled *inside* the task: a module the workers lack is then an ordinary task
error (``ModuleNotFoundError``) that reaches the caller, not a worker stuck deserializing.
"""

from __future__ import annotations

import asyncio
import functools
import pickle
import threading
import types
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import cloudpickle

from lcel.errors import LcelError, shorten

__all__ = ["ItemFailed", "ShippingError", "pack", "run_chunk", "wants_async"]


class ShippingError(LcelError, TypeError):
    """The runnable or its config cannot be pickled for the workers.

    ``path`` names the leaf that cannot be pickled, e.g. ``RunnableSequence.steps[1].func
    <closure 'lock'>``.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class ItemFailed(LcelError, RuntimeError):
    """An item's exception that could not be pickled back from a worker: its type name and
    message, so the caller still learns what went wrong."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.type_name, self.message))


# -- driver side: pickle, or name the leaf that cannot be pickled ---------------------------------


def pack(runnable: object, config: object) -> bytes:
    """``cloudpickle.dumps((runnable, config))``, or a :class:`ShippingError` naming the
    leaf that cannot be pickled."""
    try:
        return cloudpickle.dumps((runnable, config))
    except Exception as error:
        root = type(runnable).__name__
        path, leaf = root, runnable
        for name, part in ((root, runnable), ("config", config)):
            if not _picklable(part):
                path, leaf = _culprit(part, name)
                break
        reason = " ".join(str(error).split()) or type(error).__name__
        raise ShippingError(
            f"cannot ship {root} to the Dask workers: {path} is {type(leaf).__name__} "
            f"{shorten(leaf, 80)}, which cannot be pickled ({type(error).__name__}: {reason}). "
            "Runnables sent to a cluster must hold recipes (settings, functions), not live "
            "resources: create the lock, client or connection lazily inside the worker.",
            path,
        ) from error


def _picklable(obj: object) -> bool:
    try:
        cloudpickle.dumps(obj)
    except Exception:
        return False
    return True


def _culprit(obj: object, path: str) -> tuple[str, object]:
    """Walk down from ``obj`` through children that fail to pickle; the last is the leaf."""
    seen = {id(obj)}
    for _ in range(64):  # deep enough for any real tree; a cycle cannot loop forever
        for child_path, child in _children(obj, path):
            if id(child) in seen:
                continue
            seen.add(id(child))
            if not _picklable(child):
                obj, path = child, child_path
                break
        else:
            break
    return path, obj


def _children(obj: object, path: str) -> Iterator[tuple[str, object]]:
    """The parts pickling ``obj`` pickles too, with their paths."""
    if isinstance(obj, type | types.ModuleType):
        return
    cls: Any = type(obj)  # Any: an attrs class once attrs.has says so
    if attrs.has(cls):
        for field in attrs.fields(cls):
            yield f"{path}.{field.name.lstrip('_')}", getattr(obj, field.name)
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            yield f"{path}[{key!r}]", value
    elif isinstance(obj, list | tuple | set | frozenset):
        for i, value in enumerate(obj):
            yield f"{path}[{i}]", value
    elif isinstance(obj, functools.partial):
        yield f"{path}.func", obj.func
        for i, value in enumerate(obj.args):
            yield f"{path}.args[{i}]", value
        for key, value in obj.keywords.items():
            yield f"{path}.keywords[{key!r}]", value
    elif isinstance(obj, types.MethodType):
        yield f"{path}.__self__", obj.__self__
        yield f"{path}.__func__", obj.__func__
    elif isinstance(obj, types.FunctionType):
        yield from _function_parts(obj, path)
    else:
        state = getattr(obj, "__dict__", None)
        if isinstance(state, dict):
            for key, value in state.items():
                yield f"{path}.{key}", value


def _function_parts(fn: types.FunctionType, path: str) -> Iterator[tuple[str, object]]:
    """What cloudpickle pickles with a function it sends by value: closure, defaults, globals."""
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=False):
        try:
            yield f"{path} <closure {name!r}>", cell.cell_contents
        except ValueError:  # an empty cell
            continue
    for i, value in enumerate(fn.__defaults__ or ()):
        yield f"{path} <default #{i}>", value
    for key, value in (fn.__kwdefaults__ or {}).items():
        yield f"{path} <default {key!r}>", value
    for name in _global_names(fn.__code__):
        if name in fn.__globals__:
            yield f"{path} <global {name!r}>", fn.__globals__[name]


def _global_names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _global_names(const)


def wants_async(runnable: object) -> bool:
    """True when some leaf of the tree is async-only (an ``async def`` lambda or generator):
    such a tree runs with ``abatch`` on the workers, everything else with threads."""
    from lcel._lambda import ASYNC, ASYNC_GEN, RunnableGenerator, RunnableLambda

    stack: list[object] = [runnable]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, RunnableLambda) and node._kind in (ASYNC, ASYNC_GEN):
            return True
        if isinstance(node, RunnableGenerator) and node.transform_fn is None:
            return True
        cls: Any = type(node)  # Any: an attrs class once attrs.has says so
        if attrs.has(cls):
            stack.extend(getattr(node, f.name) for f in attrs.fields(cls))
        elif isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return False


# -- worker side ----------------------------------------------------------------------------------

_LOADED: OrderedDict[str, Any] = OrderedDict()  # batch token -> (runnable, config), per process
_LOADED_LOCK = threading.Lock()
_KEEP = 8  # batches whose runnable a worker process keeps unpickled


def _load(token: str, blob: bytes) -> Any:  # Any: the (runnable, config) pair
    """Unpickle a batch's payload once per worker process (its chunks share it)."""
    with _LOADED_LOCK:
        if token in _LOADED:
            return _LOADED[token]
    payload = cloudpickle.loads(blob)  # a module missing here fails this task, as it should
    with _LOADED_LOCK:
        _LOADED[token] = payload
        while len(_LOADED) > _KEEP:
            _LOADED.popitem(last=False)
    return payload


def run_chunk(
    token: str,
    blob: bytes,
    indices: Sequence[int],
    inputs: Sequence[Any],  # Any: the runnable's inputs
    concurrency: int | None,
    use_async: bool,
) -> tuple[Sequence[int], list[Any]]:  # Any: outputs, or exceptions in their place
    """The Dask task: run lcel's own batch on one chunk, every item's exception kept in its
    place (so one failing item never costs the others)."""
    runnable, config = _load(token, blob)
    if isinstance(config, list):
        configs: Any = [_limited(config[i], concurrency) for i in indices]
    else:
        configs = _limited(config, concurrency)
    if use_async:
        # A fresh loop in this task's thread: the worker's own event loop is never used.
        outs = asyncio.run(runnable.abatch(list(inputs), configs, return_exceptions=True))
    else:
        outs = runnable.batch(list(inputs), configs, return_exceptions=True)
    return indices, [_sendable(out) if isinstance(out, BaseException) else out for out in outs]


def _limited(
    config: Mapping[str, Any] | None, concurrency: int | None
) -> Mapping[str, Any] | None:
    """``config`` with this chunk's share of ``max_concurrency`` (None stays None: the
    interpreter's fast path for runs without a config)."""
    if concurrency is None:
        return config
    return {**(config or {}), "max_concurrency": concurrency}


def _sendable(error: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else an :class:`ItemFailed` copy."""
    try:
        pickle.loads(cloudpickle.dumps(error))
    except Exception:
        return ItemFailed(type(error).__name__, str(error))
    return error
