"""Structured output: the model's answer read into a typed value (mypy knows its type).

Runs against any OpenAI-protocol server::

    export OPENAI_API_KEY=sk-...                      # not needed by most local servers
    export OPENAI_BASE_URL=http://localhost:8000/v1   # omit for api.openai.com
    export OPENAI_MODEL=...                           # optional, default gpt-4o-mini
    python examples/structured_output.py
"""

from __future__ import annotations

import os
from typing import TypedDict

import attrs

from lcel.openai import ChatOpenAI
from lcel.prompts import ChatPromptTemplate


@attrs.frozen
class Person:
    """Someone mentioned in the text."""

    name: str
    age: int
    city: str | None = None


class Sentiment(TypedDict):
    """How the text feels."""

    label: str
    score: float


TEXT = "Ada Lovelace, 36, wrote the first program in London."


def main() -> None:
    model = ChatOpenAI(model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), temperature=0)
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Extract the requested data from the user's text."), ("human", "{text}")]
    )
    extract = prompt | model.with_structured_output(Person)
    person = extract.invoke({"text": TEXT})  # mypy: Person
    print("person:", person)
    print(f"{person.name} is {person.age} (next year {person.age + 1})")
    feel = prompt | model.with_structured_output(Sentiment, method="function_calling")
    sentiment = feel.invoke({"text": TEXT})  # mypy: Sentiment
    print(f"sentiment: {sentiment['label']} ({sentiment['score']:.2f})")
    model.close()


if __name__ == "__main__":
    main()
