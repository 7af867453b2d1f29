"""Python type forms to JSON Schema (draft 2020-12): one converter for every schema lcel emits.

A runnable's ``input_schema`` / ``output_schema``, the boundary validation of
``Runnable.with_validation()`` and the files written by ``python -m codegen`` all come from
:func:`schema_for_type`. The schema describes the *JSON form* of a value, the one the
project's ``cattrs`` converter produces: ``bytes`` are base64 strings, datetimes ISO-8601
strings, tuples and sets arrays, attrs classes objects keyed by attribute name.

Named classes (attrs classes, dataclasses, ``TypedDict``\\ s, ``NamedTuple``\\ s, enums) go to
``$defs`` and are referenced with ``{"$ref": "#/$defs/Name"}``, which is also how recursive
types are expressed. Output is deterministic: ``$defs`` sorted by name, properties in field
order.

>>> schema_for_type(list[int] | None)
{'anyOf': [{'type': 'array', 'items': {'type': 'integer'}}, {'type': 'null'}]}
"""

from __future__ import annotations

import collections
import collections.abc as cabc
import copy
import dataclasses
import datetime as dt
import decimal
import enum
import functools
import inspect
import json
import pathlib
import types
import typing
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeAlias

import attrs
import typing_extensions

from lcel.errors import LcelError

__all__ = [
    "JsonSchema",
    "UnsupportedTypeError",
    "property_title",
    "runnable_input_schema",
    "runnable_output_schema",
    "schema_for_type",
    "to_json_value",
    "json_converter",
    "iter_refs",
]

JsonSchema: TypeAlias = dict[str, Any]
"""A JSON Schema document or subschema: plain JSON data (``dict`` / ``list`` / scalars)."""

DEFS_PREFIX = "#/$defs/"


class UnsupportedTypeError(LcelError, TypeError):
    """A type form has no JSON Schema equivalent (a callable, an iterator, a plain class…).

    ``type_form`` is the offending type and ``where`` its position, e.g. ``Answer.sources[]``.
    """

    def __init__(self, message: str, *, type_form: Any = None, where: str = "") -> None:
        super().__init__(message)
        self.type_form = type_form
        self.where = where


# -- public entry points ----------------------------------------------------------------------


def schema_for_type(tp: Any, *, title: str | None = None) -> JsonSchema:  # Any: a type form
    """A self-contained JSON Schema (draft 2020-12) for values of type ``tp``.

    When ``tp`` is a named class, its object schema is inlined at the root (the other named
    classes stay in ``$defs``); a recursive root class stays in ``$defs`` and the root is a
    ``$ref`` to it. ``title`` replaces the root's title.

    Raises :class:`UnsupportedTypeError` for a type with no JSON form.

    >>> import attrs
    >>> @attrs.frozen
    ... class Joke:
    ...     setup: str
    ...     rating: int = 3
    >>> schema_for_type(Joke)["required"]
    ['setup']
    """
    if not _hashable(tp):  # e.g. Annotated with a dict of keywords: build, do not cache
        return _build_schema(tp, title)
    # typing compares unions and literals as sets (int | str == str | int), but the schema
    # lists members in order: the repr keeps the order apart in the cache key.
    return copy.deepcopy(_cached_schema(tp, repr(tp), title))


class RunnableSchema(dict[str, Any]):
    """A runnable's JSON Schema: a plain ``dict``, which also answers LangChain-era code that
    calls ``.schema()`` / ``.model_json_schema()`` on ``input_schema`` (as the seed page does).

    >>> RunnableSchema({"title": "XInput", "type": "string"}).schema()
    {'title': 'XInput', 'type': 'string'}
    """

    def schema(self) -> dict[str, Any]:
        """The schema as a plain dict (a copy)."""
        return copy.deepcopy(dict(self))

    def model_json_schema(self) -> dict[str, Any]:
        """Same as :meth:`schema` (pydantic 2's name)."""
        return self.schema()


