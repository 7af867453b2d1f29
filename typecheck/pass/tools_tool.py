"""`@tool` keeps the function's return type: `Tool[Out]`, fed a dict of arguments or a str."""

import asyncio
from typing import TypedDict, reveal_type

from lcel import Runnable, RunnableLambda
from lcel.tools import Tool, tool


@tool
def some_tool(x: int, y: str) -> dict[str, object]:
    """Some_tool."""
    return {"x": x, "y": y}


@tool("search", description="Look a query up.")
async def search(query: str) -> list[str]:
    return [query]


@tool(name="count")
def count(text: str) -> int:
    """Count characters."""
    return len(text)


def plain(a: int, b: int = 1) -> float:
    """Divide."""
    return a / b


class SomeToolArgs(TypedDict):
    x: int
    y: str


def arguments(n: int) -> SomeToolArgs:
    return {"x": n, "y": str(n)}


reveal_type(some_tool)  # R: lcel.tools.Tool[dict[str, object], TypedDict({'x'=: int, 'y'=: str})]
reveal_type(some_tool.invoke({"x": 1, "y": "2"}))  # R: dict[str, object]
reveal_type(search)  # R: lcel.tools.Tool[list[str], TypedDict({'query'=: str}) | str]
reveal_type(search.invoke("lcel"))  # R: list[str]
reveal_type(count)  # R: lcel.tools.Tool[int, TypedDict({'text'=: str}) | str]
reveal_type(Tool.from_function(plain))  # R: lcel.tools.Tool[float, TypedDict({'a'=: int, 'b'?=: int})]
reveal_type(Tool.from_function(search.func, name="s", description="d"))  # R: lcel.tools.Tool[Any, typing.Mapping[str, Any] | str]


async def main() -> None:
    found = await search.ainvoke({"query": "q"})
    reveal_type(found)  # R: list[str]


asyncio.run(main())

chain = RunnableLambda(arguments) | some_tool
reveal_type(chain)  # R: lcel._runnable.Runnable[int, dict[str, object]]
after = count | RunnableLambda(lambda n: n * 2)
reveal_type(after)  # R: lcel._runnable.Runnable[TypedDict({'text'=: str}) | str, int]
as_runnable: Runnable[SomeToolArgs, object] = some_tool
wide: Runnable[str, int] = count  # a one-argument tool also takes its argument alone
reveal_type(some_tool.batch([{"x": 1, "y": "a"}]))  # R: list[dict[str, object]]
