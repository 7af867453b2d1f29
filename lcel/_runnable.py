"""``Runnable[In, Out]``: the immutable value every lcel building block is.

A runnable *holds data* (its steps, its function, its options). Every method that runs it
delegates to :mod:`lcel._interpreter`, the one place that executes a tree, and every method
that builds something returns a new value. Operators are typed so that mypy accepts
``a | b`` only when ``a``'s output fits ``b``'s input.
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, overload

import attrs
from returns.result import Result
from typing_extensions import Unpack

from lcel._config import RunnableConfig
from lcel._types import InT_contra, KeyedOutput, OtherOutT, OutT_co, T
from lcel.errors import quoted

if TYPE_CHECKING:
    from types import ModuleType

    from lcel import _interpreter as _engine
    from lcel._config_fields import AnyConfigurableField, ConfigurableField, ConfigurableFieldSpec
    from lcel._configurable import RunnableConfigurableAlternatives, RunnableConfigurableFields
    from lcel._graph import Graph, GraphBuilder
    from lcel._jsonschema import RunnableSchema
    from lcel._listeners import Listener
    from lcel._passthrough import RunnablePassthrough
    from lcel._wrappers import RunnableBinding, RunnableRetry, RunnableWithFallbacks
    from lcel.prompts import BasePromptTemplate
    from lcel.tools import Tool
    from lcel.tracing import RunLog, RunLogPatch, StreamEvent

__all__ = ["Runnable", "coerce_to_runnable", "install_engine"]

# ``_engine`` is the interpreter (``lcel._interpreter``): the one seam from a runnable's
# methods to the code that runs it. The interpreter imports this module, so it installs
# itself here when imported (``import lcel`` does), instead of every method importing it.


def install_engine(engine: ModuleType) -> None:
    """Set the interpreter that :class:`Runnable` methods delegate to (done once, by it)."""
    globals()["_engine"] = engine


@attrs.frozen
class Runnable(Generic[InT_contra, OutT_co]):
    """A unit of work from ``In`` to ``Out``, composable with ``|``.

    Subclasses are frozen ``attrs`` values. Components (models, prompts, parsers…) derive
    from :class:`lcel.Component` and implement only what is natural for them; everything
    else (batch, async, streaming fallbacks, tracing) comes from the interpreter.
    """

    # -- identity ---------------------------------------------------------------------------

    def get_name(self, suffix: str | None = None) -> str:
        """The run name: the class name unless the subclass says otherwise."""
        name = type(self).__name__
        return f"{name}{suffix}" if suffix else name

    @property
    def name(self) -> str:
        """Same as :meth:`get_name`: the name runs of this runnable carry."""
        return self.get_name()

    # -- types and schemas ------------------------------------------------------------------

    @property
    def input_type(self) -> Any:  # Any: a type form (class, union, TypedDict…), not a value
        """The Python type this runnable accepts, read from its generic parameters."""
        from lcel._introspect import generic_args

        return generic_args(type(self))[0]

    @property
    def output_type(self) -> Any:  # Any: a type form (class, union, TypedDict…), not a value
        """The Python type this runnable produces, read from its generic parameters."""
        from lcel._introspect import generic_args

        return generic_args(type(self))[1]

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        """The output type when fed values of ``input_type``: the declared :attr:`output_type`,
        unless the output carries keys of the input (passthrough, assign, pick, parallel)."""
        return self.output_type

    @property
    def input_schema(self) -> RunnableSchema:
        """JSON Schema (draft 2020-12) of the input, titled ``"<Name>Input"``."""
        from lcel._jsonschema import runnable_input_schema

        return runnable_input_schema(self)

    @property
    def output_schema(self) -> RunnableSchema:
        """JSON Schema (draft 2020-12) of the output, titled ``"<Name>Output"``."""
        from lcel._jsonschema import runnable_output_schema

        return runnable_output_schema(self)

    def get_input_schema(self, config: RunnableConfig | None = None) -> RunnableSchema:
        """Same as :attr:`input_schema` (LangChain's method form)."""
        return self.input_schema

    def get_output_schema(self, config: RunnableConfig | None = None) -> RunnableSchema:
        """Same as :attr:`output_schema` (LangChain's method form)."""
        return self.output_schema

    def get_graph(self, config: RunnableConfig | None = None) -> Graph:
        """Nodes and edges of this runnable, between an input and an output node."""
        from lcel._graph import graph_of

        return graph_of(self)

    def with_validation(self, *, validate_output: bool = False) -> Runnable[InT_contra, OutT_co]:
        """This runnable, with its input checked against :attr:`input_schema` first."""
        from lcel._validation import with_validation

        return with_validation(self, validate_output=validate_output)

    def _schema_input_owner(self) -> Runnable[Any, Any]:
        """The runnable whose name titles this one's input schema (a sequence: its first)."""
        return self

    def _schema_output_owner(self) -> Runnable[Any, Any]:
        """The runnable whose name titles this one's output schema (a sequence: its last)."""
        return self

    # -- structure the interpreter and the graph read (a node kind overrides what differs) -----

    _traced_run: ClassVar[bool] = True
    """Whether a traced run of this node reports a run of its own (a binding does not)."""
    _traced_stream_run: ClassVar[bool] = True
    """Whether it reports one while streaming (a retry does not: its attempts do)."""
    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        """The runnables this one runs (for walking a tree)."""
        return ()

    def _consumes_stream(self) -> bool:
        """Whether it turns input chunks into output chunks as they come; if not, the
        interpreter combines a stream into one input first."""
        return False

    def _starts_on_first_chunk(self) -> bool:
        """Traced and fed a stream, whether its run starts at the first input chunk and learns
        its input at its end (LangChain's transform-capable kinds), rather than starting with
        the whole input."""
        return False

    def _chunk_source(self) -> Runnable[Any, Any] | None:
        """The runnable whose output chunks this one passes on unchanged, if any (so whether
        its chunks are cumulative snapshots is that runnable's answer)."""
        return None

    def _chunk_source_in(
        self, configurable: Mapping[str, object]
    ) -> tuple[Runnable[Any, Any] | None, Mapping[str, object]]:
        """``_chunk_source`` for a run whose ``config["configurable"]`` is ``configurable``,
        with the ``configurable`` that source runs under: a configurable runnable answers
        with what it resolves to, a binding adds its own ``configurable``."""
        return self._chunk_source(), configurable

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...] | None:
        """Where ``bind`` keywords go: ``()`` when its own call takes them, the runnables
        that take them for a wrapper, ``None`` when nothing would (a composite)."""
        return None

    def _draw(self, graph: GraphBuilder) -> tuple[str, str] | None:
        """Add this node's inner nodes to ``graph`` and return (entry, exit) node ids, or
        ``None`` to be drawn as one node."""
        return None

    # -- running ----------------------------------------------------------------------------

    def invoke(self, input: InT_contra, config: RunnableConfig | None = None) -> OutT_co:
        """Run once on ``input`` and return the output."""
        return _engine.invoke(self, input, config)

    async def ainvoke(
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
    ) -> OutT_co:
        """Run once on ``input`` in the running event loop."""
        return await _engine.ainvoke(self, input, config)

    @overload
    def batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> list[OutT_co]: ...

    @overload
    def batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> list[OutT_co | Exception]: ...

    def batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> list[OutT_co] | list[OutT_co | Exception]:
        """Run on every input, at most ``config["max_concurrency"]`` at once; order kept."""
        return _engine.batch(self, inputs, config, return_exceptions=return_exceptions)

    @overload
    async def abatch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> list[OutT_co]: ...

    @overload
    async def abatch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> list[OutT_co | Exception]: ...

    async def abatch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> list[OutT_co] | list[OutT_co | Exception]:
        """Async :meth:`batch`: tasks bounded by a semaphore of ``max_concurrency``."""
        return await _engine.abatch(self, inputs, config, return_exceptions=return_exceptions)

    @overload
    def batch_as_completed(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> Iterator[tuple[int, OutT_co]]: ...

    @overload
    def batch_as_completed(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> Iterator[tuple[int, OutT_co | Exception]]: ...

    def batch_as_completed(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> Iterator[tuple[int, OutT_co]] | Iterator[tuple[int, OutT_co | Exception]]:
        """Yield ``(index, output)`` pairs as each run finishes."""
        return _engine.batch_as_completed(self, inputs, config, return_exceptions=return_exceptions)

    @overload
    def abatch_as_completed(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> AsyncIterator[tuple[int, OutT_co]]: ...

    @overload
    def abatch_as_completed(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> AsyncIterator[tuple[int, OutT_co | Exception]]: ...

    def abatch_as_completed(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> AsyncIterator[tuple[int, OutT_co]] | AsyncIterator[tuple[int, OutT_co | Exception]]:
        """Async :meth:`batch_as_completed`."""
        return _engine.abatch_as_completed(
            self, inputs, config, return_exceptions=return_exceptions
        )

    def try_invoke(
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
    ) -> Result[OutT_co, Exception]:
        """:meth:`invoke`, returning ``Success(output)`` or ``Failure(exception)``."""
        return _engine.try_invoke(self, input, config)

    async def atry_invoke(
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
    ) -> Result[OutT_co, Exception]:
        """Async :meth:`try_invoke`."""
        return await _engine.atry_invoke(self, input, config)

    def try_batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
    ) -> list[Result[OutT_co, Exception]]:
        """:meth:`batch`, with one ``Result`` per input instead of raising."""
        return _engine.try_batch(self, inputs, config)

    async def atry_batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
    ) -> list[Result[OutT_co, Exception]]:
        """Async :meth:`try_batch`."""
        return await _engine.atry_batch(self, inputs, config)

    def stream(
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
    ) -> Iterator[OutT_co]:
        """Yield output chunks as they are produced (one chunk if nothing streams)."""
        return _engine.stream(self, input, config)

    def astream(
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
    ) -> AsyncIterator[OutT_co]:
        """Async :meth:`stream`."""
        return _engine.astream(self, input, config)

    def transform(
        self,
        input: Iterator[InT_contra],
        config: RunnableConfig | None = None,
    ) -> Iterator[OutT_co]:
        """Stream in, stream out: input chunks are combined only where a step needs all."""
        return _engine.transform(self, input, config)

    def atransform(
        self,
        input: AsyncIterator[InT_contra],
        config: RunnableConfig | None = None,
    ) -> AsyncIterator[OutT_co]:
        """Async :meth:`transform`."""
        return _engine.atransform(self, input, config)

    def astream_events(
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
        *,
        version: Literal["v1", "v2"] = "v2",
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
    ) -> AsyncGenerator[StreamEvent, None]:
        """Yield an event dict for each start, chunk and end of every run (see lcel.tracing)."""
        from lcel.tracing import astream_events

        return astream_events(
            self,
            input,
            config,
            version=version,
            include_names=include_names,
            include_types=include_types,
            include_tags=include_tags,
            exclude_names=exclude_names,
            exclude_types=exclude_types,
            exclude_tags=exclude_tags,
        )

    @overload
    def astream_log(
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
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
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
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
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
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
        self,
        input: InT_contra,
        config: RunnableConfig | None = None,
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
        """Yield JSON Patches (``RunLogPatch``) building the run state; ``diff=False`` yields
        the accumulated ``RunLog`` states (see lcel.tracing)."""
        from lcel.tracing import run_log_stream

        return run_log_stream(
            self,
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

    # -- composition ------------------------------------------------------------------------

    @overload
    def __or__(self, other: RunnablePassthrough) -> Runnable[InT_contra, OutT_co]: ...

    @overload
    def __or__(self, other: Runnable[OutT_co, OtherOutT]) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def __or__(
        self, other: Callable[[OutT_co], Awaitable[OtherOutT]]
    ) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def __or__(
        self, other: Callable[[OutT_co], AsyncIterator[OtherOutT]]
    ) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def __or__(
        self, other: Callable[[OutT_co], Iterator[OtherOutT]]
    ) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def __or__(self, other: Callable[[OutT_co], OtherOutT]) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def __or__(
        self,
        other: Mapping[str, Runnable[OutT_co, Any] | Callable[[OutT_co], Any] | Mapping[str, Any]],
    ) -> Runnable[InT_contra, KeyedOutput]: ...

    def __or__(self, other: Any) -> Runnable[Any, Any]:
        """``self | other``: a flat :class:`RunnableSequence`.

        A generator function's yields are its chunks, so ``a | gen`` outputs what ``gen``
        yields, as ``RunnableLambda(gen)`` does.
        """
        from lcel._sequence import RunnableSequence

        return RunnableSequence.of(self, coerce_to_runnable(other))

    @overload
    def __ror__(self, other: Callable[[T], Awaitable[InT_contra]]) -> Runnable[T, OutT_co]: ...

    @overload
    def __ror__(self, other: Callable[[T], InT_contra]) -> Runnable[T, OutT_co]: ...

    @overload
    def __ror__(
        self, other: Mapping[str, Runnable[T, Any] | Callable[[T], Any]]
    ) -> Runnable[T, OutT_co]: ...

    @overload
    def __ror__(self, other: Mapping[str, object]) -> Runnable[Any, OutT_co]: ...

    def __ror__(self, other: Any) -> Runnable[Any, Any]:
        """``other | self`` where ``other`` is a callable or a dict of steps.

        A dict literal is typed before it meets ``self``, so a dict mixing runnables and
        functions arrives as ``Mapping[str, object]``: accepted, checked at run time (and
        precisely by the mypy plugin).
        """
        from lcel._sequence import RunnableSequence

        return RunnableSequence.of(coerce_to_runnable(other), self)

    @overload
    def pipe(self, other: RunnablePassthrough, /) -> Runnable[InT_contra, OutT_co]: ...

    @overload
    def pipe(self, other: Runnable[OutT_co, OtherOutT], /) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def pipe(
        self, other: Callable[[OutT_co], Awaitable[OtherOutT]], /
    ) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def pipe(
        self, other: Callable[[OutT_co], Iterator[OtherOutT]], /
    ) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def pipe(self, other: Callable[[OutT_co], OtherOutT], /) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def pipe(
        self,
        other: Mapping[str, Runnable[OutT_co, Any] | Callable[[OutT_co], Any] | Mapping[str, Any]],
        /,
    ) -> Runnable[InT_contra, KeyedOutput]: ...

    @overload
    def pipe(
        self,
        b: Runnable[OutT_co, T] | Callable[[OutT_co], T],
        c: Runnable[T, OtherOutT] | Callable[[T], OtherOutT],
        /,
    ) -> Runnable[InT_contra, OtherOutT]: ...

    @overload
    def pipe(self, b: Any, c: Any, d: Any, /, *others: Any) -> Runnable[InT_contra, Any]: ...

    def pipe(self, *others: Any) -> Runnable[Any, Any]:
        """``self | others[0] | others[1] | …`` as one flat sequence."""
        from lcel._sequence import RunnableSequence

        if not others:
            raise TypeError("pipe() needs at least one runnable, callable or dict of steps")
        return RunnableSequence.of(self, *(coerce_to_runnable(o) for o in others))

    # -- wrappers ---------------------------------------------------------------------------

    def with_config(
        self,
        config: RunnableConfig | None = None,
        **kwargs: Unpack[RunnableConfig],
    ) -> RunnableBinding[InT_contra, OutT_co]:
        """The same runnable, run with ``config`` merged into the caller's."""
        from lcel._config import ensure_config
        from lcel._wrappers import RunnableBinding

        merged = ensure_config({**(config or {}), **kwargs})
        return RunnableBinding.wrap(self, config=merged)

    def with_types(
        self,
        *,
        input_type: Any = None,  # Any: a type form
        output_type: Any = None,  # Any: a type form
    ) -> RunnableBinding[InT_contra, OutT_co]:
        """The same runnable, reporting other input/output types (for schemas)."""
        from lcel._wrappers import RunnableBinding

        return RunnableBinding.wrap(self, input_type=input_type, output_type=output_type)

    def bind(self, **kwargs: Any) -> RunnableBinding[InT_contra, OutT_co]:
        """The same runnable, with ``kwargs`` passed to its call (a model's ``stop``…)."""
        from lcel._wrappers import RunnableBinding

        return RunnableBinding.wrap(self, kwargs=kwargs)

    def with_retry(
        self,
        *,
        retry_if_exception_type: tuple[type[BaseException], ...] = (Exception,),
        wait_exponential_jitter: bool = True,
        stop_after_attempt: int = 3,
        exponential_jitter_params: Mapping[str, float] | None = None,
        sleep: Callable[[float], None] | None = None,
        asleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> RunnableRetry[InT_contra, OutT_co]:
        """Retry on the listed exceptions, up to ``stop_after_attempt`` attempts in all.

        ``exponential_jitter_params`` takes ``initial``, ``max``, ``exp_base`` and ``jitter``
        (seconds). ``sleep`` / ``asleep`` replace ``time.sleep`` / ``asyncio.sleep``, so tests
        need not wait.
        """
        from lcel._wrappers import RunnableRetry

        return RunnableRetry.create(
            self,
            retry_if_exception_type=retry_if_exception_type,
            wait_exponential_jitter=wait_exponential_jitter,
            stop_after_attempt=stop_after_attempt,
            exponential_jitter_params=exponential_jitter_params,
            sleep=sleep,
            asleep=asleep,
        )

    def with_fallbacks(
        self,
        fallbacks: Sequence[Runnable[InT_contra, OutT_co]],
        *,
        exceptions_to_handle: tuple[type[BaseException], ...] = (Exception,),
        exception_key: str | None = None,
    ) -> RunnableWithFallbacks[InT_contra, OutT_co]:
        """Try ``fallbacks`` in order when this runnable raises one of ``exceptions_to_handle``.

        With ``exception_key``, the input must be a dict and each fallback receives it plus
        that key holding the exception.
        """
        from lcel._wrappers import RunnableWithFallbacks

        return RunnableWithFallbacks.create(
            self, fallbacks, exceptions_to_handle=exceptions_to_handle, exception_key=exception_key
        )

    def with_listeners(
        self,
        *,
        on_start: Listener | None = None,
        on_end: Listener | None = None,
        on_error: Listener | None = None,
    ) -> RunnableBinding[InT_contra, OutT_co]:
        """The same runnable, calling ``on_start`` / ``on_end`` / ``on_error`` with the run
        record (``lcel.callbacks.Run``) of each of its own runs; functions may be async."""
        from lcel._listeners import with_listeners

        return with_listeners(self, on_start=on_start, on_end=on_end, on_error=on_error)

    def as_tool(
        self,
        args_schema: Any = None,  # Any: a type form (TypedDict, attrs class, dataclass)
        *,
        name: str | None = None,
        description: str | None = None,
        arg_types: Mapping[str, Any] | None = None,  # Any: type forms
    ) -> Tool[OutT_co]:
        """This runnable as a :class:`~lcel.tools.Tool`: arguments from the input type (a
        TypedDict's keys, an attrs class's fields, ``arg_types``, or one ``input``)."""
        from lcel._as_tool import as_tool

        return as_tool(
            self, args_schema=args_schema, name=name, description=description, arg_types=arg_types
        )

    def get_prompts(
        self, config: RunnableConfig | None = None
    ) -> list[BasePromptTemplate[Any, Any]]:
        """The prompt templates inside this runnable, in tree order."""
        from lcel._as_tool import get_prompts

        return get_prompts(self)

    def map(self) -> Runnable[Sequence[InT_contra], list[OutT_co]]:
        """A runnable over lists: runs this one on every element (as a batch)."""
        from lcel._wrappers import RunnableEach

        return RunnableEach(self)

    @overload
    def pick(self, keys: str) -> Runnable[InT_contra, Any]: ...

    @overload
    def pick(self, keys: Sequence[str]) -> Runnable[InT_contra, KeyedOutput]: ...

    def pick(self, keys: str | Sequence[str]) -> Runnable[InT_contra, Any]:
        """Keep one key (its value) or several keys (a smaller dict) of a dict output."""
        from lcel._passthrough import RunnablePick
        from lcel._sequence import RunnableSequence

        return RunnableSequence.of(self, RunnablePick.create(keys))

    def assign(
        self,
        **steps: Runnable[Any, Any] | Callable[[Any], Any] | Mapping[str, Any],
    ) -> Runnable[InT_contra, KeyedOutput]:
        """Add keys to a dict output, each computed from that output by a step."""
        from lcel._passthrough import RunnableAssign
        from lcel._sequence import RunnableSequence

        return RunnableSequence.of(self, RunnableAssign.create(steps))

    # -- configuration ----------------------------------------------------------------------

    def configurable_fields(
        self, **fields: AnyConfigurableField
    ) -> RunnableConfigurableFields[InT_contra, OutT_co]:
        """This runnable, with the named attrs fields set per run by
        ``config["configurable"][field.id]`` (e.g. a model's ``temperature``)."""
        from lcel._configurable import RunnableConfigurableFields

        return RunnableConfigurableFields.create(self, fields)

    def configurable_alternatives(
        self,
        which: ConfigurableField,
        *,
        default_key: str = "default",
        prefix_keys: bool = False,
        **alternatives: Runnable[InT_contra, OutT_co] | Callable[[], Runnable[InT_contra, OutT_co]],
    ) -> RunnableConfigurableAlternatives[InT_contra, OutT_co]:
        """This runnable (key ``default_key``) or one of ``alternatives`` (runnables, or
        functions making one), chosen per run by ``config["configurable"][which.id]``."""
        from lcel._configurable import RunnableConfigurableAlternatives

        return RunnableConfigurableAlternatives.create(
            self, which, alternatives, default_key=default_key, prefix_keys=prefix_keys
        )

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        """The configurable fields declared anywhere in this runnable, sorted by id."""
        from lcel._configurable import tree_config_specs

        return tree_config_specs(self)

    def config_schema(self, *, include: Sequence[str] | None = None) -> RunnableSchema:
        """JSON Schema of the config, titled ``"<Name>Config"``: its ``configurable``
        property lists :attr:`config_specs`; ``include`` adds other keys (``"tags"``…)."""
        from lcel._config_schema import config_jsonschema
        from lcel._jsonschema import RunnableSchema

        return RunnableSchema(config_jsonschema(self, include))

    def get_config_jsonschema(self, *, include: Sequence[str] | None = None) -> dict[str, Any]:
        """:meth:`config_schema` as a plain dict (LangChain's method)."""
        return self.config_schema(include=include).schema()


def coerce_to_runnable(thing: Any) -> Runnable[Any, Any]:  # Any: coercion accepts any RunnableLike
    """Turn a runnable, a callable or a dict of steps into a runnable; reject anything else."""
    if isinstance(thing, Runnable):
        return thing
    if isinstance(thing, Mapping):
        from lcel._parallel import RunnableParallel

        return RunnableParallel(dict(thing))
    if callable(thing):
        from lcel._lambda import RunnableLambda

        return RunnableLambda(thing)
    raise TypeError(
        f"cannot compose {type(thing).__name__} {quoted(thing)}: expected a Runnable, "
        "a callable, or a dict of those"
    )
