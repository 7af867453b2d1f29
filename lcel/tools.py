"""``@tool``: a typed function (sync or async) becomes a ``Tool`` runnable.

The tool's name is the function's, its description the docstring, and its argument schema
(JSON Schema) comes from the signature: types, defaults, and ``Annotated[T, "description"]``.
Input is a dict of arguments, or a plain str for a one-argument tool; it is validated
against the schema before the function runs.

>>> @tool
... def mul(a: int, b: Annotated[int, "the second factor"] = 2) -> int:
...     '''Multiply two integers.'''
...     return a * b
>>> mul.invoke({"a": 3})
6
>>> mul.args_schema["properties"]["b"]
{'title': 'B', 'type': 'integer', 'description': 'the second factor', 'default': 2}
>>> mul.invoke({"a": "3"})
Traceback (most recent call last):
  ...
lcel.errors.InputValidationError: tool 'mul': invalid argument 'a': '3' is not of type 'integer'
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import typing
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any, ClassVar, Generic, NotRequired, TypedDict, cast, overload

import attrs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from typing_extensions import TypeVar

from lcel._config import RunnableConfig
from lcel._jsonschema import (
    JsonSchema,
    UnsupportedTypeError,
    json_converter,
    schema_for_type,
    to_json_value,
)
from lcel._leaf import Component
from lcel._types import OutT_co, T
from lcel.errors import InputValidationError, LcelError, quoted, shorten
from lcel.messages import ToolMessage

__all__ = ["Tool", "ToolException", "ToolInput", "is_tool_call", "tool"]

ToolInput = Mapping[str, Any] | str  # Any: argument values, checked against the schema at run time
"""What a tool accepts: a dict of its arguments, or a str for a one-argument tool."""


class ToolException(LcelError):
    """Raised by a tool's function to report a failure the model may see and recover from:
    a tool made with ``handle_tool_error`` turns it into an error result instead of raising."""


ErrorHandler = bool | str | Callable[[Exception], str]
"""How a tool answers a handled error: ``True`` (the error's text), a fixed text, or a
function of the error."""


def is_tool_call(value: object) -> bool:
    """Whether ``value`` is a model's :class:`~lcel.messages.ToolCall` (``name``, ``args``,
    ``id``, optionally ``type="tool_call"``) rather than a dict of arguments.

    >>> is_tool_call({"name": "add", "args": {"a": 1}, "id": "call_1", "type": "tool_call"})
    True
    >>> is_tool_call({"a": 1})
    False
    """
    if not isinstance(value, Mapping):
        return False
    kind = value.get("type")
    if kind == "tool_call":
        return True
    return (
        kind is None
        and set(value) == {"name", "args", "id"}
        and isinstance(value.get("args"), Mapping)
        and isinstance(value.get("name"), str)
    )


def _handled_text(handler: ErrorHandler, error: Exception) -> str:
    if handler is True:
        return str(error) or type(error).__name__
    if isinstance(handler, str):
        return handler
    if callable(handler):
        return str(handler(error))
    raise error


def _result_content(value: object) -> str | list[Any]:  # Any: content parts
    """A tool's return value as a message's content: text as it is, else JSON (else str)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(p, str) or (isinstance(p, dict) and "type" in p) for p in value
    ) and value:
        return value
    try:
        return json.dumps(to_json_value(json_converter().unstructure(value)), ensure_ascii=False)
    except Exception:
        return str(value)


ToolInT_contra = TypeVar("ToolInT_contra", contravariant=True, default=ToolInput)
"""A tool's input: with the mypy plugin, a TypedDict of its parameters."""


