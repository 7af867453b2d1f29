"""Output parsers: whole-text parsing, streaming transforms, errors."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import doctest
import io
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lcel.errors import InputValidationError
from lcel.messages import AIMessage, AIMessageChunk, HumanMessage
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import (
    AttrsOutputParser,
    CommaSeparatedListOutputParser,
    JsonOutputParser,
    OutputParserError,
    StrOutputParser,
    parse_json_markdown,
    parse_partial_json,
)


def _chunks(text: str, size: int = 1) -> Iterator[str]:
    for i in range(0, len(text), size):
        yield text[i : i + size]


async def _achunks(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


def test_parser_kinds() -> None:
    for parser in (StrOutputParser(), JsonOutputParser(), CommaSeparatedListOutputParser()):
        assert parser.run_type == "parser"
        assert parser.blocking is False
    assert StrOutputParser() == StrOutputParser()
    assert hash(StrOutputParser()) == hash(StrOutputParser())


# -- str ---------------------------------------------------------------------------------------


def test_str_parser_reads_strings_and_messages() -> None:
    parser = StrOutputParser()
    assert parser.invoke("plain") == "plain"
    assert parser.invoke(AIMessage("from ai")) == "from ai"
    assert parser.invoke(AIMessage(["a", {"type": "text", "text": "b"}])) == "ab"
    assert parser.batch(["a", HumanMessage("b")]) == ["a", "b"]


def test_str_parser_rejects_other_inputs() -> None:
    with pytest.raises(InputValidationError, match=r"StrOutputParser expects a str or a message.*"
                       r"got dict"):
        StrOutputParser().invoke({"a": 1})  # type: ignore[arg-type]


def test_str_parser_transform_is_lazy() -> None:
    pulled: list[str] = []

    def source() -> Iterator[AIMessageChunk]:
        for piece in ["He", "llo"]:
            pulled.append(piece)
            yield AIMessageChunk(piece)

    out = StrOutputParser().transform(source())
    assert next(out) == "He"
    assert pulled == ["He"]
    assert list(out) == ["llo"]


def test_str_parser_streams_a_model_chunk_by_chunk() -> None:
    chain = FakeListChatModel(responses=["abc"]) | StrOutputParser()
    assert list(chain.stream("hi")) == ["a", "b", "c"]


def test_str_parser_atransform() -> None:
    async def main() -> list[str]:
        return [x async for x in StrOutputParser().atransform(
            _achunks([AIMessageChunk("a"), "b"]))]

    assert asyncio.run(main()) == ["a", "b"]


# -- JSON --------------------------------------------------------------------------------------


def test_json_parser_plain_and_fenced() -> None:
    parser = JsonOutputParser()
    assert parser.invoke('{"a": 1}') == {"a": 1}
    assert parser.invoke('Here you go:\n```json\n{"a": [1, 2]}\n```\nBye') == {"a": [1, 2]}
    assert parser.invoke("```\n[true, null]\n```") == [True, None]
    assert parser.invoke(AIMessage(' "text" ')) == "text"


def test_json_parser_error_quotes_the_text() -> None:
    with pytest.raises(OutputParserError, match=r"invalid JSON output.*'not json'.*expected a "
                       r"JSON value") as info:
        JsonOutputParser().invoke("not json")
    assert info.value.text == "not json"
    assert isinstance(info.value, ValueError)


def test_json_transform_yields_growing_partials_only_when_changed() -> None:
    text = '```json\n{"setup": "Why", "tags": [1, 22]}\n```'
    out = list(JsonOutputParser().transform(_chunks(text)))
    assert out[0] == {}
    assert {"setup": "W"} in out
    assert {"setup": "Why", "tags": [1, 2]} in out
    assert out[-1] == {"setup": "Why", "tags": [1, 22]}
    assert all(a != b for a, b in itertools.pairwise(out))


def test_json_transform_raises_when_the_whole_text_is_not_json() -> None:
    with pytest.raises(OutputParserError, match="invalid JSON output"):
        list(JsonOutputParser().transform(iter(['{"a": 1', ', "b"'])))


def test_json_parser_streams_from_a_model() -> None:
    chain = FakeListChatModel(responses=['{"a": "xy"}']) | JsonOutputParser()
    out = list(chain.stream("q"))
    assert out[-1] == {"a": "xy"}
    assert {"a": "x"} in out
    assert chain.invoke("q") == {"a": "xy"}


def test_json_parser_astream() -> None:
    chain = FakeListChatModel(responses=['[1, {"b": 2}]']) | JsonOutputParser()

    async def main() -> tuple[list[Any], Any]:
        return [x async for x in chain.astream("q")], await chain.ainvoke("q")

    out, whole = asyncio.run(main())
    assert out[0] == []
    assert out[-1] == [1, {"b": 2}]
    assert whole == [1, {"b": 2}]


def test_json_stream_final_output_is_the_last_snapshot() -> None:
    chain = FakeListChatModel(responses=['{"a": "xy"}']) | JsonOutputParser()

    async def main() -> Any:
        last: Any = None
        async for log in chain.astream_log("q", diff=False):
            last = log
        return last.state["final_output"]

    assert JsonOutputParser.cumulative_stream is True
    assert asyncio.run(main()) == {"a": "xy"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"name": "Ali', {"name": "Ali"}),
        ('{"a": 1, "b": [tr', {"a": 1, "b": []}),
        ('{"a": ', {}),
        ('{"a"', {}),
        ('[1, 2, ', [1, 2]),
        ('"esc\\', "esc"),
        ('{"k": "a\\"b', {"k": 'a"b'}),
        ("-", None),
    ],
)
def test_parse_partial_json(text: str, expected: Any) -> None:
    if expected is None and text == "-":
        with pytest.raises(ValueError, match="no JSON value"):
            parse_partial_json(text)
    else:
        assert parse_partial_json(text) == expected


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8,
)


@given(_json_values, st.integers(min_value=1, max_value=7))
def test_json_stream_ends_with_the_parsed_value(value: Any, size: int) -> None:
    text = json.dumps(value)
    out = list(JsonOutputParser().transform(_chunks(text, size)))
    assert out
    assert out[-1] == value


@settings(max_examples=40)
@given(_json_values)
def test_every_prefix_is_parsed_or_rejected_cleanly(value: Any) -> None:
    text = json.dumps(value)
    for end in range(1, len(text) + 1):
        with contextlib.suppress(ValueError):
            parse_partial_json(text[:end])


# -- comma-separated lists ---------------------------------------------------------------------


def test_csv_parser() -> None:
    parser = CommaSeparatedListOutputParser()
    assert parser.invoke("red, green,blue") == ["red", "green", "blue"]
    assert parser.invoke('a, "b, c", "d ""q"""') == ["a", "b, c", 'd "q"']
    assert parser.invoke("a,\nb") == ["a", "b"]
    assert parser.invoke("") == []
    assert "comma separated" in parser.get_format_instructions()


