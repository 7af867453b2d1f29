"""Reading a model's answer as a schema: the parser behind ``with_structured_output``.

The answer is a tool call (``method="function_calling"``) or JSON text (``"json_schema"``,
``"json_mode"``); either way the data becomes an instance of the attrs class or dataclass, a
``TypedDict``-shaped dict checked against its schema, or a dict checked against the given
JSON Schema. Bad data raises :class:`~lcel.errors.OutputParserError` quoting it, or with
``include_raw=True`` comes back as ``{"raw": ..., "parsed": None, "parsing_error": ...}``.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any, ClassVar, Generic, Literal, cast

import attrs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from typing_extensions import TypedDict, TypeVar

from lcel._config import RunnableConfig
from lcel._jsonschema import JsonSchema
from lcel._leaf import Component
from lcel.errors import InputValidationError, OutputParserError, shorten
from lcel.function_calling import convert_to_json_schema, tool_name_of
from lcel.messages import AIMessage, BaseMessage

__all__ = ["StructuredMethod", "StructuredOutputParser", "StructuredOutputWithRaw"]

StructuredMethod = Literal["function_calling", "json_schema", "json_mode"]
"""How a model is asked for structured output."""

METHODS: tuple[str, ...] = typing.get_args(StructuredMethod)

_S = TypeVar("_S")


class StructuredOutputWithRaw(TypedDict, Generic[_S]):
    """What ``with_structured_output(..., include_raw=True)`` returns: the model's message,
    the parsed value (``None`` on failure) and the parsing error (``None`` on success)."""

    raw: BaseMessage
    parsed: _S | None
    parsing_error: BaseException | None


@attrs.frozen(repr=False)
class StructuredOutputParser(Component[Any, Any]):
    """A model's answer read as ``schema`` (see the module docstring).

    Any: the input is an ``AIMessage`` (or text) and the output the schema's type, which the
    overloads of ``with_structured_output`` state.
    """

    run_type: ClassVar[str] = "parser"
    blocking: ClassVar[bool] = False

    schema: Any = attrs.field(hash=False)  # Any: a class or a JSON-Schema dict (unhashable)
    """An attrs class, a dataclass, a TypedDict or a JSON-Schema dict."""
    method: str = "json_schema"
    include_raw: bool = False
    _json_schema: JsonSchema = attrs.field(init=False, eq=False, hash=False, repr=False)
    _validator: Draft202012Validator = attrs.field(init=False, eq=False, hash=False, repr=False)
    _tool: str = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.method not in METHODS:
            raise InputValidationError(
                f"with_structured_output: unknown method {self.method!r}; expected one of "
                f"{list(METHODS)}"
            )
        schema = convert_to_json_schema(self.schema)
        object.__setattr__(self, "_json_schema", schema)
        object.__setattr__(self, "_validator", Draft202012Validator(schema))
        object.__setattr__(self, "_tool", tool_name_of(self.schema))

    def __repr__(self) -> str:
        return (
            f"StructuredOutputParser(schema={self._tool}, method={self.method!r}"
            + (", include_raw=True)" if self.include_raw else ")")
        )

    @property
    def tool_name(self) -> str:
        """The name the schema goes by (the tool a model is made to call)."""
        return self._tool

    @property
    def output_type(self) -> Any:  # Any: a type form
        if self.include_raw:
            return dict[str, Any]
        return self.schema if isinstance(self.schema, type) else dict[str, Any]

    def get_name(self, suffix: str | None = None) -> str:
        name = f"StructuredOutputParser[{self._tool}]"
        return f"{name}{suffix}" if suffix else name

    def _invoke(
        self,
        input: Any,  # Any: an AIMessage, or text
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind(), unused
    ) -> Any:  # Any: see the class docstring
        if not self.include_raw:
            return self.parse_message(input)
        try:
            parsed = self.parse_message(input)
        except OutputParserError as exc:
            return {"raw": input, "parsed": None, "parsing_error": exc}
        return {"raw": input, "parsed": parsed, "parsing_error": None}

    def parse_message(self, message: Any) -> Any:  # Any: see the class docstring
        """The schema's value from a model's answer; raises :class:`OutputParserError`."""
        data, text = self._data(message)
        return self._convert(data, text)

    def _data(self, message: Any) -> tuple[Any, str]:  # Any: a message in, JSON data out
        if isinstance(message, str):
            return self._from_text(message), message
        if not isinstance(message, BaseMessage):
            raise OutputParserError(
                f"structured output expects a model's message, got {type(message).__name__}: "
                f"{shorten(message)}",
                text=shorten(message),
            )
        calls = message.tool_calls if isinstance(message, AIMessage) else []
        invalid = message.invalid_tool_calls if isinstance(message, AIMessage) else []
        if self.method == "function_calling" or not message.text.strip():
            named = [c for c in calls if c.get("name") == self._tool] or calls
            if named:
                return named[0]["args"], json.dumps(named[0]["args"])
            bad = [c for c in invalid if c.get("name") in (self._tool, None)] or invalid
            if bad:
                raw = bad[0].get("args") or ""
                raise OutputParserError(
                    f"the model called {self._tool!r} with arguments that are not a JSON "
                    f"object ({bad[0].get('error')}): {shorten(raw)!r}",
                    text=raw,
                )
        text = message.text
        if not text.strip():
            raise OutputParserError(
                f"the model gave no {self._tool} (no tool call and no text): "
                f"{shorten(message)}",
                text=text,
            )
        return self._from_text(text), text

    def _from_text(self, text: str) -> Any:  # Any: JSON data
        from lcel.parsers import parse_json_markdown

        try:
            return parse_json_markdown(text)
        except OutputParserError as exc:
            raise OutputParserError(
                f"the model's answer is not JSON for {self._tool}: {shorten(text)!r}", text=text
            ) from exc

    def _convert(self, data: Any, text: str) -> Any:  # Any: JSON data in, the value out
        error = best_match(self._validator.iter_errors(data))
        cls = self.schema if isinstance(self.schema, type) else None
        builds = cls is not None and (attrs.has(cls) or dataclasses.is_dataclass(cls))
        if error is not None and not builds:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
            raise OutputParserError(
                f"the model's answer does not fit {self._tool} (at ${where}: "
                f"{shorten(error.message)}): {shorten(text)!r}",
                text=text,
            )
        if not builds:
            return data
        from lcel.serde import converter, describe_error

        try:
            return converter.structure(data, cast(type, cls))
        except Exception as exc:
            detail = "; ".join(describe_error(exc))
            raise OutputParserError(
                f"the model's answer does not fit {self._tool} ({shorten(detail)}): "
                f"{shorten(text)!r}",
                text=text,
            ) from exc