@attrs.frozen(repr=False)
class Tool(Component[ToolInT_contra, OutT_co], Generic[OutT_co, ToolInT_contra]):
    """A function as a runnable that validates its arguments: run type ``tool``.

    Make one with :func:`tool` or :meth:`from_function`. Equal tools wrap the same function
    under the same name and description. ``bind(arg=value)`` supplies an argument (the
    input's own value wins). A parameter annotated ``RunnableConfig`` receives the run's
    config and is left out of the schema.

    An async function runs natively under ``ainvoke``; ``invoke`` runs it with
    ``asyncio.run`` when no event loop is running in the thread, and refuses otherwise.
    """

    run_type: ClassVar[str] = "tool"

    func: Callable[..., Any]  # Any: any signature; the schema describes it
    """The function (sync or async) the tool calls."""
    tool_name: str = attrs.field(alias="name")
    """The tool's name (``get_name()``): the function's name unless given."""
    description: str
    """What the tool does, for a model choosing tools: the docstring unless given."""
    handle_tool_error: ErrorHandler = attrs.field(default=False, kw_only=True)
    """When the function raises :class:`ToolException`: ``False`` re-raises it, else the
    tool answers with an error text (a ``ToolMessage`` with ``status="error"`` when it was
    called with a tool call)."""
    handle_validation_error: ErrorHandler = attrs.field(default=False, kw_only=True)
    """Same for arguments that do not fit the schema (an
    :class:`~lcel.errors.InputValidationError`)."""
    _spec: _Spec = attrs.field(
        init=False,
        eq=False,
        hash=False,
        default=attrs.Factory(lambda self: _Spec.of(self.func, self.tool_name), takes_self=True),
    )

    # -- construction -----------------------------------------------------------------------

    @overload
    @classmethod
    def from_function(
        cls,
        func: Callable[..., Awaitable[T]],
        name: str | None = None,
        description: str | None = None,
        *,
        handle_tool_error: ErrorHandler = False,
        handle_validation_error: ErrorHandler = False,
    ) -> Tool[T]: ...

    @overload
    @classmethod
    def from_function(
        cls,
        func: Callable[..., T],
        name: str | None = None,
        description: str | None = None,
        *,
        handle_tool_error: ErrorHandler = False,
        handle_validation_error: ErrorHandler = False,
    ) -> Tool[T]: ...

    @classmethod
    def from_function(
        cls,
        func: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        *,
        handle_tool_error: ErrorHandler = False,
        handle_validation_error: ErrorHandler = False,
    ) -> Tool[Any]:
        """A tool calling ``func``, named after it and described by its docstring."""
        if not callable(func):
            raise TypeError(f"a tool needs a function, got {type(func).__name__}: {quoted(func)}")
        if name is None:
            name = getattr(func, "__name__", None)
            if not isinstance(name, str) or name == "<lambda>":
                raise ValueError(f"cannot name a tool after {quoted(func)}: pass name=...")
        if description is None:
            description = inspect.getdoc(func) or ""
            if not description:
                raise ValueError(
                    f"tool {name!r} needs a description: give the function a docstring "
                    "or pass description=..."
                )
        return Tool(
            func,
            name=name,
            description=description,
            handle_tool_error=handle_tool_error,
            handle_validation_error=handle_validation_error,
        )

    # -- identity, types and schema ---------------------------------------------------------

    def get_name(self, suffix: str | None = None) -> str:
        """The tool's name (what a model calls it by)."""
        return f"{self.tool_name}{suffix}" if suffix else self.tool_name

    @property
    def args_schema(self) -> JsonSchema:
        """The JSON Schema of the argument dict, titled with the tool's name and described
        by its description (a fresh copy)."""
        schema: JsonSchema = json.loads(json.dumps(self._spec.schema))
        return {"title": schema.pop("title"), "description": self.description, **schema}

    @property
    def args(self) -> dict[str, JsonSchema]:
        """The schema of each argument, by name."""
        return self.args_schema["properties"]  # type: ignore[no-any-return]

    @property
    def input_type(self) -> Any:  # Any: a type form
        """A ``TypedDict`` of the arguments (those with defaults are ``NotRequired``)."""
        return self._spec.input_type

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The function's return annotation (``Any`` when it has none)."""
        return self._spec.output_type

    def __repr__(self) -> str:
        return f"Tool(name={self.tool_name!r}, description={shorten(self.description, 60)!r})"

    # -- running ----------------------------------------------------------------------------

    def _invoke(
        self,
        input: ToolInT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: arguments given with bind()
    ) -> OutT_co:
        if is_tool_call(input):
            call = cast(Mapping[str, Any], input)
            try:
                result = self._run(call["args"], config, kwargs)
            except Exception as exc:
                return self._failed(exc, call)  # type: ignore[return-value]
            return self._message(result, call)  # type: ignore[return-value]
        try:
            return self._run(input, config, kwargs)
        except (ToolException, InputValidationError) as exc:
            return self._handled(exc)  # type: ignore[return-value]

    async def _ainvoke(
        self,
        input: ToolInT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: arguments given with bind()
    ) -> OutT_co:
        if is_tool_call(input):
            call = cast(Mapping[str, Any], input)
            try:
                result = await self._arun(call["args"], config, kwargs)
            except Exception as exc:
                return self._failed(exc, call)  # type: ignore[return-value]
            return self._message(result, call)  # type: ignore[return-value]
        try:
            return await self._arun(input, config, kwargs)
        except (ToolException, InputValidationError) as exc:
            return self._handled(exc)  # type: ignore[return-value]

    # -- tool calls and handled errors --------------------------------------------------------

    def _handler_for(self, exc: Exception) -> ErrorHandler:
        if isinstance(exc, ToolException):
            return self.handle_tool_error
        if isinstance(exc, InputValidationError):
            return self.handle_validation_error
        return False

    def _handled(self, exc: Exception) -> str:
        handler = self._handler_for(exc)
        if handler is False:
            raise exc
        return _handled_text(handler, exc)

    def _message(self, result: object, call: Mapping[str, Any]) -> ToolMessage:
        """The tool's result as the answer to ``call`` (a result already a ToolMessage is
        kept, with the call's id)."""
        if isinstance(result, ToolMessage):
            return attrs.evolve(result, tool_call_id=str(call.get("id") or result.tool_call_id))
        return ToolMessage(
            _result_content(result),
            tool_call_id=str(call.get("id") or ""),
            name=self.tool_name,
        )

    def _failed(self, exc: Exception, call: Mapping[str, Any]) -> ToolMessage:
        """A handled error as an error result; an unhandled one re-raised, with a note
        naming the tool call (the exception itself is unchanged)."""
        handler = self._handler_for(exc)
        if handler is False:
            exc.add_note(
                f"while running tool {self.tool_name!r} for the tool call "
                f"{call.get('id')!r} with args {shorten(call.get('args'))}"
            )
            raise exc
        return ToolMessage(
            _handled_text(handler, exc),
            tool_call_id=str(call.get("id") or ""),
            name=self.tool_name,
            status="error",
        )

    def _run(
        self,
        input: object,
        config: RunnableConfig,
        kwargs: Mapping[str, Any],  # Any: arguments given with bind()
    ) -> OutT_co:
        args, kw = self._call_arguments(input, config, kwargs)
        if not self._spec.is_async:
            return self.func(*args, **kw)  # type: ignore[no-any-return]
        if _loop_running():
            raise RuntimeError(
                f"tool {self.tool_name!r} is async and this thread runs an event loop: "
                "use `await tool.ainvoke(...)` instead of `tool.invoke(...)`"
            )
        return asyncio.run(self.func(*args, **kw))  # type: ignore[no-any-return]

    async def _arun(
        self,
        input: object,
        config: RunnableConfig,
        kwargs: Mapping[str, Any],  # Any: arguments given with bind()
    ) -> OutT_co:
        args, kw = self._call_arguments(input, config, kwargs)
        if self._spec.is_async:
            return await self.func(*args, **kw)  # type: ignore[no-any-return]
        return await asyncio.to_thread(self.func, *args, **kw)

    def _call_arguments(
        self,
        input: object,
        config: RunnableConfig,
        bound: Mapping[str, Any],  # Any: argument values
    ) -> tuple[list[Any], dict[str, Any]]:  # Any: argument values
        """Validate the input and split it into positional and keyword arguments."""
        spec = self._spec
        given = self._argument_dict(input)
        arguments = {**bound, **given}
        missing = [p for p in spec.required if p not in arguments]
        if missing:
            raise InputValidationError(
                f"tool {self.tool_name!r}: missing argument(s) {_names(missing)} "
                f"(expected {spec.signature_text()}; got {_names(list(arguments))})",
                path=f"$.{missing[0]}",
                rule="required",
            )
        if not spec.accepts_extra:
            extra = [a for a in arguments if a not in spec.names]
            if extra:
                raise InputValidationError(
                    f"tool {self.tool_name!r}: unexpected argument(s) {_names(extra)} "
                    f"(expected {spec.signature_text()})",
                    path=f"$.{extra[0]}",
                    rule="additionalProperties",
                )
        error = best_match(spec.validator.iter_errors(_json_form(arguments)))
        if error is not None:
            where = _path_text(error.absolute_path)
            raise InputValidationError(
                f"tool {self.tool_name!r}: invalid argument {where}: {shorten(error.message)}",
                path="$"
                + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path),
                rule=str(error.validator),
            )
        for name, tp in spec.structured.items():
            if name in arguments and _is_plain_json(arguments[name]):
                arguments[name] = self._structure(name, arguments[name], tp)
        if spec.config_param is not None:
            arguments[spec.config_param] = config
        positional: list[Any] = []  # Any: argument values
        skipped: list[Any] = []  # defaults of omitted positional-only arguments, so far
        for name, default in spec.positional_only:
            if name in arguments:
                positional += [*skipped, arguments.pop(name)]
                skipped = []
            else:
                skipped.append(default)
        return positional, arguments

    def _structure(self, name: str, value: object, tp: Any) -> Any:  # Any: type form, value
        try:
            return json_converter().structure(value, tp)
        except Exception as exc:
            raise InputValidationError(
                f"tool {self.tool_name!r}: cannot read argument {name!r} = {shorten(value)} "
                f"as {getattr(tp, '__name__', tp)}: {exc}",
                path=f"$.{name}",
                rule="structure",
            ) from exc

    def _argument_dict(self, input: object) -> dict[str, Any]:
        spec = self._spec
        if isinstance(input, str):
            if spec.str_argument is None:
                raise InputValidationError(
                    f"tool {self.tool_name!r} takes {len(spec.names)} arguments "
                    f"({spec.signature_text()}); pass them as a dict, not the str "
                    f"{shorten(input, 80)!r}",
                    rule="type",
                )
            return {spec.str_argument: input}
        if not isinstance(input, Mapping):
            raise InputValidationError(
                f"tool {self.tool_name!r} expects a dict of arguments "
                f"({spec.signature_text()}), got {type(input).__name__}: {shorten(input)}",
                rule="type",
            )
        bad_keys = [k for k in input if not isinstance(k, str)]
        if bad_keys:
            raise InputValidationError(
                f"tool {self.tool_name!r}: argument names must be str, got {shorten(bad_keys)}",
                rule="type",
            )
        return dict(input)


