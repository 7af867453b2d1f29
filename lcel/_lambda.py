"""``RunnableLambda``, the ``chain`` decorator and ``RunnableGenerator``: functions as leaves.

A lambda's function may be sync or async, a plain function or a generator, and may take the
run's ``config`` as a second parameter. Its kind is worked out once, at construction, so the
interpreter dispatches on a stored tag instead of inspecting the function on every call.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import typing
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, overload

import attrs

from lcel._config import RunnableConfig
from lcel._runnable import Runnable
from lcel._types import InT, InT_contra, OutT, OutT_co
from lcel.errors import quoted

__all__ = ["RunnableGenerator", "RunnableLambda", "chain"]

# Function kinds, decided once per lambda.
SYNC, ASYNC, SYNC_GEN, ASYNC_GEN = "sync", "async", "sync_gen", "async_gen"


def _kind_of(func: Callable[..., Any]) -> str:
    target = func
    while isinstance(target, functools.partial):
        target = target.func
    call = getattr(target, "__call__", None)  # noqa: B004 (callable objects with async __call__)
    if inspect.isasyncgenfunction(target) or inspect.isasyncgenfunction(call):
        return ASYNC_GEN
    if inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(call):
        return ASYNC
    if inspect.isgeneratorfunction(target) or inspect.isgeneratorfunction(call):
        return SYNC_GEN
    return SYNC


def _wants_config(func: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return "config" in params and params["config"].kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )


def _func_name(func: Callable[..., Any]) -> str | None:
    name = getattr(func, "__name__", None)
    if name is None and isinstance(func, functools.partial):
        name = getattr(func.func, "__name__", None)
    if name is None or name == "<lambda>":
        return None
    return str(name)


_HINTS: weakref.WeakKeyDictionary[Callable[..., Any], tuple[Any, Any]] = (
    weakref.WeakKeyDictionary()
)


def _hints(func: Callable[..., Any]) -> tuple[Any, Any]:
    """(first parameter's annotation, return annotation), ``Any`` where missing.

    Cached per function (reading a signature costs about 0.2 ms, and schemas, validation and
    the server ask often); a failure is not cached, as a forward reference may resolve later.
    """
    try:
        return _HINTS[func]
    except (KeyError, TypeError):  # TypeError: an unhashable or unweakrefable callable
        pass
    try:
        hints = typing.get_type_hints(func, include_extras=True)
        params = list(inspect.signature(func).parameters)
    except Exception:
        return (Any, Any)
    first = hints.get(params[0], Any) if params else Any
    found = (first, hints.get("return", Any))
    with contextlib.suppress(TypeError):
        _HINTS[func] = found
    return found


def _chunk_type(tp: Any) -> Any:
    """``Iterator[X]`` / ``AsyncIterator[X]`` (and generator forms) → ``X``."""
    args = typing.get_args(tp)
    return args[0] if args else Any


@attrs.frozen(init=False, repr=False)
class RunnableLambda(Runnable[InT_contra, OutT_co]):
    """A function as a runnable.

    The function may be sync or async; a generator function's yields stream out (it receives
    the whole input, upstream chunks combined with ``+``). A parameter named ``config``
    receives the run's :class:`RunnableConfig`; keywords given with ``bind`` reach the
    function's keyword parameters. A function that returns a runnable has it run on the
    same input (each hop counts against ``recursion_limit``).

    >>> RunnableLambda(lambda x: x + 1).invoke(1)
    2
    """

    func: Callable[..., Any]
    afunc: Callable[..., Any] | None = None
    _kind: str = attrs.field(eq=False, repr=False, default=SYNC)
    _akind: str = attrs.field(eq=False, repr=False, default=ASYNC)
    _wants_config: bool = attrs.field(eq=False, repr=False, default=False)
    _awants_config: bool = attrs.field(eq=False, repr=False, default=False)
    _name: str | None = attrs.field(eq=False, repr=False, default=None)
    _plain: bool = attrs.field(eq=False, repr=False, default=False)

    @overload
    def __init__(
        self: RunnableLambda[InT, OutT],
        func: Callable[[InT], Awaitable[OutT]],
        afunc: None = None,
        name: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableLambda[InT, OutT],
        func: Callable[[InT, RunnableConfig], Awaitable[OutT]],
        afunc: None = None,
        name: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableLambda[InT, OutT],
        func: Callable[[InT], AsyncIterator[OutT]],
        afunc: None = None,
        name: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableLambda[InT, OutT],
        func: Callable[[InT], Iterator[OutT]],
        afunc: Callable[[InT], AsyncIterator[OutT]] | None = None,
        name: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableLambda[InT, OutT],
        func: Callable[[InT, RunnableConfig], OutT],
        afunc: Callable[[InT, RunnableConfig], Awaitable[OutT]] | None = None,
        name: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableLambda[InT, OutT],
        func: Callable[[InT], OutT],
        afunc: Callable[[InT], Awaitable[OutT]] | None = None,
        name: str | None = None,
    ) -> None: ...

    def __init__(
        self,
        func: Callable[..., Any],
        afunc: Callable[..., Any] | None = None,
        name: str | None = None,
    ) -> None:
        if isinstance(func, Runnable) or not callable(func):
            raise TypeError(
                f"RunnableLambda needs a function, got {type(func).__name__}: {quoted(func)}"
            )
        if afunc is not None and not callable(afunc):
            raise TypeError(f"RunnableLambda afunc must be callable, got {quoted(afunc)}")
        kind = _kind_of(func)
        akind = _kind_of(afunc) if afunc is not None else ASYNC
        if afunc is not None and akind not in (ASYNC, ASYNC_GEN):
            raise TypeError(f"RunnableLambda afunc must be an async function, got {quoted(afunc)}")
        self.__attrs_init__(
            func,
            afunc,
            kind,
            akind,
            _wants_config(func),
            _wants_config(afunc) if afunc is not None else False,
            name or _func_name(func),
            kind == SYNC and not _wants_config(func),  # the interpreter's fast path
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the constructor call: the kind tags, compared by identity in the
        interpreter, are worked out again instead of arriving as equal but distinct strings."""
        return (type(self), (self.func, self.afunc, self._name))

    def get_name(self, suffix: str | None = None) -> str:
        """The function's name (``RunnableLambda`` for an anonymous lambda)."""
        name = self._name or "RunnableLambda"
        return f"{name}{suffix}" if suffix else name

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The function's first parameter annotation (``Any`` when unannotated)."""
        return _hints(self.func)[0]

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The function's return annotation; a generator's chunk type."""
        out = _hints(self.func)[1]
        if self._kind in (SYNC_GEN, ASYNC_GEN):
            return _chunk_type(out)
        return out

    def _starts_on_first_chunk(self) -> bool:
        return True

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...]:
        return ()  # its function takes them

    def __repr__(self) -> str:
        return f"RunnableLambda({self._name or 'lambda'})"


@attrs.frozen(init=False, repr=False)
class RunnableGenerator(Runnable[InT_contra, OutT_co]):
    """A true stream transform: ``fn`` receives an iterator of input chunks and yields
    output chunks as they go. ``invoke`` feeds the whole input as one chunk and combines the
    output chunks with ``+``.

    >>> def upper(chunks):
    ...     for c in chunks:
    ...         yield c.upper()
    >>> list(RunnableGenerator(upper).transform(iter(["a", "b"])))
    ['A', 'B']
    """

    transform_fn: Callable[..., Any] | None
    atransform_fn: Callable[..., Any] | None = None
    _name: str | None = attrs.field(eq=False, repr=False, default=None)
    _wants_config: bool = attrs.field(eq=False, repr=False, default=False)
    _awants_config: bool = attrs.field(eq=False, repr=False, default=False)

    @overload
    def __init__(
        self: RunnableGenerator[InT, OutT],
        transform: Callable[[Iterator[InT]], Iterator[OutT]],
        atransform: Callable[[AsyncIterator[InT]], AsyncIterator[OutT]] | None = None,
        *,
        name: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableGenerator[InT, OutT],
        transform: Callable[[AsyncIterator[InT]], AsyncIterator[OutT]],
        atransform: None = None,
        *,
        name: str | None = None,
    ) -> None: ...

    def __init__(
        self,
        transform: Callable[..., Any],
        atransform: Callable[..., Any] | None = None,
        *,
        name: str | None = None,
    ) -> None:
        if not callable(transform):
            raise TypeError(
                f"RunnableGenerator needs a generator function, got {quoted(transform)}"
            )
        sync_fn: Callable[..., Any] | None = transform
        async_fn = atransform
        if _kind_of(transform) == ASYNC_GEN:
            sync_fn, async_fn = None, transform
        elif _kind_of(transform) != SYNC_GEN:
            raise TypeError(
                "RunnableGenerator needs a generator function (def f(chunks): ... yield ...), "
                f"got {quoted(transform)}"
            )
        if async_fn is not None and _kind_of(async_fn) != ASYNC_GEN:
            raise TypeError(
                f"RunnableGenerator atransform must be an async generator: {quoted(async_fn)}"
            )
        self.__attrs_init__(
            sync_fn,
            async_fn,
            name or _func_name(transform),
            sync_fn is not None and _wants_config(sync_fn),
            async_fn is not None and _wants_config(async_fn),
        )

    def get_name(self, suffix: str | None = None) -> str:
        """The generator function's name."""
        name = self._name or "RunnableGenerator"
        return f"{name}{suffix}" if suffix else name

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The chunk type of the function's iterator parameter."""
        fn = self.transform_fn or self.atransform_fn
        return _chunk_type(_hints(fn)[0]) if fn is not None else Any

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The chunk type the function yields."""
        fn = self.transform_fn or self.atransform_fn
        return _chunk_type(_hints(fn)[1]) if fn is not None else Any

    def _consumes_stream(self) -> bool:
        return True

    def _starts_on_first_chunk(self) -> bool:
        return True

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...]:
        return ()  # its function takes them

    def __repr__(self) -> str:
        return f"RunnableGenerator({self.get_name()})"


@overload
def chain(func: Callable[[InT], Awaitable[OutT]]) -> RunnableLambda[InT, OutT]: ...
@overload
def chain(func: Callable[[InT, RunnableConfig], Awaitable[OutT]]) -> RunnableLambda[InT, OutT]: ...
@overload
def chain(func: Callable[[InT], AsyncIterator[OutT]]) -> RunnableLambda[InT, OutT]: ...
@overload
def chain(func: Callable[[InT], Iterator[OutT]]) -> RunnableLambda[InT, OutT]: ...
@overload
def chain(func: Callable[[InT, RunnableConfig], OutT]) -> RunnableLambda[InT, OutT]: ...
@overload
def chain(func: Callable[[InT], OutT]) -> RunnableLambda[InT, OutT]: ...
def chain(func: Callable[..., Any]) -> RunnableLambda[Any, Any]:
    """Decorator: turn a function into a :class:`RunnableLambda` named after it.

    >>> @chain
    ... def double(x: int) -> int:
    ...     return 2 * x
    >>> double.invoke(4)
    8
    """
    return RunnableLambda(func)
