"""One ``cattrs`` converter that turns lcel values into JSON-ready data and back.

Tagged classes (every message, prompt values, and whatever other modules register with
:func:`register_tagged`) unstructure to dicts carrying a ``"type"`` tag, so a list of mixed
messages reads back as the right classes:

>>> from lcel.messages import AIMessage, BaseMessage, HumanMessage
>>> data = to_jsonable([HumanMessage("hi"), AIMessage("hello")])
>>> [d["type"] for d in data]
['human', 'ai']
>>> from_jsonable(data, list[BaseMessage])
[HumanMessage(content='hi'), AIMessage(content='hello')]

Other modules register their classes on :data:`converter` (``register_tagged(Document)``),
never on a converter of their own.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar, overload

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from lcel.errors import InputValidationError, LcelError, quoted, shorten
from lcel.messages import (
    MESSAGE_CLASSES,
    BaseMessage,
    MessageContent,
)

__all__ = [
    "converter",
    "to_jsonable",
    "from_jsonable",
    "register_tagged",
    "register_tagged_base",
    "tag_of",
    "tagged_classes",
    "tagged_bases",
    "describe_error",
]

_T = TypeVar("_T")

converter = cattrs.Converter(
    unstruct_collection_overrides={tuple: list, Sequence: list, AbstractSet: list}
)
"""The converter every lcel module registers its classes on."""

_CLASS_BY_TAG: dict[str, type] = {}
_TAG_BY_CLASS: dict[type, str] = {}


def tag_of(cls: type) -> str | None:
    """The ``"type"`` tag of ``cls`` (or of its nearest registered base), if any."""
    for klass in cls.__mro__:
        tag = _TAG_BY_CLASS.get(klass)
        if tag is not None:
            return tag
    return None


_UNSTRUCTURE_FNS: dict[type, Callable[[Any], dict[str, Any]]] = {}
_STRUCTURE_FNS: dict[type, Callable[[Mapping[str, Any], Any], Any]] = {}


def _unstructure_fields(cls: type) -> Callable[[Any], dict[str, Any]]:
    fn = _UNSTRUCTURE_FNS.get(cls)
    if fn is None:
        fn = _UNSTRUCTURE_FNS[cls] = make_dict_unstructure_fn(cls, converter)
    return fn


def _structure_fields(cls: type) -> Callable[[Mapping[str, Any], Any], Any]:
    fn = _STRUCTURE_FNS.get(cls)
    if fn is None:
        fn = _STRUCTURE_FNS[cls] = make_dict_structure_fn(cls, converter)
    return fn


def _unstructure_tagged(value: Any) -> dict[str, Any]:  # Any: any registered class
    cls = type(value)
    return {"type": tag_of(cls), **_unstructure_fields(cls)(value)}


def _structure_tagged(data: Any, target: Any) -> Any:  # Any: JSON data in, a value out
    """Structure ``data`` as the registered class its tag names, checked against ``target``
    (a class or a union of classes)."""
    members: tuple[type, ...] = (
        tuple(typing.get_args(target)) if _is_union(target) else (target,)
    )
    if any(isinstance(data, m) for m in members):
        return data
    expected = " | ".join(m.__name__ for m in members)
    if not isinstance(data, Mapping):
        raise InputValidationError(
            f"expected a dict for {expected}, got {type(data).__name__}: {shorten(data)}"
        )
    tag = data.get("type")
    if tag is None:
        concrete = [m for m in members if m in _TAG_BY_CLASS]
        if len(concrete) != 1:
            raise InputValidationError(
                f"cannot tell which {expected} this is: the dict has no 'type' tag "
                f"(keys: {shorten(sorted(map(str, data)))})"
            )
        cls = concrete[0]
    else:
        found = _CLASS_BY_TAG.get(tag) if isinstance(tag, str) else None
        if found is None or not any(issubclass(found, m) for m in members):
            allowed = sorted(t for t, c in _CLASS_BY_TAG.items()
                             if any(issubclass(c, m) for m in members))
            raise InputValidationError(
                f"unknown 'type' tag {quoted(tag)} for {expected}; expected one of {allowed}"
            )
        cls = found
    return _structure_fields(cls)({k: v for k, v in data.items() if k != "type"}, cls)


def _is_union(tp: Any) -> bool:  # Any: a type form
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _is_tagged_union(tp: Any) -> bool:  # Any: a type form
    if not _is_union(tp):
        return False
    args = typing.get_args(tp)
    return all(isinstance(a, type) and tag_of(a) is not None for a in args) or all(
        isinstance(a, type) and a in _TAGGED_BASES for a in args
    )


_TAGGED_BASES: set[type] = set()


def register_tagged(cls: type, tag: str | None = None) -> None:
    """Register an attrs class on :data:`converter` as a tagged member (``tag`` defaults to
    ``cls.type`` when the class has a string ``type`` attribute, else to its name)."""
    if not attrs.has(cls):
        raise TypeError(f"register_tagged needs an attrs class, got {quoted(cls)}")
    if tag is None:
        declared = getattr(cls, "type", None)
        tag = declared if isinstance(declared, str) else cls.__name__
    previous = _CLASS_BY_TAG.get(tag)
    if previous is not None and previous is not cls:
        raise ValueError(f"tag {quoted(tag)} is already registered for {previous.__qualname__}")
    _CLASS_BY_TAG[tag] = cls
    _TAG_BY_CLASS[cls] = tag
    converter.register_unstructure_hook(cls, _unstructure_tagged)
    converter.register_structure_hook(cls, _structure_tagged)


def tagged_classes() -> dict[str, type]:
    """Every registered tagged class by its tag (a copy), e.g. ``{"human": HumanMessage, …}``."""
    return dict(_CLASS_BY_TAG)


def tagged_bases() -> frozenset[type]:
    """The abstract bases registered with :func:`register_tagged_base` (``BaseMessage``…)."""
    return frozenset(_TAGGED_BASES)


def register_tagged_base(base: type) -> None:
    """Register an abstract ``base`` whose registered subclasses are chosen by tag, so a field
    typed ``base`` (or ``list[base]``) round-trips whatever subclass it holds."""
    _TAGGED_BASES.add(base)
    converter.register_unstructure_hook(base, _unstructure_tagged)
    converter.register_structure_hook(base, _structure_tagged)


def _structure_content(data: Any, _tp: Any) -> MessageContent:  # Any: JSON data
    if isinstance(data, str):
        return data
    if isinstance(data, list) and all(isinstance(p, str | dict) for p in data):
        return list(data)
    raise InputValidationError(
        "message content must be a str or a list of str/dict parts, got "
        f"{type(data).__name__}: {shorten(data)}"
    )


def _structure_any(data: Any, _tp: Any) -> Any:  # Any: passed through unchanged
    return data


converter.register_structure_hook_func(lambda tp: tp == MessageContent, _structure_content)
converter.register_structure_hook_func(_is_tagged_union, _structure_tagged)
converter.register_structure_hook(Any, _structure_any)
converter.register_unstructure_hook(uuid.UUID, str)
converter.register_structure_hook(uuid.UUID, lambda data, _tp: uuid.UUID(str(data)))
converter.register_unstructure_hook(datetime.datetime, datetime.datetime.isoformat)
converter.register_structure_hook(
    datetime.datetime, lambda data, _tp: datetime.datetime.fromisoformat(str(data))
)

# The JSON forms the schema converter promises: base64 bytes, ISO dates and times, and
# decimals as strings (exact, unlike floats).
converter.register_unstructure_hook(bytes, lambda b: base64.b64encode(b).decode("ascii"))
converter.register_structure_hook(bytes, lambda data, _tp: _b64decode(data))
converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
converter.register_structure_hook(
    datetime.date, lambda data, _tp: datetime.date.fromisoformat(str(data))
)
converter.register_unstructure_hook(datetime.time, datetime.time.isoformat)
converter.register_structure_hook(
    datetime.time, lambda data, _tp: datetime.time.fromisoformat(str(data))
)
converter.register_unstructure_hook(decimal.Decimal, str)
converter.register_structure_hook(decimal.Decimal, lambda data, _tp: decimal.Decimal(str(data)))


def _b64decode(data: Any) -> bytes:  # Any: JSON data
    if isinstance(data, bytes):
        return data
    try:
        return base64.b64decode(str(data), validate=True)
    except ValueError as exc:
        raise InputValidationError(f"expected a base64 string, got {shorten(data)}") from exc


register_tagged_base(BaseMessage)
for _cls in MESSAGE_CLASSES:
    register_tagged(_cls)


def describe_error(exc: BaseException) -> list[str]:
    """Short ``what @ where`` lines for a structuring error (cattrs' groups flattened)."""
    if isinstance(exc, cattrs.BaseValidationError):
        return cattrs.transform_error(exc, path="$", format_exception=_format_exception)
    return [str(exc)]


def _format_exception(exc: BaseException, tp: type | None) -> str:
    if isinstance(exc, LcelError):
        return str(exc)
    return cattrs.v.format_exception(exc, tp)


def to_jsonable(value: object) -> Any:  # Any: JSON-ready data of whatever shape `value` has
    """Unstructure ``value`` (messages, attrs values, lists, dicts…) to JSON-ready data."""
    return converter.unstructure(value)


@overload
def from_jsonable(data: object, tp: type[_T]) -> _T: ...


@overload
def from_jsonable(data: object, tp: Any) -> Any: ...  # Any: a type form such as a union


def from_jsonable(data: object, tp: Any) -> Any:  # Any: see the overloads
    """Structure JSON data into ``tp`` (``list[BaseMessage]``, ``AIMessage``, an attrs class…).

    Raises :class:`InputValidationError` saying what is wrong where:

    >>> from_jsonable({"type": "human"}, BaseMessage)
    Traceback (most recent call last):
    ...
    lcel.errors.InputValidationError: cannot read BaseMessage from {'type': 'human'}: \
required field missing @ $.content
    """
    try:
        return converter.structure(data, tp)
    except cattrs.BaseValidationError as exc:
        name = getattr(tp, "__name__", None) or repr(tp)
        raise InputValidationError(
            f"cannot read {name} from {shorten(data)}: "
            f"{shorten('; '.join(describe_error(exc)), 300)}"
        ) from exc