def runnable_input_schema(runnable: Any) -> RunnableSchema:  # Any: duck-typed, any runnable-like
    """The input schema of ``runnable``: its ``input_type``, titled ``"<Name>Input"``.

    ``<Name>`` is the name of the runnable that owns the input (a sequence's first step, via
    ``_schema_input_owner()`` when the runnable has it): its ``_schema_title_stem()`` if it
    defines one (every prompt says ``"Prompt"``), else its ``get_name()``.
    """
    owner = _owner(runnable, "_schema_input_owner")
    return RunnableSchema(
        schema_for_type(runnable.input_type, title=f"{_title_stem(owner)}Input")
    )


def runnable_output_schema(runnable: Any) -> RunnableSchema:  # Any: duck-typed, any runnable-like
    """The output schema of ``runnable``: its ``output_type``, titled ``"<Name>Output"``
    where ``<Name>`` is the ``get_name()`` of the runnable that owns the output (a sequence's
    last step, via ``_schema_output_owner()``): ``ChatPromptTemplateOutput``, as LangChain
    titles it; only input titles take a ``_schema_title_stem()`` (``PromptInput``)."""
    owner = _owner(runnable, "_schema_output_owner")
    return RunnableSchema(
        schema_for_type(runnable.output_type, title=f"{owner.get_name()}Output")
    )


def property_title(name: str) -> str:
    """The title of a property, as pydantic spells it: ``"tool_call_id"`` → ``"Tool Call Id"``."""
    return name.replace("_", " ").strip().title()


