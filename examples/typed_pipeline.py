"""A typed pipeline: mypy checks every ``|`` and infers the type of the whole.

``a | b`` type-checks only when ``a``'s output type fits ``b``'s input type, and the result is
``Runnable[A_in, B_out]``: the annotations below are inferred, not asserted. Run
``mypy --strict examples/typed_pipeline.py``: it passes. Compose the steps in the wrong
order and mypy refuses the program before it ever runs:

.. code-block:: python

    shouter: Runnable[str, str] = RunnableLambda(shout)
    bad = counter | shouter        # int flows into a step that takes str
    also_bad = counter.pipe(shouter)

is rejected by ``mypy --strict`` with (verbatim)::

    error: Unsupported operand types for | ("Runnable[str, int]" and "Runnable[str, str]")  [operator]
    error: Argument 1 to "pipe" of "Runnable" has incompatible type "Runnable[str, str]"; expected "Runnable[int, str]"  [arg-type]

and ``n: int = chain.invoke({"topic": "bears"})`` on the joke chain (whose output is ``str``)
with::

    error: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]
"""  # noqa: E501 (mypy's messages, quoted verbatim)

from __future__ import annotations

from typing import TypedDict

from lcel import Runnable, RunnableLambda, RunnableParallel
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate


class Stats(TypedDict):
    words: int
    shout: str


def words(text: str) -> list[str]:
    return text.split()


def count(items: list[str]) -> int:
    return len(items)


def shout(text: str) -> str:
    return text.upper()


def describe(n: int) -> str:
    return f"{n} words"


counter: Runnable[str, int] = RunnableLambda(words) | RunnableLambda(count)
report: Runnable[str, str] = counter | RunnableLambda(describe)
both = RunnableParallel(words=counter, shout=RunnableLambda(shout))

class JokeRequest(TypedDict):
    """What the joke chain takes: the plugin checks it against the prompt's variables."""

    topic: str


joke_chain: Runnable[JokeRequest, str] = (
    ChatPromptTemplate.from_template("tell me a joke about {topic}")
    | FakeListChatModel(responses=["Why don't bears wear shoes? Bear feet!"])
    | StrOutputParser()
)


def main() -> None:
    n: int = counter.invoke("the quick brown fox")
    text: str = report.invoke("the quick brown fox")
    joke: str = joke_chain.invoke({"topic": "bears"})
    print("counter:", n)
    print("report:", text)
    print("both:", both.invoke("hello typed world"))
    print("joke:", joke)
    print("input schema of counter:", counter.input_schema)
    print("output schema of report:", report.output_schema)


if __name__ == "__main__":
    main()