def test_csv_transform_yields_each_item_as_it_completes() -> None:
    pulled: list[str] = []

    def source() -> Iterator[str]:
        for piece in ["red, gr", 'een, "a, ', 'b", blue']:
            pulled.append(piece)
            yield piece

    out = CommaSeparatedListOutputParser().transform(source())
    assert next(out) == ["red"]
    assert pulled == ["red, gr"]
    assert next(out) == ["green"]
    assert list(out) == [["a, b"], ["blue"]]


def test_csv_streams_from_an_llm() -> None:
    chain = FakeListLLM(responses=["cat, dog, bird"]) | CommaSeparatedListOutputParser()
    chunks = list(chain.stream("animals?"))
    assert chunks == [["cat"], ["dog"], ["bird"]]
    total: list[str] = []
    for chunk in chunks:
        total = total + chunk
    assert total == chain.invoke("animals?")


def test_csv_atransform() -> None:
    async def main() -> list[list[str]]:
        return [x async for x in CommaSeparatedListOutputParser().atransform(
            _achunks(["a,", "b", ",c"]))]

    assert asyncio.run(main()) == [["a"], ["b"], ["c"]]


_items = st.lists(st.text(alphabet="ab ,\"\n", min_size=1, max_size=5).map(str.strip)
                  .filter(bool), max_size=5)


