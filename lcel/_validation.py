"""Boundary validation: check a runnable's input against its JSON Schema before it runs.

:func:`with_validation` wraps a runnable so that bad input fails fast with an
:class:`~lcel.errors.InputValidationError` naming the JSON path of the bad value and the
failing schema rule, instead of failing somewhere deep inside the pipeline. The ``lcel``
command checks its input with the same :class:`SchemaCheck` before anything runs.

Input that is JSON data (dicts, lists, strings, numbers…, as read from a JSON text) is
validated, then *structured* into the runnable's input type with the project's ``cattrs``
converter: a dict becomes the attrs class, the ``TypedDict`` values become their classes, the
branch of a union is the first whose schema the data matches. Input that already holds Python
values (messages, prompt values…) is validated in its unstructured form and passed on as is.

>>> from lcel import RunnableLambda
>>> def shout(text: str) -> str:
...     return text.upper()
>>> safe = with_validation(RunnableLambda(shout))
>>> safe.invoke("hi")
'HI'
>>> try:
...     safe.invoke(3)
... except InputValidationError as error:
...     print(error.path, error.rule)
$ type
"""

from __future__ import annotations

import enum
import functools
import re
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import jsonschema
import typing_extensions
from jsonschema.exceptions import ValidationError, best_match

from lcel._chunks import combine
from lcel._jsonschema import (
    JsonSchema,
    json_converter,
    runnable_input_schema,
    runnable_output_schema,
    schema_for_type,
    to_json_value,
)
from lcel._runnable import Runnable
from lcel._types import InT, InT_contra, OutT, OutT_co
from lcel.errors import InputValidationError, LcelError, quoted, shorten

if TYPE_CHECKING:
    from lcel._graph import GraphBuilder

__all__ = [
    "OutputValidationError",
    "RunnableValidated",
    "SchemaCheck",
    "with_validation",
]


class OutputValidationError(LcelError, ValueError):
    """A runnable produced output that does not match its output schema.

    ``path`` and ``rule`` as in :class:`~lcel.errors.InputValidationError`.
    """

    def __init__(self, message: str, *, path: str = "$", rule: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.rule = rule


def with_validation(
    runnable: Runnable[InT, OutT], *, validate_output: bool = False
) -> RunnableValidated[InT, OutT]:
    """``runnable`` behind a check of its input (and, if asked, its output) against its
    JSON Schema; see the module docstring. The schemas are built here, once, so a type
    with no JSON form fails now rather than on the first call."""
    return RunnableValidated(runnable, validate_output=validate_output)


@attrs.frozen(eq=False)
class SchemaCheck:
    """One schema, compiled: validates JSON data and reports the first relevant failure."""

    schema: JsonSchema
    label: str
    validator: jsonschema.Draft202012Validator = attrs.field(repr=False)

    @classmethod
    def of(cls, schema: JsonSchema) -> SchemaCheck:
        """Compile ``schema`` (draft 2020-12, formats checked where jsonschema can)."""
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        return cls(schema, str(schema.get("title", "schema")), validator)

    def is_valid(self, data: Any) -> bool:  # Any: JSON data
        """Whether ``data`` matches."""
        return bool(self.validator.is_valid(data))

    def first_error(self, data: Any) -> tuple[str, str, str] | None:  # Any: JSON data
        """``(path, rule, message)`` of the most relevant failure, or ``None`` when valid."""
        error = best_match(self.validator.iter_errors(data))
        if error is None:
            return None
        return _describe(error)


@attrs.frozen(repr=False)
class RunnableValidated(Runnable[InT_contra, OutT_co]):
    """``inner`` behind a JSON Schema check of its input (and optionally its output).

    Make one with :func:`with_validation`. A wrapper node the interpreter runs
    (``lcel._interpreter.kinds.validation``): streaming passes through to ``inner``; with
    ``validate_output`` a stream's chunks are checked once combined, at its end.
    """

    _kind_module: ClassVar[str] = "lcel._interpreter.kinds.validation"  # handlers: on first use

    inner: Runnable[InT_contra, OutT_co]
    validate_output: bool = attrs.field(default=False, kw_only=True)
    _input_check: SchemaCheck = attrs.field(init=False, eq=False, hash=False, repr=False)
    _output_check: SchemaCheck | None = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.inner, Runnable):
            raise TypeError(
                f"with_validation needs a Runnable, got {type(self.inner).__name__}: "
                f"{shorten(self.inner, 80)}"
            )
        object.__setattr__(self, "_input_check", SchemaCheck.of(runnable_input_schema(self.inner)))
        output = (
            SchemaCheck.of(runnable_output_schema(self.inner)) if self.validate_output else None
        )
        object.__setattr__(self, "_output_check", output)

    def __repr__(self) -> str:
        extra = ", validate_output=True" if self.validate_output else ""
        return f"RunnableValidated({self.inner!r}{extra})"

    # -- what schemas and graphs see: the inner runnable ----------------------------------------

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The inner runnable's input type."""
        return self.inner.input_type

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The inner runnable's output type."""
        return self.inner.output_type

    def _schema_input_owner(self) -> Runnable[Any, Any]:
        return self.inner._schema_input_owner()

    def _schema_output_owner(self) -> Runnable[Any, Any]:
        return self.inner._schema_output_owner()

    # -- checks ---------------------------------------------------------------------------------

    def check_input(self, value: Any) -> Any:  # Any: the input, then the inner's input
        """Validate ``value``; return what the inner runnable receives (see module docs)."""
        check = self._input_check
        if _is_json_data(value):
            _raise_on_error(check, value, self.inner, "input", InputValidationError)
            return structure(value, self.inner.input_type)
        data = _json_form(value, "input", self.inner)
        _raise_on_error(check, data, self.inner, "input", InputValidationError)
        return value

    def check_output(self, value: Any) -> Any:  # Any: the inner's output, unchanged
        """Validate ``value`` against the output schema when ``validate_output`` is set."""
        if self._output_check is not None:
            data = _json_form(value, "output", self.inner)
            _raise_on_error(self._output_check, data, self.inner, "output", OutputValidationError)
        return value

    # -- structure the interpreter and the graph read ---------------------------------------

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.inner,)

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.inner,)

    def _draw(self, graph: GraphBuilder) -> tuple[str, str] | None:
        # around a composite, the composite's nodes; around a leaf, one node
        return graph.expand(self.inner) if graph.is_composite(self.inner) else None

    def combined_output(self, chunks: list[Any]) -> Any:  # Any: stream chunks in, output out
        """The chunks added up, as ``invoke`` would have returned them: message chunks become
        the complete message (the output schema describes ``AIMessage``, not its chunks)."""
        combined = combine(chunks)
        to_message = getattr(combined, "to_message", None)
        return to_message() if callable(to_message) else combined