# -- the decorator ------------------------------------------------------------------------------


@attrs.frozen
class _ToolFactory:
    """What ``@tool("name")`` and ``@tool(name=..., description=...)`` return."""

    name: str | None = None
    description: str | None = None
    handle_tool_error: ErrorHandler = False
    handle_validation_error: ErrorHandler = False

    @overload
    def __call__(self, func: Callable[..., Awaitable[T]], /) -> Tool[T]: ...

    @overload
    def __call__(self, func: Callable[..., T], /) -> Tool[T]: ...

    def __call__(self, func: Callable[..., Any], /) -> Tool[Any]:
        return Tool.from_function(
            func,
            self.name,
            self.description,
            handle_tool_error=self.handle_tool_error,
            handle_validation_error=self.handle_validation_error,
        )


@overload
def tool(func: Callable[..., Awaitable[T]], /) -> Tool[T]: ...


@overload
def tool(func: Callable[..., T], /) -> Tool[T]: ...


@overload
def tool(
    name: str,
    /,
    *,
    description: str | None = None,
    handle_tool_error: ErrorHandler = False,
    handle_validation_error: ErrorHandler = False,
) -> _ToolFactory: ...


@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    handle_tool_error: ErrorHandler = False,
    handle_validation_error: ErrorHandler = False,
) -> _ToolFactory: ...


