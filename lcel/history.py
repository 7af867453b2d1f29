"""``RunnableWithMessageHistory``: a runnable that remembers the conversation of a session.

Each call reads ``config["configurable"]["session_id"]`` (or the keys of
``history_factory_config``), asks ``get_session_history`` for that session's
:class:`~lcel.chat_history.BaseChatMessageHistory` (once per call), puts the stored messages
into the input, runs the wrapped runnable, and, only when that run ends well, appends the
new input messages and the output messages to the history: once per call, whether the call
invokes, batches or streams (a stream abandoned or failed midway writes nothing).

How it runs, with what exists today (no node kind of its own yet): it is a lambda (one run
named ``RunnableWithMessageHistory``) that looks the history up and returns the per-call
plan ``insert_history | runnable`` (the runnable bound with a listener); the interpreter runs
that plan on the same input, streaming through it. The writing is an ``on_end`` listener on
the wrapped runnable's run (one whose errors fail the call), so it sees exactly the output
the caller got; it calls the history's ``add_messages``, or ``aadd_messages`` under the
async methods (an async listener is awaited where the run ends), so the messages are stored
before the call returns. Reading uses ``aget_messages`` under the async methods. The value
keeps the data a future node kind needs (the runnable, the factory, the keys) and :meth:`_plan` is
that node's body.

Input shapes, as LangChain takes them: a string (one human message), a message, a list of
messages, or a dict holding them under ``input_messages_key``. Output shapes: a string (one
AI message), a message, a list of messages, or a dict holding them under
``output_messages_key``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import (
    Any,
    Generic,
    NotRequired,
    TypedDict,
    get_origin,
    get_type_hints,
    is_typeddict,
    overload,
)

import attrs

from lcel._config import RunnableConfig
from lcel._config_fields import ConfigurableFieldSpec, unique_specs
from lcel._lambda import RunnableLambda
from lcel._listeners import RootListeners
from lcel._runnable import Runnable
from lcel._types import InT, InT_contra, OutT, OutT_co
from lcel._wrappers import RunnableBinding
from lcel.callbacks import Run
from lcel.chat_history import BaseChatMessageHistory
from lcel.errors import InputValidationError, LcelError, shorten
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage

__all__ = [
    "ConfigurableFieldSpec",
    "GetSessionHistory",
    "MissingConfigurableError",
    "RunnableWithMessageHistory",
]

GetSessionHistory = Callable[..., BaseChatMessageHistory]
"""A factory of histories: called with the session id (or with the keyword arguments named
by ``history_factory_config``) once per call."""


class MissingConfigurableError(LcelError, ValueError):
    """A call lacks a key of ``config["configurable"]`` that the runnable needs."""

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


SESSION_ID = ConfigurableFieldSpec(
    "session_id",
    str,
    name="Session ID",
    description="Unique identifier for a session.",
    is_shared=True,
)
"""The default ``history_factory_config``: one ``session_id`` key."""


def _as_messages(value: object, what: str) -> list[BaseMessage]:
    if isinstance(value, str):
        return [HumanMessage(value)] if what == "input" else [AIMessage(value)]
    if isinstance(value, AIMessageChunk):
        return [value.to_message()]
    if isinstance(value, BaseMessage):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out: list[BaseMessage] = []
        for i, item in enumerate(value):
            if not isinstance(item, BaseMessage):
                raise InputValidationError(
                    f"RunnableWithMessageHistory: {what} item {i} is not a message, got "
                    f"{type(item).__name__}: {shorten(item)}"
                )
            out.append(item.to_message() if isinstance(item, AIMessageChunk) else item)
        return out
    raise InputValidationError(
        f"RunnableWithMessageHistory: expected the {what} to be a str, a message or a list "
        f"of messages, got {type(value).__name__}: {shorten(value)}"
    )


def _pick(value: Mapping[str, Any], key: str | None, what: str) -> Any:  # Any: a dict value
    """The messages inside a dict: under ``key``, the only key, or ``"input"``/``"output"``."""
    if key is None:
        key = next(iter(value)) if len(value) == 1 else what
    if key not in value:
        option = f"{what}_messages_key"
        raise InputValidationError(
            f"RunnableWithMessageHistory: the {what} dict has no key {key!r} (keys: "
            f"{sorted(value)}); set {option} to the key holding the messages"
        )
    return value[key]


def _parameter_names(fn: Callable[..., Any]) -> list[str]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]


# attrs gives the subclass an __attrs_init__ with more (keyword) fields than the lambda's.
@attrs.frozen(init=False, repr=False)
class RunnableWithMessageHistory(  # type: ignore[override]
    RunnableLambda[InT_contra, OutT_co], Generic[InT_contra, OutT_co]
):
    """``runnable`` with a session's messages loaded before and saved after each call.

    ``input_messages_key``: with a dict input, the key holding the new message(s).
    ``history_messages_key``: the key that receives the stored messages (a prompt's
    ``MessagesPlaceholder``); without it, the stored messages are put before the new ones.
    ``output_messages_key``: with a dict output, the key holding the answer.

    >>> from lcel.chat_history import InMemoryChatMessageHistory
    >>> from lcel.models import FakeListChatModel
    >>> store = {}
    >>> def history(session_id: str) -> InMemoryChatMessageHistory:
    ...     return store.setdefault(session_id, InMemoryChatMessageHistory())
    >>> chat = RunnableWithMessageHistory(FakeListChatModel(responses=["hello!"]), history)
    >>> chat.invoke("hi", {"configurable": {"session_id": "s1"}})
    AIMessage(content='hello!')
    >>> store["s1"].messages
    [HumanMessage(content='hi'), AIMessage(content='hello!')]
    """

    runnable: Runnable[Any, Any] = attrs.field(kw_only=True)
    get_session_history: GetSessionHistory = attrs.field(kw_only=True)
    input_messages_key: str | None = attrs.field(kw_only=True, default=None)
    history_messages_key: str | None = attrs.field(kw_only=True, default=None)
    output_messages_key: str | None = attrs.field(kw_only=True, default=None)
    history_factory_config: tuple[ConfigurableFieldSpec, ...] = attrs.field(
        kw_only=True, default=(SESSION_ID,)
    )

    @overload
    def __init__(
        self: RunnableWithMessageHistory[InT, OutT],
        runnable: Runnable[InT, OutT],
        get_session_history: GetSessionHistory,
        *,
        input_messages_key: str | None = None,
        history_messages_key: None = None,
        output_messages_key: str | None = None,
        history_factory_config: Sequence[ConfigurableFieldSpec] | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableWithMessageHistory[Mapping[str, Any], OutT],
        runnable: Runnable[Any, OutT],
        get_session_history: GetSessionHistory,
        *,
        input_messages_key: str | None = None,
        history_messages_key: str,
        output_messages_key: str | None = None,
        history_factory_config: Sequence[ConfigurableFieldSpec] | None = None,
    ) -> None: ...

    def __init__(
        self,
        runnable: Runnable[Any, Any],
        get_session_history: GetSessionHistory,
        *,
        input_messages_key: str | None = None,
        history_messages_key: str | None = None,
        output_messages_key: str | None = None,
        history_factory_config: Sequence[ConfigurableFieldSpec] | None = None,
    ) -> None:
        """Wrap ``runnable``. The call's input type is the runnable's, except that with a
        ``history_messages_key`` (which the caller does not pass) it is a dict."""
        from lcel._runnable import coerce_to_runnable

        if not callable(get_session_history):
            raise TypeError(
                "get_session_history must be a function returning a BaseChatMessageHistory, "
                f"got {get_session_history!r}"
            )
        specs = tuple(history_factory_config or (SESSION_ID,))
        for spec in specs:
            if not isinstance(spec, ConfigurableFieldSpec):
                raise TypeError(
                    f"history_factory_config takes ConfigurableFieldSpec values, got {spec!r}"
                )
        self.__attrs_init__(
            functools.partial(_enter, self),
            functools.partial(_aenter, self),
            "sync",
            "async",
            True,
            True,
            "RunnableWithMessageHistory",
            False,
            runnable=coerce_to_runnable(runnable),
            get_session_history=get_session_history,
            input_messages_key=input_messages_key,
            history_messages_key=history_messages_key,
            output_messages_key=output_messages_key,
            history_factory_config=specs,
        )

    # -- types and schemas -------------------------------------------------------------------

    @property
    def input_type(self) -> Any:  # Any: a type form
        """What a call takes: messages, or a dict holding them under ``input_messages_key``
        (plus the wrapped runnable's other keys, without ``history_messages_key``)."""
        from lcel.models import AnyMessage

        messages_or_text = str | AnyMessage | list[AnyMessage]
        key = self.input_messages_key
        if key is None:
            return messages_or_text
        fields: dict[str, Any] = {}
        inner = self.runnable.input_type
        if is_typeddict(inner):
            hints = get_type_hints(inner, include_extras=True)
            required = getattr(inner, "__required_keys__", frozenset(hints))
            for name, tp in hints.items():
                if name in (key, self.history_messages_key):
                    continue
                if name in required or get_origin(tp) is NotRequired:
                    fields[name] = tp
                else:
                    fields[name] = NotRequired[tp]
        fields[key] = messages_or_text if self.history_messages_key else list[AnyMessage]
        return _typeddict(tuple(fields.items()))

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The wrapped runnable's output type."""
        return self.runnable.output_type

    def _schema_title_stem(self) -> str:
        """Input schemas are titled ``RunnableWithChatHistoryInput``, as LangChain's are."""
        return "RunnableWithChatHistory"

    def _schema_output_owner(self) -> Runnable[Any, Any]:
        return self.runnable._schema_output_owner()

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        """The ``config["configurable"]`` keys a call needs (a spec's ``default`` of None:
        required), and the wrapped runnable's configurable fields."""
        own = [*self.history_factory_config, *self.runnable.config_specs]
        return unique_specs(own, self.get_name())

    # -- one call ------------------------------------------------------------------------------

    def _history(self, config: RunnableConfig) -> BaseChatMessageHistory:
        """The session's history, from the factory (called once per call)."""
        configurable = dict(config.get("configurable") or {})
        ids = [spec.id for spec in self.history_factory_config]
        values: dict[str, Any] = {}
        missing: list[str] = []
        for spec in self.history_factory_config:
            if spec.id in configurable:
                values[spec.id] = configurable[spec.id]
            elif spec.default is not None:
                values[spec.id] = spec.default
            else:
                missing.append(spec.id)
        params = _parameter_names(self.get_session_history)
        if missing and params:
            example = {"configurable": dict.fromkeys(missing, "<your-value>")}
            raise MissingConfigurableError(
                f"RunnableWithMessageHistory needs config['configurable'][{missing[0]!r}]"
                f"{' (and ' + ', '.join(map(repr, missing[1:])) + ')' if missing[1:] else ''}"
                f" to find the history; expected keys {sorted(ids)}, got "
                f"{sorted(configurable)}. Pass a config, e.g. .invoke(input, {example!r})",
                missing=missing,
            )
        if not params:
            history = self.get_session_history()
        elif len(ids) == 1 and len(params) == 1:
            history = self.get_session_history(values[ids[0]])
        else:
            if set(ids) != set(params):
                raise TypeError(
                    f"history_factory_config keys {sorted(ids)} do not match the parameters "
                    f"{sorted(params)} of get_session_history"
                )
            history = self.get_session_history(**values)
        if not isinstance(history, BaseChatMessageHistory):
            raise TypeError(
                "get_session_history must return a BaseChatMessageHistory, got "
                f"{type(history).__name__}: {shorten(history)}"
            )
        return history

    def _input_messages(self, value: object) -> list[BaseMessage]:
        if isinstance(value, Mapping):
            value = _pick(value, self.input_messages_key, "input")
        return _as_messages(value, "input")

    def _output_messages(self, value: object) -> list[BaseMessage]:
        if isinstance(value, Mapping):
            value = _pick(value, self.output_messages_key, "output")
        return _as_messages(value, "output")

    def _plan(
        self,
        value: Any,
        history: BaseChatMessageHistory,
        stored: list[BaseMessage],
        bound: Mapping[str, Any] | None = None,  # Any: keywords given with bind()
        *,
        is_async: bool = False,
    ) -> Runnable[Any, Any]:  # Any: the wrapped runnable's input
        """This call's runnable: ``insert_history | runnable`` writing to ``history`` on a
        successful end (``bound``: keywords given with ``bind``, for the runnable;
        ``is_async``: write with ``aadd_messages``)."""
        new = self._input_messages(value)
        loaded: Any  # Any: the wrapped runnable's input
        if self.history_messages_key is not None:
            if not isinstance(value, Mapping):
                raise InputValidationError(
                    "RunnableWithMessageHistory with history_messages_key="
                    f"{self.history_messages_key!r} takes a dict input, got "
                    f"{type(value).__name__}: {shorten(value)}"
                )
            loaded = {**value, self.history_messages_key: stored}
        elif self.input_messages_key is not None and isinstance(value, Mapping):
            loaded = {**value, self.input_messages_key: [*stored, *new]}
        else:
            loaded = [*stored, *new]

        def save(run: Run) -> None:
            history.add_messages([*new, *self._output_messages(run.output)])

        async def asave(run: Run) -> None:
            await history.aadd_messages([*new, *self._output_messages(run.output)])

        insert = RunnableLambda(lambda _: loaded, name="insert_history")
        runnable = self.runnable.bind(**bound) if bound else self.runnable
        # Saving is part of the call's work: a failure to save fails the call.
        saver = RootListeners(on_end=asave if is_async else save, raise_error=True)
        return insert | RunnableBinding.wrap(runnable, config={"callbacks": [saver]})

    def __repr__(self) -> str:
        keys = [
            f"{k}={v!r}"
            for k, v in (
                ("input_messages_key", self.input_messages_key),
                ("history_messages_key", self.history_messages_key),
                ("output_messages_key", self.output_messages_key),
            )
            if v is not None
        ]
        return f"RunnableWithMessageHistory({', '.join([repr(self.runnable), *keys])})"


@functools.cache
def _typeddict(fields: tuple[tuple[str, Any], ...]) -> Any:  # Any: a TypedDict built at run time
    return TypedDict("RunnableWithChatHistoryInput", dict(fields))  # type: ignore[operator]


def _enter(
    node: RunnableWithMessageHistory[Any, Any],
    value: Any,
    config: RunnableConfig,
    **kwargs: Any,  # Any: keywords given with bind(), for the wrapped runnable
) -> Any:
    history = node._history(config)
    return node._plan(value, history, history.messages, kwargs)


async def _aenter(
    node: RunnableWithMessageHistory[Any, Any],
    value: Any,
    config: RunnableConfig,
    **kwargs: Any,  # Any: keywords given with bind(), for the wrapped runnable
) -> Any:
    history = node._history(config)
    return node._plan(value, history, await history.aget_messages(), kwargs, is_async=True)