def to_json_value(value: Any) -> Any:  # Any: JSON data in and out
    """Turn unstructured data into JSON data: tuples and sets become lists (sets sorted, so
    the result is deterministic), mapping keys become strings, enum members their values."""
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {_json_key(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        items = [to_json_value(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=repr))
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return value


# -- implementation ---------------------------------------------------------------------------


def _owner(runnable: Any, hook: str) -> Any:  # Any: duck-typed runnables
    find = getattr(runnable, hook, None)
    return find() if callable(find) else runnable


def _title_stem(runnable: Any) -> str:  # Any: duck-typed runnable
    stem = getattr(runnable, "_schema_title_stem", None)
    if callable(stem):
        return str(stem())
    return str(runnable.get_name())


@functools.lru_cache(maxsize=512)
def _cached_schema(tp: Any, spelling: str, title: str | None) -> JsonSchema:
    return _build_schema(tp, title)


def _build_schema(tp: Any, title: str | None) -> JsonSchema:
    builder = _Builder()
    root = builder.schema(tp, where="$")
    root = _inline_root(root, builder.defs)
    if title is not None:
        root = {"title": title, **{k: v for k, v in root.items() if k != "title"}}
    if builder.defs:
        root["$defs"] = {name: builder.defs[name] for name in sorted(builder.defs)}
    return root


def _inline_root(root: JsonSchema, defs: dict[str, JsonSchema]) -> JsonSchema:
    """Replace a root ``$ref`` by the class schema itself, unless the class is recursive."""
    ref = root.get("$ref")
    if not isinstance(ref, str) or not ref.startswith(DEFS_PREFIX):
        return root
    name = ref[len(DEFS_PREFIX) :]
    if any(_mentions_ref(schema, ref) for schema in defs.values()):
        return root
    body = defs.pop(name)
    extra = {k: v for k, v in root.items() if k != "$ref"}
    return {**body, **extra}


def _mentions_ref(node: Any, ref: str) -> bool:  # Any: JSON data
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_mentions_ref(v, ref) for v in node.values())
    if isinstance(node, list):
        return any(_mentions_ref(v, ref) for v in node)
    return False


def _json_key(key: Any) -> str:  # Any: a mapping key of any type
    if isinstance(key, enum.Enum):
        key = key.value
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _qualifiers(name: str) -> frozenset[Any]:
    return frozenset(
        q for q in (getattr(typing, name, None), getattr(typing_extensions, name, None)) if q
    )


_ANNOTATED = _qualifiers("Annotated")
_LITERAL = _qualifiers("Literal")
_REQUIRED = _qualifiers("Required")
_NOT_REQUIRED = _qualifiers("NotRequired")
_KEY_QUALIFIERS = _REQUIRED | _NOT_REQUIRED | _qualifiers("ReadOnly")
_FIELD_QUALIFIERS = _KEY_QUALIFIERS | _qualifiers("ClassVar") | _qualifiers("Final")
_ANY = frozenset({Any, typing_extensions.Any, object})
_NEVER = _qualifiers("Never") | _qualifiers("NoReturn")
_LITERAL_STRING = _qualifiers("LiteralString")

_ARRAY_ORIGINS: frozenset[Any] = frozenset(
    {
        list,
        collections.deque,
        cabc.Sequence,
        cabc.MutableSequence,
        cabc.Collection,
        cabc.Iterable,
    }
)
_SET_ORIGINS: frozenset[Any] = frozenset({set, frozenset, cabc.Set, cabc.MutableSet})
_MAPPING_ORIGINS: frozenset[Any] = frozenset(
    {
        dict,
        collections.OrderedDict,
        collections.defaultdict,
        cabc.Mapping,
        cabc.MutableMapping,
    }
)

_SCALARS: tuple[tuple[type, JsonSchema], ...] = (
    # Order matters: bool before int, datetime before date (subclasses first).
    (bool, {"type": "boolean"}),
    (int, {"type": "integer"}),
    (float, {"type": "number"}),
    (str, {"type": "string"}),
    (bytes, {"type": "string", "contentEncoding": "base64"}),
    (bytearray, {"type": "string", "contentEncoding": "base64"}),
    (dt.datetime, {"type": "string", "format": "date-time"}),
    (dt.date, {"type": "string", "format": "date"}),
    (dt.time, {"type": "string", "format": "time"}),
    (uuid.UUID, {"type": "string", "format": "uuid"}),
    (decimal.Decimal, {"type": "string", "format": "decimal"}),
    (pathlib.PurePath, {"type": "string", "format": "path"}),
)

# Attribute names of simple constraint objects (the ``annotated_types`` spelling), duck-typed.
_NUMBER_CONSTRAINTS = {
    "gt": "exclusiveMinimum",
    "ge": "minimum",
    "lt": "exclusiveMaximum",
    "le": "maximum",
    "multiple_of": "multipleOf",
}
_LENGTH_KEYWORDS = {
    "string": ("minLength", "maxLength"),
    "array": ("minItems", "maxItems"),
    "object": ("minProperties", "maxProperties"),
}


@attrs.define
class _Builder:
    """One schema build: the ``$defs`` found so far and the names given to classes."""

    defs: dict[str, JsonSchema] = attrs.Factory(dict)
    names: dict[Any, str] = attrs.Factory(dict)  # type form -> its $defs name
    owners: dict[str, Any] = attrs.Factory(dict)  # $defs name -> type form

    # -- dispatch -----------------------------------------------------------------------------

    def schema(self, tp: Any, where: str) -> JsonSchema:  # Any: a type form
        if _hashable(tp) and tp in _ANY:
            return {}
        if tp is None or tp is type(None):
            return {"type": "null"}
        if isinstance(tp, typing.TypeVar):
            return self._typevar(tp, where)
        if isinstance(tp, typing.NewType):
            return self.schema(tp.__supertype__, where)
        if isinstance(tp, str | typing.ForwardRef):
            name = tp if isinstance(tp, str) else tp.__forward_arg__
            raise UnsupportedTypeError(
                f"{where}: unresolved forward reference {name!r}; define the type at module "
                "level so its annotations can be resolved",
                type_form=tp,
                where=where,
            )
        if _hashable(tp):
            if tp in _NEVER:
                return {"not": {}}
            if tp in _LITERAL_STRING:
                return {"type": "string"}
        origin = typing.get_origin(tp)
        if origin is not None:
            return self._generic(tp, origin, where)
        if isinstance(tp, type):
            return self._class(tp, where)
        raise UnsupportedTypeError(
            f"{where}: {tp!r} is not a type lcel can describe in JSON Schema",
            type_form=tp,
            where=where,
        )

    def _typevar(self, tp: typing.TypeVar, where: str) -> JsonSchema:
        if tp.__bound__ is not None:
            return self.schema(tp.__bound__, where)
        if tp.__constraints__:
            return self._union(tp.__constraints__, where)
        return {}

    def _generic(self, tp: Any, origin: Any, where: str) -> JsonSchema:  # Any: type forms
        args = typing.get_args(tp)
        if origin in _ANNOTATED:
            return self._annotated(args[0], tp.__metadata__, where)
        if origin in _FIELD_QUALIFIERS:
            return self.schema(args[0], where)
        if origin in _LITERAL:
            return _literal_schema(args, where)
        if origin is typing.Union or origin is types.UnionType:
            return self._union(args, where)
        if isinstance(origin, type) and _is_named_class(origin):
            return self._named(tp, where)
        if origin in _ARRAY_ORIGINS:
            return self._array(args[0] if args else Any, where)
        if origin is tuple:
            if tp is typing.Tuple:  # noqa: UP006  (the bare alias means tuple[Any, ...])
                return self._array(Any, where)
            return self._tuple(args, where)
        if origin in _SET_ORIGINS:
            return {**self._array(args[0] if args else Any, where), "uniqueItems": True}
        if origin is collections.Counter:
            return self._mapping(args[0] if args else Any, int, where)
        if origin in _MAPPING_ORIGINS:
            key, value = (args[0], args[1]) if len(args) == 2 else (Any, Any)
            return self._mapping(key, value, where)
        raise UnsupportedTypeError(
            f"{where}: {tp!r} has no JSON form (expected data: scalars, collections, "
            "attrs classes, dataclasses, TypedDicts, enums)",
            type_form=tp,
            where=where,
        )

    def _class(self, cls: type, where: str) -> JsonSchema:
        family = _tagged_family(cls)
        if family:  # serde picks the class by its tag: any class of the family
            refs = [self._named(member, where) for member in family]
            return refs[0] if len(refs) == 1 else {"anyOf": refs}
        if _is_named_class(cls):
            return self._named(cls, where)
        for base, schema in _SCALARS:
            if issubclass(cls, base):
                return dict(schema)
        if cls in _ARRAY_ORIGINS:
            return self._array(Any, where)
        if cls is tuple:
            return self._array(Any, where)
        if cls in _SET_ORIGINS:
            return {**self._array(Any, where), "uniqueItems": True}
        if cls is collections.Counter:
            return self._mapping(Any, int, where)
        if cls in _MAPPING_ORIGINS:
            return {"type": "object"}
        raise UnsupportedTypeError(
            f"{where}: {cls.__module__}.{cls.__qualname__} has no JSON form; use an attrs "
            "class, a dataclass or a TypedDict for structured data",
            type_form=cls,
            where=where,
        )

    # -- structural forms ---------------------------------------------------------------------

    def _annotated(self, base: Any, metadata: tuple[Any, ...], where: str) -> JsonSchema:
        schema = dict(self.schema(base, where))
        for meta in metadata:
            if isinstance(meta, str):
                schema["description"] = inspect.cleandoc(meta)
            elif isinstance(meta, Mapping):
                schema.update(copy.deepcopy(dict(meta)))
            else:
                schema.update(_constraint_keywords(meta, schema))
        return schema

    def _union(self, members: tuple[Any, ...], where: str) -> JsonSchema:
        schemas: list[JsonSchema] = []
        for i, member in enumerate(members):
            schema = self.schema(member, f"{where}|{i}")
            if schema == {}:
                return {}  # Any absorbs the union
            # A member that is itself a bare union (a tagged family) joins this one.
            flat = schema["anyOf"] if list(schema) == ["anyOf"] else [schema]
            schemas.extend(s for s in flat if s not in schemas)
        if len(schemas) == 1:
            return schemas[0]
        return {"anyOf": schemas}

    def _array(self, item: Any, where: str) -> JsonSchema:
        items = self.schema(item, f"{where}[]")
        return {"type": "array", "items": items} if items else {"type": "array"}

    def _tuple(self, args: tuple[Any, ...], where: str) -> JsonSchema:
        if not args or args == ((),):  # tuple[()]: the empty tuple
            return {"type": "array", "maxItems": 0}
        if len(args) == 2 and args[1] is Ellipsis:
            return self._array(args[0], where)
        prefix = [self.schema(a, f"{where}[{i}]") for i, a in enumerate(args)]
        return {
            "type": "array",
            "prefixItems": prefix,
            "minItems": len(prefix),
            "maxItems": len(prefix),
        }

    def _mapping(self, key: Any, value: Any, where: str) -> JsonSchema:
        schema: JsonSchema = {"type": "object"}
        values = self.schema(value, f"{where}{{}}")
        if values:
            schema["additionalProperties"] = values
        names = self._key_schema(key, where)
        if names:
            schema["propertyNames"] = names
        return schema

    def _key_schema(self, key: Any, where: str) -> JsonSchema:
        """Keys are strings in JSON: constrain them to the spelling of the key type."""
        while typing.get_origin(key) in _ANNOTATED:
            key = typing.get_args(key)[0]
        if isinstance(key, typing.NewType):
            return self._key_schema(key.__supertype__, where)
        if (_hashable(key) and key in _ANY) or key is str:
            return {}
        if typing.get_origin(key) in _LITERAL:
            return {"enum": [_json_key(v) for v in _literal_values(typing.get_args(key), where)]}
        if isinstance(key, type) and issubclass(key, enum.Enum):
            return {"enum": [_json_key(m.value) for m in key]}
        if key is bool:
            return {"enum": ["false", "true"]}
        if isinstance(key, type) and issubclass(key, int):
            return {"pattern": r"^-?[0-9]+$"}
        if isinstance(key, type) and issubclass(key, uuid.UUID):
            return {"format": "uuid"}
        if isinstance(key, type) and issubclass(key, str):
            return {}
        raise UnsupportedTypeError(
            f"{where}: mapping keys of type {key!r} have no JSON form (use str, int, a Literal "
            "or an Enum)",
            type_form=key,
            where=where,
        )

    # -- named classes ------------------------------------------------------------------------

    def _named(self, tp: Any, where: str) -> JsonSchema:  # Any: a class or a generic alias
        name = self.names.get(tp)
        if name is None:
            name = self._reserve_name(tp)
            self.defs[name] = {}  # placeholder: a recursive reference finds the name taken
            self.defs[name] = self._class_schema(tp, where)
        return {"$ref": DEFS_PREFIX + name}

    def _reserve_name(self, tp: Any) -> str:
        origin: type = typing.get_origin(tp) or tp
        args = typing.get_args(tp)
        base = origin.__name__
        if args:
            base = base + "_" + "_".join(_arg_name(a) for a in args)
        candidates = [base, origin.__qualname__.replace(".", "_")]
        module = origin.__module__.replace(".", "_")
        candidates.append(f"{module}__{candidates[-1]}")
        for candidate in candidates:
            if candidate not in self.owners:
                break
        else:
            n = 2
            while f"{candidates[-1]}_{n}" in self.owners:
                n += 1
            candidate = f"{candidates[-1]}_{n}"
        self.owners[candidate] = tp
        self.names[tp] = candidate
        return candidate

    def _class_schema(self, tp: Any, where: str) -> JsonSchema:
        origin: type = typing.get_origin(tp) or tp
        args = typing.get_args(tp)
        title = origin.__name__
        if args:
            title += "[" + ", ".join(_arg_name(a, pretty=True) for a in args) + "]"
        schema: JsonSchema = {"title": title}
        description = _class_description(origin)
        if description:
            schema["description"] = description
        inner = title  # error positions inside a class start at its name
        if issubclass(origin, enum.Enum):
            schema.update(_enum_schema(origin, where))
        elif typing_extensions.is_typeddict(origin):
            schema.update(self._typeddict(origin, args, inner))
        elif attrs.has(origin):
            schema.update(self._fields(origin, args, _attrs_fields(origin), inner))
        elif dataclasses.is_dataclass(origin):
            schema.update(self._fields(origin, args, _dataclass_fields(origin), inner))
        else:  # a NamedTuple
            hints = _hints(origin, args, where)
            fields = origin._fields  # type: ignore[attr-defined]
            prefix = [self.schema(hints.get(f, Any), f"{inner}.{f}") for f in fields]
            for field_schema, field_name in zip(prefix, fields, strict=True):
                field_schema.setdefault("title", property_title(field_name))
            schema.update(
                {
                    "type": "array",
                    "prefixItems": prefix,
                    "minItems": len(prefix),
                    "maxItems": len(prefix),
                }
            )
        return schema

    def _fields(
        self, cls: type, args: tuple[Any, ...], fields: list[_Field], where: str
    ) -> JsonSchema:
        hints = _hints(cls, args, where)
        properties: JsonSchema = {}
        required: list[str] = []
        for field in fields:
            tp = hints.get(field.name, field.annotation)
            prop = self._property(field.name, tp, f"{where}.{field.name}")
            if field.description and "description" not in prop:
                prop["description"] = field.description
            if field.has_default:
                default = _json_default(field.default)
                if default is not _NO_DEFAULT:
                    prop["default"] = default
            else:
                required.append(field.name)
            properties[field.name] = prop
        tag = _serde_tag(cls)
        if tag is not None and "type" not in properties:
            # serde writes the class's tag as "type"; reading accepts it absent when the
            # target type leaves no choice, so it is not required (as in LangChain's schemas).
            properties["type"] = {
                "title": "Type",
                "const": tag,
                "enum": [tag],
                "type": "string",
                "default": tag,
            }
        out: JsonSchema = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        return out

    def _typeddict(self, td: type, args: tuple[Any, ...], where: str) -> JsonSchema:
        hints = _hints(td, args, where)
        required_keys: frozenset[str] = getattr(td, "__required_keys__", frozenset())
        properties: JsonSchema = {}
        required: list[str] = []
        for key, tp in hints.items():
            is_required = key in required_keys
            form = tp
            while typing.get_origin(form) in _KEY_QUALIFIERS | _ANNOTATED:
                if typing.get_origin(form) in _REQUIRED:
                    is_required = True
                elif typing.get_origin(form) in _NOT_REQUIRED:
                    is_required = False
                form = typing.get_args(form)[0]
            properties[key] = self._property(key, tp, f"{where}.{key}")
            if is_required:
                required.append(key)
        out: JsonSchema = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        extra = getattr(td, "__extra_items__", None)
        if getattr(td, "__closed__", False) and extra in (None, typing_extensions.NoExtraItems):
            out["additionalProperties"] = False
        elif extra is not None and extra is not typing_extensions.NoExtraItems:
            out["additionalProperties"] = self.schema(extra, f"{where}.*")
        return out

    def _property(self, name: str, tp: Any, where: str) -> JsonSchema:
        schema = self.schema(tp, where)
        return {"title": property_title(name), **schema}


# -- helpers on classes -----------------------------------------------------------------------

_NO_DEFAULT = object()


@attrs.frozen
class _Field:
    """What a schema needs from an attrs or dataclass field."""

    name: str
    annotation: Any  # Any: the field's raw annotation (a type form or a string)
    has_default: bool
    default: Any  # Any: the default value, or a zero-argument factory's result
    description: str | None


def _attrs_fields(cls: type) -> list[_Field]:
    out = []
    for a in attrs.fields(cls):
        if not a.init:
            continue
        default = a.default
        has_default = default is not attrs.NOTHING
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = _NO_DEFAULT if default.takes_self else _call_factory(default.factory)
        desc = a.metadata.get("description") if a.metadata else None
        out.append(
            _Field(a.name, a.type, has_default, default, desc if isinstance(desc, str) else None)
        )
    return out


def _dataclass_fields(cls: type) -> list[_Field]:
    out = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        default: Any = f.default
        has_default = True
        if default is dataclasses.MISSING:
            if f.default_factory is dataclasses.MISSING:
                has_default, default = False, None
            else:
                default = _call_factory(f.default_factory)  # type: ignore[arg-type]
        desc = f.metadata.get("description") if f.metadata else None
        out.append(
            _Field(f.name, f.type, has_default, default, desc if isinstance(desc, str) else None)
        )
    return out


def _call_factory(factory: Callable[[], Any]) -> Any:  # Any: whatever the factory makes
    try:
        return factory()
    except Exception:  # a factory needing context: the field simply has no default shown
        return _NO_DEFAULT


def _json_default(value: Any) -> Any:  # Any: a default value, then its JSON form
    if value is _NO_DEFAULT:
        return _NO_DEFAULT
    try:
        data = to_json_value(json_converter().unstructure(value))
        json.dumps(data, allow_nan=False)
    except Exception:  # a default with no JSON form (a function…): leave it out
        return _NO_DEFAULT
    return data


def _is_named_class(cls: type) -> bool:
    return (
        (isinstance(cls, type) and issubclass(cls, enum.Enum))
        or typing_extensions.is_typeddict(cls)
        or attrs.has(cls)
        or dataclasses.is_dataclass(cls)
        or (isinstance(cls, type) and issubclass(cls, tuple) and hasattr(cls, "_fields"))
    )


def _class_description(cls: type) -> str | None:
    """The first paragraph of the class's own docstring (not an inherited or generated one)."""
    doc = cls.__dict__.get("__doc__")
    if not isinstance(doc, str) or not doc.strip():
        return None
    if dataclasses.is_dataclass(cls) and doc.startswith(f"{cls.__name__}("):
        return None  # the signature dataclasses write when there is no docstring
    if issubclass(cls, tuple) and doc.startswith(f"{cls.__name__}("):
        return None  # likewise for NamedTuple
    return inspect.cleandoc(doc).split("\n\n", 1)[0].strip() or None


def _hints(cls: type, args: tuple[Any, ...], where: str) -> dict[str, Any]:
    """Field annotations of ``cls`` (resolved, with extras), type variables substituted by
    ``args`` and by the parameters of generic bases (``class B(A[int])``)."""
    maps = _typevar_maps(cls, args)
    out: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        own = inspect.get_annotations(klass)
        if not own:
            continue
        try:
            resolved = typing.get_type_hints(klass, include_extras=True)
        except Exception as exc:
            raise UnsupportedTypeError(
                f"{where}: cannot resolve the annotations of {klass.__qualname__}: {exc}",
                type_form=klass,
                where=where,
            ) from exc
        mapping = maps.get(klass, {})
        for name in own:
            if name in resolved:
                out[name] = _substitute(resolved[name], mapping)
    return out


def _typevar_maps(cls: type, args: tuple[Any, ...]) -> dict[type, dict[Any, Any]]:
    maps: dict[type, dict[Any, Any]] = {}

    def visit(klass: type, mapping: dict[Any, Any]) -> None:
        maps.setdefault(klass, mapping)
        for base in klass.__dict__.get("__orig_bases__", ()):
            origin = typing.get_origin(base) or base
            if not isinstance(origin, type) or origin in maps:
                continue
            base_args = tuple(_substitute(a, mapping) for a in typing.get_args(base))
            params = getattr(origin, "__parameters__", ())
            visit(origin, dict(zip(params, base_args, strict=False)))

    params = cls.__dict__.get("__parameters__", ())
    visit(cls, dict(zip(params, args, strict=False)))
    return maps


def _substitute(tp: Any, mapping: dict[Any, Any]) -> Any:  # Any: type forms
    if not mapping:
        return tp
    if isinstance(tp, typing.TypeVar):
        return mapping.get(tp, tp)
    params = getattr(tp, "__parameters__", None)
    if params and isinstance(params, tuple):
        try:
            return tp[tuple(mapping.get(p, p) for p in params)]
        except TypeError:
            return tp
    return tp


def _arg_name(tp: Any, *, pretty: bool = False) -> str:  # Any: a type form
    """A short name for a type argument, used in ``$defs`` names and titles."""
    if tp is None or tp is type(None):
        return "None"
    origin = typing.get_origin(tp)
    if origin is not None:
        args = typing.get_args(tp)
        if origin in _ANNOTATED:
            return _arg_name(args[0], pretty=pretty)
        if origin is typing.Union or origin is types.UnionType:
            sep = " | " if pretty else "_or_"
            return sep.join(_arg_name(a, pretty=pretty) for a in args)
        head = getattr(origin, "__name__", str(origin))
        if origin in _LITERAL:
            inner = [repr(a) if pretty else str(getattr(a, "value", a)) for a in args]
        else:
            inner = [_arg_name(a, pretty=pretty) for a in args]
        if pretty:
            return f"{head}[{', '.join(inner)}]"
        return "_".join([head, *inner])
    name = getattr(tp, "__name__", None)
    if isinstance(name, str):
        return name
    text = str(tp).replace("typing.", "")
    return text if pretty else "".join(c if c.isalnum() else "_" for c in text).strip("_")


def _hashable(tp: Any) -> bool:  # Any: a type form
    try:
        hash(tp)
    except TypeError:
        return False
    return True


def _literal_values(args: tuple[Any, ...], where: str) -> list[Any]:
    values: list[Any] = []
    for arg in args:
        if typing.get_origin(arg) in _LITERAL:  # Literal[Literal["a"], "b"] (pre-flattening)
            values.extend(_literal_values(typing.get_args(arg), where))
            continue
        value = arg.value if isinstance(arg, enum.Enum) else arg
        if not (value is None or isinstance(value, str | int | float | bool)):
            raise UnsupportedTypeError(
                f"{where}: literal {arg!r} has no JSON form", type_form=arg, where=where
            )
        if not any(type(v) is type(value) and v == value for v in values):
            values.append(value)
    return values


def _json_type(value: Any) -> str:  # Any: a JSON scalar
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _literal_schema(args: tuple[Any, ...], where: str) -> JsonSchema:
    values = _literal_values(args, where)
    kinds = sorted({_json_type(v) for v in values})
    schema: JsonSchema = {"enum": values}
    if len(values) == 1:
        schema["const"] = values[0]
    if len(kinds) == 1:
        schema["type"] = kinds[0]
    else:
        schema["type"] = kinds
    return schema


def _enum_schema(cls: type[enum.Enum], where: str) -> JsonSchema:
    values = _literal_values(tuple(m.value for m in cls), f"{where}<{cls.__name__}>")
    kinds = sorted({_json_type(v) for v in values})
    schema: JsonSchema = {"enum": values}
    if kinds:
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
    return schema


def _constraint_keywords(meta: Any, schema: JsonSchema) -> JsonSchema:  # Any: metadata object
    """Keywords for a duck-typed constraint object (``annotated_types.Ge(0)``, ``Len(1, 5)``…);
    unknown metadata adds nothing."""
    out: JsonSchema = {}
    for attr, keyword in _NUMBER_CONSTRAINTS.items():
        value = getattr(meta, attr, None)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[keyword] = value
    kind = schema.get("type")
    if isinstance(kind, str) and kind in _LENGTH_KEYWORDS:
        low, high = _LENGTH_KEYWORDS[kind]
        min_length = getattr(meta, "min_length", None)
        max_length = getattr(meta, "max_length", None)
        if isinstance(min_length, int) and min_length > 0:
            out[low] = min_length
        if isinstance(max_length, int):
            out[high] = max_length
    pattern = getattr(meta, "pattern", None)
    if kind == "string" and isinstance(pattern, str):
        out["pattern"] = pattern
    return out


# -- the converter whose JSON form these schemas describe -------------------------------------


def json_converter() -> Any:  # Any: a cattrs.Converter (its API is typed loosely)
    """The project's ``cattrs`` converter, :data:`lcel.serde.converter`."""
    from lcel.serde import converter

    return converter


def _serde_tag(cls: type) -> str | None:
    """The ``"type"`` tag serde writes for instances of ``cls``, if it registered one."""
    from lcel import serde

    return serde.tag_of(cls)


def _tagged_family(cls: type) -> tuple[type, ...] | None:
    """The classes whose JSON forms a value of type ``cls`` may take, when serde decides it by
    the ``"type"`` tag: for a base registered with ``serde.register_tagged_base``
    (``BaseMessage``) its registered subclasses. ``None`` when ``cls`` stands for itself
    alone, as a concrete tagged class such as ``AIMessage`` does."""
    from lcel import serde

    if not attrs.has(cls):  # serde tags attrs classes only
        return None
    registered: list[type] = list(serde.tagged_classes().values())
    subclasses = tuple(c for c in registered if c is not cls and issubclass(c, cls))
    if cls in serde.tagged_bases():
        return subclasses or None
    # A concrete tagged class stands for itself: ``AIMessage`` is the ``"ai"`` object, as in
    # LangChain's schemas; a streamed ``AIMessageChunk`` is named where a type says so.
    return None


def iter_refs(schema: Any) -> Iterator[str]:  # Any: JSON data
    """Every ``$ref`` value in ``schema``, in document order (used by tests and codegen)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in schema.values():
            yield from iter_refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from iter_refs(value)
