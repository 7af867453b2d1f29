"""Errors that quote an input or a model's text quote it short: a 5 MB value never makes a
5 MB message (issue 12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel._config import ensure_config
from lcel.documents import Document
from lcel.errors import quoted, shorten
from lcel.messages import convert_to_messages, message_from_role
from lcel.parsers import JsonOutputParser
from lcel.prompts import ChatPromptTemplate, PromptTemplate

BIG = "b" * 5_000_000


def test_quoted_and_shorten() -> None:
    assert quoted("abc") == "'abc'"
    assert shorten([1, 2]) == "[1, 2]"
    text = quoted(BIG)
    assert text.startswith("'bbb")
    assert text.endswith(f"… ({len(BIG) + 2} chars)")
    assert len(text) < 250


CASES: list[tuple[str, Callable[[], object]]] = [
    ("config tags", lambda: ensure_config({"tags": BIG})),  # type: ignore[typeddict-item]
    ("config type", lambda: ensure_config(BIG)),  # type: ignore[arg-type]
    ("recursion_limit", lambda: ensure_config({"recursion_limit": BIG})),  # type: ignore[typeddict-item]
    ("lambda", lambda: RunnableLambda(BIG)),  # type: ignore[arg-type]
    ("pick", lambda: RunnablePassthrough.pick([BIG, 1])),  # type: ignore[list-item]
    ("parallel key", lambda: RunnableParallel({(BIG,): RunnablePassthrough()})),  # type: ignore[dict-item]
    ("document", lambda: Document([BIG])),  # type: ignore[arg-type]
    ("document metadata", lambda: Document("x", metadata=[BIG])),  # type: ignore[arg-type]
    ("message role", lambda: message_from_role(BIG, "hi")),
    ("message dict keys", lambda: convert_to_messages([{BIG: 1}])),
    ("message pair", lambda: convert_to_messages([(BIG, 3)])),  # type: ignore[list-item]
    ("chat role", lambda: ChatPromptTemplate.from_messages([(BIG, "hi")])),
    ("placeholder", lambda: ChatPromptTemplate.from_messages([("placeholder", BIG)])),
    ("prompt keys", lambda: PromptTemplate.from_template("{a}").invoke({BIG: 1})),
    ("prompt type", lambda: PromptTemplate.from_template("{a} {b}").invoke(BIG)),  # type: ignore[arg-type]
    ("template", lambda: PromptTemplate.from_template("{" + BIG + ".x}")),
    ("json output", lambda: JsonOutputParser().invoke('{"a": "' + BIG)),
]


@pytest.mark.parametrize(("what", "build"), CASES, ids=[c[0] for c in CASES])
def test_errors_quote_input_short(what: str, build: Callable[[], object]) -> None:
    with pytest.raises(Exception) as info:  # each site raises its own type
        build()
    message = str(info.value)
    assert len(message) < 2000, f"{what}: {len(message)} chars"