# -- structuring ---------------------------------------------------------------------------------

_ANNOTATED = {typing.Annotated, typing_extensions.Annotated}
_KEY_QUALIFIERS = {
    q
    for name in ("Required", "NotRequired", "ReadOnly")
    for q in (getattr(typing, name, None), getattr(typing_extensions, name, None))
    if q is not None
}


def structure(data: Any, tp: Any) -> Any:  # Any: JSON data in, a value of type `tp` out
    """Turn JSON data that matches ``schema_for_type(tp)`` into a value of type ``tp``.

    Containers, unions (first matching branch) and ``TypedDict``\\ s are handled here; every
    other type goes to the project converter. Raises :class:`InputValidationError` (rule
    ``"structure"``) when the converter refuses the data.
    """
    return _structure(data, tp, "$")


def _structure(data: Any, tp: Any, path: str) -> Any:  # Any: JSON data / type forms
    tp = _strip(tp)
    if tp is Any or tp is object or tp is None or tp is type(None):
        return data
    if isinstance(tp, typing.TypeVar):
        return data
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or origin is types.UnionType:
        for member in args:
            if _check_for(member).is_valid(data):
                return _structure(data, member, path)
        return data  # unreachable for validated data: the union's schema matched
    if typing_extensions.is_typeddict(origin or tp) and isinstance(data, Mapping):
        hints = typing.get_type_hints(origin or tp, include_extras=True)
        return {
            k: _structure(v, hints[k], _child(path, k)) if k in hints else v
            for k, v in data.items()
        }
    if origin in (list, tuple, set, frozenset) or (
        origin is not None and _is_abc_collection(origin)
    ):
        return _structure_collection(data, tp, origin, args, path)
    is_mapping = origin is dict or (origin is not None and _is_abc_mapping(origin))
    if is_mapping and isinstance(data, Mapping) and len(args) == 2:
        return {
            _structure_leaf(k, args[0], path): _structure(v, args[1], _child(path, k))
            for k, v in data.items()
        }
    return _structure_leaf(data, tp, path)


def _structure_collection(
    data: Any, tp: Any, origin: Any, args: tuple[Any, ...], path: str
) -> Any:  # Any: JSON data / type forms
    if not isinstance(data, list):
        return _structure_leaf(data, tp, path)
    if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
        if args == ((),):
            return ()
        return tuple(
            _structure(v, a, f"{path}[{i}]")
            for i, (v, a) in enumerate(zip(data, args, strict=False))
        )
    item = args[0] if args else Any
    items = [_structure(v, item, f"{path}[{i}]") for i, v in enumerate(data)]
    if origin is tuple:
        return tuple(items)
    if origin is frozenset:
        return frozenset(items)
    if origin is set or origin is typing.AbstractSet:
        return set(items)
    return items


