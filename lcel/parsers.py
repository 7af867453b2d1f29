"""Output parsers: turn a model's text (or message) into a value, also while it streams.

>>> StrOutputParser().invoke("hello")
'hello'
>>> JsonOutputParser().invoke('```json\\n{"a": [1, 2]}\\n```')
{'a': [1, 2]}
>>> CommaSeparatedListOutputParser().invoke('red, "green, light", blue')
['red', 'green, light', 'blue']
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar, Generic, TypeVar

import attrs
import cattrs
from attrs import AttrsInstance

from lcel._config import RunnableConfig
from lcel._leaf import Component
from lcel._partial_json import parse_partial_json
from lcel.errors import InputValidationError, OutputParserError, quoted, shorten
from lcel.messages import BaseMessage

__all__ = [
    "BaseOutputParser",
    "StrOutputParser",
    "JsonOutputParser",
    "CommaSeparatedListOutputParser",
    "AttrsOutputParser",
    "OutputParserError",
    "parse_partial_json",
    "parse_json_markdown",
]

_ParsedT_co = TypeVar("_ParsedT_co", covariant=True)
_AttrsT = TypeVar("_AttrsT", bound=AttrsInstance)

ParserInput = str | BaseMessage
"""What every parser reads: a model's text, or its message (whose text is used)."""


def _text_of(parser: object, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseMessage):
        return value.text
    raise InputValidationError(
        f"{type(parser).__name__} expects a str or a message (the output of an LLM or a "
        f"chat model), got {type(value).__name__}: {shorten(value)}"
    )


@attrs.frozen
class BaseOutputParser(Component[ParserInput, _ParsedT_co], Generic[_ParsedT_co]):
    """Base of parsers: subclasses implement :meth:`parse` (text → value)."""

    run_type: ClassVar[str] = "parser"
    blocking: ClassVar[bool] = False

    def parse(self, text: str) -> _ParsedT_co:
        """Parse a complete text; raise :class:`OutputParserError` when it does not fit."""
        raise NotImplementedError(f"{type(self).__name__} must implement parse")

    def get_format_instructions(self) -> str:
        """Instructions to put in a prompt so that the model answers in a parseable form."""
        return ""

    def _invoke(
        self,
        input: ParserInput,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind(), unused by parsers
    ) -> _ParsedT_co:
        return self.parse(_text_of(self, input))


# -- str ---------------------------------------------------------------------------------------