@given(_items, st.integers(min_value=1, max_value=4))
def test_csv_stream_adds_up_to_the_parse(items: list[str], size: int) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(items)
    text = buffer.getvalue()
    parser = CommaSeparatedListOutputParser()
    whole = parser.invoke(text)
    streamed: list[str] = []
    for chunk in parser.transform(_chunks(text, size)):
        assert len(chunk) == 1
        streamed += chunk
    assert streamed == whole


# -- attrs classes -----------------------------------------------------------------------------


@attrs.frozen
class Joke:
    setup: str
    punchline: str
    rating: int = 0


def test_attrs_parser() -> None:
    parser = AttrsOutputParser(Joke)
    assert parser.invoke('```json\n{"setup": "Why?", "punchline": "So."}\n```') == Joke(
        "Why?", "So."
    )
    assert parser.output_type is Joke
    assert parser.get_name() == "AttrsOutputParser[Joke]"
    assert '"setup", "punchline", "rating"' in parser.get_format_instructions()


def test_attrs_parser_reports_the_wrong_shape() -> None:
    with pytest.raises(OutputParserError, match=r"JSON does not fit Joke \(required field "
                       r"missing @ \$\.punchline\).*expected an object with keys") as info:
        AttrsOutputParser(Joke).invoke('{"setup": "Why?"}')
    assert info.value.text == '{"setup": "Why?"}'


def test_attrs_parser_needs_an_attrs_class() -> None:
    with pytest.raises(TypeError, match="needs an attrs class"):
        AttrsOutputParser(dict)  # type: ignore[type-var]


def test_model_then_attrs_parser() -> None:
    model = FakeListChatModel(responses=['{"setup": "a", "punchline": "b", "rating": 3}'])
    assert (model | AttrsOutputParser(Joke)).invoke("joke") == Joke("a", "b", 3)


def test_async_transform_runs_in_the_loop() -> None:
    async def main() -> list[str]:
        chain = FakeListChatModel(responses=["xy"]) | StrOutputParser()
        return [x async for x in chain.astream("q")]

    assert asyncio.run(main()) == ["x", "y"]


def test_docstring_examples() -> None:
    import lcel.parsers

    result = doctest.testmod(lcel.parsers, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_json_fenced_block_whose_strings_hold_backticks() -> None:
    parser = JsonOutputParser()
    assert parser.invoke('```json {"foo": "```bar```"} ```') == {"foo": "```bar```"}
    text = 'Here:\n```json\n{"code": "```py\\nprint(1)\\n```", "n": [1]}\n```\nDone.'
    assert parser.invoke(text) == {"code": "```py\nprint(1)\n```", "n": [1]}
    # streamed in small pieces: the same final value, and it is the last chunk
    chunks = [text[i : i + 3] for i in range(0, len(text), 3)]
    assert list(parser.transform(iter(chunks)))[-1] == {"code": "```py\nprint(1)\n```", "n": [1]}
    # invoke stays strict: a cut-off answer is an error, fenced or not
    for cut in ('```json\n{"foo": "```bar```"', '{"foo": "```bar', '```json\n{"a": 1'):
        with pytest.raises(OutputParserError):
            parser.invoke(cut)


def test_a_bare_json_value_holding_backticks_is_not_read_as_a_fence() -> None:
    """Found by Hypothesis: the JSON string "```" was taken for an opening fence."""
    assert parse_json_markdown('"```"') == "```"
    assert parse_json_markdown('{"a": "```x```"}') == {"a": "```x```"}
    assert list(JsonOutputParser().transform(iter(['"`', "``", '"'])))[-1] == "```"
    assert parse_json_markdown("Sure!\n```json\n[1, 2]\n```") == [1, 2]  # fences still work