def _structure_leaf(data: Any, tp: Any, path: str) -> Any:  # Any: JSON data / a type form
    if isinstance(tp, type) and issubclass(tp, str) and not issubclass(tp, enum.Enum):
        return data if isinstance(data, tp) else tp(data)
    try:
        return json_converter().structure(data, tp)
    except InputValidationError:
        raise
    except Exception as exc:
        raise InputValidationError(
            f"cannot build {_type_name(tp)} from {shorten(data, 80)} at {path}: "
            f"{shorten(str(exc), 300)}",
            path=path,
            rule="structure",
        ) from exc


def _structure_key(key: Any, tp: Any, path: str) -> Any:  # Any: a JSON key / a type form
    """JSON keys are strings: an ``int`` key is parsed (its schema pattern was checked)."""
    tp = _strip(tp)
    if tp is int and isinstance(key, str):
        return int(key)
    if tp is bool and isinstance(key, str):
        return key == "true"
    return _structure_leaf(key, tp, path)


def _is_abc_collection(origin: Any) -> bool:  # Any: a generic origin
    import collections.abc as cabc

    return origin in (
        cabc.Sequence,
        cabc.MutableSequence,
        cabc.Collection,
        cabc.Iterable,
        cabc.Set,
        cabc.MutableSet,
    )


def _is_abc_mapping(origin: Any) -> bool:  # Any: a generic origin
    import collections.abc as cabc

    return origin in (cabc.Mapping, cabc.MutableMapping)


def _strip(tp: Any) -> Any:  # Any: type forms
    while True:
        origin = typing.get_origin(tp)
        if origin in _ANNOTATED or origin in _KEY_QUALIFIERS:
            tp = typing.get_args(tp)[0]
        elif isinstance(tp, typing.NewType):
            tp = tp.__supertype__
        else:
            return tp


def _check_for(tp: Any) -> SchemaCheck:  # Any: a type form
    try:
        hash(tp)
    except TypeError:  # an unhashable type form (Annotated with a dict): no cache
        return SchemaCheck.of(schema_for_type(tp))
    return _cached_check(tp, repr(tp))  # repr: unions compare equal in any order


@functools.lru_cache(maxsize=256)
def _cached_check(tp: Any, spelling: str) -> SchemaCheck:  # Any: a type form
    return SchemaCheck.of(schema_for_type(tp))


def _type_name(tp: Any) -> str:  # Any: a type form
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


# -- helpers -------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _child(path: str, key: Any) -> str:  # Any: a mapping key or a list index
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    text = str(key)
    if _IDENTIFIER.match(text):
        return f"{path}.{text}"
    return f"{path}[{quoted(text, 100)}]"


def _describe(error: ValidationError) -> tuple[str, str, str]:
    path = "$"
    for part in error.absolute_path:
        path = _child(path, part)
    rule = str(error.validator)
    message = _short_message(error)
    if rule == "required" and isinstance(error.instance, Mapping):
        required: list[str] = list(error.validator_value)  # type: ignore[arg-type]
        missing = [k for k in required if k not in error.instance]
        if missing:
            path = _child(path, missing[0])
            received = shorten(sorted(map(str, error.instance)))
            message = f"missing required key {quoted(missing[0])} (received keys: {received})"
    return path, rule, message


def _short_message(error: ValidationError) -> str:
    """jsonschema's message with the offending value quoted short: it quotes the whole
    instance (a 5 MB string would make a 5 MB message), and maybe keys of it."""
    message = error.message
    if len(message) <= _MESSAGE_LIMIT:
        return message
    try:
        whole = repr(error.instance)
    except Exception:  # a repr that fails: cut the message alone
        whole = ""
    if len(whole) > 200:
        message = message.replace(whole, shorten(whole))
    return shorten(message, _MESSAGE_LIMIT)


_MESSAGE_LIMIT = 500


def _raise_on_error(
    check: SchemaCheck,
    data: Any,  # Any: JSON data
    inner: Runnable[Any, Any],
    what: str,
    error_type: type[InputValidationError] | type[OutputValidationError],
) -> None:
    found = check.first_error(data)
    if found is None:
        return
    path, rule, message = found
    raise error_type(
        f"invalid {what} for {inner.get_name()} ({check.label}) at {path}: {message} "
        f"[rule: {rule}]",
        path=path,
        rule=rule,
    )


def _json_form(value: Any, what: str, inner: Runnable[Any, Any]) -> Any:  # Any: values / JSON
    try:
        return to_json_value(json_converter().unstructure(value))
    except Exception as exc:
        error = InputValidationError if what == "input" else OutputValidationError
        raise error(
            f"invalid {what} for {inner.get_name()}: cannot serialise "
            f"{type(value).__name__} {shorten(value, 80)}: {shorten(str(exc), 300)}",
            rule="serialise",
        ) from exc


def _is_json_data(value: Any) -> bool:  # Any: any value
    if value is None or isinstance(value, str | bool | int | float):
        return not isinstance(value, enum.Enum)
    if type(value) is list:
        return all(_is_json_data(v) for v in value)
    if type(value) is dict:
        return all(isinstance(k, str) and _is_json_data(v) for k, v in value.items())
    return False