@attrs.frozen
class StrOutputParser(BaseOutputParser[str]):
    """The text of a message (or the string itself); streams each chunk's text at once.

    >>> from lcel.messages import AIMessage
    >>> StrOutputParser().invoke(AIMessage("hi"))
    'hi'
    """

    def parse(self, text: str) -> str:
        return text

    def _transform(
        self,
        chunks: Iterator[ParserInput],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> Iterator[str]:
        for chunk in chunks:
            yield _text_of(self, chunk)

    async def _atransform(
        self,
        chunks: AsyncIterator[ParserInput],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> AsyncIterator[str]:
        async for chunk in chunks:
            yield _text_of(self, chunk)


# -- JSON --------------------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"```(?:json|JSON)?[ \t]*\n?")
_MISSING: Any = object()  # Any: a sentinel distinct from every JSON value


def _json_body(text: str) -> str:
    """The JSON part of ``text``: the inside of a fenced block if there is one (up to the
    closing fence or, while streaming, the end of the text so far). Text that starts as a
    JSON object, array or string is that value: backticks inside it are content."""
    stripped = text.strip()
    if stripped[:1] in ("{", "[", '"'):
        return stripped
    match = _FENCE_OPEN.search(text)
    if match is None:
        return text.strip()
    return text[match.end() : _fence_close(text, match.end())].strip()


def _fence_close(text: str, start: int) -> int:
    """Where the block opened before ``start`` closes: the first triple backtick outside a
    JSON string (backticks inside strings are content), else the end of ``text``."""
    in_string = escaped = False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith("```", i):
            return i
    return len(text)


def parse_json_markdown(text: str) -> Any:  # Any: whatever JSON value the text holds
    """Parse JSON, also inside a ```json fenced block; raise :class:`OutputParserError`.

    >>> parse_json_markdown('Sure!\\n```json\\n[1, 2]\\n```')
    [1, 2]
    """
    body = _json_body(text)
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise OutputParserError(
            f"invalid JSON output ({exc.msg} at line {exc.lineno} column {exc.colno}): "
            f"{shorten(text)!r}; expected a JSON value, optionally in a ```json fenced block",
            text=text,
        ) from None


def _partial_value(text: str) -> Any:  # Any: a JSON value or _MISSING
    body = _json_body(text)
    if not body or body[0] not in '{["-0123456789tfn':
        return _MISSING
    try:
        return parse_partial_json(body)
    except ValueError:
        return _MISSING


@attrs.frozen
class JsonOutputParser(BaseOutputParser[Any]):
    """Parsed JSON; while streaming, yields the partial value each time it grows.

    >>> list(JsonOutputParser().transform(iter(['{"a": "x', 'y"}'])))
    [{'a': 'x'}, {'a': 'xy'}]
    """

    cumulative_stream: ClassVar[bool] = True
    """Each streamed chunk is the whole value so far: the last chunk is the output (chunks
    must not be added together)."""

    def parse(self, text: str) -> Any:  # Any: whatever JSON value the text holds
        return parse_json_markdown(text)

    def get_format_instructions(self) -> str:
        return "Return a JSON object."

    def _transform(
        self,
        chunks: Iterator[ParserInput],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> Iterator[Any]:
        state = _JsonSnapshots(self)
        for chunk in chunks:
            value = state.feed(chunk)
            if value is not _MISSING:
                yield value
        final = state.finish()
        if final is not _MISSING:
            yield final

    async def _atransform(
        self,
        chunks: AsyncIterator[ParserInput],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> AsyncIterator[Any]:
        state = _JsonSnapshots(self)
        async for chunk in chunks:
            value = state.feed(chunk)
            if value is not _MISSING:
                yield value
        final = state.finish()
        if final is not _MISSING:
            yield final


class _JsonSnapshots:
    """The text seen so far and the last partial object yielded: one streaming parse."""

    def __init__(self, parser: JsonOutputParser) -> None:
        self.parser = parser
        self.text = ""
        self.last: Any = _MISSING  # Any: the last parsed JSON value

    def feed(self, chunk: ParserInput) -> Any:  # Any: a JSON value, or _MISSING
        """The new partial object after ``chunk``, or ``_MISSING`` when nothing changed."""
        piece = _text_of(self.parser, chunk)
        if not piece:
            return _MISSING
        self.text += piece
        value = _partial_value(self.text)
        if value is _MISSING or value == self.last:
            return _MISSING
        self.last = value
        return value

    def finish(self) -> Any:  # Any: a JSON value, or _MISSING
        """The complete parse (raising ``OutputParserError``), unless already yielded."""
        final = self.parser.parse(self.text)
        return _MISSING if final == self.last else final


# -- comma-separated lists ---------------------------------------------------------------------


def _split_csv(text: str) -> list[str]:
    reader = csv.reader(io.StringIO(text), quotechar='"', delimiter=",", skipinitialspace=True)
    return [item.strip() for row in reader for item in row if item.strip()]


@attrs.frozen
class CommaSeparatedListOutputParser(BaseOutputParser[list[str]]):
    """A list of the comma-separated items (CSV quoting honoured; empty items dropped).

    While streaming, yields ``[item]`` as each item completes; the chunks ``+`` together
    give the whole list.

    >>> list(CommaSeparatedListOutputParser().transform(iter(["a, b", ", c"])))
    [['a'], ['b'], ['c']]
    """

    def parse(self, text: str) -> list[str]:
        try:
            return _split_csv(text)
        except csv.Error as exc:
            raise OutputParserError(
                f"cannot read a comma-separated list ({exc}): {shorten(text)!r}", text=text
            ) from None

    def get_format_instructions(self) -> str:
        return (
            "Your response should be a list of comma separated values, "
            "eg: `foo, bar, baz` or `foo,bar,baz`"
        )

    def _complete_items(self, buffer: str) -> tuple[list[str], str]:
        """The items of ``buffer`` that are finished, and the unfinished rest."""
        in_quotes = False
        cut = -1
        for i, char in enumerate(buffer):
            if char == '"':
                in_quotes = not in_quotes
            elif char in ",\n" and not in_quotes:
                cut = i
        if cut < 0:
            return [], buffer
        return self.parse(buffer[:cut]), buffer[cut + 1 :]

    def _transform(
        self,
        chunks: Iterator[ParserInput],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> Iterator[list[str]]:
        buffer = ""
        for chunk in chunks:
            buffer += _text_of(self, chunk)
            done, buffer = self._complete_items(buffer)
            for item in done:
                yield [item]
        for item in self.parse(buffer):
            yield [item]

    async def _atransform(
        self,
        chunks: AsyncIterator[ParserInput],
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> AsyncIterator[list[str]]:
        buffer = ""
        async for chunk in chunks:
            buffer += _text_of(self, chunk)
            done, buffer = self._complete_items(buffer)
            for item in done:
                yield [item]
        for item in self.parse(buffer):
            yield [item]


# -- attrs classes -----------------------------------------------------------------------------


@attrs.frozen
class AttrsOutputParser(BaseOutputParser[_AttrsT], Generic[_AttrsT]):
    """JSON text turned into an instance of the attrs class ``cls`` (via :mod:`lcel.serde`).

    >>> @attrs.frozen
    ... class Joke:
    ...     setup: str
    ...     punchline: str
    >>> AttrsOutputParser(Joke).invoke('{"setup": "Why?", "punchline": "Because."}')
    Joke(setup='Why?', punchline='Because.')
    """

    cls: type[_AttrsT]
    """The attrs class to build."""

    def __attrs_post_init__(self) -> None:
        if not attrs.has(self.cls):
            raise TypeError(f"AttrsOutputParser needs an attrs class, got {quoted(self.cls)}")

    @property
    def output_type(self) -> Any:  # Any: a type form
        return self.cls

    def get_name(self, suffix: str | None = None) -> str:
        name = f"AttrsOutputParser[{self.cls.__name__}]"
        return f"{name}{suffix}" if suffix else name

    def get_format_instructions(self) -> str:
        fields = ", ".join(f'"{f.name}"' for f in attrs.fields(self.cls))
        return f"Return a JSON object with the keys {fields}."

    def parse(self, text: str) -> _AttrsT:
        from lcel.serde import converter, describe_error

        data = parse_json_markdown(text)
        try:
            return converter.structure(data, self.cls)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            detail = shorten("; ".join(describe_error(exc)), 300)
            raise OutputParserError(
                f"JSON does not fit {self.cls.__name__} ({detail}): {shorten(text)!r}; "
                f"expected an object with keys "
                f"{[f.name for f in attrs.fields(self.cls)]}",
                text=text,
            ) from exc

