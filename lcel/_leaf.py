"""The leaf protocol: what a component implements, and nothing more.

A component (model, prompt, parser, retriever, tool…) subclasses :class:`Component` and
overrides ``_invoke``. It may also override any of the optional methods below when it has a
better way than the interpreter's fallback:

======================  =================================================================
``_invoke``             required: whole input in, whole output out (sync)
``_ainvoke``            native async; fallback: ``_invoke`` in a worker thread (or inline
                        when ``blocking`` is False)
``_stream``             output chunks for a whole input (a model); fallback: one chunk
``_astream``            async ``_stream``; fallback: ``_stream`` in a worker thread
``_transform``          input chunks in, output chunks out as they go (a parser); fallback:
                        combine the input chunks with ``+``, then ``_stream``
``_atransform``         async ``_transform``
======================  =================================================================

Class attributes: ``run_type`` names the run in events and logs (``"chat_model"``,
``"llm"``, ``"prompt"``, ``"parser"``, ``"retriever"``, ``"tool"``, or ``"chain"``);
``blocking = False`` says that ``_invoke`` is quick CPU work, so async callers run it inline
instead of paying for a thread hop.

Every method receives the run's ``config`` and the keyword arguments given with ``bind``.
The interpreter supplies batch, async, streaming fallbacks, retries and tracing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import attrs

from lcel._config import RunnableConfig
from lcel._runnable import Runnable
from lcel._types import InT_contra, OutT_co

__all__ = ["Component", "capabilities"]


@attrs.frozen
class Component(Runnable[InT_contra, OutT_co]):
    """Base class of leaf components; see the module docstring for the protocol.

    >>> import attrs
    >>> @attrs.frozen
    ... class Shout(Component[str, str]):
    ...     def _invoke(self, input: str, config: RunnableConfig, **kwargs: object) -> str:
    ...         return input.upper() + "!"
    >>> Shout().invoke("hi")
    'HI!'
    >>> list(Shout().stream("hi"))
    ['HI!']
    """

    run_type: ClassVar[str] = "chain"
    """The run type reported in events and logs."""
    blocking: ClassVar[bool] = True
    """False when ``_invoke`` is quick CPU work that async callers may run inline."""

    def _invoke(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind(), specific to each component
    ) -> OutT_co:
        raise NotImplementedError(f"{type(self).__name__} must implement _invoke")

    async def _ainvoke(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> OutT_co:
        raise NotImplementedError  # never called: the interpreter sees it is not overridden

    def _stream(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> Iterator[OutT_co]:
        raise NotImplementedError  # never called: the interpreter sees it is not overridden

    def _astream(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> AsyncIterator[OutT_co]:
        raise NotImplementedError  # never called: the interpreter sees it is not overridden

    def _transform(
        self,
        chunks: Iterator[InT_contra],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> Iterator[OutT_co]:
        raise NotImplementedError  # never called: the interpreter sees it is not overridden

    def _atransform(
        self,
        chunks: AsyncIterator[InT_contra],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> AsyncIterator[OutT_co]:
        raise NotImplementedError  # never called: the interpreter sees it is not overridden

    def _consumes_stream(self) -> bool:
        return "_transform" in capabilities(type(self))

    def _starts_on_first_chunk(self) -> bool:
        return "_transform" in capabilities(type(self))

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...]:
        return ()  # its call takes them

    def _trace_input(self, input: Any) -> Any:  # Any: this leaf's input, shown
        return input

    def _finalize(self, combined: Any) -> OutT_co:  # Any: the sum of this leaf's chunks
        return combined  # type: ignore[no-any-return]


_OPTIONAL = ("_ainvoke", "_stream", "_astream", "_transform", "_atransform")
_CAPS: dict[type, frozenset[str]] = {}


def capabilities(cls: type) -> frozenset[str]:
    """The optional protocol methods component class ``cls`` overrides (cached)."""
    try:
        return _CAPS[cls]
    except KeyError:
        caps = frozenset(
            name for name in _OPTIONAL if getattr(cls, name) is not getattr(Component, name)
        )
        _CAPS[cls] = caps
        return caps
