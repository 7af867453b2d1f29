from typing import reveal_type

from lcel.tools import Tool, tool


@tool
async def fetch(url: str, timeout: float = 1.0) -> bytes:
    """Fetch."""
    return b""


@tool("my_add", description="adds")
def add(a: int, b: int) -> int:
    """Add."""
    return a + b


@tool(name="mul")
def mul(a: int, *, factor: int = 2) -> int:
    """Mul."""
    return a * factor


@tool
def opt(q: str, n: int | None = None) -> list[str]:
    """Opt."""
    return []


reveal_type(fetch.invoke({"url": "x"}))  # R: bytes
reveal_type(add.invoke({"a": 1, "b": 2}))  # R: int
reveal_type(mul.invoke({"a": 1}))  # R: int
reveal_type(mul.invoke({"a": 1, "factor": 3}))  # R: int
reveal_type(opt.invoke({"q": "x", "n": None}))  # R: list[str]
t = Tool.from_function(lambda s: s, name="echo", description="echo")

