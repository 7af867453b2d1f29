"""The seed's first chain, offline: a prompt, a fake chat model, a string parser.

Run it (``python examples/joke.py``) to see ``invoke``, ``stream`` and ``batch``, or use the
command line::

    lcel run examples/joke.py:chain --input '{"topic": "bears"}' --stream
"""

from __future__ import annotations

import asyncio

from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
model = FakeListChatModel(
    responses=[
        "Why don't bears wear shoes?\n\nBecause they already have bear feet!",
        "Why don't cats play poker in the wild?\n\nToo many cheetahs!",
    ]
)
chain = prompt | model | StrOutputParser()


def main() -> None:
    print("== invoke")
    print(chain.invoke({"topic": "bears"}))

    print("\n== stream")
    for chunk in chain.stream({"topic": "bears"}):
        print(chunk, end="|", flush=True)
    print()

    print("\n== batch (max_concurrency=5)")
    for joke in chain.batch([{"topic": "bears"}, {"topic": "cats"}], {"max_concurrency": 5}):
        print(repr(joke))

    print("\n== astream")

    async def show() -> None:
        async for chunk in chain.astream({"topic": "cats"}):
            print(chunk, end="", flush=True)
        print()

    asyncio.run(show())

    print("\n== schemas")
    print("input: ", chain.input_schema)
    print("output:", chain.output_schema)


if __name__ == "__main__":
    main()
