"""A tool takes a dict of arguments or a str; its output has the function's return type."""

from lcel import RunnableLambda
from lcel.tools import tool


@tool
def some_tool(x: int, y: str) -> dict[str, object]:
    """Some_tool."""
    return {"x": x, "y": y}


def takes_int(n: int) -> int:
    return n


some_tool.invoke(3)  # E: [arg-type]
n: int = some_tool.invoke({"x": 1, "y": "2"})  # E: [assignment]
bad = some_tool | RunnableLambda(takes_int)  # E: [arg-type]
tool("a", name="b")  # E: [call-overload]