def tool(
    func_or_name: Callable[..., Any] | str | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    handle_tool_error: ErrorHandler = False,
    handle_validation_error: ErrorHandler = False,
) -> Tool[Any] | _ToolFactory:
    """Make a :class:`Tool` of a function: ``@tool``, ``@tool("name")``, ``@tool(name=...)``.

    >>> @tool("search", description="Look a query up.")
    ... async def look_up(query: str) -> list[str]:
    ...     return [query]
    >>> look_up.get_name(), look_up.invoke("lcel")
    ('search', ['lcel'])
    """
    handlers = {
        "handle_tool_error": handle_tool_error,
        "handle_validation_error": handle_validation_error,
    }
    if func_or_name is None:
        return _ToolFactory(name, description, **handlers)
    if isinstance(func_or_name, str):
        if name is not None:
            raise TypeError(f"tool name given twice: {func_or_name!r} and name={name!r}")
        return _ToolFactory(func_or_name, description, **handlers)
    return Tool.from_function(func_or_name, name, description, **handlers)


# -- reading a signature --------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Spec:
    """What a tool needs to know about its function, computed once per tool."""

    names: tuple[str, ...]  # the arguments, in signature order
    required: tuple[str, ...]
    positional_only: tuple[tuple[str, Any], ...]  # Any: (name, default) pairs
    accepts_extra: bool  # the function takes **kwargs
    config_param: str | None
    is_async: bool
    schema: JsonSchema
    validator: Draft202012Validator
    structured: Mapping[str, Any]  # Any: type forms of the arguments JSON is structured into
    input_type: Any  # Any: a runtime TypedDict class
    output_type: Any  # Any: a type form

    @classmethod
    def of(cls, func: Callable[..., Any], tool_name: str) -> _Spec:  # Any: any signature
        try:
            signature = inspect.signature(func)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"cannot read the signature of {quoted(func)}: {exc}") from exc
        hints = _type_hints(func, tool_name)
        names: list[str] = []
        required: list[str] = []
        positional_only: list[tuple[str, Any]] = []
        defaults: dict[str, Any] = {}  # Any: default values
        fields: dict[str, Any] = {}  # Any: type forms
        structured: dict[str, Any] = {}  # Any: type forms
        accepts_extra = False
        config_param: str | None = None
        for param in signature.parameters.values():
            if param.kind is param.VAR_POSITIONAL:
                raise TypeError(
                    f"tool {tool_name!r}: *{param.name} cannot be passed by name; "
                    "use named parameters"
                )
            if param.kind is param.VAR_KEYWORD:
                accepts_extra = True
                continue
            hint = hints.get(param.name, Any)
            if _strip_annotated(hint) is RunnableConfig:
                config_param = param.name
                continue
            names.append(param.name)
            if param.kind is param.POSITIONAL_ONLY:
                positional_only.append((param.name, param.default))
            if param.default is param.empty:
                required.append(param.name)
                fields[param.name] = hint
            else:
                defaults[param.name] = param.default
                fields[param.name] = NotRequired[hint]
            if _needs_structuring(_strip_annotated(hint)):
                structured[param.name] = _strip_annotated(hint)
        input_type = _make_typeddict(tool_name, fields)
        schema = _arguments_schema(input_type, tool_name, defaults, accepts_extra=accepts_extra)
        return cls(
            names=tuple(names),
            required=tuple(required),
            positional_only=tuple(positional_only),
            accepts_extra=accepts_extra,
            config_param=config_param,
            is_async=_is_async(func),
            schema=schema,
            validator=Draft202012Validator(schema),
            structured=structured,
            input_type=input_type,
            output_type=hints.get("return", Any),
        )

    @property
    def str_argument(self) -> str | None:
        """The argument a plain str input fills: the only required one, or the only one."""
        if len(self.required) == 1:
            return self.required[0]
        if len(self.names) == 1:
            return self.names[0]
        return None

    def signature_text(self) -> str:
        """``x: integer, y?: string`` (``?``: optional) for error messages."""
        parts = []
        for name in self.names:
            optional = "" if name in self.required else "?"
            parts.append(f"{name}{optional}: {_describe(self.schema['properties'][name])}")
        return ", ".join(parts) or "no arguments"


