"""Tools and output schemas in the JSON form chat models take (OpenAI's function format).

Anything a model can be asked to call or to fill in converts here: an ``@tool`` tool, an
attrs class, a dataclass, a ``TypedDict``, a function, or a JSON-Schema dict (with a
``title``), or a dict already in the function format. Schemas come from lcel's own
:func:`~lcel._jsonschema.schema_for_type`.

>>> import attrs
>>> @attrs.frozen
... class Weather:
...     '''Get the weather in a city.'''
...     city: str
>>> convert_to_openai_tool(Weather)["function"]["name"]
'Weather'
>>> convert_to_openai_tool(Weather)["function"]["parameters"]["required"]
['city']
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from lcel._jsonschema import JsonSchema, UnsupportedTypeError, schema_for_type
from lcel.errors import InputValidationError, shorten

__all__ = [
    "ToolLike",
    "convert_to_openai_function",
    "convert_to_openai_tool",
    "convert_to_json_schema",
    "tool_name_of",
]

ToolLike = Any
"""What :func:`convert_to_openai_tool` accepts (Any: a tool, a class, a function or a dict,
told apart at run time)."""


def _is_schema_class(value: object) -> bool:
    return isinstance(value, type) and (
        attrs.has(value) or dataclasses.is_dataclass(value) or typing.is_typeddict(value)
    )


def _strip(schema: JsonSchema) -> tuple[str | None, str | None, JsonSchema]:
    """Split a schema into its title, description and the rest (the parameters)."""
    rest = dict(schema)
    title = rest.pop("title", None)
    description = rest.pop("description", None)
    return title, description, rest


def convert_to_openai_function(value: ToolLike, *, strict: bool | None = None) -> dict[str, Any]:
    """``{"name", "description", "parameters"}`` for a tool, a class, a function or a dict.

    Any: the result is JSON data.
    """
    from lcel.tools import Tool, tool

    if isinstance(value, Mapping):
        result = _function_from_dict(value)
    elif isinstance(value, Tool):
        _, _, parameters = _strip(value.args_schema)
        result = {
            "name": value.get_name(),
            "description": value.description,
            "parameters": parameters,
        }
    elif _is_schema_class(value):
        try:
            schema = schema_for_type(value)
        except UnsupportedTypeError as exc:
            raise InputValidationError(
                f"cannot describe {value.__name__} to a model: {exc}"
            ) from exc
        _, description, parameters = _strip(schema)
        result = {"name": value.__name__, "parameters": parameters}
        if description:
            result["description"] = description
    elif callable(value) and (inspect.isfunction(value) or inspect.ismethod(value)):
        return convert_to_openai_function(tool(value), strict=strict)
    else:
        raise InputValidationError(
            "a tool must be an @tool tool, an attrs class, a dataclass, a TypedDict, a "
            f"function or a JSON-Schema dict with a 'title'; got {type(value).__name__}: "
            f"{shorten(value)}"
        )
    if strict is not None:
        result["strict"] = strict
        if strict:
            result["parameters"] = _strict_schema(result["parameters"])
    return result


def _function_from_dict(value: Mapping[str, Any]) -> dict[str, Any]:  # Any: JSON data
    if value.get("type") == "function" and isinstance(value.get("function"), Mapping):
        return dict(value["function"])
    if "name" in value and ("parameters" in value or "description" in value):
        return dict(value)
    title, description, parameters = _strip(dict(value))
    if not isinstance(title, str) or not title:
        raise InputValidationError(
            "a JSON-Schema dict used as a tool or output schema needs a 'title' (the name the "
            f"model calls it by); got keys {sorted(map(str, value))}"
        )
    result: dict[str, Any] = {"name": title, "parameters": parameters}  # Any: JSON data
    if description:
        result["description"] = description
    return result


def convert_to_openai_tool(value: ToolLike, *, strict: bool | None = None) -> dict[str, Any]:
    """``{"type": "function", "function": {...}}``: a tool as the ``tools`` list takes it.

    Any: the result is JSON data.
    """
    if isinstance(value, Mapping) and value.get("type") not in (None, "function", "object"):
        return dict(value)  # a provider's built-in tool (e.g. {"type": "web_search"})
    return {"type": "function", "function": convert_to_openai_function(value, strict=strict)}


def convert_to_json_schema(value: ToolLike) -> JsonSchema:
    """The JSON Schema (with ``title`` and ``description``) of an output schema."""
    function = convert_to_openai_function(value)
    schema: JsonSchema = {"title": function["name"]}
    if function.get("description"):
        schema["description"] = function["description"]
    schema.update(function.get("parameters") or {"type": "object", "properties": {}})
    return schema


def tool_name_of(value: ToolLike) -> str:
    """The name a model calls ``value`` by."""
    return str(convert_to_openai_function(value)["name"])


def _strict_schema(schema: Any) -> Any:  # Any: JSON data in and out
    """OpenAI's strict mode: every object closed, every property required."""
    if isinstance(schema, list):
        return [_strict_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict_schema(v) for k, v in schema.items()}
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False
        out["required"] = list(out["properties"])
        for prop in out["properties"].values():
            if isinstance(prop, dict):
                prop.pop("default", None)
    return out


