"""Plugin: a ``@tool``'s input is a TypedDict of its parameters (defaults not required; a
one-parameter tool also takes that argument alone)."""

from typing import reveal_type

from lcel.tools import Tool, tool


@tool
def mul(a: int, b: int = 2) -> int:
    """Multiply."""
    return a * b


@tool(name="count")
def count(text: str) -> int:
    """Count characters."""
    return len(text)


def divide(*, a: int, b: int = 1) -> float:
    """Divide."""
    return a / b


reveal_type(mul)  # R: lcel.tools.Tool[int, TypedDict({'a'=: int, 'b'?=: int})]
reveal_type(count)  # R: lcel.tools.Tool[int, TypedDict({'text'=: str}) | str]
div = Tool.from_function(divide)
reveal_type(div)  # R: lcel.tools.Tool[float, TypedDict({'a'=: int, 'b'?=: int})]
mul.invoke({"a": 1})
count.invoke("some text")
