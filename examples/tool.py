"""A tool: a typed function whose arguments are checked against a JSON Schema.

``@tool`` turns the function into a runnable (run type ``tool``): its name is the
function's, its description the docstring, and its argument schema comes from the
signature. It composes like any runnable::

    lcel run examples/tool.py:some_tool --input '{"x": 1, "y": "2"}'
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, TypedDict

from lcel import RunnableLambda
from lcel.errors import InputValidationError
from lcel.tools import tool


@tool
def some_tool(x: int, y: str) -> dict[str, object]:
    """Some_tool."""
    return {"x": x, "y": y}


@tool
def multiply(a: int, b: Annotated[int, "the second factor"] = 2) -> int:
    """Multiply two integers."""
    return a * b


# A tool inside a chain: parse "a*b" text into arguments, then multiply.
class Product(TypedDict):
    """The tool's arguments: the lcel mypy plugin checks them against its parameters."""

    a: int
    b: int


def parse_product(text: str) -> Product:
    a, b = text.split("*")
    return {"a": int(a), "b": int(b)}


calculator = RunnableLambda(parse_product) | multiply


async def show_events() -> None:
    async for event in some_tool.astream_events({"x": 1, "y": "2"}, version="v2"):
        print(event["event"], event["name"], event["data"])


def main() -> None:
    print("name:", some_tool.name)
    print("description:", some_tool.description)
    print("args schema:", json.dumps(some_tool.args_schema, sort_keys=True))
    print("invoke:", some_tool.invoke({"x": 1, "y": "2"}))
    print("default argument:", multiply.invoke({"a": 21}))
    print("in a chain:", calculator.invoke("6*7"))
    try:
        multiply.invoke({"a": "three"})  # type: ignore[typeddict-item]  # mypy rejects it too
    except InputValidationError as error:
        print("rejected:", error)
    print("events:")
    asyncio.run(show_events())


if __name__ == "__main__":
    main()