def _arguments_schema(
    input_type: Any,  # Any: a runtime TypedDict
    tool_name: str,
    defaults: Mapping[str, Any],  # Any: default values
    *,
    accepts_extra: bool,
) -> JsonSchema:
    """The schema of the argument dict: the TypedDict's, plus defaults and closedness."""
    try:
        schema = schema_for_type(input_type, title=tool_name)
    except UnsupportedTypeError as exc:
        raise TypeError(f"tool {tool_name!r}: an argument type has no JSON form: {exc}") from exc
    schema.pop("description", None)  # a TypedDict's own doc, not the tool's
    for name, default in defaults.items():
        value = to_json_value(json_converter().unstructure(default))
        if _is_plain_json(value):
            schema["properties"][name]["default"] = value
    schema.setdefault("required", [])
    if not accepts_extra:
        schema["additionalProperties"] = False
    Draft202012Validator.check_schema(schema)
    return schema


def _describe(schema: JsonSchema) -> str:
    """A short human reading of a schema: ``array of integer``, ``string | null``."""
    if "anyOf" in schema:
        return " | ".join(_describe(s) for s in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    kind = schema.get("type")
    if kind == "array" and "items" in schema:
        return f"array of {_describe(schema['items'])}"
    return str(kind) if kind else "any"


def _type_hints(func: Callable[..., Any], tool_name: str) -> dict[str, Any]:  # Any: type forms
    target: Any = func  # Any: whatever callable holds the annotations
    while isinstance(target, functools.partial):
        target = target.func
    if not (inspect.isfunction(target) or inspect.ismethod(target)) and callable(target):
        target = getattr(target, "__call__", target)  # noqa: B004  (a callable object)
    try:
        return typing.get_type_hints(target, include_extras=True)
    except Exception as exc:
        raise TypeError(f"tool {tool_name!r}: cannot resolve the type hints: {exc}") from exc


def _is_async(func: Callable[..., Any]) -> bool:
    target: Any = func  # Any: whatever callable
    while isinstance(target, functools.partial):
        target = target.func
    return inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(
        getattr(target, "__call__", None)  # noqa: B004  (a callable object)
    )


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _strip_annotated(tp: Any) -> Any:  # Any: type forms
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    return tp


_make_typeddict: Any = TypedDict  # Any: called with a runtime name, which mypy cannot check

_PLAIN = (str, int, float, bool, type(None))
_AS_IS = (*_PLAIN, bytes, object)


def _is_plain_json(value: object) -> bool:
    """True for JSON data (what a model sends): dicts with str keys, lists, scalars."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, list):
        return all(_is_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain_json(v) for k, v in value.items())
    return False


def _needs_structuring(tp: Any) -> bool:  # Any: a type form
    """Whether JSON data for ``tp`` must be structured into Python values (an attrs class,
    a datetime, a tuple…) rather than passed as it is (str, int, list[str], dict…)."""
    tp = _strip_annotated(tp)
    if tp is Any or tp in _AS_IS:
        return False
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return False
    if origin in (tuple, set, frozenset) or tp in (tuple, set, frozenset):
        return True
    if origin is not None:
        return any(_needs_structuring(a) for a in args if a is not Ellipsis)
    if typing.is_typeddict(tp):
        return any(_needs_structuring(t) for t in typing.get_type_hints(tp).values())
    return isinstance(tp, type) and not issubclass(tp, list | dict)


def _names(names: list[str]) -> str:
    return shorten(", ".join(repr(n) for n in names), 300) if names else "no arguments"


def _path_text(path: Any) -> str:  # Any: jsonschema's deque of str/int
    parts = list(path)
    if not parts:
        return "(the argument dict)"
    head, rest = parts[0], parts[1:]
    tail = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)
    return f"'{head}{tail}'"


def _json_form(arguments: Mapping[str, Any]) -> Any:  # Any: argument values, then JSON data
    """The arguments as JSON data (attrs values as dicts, datetimes as ISO strings…): the
    form the schema describes, whether they came from a model as JSON or from Python."""
    return to_json_value(json_converter().unstructure(dict(arguments)))
