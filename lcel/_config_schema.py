"""The JSON Schema of a runnable's config: the configurable fields its tree declares.

Shaped as LangChain shapes it, so clients reading one read the other: an object titled
``"<Name>Config"`` whose ``configurable`` property refers to a ``Configurable`` definition
with one property per field id (a choice among keys refers to an enum definition named after
the choice); ``include`` adds other config keys (``tags``, ``metadata``…).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from typing import Any

from lcel._config_fields import ConfigurableFieldSpec, ConfigurationError
from lcel._jsonschema import (
    JsonSchema,
    UnsupportedTypeError,
    json_converter,
    property_title,
    schema_for_type,
    to_json_value,
)
from lcel._runnable import Runnable
from lcel._typefit import fits

__all__ = ["config_jsonschema"]

_INCLUDABLE: dict[str, JsonSchema] = {
    "tags": {"default": None, "items": {"type": "string"}, "title": "Tags", "type": "array"},
    "metadata": {
        "additionalProperties": True,
        "default": None,
        "title": "Metadata",
        "type": "object",
    },
    "callbacks": {
        "anyOf": [{"items": {}, "type": "array"}, {}, {"type": "null"}],
        "default": None,
        "title": "Callbacks",
    },
    "run_name": {"default": None, "title": "Run Name", "type": "string"},
    "max_concurrency": {
        "anyOf": [{"type": "integer"}, {"type": "null"}],
        "default": None,
        "title": "Max Concurrency",
    },
    "recursion_limit": {"default": None, "title": "Recursion Limit", "type": "integer"},
    "run_id": {
        "anyOf": [{"format": "uuid", "type": "string"}, {"type": "null"}],
        "default": None,
        "title": "Run Id",
    },
}
"""The other config keys ``include`` may ask for, in ``RunnableConfig``'s order."""

_NO_DEFAULT = object()


def config_jsonschema(runnable: Runnable[Any, Any], include: Sequence[str] | None) -> JsonSchema:
    """The config schema of ``runnable`` (see the module docstring)."""
    wanted = list(include or ())
    unknown = [k for k in wanted if k not in _INCLUDABLE and k != "configurable"]
    if unknown:
        raise ConfigurationError(
            f"config schema: cannot include {unknown[0]!r}; the config keys are "
            f"{', '.join(['configurable', *_INCLUDABLE])}"
        )
    defs: dict[str, JsonSchema] = {}
    properties: dict[str, JsonSchema] = {}
    specs = runnable.config_specs
    if specs:
        fields = {spec.id: _spec_property(spec, defs) for spec in specs}
        defs["Configurable"] = {"properties": fields, "title": "Configurable", "type": "object"}
        properties["configurable"] = {"$ref": "#/$defs/Configurable", "default": None}
    properties.update({k: dict(v) for k, v in _INCLUDABLE.items() if k in wanted})
    schema: JsonSchema = {
        "properties": properties,
        "title": f"{runnable.get_name()}Config",
        "type": "object",
    }
    if defs:
        schema["$defs"] = {name: defs[name] for name in sorted(defs)}
    return schema


def _spec_property(spec: ConfigurableFieldSpec, defs: dict[str, JsonSchema]) -> JsonSchema:
    tp = spec.annotation
    prop: JsonSchema
    if isinstance(tp, type) and issubclass(tp, enum.Enum):  # a choice: its own definition
        defs[tp.__name__] = {
            "enum": [m.value for m in tp],
            "title": tp.__name__,
            "type": "string",
        }
        prop = {"$ref": f"#/$defs/{tp.__name__}"}
    else:
        try:
            schema = dict(schema_for_type(tp))
        except UnsupportedTypeError:  # a field of a type with no JSON form: any value
            schema = {}
        for name, sub in schema.pop("$defs", {}).items():
            defs.setdefault(name, sub)
        schema.pop("title", None)
        prop = {"title": spec.name or property_title(spec.id), **schema}
    if spec.description:
        prop["description"] = spec.description
    default = _json_default(spec.default)
    if default is not _NO_DEFAULT and not (default is None and not fits(None, tp)):
        prop["default"] = default  # (a None that is no value of the type: no default shown)
    return prop


def _json_default(value: object) -> Any:  # Any: JSON data, or the no-default marker
    try:
        data = to_json_value(json_converter().unstructure(value))
        json.dumps(data, allow_nan=False)
    except Exception:  # no JSON form (a function, a secret…): the schema shows no default
        return _NO_DEFAULT
    return data
